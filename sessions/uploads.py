"""Speakers upload their own presentations through a personal link; an organiser approves them.

The link is signed (no account, nothing stored) and names one speaker of one session; it works for
SPEAKER_UPLOAD_LINK_DAYS days. What a speaker sends waits in private storage until an organiser or
coordinator approves it: then it becomes a material of the session, filed under its netwerkdag.
"""

import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from g40events.links import message_id
from sessions.models import Material, Session, SpeakerUpload
from speakers.models import Speaker

TOKEN_SALT = "programme.speaker-upload"


class BadUploadLink(Exception):
    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "bad")
        self.expired = expired


def link_days() -> int:
    return settings.SPEAKER_UPLOAD_LINK_DAYS


def upload_token(*, session: Session, speaker: Speaker) -> str:
    return signing.TimestampSigner(salt=TOKEN_SALT).sign_object(
        {"session": session.pk, "speaker": speaker.pk}
    )


def upload_url(*, session: Session, speaker: Speaker) -> str:
    path = reverse("uploads:upload", kwargs={"token": upload_token(session=session, speaker=speaker)})
    return settings.SITE_URL + path


def read_upload_token(token: str) -> tuple[Session, Speaker]:
    """The session and speaker a link is for; BadUploadLink when it is forged, expired or no longer fits."""
    signer = signing.TimestampSigner(salt=TOKEN_SALT)
    try:
        data = signer.unsign_object(token, max_age=datetime.timedelta(days=link_days()))
    except signing.SignatureExpired as error:
        raise BadUploadLink(expired=True) from error
    except (signing.BadSignature, ValueError) as error:
        raise BadUploadLink(expired=False) from error
    if not isinstance(data, dict):
        raise BadUploadLink(expired=False)
    session = (
        Session.objects.select_related("event")
        .filter(pk=data.get("session"), speaker_roles__speaker_id=data.get("speaker"))
        .first()
    )
    if session is None:
        raise BadUploadLink(expired=False)
    return session, Speaker.objects.get(pk=data["speaker"])


def send_upload_link(*, session: Session, speaker: Speaker, email: str, sender_name: str) -> str:
    """E-mail a speaker their personal upload link for a session (after the commit); returns the link.

    The address is not stored: it is used for this one e-mail.
    """
    url = upload_url(session=session, speaker=speaker)
    context = {
        "speaker": speaker,
        "session": session,
        "event": session.event,
        "url": url,
        "days": link_days(),
        "sender_name": sender_name,
    }
    subject = _("Uw presentatie voor %(event)s") % {"event": session.event.title}
    body = render_to_string("programme/upload_link_email.txt", context)
    message = EmailMessage(subject, body, None, [email], headers={"Message-ID": message_id()})
    transaction.on_commit(message.send)
    return url


def submit_upload(
    *, session: Session, speaker: Speaker, title: str, file=None, url: str = ""
) -> SpeakerUpload:
    """Keep what a speaker sent, unpublished, in private storage until someone approves it."""
    upload = SpeakerUpload(session=session, speaker=speaker, title=title, url=url)
    if file is not None:
        upload.file = file
    upload.save()
    return upload


@transaction.atomic
def approve_upload(*, upload: SpeakerUpload) -> Material:
    """Publish an upload as a material of its session; the file moves from private to public storage."""
    upload = SpeakerUpload.objects.select_for_update().select_related("session__event").get(pk=upload.pk)
    if upload.material_id is not None:
        return upload.material
    position = (
        upload.session.materials.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    material = Material(session=upload.session, title=upload.title, url=upload.url, position=position)
    if upload.file:
        with upload.file.open("rb") as private_file:
            material.file.save(
                PurePosixPath(upload.file.name).name, ContentFile(private_file.read()), save=False
            )
    material.full_clean(exclude=["file"])
    material.save()
    private_name = upload.file.name if upload.file else ""
    upload.material = material
    upload.status = SpeakerUpload.Status.APPROVED
    upload.reviewed_at = timezone.now()
    upload.file = ""
    upload.save(update_fields=["material", "status", "reviewed_at", "file"])
    if private_name:
        storage = SpeakerUpload._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(private_name))
    return material


@transaction.atomic
def reject_upload(*, upload: SpeakerUpload) -> None:
    """Refuse an upload: it stays listed as refused, its file is deleted."""
    private_name = upload.file.name if upload.file else ""
    upload.status = SpeakerUpload.Status.REJECTED
    upload.reviewed_at = timezone.now()
    upload.file = ""
    upload.save(update_fields=["status", "reviewed_at", "file"])
    if private_name:
        storage = SpeakerUpload._meta.get_field("file").storage
        transaction.on_commit(lambda: storage.delete(private_name))
