"""Benchmark of the mail worker: messages per second that one `manage.py db_worker` sends to a local
SMTP server.

Creates a scratch database (a SQLite file; PostgreSQL with --postgres, dropped afterwards) with a
netwerkdag and N registrations, each with a recorded confirmation e-mail (the full message: text,
HTML and the personal .ics), and queues them as the app does, in two rounds:

- "one task per message": as sign-ups queue them, each commit one task;
- "batches of 50": as a bulk send queues them (registrations.emails.send_on_commit).

Then one worker (`db_worker --batch`, which exits when the queue is empty) sends them to a local
SMTP server (aiosmtpd). Prints per round the messages per second from the first message's arrival
to the last, and the wall time including the worker's start-up. Exits non-zero below the goal of
20 messages per second or when a message is missing or doubled.

    .venv/bin/python bench/bench_mail.py [--messages 300] [--postgres]
"""

import argparse
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mailsink import MailSink  # noqa: E402

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
GOAL_PER_SECOND = 20

SETUP = """
import datetime
from django.utils import timezone
from registrations import emails
from registrations.models import EmailLog, Registration
from registrations.tasks import send_emails
from tests.factories import make_event, make_session

event = make_event(title="Netwerkdag Bench", registration_opens_at=timezone.now() - datetime.timedelta(days=1))
session = make_session(event=event, title="Sociale pijler", takes_registrations=True, capacity=None)
people = [
    Registration(event=event, name=f"Collega {{n}}", email=f"collega{{n}}@bench.example", email_normalised=f"collega{{n}}@bench.example")
    for n in range({messages})
]
Registration.objects.bulk_create(people)
people = list(Registration.objects.filter(event=event).order_by("id"))
logs = EmailLog.objects.bulk_create(
    EmailLog(registration=r, kind="confirmation", recipient=r.email, next_attempt_at=timezone.now())
    for r in people
)
ids = list(EmailLog.objects.order_by("id").values_list("pk", flat=True))
if "{mode}" == "single":
    for pk in ids:
        send_emails.enqueue([pk])
else:
    emails.enqueue(ids)
print(len(ids))
"""

CHECK = """
from django.db.models import Count
from registrations.models import EmailLog
print(dict(EmailLog.objects.values_list("status").annotate(n=Count("id")).order_by()))
"""


def manage(env, *args, stdin=None) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        text=True,
        capture_output=True,
        check=True,
    ).stdout


def worker_start_up_cpu(env: dict) -> float:
    """CPU seconds of a worker that finds nothing to do: Django's start-up, paid once per worker."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_round(mode: str, messages: int, database_url: str, sink: MailSink, env: dict) -> dict:
    env = {**env, "DATABASE_URL": database_url}
    manage(env, "migrate", "--no-input")
    start_up = worker_start_up_cpu(env)
    manage(env, "shell", stdin=SETUP.format(messages=messages, mode=mode))
    already = len(sink.messages)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    worker = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The worker's own CPU time (start-up included): what the run costs when it has a core to itself.
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    arrivals = sink.arrivals[already:]
    received = len(arrivals)
    status = manage(env, "shell", stdin=CHECK).strip().splitlines()[-1]
    span = arrivals[-1] - arrivals[0] if received > 1 else float("nan")
    return {
        "mode": mode,
        "received": received,
        "rate": (received - 1) / span if received > 1 else 0.0,
        "wall": wall,
        "cpu": cpu,
        "start_up": start_up,
        "status": status,
        "worker_exit": worker.returncode,
        "worker_output": worker.stderr[-2000:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument(
        "--postgres", action="store_true", help="a scratch PostgreSQL database instead of SQLite"
    )
    args = parser.parse_args()

    env = {
        **os.environ,
        "ENV_FILE": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "off",
        "HTTPS": "off",
        "SITE_URL": "http://127.0.0.1:8000",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_DATE", None)
    results = []
    with MailSink() as sink, tempfile.TemporaryDirectory() as folder:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
        for mode in ("single", "batch"):
            if args.postgres:
                import psycopg

                database = f"g40_bench_mail_{secrets.token_hex(4)}"
                with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                    conn.execute(f"CREATE DATABASE {database}")
                try:
                    results.append(
                        run_round(
                            mode, args.messages, f"postgres://postgres@127.0.0.1:5432/{database}", sink, env
                        )
                    )
                finally:
                    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                        conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            else:
                results.append(
                    run_round(mode, args.messages, f"sqlite:///{folder}/{mode}.sqlite3", sink, env)
                )

    names = {"single": "one task per message", "batch": "batches of 50"}
    print(
        f"database:   {'PostgreSQL' if args.postgres else 'SQLite (file)'}; one worker; local SMTP server (aiosmtpd)"
    )
    print(
        f"machine:    load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end of the run"
    )
    failures = []
    for result in results:
        print(
            f"{names[result['mode']]:<22} {result['received']} of {args.messages} messages, "
            f"{result['rate']:.1f}/s (goal {GOAL_PER_SECOND}), {result['wall']:.1f} s with the worker's start-up; "
            f"worker CPU {result['cpu']:.1f} s, of which start-up {result['start_up']:.1f} s: "
            f"{(result['cpu'] - result['start_up']) / args.messages * 1000:.1f} ms per message "
            f"({args.messages / (result['cpu'] - result['start_up']):.0f}/s on a core of its own); "
            f"log: {result['status']}"
        )
        if result["worker_exit"] != 0:
            failures.append(
                f"{result['mode']}: worker exited {result['worker_exit']}: {result['worker_output']}"
            )
        if result["received"] != args.messages:
            failures.append(f"{result['mode']}: {result['received']} of {args.messages} messages arrived")
        if result["rate"] < GOAL_PER_SECOND:
            failures.append(
                f"{result['mode']}: {result['rate']:.1f} messages/s is under the goal of {GOAL_PER_SECOND}"
            )
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
