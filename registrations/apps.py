from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Aanmeldingen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished, request_started

        from registrations.emails import background_sender

        # The background mail sender waits while this process is answering requests.
        request_started.connect(background_sender.request_started, dispatch_uid="registrations-mail-busy")
        request_finished.connect(background_sender.request_finished, dispatch_uid="registrations-mail-idle")
