"""Property tests of the waiting lists: random sign-ups, changes, cancellations, deletions, capacity
raises and places freed behind the services' back (what a promotion that gave way to lock contention
leaves) against a plain model of two queues, checked after every step: nobody jumps the queue."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations import services
from registrations.models import Place
from tests.registrations.helpers import open_event, person, signup_session

pytestmark = pytest.mark.django_db

sign_up_op = st.tuples(st.just("sign_up"), st.sets(st.integers(0, 1)))
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 1000))
change_op = st.tuples(st.just("change"), st.integers(0, 1000), st.sets(st.integers(0, 1)))
raise_op = st.tuples(st.just("raise"), st.integers(0, 1), st.integers(0, 3))
delete_op = st.tuples(st.just("delete"), st.integers(0, 1000))
lose_op = st.tuples(st.just("lose"), st.integers(0, 1000), st.integers(0, 1))
operations = st.lists(
    st.one_of(sign_up_op, sign_up_op, cancel_op, change_op, raise_op, delete_op, lose_op),
    min_size=1,
    max_size=25,
)


class Model:
    """What the waiting lists should be: per session the confirmed people and the queue."""

    def __init__(self, capacities):
        self.capacity = list(capacities)
        self.confirmed = [set(), set()]
        self.waiting = [[], []]

    def take(self, index, who):
        # Those waiting get the free places first; a newcomer is confirmed only if nobody waits.
        self.fill(index)
        if not self.waiting[index] and len(self.confirmed[index]) < self.capacity[index]:
            self.confirmed[index].add(who)
        else:
            self.waiting[index].append(who)

    def leave(self, index, who) -> list:
        if who in self.waiting[index]:
            self.waiting[index].remove(who)
        self.confirmed[index].discard(who)
        return self.fill(index)

    def fill(self, index) -> list:
        promoted = []
        while self.waiting[index] and len(self.confirmed[index]) < self.capacity[index]:
            who = self.waiting[index].pop(0)
            self.confirmed[index].add(who)
            promoted.append(who)
        return promoted

    def holds(self, who) -> set:
        return {i for i in (0, 1) if who in self.confirmed[i] or who in self.waiting[i]}


def actual(session):
    places = Place.objects.filter(session=session)
    confirmed = set(places.confirmed().values_list("registration_id", flat=True))
    waiting = list(places.waiting_list().values_list("registration_id", flat=True))
    return confirmed, waiting


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(capacities=st.tuples(st.integers(0, 3), st.integers(1, 3)), ops=operations)
def test_waiting_lists_follow_the_model_and_never_overbook(capacities, ops):
    event = open_event()
    sessions = [
        signup_session(
            event, capacity=capacities[0], start_time=datetime.time(10, 0), end_time=datetime.time(11, 0)
        ),
        signup_session(
            event, capacity=capacities[1], start_time=datetime.time(13, 0), end_time=datetime.time(14, 0)
        ),
    ]
    model = Model(capacities)
    active = []

    for op in ops:
        if op[0] == "sign_up":
            chosen = sorted(op[1])
            registration = services.register(
                event=event, person=person(), session_ids=[sessions[i].pk for i in chosen]
            ).registration
            active.append(registration)
            for i in chosen:
                model.take(i, registration.pk)
        elif op[0] == "cancel" and active:
            registration = active.pop(op[1] % len(active))
            services.cancel(registration=registration)
            for i in model.holds(registration.pk):
                model.leave(i, registration.pk)
        elif op[0] == "change" and active:
            registration = active[op[1] % len(active)]
            held, wanted = model.holds(registration.pk), op[2]
            services.change_sessions(
                registration=registration, session_ids=[sessions[i].pk for i in sorted(wanted)]
            )
            for i in sorted(held - wanted):
                model.leave(i, registration.pk)
            for i in sorted(wanted - held):
                model.take(i, registration.pk)
        elif op[0] == "delete" and active:
            registration = active.pop(op[1] % len(active))
            services.delete_registration(registration=registration)
            for i in model.holds(registration.pk):
                model.leave(i, registration.pk)
        elif op[0] == "lose" and active:
            registration, index = active[op[1] % len(active)], op[2]
            if registration.pk in model.confirmed[index]:
                Place.objects.filter(registration=registration, session=sessions[index]).delete()
                model.confirmed[index].discard(registration.pk)
        elif op[0] == "raise":
            index, extra = op[1], op[2]
            session = sessions[index]
            session.capacity += extra
            session.save()
            model.capacity[index] += extra
            promoted = services.fill_from_waiting_list(session=session)
            expected = model.fill(index)
            assert [p.registration_id for p in promoted] == expected

        for index, session in enumerate(sessions):
            confirmed, waiting = actual(session)
            assert len(confirmed) <= model.capacity[index]
            assert not confirmed & set(waiting), "someone is both confirmed and waiting"
            assert confirmed == model.confirmed[index]
            assert waiting == model.waiting[index], "the waiting list is not in order of arrival"
