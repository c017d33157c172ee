"""An import that updates a session has the consequences of a save in the admin (issues 7.2, 9.3,
11.4): a new time or room reaches the calendars of those with a place, a raised capacity promotes the
first in line, and a capacity below the places taken is refused (nobody loses a place silently)."""

import datetime
import re

import icalendar
import pytest
from django.contrib.auth.models import Group, User
from django.core import mail

from g40events.permissions import ORGANISERS_GROUP
from registrations.models import EmailLog
from sessions.models import Session
from tests.programme.test_spreadsheet_import import confirm, csv_file, dry_run, outcome_rows
from tests.registrations.helpers import later, open_event, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("organisator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


@pytest.fixture
def full_session(django_capture_on_commit_callbacks):
    """Two places, both taken (Anna, Bram); Cees and Dirk wait, in that order."""
    event = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1), venue_name="De Reehorst")
    session = signup_session(
        event,
        title="Wonen in de wijk",
        location="Zaal 1",
        capacity=2,
        start_time=datetime.time(11, 0),
        end_time=datetime.time(12, 0),
    )
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("Anna", "Bram", "Cees", "Dirk"):
            sign_up(event, [session], name=name, email=f"{name.lower()}@ede.example")
    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cees", "Dirk"]}
    return event, session


def calendar_of(message, filename):
    files = [part for part in message.attachments if isinstance(part, tuple)]
    ((content, mimetype),) = [(c, m) for name, c, m in files if name == filename]
    return icalendar.Calendar.from_ical(content), mimetype


def session_entry(message, filename):
    calendar, mimetype = calendar_of(message, filename)
    (entry,) = [c for c in calendar.walk("VEVENT") if str(c["summary"]) == "Wonen in de wijk"]
    return calendar, mimetype, entry


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def consequences_shown(response) -> list[str]:
    """What the dry run's page says confirming will cause, as text; empty when it says nothing."""
    html = response.content.decode()
    if 'id="import-consequences"' not in html:
        assert "Wat bevestigen verder doet" not in html
        return []
    assert "Wat bevestigen verder doet" in html
    body = html.split('id="import-consequences"', 1)[1].split("</ul>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", body, re.S)
    ]


def test_import_moving_a_session_sends_each_confirmed_person_one_calendar_update(
    organiser_client, full_session, django_capture_on_commit_callbacks
):
    event, session = full_session
    first = {
        message.to[0]: session_entry(message, "netwerkdag.ics")[2]
        for message in mail.outbox
        if message.to[0] in {"anna@ede.example", "bram@ede.example"}
    }
    mail.outbox.clear()
    upload = csv_file("Wonen in de wijk,13:00,14:00,Zaal 9,,,,,2,ja")

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        preview = dry_run(organiser_client, event, upload)
        assert mail.outbox == []  # the dry run sends nothing
        assert EmailLog.objects.filter(kind=EmailLog.Kind.SESSION_CHANGED).count() == 0
        done = confirm(organiser_client, preview)

    assert consequences_shown(preview) == [
        "2 deelnemers van “Wonen in de wijk” krijgen de wijziging per e-mail, voor hun agenda."
    ]

    assert messages_of(done) == [
        "Programma ingelezen: 0 nieuwe sessies, 1 bijgewerkt.",
        "2 deelnemers van “Wonen in de wijk” krijgen de wijziging per e-mail, voor hun agenda.",
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("anna@ede.example", "Gewijzigd: Wonen in de wijk"),
        ("bram@ede.example", "Gewijzigd: Wonen in de wijk"),
    ]
    for message in mail.outbox:
        assert "woensdag 1 mei 2030, 13:00–14:00, Zaal 9\n" in message.body
        calendar, mimetype, entry = session_entry(message, "wijziging.ics")
        assert mimetype == "text/calendar; method=REQUEST"
        assert str(calendar["METHOD"]) == "REQUEST"
        before = first[message.to[0]]
        assert str(entry["UID"]) == str(before["UID"]) == f"session-{session.pk}@127.0.0.1"
        assert int(entry["SEQUENCE"]) > int(before["SEQUENCE"])
        assert entry.decoded("dtstart").strftime("%Y-%m-%d %H:%M %Z") == "2030-05-01 13:00 CEST"
        assert entry.decoded("dtend").strftime("%H:%M") == "14:00"
        assert str(entry["LOCATION"]) == "Zaal 9, De Reehorst"
        assert str(entry["ATTENDEE"]) == f"mailto:{message.to[0]}"


def test_import_changing_nothing_the_calendar_holds_sends_nothing(
    organiser_client, full_session, django_capture_on_commit_callbacks
):
    event, session = full_session
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        preview = dry_run(organiser_client, event, csv_file("Wonen in de wijk,11:00,12:00,Zaal 1,,,,,2,ja"))
        done = confirm(organiser_client, preview)

    assert consequences_shown(preview) == []
    assert messages_of(done) == ["Programma ingelezen: 0 nieuwe sessies, 1 bijgewerkt."]
    assert mail.outbox == []


