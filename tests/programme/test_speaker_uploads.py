import datetime
import io
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from g40events.permissions import ORGANISERS_GROUP
from sessions import uploads
from sessions.models import Material, SpeakerUpload
from tests.factories import make_event, make_session, make_speaker

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user(
        "organisator", password="x", is_staff=True, first_name="Olga", last_name="Organisator"
    )
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


@pytest.fixture
def speaker():
    return make_speaker(name="Femke de Vries")


@pytest.fixture
def session(speaker):
    return make_session(
        title="Wonen in de wijk", event=make_event(title="Netwerkdag Ede"), speakers=[speaker]
    )


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def upload_path(session, speaker) -> str:
    return reverse("uploads:upload", kwargs={"token": uploads.upload_token(session=session, speaker=speaker)})


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_organiser_sends_a_personal_upload_link_by_mail(
    organiser_client, session, speaker, django_capture_on_commit_callbacks
):
    role = session.speaker_roles.get()
    url = reverse("admin:programme_speakerupload_send_link")
    assert "Femke de Vries — Wonen in de wijk (Netwerkdag Ede)" in organiser_client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(url, {"role": role.pk, "email": "femke@ede.example"}, follow=True)

    [message] = mail.outbox
    assert message.to == ["femke@ede.example"]
    assert message.subject == "Uw presentatie voor Netwerkdag Ede"
    # On the site's host (SITE_URL), not the machine's name.
    assert re.fullmatch(r"<[^@<>\s]+@127\.0\.0\.1>", message.message()["Message-ID"])
    link = re.search(r"http://\S+/presentatie-insturen/\S+/", message.body)[0]
    assert "De link werkt 21 dagen" in message.body and "Olga Organisator" in message.body
    assert (
        f"De uploadlink voor Femke de Vries (Wonen in de wijk) is verstuurd naar femke@ede.example. De link werkt 21 dagen: {link}"
        in text(response)
    )
    assert organiser_client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_send_link_refuses_a_bad_address(organiser_client, session):
    role = session.speaker_roles.get()
    response = organiser_client.post(
        reverse("admin:programme_speakerupload_send_link"), {"role": role.pk, "email": "femke@"}
    )
    assert response.status_code == 200
    assert "Voer een geldig e-mailadres in." in text(response)
    assert mail.outbox == []


def test_speaker_sends_a_pdf_which_waits_privately_for_approval(client, session, speaker, settings):
    path = upload_path(session, speaker)
    page = client.get(path)
    assert page.status_code == 200
    assert "Presentatie insturen voor Wonen in de wijk" in text(page)
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(
        path, {"title": "Presentatie Femke", "file": SimpleUploadedFile("dia's.pdf", pdf_bytes())}
    )

    assert response.status_code == 302
    [upload] = SpeakerUpload.objects.all()
    assert (upload.title, upload.session, upload.speaker, upload.status) == (
        "Presentatie Femke",
        session,
        speaker,
        "pending",
    )
    assert (settings.PRIVATE_MEDIA_ROOT / upload.file.name).exists()
    assert not (settings.MEDIA_ROOT).exists()
    assert "Presentatie Femke" not in client.get(session.get_absolute_url()).content.decode()
    after = client.get(response["Location"])
    assert "Dank u! Uw inzending is binnen." in text(after)
    assert "Presentatie Femke: Wacht op goedkeuring" in text(after)


