"""The sign-up rate limit counts each client, behind the documented proxy and without one."""

import datetime
import re
import time
import zoneinfo

import pytest
from django.urls import reverse

from registrations.models import Registration
from tests.registrations.helpers import open_event

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the web server in front of gunicorn, as in the README's deployment
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def form_data(n, **overrides):
    data = {
        "name": f"Collega {n}",
        "email": f"collega{n}@dordrecht.example",
        "organisation_other": "Gemeente Dordrecht",
        "job_title": "Beleidsadviseur",
        "consent": "on",
        "submission": f"form-{n}",
    }
    data.update(overrides)
    return data


def sign_up(client, event, n, *, remote_addr=PROXY, forwarded_for=None, **overrides):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    url = reverse("registrations:register", kwargs={"slug": event.slug})
    return client.post(url, form_data(n, **overrides), **headers)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_behind_the_proxy_a_flooding_client_is_limited_and_another_signs_up_at_once(client, settings):
    settings.REGISTRATION_RATE_LIMIT = (3, 600)
    event = open_event()

    flood = [sign_up(client, event, n, forwarded_for="203.0.113.7").status_code for n in range(6)]
    colleague = sign_up(client, event, 100, forwarded_for="198.51.100.20")

    assert flood == [302, 302, 302, 429, 429, 429]
    assert colleague.status_code == 302
    assert Registration.objects.count() == 4


def test_behind_the_proxy_a_client_cannot_escape_by_writing_its_own_forwarded_for(client, settings):
    """The proxy appends the address it saw; what the client sent stands to the left of it."""
    settings.REGISTRATION_RATE_LIMIT = (2, 600)
    event = open_event()

    answers = [
        sign_up(client, event, n, forwarded_for=f"198.51.100.{n}, 203.0.113.7").status_code for n in range(4)
    ]
    many = sign_up(
        client,
        event,
        10,
        forwarded_for=", ".join(f"10.0.{n // 256}.{n % 256}" for n in range(2000)) + ", 203.0.113.7",
    )

    assert answers == [302, 302, 429, 429]
    assert many.status_code == 429


def test_a_client_talking_to_the_app_directly_cannot_escape_with_a_forged_header(client, settings):
    settings.REGISTRATION_RATE_LIMIT = (2, 600)
    event = open_event()
    direct = "203.0.113.7"

    answers = [
        sign_up(client, event, 0, remote_addr=direct).status_code,
        sign_up(client, event, 1, remote_addr=direct, forwarded_for="198.51.100.1").status_code,
        sign_up(client, event, 2, remote_addr=direct, forwarded_for="198.51.100.2").status_code,
        sign_up(client, event, 3, remote_addr=direct, forwarded_for="127.0.0.1").status_code,
        sign_up(
            client,
            event,
            4,
            remote_addr=direct,
            forwarded_for=", ".join(f"198.51.100.{n}" for n in range(200)),
        ).status_code,
    ]

    assert answers == [302, 302, 429, 429, 429]
    assert Registration.objects.count() == 2


def limited_answer(client, event):
    """Sign up past a limit of one; the 429 and the fixed window (600 s) it fell in.

    Tried again in the rare case that a window ended while the request ran.
    """
    for attempt in range(2):
        before = time.time()
        sign_up(client, event, 2 * attempt, forwarded_for="203.0.113.7")
        response = sign_up(
            client,
            event,
            2 * attempt + 1,
            forwarded_for="203.0.113.7",
            name="Anna de Vries",
            email="anna@dordrecht.example",
            job_title="Beleidsadviseur wonen",
        )
        after = time.time()
        if int(before // 600) == int(after // 600):
            return response, (int(before // 600) + 1) * 600, before, after
    raise AssertionError("two windows ended during two requests")


def test_limited_client_gets_429_retry_after_and_the_time_to_try_again_in_dutch(client, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    event = open_event()

    response, window_end, before, after = limited_answer(client, event)

    assert response.status_code == 429
    assert int(window_end - after) <= int(response["Retry-After"]) <= int(window_end - before) + 1
    at = datetime.datetime.fromtimestamp(window_end, tz=AMSTERDAM).strftime("%H:%M")
    page = text_of(response)
    assert (
        f"Er komen nu heel veel aanmeldingen binnen vanaf jouw netwerk. Probeer het om {at} opnieuw; "
        "wat je invulde staat er nog." in page
    )
    # What the visitor typed is still in the form.
    assert 'value="Anna de Vries"' in page
    assert 'value="anna@dordrecht.example"' in page
    assert 'value="Beleidsadviseur wonen"' in page


def test_limited_client_reads_when_to_try_again_in_english_when_chosen(client, settings):
    settings.REGISTRATION_RATE_LIMIT = (1, 600)
    event = open_event()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response, window_end, _before, _after = limited_answer(client, event)

    at = datetime.datetime.fromtimestamp(window_end, tz=AMSTERDAM).strftime("%H:%M")
    assert response.status_code == 429
    assert (
        f"A great many registrations are coming in from your network right now. Please try again at {at}; "
        "what you entered is still there." in text_of(response)
    )


def test_a_whole_city_hall_behind_one_address_and_the_proxy_gets_through_with_the_default_limit(client):
    """A hundred colleagues behind their city hall's NAT address, through the site's proxy."""
    event = open_event(capacity=None)

    answers = [sign_up(client, event, n, forwarded_for="192.0.2.10").status_code for n in range(100)]

    assert answers == [302] * 100
    assert Registration.objects.filter(event=event).count() == 100
