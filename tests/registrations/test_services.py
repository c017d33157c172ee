import datetime

import pytest
from django.core import mail
from django.utils import timezone

from g40events.models import Status
from registrations import services
from registrations.models import EmailLog, Place, Registration
from tests.factories import make_session
from tests.registrations.helpers import later, open_event, person, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def test_register_confirms_places_while_the_session_has_room():
    event = open_event()
    session = signup_session(event, capacity=2)

    registration = sign_up(event, [session], name="Anna")

    assert registration.status == Registration.Status.ACTIVE
    assert statuses(session) == {"confirmed": ["Anna"], "waiting": []}


def test_register_full_session_gives_a_waiting_place_and_confirms_the_rest():
    event = open_event()
    morning = signup_session(
        event, capacity=1, start_time=datetime.time(10, 0), end_time=datetime.time(11, 0)
    )
    afternoon = signup_session(
        event, capacity=5, start_time=datetime.time(13, 0), end_time=datetime.time(14, 0)
    )
    sign_up(event, [morning], name="Anna")

    sign_up(event, [morning, afternoon], name="Bram")

    assert statuses(morning) == {"confirmed": ["Anna"], "waiting": ["Bram"]}
    assert statuses(afternoon) == {"confirmed": ["Bram"], "waiting": []}


def test_register_session_without_capacity_never_has_a_waiting_list():
    event = open_event()
    session = signup_session(event, capacity=None)

    for name in ["Anna", "Bram", "Cem"]:
        sign_up(event, [session], name=name)

    assert statuses(session) == {"confirmed": ["Anna", "Bram", "Cem"], "waiting": []}


def test_register_same_address_twice_keeps_one_registration_and_mails_the_manage_link(
    django_capture_on_commit_callbacks,
):
    event = open_event()
    session = signup_session(event)
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_up(event, [session], name="Anna", email="anna@deventer.example")

    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        result = services.register(
            event=event, person=person(name="Iemand anders", email=" ANNA@Deventer.example "), session_ids=[]
        )

    assert result.outcome == services.Outcome.ALREADY_REGISTERED
    assert list(Registration.objects.values_list("name", flat=True)) == ["Anna"]
    assert [m.to for m in mail.outbox] == [["anna@deventer.example"], ["anna@deventer.example"]]
    assert mail.outbox[1].subject == f"Je aanmelding voor {event.title}"
    assert first.manage_url in mail.outbox[1].body
    assert statuses(session) == {"confirmed": ["Anna"], "waiting": []}


def test_register_the_same_form_twice_creates_one_registration_and_one_mail(
    django_capture_on_commit_callbacks,
):
    event = open_event()
    data = person(email="bram@ede.example")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(event=event, person=data, session_ids=[], submission_key="form-1")
        second = services.register(event=event, person=data, session_ids=[], submission_key="form-1")

    assert (first.outcome, second.outcome) == (services.Outcome.CREATED, services.Outcome.DOUBLE_SUBMIT)
    assert second.registration.pk == first.registration.pk
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_register_before_opening_is_refused_and_stores_nothing():
    event = open_event(registration_opens_at=timezone.now() + datetime.timedelta(days=1))

    with pytest.raises(services.RegistrationClosed):
        sign_up(event)

    assert Registration.objects.count() == 0


def test_register_after_closing_is_refused():
    event = open_event(
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1),
    )

    with pytest.raises(services.RegistrationClosed):
        sign_up(event)


def test_register_for_a_past_netwerkdag_is_refused():
    event = open_event(
        date=timezone.localdate() - datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
    )

    with pytest.raises(services.RegistrationClosed):
        sign_up(event)


def test_register_for_a_draft_netwerkdag_is_refused():
    event = open_event(status=Status.DRAFT)

    with pytest.raises(services.RegistrationClosed):
        sign_up(event)


