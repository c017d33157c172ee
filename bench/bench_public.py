"""Benchmark of the public pages, served by gunicorn as in production.

Creates a large netwerkdag (60 sessions in 8 time slots, 120 speakers, 30 theme groups) in a
scratch database (a fresh SQLite file, or the PostgreSQL database g40bench with --postgres,
created and dropped), serves the app with gunicorn (2 workers, DEBUG off) on 127.0.0.1, loads
the netwerkdag page, a speaker page, the home page and /health/ with concurrent clients, and
prints requests/s, p50/p95 latency and each page's throughput relative to /health/. Then it
measures cold renders (every request a cache miss: the bench bumps the content version first) and the weight of the netwerkdag page (HTML + CSS + JS, uncompressed), for
the bench's netwerkdag and for the demo's Deventer day.

    .venv/bin/python bench/bench_public.py [--postgres] [--cache redis|locmem] [--clients 8]

Talks only to 127.0.0.1. Exits non-zero when a page answers with anything but 200.
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "g40bench"
REDIS_URL = "redis://127.0.0.1:6379/14"

GOAL_RATIO = 0.5
GOAL_COLD_MS = 30.0


# --- the scratch site ------------------------------------------------------------------------


def redis_reachable() -> bool:
    try:
        with socket.create_connection((HOST, 6379), timeout=1):
            return True
    except OSError:
        return False


def create_postgres_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")


def drop_postgres_database():
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def site_environment(args, scratch: Path) -> dict:
    database_url = (
        f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
        if args.postgres
        else f"sqlite:///{scratch / 'bench.sqlite3'}"
    )
    return {
        "DJANGO_SETTINGS_MODULE": "g40events.settings",
        "ENV_FILE": "",  # not the demo's .env
        "DATABASE_URL": database_url,
        "CACHE_URL": REDIS_URL if args.cache == "redis" else "locmemcache://bench",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "off",
        "HTTPS": "off",
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": "http://127.0.0.1",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "STATIC_MANIFEST": "on",
        "LOG_LEVEL": "WARNING",
    }


def prepare_site(env: dict):
    """Migrate, collect static files and create the large netwerkdag, in this process."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()  # only the bench's own cache (Redis database 14, or this process's memory)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return create_large_netwerkdag()


LOREM = (
    "Gemeenten zien dat de opgaven in het sociaal domein, de woningmarkt en de regionale economie "
    "steeds meer met elkaar verweven raken. In deze sessie delen collega's uit drie steden wat "
    "werkt, wat niet, en wat zij van het Rijk vragen. Daarna gaan we in gesprek over de vraag hoe "
    "de G40 samen kan optrekken."
)


