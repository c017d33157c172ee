"""A Bericht aan deelnemers in Chromium: compose and preview with the count; axe-core (WCAG 2.1 AA)
on the compose and preview pages, then the send button (the rest of sending is tested with Django's
client in tests/registrations)."""

import json
import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from registrations.models import EmailLog, Registration
from tests.browser.axe import axe_violations
from tests.registrations.helpers import open_event, sign_up, signup_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-wachtwoord-voor-berichten"


def test_compose_preview_and_send_in_the_browser(live_server, page):
    User.objects.create_superuser("organisator", "o@example.org", PASSWORD)
    event = open_event(title="Netwerkdag Ede")
    housing = signup_session(event, title="Wonen")
    sign_up(event, [housing], name="Anna de Vries")
    sign_up(event, [housing], name="Bram Jansen")

    page.goto(f"{live_server.url}/beheer/login/")
    page.get_by_label("Gebruikersnaam").fill("organisator")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.goto(f"{live_server.url}/beheer/registrations/mailing/add/?netwerkdag={event.pk}")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_label("Alle aangemelden van de netwerkdag").check()
    page.get_by_label("Onderwerp").fill("Praktische informatie")
    page.locator("#id_body").fill("Hallo {naam}, neem je **laptop** mee.")
    page.get_by_role("button", name="Voorbeeld bekijken").click()

    expect(page.locator("#recipient-count")).to_have_text(
        "Dit bericht gaat naar 2 ontvangers. Zo ziet Anna de Vries het:"
    )
    # The text part is plain text: the Markdown's marks are gone.
    expect(page.locator(".mailing-preview pre")).to_contain_text("Hallo Anna de Vries, neem je laptop mee.")
    # The HTML part, in its sandboxed frame (srcdoc, escaped: the message's own quotes must not end
    # the attribute, which left the frame empty).
    formatted = page.frame_locator(".mailing-preview iframe")
    expect(formatted.locator("strong")).to_have_text("laptop")
    expect(formatted.locator("p").first).to_have_text("Beste Anna de Vries,")
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    # Sending: the organiser lands on the mailing's page, which says what was queued.
    # Scrolled to first, as a person does: Playwright's own scroll-and-click on this long page (the
    # preview's frame loads while it scrolls) clicked before the button had come to rest.
    send = page.get_by_role("button", name="Verzenden aan 2 ontvangers")
    send.scroll_into_view_if_needed()
    send.click()
    page.wait_for_url(re.compile(r"/beheer/registrations/mailing/\d+/change/$"))
    assert page.locator(".messagelist").inner_text() == (
        "Het bericht staat klaar voor 2 ontvangers; de voortgang staat hieronder."
    )
    assert sorted(
        EmailLog.objects.filter(kind=EmailLog.Kind.MAILING).values_list("recipient", flat=True)
    ) == sorted(Registration.objects.values_list("email", flat=True))
