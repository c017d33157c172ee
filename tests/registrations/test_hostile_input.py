"""Bad input never gives a 500 and never stores anything."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrations.models import EmailLog, Registration
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = pytest.mark.django_db

hypothesis_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(
    st.characters(exclude_categories=["Cs"]), max_size=300
)  # surrogates cannot travel in UTF-8
hostile_text = st.one_of(
    any_text,
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "'; DROP TABLE registrations_registration; --",
            "\x00",
            "a\x00b",
            '=HYPERLINK("http://evil.example")',
            "\u202eevil",
            "../../etc/passwd",
            "{{ settings.SECRET_KEY }}",
            "%(name)s",
        ]
    ),
)


def url(event):
    return reverse("registrations:register", kwargs={"slug": event.slug})


@hypothesis_settings
@given(
    name=hostile_text,
    email=hostile_text.filter(lambda value: "@" not in value),
    organisation=hostile_text,
    organisation_other=hostile_text,
    job_title=hostile_text,
    slot=hostile_text,
    consent=hostile_text,
    extra=st.dictionaries(
        st.sampled_from(["dietary_needs", "accessibility_needs", "submission", "action"]), hostile_text
    ),
)
def test_register_with_hostile_values_and_an_invalid_address_answers_and_stores_nothing(
    client, settings, name, email, organisation, organisation_other, job_title, slot, consent, extra
):
    settings.REGISTRATION_RATE_LIMIT = (100000, 600)
    event = open_event()
    signup_session(event)

    response = client.post(
        url(event),
        {
            "name": name,
            "email": email,
            "organisation": organisation,
            "organisation_other": organisation_other,
            "job_title": job_title,
            "slot_1": slot,
            "consent": consent,
            **extra,
        },
    )

    assert response.status_code == 200
    assert "Vul " in response.content.decode()
    assert Registration.objects.count() == 0
    assert EmailLog.objects.count() == 0


@hypothesis_settings
@given(length=st.integers(201, 5000), field=st.sampled_from(["name", "organisation_other", "job_title"]))
def test_register_with_an_overlong_field_names_the_limit_and_stores_nothing(client, settings, length, field):
    settings.REGISTRATION_RATE_LIMIT = (100000, 600)
    event = open_event()
    data = {
        "name": "Anna",
        "email": "anna@example.org",
        "organisation_other": "Ede",
        "consent": "on",
        field: "x" * length,
    }

    response = client.post(url(event), data)

    assert response.status_code == 200
    assert f"Gebruik hoogstens 200 tekens (het zijn er nu {length})" in response.content.decode()
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    "email",
    [
        "anna",
        "anna@",
        "@example.org",
        "anna@@example.org",
        "anna example@example.org",
        "anna@example..org",
        "a" * 250 + "@x.nl",
    ],
)
def test_register_with_an_invalid_address_says_so_at_the_field(client, email):
    event = open_event()

    response = client.post(
        url(event), {"name": "Anna", "email": email, "organisation_other": "Ede", "consent": "on"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="field-error" id="id_email_error">' in page
    assert Registration.objects.count() == 0


@hypothesis_settings
@given(
    token=st.text(
        st.characters(exclude_categories=["Cs"], exclude_characters="/?#%"), min_size=1, max_size=200
    )
)
def test_manage_page_with_any_made_up_token_is_a_404_and_changes_nothing(client, token):
    registration = sign_up(open_event())

    response = client.post(f"/aanmelding/{token}/", {"action": "cancel", "confirm": "on"})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.is_active


def test_manage_page_post_without_csrf_token_is_refused():
    from django.test import Client

    registration = sign_up(open_event())

    response = Client(enforce_csrf_checks=True).post(
        registration.get_absolute_url(), {"action": "cancel", "confirm": "on"}
    )

    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.is_active


SCRIPT_NAME = '<script>alert("x")</script><b>Anna</b>'


def test_html_in_a_name_is_shown_escaped_on_the_manage_page_in_mail_and_in_the_admin(
    client, django_capture_on_commit_callbacks
):
    event = open_event()
    session = signup_session(event, capacity=1)
    sign_up(event, [session], name="Eerste")
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, [session], name=SCRIPT_NAME, job_title="<i>functie</i>")
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Anna&lt;/b&gt;"

    manage = client.get(registration.get_absolute_url()).content.decode()
    html_mail = mail.outbox[0].alternatives[0][0]
    admin_user = User.objects.create_superuser("organisator", "o@example.org", "wachtwoord-123")
    client.force_login(admin_user)
    changelist = client.get(reverse("admin:registrations_registration_changelist")).content.decode()
    change = client.get(
        reverse("admin:registrations_registration_change", args=[registration.pk])
    ).content.decode()
    participants = client.get(
        reverse("admin:registrations_session_participants", args=[session.pk])
    ).content.decode()

    for page in [manage, html_mail, changelist, change, participants]:
        assert SCRIPT_NAME not in page
        assert "<script>alert" not in page
    # Jinja2 (MarkupSafe) writes &#34; for ", Django's form widgets (the details form) &quot;.
    assert escaped.replace("&quot;", "&#34;") in manage or escaped in manage
    assert escaped in html_mail
    assert escaped in changelist
    assert re.search(r"&lt;script&gt;alert\((&quot;|&#x27;|\")x", change)
    assert escaped in participants
    assert "&lt;i&gt;functie&lt;/i&gt;" in manage
    assert mail.outbox[0].body.startswith(f"Beste {SCRIPT_NAME},")  # plain text is not HTML
