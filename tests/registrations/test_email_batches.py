"""A send task's batch over several SMTP connections at once (issue 11, performance): every
message's outcome recorded, a failure in the middle touching none of the others, nothing lost or
sent twice when the worker dies mid-batch, and messages queued meanwhile taken along."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from registrations import emails
from registrations.models import EmailLog, Registration
from tests.mailsink import MailSink
from tests.registrations.helpers import later, open_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink(settings):
    settings.EMAIL_CONNECTIONS = 4
    with MailSink() as sink:
        sink.settings(settings)
        yield sink


def queued(event, names: list[str], *, due: bool = False) -> list[EmailLog]:
    """A confirmation recorded for each person, as queue_email records it (not yet due for the
    sweep unless `due`)."""
    people = Registration.objects.bulk_create(
        Registration(event=event, name=name.title(), email=f"{name}@gemeente.example") for name in names
    )
    now = timezone.now()
    return EmailLog.objects.bulk_create(
        EmailLog(
            registration=person,
            kind="confirmation",
            recipient=person.email,
            next_attempt_at=now if due else now + emails.SWEEP_GRACE,
        )
        for person in people
    )


def outcomes() -> dict[str, tuple[str, int, str]]:
    return {
        log.recipient.split("@")[0]: (log.status, log.attempts, log.give_up_reason)
        for log in EmailLog.objects.order_by("pk")
    }


def test_a_failure_in_the_middle_of_a_batch_leaves_the_others_sent(sink):
    event = open_event(title="Netwerkdag Helmond")
    names = [f"collega{n}" for n in range(1, 13)]
    logs = queued(event, names)
    sink.deferred.add("collega5@gemeente.example")  # 450: try again later
    sink.refused.add("collega8@gemeente.example")  # 550: no such mailbox

    counts = emails.send_batch([log.pk for log in logs])

    assert counts == {"sent": 10, "retry": 1, "given_up": 1, "skipped": 0}
    assert sorted(sink.recipients()) == sorted(
        f"{name}@gemeente.example" for name in names if name not in {"collega5", "collega8"}
    )
    assert outcomes() == {
        **dict.fromkeys(names, ("sent", 1, "")),
        "collega5": ("failed", 1, ""),
        "collega8": ("given_up", 1, "refused"),
    }
    retry = EmailLog.objects.get(recipient="collega5@gemeente.example")
    waits = retry.next_attempt_at - timezone.now()
    assert datetime.timedelta(minutes=4) < waits <= datetime.timedelta(minutes=5)
    assert retry.error.startswith("SMTPRecipientsRefused: {'collega5@gemeente.example': (450")
    # Each message went once, with its own name in it.
    assert all(
        str(m["Subject"]) == "Bevestiging van je aanmelding: Netwerkdag Helmond" for m in sink.messages
    )


def test_the_mail_server_away_in_the_middle_of_a_batch_loses_nothing(sink, settings):
    event = open_event(title="Netwerkdag Oss")
    logs = queued(event, ["anna", "bram", "carla"])
    emails.send_batch([logs[0].pk])
    settings.EMAIL_PORT = sink.port + 1  # nobody listens there: the server is away

    counts = emails.send_batch([log.pk for log in logs])

    assert counts == {"sent": 0, "retry": 2, "given_up": 0, "skipped": 1}
    assert outcomes() == {"anna": ("sent", 1, ""), "bram": ("failed", 1, ""), "carla": ("failed", 1, "")}
    settings.EMAIL_PORT = sink.port
    with later(minutes=6):
        out = io.StringIO()
        call_command("send_pending_emails", stdout=out)
    assert out.getvalue().strip() == "Sent 2 e-mail(s); 0 failed for now and will be retried; 0 given up."
    assert sink.recipients()[0] == "anna@gemeente.example"
    assert sorted(sink.recipients()[1:]) == ["bram@gemeente.example", "carla@gemeente.example"]
    assert [log.status for log in EmailLog.objects.order_by("pk")] == ["sent", "sent", "sent"]


def test_a_worker_that_dies_mid_batch_leaves_the_rest_to_send_pending_emails_once(sink):
    event = open_event(title="Netwerkdag Ede")
    logs = queued(event, ["anna", "bram", "carla", "dirk", "eva"], due=True)
    # What a worker leaves when it dies after sending two of its five: all five claimed, two recorded.
    assert emails._claim([log.pk for log in logs]) == [log.pk for log in logs]
    emails.send_batch([logs[0].pk, logs[1].pk])  # its claim: nobody else may send them now
    assert sink.recipients() == []
    EmailLog.objects.filter(pk__in=[logs[0].pk, logs[1].pk]).update(status="sent", attempts=1)

    def send_pending() -> str:
        out = io.StringIO()
        call_command("send_pending_emails", stdout=out)
        return out.getvalue().strip()

    assert send_pending() == "Sent 0 e-mail(s); 0 failed for now and will be retried; 0 given up."
    with later(minutes=11):  # the claim has expired
        assert send_pending() == "Sent 3 e-mail(s); 0 failed for now and will be retried; 0 given up."
        assert send_pending() == "Sent 0 e-mail(s); 0 failed for now and will be retried; 0 given up."
    assert sorted(sink.recipients()) == [
        "carla@gemeente.example",
        "dirk@gemeente.example",
        "eva@gemeente.example",
    ]


def test_a_task_takes_along_messages_queued_meanwhile_and_their_own_tasks_find_nothing(sink):
    event = open_event(title="Netwerkdag Venlo")
    logs = queued(event, [f"collega{n}" for n in range(1, 60)])
    logs += queued(event, ["achtergebleven"], due=True)  # its task was lost: due for the sweep
    failed = queued(event, ["mislukt"])[0]
    EmailLog.objects.filter(pk=failed.pk).update(status="failed", attempts=1)  # waits for its retry

    first = emails.send_batch([logs[0].pk], fill=True)
    second = emails.send_batch([logs[1].pk], fill=True)
    rest = emails.send_batch([log.pk for log in logs[2:]], fill=True)

    # The first task sends its own and the next 49; the second finds its own sent and takes the
    # last ten; the tasks of the rest find nothing left.
    assert first == {"sent": 50, "retry": 0, "given_up": 0, "skipped": 0}
    assert second == {"sent": 10, "retry": 0, "given_up": 0, "skipped": 1}
    assert rest == {"sent": 0, "retry": 0, "given_up": 0, "skipped": 58}
    assert len(sink.messages) == 60
    assert sorted(sink.recipients()) == sorted(log.recipient for log in logs)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("failed", 1)
