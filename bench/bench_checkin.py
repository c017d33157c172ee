"""Benchmark of the morning of a netwerkdag: three desks checking in 200 people, and their badges.

Creates a scratch PostgreSQL database (dropped afterwards) with a netwerkdag today, 200 active
registrations over six sessions of three pillars, and a desk account in the "Balie" group; serves
the app with gunicorn (2 workers x 2 threads, DEBUG off) on 127.0.0.1. Three desks sign in and
scan codes at once through the desk page (POST, as desk.js does): the 200 people split over the
desks as they come in, and every tenth person also shows the code at a second desk at the same
moment (220 scans in all). Then one fresh Python process makes the badge PDF of all 200 (WeasyPrint,
25 A4 sheets) and reports its time and its peak resident memory.

Prints the scans' wall time, rate and p50/p95 latency, check-ins recorded versus people (nobody may
be in twice), and the PDF's seconds, size and peak RSS. Exits non-zero when a goal is missed
(< 60 s for the check-ins, < 20 s and < 300 MB for the PDF) or anything failed.

    .venv/bin/python bench/bench_checkin.py [--people 200] [--desks 3]
"""

import argparse
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_registrations import HOST, free_port, percentile, run_manage, start_gunicorn  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench-balie-" + secrets.token_urlsafe(12)
GOAL_CHECK_IN_SECONDS = 60
GOAL_PDF_SECONDS = 20
GOAL_PDF_MB = 300

SETUP = """
import datetime, json
from django.contrib.auth.models import Group, User
from django.utils import timezone
from checkin import codes
from g40events.models import Event, Organisation, Pillar, Status
from registrations.models import Place, Registration
from sessions.models import Session
today = timezone.localdate()
city = Organisation.objects.create(name="Deventer", kind="g40")
event = Event.objects.create(
    title="Benchmark netwerkdag", slug="bench", date=today, start_time=datetime.time(9, 30),
    end_time=datetime.time(16, 30), host_city=city, status=Status.PUBLISHED,
)
pillars = [Pillar.objects.create(name=name, slug=name.lower(), position=n)
           for n, name in enumerate(["Sociaal", "Economie", "Fysiek"])]
sessions = []
for n in range(6):
    session = Session.objects.create(
        event=event, title=f"Sessie {{n}}", slug=f"sessie-{{n}}", takes_registrations=True, capacity=60,
        start_time=datetime.time(10 + 2 * (n // 3)), end_time=datetime.time(11 + 2 * (n // 3)), location=f"Zaal {{n % 3}}",
    )
    session.pillars.set([pillars[n % 3]])
    sessions.append(session)
organisations = [Organisation.objects.create(name=f"Gemeente {{n}}", kind="g40") for n in range(40)]
registrations = Registration.objects.bulk_create([
    Registration(event=event, name=f"Deelnemer {{n:03}} van Achternaam", email=f"d{{n}}@gemeente.example",
                 email_normalised=f"d{{n}}@gemeente.example", organisation=organisations[n % 40])
    for n in range({people})
])
Place.objects.bulk_create([
    Place(registration=r, session=sessions[(i + k) % 3 + 3 * k], status="confirmed", confirmed_at=timezone.now())
    for i, r in enumerate(registrations) for k in range(2)
])
user = User.objects.create_user("balie", password="{password}", is_staff=True)
user.groups.add(Group.objects.get(name="Balie"))
print(json.dumps([codes.code_for(r) for r in registrations]))
"""

CHECK = """
from checkin.models import CheckIn
from django.db.models import Count
rows = CheckIn.objects.count()
people = CheckIn.objects.values("registration").distinct().count()
doubled = CheckIn.objects.values("registration").annotate(n=Count("id")).filter(n__gt=1).count()
print(rows, people, doubled)
"""

BADGES = """
import resource, sys, time
started = time.perf_counter()
import checkin.documents, weasyprint  # imports are start-up, not the PDF
started, cpu_started = time.perf_counter(), time.process_time()
from checkin.documents import badges_for, render_pdf
from g40events.models import Event
from registrations.models import Registration
event = Event.objects.get(slug="bench")
registrations = Registration.objects.filter(event=event).order_by("name", "pk")
badges = badges_for(registrations)
sheets = [badges[i : i + 8] for i in range(0, len(badges), 8)]
pdf = render_pdf("checkin/pdf/badges.html", {"event": event, "sheets": sheets}, title="Badges")
seconds = time.perf_counter() - started
cpu = time.process_time() - cpu_started
print(len(badges), len(sheets), len(pdf), round(seconds, 2), round(cpu, 2), round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1))
"""


