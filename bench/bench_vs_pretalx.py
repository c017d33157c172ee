"""Our public pages rendered cold against pretalx 2025.2.2 serving the same programme, in one run.

Starts pretalx with the reference harness in ../shared/perf/ (`pretalx-serve`: 60 sessions in
8 time slots, 120 speakers, gunicorn with 2 sync workers, SQLite), and our site with the bench's
large netwerkdag of the same shape (`bench_public.create_large_netwerkdag`: a fresh SQLite file,
gunicorn with 2 sync workers, DEBUG off, the page cache off: `CACHE_URL=dummycache://`, so that
every request renders, as pretalx's do without Redis). Then `measure` loads the pages of both
servers in interleaved rounds with `wrk` and counts each server's CPU time (master and workers,
from /proc): CPU-ms per request is the figure compared, since wall time on this shared machine
depends on what the other processes do. Prints a table with both sides, the ratios and the goals
of issue 8, and the SQL queries per page of both.

    .venv/bin/python bench/bench_vs_pretalx.py [--rounds 3] [--duration 10] [--max-foreign 0.3]
    .venv/bin/python bench/bench_vs_pretalx.py --no-pretalx     # our pages only

Talks only to 127.0.0.1. Exits non-zero when a page answers with anything but 200. Stops the
servers it started (pretalx with `pretalx-serve stop`, unless --keep-pretalx).
"""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_public  # noqa: E402
from bench_public import HOST, ROOT, fetch, free_port, start_gunicorn, stop  # noqa: E402

PERF = Path(os.environ.get("G40_PERF_DIR", ROOT.parent.parent / "shared" / "perf"))
if not PERF.is_dir():
    PERF = Path("/work/shared/perf")

# page name (as measure matches them across servers): goal (ratio pretalx/ours, or ms of CPU)
GOALS = {
    "schedule_nojs": ("ratio", 10.0),
    "talk": ("ratio", 5.0),
    "speaker": ("ratio", 5.0),
    "frab_json": ("ratio", 20.0),
    "signup": ("cpu_ms", 10.0),
    "health": (None, None),
    "privacy": (None, None),
}
LABELS = {
    "schedule_nojs": "programme (no-JS grid) / netwerkdag page",
    "talk": "session / talk page",
    "speaker": "speaker page",
    "frab_json": "frab schedule JSON",
    "signup": "sign-up form (GET)",
    "health": "yardstick: /health/ (no database, no template)",
    "privacy": "yardstick: privacy statement (layout, no database)",
}
PRETALX_PAGES = ("schedule_nojs", "talk", "speaker", "frab_json")


def machine() -> dict:
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "loadavg": os.getloadavg(),
    }


def start_pretalx() -> tuple[int, dict]:
    env = {**os.environ, "SESSIONS": "60", "SLOTS": "8", "SPEAKERS": "120"}
    out = subprocess.run(
        [str(PERF / "pretalx-serve"), "start"], env=env, capture_output=True, text=True, check=False
    )
    if out.returncode:
        sys.exit(f"pretalx-serve failed:\n{out.stderr[-3000:]}")
    pid = int(re.search(r"^PID=(\d+)$", out.stdout, re.M).group(1))
    urls = dict(re.findall(r"^(\w+)=(http\S+)$", out.stdout, re.M))
    return pid, {name: urls[name] for name in PRETALX_PAGES}


def pretalx_queries() -> dict:
    out = subprocess.run([str(PERF / "pretalx-serve"), "queries"], capture_output=True, text=True)
    return parse_queries(out.stdout)


def parse_queries(text: str) -> dict:
    """`queries.py`'s table: page, status, KB, cold, queries."""
    rows = re.findall(r"^(\w+)\s+(\d+)\s+[\d.]+\s+(\d+)\s+(\d+)$", text, re.M)
    return {name: int(queries) for name, _status, _cold, queries in rows}


