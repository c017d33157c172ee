"""Benchmark of the programme page during a sign-up rush: does the page cache hold?

Creates the large netwerkdag of bench_public.py (60 sessions in 8 time slots) in a scratch
database, opens its sign-up (the six sessions of the first time slot take sign-ups, 40 places
each, so that some fill up and get waiting lists), serves the app with gunicorn (2 workers, DEBUG
off) and loads the netwerkdag page, whose cards show the places left, with concurrent readers:

1. readers alone;
2. readers while sign-up clients keep signing up (open the form, post it) at the same time;
3. for comparison, as 2, but emptying the page cache after every sign-up, as a design that
   counted places as content would.

Rounds of the three interleave, so that each sees the same ups and downs of the machine. Prints
the programme page's requests/s and share of cache hits in each, the sign-ups/s, and the ratios
(2 / 1 and 3 / 1). Talks only to 127.0.0.1. Exits non-zero on any error.

    .venv/bin/python bench/bench_rush.py [--postgres] [--cache redis|locmem] [--readers 8] [--signers 2]
                                         [--workers 2] [--threads 4]

With sync workers (--threads 1) every sign-up holds a whole worker for its duration and the readers
queue behind it, whatever the cache does; threads let the readers' cache hits pass.
"""

import argparse
import http.client
import itertools
import os
import platform
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_public as site  # noqa: E402 - the scratch site, gunicorn and the load of bench_public.py

HOST = site.HOST
REDIS_URL = "redis://127.0.0.1:6379/13"  # not bench_public.py's database: both may run at once


def open_sign_up() -> tuple[str, str]:
    """The large netwerkdag takes sign-ups (58 sessions of 30 places in six parallel time slots);
    its maximum for the day goes, so that the rush never closes sign-up.

    Returns the netwerkdag page's path and the sign-up form's path.
    """
    from g40events.models import EmailDomain, Event, Organisation

    event = Event.objects.get(slug="benchstad")
    event.capacity = None
    event.save()  # a save of content: the page cache starts empty
    # Colleagues of a listed organisation: their sign-ups take places at once (no opt-in link).
    EmailDomain.objects.create(organisation=Organisation.objects.first(), domain="benchstad.example")
    return event.get_absolute_url(), f"{event.get_absolute_url()}aanmelden/"


def session_choices(port: int, form_path: str) -> dict[str, list[str]]:
    """The sessions the form offers, per time slot (field name)."""
    _status, body, _headers = site.fetch(port, form_path)
    choices: dict[str, list[str]] = {}
    for field, value in re.findall(r'name="(slot_\d+)" value="(\d+)"', body.decode()):
        choices.setdefault(field, []).append(value)
    return choices


def sign_up(port: int, form_path: str, n: int, choices: dict[str, list[str]]) -> str:
    """Open the form and post it, as a colleague would. Returns a problem, or ""."""
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request("GET", form_path)
        response = connection.getresponse()
        page = response.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        submission = re.search(r'name="submission" value="([^"]+)"', page)
        if not (cookie and token and submission):
            return f"form: HTTP {response.status} without a usable form"
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "submission": submission.group(1),
                "name": f"Collega {n}",
                "email": f"collega{n}@benchstad.example",
                "organisation_other": "Gemeente Benchstad",
                "job_title": "Beleidsadviseur",
                "consent": "on",
                # One session in every time slot, spread over the slot's sessions.
                **{field: ids[n % len(ids)] for field, ids in choices.items()},
            }
        )
        connection.request(
            "POST",
            form_path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie.group(1)}",
                "Referer": f"http://{HOST}:{port}{form_path}",
            },
        )
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            return f"sign-up: HTTP {response.status}"
        return ""
    except OSError as error:
        return f"sign-up: {type(error).__name__}: {error}"
    finally:
        connection.close()


