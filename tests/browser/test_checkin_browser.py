"""The day itself in a real browser: desk staff sign in, find people as they type, check them in,
type a code, undo, scan a QR code with the camera; a host ticks attendance at the door; 'nu en
straks' pauses. The flows run at phone width, as at the door; axe-core checks the pages at phone
width and again at desktop width (WCAG 2.1 AA), and nothing breaks the Content-Security-Policy."""

import io
import json
import re

import pytest
from playwright.sync_api import expect

from checkin import codes, qr
from checkin.models import Attendance, CheckIn, Method
from tests.browser.axe import assert_no_violations_at_widths, axe_violations
from tests.browser.csp import ViolationWatch
from tests.browser.sign_in import sign_in
from tests.checkin.helpers import day, desk_user, sign_up

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "een-lang-wachtwoord-voor-de-balie"


@pytest.fixture
def ede():
    event, wonen, werken, walk = day()
    anna = sign_up(event, [wonen], name="Anna de Vries", organisation_name="Gemeente Ede")
    bram = sign_up(event, [werken], name="Bram Jansen", organisation_name="Gemeente Zwolle")
    sign_up(event, [wonen], name="Cor Smit", organisation_name="Provincie Gelderland")
    return event, wonen, anna, bram


@pytest.fixture
def desk_page(live_server, ede, phone_page):
    """A phone's page, as desk staff and hosts use at the door, signed in as desk staff."""
    sign_in(phone_page, live_server, desk_user())
    return phone_page


def sign_in_at(page, url):
    """Opens a desk page and signs in on the form it sends one to."""
    page.goto(url)
    page.get_by_label("Gebruikersnaam").fill("balie")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()


def assert_axe_clean(page):
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)


def test_desk_flow_search_check_in_code_and_undo(live_server, ede, phone_page):
    event, wonen, anna, bram = ede
    desk_user()
    page = phone_page
    watch = ViolationWatch(page)
    sign_in_at(page, live_server.url + "/balie/ede/")
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
    assert_no_violations_at_widths(page, 375, 1280)
    watch.note()
    assert watch.report() == ""


def test_desk_works_without_javascript(live_server, ede, browser):
    event, wonen, anna, bram = ede
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, live_server, desk_user())
    try:
        page.goto(live_server.url + "/balie/ede/")
        page.get_by_label("Zoek op naam of organisatie").fill("bram")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.locator(".desk-person__name")).to_have_text(["Bram Jansen"])
        page.get_by_role("button", name="Inchecken Bram Jansen").click()
        expect(page.get_by_role("status").first).to_have_text("Bram Jansen (Gemeente Zwolle) is ingecheckt.")
        expect(page).to_have_url(live_server.url + "/balie/ede/?q=bram")
        assert CheckIn.objects.get().registration == bram
    finally:
        context.close()


def test_host_ticks_attendance_on_the_session_list(live_server, ede, desk_page):
    event, wonen, anna, bram = ede
    page = desk_page
    page.goto(live_server.url + "/balie/ede/sessies/")
    assert_axe_clean(page)
    page.get_by_role("link", name="Wonen").click()
    # The click only starts the navigation: wait for the session's list, not the index's.
    expect(page.locator(".desk-person__name")).to_have_text(["Anna de Vries", "Cor Smit"])
    assert_axe_clean(page)

    page.get_by_role("button", name="Aanwezig Anna de Vries").click()
    page.wait_for_selector("text=Anna de Vries is aanwezig.")
    assert page.locator(".desk-count").inner_text().startswith("1 aanwezig, 2 met een plaats")
    assert list(Attendance.objects.values_list("registration__name", "session__title")) == [
        ("Anna de Vries", "Wonen")
    ]
    assert_no_violations_at_widths(page, 375, 1280)


def test_now_page_is_axe_clean_and_can_be_paused(live_server, ede, phone_page):
    page = phone_page
    page.goto(live_server.url + "/netwerkdagen/ede/nu/")
    expect(page.locator(".now-status")).to_have_text("Deze pagina werkt zichzelf elke minuut bij.")
    assert_axe_clean(page)
    page.get_by_role("button", name="Automatisch bijwerken pauzeren").click()
    page.get_by_role("button", name="Automatisch bijwerken hervatten").click()
    page.get_by_role("button", name="Automatisch bijwerken pauzeren").wait_for()
    assert_no_violations_at_widths(page, 375, 1280)


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


# --- the camera scanner ---------------------------------------------------------------------------
#
# Chromium's fake camera plays a .y4m file made here from the QR code's PNG as the confirmation
# e-mail carries it (segno). Debian's Chromium on Linux has no BarcodeDetector, so these scans go
# through the decoder the site serves itself (static/vendor/jsqr).

