"""What holds for every public page: nothing inline that a Content-Security-Policy would block."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import (
    make_material,
    make_organisation,
    make_pillar,
    make_recap,
    make_speaker,
    make_theme_group,
)
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls(settings):
    """A netwerkdag open for sign-up with a session of every kind of content, and its pages."""
    pillar = make_pillar(name="Sociale pijler", description="De **sociale** pijler.")
    group = make_theme_group(
        name="Armoede", pillar=pillar, description="Over [armoede](https://example.org)."
    )
    speaker = make_speaker(
        name="Jaco Dagevos", organisation=make_organisation(name="SCP"), bio="Onderzoeker."
    )
    event = open_event(title="Netwerkdag Deventer", introduction="Welkom in *Deventer*.")
    session = signup_session(
        event,
        title="Wonen",
        description="Over wonen.",
        pillars=[pillar],
        theme_groups=[group],
        speakers=[speaker],
    )
    make_material(session=session)
    recap = make_recap(event=event, body="Het was **goed**.")
    registration = sign_up(event, [session])
    return [
        "/",
        reverse("events:archive"),
        event.get_absolute_url(),
        event.get_absolute_url() + f"?pijler={pillar.slug}",
        session.get_absolute_url(),
        reverse("speakers:list"),
        speaker.get_absolute_url(),
        pillar.get_absolute_url(),
        reverse("events:theme_groups"),
        group.get_absolute_url(),
        reverse("events:recaps"),
        recap.get_absolute_url(),
        reverse("registrations:register", kwargs={"slug": event.slug}),
        reverse("registrations:thanks", kwargs={"slug": event.slug}),
        reverse("registrations:privacy"),
        registration.get_absolute_url(),
        "/bestaat-niet/",
    ]


INLINE = re.compile(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*type=\"application/ld\+json\")", re.I)


def test_public_pages_have_no_inline_styles_scripts_or_event_handlers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert INLINE.findall(response.content.decode()) == [], url

    invalid_sign_up = client.post(public_urls[12], {"name": "", "submission": "x"})
    assert "Er zijn" in invalid_sign_up.content.decode()
    assert INLINE.findall(invalid_sign_up.content.decode()) == []


def test_no_page_export_or_confirmation_mail_converts_markdown(
    client, public_urls, monkeypatch, django_capture_on_commit_callbacks
):
    """Organiser-written Markdown is converted when it is saved; no request builds a converter."""
    import markdown

    from g40events.models import Event

    event = Event.objects.get(title="Netwerkdag Deventer")
    event.confirmation_text = "Neem de **trein**."
    event.save()
    session = event.sessions.get()
    exports = [
        "/agenda.ics",
        reverse("events:ics", kwargs={"slug": event.slug}),
        reverse("programme:ics", kwargs={"event_slug": event.slug, "slug": session.slug}),
        reverse("events:schedule", kwargs={"slug": event.slug}),
        reverse("events:recap_feed"),
        "/sitemap.xml",
    ]

    def no_converter(*args, **kwargs):
        raise AssertionError("a request built a Markdown converter")

    monkeypatch.setattr(markdown.Markdown, "__init__", no_converter)
    pages = {url: client.get(url) for url in public_urls + exports}
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, [session], email="anna@deventer.example")

    assert {url: response.status_code for url, response in pages.items()} == {
        url: 404 if url == "/bestaat-niet/" else 200 for url in public_urls + exports
    }
    assert "Welkom in <em>Deventer</em>." in pages[event.get_absolute_url()].content.decode()
    assert "<p>Over wonen.</p>" in pages[session.get_absolute_url()].content.decode()
    assert "Het was <strong>goed</strong>." in pages[public_urls[11]].content.decode()
    assert '"description": "Over wonen."' in pages[exports[3]].content.decode()
    assert "Het was &lt;strong&gt;goed&lt;/strong&gt;." in pages[exports[4]].content.decode()
    assert "DESCRIPTION:Welkom in Deventer." in pages[exports[1]].content.decode()
    assert "<p>Neem de <strong>trein</strong>.</p>" in mail.outbox[-1].alternatives[0][0]


ICON_LINK = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_public_pages_link_the_svg_icon(client, public_urls):
    assert [url for url in public_urls if ICON_LINK not in client.get(url).content.decode()] == []


def test_favicon_ico_is_served_at_the_root_for_browsers_that_ask_for_it(client):
    response = client.get("/favicon.ico")

    icon = b"".join(response.streaming_content)
    assert (response.status_code, response["Content-Type"]) == (200, "image/x-icon")
    # An ICO file: reserved 0, type 1 (icon), three images (16, 32 and 48 px).
    assert (icon[:4], int.from_bytes(icon[4:6], "little")) == (b"\x00\x00\x01\x00", 3)
    assert [(icon[6 + 16 * i], icon[7 + 16 * i]) for i in range(3)] == [(16, 16), (32, 32), (48, 48)]
