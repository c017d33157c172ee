import datetime

import pytest
from django.utils import timezone

from g40events.models import Status
from tests.factories import make_event, make_organisation, make_pillar, make_recap
from tests.public.helpers import page_text, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)


def on(day, month=4):
    return timezone.make_aware(datetime.datetime(2024, month, day, 10))


def test_recap_list_shows_published_recaps_newest_first(client):
    deventer = make_event(title="Netwerkdag Deventer", date=datetime.date(2024, 4, 24))
    make_recap(
        event=deventer, title="Fysieke pijler", summary="De woningmarkt in cijfers.", published_at=on(29)
    )
    make_recap(
        event=deventer, title="Sociale pijler", pillar=make_pillar(name="Sociale pijler"), published_at=on(30)
    )
    make_recap(event=deventer, title="Concept", status=Status.DRAFT, published_at=on(28))
    make_recap(event=deventer, title="Morgen", published_at=on(2, month=5))
    make_recap(event=make_event(status=Status.DRAFT), title="Van een concept-dag", published_at=on(28))

    text = page_text(client.get("/terugblik/"))

    assert (
        "Sociale pijler Netwerkdag Deventer · 30 april 2024 · Sociale pijler "
        "Fysieke pijler Netwerkdag Deventer · 29 april 2024 De woningmarkt in cijfers."
    ) in text
    for hidden in ("Concept", "Morgen", "Van een concept-dag"):
        assert hidden not in text


def test_recap_page_shows_the_text_and_its_netwerkdag(client):
    deventer = make_event(title="Netwerkdag Deventer", date=datetime.date(2024, 4, 24))
    make_recap(
        event=deventer,
        slug="woningmarkt",
        title="De woningmarkt in cijfers",
        body="## Cijfers\n\n- weinig nieuwe **corporatiewoningen**\n\n<script>alert(1)</script>",
        published_at=on(30),
    )
    make_recap(event=deventer, title="Ook die dag", published_at=on(29))

    response = client.get("/terugblik/woningmarkt/")

    text = page_text(response)
    assert (
        "De woningmarkt in cijfers Netwerkdag Deventer, woensdag 24 april 2024 · Gepubliceerd op 30 april 2024"
        in text
    )
    assert "Cijfers weinig nieuwe corporatiewoningen" in text
    assert "Meer over deze netwerkdag Ook die dag" in text
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_recap_page_is_404_before_it_is_published(client):
    make_recap(slug="morgen", published_at=on(2, month=5))
    make_recap(slug="concept", status=Status.DRAFT, published_at=on(20))

    assert client.get("/terugblik/morgen/").status_code == 404
    assert client.get("/terugblik/concept/").status_code == 404


def test_recap_list_with_a_bad_page_number_is_404_not_500(client):
    assert client.get("/terugblik/", {"page": "abc"}).status_code == 404
    assert client.get("/terugblik/", {"page": "99"}).status_code == 404


def test_archive_lists_past_netwerkdagen_by_year_and_upcoming_apart(client):
    make_event(
        title="Netwerkdag Deventer",
        date=datetime.date(2024, 4, 24),
        host_city=make_organisation(name="Deventer"),
    )
    make_event(title="Netwerkdag Zwolle", date=datetime.date(2023, 11, 16))
    make_event(title="Netwerkdag Dordrecht", date=datetime.date(2024, 11, 21))
    make_event(title="Concept", date=datetime.date(2023, 5, 1), status=Status.DRAFT)

    text = page_text(client.get("/netwerkdagen/"))

    assert text.index("Gepland Netwerkdag Dordrecht donderdag 21 november 2024") < text.index(
        "Archief 2024 Netwerkdag Deventer woensdag 24 april 2024 · Deventer 2023 Netwerkdag Zwolle"
    )
    assert "Concept" not in text


def test_recap_and_archive_pages_queries_do_not_grow_with_the_data(client):
    def fill(size):
        for n in range(size):
            event = make_event(date=datetime.date(2023, 1, 1) + datetime.timedelta(days=n))
            make_recap(event=event, pillar=make_pillar(), published_at=on(1))
            make_event(date=datetime.date(2025, 1, 1) + datetime.timedelta(days=n))

    recap = make_recap(slug="vast", published_at=on(1))
    fill(1)
    small = [queries_for(client, url) for url in ("/terugblik/", "/netwerkdagen/", "/terugblik/vast/")]
    for _ in range(5):
        make_recap(event=recap.event, pillar=make_pillar(), published_at=on(2))
    fill(15)
    large = [queries_for(client, url) for url in ("/terugblik/", "/netwerkdagen/", "/terugblik/vast/")]

    assert small == large
    # A recap's page also reads the presentations it links to: one query more.
    assert large[0] <= 2 and large[1] <= 2 and large[2] <= 3
