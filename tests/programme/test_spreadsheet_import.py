import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from g40events.permissions import ORGANISERS_GROUP
from sessions.models import Session
from sessions.spreadsheets import PROGRAMME_COLUMNS
from speakers.models import Speaker
from tests.factories import (
    make_event,
    make_organisation,
    make_pillar,
    make_session,
    make_speaker,
    make_theme_group,
)

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:programme_session_import")
HEADER = ",".join(PROGRAMME_COLUMNS)


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("organisator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


@pytest.fixture
def event():
    return make_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))


@pytest.fixture
def groups():
    social = make_pillar(name="Sociaal")
    return {
        "social": social,
        "wonen": make_theme_group(name="Wonen", pillar=social),
        "zorg": make_theme_group(name="Zorg", pillar=social),
    }


def csv_file(*rows, header=HEADER, encoding="utf-8", name="programma.csv"):
    return SimpleUploadedFile(name, "\n".join([header, *rows]).encode(encoding), content_type="text/csv")


def dry_run(client, event, upload, **extra):
    return client.post(IMPORT_URL, {"event": event.pk, "import_file": upload, **extra})


def confirm(client, response):
    html = response.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    assert "import_file_name" in fields, html
    return client.post(reverse("admin:programme_session_process_import"), fields)


def outcome_rows(response) -> list[str]:
    """The rows of the outcome table as text: line, outcome, title."""
    html = response.content.decode()
    body = html.split('id="import-outcome"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def form_errors(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", " ".join(response.context["form"].errors["import_file"])).split())


def test_import_dry_run_then_confirm_creates_the_programme(organiser_client, event, groups):
    upload = csv_file(
        "Opening,09:30,10:15,Raadzaal,Plenair,,,Jan Jansen (Gemeente Ede),,",
        'Samen in de wijk,10:30,11:30,Zaal 2,Parallelsessie,Sociaal,"Wonen; Zorg",'
        '"Femke de Vries (Gemeente Ede); Piet Bakker",40,',
    )

    preview = dry_run(organiser_client, event, upload)

    assert preview.status_code == 200
    assert not Session.objects.filter(event=event).exists()
    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new"]
    assert "Accepteer de import" in preview.content.decode()

    done = confirm(organiser_client, preview)

    assert done.status_code == 302
    sessions = list(Session.objects.filter(event=event).order_by("start_time"))
    assert [(s.title, s.start_time, s.end_time, s.location, s.kind) for s in sessions] == [
        ("Opening", datetime.time(9, 30), datetime.time(10, 15), "Raadzaal", "plenary"),
        ("Samen in de wijk", datetime.time(10, 30), datetime.time(11, 30), "Zaal 2", "parallel"),
    ]
    walk = sessions[1]
    assert [p.name for p in walk.pillars.all()] == ["Sociaal"]
    assert sorted(g.name for g in walk.theme_groups.all()) == ["Wonen", "Zorg"]
    assert [
        (r.speaker.name, r.speaker.organisation and r.speaker.organisation.name)
        for r in walk.speaker_roles.all()
    ] == [
        ("Femke de Vries", "Gemeente Ede"),
        ("Piet Bakker", None),
    ]
    assert (walk.capacity, walk.takes_registrations, sessions[0].takes_registrations) == (40, True, False)
    assert walk.slug == "samen-in-de-wijk"
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["Programma ingelezen: 2 nieuwe sessies, 0 bijgewerkt."]


def test_import_reads_speakers_with_any_amount_of_white_space_around_the_organisation(
    organiser_client, event
):
    """White space pasted between a name and its organisation, or after the last name, is read past
    (in one pass: a cell of thousands of spaces is read as fast as a short one)."""
    spaces = " " * 5000
    upload = csv_file(
        f'Samen in de wijk,10:30,11:30,Zaal 2,Parallelsessie,,,"Femke de Vries{spaces}(Gemeente Ede);'
        f' Piet Bakker{spaces}",40,',
    )

    confirm(organiser_client, dry_run(organiser_client, event, upload))

    session = Session.objects.get(event=event)
    assert [
        (r.speaker.name, r.speaker.organisation and r.speaker.organisation.name)
        for r in session.speaker_roles.all()
    ] == [("Femke de Vries", "Gemeente Ede"), ("Piet Bakker", None)]


def test_import_reports_every_row_in_dutch_and_saves_nothing(organiser_client, event, groups):
    make_session(
        event=event,
        title="Bestaand",
        location="Raadzaal",
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 0),
    )
    upload = csv_file(
        "Goed,09:30,10:15,Zaal 1,,,,,,",
        "Onbekend,10:30,11:30,Zaal 2,,,Klimaat,,,",
        "Omgedraaid,12:00,11:00,Zaal 3,,,,,,",
        "Dubbel,14:30,15:30,raadzaal,,,,,,",
        "Binnen de zaal,09:45,10:00,Zaal 1,,,,,,",
    )

    response = dry_run(organiser_client, event, upload)

    assert outcome_rows(response) == [
        "2 Goed: nieuwe sessie Goed 09:30–10:15",
        "3 themagroepen: Onbekende themagroep “Klimaat”. Bekend: Wonen, Zorg. Onbekend 10:30–11:30",
        "4 einde: Het einde (11:00) ligt niet na het begin (12:00). Omgedraaid 12:00–11:00",
        "5 zaal: Zaal “raadzaal” is van 14:00 tot 15:00 al bezet door “Bestaand”. Dubbel 14:30–15:30",
        "6 zaal: Zaal “Zaal 1” is van 09:30 tot 10:15 al bezet door “Goed”. Binnen de zaal 09:45–10:00",
    ]
    assert "Accepteer de import" not in response.content.decode()
    assert list(Session.objects.filter(event=event).values_list("title", flat=True)) == ["Bestaand"]


