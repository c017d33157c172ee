"""The content version: a number that changes whenever content changes.

Every cached page is filed under the version it was rendered at and served only while that is
still the current one, so bumping the version makes every cached page stale at once. Where the
version lives depends on the cache:

- a cache that every process shares (Redis, Memcached, …): the version sits in it, next to the
  pages, and comes in the same round trip as the page;
- Django's local-memory cache (the zero-configuration default) is one per process: the version
  sits in a small file that every process on the machine reads (`PAGE_CACHE_VERSION_FILE`; by
  default in the temporary folder, named after the database). Reading it costs a few
  microseconds, and a save through one gunicorn worker makes the others' pages stale at once.
- Django's dummy cache (`dummycache://`, the page cache off) keeps nothing: its version sits in
  the same file, so that the time window each process remembers (pagecache/middleware.py) is
  worked out again when content changes, and not on every request.

A version is a nanosecond timestamp, never a small count: a version that was lost (the cache
restarted or evicted it, the file was removed) starts again above any number an old page may
still be filed under.
"""

import functools
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from pagecache import content

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"


def cache():
    """The cache that holds the pages (Django's default cache)."""
    return caches["default"]


def in_file() -> bool:
    """Whether the version lives in a file: when the cache is a per-process memory cache, or one
    that keeps nothing."""
    return isinstance(cache(), (LocMemCache, DummyCache))


def version_file() -> Path:
    configured = getattr(settings, "PAGE_CACHE_VERSION_FILE", "")
    if configured:
        return Path(configured)
    # One file per database: two sites on one machine (or two test runs side by side) each keep
    # their own. Read at each use, because the tests switch to a test database after start-up.
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    identity = f"{database['ENGINE']}|{database['HOST']}|{database['PORT']}|{database['NAME']}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:16]
    # In a folder of this user's own: nobody else on the machine can replace the file.
    return Path(tempfile.gettempdir()) / f"g40events-pagecache-{os.getuid()}" / f"{digest}.version"


@functools.lru_cache(maxsize=8)
def _checked_folder(folder: Path) -> Path:
    """The version file's folder, made if missing; refused if another user could write in it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.stat()
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise PermissionError(
            f"{folder} is not the app user's own folder: the page cache's version is not safe there"
        )
    return folder


def _read_file(path: Path) -> int | None:
    _checked_folder(path.parent)
    try:
        return int(path.read_bytes() or 0) or None
    except (FileNotFoundError, ValueError):
        return None


def _write_file(path: Path, version: int) -> None:
    # Written beside and renamed over the old one: a reader sees the old version or the new one,
    # never half a number.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(str(version).encode())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _new_version(old: int | None) -> int:
    return max(time.time_ns(), (old or 0) + 1)


def from_file() -> int:
    path = version_file()
    version = _read_file(path)
    if version is None:
        version = _new_version(None)
        _write_file(path, version)
    return version


def from_cache(found: dict) -> int:
    """The version from a get_many() that asked for VERSION_KEY; started anew if it was lost."""
    version = found.get(VERSION_KEY)
    if version is None:
        version = _new_version(None)
        if not cache().add(VERSION_KEY, version, timeout=None):
            version = cache().get(VERSION_KEY)
    return version


def current() -> int:
    """The current content version."""
    if in_file():
        return from_file()
    return from_cache(cache().get_many([VERSION_KEY]))


def bump() -> None:
    """Make every cached page stale now. Prefer invalidate(), which waits for the commit."""
    if in_file():
        path = version_file()
        _write_file(path, _new_version(_read_file(path)))
        return
    backend = cache()
    try:
        backend.incr(VERSION_KEY)
    except ValueError:  # lost: start again from the clock
        backend.set(VERSION_KEY, _new_version(None), timeout=None)


def _bump_after_commit() -> None:
    try:
        bump()
    except Exception:  # noqa: BLE001 - any failure of the cache server or the file system
        # The save itself stands (it is committed); pages cached before it may show the old
        # content until the cache is back and emptied, or for a day at most.
        logger.exception("Page cache unavailable: cached pages were not made stale after a save")


def invalidate(using: str = DEFAULT_DB_ALIAS) -> None:
    """Make every cached public page stale when the current transaction commits (at once
    outside a transaction). A transaction that saves many rows bumps the version once.

    Saves and deletes of content models call it through signals; call it yourself after writes
    that send none (QuerySet.update(), bulk_create()).
    """
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        callback is _bump_after_commit for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(_bump_after_commit, using=using)


def _on_content_saved(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    if content.is_content(sender):
        invalidate(using)


def _on_relation_changed(sender, instance, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and content.is_content(type(instance)):
        invalidate(using)


def _on_migrated(sender, **kwargs):
    # A deploy runs migrate: pages rendered by the previous release's templates go stale.
    _bump_after_commit()


def connect_signals() -> None:
    """Invalidate the page cache on every save or delete of content. Called from AppConfig.ready().

    Signals, not service calls, because invalidation is cross-cutting: the admin, the services,
    data migrations and the shell all write content.
    """
    post_save.connect(_on_content_saved, dispatch_uid="pagecache.save")
    post_delete.connect(_on_content_saved, dispatch_uid="pagecache.delete")
    m2m_changed.connect(_on_relation_changed, dispatch_uid="pagecache.m2m")
    post_migrate.connect(_on_migrated, dispatch_uid="pagecache.migrate")
