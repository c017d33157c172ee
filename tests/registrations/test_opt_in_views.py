"""What a person sees of the double opt-in, and what organisers see of it in the admin."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from g40events.models import EmailDomain, Organisation
from g40events.permissions import ORGANISERS_GROUP
from registrations import services
from registrations.models import EmailLog, Place, Registration
from tests.factories import make_organisation
from tests.registrations.helpers import later, open_event, person, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def main_of(response) -> str:
    """The page's <main>, without the CSRF token (which differs per response)."""
    main = text_of(response).split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def form_data(**overrides):
    data = {
        "name": "Anna de Vries",
        "email": "anna@prive.example",
        "organisation_other": "Adviesbureau De Vries",
        "consent": "on",
    }
    data.update(overrides)
    return data


def register_url(event):
    return reverse("registrations:register", kwargs={"slug": event.slug})


def confirm_link(message) -> str:
    return re.search(r"^http://\S+(/aanmelding/bevestigen/\S+/)$", message.body, re.M).group(1)


def test_the_answer_on_screen_is_the_same_for_every_address(client, django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event)
    sign_up(event, email="bram@example.org")
    services.register(event=event, person=person(email="cem@prive.example"), session_ids=[])
    answers = []

    with django_capture_on_commit_callbacks(execute=True):
        for number, email in enumerate(
            [
                "anna@example.org",  # new, listed domain
                "dirk@prive.example",  # new, needs the link
                "bram@example.org",  # already registered
                "cem@prive.example",  # waiting for confirmation
            ]
        ):
            response = client.post(
                register_url(event), form_data(email=email, slot_1=str(session.pk), submission=f"s{number}")
            )
            answers.append(
                (response.status_code, response["Location"], main_of(client.get(response["Location"])))
            )

    assert len(set(answers)) == 1
    assert answers[0][:2] == (302, f"/netwerkdagen/{event.slug}/aanmelden/bedankt/")
    assert (
        "<p>We hebben je aanmelding voor Netwerkdag Dordrecht ontvangen. Kijk in je mailbox: binnen een paar "
        "minuten krijg je een e-mail.</p> <p>Staat er in die e-mail een link om je e-mailadres te bevestigen, open "
        "hem dan: pas daarna is je aanmelding definitief en krijg je je plaatsen. Anders vind je in de e-mail je "
        "sessies en een persoonlijke link waarmee je je keuzes kunt wijzigen of je kunt afmelden.</p> <p>Geen "
        "e-mail gekregen? Kijk in je map met ongewenste e-mail. Staat hij daar ook niet, meld je dan na een uur "
        "nog eens aan met hetzelfde adres: dan sturen we hem opnieuw.</p>"
    ) in answers[0][2]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Bevestiging van je aanmelding: Netwerkdag Dordrecht", ["anna@example.org"]),
        ("Bevestig je aanmelding voor Netwerkdag Dordrecht", ["dirk@prive.example"]),
    ]  # bram and cem were mailed when they signed up, less than an hour ago


def test_the_form_refuses_a_name_with_a_web_address_at_the_field(client):
    event = open_event()

    response = client.post(
        register_url(event), form_data(name="Gefeliciteerd! Claim je prijs op prijs-winnen.nl")
    )

    page = text_of(response)
    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_name_error">Vul alleen je naam in, zonder webadres of e-mailadres (geen @, '
        "www. of iets als voorbeeld.nl). Staat er een punt tussen je voorletters en je naam? Zet er dan een spatie "
        "na.</p>"
    ) in page
    assert Registration.objects.count() == 0
    assert EmailLog.objects.count() == 0


