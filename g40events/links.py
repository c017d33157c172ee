"""Addresses of the site as the outside world reaches it: settings.SITE_URL, not the Host header."""

from email.utils import make_msgid
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


def message_id() -> str:
    """A Message-ID for a mail the site sends, on the site's own host: Django's default names the
    machine (socket.getfqdn(), often "localhost"), which says nothing and which spam filters mark."""
    return make_msgid(domain=site_host())
