"""The frab schedule JSON validates against c3voc's schema, as conference apps and c3voc's tools expect.

`frab_schema.json` is a copy of voc/schedule's `validator/json/schema.json` (see README.md beside
it). The formats draft 6 knows (uri, date-time) are checked too.
"""

import datetime
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from jsonschema import Draft6Validator

from g40events.models import Event
from sessions.models import Session, SessionSpeaker
from tests.exports.helpers import SITE_URL, make_deventer
from tests.factories import make_material, make_organisation, make_pillar, make_session, make_speaker

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "frab_schema.json").read_text())
VALIDATOR = Draft6Validator(SCHEMA, format_checker=Draft6Validator.FORMAT_CHECKER)


@pytest.fixture(autouse=True)
def _site_url(settings, tmp_path):
    settings.SITE_URL = SITE_URL
    settings.MEDIA_ROOT = tmp_path


def schema_errors(data) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(data)]


def persons(data) -> list[dict]:
    return [
        person
        for day in data["schedule"]["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
        for person in talk["persons"]
    ]


def definition(name: str) -> Draft6Validator:
    return Draft6Validator(
        {**SCHEMA, "$ref": f"#/definitions/{name}"}, format_checker=VALIDATOR.format_checker
    )


def test_the_schema_copy_refuses_what_the_issue_found():
    """A person with both shapes, and a slug with a hyphen as the acronym, are what failed before."""
    Draft6Validator.check_schema(SCHEMA)
    guid = "6f1ed002-ab5d-4b8a-9b37-2c5b2bd6b2a1"
    conference = {"title": "Dag", "days": [], "daysCount": 0, "start": "2024-04-24", "end": "2024-04-24"}
    conference |= {"timeslot_duration": "00:15"}

    assert not definition("Person").is_valid({"id": 1, "public_name": "Anna", "name": "Anna", "guid": guid})
    assert definition("Person").is_valid({"public_name": "Anna", "name": "Anna", "guid": guid})
    assert [
        e.json_path for e in definition("Conference").iter_errors(conference | {"acronym": "deventer-2024"})
    ] == ["$.acronym"]
    assert definition("Conference").is_valid(conference | {"acronym": "deventer_2024"})
    # The formats: a web address and a moment that are not.
    assert [
        e.message
        for e in VALIDATOR.iter_errors({"generator": {"url": "geen adres"}})
        if e.validator == "format"
    ] == ["'geen adres' is not a 'uri'"]
    event = {"date": "2024-04-24T25:00:00+02:00"}
    assert [e.message for e in definition("Event").iter_errors(event) if e.validator == "format"] == [
        "'2024-04-24T25:00:00+02:00' is not a 'date-time'"
    ]


def test_the_demo_deventer_day_validates(client):
    call_command("load_demo", no_organiser=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    event = Event.objects.get(title__contains="Deventer")

    data = client.get(f"/netwerkdagen/{event.slug}/programma.json").json()

    assert schema_errors(data) == []
    assert data["schedule"]["conference"]["acronym"] == event.slug.replace("-", "_")
    assert len(persons(data)) == 17
    # Each person has the pretalx shape only: the frab shape (an integer id) would make oneOf fail.
    assert all(definition("PretalxPerson").is_valid(p) for p in persons(data))
    assert not any(definition("FrabPerson").is_valid(p) for p in persons(data))


def test_a_day_of_sixty_sessions_validates(client):
    event = make_deventer(venue_name="")  # sessions without a room go to "Algemeen"
    pillars = [make_pillar(name=f"Pijler {n}", slug=f"pijler-{n}", position=n) for n in range(3)]
    organisation = make_organisation(name="Kennisinstituut Deventer")
    slot_sizes = [1, 10, 10, 10, 9, 10, 9, 1]
    n = 0
    for slot, size in enumerate(slot_sizes):
        for parallel in range(size):
            session = make_session(
                event=event,
                title=f"Sessie {slot}.{parallel}",
                slug=f"sessie-{slot}-{parallel}",
                description="Wat **werkt**?\n\nZie [de notitie](https://example.org/notitie).",
                kind=Session.Kind.PLENARY if size == 1 else Session.Kind.PARALLEL,
                start_time=datetime.time(9 + slot, 0),
                end_time=datetime.time(9 + slot, 50),
                location="" if size == 1 else f"Zaal {parallel + 1}",
                pillars=[pillars[n % 3]],
                speakers=[
                    make_speaker(name=f"Spreker {n}a", organisation=organisation, bio="Onderzoeker, *SCP*."),
                    make_speaker(name=f"Spreker {n}b"),
                ],
            )
            make_material(session=session, title="Video", url=f"https://video.example.org/{n}")
            n += 1
    SessionSpeaker.objects.filter(session__kind=Session.Kind.PLENARY).update(role=SessionSpeaker.Role.CHAIR)
    make_material(
        session=session, title="Dia's (pdf)", url="", file=SimpleUploadedFile("dia.pdf", b"%PDF-1.4")
    )

    data = client.get(f"/netwerkdagen/{event.slug}/programma.json").json()

    assert schema_errors(data) == []
    day = data["schedule"]["conference"]["days"][0]
    assert sum(len(talks) for talks in day["rooms"].values()) == 60
    assert len(day["rooms"]["Algemeen"]) == 2
    assert len(persons(data)) == 120
    assert not any(definition("FrabPerson").is_valid(p) for p in persons(data))


@pytest.mark.parametrize(
    ("slug", "acronym"),
    [("deventer-2024", "deventer_2024"), ("G40-dag", "g40_dag"), ("a-b", "a_b_"), ("dag_2", "dag_2")],
)
def test_any_netwerkdag_slug_gives_a_valid_acronym(client, slug, acronym):
    make_deventer(slug=slug)
    make_session(event=Event.objects.get(slug=slug), slug="Opening-", speakers=[make_speaker()])

    data = client.get(f"/netwerkdagen/{slug}/programma.json").json()

    assert data["schedule"]["conference"]["acronym"] == acronym
    assert schema_errors(data) == []
