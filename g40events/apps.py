from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class G40EventsConfig(AppConfig):
    name = "g40events"
    verbose_name = _("Netwerkdagen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from g40events import checks  # noqa: F401 (checks registers the system checks)
