"""The programme in the frab schedule JSON (https://c3voc.de/schedule/schema.json)."""

import datetime
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from g40events.models import Status
from sessions.models import Session, SessionSpeaker
from tests.exports.helpers import SITE_URL, add_sessions, make_deventer
from tests.factories import make_material, make_organisation, make_pillar, make_session, make_speaker

pytestmark = pytest.mark.django_db

HH_MM = re.compile(r"^\d\d:\d\d$")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


@pytest.fixture(autouse=True)
def _site_url(settings, tmp_path):
    settings.SITE_URL = SITE_URL
    settings.MEDIA_ROOT = tmp_path


def assert_frab_structure(data):
    """The fields and types that the schema requires and conference apps read."""
    assert data["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = data["schedule"]
    assert isinstance(schedule["version"], str)
    assert schedule["base_url"].startswith("https://")
    conference = schedule["conference"]
    for key in ("acronym", "title", "start", "end", "timeslot_duration", "time_zone_name"):
        assert isinstance(conference[key], str), key
    assert HH_MM.match(conference["timeslot_duration"])
    assert conference["daysCount"] == len(conference["days"]) == 1
    for index, day in enumerate(conference["days"]):
        assert day["index"] == index
        assert ISO_WITH_OFFSET.match(day["day_start"]) and ISO_WITH_OFFSET.match(day["day_end"])
        for room, talks in day["rooms"].items():
            for talk in talks:
                assert talk["room"] == room
                assert uuid.UUID(talk["guid"])
                assert isinstance(talk["id"], int)
                assert ISO_WITH_OFFSET.match(talk["date"])
                assert talk["date"].startswith(day["date"])
                assert HH_MM.match(talk["start"]) and HH_MM.match(talk["duration"])
                for key in (
                    "slug",
                    "url",
                    "title",
                    "subtitle",
                    "type",
                    "language",
                    "abstract",
                    "description",
                ):
                    assert isinstance(talk[key], str), key
                assert talk["track"] is None or isinstance(talk["track"], str)
                for person in talk["persons"]:
                    assert "id" not in person and isinstance(person["name"], str)
                    assert uuid.UUID(person["guid"])
                for link in talk["links"] + talk["attachments"]:
                    assert link["url"].startswith("https://") and isinstance(link["title"], str)


def test_schedule_json_describes_the_day_rooms_and_talks(client):
    event = make_deventer()
    social = make_pillar(name="Sociale pijler", slug="sociaal", position=1)
    economy = make_pillar(name="Economische pijler", slug="economie", position=2)
    scp = make_organisation(name="Sociaal en Cultureel Planbureau")
    jaco = make_speaker(name="Jaco Dagevos", organisation=scp, bio="Onderzoeker bij het *SCP*.")
    anna = make_speaker(name="Anna de Vries")
    opening = make_session(
        event=event,
        title="Opening",
        slug="opening",
        kind=Session.Kind.PLENARY,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        speakers=[anna],
    )
    SessionSpeaker.objects.filter(session=opening).update(role=SessionSpeaker.Role.CHAIR)
    talk = make_session(
        event=event,
        title="Bestaanszekerheid",
        slug="bestaanszekerheid",
        description="Wat werkt tegen armoede?\n\nDrie steden vertellen.",
        start_time=datetime.time(10, 15),
        end_time=datetime.time(11, 30),
        location="Raadzaal",
        pillars=[economy, social],
        speakers=[jaco],
    )
    make_material(
        session=talk, title="Presentatie (pdf)", url="", file=SimpleUploadedFile("dia.pdf", b"%PDF-1.4")
    )
    make_material(session=talk, title="Video", url="https://video.example.org/1")

    response = client.get(f"/netwerkdagen/{event.slug}/programma.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert_frab_structure(data)
    conference = data["schedule"]["conference"]
    assert data["schedule"]["base_url"] == f"{SITE_URL}/"
    assert {key: conference[key] for key in ("acronym", "title", "start", "end", "time_zone_name")} == {
        "acronym": "deventer_2024",
        "title": "Ambtelijke netwerkdag Deventer 2024",
        "start": "2024-04-24",
        "end": "2024-04-24",
        "time_zone_name": "Europe/Amsterdam",
    }
    assert conference["timeslot_duration"] == "00:15"
    assert conference["tracks"] == [
        {"name": "Sociale pijler", "slug": "sociaal"},
        {"name": "Economische pijler", "slug": "economie"},
    ]
    [day] = conference["days"]
    assert day["date"] == "2024-04-24"
    assert day["day_start"] == "2024-04-24T09:30:00+02:00"
    assert day["day_end"] == "2024-04-24T16:30:00+02:00"
    assert list(day["rooms"]) == ["Stadhuis Deventer", "Raadzaal"]
    [opening_talk] = day["rooms"]["Stadhuis Deventer"]
    assert opening_talk["type"] == "Plenair"
    assert opening_talk["track"] is None
    assert opening_talk["persons"][0]["role"] == "Dagvoorzitter"
    [talk_json] = day["rooms"]["Raadzaal"]
    assert talk_json == {
        "guid": talk_json["guid"],
        "id": talk.pk,
        "date": "2024-04-24T10:15:00+02:00",
        "start": "10:15",
        "duration": "01:15",
        "room": "Raadzaal",
        "slug": f"deventer-2024-{talk.pk}-bestaanszekerheid",
        "url": f"{SITE_URL}/netwerkdagen/deventer-2024/sessies/bestaanszekerheid/",
        "title": "Bestaanszekerheid",
        "subtitle": "",
        "track": "Sociale pijler, Economische pijler",
        "type": "Parallelsessie",
        "language": "nl",
        "abstract": "Wat werkt tegen armoede?",
        "description": "Wat werkt tegen armoede?\n\nDrie steden vertellen.",
        "persons": [
            {
                "guid": talk_json["persons"][0]["guid"],
                "name": "Jaco Dagevos",
                "public_name": "Jaco Dagevos",
                "role": "Spreker",
                "organisation": "Sociaal en Cultureel Planbureau",
                "biography": "Onderzoeker bij het SCP.",
                "url": f"{SITE_URL}/sprekers/{jaco.slug}/",
            }
        ],
        "links": [{"title": "Video", "url": "https://video.example.org/1", "type": "related"}],
        "attachments": [
            {
                "title": "Presentatie (pdf)",
                "url": f"{SITE_URL}/media/{talk.materials.get(title='Presentatie (pdf)').file.name}",
                "type": "related",
            }
        ],
    }


def test_schedule_json_guids_are_stable_and_distinct(client):
    event = make_deventer()
    add_sessions(event, 3)

    first = client.get(f"/netwerkdagen/{event.slug}/programma.json").json()
    Session.objects.filter(event=event).first().save()  # any save empties the cache
    second = client.get(f"/netwerkdagen/{event.slug}/programma.json").json()

    def guids(data):
        return [
            talk["guid"]
            for talks in data["schedule"]["conference"]["days"][0]["rooms"].values()
            for talk in talks
        ]

    assert guids(first) == guids(second)
    assert len(set(guids(first))) == 3


def test_schedule_json_of_a_draft_is_404(client):
    make_deventer(status=Status.DRAFT)

    assert client.get("/netwerkdagen/deventer-2024/programma.json").status_code == 404
    assert client.get("/netwerkdagen/bestaat-niet/programma.json").status_code == 404


@pytest.mark.parametrize(("permission", "status"), [("change_event", 200), (None, 404)])
def test_schedule_json_of_a_draft_is_previewed_by_staff_who_may_change_netwerkdagen(
    client, django_user_model, permission, status
):
    from django.contrib.auth.models import Permission

    event = make_deventer(status=Status.DRAFT)
    make_session(event=event, title="Wonen in de wijk")
    staff = django_user_model.objects.create_user("organisator", is_staff=True)
    if permission:
        staff.user_permissions.add(Permission.objects.get(codename=permission))
    client.force_login(staff)

    response = client.get("/netwerkdagen/deventer-2024/programma.json")

    assert response.status_code == status
    if status == 200:
        conference = response.json()["schedule"]["conference"]
        assert conference["title"] == "Ambtelijke netwerkdag Deventer 2024"
        [talk] = [talk for talks in conference["days"][0]["rooms"].values() for talk in talks]
        assert talk["title"] == "Wonen in de wijk"


def test_schedule_json_of_a_day_without_sessions_has_no_rooms(client):
    make_deventer()

    data = client.get("/netwerkdagen/deventer-2024/programma.json").json()

    assert_frab_structure(data)
    assert data["schedule"]["conference"]["days"][0]["rooms"] == {}


@pytest.mark.parametrize("size", [2, 30])
def test_schedule_json_makes_five_queries_whatever_the_programme(client, django_assert_num_queries, size):
    event = make_deventer()
    sessions = add_sessions(event, size)
    for session in sessions:
        make_material(session=session)

    # The netwerkdag, its sessions, their speakers (with organisations), pillars and materials.
    with django_assert_num_queries(5):
        response = client.get(f"/netwerkdagen/{event.slug}/programma.json")
    talks = [
        talk
        for talks in response.json()["schedule"]["conference"]["days"][0]["rooms"].values()
        for talk in talks
    ]
    assert len(talks) == size
