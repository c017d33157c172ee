"""The registrations of one netwerkdag in the admin: the dashboard, and acting for a person through
the same services as the public form, told what it caused."""

import csv
import io
import re
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from registrations.models import EmailLog, Registration
from tests.factories import make_event
from tests.public.helpers import page_text
from tests.registrations.helpers import open_event, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_dashboard_shows_registrations_places_needs_and_mails(organiser_client):
    event = open_event(title="Netwerkdag Ede", capacity=100)
    walk = signup_session(event, title="Stadswandeling", capacity=1)
    sign_up(event, [walk], name="Anna Bakker", dietary_needs="Vegetarisch")
    sign_up(
        event, [walk], name="Bram de Vries", dietary_needs="vegetarisch.", accessibility_needs="Rolstoelplek"
    )
    sign_up(event, [], name="Cem Yilmaz", dietary_needs="Glutenvrij")
    EmailLog.objects.filter(registration__name="Cem Yilmaz").update(status="failed")

    text = page_text(organiser_client.get(reverse("admin:registrations_event_dashboard", args=[event.pk])))

    assert "Overzicht van Netwerkdag Ede" in text
    assert "Aangemeld 3 van 100 Nog vrij 97 Wacht op bevestiging e-mailadres 0 Afgemeld 0" in text
    assert "Stadswandeling 1 1 1 0 lijst en wachtlijst: Stadswandeling" in text
    assert (
        "Dieetwensen 3 deelnemers gaven iets op: Vegetarisch: 2 Glutenvrij: 1 Naam Organisatie Dieetwensen "
        "Anna Bakker Gemeente Vegetarisch Bram de Vries Gemeente vegetarisch. Cem Yilmaz Gemeente Glutenvrij"
    ) in text
    assert "Toegankelijkheidswensen 1 deelnemer gaf iets op: Rolstoelplek: 1" in text
    assert "E-mails mislukt 1" in text


def h1(response) -> str:
    return re.search(r"<h1>(.*?)</h1>", response.content.decode()).group(1)


def test_dashboard_counts_mails_and_each_link_answers_for_its_netwerkdag(organiser_client):
    event = open_event(title="Netwerkdag Ede", capacity=100)
    walk = signup_session(event, title="Stadswandeling", capacity=1)
    sign_up(event, [walk], name="Anna Bakker", email="anna@ede.example")
    sign_up(event, [], name="Bram de Vries", email="bram@ede.example")
    sign_up(event, [], name="Cem Yilmaz", email="cem@ede.example")
    EmailLog.objects.filter(recipient="cem@ede.example").update(status=EmailLog.Status.FAILED)
    sign_up(
        open_event(title="Netwerkdag Zwolle", slug="zwolle"),
        [],
        name="Dirk Smit",
        email="dirk@zwolle.example",
    )

    response = organiser_client.get(reverse("admin:registrations_event_dashboard", args=[event.pk]))
    html = response.content.decode()
    links = re.findall(
        r'<a href="([^"]*)">([^<]*)</a>', re.search(r'<ul class="cockpit-links">(.*?)</ul>', html, re.S)[1]
    )
    mails = dict(re.findall(r'<dt>(E-mails[^<]*)</dt><dd><a href="([^"]*)">', html))
    follow = {label: organiser_client.get(unescape(url), follow=True) for url, label in links}

    # Three mails of Ede (one failed), one of Zwolle: the dashboard counts Ede's.
    assert "E-mails nog te verzenden 2 E-mails mislukt 1" in page_text(response)
    assert [label for url, label in links] == [
        "Alle aanmeldingen",
        "Aanmelding toevoegen",
        "Aanmeldingen exporteren (CSV, Excel)",
        "E-mails",
        "Programma",
        "Evaluatie",
        "Netwerkdag bewerken",
    ]
    registrations = page_text(follow["Alle aanmeldingen"])
    assert "3 resultaten (4 totaal)" in registrations
    assert [name in registrations for name in ["Anna Bakker", "Bram de Vries", "Cem Yilmaz", "Dirk Smit"]] == [
        True, True, True, False,
    ]  # fmt: skip
    assert h1(follow["Aanmelding toevoegen"]) == "Aanmelding toevoegen voor Netwerkdag Ede"
    export = follow["Aanmeldingen exporteren (CSV, Excel)"]
    assert export["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[:3] for row in rows[1:]] == [
        ["Netwerkdag Ede", "Anna Bakker", "anna@ede.example"],
        ["Netwerkdag Ede", "Bram de Vries", "bram@ede.example"],
        ["Netwerkdag Ede", "Cem Yilmaz", "cem@ede.example"],
    ]
    emails = page_text(follow["E-mails"])
    assert "3 resultaten (4 totaal)" in emails and "dirk@zwolle.example" not in emails
    assert h1(follow["Programma"]) == "Programma van Netwerkdag Ede"
    assert "Stadswandeling" in page_text(follow["Programma"])
    # No evaluation yet: the link adds one, for this netwerkdag.
    assert h1(follow["Evaluatie"]) == "Evaluatie toevoegen"
    assert follow["Evaluatie"].context["adminform"].form.initial["event"] == str(event.pk)
    assert h1(follow["Netwerkdag bewerken"]) == "Netwerkdag wijzigen"
    assert follow["Netwerkdag bewerken"].context["original"] == event

    pending = page_text(organiser_client.get(unescape(mails["E-mails nog te verzenden"])))
    failed = page_text(organiser_client.get(unescape(mails["E-mails mislukt"])))
    assert "2 resultaten (4 totaal)" in pending
    assert "anna@ede.example Anna Bakker Nog te verzenden" in pending
    assert "bram@ede.example Bram de Vries Nog te verzenden" in pending
    assert "1 resultaat (4 totaal)" in failed
    assert "cem@ede.example Cem Yilmaz Mislukt, wordt opnieuw geprobeerd" in failed


