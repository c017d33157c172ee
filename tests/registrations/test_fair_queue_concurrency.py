"""Cancellations and new sign-ups at the same moment: the waiting list is served strictly in order.

Each thread has its own database connection, as each request in a server would: row locks on
PostgreSQL, IMMEDIATE transactions on SQLite (where the same test runs serialised by the write lock).
"""

import pytest
from django.db import connection
from django.urls import reverse

from registrations import services
from registrations.models import EmailLog, Place, Registration
from tests.registrations.helpers import open_event, session_locked_elsewhere, signup_session, statuses
from tests.registrations.test_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

PLACES = 20
WAITING = 30
AT_ONCE = 20


def register(event, session, name):
    return services.register(
        event=event,
        person=services.PersonData(name=name, email=f"{name.lower().replace(' ', '.')}@gemeente.example"),
        session_ids=[session.pk],
    ).registration


def test_twenty_cancellations_and_twenty_sign_ups_at_once_serve_the_waiting_list_in_order(settings):
    # Forty transactions queue for one session's lock on a shared machine: allow them the time.
    settings.REGISTRATION_LOCK_TIMEOUT = "60s"
    event = open_event()
    session = signup_session(event, capacity=PLACES)
    confirmed = [register(event, session, f"Deelnemer {i}") for i in range(PLACES)]
    waiting = [register(event, session, f"Wachtende {i}") for i in range(WAITING)]
    assert Place.objects.waiting_list().filter(session=session).count() == WAITING

    def cancel_or_sign_up(i):
        if i % 2:
            services.cancel(registration=confirmed[i // 2])
        else:
            register(event, session, f"Nieuw {i // 2}")

    errors = run_at_once(2 * AT_ONCE, cancel_or_sign_up)

    places = Place.objects.filter(session=session)
    now_confirmed = set(places.confirmed().values_list("registration__name", flat=True))
    now_waiting = list(places.waiting_list().values_list("registration__name", flat=True))
    promoted = set(
        EmailLog.objects.filter(kind=EmailLog.Kind.PROMOTION).values_list("registration__name", flat=True)
    )
    assert errors == []
    # Exactly full, with the first twenty in line in the places of the twenty who cancelled.
    assert now_confirmed == {w.name for w in waiting[:AT_ONCE]}
    assert promoted == now_confirmed
    # The rest of the line keeps its order, and every newcomer queues behind it.
    assert now_waiting[: WAITING - AT_ONCE] == [w.name for w in waiting[AT_ONCE:]]
    assert sorted(now_waiting[WAITING - AT_ONCE :]) == sorted(f"Nieuw {i}" for i in range(AT_ONCE))


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs row locks: on SQLite a held session lock is the whole database's write lock, so the "
    "admin's fallback delete would wait as well; the state it leaves is tested in test_fair_queue.py.",
)
def test_an_admin_delete_that_meets_a_busy_session_keeps_the_place_for_the_first_in_line(client, settings):
    from django.contrib.auth.models import User

    settings.REGISTRATION_LOCK_TIMEOUT = "200ms"
    event = open_event()
    session = signup_session(event, capacity=1)
    anna, bram = (register(event, session, name) for name in ["Anna", "Bram"])
    client.force_login(User.objects.create_superuser("organisator", "o@example.org", "wachtwoord-123"))
    with session_locked_elsewhere(session):
        response = client.post(
            reverse("admin:registrations_registration_delete", args=[anna.pk]), {"post": "yes"}, follow=True
        )

    assert "de vrijgekomen plaatsen gaan zo snel mogelijk naar de eersten op de wachtlijst" in (
        response.content.decode()
    )
    assert not Registration.objects.filter(pk=anna.pk).exists()
    assert statuses(session) == {"confirmed": [], "waiting": ["Bram"]}

    register(event, session, "Cem")

    assert statuses(session) == {"confirmed": ["Bram"], "waiting": ["Cem"]}
    assert bram.emails.filter(kind=EmailLog.Kind.PROMOTION).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs row locks: on SQLite a held session lock is the whole database's write lock.",
)
def test_a_place_taken_away_in_a_busy_session_is_still_told_and_its_place_goes_to_the_first_in_line(
    client, settings
):
    from django.contrib.auth.models import User
    from django.contrib.messages import get_messages

    from tests.registrations.test_place_removal import delete_the_place

    settings.REGISTRATION_LOCK_TIMEOUT = "200ms"
    event = open_event()
    session = signup_session(event, capacity=2)
    anna, _bram, cem, _dirk = (register(event, session, name) for name in ["Anna", "Bram", "Cem", "Dirk"])
    client.force_login(User.objects.create_superuser("organisator", "o@example.org", "wachtwoord-123"))
    with session_locked_elsewhere(session):
        response = delete_the_place(client, anna)

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)][:2] == [
        "Het is op dit moment erg druk: de vrijgekomen plaatsen gaan zo snel mogelijk naar de eersten op de "
        "wachtlijst (bij de volgende aanmelding of wijziging in die sessie, en bij fill_waiting_lists).",
        f"Anna is de plaats in “{session.title}” kwijt en krijgt een e-mail met een annulering voor de agenda.",
    ]
    # Anna is told at once; her place waits for the first in line, whom nobody passes.
    assert list(anna.emails.values_list("kind", flat=True).order_by("pk")) == [
        EmailLog.Kind.CONFIRMATION,
        EmailLog.Kind.PLACE_REMOVED,
    ]
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": ["Cem", "Dirk"]}

    register(event, session, "Eva")

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk", "Eva"]}
    assert cem.emails.filter(kind=EmailLog.Kind.PROMOTION).count() == 1
