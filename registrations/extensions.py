"""What apps built on registrations add to a registrant's e-mails and personal page.

registrations knows nothing of the apps above it (check-in, surveys, ...). Such an app appends an instance
of RegistrantExtension to EXTENSIONS from its AppConfig.ready, as an app's admin module does with
sessions' SESSION_EXTENSIONS; the mails and the personal page ask each extension for context
(templates include the app's partials when it is there) and the mails for attachments; an
app that sends mails of its own kinds through the outbox gives their subject and template.
"""

from email.mime.base import MIMEBase


class RegistrantExtension:
    def email_context(self, registration, kind: str) -> dict:
        """Extra template context for a mail of this kind to this registration."""
        return {}

    def email_subject(self, registration, kind: str) -> str | None:
        """The subject of a mail of a kind this extension sends (registrations.emails.SUBJECTS has
        the others); None for the rest."""
        return None

    def email_template(self, kind: str) -> str | None:
        """The template name (without .txt/.html) of a mail of a kind this extension sends."""
        return None

    def email_attachments(self, registration, kind: str) -> list[MIMEBase]:
        """Extra MIME parts (e.g. an inline image the HTML refers to by cid:)."""
        return []

    def personal_page_context(self, registration) -> dict:
        """Extra template context for the registrant's own page."""
        return {}


EXTENSIONS: list[RegistrantExtension] = []
