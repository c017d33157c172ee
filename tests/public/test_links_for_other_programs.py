"""Where readers and their programs find the data: the programme as frab JSON, the calendar
feed to subscribe to, and robots.txt for search engines."""

import pytest

from tests.factories import make_event, make_session
from tests.public.helpers import page_text, queries_for

pytestmark = pytest.mark.django_db

SCHEDULE_LINK_TEXT = "Het programma als JSON voor congres-apps (frab-formaat)"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://netwerkdagen.example.nl"


def test_event_page_links_to_its_programme_as_frab_json(client):
    event = make_event(slug="netwerkdag-deventer")
    make_session(event=event)

    response = client.get(event.get_absolute_url())

    body = response.content.decode()
    assert (
        '<link rel="alternate" type="application/json" href="/netwerkdagen/netwerkdag-deventer/programma.json"'
        f' title="{SCHEDULE_LINK_TEXT}">' in body
    )
    assert (
        '<a href="/netwerkdagen/netwerkdag-deventer/programma.json" type="application/json">'
        f"{SCHEDULE_LINK_TEXT}</a>" in body
    )
    schedule = client.get("/netwerkdagen/netwerkdag-deventer/programma.json")
    assert schedule["Content-Type"].startswith("application/json")
    assert schedule.json()["schedule"]["conference"]["acronym"] == "netwerkdag_deventer"


def test_event_page_without_a_programme_offers_no_programme_data(client):
    event = make_event()

    response = client.get(event.get_absolute_url())

    assert "programma.json" not in response.content.decode()
    assert "Het programma volgt." in page_text(response)


def test_archive_offers_the_calendar_feed_to_subscribe_to(client):
    response = client.get("/netwerkdagen/")

    body = response.content.decode()
    assert (
        '<a class="button" href="webcal://netwerkdagen.example.nl/agenda.ics">Abonneer op de agenda</a>'
        in body
    )
    assert (
        '<a href="https://netwerkdagen.example.nl/agenda.ics">https://netwerkdagen.example.nl/agenda.ics</a>'
        in body
    )
    assert "Alle netwerkdagen in je eigen agenda" in page_text(response)
    feed = client.get("/agenda.ics")
    assert feed["Content-Type"].startswith("text/calendar")


def test_archive_queries_stay_the_same_with_the_calendar_links(client):
    make_event()
    few = queries_for(client, "/netwerkdagen/")
    for _ in range(5):
        make_event()

    assert queries_for(client, "/netwerkdagen/") == few


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_registrations_and_names_the_sitemap(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /beheer/\n"
        "Disallow: /aanmelding/\n"
        "\n"
        "Sitemap: https://netwerkdagen.example.nl/sitemap.xml\n"
    )
    assert client.get("/sitemap.xml").status_code == 200
