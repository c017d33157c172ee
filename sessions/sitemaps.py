from g40events.sitemaps import CanonicalSitemap
from sessions.models import Session


class SessionSitemap(CanonicalSitemap):
    """The sessions of published netwerkdagen."""

    changefreq = "weekly"

    def items(self):
        return list(
            Session.objects.published().select_related("event").order_by("event__date", "start_time", "pk")
        )

    def lastmod(self, session):
        return session.updated_at
