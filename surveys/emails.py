"""The invitation and the reminder: mails of the registrations outbox (EmailLog), rendered when
sent, with the person's one-time link (its token made again from SECRET_KEY; only its hash is stored)."""

from django.utils.translation import gettext as _

from registrations.emails import NoRecipient
from registrations.extensions import RegistrantExtension
from registrations.models import EmailLog
from surveys.models import Invitation

SURVEY_MAILS = {EmailLog.Kind.SURVEY_INVITATION, EmailLog.Kind.SURVEY_REMINDER}


def _invitation(registration) -> Invitation | None:
    return (
        Invitation.objects.filter(registration=registration, survey__event_id=registration.event_id)
        .select_related("survey")
        .first()
    )


class SurveyExtension(RegistrantExtension):
    def email_subject(self, registration, kind):
        if kind == EmailLog.Kind.SURVEY_INVITATION:
            return _("Hoe was %(event)s? Geef je mening") % {"event": registration.event.title}
        if kind == EmailLog.Kind.SURVEY_REMINDER:
            return _("Herinnering: hoe was %(event)s?") % {"event": registration.event.title}
        return None

    def email_template(self, kind):
        return f"surveys/emails/{kind}" if kind in SURVEY_MAILS else None

    def email_context(self, registration, kind):
        if kind not in SURVEY_MAILS:
            return {}
        invitation = _invitation(registration)
        if invitation is None:  # unlinked when its survey closed: there is no link to send any more
            raise NoRecipient("The survey has closed: the invitation no longer names this registration.")
        return {"survey": invitation.survey, "survey_url": invitation.url}
