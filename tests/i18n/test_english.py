"""The English interface: shown to whoever chooses it with the language switch, complete, and
never chosen for a visitor by the browser's Accept-Language (the site is Dutch first)."""

import datetime
import gettext
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from g40events.management.commands.check_translations import read_po, translations
from tests.factories import make_event, make_organisation, make_session
from tests.public.helpers import page_text

SITE_DATE = datetime.date(2024, 5, 1)
LOCALE_DIR = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PAGE_CACHE = "pagecache.middleware.PublicPageCacheMiddleware"


@pytest.fixture(autouse=True)
def _site_date(settings):
    settings.SITE_DATE = SITE_DATE


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def aware(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def make_dordrecht():
    """The announced netwerkdag, open for sign-up on the site's date, with two sign-up slots."""
    event = make_event(
        title="Ambtelijke netwerkdag Dordrecht",
        slug="dordrecht-2024",
        date=datetime.date(2024, 11, 21),
        host_city=make_organisation(name="Dordrecht"),
        venue_name="Energiehuis",
        is_announced=True,
        registration_opens_at=aware(2024, 4, 25),
        registration_closes_at=aware(2024, 11, 14),
    )
    make_session(
        event=event,
        title="Sociale pijler",
        takes_registrations=True,
        capacity=80,
        start_time=datetime.time(10, 45),
        end_time=datetime.time(12, 15),
    )
    make_session(
        event=event,
        title="Havenwandeling",
        kind="tour",
        takes_registrations=True,
        capacity=20,
        start_time=datetime.time(12, 25),
        end_time=datetime.time(13, 5),
    )
    return event


def make_deventer(parallel_sessions=2):
    """The netwerkdag of 24 April 2024, a week past on the site's date."""
    event = make_event(
        title="Ambtelijke netwerkdag Deventer",
        slug="deventer-2024",
        date=datetime.date(2024, 4, 24),
        host_city=make_organisation(name="Deventer"),
        venue_name="Stadhuis Deventer",
    )
    make_session(
        event=event,
        title="Opening",
        kind="plenary",
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
    )
    for n in range(parallel_sessions):
        make_session(
            event=event,
            title=f"Werksessie {n + 1}",
            start_time=datetime.time(10, 45),
            end_time=datetime.time(12, 15),
        )
    return event


def register_url(event):
    return reverse("registrations:register", kwargs={"slug": event.slug})


# Public pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_switch_turns_the_home_page_english_and_back(client):
    make_dordrecht()

    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get("/")
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    dutch = client.get("/")

    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in english.content.decode()
    assert "Next network day: Dordrecht, Thursday 21 November 2024" in page_text(english)
    assert "Volgende netwerkdag: Dordrecht, donderdag 21 november 2024" in page_text(dutch)


@pytest.mark.django_db
def test_home_page_in_english(client):
    make_dordrecht()

    text = page_text(in_english(client).get("/"))

    assert text.startswith("Skip to content G40 network days Network days Speakers Theme groups Recaps")
    assert "Next network day: Dordrecht, Thursday 21 November 2024 Ambtelijke netwerkdag Dordrecht" in text
    assert (
        "Date Thursday 21 November 2024 Time 09:30–16:30 hrs Venue Energiehuis Host municipality Dordrecht"
        in text
    )
    assert "Register for Ambtelijke netwerkdag Dordrecht Add to your calendar (ics file)" in text
    assert "You can register until 14 November 2024, 09:00." in text
    assert "Discover the network Theme groups What each theme group does" in text


@pytest.mark.django_db
def test_home_page_stays_dutch_for_a_browser_that_prefers_english(client):
    make_dordrecht()

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    text = page_text(response)
    assert '<html lang="nl">' in response.content.decode()
    assert text.startswith("Naar de inhoud G40 netwerkdagen Netwerkdagen Sprekers Themagroepen Terugblik")
    assert "Volgende netwerkdag: Dordrecht, donderdag 21 november 2024" in text
    assert "Datum donderdag 21 november 2024 Tijd 09:30–16:30 uur Locatie Energiehuis" in text
    assert "Aanmelden kan tot 14 november 2024, 09:00 uur." in text


@pytest.mark.django_db
def test_cached_english_page_is_never_served_to_a_dutch_visitor(client):
    make_dordrecht()

    english = in_english(Client()).get("/")
    dutch = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    english_again = in_english(Client()).get("/")

    assert "Next network day" in page_text(english)
    assert "Volgende netwerkdag" in page_text(dutch)
    assert english_again["X-Cache"] == "HIT"
    assert "Next network day" in page_text(english_again)


@pytest.mark.django_db
def test_netwerkdag_page_in_english(client):
    event = make_deventer()

    text = page_text(in_english(client).get(event.get_absolute_url()))

    assert (
        "Civil service network day Ambtelijke netwerkdag Deventer Wednesday 24 April 2024 · Deventer" in text
    )
    assert "This network day is over. The programme stays here for reference." in text
    assert "Date Wednesday 24 April 2024 Time 09:30–16:30 hrs Venue Stadhuis Deventer" in text
    assert "Programme Filter the programme" in text
    assert "09:30–10:00 Opening Plenary" in text
    assert "10:45–12:15 2 sessions at the same time Werksessie 1 Parallel session" in text


@pytest.mark.django_db
def test_netwerkdag_page_stays_dutch_for_a_browser_that_prefers_english(client):
    event = make_deventer()

    text = page_text(client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"))

    assert "Ambtelijke netwerkdag Ambtelijke netwerkdag Deventer woensdag 24 april 2024 · Deventer" in text
    assert "Deze netwerkdag is voorbij. Het programma blijft hier staan om na te lezen." in text
    assert "10:45–12:15 2 sessies tegelijk Werksessie 1 Parallelsessie" in text


@pytest.mark.django_db
@pytest.mark.parametrize("parallel_sessions", [2, 8])
def test_netwerkdag_page_in_english_takes_no_more_queries_than_in_dutch(
    client, settings, django_assert_max_num_queries, parallel_sessions
):
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != PAGE_CACHE]
    event = make_deventer(parallel_sessions=parallel_sessions)
    with CaptureQueriesContext(connection) as dutch:
        client.get(event.get_absolute_url())

    with django_assert_max_num_queries(len(dutch)):
        response = in_english(client).get(event.get_absolute_url())

    assert "Parallel session" in page_text(response)


# Registration -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_form_in_english(client):
    event = make_dordrecht()

    response = in_english(client).get(register_url(event))

    text = page_text(response)
    assert text.count("Register for Ambtelijke netwerkdag Dordrecht") == 1  # the heading
    assert (
        "Thursday 21 November 2024, 09:30–16:30, Energiehuis (Dordrecht). "
        "You can register up to and including 14 November 2024." in text
    )
    assert "About you Name Email address We will send the confirmation" in text
    assert "Organisation — Choose your organisation —" in text
    assert "Job title (optional)" in text
    assert "Session from 10:45 to 12:15 No session in this time slot Sociale pijler · 10:45–12:15" in text
    assert "Walking tour, 12:25–13:05 No session in this time slot Havenwandeling · 12:25–13:05" in text
    assert "I agree to my details being kept as described in the privacy statement." in text
    assert '<button type="submit">Register</button>' in response.content.decode()


@pytest.mark.django_db
def test_registration_errors_in_english(client):
    event = make_dordrecht()

    response = in_english(client).post(register_url(event), {"name": "", "email": "anna", "submission": "x"})

    text = page_text(response)
    assert "There are 4 problems with what you entered" in text
    assert "Name: Enter your name." in text
    assert "Email address: Enter a valid email address, such as name@gemeente.nl." in text
    assert (
        "Organisation: Choose your organisation from the list, or type its name under ‘Other organisation’."
        in text
    )
    assert "Tick this box to register: we cannot register you without your details." in text
    assert "<title>Error: Register for Ambtelijke netwerkdag Dordrecht" in response.content.decode()


@pytest.mark.django_db
def test_registration_form_stays_dutch_for_a_browser_that_prefers_english(client):
    event = make_dordrecht()

    text = page_text(client.get(register_url(event), HTTP_ACCEPT_LANGUAGE="en"))

    assert "Aanmelden voor Ambtelijke netwerkdag Dordrecht donderdag 21 november 2024" in text
    assert "Over jou Naam E-mailadres" in text
    assert "Sessie van 10:45 tot 12:15 Geen sessie in dit tijdvak" in text


@pytest.mark.django_db
def test_registration_in_english_is_confirmed_by_an_english_email(
    client, settings, django_capture_on_commit_callbacks
):
    event = make_dordrecht()

    with django_capture_on_commit_callbacks(execute=True):
        response = in_english(client).post(
            register_url(event),
            {
                "name": "Anna de Vries",
                "email": "anna@dordrecht.example",
                "organisation_other": "Gemeente Dordrecht",
                "consent": "on",
                "submission": "form-en",
            },
            follow=True,
        )

    assert "Thank you for registering" in page_text(response)
    [message] = mail.outbox
    assert message.subject == "Confirmation of your registration: Ambtelijke netwerkdag Dordrecht"
    assert message.body.startswith("Dear Anna de Vries,")
    assert (
        "You are registered for Ambtelijke netwerkdag Dordrecht on Thursday 21 November 2024." in message.body
    )
    assert "You have not chosen any sessions." in message.body
    assert "This link is personal: please do not forward it." in message.body
    assert "Kind regards,\nThe G40 network days team" in message.body


# Admin ------------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("beheerder", "beheer@g40.example", "x"))
    return client


@pytest.mark.django_db
def test_admin_in_english(superuser_client):
    index = page_text(in_english(superuser_client).get(reverse("admin:index")))
    add_event = page_text(superuser_client.get(reverse("admin:g40events_event_add")))

    assert "G40 network days — administration" in index
    assert "Preparing network days" in index
    assert (
        "Network days Model name Add link Change or view list link Network days Add Change Organisations"
        in index
    )
    assert "Pillars Add Change Recaps Add Change Theme groups Add Change" in index
    assert "Programme Model name Add link Change or view list link Sessions Add Change" in index
    assert (
        "Registrations Model name Add link Change or view list link Emails View Messages to participants Add View"
        " Registrations" in index
    )
    assert "Date and place" in add_event
    assert (
        "Tick to announce this network day on the home page. Only one can be announced at a time."
        in add_event
    )
    assert "Host municipality:" in add_event


@pytest.mark.django_db
def test_admin_stays_dutch_for_a_browser_that_prefers_english(superuser_client):
    index = page_text(superuser_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en"))

    assert "G40 netwerkdagen — beheer" in index
    assert "Netwerkdagen voorbereiden" in index
    assert "Netwerkdagen Toevoegen Wijzigen Organisaties Toevoegen Wijzigen Pijlers" in index


# The catalogue ----------------------------------------------------------------------------------


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)[sd]", text)) | set(re.findall(r"\{\w*\}", text))


def test_english_catalogue_has_no_untranslated_or_fuzzy_messages():
    entries = read_po(LOCALE_DIR / "django.po")

    by_msgid = {entry["msgid"]: entry for entry in entries}
    assert by_msgid["Naar de inhoud"]["msgstr"] == "Skip to content"
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in entries if not all(translations(e))] == []
    plural = [e for e in entries if "msgid_plural" in e]
    assert plural and all(set(e) >= {"msgstr[0]", "msgstr[1]"} for e in plural)


def test_english_translations_keep_every_placeholder():
    for entry in read_po(LOCALE_DIR / "django.po"):
        expected = placeholders(entry["msgid"]) | placeholders(entry.get("msgid_plural", ""))
        for translation in translations(entry):
            assert placeholders(translation) == expected, entry["msgid"]


def test_compiled_english_catalogue_matches_the_po_file():
    """The .mo is committed (machines without gettext cannot compile it): it must not lag behind."""
    with open(LOCALE_DIR / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    for entry in read_po(LOCALE_DIR / "django.po"):
        if "msgid_plural" in entry:
            singular = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            plural = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2)
            assert (singular, plural) == (entry["msgstr[0]"], entry["msgstr[1]"]), entry["msgid"]
        elif "msgctxt" in entry:
            assert compiled.pgettext(entry["msgctxt"], entry["msgid"]) == entry["msgstr"], entry["msgid"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
