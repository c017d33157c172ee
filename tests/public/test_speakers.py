import datetime
import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from g40events.models import Status
from sessions.models import Session, SessionSpeaker
from sessions.programme import sessions_by_edition, speaker_sessions_by_edition
from tests.factories import (
    make_event,
    make_organisation,
    make_pillar,
    make_session,
    make_speaker,
    make_theme_group,
)
from tests.public.helpers import page_text, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)


def test_speaker_list_is_a_to_z_by_surname_with_organisations(client):
    cbs = make_organisation(name="Centraal Bureau voor de Statistiek")
    speakers = [
        make_speaker(
            name="Peter Hein van Mulligen",
            sort_name="Mulligen, Peter Hein van",
            organisation=cbs,
            job_title="Hoofdeconoom",
        ),
        make_speaker(name="Jaco Dagevos", sort_name="Dagevos, Jaco", job_title=""),
        make_speaker(name="Jetske Krol", sort_name="Krol, Jetske", job_title=""),
        make_speaker(name="Anne Özdemir", sort_name="Özdemir, Anne", job_title=""),
        make_speaker(name="Jeannette de Ridder", sort_name="Ridder, Jeannette de", job_title=""),
        make_speaker(name="Bert Roes", sort_name="Roes, Bert", job_title=""),
    ]
    make_session(speakers=speakers)

    text = page_text(client.get("/sprekers/"))

    assert (
        "D Jaco Dagevos K Jetske Krol M Peter Hein van Mulligen Hoofdeconoom, Centraal Bureau voor de Statistiek "
        "O Anne Özdemir R Jeannette de Ridder Bert Roes"
    ) in text


def test_speaker_list_leaves_out_speakers_of_drafts_only(client):
    make_session(speakers=[make_speaker(name="Op het programma")])
    make_session(event=make_event(status=Status.DRAFT), speakers=[make_speaker(name="Nog geheim")])
    make_speaker(name="Zonder sessie")

    text = page_text(client.get("/sprekers/"))

    assert "Op het programma" in text
    assert "Nog geheim" not in text
    assert "Zonder sessie" not in text


def test_speaker_page_shows_bio_organisation_and_sessions_of_every_netwerkdag(client):
    speaker = make_speaker(
        name="Jaco Dagevos",
        slug="jaco-dagevos",
        job_title="Senior onderzoeker",
        organisation=make_organisation(name="Sociaal en Cultureel Planbureau", website="https://www.scp.nl"),
        bio="Onderzoekt *integratie* en migratie.",
    )
    deventer = make_event(title="Netwerkdag Deventer", date=datetime.date(2024, 4, 24))
    bestuurlijk = make_event(title="Bestuurlijke netwerkdag", date=datetime.date(2024, 5, 29))
    make_session(event=deventer, title="Keynote: migratie", speakers=[speaker])
    make_session(
        event=deventer,
        title="Migratie en economie",
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 0),
        speakers=[speaker],
    )
    opening = make_session(event=bestuurlijk, title="Opening", speakers=[make_speaker(name="Dagvoorzitter")])
    SessionSpeaker.objects.create(
        session=opening, speaker=speaker, role=SessionSpeaker.Role.MODERATOR, position=1
    )
    make_session(event=make_event(status=Status.DRAFT), title="Geheime sessie", speakers=[speaker])

    response = client.get("/sprekers/jaco-dagevos/")

    text = page_text(response)
    assert "Jaco Dagevos Senior onderzoeker, Sociaal en Cultureel Planbureau" in text
    assert "Onderzoekt integratie en migratie." in text
    assert "Bestuurlijke netwerkdag 29 mei 2024 Opening" in text and text.index(
        "Bestuurlijke netwerkdag 29 mei 2024"
    ) < text.index("Netwerkdag Deventer 24 april 2024") < text.index("Keynote: migratie") < text.index(
        "Migratie en economie"
    )
    assert "Dagvoorzitter Jaco Dagevos (Sociaal en Cultureel Planbureau) – moderator" in text
    assert "Geheime sessie" not in text
    assert 'href="https://www.scp.nl"' in response.content.decode()