def test_import_reads_times_in_amsterdam_time(organiser_client, event):
    upload = csv_file(
        # 07:30 UTC on 1 May is 09:30 in Amsterdam (summer time).
        "Opening,2030-05-01T07:30:00+00:00,2030-05-01 10:15,,,,,,,",
        "Verkeerde dag,2030-05-02 09:30,2030-05-02 10:00,,,,,,,",
    )

    response = dry_run(organiser_client, event, upload)

    rows = response.context["result"].rows
    assert rows[0].instance.start_time == datetime.time(9, 30)
    assert rows[0].instance.end_time == datetime.time(10, 15)
    assert outcome_rows(response)[1].startswith(
        "3 begin: 2 mei 2030 09:30 valt niet op de dag van de netwerkdag (1 mei 2030). "
        "einde: 2 mei 2030 10:00 valt niet op de dag van de netwerkdag (1 mei 2030)."
    )


def test_import_reads_an_excel_file_with_time_cells_and_semicolon_csv(organiser_client, event, groups):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PROGRAMME_COLUMNS)
    sheet.append(
        [
            "Lunchwandeling",
            datetime.time(12, 30),
            datetime.time(13, 15),
            "Hal",
            "Rondwandeling of excursie",
            None,
            "Wonen",
            None,
            25,
            "ja",
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = SimpleUploadedFile("programma.xlsx", buffer.getvalue())

    confirm(organiser_client, dry_run(organiser_client, event, xlsx))
    semicolons = csv_file("Afsluiting;16:00;16:30;Raadzaal;plenair;;;;;", header=";".join(PROGRAMME_COLUMNS))
    confirm(organiser_client, dry_run(organiser_client, event, semicolons))

    assert list(
        Session.objects.filter(event=event).values_list(
            "title", "start_time", "kind", "capacity", "takes_registrations"
        )
    ) == [
        ("Lunchwandeling", datetime.time(12, 30), "tour", 25, True),
        ("Afsluiting", datetime.time(16, 0), "plenary", None, False),
    ]


def test_import_updates_a_session_with_the_same_title(organiser_client, event):
    session = make_session(
        event=event, title="Opening", start_time=datetime.time(9, 0), end_time=datetime.time(9, 45)
    )
    make_session(title="Opening")  # another netwerkdag's opening stays as it is

    confirm(
        organiser_client, dry_run(organiser_client, event, csv_file("Opening,09:30,10:15,Raadzaal,,,,,,"))
    )

    session.refresh_from_db()
    assert (session.start_time, session.location) == (datetime.time(9, 30), "Raadzaal")
    assert Session.objects.filter(title="Opening").count() == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            csv_file("Opening,09:30", header="Titel,Begintijd"),
            "De kolommen van dit bestand passen niet (ontbreekt: begin, einde; onbekend: begintijd). "
            "De eerste regel moet de kolommen noemen: titel, begin, einde, zaal, soort, pijlers, themagroepen, "
            "sprekers, plaatsen, aanmelden. Het voorbeeldbestand heeft ze allemaal.",
        ),
        (
            csv_file("Koffie in de foyer,09:30,10:00,Foyer,,,,,,", encoding="utf-16"),
            "Dit bestand is geen tekst in UTF-8. Sla het in Excel op als “CSV UTF-8 (door komma's gescheiden)”, "
            "of lees het .xlsx-bestand in.",
        ),
        (
            csv_file("Ontmoeting café,09:30,10:00,,,,,,,", encoding="cp1252"),
            "Dit bestand is geen tekst in UTF-8. Sla het in Excel op als “CSV UTF-8 (door komma's gescheiden)”, "
            "of lees het .xlsx-bestand in.",
        ),
        (
            csv_file(*[f"Sessie {n},09:30,10:00,,,,,,," for n in range(5000)]),
            "Dit bestand heeft 5.000 regels; een programma kan er hoogstens 200 hebben. "
            "Kies het bestand met het programma van één netwerkdag.",
        ),
        (
            SimpleUploadedFile("programma.xlsx", b"dit is geen werkmap"),
            "Dit bestand kan niet worden gelezen als xlsx. Kies een .xlsx-bestand of een .csv-bestand in UTF-8, "
            "met het bijpassende formaat.",
        ),
        (
            SimpleUploadedFile("programma.pdf", b"%PDF-1.4"),
            "Kies een bestand dat eindigt op .xlsx of .csv, of kies het formaat hieronder.",
        ),
    ],
    ids=["wrong-columns", "utf-16", "windows-1252", "5000-rows", "not-a-workbook", "unknown-extension"],
)
def test_import_refuses_a_bad_file_with_a_dutch_message(organiser_client, event, upload, message):
    response = dry_run(organiser_client, event, upload)

    assert response.status_code == 200
    assert form_errors(response) == message
    assert not Session.objects.filter(event=event).exists()