def test_netwerkdag_list_shows_whether_sign_up_is_open_and_how_many_signed_up(organiser_client):
    event = open_event(title="Netwerkdag Ede", capacity=100)
    sign_up(event, [], name="Anna Bakker")
    make_event(title="Netwerkdag Zwolle")

    text = page_text(organiser_client.get(reverse("admin:g40events_event_changelist")))

    assert "Netwerkdag Ede" in text and "Aanmelding geopend 1 van 100" in text
    assert "Geen aanmelding 0" in text


def test_organiser_adds_a_registration_for_someone_who_phoned(organiser_client):
    event = open_event(title="Netwerkdag Ede")
    full = signup_session(event, title="Woningmarkt", capacity=1)
    sign_up(event, [full], name="Anna Bakker")
    url = reverse("admin:registrations_registration_add_for_event", args=[event.pk])
    slot = next(name for name in organiser_client.get(url).context["form"].fields if name.startswith("slot_"))

    response = organiser_client.post(
        url,
        {
            "name": "Piet Jansen",
            "email": "piet@ede.example",
            "organisation_other": "Gemeente Ede",
            slot: str(full.pk),
            "consent": "on",
        },
    )

    piet = Registration.objects.get(name="Piet Jansen")
    assert response.status_code == 302
    assert messages_of(response) == [
        "Piet Jansen kreeg een plaats op de wachtlijst van “Woningmarkt”, en een e-mail."
    ]
    assert statuses(full) == {"confirmed": ["Anna Bakker"], "waiting": ["Piet Jansen"]}
    assert piet.is_active


def test_organiser_add_refuses_a_closed_netwerkdag_with_the_services_message(organiser_client):
    event = make_event(title="Netwerkdag Zwolle")
    url = reverse("admin:registrations_registration_add_for_event", args=[event.pk])

    response = organiser_client.post(
        url,
        {"name": "Piet Jansen", "email": "piet@ede.example", "organisation_other": "Ede", "consent": "on"},
    )

    assert response.status_code == 200
    assert "Aanmelden voor deze netwerkdag is niet (meer) mogelijk." in page_text(response)
    assert not Registration.objects.exists()


def test_organiser_changes_sessions_and_the_freed_place_goes_to_the_waiting_list(
    organiser_client, django_capture_on_commit_callbacks
):
    event = open_event()
    morning = signup_session(event, title="Woningmarkt", capacity=1)
    other = signup_session(event, title="Armoede", capacity=10)
    anna = sign_up(event, [morning], name="Anna Bakker")
    sign_up(event, [morning], name="Piet Jansen")
    url = reverse("admin:registrations_registration_sessions", args=[anna.pk])
    slot = next(name for name in organiser_client.get(url).context["sessions_form"].fields)

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {slot: str(other.pk), "change": "Sessies opslaan"})

    assert response.status_code == 302
    assert messages_of(response) == [
        "Anna Bakker kreeg een plaats in “Armoede”, en een e-mail. "
        "Piet Jansen kreeg een plaats in “Woningmarkt” (van de wachtlijst) en een e-mail."
    ]
    assert statuses(morning) == {"confirmed": ["Piet Jansen"], "waiting": []}


