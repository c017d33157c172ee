"""Titles and names on one line: control characters are refused where people type them, and a mail
subject stays one line whatever a stored title holds."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from g40events.models import Event
from g40events.oneline import single_line
from registrations import services
from sessions.models import Session
from tests.factories import make_event, make_session, make_speaker
from tests.registrations.helpers import open_event, signup_session
from tests.registrations.test_admin import form_data_from, organiser

pytestmark = pytest.mark.django_db

REFUSED = (
    "Gebruik hier geen regeleinde, tab of ander onzichtbaar stuurteken: de tekst moet op één regel staan "
    "(hij komt ook in de onderwerpregel van e-mails)."
)


@pytest.mark.parametrize(
    "title", ["Netwerkdag\nDordrecht", "Netwerkdag\tDordrecht", "Netwerkdag\u2028Dordrecht"]
)
def test_an_event_title_with_a_control_character_is_refused_with_a_dutch_message(title):
    event = make_event()
    event.title = title

    with pytest.raises(ValidationError) as error:
        event.full_clean()

    assert error.value.message_dict == {"title": [REFUSED]}


def test_session_title_location_and_speaker_name_refuse_line_breaks():
    session = make_session(title="Woningmarkt", location="Raadzaal")
    session.title, session.location = "Woning\nmarkt", "Raad\rzaal"
    speaker = make_speaker(name="Femke de Vries")
    speaker.name = "Femke\nBcc: iedereen@example.org"

    with pytest.raises(ValidationError) as session_error:
        session.full_clean()
    with pytest.raises(ValidationError) as speaker_error:
        speaker.full_clean()

    assert session_error.value.message_dict == {"title": [REFUSED], "location": [REFUSED]}
    assert speaker_error.value.message_dict == {"name": [REFUSED]}


def test_the_session_admin_refuses_a_title_with_a_line_break_and_saves_nothing(client):
    session = make_session(title="Woningmarkt")
    organiser(client)
    url = reverse("admin:programme_session_change", args=[session.pk])
    data = form_data_from(client.get(url))
    data["title"] = "Woningmarkt\nvan morgen"

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"title": [REFUSED]}
    assert REFUSED in response.content.decode()
    assert Session.objects.get(pk=session.pk).title == "Woningmarkt"


def test_a_stored_title_with_a_line_break_still_gives_a_one_line_mail_subject(
    settings, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt", capacity=0)
    # Stored before titles were checked, or by a script: no validator ran.
    Event.objects.filter(pk=event.pk).update(title="Netwerkdag\r\nDordrecht\t2030")
    Session.objects.filter(pk=session.pk).update(title="Woning\nmarkt")
    event.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(
            event=event,
            person=services.PersonData(name="Anna", email="anna@gemeente.example"),
            session_ids=[session.pk],
        ).registration
    Session.objects.filter(pk=session.pk).update(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.fill_from_waiting_list(session=Session.objects.get(pk=session.pk))

    assert [m.subject for m in mail.outbox] == [
        "Bevestiging van je aanmelding: Netwerkdag Dordrecht 2030",
        "Er is plaats voor je: Woning markt",
    ]
    assert list(first.emails.values_list("status", flat=True)) == ["sent", "sent"]


def test_single_line_flattens_every_kind_of_line_break_and_control_character():
    assert single_line(" Netwerkdag\r\n\tDordrecht\u2028 2030\x00\x7f\x85 ") == "Netwerkdag Dordrecht 2030"
