import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from g40events.models import Status
from tests.exports.helpers import SITE_URL, add_sessions, make_deventer
from tests.factories import make_event, make_organisation, make_session, make_speaker

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def parse(response) -> icalendar.Calendar:
    """Parse an .ics response back, after checking the RFC 5545 rules a parser forgives."""
    body = response.content
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in lines), (
        "lines end in CRLF, folded at 75 octets"
    )
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == "-//G40 stedennetwerk//g40events//NL"
    for vevent in cal.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND"} <= set(vevent)
        assert vevent["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    if cal.walk("VEVENT"):
        [timezone] = cal.walk("VTIMEZONE")
        assert str(timezone["TZID"]) == "Europe/Amsterdam"
    return cal


def test_event_ics_is_one_entry_with_venue_times_and_link(client):
    event = make_deventer()

    response = client.get(f"/netwerkdagen/{event.slug}/agenda.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="deventer-2024.ics"'
    cal = parse(response)
    assert str(cal["X-WR-CALNAME"]) == "Ambtelijke netwerkdag Deventer 2024"
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"event-{event.pk}@netwerkdagen.example.nl"
    assert str(vevent["SUMMARY"]) == "Ambtelijke netwerkdag Deventer 2024"
    assert vevent["DTSTART"].dt == datetime.datetime(2024, 4, 24, 9, 30, tzinfo=AMSTERDAM)
    assert vevent["DTEND"].dt == datetime.datetime(2024, 4, 24, 16, 30, tzinfo=AMSTERDAM)
    assert str(vevent["LOCATION"]) == "Stadhuis Deventer, Grote Kerkhof 1, 7411 KV Deventer"
    assert str(vevent["URL"]) == f"{SITE_URL}/netwerkdagen/deventer-2024/"
    assert str(vevent["DESCRIPTION"]) == (
        "De ambtelijke netwerkdag, met het programma (https://example.org/p).\n\n"
        f"Programma en aanmelden: {SITE_URL}/netwerkdagen/deventer-2024/"
    )
    assert vevent["DTSTAMP"].dt == event.updated_at.replace(microsecond=0)
    assert b"DTSTART;TZID=Europe/Amsterdam:20240424T093000\r\n" in response.content


def test_event_ics_uid_is_stable_across_downloads_and_edits(client):
    event = make_deventer()
    first = parse(client.get(reverse("events:ics", kwargs={"slug": event.slug})))
    event.title = "Netwerkdag Deventer"
    event.save()

    second = parse(client.get(reverse("events:ics", kwargs={"slug": event.slug})))

    [before], [after] = first.walk("VEVENT"), second.walk("VEVENT")
    assert str(before["UID"]) == str(after["UID"])
    assert str(after["SUMMARY"]) == "Netwerkdag Deventer"
    assert after["DTSTAMP"].dt >= before["DTSTAMP"].dt


def test_event_ics_without_venue_names_the_host_city(client):
    event = make_event(slug="dordrecht-2024", host_city=make_organisation(name="Dordrecht"))

    [vevent] = parse(client.get(f"/netwerkdagen/{event.slug}/agenda.ics")).walk("VEVENT")

    assert str(vevent["LOCATION"]) == "Dordrecht"


def test_event_ics_of_a_draft_is_404(client):
    make_deventer(status=Status.DRAFT)

    assert client.get("/netwerkdagen/deventer-2024/agenda.ics").status_code == 404
    assert client.get("/netwerkdagen/bestaat-niet/agenda.ics").status_code == 404


def test_event_ics_of_a_draft_is_previewable_by_an_organiser(client, django_user_model):
    from django.contrib.auth.models import Permission

    make_deventer(status=Status.DRAFT)
    organiser = django_user_model.objects.create_user("organisator", is_staff=True)
    organiser.user_permissions.add(Permission.objects.get(codename="change_event"))
    client.force_login(organiser)

    response = client.get("/netwerkdagen/deventer-2024/agenda.ics")

    assert response.status_code == 200
    assert b"SUMMARY:Ambtelijke netwerkdag Deventer 2024" in response.content


def test_session_ics_has_room_and_venue_speakers_and_description(client):
    event = make_deventer()
    organisation = make_organisation(name="Sociaal en Cultureel Planbureau")
    session = make_session(
        event=event,
        title="Bestaanszekerheid in de G40",
        slug="bestaanszekerheid",
        description="Wat werkt?\n\n- schulden\n- werk",
        start_time=datetime.time(11, 0),
        end_time=datetime.time(12, 15),
        location="Raadzaal",
        speakers=[
            make_speaker(name="Jaco Dagevos", organisation=organisation),
            make_speaker(name="Anna de Vries"),
        ],
    )

    response = client.get(f"/netwerkdagen/deventer-2024/sessies/{session.slug}/agenda.ics")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="deventer-2024-bestaanszekerheid.ics"'
    [vevent] = parse(response).walk("VEVENT")
    assert str(vevent["UID"]) == f"session-{session.pk}@netwerkdagen.example.nl"
    assert str(vevent["SUMMARY"]) == "Bestaanszekerheid in de G40"
    assert vevent["DTSTART"].dt == datetime.datetime(2024, 4, 24, 11, 0, tzinfo=AMSTERDAM)
    assert vevent["DTEND"].dt == datetime.datetime(2024, 4, 24, 12, 15, tzinfo=AMSTERDAM)
    assert str(vevent["LOCATION"]) == "Raadzaal, Stadhuis Deventer, Grote Kerkhof 1, 7411 KV Deventer"
    url = f"{SITE_URL}/netwerkdagen/deventer-2024/sessies/bestaanszekerheid/"
    assert str(vevent["URL"]) == url
    assert str(vevent["DESCRIPTION"]) == (
        "Met: Jaco Dagevos (Sociaal en Cultureel Planbureau); Anna de Vries\n\n"
        "Wat werkt?\n\n- schulden\n- werk\n\n"
        "Onderdeel van Ambtelijke netwerkdag Deventer 2024.\n\n"
        f"Meer informatie: {url}"
    )


def test_session_ics_of_a_draft_event_is_404(client):
    event = make_deventer(status=Status.DRAFT)
    make_session(event=event, slug="opening")

    assert client.get("/netwerkdagen/deventer-2024/sessies/opening/agenda.ics").status_code == 404
    assert client.get("/netwerkdagen/deventer-2024/sessies/bestaat-niet/agenda.ics").status_code == 404


def test_session_ics_is_not_found_under_another_event(client):
    make_session(event=make_deventer(), slug="opening")
    make_event(slug="dordrecht-2024")

    assert client.get("/netwerkdagen/dordrecht-2024/sessies/opening/agenda.ics").status_code == 404


def test_calendar_feed_lists_published_netwerkdagen_in_date_order(client):
    make_deventer(date=datetime.date(2024, 4, 24))
    make_event(title="Bestuurlijke netwerkdag 2024", slug="bestuurlijk-2024", date=datetime.date(2024, 5, 29))
    make_event(title="Concept 2025", slug="concept-2025", status=Status.DRAFT)
    make_event(title="Dordrecht 2024", slug="dordrecht-2024", date=datetime.date(2024, 11, 21))

    response = client.get("/agenda.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="g40-netwerkdagen.ics"'
    cal = parse(response)
    assert str(cal["X-WR-CALNAME"]) == "G40 netwerkdagen"
    assert str(cal["X-WR-TIMEZONE"]) == "Europe/Amsterdam"
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in response.content
    assert b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in response.content
    assert [str(vevent["SUMMARY"]) for vevent in cal.walk("VEVENT")] == [
        "Ambtelijke netwerkdag Deventer 2024",
        "Bestuurlijke netwerkdag 2024",
        "Dordrecht 2024",
    ]


def test_calendar_feed_without_netwerkdagen_is_an_empty_valid_calendar(client):
    cal = parse(client.get(reverse("events:calendar")))

    assert cal.walk("VEVENT") == []


def test_calendar_vtimezone_knows_summer_and_winter_time():
    from g40events import calendars

    event = make_deventer(date=datetime.date(2024, 11, 21))
    cal = calendars.calendar(calendars.event_vevent(event), name="Test")

    [timezone] = cal.walk("VTIMEZONE")
    assert {str(part["TZNAME"]) for part in timezone.walk("DAYLIGHT")} == {"CEST"}
    assert {str(part["TZNAME"]) for part in timezone.walk("STANDARD")} == {"CET"}
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    assert parsed.walk("VEVENT")[0]["DTSTART"].dt.utcoffset() == datetime.timedelta(hours=1)


def test_session_vevent_and_event_vevent_combine_into_one_personal_calendar():
    """The registration's personal agenda uses the same builders."""
    from g40events import calendars
    from sessions.models import Session

    event = make_deventer()
    [first, second] = add_sessions(event, 2)
    sessions = Session.objects.for_programme().filter(pk__in=[first.pk, second.pk])

    cal = calendars.calendar(
        calendars.event_vevent(event),
        *[calendars.session_vevent(s) for s in sessions],
        name="Mijn netwerkdag",
    )

    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    assert [str(v["UID"]) for v in parsed.walk("VEVENT")] == [
        f"event-{event.pk}@netwerkdagen.example.nl",
        f"session-{first.pk}@netwerkdagen.example.nl",
        f"session-{second.pk}@netwerkdagen.example.nl",
    ]
    assert len(parsed.walk("VTIMEZONE")) == 1


@pytest.mark.parametrize("size", [2, 20])
def test_event_ics_makes_one_query_whatever_the_programme(client, django_assert_num_queries, size):
    event = make_deventer()
    add_sessions(event, size)

    with django_assert_num_queries(1):
        response = client.get(f"/netwerkdagen/{event.slug}/agenda.ics")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 20])
def test_session_ics_makes_two_queries_whatever_the_programme(client, django_assert_num_queries, size):
    event = make_deventer()
    sessions = add_sessions(event, size)

    # The session with its netwerkdag and host city; its speakers with their organisations.
    with django_assert_num_queries(2):
        response = client.get(f"/netwerkdagen/{event.slug}/sessies/{sessions[-1].slug}/agenda.ics")
    assert response.status_code == 200


@pytest.mark.parametrize("size", [2, 12])
def test_calendar_feed_makes_one_query_whatever_the_number_of_days(client, django_assert_num_queries, size):
    for n in range(size):
        add_sessions(make_deventer(slug=f"netwerkdag-{n}", date=datetime.date(2024, 1, 1 + n)), 2)

    with django_assert_num_queries(1):
        response = client.get("/agenda.ics")
    assert len(parse(response).walk("VEVENT")) == size


def test_plain_text_of_a_saved_description_keeps_paragraphs_lists_and_link_addresses():
    from g40events.text import plain_text
    from sessions.models import Session
    from tests.factories import make_session

    session = make_session(
        description=(
            "De pijlers en\nthemagroepen komen **bijeen**.\n\n"
            "## Praktisch\n\n"
            "- lunch\n- een [wandeling](https://example.org/route)\n\n"
            "Zie <https://example.org> & <script>alert(1)</script>"
        )
    )

    assert plain_text(Session.objects.get(pk=session.pk).description_html) == (
        "De pijlers en themagroepen komen bijeen.\n\n"
        "Praktisch\n\n"
        "- lunch\n- een wandeling (https://example.org/route)\n\n"
        "Zie https://example.org &"
    )


def test_plain_text_joins_lines_across_any_run_of_white_space_and_keeps_spaces_within_a_line():
    from g40events.text import plain_text

    spaces = " " * 5000

    assert plain_text(f"<p>De pijlers{spaces}\n{spaces}en themagroepen</p>") == "De pijlers en themagroepen"
    assert plain_text(f"<p>De pijlers{spaces}en themagroepen</p>") == f"De pijlers{spaces}en themagroepen"
