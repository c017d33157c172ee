"""A colleague finds the next netwerkdag, its programme, a session and a speaker, in a real browser.

Runs the demo data in Debian's Chromium; axe-core checks every public page type at desktop and
phone widths against the WCAG 2.1 A and AA rules, and Chromium reports no Content-Security-Policy
violation on them.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe import axe_violations
from tests.browser.csp import ViolationWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEVENTER = "/netwerkdagen/ambtelijke-netwerkdag-deventer-2024/"

PUBLIC_PAGES = {
    "home": "/",
    "archive": "/netwerkdagen/",
    "netwerkdag": DEVENTER,
    "netwerkdag, filtered": f"{DEVENTER}?pijler=fysieke-pijler&themagroep=woningmarkt",
    "netwerkdag, upcoming": "/netwerkdagen/ambtelijke-netwerkdag-dordrecht-2024/",
    "session": f"{DEVENTER}sessies/keynote-migratie/",
    "speakers": "/sprekers/",
    "speaker": "/sprekers/jaco-dagevos/",
    "pillar": "/pijlers/sociale-pijler/",
    "theme groups": "/themagroepen/",
    "theme group": "/themagroepen/woningmarkt/",
    "recaps": "/terugblik/",
    "recap": "/terugblik/terugblik-deventer-sociale-pijler/",
    "accessibility statement": "/toegankelijkheid/",
    "not found": "/bestaat-niet/",
}


def test_colleague_finds_the_next_netwerkdag_programme_session_and_speaker(live_server, demo, page):
    page.goto(live_server.url + "/")
    expect(
        page.get_by_role(
            "heading", level=2, name="Volgende netwerkdag: Dordrecht, donderdag 21 november 2024"
        )
    ).to_be_visible()

    # Add Dordrecht to the calendar.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Zet in je agenda").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as calendar:
        assert calendar.read().startswith("BEGIN:VCALENDAR")
    href = page.get_by_role("link", name="Zet in je agenda").first.get_attribute("href")
    assert page.request.get(live_server.url + href).headers["content-type"].startswith("text/calendar")

    # Open the Deventer programme from the archive.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Netwerkdagen").click()
    page.get_by_role("link", name="Ambtelijke netwerkdag Deventer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ambtelijke netwerkdag Deventer")
    expect(page.get_by_text("Deze netwerkdag is voorbij.")).to_be_visible()
    programme = page.locator("#programma")
    expect(programme.get_by_text("Sociale pijler: de waarde van het sociaal domein")).to_be_visible()

    # Filter by a pillar: the sessions of the other pillars go, the plenary opening stays.
    page.get_by_label("Pijler", exact=True).select_option(label="Fysieke pijler")
    page.get_by_role("button", name="Toon sessies").click()
    expect(page).to_have_url(re.compile(r"pijler=fysieke-pijler"))
    expect(programme.get_by_text("Fysieke pijler: ontwikkelingen op de woningmarkt")).to_be_visible()
    expect(programme.get_by_text("Welkom in Deventer")).to_be_visible()
    expect(programme.get_by_text("Sociale pijler: de waarde van het sociaal domein")).to_have_count(0)
    expect(programme.get_by_text("Themagroep MKB: pilot ondernemersdienstverlening")).to_have_count(0)

    # Open a session, then its speaker.
    page.get_by_role("link", name="Fysieke pijler: ontwikkelingen op de woningmarkt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Fysieke pijler: ontwikkelingen op de woningmarkt"
    )
    expect(page.get_by_text("11:30–12:30 uur")).to_be_visible()
    page.get_by_role("link", name="Peter Hein van Mulligen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Peter Hein van Mulligen")
    expect(page.get_by_text("Hoofdeconoom, Centraal Bureau voor de Statistiek")).to_be_visible()
    expect(page.get_by_role("link", name="Fysieke pijler: ontwikkelingen op de woningmarkt")).to_be_visible()


def test_parallel_sessions_sit_side_by_side_on_a_wide_screen_and_stack_on_a_phone(
    live_server, demo, page, phone_page
):
    for browser_page, side_by_side in ((page, True), (phone_page, False)):
        browser_page.goto(live_server.url + DEVENTER)
        cards = browser_page.locator(".slot").filter(has_text="3 sessies tegelijk").locator(".session")
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        if side_by_side:
            assert first["y"] == second["y"] and second["x"] > first["x"]
        else:
            assert first["x"] == second["x"] and second["y"] > first["y"]
        # Nothing sticks out sideways on a phone.
        assert browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_netwerkdag_page_of_the_demo_weighs_under_100_kb(live_server, demo, page):
    weights = []
    page.on("response", lambda response: weights.append(len(response.body())) if response.ok else None)
    page.goto(live_server.url + DEVENTER)
    page.wait_for_load_state("networkidle")

    assert sum(weights) < 100_000, weights


def test_keyboard_user_can_skip_to_the_content(live_server, demo, page):
    page.goto(live_server.url + DEVENTER)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    expect(page.get_by_role("link", name="Naar de inhoud")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"


def run_axe(browser_page, base_url):
    """axe's violations per page, and the Content-Security-Policy violations Chromium reported."""
    found = {}
    watch = ViolationWatch(browser_page)
    for name, path in PUBLIC_PAGES.items():
        watch.visit(base_url + path)
        if violations := axe_violations(browser_page):
            found[name] = violations
        watch.forget()
    return found, watch.found


def test_public_pages_have_no_axe_or_csp_violations_on_a_desktop(live_server, demo, page):
    violations, csp_violations = run_axe(page, live_server.url)

    assert violations == {}, json.dumps(violations, indent=2)
    assert csp_violations == {}


def test_public_pages_have_no_axe_or_csp_violations_on_a_phone(live_server, demo, phone_page):
    violations, csp_violations = run_axe(phone_page, live_server.url)

    assert violations == {}, json.dumps(violations, indent=2)
    assert csp_violations == {}
