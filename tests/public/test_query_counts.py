"""The pages bench/bench_vs_pretalx.py measures make the same number of queries whatever the programme.

Each page is requested (uncached) for a netwerkdag of 2 and of 30 sessions, every session with
two speakers, a pillar, a theme group and a material; the exact count is pinned, so that a
change that adds a query per session, or a query at all, shows here.
"""

import datetime

import pytest
from django.utils import timezone

from sessions.models import SessionSpeaker
from tests.exports.helpers import add_sessions
from tests.factories import make_event, make_material, make_organisation

pytestmark = pytest.mark.django_db

# page: (path below the netwerkdag's, exact queries)
PAGES = {
    # the netwerkdag; the programme (sessions with their materials, speakers, pillars and theme
    # groups); the places left in its sessions with whether the day is full; recaps
    "netwerkdag": ("", 6),
    # the session with its netwerkdag; its card's speakers, tags (pillars and theme groups) and
    # materials; its places left with whether the day is full
    "session": ("sessies/sessie-1/", 5),
    # the netwerkdag, its sessions, their speakers, their pillars and their materials
    "frab_json": ("programma.json", 5),
    # the netwerkdag; whether it is full; the organisations; the sessions that take sign-ups, with
    # their places taken
    "signup": ("aanmelden/", 4),
}


def large_or_small_netwerkdag(size: int):
    event = make_event(
        slug="netwerkdag",
        date=datetime.date(2030, 5, 1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=1),
        capacity=250,  # pages that offer sign-up also count the day's registrations
    )
    sessions = add_sessions(event, size)
    for session in sessions:
        make_material(session=session)
        session.takes_registrations, session.capacity = True, 30
        session.save()
    for _ in range(size):
        make_organisation()
    return event, sessions


@pytest.mark.parametrize("size", [2, 30])
@pytest.mark.parametrize("page", list(PAGES))
def test_page_makes_a_fixed_number_of_queries(client, django_assert_num_queries, page, size):
    event, _sessions = large_or_small_netwerkdag(size)
    path, queries = PAGES[page]
    url = event.get_absolute_url() + path
    assert client.get(url).status_code == 200  # warm: the site's per-process caches

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 30])
def test_speaker_page_makes_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    """A speaker of `size` sessions across two netwerkdagen."""
    event, sessions = large_or_small_netwerkdag(size)
    other_day = make_event(slug="vorige-netwerkdag", date=datetime.date(2029, 5, 1))
    speaker = sessions[0].speaker_roles.first().speaker
    for session in sessions[1:] + add_sessions(other_day, 2):
        SessionSpeaker.objects.create(session=session, speaker=speaker, position=5)
    url = speaker.get_absolute_url()
    assert client.get(url).status_code == 200

    # the speaker with the organisation; the sessions with their netwerkdag, speakers and theme groups
    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("/sessies/sessie-") == size + 2
