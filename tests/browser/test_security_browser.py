"""The Content-Security-Policy in a real browser: no page of the site or its admin breaks under it,
and Chromium understands the Permissions-Policy.

Every `securitypolicyviolation` event and every CSP message in the console is collected while
a colleague signs up and an organiser works through the admin (the public pages are watched in the
axe sweeps of test_public_browser.py, the cockpit's pages and the add pages of our own forms in those
of test_cockpit_browser.py).
"""

import re

import pytest
from playwright.sync_api import expect

from g40events.models import Event
from registrations.models import Registration
from sessions.models import Material, Session
from tests.browser.axe import axe_violations
from tests.browser.csp import ViolationWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DORDRECHT = "/netwerkdagen/ambtelijke-netwerkdag-dordrecht-2024/"


def test_privacy_sign_up_and_personal_pages_raise_no_csp_violations(live_server, demo, page):
    """The public pages are watched in the axe sweeps of test_public_browser.py."""
    watch = ViolationWatch(page)
    watch.visit(live_server.url + "/privacy/")

    # Sign up for Dordrecht (the form, its errors, the thanks page), then open the personal page.
    watch.visit(live_server.url + DORDRECHT + "aanmelden/")
    page.get_by_role("button", name="Aanmelden").click()
    watch.note()
    page.get_by_label("Naam", exact=True).fill("Anna de Vries")
    page.get_by_label("E-mailadres").fill("anna@dordrecht.example")
    page.get_by_label("Organisatie", exact=True).select_option(label="Dordrecht")
    page.get_by_label("Functie").fill("Beleidsadviseur")
    page.get_by_label(re.compile("^Ik ga akkoord")).check()
    page.get_by_role("button", name="Aanmelden").click()
    watch.note()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Bedankt")
    registration = Registration.objects.get(email="anna@dordrecht.example")
    watch.visit(live_server.url + registration.get_absolute_url())
    # The language switch posts a form.
    page.get_by_role("button", name="English").click()
    watch.note()

    assert watch.found == {}, watch.report()


def admin_pages() -> list[str]:
    """Each model's list, and the change page of one of its objects; the add page where there is
    none to change (an add page is the change page's template and widgets, empty)."""
    from django.contrib import admin

    paths = ["/beheer/"]
    for model in admin.site._registry:
        opts = model._meta
        base = f"/beheer/{opts.app_label}/{opts.model_name}/"
        first = model._default_manager.order_by("pk").first()
        paths += [base, f"{base}{first.pk}/change/" if first is not None else base + "add/"]
    # The printable list of a session's participants.
    session = Session.objects.filter(takes_registrations=True).order_by("pk").first()
    paths.append(f"/beheer/registrations/registration/sessie/{session.pk}/deelnemers/")
    paths.append("/beheer/registrations/registration/deelname/")
    return paths


def test_admin_pages_raise_no_csp_violations(live_server, organiser_page):
    page = organiser_page
    watch = ViolationWatch(page)
    for path in admin_pages():
        watch.visit(live_server.url + path)

    assert watch.found == {}, watch.report()


def test_admin_widgets_work_under_the_policy(live_server, organiser_page):
    """The widgets that run scripts: autocomplete, the date and time pickers, two-pane selectors,
    inlines, the add-another popup and a list's actions."""
    page = organiser_page
    watch = ViolationWatch(page)
    session = Session.objects.filter(event__slug="ambtelijke-netwerkdag-deventer-2024").first()

    watch.visit(f"{live_server.url}/beheer/programme/session/{session.pk}/change/")
    # Autocomplete (select2): search for a netwerkdag.
    page.locator("#select2-id_event-container").click()
    page.locator(".select2-search__field").fill("Dordrecht")
    page.get_by_role("option", name=re.compile("Dordrecht")).click()
    assert "Dordrecht" in page.locator("#select2-id_event-container").inner_text()
    # Two-pane selector of pillars: choose all.
    page.locator("#id_pillars_add_all").click()
    assert page.locator("#id_pillars_to option").count() >= 3
    # Add another inline row.
    page.get_by_role("link", name=re.compile("Nog een .* toevoegen")).first.click()
    watch.note()

    watch.visit(f"{live_server.url}/beheer/g40events/event/add/")
    # The browser's own date input (one style for dates and times, no script).
    page.locator("#id_date").fill("2025-04-24")
    assert page.locator("#id_date").input_value() == "2025-04-24"
    # The add-another popup for the host city.
    with page.expect_popup() as popup_info:
        page.locator("#add_id_host_city").click()
    popup = popup_info.value
    popup.wait_for_load_state("load")
    expect(popup.get_by_role("heading", level=1)).to_have_text("Organisatie toevoegen")
    popup_violations = popup.evaluate("window.__cspViolations")
    popup.close()
    watch.note()

    # A list with actions: select all, choose an action.
    watch.visit(f"{live_server.url}/beheer/g40events/event/")
    page.locator("#action-toggle").check()
    assert page.locator(".action-counter").inner_text().startswith(str(Event.objects.count()))
    watch.note()

    assert watch.found == {}, watch.report()
    assert popup_violations == []


def test_an_uploaded_pdf_opens_in_the_browser_and_a_slide_deck_downloads(
    live_server, demo, full_browser, settings
):
    """Served with the upload headers (sandboxed, no sniffing): Chromium still shows a PDF in its
    viewer, and a slide deck is a download. (The browser itself: the headless build has no viewer.)"""
    settings.ROOT_URLCONF = "tests.security.urls"
    material = Material.objects.filter(file__endswith=".pdf").first()
    deck = Material.objects.create(session=material.session, title="Dia's", file="materials/dias.pptx")
    (settings.MEDIA_ROOT / "materials").mkdir(exist_ok=True)
    (settings.MEDIA_ROOT / deck.file.name).write_bytes(b"PK\x03\x04 not really a deck")
    page = full_browser.new_context(locale="nl-NL", accept_downloads=True).new_page()

    response = page.goto(f"{live_server.url}/uploads/{material.file.name}")
    assert response.status == 200, response.text()[:300]
    headers = response.all_headers()
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'inline; filename="presentatie-jaco-dagevos-migratie.pdf"'
    assert headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert headers["x-content-type-options"] == "nosniff"
    # Chromium's PDF viewer (an extension frame) took the document; blocked, there is none.
    for _ in range(100):
        if any(frame.url.startswith("chrome-extension://") for frame in page.frames):
            break
        page.wait_for_timeout(100)
    assert [
        frame.url.split("/")[-1] for frame in page.frames if frame.url.startswith("chrome-extension://")
    ] == ["index.html"]

    with page.expect_download() as download_info:
        page.evaluate("url => { window.location.href = url; }", f"{live_server.url}/uploads/{deck.file.name}")
    assert download_info.value.suggested_filename == "dias.pptx"


def test_participation_report_has_no_axe_violations(live_server, organiser_page):
    page = organiser_page
    page.goto(live_server.url + "/beheer/registrations/registration/deelname/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deelname per organisatie")
    expect(page.get_by_role("img", name="Staafdiagram: aangemelde deelnemers per G40-stad")).to_have_count(1)
    assert axe_violations(page, include="#content") == []
