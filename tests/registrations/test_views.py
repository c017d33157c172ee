import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registrations import services
from registrations.models import Place, Registration
from tests.factories import make_organisation
from tests.registrations.helpers import later, open_event, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "name": "Anna de Vries",
        "email": "anna@dordrecht.example",
        "organisation": "",
        "organisation_other": "Gemeente Dordrecht",
        "job_title": "Beleidsadviseur wonen",
        "consent": "on",
        "submission": "form-abc",
    }
    data.update(overrides)
    return data


def register_url(event):
    return reverse("registrations:register", kwargs={"slug": event.slug})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_register_page_offers_one_choice_per_time_slot_and_labels_full_sessions(client):
    event = open_event(title="Netwerkdag Dordrecht")
    signup_session(
        event, title="Sociale pijler", capacity=1, location="Raadzaal", start_time=datetime.time(10, 45),
        end_time=datetime.time(12, 15),
    )  # fmt: skip
    signup_session(
        event,
        title="Fysieke pijler",
        capacity=80,
        start_time=datetime.time(10, 45),
        end_time=datetime.time(12, 15),
    )
    signup_session(
        event,
        title="Havenwandeling",
        kind="tour",
        capacity=20,
        start_time=datetime.time(12, 25),
        end_time=datetime.time(13, 5),
    )
    sign_up(event, event.sessions.filter(title="Sociale pijler"))

    response = client.get(register_url(event))

    page = text_of(response)
    assert response.status_code == 200
    assert "<legend>Sessie van 10:45 tot 12:15</legend>" in page
    assert "<legend>Rondwandeling, 12:25–13:05</legend>" in page
    assert "Sociale pijler · 10:45–12:15 · Raadzaal — vol — op de wachtlijst</label>" in page
    assert "Fysieke pijler · 10:45–12:15</label>" in page
    assert page.count('type="radio"') == 2 + 1 + 2  # a "no session" choice per slot
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<label for="id_name">Naam</label>' in page
    assert 'href="/privacy/"' in page


def test_register_page_asks_only_the_questions_the_netwerkdag_asks(client):
    event = open_event(ask_dietary_needs=False, ask_accessibility_needs=True)

    page = text_of(client.get(register_url(event)))

    assert 'name="dietary_needs"' not in page
    assert 'name="accessibility_needs"' in page


def test_register_post_stores_the_registration_and_answers_with_the_thanks_page(
    client, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt")
    city = make_organisation(name="Gemeente Dordrecht")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url(event),
            form_data(organisation_other="", organisation=str(city.pk), slot_1=str(session.pk)),
        )

    assert response.status_code == 302
    assert response["Location"] == f"/netwerkdagen/{event.slug}/aanmelden/bedankt/"
    registration = Registration.objects.get()
    assert (registration.name, registration.email, registration.organisation, registration.job_title) == (
        "Anna de Vries",
        "anna@dordrecht.example",
        city,
        "Beleidsadviseur wonen",
    )
    assert statuses(session) == {"confirmed": ["Anna de Vries"], "waiting": []}
    assert [m.subject for m in mail.outbox] == ["Bevestiging van je aanmelding: Netwerkdag Dordrecht"]
    thanks = text_of(client.get(response["Location"]))
    assert "We hebben je aanmelding voor Netwerkdag Dordrecht ontvangen." in thanks


def test_register_typed_organisation_that_is_in_the_list_links_to_it(client):
    event = open_event()
    city = make_organisation(name="Gemeente Ede")

    client.post(register_url(event), form_data(organisation_other="  gemeente   ede "))

    registration = Registration.objects.get()
    assert (registration.organisation, registration.organisation_name) == (city, "")


