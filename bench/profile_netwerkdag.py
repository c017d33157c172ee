"""Where a cold render of the large netwerkdag page goes, in-process.

Builds the large netwerkdag of bench_public.py (60 sessions in 8 time slots, 120 speakers, 30
theme groups) in a scratch SQLite file (or the PostgreSQL database g40bench with --postgres),
then renders its page through Django's test client without the page cache and prints the
median, 10th percentile and minimum of:

- the whole page, and the same netwerkdag without a programme (what the rest of the page costs);
- reading the programme (sessions.programme.programme_cards) and drawing it (the time_slots
  macro of templates/jinja2/includes/programme.html).

With --profile, also the functions that took the most time over 20 renders (cProfile, which
slows Python code down several times: read its figures as shares, not as milliseconds).

    .venv/bin/python bench/profile_netwerkdag.py [--postgres] [--profile]
"""

import argparse
import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_public  # noqa: E402


def timed(function, repeat: int) -> str:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return (
        f"p50 {statistics.median(times):6.2f} ms   p10 {times[len(times) // 10]:6.2f}   min {times[0]:6.2f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--postgres", action="store_true", help=f"use PostgreSQL database {bench_public.PG_BENCH_DB}"
    )
    parser.add_argument("--repeat", type=int, default=200, help="renders per figure")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of 20 renders")
    args = parser.parse_args()
    args.cache = "locmem"

    scratch = Path(tempfile.mkdtemp(prefix="g40profile-"))
    try:
        if args.postgres:
            bench_public.create_postgres_database()
        bench_public.prepare_site(bench_public.site_environment(args, scratch))
        from django.conf import settings
        from django.template import engines
        from django.test import Client
        from django.utils import translation

        from g40events.models import Event
        from sessions.programme import group_in_time_slots, programme_cards

        settings.MIDDLEWARE = [
            name for name in settings.MIDDLEWARE if not name.endswith("PublicPageCacheMiddleware")
        ]
        settings.ALLOWED_HOSTS = ["testserver"]
        event = Event.objects.get(slug="benchstad")
        empty = Event.objects.get(pk=event.pk)
        empty.pk, empty.slug, empty.is_announced = None, "benchstad-zonder-programma", False
        empty.save()
        client = Client()
        for path in (event.get_absolute_url(), empty.get_absolute_url()):
            for _ in range(10):  # warm up: imports, template loading, the database connection
                assert client.get(path).status_code == 200, path

        translation.activate("nl")
        slots = group_in_time_slots(programme_cards(event))
        time_slots = engines["jinja2"].from_string(
            '{% from "includes/programme.html" import time_slots %}{{ time_slots(slots) }}'
        )
        print(
            f"\n{bench_public.machine()} · {'PostgreSQL' if args.postgres else 'SQLite'}, in-process, no page cache\n"
        )
        print(
            f"{'netwerkdag page (60 sessions)':<34}",
            timed(lambda: client.get(event.get_absolute_url()), args.repeat),
        )
        print(
            f"{'the same without a programme':<34}",
            timed(lambda: client.get(empty.get_absolute_url()), args.repeat),
        )
        print(f"{'reading the programme':<34}", timed(lambda: programme_cards(event), args.repeat))
        print(
            f"{'drawing the time slots and cards':<34}",
            timed(lambda: time_slots.render({"slots": slots}), args.repeat),
        )

        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(20):
                client.get(event.get_absolute_url())
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return 0
    finally:
        if args.postgres:
            from django.db import connections

            connections.close_all()
            bench_public.drop_postgres_database()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
