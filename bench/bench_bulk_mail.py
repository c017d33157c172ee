"""Benchmark of a bulk mail from the admin: how long the organiser waits for "Verzenden" to queue a
message to N registrants, and how fast one worker then sends them to a local SMTP server.

Creates a scratch SQLite database with a netwerkdag and N registrations, logs in as an organiser
(Django's test client, through every middleware), asks for the preview and sends the mailing to
everyone registered. Then one worker (`db_worker --batch`, which exits when the queue is empty)
sends the messages to a local SMTP server (aiosmtpd). Exits non-zero when queueing takes a second
or more, the worker sends fewer than 20 messages per second, or a message is missing.

    .venv/bin/python bench/bench_bulk_mail.py [--messages 1000]
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_mail import CHECK  # noqa: E402
from tests.mailsink import MailSink  # noqa: E402

GOAL_QUEUE_SECONDS = 1.0
GOAL_PER_SECOND = 20

SETUP = """
import datetime, re, time
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from registrations.models import Registration
from tests.factories import make_event

event = make_event(title="Netwerkdag Bench", registration_opens_at=timezone.now() - datetime.timedelta(days=1))
Registration.objects.bulk_create(
    Registration(event=event, name=f"Collega {{n}}", email=f"collega{{n}}@bench.example", email_normalised=f"collega{{n}}@bench.example")
    for n in range({messages})
)
client = Client()
client.force_login(User.objects.create_superuser("bench", "bench@example.org", "x"))
url = reverse("admin:registrations_mailing_add")
data = {{"netwerkdag": event.pk, "group": "all", "subject": "Praktische informatie",
        "body": "Hallo {{naam}},\\n\\nNeem je **laptop** mee. Je aanmelding: {{link}}"}}
started = time.perf_counter()
preview = client.post(url, {{**data, "preview": "1"}})
preview_seconds = time.perf_counter() - started
fingerprint = re.search(r'name="previewed" value="([0-9a-f]+)"', preview.content.decode()).group(1)
started = time.perf_counter()
sent = client.post(url, {{**data, "previewed": fingerprint, "send": "1"}})
send_seconds = time.perf_counter() - started
assert sent.status_code == 302, sent.status_code
print(f"{{preview_seconds:.3f}} {{send_seconds:.3f}}")
"""


def manage(env, *args, stdin=None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, input=stdin, text=True, capture_output=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    env = {
        **os.environ,
        "ENV_FILE": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "on",  # the admin pages need no collected static files then
        "HTTPS": "off",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SITE_URL": "http://127.0.0.1:8000",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_DATE", None)
    with MailSink() as sink, tempfile.TemporaryDirectory() as folder:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
        env["DATABASE_URL"] = f"sqlite:///{folder}/bulk.sqlite3"
        manage(env, "migrate", "--no-input")
        out = manage(env, "shell", stdin=SETUP.format(messages=args.messages)).strip().splitlines()[-1]
        preview_seconds, send_seconds = (float(x) for x in out.split())
        started = time.perf_counter()
        worker = subprocess.run(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload",
             "--verbosity", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - started
        arrivals = list(sink.arrivals)
        status = manage(env, "shell", stdin=CHECK).strip().splitlines()[-1]
    received = len(arrivals)
    rate = (received - 1) / (arrivals[-1] - arrivals[0]) if received > 1 else 0.0
    print(
        f"machine:  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; SQLite (file); one worker"
    )
    print(f"preview of a mailing to {args.messages}: {preview_seconds:.3f} s")
    print(f"queueing it (Verzenden, {args.messages} e-mail log rows and their tasks): {send_seconds:.3f} s "
          f"(goal under {GOAL_QUEUE_SECONDS:.0f} s)")  # fmt: skip
    print(f"worker: {received} of {args.messages} messages, {rate:.1f}/s (goal {GOAL_PER_SECOND}), "
          f"{wall:.1f} s with start-up; log: {status}")  # fmt: skip
    failures = []
    if worker.returncode:
        failures.append(f"worker exited {worker.returncode}: {worker.stderr[-2000:]}")
    if send_seconds >= GOAL_QUEUE_SECONDS:
        failures.append(f"queueing took {send_seconds:.3f} s")
    if received != args.messages:
        failures.append(f"{received} of {args.messages} messages arrived")
    if rate < GOAL_PER_SECOND:
        failures.append(f"{rate:.1f} messages/s is under {GOAL_PER_SECOND}")
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
