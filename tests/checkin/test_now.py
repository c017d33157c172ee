import datetime
import re

import pytest
import time_machine

from tests.factories import make_event, make_session

pytestmark = pytest.mark.django_db


def amsterdam(hour, minute=0, day=1):
    """A moment on 1 May 2030 by the clock in Amsterdam (UTC+2 in summer)."""
    return datetime.datetime(2030, 5, day, hour - 2, minute, tzinfo=datetime.UTC)


@pytest.fixture
def day():
    event = make_event(title="Netwerkdag Ede", slug="ede", date=datetime.date(2030, 5, 1))
    make_session(event=event, title="Opening", kind="plenary", location="Grote zaal",
                 start_time=datetime.time(9, 30), end_time=datetime.time(10, 15))  # fmt: skip
    make_session(event=event, title="Wonen", location="Zaal 1",
                 start_time=datetime.time(10, 30), end_time=datetime.time(11, 30))  # fmt: skip
    make_session(event=event, title="Werken", location="Zaal 2",
                 start_time=datetime.time(10, 30), end_time=datetime.time(11, 30))  # fmt: skip
    make_session(event=event, title="Lunch", kind="lunch",
                 start_time=datetime.time(12, 0), end_time=datetime.time(13, 0))  # fmt: skip
    return event


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def now_region(client, at) -> str:
    with time_machine.travel(at, tick=False):
        response = client.get("/netwerkdagen/ede/nu/?deel=1")
    assert response.status_code == 200
    return text(response.content.decode())


def test_now_shows_running_sessions_with_rooms_and_the_next_starting_time(client, day):
    assert now_region(client, amsterdam(10, 45)) == (
        "Bijgewerkt om 10:45 Nu 10:30–11:30 Werken Zaal: Zaal 2 10:30–11:30 Wonen Zaal: Zaal 1 "
        "Straks, om 12:00 12:00–13:00 Lunch"
    )


def test_between_sessions_nothing_runs_now(client, day):
    assert now_region(client, amsterdam(10, 20)) == (
        "Bijgewerkt om 10:20 Nu Er loopt nu niets op het programma. "
        "Straks, om 10:30 10:30–11:30 Werken Zaal: Zaal 2 10:30–11:30 Wonen Zaal: Zaal 1"
    )


def test_before_the_day_shows_when_it_begins_and_the_first_part(client, day):
    assert now_region(client, amsterdam(8, 0)) == (
        "Bijgewerkt om 08:00 Nu De netwerkdag begint op woensdag 1 mei 2030 om 09:30. "
        "Straks, om 09:30 09:30–10:15 Opening Zaal: Grote zaal"
    )


def test_after_the_day_says_so(client, day):
    assert (
        now_region(client, amsterdam(18, 0))
        == "Bijgewerkt om 18:00 Deze netwerkdag is voorbij. Bedankt voor je komst!"
    )


def test_last_part_has_nothing_after_it(client, day):
    assert now_region(client, amsterdam(12, 30)).endswith(
        "Straks Na dit onderdeel staat er niets meer op het programma."
    )


def test_page_makes_two_queries_whatever_the_size_of_the_programme(client, day, django_assert_num_queries):
    for n in range(30):
        make_session(
            event=day, title=f"Extra {n}", start_time=datetime.time(14, 0), end_time=datetime.time(15, 0)
        )
    with time_machine.travel(amsterdam(14, 30), tick=False), django_assert_num_queries(2):
        response = client.get("/netwerkdagen/ede/nu/")
    assert text(response.content.decode()).count("14:00–15:00 Extra") == 30


def test_full_page_is_polite_live_region_with_a_pause_control_and_no_fast_refresh(client, day):
    with time_machine.travel(amsterdam(10, 45), tick=False):
        response = client.get("/netwerkdagen/ede/nu/")
    html = response.content.decode()

    assert (
        '<div id="nu-en-straks" class="now-region" aria-live="polite" data-source="/netwerkdagen/ede/nu/?deel=1">'
        in html
    )
    assert 'data-seconds="60"' in html
    assert "Automatisch bijwerken pauzeren" in html
    assert 'http-equiv="refresh"' not in html
    assert '<script src="/static/js/now.js" defer></script>' in html
    assert "<script>" not in html
    assert response["Cache-Control"] == "max-age=30, public"
