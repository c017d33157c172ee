"""A sign-up rush leaves the page cache alone: the places on the programme are at most
PROGRAMME_PLACES_SECONDS old, and the page says from when they are."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from pagecache import versions
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db(transaction=True)


def places(response) -> list[str]:
    return re.findall(r'<p class="session__places"><strong>(.*?)</strong>', response.content.decode())


def test_sign_up_does_not_empty_the_page_cache(client):
    event = open_event()
    session = signup_session(event, capacity=12)
    assert places(client.get(event.get_absolute_url())) == ["nog 12 plaatsen"]
    version = versions.current()

    sign_up(event, [session])
    sign_up(event, [session])

    response = client.get(event.get_absolute_url())
    assert versions.current() == version
    assert (response["X-Cache"], places(response)) == ("HIT", ["nog 12 plaatsen"])


def test_page_with_places_is_kept_for_the_places_lifetime_only(client, settings):
    settings.PROGRAMME_PLACES_SECONDS = 60
    event = open_event()
    session = signup_session(event, capacity=12)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = client.get(event.get_absolute_url())
    sign_up(event, [session])

    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        within = client.get(event.get_absolute_url())
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        after = client.get(event.get_absolute_url())

    assert (first["X-Cache"], within["X-Cache"], after["X-Cache"]) == ("MISS", "HIT", "MISS")
    assert places(after) == ["nog 11 plaatsen"]
    # The lifetime is for the page cache only: browsers ask again every time.
    assert after["Cache-Control"] == "no-cache"


def test_page_without_places_stays_until_content_changes(client):
    # Noon in Amsterdam: two hours later is still the same day (the site's date is part of the key).
    start = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        event = open_event(registration_opens_at=None)
        signup_session(event)
        client.get(event.get_absolute_url())

    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        assert client.get(event.get_absolute_url())["X-Cache"] == "HIT"


def test_session_page_with_places_is_kept_for_the_places_lifetime_only(client, settings):
    settings.PROGRAMME_PLACES_SECONDS = 30
    event = open_event()
    session = signup_session(event, capacity=5)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(session.get_absolute_url())
    sign_up(event, [session])

    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        after = client.get(session.get_absolute_url())

    assert after["X-Cache"] == "MISS"
    assert "nog 4 plaatsen" in after.content.decode()
