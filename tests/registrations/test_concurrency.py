"""Many people signing up at the same moment: never overbooked, nobody lost, nobody doubled.

Each thread has its own database connection, as each request in a server would. Run on SQLite
(IMMEDIATE transactions) and on PostgreSQL (row locks). The negative control switches the locking
off inside the test and shows that the same checks then catch the damage: proof that they can fail.
"""

import threading

import pytest
from django.db import connection, connections
from django.db.models import QuerySet

from registrations import services
from registrations.models import EmailLog, Place, Registration
from tests.registrations.helpers import open_event, session_locked_elsewhere, signup_session

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 50
PLACES = 10


@pytest.fixture(autouse=True)
def _patient_locks(settings):
    """Fifty sign-ups for one session take its lock one after another. A real sign-up waits 5
    seconds for it (then: "probeer het zo nog eens"); on a busy test machine the last of fifty can
    wait longer. These tests are about what the queue gives, not how fast: they wait a minute.
    (Waiting too long is tested on its own, below.)"""
    settings.REGISTRATION_LOCK_TIMEOUT = "60s"


def run_at_once(count: int, action) -> list[str]:
    """Run action(i) in `count` threads released together; returns the errors they raised."""
    barrier = threading.Barrier(count)
    errors: list[str] = []

    def worker(i):
        try:
            barrier.wait()
            action(i)
        except Exception as error:  # collected, then asserted on
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def sign_up_fifty(event, session) -> list[str]:
    def sign_up(i):
        services.register(
            event=event,
            person=services.PersonData(name=f"Deelnemer {i}", email=f"deelnemer{i}@gemeente.example"),
            session_ids=[session.pk],
        )

    return run_at_once(PEOPLE, sign_up)


def problems(session, errors: list[str]) -> list[str]:
    """What went wrong: overbooking, sign-ups lost or doubled, people both in and waiting."""
    confirmed = Place.objects.filter(session=session, status=Place.Status.CONFIRMED).count()
    waiting = Place.objects.filter(session=session, status=Place.Status.WAITING).count()
    registrations = Registration.objects.filter(event=session.event).count()
    found = []
    if errors:
        found.append(f"{len(errors)} sign-ups failed, e.g. {errors[0]}")
    if confirmed > PLACES:
        found.append(f"overbooked: {confirmed} confirmed for {PLACES} places")
    if registrations != PEOPLE or confirmed + waiting != PEOPLE:
        found.append(f"{PEOPLE} sign-ups gave {registrations} registrations and {confirmed + waiting} places")
    if confirmed < PLACES:
        found.append(f"only {confirmed} of {PLACES} places given while {waiting} wait")
    return found


def switch_locking_off(monkeypatch):
    """No row locks on PostgreSQL, plain deferred transactions on SQLite."""
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "transaction_mode", None)
    else:
        monkeypatch.setattr(QuerySet, "select_for_update", lambda self, *args, **kwargs: self._chain())


def test_fifty_simultaneous_sign_ups_for_ten_places_give_ten_confirmed_and_forty_waiting():
    event = open_event()
    session = signup_session(event, capacity=PLACES)

    errors = sign_up_fifty(event, session)

    assert problems(session, errors) == []
    assert Place.objects.filter(session=session, status=Place.Status.CONFIRMED).count() == PLACES
    assert Place.objects.filter(session=session, status=Place.Status.WAITING).count() == PEOPLE - PLACES
    assert Registration.objects.values("email_normalised").distinct().count() == PEOPLE


def test_fifty_simultaneous_sign_ups_without_locking_are_caught_by_the_same_checks(monkeypatch):
    """The negative control: with the locking switched off the checks above must find damage."""
    switch_locking_off(monkeypatch)
    found = []
    # A race needs the threads to interleave; a few rounds make a miss vanishingly unlikely.
    for _ in range(3):
        event = open_event()
        session = signup_session(event, capacity=PLACES)
        found = problems(session, sign_up_fifty(event, session))
        if found:
            break

    assert found, "with locking off, 50 simultaneous sign-ups went right: the test could not fail"


