import pytest
from django.template import loader
from django.test import Client
from django.views.defaults import server_error

from tests.factories import make_event
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db


def test_every_page_has_skip_link_landmarks_and_language(client):
    body = client.get("/").content.decode()

    assert body.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in body
    assert '<a class="skip-link" href="#inhoud">Naar de inhoud</a>' in body
    assert '<main id="inhoud" tabindex="-1">' in body
    assert '<nav class="site-nav" aria-label="Hoofdmenu">' in body
    assert "<footer" in body
    assert '<link rel="stylesheet" href="/static/css/site.css">' in body


def test_navigation_marks_the_current_section(client):
    event = make_event()

    body = client.get(event.get_absolute_url()).content.decode()

    assert '<a href="/netwerkdagen/" aria-current="page">Netwerkdagen</a>' in body
    assert '<a href="/sprekers/">Sprekers</a>' in body
    text = page_text(client.get("/"))
    assert "G40 netwerkdagen Netwerkdagen Sprekers Themagroepen Terugblik Nederlands English" in text


def test_footer_links_to_the_privacy_statement(client):
    assert '<a href="/privacy/">Privacy</a>' in client.get("/").content.decode()


def test_language_switch_works_without_a_csrf_token(client):
    event = make_event(title="Netwerkdag Deventer")
    csrf_client = Client(enforce_csrf_checks=True)

    response = csrf_client.post("/i18n/setlang/", {"language": "en", "next": event.get_absolute_url()})

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    body = csrf_client.get(event.get_absolute_url()).content.decode()
    assert '<html lang="en">' in body
    assert (
        '<button type="submit" name="language" value="en" lang="en" aria-current="true">English</button>'
        in body
    )


def test_public_pages_carry_no_csrf_token(client):
    body = client.get("/").content.decode()

    assert "csrfmiddlewaretoken" not in body


def test_unknown_page_is_a_404_in_the_site_style(client):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    text = page_text(response)
    assert "Pagina niet gevonden" in text
    assert "Naar de inhoud G40 netwerkdagen" in text


def test_server_error_page_renders_without_a_request():
    html = loader.get_template("500.html").render()

    assert "Er ging iets mis" in html
    assert '<html lang="nl">' in html
    assert 'href="/static/css/site.css"' in html


def test_server_error_view_serves_the_500_page(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
