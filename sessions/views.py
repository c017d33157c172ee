from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from g40events.links import absolute_url
from g40events.preview import PreviewMixin
from g40events.text import summary
from registrations.programme import add_places, places_lifetime
from sessions import uploads
from sessions.models import Session, SpeakerUpload
from sessions.programme import session_card


class SessionDetailView(PreviewMixin, DetailView):
    """One session: what, when, where, who, and the materials to download."""

    template_name = "programme/session_detail.html"
    context_object_name = "session"
    queryset = Session.objects.select_related("event")

    def get_queryset(self):
        return super().get_queryset().filter(event__slug=self.kwargs["event_slug"])

    def get_context_data(self, **kwargs):
        session = self.object
        card = session_card(session)  # from the session read for the view, not read again
        return super().get_context_data(
            event=session.event,
            card=card,
            places_as_of=add_places([card], session.event),
            meta_description=summary(session.description_html) or session.title,
            canonical_url=absolute_url(card.url),
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["places_as_of"]:
            # As the netwerkdag page: places change without a save of content.
            patch_cache_control(response, s_maxage=places_lifetime())
        return response


class SpeakerUploadForm(forms.ModelForm):
    class Meta:
        model = SpeakerUpload
        fields = ["title", "file", "url"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})}

    def clean(self):
        cleaned_data = super().clean()
        if not self.errors and bool(cleaned_data.get("file")) == bool(cleaned_data.get("url")):
            raise forms.ValidationError(_("Stuur een PDF óf een link: één van de twee."), code="file_or_url")
        return cleaned_data


class SpeakerUploadView(FormView):
    """A speaker's own page (through the personal link) to send a presentation; no account needed."""

    template_name = "programme/upload.html"
    form_class = SpeakerUploadForm

    def dispatch(self, request, *args, **kwargs):
        try:
            self.session, self.speaker = uploads.read_upload_token(kwargs["token"])
        except uploads.BadUploadLink as bad_link:
            response = TemplateResponse(
                request,
                "programme/upload_bad_link.html",
                {"expired": bad_link.expired},
                status=410 if bad_link.expired else 404,
            )
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        # The token must not leak to other sites; "no-referrer" would make Chromium send Origin: null,
        # which fails the CSRF check of the form.
        response["Referrer-Policy"] = "same-origin"
        return response

    def form_valid(self, form):
        uploads.submit_upload(
            session=self.session,
            speaker=self.speaker,
            title=form.cleaned_data["title"],
            file=form.cleaned_data.get("file"),
            url=form.cleaned_data.get("url", ""),
        )
        return redirect(self.request.path + "?verstuurd=1")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            session=self.session,
            event=self.session.event,
            speaker=self.speaker,
            just_sent="verstuurd" in self.request.GET,
            sent=self.session.speaker_uploads.filter(speaker=self.speaker).order_by("-submitted_at"),
            **kwargs,
        )
