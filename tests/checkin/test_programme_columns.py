"""Check-in's columns on the organiser's programme screen: "Ingecheckt" and "Aanwezig" beside the
places, with "–" wherever a figure does not apply."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from checkin import services
from sessions.models import Session
from tests.checkin.helpers import day, sign_up
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def cells(html: str, session) -> list[str]:
    """The texts of a session's row on the programme screen, cell by cell."""
    row = re.search(rf'<tr id="sessie-{session.pk}".*?</tr>', html, flags=re.S).group(0)
    return [
        " ".join(strip_tags(cell).split()) for cell in re.findall(r"<t[hd]\b.*?</t[hd]>", row, flags=re.S)
    ]


def test_programme_shows_a_dash_for_check_in_and_attendance_where_no_figure_applies(admin_client):
    event, wonen, *_ = day()
    opening = make_session(
        event=event, title="Opening", kind=Session.Kind.PLENARY, location="Raadzaal",
        start_time=datetime.time(9, 30), end_time=datetime.time(10, 0),
    )  # fmt: skip
    keynote = make_session(
        event=event, title="Keynote", kind=Session.Kind.PLENARY, location="Raadzaal",
        start_time=datetime.time(10, 0), end_time=datetime.time(10, 30),
    )  # fmt: skip
    anna = sign_up(event, [wonen], name="Anna")
    sign_up(event, [wonen], name="Bram")
    services.check_in(event=event, registration=anna)
    services.mark_present(session=wonen, registration=anna)
    # The door of a plenary may tick people too (no places there): then that count applies.
    services.mark_present(session=keynote, registration=anna)

    html = admin_client.get(reverse("admin:programme_session_programme", args=[event.pk])).content.decode()

    headings = re.search(r"<thead>.*?</thead>", html, flags=re.S).group(0)
    assert [" ".join(strip_tags(h).split()) for h in re.findall(r"<th\b.*?</th>", headings, flags=re.S)] == [
        "Tijd en soort", "Titel", "Zaal", "Pijlers en themagroepen", "Sprekers", "Aanmelden",
        "Plaatsen", "Bezet", "Wachtlijst", "Deelnemers", "Ingecheckt", "Aanwezig", "Acties",
    ]  # fmt: skip
    # Places, taken, waiting, list, checked in, present.
    assert cells(html, opening)[5:12] == ["nee", "–", "–", "–", "–", "–", "–"]
    assert cells(html, keynote)[5:12] == ["nee", "–", "–", "–", "–", "–", "1"]
    assert cells(html, wonen)[5:12] == ["ja", "10", "2", "0", "lijst en wachtlijst", "1", "1"]
    # A count's column is aligned to the right as a whole, its dashes too.
    assert html.count('<td class="number">–</td>') == 5 + 4  # opening's and keynote's
