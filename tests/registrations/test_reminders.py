"""Reminders that free places (issue 11.3): N days before the day, once per person, with their
sessions, their .ics and an "Ik kan toch niet" link that cancels after one confirmation screen."""

import datetime
import io

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import EmailLog, Registration
from tests.registrations.helpers import open_event, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db

DAY = datetime.date(2030, 11, 21)


@pytest.fixture
def dordrecht():
    event = open_event(title="Netwerkdag Dordrecht", date=DAY, venue_name="Stadhuis Dordrecht")
    tour = signup_session(
        event, title="Havenwandeling", kind="tour", capacity=1, location="Hoofdingang",
        start_time=datetime.time(12, 25), end_time=datetime.time(13, 5),
    )  # fmt: skip
    return event, tour


def remind(today: datetime.date) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("g40events.clock.today", lambda: today)
        call_command("send_reminders", stdout=out)
    return out.getvalue().strip()


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Herinnering")]


def test_reminder_goes_three_days_before_once_with_sessions_calendar_and_cancel_link(
    dordrecht, django_capture_on_commit_callbacks
):
    event, tour = dordrecht
    anna = sign_up(event, [tour], name="Anna", email="anna@dordrecht.example")
    sign_up(event, [tour], name="Bram", email="bram@dordrecht.example")  # waiting
    cancelled = sign_up(event, name="Cees", email="cees@dordrecht.example")
    services.cancel(registration=cancelled)
    anonymised = sign_up(event, name="Dirk", email="dirk@dordrecht.example")
    Registration.objects.filter(pk=anonymised.pk).update(anonymised_at=timezone.now())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DAY - datetime.timedelta(days=4)) == "Queued 0 reminder(s)."
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DAY - datetime.timedelta(days=3)) == "Queued 2 reminder(s)."
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DAY - datetime.timedelta(days=2)) == "Queued 0 reminder(s)."

    assert sorted(m.to[0] for m in reminders()) == ["anna@dordrecht.example", "bram@dordrecht.example"]
    message = next(m for m in reminders() if m.to == ["anna@dordrecht.example"])
    assert message.subject == "Herinnering: Netwerkdag Dordrecht"
    assert message.body.startswith(
        "Beste Anna,\n\nTot binnenkort! Je bent aangemeld voor Netwerkdag Dordrecht op donderdag 21 november 2030."
    )
    assert "- 12:25–13:05 Havenwandeling (Hoofdingang)\n" in message.body
    cancel_url = f"http://127.0.0.1:8000/aanmelding/{anna.manage_token}/afmelden/"
    assert (
        "Kun je toch niet komen? Meld je dan af met deze link, dan gaat je plaats naar wie op de "
        f"wachtlijst staat:\n{cancel_url}\n" in message.body
    )
    html = message.alternatives[0][0]
    assert f'<a href="{cancel_url}" style="color: #1f3f6b; font-weight: bold;">Ik kan toch niet</a>' in html
    ((filename, content, mimetype),) = [a for a in message.attachments if isinstance(a, tuple)]
    assert (filename, mimetype) == ("netwerkdag.ics", "text/calendar")
    summaries = [str(c["summary"]) for c in icalendar.Calendar.from_ical(content).walk("VEVENT")]
    assert summaries == ["Netwerkdag Dordrecht", "Havenwandeling"]
    waiting = next(m for m in reminders() if m.to == ["bram@dordrecht.example"])
    assert "- 12:25–13:05 Havenwandeling (plaats 1 op de wachtlijst)\n" in waiting.body
    assert EmailLog.objects.filter(kind="reminder").count() == 2


def test_no_reminder_on_the_day_for_late_sign_ups_or_when_switched_off(
    dordrecht, django_capture_on_commit_callbacks
):
    event, tour = dordrecht
    sign_up(event, name="Vroeg", email="vroeg@dordrecht.example")
    Registration.objects.update(created_at=timezone.make_aware(datetime.datetime(2030, 11, 1, 12)))
    late = sign_up(event, name="Laat", email="laat@dordrecht.example")
    Registration.objects.filter(pk=late.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2030, 11, 19, 9))
    )
    mail.outbox.clear()

    assert remind(DAY) == "Queued 0 reminder(s)."  # the day itself: too late
    with django_capture_on_commit_callbacks(execute=True):
        assert remind(DAY - datetime.timedelta(days=1)) == "Queued 1 reminder(s)."  # catching up
    assert [m.to for m in reminders()] == [["vroeg@dordrecht.example"]]

    other = open_event(title="Zonder herinnering", date=DAY, reminder_days_before=0)
    sign_up(other, email="iemand@dordrecht.example")
    Registration.objects.filter(event=other).update(
        created_at=timezone.make_aware(datetime.datetime(2030, 11, 1))
    )
    assert remind(DAY - datetime.timedelta(days=1)) == "Queued 0 reminder(s)."


def test_cant_come_link_asks_once_then_cancels_and_promotes_the_first_waiting(
    client, dordrecht, django_capture_on_commit_callbacks
):
    event, tour = dordrecht
    anna = sign_up(event, [tour], name="Anna", email="anna@dordrecht.example")
    sign_up(event, [tour], name="Bram", email="bram@dordrecht.example")
    sign_up(event, [tour], name="Carla", email="carla@dordrecht.example")
    url = reverse("registrations:cancel", kwargs={"token": anna.manage_token})

    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "<h1>Afmelden voor Netwerkdag Dordrecht</h1>" in text
    assert "<li>12:25–13:05 Havenwandeling</li>" in text
    assert '<button type="submit">Ja, meld me af</button>' in text
    anna.refresh_from_db()
    assert anna.status == "active"  # opening the link changes nothing

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)

    anna.refresh_from_db()
    assert anna.status == "cancelled"
    assert statuses(tour) == {"confirmed": ["Bram"], "waiting": ["Carla"]}
    assert "Je bent afgemeld. Je plaatsen gaan naar wie op de wachtlijst stond" in response.content.decode()
    assert sorted(m.subject for m in mail.outbox) == [
        "Er is plaats voor je: Havenwandeling",
        "Je bent afgemeld voor Netwerkdag Dordrecht",
    ]
    # Opened again: nothing more happens.
    again = client.get(url, follow=True).content.decode()
    assert "Je bent al afgemeld. Hier vind je je aanmelding." in again


def test_cant_come_link_refuses_a_forged_token(client, dordrecht):
    event, tour = dordrecht
    anna = sign_up(event, [tour], name="Anna", email="anna@dordrecht.example")

    response = client.post(reverse("registrations:cancel", kwargs={"token": anna.manage_key + ".vervalst"}))

    assert response.status_code == 404
    anna.refresh_from_db()
    assert anna.status == "active"
