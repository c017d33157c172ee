"""Several app servers share one Redis: a save through one must empty the pages of all."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache

from sessions.models import Session
from tests.exports.helpers import add_sessions, make_deventer

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"
VERSION_KEY = ":1:g40:content-version"  # Django's key prefix and version around ours


@pytest.fixture
def shared_redis(settings):
    """The default cache on Redis database 15, emptied before and after."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on 127.0.0.1:6379 in CI.")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    cache.clear()
    yield redis.Redis.from_url(REDIS_URL)
    cache.clear()


def other_app_server(tmp_path, *command):
    """Run a manage.py command in a process of its own, on the same Redis and its own database."""
    env = {
        **os.environ,
        "CACHE_URL": REDIS_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
        "SECRET_KEY": "another-process-of-the-same-site",
        "DEBUG": "off",
        "HTTPS": "off",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=Path(django_settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def talk_titles(client, event):
    response = client.get(f"/netwerkdagen/{event.slug}/programma.json")
    rooms = response.json()["schedule"]["conference"]["days"][0]["rooms"]
    return response["X-Cache"], [talk["title"] for talks in rooms.values() for talk in talks]


def test_redis_invalidation_by_another_process_empties_this_process_cache(client, shared_redis, tmp_path):
    other_app_server(tmp_path, "migrate", "--no-input", "--verbosity", "0")
    event = make_deventer()
    [session] = add_sessions(event, 1)
    assert talk_titles(client, event) == ("MISS", ["Sessie 0"])
    # An organiser saves through another app server: the database changes, but this process
    # sends no signal of its own.
    Session.objects.filter(pk=session.pk).update(title="Bestaanszekerheid")
    assert talk_titles(client, event) == ("HIT", ["Sessie 0"])
    version = int(shared_redis.get(VERSION_KEY))

    other_app_server(tmp_path, "shell", "-c", "from g40events.caching import invalidate; invalidate()")

    assert int(shared_redis.get(VERSION_KEY)) == version + 1
    assert talk_titles(client, event) == ("MISS", ["Bestaanszekerheid"])


def test_redis_holds_the_pages_and_the_version(client, shared_redis):
    event = make_deventer()

    client.get(f"/netwerkdagen/{event.slug}/programma.json")

    keys = {key.decode() for key in shared_redis.keys("*")}
    assert VERSION_KEY in keys
    assert any(key.startswith(":1:g40:page:") for key in keys)
