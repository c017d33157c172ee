import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_event, make_recap, make_session, make_speaker

pytestmark = pytest.mark.django_db


def test_dutch_text_on_an_english_page_is_marked_as_dutch(client):
    event = make_event(introduction="Welkom in **Deventer**.")
    recap = make_recap(event=event, body="De dag was een succes.")
    speaker = make_speaker(bio="Onderzoeker bij het SCP.")
    make_session(event=event, speakers=[speaker])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    for url, text in [
        (event.get_absolute_url(), "Welkom in <strong>Deventer</strong>."),
        (recap.get_absolute_url(), "De dag was een succes."),
        (reverse("speakers:detail", kwargs={"slug": speaker.slug}), "Onderzoeker bij het SCP."),
    ]:
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html
        assert f'<div class="prose" lang="nl"><p>{text}' in html, url


def test_dutch_pages_need_no_lang_on_their_parts(client):
    recap = make_recap(body="De dag was een succes.")
    html = client.get(recap.get_absolute_url()).content.decode()
    assert '<div class="prose"><p>De dag was een succes.' in html
    assert 'lang="nl"><p>' not in html