def test_the_link_shows_what_will_be_confirmed_and_confirms_nothing_by_itself(
    client, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt", capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), form_data(slot_1=str(session.pk)))

    response = client.get(confirm_link(mail.outbox[0]))

    page = text_of(response)
    assert response.status_code == 200
    assert "<h1>Bevestig je aanmelding voor Netwerkdag Dordrecht</h1>" in page
    assert "<dt>Naam</dt><dd>Anna de Vries</dd>" in page
    assert "<dt>E-mailadres</dt><dd>anna@prive.example</dd>" in page
    assert "<li>11:00–12:00 Woningmarkt</li>" in page
    assert '<button type="submit">Aanmelding bevestigen</button>' in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"]
    assert Registration.objects.get().status == Registration.Status.UNCONFIRMED
    assert Place.objects.count() == 0


def test_confirming_shows_the_places_and_mails_the_confirmation(client, django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt", capacity=5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), form_data(slot_1=str(session.pk)))
    link = confirm_link(mail.outbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, follow=True)

    registration = Registration.objects.get()
    assert response.redirect_chain == [(registration.get_absolute_url(), 302)]
    page = text_of(response)
    assert (
        "Je e-mailadres is bevestigd: je bent aangemeld. We hebben je een e-mail gestuurd met je sessies en een "
        "persoonlijke link."
    ) in page
    assert "<td>Woningmarkt</td> <td>Bevestigd</td>" in page
    assert statuses(session) == {"confirmed": ["Anna de Vries"], "waiting": []}
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Bevestig je aanmelding voor Netwerkdag Dordrecht", ["anna@prive.example"]),
        ("Bevestiging van je aanmelding: Netwerkdag Dordrecht", ["anna@prive.example"]),
    ]

    again = client.get(link, follow=True)

    assert again.redirect_chain == [(registration.get_absolute_url(), 302)]
    assert "Je e-mailadres is al bevestigd. Hier vind je je aanmelding." in text_of(again)
    assert len(mail.outbox) == 2
    assert Place.objects.count() == 1


def test_an_expired_link_says_so_and_offers_to_sign_up_again(client, django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Dordrecht")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), form_data())
    link = confirm_link(mail.outbox[0])

    with later(hours=49):
        get = client.get(link)
        post = client.post(link)

    for response in [get, post]:
        page = text_of(response)
        assert response.status_code == 410
        assert "<h1>Deze link is verlopen</h1>" in page
        assert (
            "Deze bevestigingslink is verlopen, en je aanmelding daarmee ook. Meld je opnieuw aan; dan krijg je "
            "een nieuwe link."
        ) in page
        assert f'<a href="{register_url(event)}">Aanmelden voor Netwerkdag Dordrecht</a>' in page
    assert Registration.objects.get().status == Registration.Status.UNCONFIRMED


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.rsplit(".", 1)[0],
        lambda token: "x" * 60,
    ],
)
def test_a_tampered_link_is_a_friendly_404_and_confirms_nothing(client, mangle):
    event = open_event()
    registration = services.register(
        event=event, person=person(email="anna@prive.example"), session_ids=[]
    ).registration
    url = reverse("registrations:confirm", kwargs={"token": mangle(registration.confirm_token)})

    get = client.get(url)
    post = client.post(url)

    assert (get.status_code, post.status_code) == (404, 404)
    assert "Deze link werkt niet" in text_of(get)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.UNCONFIRMED


def test_the_manage_link_of_an_unconfirmed_sign_up_does_not_work(client):
    registration = services.register(
        event=open_event(), person=person(email="anna@prive.example"), session_ids=[]
    ).registration

    response = client.post(registration.get_absolute_url(), {"action": "cancel", "confirm": "on"})

    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.UNCONFIRMED


