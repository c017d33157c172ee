"""The admin login is throttled per account and address, and never locks out a whole city hall."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from tests.security.test_headers import directives

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the web server in front of gunicorn
CITY_HALL = "192.0.2.10"  # one NAT address for everybody at the Dordrecht city hall
PASSWORD = "een-lang-en-goed-wachtwoord"


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    """Each login checks a password: a fast hasher keeps these many logins quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisers():
    model = get_user_model()
    return [
        model.objects.create_user(username, f"{username}@dordrecht.nl", PASSWORD, is_staff=True)
        for username in ("anna", "bram")
    ]


def log_in(client, username, password, *, address=CITY_HALL, remote_addr=PROXY):
    headers = {"REMOTE_ADDR": remote_addr}
    if address is not None:
        headers["HTTP_X_FORWARDED_FOR"] = address
    return client.post(
        "/beheer/login/?next=/beheer/",
        {"username": username, "password": password, "next": "/beheer/"},
        **headers,
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/beheer/"


def minute_after_the_cool_off(before, after) -> set[str]:
    """The clock time the page names: the first whole minute after 15 minutes from the attempt,
    which fell between `before` and `after` (one time, or two across a minute's turn)."""
    return {
        timezone.localtime(moment + datetime.timedelta(minutes=15, seconds=59)).strftime("%H:%M")
        for moment in (before, after)
    }


def pass_the_cool_off(settings):
    """Axes counts failures newer than the cool-off: move them back by that long, as time would."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)


def test_an_account_is_locked_at_its_address_after_five_failures_and_a_colleague_there_logs_in(
    client, organisers, settings
):
    answers = [log_in(client, "anna", "fout").status_code for _ in range(5)]
    right_password = log_in(client, "anna", PASSWORD)
    colleague = log_in(client, "bram", PASSWORD)

    assert answers == [200, 200, 200, 200, 429]
    assert right_password.status_code == 429
    assert logged_in(colleague)


def test_the_locked_account_logs_in_again_after_the_cool_off(client, organisers, settings):
    for _ in range(5):
        log_in(client, "anna", "fout")
    assert log_in(client, "anna", PASSWORD).status_code == 429

    pass_the_cool_off(settings)

    assert logged_in(log_in(client, "anna", PASSWORD))
    # A successful login forgets the failures: the count starts again.
    assert AccessAttempt.objects.count() == 0


def test_the_same_account_from_another_address_is_not_locked(client, organisers):
    for _ in range(5):
        log_in(client, "anna", "fout")

    assert logged_in(log_in(client, "anna", PASSWORD, address="198.51.100.7"))


def test_a_failure_short_of_the_limit_shows_the_admins_own_message(client, organisers):
    for _ in range(3):
        log_in(client, "anna", "fout")

    response = log_in(client, "anna", "fout")

    assert response.status_code == 200
    assert "Voer de correcte gebruikersnaam en wachtwoord voor een stafaccount in." in text_of(response)


def test_the_lockout_page_says_in_dutch_when_to_try_again(client, organisers):
    for _ in range(4):
        log_in(client, "anna", "fout")

    before = timezone.now()
    response = log_in(client, "anna", "fout")
    after = timezone.now()

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = text_of(response)
    assert "<h2>Te veel mislukte pogingen</h2>" in page
    assert any(
        f"Je kunt met deze gebruikersnaam om {at} weer inloggen (over 15 minuten)." in page
        for at in minute_after_the_cool_off(before, after)
    )
    assert (
        "Voor de gebruikersnaam “anna” is vanaf dit adres te vaak een verkeerd wachtwoord ingevuld." in page
    )
    assert "Collega’s met een eigen account kunnen gewoon inloggen." in page
    assert directives(response["Content-Security-Policy"])["style-src"] == "'self'"


def test_the_lockout_page_in_english_when_chosen(client, organisers, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(4):
        log_in(client, "anna", "fout")

    before = timezone.now()
    response = log_in(client, "anna", "fout")
    after = timezone.now()

    page = text_of(response)
    assert "<h2>Too many failed attempts</h2>" in page
    assert any(
        f"You can log in with this username again at {at} (in 15 minutes)." in page
        for at in minute_after_the_cool_off(before, after)
    )


def test_a_client_talking_to_the_app_directly_cannot_escape_with_a_forged_header(client, organisers):
    answers = [
        log_in(client, "anna", "fout", remote_addr="203.0.113.7", address=f"198.51.100.{n}").status_code
        for n in range(5)
    ]

    assert answers == [200, 200, 200, 200, 429]
    assert log_in(client, "anna", PASSWORD, remote_addr="203.0.113.7", address="10.0.0.1").status_code == 429


def test_a_lock_of_the_account_at_the_proxy_is_per_client_behind_it(client, organisers):
    """Behind the proxy every login comes from 127.0.0.1: the lock follows the address it reports."""
    for _ in range(5):
        log_in(client, "anna", "fout", address="203.0.113.7")

    assert log_in(client, "anna", PASSWORD, address="203.0.113.7").status_code == 429
    assert logged_in(log_in(client, "anna", PASSWORD, address=CITY_HALL))
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("anna", "203.0.113.7")]
