"""Participation per organisation: the report an organiser gives the G40 after a netwerkdag."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from pytest_django.asserts import assertInHTML

from checkin import services as checkin_services
from g40events.models import Organisation
from registrations import privacy, services
from registrations.participation import participation
from tests.factories import make_organisation, make_pillar
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db

URL = "/beheer/registrations/registration/deelname/"


@pytest.fixture
def history():
    """Two netwerkdagen in two years. Almere comes twice, Breda once, Zwolle never; a partner
    (VNG) and someone of an organisation outside the list come to the second day."""
    almere = make_organisation(name="Almere")
    breda = make_organisation(name="Breda")
    make_organisation(name="Zwolle")
    vng = make_organisation(name="VNG", kind=Organisation.Kind.PARTNER)
    social, physical = make_pillar(name="Sociale pijler"), make_pillar(name="Fysieke pijler")

    first = open_event(title="Netwerkdag Deventer", date=datetime.date(2030, 4, 24), host_city=almere)
    armoede = signup_session(first, title="Armoede en schulden")
    armoede.pillars.add(social)
    sign_up(first, [armoede], organisation=almere)
    sign_up(first, [armoede], organisation=almere)
    services.cancel(registration=sign_up(first, [armoede], organisation=almere))
    sign_up(first, [], organisation=breda)

    second = open_event(title="Netwerkdag Dordrecht", date=datetime.date(2031, 11, 21), host_city=breda)
    wonen = signup_session(second, title="Woningmarkt")
    wonen.pillars.add(physical)
    sign_up(second, [wonen], organisation=almere)
    sign_up(second, [wonen], organisation=vng)
    sign_up(second, [wonen], organisation_name="ZZP Jan Jansen Advies")
    return {"first": first, "second": second, "wonen": wonen}


@pytest.fixture
def checked_in(history):
    """On the second day the desk checks in Almere's and VNG's participants (not the one outside the
    list), and the door of Woningmarkt marks Almere's present. The first day had no desk."""
    second = history["second"]
    for registration in second.registrations.filter(organisation__name__in=["Almere", "VNG"]):
        checkin_services.check_in(event=second, registration=registration)
    almere = second.registrations.get(organisation__name="Almere")
    checkin_services.mark_present(session=history["wonen"], registration=almere)
    return history


