import io
import re

import pypdf
import pytest

from checkin import codes, services
from tests.checkin.helpers import day, desk_user, sign_up
from tests.factories import make_pillar

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(desk_user())
    return client


def pdf(response) -> pypdf.PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return pypdf.PdfReader(io.BytesIO(response.content))


def page_texts(reader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_badges_eight_per_a4_sheet_with_name_organisation_pillar_and_code(desk):
    event, wonen, werken, walk = day()
    wonen.pillars.set([make_pillar(name="Sociaal")])
    werken.pillars.set([make_pillar(name="Economie")])
    people = [
        sign_up(event, [wonen], name=f"Deelnemer {n:02}", organisation_name="Gemeente Ede") for n in range(9)
    ]
    bram = sign_up(event, [werken], name="Bram Jansen", organisation_name="Gemeente Zwolle")

    reader = pdf(desk.get("/balie/ede/badges.pdf"))

    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    first, second = page_texts(reader)
    assert first.startswith(
        "Bram Jansen Gemeente Zwolle Pijler: Economie Netwerkdag Ede " + codes.code_for(bram)
    )
    assert first.count("Gemeente Ede Pijler: Sociaal") == 7
    assert second == (
        f"Deelnemer 07 Gemeente Ede Pijler: Sociaal Netwerkdag Ede {codes.code_for(people[7])} "
        f"Deelnemer 08 Gemeente Ede Pijler: Sociaal Netwerkdag Ede {codes.code_for(people[8])}"
    )


def test_badges_of_a_selection(desk):
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries")
    sign_up(event, name="Bram Jansen")

    by_id = page_texts(pdf(desk.get(f"/balie/ede/badges.pdf?id={anna.pk}")))
    by_search = page_texts(pdf(desk.get("/balie/ede/badges.pdf?q=bram")))

    assert by_id == [f"Anna de Vries Gemeente Netwerkdag Ede {codes.code_for(anna)}"]
    assert by_search[0].startswith("Bram Jansen")
    assert "Anna" not in by_search[0]


def test_pdfs_are_tagged_for_accessibility_with_language_and_title(desk):
    event, *_ = day()
    sign_up(event, name="Anna de Vries")

    reader = pdf(desk.get("/balie/ede/balielijst.pdf"))

    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert reader.metadata.title == "Balielijst: Netwerkdag Ede"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]*1", xmp)


def test_desk_list_sorted_by_name_with_codes_and_who_is_in(desk):
    event, *_ = day()
    zeger = sign_up(event, name="Zeger Zwart", organisation_name="Provincie")
    anna = sign_up(event, name="Anna de Vries", organisation_name="Gemeente Ede")
    services.check_in(event=event, registration=zeger)

    (text,) = page_texts(pdf(desk.get("/balie/ede/balielijst.pdf")))

    assert text.startswith(
        "Balielijst: Netwerkdag Ede woensdag 1 mei 2030 · 2 aanmeldingen Binnen Naam Organisatie Code "
        f"Anna de Vries Gemeente Ede {codes.code_for(anna)} ✓ Zeger Zwart Provincie {codes.code_for(zeger)}"
    )


def test_door_list_of_a_session(desk):
    event, wonen, *_ = day()
    sign_up(event, [wonen], name="Zeger Zwart", organisation_name="Provincie")
    sign_up(event, [wonen], name="Anna de Vries", organisation_name="Gemeente Ede")
    sign_up(event, name="Bram Jansen")

    (text,) = page_texts(pdf(desk.get(f"/balie/ede/sessies/{wonen.pk}/deurlijst.pdf")))

    assert re.sub(r" 1 / 1$", "", text) == (
        "Deurlijst: Wonen Netwerkdag Ede · 11:00–12:00 · Zaal 1 · 10 plaatsen Aanwezig Naam Organisatie "
        "Anna de Vries Gemeente Ede Zeger Zwart Provincie"
    )


def test_programme_of_the_day(desk):
    day()

    (text,) = page_texts(pdf(desk.get("/balie/ede/programma.pdf")))

    assert re.sub(r" 1 / 1$", "", text) == (
        "Netwerkdag Ede woensdag 1 mei 2030, 09:30–16:30 Programma Tijd Onderdeel Zaal "
        "11:00–12:00 Werken Zaal 2 11:00–12:00 Wonen Zaal 1 12:30–13:15 Wandeling"
    )


def test_pdfs_need_the_desk_permission(client):
    day()

    assert client.get("/balie/ede/badges.pdf").status_code == 302


def test_programme_of_the_day_marks_a_cancelled_session_and_its_door_list_is_gone(desk):
    from registrations import services as registration_services

    event, wonen, *_ = day()
    registration_services.cancel_session(session=wonen, reason="Zaal onder water.")

    (text,) = page_texts(pdf(desk.get("/balie/ede/programma.pdf")))

    assert "11:00–12:00 Vervallen: Wonen Zaal onder water. Zaal 1" in text
    assert desk.get(f"/balie/ede/sessies/{wonen.pk}/deurlijst.pdf").status_code == 404
