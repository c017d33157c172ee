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


def _hex(rgb) -> str:
    return "#" + "".join(f"{round(float(value) * 255):02x}" for value in rgb)


def _to_page(cm, x, y) -> tuple[float, float]:
    a, b, c, d, e, f = cm
    return (a * x + c * y + e, b * x + d * y + f)


def pillar_labels(page) -> dict[str, tuple[str, str]]:
    """Each "Pijler: …" text on the page, with the colour of the filled box it is printed on and
    the colour of the text itself (both as #rrggbb)."""
    fill, saved, boxes, labels = "#000000", [], [], {}
    pending = []

    def operator(op, args, cm, tm):
        nonlocal fill
        if op == b"q":
            saved.append(fill)
        elif op == b"Q":
            fill = saved.pop()
        elif op == b"rg":
            fill = _hex(args)
        elif op == b"re":
            x, y, width, height = (float(value) for value in args)
            corners = [_to_page(cm, x, y), _to_page(cm, x + width, y + height)]
            pending.append((min(c[0] for c in corners), min(c[1] for c in corners),
                            max(c[0] for c in corners), max(c[1] for c in corners)))  # fmt: skip
        elif op in (b"f", b"f*", b"F"):
            boxes.extend((fill, box) for box in pending)
            pending.clear()
        elif op in (b"n", b"S", b"W", b"W*"):
            pending.clear()

    def text(content, cm, tm, font, size):
        if content.startswith("Pijler:"):
            x, y = _to_page(cm, tm[4], tm[5])
            under = [colour for colour, (x0, y0, x1, y1) in boxes if x0 <= x <= x1 and y0 <= y <= y1]
            labels[content.strip()] = (under[-1] if under else None, fill)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return labels


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1's contrast ratio of two #rrggbb colours."""

    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_badges_print_the_pillar_in_its_colour_with_white_text_on_it(desk):
    event, wonen, werken, walk = day()
    wonen.pillars.set([make_pillar(name="Sociaal", position=1)])
    werken.pillars.set([make_pillar(name="Economie", position=2)])
    sign_up(event, [wonen], name="Anna de Vries")
    sign_up(event, [werken], name="Bram Jansen")
    sign_up(event, [], name="Cor Smit")

    [page] = pdf(desk.get("/balie/ede/badges.pdf")).pages
    labels = pillar_labels(page)

    # The first pillar's colour and the second's (checkin.documents.PILLAR_COLOURS), each behind
    # its name in white; Cor has no sessions, so no pillar.
    assert labels == {
        "Pijler: Sociaal": ("#1f5fa8", "#ffffff"),
        "Pijler: Economie": ("#2e7d32", "#ffffff"),
    }
    assert [round(contrast(text, box), 1) for box, text in labels.values()] == [6.4, 5.1]
    assert "Cor Smit Gemeente Netwerkdag Ede" in " ".join(page.extract_text().split())


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
