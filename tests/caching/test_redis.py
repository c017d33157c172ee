"""Several app servers share one Redis: a save through one must empty the pages of all."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings

from sessions.models import Session
from tests.exports.helpers import add_sessions, make_deventer

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/15"


class SharedRedis:
    """Redis database 15 under a key prefix of this test's own, so that test runs side by side
    (SQLite and PostgreSQL, several checkouts) do not see each other's keys."""

    def __init__(self):
        self.prefix = f"test-{uuid.uuid4().hex[:12]}"
        self.url = f"{REDIS_URL}?key_prefix={self.prefix}"
        self.client = redis.Redis.from_url(REDIS_URL)
        # Django's key: prefix, key version, our key.
        self.version_key = f"{self.prefix}:1:pagecache:version"

    def keys(self) -> set[str]:
        return {key.decode() for key in self.client.scan_iter(f"{self.prefix}:*")}

    def empty(self):
        for key in self.keys():
            self.client.delete(key)


@pytest.fixture
def shared_redis(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("Redis must run on 127.0.0.1:6379 in CI.")
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    shared = SharedRedis()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": shared.prefix,
        }
    }
    yield shared
    shared.empty()


def other_app_server(shared_redis, tmp_path, *command):
    """Run a manage.py command in a process of its own, on the same Redis (its database, which
    the command does not read, is a file of its own)."""
    env = {
        **os.environ,
        "CACHE_URL": shared_redis.url,
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
    event = make_deventer()
    [session] = add_sessions(event, 1)
    assert talk_titles(client, event) == ("MISS", ["Sessie 0"])
    # An organiser saves through another app server: the database changes, but this process
    # sends no signal of its own.
    Session.objects.filter(pk=session.pk).update(title="Bestaanszekerheid")
    assert talk_titles(client, event) == ("HIT", ["Sessie 0"])
    version = int(shared_redis.client.get(shared_redis.version_key))

    other_app_server(
        shared_redis, tmp_path, "shell", "-c", "from pagecache.versions import invalidate; invalidate()"
    )

    assert int(shared_redis.client.get(shared_redis.version_key)) == version + 1
    assert talk_titles(client, event) == ("MISS", ["Bestaanszekerheid"])


def test_redis_holds_the_pages_and_the_version(client, shared_redis):
    event = make_deventer()

    client.get(f"/netwerkdagen/{event.slug}/programma.json")

    keys = shared_redis.keys()
    assert shared_redis.version_key in keys
    assert any(key.startswith(f"{shared_redis.prefix}:1:pagecache:page:") for key in keys)
