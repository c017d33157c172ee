from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from g40events.history import ContentHistoryAdmin
from speakers.models import Speaker


@admin.register(Speaker)
class SpeakerAdmin(ContentHistoryAdmin):
    list_display = ["name", "job_title", "organisation", "session_count"]
    list_filter = ["organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["name", "job_title", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    fields = ["name", "slug", "sort_name", "job_title", "organisation", "bio", "photo"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("session_roles", distinct=True))

    @admin.display(description=_("sessies"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total
