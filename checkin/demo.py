"""The demo's day itself: who of the Deventer netwerkdag's registrants came, for the desk's counts,
the sessions' attendance and the participation report's "aanwezig" and "niet gekomen".

About 88 % of those still registered check in at the desk between 8:30 and 10:00 (most scanned,
some typed or ticked on the list); of those, most are marked present at the sessions they had a
place in. Fixed seed, bulk inserts: a few hundred rows in a few queries.
"""

import datetime
import random

from django.db import transaction

from g40events import clock
from g40events.models import Event
from registrations.models import Place, Registration

from .models import Attendance, CheckIn, Method

CAME = 0.88  # share of the active registrations that checks in
AT_SESSION = 0.93  # share of those who came that the door of each of their sessions marks present


def load_demo_check_ins(*, event: Event, seed: int = 424) -> int:
    """Check-ins and attendance for a past netwerkdag of the demo; nothing if it has check-ins
    already. Returns the number of check-ins made."""
    if CheckIn.objects.filter(registration__event=event).exists():
        return 0
    rng = random.Random(seed)
    registrations = list(
        Registration.objects.filter(event=event, status=Registration.Status.ACTIVE).order_by("pk")
    )
    came = sorted(rng.sample(registrations, round(CAME * len(registrations))), key=lambda r: r.pk)
    opens = clock.local_datetime(event.date, datetime.time(8, 30))
    methods = [Method.SCAN] * 7 + [Method.CODE, Method.LIST, Method.LIST]
    check_ins = [
        CheckIn(
            registration=registration,
            checked_in_at=opens + datetime.timedelta(seconds=rng.randrange(90 * 60)),
            method=rng.choice(methods),
        )
        for registration in came
    ]
    places = Place.objects.filter(
        registration__in=[registration.pk for registration in came], status=Place.Status.CONFIRMED
    ).select_related("session")
    attendances = [
        Attendance(
            registration_id=place.registration_id,
            session=place.session,
            marked_at=clock.local_datetime(event.date, place.session.start_time)
            + datetime.timedelta(minutes=rng.randrange(10)),
            method=Method.SCAN,
        )
        for place in places.order_by("pk")
        if rng.random() < AT_SESSION
    ]
    with transaction.atomic():
        CheckIn.objects.bulk_create(check_ins)
        Attendance.objects.bulk_create(attendances)
    return len(check_ins)
