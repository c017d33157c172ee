from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from g40events.links import absolute_url
from g40events.preview import PreviewMixin
from g40events.text import summary
from registrations.programme import add_places, places_lifetime
from sessions.models import Session
from sessions.programme import session_cards


class SessionDetailView(PreviewMixin, DetailView):
    """One session: what, when, where, who, and the materials to download."""

    template_name = "programme/session_detail.html"
    context_object_name = "session"
    queryset = Session.objects.select_related("event__host_city")

    def get_queryset(self):
        return super().get_queryset().filter(event__slug=self.kwargs["event_slug"])

    def get_context_data(self, **kwargs):
        session = self.object
        [card] = session_cards(Session.objects.filter(pk=session.pk))
        return super().get_context_data(
            event=session.event,
            card=card,
            places_as_of=add_places([card], session.event),
            meta_description=summary(session.description_html) or session.title,
            canonical_url=absolute_url(session.get_absolute_url()),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["places_as_of"]:
            # As the netwerkdag page: places change without a save of content.
            patch_cache_control(response, s_maxage=places_lifetime())
        return response
