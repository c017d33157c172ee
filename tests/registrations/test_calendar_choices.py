"""The calendar follows the person's own choices: a change of sessions sends a REQUEST for what they
keep or add and a CANCEL for the confirmed places they dropped (two attachments: one iCalendar object
carries one METHOD); a cancellation cancels the day and only the person's own sessions. Tested by
parsing the attachments of the mails that are sent."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from registrations import services
from registrations.forms import ChangeSessionsForm
from registrations.models import EmailLog
from tests.public.helpers import page_text
from tests.registrations.helpers import later, open_event, sign_up, signup_session
from tests.registrations.test_admin import organiser
from tests.registrations.test_calendar_updates import calendar_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(django_capture_on_commit_callbacks):
    """Anna has places in the social pillar and the walk, and waits for the physical pillar (full)."""
    event = open_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21), venue_name="Stadhuis")
    social = signup_session(
        event, title="Sociale pijler", location="Raadzaal",
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 15),
    )  # fmt: skip
    economy = signup_session(
        event, title="Economische pijler", location="Burgerzaal",
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 15),
    )  # fmt: skip
    tour = signup_session(
        event, title="Havenwandeling", kind="tour",
        start_time=datetime.time(12, 30), end_time=datetime.time(13, 15),
    )  # fmt: skip
    physical = signup_session(
        event, title="Fysieke pijler", capacity=1,
        start_time=datetime.time(14, 0), end_time=datetime.time(15, 0),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [physical], name="Bram", email="bram@dordrecht.example")
        anna = sign_up(event, [social, tour, physical], name="Anna", email="anna@dordrecht.example")
    confirmation = next(m for m in mail.outbox if m.to == ["anna@dordrecht.example"])
    first, _ = calendar_of(confirmation, "netwerkdag.ics")
    mail.outbox.clear()
    return {
        "event": event,
        "social": social,
        "economy": economy,
        "tour": tour,
        "physical": physical,
        "anna": anna,
        "sent": {str(c["UID"]): int(c["SEQUENCE"]) for c in first.walk("VEVENT")},
    }


def uid(obj) -> str:
    kind = "session" if hasattr(obj, "takes_registrations") else "event"
    return f"{kind}-{obj.pk}@127.0.0.1"


def slots_for(form, *sessions) -> dict[str, str]:
    """The change form's fields, with each given session chosen in its slot and the rest empty."""
    chosen = {session.pk for session in sessions}
    data = {}
    for slot in form.slots:
        data[slot.field_name] = next((str(s.pk) for s in slot.sessions if s.pk in chosen), "")
    return data


def assert_change_mail_calendars(day, message, *, kept, dropped):
    request, mimetype = calendar_of(message, "netwerkdag.ics")
    assert mimetype == "text/calendar; method=REQUEST"
    assert str(request["METHOD"]) == "REQUEST"
    entries = request.walk("VEVENT")
    assert [str(entry["UID"]) for entry in entries] == [uid(day["event"]), *[uid(s) for s in kept]]
    assert [str(entry["SUMMARY"]) for entry in entries] == ["Netwerkdag Dordrecht", *[s.title for s in kept]]
    for entry in entries:
        assert str(entry["STATUS"]) == "CONFIRMED"
        assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"
        assert str(entry["ORGANIZER"]) == "mailto:netwerkdag@g40steden.nl"
        if str(entry["UID"]) in day["sent"]:
            assert int(entry["SEQUENCE"]) > day["sent"][str(entry["UID"])]

    cancel, mimetype = calendar_of(message, "afgemeld.ics")
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(cancel["METHOD"]) == "CANCEL"
    entries = cancel.walk("VEVENT")
    assert [str(entry["UID"]) for entry in entries] == [uid(s) for s in dropped]
    for entry in entries:
        # The UID of the confirmation's entry, and a SEQUENCE above it.
        assert int(entry["SEQUENCE"]) > day["sent"][str(entry["UID"])]
        assert str(entry["STATUS"]) == "CANCELLED"
        assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"
        assert str(entry["ORGANIZER"]) == "mailto:netwerkdag@g40steden.nl"
    return request, cancel


