"""Announcing a netwerkdag on the home page takes the announcement over in one step; defaults come
from the site's clock."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from g40events.models import Event
from tests.factories import make_event
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db


def event_form_data(event: Event, **changes) -> dict:
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": event.kind,
        "status": event.status,
        "date": event.date.isoformat(),
        "start_time": "09:30",
        "end_time": "16:30",
        "host_city": event.host_city_id,
        "ask_dietary_needs": "on",
        "ask_accessibility_needs": "on",
        "reminder_days_before": "3",
        "recaps-TOTAL_FORMS": "0",
        "recaps-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def save(client, event, **changes):
    response = client.post(
        reverse("admin:g40events_event_change", args=[event.pk]), event_form_data(event, **changes)
    )
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def test_event_form_names_the_netwerkdag_that_is_announced(organiser_client):
    make_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21), is_announced=True)
    other = make_event(title="Netwerkdag Ede")

    text = page_text(organiser_client.get(reverse("admin:g40events_event_change", args=[other.pk])))

    assert (
        "Nu is “Netwerkdag Dordrecht” (21 november 2030) aangekondigd. Vink aan om de aankondiging "
        "over te nemen: die netwerkdag wordt dan niet meer aangekondigd."
    ) in text


def test_event_takes_the_announcement_over_in_one_step(organiser_client):
    dordrecht = make_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21), is_announced=True)
    ede = make_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))

    response, messages = save(organiser_client, ede, is_announced="on")

    assert response.status_code == 302
    assert list(Event.objects.announced()) == [ede]
    assert Event.objects.get(pk=dordrecht.pk).is_announced is False
    assert (
        "“Netwerkdag Ede” is nu aangekondigd op de homepage, in plaats van “Netwerkdag Dordrecht”."
        in messages
    )
    assert not any(message.startswith("Let op") for message in messages)


def test_event_announced_warns_when_another_netwerkdag_comes_first(organiser_client, settings):
    settings.SITE_DATE = datetime.date(2030, 1, 1)
    make_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))
    make_event(title="Netwerkdag Zwolle (concept)", date=datetime.date(2030, 3, 1), status="draft")
    dordrecht = make_event(title="Netwerkdag Dordrecht", date=datetime.date(2030, 11, 21))

    _response, messages = save(organiser_client, dordrecht, is_announced="on")

    assert Event.objects.get(pk=dordrecht.pk).is_announced is True
    assert (
        "Let op: “Netwerkdag Dordrecht” is niet de eerstvolgende netwerkdag. Eerder is “Netwerkdag Ede” "
        "op 1 mei 2030."
    ) in messages


def test_event_announced_that_is_past_is_warned_about(organiser_client, settings):
    settings.SITE_DATE = datetime.date(2031, 1, 1)
    event = make_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))

    _response, messages = save(organiser_client, event, is_announced="on")

    assert "Let op: “Netwerkdag Ede” is al voorbij en staat toch aangekondigd op de homepage." in messages


def test_draft_cannot_take_the_announcement_over(organiser_client):
    dordrecht = make_event(title="Netwerkdag Dordrecht", is_announced=True)
    draft = make_event(title="Netwerkdag Ede", status="draft")

    response, _messages = save(organiser_client, draft, is_announced="on")

    assert response.status_code == 200
    assert "Alleen een gepubliceerde netwerkdag kan op de homepage worden aangekondigd." in page_text(
        response
    )
    assert list(Event.objects.announced()) == [dordrecht]


def test_recap_publication_date_defaults_to_the_sites_clock(organiser_client, settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)

    html = organiser_client.get(reverse("admin:g40events_recap_add")).content.decode()

    assert 'type="datetime-local" name="published_at" value="2024-05-01T' in html


@pytest.mark.parametrize(
    ("site_date", "opens"),
    [(datetime.date(2024, 5, 1), "2024-05-01T14:00"), (None, "2026-12-01T14:00")],
    ids=["demo-date", "real-clock"],
)
def test_new_netwerkdag_sign_up_opens_at_the_current_hour_of_the_sites_clock(
    organiser_client, settings, site_date, opens
):
    settings.SITE_DATE = site_date
    event = make_event(title="Netwerkdag Ede")

    # 14:37 in Amsterdam.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 13, 37, tzinfo=datetime.UTC), tick=False):
        add_page = organiser_client.get(reverse("admin:g40events_event_add"))
        change_page = organiser_client.get(reverse("admin:g40events_event_change", args=[event.pk]))

    html = add_page.content.decode()
    field = r'<input type="datetime-local" name="{}"[^>]*>'
    assert f'value="{opens}"' in re.search(field.format("registration_opens_at"), html)[0]
    assert "value=" not in re.search(field.format("registration_closes_at"), html)[0]
    text = page_text(add_page)
    assert (
        "Aanmelding opent: Staat op het huidige uur: aanmelden kan zodra de netwerkdag gepubliceerd is. "
        "Leeg: aanmelden is niet mogelijk. Aanmelding sluit: Leeg: tot het begin van de netwerkdag."
    ) in text
    # Open on the add form, so that the window filled in is seen; folded away on a netwerkdag's page.
    assert "<details" not in html
    assert "<details" in change_page.content.decode()
    assert 'name="registration_opens_at"' in change_page.content.decode()
    assert "Staat op het huidige uur" not in page_text(change_page)