def our_queries(env: dict, pages: dict) -> dict:
    out = subprocess.run(
        [sys.executable, str(PERF / "queries.py"), *[f"{name}={url}" for name, url in pages.items()]],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    return parse_queries(out.stdout)


def measure(groups: list[str], args, result_file: Path) -> dict:
    command = [
        sys.executable,
        str(PERF / "measure"),
        "--rounds",
        str(args.rounds),
        "--duration",
        str(args.duration),
        "--json",
        str(result_file),
    ]
    if args.max_foreign is not None:
        command += ["--max-foreign", str(args.max_foreign)]
    for flag, group in zip(("--a", "--b"), groups, strict=False):
        command += [flag, group]
    subprocess.run(command, check=True)
    return json.loads(result_file.read_text())


def group(label: str, pid: int, pages: dict) -> str:
    return f"{label}:{pid}:" + ",".join(f"{name}={url}" for name, url in pages.items())


def report(result: dict, queries: dict, before: dict, after: dict) -> bool:
    ours = result["summary"]["g40events"]
    theirs = result["summary"].get("pretalx", {})
    print(
        f"\nCPU-ms per request (server master + workers, from /proc), median of {result['args']['rounds']} "
        f"rounds of {result['args']['duration']} s; lower is better. Our page cache off.\n"
    )
    print("| page | pretalx | g40events | ratio | goal | met | queries (pretalx / ours) |")
    print("|---|---:|---:|---:|---|---|---|")
    met_all = True
    for name, (kind, goal) in GOALS.items():
        if name not in ours:
            continue
        mine = ours[name]["cpu_ms_per_req"]
        other = theirs.get(name, {}).get("cpu_ms_per_req")
        ratio = other / mine if other else None
        if kind == "ratio":
            met = ratio is not None and ratio >= goal
            goal_text = f">= {goal:g}x"
        elif kind == "cpu_ms":
            met = mine < goal
            goal_text = f"< {goal:g} ms"
        else:
            met, goal_text = None, ""
        met_all &= met is not False
        print(
            f"| {LABELS[name]} | {f'{other:.1f}' if other else '-'} | {mine:.1f} | "
            f"{f'{ratio:.1f}x' if ratio else '-'} | {goal_text} | {'' if met is None else 'yes' if met else 'NO'} | "
            f"{queries.get('pretalx', {}).get(name, '-')} / {queries.get('g40events', {}).get(name, '-')} |"
        )
    foreign = max(s["foreign_cores_max"] for g in result["summary"].values() for s in g.values())
    print(
        f"\nmachine: {before['nproc']} cores, {before['cpu']}, Python {before['python']}; "
        f"load average before {before['loadavg'][0]:.2f}, after {after['loadavg'][0]:.2f}; "
        f"other processes used up to {foreign:.2f} cores during a run"
    )
    return met_all


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page per round")
    parser.add_argument("--max-foreign", type=float, help="rerun a run when others used more cores")
    parser.add_argument("--no-pretalx", action="store_true", help="measure our pages only")
    parser.add_argument("--keep-pretalx", action="store_true", help="leave pretalx running afterwards")
    args = parser.parse_args()

    before = machine()
    queries = {}
    groups = []
    if not args.no_pretalx:
        print("starting pretalx (pretalx-serve; the first run installs it, ~2 min)", file=sys.stderr)
        pretalx_pid, pretalx_pages = start_pretalx()
        groups.append(group("pretalx", pretalx_pid, pretalx_pages))

    scratch = Path(tempfile.mkdtemp(prefix="g40-bench-"))
    bench_args = argparse.Namespace(postgres=False, cache="locmem")
    env = bench_public.site_environment(bench_args, scratch)
    env["CACHE_URL"] = "dummycache://"  # the page cache off: every request renders
    print(f"creating the large netwerkdag in {scratch}", file=sys.stderr)
    urls = bench_public.prepare_site(env)
    port = free_port()
    base = f"http://{HOST}:{port}"
    netwerkdag = urls["netwerkdag"]
    our_pages = {
        "schedule_nojs": base + netwerkdag,
        "talk": base + netwerkdag + "sessies/sessie-1-0/",
        "speaker": base + urls["speaker"],
        "frab_json": base + netwerkdag + "programma.json",
        "signup": base + netwerkdag + "aanmelden/",
        # yardsticks: the request stack alone (no database), and a small page of the site's layout
        "health": base + "/health/",
        "privacy": base + "/privacy/",
    }
    server = start_gunicorn(env, port, 2, scratch)
    try:
        for name, url in our_pages.items():
            status = fetch(port, url.removeprefix(base))[0]
            if status != 200:
                sys.exit(f"{name}: {url} answers {status}")
        queries["g40events"] = our_queries(env, our_pages)
        if not args.no_pretalx:
            queries["pretalx"] = pretalx_queries()
        groups.append(group("g40events", server.pid, our_pages))
        result = measure(groups, args, scratch / "measure.json")
    finally:
        stop(server)
        if not args.no_pretalx and not args.keep_pretalx:
            subprocess.run([str(PERF / "pretalx-serve"), "stop"], check=False)
    after = machine()
    met = report(result, queries, before, after)
    (scratch / "report.json").write_text(json.dumps({"machine": [before, after], "measure": result}))
    print(f"raw figures: {scratch / 'measure.json'}; at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    bad = sum(s["non2xx"] + s["sock_err"] for g in result["summary"].values() for s in g.values())
    if bad:
        sys.exit(f"{bad} requests failed")
    print("all goals met" if met else "some goals not met")


if __name__ == "__main__":
    main()
