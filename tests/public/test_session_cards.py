"""The session cards of the netwerkdag page: what they show, in which order, and escaped."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sessions.models import Session, SessionSpeaker
from sessions.programme import session_card, session_cards
from tests.factories import (
    make_event,
    make_material,
    make_organisation,
    make_pillar,
    make_session,
    make_speaker,
    make_theme_group,
)

pytestmark = pytest.mark.django_db

T = datetime.time


def collapse(html: str) -> str:
    """HTML with every run of whitespace as one space: how a browser lays it out."""
    return re.sub(r"\s+", " ", html).strip()


def card_part(body: str, pattern: str) -> str:
    return collapse(re.search(pattern, body, re.S).group(0))


@pytest.fixture
def dressed_session(settings, tmp_path):
    """A session with everything a card can show: two of each, a moderator, a file and a link."""
    settings.MEDIA_ROOT = tmp_path
    event = make_event(title="Netwerkdag Deventer")
    social = make_pillar(name="Sociale pijler", slug="sociale-pijler", position=1)
    physical = make_pillar(name="Fysieke pijler", slug="fysieke-pijler", position=2)
    session = make_session(
        event=event,
        title="Wonen & zorg",
        pillars=[physical, social],
        theme_groups=[
            make_theme_group(name="Wonen", pillar=physical),
            make_theme_group(name="Armoede en schulden", pillar=social),
        ],
        speakers=[make_speaker(name="Jaco Dagevos", organisation=make_organisation(name="SCP"))],
    )
    SessionSpeaker.objects.create(
        session=session,
        speaker=make_speaker(name="Jetske Krol"),
        role=SessionSpeaker.Role.MODERATOR,
        position=5,
    )
    make_material(session=session, title="Dia's", url="", file=SimpleUploadedFile("dias.pdf", b"%PDF-1.4"))
    make_material(session=session, title="Opname", url="https://example.org/video?a=1&b=2")
    return session


def test_session_card_shows_what_a_reader_needs_in_order(client, dressed_session):
    body = client.get(dressed_session.event.get_absolute_url()).content.decode()

    card = card_part(body, r'<article class="session session--parallel">.*?</article>')
    session_url = dressed_session.get_absolute_url()
    assert card.startswith(
        f'<article class="session session--parallel"> <h4 class="session__title"><a href="{session_url}">'
        'Wonen &amp; zorg</a></h4> <p class="session__meta"><span class="session__kind">Parallelsessie</span></p>'
    )
    assert (
        '<li><a href="/sprekers/jaco-dagevos/">Jaco Dagevos</a> <span class="speakers__organisation">(SCP)</span></li>'
        ' <li><a href="/sprekers/jetske-krol/">Jetske Krol</a> <span class="speakers__role">– moderator</span></li>'
        in card
    )
    assert (
        '<div><dt>Pijlers</dt><dd><a href="/pijlers/sociale-pijler/">Sociale pijler</a></dd>'
        '<dd><a href="/pijlers/fysieke-pijler/">Fysieke pijler</a></dd></div>'
        ' <div><dt>Themagroepen</dt><dd><a href="/themagroepen/armoede-en-schulden/">Armoede en schulden</a></dd>'
        '<dd><a href="/themagroepen/wonen/">Wonen</a></dd></div>' in card
    )
    assert (
        '<li><a href="https://example.org/video?a=1&amp;b=2" data-print-url="https://example.org/video?a=1&amp;b=2">'
        'Opname</a> <span class="materials__type">(link)</span></li>' in card
    )
    assert re.search(
        r'data-print-url="http://127\.0\.0\.1:8000/media/materials/netwerkdag-deventer/dias[^"]*\.pdf">Dia&#39;s</a>',
        card,
    )


def test_session_card_escapes_whatever_organisers_and_speakers_type(client):
    event = make_event()
    make_session(
        event=event,
        title='<script>alert("titel")</script>',
        location="<b>Raadzaal</b>",
        description="Meer weten?",
        speakers=[
            make_speaker(
                name="<img src=x onerror=alert(1)>",
                slug="spreker-x",
                organisation=make_organisation(name='"><script>alert(2)</script>'),
            )
        ],
        pillars=[make_pillar(name="<i>Pijler</i>", slug="pijler-x")],
    )

    body = client.get(event.get_absolute_url()).content.decode()

    assert "<script>alert" not in body
    assert "<img src=x" not in body
    assert "&lt;script&gt;alert(&#34;titel&#34;)&lt;/script&gt;</a></h4>" in body
    assert "· &lt;b&gt;Raadzaal&lt;/b&gt;</p>" in body
    assert '<a href="/sprekers/spreker-x/">&lt;img src=x onerror=alert(1)&gt;</a>' in body
    assert "(&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;)" in body
    assert '<dd><a href="/pijlers/pijler-x/">&lt;i&gt;Pijler&lt;/i&gt;</a></dd>' in body


def test_session_card_shows_its_own_time_only_when_it_differs_from_the_slot(client):
    event = make_event()
    lunch = make_session(
        event=event, title="Lunch", kind=Session.Kind.LUNCH, start_time=T(12, 30), end_time=T(13, 30)
    )
    tour = make_session(
        event=event,
        title="Stadswandeling",
        kind=Session.Kind.TOUR,
        start_time=T(12, 40),
        end_time=T(13, 25),
        location="Hoofdingang",
    )

    body = collapse(client.get(event.get_absolute_url()).content.decode())

    # The lunch is called "Lunch": its kind is not repeated, and its time is the slot's.
    assert (
        f'<h4 class="session__title"><a href="{lunch.get_absolute_url()}">Lunch</a></h4> <p class="session__meta"></p>'
        in body
    )
    assert (
        f'<h4 class="session__title"><a href="{tour.get_absolute_url()}">Stadswandeling</a></h4> <p class="session__meta">'
        '<span class="session__kind">Rondwandeling of excursie</span> · <time datetime="12:40">12:40</time>'
        '–<time datetime="13:25">13:25</time> · Hoofdingang</p>' in body
    )


def test_session_page_card_is_the_card_the_programme_reads(dressed_session):
    """The session page builds its card from the session it read (compiled queries of one
    session); it must be the card that the general read gives."""
    dressed_session = Session.objects.select_related("event").get(pk=dressed_session.pk)
    [card] = session_cards(Session.objects.filter(pk=dressed_session.pk))

    assert session_card(dressed_session) == card
    assert [tag.name for tag in card.pillars] == ["Sociale pijler", "Fysieke pijler"]
    assert [tag.name for tag in card.theme_groups] == ["Armoede en schulden", "Wonen"]
