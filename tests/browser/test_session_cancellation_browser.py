"""An organiser cancels a session of the Dordrecht netwerkdag in Chromium and reinstates it; the pages
that show the cancelled state (the confirmation pages, the programme screen, the netwerkdag page, the
session page, the sign-up form and "nu en straks") have no axe violations and say it without JavaScript."""

import json
import re

import pytest
from playwright.sync_api import expect

from g40events.models import Event
from registrations import services
from registrations.models import place_counts
from sessions.models import Session
from tests.browser.axe import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DORDRECHT = "/netwerkdagen/ambtelijke-netwerkdag-dordrecht-2024/"
WALK = "Lunchwandeling langs de havens"


def test_organiser_cancels_a_session_the_public_sees_it_and_the_organiser_reinstates_it(
    live_server,
    organiser_page,
    browser,
):
    page = organiser_page
    event = Event.objects.get(slug="ambtelijke-netwerkdag-dordrecht-2024")
    walk = Session.objects.get(event=event, slug="lunchwandeling-havens")
    programme_url = f"{live_server.url}/beheer/programme/session/programma/{event.pk}/"

    page.goto(programme_url)
    expect(page.locator(f"#sessie-{walk.pk}")).to_contain_text("Sessie laten vervallen")
    page.locator(f"#sessie-{walk.pk}").get_by_role("link", name="Sessie laten vervallen").click()
    expect(page).to_have_title(re.compile(rf"^Sessie laten vervallen: {WALK}"))
    taken, waiting = place_counts([walk])[walk.pk]
    expect(page.locator("#content-main strong").first).to_contain_text(
        f"{taken} deelnemer{' heeft' if taken == 1 else 's hebben'} een plaats in deze sessie."
    )
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)

    page.get_by_label("Reden (openbaar; mag leeg blijven)").fill("Te weinig aanmeldingen.")
    page.get_by_role("button", name="Ja, laat de sessie vervallen").click()
    page.wait_for_url(re.compile(r"/programma/\d+/"))
    expect(page.locator(".messagelist")).to_contain_text(f"“{WALK}” is vervallen.")
    expect(page.locator(f"#sessie-{walk.pk} th")).to_have_text(f"Vervallen: {WALK}")
    # What the cancellation changed on the screen: the message and the session's row (the cockpit's
    # sweep checks the whole screen).
    changed = f".messagelist, #sessie-{walk.pk}"
    assert axe_violations(page, include=changed) == [], json.dumps(axe_violations(page, include=changed))

    # The first item of the day too, so that "nu en straks" (before the day: what comes first) shows one.
    services.cancel_session(session=Session.objects.get(event=event, slug="ontvangst"), reason="Geen koffie.")

    # The public pages say it in words, also in a browser without JavaScript; axe checks them.
    visitor = browser.new_context(locale="nl-NL")
    without_js = browser.new_context(locale="nl-NL", java_script_enabled=False)
    try:
        for public in (without_js.new_page(), visitor.new_page()):
            public.goto(live_server.url + DORDRECHT)
            card = public.locator(".session--cancelled", has_text=WALK)
            expect(card.locator("h4")).to_have_text(f"Vervallen: {WALK}")
            expect(card.locator(".session__cancelled")).to_have_text(
                "Deze sessie is vervallen. Te weinig aanmeldingen."
            )
            card.get_by_role("link", name=WALK).click()
            expect(public).to_have_title(re.compile(rf"^Vervallen: {WALK}"))
            expect(public.locator(".notice--cancelled")).to_contain_text(
                "Deze sessie is vervallen. Te weinig aanmeldingen."
            )
            public.goto(live_server.url + DORDRECHT + "aanmelden/")
            expect(public.get_by_label("Lunchwandeling door de binnenstad", exact=False)).to_have_count(1)
            expect(public.get_by_label(WALK, exact=False)).to_have_count(0)
            public.goto(live_server.url + DORDRECHT + "nu/")
            expect(public.locator(".now-session__title").first).to_have_text(
                "Vervallen: Ontvangst met koffie"
            )

        # axe runs in the page's JavaScript: in the browser that has it. On the netwerkdag page, the
        # cancelled card (the public pages' sweep checks the whole page).
        for path, scope in [
            ("", ".session--cancelled"),
            ("sessies/lunchwandeling-havens/", None),
            ("aanmelden/", None),
            ("nu/", None),
        ]:
            public.goto(live_server.url + DORDRECHT + path)
            found = axe_violations(public, include=scope)
            assert found == [], (path, json.dumps(found, indent=2))
    finally:
        without_js.close()

    # Back in the admin: reinstate, after a page that says nobody gets a place back.
    page.locator(f"#sessie-{walk.pk}").get_by_role("link", name="Sessie terugzetten").click()
    expect(page).to_have_title(re.compile(rf"^Sessie terugzetten: {WALK}"))
    expect(
        page.get_by_text("Niemand krijgt automatisch zijn plaats of wachtlijstplaats terug", exact=False)
    ).to_be_visible()
    assert axe_violations(page) == [], json.dumps(axe_violations(page), indent=2)
    page.get_by_role("button", name="Ja, zet de sessie terug").click()
    page.wait_for_url(re.compile(r"/programma/\d+/"))
    expect(page.locator(f"#sessie-{walk.pk} th")).to_have_text(WALK)

    try:
        public.goto(live_server.url + DORDRECHT)
        expect(public.locator(".session", has_text=WALK).locator("h4")).to_have_text(WALK)
    finally:
        visitor.close()
