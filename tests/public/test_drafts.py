import datetime

import pytest
from django.utils import timezone

from g40events.models import Status
from tests.factories import make_event, make_recap, make_session, make_speaker
from tests.public.helpers import make_organiser, page_text

pytestmark = pytest.mark.django_db

BANNER = "Concept — alleen zichtbaar voor organisatoren"


def test_draft_netwerkdag_is_404_for_the_public(client):
    event = make_event(status=Status.DRAFT)

    assert client.get(event.get_absolute_url()).status_code == 404


def test_draft_netwerkdag_is_previewed_by_an_organiser_with_a_banner(client):
    event = make_event(title="Netwerkdag in voorbereiding", status=Status.DRAFT)
    make_session(event=event, title="Eerste sessie")
    client.force_login(make_organiser("g40events.change_event"))

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    text = page_text(response)
    assert text.index(BANNER) < text.index("Netwerkdag in voorbereiding") < text.index("Eerste sessie")
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_published_netwerkdag_shows_no_banner_to_an_organiser(client):
    event = make_event()
    client.force_login(make_organiser("g40events.change_event"))

    assert BANNER not in page_text(client.get(event.get_absolute_url()))


@pytest.mark.parametrize(
    ("permissions", "is_staff"),
    [((), True), (("g40events.change_event",), False), (("g40events.view_event",), True)],
)
def test_draft_netwerkdag_stays_hidden_without_staff_and_change_permission(client, permissions, is_staff):
    event = make_event(status=Status.DRAFT)
    client.force_login(make_organiser(*permissions, is_staff=is_staff))

    assert client.get(event.get_absolute_url()).status_code == 404


def test_session_of_a_draft_netwerkdag_is_previewed_by_an_organiser(client):
    session = make_session(event=make_event(status=Status.DRAFT), title="Sessie in voorbereiding")

    assert client.get(session.get_absolute_url()).status_code == 404
    client.force_login(make_organiser("programme.change_session"))
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in page_text(response)


def test_draft_recap_is_previewed_by_an_organiser(client):
    recap = make_recap(title="Terugblik in de maak", status=Status.DRAFT)

    assert client.get(recap.get_absolute_url()).status_code == 404
    client.force_login(make_organiser("g40events.change_recap"))
    response = client.get(recap.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in page_text(response)


def test_scheduled_recap_is_previewed_with_its_moment_on_the_sites_clock(client, settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)
    moment = timezone.make_aware(datetime.datetime(2024, 5, 3, 9, 30))
    scheduled = make_recap(title="Komt overmorgen", published_at=moment)

    assert client.get(scheduled.get_absolute_url()).status_code == 404
    client.force_login(make_organiser("g40events.change_recap"))
    text = page_text(client.get(scheduled.get_absolute_url()))
    assert "Gepland voor 3 mei 2024, 09:30 — alleen zichtbaar voor organisatoren" in text
    assert BANNER not in text


def test_speaker_of_drafts_only_is_previewed_by_an_organiser(client):
    speaker = make_speaker(name="Nog onbekend")
    make_session(event=make_event(status=Status.DRAFT), speakers=[speaker])

    assert client.get(speaker.get_absolute_url()).status_code == 404
    client.force_login(make_organiser("speakers.change_speaker"))
    response = client.get(speaker.get_absolute_url())
    assert response.status_code == 200
    assert BANNER in page_text(response)
