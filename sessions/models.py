import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from g40events import clock
from g40events.models import Event, EventQuerySet, Pillar, Recap, ThemeGroup
from g40events.oneline import validate_single_line
from g40events.text import RenderedMarkdownField, RenderedMarkdownMixin
from g40events.validators import (
    MATERIAL_EXTENSIONS,
    MATERIAL_MAX_BYTES,
    FileExtensionValidator,
    FileSizeValidator,
    validate_pdf,
)
from sessions.storage import private_storage
from speakers.models import Speaker


def speakers_prefetch(through: str = "") -> models.Prefetch:
    """The speakers of sessions in their order, each with their organisation, in one query.

    `through` leads from the queryset's model to the sessions, e.g. "session__" for places.
    """
    return models.Prefetch(
        f"{through}speaker_roles", queryset=SessionSpeaker.objects.select_related("speaker__organisation")
    )


class SessionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(EventQuerySet.published_q("event__"))

    def with_speakers(self):
        """Sessions with `speaker_roles` (and their speakers and organisations) fetched."""
        return self.prefetch_related(speakers_prefetch())

    def for_programme(self):
        """Everything a programme listing shows, in a fixed number of queries."""
        return (
            self.select_related("event")
            .with_speakers()
            .prefetch_related("pillars", "theme_groups__pillar", "materials")
        )

    def for_pillar(self, pillar):
        """Sessions of a pillar: tagged with it, or with one of its theme groups."""
        return self.filter(
            Q(pk__in=Session.objects.filter(pillars=pillar).values("pk"))
            | Q(pk__in=Session.objects.filter(theme_groups__pillar=pillar).values("pk"))
        )

    def taking_registrations(self):
        return self.filter(takes_registrations=True)

    def cancelled(self):
        return self.filter(cancelled_at__isnull=False)

    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def offered(self):
        """Sessions a person can choose on the sign-up form: they take sign-ups and are not cancelled."""
        return self.taking_registrations().not_cancelled()


