import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from g40events.models import Status
from sessions.models import Session
from tests.factories import (
    make_event,
    make_material,
    make_organisation,
    make_pillar,
    make_session,
    make_speaker,
    make_theme_group,
)
from tests.public.helpers import page_text, queries_for, url_or_none

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)


def make_keynote(**overrides):
    event = make_event(
        title="Ambtelijke netwerkdag Deventer",
        slug="deventer-2024",
        date=datetime.date(2024, 4, 24),
        venue_name="Stadhuis Deventer",
    )
    fields = {
        "event": event,
        "title": "Keynote: migratie in cijfers",
        "slug": "keynote",
        "kind": Session.Kind.PLENARY,
        "description": "Wat zeggen de **cijfers** over migratie?",
        "start_time": datetime.time(10, 35),
        "end_time": datetime.time(11, 15),
        "location": "Raadzaal",
    }
    fields.update(overrides)
    return make_session(**fields)


def test_session_page_shows_what_when_where_and_who(client):
    social = make_pillar(name="Sociale pijler", slug="sociale-pijler")
    session = make_keynote(
        pillars=[social],
        theme_groups=[make_theme_group(name="Vergunninghouders en asiel", slug="asiel", pillar=social)],
        speakers=[
            make_speaker(
                name="Jaco Dagevos",
                job_title="Senior onderzoeker",
                organisation=make_organisation(name="Sociaal en Cultureel Planbureau"),
            )
        ],
    )

    response = client.get("/netwerkdagen/deventer-2024/sessies/keynote/")

    text = page_text(response)
    assert "Plenair Keynote: migratie in cijfers" in text
    assert "Wat zeggen de cijfers over migratie?" in text
    assert "Netwerkdag Ambtelijke netwerkdag Deventer Datum woensdag 24 april 2024" in text
    assert "Tijd 10:35–11:15 uur Zaal Raadzaal Locatie Stadhuis Deventer" in text
    assert "Spreker Jaco Dagevos Senior onderzoeker, Sociaal en Cultureel Planbureau" in text
    assert "Pijler Sociale pijler Themagroep Vergunninghouders en asiel" in text
    body = response.content.decode()
    assert 'href="/sprekers/jaco-dagevos/"' in body
    assert 'href="/pijlers/sociale-pijler/"' in body
    assert 'href="/themagroepen/asiel/"' in body
    assert session.get_absolute_url() == "/netwerkdagen/deventer-2024/sessies/keynote/"


def test_session_page_offers_materials_with_their_file_type(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    session = make_keynote()
    make_material(session=session, title="Presentatie", url="", file=SimpleUploadedFile("slides.pptx", b"x"))
    make_material(session=session, title="Video van de keynote", url="https://example.org/video")

    response = client.get(session.get_absolute_url())

    assert "Materialen Presentatie (PPTX) Video van de keynote (link)" in page_text(response)
    assert 'href="https://example.org/video"' in response.content.decode()


def test_session_page_links_to_its_calendar_file(client):
    session = make_keynote(event=make_event(slug="dordrecht", date=datetime.date(2024, 11, 21)))
    ics_url = url_or_none("programme:ics", event_slug="dordrecht", slug=session.slug)
    if ics_url is None:
        pytest.skip("the session calendar export is not there yet")

    response = client.get(session.get_absolute_url())

    assert f'href="{ics_url}"' in response.content.decode()


def test_session_page_is_404_under_another_netwerkdag(client):
    make_keynote()
    make_event(slug="dordrecht")

    assert client.get("/netwerkdagen/dordrecht/sessies/keynote/").status_code == 404


def test_session_page_of_a_draft_netwerkdag_is_404_for_the_public(client):
    make_keynote(event=make_event(slug="concept", status=Status.DRAFT))

    assert client.get("/netwerkdagen/concept/sessies/keynote/").status_code == 404


def test_session_page_queries_do_not_grow_with_speakers_and_materials(client):
    small = make_keynote(
        pillars=[make_pillar()],
        theme_groups=[make_theme_group(pillar=make_pillar())],
        speakers=[make_speaker(organisation=make_organisation())],
    )
    make_material(session=small)
    large = make_session(
        event=small.event,
        slug="groot",
        pillars=[make_pillar() for _ in range(4)],
        theme_groups=[make_theme_group(pillar=make_pillar()) for _ in range(5)],
        speakers=[make_speaker(organisation=make_organisation()) for _ in range(8)],
    )
    for _ in range(6):
        make_material(session=large)

    assert queries_for(client, small.get_absolute_url()) == queries_for(client, large.get_absolute_url()) <= 6
