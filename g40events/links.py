"""Addresses of the site: paths of its pages by slug, and the site as the outside world reaches it
(settings.SITE_URL, not the Host header)."""

import functools
import re
from collections.abc import Callable
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

# What Django's slug path converter admits: such a value goes into a path as it is.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_PLACEHOLDER = "--slug--"


def url_by_slug(viewname: str, **kwargs) -> Callable[[str], str]:
    """The path of a page for any slug, from a single reverse() per process.

    A programme links to hundreds of sessions, speakers, pillars and theme groups, and each
    reverse() costs tens of microseconds. Slugs need no quoting: the slug converter admits only
    letters, digits, hyphens and underscores.
    """
    prefix, suffix = _around_slug(viewname, tuple(sorted(kwargs.items())), get_urlconf(), get_script_prefix())
    return lambda slug: f"{prefix}{slug}{suffix}"


def slug_url(viewname: str, slug: str) -> str:
    """The path of the page with this slug, as reverse(viewname, kwargs={"slug": slug}) gives it."""
    if _SLUG.fullmatch(slug) is None:
        return reverse(viewname, kwargs={"slug": slug})  # what the slug converter refuses, reverse() says
    prefix, suffix = _around_slug(viewname, (), get_urlconf(), get_script_prefix())
    return f"{prefix}{slug}{suffix}"


@functools.lru_cache(maxsize=1024)
def _around_slug(viewname: str, kwargs: tuple, urlconf, script_prefix: str) -> tuple[str, str]:
    path = reverse(viewname, kwargs={**dict(kwargs), "slug": _PLACEHOLDER}, urlconf=urlconf)
    prefix, suffix = path.rsplit(_PLACEHOLDER, 1)
    return prefix, suffix


def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _around_slug.cache_clear()


setting_changed.connect(_forget)


def absolute_url(path: str) -> str:
    """An absolute URL on the canonical address of the site, for e-mails, calendars and feeds."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The host of settings.SITE_URL, which makes calendar UIDs and feed ids unique to this site."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def webcal_url(url: str) -> str:
    """An http(s) address as webcal://, which opens calendar apps to subscribe to a feed."""
    return "webcal://" + url.split("://", 1)[1]


def message_id() -> str:
    """A Message-ID for a mail the site sends, on the site's own host: Django's default names the
    machine (socket.getfqdn(), often "localhost"), which says nothing and which spam filters mark."""
    return make_msgid(domain=site_host())
