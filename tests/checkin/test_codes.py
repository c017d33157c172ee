import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from checkin import codes
from registrations.models import Registration
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


def test_code_is_short_readable_and_names_its_registration():
    registration = sign_up(open_event())

    code = codes.code_for(registration)

    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{1,4}-[0-9A-HJKMNP-TV-Z]{6}", code)
    parsed = codes.parse(code)
    assert parsed.registration_id == registration.pk
    assert parsed.matches(registration)


def test_typed_code_forgives_case_spaces_and_look_alike_letters():
    registration = sign_up(open_event())
    code = codes.code_for(registration)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    parsed = codes.parse(typed)

    assert parsed.registration_id == registration.pk
    assert parsed.matches(registration)


def test_forged_code_does_not_match():
    registration = sign_up(open_event())
    code = codes.code_for(registration)
    last = code[-1]
    forged = code[:-1] + ("0" if last != "0" else "1")

    assert not codes.parse(forged).matches(registration)


def test_code_depends_on_the_secret_key():
    registration = sign_up(open_event())
    code = codes.code_for(registration)

    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert codes.code_for(registration) != code


@pytest.mark.parametrize("text", ["", "-", "ABC", "!!!-123456", "0-000000", "Z" * 20])
def test_nonsense_is_no_code(text):
    assert codes.parse(text) is None


def test_confirmation_mail_shows_the_code_as_text_and_as_inline_qr_image(django_capture_on_commit_callbacks):
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, name="Anna de Vries")
    code = codes.code_for(registration)

    message = mail.outbox[-1]
    assert f"Je aanmeldcode voor de balie: {code}\n" in message.body
    html = message.alternatives[0][0]
    assert f'alt="QR-code van je aanmelding (code {code})"' in html
    assert 'src="cid:checkin-code@g40events"' in html
    # The image sits beside the text and HTML in a multipart/related, the calendar around them.
    mime = message.message()
    assert mime_tree(mime) == [
        "multipart/mixed",
        [
            "multipart/related",
            ["multipart/alternative", "text/plain", "text/html"],
            "image/png",
        ],
        "text/calendar",
    ]
    assert mime.get_payload(0).get_param("type") == "multipart/alternative"
    image = mime.get_payload(0).get_payload(1)
    assert image["Content-ID"] == "<checkin-code@g40events>"
    assert image.get_payload(decode=True).startswith(b"\x89PNG")


def mime_tree(part):
    if not part.is_multipart():
        return part.get_content_type()
    return [part.get_content_type(), *(mime_tree(child) for child in part.get_payload())]


def test_personal_page_shows_the_code_and_its_qr_as_svg(client):
    registration = sign_up(open_event())
    code = codes.code_for(registration)

    page = client.get(registration.get_absolute_url()).content.decode()

    assert "Je aanmeldcode voor de balie" in page
    assert f'<strong class="checkin-code__text">{code}</strong>' in page
    assert '<svg role="img" aria-label="QR-code van je aanmelding"' in page


def test_personal_page_of_a_cancelled_registration_shows_no_code(client):
    registration = sign_up(open_event())
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)

    page = client.get(registration.get_absolute_url()).content.decode()

    assert "Je aanmeldcode" not in page


def test_personal_page_shows_the_own_next_session_on_the_day(client):
    event = open_event(date=datetime.date(2030, 5, 1))
    morning = signup_session(
        event, title="Ochtendsessie", location="Raadzaal",
        start_time=datetime.time(10, 0), end_time=datetime.time(11, 0),
    )  # fmt: skip
    afternoon = signup_session(
        event, title="Middagsessie", location="Trouwzaal",
        start_time=datetime.time(13, 0), end_time=datetime.time(14, 0),
    )  # fmt: skip
    registration = sign_up(event, [morning, afternoon])
    url = registration.get_absolute_url()

    before = client.get(url).content.decode()
    with time_machine.travel(datetime.datetime(2030, 5, 1, 10, 30, tzinfo=datetime.UTC), tick=False):
        during_morning = client.get(url).content.decode()  # 12:30 in Amsterdam
    with time_machine.travel(datetime.datetime(2030, 5, 1, 8, 30, tzinfo=datetime.UTC), tick=False):
        at_ten_thirty = client.get(url).content.decode()

    assert "Je volgende sessie" not in before
    assert '<h2 id="volgende-sessie">Je volgende sessie</h2>' in during_morning
    assert "<strong>13:00–14:00</strong> Middagsessie<br>Waar: Trouwzaal" in during_morning
    assert '<h2 id="volgende-sessie">Je sessie nu</h2>' in at_ten_thirty
    assert "<strong>10:00–11:00</strong> Ochtendsessie<br>Waar: Raadzaal" in at_ten_thirty
