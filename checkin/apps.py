from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    """The netwerkdag itself: check-in codes, the desk, attendance per session, badges and lists.

    An app of its own (not part of registrations): the day has its own staff (the "Balie"
    permission), its own records (check-ins, attendance) and its own pages and PDFs, and builds on
    registrations without registrations knowing of it (registrations.extensions).
    """

    name = "checkin"
    verbose_name = _("Balie en aanwezigheid")

    def ready(self):
        from checkin.personal import CheckinExtension
        from registrations import extensions

        if not any(isinstance(extension, CheckinExtension) for extension in extensions.EXTENSIONS):
            extensions.EXTENSIONS.append(CheckinExtension())
