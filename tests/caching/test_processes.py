"""The zero-configuration cache across processes: two gunicorn workers, local-memory caches each,
no Redis. A save in the admin through one worker is seen through the other at once."""

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.sqlite_files import copy_sqlite

ROOT = Path(django_settings.BASE_DIR)
PASSWORD = "een-lang-wachtwoord-voor-de-test-42"

SETUP = f"""
import datetime
from django.contrib.auth import get_user_model
from g40events.models import Event, Status
from sessions.models import Session
event = Event.objects.create(
    title="Netwerkdag", slug="netwerkdag", date=datetime.date(2030, 4, 24), status=Status.PUBLISHED,
    start_time=datetime.time(9, 30), end_time=datetime.time(16, 30),
)
for n in range(2):
    Session.objects.create(
        event=event, title=f"Sessie {{n}}", slug=f"sessie-{{n}}", kind="parallel",
        start_time=datetime.time(10 + n), end_time=datetime.time(10 + n, 45),
    )
get_user_model().objects.create_superuser("organisator", "organisator@example.org", "{PASSWORD}")
print(Session.objects.get(slug="sessie-0").pk)
"""


def site_environment(tmp_path) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CACHE_URL", "PAGE_CACHE_VERSION_FILE", "DJANGO_SETTINGS_MODULE"}
    }
    return {
        **environment,
        # The README's zero-configuration site: SQLite and Django's local-memory cache.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "ENV_FILE": "",
        "SECRET_KEY": "two-workers-of-one-site-share-this-secret-key",
        "DEBUG": "off",
        "HTTPS": "off",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_MANIFEST": "off",
    }


def manage(environment, *command) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Worker:
    """One gunicorn with one worker process, as `gunicorn --workers 3` runs three."""

    def __init__(self, environment, tmp_path, name):
        self.port = free_port()
        self.log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        # A visitor without cookies, and an organiser who logs in to the admin.
        self.visitor = urllib.request.build_opener()
        self.organiser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/health/")
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    pytest.fail(f"gunicorn did not start: {(tmp_path / f'{name}.log').read_text()}")
                time.sleep(0.1)  # waiting for a real server to listen, not for the clock

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, opener=None):
        with (opener or self.visitor).open(self.url(path), timeout=30) as response:
            return response.headers.get("X-Cache"), response.read().decode()

    def post_form(self, path, fields: dict):
        """Submit an admin form as the organiser: the form's page first, for its CSRF token."""
        _state, page = self.get(path, self.organiser)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        with self.organiser.open(self.url(path), data=data, timeout=30) as response:
            return response.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def titles(worker):
    state, body = worker.get("/netwerkdagen/netwerkdag/programma.json")
    rooms = json.loads(body)["schedule"]["conference"]["days"][0]["rooms"]
    return state, sorted(talk["title"] for talks in rooms.values() for talk in talks)


@pytest.fixture
def two_workers(tmp_path, migrated_sqlite):
    environment = site_environment(tmp_path)
    copy_sqlite(migrated_sqlite, tmp_path / "site.sqlite3")
    session_pk = int(manage(environment, "shell", "--no-imports", "-c", SETUP).strip())
    workers = [Worker(environment, tmp_path, "a"), Worker(environment, tmp_path, "b")]
    yield session_pk, workers
    for worker in workers:
        worker.stop()


def test_save_in_the_admin_through_one_worker_is_seen_through_the_other_at_once(two_workers):
    session_pk, (a, b) = two_workers
    for worker in (a, b):
        assert titles(worker) == ("MISS", ["Sessie 0", "Sessie 1"])
        assert titles(worker) == ("HIT", ["Sessie 0", "Sessie 1"])

    a.post_form("/beheer/login/?next=/beheer/", {"username": "organisator", "password": PASSWORD})
    deleted = a.post_form(f"/beheer/programme/session/{session_pk}/delete/", {"post": "yes"})
    assert "De sessie ‘Sessie 0’ is met succes verwijderd." in deleted

    assert titles(b) == ("MISS", ["Sessie 1"])
    assert titles(a) == ("MISS", ["Sessie 1"])
    assert titles(b) == ("HIT", ["Sessie 1"])
