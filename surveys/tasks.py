"""Background tasks of surveys, run by the django-tasks worker (`manage.py db_worker`)."""

from django_tasks import task


@task()
def send_survey_invitations() -> dict[str, int]:
    """Invite, remind and forget as services.send_invitations does; for a scheduler that enqueues tasks."""
    import dataclasses

    from surveys.services import send_invitations

    return dataclasses.asdict(send_invitations())