class Desk:
    """One desk: a signed-in session on the desk page, posting scanned codes."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
            body = urllib.parse.urlencode(body)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            page = response.read().decode()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or "", page

    def sign_in(self):
        _, _, page = self.request("GET", "/beheer/login/?next=/balie/bench/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, location, _ = self.request(
            "POST",
            "/beheer/login/?next=/balie/bench/",
            {
                "csrfmiddlewaretoken": token,
                "username": "balie",
                "password": PASSWORD,
                "next": "/balie/bench/",
            },
        )
        if status != 302:
            raise RuntimeError(f"desk sign-in answered {status}")
        _, _, page = self.request("GET", "/balie/bench/")
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def scan(self, code: str) -> tuple[float, str]:
        started = time.perf_counter()
        status, location, _ = self.request(
            "POST",
            "/balie/bench/",
            {"csrfmiddlewaretoken": self.token, "action": "code", "code": code, "scanned": "1", "q": ""},
        )
        seconds = time.perf_counter() - started
        if status != 302 or location != "/balie/bench/":
            return seconds, f"scan answered {status} {location}"
        return seconds, ""


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--desks", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import json

    import psycopg

    database = f"g40bench_checkin_{os.getpid()}"
    port = free_port()
    env = {
        **os.environ,
        "ENV_FILE": "",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "off",
        "HTTPS": "off",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}:{port}",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("SITE_DATE", None)
    env.pop("CACHE_URL", None)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    server = None
    try:
        run_manage(env, "migrate", "--no-input")
        run_manage(env, "collectstatic", "--no-input", "--verbosity", "0")

        def shell(code: str) -> str:
            return subprocess.run(
                [sys.executable, "manage.py", "shell"],
                cwd=ROOT,
                env=env,
                input=code,
                text=True,
                capture_output=True,
                check=True,
            ).stdout

        codes = json.loads(
            shell(SETUP.format(people=args.people, password=PASSWORD)).strip().splitlines()[-1]
        )
        server = start_gunicorn(port, env, workers=args.workers, threads=args.threads)
        if server is None:
            print("gunicorn did not start", file=sys.stderr)
            return 2

        desks = [Desk(port) for _ in range(args.desks)]
        for desk in desks:
            desk.sign_in()
        # Who goes to which desk: in turn; every tenth person also to the next desk at the same moment.
        queues: list[list[str]] = [[] for _ in desks]
        for n, code in enumerate(codes):
            queues[n % len(desks)].append(code)
            if n % 10 == 0:
                queues[(n + 1) % len(desks)].append(code)
        results: list[tuple[float, str]] = []
        lock = threading.Lock()
        barrier = threading.Barrier(len(desks))

        def work(desk: Desk, queue: list[str]):
            barrier.wait()
            for code in queue:
                outcome = desk.scan(code)
                with lock:
                    results.append(outcome)

        started = time.perf_counter()
        threads = [threading.Thread(target=work, args=(d, q)) for d, q in zip(desks, queues, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        rows, people, doubled = map(int, shell(CHECK).split()[-3:])

        badges_out = shell(BADGES).split()[-6:]
        badges, sheets, pdf_bytes = map(int, badges_out[:3])
        pdf_seconds, pdf_cpu, pdf_mb = map(float, badges_out[3:])
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    problems = [problem for _, problem in results if problem]
    times = [seconds for seconds, _ in results]
    print(
        f"desks:           {args.desks} at once, gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL"
    )
    print(
        f"scans:           {len(results)} ({args.people} people, every tenth at two desks at the same moment)"
    )
    print(
        f"check-ins:       {elapsed:.1f} s wall ({len(results) / elapsed:.1f} scans/s), goal < {GOAL_CHECK_IN_SECONDS} s"
    )
    print(
        f"scan latency:    p50 {percentile(times, 0.5) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms"
    )
    print(f"recorded:        {rows} check-ins of {people} people for {args.people} people, {doubled} twice")
    print(f"badge PDF:       {badges} badges on {sheets} A4 sheets, {pdf_bytes / 1024:.0f} KB")
    print(
        f"badge PDF time:  {pdf_seconds:.1f} s wall (goal < {GOAL_PDF_SECONDS} s), {pdf_cpu:.1f} s CPU, "
        f"peak RSS {pdf_mb:.0f} MB (goal < {GOAL_PDF_MB} MB)"
    )
    print(f"load average:    {os.getloadavg()[0]:.1f}")
    failed = (
        problems
        or rows != args.people
        or people != args.people
        or doubled
        or elapsed >= GOAL_CHECK_IN_SECONDS
        or pdf_seconds >= GOAL_PDF_SECONDS
        or pdf_mb >= GOAL_PDF_MB
    )
    for problem in problems[:5]:
        print("problem:", problem)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
