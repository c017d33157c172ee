"""The real thing: mail queued by a sign-up is sent by a separate `manage.py db_worker` process
(django-tasks' database backend), to an SMTP server, including mail queued while no worker ran."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from registrations.models import EmailLog
from tests.mailsink import MailSink
from tests.registrations.helpers import open_event, sign_up, signup_session

BASE_DIR = Path(django_settings.BASE_DIR)


def database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(sink: MailSink) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "SITE_URL": django_settings.SITE_URL,
        "ENV_FILE": "",
    }
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--interval",
        "0.1",
        "--no-startup-delay",
        "--no-reload",
    ]
    return subprocess.Popen(
        command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def stop(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output


@pytest.mark.django_db(transaction=True)
def test_worker_process_sends_mail_queued_before_and_while_it_runs(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    event = open_event(title="Netwerkdag Apeldoorn")
    session = signup_session(event, title="Sociale pijler")
    with MailSink() as sink:
        # Queued while no worker runs: the task waits in the database.
        early = sign_up(event, [session], name="Vroeg", email="vroeg@apeldoorn.example")
        assert EmailLog.objects.get(registration=early).status == "pending"

        worker = start_worker(sink)
        try:
            assert sink.wait_for(1, timeout=60), stop(worker)
            sign_up(event, [session], name="Later", email="later@apeldoorn.example")
            assert sink.wait_for(2, timeout=60), stop(worker)
        finally:
            output = stop(worker)

    assert sink.recipients() == ["vroeg@apeldoorn.example", "later@apeldoorn.example"]
    assert [str(m["Subject"]) for m in sink.messages] == [
        "Bevestig je aanmelding voor Netwerkdag Apeldoorn"
    ] * 2
    body = sink.messages[1].get_body(("plain",)).get_content()
    assert body.startswith("Beste Later,")
    assert "http://127.0.0.1:8000/aanmelding/bevestigen/" in body  # its own link, signed when sent
    assert list(EmailLog.objects.order_by("id").values_list("status", "attempts")) == [
        ("sent", 1),
        ("sent", 1),
    ]
    assert "registrations.tasks.send_emails" in output