def test_register_errors_are_tied_to_their_fields_and_typed_values_are_kept(client):
    event = open_event()

    response = client.post(
        register_url(event),
        form_data(name="", email="anna-at-dordrecht", job_title="Wethouder <b>wonen</b>", consent=""),
    )

    page = text_of(response)
    assert response.status_code == 200
    assert Registration.objects.count() == 0
    assert '<p class="field-error" id="id_name_error">Vul je naam in.</p>' in page
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in page
    assert (
        '<p class="field-error" id="id_email_error">Vul een geldig e-mailadres in, zoals naam@gemeente.nl.</p>'
        in page
    )
    assert 'aria-describedby="id_email_helptext id_email_error"' in page
    assert 'value="anna-at-dordrecht"' in page
    assert 'value="Wethouder &lt;b&gt;wonen&lt;/b&gt;"' in page
    assert "Er zijn 3 dingen niet goed ingevuld" in page
    assert (
        '<a href="#id_consent">Privacyverklaring: Vink dit aan om je aan te melden: zonder je gegevens kunnen we je '
        "niet inschrijven.</a>" in page
    )
    assert "<title>Fout: " in page


def test_register_organisation_must_be_chosen_or_typed_but_not_both(client):
    event = open_event()
    city = make_organisation(name="Gemeente Ede")

    neither = text_of(client.post(register_url(event), form_data(organisation_other="")))
    both = text_of(client.post(register_url(event), form_data(organisation=str(city.pk))))

    assert "Kies je organisatie uit de lijst, of typ de naam bij ‘Andere organisatie’." in neither
    assert "Kies een organisatie uit de lijst óf typ een andere naam, niet allebei." in both
    assert Registration.objects.count() == 0


def test_register_two_sessions_at_once_or_a_foreign_session_is_an_error_not_a_500(client):
    event = open_event()
    signup_session(event)
    foreign = signup_session(open_event())

    response = client.post(register_url(event), form_data(slot_1=str(foreign.pk)))

    assert response.status_code == 200
    assert "Deze sessie kun je niet (meer) kiezen. Kies een andere." in text_of(response)
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"registration_opens_at": None},
            "Voor deze netwerkdag kun je je (nog) niet via deze site aanmelden.",
        ),
        (
            {"registration_opens_at": timezone.make_aware(datetime.datetime(2029, 3, 1, 9, 0))},
            "Aanmelden kan vanaf 1 maart 2029, 09:00.",
        ),
        (
            {
                "registration_opens_at": timezone.now() - datetime.timedelta(days=9),
                "registration_closes_at": timezone.now() - datetime.timedelta(days=1),
            },
            "De aanmelding voor deze netwerkdag is gesloten.",
        ),
        (
            {
                "date": datetime.date(2020, 1, 1),
                "registration_opens_at": timezone.now() - datetime.timedelta(days=9),
            },
            "Deze netwerkdag is voorbij. Aanmelden kan niet meer.",
        ),
    ],
)
def test_register_page_shows_a_clear_message_instead_of_the_form(client, overrides, message):
    event = open_event(**overrides)

    get = client.get(register_url(event))
    post = client.post(register_url(event), form_data())

    for response in [get, post]:
        page = text_of(response)
        assert response.status_code == 200
        assert message in page
        assert "<form" not in page.split("<main")[1]
    assert Registration.objects.count() == 0


def test_register_page_of_a_full_netwerkdag_says_so(client):
    event = open_event(capacity=1)
    sign_up(event)

    page = text_of(client.get(register_url(event)))

    assert "Deze netwerkdag is vol: alle plaatsen zijn vergeven." in page


def test_register_of_a_draft_netwerkdag_is_not_found(client):
    event = open_event(status="draft")

    assert client.get(register_url(event)).status_code == 404


def test_register_with_an_address_already_registered_answers_exactly_like_a_new_sign_up(
    client, django_capture_on_commit_callbacks
):
    event = open_event()
    existing = sign_up(event, email="anna@dordrecht.example")
    new = client.post(register_url(event), form_data(email="bram@dordrecht.example", submission="x1"))

    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        again = client.post(register_url(event), form_data(email="ANNA@dordrecht.example", submission="x2"))

    assert (again.status_code, again["Location"]) == (new.status_code, new["Location"])
    assert Registration.objects.count() == 2
    assert mail.outbox[-1].to == ["anna@dordrecht.example"]
    assert existing.manage_url in mail.outbox[-1].body


