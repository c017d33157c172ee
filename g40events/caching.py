"""Whole-response cache for the public pages, emptied by every save of content.

Anonymous GET/HEAD requests for the public pages (the URL namespaces events, programme and
speakers: pages, calendars, feeds, sitemap) are answered from Django's cache (CACHE_URL:
local memory by default, Redis where several app servers share it). A page is filed under the
site's date (clock.today(): what is past and what is coming), the language and the absolute URL
with its query string (filters), and stamped with

- the content version: a number in the shared cache that `invalidate()` bumps. Saves and deletes
  of the content models bump it through signals, so a page never outlives the data it shows;
- the end of the time window: pages change by themselves when a registration opens or closes,
  or when a scheduled recap appears; the window ends at the next such moment (`_next_change`).

It is served only while its stamp is the current one. Version, window and page come in one
round trip to the cache.

Never cached: requests with a session or messages cookie (organisers see drafts; someone who
just registered sees a message), responses that use the CSRF token, set a cookie, or write the
session, anything but a 200, and every URL outside those namespaces (admin, registration).

Repeat visits are answered with 304 Not Modified on If-None-Match / If-Modified-Since, with the
semantics of Django's ConditionalGetMiddleware. Cached responses carry `Cache-Control: no-cache`,
so browsers always ask again and get either the new page or a 304.

With local-memory caches every process has its own version: run one process, or share Redis.
"""

import datetime
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends import redis as redis_backend
from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, Q, TimeField, Value
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from g40events import clock

logger = logging.getLogger(__name__)

VERSION_KEY = "g40:content-version"
WINDOW_KEY = "g40:time-window"
ENTRY_TIMEOUT = 24 * 60 * 60

CACHED_NAMESPACES = frozenset({"events", "programme", "speakers"})
UNCACHED_URL_NAMES = frozenset({"health"})
CONTENT_MODELS = frozenset(
    {
        "g40events.Organisation",
        "g40events.Pillar",
        "g40events.ThemeGroup",
        "g40events.Event",
        "g40events.Recap",
        "speakers.Speaker",
        "programme.Session",
        "programme.SessionSpeaker",
        "programme.Material",
        "programme.RecapMaterial",
    }
)
# Vary headers a cached response may carry: the language is part of the key, and requests
# with cookies that matter never reach the cache.
_KEYED_VARY = frozenset({"accept-language", "cookie"})


def invalidate() -> None:
    """Make every cached public page stale. Call it after a write that changes a public page.

    Bumps the content version in the shared cache at once (so that this request sees its own
    write) and again when the transaction commits: a page rendered by another process in
    between, from the data as it was before the commit, is filed under a version nobody asks
    for any more.
    """
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _bump() -> int:
    version = _incr_version()
    # Work out the new version's time window now, so that the first page view after a save
    # needs no extra query.
    _store_window(version, clock.now())
    return version


def _incr_version() -> int:
    # A version that was lost (evicted, or the cache restarted) starts again from the clock,
    # never from a number that an old page may still be filed under.
    if cache.add(VERSION_KEY, time.time_ns(), timeout=None):
        return cache.get(VERSION_KEY)
    try:
        return cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
        return cache.get(VERSION_KEY)


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    return version if version is not None else _incr_version()


def _next_change(now: datetime.datetime) -> datetime.datetime | None:
    """The first moment after `now` when a public page changes without a save, in one query.

    Registration opens or closes (at the start of the day when no closing time is set), or a
    recap scheduled for later appears. The date itself is part of the key.
    """
    from g40events.models import Event, Recap, Status  # this module also holds a cache backend

    today = clock.today()
    registration = (
        Event.objects.published()
        .filter(registration_opens_at__isnull=False)
        .filter(
            Q(registration_opens_at__gt=now)
            | Q(registration_closes_at__gt=now)
            | Q(registration_closes_at__isnull=True, date__gte=today)
        )
        .order_by()
        .values_list("registration_opens_at", "registration_closes_at", "date", "start_time")
    )
    recaps = (
        Recap.objects.filter(status=Status.PUBLISHED, event__status=Status.PUBLISHED, published_at__gt=now)
        .order_by()
        .values_list(
            "published_at",
            Value(None, output_field=DateTimeField()),
            Value(None, output_field=DateField()),
            Value(None, output_field=TimeField()),
        )
    )
    moments = []
    for opens_at, closes_at, date, start_time in registration.union(recaps, all=True):
        moments.append(opens_at)
        if date is not None:
            # As Event.registration_closes: the set moment, or else the start of the day.
            moments.append(closes_at or timezone.make_aware(datetime.datetime.combine(date, start_time)))
    future = [moment for moment in moments if moment is not None and moment > now]
    return min(future) if future else None


