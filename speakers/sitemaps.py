from g40events.sitemaps import CanonicalSitemap
from speakers.models import Speaker


class SpeakerSitemap(CanonicalSitemap):
    """Speakers with a session on a published netwerkdag: the others have no public page."""

    changefreq = "monthly"

    def items(self):
        return list(Speaker.objects.published().order_by("sort_name", "pk"))

    def lastmod(self, speaker):
        return speaker.updated_at