def test_the_same_address_signing_up_twenty_times_at_once_gives_one_registration():
    event = open_event()
    session = signup_session(event, capacity=PLACES)

    errors = run_at_once(
        20,
        lambda i: services.register(
            event=event,
            person=services.PersonData(
                name="Anna", email="anna@gemeente.example" if i % 2 else "ANNA@gemeente.example"
            ),
            session_ids=[session.pk],
            submission_key="same-form",
        ),
    )

    assert errors == []
    assert Registration.objects.count() == 1
    assert Place.objects.count() == 1


def test_an_unlisted_address_signing_up_twenty_times_at_once_gets_one_registration_and_one_mail():
    event = open_event()
    session = signup_session(event, capacity=PLACES)

    errors = run_at_once(
        20,
        lambda i: services.register(
            event=event,
            person=services.PersonData(name=f"Anna {i}", email="anna@prive.example"),
            session_ids=[session.pk],
            submission_key=f"form-{i}",
        ),
    )

    assert errors == []
    assert list(Registration.objects.values_list("status", flat=True)) == ["unconfirmed"]
    assert list(EmailLog.objects.values_list("kind", flat=True)) == ["confirm_address"]
    assert Place.objects.count() == 0

    registration = Registration.objects.get()
    errors = run_at_once(10, lambda i: services.confirm_address(registration=registration))

    assert errors == []
    assert list(Place.objects.values_list("session", "status")) == [(session.pk, "confirmed")]
    assert sorted(EmailLog.objects.values_list("kind", flat=True)) == ["confirm_address", "confirmation"]


def test_cancellations_and_sign_ups_at_once_keep_the_waiting_list_in_order():
    event = open_event()
    session = signup_session(event, capacity=PLACES)
    # The setup one by one, so that its state is known whatever the machine's load: a busy machine
    # may ask some of fifty simultaneous sign-ups to try again (the lock timeout).
    for i in range(PEOPLE):
        services.register(
            event=event,
            person=services.PersonData(name=f"Deelnemer {i}", email=f"deelnemer{i}@gemeente.example"),
            session_ids=[session.pk],
        )
    assert Place.objects.filter(session=session, status=Place.Status.WAITING).count() == PEOPLE - PLACES
    confirmed = list(Registration.objects.filter(places__status=Place.Status.CONFIRMED).order_by("pk")[:5])
    first_waiting = list(
        Place.objects.filter(session=session, status=Place.Status.WAITING)
        .order_by("waiting_since", "id")
        .values_list("registration__name", flat=True)[:5]
    )

    errors = run_at_once(5, lambda i: services.cancel(registration=confirmed[i]))

    assert errors == []
    now_confirmed = set(
        Place.objects.filter(session=session, status=Place.Status.CONFIRMED).values_list(
            "registration__name", flat=True
        )
    )
    assert len(now_confirmed) == PLACES
    assert set(first_waiting) <= now_confirmed
    assert Place.objects.filter(session=session, status=Place.Status.WAITING).count() == PEOPLE - PLACES - 5


def test_a_sign_up_that_waits_too_long_for_a_lock_is_asked_to_try_again_and_keeps_its_values(
    client, settings, monkeypatch
):
    from django.urls import reverse

    event = open_event()
    session = signup_session(event, capacity=PLACES)
    settings.REGISTRATION_LOCK_TIMEOUT = "200ms"
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.2)
        connection.close()  # reconnect with the short busy timeout
    with session_locked_elsewhere(session):
        response = client.post(
            reverse("registrations:register", kwargs={"slug": event.slug}),
            {
                "name": "Anna",
                "email": "anna@example.org",
                "organisation_other": "Gemeente Ede",
                "consent": "on",
                "slot_1": str(session.pk),
            },
        )

    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Het is op dit moment erg druk. Probeer het zo nog eens; wat je invulde is bewaard." in page
    assert 'value="anna@example.org"' in page
    assert Registration.objects.count() == 0
