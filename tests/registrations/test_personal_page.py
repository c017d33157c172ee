"""The personal page: where the registrant stands in each session, correcting their details, and
signing up again after a cancellation from their own details."""

import datetime
import re

import pytest
from django.core import mail

from registrations import services
from registrations.models import Registration
from tests.factories import make_organisation
from tests.registrations.helpers import open_event, sign_up, signup_session, statuses
from tests.registrations.test_views import register_url, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def dordrecht():
    event = open_event(title="Netwerkdag Dordrecht", ask_dietary_needs=True, ask_accessibility_needs=True)
    session = signup_session(event, title="Woningmarkt", capacity=1)
    return event, session


def details(**overrides):
    data = {
        "action": "details",
        "name": "Anna de Vries",
        "organisation": "",
        "organisation_other": "Gemeente Dordrecht",
        "job_title": "Beleidsadviseur wonen",
        "dietary_needs": "",
        "accessibility_needs": "",
    }
    data.update(overrides)
    return data


def cells(page: str) -> list[str]:
    """The text of each table cell."""
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", page)]


def test_the_personal_page_shows_each_place_or_the_number_on_the_waiting_list(client, dordrecht):
    event, woningmarkt = dordrecht
    lunch = signup_session(
        event, title="Lunchwandeling", capacity=5, start_time=datetime.time(12), end_time=datetime.time(13)
    )
    for name in ["Bram", "Cem", "Dirk"]:
        sign_up(event, [woningmarkt], name=name)
    anna = sign_up(event, [woningmarkt, lunch], name="Anna")

    page = text_of(client.get(anna.get_absolute_url()))

    assert cells(page)[1::3] == ["Woningmarkt", "Lunchwandeling"]
    assert cells(page)[2::3] == ["Nummer 3 op de wachtlijst", "Bevestigd"]
    services.cancel(registration=Registration.objects.get(name="Bram"))
    page = text_of(client.get(anna.get_absolute_url()))
    assert cells(page)[2::3] == ["Nummer 2 op de wachtlijst", "Bevestigd"]


def test_a_registrant_corrects_name_organisation_and_needs_and_keeps_the_places(client, dordrecht):
    event, session = dordrecht
    city = make_organisation(name="Dordrecht")
    anna = sign_up(event, [session], name="Ana de Vris", organisation_name="Gemeente Dordt")
    url = anna.get_absolute_url()

    response = client.post(
        url,
        details(organisation=str(city.pk), organisation_other="", dietary_needs="Vegetarisch",
                accessibility_needs="Een ringleiding"),
    )  # fmt: skip

    assert response.status_code == 302
    page = text_of(client.get(url))
    assert "Je gegevens zijn opgeslagen." in page
    anna.refresh_from_db()
    assert (anna.name, anna.organisation, anna.organisation_name, anna.job_title) == (
        "Anna de Vries", city, "", "Beleidsadviseur wonen",
    )  # fmt: skip
    assert (anna.dietary_needs, anna.accessibility_needs) == ("Vegetarisch", "Een ringleiding")
    assert statuses(session) == {"confirmed": ["Anna de Vries"], "waiting": []}
    assert 'value="Anna de Vries"' in page
    assert mail.outbox == []


def test_a_failed_correction_puts_a_well_formed_error_summary_in_focus_and_saves_nothing(client, dordrecht):
    event, session = dordrecht
    anna = sign_up(event, [session], name="Anna de Vries")

    response = client.post(anna.get_absolute_url(), details(name="", organisation_other=""))

    page = text_of(response)
    assert response.status_code == 400
    assert re.search(r"<title>Fout: ", page)
    summary = re.search(r'<div class="error-summary"([^>]*)>(.*?)</div>', page)
    assert 'tabindex="-1" autofocus aria-labelledby="fouten-kop"' in summary.group(1)
    assert re.findall(r"<li><a [^>]*>(.*?)</a></li>", summary.group(2)) == [
        "Naam: Vul je naam in.",
        "Organisatie: Kies je organisatie uit de lijst, of typ de naam bij ‘Andere organisatie’.",
    ]
    assert Registration.objects.get(pk=anna.pk).name == "Anna de Vries"


def test_a_correction_refuses_a_web_address_in_the_name(client, dordrecht):
    event, session = dordrecht
    anna = sign_up(event, [session], name="Anna de Vries")

    response = client.post(anna.get_absolute_url(), details(name="Anna via www.winactie.example"))

    assert response.status_code == 400
    assert "Vul alleen je naam in, zonder webadres of e-mailadres" in text_of(response)
    assert Registration.objects.get(pk=anna.pk).name == "Anna de Vries"


def test_the_cancel_error_names_the_field_in_the_summary_without_its_whole_sentence(client, dordrecht):
    event, session = dordrecht
    anna = sign_up(event, [session], name="Anna de Vries")

    response = client.post(anna.get_absolute_url(), {"action": "cancel"})

    assert response.status_code == 400
    assert (
        '<li><a href="#id_confirm">Afmelden: Vink dit aan als je je echt wilt afmelden.</a></li>'
        in text_of(response)
    )


def test_the_cancellation_mail_offers_to_sign_up_again_not_to_change_sessions(
    dordrecht, django_capture_on_commit_callbacks
):
    event, session = dordrecht
    anna = sign_up(event, [session], name="Anna de Vries")

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=anna)

    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "sessies wijzigen" not in text
        assert "Je afmelding bekijken, of je toch weer aanmelden (met je gegevens al ingevuld)" in text
    assert anna.manage_url in message.body


def test_signing_up_again_starts_from_the_persons_details(client, dordrecht):
    event, session = dordrecht
    city = make_organisation(name="Dordrecht")
    anna = sign_up(
        event, [session], name="Anna de Vries", email="anna@dordrecht.example", organisation=city,
        organisation_name="", job_title="Beleidsadviseur wonen", dietary_needs="Vegetarisch",
    )  # fmt: skip
    services.cancel(registration=anna)

    page = text_of(client.get(anna.get_absolute_url()))
    again = re.search(r'<a href="([^"]+)">Toch weer aanmelden</a>', page).group(1).replace("&amp;", "&")
    form = text_of(client.get(again))

    assert again.startswith(register_url(event) + "?opnieuw=")
    assert 'value="Anna de Vries"' in form
    assert 'value="anna@dordrecht.example"' in form
    assert f'<option value="{city.pk}" selected>Dordrecht</option>' in form
    assert 'value="Beleidsadviseur wonen"' in form
    assert re.search(r"<textarea [^>]*>\s*Vegetarisch</textarea>", form)


def test_a_forged_sign_up_again_link_gives_an_empty_form(client, dordrecht):
    event, session = dordrecht
    anna = sign_up(event, [session], name="Anna de Vries")

    form = text_of(client.get(register_url(event) + "?opnieuw=" + anna.manage_token[:-2] + "xx"))

    assert "Anna de Vries" not in form
