"""An organiser takes one place away (the place inline on a registration's admin page): the first in
line moves up, and the person who lost the place is told, with a METHOD:CANCEL that takes the session
out of their calendar (same UID as their confirmation, higher SEQUENCE). A waiting-list place that is
taken away gets a short mail without calendar: it never was in their calendar."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from registrations.models import EmailLog
from tests.registrations.helpers import later, open_event, sign_up, signup_session, statuses
from tests.registrations.test_admin import form_data_from, organiser
from tests.registrations.test_calendar_updates import calendar_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session(django_capture_on_commit_callbacks):
    """Two places (Anna Bakker, Bram de Vries); Cem Yilmaz and Dirk Jansen wait, in that order."""
    event = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1), venue_name="De Reehorst")
    session = signup_session(
        event, title="Wonen in de wijk", location="Zaal 1", capacity=2,
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 0),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        people = {
            name: sign_up(event, [session], name=name, email=f"{name.split()[0].lower()}@ede.example")
            for name in ["Anna Bakker", "Bram de Vries", "Cem Yilmaz", "Dirk Jansen"]
        }
    confirmation = next(m for m in mail.outbox if m.to == ["anna@ede.example"])
    calendar, _mimetype = calendar_of(confirmation, "netwerkdag.ics")
    (entry,) = [c for c in calendar.walk("VEVENT") if str(c["SUMMARY"]) == "Wonen in de wijk"]
    mail.outbox.clear()
    return session, people, entry


def delete_the_place(client, registration):
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data_from(client.get(url))
    prefix = next(key[: -len("-TOTAL_FORMS")] for key in data if key.startswith("places") and "TOTAL" in key)
    data[f"{prefix}-0-DELETE"] = "on"
    return client.post(url, data)


def test_admin_removing_a_confirmed_place_mails_a_calendar_cancel_and_promotes_the_first_in_line(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people, confirmed_entry = full_session
    organiser(client)

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        response = delete_the_place(client, people["Anna Bakker"])

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][:2] == [
        "Anna Bakker is de plaats in “Wonen in de wijk” kwijt en krijgt een e-mail met een annulering voor "
        "de agenda.",
        "Cem Yilmaz kreeg een plaats in “Wonen in de wijk” (van de wachtlijst) en een e-mail.",
    ]
    assert statuses(session) == {"confirmed": ["Bram de Vries", "Cem Yilmaz"], "waiting": ["Dirk Jansen"]}
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("anna@ede.example", "Je plaats in “Wonen in de wijk” is vervallen"),
        ("cem@ede.example", "Er is plaats voor je: Wonen in de wijk"),
    ]
    message = mail.outbox[0]
    assert (
        "De organisatie van Netwerkdag Ede heeft je plaats in de sessie “Wonen in de wijk” laten vervallen:\n"
        "woensdag 1 mei 2030, 11:00–12:00, Zaal 1\n"
    ) in message.body
    assert "dan haalt je agenda de afspraak weg." in message.body
    assert [name for name, _content, _mimetype in message.attachments] == ["afgemeld.ics"]
    cancel, mimetype = calendar_of(message, "afgemeld.ics")
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(cancel["METHOD"]) == "CANCEL"
    (entry,) = cancel.walk("VEVENT")
    assert str(entry["UID"]) == str(confirmed_entry["UID"]) == f"session-{session.pk}@127.0.0.1"
    assert int(entry["SEQUENCE"]) > int(confirmed_entry["SEQUENCE"])
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["ATTENDEE"]) == "mailto:anna@ede.example"
    assert list(
        EmailLog.objects.filter(registration=people["Anna Bakker"])
        .values_list("kind", flat=True)
        .order_by("pk")
    ) == [EmailLog.Kind.CONFIRMATION, EmailLog.Kind.PLACE_REMOVED]


def test_admin_removing_a_waiting_list_place_mails_without_calendar_and_promotes_nobody(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people, _entry = full_session
    organiser(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = delete_the_place(client, people["Cem Yilmaz"])

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][:1] == [
        "Cem Yilmaz staat niet meer op de wachtlijst van “Wonen in de wijk” en krijgt een e-mail.",
    ]
    assert statuses(session) == {"confirmed": ["Anna Bakker", "Bram de Vries"], "waiting": ["Dirk Jansen"]}
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("cem@ede.example", "Je plaats op de wachtlijst van “Wonen in de wijk” is vervallen"),
    ]
    message = mail.outbox[0]
    assert (
        "De organisatie van Netwerkdag Ede heeft je van de wachtlijst van de sessie “Wonen in de wijk” gehaald."
    ) in message.body
    assert message.attachments == []


def test_place_removed_mail_is_in_english_for_an_english_registrant(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people, _entry = full_session
    anna = people["Anna Bakker"]
    anna.language = "en"
    anna.save(update_fields=["language"])
    organiser(client)

    with django_capture_on_commit_callbacks(execute=True):
        delete_the_place(client, anna)

    message = next(m for m in mail.outbox if m.to == ["anna@ede.example"])
    assert message.subject == "Your place in “Wonen in de wijk” has been cancelled"
    assert (
        "The organisers of Netwerkdag Ede have cancelled your place in the session “Wonen in de wijk”:"
    ) in message.body
