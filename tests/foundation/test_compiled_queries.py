import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from g40events.compiled_queries import CompiledQuery
from g40events.models import Event, Recap
from sessions.models import Session
from tests.factories import make_event, make_organisation, make_pillar, make_recap, make_session

pytestmark = pytest.mark.django_db

T = datetime.time


def sessions_of(event_id):
    return (
        Session.objects.filter(event_id=event_id)
        .annotate(materials_count=Count("materials"))
        .order_by("start_time", "title")
        .values_list("title", "start_time", "materials_count")
    )


def test_compiled_query_gives_the_rows_of_the_orm_for_each_value():
    query = CompiledQuery(sessions_of)
    first, second = make_event(), make_event()
    make_session(event=first, title="Opening", start_time=T(9, 30), end_time=T(10, 0))
    make_session(event=first, title="Woningmarkt", start_time=T(10, 15), end_time=T(11, 0))
    make_session(event=second, title="Afsluiting", start_time=T(16, 0), end_time=T(16, 30))

    assert query.rows(event_id=first.pk) == [("Opening", T(9, 30), 0), ("Woningmarkt", T(10, 15), 0)]
    assert query.rows(event_id=second.pk) == [("Afsluiting", T(16, 0), 0)]
    assert query.rows(event_id=second.pk) == list(sessions_of(second.pk))
    assert query.rows(event_id=second.pk + 1000) == []


def test_compiled_query_refuses_a_value_its_sql_does_not_use():
    query = CompiledQuery(lambda event_id: Session.objects.values_list("title"))

    with pytest.raises(ValueError, match="does not use event_id"):
        query.rows(event_id=1)


def test_compiled_query_is_counted_as_a_query(django_assert_num_queries):
    query = CompiledQuery(sessions_of)
    event = make_event()

    with django_assert_num_queries(1):
        query.rows(event_id=event.pk)


def test_compiled_query_of_instances_gives_the_objects_of_the_orm_with_their_related_objects(
    django_assert_num_queries,
):
    query = CompiledQuery(lambda slug: Event.objects.filter(slug=slug).select_related("host_city"), slug=str)
    event = make_event(slug="deventer", host_city=make_organisation(name="Deventer"))
    make_event(slug="dordrecht")

    with django_assert_num_queries(1):
        (found,) = query.objects(slug="deventer")
        assert found.host_city.name == "Deventer"
    assert (found.pk, found.title, found.date, found.start_time) == (
        event.pk,
        event.title,
        event.date,
        event.start_time,
    )
    assert query.objects(slug="nergens") == []


def test_compiled_query_takes_a_moment_as_the_orm_compares_it():
    def recaps(event_id, now):
        return Recap.objects.filter(event_id=event_id, published_at__lte=now).select_related("pillar")

    query = CompiledQuery(recaps, now=datetime.datetime)
    event = make_event()
    moment = timezone.make_aware(datetime.datetime(2024, 5, 1, 11, 0))
    make_recap(event=event, title="Om elf uur", published_at=moment, pillar=make_pillar(name="Fysiek"))
    make_recap(event=event, title="Om twaalf uur", published_at=moment + datetime.timedelta(hours=1))

    for now in (moment - datetime.timedelta(microseconds=1), moment, moment + datetime.timedelta(hours=2)):
        assert [(r.title, r.pillar and r.pillar.name) for r in query.objects(event_id=event.pk, now=now)] == [
            (r.title, r.pillar and r.pillar.name) for r in recaps(event.pk, now)
        ]
    assert [r.title for r in query.objects(event_id=event.pk, now=moment)] == ["Om elf uur"]
