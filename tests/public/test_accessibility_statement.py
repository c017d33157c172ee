"""The accessibility statement (toegankelijkheidsverklaring): what it says, in Dutch and English,
and that every page leads to it."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_event, make_session
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db

URL = "/toegankelijkheid/"


def test_statement_names_the_standard_the_tests_the_limitations_and_where_to_report(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "toegankelijkheid@g40steden.example"
    settings.SITE_URL = "https://netwerkdagen.example.nl"

    response = client.get(URL)
    text = page_text(response)

    assert response.status_code == 200
    assert "<title>Toegankelijkheidsverklaring · G40 netwerkdagen</title>" in response.content.decode()
    assert (
        "Organisatie G40 stedennetwerk Website https://netwerkdagen.example.nl "
        "Status Voldoet gedeeltelijk aan de eisen Datum van deze verklaring dinsdag 1 december 2026"
    ) in text
    assert "Web Content Accessibility Guidelines (WCAG) 2.1, op niveau A en AA" in text
    assert "Europese norm EN 301 549" in text
    assert "controleert axe-core in de browser Chromium elke soort openbare pagina" in text
    assert "Met een schermlezer (zoals NVDA of VoiceOver) is de website nog niet systematisch getest" in text
    assert (
        "Presentaties en andere bestanden die sprekers aanleveren (PDF, PowerPoint, Word) "
        "controleren we niet op toegankelijkheid."
    ) in text
    assert "Mail dan naar toegankelijkheid@g40steden.example." in text
    assert '<a href="mailto:toegankelijkheid@g40steden.example">' in response.content.decode()
    assert "Je krijgt binnen 5 werkdagen antwoord." in text
    assert [line for line in response.content.decode().splitlines() if line.startswith("<h2>")] == [
        "<h2>Aan welke eisen de website moet voldoen</h2>",
        "<h2>Hoe we dat testen</h2>",
        "<h2>Wat nog niet toegankelijk is</h2>",
        "<h2>Een probleem melden</h2>",
    ]


def test_statement_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    text = page_text(client.get(URL))

    assert "Accessibility statement" in text
    assert "Status Partially meets the requirements Date of this statement Tuesday 1 December 2026" in text
    assert (
        "We do not check presentations and other files that speakers provide (PDF, PowerPoint, Word)" in text
    )
    assert "You will get an answer within 5 working days." in text


def test_contact_address_defaults_to_the_sender_of_the_sites_mail():
    assert settings.ACCESSIBILITY_CONTACT_EMAIL == "netwerkdag@g40steden.nl"


def test_every_page_links_to_the_statement_in_its_footer(client):
    session = make_session(event=make_event(slug="deventer"), slug="wonen")
    for url in [
        "/",
        "/netwerkdagen/deventer/",
        session.get_absolute_url(),
        reverse("registrations:privacy"),
        URL,
        "/bestaat-niet/",
    ]:
        footer = client.get(url).content.decode().split('<footer class="site-footer">')[1]
        assert '<a href="/toegankelijkheid/">Toegankelijkheid</a>' in footer, url


def test_statement_is_in_the_sitemap(client, settings):
    settings.SITE_URL = "https://netwerkdagen.example.nl"

    sitemap = client.get("/sitemap.xml").content.decode()

    assert "<loc>https://netwerkdagen.example.nl/toegankelijkheid/</loc>" in sitemap
