"""E-mail retries that cannot stall (issue 7.4): temporary failures are retried with backoff up to a
limit, permanent ones are given up at once with the reason, and send_pending_emails gets real mail
out past any number of hopeless ones."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from registrations import emails
from registrations.models import EmailLog, Registration
from tests.mailsink import MailSink, free_port
from tests.registrations.helpers import later, open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    with MailSink() as sink:
        sink.settings(settings)
        yield sink


def send_pending() -> str:
    out = io.StringIO()
    call_command("send_pending_emails", stdout=out)  # raises SystemExit on a non-zero exit
    return out.getvalue().strip()


def test_six_hundred_hopeless_mails_do_not_hold_up_a_real_one(sink):
    event = open_event(title="Netwerkdag Zwolle")
    session = signup_session(event)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    # 300 registrations anonymised since their mail failed, 300 addresses the server refuses (550).
    anonymised = Registration.objects.bulk_create(
        Registration(event=event, status="cancelled", anonymised_at=long_ago) for _ in range(300)
    )
    refused = Registration.objects.bulk_create(
        Registration(event=event, name=f"Weg {i}", email=f"weg{i}@example.org") for i in range(300)
    )
    sink.refused.update(r.email for r in refused)
    EmailLog.objects.bulk_create(
        [
            EmailLog(registration=r, kind="confirmation", status="failed", attempts=3,
                     created_at=long_ago, next_attempt_at=long_ago)
            for r in anonymised
        ]
        + [
            EmailLog(registration=r, kind="confirmation", status="pending",
                     created_at=long_ago, next_attempt_at=long_ago)
            for r in refused
        ]
    )  # fmt: skip
    real = sign_up(event, [session], name="Echte Collega", email="echt@zwolle.example")
    EmailLog.objects.filter(registration=real).update(next_attempt_at=timezone.now())

    assert send_pending() == "Sent 1 e-mail(s); 0 failed for now and will be retried; 600 given up."

    assert sink.recipients() == ["echt@zwolle.example"]
    assert str(sink.messages[0]["Subject"]) == "Bevestig je aanmelding voor Netwerkdag Zwolle"
    reasons = {
        (status, reason): count
        for status, reason, count in EmailLog.objects.values_list("status", "give_up_reason")
        .annotate(count=Count("id"))
        .order_by()
    }
    assert reasons == {("given_up", "no_recipient"): 300, ("given_up", "refused"): 300, ("sent", ""): 1}
    refusal = EmailLog.objects.filter(give_up_reason="refused").first()
    assert refusal.error.startswith("SMTPRecipientsRefused: {'weg")
    assert "550" in refusal.error

    # The next run has nothing left to do, and says so.
    assert send_pending() == "Sent 0 e-mail(s); 0 failed for now and will be retried; 0 given up."


def test_temporary_failures_are_retried_with_backoff_and_then_given_up(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, email="anna@gemeente.example")
    log = EmailLog.objects.get(registration=registration)
    queued_at = log.created_at

    def run_and_check(expected_status, attempts, wait_minutes):
        assert "given up" in send_pending()  # the summary line, whatever the counts
        log.refresh_from_db()
        assert (log.status, log.attempts) == (expected_status, attempts)
        if wait_minutes is None:
            assert log.next_attempt_at is None
        else:
            waited = log.next_attempt_at - timezone.now()
            assert (
                datetime.timedelta(minutes=wait_minutes - 1)
                < waited
                <= datetime.timedelta(minutes=wait_minutes)
            )

    # The message was tried once after the commit (the tests run tasks at once) and failed.
    assert (log.status, log.attempts) == ("failed", 1)
    assert log.next_attempt_at - queued_at >= datetime.timedelta(minutes=5)
    assert (
        send_pending() == "Sent 0 e-mail(s); 0 failed for now and will be retried; 0 given up."
    )  # not due yet
    with later(minutes=6):
        run_and_check("failed", 2, 10)
        with later(minutes=11):
            run_and_check("given_up", 3, None)
    log.refresh_from_db()
    assert log.give_up_reason == "too_many_attempts"
    assert log.error.startswith("ConnectionRefusedError")


def test_a_temporary_refusal_is_retried_and_a_permanent_one_given_up(
    sink, django_capture_on_commit_callbacks
):
    sink.deferred.add("vol@gemeente.example")
    sink.refused.add("weg@gemeente.example")
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        busy = sign_up(event, email="vol@gemeente.example")
        gone = sign_up(event, email="weg@gemeente.example")

    busy_log, gone_log = EmailLog.objects.get(registration=busy), EmailLog.objects.get(registration=gone)
    assert (busy_log.status, busy_log.give_up_reason, busy_log.attempts) == ("failed", "", 1)
    assert (gone_log.status, gone_log.give_up_reason, gone_log.attempts) == ("given_up", "refused", 1)

    sink.deferred.clear()
    with later(minutes=6):
        assert send_pending() == "Sent 1 e-mail(s); 0 failed for now and will be retried; 0 given up."
    assert sink.recipients() == ["vol@gemeente.example"]
    gone_log.refresh_from_db()
    assert gone_log.status == "given_up"


def test_a_message_for_an_anonymised_registration_is_given_up_not_retried(django_capture_on_commit_callbacks):
    event = open_event()
    registration = sign_up(event)
    log = EmailLog.objects.get(registration=registration)
    Registration.objects.filter(pk=registration.pk).update(name="", email="", anonymised_at=timezone.now())

    emails.resend([log])
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_on_commit([log.pk])

    log.refresh_from_db()
    assert (log.status, log.give_up_reason) == ("given_up", "no_recipient")
    assert log.error.startswith("NoRecipient: The registration has been anonymised")
    assert mail.outbox == []


def test_a_message_is_sent_once_however_often_its_task_runs(django_capture_on_commit_callbacks):
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event)
    log = EmailLog.objects.get(registration=registration)
    assert log.status == "sent"

    with django_capture_on_commit_callbacks(execute=True):
        emails.send_on_commit([log.pk, log.pk])
    assert send_pending().startswith("Sent 0 e-mail(s)")

    assert len(mail.outbox) == 1


def test_admin_shows_and_filters_given_up_mails_by_reason(client, sink, django_capture_on_commit_callbacks):
    sink.refused.add("weg@gemeente.example")
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, email="weg@gemeente.example", name="Weg")
        sign_up(event, email="hier@gemeente.example", name="Hier")
    client.force_login(User.objects.create_superuser("organisator", "o@example.org", "wachtwoord-123"))

    page = client.get(
        reverse("admin:registrations_emaillog_changelist"), {"give_up_reason__exact": "refused"}
    ).content.decode()

    assert "weg@gemeente.example" in page
    assert "hier@gemeente.example" not in page
    assert "Geweigerd door de mailserver" in page
    assert "Opgegeven" in page
    registrations_page = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    assert "1 e-mail aan deelnemers kon niet worden verzonden." in registrations_page
