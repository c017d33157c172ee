"""Two desks (or doors) checking in the same person at the same moment record one check-in.

Each thread has its own database connection, as each request in a server would. On PostgreSQL the
second insert waits for the first to commit and then meets the unique constraint; on SQLite the
IMMEDIATE transactions take turns. The negative control drops the constraint and shows that the
same count then catches the double.
"""

import pytest
from django.db import connection

from checkin import codes, services
from checkin.models import Attendance, CheckIn
from tests.checkin.helpers import day, sign_up
from tests.registrations.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

DESKS = 6


def test_desks_checking_in_one_person_at_once_record_one_check_in():
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries")
    code = codes.code_for(anna)
    results = []

    errors = run_at_once(
        DESKS, lambda i: results.append(services.check_in_code(event=event, code=code).created)
    )

    assert errors == []
    assert CheckIn.objects.filter(registration=anna).count() == 1
    assert sorted(results) == [False] * (DESKS - 1) + [True]


def test_doors_taking_the_last_place_at_once_admit_one():
    event, wonen, werken, walk = day()
    full = sign_up(event, [walk])
    people = [sign_up(event) for _ in range(DESKS)]
    assert services.session_room(walk) == 1

    errors = run_at_once(DESKS, lambda i: services.mark_present(session=walk, registration=people[i]))

    assert Attendance.objects.filter(session=walk, had_place=False).count() == 1
    assert sorted(errors) == [
        f"NoRoom: {walk.title} is vol: er is geen plaats meer vrij. Er is niets veranderd."
    ] * (DESKS - 1)
    assert full.pk not in set(Attendance.objects.values_list("registration", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="drops a constraint the PostgreSQL way")
def test_negative_control_without_the_constraint_two_desks_record_two():
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'checkin_checkin'::regclass AND contype = 'u'"
        )
        (name,) = cursor.fetchone()
        cursor.execute(f'ALTER TABLE checkin_checkin DROP CONSTRAINT "{name}"')

    try:
        run_at_once(DESKS, lambda i: services.check_in(event=event, registration=anna))
        doubled = CheckIn.objects.filter(registration=anna).count()
    finally:
        CheckIn.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE checkin_checkin ADD CONSTRAINT "{name}" UNIQUE (registration_id)')

    assert doubled > 1
