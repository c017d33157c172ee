from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from g40events.history import ContentHistoryAdmin
from g40events.models import EmailDomain, Event, Organisation, Pillar, Recap, ThemeGroup
from g40events.permissions import COORDINATORS_GROUP
from g40events.services import duplicate_event
from g40events.widgets import TIME_FIELD

admin.site.site_header = _("G40 netwerkdagen — beheer")
admin.site.site_title = _("G40 netwerkdagen")
admin.site.index_title = _("Netwerkdagen voorbereiden")


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1
    verbose_name_plural = _("e-maildomeinen (aanmelden zonder bevestigingslink)")


@admin.register(Organisation)
class OrganisationAdmin(ContentHistoryAdmin):
    list_display = ["name", "kind", "email_domains_column", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "email_domains__domain"]
    inlines = [EmailDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("email_domains", queryset=EmailDomain.objects.order_by("domain")))
        )

    @admin.display(description=_("e-maildomeinen"))
    def email_domains_column(self, obj):
        return ", ".join(domain.domain for domain in obj.email_domains.all()) or "–"


class ThemeGroupInline(admin.TabularInline):
    model = ThemeGroup
    fields = ["name", "coordinator", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Pillar)
class PillarAdmin(ContentHistoryAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [ThemeGroupInline]


@admin.register(ThemeGroup)
class ThemeGroupAdmin(ContentHistoryAdmin):
    list_display = ["name", "pillar", "coordinator", "is_active", "session_count"]
    list_filter = ["pillar", "is_active"]
    list_select_related = ["pillar"]
    search_fields = ["name", "description", "coordinator"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions", distinct=True))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = (
                get_user_model().objects.filter(groups__name=COORDINATORS_GROUP).order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("sessies (alle edities)"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total


# Inlines that apps further down the dependency chain show on a netwerkdag's admin page, in order:
# the programme adds its sessions (sessions/admin.py). EventAdmin.get_inlines() reads this list, so
# that EventAdmin is registered once and g40events needs to know nothing of the apps below it.
EVENT_INLINES: list[Callable] = []
# Likewise the inlines on a recap's page: the programme adds the materials a recap links to.
RECAP_INLINES: list[Callable] = []


class RecapInline(admin.TabularInline):
    model = Recap
    fields = ["title", "pillar", "status", "published_at"]
    extra = 0
    show_change_link = True


class DuplicateEventForm(forms.Form):
    date = forms.DateField(
        label=_("Datum van de nieuwe editie"), widget=forms.DateInput(attrs={"type": "date"})
    )
    host_city = forms.ModelChoiceField(
        label=_("Gastgemeente"), queryset=Organisation.objects.filter(kind=Organisation.Kind.G40_CITY)
    )
    title = forms.CharField(
        label=_("Titel"), required=False, max_length=200, help_text=_("Leeg: soort, gastgemeente en jaar.")
    )


@admin.register(Event)
class EventAdmin(ContentHistoryAdmin):
    formfield_overrides = TIME_FIELD
    list_display = ["title", "date", "kind", "host_city", "status", "is_announced", "session_count"]
    list_filter = ["kind", "status", "is_announced", ("host_city", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["host_city"]
    search_fields = ["title", "venue_name", "host_city__name"]
    date_hierarchy = "date"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host_city"]
    save_on_top = True
    # The apps below add their inlines through EVENT_INLINES (the programme its sessions).
    inlines = [RecapInline]
    actions = ["duplicate_as_next_edition"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "is_announced"]}),
        (
            _("Datum en plaats"),
            {"fields": ["date", ("start_time", "end_time"), "host_city", "venue_name", "venue_address"]},
        ),
        (_("Tekst"), {"fields": ["introduction"]}),
        (
            _("Aanmelding"),
            {
                "fields": [
                    ("registration_opens_at", "registration_closes_at"),
                    "capacity",
                    ("ask_dietary_needs", "ask_accessibility_needs"),
                    "confirmation_text",
                    "reminder_days_before",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_inlines(self, request, obj):
        return [*EVENT_INLINES, *self.inlines]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions", distinct=True))

    @admin.display(description=_("sessies"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total

    @admin.action(description=_("Dupliceren als volgende editie (programma zonder sprekers)"))
    def duplicate_as_next_edition(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Kies precies één netwerkdag om te dupliceren."), messages.WARNING)
            return None
        event = queryset.get()
        form = DuplicateEventForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            new_event = duplicate_event(
                event=event,
                date=form.cleaned_data["date"],
                host_city=form.cleaned_data["host_city"],
                title=form.cleaned_data["title"],
            )
            count = new_event.sessions.count()
            self.message_user(
                request,
                ngettext(
                    "“%(title)s” is aangemaakt als concept met %(count)d sessie.",
                    "“%(title)s” is aangemaakt als concept met %(count)d sessies.",
                    count,
                )
                % {"title": new_event.title, "count": count},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:g40events_event_change", args=[new_event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dupliceren als volgende editie"),
            "event": event,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/g40events/event/duplicate.html", context)


@admin.register(Recap)
class RecapAdmin(ContentHistoryAdmin):
    list_display = ["title", "event", "pillar", "status", "published_at"]
    list_filter = ["status", "pillar", "event"]
    list_select_related = ["event", "pillar"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event"]
    date_hierarchy = "published_at"

    def get_inlines(self, request, obj):
        return [*self.inlines, *RECAP_INLINES]
