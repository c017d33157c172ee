"""Background tasks of registrations, run by the django-tasks worker (`manage.py db_worker`).

Written against django-tasks, the backport of Django 6's django.tasks: on Django 6 the import
becomes `from django.tasks import task` and nothing else changes.
"""

from django_tasks import task

from registrations import emails


@task()
def send_emails(log_ids: list[int]) -> dict[str, int]:
    """Send recorded e-mails (EmailLog ids), and others queued meanwhile up to a batch, over a few
    SMTP connections at once; returns counts by outcome."""
    # Where tasks wait in a queue for the worker (a backend that can defer them), the task takes along
    # messages queued meanwhile for other tasks: a rush of sign-ups, a task each, goes out in
    # batches. Where each task runs at once in the process that queued it (the immediate backend),
    # every other message is sent by its own task at its own commit.
    return emails.send_batch(log_ids, fill=send_emails.get_backend().supports_defer)


@task()
def send_reminders() -> int:
    """Queue the reminders that are due (services.queue_reminders); for a scheduler that enqueues tasks."""
    from registrations.services import queue_reminders

    return queue_reminders()
