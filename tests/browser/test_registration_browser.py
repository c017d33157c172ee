"""A colleague signs up for the Dordrecht netwerkdag in a real browser, opens the link from the
e-mail, changes a session and cancels; axe-core checks the form and the manage page (WCAG 2.1 AA)."""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from registrations.models import Place, Registration
from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DORDRECHT = "/netwerkdagen/ambtelijke-netwerkdag-dordrecht-2024/"


def confirmed_sessions(registration) -> list[str]:
    return sorted(
        Place.objects.filter(registration=registration, status=Place.Status.CONFIRMED).values_list(
            "session__title", flat=True
        )
    )


def test_sign_up_for_dordrecht_change_a_session_and_cancel(live_server, demo, page):
    page.goto(live_server.url + DORDRECHT + "aanmelden/")
    assert page.title().startswith("Aanmelden voor Ambtelijke netwerkdag Dordrecht")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    # A first try without an e-mail address: the error is at the field and the name is kept.
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    email = page.get_by_label("E-mailadres")
    assert email.get_attribute("aria-invalid") == "true"
    assert "id_email_error" in email.get_attribute("aria-describedby")
    expect(page.locator("#id_email_error")).to_have_text("Vul je e-mailadres in.")
    assert page.get_by_label("Naam", exact=True).input_value() == "Anna de Vries"
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    email.fill("anna.devries@dordrecht.example")
    page.get_by_label("Organisatie", exact=True).select_option(label="Dordrecht")
    page.get_by_label("Functie").fill("Beleidsadviseur wonen")
    page.get_by_label(re.compile(r"^Fysieke pijler")).check()
    page.get_by_label(re.compile(r"^Lunchwandeling langs de havens")).check()
    page.get_by_label("Dieetwensen").fill("Vegetarisch")
    page.get_by_label(re.compile(r"^Ik ga akkoord")).check()
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor je aanmelding")
    registration = Registration.objects.get(event__slug="ambtelijke-netwerkdag-dordrecht-2024")
    assert (registration.name, registration.organisation.name, registration.dietary_needs) == (
        "Anna de Vries",
        "Dordrecht",
        "Vegetarisch",
    )
    assert confirmed_sessions(registration) == ["Fysieke pijler", "Lunchwandeling langs de havens"]

    # The link from the e-mail opens the manage page.
    (confirmation,) = mail.outbox
    assert confirmation.to == ["anna.devries@dordrecht.example"]
    manage_url = re.search(r"^(http://\S+/aanmelding/\S+/)$", confirmation.body, re.M).group(1)
    page.goto(manage_url)
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Je aanmelding voor Ambtelijke netwerkdag Dordrecht"
    )
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_label(re.compile(r"^Sociale pijler")).check()
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    assert (
        page.get_by_role("status").first.inner_text()
        == "Je keuzes zijn opgeslagen. We hebben je een bevestiging gemaild."
    )
    assert confirmed_sessions(registration) == ["Lunchwandeling langs de havens", "Sociale pijler"]
    assert mail.outbox[-1].subject == "Je keuzes voor Ambtelijke netwerkdag Dordrecht zijn gewijzigd"

    page.get_by_label("Ja, ik meld me af voor deze netwerkdag.").check()
    page.get_by_role("button", name="Afmelden").click()
    assert (
        page.get_by_role("status").first.inner_text()
        == "Je bent afgemeld. We hebben je een bevestiging gemaild."
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert not Place.objects.filter(session__event__slug="ambtelijke-netwerkdag-dordrecht-2024").exists()
    assert [m.subject for m in mail.outbox][-1] == "Je bent afgemeld voor Ambtelijke netwerkdag Dordrecht"
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)


def test_privacy_page_has_no_axe_violations(live_server, demo, page):
    page.goto(live_server.url + "/privacy/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Privacyverklaring aanmeldingen")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)


def test_sign_up_with_an_address_outside_the_listed_domains_confirm_through_the_link(live_server, demo, page):
    page.goto(live_server.url + DORDRECHT + "aanmelden/")
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill("anna@adviesbureau-devries.example")
    page.get_by_label("Andere organisatie").fill("Adviesbureau De Vries")
    page.get_by_label(re.compile(r"^Fysieke pijler")).check()
    page.get_by_label(re.compile(r"^Ik ga akkoord")).check()
    page.get_by_role("button", name="Aanmelden").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor je aanmelding")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)
    registration = Registration.objects.get(event__slug="ambtelijke-netwerkdag-dordrecht-2024")
    assert registration.status == Registration.Status.UNCONFIRMED
    assert not Place.objects.filter(session__event__slug="ambtelijke-netwerkdag-dordrecht-2024").exists()

    # The mail holds the confirmation link; opening it shows what will be confirmed.
    (message,) = mail.outbox
    assert (message.subject, message.to) == (
        "Bevestig je aanmelding voor Ambtelijke netwerkdag Dordrecht",
        ["anna@adviesbureau-devries.example"],
    )
    link = re.search(r"^(http://\S+/aanmelding/bevestigen/\S+/)$", message.body, re.M).group(1)
    page.goto(link)
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Bevestig je aanmelding voor Ambtelijke netwerkdag Dordrecht"
    )
    expect(page.get_by_role("listitem").filter(has_text="Fysieke pijler")).to_have_count(1)
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)
    assert not Place.objects.filter(session__event__slug="ambtelijke-netwerkdag-dordrecht-2024").exists()

    page.get_by_role("button", name="Aanmelding bevestigen").click()

    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Je aanmelding voor Ambtelijke netwerkdag Dordrecht"
    )
    assert page.get_by_role("status").first.inner_text() == (
        "Je e-mailadres is bevestigd: je bent aangemeld. We hebben je een e-mail gestuurd met je sessies "
        "en een persoonlijke link."
    )
    row = page.get_by_role("row").filter(has_text="Fysieke pijler")
    expect(row.get_by_role("cell").nth(2)).to_have_text("Bevestigd")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)
    assert confirmed_sessions(registration) == ["Fysieke pijler"]
    assert [(m.subject, m.to) for m in mail.outbox][1:] == [
        (
            "Bevestiging van je aanmelding: Ambtelijke netwerkdag Dordrecht",
            ["anna@adviesbureau-devries.example"],
        )
    ]
