"""Benchmark of sign-ups: many colleagues registering at the same moment, against gunicorn on PostgreSQL.

Creates a scratch PostgreSQL database (dropped afterwards) with a netwerkdag open for registration
(a maximum of 250 for the day, as Dordrecht has) and one session of 100 places; serves the app with
gunicorn (2 workers x 2 threads, DEBUG off, Redis cache) on 127.0.0.1 with a small SMTP sink beside
it; then 200 people open the form (20 at a time: CSRF cookie, token, submission key) and press
"Aanmelden" (20 at a time). All from one address, as colleagues behind one city hall's NAT would
be: the rate limit is raised for the run (REGISTRATION_RATE_LIMIT=2 x people per 10 minutes).

Prints sign-ups per second (the POSTs), the rate of form and sign-up together, p50/p95 latency,
the CPU each sign-up cost the app and PostgreSQL, confirmed versus capacity, and when the last
confirmation e-mail arrived. Exits non-zero on any error (an answer other than the redirect to the
thanks page), on overbooking, on a lost or doubled registration, or on an e-mail that did not arrive.

    .venv/bin/python bench/bench_registrations.py [--people 200] [--places 100] [--clients 20]
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/13"
GOAL_PER_SECOND = 50


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, env: dict, *, workers: int, threads: int) -> subprocess.Popen | None:
    """The site under gunicorn (gthread workers) on HOST:port, in a process group of its own; None
    when it did not accept connections within 30 seconds."""
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "g40events.wsgi",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while True:
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return server
        except OSError:
            if time.time() > deadline or server.poll() is not None:
                if server.poll() is None:
                    os.killpg(server.pid, signal.SIGTERM)
                return None
            time.sleep(0.2)


# --- a tiny SMTP server that accepts and counts messages ----------------------------------------


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address):
        super().__init__(address, SmtpHandler)
        self.messages = 0
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 bench ESMTP\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250-bench\r\n250 8BITMIME\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                with self.server.lock:
                    self.server.messages += 1
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


# --- the scratch site ---------------------------------------------------------------------------


def pg(database: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def run_manage(env, *args, stdin: str | None = None):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        input=stdin,
        text=True,
        capture_output=True,
    )


SETUP = """
import datetime
from django.utils import timezone
from g40events.models import Event, Organisation, Status
from sessions.models import Session
city = Organisation.objects.create(name="Dordrecht", kind="g40")
event = Event.objects.create(
    title="Benchmark netwerkdag", slug="bench", date=timezone.localdate() + datetime.timedelta(days=30),
    start_time=datetime.time(9, 30), end_time=datetime.time(16, 30), host_city=city, status=Status.PUBLISHED,
    registration_opens_at=timezone.now() - datetime.timedelta(days=1), capacity={day_capacity},
)
Session.objects.create(
    event=event, title="Woningmarkt", slug="woningmarkt", start_time=datetime.time(10, 45),
    end_time=datetime.time(12, 15), takes_registrations=True, capacity={places},
)
print(event.sessions.get().pk)
"""

CHECK = """
from django.db.models import Count
from registrations.models import EmailLog, Place, Registration
places = dict(Place.objects.values_list("status").annotate(n=Count("id")).order_by())
print(Registration.objects.count(), Registration.objects.values("email_normalised").distinct().count(),
      places.get("confirmed", 0), places.get("waiting", 0),
      EmailLog.objects.filter(status="sent").count(), EmailLog.objects.exclude(status="sent").count())
"""


# --- one registrant -----------------------------------------------------------------------------


def load_form(port: int) -> dict:
    """GET the form as a browser would: returns the CSRF cookie, token and submission key, and the time."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("GET", "/netwerkdagen/bench/aanmelden/")
        response = conn.getresponse()
        page = response.read().decode()
    except OSError as error:
        return {"problem": f"GET: {type(error).__name__}: {error}", "seconds": time.perf_counter() - started}
    finally:
        conn.close()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    submission = re.search(r'name="submission" value="([^"]+)"', page)
    if response.status != 200 or not (cookie and token and submission):
        return {"problem": f"GET answered {response.status} without a usable form", "seconds": 0.0}
    return {
        "cookie": cookie.group(1),
        "token": token.group(1),
        "submission": submission.group(1),
        "problem": "",
        "seconds": time.perf_counter() - started,
    }


