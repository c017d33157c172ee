"""A registrant on their personal page in a real browser: sees where they stand (a place, or their
number on the waiting list), corrects their details (the error summary takes the focus after a failed
try), cancels, and signs up again from their own details; axe-core checks each state (WCAG 2.1 AA)."""

import json
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from registrations import services
from registrations.models import Registration
from sessions.models import Session
from tests.browser.axe import axe_violations
from tests.browser.test_registration_browser import DORDRECHT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_up(event, session, name, email):
    return services.register(
        event=event,
        person=services.PersonData(name=name, email=email, organisation_name="Gemeente Dordrecht"),
        session_ids=[session.pk],
    ).registration


def test_see_the_waiting_list_number_correct_the_details_cancel_and_sign_up_again(live_server, demo, page):
    fysiek = Session.objects.get(title="Fysieke pijler", event__slug=DORDRECHT.split("/")[2])
    Session.objects.filter(pk=fysiek.pk).update(capacity=1)
    for name in ["Bram", "Cem"]:
        sign_up(fysiek.event, fysiek, name, f"{name.lower()}@dordrecht.example")
    anna = sign_up(fysiek.event, fysiek, "Ana de Vris", "anna.devries@dordrecht.example")
    manage_url = re.search(r"^(http://\S+/aanmelding/\S+/)$", mail.outbox[-1].body, re.M).group(1)

    page.goto(manage_url)
    row = page.get_by_role("row").filter(has_text="Fysieke pijler")
    expect(row.get_by_role("cell").nth(2)).to_have_text("Nummer 2 op de wachtlijst")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    # A first correction with the name left empty: the error summary is read first.
    page.get_by_label("Naam", exact=True).fill("")
    page.get_by_role("button", name="Gegevens opslaan").click()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    expect(page.locator("#fouten")).to_be_focused()  # autofocus lands once the page is drawn
    assert page.locator("#fouten li").all_inner_texts() == ["Naam: Vul je naam in."]
    assert page.get_by_label("Naam", exact=True).get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_label("Andere organisatie").fill("")
    page.get_by_label("Organisatie", exact=True).select_option(label="Dordrecht")
    page.get_by_label("Dieetwensen").fill("Vegetarisch")
    page.get_by_role("button", name="Gegevens opslaan").click()
    expect(page.get_by_role("status").first).to_have_text("Je gegevens zijn opgeslagen.")
    anna.refresh_from_db()
    assert (anna.name, anna.organisation.name, anna.dietary_needs) == (
        "Anna de Vries",
        "Dordrecht",
        "Vegetarisch",
    )
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_label("Ja, ik meld me af voor deze netwerkdag.").check()
    page.get_by_role("button", name="Afmelden").click()
    assert (
        page.get_by_role("status").first.inner_text()
        == "Je bent afgemeld. We hebben je een bevestiging gemaild."
    )
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_role("link", name="Toch weer aanmelden").click()
    expect(page).to_have_title(re.compile(r"^Aanmelden voor Ambtelijke netwerkdag Dordrecht"))
    assert page.get_by_label("Naam", exact=True).input_value() == "Anna de Vries"
    assert page.get_by_label("E-mailadres").input_value() == "anna.devries@dordrecht.example"
    assert (
        page.get_by_label("Organisatie", exact=True).evaluate("s => s.selectedOptions[0].text") == "Dordrecht"
    )
    assert page.get_by_label("Dieetwensen").input_value() == "Vegetarisch"
    page.get_by_label(re.compile(r"^Ik ga akkoord")).check()
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedankt voor je aanmelding")
    again = Registration.objects.get(
        email="anna.devries@dordrecht.example", status=Registration.Status.ACTIVE
    )
    assert (again.name, again.organisation.name, again.dietary_needs) == (
        "Anna de Vries",
        "Dordrecht",
        "Vegetarisch",
    )