class Rush:
    """Sign-up clients that sign up one colleague after another until stopped."""

    def __init__(self, port, form_path, sessions, signers, invalidate_each):
        self.port, self.form_path, self.sessions = port, form_path, sessions
        self.invalidate_each = invalidate_each
        self.stopped = threading.Event()
        self.done = 0
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.elapsed = 0.0
        self.threads = [threading.Thread(target=self.signer) for _ in range(signers)]

    numbers = itertools.count()

    def signer(self):
        from pagecache import versions

        while not self.stopped.is_set():
            n = next(Rush.numbers)
            problem = sign_up(self.port, self.form_path, n, self.sessions)
            if not problem and self.invalidate_each:
                versions.invalidate()
            with self.lock:
                if problem:
                    self.errors.append(problem)
                else:
                    self.done += 1

    def __enter__(self):
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join()
        self.elapsed += time.perf_counter() - self.started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL database {site.PG_BENCH_DB}")
    parser.add_argument("--cache", choices=["redis", "locmem"], help="default: locmem (no configuration)")
    parser.add_argument("--readers", type=int, default=8, help="concurrent readers of the programme page")
    parser.add_argument("--signers", type=int, default=2, help="concurrent sign-up clients")
    parser.add_argument("--seconds", type=float, default=30, help="seconds per situation")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the situations")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads",
        type=int,
        default=4,
        help="threads per gunicorn worker (1: sync workers, as gunicorn's default)",
    )
    args = parser.parse_args()
    args.cache = args.cache or "locmem"
    if args.cache == "redis" and not site.redis_reachable():
        return f"Redis is not reachable on {HOST}:6379"

    scratch = Path(tempfile.mkdtemp(prefix="g40rush-"))
    process = None
    try:
        if args.postgres:
            site.create_postgres_database()
        env = {
            **site.site_environment(args, scratch),
            "REGISTRATION_RATE_LIMIT": "1000000/600",
            "EMAIL_URL": "dummymail://",
            "GUNICORN_CMD_ARGS": f"--threads {args.threads}",
        }
        if args.cache == "redis":
            env["CACHE_URL"] = REDIS_URL
        print("Preparing the scratch site (migrate, collectstatic, 60 sessions)…", flush=True)
        site.prepare_site(env)
        programme, form = open_sign_up()
        port = site.free_port()
        process = site.start_gunicorn(env, port, args.workers, scratch)
        sessions = session_choices(port, form)
        if not sessions:
            return "The sign-up form offers no sessions"
        for _ in range(20):  # warm up: the cache, the workers' connections and imports
            site.fetch(port, programme)

        situations = {
            "readers alone": (0, False),
            "with sign-ups": (args.signers, False),
            "sign-ups emptying the cache": (args.signers, True),
        }
        pages = {name: site.Result(name) for name in situations}
        rushes = {}
        print(f"Loading the programme page: {', '.join(situations)}, {args.rounds} rounds…", flush=True)
        for _round in range(args.rounds):
            for name, (signers, invalidate_each) in situations.items():
                rush = rushes.setdefault(name, Rush(port, form, sessions, signers, invalidate_each))
                rush.threads = [threading.Thread(target=rush.signer) for _ in range(signers)]
                rush.stopped.clear()
                with rush:
                    site.load(port, pages[name], programme, args.readers, 10**9, args.seconds / args.rounds)
        report(args, pages, rushes, programme, port)
        errors = [error for result in pages.values() for error in result.errors]
        errors += [error for rush in rushes.values() for error in rush.errors]
        for error in errors[:20]:
            print(f"ERROR {error}", file=sys.stderr)
        return 1 if errors else 0
    finally:
        if process is not None:
            site.stop(process)
        if args.postgres:
            from django.db import connections

            connections.close_all()
            site.drop_postgres_database()
        shutil.rmtree(scratch, ignore_errors=True)


def report(args, pages, rushes, programme, port):
    from registrations.models import Place

    print(
        f"\n{platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; {'PostgreSQL' if args.postgres else 'SQLite'}, "
        f"cache {args.cache}, gunicorn {args.workers} workers x {args.threads} threads; "
        f"{args.readers} readers, {args.signers} signers"
    )
    print(f"\n{'programme page':<30}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'hits':>7}{'sign-ups/s':>12}")
    for name, result in pages.items():
        rush = rushes[name]
        hits = result.hits / len(result.latencies) if result.latencies else 0
        signups = rush.done / rush.elapsed if rush.elapsed and rush.done else 0
        print(
            f"{name:<30}{result.rate:>9.0f}{result.percentile(50):>9.1f}{result.percentile(95):>9.1f}"
            f"{hits:>7.0%}{signups:>12.1f}"
        )
    alone = pages["readers alone"].rate
    if alone:
        print(
            f"\nratio with sign-ups / readers alone: {pages['with sign-ups'].rate / alone:.2f}; "
            f"if every sign-up emptied the cache: {pages['sign-ups emptying the cache'].rate / alone:.2f}"
        )
    places = Place.objects.filter(session__event__slug="benchstad")
    print(
        f"places taken {places.filter(status='confirmed').count()}, waiting {places.filter(status='waiting').count()}"
    )
    _status, body, _headers = site.fetch(port, programme)
    shown = re.findall(r'class="session__places">(.*?)</p>', body.decode(), re.S)
    texts = [" ".join(re.sub(r"<[^>]+>", " ", part).split()) for part in shown[:3]]
    print(f"the page shows: {'; '.join(texts)}")


if __name__ == "__main__":
    sys.exit(main())
