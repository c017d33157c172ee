"""A speaker sends slides through the personal link, in Chromium without an account; axe-clean pages."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfWriter

from sessions import uploads
from sessions.models import SpeakerUpload
from tests.browser.axe import axe_violations
from tests.factories import make_event, make_session, make_speaker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_speaker_sends_a_pdf_through_the_personal_link(live_server, page, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    speaker = make_speaker(name="Femke de Vries")
    session = make_session(
        title="Wonen in de wijk", event=make_event(title="Netwerkdag Ede"), speakers=[speaker]
    )
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    pdf = io.BytesIO()
    writer.write(pdf)
    (tmp_path / "dia.pdf").write_bytes(pdf.getvalue())
    url = live_server.url + f"/presentatie-insturen/{uploads.upload_token(session=session, speaker=speaker)}/"

    page.goto(url)
    expect(page.locator("h1")).to_have_text("Presentatie insturen voor Wonen in de wijk")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Insturen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Titel").fill("Presentatie Femke")
    page.get_by_label("PDF-bestand").set_input_files(str(tmp_path / "dia.pdf"))
    page.get_by_role("button", name="Insturen").click()

    assert "Dank u! Uw inzending is binnen." in page.locator("main").inner_text()
    assert SpeakerUpload.objects.get().title == "Presentatie Femke"

    page.goto(live_server.url + "/presentatie-insturen/vervalst/")
    expect(page.locator("h1")).to_have_text("Deze uploadlink werkt niet")
    assert axe_violations(page) == []
