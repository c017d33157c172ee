"""Colleagues see places on the programme: "nog 12 plaatsen" or "vol — wachtlijst", and the way
to sign up, on the cards of sessions that take sign-ups while sign-up is open; every session has
a page of its own."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.utils import timezone

from g40events import clock
from registrations.models import Place, Registration
from tests.factories import make_material, make_session, make_speaker
from tests.public.helpers import page_text, queries_for
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


T = datetime.time
_people = itertools.count(1)


def card_of(client, session) -> str:
    body = client.get(session.event.get_absolute_url()).content.decode()
    found = re.search(
        rf'<article class="session[^"]*">\s*<h4 class="session__title"><a href="{session.get_absolute_url()}">.*?</article>',
        body,
        re.S,
    )
    return " ".join(found.group(0).split())


def places_line(client, session) -> str | None:
    found = re.search(r'<p class="session__places">.*?</p>', card_of(client, session))
    return found.group(0) if found else None


def fill(session, confirmed=0, waiting=0):
    """Places in the session without the sign-up service: this is about what the page reads."""
    for n in range(confirmed + waiting):
        number = next(_people)
        registration = Registration.objects.create(
            event=session.event, name=f"Collega {number}", email=f"collega{number}@gemeente.example"
        )
        Place.objects.create(
            registration=registration,
            session=session,
            status=Place.Status.CONFIRMED if n < confirmed else Place.Status.WAITING,
            waiting_since=None if n < confirmed else timezone.now(),
        )


def test_card_shows_the_places_left_and_the_way_to_sign_up(client):
    event = open_event(slug="dordrecht")
    session = signup_session(event, title="Wonen & zorg", capacity=12)

    line = places_line(client, session)

    assert line == (
        '<p class="session__places"><strong>nog 12 plaatsen</strong> · <a href="/netwerkdagen/dordrecht/aanmelden/">'
        'aanmelden<span class="visually-hidden"> voor Wonen &amp; zorg</span></a></p>'
    )


@pytest.mark.parametrize(
    ("confirmed", "waiting", "shown"),
    [
        (0, 0, "nog 12 plaatsen"),
        (11, 0, "nog 1 plaats"),
        (12, 0, "vol — wachtlijst"),
        (12, 3, "vol — wachtlijst"),
    ],
)
def test_card_counts_the_confirmed_places(client, confirmed, waiting, shown):
    session = signup_session(open_event(), capacity=12)
    fill(session, confirmed, waiting)

    assert re.search(r"<strong>(.*?)</strong>", places_line(client, session)).group(1) == shown


def test_card_is_full_while_others_wait_even_with_a_place_free(client):
    """A new sign-up then joins the waiting list: the place is for the first in line."""
    session = signup_session(open_event(), capacity=12)
    fill(session, confirmed=11, waiting=1)

    assert "<strong>vol — wachtlijst</strong>" in places_line(client, session)


def test_card_of_a_session_without_maximum_only_links_to_sign_up(client):
    session = signup_session(open_event(slug="ede"), title="Lunchwandeling", capacity=None)

    assert places_line(client, session) == (
        '<p class="session__places"><a href="/netwerkdagen/ede/aanmelden/">aanmelden'
        '<span class="visually-hidden"> voor Lunchwandeling</span></a></p>'
    )


def test_card_follows_sign_ups_through_the_service(client):
    event = open_event()
    session = signup_session(event, capacity=3)
    sign_up(event, [session])
    sign_up(event, [session])

    assert "<strong>nog 1 plaats</strong>" in places_line(client, session)


def test_cards_show_no_places_when_sign_up_is_not_open_or_the_day_is_full(client):
    now = clock.now()
    not_yet = signup_session(open_event(slug="later", registration_opens_at=now + datetime.timedelta(days=1)))
    closed = signup_session(
        open_event(slug="dicht", registration_closes_at=now - datetime.timedelta(hours=1))
    )
    full_day = open_event(slug="vol", capacity=1)
    full_day_session = signup_session(full_day)
    sign_up(full_day, [])
    no_sign_up = make_session(event=open_event(slug="open"), takes_registrations=False)

    assert [places_line(client, s) for s in (not_yet, closed, full_day_session, no_sign_up)] == [None] * 4
    assert "Vrije plaatsen" not in page_text(client.get(not_yet.event.get_absolute_url()))


def test_programme_says_from_when_the_places_are(client):
    event = open_event(date=datetime.date(2030, 5, 1))
    signup_session(event)
    moment = timezone.make_aware(datetime.datetime(2030, 4, 2, 10, 42, 30))

    with time_machine.travel(moment, tick=False):
        text = page_text(client.get(event.get_absolute_url()))

    assert "Vrije plaatsen: stand van 10:42 uur." in text


def test_every_session_has_its_own_page_and_its_card_links_there(client):
    """Also a session without description, speakers or materials: its page has the time and place."""
    event = open_event()
    bare = make_session(event=event, title="Koffie", description="", start_time=T(9, 0), end_time=T(9, 30))

    card = card_of(client, bare)
    page = client.get(bare.get_absolute_url())

    assert card.startswith(
        f'<article class="session session--parallel"> <h4 class="session__title"><a href="{bare.get_absolute_url()}">Koffie</a></h4>'
    )
    assert page.status_code == 200
    assert "De beschrijving van deze sessie volgt." in page_text(page)


def test_session_page_shows_the_places_and_the_way_to_sign_up(client):
    event = open_event(slug="deventer")
    session = signup_session(event, title="Armoede", capacity=20)
    fill(session, confirmed=8)

    text = page_text(client.get(session.get_absolute_url()))

    assert "nog 12 plaatsen · aanmelden voor Armoede" in text
    assert "Vrije plaatsen: stand van" in text


def dressed_programme(event, sessions):
    for n in range(sessions):
        session = signup_session(
            event,
            title=f"Sessie {n}",
            start_time=T(10 + n % 4, 0),
            end_time=T(10 + n % 4, 45),
            speakers=[make_speaker(), make_speaker()],
        )
        make_material(session=session)
        fill(session, confirmed=2, waiting=1)


def test_places_keep_the_programme_queries_constant(client):
    small, large = open_event(slug="klein"), open_event(slug="groot")
    dressed_programme(small, 2)
    dressed_programme(large, 30)

    small_count = queries_for(client, small.get_absolute_url())
    large_count = queries_for(client, large.get_absolute_url())

    assert small_count == large_count == 6


def test_places_keep_the_session_page_queries_constant(client):
    event = open_event()
    dressed_programme(event, 3)
    [quiet, busy] = event.sessions.all()[:2]
    fill(busy, confirmed=5, waiting=5)

    assert queries_for(client, quiet.get_absolute_url()) == queries_for(client, busy.get_absolute_url()) == 5