def test_a_link_opened_after_sign_up_closed_says_why_and_offers_no_button(client):
    event = open_event(title="Netwerkdag Dordrecht")
    registration = services.register(
        event=event, person=person(email="anna@prive.example"), session_ids=[]
    ).registration
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=5)
    event.save()
    url = reverse("registrations:confirm", kwargs={"token": registration.confirm_token})

    get = client.get(url)
    post = client.post(url)

    message = (
        "De aanmelding voor deze netwerkdag sloot voordat je je e-mailadres bevestigde. Je aanmelding is daarom "
        "niet doorgegaan."
    )
    assert get.status_code == 200
    assert f'<div class="notice" role="alert"><p>{message}</p></div>' in text_of(get)
    assert "<button" not in main_of(get)
    assert post.status_code == 409
    assert message in text_of(post)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.UNCONFIRMED


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("organisator", "o@example.org", "wachtwoord-123", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


def test_organisers_see_unconfirmed_sign_ups_with_their_deadline_and_chosen_sessions(organiser_client):
    event = open_event()
    session = signup_session(event, title="Woningmarkt")
    sign_up(event, [session], name="Bram")
    registration = services.register(
        event=event, person=person(name="Anna", email="anna@prive.example"), session_ids=[session.pk]
    ).registration
    deadline = timezone.localtime(registration.confirm_before)
    changelist = reverse("admin:registrations_registration_changelist")

    page = text_of(organiser_client.get(changelist + "?status__exact=unconfirmed"))
    with later(hours=49):
        lapsed = text_of(organiser_client.get(changelist + "?status__exact=unconfirmed"))
    change = text_of(
        organiser_client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))
    )

    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]  # fmt: skip
    expected = f"Wacht op bevestiging e-mailadres (uiterlijk {deadline.day} {months[deadline.month - 1]} {deadline:%H:%M})"
    assert f'<td class="field-status_column">{expected}</td>' in page
    assert '<td class="field-sessions_column">Woningmarkt (nog geen plaats)</td>' in page
    assert "Bram" not in page
    assert '<td class="field-status_column">Niet bevestigd: verlopen, wordt gewist</td>' in lapsed
    assert '<div class="readonly">Woningmarkt</div>' in change
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}


def domain_form(name, *domains, **extra):
    data = {
        "name": name,
        "kind": Organisation.Kind.G40_CITY,
        "website": "",
        "email_domains-TOTAL_FORMS": str(len(domains)),
        "email_domains-INITIAL_FORMS": "0",
        "email_domains-MIN_NUM_FORMS": "0",
        "email_domains-MAX_NUM_FORMS": "1000",
    }
    for index, domain in enumerate(domains):
        data[f"email_domains-{index}-domain"] = domain
    data.update(extra)
    return data


def test_organisers_list_an_organisations_email_domains_in_lower_case(organiser_client):
    response = organiser_client.post(
        reverse("admin:g40events_organisation_add"),
        domain_form("Deventer", " Deventer.NL ", "@mail.deventer.nl"),
    )

    assert response.status_code == 302
    deventer = Organisation.objects.get(name="Deventer")
    assert sorted(deventer.email_domains.values_list("domain", flat=True)) == [
        "deventer.nl",
        "mail.deventer.nl",
    ]
    changelist = text_of(
        organiser_client.get(reverse("admin:g40events_organisation_changelist") + "?q=deventer.nl")
    )
    assert '<td class="field-email_domains_column">deventer.nl, mail.deventer.nl</td>' in changelist


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("nl", "“nl” is een topdomein, geen domein van één organisatie."),
        ("co.uk", "“co.uk” is een topdomein, geen domein van één organisatie."),
        ("deventer.local", "“deventer.local” eindigt niet op een bestaand topdomein, zoals .nl of .eu."),
        ("gmail.com", "“gmail.com” is een e-maildienst waar iedereen een adres kan krijgen."),
        (
            "anna@deventer.nl",
            "Vul alleen het domein van de e-mailadressen in, zoals deventer.nl (zonder naam of @).",
        ),
        ("https://deventer.nl", "Vul alleen het domein van de e-mailadressen in, zoals deventer.nl"),
        ("dordrecht.nl", "Dit domein hoort al bij een andere organisatie."),
    ],
)
def test_the_admin_refuses_a_domain_that_is_not_one_organisations_own(organiser_client, domain, message):
    EmailDomain.objects.create(organisation=make_organisation(name="Dordrecht"), domain="dordrecht.nl")

    response = organiser_client.post(
        reverse("admin:g40events_organisation_add"), domain_form("Deventer", domain)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Deventer").exists()


def test_the_privacy_statement_says_an_unconfirmed_sign_up_is_erased(client, settings):
    settings.REGISTRATION_CONFIRM_HOURS = 48

    page = text_of(client.get(reverse("registrations:privacy")))

    assert (
        "Meld je je aan met een e-mailadres dat niet bij een organisatie in onze lijst hoort, dan vragen we je "
        "eerst met een link te bevestigen dat het adres van jou is. Bevestig je het niet binnen 48 uur, dan "
        "wissen we de aanmelding helemaal."
    ) in page
