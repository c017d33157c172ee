"""Addresses of the site as the outside world reaches it: settings.SITE_URL, not the Host header."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """An absolute URL on the canonical address of the site, for e-mails, calendars and feeds."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The host of settings.SITE_URL, which makes calendar UIDs and feed ids unique to this site."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def webcal_url(url: str) -> str:
    """An http(s) address as webcal://, which opens calendar apps to subscribe to a feed."""
    return "webcal://" + url.split("://", 1)[1]
