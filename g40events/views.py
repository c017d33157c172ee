"""The public pages of the event domain: home, netwerkdagen, pillars, theme groups and recaps.

Every page reads what it shows in a fixed number of queries, whatever the size of the programme.
Drafts are 404 for the public; staff with the change permission preview them with a banner.
"""

import datetime

from django.conf import settings
from django.db.models import Count, F
from django.http import Http404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView

from g40events import clock
from g40events.compiled_queries import CompiledQuery
from g40events.links import absolute_url, slug_url, webcal_url
from g40events.models import Event, EventQuerySet, Pillar, Recap, Status, ThemeGroup, published_event
from g40events.preview import PreviewMixin, can_preview
from g40events.text import summary
from pagecache.views import query_params
from registrations.programme import add_places, places_lifetime
from sessions.models import Session
from sessions.programme import ProgrammeFilter, group_in_time_slots, programme_cards, sessions_by_edition


def event_json_ld(event: Event, description: str) -> dict:
    """schema.org Event data for search engines and other tools."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": absolute_url(event.get_absolute_url()),
        "inLanguage": "nl",
        "organizer": {
            "@type": "Organization",
            "name": "G40 stedennetwerk",
            "url": "https://g40stedennetwerk.nl",
        },
    }
    if description:
        data["description"] = description
    place = {"@type": "Place"}
    if event.venue_name:
        place["name"] = event.venue_name
    elif event.host_city is not None:
        place["name"] = event.host_city.name
    address = {"@type": "PostalAddress", "addressCountry": "NL"}
    if event.venue_address:
        address["streetAddress"] = event.venue_address
    if event.host_city is not None:
        address["addressLocality"] = event.host_city.name
    place["address"] = address
    data["location"] = place
    return data


class HomeView(TemplateView):
    """The announced netwerkdag, or else the next one; the latest recaps; ways into the site."""

    template_name = "g40events/home.html"

    def get_context_data(self, **kwargs):
        upcoming = list(Event.objects.published().upcoming().select_related("host_city")[:6])
        featured = (Event.objects.published().announced().upcoming().select_related("host_city").first()) or (
            upcoming[0] if upcoming else None
        )
        return super().get_context_data(
            featured=featured,
            other_upcoming=[event for event in upcoming if event != featured][:4],
            recaps=Recap.objects.published().select_related("event", "pillar")[:3],
            pillars=Pillar.objects.all(),
            **kwargs,
        )


class ArchiveView(ListView):
    """All past netwerkdagen, newest first, with the upcoming ones apart."""

    template_name = "g40events/archive.html"
    context_object_name = "past_events"

    def get_queryset(self):
        return Event.objects.published().past().select_related("host_city")

    def get_context_data(self, **kwargs):
        calendar_url = absolute_url(reverse("events:calendar"))
        return super().get_context_data(
            upcoming_events=Event.objects.published().upcoming().select_related("host_city"),
            calendar_url=calendar_url,
            calendar_webcal_url=webcal_url(calendar_url),
            **kwargs,
        )


@query_params("pijler", "themagroep")
class EventDetailView(PreviewMixin, DetailView):
    """A netwerkdag: introduction, practical details and the programme by time slot."""

    template_name = "g40events/event_detail.html"
    context_object_name = "event"
    queryset = Event.objects.select_related("host_city")

    def get_object(self, queryset=None):
        if queryset is not None or can_preview(self.request.user, Event):
            return super().get_object(queryset)
        # The public's netwerkdag (published): a compiled read, as the programme's.
        if event := published_event(self.kwargs[self.slug_url_kwarg]):
            return event
        raise Http404(f"No {Event._meta.verbose_name} found matching the query")

    def get_context_data(self, **kwargs):
        event = self.object
        sessions = programme_cards(event)
        places_as_of = add_places(sessions, event)
        programme_filter = ProgrammeFilter(sessions, self.request.GET)
        selected = programme_filter.selected_sessions
        description = summary(event.introduction_html) or event.title
        return super().get_context_data(
            slots=group_in_time_slots(selected),
            session_count=len(sessions),
            selected_count=len(selected),
            programme_filter=programme_filter,
            recaps=_EVENT_RECAPS.objects(event_id=event.pk, now=clock.now()),
            meta_description=description,
            canonical_url=absolute_url(event.get_absolute_url()),
            json_ld=event_json_ld(event, description),
            schedule_url=slug_url("events:schedule", event.slug),
            places_as_of=places_as_of,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["programme_filter"].errors:
            # A filter on a pillar or theme group that is not there: the page is not kept, so
            # made-up values cannot fill the page cache.
            add_never_cache_headers(response)
        elif context["places_as_of"]:
            # Places change with every sign-up, which leaves the page cache alone: a page that
            # shows them is kept a minute at most (and says from when its figures are).
            patch_cache_control(response, s_maxage=places_lifetime())
        return response


# The netwerkdag page reads its recaps on every cold render: a CompiledQuery read (the ORM builds its
# SQL once per process), from the QuerySet's own rule for what is published.
_EVENT_RECAPS = CompiledQuery(
    lambda event_id, now: Recap.objects.published(now).filter(event_id=event_id).select_related("pillar"),
    now=datetime.datetime,
)


class PillarDetailView(DetailView):
    """A pillar: its theme groups, its sessions over the editions and its recaps."""

    template_name = "g40events/pillar_detail.html"
    context_object_name = "pillar"
    model = Pillar

    def get_context_data(self, **kwargs):
        pillar = self.object
        return super().get_context_data(
            theme_groups=list(pillar.theme_groups.all()),
            sessions_by_edition=sessions_by_edition(Session.objects.for_pillar(pillar)),
            recaps=Recap.objects.published().filter(pillar=pillar).select_related("event", "pillar"),
            **kwargs,
        )


class ThemeGroupListView(ListView):
    """All theme groups by pillar, with how many sessions each has held."""

    template_name = "g40events/theme_group_list.html"
    context_object_name = "theme_groups"

    def get_queryset(self):
        return (
            ThemeGroup.objects.select_related("pillar")
            .annotate(
                session_count=Count(
                    "sessions", filter=EventQuerySet.published_q("sessions__event__"), distinct=True
                )
            )
            .order_by(F("pillar__position").asc(nulls_last=True), "pillar__name", "name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(pillars=Pillar.objects.all(), **kwargs)


class ThemeGroupDetailView(DetailView):
    """A theme group and all its sessions over the editions: the continuity of its work."""

    template_name = "g40events/theme_group_detail.html"
    context_object_name = "theme_group"

    def get_queryset(self):
        return ThemeGroup.objects.select_related("pillar")

    def get_context_data(self, **kwargs):
        theme_group = self.object
        return super().get_context_data(
            sessions_by_edition=sessions_by_edition(Session.objects.filter(theme_groups=theme_group)),
            **kwargs,
        )


@query_params("page")
class RecapListView(ListView):
    """Published recaps, newest first."""

    template_name = "g40events/recap_list.html"
    context_object_name = "recaps"
    paginate_by = 20

    def get_queryset(self):
        return Recap.objects.published().select_related("event", "pillar")


class RecapDetailView(PreviewMixin, DetailView):
    template_name = "g40events/recap_detail.html"
    context_object_name = "recap"
    queryset = Recap.objects.select_related("event", "pillar")

    def get_context_data(self, **kwargs):
        recap = self.object
        # A published recap whose moment has not come is scheduled, not a concept.
        is_scheduled = (
            recap.status == Status.PUBLISHED and recap.event.is_published and recap.published_at > clock.now()
        )
        return super().get_context_data(
            scheduled_for=recap.published_at if is_scheduled else None,
            # The materials the recap links to (the programme's RecapMaterial, read through its relation).
            materials=[
                link.material for link in recap.recap_materials.select_related("material__session__event")
            ],
            other_recaps=(
                Recap.objects.published()
                .filter(event=recap.event)
                .exclude(pk=recap.pk)
                .select_related("pillar")
            ),
            meta_description=recap.summary or summary(recap.body_html),
            canonical_url=absolute_url(recap.get_absolute_url()),
            **kwargs,
        )


class RobotsView(TemplateView):
    """robots.txt: crawl everything but the admin and the personal links to a registration."""

    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sitemap_url=absolute_url(reverse("events:sitemap")), **kwargs)


class AccessibilityView(TemplateView):
    """The accessibility statement (toegankelijkheidsverklaring), in the model of the Dutch government."""

    template_name = "g40events/accessibility.html"
    # The day the statement was last reviewed against the site and its tests; change it with them.
    statement_date = datetime.date(2026, 12, 1)
    answer_working_days = 5

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statement_date=self.statement_date,
            answer_days=self.answer_working_days,
            contact=settings.ACCESSIBILITY_CONTACT_EMAIL,
            site_url=settings.SITE_URL,
            **kwargs,
        )