class Session(RenderedMarkdownMixin, models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenair")
        PARALLEL = "parallel", _("Parallelsessie")
        TOUR = "tour", _("Rondwandeling of excursie")
        LUNCH = "lunch", _("Lunch")
        BREAK = "break", _("Pauze")
        NETWORKING = "networking", _("Netwerken")

    event = models.ForeignKey(
        Event, verbose_name=_("netwerkdag"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=200)
    description = models.TextField(_("beschrijving"), blank=True, help_text=_("Markdown."))
    description_html = RenderedMarkdownField(_("beschrijving (HTML)"))
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.PARALLEL)
    start_time = models.TimeField(_("begintijd"))
    end_time = models.TimeField(_("eindtijd"))
    location = models.CharField(
        _("zaal of verzamelpunt"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Bijvoorbeeld: Raadzaal, of: hoofdingang stadhuis."),
    )
    pillars = models.ManyToManyField(
        Pillar,
        verbose_name=_("pijlers"),
        blank=True,
        related_name="sessions",
        help_text=_("Een gezamenlijke sessie van twee pijlers hoort bij beide."),
    )
    theme_groups = models.ManyToManyField(
        ThemeGroup,
        verbose_name=_("themagroepen"),
        blank=True,
        related_name="sessions",
        help_text=_("Een gezamenlijke sessie van meerdere themagroepen hoort bij alle."),
    )
    takes_registrations = models.BooleanField(
        _("aanmelden voor deze sessie"),
        default=False,
        help_text=_("Vink aan als deelnemers deze sessie bij hun aanmelding kiezen."),
    )
    capacity = models.PositiveIntegerField(
        _("aantal plaatsen"),
        null=True,
        blank=True,
        help_text=_("Leeg: geen maximum. Wie zich aanmeldt voor een volle sessie komt op de wachtlijst."),
    )
    cancelled_at = models.DateTimeField(
        _("vervallen op"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Een vervallen sessie blijft op het programma staan, als vervallen."),
    )
    cancellation_reason = models.CharField(
        _("reden van vervallen"),
        max_length=300,
        blank=True,
        editable=False,
        validators=[validate_single_line],
        help_text=_("Openbaar: staat op het programma en in de e-mail aan de deelnemers."),
    )
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    objects = SessionQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een sessie"), m2m_fields=[pillars, theme_groups])
    markdown_fields = ("description",)

    class Meta:
        ordering = ["event", "start_time", "end_time", "title"]
        verbose_name = _("sessie")
        verbose_name_plural = _("sessies")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"],
                name="unique_session_slug_per_event",
                violation_error_message=_("Deze netwerkdag heeft al een sessie met deze slug."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("Een sessie moet eindigen nadat ze begint."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme:detail", kwargs={"event_slug": self.event.slug, "slug": self.slug})

    def clean(self):
        if self.event_id is None or self.start_time is None or self.end_time is None:
            return
        event = self.event
        if self.start_time < event.start_time or self.end_time > event.end_time:
            raise ValidationError(
                _("Een sessie moet binnen de netwerkdag vallen, tussen %(start)s en %(end)s."),
                params={"start": event.start_time.strftime("%H:%M"), "end": event.end_time.strftime("%H:%M")},
                code="outside_event",
            )

    @property
    def starts_at(self) -> datetime.datetime:
        return clock.local_datetime(self.event.date, self.start_time)

    @property
    def ends_at(self) -> datetime.datetime:
        return clock.local_datetime(self.event.date, self.end_time)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def overlaps(self, other: "Session") -> bool:
        return self.start_time < other.end_time and other.start_time < self.end_time


class SessionSpeaker(models.Model):
    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Spreker")
        MODERATOR = "moderator", _("Moderator")
        CHAIR = "chair", _("Dagvoorzitter")
        HOST = "host", _("Gastheer/gastvrouw")

    session = models.ForeignKey(
        Session, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="speaker_roles"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("spreker"), on_delete=models.CASCADE, related_name="session_roles"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(verbose_name=_("versie van een spreker in een sessie"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("spreker in sessie")
        verbose_name_plural = _("sprekers in sessie")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "speaker"],
                name="speaker_once_per_session",
                violation_error_message=_("Deze spreker staat al bij deze sessie."),
            )
        ]

    def __str__(self):
        return f"{self.speaker} ({self.get_role_display()})"

    def clean(self):
        if self.session_id is None or self.speaker_id is None:
            return
        clash = (
            SessionSpeaker.objects.filter(speaker_id=self.speaker_id, session__event_id=self.session.event_id)
            .exclude(session_id=self.session_id)
            .filter(
                session__start_time__lt=self.session.end_time, session__end_time__gt=self.session.start_time
            )
            .select_related("session")
            .first()
        )
        if clash:
            raise ValidationError(
                {
                    "speaker": _(
                        "%(speaker)s staat op dat moment al in de sessie “%(session)s” (%(start)s–%(end)s)."
                    )
                    % {
                        "speaker": self.speaker,
                        "session": clash.session.title,
                        "start": clash.session.start_time.strftime("%H:%M"),
                        "end": clash.session.end_time.strftime("%H:%M"),
                    }
                }
            )


def material_upload_to(material: "Material", filename: str) -> str:
    """Materials are filed under their netwerkdag: materials/<netwerkdag's slug>/<file>."""
    return f"materials/{material.session.event.slug}/{filename}"


class Material(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(
        _("titel"),
        max_length=200,
        help_text=_("Bijvoorbeeld: Presentatie Jaco Dagevos. Het bestandstype zet de site er zelf achter."),
    )
    file = models.FileField(
        _("bestand"),
        upload_to=material_upload_to,
        blank=True,
        validators=[FileExtensionValidator(MATERIAL_EXTENSIONS), FileSizeValidator(MATERIAL_MAX_BYTES)],
        help_text=_("PDF, PowerPoint, ODP, Word, ODT of Excel, hoogstens 50 MB."),
    )
    url = models.URLField(
        _("link"),
        blank=True,
        help_text=_("In plaats van een bestand: een link, bijvoorbeeld naar een video."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(verbose_name=_("versie van een materiaal"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("materiaal")
        verbose_name_plural = _("materialen")
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_xor_url",
                violation_error_message=_(
                    "Geef een bestand óf een link, niet allebei en niet geen van beide."
                ),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url

    @property
    def extension(self) -> str:
        if self.file:
            return self.file.name.rsplit(".", 1)[-1].lower()
        return ""

    @property
    def file_type(self) -> str | None:
        """ "PDF" for an uploaded PDF; None for a link."""
        return self.extension.upper() if self.file else None

    @property
    def print_url(self) -> str:
        """On paper, a link to an uploaded file needs the site's address to be of use."""
        return f"{settings.SITE_URL}{self.href}" if self.file else self.href


class RecapMaterial(models.Model):
    """A material of one of its netwerkdag's sessions that a recap links to."""

    recap = models.ForeignKey(
        Recap, verbose_name=_("terugblik"), on_delete=models.CASCADE, related_name="recap_materials"
    )
    material = models.ForeignKey(
        Material,
        verbose_name=_("materiaal"),
        on_delete=models.CASCADE,
        related_name="recap_links",
        help_text=_("Een presentatie of ander materiaal van een sessie van deze netwerkdag."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(verbose_name=_("versie van een materiaal bij een terugblik"))

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("materiaal bij de terugblik")
        verbose_name_plural = _("materialen bij de terugblik")
        constraints = [
            models.UniqueConstraint(
                fields=["recap", "material"],
                name="material_once_per_recap",
                violation_error_message=_("Dit materiaal staat al bij deze terugblik."),
            )
        ]

    def __str__(self):
        return str(self.material)

    def clean(self):
        if self.recap_id and self.material_id and self.material.session.event_id != self.recap.event_id:
            raise ValidationError(
                {"material": _("Kies materiaal van een sessie van de netwerkdag van deze terugblik.")}
            )


class SpeakerUploadQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SpeakerUpload.Status.PENDING)


class SpeakerUpload(models.Model):
    """A presentation a speaker sent through a personal upload link: public only after approval.

    The file waits in private storage (PRIVATE_MEDIA_ROOT); approving it makes it a Material of the
    session (sessions.uploads.approve_upload).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Wacht op goedkeuring")
        APPROVED = "approved", _("Goedgekeurd")
        REJECTED = "rejected", _("Afgewezen")

    session = models.ForeignKey(
        Session, verbose_name=_("sessie"), on_delete=models.CASCADE, related_name="speaker_uploads"
    )
    speaker = models.ForeignKey(
        Speaker, verbose_name=_("spreker"), on_delete=models.CASCADE, related_name="uploads"
    )
    title = models.CharField(
        _("titel"), max_length=200, help_text=_("Bijvoorbeeld: Presentatie Wonen in de wijk.")
    )
    file = models.FileField(
        _("PDF-bestand"),
        storage=private_storage,
        upload_to="speaker-uploads/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), FileSizeValidator(MATERIAL_MAX_BYTES), validate_pdf],
        help_text=_("Een PDF van hoogstens 50 MB."),
    )
    url = models.URLField(
        _("of een link"), blank=True, help_text=_("In plaats van een bestand, bijvoorbeeld naar een video.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("ingestuurd"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("beoordeeld"), null=True, blank=True)
    material = models.OneToOneField(
        Material,
        verbose_name=_("materiaal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speaker_upload",
    )

    objects = SpeakerUploadQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("upload van een spreker")
        verbose_name_plural = _("uploads van sprekers")
        constraints = [
            models.CheckConstraint(
                # Once approved or refused the private file is gone (an approved one lives on as material).
                condition=~Q(status="pending") | (Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="speaker_upload_file_xor_url",
                violation_error_message=_("Geef een PDF óf een link, niet allebei en niet geen van beide."),
            )
        ]

    def __str__(self):
        return self.title
