"""Per session: how many of those with a place checked in at the desk, and how many attended."""

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from checkin.models import Attendance, CheckIn
from registrations.models import Place, Registration


def _count(queryset, field: str = "session"):
    return Coalesce(
        Subquery(queryset.values(field).annotate(n=Count("id")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def with_attendance_counts(sessions):
    """Sessions annotated with `checked_in` (confirmed places whose holder checked in at the desk)
    and `attended` (marked present at the session). Subqueries: no join multiplies another count."""
    checked_in = Place.objects.filter(
        session=OuterRef("pk"),
        status=Place.Status.CONFIRMED,
        registration__status=Registration.Status.ACTIVE,
        registration__in=CheckIn.objects.values("registration"),
    ).order_by()
    attended = Attendance.objects.filter(session=OuterRef("pk")).order_by()
    return sessions.annotate(checked_in=_count(checked_in), attended=_count(attended))
