"""Background tasks of registrations, run by the django-tasks worker (`manage.py db_worker`).

Written against django-tasks, the backport of Django 6's django.tasks: on Django 6 the import
becomes `from django.tasks import task` and nothing else changes.
"""

from django_tasks import task

from registrations import emails


@task()
def send_emails(log_ids: list[int]) -> dict[str, int]:
    """Send recorded e-mails (EmailLog ids) over one SMTP connection; returns counts by outcome."""
    return emails.send_batch(log_ids)


@task()
def send_reminders() -> int:
    """Queue the reminders that are due (services.queue_reminders); for a scheduler that enqueues tasks."""
    from registrations.services import queue_reminders

    return queue_reminders()
