import datetime
import json
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from g40events.models import Status
from sessions.models import Session, SessionSpeaker
from tests.factories import (
    make_event,
    make_material,
    make_organisation,
    make_pillar,
    make_recap,
    make_session,
    make_speaker,
    make_theme_group,
)
from tests.public.helpers import page_text, queries_for

pytestmark = pytest.mark.django_db

T = datetime.time


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)


def make_deventer(**overrides):
    fields = {
        "title": "Ambtelijke netwerkdag Deventer",
        "date": datetime.date(2024, 4, 24),
        "venue_name": "Stadhuis Deventer",
        "venue_address": "Grote Kerkhof 4, 7411 KV Deventer",
        "introduction": "Ruim **tweehonderd** collega's komen bijeen.",
    }
    fields.update(overrides)
    if "host_city" not in fields:
        fields["host_city"] = make_organisation(name="Deventer")
    return make_event(**fields)


def test_event_page_shows_date_times_venue_and_host_city_in_dutch(client):
    event = make_deventer()

    text = page_text(client.get(event.get_absolute_url()))

    assert "Ambtelijke netwerkdag Deventer" in text
    assert "Datum woensdag 24 april 2024" in text
    assert "Tijd 09:30–16:30 uur" in text
    assert "Locatie Stadhuis Deventer Grote Kerkhof 4, 7411 KV Deventer" in text
    assert "Gastgemeente Deventer" in text
    assert "Ruim tweehonderd collega's komen bijeen." in text


def test_event_page_groups_the_programme_by_time_slot_in_order(client):
    event = make_deventer()
    make_session(
        event=event,
        title="Netwerkborrel",
        kind=Session.Kind.NETWORKING,
        start_time=T(15, 45),
        end_time=T(16, 30),
    )
    make_session(
        event=event,
        title="Woningmarkt in cijfers",
        start_time=T(11, 30),
        end_time=T(12, 30),
        location="Raadzaal",
    )
    make_session(
        event=event, title="Welkom", kind=Session.Kind.PLENARY, start_time=T(10, 0), end_time=T(10, 15)
    )
    make_session(
        event=event,
        title="Bestaanszekerheid",
        start_time=T(11, 30),
        end_time=T(12, 30),
        location="Burgerzaal",
    )

    text = page_text(client.get(event.get_absolute_url()))

    assert text.index("10:00–10:15") < text.index("Welkom") < text.index("11:30–12:30 2 sessies tegelijk")
    assert text.index("11:30–12:30 2 sessies tegelijk") < text.index("Bestaanszekerheid")
    assert text.index("Bestaanszekerheid") < text.index("Woningmarkt in cijfers") < text.index("15:45–16:30")
    assert "Parallelsessie · Raadzaal" in text
    assert "Netwerken" in text


def test_event_page_puts_a_lunch_and_its_walks_in_one_slot(client):
    event = make_deventer()
    make_session(
        event=event, title="Lunch", kind=Session.Kind.LUNCH, start_time=T(12, 30), end_time=T(13, 30)
    )
    make_session(
        event=event, title="Rondwandeling", kind=Session.Kind.TOUR, start_time=T(12, 40), end_time=T(13, 25)
    )

    text = page_text(client.get(event.get_absolute_url()))

    assert "12:30–13:30 2 sessies tegelijk" in text
    assert "Rondwandeling Rondwandeling of excursie · 12:40–13:25" in text


