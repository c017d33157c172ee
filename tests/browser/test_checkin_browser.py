"""The day itself in a real browser: desk staff sign in, find people as they type, check them in,
type a code, undo; a host ticks attendance at the door; 'nu en straks' pauses. axe-core checks the
pages at phone and desktop width (WCAG 2.1 AA), and nothing breaks the Content-Security-Policy."""

import json

import pytest
from playwright.sync_api import expect

from checkin import codes
from checkin.models import Attendance, CheckIn
from tests.browser.test_registration_browser import axe_violations
from tests.browser.test_security_browser import ViolationWatch
from tests.checkin.helpers import day, desk_user, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-wachtwoord-voor-de-balie"


@pytest.fixture
def ede():
    event, wonen, werken, walk = day()
    anna = sign_up(event, [wonen], name="Anna de Vries", organisation_name="Gemeente Ede")
    bram = sign_up(event, [werken], name="Bram Jansen", organisation_name="Gemeente Zwolle")
    sign_up(event, [wonen], name="Cor Smit", organisation_name="Provincie Gelderland")
    desk_user()
    return event, wonen, anna, bram


def sign_in(page, url):
    page.goto(url)
    page.get_by_label("Gebruikersnaam").fill("balie")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def assert_axe_clean(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


@pytest.mark.parametrize("width", [390, 1280])
def test_desk_flow_search_check_in_code_and_undo(live_server, ede, browser, width):
    event, wonen, anna, bram = ede
    context = browser.new_context(
        locale="nl-NL", viewport={"width": width, "height": 900}, is_mobile=width < 500
    )
    page = context.new_page()
    watch = ViolationWatch(page)
    try:
        sign_in(page, live_server.url + "/balie/ede/")
        assert " ".join(page.get_by_role("heading", level=1).inner_text().split()) == "Balie Netwerkdag Ede"
        expect(page.locator("#desk-count")).to_have_text("0 van 3 binnen")
        assert_axe_clean(page)

        # Results update in place as one types.
        page.get_by_label("Zoek op naam of organisatie").fill("gemeente")
        page.wait_for_selector("text=2 gevonden")
        assert page.locator(".desk-person__name").all_inner_texts() == ["Anna de Vries", "Bram Jansen"]
        expect(page).to_have_url(live_server.url + "/balie/ede/?q=gemeente")
        assert_axe_clean(page)

        page.get_by_role("button", name="Inchecken Anna de Vries").click()
        page.wait_for_selector("text=Anna de Vries (Gemeente Ede) is ingecheckt.")
        expect(page.locator("#desk-count")).to_have_text("1 van 3 binnen")
        assert_axe_clean(page)

        # A code typed (or scanned) checks in at once.
        page.get_by_label("Code", exact=True).fill(codes.code_for(bram))
        page.get_by_role("button", name="Inchecken met code").click()
        page.wait_for_selector("text=Bram Jansen (Gemeente Zwolle) is ingecheckt.")
        expect(page.locator("#desk-count")).to_have_text("2 van 3 binnen")

        # A forged code: a clear message, nothing changes.
        page.get_by_label("Code", exact=True).fill("ZZ-ZZZZZZ")
        page.get_by_role("button", name="Inchecken met code").click()
        page.wait_for_selector("text=Deze code kennen we niet.")
        assert page.get_by_role("alert").inner_text().startswith("Deze code kennen we niet.")
        expect(page.locator("#desk-count")).to_have_text("2 van 3 binnen")
        assert_axe_clean(page)

        page.get_by_label("Zoek op naam of organisatie").fill("anna")
        page.wait_for_selector("text=1 gevonden")
        page.get_by_role("button", name="Ongedaan maken voor Anna de Vries").click()
        page.wait_for_selector("text=Anna de Vries is niet meer ingecheckt.")
        assert sorted(CheckIn.objects.values_list("registration__name", flat=True)) == ["Bram Jansen"]
        watch.note()
        assert watch.report() == ""
    finally:
        context.close()


def test_desk_works_without_javascript(live_server, ede, browser):
    event, wonen, anna, bram = ede
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url + "/balie/ede/")
        page.get_by_label("Zoek op naam of organisatie").fill("bram")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.locator(".desk-person__name")).to_have_text(["Bram Jansen"])
        page.get_by_role("button", name="Inchecken Bram Jansen").click()
        expect(page.get_by_role("status").first).to_have_text("Bram Jansen (Gemeente Zwolle) is ingecheckt.")
        expect(page).to_have_url(live_server.url + "/balie/ede/?q=bram")
        assert CheckIn.objects.get().registration == bram
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_host_ticks_attendance_on_the_session_list(live_server, ede, browser, width):
    event, wonen, anna, bram = ede
    context = browser.new_context(
        locale="nl-NL", viewport={"width": width, "height": 900}, is_mobile=width < 500
    )
    page = context.new_page()
    try:
        sign_in(page, live_server.url + "/balie/ede/sessies/")
        assert_axe_clean(page)
        page.get_by_role("link", name="Wonen").click()
        # The click only starts the navigation: wait for the session's list, not the index's.
        expect(page.locator(".desk-person__name")).to_have_text(["Anna de Vries", "Cor Smit"])
        assert_axe_clean(page)

        page.get_by_role("button", name="Aanwezig Anna de Vries").click()
        page.wait_for_selector("text=Anna de Vries is aanwezig.")
        assert page.locator(".desk-count").inner_text().startswith("1 aanwezig, 2 met een plaats")
        assert_axe_clean(page)
        assert list(Attendance.objects.values_list("registration__name", "session__title")) == [
            ("Anna de Vries", "Wonen")
        ]
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_now_page_is_axe_clean_and_can_be_paused(live_server, ede, browser, width):
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/netwerkdagen/ede/nu/")
        expect(page.locator(".now-status")).to_have_text("Deze pagina werkt zichzelf elke minuut bij.")
        assert_axe_clean(page)
        page.get_by_role("button", name="Automatisch bijwerken pauzeren").click()
        page.get_by_role("button", name="Automatisch bijwerken hervatten").click()
        page.get_by_role("button", name="Automatisch bijwerken pauzeren").wait_for()
        assert_axe_clean(page)
    finally:
        context.close()


def test_now_page_updates_once_a_minute_and_not_while_paused(live_server, ede, browser):
    import datetime

    import time_machine

    from tests.factories import make_session

    event, *_ = ede
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.clock.install()
    try:
        with time_machine.travel(
            datetime.datetime(2030, 5, 1, 9, 5, tzinfo=datetime.UTC), tick=False
        ):  # 11:05
            page.goto(live_server.url + "/netwerkdagen/ede/nu/")
            region = page.locator("#nu-en-straks")
            assert "Koffie" not in region.inner_text()
            make_session(
                event=event, title="Koffie", start_time=datetime.time(11, 0), end_time=datetime.time(11, 30)
            )

            page.clock.run_for(30_000)
            page.wait_for_timeout(300)
            assert "Koffie" not in region.inner_text()  # not before a minute has passed
            page.clock.run_for(31_000)
            region.get_by_text("Koffie").wait_for()

            page.get_by_role("button", name="Automatisch bijwerken pauzeren").click()
            make_session(
                event=event, title="Thee", start_time=datetime.time(11, 0), end_time=datetime.time(11, 30)
            )
            page.clock.run_for(180_000)
            page.wait_for_timeout(300)
            assert "Thee" not in region.inner_text()

            page.get_by_role("button", name="Automatisch bijwerken hervatten").click()
            region.get_by_text("Thee").wait_for()
    finally:
        context.close()
