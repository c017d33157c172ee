"""Calendars that follow the programme (issue 11.4): a session's new time or room reaches the
calendars of everyone with a place as an RFC 5546 REQUEST with the confirmation's UID and a higher
SEQUENCE; a cancelled registration sends a CANCEL. Tested by parsing what is sent."""

import datetime

import icalendar
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from g40events.permissions import ORGANISERS_GROUP
from registrations import services
from sessions.models import Session
from tests.registrations.helpers import later, open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    event = open_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21), venue_name="Stadhuis")
    social = signup_session(
        event, title="Sociale pijler", location="Raadzaal", capacity=1,
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 15),
    )  # fmt: skip
    return event, social


def organiser_saves(session: Session, **changes) -> list[str]:
    """Save the session as an organiser does on its admin page; returns the messages shown."""
    model_admin = admin.site._registry[Session]
    request = RequestFactory().post("/beheer/")
    request.user = User.objects.get_or_create(username="organisator", is_staff=True, is_superuser=True)[0]
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    form_class = model_admin.get_form(request, session, change=True)
    data = {
        name: [item.pk for item in value] if isinstance(value, list) else value
        for name, value in model_to_dict(session, fields=list(form_class.base_fields)).items()
        if value is not None
    }
    data.update(changes)
    form = form_class(data, instance=session)
    assert form.is_valid(), form.errors
    obj = form.save(commit=False)
    model_admin.save_model(request, obj, form, change=True)
    form.save_m2m()
    return [str(message) for message in get_messages(request)]


def calendar_of(message, filename):
    # Other apps may attach MIME parts of their own (check-in's code): read the named files only.
    files = [part for part in message.attachments if isinstance(part, tuple)]
    ((content, mimetype),) = [(c, m) for name, c, m in files if name == filename]
    return icalendar.Calendar.from_ical(content), mimetype


def test_a_new_time_and_room_reach_the_calendar_of_everyone_with_a_place(
    programme, django_capture_on_commit_callbacks
):
    event, social = programme
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [social], name="Anna", email="anna@dordrecht.example")
        sign_up(event, [social], name="Bram", email="bram@dordrecht.example")  # waiting list
    confirmation = next(m for m in mail.outbox if m.to == ["anna@dordrecht.example"])
    first, _ = calendar_of(confirmation, "netwerkdag.ics")
    (first_entry,) = [c for c in first.walk("VEVENT") if str(c["summary"]) == "Sociale pijler"]
    mail.outbox.clear()

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        shown = organiser_saves(social, start_time="11:30", end_time="12:45", location="Burgerzaal")

    assert shown == ["1 deelnemer van “Sociale pijler” krijgt de wijziging per e-mail, voor de agenda."]
    (update,) = mail.outbox
    assert update.to == ["anna@dordrecht.example"]
    assert update.subject == "Gewijzigd: Sociale pijler"
    assert update.body.startswith(
        "Beste Anna,\n\nDe sessie “Sociale pijler” van Netwerkdag Dordrecht is gewijzigd. Zo staat ze nu in "
        "het programma:\ndonderdag 21 november 2030, 11:30–12:45, Burgerzaal\n"
    )
    calendar, mimetype = calendar_of(update, "wijziging.ics")
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == str(first_entry["UID"]) == f"session-{social.pk}@127.0.0.1"
    assert int(entry["SEQUENCE"]) > int(first_entry["SEQUENCE"])
    assert entry.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z") == "2030-11-21 11:30 CET"
    assert entry.decoded("dtend").strftime("%H:%M") == "12:45"
    assert str(entry["LOCATION"]) == "Burgerzaal, Stadhuis"
    assert str(entry["ORGANIZER"]) == "mailto:netwerkdag@g40steden.nl"
    assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"
    assert entry["ATTENDEE"].params["CN"] == "Anna"


def test_a_change_the_calendar_does_not_hold_sends_nothing(programme, django_capture_on_commit_callbacks):
    event, social = programme
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [social], name="Anna", email="anna@dordrecht.example")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        shown = organiser_saves(social, capacity=5)

    assert shown == []
    assert mail.outbox == []


def test_a_cancelled_registration_sends_a_cancel_for_the_entries_of_its_confirmation(
    programme, django_capture_on_commit_callbacks
):
    event, social = programme
    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(event, [social], name="Anna", email="anna@dordrecht.example")
    first, _ = calendar_of(mail.outbox[0], "netwerkdag.ics")
    sequences = {str(c["UID"]): int(c["SEQUENCE"]) for c in first.walk("VEVENT")}
    mail.outbox.clear()

    with later(minutes=1), django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)

    (message,) = mail.outbox
    assert message.subject == "Je bent afgemeld voor Netwerkdag Dordrecht"
    calendar, mimetype = calendar_of(message, "afmelding.ics")
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    entries = {str(c["UID"]): c for c in calendar.walk("VEVENT")}
    assert set(entries) == set(sequences) == {f"event-{event.pk}@127.0.0.1", f"session-{social.pk}@127.0.0.1"}
    for uid, entry in entries.items():
        assert str(entry["STATUS"]) == "CANCELLED"
        assert int(entry["SEQUENCE"]) > sequences[uid]
        assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"


def test_a_new_time_and_room_on_the_programme_screen_reach_the_calendars_too(
    programme, client, django_capture_on_commit_callbacks
):
    event, social = programme
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [social], name="Anna", email="anna@dordrecht.example")
        sign_up(event, [social], name="Bram", email="bram@dordrecht.example")  # waiting list
    confirmation = next(m for m in mail.outbox if m.to == ["anna@dordrecht.example"])
    first, _ = calendar_of(confirmation, "netwerkdag.ics")
    (first_entry,) = [c for c in first.walk("VEVENT") if str(c["summary"]) == "Sociale pijler"]
    mail.outbox.clear()
    organiser = User.objects.create_user("olga", password="x", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)
    url = reverse("admin:programme_session_programme", args=[event.pk]) + f"?sessie={social.pk}"

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "start_time": "13:00",
                "end_time": "14:00",
                "title": "Sociale pijler",
                "kind": "parallel",
                "location": "Zaal 9",
                "takes_registrations": "on",
                "capacity": "1",
            },
            follow=True,
        )

    assert [str(m) for m in response.context["messages"]] == [
        "1 deelnemer van “Sociale pijler” krijgt de wijziging per e-mail, voor de agenda.",
        "“Sociale pijler” is opgeslagen.",
    ]
    (update,) = mail.outbox
    assert (update.to, update.subject) == (["anna@dordrecht.example"], "Gewijzigd: Sociale pijler")
    assert "donderdag 21 november 2030, 13:00–14:00, Zaal 9\n" in update.body
    calendar, mimetype = calendar_of(update, "wijziging.ics")
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(calendar["METHOD"]) == "REQUEST"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == str(first_entry["UID"]) == f"session-{social.pk}@127.0.0.1"
    assert int(entry["SEQUENCE"]) > int(first_entry["SEQUENCE"])
    assert entry.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z") == "2030-11-21 13:00 CET"
    assert entry.decoded("dtend").strftime("%H:%M") == "14:00"
    assert str(entry["LOCATION"]) == "Zaal 9, Stadhuis"
