from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsConfig(AppConfig):
    # django.contrib.sessions owns the label "sessions".
    name = "sessions"
    label = "programme"
    verbose_name = _("Programma")
    default_auto_field = "django.db.models.BigAutoField"
