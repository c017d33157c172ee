import datetime
import re
import socket

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from registrations import services
from registrations.models import EmailLog, Registration
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


def dordrecht():
    event = open_event(
        title="Ambtelijke netwerkdag Dordrecht",
        date=datetime.date(2030, 11, 21),
        venue_name="Stadhuis Dordrecht",
        venue_address="Stadhuisplein 1, Dordrecht",
        confirmation_text="Dordrecht Centraal ligt op **loopafstand**.",
    )
    social = signup_session(
        event,
        title="Sociale pijler",
        location="Raadzaal",
        start_time=datetime.time(10, 45),
        end_time=datetime.time(12, 15),
    )
    tour = signup_session(
        event, title="Lunchwandeling langs de havens", kind="tour", capacity=1,
        start_time=datetime.time(12, 25), end_time=datetime.time(13, 5),
    )  # fmt: skip
    return event, social, tour


def test_confirmation_has_text_html_the_manage_link_and_a_personal_calendar(
    django_capture_on_commit_callbacks,
):
    event, social, tour = dordrecht()
    sign_up(event, [tour], name="Eerste")
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, [social, tour], name="Anna <de> Vries", email="anna@dordrecht.example")

    message = mail.outbox[-1]
    assert message.to == ["anna@dordrecht.example"]
    assert message.subject == "Bevestiging van je aanmelding: Ambtelijke netwerkdag Dordrecht"
    assert message.body.startswith(
        "Beste Anna <de> Vries,\n\nJe bent aangemeld voor Ambtelijke netwerkdag Dordrecht op donderdag 21 november 2030."
    )
    assert "- 10:45–12:15 Sociale pijler (Raadzaal)\n" in message.body
    assert "- 12:25–13:05 Lunchwandeling langs de havens (plaats 1 op de wachtlijst)\n" in message.body
    assert "Dordrecht Centraal ligt op **loopafstand**." in message.body
    assert registration.manage_url in message.body
    assert registration.manage_url.startswith("http://127.0.0.1:8000/aanmelding/")

    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<p>Beste Anna &lt;de&gt; Vries,</p>" in html
    assert f'<a href="{registration.manage_url}"' in html
    assert "<strong>loopafstand</strong>" in html

    # The calendar; an app built on registrations may add parts of its own (check-in's QR code).
    ((filename, content, mimetype),) = [part for part in message.attachments if isinstance(part, tuple)]
    assert (filename, mimetype) == ("netwerkdag.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    entries = [
        (str(c["summary"]), c.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z"))
        for c in calendar.walk("VEVENT")
    ]
    assert entries == [
        ("Ambtelijke netwerkdag Dordrecht", "2030-11-21 09:30 CET"),
        ("Sociale pijler", "2030-11-21 10:45 CET"),
    ]
    day = calendar.walk("VEVENT")[0]
    assert registration.manage_url in str(day["description"])
    assert str(day["location"]) == "Stadhuis Dordrecht, Stadhuisplein 1, Dordrecht"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Amsterdam"
    log = EmailLog.objects.get(registration=registration)
    assert (log.kind, log.status, log.attempts) == ("confirmation", "sent", 1)


def test_promotion_mail_names_the_session_and_carries_the_new_calendar(django_capture_on_commit_callbacks):
    event, social, tour = dordrecht()
    first = sign_up(event, [tour], name="Eerste")
    second = sign_up(event, [tour], name="Tweede", email="tweede@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=first)

    promotion = next(m for m in mail.outbox if m.to == ["tweede@example.org"])
    assert promotion.subject == "Er is plaats voor je: Lunchwandeling langs de havens"
    assert "Goed nieuws: er is een plaats vrijgekomen in “Lunchwandeling langs de havens”." in promotion.body
    assert "- 12:25–13:05 Lunchwandeling langs de havens\n" in promotion.body
    calendar = icalendar.Calendar.from_ical(promotion.attachments[0][1])
    assert [str(c["summary"]) for c in calendar.walk("VEVENT")] == [
        event.title,
        "Lunchwandeling langs de havens",
    ]
    assert second.manage_url in promotion.body


def test_cancellation_mail_carries_only_a_calendar_cancellation(django_capture_on_commit_callbacks):
    event, social, tour = dordrecht()
    registration = sign_up(event, [social])

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=registration)

    (message,) = mail.outbox
    assert message.subject == "Je bent afgemeld voor Ambtelijke netwerkdag Dordrecht"
    assert "Je bent afgemeld voor Ambtelijke netwerkdag Dordrecht op 21 november 2030." in message.body
    ((filename, content, mimetype),) = [a for a in message.attachments if isinstance(a, tuple)]
    assert (filename, mimetype) == ("afmelding.ics", "text/calendar; method=CANCEL")
    assert str(icalendar.Calendar.from_ical(content)["METHOD"]) == "CANCEL"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mail_server_down_keeps_the_registration_records_the_failure_and_resend_works(
    client, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", closed_port(), 2
    event, social, tour = dordrecht()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registrations:register", kwargs={"slug": event.slug}),
            {
                "name": "Anna",
                "email": "anna@example.org",
                "organisation_other": "Gemeente Dordrecht",
                "consent": "on",
                "slot_1": str(social.pk),
            },
        )

    assert response.status_code == 302
    registration = Registration.objects.get()
    log = EmailLog.objects.get()
    assert (log.status, log.attempts, log.registration) == ("failed", 1, registration)
    assert log.error.startswith("ConnectionRefusedError")
    assert "was not sent, attempt 1; retried in 0:05:00" in caplog.text

    # The organiser sees the failure in the admin and sends it again once the server is back.
    admin_user = User.objects.create_superuser("organisator", "o@example.org", "wachtwoord-123")
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    assert "1 e-mail aan deelnemers kon niet worden verzonden." in changelist
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:registrations_emaillog_changelist"),
            {"action": "resend", "_selected_action": [log.pk]},
            follow=True,
        )
    assert "1 e-mail staat klaar om opnieuw te worden verzonden" in response.content.decode()
    log.refresh_from_db()
    assert (log.status, log.attempts, log.error) == ("sent", 2, "")
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]


def test_message_ids_name_the_sites_host_not_the_machine(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://netwerkdagen.g40steden.nl"
    event, social, tour = dordrecht()

    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(event, [social], name="Anna", email="anna@dordrecht.example")
        bram = sign_up(event, [social], name="Bram", email="bram@dordrecht.example")

    ids = [message.message()["Message-ID"] for message in mail.outbox]
    assert [message.to for message in mail.outbox] == [[anna.email], [bram.email]]
    assert all(re.fullmatch(r"<[^@<>\s]+@netwerkdagen\.g40steden\.nl>", id_) for id_ in ids), ids
    assert ids[0] != ids[1]