def post_form(port: int, session_id: int, n: int, form: dict) -> tuple[float, str]:
    """POST one filled-in form; returns (seconds, problem or "")."""
    if form["problem"]:
        return 0.0, form["problem"]
    body = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": form["token"],
            "submission": form["submission"],
            "name": f"Collega {n}",
            "email": f"collega{n}@dordrecht.example",
            "organisation_other": "Gemeente Dordrecht",
            "job_title": "Beleidsadviseur",
            "slot_1": str(session_id),
            "consent": "on",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={form['cookie']}",
        "Referer": f"http://{HOST}:{port}/netwerkdagen/bench/aanmelden/",
    }
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request("POST", "/netwerkdagen/bench/aanmelden/", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
    except OSError as error:
        return time.perf_counter() - started, f"POST: {type(error).__name__}: {error}"
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    if response.status != 302 or not (response.getheader("Location") or "").endswith("/aanmelden/bedankt/"):
        return seconds, f"POST answered {response.status}"
    return seconds, ""


def cpu_seconds(*, cmdline_part: str = "", parent: int | None = None) -> float:
    """User + system CPU seconds of the processes whose command line contains cmdline_part, or of a
    process and its children (gunicorn's master and workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if parent is not None:
                if int(entry.name) != parent and int(fields[1]) != parent:
                    continue
            else:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                if cmdline_part not in cmdline:
                    continue
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--places", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--day-capacity", type=int, default=250, help="maximum for the day itself, as Dordrecht has (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker (gthread)")
    args = parser.parse_args()

    import psycopg

    database = f"g40bench_reg_{os.getpid()}"
    sink = SmtpSink((HOST, 0))
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    port = free_port()
    env = {
        **os.environ,
        "ENV_FILE": "",  # not the demo's .env (its SITE_DATE, DEBUG, ...)
        "DATABASE_URL": pg(database),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "off",
        "HTTPS": "off",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{port}",
        "EMAIL_URL": f"smtp://{HOST}:{sink.server_address[1]}",
        "CACHE_URL": f"{REDIS_URL}?key_prefix={database}",
        "REGISTRATION_RATE_LIMIT": f"{args.people * 2}/600",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_DATE", None)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    server = worker = None
    try:
        run_manage(env, "migrate", "--no-input")
        run_manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        result = subprocess.run(
            [sys.executable, "manage.py", "shell"],
            cwd=ROOT,
            env=env,
            input=SETUP.format(places=args.places, day_capacity=args.day_capacity or None),
            text=True,
            capture_output=True,
            check=True,
        )
        session_id = int(result.stdout.strip().splitlines()[-1])
        server = start_gunicorn(port, env, workers=args.workers, threads=args.threads)
        if server is None:
            print("gunicorn did not start", file=sys.stderr)
            return 2
        # The background worker that sends the confirmations, as in the README's deployment.
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        # Warm both workers (imports, connections) so that the run measures sign-ups, not start-up.
        for _ in range(args.workers * args.threads):
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", "/netwerkdagen/bench/aanmelden/")
            conn.getresponse().read()
            conn.close()

        # The crowd opens the form (20 at a time), then everybody presses "Aanmelden" (20 at a time).
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            forms = list(pool.map(lambda n: load_form(port), range(args.people)))
        form_seconds = time.perf_counter() - started
        cpu_before = {
            "app": cpu_seconds(parent=server.pid),
            "db": cpu_seconds(cmdline_part=database),
            "bench": time.process_time(),
        }
        posting = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            results = list(pool.map(lambda n: post_form(port, session_id, n, forms[n]), range(args.people)))
        elapsed = time.perf_counter() - posting
        cpu_app = cpu_seconds(parent=server.pid) - cpu_before["app"]
        cpu_db = cpu_seconds(cmdline_part=database) - cpu_before["db"]
        cpu_bench = time.process_time() - cpu_before["bench"]
        load = os.getloadavg()[0]
        # Confirmations are queued on commit and sent by the background worker: wait for them to go out.
        mail_deadline = time.time() + 60
        while sink.messages < args.people and time.time() < mail_deadline:
            time.sleep(0.2)
        mail_seconds = time.perf_counter() - started

        output = subprocess.run(
            [sys.executable, "manage.py", "shell"],
            cwd=ROOT,
            env=env,
            input=CHECK,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.split()
        registrations, distinct, confirmed, waiting, sent, unsent = map(int, output[-6:])
    finally:
        for process in (server, worker):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        sink.shutdown()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    problems = [problem for _, problem in results if problem]
    post_times = [seconds for seconds, problem in results if not problem]
    form_times = [form["seconds"] for form in forms if not form["problem"]]
    rate = args.people / elapsed
    print(
        f"sign-ups:        {args.people} for {args.places} places, {args.clients} at a time, from one address"
    )
    print(
        f"server:          gunicorn, {args.workers} workers x {args.threads} threads, PostgreSQL, Redis cache, SMTP"
    )
    print(
        f"forms loaded:    {args.people} in {form_seconds:.2f} s ({args.people / form_seconds:.1f}/s), "
        f"p95 {percentile(form_times, 0.95) * 1000:.0f} ms"
        if form_times
        else "forms loaded:    none"
    )
    print(f"sign-ups posted: {args.people} in {elapsed:.2f} s")
    print(
        f"sign-ups/s:      {rate:.1f} (goal {GOAL_PER_SECOND}); form and sign-up together "
        f"{args.people / (form_seconds + elapsed):.1f}/s"
    )
    if post_times:
        print(
            f"POST latency:    p50 {statistics.median(post_times) * 1000:.0f} ms, "
            f"p95 {percentile(post_times, 0.95) * 1000:.0f} ms, max {max(post_times) * 1000:.0f} ms"
        )
    print(
        f"CPU per sign-up: app {cpu_app / args.people * 1000:.0f} ms, PostgreSQL {cpu_db / args.people * 1000:.0f} ms, "
        f"this load generator {cpu_bench / args.people * 1000:.0f} ms (while posting; e-mails as far as sent then)"
    )
    print(f"machine:         load average {load:.1f} on {os.cpu_count()} cores at the end of the run")
    print(f"confirmed:       {confirmed} of {args.places} places; waiting {waiting}")
    print(f"registrations:   {registrations} ({distinct} distinct addresses)")
    print(
        f"e-mails:         {sent} sent, {unsent} not sent; the SMTP sink received {sink.messages} "
        f"(all out {mail_seconds:.1f} s after the first sign-up)"
    )
    print(f"errors:          {len(problems)}" + (f" (first: {problems[0]})" if problems else ""))

    failures = []
    if problems:
        failures.append(f"{len(problems)} sign-ups failed")
    if confirmed > args.places:
        failures.append(f"OVERBOOKED: {confirmed} confirmed for {args.places} places")
    if registrations != args.people or distinct != args.people or confirmed + waiting != args.people:
        failures.append("registrations lost or doubled")
    if confirmed != min(args.places, args.people):
        failures.append("free places left while people wait")
    if sent != args.people or sink.messages != args.people:
        failures.append("e-mails missing")
    if rate < GOAL_PER_SECOND:
        print(f"note: below the goal of {GOAL_PER_SECOND} sign-ups/s")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
