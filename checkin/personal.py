"""The check-in code and the next session, in the registrant's mails and on their own page."""

from email.mime.image import MIMEImage

from django.utils.translation import gettext as _

from checkin import codes, qr
from checkin.now import next_for
from registrations.extensions import RegistrantExtension
from registrations.models import EmailLog

CODE_IMAGE_ID = "checkin-code@g40events"
# The mails that go to a registrant who has (or now has) a place at the netwerkdag.
MAILS_WITH_CODE = {EmailLog.Kind.CONFIRMATION, EmailLog.Kind.ALREADY_REGISTERED, EmailLog.Kind.CHANGE}


class CheckinExtension(RegistrantExtension):
    def email_context(self, registration, kind):
        if kind not in MAILS_WITH_CODE or not registration.is_active:
            return {}
        return {"checkin_code": codes.code_for(registration), "checkin_code_cid": CODE_IMAGE_ID}

    def email_attachments(self, registration, kind):
        if kind not in MAILS_WITH_CODE or not registration.is_active:
            return []
        image = MIMEImage(qr.png(codes.code_for(registration)), "png")
        image.add_header("Content-ID", f"<{CODE_IMAGE_ID}>")
        image.add_header("Content-Disposition", "inline", filename=_("aanmeldcode.png"))
        return [image]

    def personal_page_context(self, registration):
        if not registration.is_active:
            return {}
        code = codes.code_for(registration)
        return {
            "checkin_code": code,
            "checkin_qr": qr.svg(code, title=_("QR-code van je aanmelding")),
            "next_session": next_for(registration),
        }
