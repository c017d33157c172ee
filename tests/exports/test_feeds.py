import datetime
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from g40events.models import Pillar, Status, ThemeGroup
from tests.exports.helpers import SITE_URL, add_sessions, make_deventer
from tests.factories import make_event, make_pillar, make_recap, make_speaker, make_theme_group

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def test_recap_feed_lists_published_recaps_newest_first_in_dutch(client):
    event = make_deventer()
    now = timezone.now()
    pillar = make_pillar(name="Sociale pijler", slug="sociaal")
    make_recap(
        event=event,
        title="Terugblik op de dag",
        slug="terugblik-deventer",
        summary="Vijfhonderd collega's in Deventer.",
        body="Een **mooie** dag.",
        published_at=now - datetime.timedelta(days=2),
    )
    newest = make_recap(
        event=event,
        title="Sociale pijler: bestaanszekerheid",
        slug="sociale-pijler",
        summary="",
        pillar=pillar,
        published_at=now - datetime.timedelta(days=1),
    )
    make_recap(event=event, title="Concept", slug="concept", status=Status.DRAFT)
    make_recap(event=event, title="Gepland", slug="gepland", published_at=now + datetime.timedelta(days=1))
    make_recap(event=make_event(status=Status.DRAFT), title="Van een concept-dag", slug="concept-dag")

    response = client.get("/terugblik/feed/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert feed.findtext(f"{ATOM}title") == "Terugblik op de G40 netwerkdagen"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE_URL}/terugblik/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE_URL}/terugblik/feed/"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "G40 stedennetwerk"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Sociale pijler: bestaanszekerheid",
        "Terugblik op de dag",
    ]
    first, second = entries
    assert first.find(f"{ATOM}link").get("href") == f"{SITE_URL}/terugblik/sociale-pijler/"
    assert first.findtext(f"{ATOM}id") == f"tag:netwerkdagen.example.nl,2024:recap-{newest.pk}"
    assert first.findtext(f"{ATOM}summary") == "Terugblik op Ambtelijke netwerkdag Deventer 2024."
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == [
        "Ambtelijke netwerkdag Deventer 2024",
        "Sociale pijler",
    ]
    assert second.findtext(f"{ATOM}summary") == "Vijfhonderd collega's in Deventer."
    assert second.findtext(f"{ATOM}content") == "<p>Een <strong>mooie</strong> dag.</p>"


@pytest.mark.parametrize("size", [2, 12])
def test_recap_feed_makes_one_query_whatever_the_number_of_recaps(client, django_assert_num_queries, size):
    event = make_deventer()
    pillar = make_pillar()
    for n in range(size):
        make_recap(event=event, pillar=pillar if n % 2 else None)

    with django_assert_num_queries(1):
        response = client.get("/terugblik/feed/")
    assert len(ET.fromstring(response.content).findall(f"{ATOM}entry")) == size


def sitemap_urls(response) -> list[str]:
    return [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_sitemap_lists_public_pages_on_the_canonical_address(client):
    event = make_deventer()
    [session] = add_sessions(event, 1)
    draft = make_event(title="Concept", slug="concept-2025", status=Status.DRAFT)
    add_sessions(draft, 1)
    loner = make_speaker(name="Zonder sessie")
    theme_group = make_theme_group(name="Financiën", slug="financien")
    recap = make_recap(event=event, slug="terugblik-deventer")
    make_recap(event=event, slug="concept-terugblik", status=Status.DRAFT)

    response = client.get("/sitemap.xml", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    urls = sitemap_urls(response)
    speakers = [role.speaker for role in session.speaker_roles.all()]
    expected = [
        "/",
        "/netwerkdagen/",
        "/sprekers/",
        "/themagroepen/",
        "/terugblik/",
        "/toegankelijkheid/",
        "/netwerkdagen/deventer-2024/",
        "/netwerkdagen/deventer-2024/sessies/sessie-0/",
        *sorted(f"/sprekers/{speaker.slug}/" for speaker in speakers),
        # Pillars and theme groups have no concept state: all have a page.
        *[f"/pijlers/{pillar.slug}/" for pillar in Pillar.objects.all()],
        *[f"/themagroepen/{group.slug}/" for group in ThemeGroup.objects.all()],
        f"/terugblik/{recap.slug}/",
    ]
    assert sorted(urls) == sorted(SITE_URL + path for path in expected)
    assert f"{SITE_URL}/themagroepen/{theme_group.slug}/" in urls
    assert not any(loner.slug in url or "concept" in url for url in urls)


@pytest.mark.parametrize("size", [1, 8])
def test_sitemap_makes_six_queries_whatever_the_size(client, django_assert_num_queries, size):
    for n in range(size):
        event = make_deventer(slug=f"netwerkdag-{n}")
        add_sessions(event, 3)
        make_recap(event=event)

    with django_assert_num_queries(6):
        response = client.get("/sitemap.xml")
    assert len(sitemap_urls(response)) == 6 + size * (1 + 3 + 6 + 1 + 1 + 1)


def test_health_says_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert "X-Cache" not in response


def test_health_is_exempt_from_the_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/").status_code == 301
