"""sitemap.xml: the public pages, published content only, on the site's canonical address.

Each app describes its own pages (sessions/sitemaps.py, speakers/sitemaps.py); the root URLconf
puts them together in SITEMAPS. items() return lists: the sitemap's paginator would otherwise
count every queryset with a query of its own.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from g40events.models import Event, Pillar, Recap, ThemeGroup


class CanonicalSitemap(Sitemap):
    """A sitemap with URLs on settings.SITE_URL, not on whatever Host the request carried."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc + parts.path


class StaticPagesSitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return [
            "events:home",
            "events:archive",
            "speakers:list",
            "events:theme_groups",
            "events:recaps",
            "events:accessibility",
        ]

    def location(self, item):
        return reverse(item)


class EventSitemap(CanonicalSitemap):
    changefreq = "weekly"

    def items(self):
        return list(Event.objects.published().order_by("-date"))

    def lastmod(self, event):
        return event.updated_at


class PillarSitemap(CanonicalSitemap):
    changefreq = "monthly"

    def items(self):
        return list(Pillar.objects.all())

    def lastmod(self, pillar):
        return pillar.updated_at


class ThemeGroupSitemap(CanonicalSitemap):
    changefreq = "monthly"

    def items(self):
        return list(ThemeGroup.objects.all())

    def lastmod(self, theme_group):
        return theme_group.updated_at


class RecapSitemap(CanonicalSitemap):
    changefreq = "monthly"

    def items(self):
        return list(Recap.objects.published().order_by("-published_at", "pk"))

    def lastmod(self, recap):
        return recap.updated_at
