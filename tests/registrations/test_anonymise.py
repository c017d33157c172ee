import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from registrations.models import EmailLog, Place, Registration
from tests.factories import make_organisation
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db


def past_event(days_ago: int):
    return open_event(
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        registration_opens_at=timezone.now() - datetime.timedelta(days=days_ago + 30),
    )


def sign_up_then_move(event, **kwargs):
    """Sign up while the day is still ahead, then move the day into the past."""
    real_date, real_opens = event.date, event.registration_opens_at
    event.date, event.registration_opens_at = (
        datetime.date(2030, 1, 1),
        timezone.now() - datetime.timedelta(days=1),
    )
    event.save()
    registration = sign_up(event, **kwargs)
    event.date, event.registration_opens_at = real_date, real_opens
    event.save()
    return registration


def test_anonymise_registrations_removes_personal_data_and_keeps_the_counts(capsys, settings):
    settings.REGISTRATION_ANONYMISE_AFTER_DAYS = 90
    city = make_organisation(name="Gemeente Ede")
    old = past_event(91)
    session = signup_session(old, capacity=1)
    first = sign_up_then_move(
        old, sessions=[session], name="Anna", email="anna@example.org", organisation=city, organisation_name="",
        job_title="Adviseur", dietary_needs="Vegan", accessibility_needs="Rolstoel",
    )  # fmt: skip
    sign_up_then_move(old, sessions=[session], name="Bram", organisation=city, organisation_name="")
    recent = past_event(89)
    kept = sign_up_then_move(recent, name="Cem", email="cem@example.org")
    token = first.manage_token

    call_command("anonymise_registrations")

    assert capsys.readouterr().out == "Anonymised 2 registration(s).\n"
    for registration in Registration.objects.filter(event=old):
        assert (registration.name, registration.email, registration.job_title) == ("", "", "")
        assert (
            registration.dietary_needs,
            registration.accessibility_needs,
            registration.email_normalised,
        ) == ("", "", "")
        assert registration.anonymised_at is not None
    assert list(
        Registration.objects.filter(event=old)
        .values("organisation__name")
        .annotate(n=Count("id"))
        .values_list("organisation__name", "n")
    ) == [("Gemeente Ede", 2)]
    assert dict(Place.objects.filter(session=session).values_list("status").annotate(n=Count("id"))) == {
        "confirmed": 1,
        "waiting": 1,
    }
    assert not EmailLog.objects.filter(registration__event=old).exclude(recipient="").exists()
    kept.refresh_from_db()
    assert (kept.name, kept.email) == ("Cem", "cem@example.org")
    # The old manage link no longer opens anything.
    assert Registration.key_from_token(token) is not None
    assert not Registration.objects.filter(manage_key=Registration.key_from_token(token)).exists()


def test_anonymise_registrations_twice_changes_nothing_more(capsys):
    old = past_event(200)
    sign_up_then_move(old)
    call_command("anonymise_registrations")

    call_command("anonymise_registrations", days=30)

    assert capsys.readouterr().out.splitlines() == [
        "Anonymised 1 registration(s).",
        "Anonymised 0 registration(s).",
    ]


def test_anonymised_registration_manage_link_is_a_friendly_404(client):
    old = past_event(100)
    registration = sign_up_then_move(old)
    url = registration.get_absolute_url()
    call_command("anonymise_registrations")

    response = client.get(url)

    assert response.status_code == 404
    assert "Deze link werkt niet" in response.content.decode()
