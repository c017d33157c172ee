"""Where the CPU time of a cold render goes, in-process, for the pages bench_vs_pretalx.py measures.

Builds the large netwerkdag of bench_public.py in a scratch SQLite file, with the page cache off
(`CACHE_URL=dummycache://`, as in bench_vs_pretalx.py), renders each page through Django's test
client with the full middleware, and prints the median and minimum CPU time per request
(`time.process_time`, so that other processes on the machine count less) and the queries.

    .venv/bin/python bench/profile_pages.py                        # all pages
    .venv/bin/python bench/profile_pages.py --profile frab_json    # and a cProfile of one page

cProfile slows Python code down several times: read its figures as shares, not as milliseconds.
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


def cpu_ms(function, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times), min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=100, help="requests per page")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of 50 requests of PAGE")
    args = parser.parse_args()
    args.cache, args.postgres = "locmem", False

    scratch = Path(tempfile.mkdtemp(prefix="g40profile-"))
    try:
        env = bench_public.site_environment(args, scratch)
        env["CACHE_URL"] = "dummycache://"
        urls = bench_public.prepare_site(env)
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        settings.ALLOWED_HOSTS = ["testserver"]
        netwerkdag = urls["netwerkdag"]
        pages = {
            "schedule_nojs": netwerkdag,
            "talk": netwerkdag + "sessies/sessie-1-0/",
            "speaker": urls["speaker"],
            "frab_json": netwerkdag + "programma.json",
            "signup": netwerkdag + "aanmelden/",
            "health": "/health/",
        }
        client = Client()
        print(f"\nin-process, SQLite, page cache off, {args.repeat} requests per page\n")
        print(f"{'page':<16}{'CPU p50 ms':>12}{'CPU min ms':>12}{'queries':>9}{'KB':>8}")
        for name, path in pages.items():
            for _ in range(5):  # warm up: imports, template loading, the database connection
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            queries = []  # counted at the cursor: the request's start empties connection.queries
            with connection.execute_wrapper(
                lambda execute, sql, *rest, queries=queries: queries.append(sql) or execute(sql, *rest)
            ):
                response = client.get(path)
            p50, least = cpu_ms(lambda path=path: client.get(path), args.repeat)
            print(f"{name:<16}{p50:12.2f}{least:12.2f}{len(queries):9d}{len(response.content) / 1024:8.1f}")

        if args.profile:
            path = pages[args.profile]
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(50):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