def test_import_raising_the_capacity_promotes_the_first_in_line(
    organiser_client, full_session, django_capture_on_commit_callbacks
):
    event, session = full_session
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        preview = dry_run(organiser_client, event, csv_file("Wonen in de wijk,11:00,12:00,Zaal 1,,,,,3,ja"))
        # The dry run says who moves up, and moves nobody.
        assert consequences_shown(preview) == [
            "Cees krijgt een plaats in “Wonen in de wijk” (van de wachtlijst) en een e-mail."
        ]
        assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cees", "Dirk"]}
        assert mail.outbox == []
        done = confirm(organiser_client, preview)

    assert messages_of(done) == [
        "Programma ingelezen: 0 nieuwe sessies, 1 bijgewerkt.",
        "Cees kreeg een plaats in “Wonen in de wijk” (van de wachtlijst) en een e-mail.",
    ]
    assert statuses(session) == {"confirmed": ["Anna", "Bram", "Cees"], "waiting": ["Dirk"]}
    (promotion,) = mail.outbox
    assert (promotion.to, promotion.subject) == (
        ["cees@ede.example"],
        "Er is plaats voor je: Wonen in de wijk",
    )


def test_import_moving_and_enlarging_sends_the_promoted_person_only_the_promotion(
    organiser_client, full_session, django_capture_on_commit_callbacks
):
    event, session = full_session
    mail.outbox.clear()

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        preview = dry_run(organiser_client, event, csv_file("Wonen in de wijk,13:00,14:00,Zaal 9,,,,,3,ja"))
        assert mail.outbox == []
        confirm(organiser_client, preview)

    assert consequences_shown(preview) == [
        "2 deelnemers van “Wonen in de wijk” krijgen de wijziging per e-mail, voor hun agenda.",
        "Cees krijgt een plaats in “Wonen in de wijk” (van de wachtlijst) en een e-mail.",
    ]

    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("anna@ede.example", "Gewijzigd: Wonen in de wijk"),
        ("bram@ede.example", "Gewijzigd: Wonen in de wijk"),
        ("cees@ede.example", "Er is plaats voor je: Wonen in de wijk"),
    ]


@pytest.mark.parametrize(
    ("row", "refusal"),
    [
        pytest.param(
            "Wonen in de wijk,13:00,14:00,Zaal 9,,,,,1,ja",
            "3 plaatsen: 2 deelnemers hebben al een plaats in “Wonen in de wijk”; het bestand noemt 1 als "
            "aantal plaatsen. Niemand verliest zijn plaats door een import: geef minstens 2 plaatsen, of "
            "verlaag het aantal op de pagina van de sessie, die laat zien wie het raakt. Wonen in de wijk "
            "13:00–14:00",
            id="capacity below the places taken",
        ),
        pytest.param(
            "Wonen in de wijk,11:00,12:00,Zaal 1,,,,,2,nee",
            "3 aanmelden: 2 deelnemers hebben een plaats in “Wonen in de wijk” en 2 staan op de wachtlijst. "
            "Een import zet aanmelden niet uit zolang er deelnemers zijn: schrijf “ja”, of zet aanmelden uit "
            "op de pagina van de sessie, die eerst laat zien wat het betekent. Wonen in de wijk 11:00–12:00",
            id="sign-up switched off while people have a place or wait",
        ),
    ],
)
def test_import_that_would_cost_people_their_place_is_refused_and_saves_nothing(
    organiser_client, full_session, django_capture_on_commit_callbacks, row, refusal
):
    event, session = full_session
    mail.outbox.clear()
    upload = csv_file("Nieuw,09:30,10:15,Zaal 2,,,,,,", row)

    with django_capture_on_commit_callbacks(execute=True):
        preview = dry_run(organiser_client, event, upload)

    assert outcome_rows(preview) == ["2 Goed: nieuwe sessie Nieuw 09:30–10:15", refusal]
    assert "Accepteer de import" not in preview.content.decode()
    session.refresh_from_db()
    assert (session.capacity, session.start_time, session.location, session.takes_registrations) == (
        2,
        datetime.time(11, 0),
        "Zaal 1",
        True,
    )
    assert list(Session.objects.filter(event=event).values_list("title", flat=True)) == ["Wonen in de wijk"]
    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cees", "Dirk"]}
    assert mail.outbox == []


def test_import_confirmation_is_refused_when_places_were_taken_since_the_dry_run(
    organiser_client, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))
    session = signup_session(event, title="Wonen in de wijk", capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [session], name="Anna", email="anna@ede.example")
    preview = dry_run(organiser_client, event, csv_file("Wonen in de wijk,11:00,12:00,,,,,,1,ja"))
    assert [row.import_type for row in preview.context["result"].rows] == ["update"]
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [session], name="Bram", email="bram@ede.example")

    done = confirm(organiser_client, preview)

    assert messages_of(done) == [
        "Het programma is niet ingelezen: het bestand is veranderd of bevat fouten. Er is niets opgeslagen."
    ]
    session.refresh_from_db()
    assert session.capacity == 3


def test_import_switches_sign_up_off_for_a_session_nobody_signed_up_for(organiser_client):
    event = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))
    session = signup_session(
        event, title="Wonen in de wijk", capacity=20,
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 0),
    )  # fmt: skip

    preview = dry_run(organiser_client, event, csv_file("Wonen in de wijk,11:00,12:00,,,,,,20,nee"))
    done = confirm(organiser_client, preview)

    assert messages_of(done) == ["Programma ingelezen: 0 nieuwe sessies, 1 bijgewerkt."]
    session.refresh_from_db()
    assert session.takes_registrations is False
