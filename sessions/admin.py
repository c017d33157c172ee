from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from g40events import admin as events_admin
from g40events.models import Event
from g40events.widgets import TIME_FIELD
from sessions.models import Material, Session, SessionSpeaker


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
class SessionAdmin(admin.ModelAdmin):
    formfield_overrides = TIME_FIELD
    list_display = [
        "title",
        "event",
        "start_time",
        "end_time",
        "kind",
        "location",
        "takes_registrations",
        "capacity",
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
        (_("Aanmelding"), {"fields": ["takes_registrations", "capacity"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]}


class SessionInline(admin.TabularInline):
    """A netwerkdag's programme on its admin page, in time order."""

    model = Session
    formfield_overrides = TIME_FIELD
    fields = [
        "start_time",
        "end_time",
        "title",
        "kind",
        "location",
        "takes_registrations",
        "capacity",
        "slug",
    ]
    ordering = ["start_time", "end_time", "title"]
    extra = 0
    show_change_link = True
    prepopulated_fields = {"slug": ["title"]}


# The event domain does not know the programme; the programme adds itself to the event's page.
admin.site.unregister(Event)


@admin.register(Event)
class EventAdmin(events_admin.EventAdmin):
    inlines = [SessionInline, *events_admin.EventAdmin.inlines]
