from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from checkin.now import now_and_next
from g40events.models import Event

# The 'nu en straks' page asks for itself again no more often than this (WCAG 2.2.2: it can be paused).
NOW_REFRESH_SECONDS = 60


class NowView(TemplateView):
    """'Nu en straks': what runs now and next at a netwerkdag, for phones and the screen in the hall.

    Without JavaScript it is a page with a link to look again; with it (static/js/now.js) the list
    updates itself once a minute, announced politely, with a button that pauses it. `?deel=1` gives
    only the part that changes, for that script.
    """

    template_name = "checkin/now.html"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            Event.objects.published().select_related("host_city"), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.GET.get("deel"):
            return ["checkin/now_part.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            event=self.event, day=now_and_next(self.event), refresh_seconds=NOW_REFRESH_SECONDS, **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_cache_control(response, max_age=30, public=True)
        return response
