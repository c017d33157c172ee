"""`manage.py` works in the checkout after `make run`: the demo's settings live in .env.

A scratch copy of the checkout, where the Makefile's recipe writes .env as `make run` does; then
Django's own commands run there with no further environment, as a developer would type them.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sqlite_files import copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
VENV = Path(sys.prefix)
SKIPPED = shutil.ignore_patterns(
    ".git", ".venv", ".env", "db.sqlite3*", "media", "staticfiles", "__pycache__", "*.egg-info",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "bench",
)  # fmt: skip


def bare_environment(**extra) -> dict:
    """What a developer's shell has: no Django settings at all."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(extra)
    return env


def run(scratch, *command, **extra_env):
    return subprocess.run(
        command, cwd=scratch, env=bare_environment(**extra_env), capture_output=True, text=True, check=False
    )


def manage(scratch, *args, **extra_env):
    return run(scratch, str(VENV / "bin" / "python"), "manage.py", *args, **extra_env)


def read_env_file(scratch) -> dict:
    lines = (scratch / ".env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory, migrated_sqlite):
    """A copy of the checkout in which `make run`'s recipe has written .env, with the database
    `make run` migrates (db.sqlite3)."""
    scratch = tmp_path_factory.mktemp("checkout") / "g40events"
    shutil.copytree(ROOT, scratch, ignore=SKIPPED)
    copy_sqlite(migrated_sqlite, scratch / "db.sqlite3")
    result = run(scratch, "make", "--no-print-directory", "dotenv", f"VENV={VENV}")
    assert result.returncode == 0, result.stdout + result.stderr
    return scratch


def test_make_writes_the_demo_settings_to_env_readable_only_by_the_owner(checkout):
    values = read_env_file(checkout)

    assert {key: values[key] for key in ("DEBUG", "HTTPS", "SERVE_MEDIA", "SITE_DATE")} == {
        "DEBUG": "off",
        "HTTPS": "off",
        "SERVE_MEDIA": "on",
        "SITE_DATE": "2024-05-01",
    }
    assert len(values["SECRET_KEY"]) >= 50
    assert (checkout / ".env").stat().st_mode & 0o777 == 0o600


def test_management_commands_work_in_the_checkout_without_further_environment(checkout):
    check = manage(checkout, "check")
    migrate = manage(checkout, "migrate", "--no-input", "--verbosity", "0")
    superuser = manage(
        checkout,
        "createsuperuser",
        "--noinput",
        DJANGO_SUPERUSER_USERNAME="beheerder",
        DJANGO_SUPERUSER_EMAIL="beheer@g40steden.nl",
        DJANGO_SUPERUSER_PASSWORD="een-lang-wachtwoord-voor-de-demo",
    )
    shown = manage(
        checkout,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; from django.contrib.auth.models import User; "
        "print(settings.SITE_DATE, settings.DEBUG, settings.SERVE_MEDIA, "
        "User.objects.get(username='beheerder').is_superuser)",
    )

    assert check.returncode == 0, check.stderr
    assert "System check identified no issues (0 silenced)." in check.stdout
    assert migrate.returncode == 0, migrate.stderr
    assert superuser.returncode == 0, superuser.stderr
    assert superuser.stdout.strip() == "Superuser created successfully."
    assert shown.stdout.strip() == "2024-05-01 False True True"


def test_the_real_environment_wins_over_env(checkout):
    shown = manage(
        checkout,
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SITE_DATE)",
        SITE_DATE="",
    )

    assert shown.stdout.strip() == "None"


def test_make_keeps_an_existing_env_and_adds_only_what_it_lacks(checkout):
    first_key = read_env_file(checkout)["SECRET_KEY"]
    env_file = checkout / ".env"
    # A developer changed the date and added a mail server (with no newline at the end).
    env_file.write_text(
        env_file.read_text().replace("SITE_DATE=2024-05-01\n", "") + "EMAIL_URL=smtp://127.0.0.1:1025"
    )

    result = run(checkout, "make", "--no-print-directory", "dotenv", f"VENV={VENV}")

    values = read_env_file(checkout)
    assert result.returncode == 0, result.stderr
    assert values["SECRET_KEY"] == first_key
    assert values["EMAIL_URL"] == "smtp://127.0.0.1:1025"
    assert values["SITE_DATE"] == "2024-05-01"
    assert list(values).count("SITE_DATE") == 1


def test_a_developers_env_never_reaches_the_test_run(checkout):
    (checkout / "tests" / "test_probe_env.py").write_text(
        "from django.conf import settings\n\n\n"
        "def test_env_file_is_not_read():\n"
        "    assert (settings.SITE_DATE, settings.DEBUG, settings.SERVE_MEDIA) == (None, False, False)\n"
    )
    (checkout / ".env").write_text(
        "SECRET_KEY=from-the-env-file\nDEBUG=on\nSERVE_MEDIA=on\nSITE_DATE=2024-05-01\n"
    )

    result = run(
        checkout,
        str(VENV / "bin" / "python"),
        "-m",
        "pytest",
        "tests/test_probe_env.py",
        "-q",
        "-p",
        "no:cacheprovider",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_an_env_file_named_but_missing_stops_with_a_clear_message(checkout):
    result = manage(checkout, "check", ENV_FILE=str(checkout / "productie.env"))

    assert result.returncode != 0
    assert f"ENV_FILE is '{checkout / 'productie.env'}', which does not exist." in result.stderr