def test_register_double_submit_of_the_same_form_creates_one_registration(client):
    event = open_event()

    first = client.post(register_url(event), form_data())
    second = client.post(register_url(event), form_data())

    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1


def test_register_honeypot_filled_in_stores_nothing_and_looks_like_success(client):
    event = open_event()

    response = client.post(register_url(event), form_data(contact_fax="http://spam.example"))

    assert response.status_code == 302
    assert Registration.objects.count() == 0


def test_register_rate_limit_per_address_keeps_the_typed_values(client, settings):
    settings.REGISTRATION_RATE_LIMIT = (2, 600)
    event = open_event()
    client.post(register_url(event), form_data(email="a@example.org", submission="1"))
    client.post(register_url(event), form_data(email="b@example.org", submission="2"))

    response = client.post(
        register_url(event), form_data(email="c@example.org", submission="3"), REMOTE_ADDR="127.0.0.1"
    )
    other_address = client.post(
        register_url(event), form_data(email="d@example.org", submission="4"), REMOTE_ADDR="10.0.0.9"
    )

    assert response.status_code == 429
    page = text_of(response)
    assert "Er komen nu heel veel aanmeldingen binnen vanaf jouw netwerk." in page
    assert 'value="c@example.org"' in page
    assert other_address.status_code == 302
    assert sorted(Registration.objects.values_list("email", flat=True)) == [
        "a@example.org",
        "b@example.org",
        "d@example.org",
    ]


def test_register_without_csrf_token_is_refused_and_stores_nothing():
    event = open_event()
    client = Client(enforce_csrf_checks=True)

    response = client.post(register_url(event), form_data())

    assert response.status_code == 403
    assert Registration.objects.count() == 0


def test_register_with_csrf_token_from_the_form_works():
    event = open_event()
    client = Client(enforce_csrf_checks=True)
    page = client.get(register_url(event)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(register_url(event), {**form_data(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_register_page_query_count_does_not_grow_with_sessions_or_organisations(
    client, django_assert_max_num_queries
):
    event = open_event()
    for _ in range(2):
        signup_session(event)
        make_organisation()
    with django_assert_max_num_queries(8):
        client.get(register_url(event))
    for _ in range(20):
        signup_session(event)
        make_organisation()
    sign_up(event, list(event.sessions.all()[:1]))
    with django_assert_max_num_queries(8):
        client.get(register_url(event))


# --- the manage page -------------------------------------------------------------------------------


def test_manage_page_shows_the_registration_with_names_escaped(client):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt")
    registration = sign_up(event, [session], name="<script>alert(1)</script> Anna")

    response = client.get(registration.get_absolute_url())

    page = text_of(response)
    assert response.status_code == 200
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt; Anna"' in page  # in the form to correct it
    assert "<script>alert(1)" not in page
    assert "<td>Woningmarkt</td> <td>Bevestigd</td>" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token.split(".")[0],
        lambda token: "x" * 87,
        lambda token: token.split(".")[0] + ".",
    ],
)
def test_manage_page_with_a_tampered_token_is_a_friendly_404(client, mangle):
    registration = sign_up(open_event())

    response = client.get(
        reverse("registrations:manage", kwargs={"token": mangle(registration.manage_token)})
    )
    post = client.post(
        reverse("registrations:manage", kwargs={"token": mangle(registration.manage_token)}),
        {"action": "cancel", "confirm": "on"},
    )

    assert response.status_code == 404
    assert "Deze link werkt niet" in text_of(response)
    assert post.status_code == 404
    registration.refresh_from_db()
    assert registration.is_active


def test_manage_page_changes_the_sessions(client, django_capture_on_commit_callbacks):
    event = open_event()
    one = signup_session(event, title="Sociale pijler")
    other = signup_session(event, title="Fysieke pijler")
    registration = sign_up(event, [one], name="Anna")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            registration.get_absolute_url(), {"action": "change", "slot_1": str(other.pk)}, follow=True
        )

    assert "Je keuzes zijn opgeslagen. We hebben je een bevestiging gemaild." in text_of(response)
    assert statuses(other) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(one) == {"confirmed": [], "waiting": []}
    assert mail.outbox[-1].subject == f"Je keuzes voor {event.title} zijn gewijzigd"


def test_manage_page_cancels_only_with_the_box_ticked(client):
    event = open_event()
    session = signup_session(event, capacity=1)
    registration = sign_up(event, [session], name="Anna")
    sign_up(event, [session], name="Bram")

    unticked = client.post(registration.get_absolute_url(), {"action": "cancel"})
    ticked = client.post(registration.get_absolute_url(), {"action": "cancel", "confirm": "on"}, follow=True)

    assert unticked.status_code == 400
    assert "Vink dit aan als je je echt wilt afmelden." in text_of(unticked)
    assert f"Je bent afgemeld voor {event.title}." in text_of(ticked)
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}