def test_organiser_cancels_and_is_told_who_moved_up(organiser_client, django_capture_on_commit_callbacks):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=1)
    anna = sign_up(event, [session], name="Anna Bakker")
    sign_up(event, [session], name="Piet Jansen")
    url = reverse("admin:registrations_registration_sessions", args=[anna.pk])

    refused = organiser_client.post(url, {"cancel": "Afmelden"})
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {"confirm": "on", "cancel": "Afmelden"})

    assert "Vink dit aan om de persoon af te melden." in page_text(refused)
    assert messages_of(response) == [
        "Anna Bakker is afgemeld en kreeg een e-mail. "
        "Piet Jansen kreeg een plaats in “Woningmarkt” (van de wachtlijst) en een e-mail."
    ]
    assert statuses(session) == {"confirmed": ["Piet Jansen"], "waiting": []}
    assert sorted(
        EmailLog.objects.filter(kind__in=["cancellation", "promotion"]).values_list("kind", "recipient")
    ) == [
        ("cancellation", anna.email),
        ("promotion", Registration.objects.get(name="Piet Jansen").email),
    ]


def test_lowering_a_capacity_below_places_taken_asks_first_and_names_who_is_over(organiser_client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=3)
    for name in ["Anna Bakker", "Bram de Vries", "Cem Yilmaz"]:
        sign_up(event, [session], name=name)
    url = reverse("admin:programme_session_programme", args=[event.pk]) + f"?sessie={session.pk}"
    data = {
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "title": session.title,
        "kind": session.kind,
        "takes_registrations": "on",
        "capacity": "1",
    }

    warned = organiser_client.post(url, data)
    session.refresh_from_db()
    capacity_after_warning = session.capacity
    confirmed = organiser_client.post(url, {**data, "confirm_consequences": "on"})

    assert warned.status_code == 200
    assert (
        "3 deelnemers hebben al een plaats; met 1 plaatsen zitten 2 van hen boven het maximum: "
        "Bram de Vries, Cem Yilmaz. Niemand verliest zijn plaats; nieuwe aanmelders komen op de "
        "wachtlijst tot er weer plaats is."
    ) in page_text(warned)
    assert capacity_after_warning == 3
    assert confirmed.status_code == 302
    session.refresh_from_db()
    assert session.capacity == 1
    assert statuses(session) == {"confirmed": ["Anna Bakker", "Bram de Vries", "Cem Yilmaz"], "waiting": []}


def test_lowering_a_capacity_on_the_session_page_asks_first(organiser_client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=2)
    for name in ["Anna Bakker", "Bram de Vries"]:
        sign_up(event, [session], name=name)
    url = reverse("admin:programme_session_change", args=[session.pk])
    data = {
        "event": event.pk,
        "title": session.title,
        "slug": session.slug,
        "kind": session.kind,
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "takes_registrations": "on",
        "capacity": "1",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "_save": "Opslaan",
    }

    warned = organiser_client.post(url, data)
    confirmed = organiser_client.post(url, {**data, "confirm_consequences": "on"})

    assert warned.status_code == 200
    assert "met 1 plaatsen zit 1 van hen boven het maximum: Bram de Vries." in page_text(warned)
    assert confirmed.status_code == 302


def test_switching_sign_up_off_on_the_session_page_asks_first_and_keeps_the_places(
    organiser_client, django_capture_on_commit_callbacks
):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        for name in ["Anna Bakker", "Bram de Vries", "Cem Yilmaz"]:
            sign_up(event, [session], name=name)
    mail.outbox.clear()
    url = reverse("admin:programme_session_change", args=[session.pk])
    data = {
        "event": event.pk,
        "title": session.title,
        "slug": session.slug,
        "kind": session.kind,
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "capacity": "2",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "_save": "Opslaan",
    }  # "takes_registrations" unticked

    warned = organiser_client.post(url, data)
    session.refresh_from_db()
    takes_registrations_after_warning = session.takes_registrations
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = organiser_client.post(url, {**data, "confirm_consequences": "on"})

    assert warned.status_code == 200
    assert (
        "2 deelnemers hebben een plaats in “Woningmarkt” en 1 staat op de wachtlijst. Zonder aanmelden "
        "blijven hun plaatsen en de wachtlijst geldig en krijgt niemand bericht; de sessie neemt alleen geen "
        "nieuwe aanmelders meer aan. Moet de sessie niet doorgaan, laat haar dan vervallen."
    ) in page_text(warned)
    assert takes_registrations_after_warning is True
    assert confirmed.status_code == 302
    session.refresh_from_db()
    assert session.takes_registrations is False
    assert statuses(session) == {"confirmed": ["Anna Bakker", "Bram de Vries"], "waiting": ["Cem Yilmaz"]}
    assert mail.outbox == []


def test_switching_sign_up_off_without_places_saves_without_asking(organiser_client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt", capacity=2)
    url = reverse("admin:programme_session_programme", args=[event.pk]) + f"?sessie={session.pk}"
    data = {
        "start_time": session.start_time.strftime("%H:%M"),
        "end_time": session.end_time.strftime("%H:%M"),
        "title": session.title,
        "kind": session.kind,
        "capacity": "2",
    }

    response = organiser_client.post(url, data)

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.takes_registrations is False
