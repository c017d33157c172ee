from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from checkin.models import Attendance, CheckIn
from checkin.stats import with_attendance_counts
from g40events import admin as events_admin
from sessions import admin as programme_admin

# Check-in adds "ingecheckt" and "aanwezig" beside registration's places and waiting list on the
# programme's admin pages, through the same extension point.


def _checked_in(session):
    return getattr(session, "checked_in", "–") if session.takes_registrations else "–"


def _attended(session):
    """Marked present at the session. A session without sign-up usually takes no attendance at its
    door: "–" there, as for check-in, unless someone was ticked present after all."""
    attended = getattr(session, "attended", None)
    if attended is None or (not attended and not session.takes_registrations):
        return "–"
    return attended


class AttendanceExtension(programme_admin.SessionAdminExtension):
    columns = [
        programme_admin.AdminColumn(
            "checked_in", _checked_in, description=_("ingecheckt"), ordering="checked_in"
        ),
        programme_admin.AdminColumn("attended", _attended, description=_("aanwezig"), ordering="attended"),
    ]
    fieldset = _("Aanmelding")

    def annotate(self, queryset):
        return with_attendance_counts(queryset)


programme_admin.SESSION_EXTENSIONS.append(AttendanceExtension())


@admin.register(CheckIn)
class CheckInAdmin(events_admin.ModelAdmin):
    list_display = ["registration", "event", "checked_in_at", "method", "checked_in_by"]
    list_filter = ["registration__event", "method"]
    search_fields = ["registration__name", "registration__email"]
    list_select_related = ["registration__event", "checked_in_by"]
    date_hierarchy = "checked_in_at"
    raw_id_fields = ["registration"]

    @admin.display(description=_("netwerkdag"), ordering="registration__event")
    def event(self, check_in):
        return check_in.registration.event


@admin.register(Attendance)
class AttendanceAdmin(events_admin.ModelAdmin):
    list_display = ["registration", "session", "had_place", "marked_at", "method"]
    list_filter = ["session__event", "had_place", "method"]
    search_fields = ["registration__name", "session__title"]
    list_select_related = ["registration", "session", "marked_by"]
    raw_id_fields = ["registration", "session"]
