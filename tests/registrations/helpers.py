"""Small builders for registration tests: an event open for sign-up, and sign-ups through the service."""

import contextlib
import datetime
import itertools
import threading

import time_machine
from django.db import connections, transaction
from django.utils import timezone

from registrations import services
from tests.factories import make_event, make_session

_counter = itertools.count(1)


def open_event(**overrides):
    """A published netwerkdag in 2030 whose registration opened yesterday."""
    fields = {"registration_opens_at": timezone.now() - datetime.timedelta(days=1)}
    fields.update(overrides)
    return make_event(**fields)


def signup_session(event, **overrides):
    fields = {"event": event, "takes_registrations": True, "capacity": 10}
    fields.update(overrides)
    return make_session(**fields)


def person(**overrides) -> services.PersonData:
    n = next(_counter)
    fields = {
        "name": f"Deelnemer {n}",
        "email": f"deelnemer{n}@gemeente.example",
        "organisation_name": "Gemeente",
    }
    fields.update(overrides)
    return services.PersonData(**fields)


def sign_up(event, sessions=(), **person_overrides):
    """Register one new person for the event and sessions; returns the Registration."""
    result = services.register(
        event=event, person=person(**person_overrides), session_ids=[s.pk for s in sessions]
    )
    return result.registration


def statuses(session) -> dict[str, list[str]]:
    """Names per place status in a session: confirmed by place id, waiting in waiting-list order."""
    from registrations.models import Place

    places = Place.objects.filter(session=session).select_related("registration")
    return {
        "confirmed": [p.registration.name for p in places.confirmed().order_by("id")],
        "waiting": [p.registration.name for p in places.waiting_list()],
    }


def later(**delta):
    """Travel that far into the future (the clock keeps ticking there): `with later(hours=1): ...`."""
    return time_machine.travel(timezone.now() + datetime.timedelta(**delta), tick=True)


@contextlib.contextmanager
def session_locked_elsewhere(session):
    """While the block runs, another transaction (in a thread with its own connection) holds the
    session's lock as a sign-up in progress does: its row FOR NO KEY UPDATE (services._lock_sessions)
    on PostgreSQL, the database's write lock (an IMMEDIATE transaction) on SQLite."""
    from sessions.models import Session

    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                list(Session.objects.select_for_update(no_key=True).filter(pk=session.pk))
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()
