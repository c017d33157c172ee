"""The admin speaks Dutch as it is written: headings, the pickers' scripts, hidden table headings,
one style of date and time inputs, speakers filed under their surname, the favicon."""

import datetime
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from g40events.models import Event
from speakers.models import Speaker, dutch_sort_name
from tests.factories import make_event, make_organisation, make_pillar, make_session, make_speaker
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db


def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)


def test_admin_headings_start_with_a_capital(organiser_client):
    response = organiser_client.get(reverse("admin:g40events_event_add"))

    assert h1(response) == "Netwerkdag toevoegen"
    assert "<title>Netwerkdag toevoegen | G40 netwerkdagen</title>" in response.content.decode()


def breadcrumbs(response) -> str:
    html = response.content.decode()
    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', html, re.S).group(1)
    return " ".join(unescape(strip_tags(crumbs)).split())


def test_admin_breadcrumbs_and_add_buttons_start_with_a_capital(organiser_client):
    event = make_event(title="Ambtelijke netwerkdag Dordrecht")

    add_page = organiser_client.get(reverse("admin:g40events_event_add"))
    change_page = organiser_client.get(reverse("admin:g40events_event_change", args=[event.pk]))
    session_add_page = organiser_client.get(reverse("admin:programme_session_add"))
    event_list = organiser_client.get(reverse("admin:g40events_event_changelist")).content.decode()

    assert breadcrumbs(add_page) == "Voorpagina › Netwerkdagen › Netwerkdagen › Netwerkdag toevoegen"
    assert breadcrumbs(change_page) == (
        "Voorpagina › Netwerkdagen › Netwerkdagen › Ambtelijke netwerkdag Dordrecht"
    )
    assert breadcrumbs(session_add_page) == "Voorpagina › Programma › Sessies › Sessie toevoegen"
    add_button = re.search(r'<a href="[^"]*" class="addlink">(.*?)</a>', event_list, re.S).group(1)
    assert add_button.strip() == "Netwerkdag toevoegen"


def test_admin_inline_add_link_keeps_the_name_in_lower_case(organiser_client):
    session = make_session()

    html = organiser_client.get(reverse("admin:programme_session_change", args=[session.pk])).content.decode()

    add_texts = [
        json.loads(data.replace("&quot;", '"'))["options"]["addText"]
        for data in re.findall(r'data-inline-formset="([^"]*)"', html)
    ]
    assert add_texts == ["Nog een spreker in sessie toevoegen", "Nog een materiaal toevoegen"]


def test_admin_two_pane_pickers_speak_dutch(organiser_client):
    """Django 5.2's selector asks for "Choose all %s", which its Dutch catalogue lacks."""
    catalogue = organiser_client.get(reverse("admin:jsi18n")).content.decode()

    assert '"Choose all %s": "Kies alle %s"' in catalogue
    assert '"Remove all %s": "Verwijder alle %s"' in catalogue
    assert '"Chosen %s": "Gekozen %s"' in catalogue


def test_admin_list_editable_fields_name_their_row(organiser_client):
    make_pillar(name="Sociale pijler", position=1)

    html = organiser_client.get(reverse("admin:g40events_pillar_changelist")).content.decode()

    assert re.findall(r'<input type="number" name="form-0-position"[^>]*aria-label="([^"]*)"', html) == [
        "Volgorde van Sociale pijler"
    ]


def test_admin_index_hidden_column_headings_are_dutch(organiser_client):
    html = organiser_client.get(reverse("admin:index")).content.decode()

    headings = re.findall(r'<th scope="col">(.*?)</th>', html)
    assert set(headings) == {"Onderdeel", "Toevoegen", "Wijzigen of bekijken"}
    assert "Model name" not in html


def test_admin_pages_carry_the_favicon(organiser_client):
    html = organiser_client.get(reverse("admin:g40events_event_changelist")).content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_admin_dates_and_times_are_the_browsers_own_inputs(organiser_client):
    event = make_event(
        date=datetime.date(2030, 5, 1),
        registration_opens_at=datetime.datetime(2030, 3, 1, 9, 0, tzinfo=datetime.UTC),
    )

    html = organiser_client.get(reverse("admin:g40events_event_change", args=[event.pk])).content.decode()

    assert re.search(r'<input type="date" name="date" value="2030-05-01"', html)
    assert re.search(r'<input type="time" name="start_time" value="09:30"', html)
    # 09:00 UTC is 10:00 in the Netherlands on 1 March (winter time).
    assert re.search(
        r'<input type="datetime-local" name="registration_opens_at" value="2030-03-01T10:00"', html
    )
    assert "datetimeshortcuts" not in html and "vDateField" not in html


@pytest.mark.parametrize(
    ("url_name", "field"),
    [("admin:checkin_checkin_add", "checked_in_at"), ("admin:checkin_attendance_add", "marked_at")],
)
def test_admin_check_in_pages_use_the_browsers_date_and_time_input(admin_client, url_name, field):
    html = admin_client.get(reverse(url_name)).content.decode()

    assert re.search(rf'<label[^>]* for="id_{field}">', html)
    assert re.search(rf'<input type="datetime-local" name="{field}"[^>]* id="id_{field}"', html)
    assert "vDateField" not in html


def test_admin_event_saves_from_the_browsers_date_and_time_inputs(organiser_client):
    city = make_organisation(name="Ede")

    response = organiser_client.post(
        reverse("admin:g40events_event_add"),
        {
            "title": "Ambtelijke netwerkdag Ede 2031",
            "slug": "ambtelijke-netwerkdag-ede-2031",
            "kind": "ambtelijk",
            "status": "draft",
            "date": "2031-04-10",
            "start_time": "09:30",
            "end_time": "16:00",
            "host_city": city.pk,
            "registration_opens_at": "2031-02-01T09:00",
            "registration_closes_at": "",
            "capacity": "",
            "ask_dietary_needs": "on",
            "reminder_days_before": "3",
            "recaps-TOTAL_FORMS": "0",
            "recaps-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, page_text(response)[:2000]
    event = Event.objects.get(slug="ambtelijke-netwerkdag-ede-2031")
    assert event.date == datetime.date(2031, 4, 10)
    assert event.start_time == datetime.time(9, 30)
    assert event.registration_opens_at == datetime.datetime(2031, 2, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("name", "sort_name"),
    [
        ("Femke de Vries", "Vries, Femke de"),
        ("Peter Hein van Mulligen", "Mulligen, Peter Hein van"),
        ("Jan van der Berg", "Berg, Jan van der"),
        ("Ria van 't Hek", "Hek, Ria van 't"),
        ("Anna Jansen-de Boer", "Jansen-de Boer, Anna"),
        ("Kees De Vries", "De Vries, Kees"),
        ("Piet Jansen", "Jansen, Piet"),
        ("Madonna", "Madonna"),
    ],
)
def test_dutch_sort_name_files_under_the_surname(name, sort_name):
    assert dutch_sort_name(name) == sort_name


def test_speaker_without_sort_name_files_under_the_surname_on_the_speakers_page(client):
    femke = make_speaker(name="Femke de Vries", slug="femke-de-vries")
    make_session(speakers=[femke, make_speaker(name="Anne Bakker", slug="anne-bakker")])

    assert Speaker.objects.get(pk=femke.pk).sort_name == "Vries, Femke de"
    assert Speaker.objects.get(pk=femke.pk).initial == "V"
    text = page_text(client.get(reverse("speakers:list")))
    assert text.index("Anne Bakker") < text.index("Femke de Vries")
