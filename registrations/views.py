from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from g40events.models import Event


class RegisterView(TemplateView):
    """Sign-up for a netwerkdag (early version: shows the netwerkdag; the form follows)."""

    template_name = "registrations/register.html"

    def get_context_data(self, **kwargs):
        event = get_object_or_404(Event.objects.published(), slug=self.kwargs["slug"])
        return super().get_context_data(event=event, **kwargs)


class ManageView(TemplateView):
    """A registrant's own page behind the manage link (early version)."""

    template_name = "registrations/manage.html"


class PrivacyView(TemplateView):
    template_name = "registrations/privacy.html"
