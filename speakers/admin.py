from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from g40events.history import ContentHistoryAdmin
from g40events.permissions import CoordinatorScopedAdmin
from speakers.models import Speaker


@admin.register(Speaker)
class SpeakerAdmin(CoordinatorScopedAdmin, ContentHistoryAdmin):
    list_display = ["name", "job_title", "organisation", "session_count"]
    list_filter = ["organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["name", "job_title", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    fields = ["name", "slug", "sort_name", "job_title", "organisation", "bio", "photo"]

    def scope_for_coordinator(self, request, queryset):
        """A coordinator's own speakers: those of their sessions. Choosing a speaker for one of those
        sessions (the autocomplete) searches all speakers, whose names are public anyway."""
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            return queryset
        return queryset.filter(
            pk__in=Speaker.objects.filter(
                session_roles__session__theme_groups__coordinators=request.user
            ).values("pk")
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("session_roles", distinct=True))

    @admin.display(description=_("sessies"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total