def test_import_of_an_excel_sheet_of_5000_rows_is_refused(organiser_client, event):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(PROGRAMME_COLUMNS)
    for n in range(5000):
        sheet.append([f"Sessie {n}", "09:30", "10:00"])
    buffer = io.BytesIO()
    book.save(buffer)

    response = dry_run(organiser_client, event, SimpleUploadedFile("groot.xlsx", buffer.getvalue()))

    assert form_errors(response).startswith(
        "Dit bestand heeft 5.000 regels; een programma kan er hoogstens 200"
    )
    assert not Session.objects.exists()


def test_import_confirmation_saves_nothing_when_the_data_changed_since_the_dry_run(organiser_client, event):
    preview = dry_run(
        organiser_client,
        event,
        csv_file("Goed,09:30,10:15,Zaal 1,,,,,,", "Ook goed,11:00,12:00,Zaal 1,,,,,,"),
    )
    make_session(
        event=event,
        title="Intussen",
        location="Zaal 1",
        start_time=datetime.time(11, 30),
        end_time=datetime.time(12, 30),
    )

    response = confirm(organiser_client, preview)

    assert response.status_code == 302
    assert list(Session.objects.filter(event=event).values_list("title", flat=True)) == ["Intussen"]
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Het programma is niet ingelezen: het bestand is veranderd of bevat fouten. Er is niets opgeslagen."
    ]


def test_template_file_has_the_columns_and_imports_cleanly(organiser_client, event, groups):
    response = organiser_client.get(reverse("admin:programme_session_import_template", args=["xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="programma-voorbeeld.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == PROGRAMME_COLUMNS

    upload = SimpleUploadedFile("programma-voorbeeld.xlsx", response.content)
    preview = dry_run(organiser_client, event, upload)

    assert [row.import_type for row in preview.context["result"].rows] == ["new", "new"]


def test_export_writes_the_programme_in_the_import_columns(organiser_client, event, groups):
    ede = make_organisation(name="Gemeente Ede")
    speaker = make_speaker(name="Femke de Vries", organisation=ede)
    make_session(
        event=event,
        title="Samen in de wijk",
        location="Zaal 2",
        start_time=datetime.time(10, 30),
        end_time=datetime.time(11, 30),
        pillars=[groups["social"]],
        theme_groups=[groups["wonen"], groups["zorg"]],
        speakers=[speaker],
        capacity=40,
        takes_registrations=True,
    )
    make_session(title="Andere dag")
    csv_index = "1"

    response = organiser_client.post(
        reverse("admin:programme_session_export") + f"?event__id__exact={event.pk}",
        {
            "format": csv_index,
            "resource": "0",
            **{
                f"programmeresource_{name}": "on"
                for name in [
                    "title",
                    "start_time",
                    "end_time",
                    "location",
                    "kind",
                    "pillars",
                    "theme_groups",
                    "speakers",
                    "capacity",
                    "takes_registrations",
                ]
            },
        },
    )

    assert response["Content-Disposition"] == f'attachment; filename="programma-{event.slug}.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == [
        HEADER,
        "Samen in de wijk,10:30,11:30,Zaal 2,Parallelsessie,Sociaal,Wonen; Zorg,Femke de Vries (Gemeente Ede),40,ja",
    ]


def test_import_needs_the_permission_to_add_sessions(client, event):
    user = User.objects.create_user("kijker", password="x", is_staff=True)
    client.force_login(user)

    assert client.get(IMPORT_URL).status_code == 403
    assert not Speaker.objects.exists()
