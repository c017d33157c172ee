from django import forms
from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from g40events.widgets import DATE_AND_TIME_FIELDS
from surveys.models import Question, Survey, default_questions


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
    list_display = ["event", "invite_on", "closes_on", "invited", "answered"]
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

    @admin.display(description=_("uitgenodigd"), ordering="invited_count")
    def invited(self, survey):
        return survey.invited_count

    @admin.display(description=_("ingevuld"), ordering="answered_count")
    def answered(self, survey):
        return survey.answered_count