def test_speaker_may_send_a_link_instead(client, session, speaker):
    client.post(upload_path(session, speaker), {"title": "Video", "url": "https://video.example/femke"})
    assert SpeakerUpload.objects.get().url == "https://video.example/femke"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"title": "Nep", "file": ("dia.pdf", b"<html>geen pdf</html>")},
            "PDF-bestand: Dit bestand is geen leesbare PDF. Sla de presentatie in PowerPoint of Keynote op als PDF.",
        ),
        (
            {"title": "Kapot", "file": ("dia.pdf", b"%PDF-1.7\n1 0 obj kapot")},
            "PDF-bestand: Dit bestand is geen leesbare PDF. Sla de presentatie in PowerPoint of Keynote op als PDF.",
        ),
        (
            {"title": "Word", "file": ("dia.docx", b"PK\x03\x04")},
            "PDF-bestand: Bestanden van het type “.docx” kunnen niet worden geüpload. Toegestaan: .pdf.",
        ),
        ({"title": "Niets"}, "Stuur een PDF óf een link: één van de twee."),
        (
            {"title": "Allebei", "url": "https://video.example/", "file": ("dia.pdf", "pdf")},
            "Stuur een PDF óf een link: één van de twee.",
        ),
        ({"file": ("dia.pdf", "pdf")}, "Titel: Dit veld is verplicht."),
    ],
    ids=["html-named-pdf", "broken-pdf", "docx", "nothing", "both", "no-title"],
)
def test_speaker_upload_refuses_bad_input_in_dutch(client, session, speaker, data, message):
    data = dict(data)
    if "file" in data:
        name, content = data["file"]
        data["file"] = SimpleUploadedFile(name, pdf_bytes() if content == "pdf" else content)

    response = client.post(upload_path(session, speaker), data)

    assert response.status_code == 200
    summary = text(response).split("dingen niet goed ingevuld", 1)[-1].split("ding niet goed ingevuld", 1)[-1]
    assert message in summary
    assert not SpeakerUpload.objects.exists()


def test_expired_link_gets_a_dutch_page(client, session, speaker):
    with time_machine.travel(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)):
        path = upload_path(session, speaker)
    with time_machine.travel(datetime.datetime(2030, 1, 23, tzinfo=datetime.UTC)):
        response = client.get(path)
        posted = client.post(path, {"title": "Te laat", "url": "https://video.example/"})

    assert response.status_code == 410
    assert "Deze uploadlink is verlopen" in text(response)
    assert "Vraag de organisatie van de netwerkdag om een nieuwe link" in text(response)
    assert posted.status_code == 410
    assert not SpeakerUpload.objects.exists()


@pytest.mark.parametrize("tamper", ["forged", "other-speaker", "removed"])
def test_forged_or_stale_link_gets_a_dutch_page(client, session, speaker, tamper):
    path = upload_path(session, speaker)
    if tamper == "forged":
        path = path.replace(path.rstrip("/").rsplit(":", 1)[1], "x" * 20)
    elif tamper == "other-speaker":
        path = upload_path(session, make_speaker())
    else:
        session.speaker_roles.all().delete()

    response = client.get(path)

    assert response.status_code == 404
    assert "Deze uploadlink werkt niet" in text(response)


def test_approving_publishes_the_upload_under_its_netwerkdag(
    organiser_client, client, session, speaker, settings, django_capture_on_commit_callbacks
):
    client.post(
        upload_path(session, speaker),
        {"title": "Presentatie Femke", "file": SimpleUploadedFile("dia.pdf", pdf_bytes())},
    )
    upload = SpeakerUpload.objects.get()
    private_file = settings.PRIVATE_MEDIA_ROOT / upload.file.name
    preview = organiser_client.get(reverse("admin:programme_speakerupload_file", args=[upload.pk]))
    assert b"".join(preview.streaming_content).startswith(b"%PDF-")

    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("admin:programme_speakerupload_changelist"),
            {"action": "approve", "_selected_action": [upload.pk]},
            follow=True,
        )

    assert "1 upload is goedgekeurd en staat nu bij de sessie." in text(response)
    material = Material.objects.get()
    assert (material.session, material.title) == (session, "Presentatie Femke")
    assert (settings.MEDIA_ROOT / material.file.name).read_bytes().startswith(b"%PDF-")
    assert not private_file.exists()
    upload.refresh_from_db()
    assert (upload.status, upload.material) == ("approved", material)
    assert "Presentatie Femke" in client.get(session.get_absolute_url()).content.decode()


def test_refusing_deletes_the_private_file(
    organiser_client, client, session, speaker, settings, django_capture_on_commit_callbacks
):
    client.post(
        upload_path(session, speaker),
        {"title": "Niet deze", "file": SimpleUploadedFile("dia.pdf", pdf_bytes())},
    )
    upload = SpeakerUpload.objects.get()
    private_file = settings.PRIVATE_MEDIA_ROOT / upload.file.name

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(
            reverse("admin:programme_speakerupload_changelist"),
            {"action": "reject", "_selected_action": [upload.pk]},
        )

    upload.refresh_from_db()
    assert upload.status == "rejected"
    assert not private_file.exists()
    assert not Material.objects.exists()