@pytest.fixture
def organiser_client(client):
    user = get_user_model().objects.create_user(
        "organisator", "o@g40steden.nl", "een-lang-wachtwoord", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(user)
    return client


def table_rows(report):
    return {
        row.name: ([(c.registered, c.cancelled) for c in row.cells], row.total.registered, row.pillar_cells)
        for row in report.rows
    }


def test_report_counts_per_organisation_netwerkdag_and_pillar(history):
    report = participation()

    assert [event.title for event in report.events] == ["Netwerkdag Deventer", "Netwerkdag Dordrecht"]
    assert [pillar.name for pillar in report.pillars] == ["Sociale pijler", "Fysieke pijler"]
    # G40 cities first (most participants first), then others, then those outside the list.
    assert table_rows(report) == {
        "Almere": ([(2, 1), (1, 0)], 3, [2, 1]),
        "Breda": ([(1, 0), (0, 0)], 1, [0, 0]),
        "Zwolle": ([(0, 0), (0, 0)], 0, [0, 0]),
        "VNG": ([(0, 0), (1, 0)], 1, [0, 1]),
        "Andere organisaties (niet in de lijst)": ([(0, 0), (1, 0)], 1, [0, 1]),
    }
    assert [row.name for row in report.rows] == [
        "Almere",
        "Breda",
        "Zwolle",
        "VNG",
        "Andere organisaties (niet in de lijst)",
    ]
    assert [
        (c.totals.registered, c.totals.cancelled, c.g40_registered, c.g40_absent) for c in report.columns
    ] == [
        (3, 1, 2, ["Zwolle"]),
        (3, 0, 1, ["Breda", "Zwolle"]),
    ]
    assert report.never == ["Zwolle"]


def attendance_rows(report):
    return {
        row.name: (
            [(c.attended, c.no_show) for c in row.cells],
            (row.total.attended, row.total.no_show),
            row.present_cells,
        )
        for row in report.rows
    }


def test_report_counts_who_came_and_who_did_not_where_the_desk_checked_in(checked_in):
    report = participation()

    # The first day had no desk: nothing is known (None), which is not 0. On the second, Breda and
    # Zwolle had nobody registered: 0 came, 0 stayed away.
    assert attendance_rows(report) == {
        "Almere": ([(None, None), (1, 0)], (1, 0), [0, 1]),
        "Breda": ([(None, None), (0, 0)], (0, 0), [0, 0]),
        "Zwolle": ([(None, None), (0, 0)], (0, 0), [0, 0]),
        "VNG": ([(None, None), (1, 0)], (1, 0), [0, 0]),
        "Andere organisaties (niet in de lijst)": ([(None, None), (0, 1)], (0, 1), [0, 0]),
    }
    assert [(c.totals.attended, c.totals.no_show, c.attendance_recorded) for c in report.columns] == [
        (None, None, False),
        (2, 1, True),
    ]
    # Registered and cancelled stay as they were.
    assert table_rows(report)["Almere"] == ([(2, 1), (1, 0)], 3, [2, 1])


def test_report_without_any_check_in_shows_nothing_as_attended(history):
    report = participation()

    assert {row.name: (row.total.attended, row.total.no_show, row.present_cells) for row in report.rows}[
        "Almere"
    ] == (None, None, [None, None])
    assert not report.any_checked and not report.any_attendance


def test_report_of_one_year(history):
    report = participation(year=2031)

    assert [event.title for event in report.events] == ["Netwerkdag Dordrecht"]
    assert table_rows(report)["Almere"] == ([(1, 0)], 1, [0, 1])
    assert report.never == ["Breda", "Zwolle"]


def test_report_survives_anonymisation(history):
    before = table_rows(participation())
    with time_machine.travel(datetime.datetime(2032, 6, 1, 12, tzinfo=datetime.UTC)):
        assert privacy.anonymise_registrations(after_days=30) == 7

    assert table_rows(participation()) == before


def test_attendance_survives_anonymisation(checked_in):
    before = attendance_rows(participation())
    with time_machine.travel(datetime.datetime(2032, 6, 1, 12, tzinfo=datetime.UTC)):
        assert privacy.anonymise_registrations(after_days=30) == 7

    assert attendance_rows(participation()) == before
    assert before["Almere"] == ([(None, None), (1, 0)], (1, 0), [0, 1])


def test_organiser_sees_who_came_in_the_tables_and_the_chart(checked_in, organiser_client):
    body = organiser_client.get(URL).content.decode()

    # "Aanwezig" is checked in at the desk throughout; the G40 cities counted per day are those
    # with anyone registered, whether they came or not.
    assertInHTML(
        '<tr><th scope="col">Netwerkdag</th><th scope="col">Datum</th>'
        '<th scope="col" class="number">Aangemeld</th><th scope="col" class="number">Afgemeld</th>'
        '<th scope="col" class="number">Aanwezig (ingecheckt)</th>'
        '<th scope="col" class="number">Niet gekomen</th>'
        '<th scope="col" class="number">G40-steden aangemeld</th>'
        '<th scope="col">G40-steden zonder aanmelding</th></tr>',
        body,
    )
    assert "G40-steden aanwezig" not in body
    assert re.findall(r'<text x="\d+" y="13">([^<]+)</text>', body) == [
        "aanwezig (ingecheckt)",
        "niet gekomen",
        "niet geregistreerd",
    ]
    assert body.count('<th scope="col" class="number">Aanwezig (ingecheckt)</th>') == 1 + 1 + 2 + 1
    assert '<th scope="col" class="number">Aanwezig</th>' not in body
    assert "aangemeld (tussen haakjes het aantal afmeldingen), aanwezig (ingecheckt) en niet gekomen" in body

    assertInHTML(
        '<tr><th scope="row">Netwerkdag Deventer</th><td>24 april 2030</td><td class="number">3</td>'
        '<td class="number">1</td><td class="number">niet geregistreerd</td>'
        '<td class="number">niet geregistreerd</td><td class="number">2 / 3</td><td>Zwolle</td></tr>',
        body,
    )
    assertInHTML(
        '<tr><th scope="row">Netwerkdag Dordrecht</th><td>21 november 2031</td><td class="number">3</td>'
        '<td class="number">0</td><td class="number">2</td><td class="number">1</td>'
        '<td class="number">1 / 3</td><td>Breda, Zwolle</td></tr>',
        body,
    )
    # Per organisation: per day registered, came, did not come ("–": no desk that day); the total;
    # places per pillar; present at sessions per pillar.
    assertInHTML(
        '<tr><th scope="row">Almere</th><td>G40-gemeente</td>'
        '<td class="number">2 <span class="cancelled">(1 afgemeld)</span></td><td class="number">–</td><td class="number">–</td>'
        '<td class="number">1</td><td class="number">1</td><td class="number">0</td>'
        '<td class="number">3 <span class="cancelled">(1 afgemeld)</span></td><td class="number">1</td><td class="number">0</td>'
        '<td class="number">2</td><td class="number">1</td>'
        '<td class="number">0</td><td class="number">1</td></tr>',
        body,
    )
    assertInHTML(
        '<tr><th scope="row">Andere organisaties (niet in de lijst)</th><td>–</td>'
        '<td class="number">0</td><td class="number">–</td><td class="number">–</td>'
        '<td class="number">1</td><td class="number">0</td><td class="number">1</td>'
        '<td class="number">1</td><td class="number">0</td><td class="number">1</td>'
        '<td class="number">0</td><td class="number">1</td>'
        '<td class="number">0</td><td class="number">0</td></tr>',
        body,
    )
    assertInHTML('<th scope="colgroup" colspan="2">Aanwezig in sessies per pijler</th>', body)
    # The chart: Almere's bar is 1 came, 2 registered on the day without a desk; the table beside
    # it has the same figures.
    assert "per staaf eerst wie aanwezig was (ingecheckt), dan wie niet kwam" in body
    assertInHTML(
        '<g transform="translate(0 20)"><text x="150" y="13" text-anchor="end">Almere</text>'
        '<rect class="attended" x="160.0" y="0" width="120.0" height="18"></rect>'
        '<rect class="unrecorded" x="280.0" y="0" width="240.0" height="18"></rect>'
        '<text x="526.0" y="13">3</text></g>',
        body,
    )
    assertInHTML(
        '<tr><th scope="row">Almere</th><td class="number">3</td><td class="number">1</td>'
        '<td class="number">0</td></tr>',
        body,
    )


def test_report_in_english_says_checked_in_and_registered_cities_the_same_way(
    checked_in, organiser_client, settings
):
    organiser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = organiser_client.get(URL).content.decode()
    header = organiser_client.get(URL, {"formaat": "csv"}).content.decode("utf-8-sig").splitlines()[0]

    assertInHTML('<th scope="col" class="number">G40 cities registered</th>', body)
    assert body.count('<th scope="col" class="number">Present (checked in)</th>') == 5
    assert re.findall(r'<text x="\d+" y="13">([^<]+)</text>', body) == [
        "present (checked in)",
        "did not come",
        "not recorded",
    ]
    assert "each bar shows first who was present (checked in), then who did not come" in body
    assert header.split(";")[4:8] == ["Registered", "Cancelled", "Present (checked in)", "Did not come"]


def test_csv_has_who_came_and_who_did_not(checked_in, organiser_client):
    response = organiser_client.get(URL, {"formaat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert rows[0] == [
        "Organisatie",
        "Soort",
        "Netwerkdag",
        "Datum",
        "Aangemeld",
        "Afgemeld",
        "Aanwezig (ingecheckt)",
        "Niet gekomen",
        "Plaatsen Sociale pijler",
        "Plaatsen Fysieke pijler",
        "Aanwezig in sessies Sociale pijler",
        "Aanwezig in sessies Fysieke pijler",
    ]
    unknown = "niet geregistreerd"
    assert rows[1:] == [
        ["Almere", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "2", "1", unknown, unknown, "2", "0", unknown, unknown],
        ["Almere", "G40-gemeente", "Netwerkdag Dordrecht", "2031-11-21", "1", "0", "1", "0", "0", "1", "0", "1"],
        ["Breda", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "1", "0", unknown, unknown, "0", "0", unknown, unknown],
        ["Breda", "G40-gemeente", "Netwerkdag Dordrecht", "2031-11-21", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["Zwolle", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "0", "0", unknown, unknown, "0", "0", unknown, unknown],
        ["Zwolle", "G40-gemeente", "Netwerkdag Dordrecht", "2031-11-21", "0", "0", "0", "0", "0", "0", "0", "0"],
        ["VNG", "Koepel of partner", "Netwerkdag Dordrecht", "2031-11-21", "1", "0", "1", "0", "0", "1", "0", "0"],
        ["Andere organisaties (niet in de lijst)", "", "Netwerkdag Dordrecht", "2031-11-21", "1", "0", "0", "1", "0", "1", "0", "0"],
    ]  # fmt: skip


def test_organiser_sees_the_report_with_its_chart_and_table(history, organiser_client):
    response = organiser_client.get(URL)
    body = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Deelname per organisatie</h1>" in body
    assertInHTML(
        '<tr><th scope="row">Netwerkdag Deventer</th><td>24 april 2030</td><td class="number">3</td>'
        '<td class="number">1</td><td class="number">niet geregistreerd</td>'
        '<td class="number">niet geregistreerd</td><td class="number">2 / 3</td><td>Zwolle</td></tr>',
        body,
    )
    assertInHTML(
        '<tr><th scope="row">Almere</th><td>G40-gemeente</td>'
        '<td class="number">2 <span class="cancelled">(1 afgemeld)</span></td><td class="number">–</td><td class="number">–</td>'
        '<td class="number">1</td><td class="number">–</td><td class="number">–</td>'
        '<td class="number">3 <span class="cancelled">(1 afgemeld)</span></td><td class="number">–</td><td class="number">–</td>'
        '<td class="number">2</td><td class="number">1</td></tr>',
        body,
    )
    # The chart names itself and has the same figures as the table beside it.
    assert '<svg role="img" aria-labelledby="chart-title"' in body
    assert "aangemelde deelnemers per G40-stad, 3 steden" in body
    assertInHTML('<tr><th scope="row">Breda</th><td class="number">1</td></tr>', body)
    assertInHTML("<ul><li>Zwolle</li></ul>", body)


def test_report_is_linked_from_the_registrations(organiser_client):
    body = organiser_client.get("/beheer/registrations/registration/").content.decode()

    assert f'<a href="{URL}">Deelname per organisatie</a>' in body


def test_csv_lists_every_g40_city_on_every_day_and_others_where_they_came(history, organiser_client):
    response = organiser_client.get(URL, {"jaar": "2030", "formaat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    assert response["Content-Disposition"] == 'attachment; filename="deelname-per-organisatie.csv"'
    assert rows == [
        [
            "Organisatie",
            "Soort",
            "Netwerkdag",
            "Datum",
            "Aangemeld",
            "Afgemeld",
            "Aanwezig (ingecheckt)",
            "Niet gekomen",
            "Plaatsen Sociale pijler",
            "Plaatsen Fysieke pijler",
            "Aanwezig in sessies Sociale pijler",
            "Aanwezig in sessies Fysieke pijler",
        ],
        ["Almere", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "2", "1", *["niet geregistreerd"] * 2, "2", "0", *["niet geregistreerd"] * 2],
        ["Breda", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "1", "0", *["niet geregistreerd"] * 2, "0", "0", *["niet geregistreerd"] * 2],
        ["Zwolle", "G40-gemeente", "Netwerkdag Deventer", "2030-04-24", "0", "0", *["niet geregistreerd"] * 2, "0", "0", *["niet geregistreerd"] * 2],
    ]  # fmt: skip


def test_an_unknown_year_shows_all_years(history, organiser_client):
    body = organiser_client.get(URL, {"jaar": "1999x"}).content.decode()

    assert "Netwerkdag Deventer" in body and "Netwerkdag Dordrecht" in body


def test_staff_without_access_to_registrations_get_no_report(client, history):
    user = get_user_model().objects.create_user(
        "balie", "b@g40steden.nl", "een-lang-wachtwoord", is_staff=True
    )
    client.force_login(user)

    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_report_queries_stay_the_same_whatever_the_history(checked_in, organiser_client):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert organiser_client.get(URL).status_code == 200
        return len(captured)

    small = queries()
    for n in range(3):
        event = open_event(title=f"Netwerkdag {n}", date=datetime.date(2032 + n, 4, 1))
        session = signup_session(event)
        session.pillars.add(make_pillar())
        for _ in range(3):
            registration = sign_up(event, [session], organisation=make_organisation())
            checkin_services.check_in(event=event, registration=registration)
            checkin_services.mark_present(session=session, registration=registration)

    assert queries() == small
    assert [c.totals.attended for c in participation().columns] == [None, 2, 3, 3, 3]
