from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.views.generic import FormView, TemplateView

from g40events import clock
from surveys import services
from surveys.forms import SurveyForm
from surveys.models import Invitation


def invitation_from_token(token: str) -> Invitation:
    invitation = Invitation.objects.for_token(token).select_related("survey__event", "registration").first()
    if invitation is None:
        raise Http404("No invitation with this token")
    return invitation


def not_accepted(request, invitation: Invitation, reason: str, *, status: int = 200) -> TemplateResponse:
    """The page of a link that takes no answers (any more): used already, or the survey is closed."""
    survey = invitation.survey
    return TemplateResponse(
        request,
        "surveys/not_accepted.html",
        {
            "event": survey.event,
            "survey": survey,
            "answered": reason == services.ALREADY_ANSWERED,
            "not_yet": reason == services.CLOSED and clock.today() < survey.invite_on,
        },
        status=status,
    )


class AnswerView(FormView):
    """The evaluation form behind the invitation's one-time link (no account, no cookie needed)."""

    template_name = "surveys/answer.html"
    form_class = SurveyForm

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_from_token(kwargs["token"])
        self.survey = self.invitation.survey
        status = 200 if request.method in {"GET", "HEAD"} else 409
        if self.invitation.answered:
            response = not_accepted(request, self.invitation, services.ALREADY_ANSWERED, status=status)
        elif self.invitation.registration is None or not self.survey.is_open():
            response = not_accepted(request, self.invitation, services.CLOSED, status=status)
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "questions": list(self.survey.questions.all()),
            "sessions": services.attended_sessions(self.invitation.registration),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.survey.event, survey=self.survey, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        ratings, texts = form.answers()
        try:
            services.submit_answers(invitation=self.invitation, ratings=ratings, texts=texts)
        except services.NotAccepted as refusal:
            return not_accepted(self.request, self.invitation, refusal.reason, status=409)
        return redirect("surveys:thanks", token=self.kwargs["token"])


class ThanksView(TemplateView):
    template_name = "surveys/thanks.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = invitation_from_token(kwargs["token"])
        if not self.invitation.answered:
            return redirect("surveys:answer", token=kwargs["token"])
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.invitation.survey.event, **kwargs)