def test_speaker_page_shows_the_photo_when_there_is_one(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(image, format="PNG")
    speaker = make_speaker(name="Jetske Krol", slug="jetske-krol")
    speaker.photo.save("jetske.png", ContentFile(image.getvalue()))
    without_photo = make_speaker(slug="zonder-foto")
    make_session(speakers=[speaker, without_photo])

    body = client.get("/sprekers/jetske-krol/").content.decode()

    assert '<img class="speaker__photo" src="/media/speakers/jetske' in body
    assert 'alt="Portret van Jetske Krol"' in body
    assert "<img" not in client.get("/sprekers/zonder-foto/").content.decode()


def test_speaker_page_is_404_for_a_speaker_without_published_sessions(client):
    make_session(event=make_event(status=Status.DRAFT), speakers=[make_speaker(slug="geheim")])

    assert client.get("/sprekers/geheim/").status_code == 404


def _speaker_on_many_sessions(slug, sessions):
    speaker = make_speaker(slug=slug, organisation=make_organisation())
    pillar = make_pillar()
    for _ in range(sessions):
        make_session(
            event=make_event(),
            speakers=[speaker, make_speaker(organisation=make_organisation())],
            pillars=[pillar],
            theme_groups=[make_theme_group(pillar=pillar)],
        )
    return speaker


def test_speaker_pages_queries_do_not_grow_with_the_data(client):
    small = _speaker_on_many_sessions("klein", 1)
    small_list = queries_for(client, "/sprekers/")
    large = _speaker_on_many_sessions("groot", 12)

    assert queries_for(client, small.get_absolute_url()) == queries_for(client, large.get_absolute_url()) <= 5
    assert small_list == queries_for(client, "/sprekers/") <= 1


def test_speaker_page_reads_the_sessions_the_general_read_gives():
    """The speaker page reads its sessions with compiled queries of one speaker: the same
    netwerkdagen, sessions, co-speakers and theme groups as sessions_by_edition()."""
    speaker = make_speaker(name="Jaco Dagevos")
    wonen = make_theme_group(name="Wonen", pillar=make_pillar())
    armoede = make_theme_group(name="Armoede")
    deventer = make_event(title="Netwerkdag Deventer", date=datetime.date(2024, 4, 24))
    bestuurlijk = make_event(title="Bestuurlijke netwerkdag", date=datetime.date(2024, 5, 29))
    make_session(event=deventer, title="Keynote", speakers=[speaker], theme_groups=[wonen, armoede])
    make_session(
        event=deventer,
        title="Migratie",
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 0),
        speakers=[make_speaker(name="Femke de Vries"), speaker],
    )
    opening = make_session(event=bestuurlijk, title="Opening", speakers=[make_speaker(name="Dagvoorzitter")])
    SessionSpeaker.objects.create(
        session=opening, speaker=speaker, role=SessionSpeaker.Role.MODERATOR, position=1
    )
    make_session(event=make_event(status=Status.DRAFT), title="Geheim", speakers=[speaker])
    make_session(event=deventer, title="Zonder hem", speakers=[make_speaker()], theme_groups=[wonen])

    editions = speaker_sessions_by_edition(speaker.pk)

    assert editions == sessions_by_edition(Session.objects.filter(speaker_roles__speaker=speaker))
    assert [(e.edition.title, [s.title for s in e.sessions]) for e in editions] == [
        ("Bestuurlijke netwerkdag", ["Opening"]),
        ("Netwerkdag Deventer", ["Keynote", "Migratie"]),
    ]
    assert [group.name for group in editions[1].sessions[0].theme_groups] == ["Armoede", "Wonen"]
    assert [person.name for person in editions[1].sessions[1].speakers] == ["Femke de Vries", "Jaco Dagevos"]