def test_register_when_the_day_is_full_is_refused_and_cancelling_makes_room():
    event = open_event(capacity=2)
    first = sign_up(event)
    sign_up(event)

    with pytest.raises(services.EventFull):
        sign_up(event)
    services.cancel(registration=first)
    sign_up(event, name="Cem")

    assert Registration.objects.active().count() == 2


def test_register_two_sessions_at_the_same_time_is_invalid():
    event = open_event()
    one = signup_session(event)
    other = signup_session(event)

    with pytest.raises(services.InvalidChoice):
        sign_up(event, [one, other])

    assert Registration.objects.count() == 0


def test_register_session_of_another_netwerkdag_or_without_sign_up_is_invalid():
    event = open_event()
    elsewhere = signup_session(open_event())
    plenary = make_session(event=event, takes_registrations=False)

    for session in [elsewhere, plenary]:
        with pytest.raises(services.InvalidChoice):
            sign_up(event, [session])

    assert Place.objects.count() == 0


def test_cancel_gives_the_place_to_the_first_on_the_waiting_list_and_mails_both(
    django_capture_on_commit_callbacks,
):
    event = open_event()
    session = signup_session(event, capacity=1, title="Woningmarkt")
    anna = sign_up(event, [session], name="Anna", email="anna@example.org")
    sign_up(event, [session], name="Bram", email="bram@example.org")
    sign_up(event, [session], name="Cem", email="cem@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)

    assert statuses(session) == {"confirmed": ["Bram"], "waiting": ["Cem"]}
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["anna@example.org"], f"Je bent afgemeld voor {event.title}"),
        (["bram@example.org"], "Er is plaats voor je: Woningmarkt"),
    ]
    anna.refresh_from_db()
    assert anna.status == Registration.Status.CANCELLED
    assert anna.places.count() == 0


def test_cancel_twice_changes_nothing_the_second_time(django_capture_on_commit_callbacks):
    event = open_event()
    registration = sign_up(event)
    services.cancel(registration=registration)

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=registration)

    assert mail.outbox == []


def test_register_again_after_cancelling_creates_a_new_registration():
    event = open_event()
    old = sign_up(event, email="anna@example.org")
    services.cancel(registration=old)

    new = sign_up(event, email="Anna@example.org")

    assert new.pk != old.pk
    assert list(Registration.objects.order_by("id").values_list("status", flat=True)) == [
        "cancelled",
        "active",
    ]


def test_change_keeps_a_kept_place_and_gives_a_dropped_one_to_the_waiting_list(
    django_capture_on_commit_callbacks,
):
    event = open_event()
    morning_a = signup_session(
        event, capacity=1, start_time=datetime.time(10, 0), end_time=datetime.time(11, 0)
    )
    morning_b = signup_session(
        event, capacity=5, start_time=datetime.time(10, 0), end_time=datetime.time(11, 0)
    )
    afternoon = signup_session(
        event, capacity=1, start_time=datetime.time(13, 0), end_time=datetime.time(14, 0)
    )
    anna = sign_up(event, [morning_a, afternoon], name="Anna")
    sign_up(event, [morning_a, afternoon], name="Bram")
    kept_place = anna.places.get(session=afternoon)

    with django_capture_on_commit_callbacks(execute=True):
        services.change_sessions(registration=anna, session_ids=[morning_b.pk, afternoon.pk])

    assert statuses(morning_a) == {"confirmed": ["Bram"], "waiting": []}
    assert statuses(morning_b) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(afternoon) == {"confirmed": ["Anna"], "waiting": ["Bram"]}
    assert anna.places.get(session=afternoon).pk == kept_place.pk
    assert sorted(EmailLog.objects.values_list("kind", flat=True)) == [
        "change",
        "confirmation",
        "confirmation",
        "promotion",
    ]