def create_large_netwerkdag():
    """60 sessions in 8 time slots, 120 speakers, 30 theme groups; returns the URLs to load."""
    from django.utils import timezone

    from g40events import text
    from g40events.models import Event, Organisation, Pillar, Recap, Status, ThemeGroup
    from pagecache import versions
    from sessions.models import Material, Session, SessionSpeaker
    from speakers.models import Speaker

    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Gemeente Benchstad {n}", kind=Organisation.Kind.G40_CITY) for n in range(40)]
        + [Organisation(name=f"Kennisinstituut {n}", kind=Organisation.Kind.KNOWLEDGE) for n in range(10)]
    )
    pillars = Pillar.objects.bulk_create(
        [
            Pillar(name=name, slug=slug, position=n, description=LOREM)
            for n, (slug, name) in enumerate(
                [
                    ("bench-sociaal", "Bench: sociaal"),
                    ("bench-fysiek", "Bench: fysiek"),
                    ("bench-economie", "Bench: economie"),
                ]
            )
        ]
    )
    theme_groups = ThemeGroup.objects.bulk_create(
        [
            ThemeGroup(
                name=f"Themagroep {n:02d}",
                slug=f"themagroep-{n:02d}",
                pillar=pillars[n % 3],
                description=LOREM,
                coordinator=f"Coördinator {n}, Gemeente Benchstad {n}",
            )
            for n in range(30)
        ]
    )
    speakers = Speaker.objects.bulk_create(
        [
            Speaker(
                name=f"Spreker {n:03d} van Benchstad",
                sort_name=f"Benchstad, Spreker {n:03d} van",
                slug=f"spreker-{n:03d}",
                job_title="Beleidsadviseur",
                organisation=organisations[n % len(organisations)],
                bio=LOREM,
            )
            for n in range(120)
        ]
    )
    today = datetime.date.today()
    event = Event.objects.create(
        title="Ambtelijke netwerkdag Benchstad",
        slug="benchstad",
        date=today + datetime.timedelta(days=60),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(17, 0),
        host_city=organisations[0],
        venue_name="Stadhuis Benchstad",
        venue_address="Grote Markt 1, 1234 AB Benchstad",
        introduction=LOREM + "\n\n" + LOREM,
        status=Status.PUBLISHED,
        is_announced=True,
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        capacity=250,
    )
    past = Event.objects.create(
        title="Ambtelijke netwerkdag Oudstad",
        slug="oudstad",
        date=today - datetime.timedelta(days=100),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(16, 30),
        host_city=organisations[1],
        venue_name="Stadhuis Oudstad",
        introduction=LOREM,
        status=Status.PUBLISHED,
    )
    # 8 time slots: an opening, six rounds of parallel sessions, a closing: 1 + 58 + 1 = 60.
    slot_sizes = [1, 10, 10, 10, 9, 10, 9, 1]
    sessions = []
    for slot, size in enumerate(slot_sizes):
        start = datetime.time(9 + slot, 0)
        end = datetime.time(9 + slot, 50)
        for n in range(size):
            sessions.append(
                Session(
                    event=event,
                    title=f"Sessie {slot}.{n}: samen sterker in de regio",
                    slug=f"sessie-{slot}-{n}",
                    description=LOREM,
                    kind=Session.Kind.PLENARY if size == 1 else Session.Kind.PARALLEL,
                    start_time=start,
                    end_time=end,
                    location="Raadzaal" if size == 1 else f"Zaal {n + 1}",
                    takes_registrations=size > 1,
                    capacity=30 if size > 1 else None,
                )
            )
    sessions = Session.objects.bulk_create(sessions)
    past_sessions = Session.objects.bulk_create(
        [
            Session(
                event=past,
                title=f"Terugblik-sessie {n}",
                slug=f"sessie-{n}",
                description=LOREM,
                start_time=datetime.time(10 + n // 3, 0),
                end_time=datetime.time(10 + n // 3, 45),
                location=f"Zaal {n % 3 + 1}",
            )
            for n in range(12)
        ]
    )
    roles = []
    for n, session in enumerate(sessions):
        roles += [
            SessionSpeaker(session=session, speaker=speakers[(2 * n) % 120], position=0),
            SessionSpeaker(session=session, speaker=speakers[(2 * n + 1) % 120], position=1),
        ]
    # Speaker 0 also spoke on the past day: a speaker page with sessions across netwerkdagen.
    roles += [
        SessionSpeaker(session=s, speaker=speakers[n % 8], position=0) for n, s in enumerate(past_sessions)
    ]
    SessionSpeaker.objects.bulk_create(roles)
    Session.pillars.through.objects.bulk_create(
        [Session.pillars.through(session=s, pillar=pillars[n % 3]) for n, s in enumerate(sessions)]
    )
    Session.theme_groups.through.objects.bulk_create(
        [
            Session.theme_groups.through(session=s, themegroup=theme_groups[(n + k) % 30])
            for n, s in enumerate(sessions)
            for k in range(2)
        ]
    )
    Material.objects.bulk_create(
        [
            Material(session=s, title="Presentatie (pdf)", url=f"https://example.org/{s.slug}.pdf")
            for s in sessions
        ]
    )
    Recap.objects.bulk_create(
        [
            Recap(
                event=past,
                title=f"Terugblik {n}",
                slug=f"terugblik-{n}",
                summary="Wat we leerden.",
                body=LOREM,
                status=Status.PUBLISHED,
                published_at=timezone.now() - datetime.timedelta(days=90 - n),
                pillar=pillars[n % 3],
            )
            for n in range(6)
        ]
    )
    for model in (Pillar, ThemeGroup, Speaker, Session, Recap):
        text.store_rendered_markdown(model)  # bulk_create bypasses save(), which renders Markdown
    versions.invalidate()  # bulk_create sends no signals
    return {
        "health": "/health/",
        "netwerkdag": event.get_absolute_url(),
        "speaker": speakers[0].get_absolute_url(),
        "home": "/",
    }


def load_demo_netwerkdag() -> str:
    from django.core.management import call_command

    from pagecache import versions

    call_command("load_demo", "--no-organiser", verbosity=0, stdout=open(os.devnull, "w"))
    versions.invalidate()
    return "/netwerkdagen/ambtelijke-netwerkdag-deventer-2024/"


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int, scratch: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(scratch / "gunicorn.log", "w")
    process = subprocess.Popen(
        [str(gunicorn), "g40events.wsgi:application", "--workers", str(workers), "--bind", f"{HOST}:{port}"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(port, "/health/")[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    sys.exit(
        f"gunicorn did not start; see {scratch / 'gunicorn.log'}:\n{(scratch / 'gunicorn.log').read_text()}"
    )


def stop(process: subprocess.Popen):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- load ------------------------------------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


class Result:
    def __init__(self, name):
        self.name = name
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.hits = 0
        self.elapsed = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return (
            ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000
            if ordered
            else 0.0
        )


def load(port: int, result: Result, path: str, clients: int, requests: int, seconds: float):
    """`clients` threads request `path` until `requests` are done or `seconds` have passed."""
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _body, headers = fetch(port, path)
            except OSError as error:
                with lock:
                    result.errors.append(f"{path}: {error}")
                continue
            latency = time.perf_counter() - started
            with lock:
                if status != 200:
                    result.errors.append(f"{path}: HTTP {status}")
                else:
                    result.latencies.append(latency)
                    result.hits += headers.get("X-Cache") == "HIT"

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed += time.perf_counter() - started


def load_interleaved(port: int, paths: dict, args) -> list[Result]:
    """Load each page in turn, in several rounds, so that the pages share the machine's ups
    and downs (other processes, CPU frequency) and their ratios stay fair."""
    results = {name: Result(name) for name in paths}
    for _round in range(args.rounds):
        for name, path in paths.items():
            load(
                port,
                results[name],
                path,
                args.clients,
                args.requests // args.rounds,
                args.seconds / args.rounds,
            )
    return list(results.values())


def cold(port: int, name: str, path: str, count: int, shared_cache: bool) -> Result:
    """One client; every request renders the page.

    The bench empties the cache before each request the way a save does, by bumping the content
    version (in Redis, or in the version file that the workers' memory caches read): a truly
    cold render.
    """
    from pagecache import versions

    result = Result(name)
    started = time.perf_counter()
    for _n in range(count):
        versions.invalidate()
        url = path
        began = time.perf_counter()
        status, _body, headers = fetch(port, url)
        latency = time.perf_counter() - began
        if status != 200:
            result.errors.append(f"{url}: HTTP {status}")
        elif headers.get("X-Cache") == "HIT":
            result.errors.append(f"{url}: served from the cache, not rendered")
        else:
            result.latencies.append(latency)
    result.elapsed = time.perf_counter() - started
    return result


def page_weight(port: int, path: str) -> dict:
    """Bytes of the HTML and of the stylesheets and scripts it loads, uncompressed."""
    status, html, _ = fetch(port, path)
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}")
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html.decode())
    assets += re.findall(r'<link[^>]+href="([^"]+)"[^>]+rel="stylesheet"', html.decode())
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html.decode())
    weights = {"html": len(html), "css": 0, "js": 0}
    for kind, urls in (("css", assets), ("js", scripts)):
        for url in urls:
            if url.startswith(("http://", "https://", "//")):
                raise RuntimeError(f"{path} loads {url} from another site")
            status, body, _ = fetch(port, url)
            if status != 200:
                raise RuntimeError(f"{url}: HTTP {status}")
            weights[kind] += len(body)
    weights["total"] = weights["html"] + weights["css"] + weights["js"]
    return weights


# --- report ----------------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        cpu = platform.processor()
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def report(args, warm: list[Result], colds: list[Result], weights: dict) -> bool:
    baseline = warm[0].rate
    print(f"\n{datetime.date.today().isoformat()} · {machine()}")
    database = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"gunicorn {args.workers} sync workers · {database} · cache {args.cache} · {args.clients} clients\n"
    )
    print(f"{'warm (cached)':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'vs health':>11}{'hits':>8}{'n':>7}")
    for result in warm:
        ratio = result.rate / baseline if baseline else 0.0
        hits = f"{result.hits / len(result.latencies):.0%}" if result.latencies else "-"
        print(
            f"{result.name:<16}{result.rate:>9.0f}{result.percentile(50):>9.1f}{result.percentile(95):>9.1f}"
            f"{ratio:>11.2f}{hits:>8}{len(result.latencies):>7}"
        )
    how = "cache emptied before each request" if args.cache == "redis" else "a new cache key for each request"
    print(f"\n{'cold (rendered)':<16}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'n':>29}   ({how})")
    for result in colds:
        print(
            f"{result.name:<16}{result.rate:>9.0f}{result.percentile(50):>9.1f}{result.percentile(95):>9.1f}"
            f"{len(result.latencies):>29}"
        )
    print("\npage weight (uncompressed bytes)")
    for name, weight in weights.items():
        print(
            f"{name:<28} html {weight['html']:>7}  css {weight['css']:>6}  js {weight['js']:>6}  "
            f"total {weight['total']:>7} ({weight['total'] / 1024:.1f} KB)"
        )
    ratio = next(r for r in warm if r.name == "netwerkdag").rate / baseline if baseline else 0.0
    cold_p50 = next(r for r in colds if r.name == "netwerkdag").percentile(50)
    demo_p50 = next(r for r in colds if r.name == "demo Deventer").percentile(50)
    print(
        f"\ngoals: netwerkdag/health throughput {ratio:.2f} (goal ≥ {GOAL_RATIO}) "
        f"{'met' if ratio >= GOAL_RATIO else 'NOT met'}; "
        f"cold netwerkdag p50 {cold_p50:.1f} ms (goal < {GOAL_COLD_MS:.0f} ms) "
        f"{'met' if cold_p50 < GOAL_COLD_MS else 'NOT met'} "
        f"(the demo's Deventer day: {demo_p50:.1f} ms)"
    )
    errors = [error for result in warm + colds for error in result.errors]
    for error in errors[:20]:
        print(f"ERROR {error}", file=sys.stderr)
    return not errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"use PostgreSQL database {PG_BENCH_DB}")
    parser.add_argument("--cache", choices=["redis", "locmem"], help="default: redis when reachable")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    parser.add_argument("--requests", type=int, default=4000, help="requests per page at most")
    parser.add_argument("--seconds", type=float, default=20, help="seconds per page at most")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over the pages")
    parser.add_argument("--cold", type=int, default=60, help="cold renders per page")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    if args.cache is None:
        args.cache = "redis" if redis_reachable() else "locmem"
    elif args.cache == "redis" and not redis_reachable():
        return f"Redis is not reachable on {HOST}:6379"

    scratch = Path(tempfile.mkdtemp(prefix="g40bench-"))
    process = None
    try:
        if args.postgres:
            create_postgres_database()
        env = site_environment(args, scratch)
        print("Preparing the scratch site (migrate, collectstatic, 60 sessions)…", flush=True)
        paths = prepare_site(env)
        port = free_port()
        process = start_gunicorn(env, port, args.workers, scratch)

        for path in paths.values():
            for _ in range(20):  # warm up: the cache, the workers' connections and imports
                fetch(port, path)
        print(f"Loading {', '.join(paths)} in {args.rounds} rounds…", flush=True)
        warm = load_interleaved(port, paths, args)
        colds = [
            cold(port, name, path, args.cold, shared_cache=args.cache == "redis")
            for name, path in paths.items()
            if name != "health"
        ]
        weights = {"bench netwerkdag": page_weight(port, paths["netwerkdag"])}
        demo = load_demo_netwerkdag()
        weights["demo netwerkdag (Deventer)"] = page_weight(port, demo)
        colds.append(cold(port, "demo Deventer", demo, args.cold, shared_cache=args.cache == "redis"))
        ok = report(args, warm, colds, weights)
        return 0 if ok else 1
    finally:
        if process is not None:
            stop(process)
        if args.postgres:
            from django.db import connections

            connections.close_all()
            drop_postgres_database()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
