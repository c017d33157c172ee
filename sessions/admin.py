from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from g40events.widgets import TIME_FIELD
from registrations.services import TryAgainLater, fill_from_waiting_list
from sessions.models import Material, Session, SessionSpeaker


def with_place_counts(queryset):
    """Annotate sessions with their confirmed places (taken) and waiting-list places (waiting)."""
    return queryset.annotate(
        taken=Count("places", filter=Q(places__status="confirmed"), distinct=True),
        waiting=Count("places", filter=Q(places__status="waiting"), distinct=True),
    )


def fill_waiting_list_or_warn(model_admin, request, session):
    """Give a session's free places to its waiting list; if the session is busy, say so instead of failing."""
    try:
        fill_from_waiting_list(session=session)
    except TryAgainLater:
        model_admin.message_user(
            request,
            _(
                "“%(session)s” is opgeslagen, maar de wachtlijst kon nog niet worden bijgewerkt: sla hem zo nog eens op."
            )
            % {"session": session.title},
            messages.WARNING,
        )


class PlaceCountsMixin:
    """Columns places / taken / waiting, and the waiting list promoted after a capacity is saved."""

    @admin.display(description=_("plaatsen"), ordering="capacity")
    def places_column(self, obj):
        if not obj.takes_registrations:
            return "–"
        return _("onbeperkt") if obj.capacity is None else obj.capacity

    @admin.display(description=_("bezet"), ordering="taken")
    def taken_column(self, obj):
        return getattr(obj, "taken", "–") if obj.takes_registrations else "–"

    @admin.display(description=_("wachtlijst"), ordering="waiting")
    def waiting_column(self, obj):
        return getattr(obj, "waiting", "–") if obj.takes_registrations else "–"

    @admin.display(description=_("deelnemerslijst"))
    def participants_link(self, obj):
        if not obj.pk or not obj.takes_registrations:
            return "–"
        url = reverse("admin:registrations_session_participants", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("lijst en wachtlijst"))


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    fields = ["position", "speaker", "role"]
    autocomplete_fields = ["speaker"]
    extra = 1


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ["position", "title", "file", "url"]
    extra = 1


@admin.register(Session)
class SessionAdmin(PlaceCountsMixin, admin.ModelAdmin):
    formfield_overrides = TIME_FIELD
    list_display = [
        "title",
        "event",
        "start_time",
        "end_time",
        "kind",
        "location",
        "takes_registrations",
        "places_column",
        "taken_column",
        "waiting_column",
        "participants_link",
    ]
    list_filter = ["event", "kind", "pillars", "theme_groups", "takes_registrations"]
    list_select_related = ["event"]
    search_fields = ["title", "description", "location", "speaker_roles__speaker__name"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["pillars", "theme_groups"]
    inlines = [SessionSpeakerInline, MaterialInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["event", "title", "slug", "kind", ("start_time", "end_time"), "location"]}),
        (_("Inhoud"), {"fields": ["description", "pillars", "theme_groups"]}),
        (
            _("Aanmelding"),
            {
                "fields": [
                    "takes_registrations",
                    "capacity",
                    "taken_column",
                    "waiting_column",
                    "participants_link",
                ]
            },
        ),
    ]
    readonly_fields = ["taken_column", "waiting_column", "participants_link"]

    def get_queryset(self, request):
        return with_place_counts(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A raised capacity goes to the waiting list at once (first come, first served).
        if obj.takes_registrations:
            fill_waiting_list_or_warn(self, request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]}