DECODER = "/static/vendor/jsqr/jsQR.js"
FORGED_CODE_MESSAGE = "Deze code kennen we niet. Controleer de tekens, of zoek de persoon op naam."


def camera_video(path, png: bytes | None, *, width=640, height=480):
    """A .y4m video (two frames, which Chromium loops) of the image in the middle of a white
    frame, or of white alone: a grey (Y) plane and neutral colour (U, V) planes, 4:2:0."""
    from PIL import Image

    frame = Image.new("L", (width, height), 255)
    if png is not None:
        image = Image.open(io.BytesIO(png)).convert("L")
        frame.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    colour = bytes([128]) * (2 * (width // 2) * (height // 2))
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + (b"FRAME\n" + frame.tobytes() + colour) * 2)
    return path


def forged_code(registration) -> str:
    """The registration's number with a signature that is not its own."""
    number, mac = codes.code_for(registration).split("-")
    return f"{number}-{'ZZZZZZ' if mac != 'ZZZZZZ' else '000000'}"


def decoder_requests(page) -> list[str]:
    """The addresses of the vendored decoder that the page asks for, as it asks."""
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/vendor/jsqr/" in request.url else None)
    return asked


def test_camera_scan_checks_in_at_once(live_server, ede, camera_browser, tmp_path):
    event, wonen, anna, bram = ede
    video = camera_video(tmp_path / "anna.y4m", qr.png(codes.code_for(anna)))
    context = camera_browser(video).new_context(
        locale="nl-NL", viewport={"width": 390, "height": 900}, is_mobile=True
    )
    page = context.new_page()
    page.clock.install()
    watch = ViolationWatch(page)
    asked = decoder_requests(page)
    try:
        sign_in(page, live_server, desk_user())
        page.goto(live_server.url + "/balie/ede/")
        expect(page.locator("#desk-count")).to_have_text("0 van 3 binnen")
        start = page.get_by_role("button", name="Scannen met de camera")
        expect(start).to_be_visible()
        assert asked == []  # fetched only when scanning starts

        start.click()
        expect(page.locator(".notice")).to_have_text("Anna de Vries (Gemeente Ede) is ingecheckt.")
        expect(page.locator("#desk-count")).to_have_text("1 van 3 binnen")
        expect(page.locator(".desk-person__name")).to_have_text(["Anna de Vries"])
        expect(page.locator(".desk-person__state")).to_have_text(re.compile(r"^Binnen om \d\d:\d\d$"))
        expect(page.get_by_role("button", name="Camera stoppen")).to_be_visible()
        expect(page.get_by_label("Camerabeeld van de scanner")).to_be_visible()
        assert asked == [live_server.url + DECODER]
        # The decoder reads the frames in a worker, not on the page's thread (typing stays smooth).
        assert [worker.url for worker in page.workers] == [live_server.url + "/static/js/qr-worker.js"]
        assert page.evaluate("typeof window.jsQR") == "undefined"
        # After a scan the code field is emptied and not focused (a phone's keyboard would cover the camera).
        expect(page.get_by_label("Code", exact=True)).to_have_value("")
        expect(page.get_by_label("Code", exact=True)).not_to_be_focused()
        assert_axe_clean(page)  # with the camera running

        # The code stays in view: it is sent once, not again every few seconds (the scanner looks
        # four times a second, and sends a code it keeps seeing only after 3 seconds out of view).
        page.clock.run_for(3500)
        expect(page.locator(".notice")).to_have_text("Anna de Vries (Gemeente Ede) is ingecheckt.")
        assert list(CheckIn.objects.values_list("registration__name", "method")) == [
            ("Anna de Vries", Method.SCAN)
        ]

        page.get_by_role("button", name="Camera stoppen").click()
        expect(page.get_by_label("Camerabeeld van de scanner")).to_be_hidden()
        expect(start).to_be_visible()
        watch.note()
        assert watch.report() == ""
    finally:
        context.close()


def test_camera_scan_of_a_forged_code_checks_in_nobody(live_server, ede, camera_browser, tmp_path):
    event, wonen, anna, bram = ede
    video = camera_video(tmp_path / "forged.y4m", qr.png(forged_code(anna)))
    context = camera_browser(video).new_context(
        locale="nl-NL", viewport={"width": 390, "height": 800}, is_mobile=True
    )
    page = context.new_page()
    try:
        sign_in(page, live_server, desk_user())
        page.goto(live_server.url + "/balie/ede/")
        page.get_by_role("button", name="Scannen met de camera").click()
        expect(page.get_by_role("alert")).to_have_text(FORGED_CODE_MESSAGE)
        expect(page.locator("#desk-count")).to_have_text("0 van 3 binnen")
        assert CheckIn.objects.count() == 0
        assert_axe_clean(page)
    finally:
        context.close()


def test_camera_scan_at_the_door_marks_present(live_server, ede, camera_browser, tmp_path):
    event, wonen, anna, bram = ede
    video = camera_video(tmp_path / "anna.y4m", qr.png(codes.code_for(anna)))
    context = camera_browser(video).new_context(
        locale="nl-NL", viewport={"width": 390, "height": 800}, is_mobile=True
    )
    page = context.new_page()
    asked = decoder_requests(page)
    try:
        sign_in(page, live_server, desk_user())
        page.goto(live_server.url + "/balie/ede/sessies/")
        page.get_by_role("link", name="Wonen").click()
        expect(page.locator(".desk-person__name")).to_have_text(["Anna de Vries", "Cor Smit"])
        assert asked == []  # neither the list of sessions nor the door list asked for it before scanning

        page.get_by_role("button", name="Scannen met de camera").click()
        expect(page.locator(".notice")).to_have_text("Anna de Vries is aanwezig.")
        assert list(Attendance.objects.values_list("registration__name", "session__title")) == [
            ("Anna de Vries", "Wonen")
        ]
        assert asked == [live_server.url + DECODER]
    finally:
        context.close()


# A browser whose BarcodeDetector reads QR codes (Chrome on Android) or lacks them; Debian's
# Chromium has none, so the page is given one that "sees" Bram's code, whatever the camera shows.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(%(formats)s); }
  detect() { return Promise.resolve(%(formats)s.includes("qr_code") ? [{ rawValue: %(code)s }] : []); }
};
"""


@pytest.mark.parametrize(
    ("formats", "checked_in", "decoder"),
    [(["qr_code", "ean_13"], "Bram Jansen", []), (["ean_13"], "Anna de Vries", [DECODER])],
    ids=["reads-qr", "no-qr"],
)
def test_camera_scan_uses_the_browsers_detector_where_it_reads_qr_codes(
    live_server, ede, camera_browser, tmp_path, formats, checked_in, decoder
):
    event, wonen, anna, bram = ede
    video = camera_video(tmp_path / "anna.y4m", qr.png(codes.code_for(anna)))
    context = camera_browser(video).new_context(locale="nl-NL")
    context.add_init_script(
        FAKE_DETECTOR % {"formats": json.dumps(formats), "code": json.dumps(codes.code_for(bram))}
    )
    page = context.new_page()
    asked = decoder_requests(page)
    try:
        sign_in(page, live_server, desk_user())
        page.goto(live_server.url + "/balie/ede/")
        page.get_by_role("button", name="Scannen met de camera").click()
        expect(page.locator("#desk-count")).to_have_text("1 van 3 binnen")
        assert list(CheckIn.objects.values_list("registration__name", flat=True)) == [checked_in]
        assert asked == [live_server.url + path for path in decoder]
    finally:
        context.close()


def test_camera_scan_without_a_camera_says_to_type_the_code(live_server, ede, page):
    # The shared browser has no (fake) camera: getUserMedia fails.
    sign_in(page, live_server, desk_user())
    page.goto(live_server.url + "/balie/ede/")
    page.get_by_role("button", name="Scannen met de camera").click()
    expect(page.locator(".desk-scan__status")).to_have_text(
        "De camera is niet te gebruiken (geen camera, of geen toestemming). Typ de code in het veld hierboven."
    )
    expect(page.get_by_role("button", name="Scannen met de camera")).to_be_visible()
    expect(page.get_by_label("Camerabeeld van de scanner")).to_be_hidden()
    assert_axe_clean(page)


def test_camera_scan_when_the_decoder_cannot_load_says_to_type_the_code(
    live_server, ede, camera_browser, tmp_path
):
    event, wonen, anna, bram = ede
    video = camera_video(tmp_path / "anna.y4m", qr.png(codes.code_for(anna)))
    context = camera_browser(video).new_context(locale="nl-NL")
    context.route("**" + DECODER, lambda route: route.abort())
    page = context.new_page()
    try:
        sign_in(page, live_server, desk_user())
        page.goto(live_server.url + "/balie/ede/")
        page.get_by_role("button", name="Scannen met de camera").click()
        expect(page.locator(".desk-scan__status")).to_have_text(
            "De scanner kon niet worden geladen. Typ de code in het veld hierboven."
        )
        expect(page.get_by_label("Camerabeeld van de scanner")).to_be_hidden()
        expect(page.get_by_role("button", name="Scannen met de camera")).to_be_visible()
        assert CheckIn.objects.count() == 0
        # Typing still works.
        page.get_by_label("Code", exact=True).fill(codes.code_for(anna))
        page.get_by_role("button", name="Inchecken met code").click()
        expect(page.locator("#desk-count")).to_have_text("1 van 3 binnen")
    finally:
        context.close()
