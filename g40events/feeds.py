"""The Atom feed of published recaps (terugblikken), in Dutch, like the recaps themselves."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from g40events.links import absolute_url, site_host
from g40events.models import Recap

FEED_SIZE = 30


class AtomWithContent(Atom1Feed):
    """Atom with the full text of each entry in <content>, next to the summary."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class RecapFeed(Feed):
    feed_type = AtomWithContent
    language = "nl"

    def __call__(self, request, *args, **kwargs):
        # The recaps are written in Dutch: the feed around them is Dutch too, whatever the
        # reader's Accept-Language.
        with translation.override("nl"):
            return super().__call__(request, *args, **kwargs)

    def title(self):
        return _("Terugblik op de G40 netwerkdagen")

    def subtitle(self):
        return _("Verslagen van de netwerkdagen van het G40 stedennetwerk.")

    def link(self):
        return absolute_url(reverse("events:recaps"))

    def feed_url(self):
        return absolute_url(reverse("events:recap_feed"))

    def feed_guid(self):
        return self.feed_url()

    def author_name(self):
        return _("G40 stedennetwerk")

    def items(self):
        return Recap.objects.published().select_related("event", "pillar")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or _("Terugblik op %(event)s.") % {"event": item.event.title}

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        # A tag URI does not change when an organiser corrects the slug.
        return f"tag:{site_host()},2024:recap-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [item.event.title] + ([item.pillar.name] if item.pillar else [])

    def item_extra_kwargs(self, item):
        return {"content": str(item.body_html)}