def test_change_to_a_full_session_joins_the_end_of_its_waiting_list():
    event = open_event()
    full = signup_session(event, capacity=1, start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    other = signup_session(event, capacity=5, start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    sign_up(event, [full], name="Anna")
    sign_up(event, [full], name="Bram")
    cem = sign_up(event, [other], name="Cem")

    services.change_sessions(registration=cem, session_ids=[full.pk])

    assert statuses(full) == {"confirmed": ["Anna"], "waiting": ["Bram", "Cem"]}
    assert statuses(other) == {"confirmed": [], "waiting": []}


def test_change_without_changes_sends_nothing():
    event = open_event()
    session = signup_session(event)
    anna = sign_up(event, [session])

    services.change_sessions(registration=anna, session_ids=[session.pk])

    assert list(EmailLog.objects.values_list("kind", flat=True)) == ["confirmation"]


def test_change_keeps_the_place_in_a_session_that_stopped_taking_sign_ups():
    event = open_event()
    walk = signup_session(
        event, title="Wandeling", start_time=datetime.time(12, 30), end_time=datetime.time(13, 15)
    )
    morning, other = signup_session(event, title="Wonen"), signup_session(event, title="Werken")
    anna = sign_up(event, [walk, morning], name="Anna")
    walk.takes_registrations = False
    walk.save()

    # The personal page no longer offers the walk, so it sends only the morning choice.
    services.change_sessions(registration=anna, session_ids=[other.pk])

    assert statuses(walk) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(other) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(morning) == {"confirmed": [], "waiting": []}
    change = EmailLog.objects.get(kind="change")
    assert [session.title for session in change.calendar_cancellations.all()] == ["Wonen"]


def test_change_after_closing_is_refused():
    event = open_event()
    session = signup_session(event)
    anna = sign_up(event)
    event.registration_closes_at = timezone.now() - datetime.timedelta(seconds=1)
    event.registration_opens_at = timezone.now() - datetime.timedelta(days=2)
    event.save()

    with pytest.raises(services.RegistrationClosed):
        services.change_sessions(registration=anna, session_ids=[session.pk])


def test_fill_after_raising_a_capacity_by_two_promotes_exactly_two_in_order_of_arrival():
    event = open_event()
    session = signup_session(event, capacity=1)
    for name in ["Anna", "Bram", "Cem", "Dirk", "Eva"]:
        sign_up(event, [session], name=name)

    session.capacity = 3
    session.save()
    promoted = services.fill_from_waiting_list(session=session)

    assert [place.registration.name for place in promoted] == ["Bram", "Cem"]
    assert statuses(session) == {"confirmed": ["Anna", "Bram", "Cem"], "waiting": ["Dirk", "Eva"]}


def test_fill_after_lowering_a_capacity_takes_no_place_away():
    event = open_event()
    session = signup_session(event, capacity=2)
    sign_up(event, [session], name="Anna")
    sign_up(event, [session], name="Bram")

    session.capacity = 1
    session.save()
    services.fill_from_waiting_list(session=session)
    sign_up(event, [session], name="Cem")

    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cem"]}


def test_time_slots_group_sessions_that_overlap_directly_or_through_another():
    event = open_event()

    def at(start, end, **kw):
        return signup_session(event, start_time=datetime.time(*start), end_time=datetime.time(*end), **kw)

    a = at((10, 45), (12, 15))
    b = at((10, 45), (11, 30))
    c = at((11, 15), (12, 30))  # overlaps only a and ... it reaches past a
    tour = at((12, 25), (13, 5), kind="tour")  # overlaps c: same slot
    d = at((13, 15), (14, 45))

    slots = services.time_slots([d, tour, c, b, a])

    assert [[s.pk for s in slot.sessions] for slot in slots] == [[b.pk, a.pk, c.pk, tour.pk], [d.pk]]
    assert [slot.field_name for slot in slots] == ["slot_1", "slot_2"]


def test_time_slots_lunch_tours_form_a_tour_slot():
    event = open_event()
    tours = [
        signup_session(event, kind="tour", start_time=datetime.time(12, 25), end_time=datetime.time(13, 5))
        for _ in range(2)
    ]

    (slot,) = services.time_slots(tours)

    assert slot.is_tour
    assert (slot.start, slot.end) == (datetime.time(12, 25), datetime.time(13, 5))