def test_dropped_sessions_leave_the_calendar_when_the_registrant_changes_on_the_personal_page(
    client, day, django_capture_on_commit_callbacks
):
    anna = day["anna"]
    url = anna.get_absolute_url()
    assert client.get(url).status_code == 200
    form = ChangeSessionsForm(registration=anna)  # the page's form (Jinja2 keeps no context)

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "change", **slots_for(form, day["economy"])})

    assert response.status_code == 302
    (message,) = [m for m in mail.outbox if m.to == ["anna@dordrecht.example"]]
    assert message.subject == "Je keuzes voor Netwerkdag Dordrecht zijn gewijzigd"
    # Kept or added: the day and the economy pillar. Dropped from the calendar: the social pillar and
    # the walk; not the physical pillar, whose waiting place was never in it.
    assert_change_mail_calendars(day, message, kept=[day["economy"]], dropped=[day["social"], day["tour"]])
    assert (
        "De bijlage netwerkdag.ics zet de dag en je sessies met een plaats in je agenda, of werkt ze daar bij.\n"
        "De bijlage afgemeld.ics haalt de sessies die je niet meer hebt uit je agenda:\n"
        "- 11:00–12:15 Sociale pijler\n"
        "- 12:30–13:15 Havenwandeling\n"
    ) in message.body
    html = message.alternatives[0][0]
    assert "<li>11:00–12:15 Sociale pijler</li><li>12:30–13:15 Havenwandeling</li>" in html
    log = EmailLog.objects.get(registration=anna, kind=EmailLog.Kind.CHANGE)
    assert sorted(log.calendar_cancellations.values_list("title", flat=True)) == [
        "Havenwandeling",
        "Sociale pijler",
    ]
    # Nobody moved up: Anna gave up only a waiting place in the physical pillar, and her places in the
    # social pillar and the walk had nobody waiting.
    assert [m.to for m in mail.outbox] == [["anna@dordrecht.example"]]


def test_dropped_sessions_leave_the_calendar_when_an_organiser_changes_them_in_the_admin(
    client, day, django_capture_on_commit_callbacks
):
    organiser(client)
    anna = day["anna"]
    url = reverse("admin:registrations_registration_sessions", args=[anna.pk])
    form = client.get(url).context["sessions_form"]

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {**slots_for(form, day["social"], day["physical"]), "change": "Sessies opslaan"}
        )

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["anna@dordrecht.example"]
    assert_change_mail_calendars(day, message, kept=[day["social"]], dropped=[day["tour"]])
    assert "- 12:30–13:15 Havenwandeling\n" in message.body
    # The e-mail log shows what the message took out of the calendar.
    log = EmailLog.objects.get(registration=anna, kind=EmailLog.Kind.CHANGE)
    page = page_text(client.get(reverse("admin:registrations_emaillog_change", args=[log.pk])))
    assert "Sessies uit de agenda gehaald: Havenwandeling" in page


def test_a_change_that_drops_no_confirmed_place_sends_only_the_request(
    day, django_capture_on_commit_callbacks
):
    anna = day["anna"]

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        services.change_sessions(registration=anna, session_ids=[day["social"].pk, day["tour"].pk])

    (message,) = mail.outbox
    files = [name for name, _content, _mimetype in (p for p in message.attachments if isinstance(p, tuple))]
    assert files == ["netwerkdag.ics"]
    request, mimetype = calendar_of(message, "netwerkdag.ics")
    assert mimetype == "text/calendar; method=REQUEST"
    assert [str(e["UID"]) for e in request.walk("VEVENT")] == [
        uid(day["event"]),
        uid(day["social"]),
        uid(day["tour"]),
    ]
    assert "afgemeld.ics" not in message.body