def _store_window(version: int, now: datetime.datetime) -> tuple:
    window = (version, now.timestamp(), _timestamp(_next_change(now)))
    cache.set(WINDOW_KEY, window, timeout=None)
    return window


def _timestamp(moment):
    return moment.timestamp() if moment is not None else None


def _stamp(found: dict) -> tuple[int, float | None]:
    """The content version and the end of the current time window, from a get_many()."""
    version = found.get(VERSION_KEY)
    if version is None:
        version = _incr_version()
    window = found.get(WINDOW_KEY)
    now = clock.now().timestamp()
    # The demo's clock jumps back at midnight (SITE_DATE stays, the time restarts): a window
    # that starts after now is recomputed as well.
    if (
        window is None
        or window[0] != version
        or not (window[1] <= now and (window[2] is None or now < window[2]))
    ):
        window = _store_window(version, clock.now())
    return version, window[2]


def _is_cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return False
    return match.namespace in CACHED_NAMESPACES and match.url_name not in UNCACHED_URL_NAMES


def _is_cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    if getattr(getattr(request, "_messages", None), "added_new", False):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store")):
        return False
    vary = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
    return vary <= _KEYED_VARY


def page_key(request) -> str:
    url = hashlib.md5(request.build_absolute_uri().encode(), usedforsecurity=False).hexdigest()
    return f"g40:page:{clock.today().isoformat()}:{request.LANGUAGE_CODE}:{url}"


class PublicPageCacheMiddleware:
    """Serves the public pages from the cache; see the module docstring for what and when.

    Goes last in MIDDLEWARE: a cache hit then skips only URL resolution of the view and the
    view itself, while the outer middleware still adds the security headers and Vary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return self.get_response(request)
        # One round trip: the version, the time window and the page. A page is filed with the
        # stamp (version, end of window) it was rendered under, and served only while that is
        # still the current stamp. The stamp is taken before rendering: a save during the
        # render bumps the version, and this render is filed under the old one.
        key = page_key(request)
        try:
            found = cache.get_many([VERSION_KEY, WINDOW_KEY, key])
            stamp = _stamp(found)
        except Exception:  # noqa: BLE001 - any failure of the cache server
            # Readers get the page rendered, not an error, while the cache server is away.
            # (Saves do fail without it: a version that cannot be bumped could leave pages stale.)
            logger.exception("Page cache unavailable; serving %s uncached", request.path)
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry[0] == stamp:
            return self._conditional(request, _response_from(entry), "HIT")
        response = self.get_response(request)
        if not _is_cacheable_response(request, response):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(time.time())
        patch_cache_control(response, no_cache=True)
        cache.set(key, _entry_from(stamp, response), timeout=ENTRY_TIMEOUT)
        return self._conditional(request, response, "MISS")

    def _conditional(self, request, response, state):
        response = get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response["Last-Modified"]),
            response=response,
        )
        response["X-Cache"] = state
        return response


def _entry_from(stamp, response) -> tuple:
    return (stamp, response.status_code, list(response.items()), response.content)


def _response_from(entry) -> HttpResponse:
    _stamp, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


def _on_content_saved(sender, **kwargs):
    if sender._meta.label in CONTENT_MODELS:
        invalidate()


def _on_relation_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and instance._meta.label in CONTENT_MODELS:
        invalidate()


def _on_migrated(sender, **kwargs):
    # A deploy runs migrate: pages rendered by the previous release's templates go stale.
    _incr_version()


def connect_signals() -> None:
    """Invalidate the page cache on every save or delete of content. Called from AppConfig.ready().

    Signals, not service calls, because invalidation is cross-cutting: the admin, the services,
    data migrations and the shell all write content. Bulk writes (QuerySet.update(),
    bulk_create()) send no signals: call invalidate() after them.
    """
    post_save.connect(_on_content_saved, dispatch_uid="g40events.caching.save")
    post_delete.connect(_on_content_saved, dispatch_uid="g40events.caching.delete")
    m2m_changed.connect(_on_relation_changed, dispatch_uid="g40events.caching.m2m")
    post_migrate.connect(_on_migrated, dispatch_uid="g40events.caching.migrate")


class RedisCache(redis_backend.RedisCache):
    """Django's Redis cache backend, keeping one Redis client per connection pool.

    Django's backend builds a new redis.Redis for every cache call, which costs about 0.3 ms in
    redis-py 5 and 6 (each client fills its table of response callbacks anew): more than the
    round trip itself, twice for every page served from the cache. settings.py uses this class
    for a redis:// CACHE_URL.
    """

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisCacheClient


class _ReusingRedisCacheClient(redis_backend.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            # redis.Redis is thread-safe; Django's cache handler also gives each thread its own
            # backend instance.
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client
