import datetime

import pytest
from django.utils import timezone

from g40events.models import Status
from tests.factories import make_event, make_organisation, make_pillar, make_recap
from tests.public.helpers import page_text, queries_for, url_or_none

pytestmark = pytest.mark.django_db

SITE_DATE = datetime.date(2024, 5, 1)


def aware(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = SITE_DATE


def test_home_announces_the_announced_netwerkdag(client):
    make_event(title="Netwerkdag Breda", date=datetime.date(2024, 6, 12))
    dordrecht = make_event(
        title="Ambtelijke netwerkdag Dordrecht",
        date=datetime.date(2024, 11, 21),
        host_city=make_organisation(name="Dordrecht"),
        venue_name="Energiehuis",
        venue_address="Noordendijk 250, 3311 RR Dordrecht",
        is_announced=True,
    )

    response = client.get("/")

    text = page_text(response)
    assert "Volgende netwerkdag: Dordrecht, donderdag 21 november 2024" in text
    assert "Energiehuis Noordendijk 250, 3311 RR Dordrecht" in text
    assert f'href="{dordrecht.get_absolute_url()}"' in response.content.decode()
    # The other upcoming netwerkdag is listed apart.
    assert text.index("Ook gepland") < text.index("Netwerkdag Breda")


def test_home_links_to_the_calendar_file_of_the_next_netwerkdag(client):
    event = make_event(date=datetime.date(2024, 11, 21), is_announced=True)
    ics_url = url_or_none("events:ics", slug=event.slug)
    if ics_url is None:
        pytest.skip("the calendar export is not there yet")

    response = client.get("/")

    assert f'href="{ics_url}"' in response.content.decode()
    assert "Zet in je agenda" in page_text(response)


def test_home_offers_sign_up_only_while_registration_is_open(client):
    open_event = make_event(
        title="Open dag",
        date=datetime.date(2024, 11, 21),
        is_announced=True,
        registration_opens_at=aware(2024, 4, 25),
        registration_closes_at=aware(2024, 11, 14),
    )
    register_url = url_or_none("registrations:register", slug=open_event.slug)

    response = client.get("/")

    assert f'href="{register_url}"' in response.content.decode()
    assert "Aanmelden kan tot 14 november 2024, 09:00 uur." in page_text(response)


def test_home_says_when_registration_opens(client):
    event = make_event(
        date=datetime.date(2024, 11, 21),
        is_announced=True,
        registration_opens_at=aware(2024, 9, 2),
    )

    response = client.get("/")

    text = page_text(response)
    assert "Aanmelden kan vanaf maandag 2 september 2024." in text
    assert url_or_none("registrations:register", slug=event.slug) not in response.content.decode()


def test_home_without_announcement_shows_the_next_published_netwerkdag(client):
    make_event(title="Concept", date=datetime.date(2024, 5, 20), status=Status.DRAFT)
    make_event(title="Later", date=datetime.date(2024, 12, 5), host_city=make_organisation(name="Zwolle"))
    make_event(title="Eerder", date=datetime.date(2024, 6, 12), host_city=make_organisation(name="Breda"))

    text = page_text(client.get("/"))

    assert "Volgende netwerkdag: Breda, woensdag 12 juni 2024" in text
    assert "Concept" not in text


def test_home_skips_an_announcement_that_is_past(client):
    make_event(title="Voorbij", date=datetime.date(2024, 4, 24), is_announced=True)
    make_event(date=datetime.date(2024, 6, 12), host_city=make_organisation(name="Breda"))

    text = page_text(client.get("/"))

    assert "Volgende netwerkdag: Breda, woensdag 12 juni 2024" in text


def test_home_without_host_city_gives_the_date(client):
    make_event(date=datetime.date(2024, 5, 29), host_city=None, is_announced=True)

    text = page_text(client.get("/"))

    assert "Volgende netwerkdag: woensdag 29 mei 2024" in text
    assert "Gastgemeente Volgt nog" in text


def test_home_without_upcoming_netwerkdag_says_so(client):
    make_event(date=datetime.date(2024, 4, 24))

    text = page_text(client.get("/"))

    assert "Er is op dit moment geen netwerkdag gepland." in text


def test_home_lists_the_latest_published_recaps(client):
    event = make_event(date=datetime.date(2024, 4, 24), title="Netwerkdag Deventer")
    for day in (20, 25, 26, 27):
        make_recap(event=event, title=f"Terugblik {day} april", published_at=aware(2024, 4, day))
    make_recap(event=event, title="Concept-terugblik", status=Status.DRAFT, published_at=aware(2024, 4, 28))
    make_recap(event=event, title="Gepland voor later", published_at=aware(2024, 5, 10))

    text = page_text(client.get("/"))

    assert (
        text.index("Terugblik 27 april") < text.index("Terugblik 26 april") < text.index("Terugblik 25 april")
    )
    for hidden in ("Terugblik 20 april", "Concept-terugblik", "Gepland voor later"):
        assert hidden not in text


def test_home_leads_to_pillars_theme_groups_speakers_and_archive(client):
    make_pillar(name="Sociale pijler", slug="sociale-pijler")

    body = client.get("/").content.decode()

    for href in ("/pijlers/sociale-pijler/", "/themagroepen/", "/sprekers/", "/netwerkdagen/"):
        assert f'href="{href}"' in body


def _fill_home(size):
    for n in range(size):
        event = make_event(date=datetime.date(2024, 6, 1) + datetime.timedelta(days=n))
        make_recap(event=event, published_at=aware(2024, 4, 1))
        make_pillar()


def test_home_queries_do_not_grow_with_the_data(client):
    make_event(date=datetime.date(2024, 11, 21), is_announced=True)
    _fill_home(1)
    small = queries_for(client, "/")
    _fill_home(12)
    large = queries_for(client, "/")

    assert small == large <= 4
