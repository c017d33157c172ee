from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from g40events import clock
from registrations.models import Registration
from sessions.models import Session


class Method(models.TextChoices):
    SCAN = "scan", _("QR-code gescand")
    CODE = "code", _("code ingetypt")
    LIST = "list", _("op de lijst aangevinkt")
    WALK_IN = "walk_in", _("aangemeld aan de balie")


class CheckIn(models.Model):
    """A registrant arrived at the desk. One per registration: the database refuses a second."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("aanmelding"), on_delete=models.CASCADE, related_name="check_in"
    )
    checked_in_at = models.DateTimeField(_("binnen om"), default=clock.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("hoe"), max_length=20, choices=Method.choices, default=Method.LIST)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("aanmelding bij de balie")
        verbose_name_plural = _("aanmeldingen bij de balie")
        permissions = [("use_desk", _("Mag de balie, de presentielijsten en de badges gebruiken"))]

    def __str__(self):
        return f"{self.registration} ({self.checked_in_at:%H:%M})"


class Attendance(models.Model):
    """A registrant was at a session: ticked or scanned at the door of the room."""

    registration = models.ForeignKey(
        Registration, verbose_name=_("aanmelding"), on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="attendances"
    )
    had_place = models.BooleanField(
        _("had een plaats"),
        default=True,
        help_text=_("Uit: aan de deur toegevoegd zonder plaats in deze sessie, omdat er ruimte was."),
    )
    marked_at = models.DateTimeField(_("aanwezig gemeld om"), default=clock.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(_("hoe"), max_length=20, choices=Method.choices, default=Method.LIST)

    class Meta:
        ordering = ["session", "marked_at", "id"]
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_attendance_per_session"),
        ]

    def __str__(self):
        return f"{self.registration} – {self.session}"