def test_event_page_shows_each_sessions_speakers_pillars_theme_groups_and_materials(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = make_deventer()
    scp = make_organisation(name="Sociaal en Cultureel Planbureau")
    social = make_pillar(name="Sociale pijler", slug="sociale-pijler")
    poverty = make_theme_group(name="Armoede en schulden", pillar=social)
    chain = make_theme_group(name="Sterke keten", pillar=social)
    session = make_session(
        event=event,
        title="Keynote: migratie",
        kind=Session.Kind.PLENARY,
        location="Raadzaal",
        pillars=[social],
        theme_groups=[poverty, chain],
        speakers=[make_speaker(name="Jaco Dagevos", organisation=scp)],
    )
    SessionSpeaker.objects.create(
        session=session,
        speaker=make_speaker(name="Jetske Krol"),
        role=SessionSpeaker.Role.MODERATOR,
        position=5,
    )
    make_material(
        session=session,
        title="Presentatie Jaco Dagevos",
        url="",
        file=SimpleUploadedFile("dagevos.pdf", b"%PDF-1.4"),
    )
    make_material(session=session, title="Opname", url="https://example.org/video")

    response = client.get(event.get_absolute_url())

    text = page_text(response)
    assert "Keynote: migratie Plenair · Raadzaal" in text
    assert "Jaco Dagevos (Sociaal en Cultureel Planbureau) Jetske Krol – moderator" in text
    assert "Pijler Sociale pijler Themagroepen Armoede en schulden Sterke keten" in text
    assert "Presentatie Jaco Dagevos (PDF) Opname (link)" in text
    body = response.content.decode()
    assert 'href="/media/materials/' in body
    assert 'data-print-url="http://127.0.0.1:8000/media/materials/' in body


def test_event_page_filter_by_pillar_narrows_the_programme(client):
    event = make_deventer()
    social = make_pillar(name="Sociale pijler", slug="sociale-pijler")
    physical = make_pillar(name="Fysieke pijler", slug="fysieke-pijler")
    housing = make_theme_group(name="Woningmarkt", pillar=physical)
    make_session(
        event=event,
        title="Welkom in Deventer",
        kind=Session.Kind.PLENARY,
        start_time=T(10, 0),
        end_time=T(10, 15),
    )
    make_session(event=event, title="Waarde van het sociaal domein", pillars=[social])
    make_session(event=event, title="Woningmarkt in cijfers", theme_groups=[housing])
    make_session(event=event, title="Circulair bouwen", pillars=[physical])

    response = client.get(event.get_absolute_url(), {"pijler": "fysieke-pijler"})

    text = page_text(response)
    assert "Waarde van het sociaal domein" not in text
    assert "Woningmarkt in cijfers" in text  # through its theme group
    assert "Circulair bouwen" in text
    assert "Welkom in Deventer" in text  # for everyone
    assert "Je ziet 3 van de 4 onderdelen" in text
    assert '<option value="fysieke-pijler" selected>' in response.content.decode()


def test_event_page_filter_by_theme_group_narrows_the_programme(client):
    event = make_deventer()
    poverty = make_theme_group(name="Armoede en schulden", slug="armoede-en-schulden")
    chain = make_theme_group(name="Sterke keten", slug="sterke-keten")
    make_session(event=event, title="De basis op orde", theme_groups=[poverty, chain])
    make_session(event=event, title="Ketensamenwerking", theme_groups=[chain])
    make_session(event=event, title="Schuldhulp", theme_groups=[poverty])

    text = page_text(client.get(event.get_absolute_url(), {"themagroep": "armoede-en-schulden"}))

    assert "De basis op orde" in text
    assert "Schuldhulp" in text
    assert "Ketensamenwerking" not in text


def test_event_page_filter_works_as_a_plain_form(client):
    event = make_deventer()
    make_session(event=event, pillars=[make_pillar(name="Sociale pijler", slug="sociale-pijler")])

    body = client.get(event.get_absolute_url()).content.decode()

    form = re.search(r'<form class="filter" method="get" action="([^"]*)">', body)
    assert form.group(1) == f"{event.get_absolute_url()}#programma"
    assert '<label for="filter-pijler">Pijler</label>' in body
    assert '<select id="filter-pijler" name="pijler">' in body
    assert '<button type="submit" class="button">Toon sessies</button>' in body


def test_event_page_with_an_unknown_filter_says_so_and_shows_everything(client):
    event = make_deventer()
    make_session(event=event, title="Sessie A", pillars=[make_pillar(slug="sociale-pijler")])

    response = client.get(event.get_absolute_url(), {"pijler": "<script>", "themagroep": "bestaat-niet"})

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "De gekozen pijler staat niet op het programma van deze netwerkdag. Je ziet het hele programma."
        in text
    )
    assert "De gekozen themagroep staat niet op het programma van deze netwerkdag." in text
    assert "Sessie A" in text


def test_event_page_marks_a_past_netwerkdag(client):
    past = make_deventer()
    coming = make_event(date=datetime.date(2024, 11, 21))

    assert "Deze netwerkdag is voorbij." in page_text(client.get(past.get_absolute_url()))
    assert "voorbij" not in page_text(client.get(coming.get_absolute_url()))