def test_manage_page_after_closing_shows_no_change_form(client):
    event = open_event()
    registration = sign_up(event)
    event.registration_opens_at = timezone.now() - datetime.timedelta(days=3)
    event.registration_closes_at = timezone.now() - datetime.timedelta(days=1)
    event.save()

    page = text_of(client.get(registration.get_absolute_url()))
    refused = client.post(registration.get_absolute_url(), {"action": "change"}, follow=True)

    assert "Je sessiekeuzes wijzigen kan niet meer: de aanmelding is gesloten." in page
    assert 'value="change"' not in page
    assert "Dat kan op dit moment niet meer." in text_of(refused)


def test_privacy_page_says_what_why_how_long_and_who(client, settings):
    settings.REGISTRATION_ANONYMISE_AFTER_DAYS = 90

    page = text_of(client.get(reverse("registrations:privacy")))

    for heading in [
        "Wat we bewaren",
        "Waarom",
        "Evaluatie na afloop",
        "Hoe lang",
        "Wie je gegevens ziet",
        "Inzien, wijzigen of laten verwijderen",
    ]:
        assert f"<h2>{heading}</h2>" in page
    assert "90 dagen na de netwerkdag maken we je aanmelding anoniem" in page
    assert 'href="mailto:netwerkdag@g40steden.nl"' in page


def test_waiting_place_is_never_shown_publicly(client):
    event = open_event()
    session = signup_session(event, capacity=1)
    sign_up(event, [session], name="Geheime Naam", email="geheim@example.org")

    page = client.get(register_url(event)).content.decode()

    assert "Geheime Naam" not in page
    assert "geheim@example.org" not in page
    assert Place.objects.count() == 1


def test_manage_page_query_count_does_not_grow_with_sessions_or_registrations(
    client, django_assert_max_num_queries
):
    event = open_event()
    sessions = [
        signup_session(event, start_time=datetime.time(10 + i, 0), end_time=datetime.time(10 + i, 45))
        for i in range(2)
    ]
    registration = sign_up(event, sessions)
    # Nine: the form to correct one's details lists the organisations.
    with django_assert_max_num_queries(9):
        client.get(registration.get_absolute_url())
    for i in range(2, 6):
        sessions.append(
            signup_session(event, start_time=datetime.time(10 + i, 0), end_time=datetime.time(10 + i, 45))
        )
    for _ in range(20):
        sign_up(event, sessions)
    services.change_sessions(registration=registration, session_ids=[s.pk for s in sessions])
    assert registration.places.waiting().count() == 4  # their positions are counted in the same query
    with django_assert_max_num_queries(9):
        client.get(registration.get_absolute_url())


def test_register_a_whole_city_hall_behind_one_address_gets_through_with_the_default_limit(client):
    """When registration opens, a hundred colleagues of one city hall sign up from one NAT address."""
    event = open_event(capacity=None)
    session = signup_session(event, title="Sociale pijler", capacity=None)

    answers = [
        client.post(
            register_url(event),
            form_data(email=f"collega{n}@dordrecht.example", submission=f"form-{n}", slot_1=str(session.pk)),
            REMOTE_ADDR="192.0.2.10",
        ).status_code
        for n in range(100)
    ]

    assert answers == [302] * 100
    assert Registration.objects.filter(event=event).count() == 100
    assert Place.objects.filter(session=session, status="confirmed").count() == 100