def test_a_session_chosen_again_after_dropping_it_comes_back_with_a_higher_sequence(
    day, django_capture_on_commit_callbacks
):
    anna, social, tour = day["anna"], day["social"], day["tour"]
    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        services.change_sessions(registration=anna, session_ids=[tour.pk])
    cancel, _ = calendar_of(mail.outbox[-1], "afgemeld.ics")
    (cancelled,) = cancel.walk("VEVENT")
    mail.outbox.clear()

    with later(minutes=10), django_capture_on_commit_callbacks(execute=True):
        services.change_sessions(registration=anna, session_ids=[social.pk, tour.pk])

    (message,) = mail.outbox
    request, _ = calendar_of(message, "netwerkdag.ics")
    (back,) = [e for e in request.walk("VEVENT") if str(e["UID"]) == uid(social)]
    assert str(cancelled["UID"]) == uid(social)
    assert int(back["SEQUENCE"]) > int(cancelled["SEQUENCE"])
    assert [name for name, *_rest in (p for p in message.attachments if isinstance(p, tuple))] == [
        "netwerkdag.ics"
    ]


def test_a_change_mail_sent_after_the_session_was_chosen_again_does_not_cancel_it(
    day, django_capture_on_commit_callbacks
):
    anna, social, tour = day["anna"], day["social"], day["tour"]
    with django_capture_on_commit_callbacks(execute=False) as first_change:
        services.change_sessions(registration=anna, session_ids=[tour.pk])
    with later(minutes=1), django_capture_on_commit_callbacks(execute=True):
        services.change_sessions(registration=anna, session_ids=[social.pk, tour.pk])
        for callback in first_change:  # the worker sends the first change's mail only now
            callback()

    assert [m.subject for m in mail.outbox] == ["Je keuzes voor Netwerkdag Dordrecht zijn gewijzigd"] * 2
    for message in mail.outbox:
        request, _ = calendar_of(message, "netwerkdag.ics")
        assert uid(social) in [str(e["UID"]) for e in request.walk("VEVENT")]
        assert [name for name, *_rest in (p for p in message.attachments if isinstance(p, tuple))] == [
            "netwerkdag.ics"
        ]


def test_a_cancellation_cancels_the_day_and_only_the_persons_own_sessions(
    day, django_capture_on_commit_callbacks
):
    anna = day["anna"]

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)

    message = next(m for m in mail.outbox if m.to == ["anna@dordrecht.example"])
    calendar, mimetype = calendar_of(message, "afmelding.ics")
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    entries = calendar.walk("VEVENT")
    # Not the economy pillar (never chosen) nor the physical pillar (only a waiting place).
    assert [str(e["UID"]) for e in entries] == [uid(day["event"]), uid(day["social"]), uid(day["tour"])]
    assert [str(e["SUMMARY"]) for e in entries] == [
        "Netwerkdag Dordrecht",
        "Sociale pijler",
        "Havenwandeling",
    ]
    for entry in entries:
        assert str(entry["STATUS"]) == "CANCELLED"
        assert int(entry["SEQUENCE"]) > day["sent"][str(entry["UID"])]
        assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"


def test_a_cancellation_without_sessions_cancels_only_the_day(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21))
    signup_session(event, title="Sociale pijler")
    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(event, [], name="Anna", email="anna@dordrecht.example")
    mail.outbox.clear()

    with later(minutes=1), django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)

    (message,) = mail.outbox
    calendar, _ = calendar_of(message, "afmelding.ics")
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid(event)]


def test_a_change_mail_sent_after_the_registration_was_cancelled_carries_only_the_cancel(
    day, django_capture_on_commit_callbacks
):
    anna, social, tour = day["anna"], day["social"], day["tour"]
    with django_capture_on_commit_callbacks(execute=False) as change:
        services.change_sessions(registration=anna, session_ids=[social.pk])
    with later(minutes=1), django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)
        for callback in change:  # the worker sends the change's mail only now
            callback()

    by_subject = {m.subject: m for m in mail.outbox}
    changed = by_subject["Je keuzes voor Netwerkdag Dordrecht zijn gewijzigd"]
    files = [name for name, *_rest in (p for p in changed.attachments if isinstance(p, tuple))]
    assert files == ["afgemeld.ics"]
    cancel, _ = calendar_of(changed, "afgemeld.ics")
    assert [str(e["UID"]) for e in cancel.walk("VEVENT")] == [uid(tour)]
    assert "netwerkdag.ics" not in changed.body
    cancelled = by_subject["Je bent afgemeld voor Netwerkdag Dordrecht"]
    calendar, _ = calendar_of(cancelled, "afmelding.ics")
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid(day["event"]), uid(social)]