def test_event_page_links_nu_en_straks_on_the_day_itself(client, settings):
    event = make_deventer()
    now_url = f"/netwerkdagen/{event.slug}/nu/"

    def now_links() -> list[str]:
        body = client.get(event.get_absolute_url()).content.decode()
        return re.findall(rf'<a [^>]*href="{now_url}"[^>]*>(.*?)</a>', body)

    settings.SITE_DATE = datetime.date(2024, 4, 23)
    assert now_links() == []
    settings.SITE_DATE = datetime.date(2024, 4, 24)
    assert now_links() == [
        'Nu en straks<span class="visually-hidden"> op Ambtelijke netwerkdag Deventer</span>'
    ]
    assert "Nu en straks op Ambtelijke netwerkdag Deventer" in page_text(client.get("/"))
    settings.SITE_DATE = datetime.date(2024, 4, 25)
    assert now_links() == []


def test_event_page_shows_the_published_recaps_of_the_day(client):
    event = make_deventer()
    published = timezone.make_aware(datetime.datetime(2024, 4, 30, 10))
    make_recap(event=event, title="Sociale pijler: twee snelheden", published_at=published)
    make_recap(event=event, title="Nog niet af", status=Status.DRAFT, published_at=published)
    make_recap(title="Van een andere dag", published_at=published)

    text = page_text(client.get(event.get_absolute_url()))

    assert "Terugblik op deze dag Sociale pijler: twee snelheden" in text
    assert "Nog niet af" not in text
    assert "Van een andere dag" not in text


def test_event_page_shows_a_scheduled_recap_from_its_moment_on_the_sites_clock(client):
    event = make_deventer()
    moment = timezone.make_aware(datetime.datetime(2024, 5, 1, 11, 0))
    make_recap(event=event, title="Fysieke pijler: de woningmarkt", published_at=moment)

    with time_machine.travel(moment - datetime.timedelta(seconds=1), tick=False):
        before = page_text(client.get(event.get_absolute_url()))
    with time_machine.travel(moment, tick=False):
        on_time = page_text(client.get(event.get_absolute_url()))

    assert "Fysieke pijler" not in before
    assert "Terugblik op deze dag Fysieke pijler: de woningmarkt" in on_time


def test_event_page_without_sessions_says_the_programme_follows(client):
    event = make_event(date=datetime.date(2024, 5, 29), host_city=None)

    text = page_text(client.get(event.get_absolute_url()))

    assert "Programma Het programma volgt." in text
    assert "Gastgemeente Volgt nog" in text


def test_event_page_embeds_schema_org_event_and_open_graph(client):
    event = make_deventer(title="Netwerkdag </script><script>alert(1)</script>")

    body = client.get(event.get_absolute_url()).content.decode()

    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["@type"] == "Event"
    assert data["name"] == "Netwerkdag </script><script>alert(1)</script>"
    assert data["startDate"] == "2024-04-24T09:30:00+02:00"
    assert data["endDate"] == "2024-04-24T16:30:00+02:00"
    assert data["location"]["name"] == "Stadhuis Deventer"
    assert data["location"]["address"]["streetAddress"] == "Grote Kerkhof 4, 7411 KV Deventer"
    assert data["url"] == f"http://127.0.0.1:8000{event.get_absolute_url()}"
    assert "<script>alert(1)" not in body
    assert f'<meta property="og:url" content="http://127.0.0.1:8000{event.get_absolute_url()}">' in body
    assert (
        '<meta property="og:title" content="Netwerkdag &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        in body
    )


def build_programme(event, *, slots, per_slot):
    """A programme of `slots` time slots with `per_slot` parallel sessions each, fully dressed."""
    pillar = make_pillar()
    group = make_theme_group(pillar=pillar)
    organisation = make_organisation()
    for slot in range(slots):
        for _ in range(per_slot):
            session = make_session(
                event=event,
                start_time=T(9 + slot, 30),
                end_time=T(10 + slot, 15),
                pillars=[pillar],
                theme_groups=[group, make_theme_group(pillar=pillar)],
                speakers=[make_speaker(organisation=organisation), make_speaker(organisation=organisation)],
            )
            make_material(session=session)
        make_recap(
            event=event, pillar=pillar, published_at=timezone.make_aware(datetime.datetime(2024, 4, 30))
        )


def test_event_page_queries_stay_within_ten_whatever_the_programme(client):
    small, large = make_deventer(), make_deventer(title="Groot", host_city=make_organisation())
    build_programme(small, slots=1, per_slot=1)
    build_programme(large, slots=6, per_slot=6)

    small_count = queries_for(client, small.get_absolute_url())
    large_count = queries_for(client, large.get_absolute_url())
    filtered_count = queries_for(client, f"{large.get_absolute_url()}?pijler=x&themagroep=y")

    assert small_count == large_count == filtered_count <= 10
