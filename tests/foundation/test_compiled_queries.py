import datetime

import pytest
from django.db.models import Count

from g40events.compiled_queries import CompiledQuery
from sessions.models import Session
from tests.factories import make_event, make_session

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
