from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from g40events import admin as events_admin
from g40events.widgets import DATE_AND_TIME_FIELDS
from surveys import exports
from surveys.models import Question, Survey, default_questions
from surveys.results import results


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["position", "kind", "text"]

    def has_changed(self):
        # A new evaluation offers the default questions as filled-in forms: they are saved as they
        # stand unless the organiser empties their text.
        if self.instance.pk is None and self.initial:
            return bool((self["text"].value() or "").strip())
        return super().has_changed()


class QuestionInline(admin.TabularInline):
    model = Question
    form = QuestionForm
    fields = ["position", "kind", "text"]

    def get_extra(self, request, obj=None, **kwargs):
        return len(default_questions()) if obj is None else 1


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["event", "invite_on", "closes_on", "invited", "answered", "results_link"]
    list_select_related = ["event"]
    search_fields = ["event__title"]
    autocomplete_fields = ["event"]
    inlines = [QuestionInline]
    formfield_overrides = DATE_AND_TIME_FIELDS
    fieldsets = [
        (None, {"fields": ["event", "introduction"]}),
        (_("Wanneer"), {"fields": ["invite_on", "reminder_days", "closes_on"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                invited_count=Count("invitations"),
                answered_count=Count("invitations", filter=Q(invitations__answered=True)),
            )
        )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, QuestionInline) and obj.pk is None:
            kwargs["initial"] = default_questions()
        return kwargs

    def get_urls(self):
        return [
            path(
                "<int:survey_id>/resultaten/",
                self.admin_site.admin_view(self.results_view),
                name="surveys_survey_results",
            ),
            path(
                "netwerkdag/<int:event_id>/",
                self.admin_site.admin_view(self.event_view),
                name="surveys_survey_of_event",
            ),
            *super().get_urls(),
        ]

    def results_view(self, request, survey_id):
        """The results: per question, session and pillar, the open answers; ?formaat=csv exports them."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        survey = get_object_or_404(Survey.objects.select_related("event"), pk=survey_id)
        outcome = results(survey)
        if request.GET.get("formaat") == "csv":
            return exports.results_csv(outcome)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Resultaten: %(survey)s") % {"survey": survey},
            "survey": survey,
            "results": outcome,
            "has_change_permission": self.has_change_permission(request, survey),
        }
        return TemplateResponse(request, "surveys/admin/results.html", context)

    def event_view(self, request, event_id):
        """The netwerkdag's link: its evaluation's results, or a new evaluation for it."""
        survey = Survey.objects.filter(event_id=event_id).only("pk").first()
        if survey is not None:
            return redirect(results_url(survey.pk))
        return redirect(reverse("admin:surveys_survey_add") + f"?event={event_id}")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"results_url": results_url(object_id)} if str(object_id).isdigit() else {}
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    @admin.display(description=_("resultaten"))
    def results_link(self, survey):
        return format_html('<a href="{}">{}</a>', results_url(survey.pk), _("Resultaten"))

    @admin.display(description=_("uitgenodigd"), ordering="invited_count")
    def invited(self, survey):
        return survey.invited_count

    @admin.display(description=_("ingevuld"), ordering="answered_count")
    def answered(self, survey):
        return survey.answered_count


def results_url(survey_id: int) -> str:
    return reverse("admin:surveys_survey_results", args=[survey_id])


class SurveyOfEvent(events_admin.EventAdminExtension):
    def links(self, event):
        return [(_("Evaluatie"), reverse("admin:surveys_survey_of_event", args=[event.pk]))]


# The event domain does not know the evaluation: it offers its screen on the netwerkdag's page.
events_admin.EVENT_EXTENSIONS.append(SurveyOfEvent())
