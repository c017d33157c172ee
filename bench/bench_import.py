"""How fast a programme spreadsheet is read, checked and refused (sessions/spreadsheets.py).

In a scratch SQLite database, in this process: the dry run of a full day's programme of 60 sessions
and of the largest file accepted (200 sessions, each with a room, a pillar, two theme groups and a
speaker), and the refusal of 5,000-row files (.csv and .xlsx), which must be quick and change nothing.
Prints CPU time (time.process_time, so that other processes on the machine count less): median of
--repeat runs.

    .venv/bin/python bench/bench_import.py [--repeat 5]
"""

import argparse
import datetime
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(scratch: Path):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "g40events.settings",
            "ENV_FILE": "",
            "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "off",
            "HTTPS": "off",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def rows(count: int) -> list[list[str]]:
    result = []
    for n in range(count):
        start = datetime.time(9 + (n % 8), 0)
        end = datetime.time(start.hour, 45)
        result.append(
            [
                f"Sessie {n}",
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                f"Zaal {n // 8}",
                "Parallelsessie",
                "Sociaal",
                "Wonen; Zorg",
                f"Spreker {n} (Gemeente {n % 40})",
                "30",
                "ja",
            ]
        )
    return result


def csv_bytes(count: int) -> bytes:
    import csv

    from sessions.spreadsheets import PROGRAMME_COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(PROGRAMME_COLUMNS)
    writer.writerows(rows(count))
    return buffer.getvalue().encode()


def xlsx_bytes(count: int) -> bytes:
    import openpyxl

    from sessions.spreadsheets import PROGRAMME_COLUMNS

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(PROGRAMME_COLUMNS)
    for row in rows(count):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cpu_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup(Path(scratch))
        from g40events.models import Event, Pillar, ThemeGroup
        from sessions.models import Session
        from sessions.spreadsheets import ProgrammeCSV, ProgrammeResource, ProgrammeXLSX, SpreadsheetError

        social = Pillar.objects.create(name="Sociaal", slug="sociaal")
        for name in ("Wonen", "Zorg"):
            ThemeGroup.objects.create(name=name, slug=name.lower(), pillar=social)
        event = Event.objects.create(
            title="Bench",
            slug="bench",
            date=datetime.date(2030, 5, 1),
            start_time=datetime.time(9, 0),
            end_time=datetime.time(17, 30),
        )

        def dry_run(data: bytes):
            dataset = ProgrammeCSV(encoding="utf-8-sig").create_dataset(data)
            result = ProgrammeResource(event=event).import_data(dataset, dry_run=True, raise_errors=True)
            assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows[:1]

        def refused(file_format, data: bytes):
            try:
                file_format().create_dataset(data)
            except SpreadsheetError:
                return
            raise AssertionError("a 5,000-row file was accepted")

        day, largest = csv_bytes(60), csv_bytes(200)
        big_csv, big_xlsx = csv_bytes(5000), xlsx_bytes(5000)
        print(f"CPU ms, median of {args.repeat} runs (nothing is saved; the database keeps 0 sessions):")
        print(f"  dry run,    60 sessions (.csv):  {cpu_ms(lambda: dry_run(day), args.repeat):8.1f}")
        print(f"  dry run,   200 sessions (.csv):  {cpu_ms(lambda: dry_run(largest), args.repeat):8.1f}")
        print(
            f"  refused, 5,000 rows (.csv):      {cpu_ms(lambda: refused(ProgrammeCSV, big_csv), args.repeat):8.1f}"
        )
        print(
            f"  refused, 5,000 rows (.xlsx):     {cpu_ms(lambda: refused(ProgrammeXLSX, big_xlsx), args.repeat):8.1f}"
        )
        assert Session.objects.count() == 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
