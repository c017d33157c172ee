"""Whole-response cache for the public pages, emptied by every save of content.

Anonymous GET/HEAD requests for the public pages (the URL namespaces events, programme and
speakers: pages, calendars, feeds, sitemap) are answered from Django's cache (CACHE_URL: local
memory by default, Redis where several app servers share it). A page is filed under the site's
date (clock.today(): what is past and what is coming), the language and the absolute URL with
the query parameters its view reads (pagecache.views.query_params; any other parameter is
dropped), and stamped with

- the content version (pagecache/versions.py), which every save of content changes;
- the end of the time window: pages change by themselves when a registration opens or closes,
  or when a scheduled recap appears; the window ends at the next such moment (content.next_change);
- its own lifetime, when the view gives one with `Cache-Control: s-maxage=N` (a page with
  figures that change without a save of content, such as the places left in a session).

It is served only while its stamp is the current one and its lifetime lasts.

Never cached: requests with a session or messages cookie (organisers see drafts; someone who
just registered sees a message), responses that use the CSRF token, set a cookie, write the
session or say private / no-store, anything but a 200, and every URL outside those namespaces
(admin, registration).

The cache is a help, never a condition: a cache that is away, full or failing answers the page
rendered, uncached (and logs it).

Repeat visits are answered with 304 Not Modified on If-None-Match / If-Modified-Since, with the
semantics of Django's ConditionalGetMiddleware. Responses leave with `Cache-Control: no-cache`,
so browsers always ask again and get either the new page or a 304.
"""

import hashlib
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, get_resolver
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from g40events import clock
from pagecache import content, versions
from pagecache.views import query_params_of

logger = logging.getLogger(__name__)

WINDOW_KEY = "pagecache:window"
ENTRY_TIMEOUT = 24 * 60 * 60

CACHED_NAMESPACES = frozenset({"events", "programme", "speakers"})
UNCACHED_URL_NAMES = frozenset({"health"})
# Vary headers a cached response may carry: the language is part of the key, and requests
# with cookies that matter never reach the cache.
_KEYED_VARY = frozenset({"accept-language", "cookie"})
_S_MAXAGE = re.compile(r"\bs-maxage\s*=\s*(\d+)")


# The last time window this process worked out or read: (version, start, end). A window depends
# on content and the clock only, so it holds in every process for as long as the content version
# stays the same and the clock stays inside it. Remembered here, a cache that keeps nothing
# (`dummycache://`, the page cache off) does not make every request work it out again (two
# queries), and a real cache is not asked for it again until content changes.
_remembered_window: tuple | None = None


def _covers(window: tuple | None, version: int, timestamp: float) -> bool:
    return (
        window is not None
        and window[0] == version
        and window[1] <= timestamp
        and (window[2] is None or timestamp < window[2])
    )


def _window(version: int, found: dict) -> float | None:
    """The end of the current time window (a timestamp, or None for no end), for this version.

    Worked out again (two queries) when the version changed, when the window ended, or when it
    starts after now (the demo's clock jumps back at midnight: SITE_DATE stays, the time restarts).
    """
    global _remembered_window
    now = clock.now()
    timestamp = now.timestamp()
    window = _remembered_window
    if not _covers(window, version, timestamp):
        window = found.get(WINDOW_KEY)
        if not _covers(window, version, timestamp):
            ends = content.next_change(now)
            window = (version, timestamp, ends.timestamp() if ends is not None else None)
            versions.cache().set(WINDOW_KEY, window, timeout=None)
        _remembered_window = window
    return window[2]


def forget_window() -> None:
    """Forget the time window this process remembers (for tests that roll content back unseen)."""
    global _remembered_window
    _remembered_window = None


def _lookup(key: str) -> tuple[tuple, tuple | None]:
    """The current stamp (version, end of window) and the cache entry under `key`, in one round trip."""
    backend = versions.cache()
    if versions.in_file():
        version = versions.from_file()
        found = backend.get_many([WINDOW_KEY, key])
    else:
        found = backend.get_many([versions.VERSION_KEY, WINDOW_KEY, key])
        version = versions.from_cache(found)
    return (version, _window(version, found)), found.get(key)


def _resolve(request):
    """The URL match of a request the cache may answer, or None."""
    if request.method not in ("GET", "HEAD"):
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    try:
        match = get_resolver(getattr(request, "urlconf", None)).resolve(request.path_info)
    except Resolver404:
        return None
    if match.namespace in CACHED_NAMESPACES and match.url_name not in UNCACHED_URL_NAMES:
        return match
    return None


def _keep_query_params(request, names: frozenset[str]) -> str:
    """Drop the query parameters the view does not read; the query string of those it does."""
    query = request.GET
    if any(name not in names for name in query):
        kept = QueryDict(mutable=True)
        for name in query:
            if name in names:
                kept.setlist(name, query.getlist(name))
        kept._mutable = False
        request.GET = kept
        query = kept
    return urlencode([(name, value) for name in sorted(query) for value in query.getlist(name)])


def _lifetime(response) -> int | None:
    """The seconds the view lets the page be reused (s-maxage), or None: until content changes."""
    found = _S_MAXAGE.search(response.get("Cache-Control", ""))
    return int(found.group(1)) if found else None


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
    if any(word in cache_control for word in ("private", "no-store")) or _lifetime(response) == 0:
        return False
    vary = {header.strip().lower() for header in response.get("Vary", "").split(",") if header.strip()}
    return vary <= _KEYED_VARY


def page_key(request, query: str) -> str:
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:page:{clock.today().isoformat()}:{request.LANGUAGE_CODE}:{digest}"


class PublicPageCacheMiddleware:
    """Serves the public pages from the cache; see the module docstring for what and when.

    Goes last in MIDDLEWARE: a cache hit then skips only URL resolution of the view and the
    view itself, while the outer middleware still adds the security headers and Vary.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = _resolve(request)
        if match is None:
            return self.get_response(request)
        key = page_key(request, _keep_query_params(request, query_params_of(match.func)))
        # The stamp is taken before rendering: a save during the render changes the version,
        # and this render is filed under the old one, which nobody asks for any more.
        try:
            stamp, entry = _lookup(key)
        except Exception:  # noqa: BLE001 - any failure of the cache server or the version file
            logger.exception("Page cache unavailable; serving %s uncached", request.path)
            return self.get_response(request)
        if entry is not None and entry[0] == stamp and (entry[1] is None or time.time() < entry[1]):
            return self._conditional(request, _response_from(entry), "HIT")

        response = self.get_response(request)
        if not _is_cacheable_response(request, response):
            return response
        lifetime = _lifetime(response)
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(time.time())
        # The lifetime is for this cache; browsers ask again every time and mostly get a 304.
        del response["Cache-Control"]
        patch_cache_control(response, no_cache=True)
        expires = time.time() + lifetime if lifetime is not None else None
        try:
            versions.cache().set(
                key,
                _entry_from(stamp, expires, response),
                timeout=min(lifetime or ENTRY_TIMEOUT, ENTRY_TIMEOUT),
            )
        except Exception:  # noqa: BLE001 - a full or failing cache: the page goes out uncached
            logger.exception("Page cache unavailable; %s not stored", request.path)
            return response
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


def _entry_from(stamp, expires, response) -> tuple:
    return (stamp, expires, response.status_code, list(response.items()), response.content)


def _response_from(entry) -> HttpResponse:
    _stamp, _expires, status, headers, content_ = entry
    response = HttpResponse(content_, status=status)
    for name, value in headers:
        response[name] = value
    return response
