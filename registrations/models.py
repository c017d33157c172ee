import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.domains import contains_web_address
from g40events.links import absolute_url
from g40events.models import Event, Organisation
from g40events.oneline import validate_single_line
from g40events.text import RenderedMarkdownField, RenderedMarkdownMixin
from sessions.models import Session

MANAGE_TOKEN_SALT = "registrations.manage"
CONFIRM_TOKEN_SALT = "registrations.confirm"


def new_manage_key() -> str:
    return secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_person_name(value: str) -> None:
    """A name is a name: no web address or e-mail address, which a mail program would turn into a link."""
    if contains_web_address(value):
        raise ValidationError(
            _(
                "Vul alleen je naam in, zonder webadres of e-mailadres (geen @, www. of iets als "
                "voorbeeld.nl). Staat er een punt tussen je voorletters en je naam? Zet er dan een spatie na."
            ),
            code="web_address_in_name",
        )


def confirm_within() -> datetime.timedelta:
    """How long a sign-up from an unlisted address waits for its owner to confirm it."""
    return datetime.timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Registration.Status.ACTIVE)

    def unconfirmed(self):
        return self.filter(status=Registration.Status.UNCONFIRMED)

    def lapsed(self):
        """Unconfirmed sign-ups whose time to confirm has run out: they hold nothing and are deleted."""
        return self.unconfirmed().filter(created_at__lt=clock.now() - confirm_within())

    def for_email(self, email: str):
        return self.filter(email_normalised=normalise_email(email))


class Registration(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Wacht op bevestiging e-mailadres")
        ACTIVE = "active", _("Aangemeld")
        CANCELLED = "cancelled", _("Afgemeld")

    event = models.ForeignKey(
        Event, verbose_name=_("netwerkdag"), on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    name = models.CharField(
        _("naam"), max_length=200, blank=True, validators=[validate_single_line, validate_person_name]
    )
    email = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    email_normalised = models.CharField(
        _("e-mailadres (kleine letters)"), max_length=254, blank=True, editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    organisation_name = models.CharField(
        _("andere organisatie"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Als de organisatie niet in de lijst staat."),
    )
    job_title = models.CharField(_("functie"), max_length=200, blank=True, validators=[validate_single_line])
    dietary_needs = models.TextField(_("dieetwensen"), max_length=500, blank=True)
    accessibility_needs = models.TextField(_("toegankelijkheidswensen"), max_length=500, blank=True)
    consented_at = models.DateTimeField(_("akkoord met privacyverklaring op"), null=True, blank=True)
    manage_key = models.CharField(max_length=64, unique=True, default=new_manage_key, editable=False)
    submission_key = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(_("taal"), max_length=10, default="nl", editable=False)
    created_at = models.DateTimeField(_("aangemeld op"), default=clock.now, editable=False)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)
    cancelled_at = models.DateTimeField(_("afgemeld op"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True, editable=False)
    requested_sessions = models.ManyToManyField(
        Session,
        verbose_name=_("gekozen sessies (nog zonder plaats)"),
        blank=True,
        related_name="+",
        help_text=_(
            "Een aanmelding die nog op bevestiging van het e-mailadres wacht, heeft nog geen plaatsen: "
            "die neemt ze pas bij de bevestiging."
        ),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "created_at", "id"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        constraints = [
            # One registration per address and netwerkdag, confirmed or waiting for confirmation.
            models.UniqueConstraint(
                fields=["event", "email_normalised"],
                condition=Q(status__in=["active", "unconfirmed"]) & ~Q(email_normalised=""),
                name="one_registration_per_email",
                violation_error_message=_("Dit e-mailadres is al aangemeld voor deze netwerkdag."),
            ),
        ]

    def __str__(self):
        if self.anonymised_at:
            return _("Geanonimiseerde aanmelding %(id)s") % {"id": self.pk}
        return self.name

    def save(self, *args, **kwargs):
        # Keeps the column the uniqueness check uses in step with the address; no side effects.
        self.email_normalised = normalise_email(self.email)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registrations:manage", kwargs={"token": self.manage_token})

    @property
    def manage_token(self) -> str:
        """The personal, signed token of the manage link: unguessable without SECRET_KEY."""
        return signing.Signer(salt=MANAGE_TOKEN_SALT, sep=".").sign(self.manage_key)

    @property
    def manage_url(self) -> str:
        return absolute_url(self.get_absolute_url())

    @property
    def cancel_url(self) -> str:
        """The one-click "Ik kan toch niet" link: the personal token, to a page that asks once more."""
        return absolute_url(reverse("registrations:cancel", kwargs={"token": self.manage_token}))

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_unconfirmed(self) -> bool:
        return self.status == self.Status.UNCONFIRMED

    @property
    def confirm_before(self) -> datetime.datetime:
        """Until when an unconfirmed sign-up can be confirmed; after that it lapses."""
        return self.created_at + confirm_within()

    @property
    def has_lapsed(self) -> bool:
        return self.is_unconfirmed and clock.now() >= self.confirm_before

    @property
    def confirm_token(self) -> str:
        """The signed, timestamped token of the link that confirms the address (valid as long as
        settings.REGISTRATION_CONFIRM_HOURS)."""
        return signing.TimestampSigner(salt=CONFIRM_TOKEN_SALT, sep=".").sign(self.manage_key)

    @property
    def confirm_url(self) -> str:
        return absolute_url(reverse("registrations:confirm", kwargs={"token": self.confirm_token}))

    @property
    def organisation_display(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @classmethod
    def key_from_token(cls, token: str) -> str | None:
        try:
            return signing.Signer(salt=MANAGE_TOKEN_SALT, sep=".").unsign(token)
        except signing.BadSignature:
            return None

    @classmethod
    def key_from_confirm_token(cls, token: str) -> tuple[str | None, bool]:
        """The key a confirmation link names, and whether the link has expired; (None, False) if forged."""
        signer = signing.TimestampSigner(salt=CONFIRM_TOKEN_SALT, sep=".")
        try:
            return signer.unsign(token, max_age=confirm_within()), False
        except signing.SignatureExpired:
            return signer.unsign(token), True
        except signing.BadSignature:
            return None, False


class PlaceQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Place.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=Place.Status.WAITING)

    def waiting_list(self):
        """The waiting places in order of arrival: the first is promoted first.

        A place is created when it is chosen, under the session's lock, so its id is its arrival.
        """
        return self.waiting().order_by("id")

    def with_waiting_position(self):
        """Places annotated with `waiting_position`: the number on the session's waiting list (1 gets
        the next free place), None for a confirmed place. One query, however many places."""
        ahead = (
            Place.objects.waiting()
            .filter(session=models.OuterRef("session"), pk__lt=models.OuterRef("pk"))
            .order_by()
            .values("session")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            waiting_position=models.Case(
                models.When(
                    status=Place.Status.WAITING,
                    then=Coalesce(models.Subquery(ahead, output_field=models.IntegerField()), 0) + 1,
                ),
                default=None,
                output_field=models.IntegerField(),
            )
        )


class Place(models.Model):
    """A registrant's choice of one session: a confirmed place, or a place on its waiting list."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Bevestigd")
        WAITING = "waiting", _("Wachtlijst")

    registration = models.ForeignKey(
        Registration, verbose_name=_("aanmelding"), on_delete=models.CASCADE, related_name="places"
    )
    session = models.ForeignKey(
        Session, verbose_name=_("sessie"), on_delete=models.PROTECT, related_name="places"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    waiting_since = models.DateTimeField(_("op de wachtlijst sinds"), null=True, blank=True)
    created_at = models.DateTimeField(_("gekozen op"), default=clock.now, editable=False)
    confirmed_at = models.DateTimeField(_("bevestigd op"), null=True, blank=True)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["session__start_time", "session__title", "id"]
        verbose_name = _("plaats")
        verbose_name_plural = _("plaatsen")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                name="one_place_per_session",
                violation_error_message=_("Deze aanmelding heeft al een plaats in deze sessie."),
            ),
        ]
        indexes = [models.Index(fields=["session", "status"], name="place_session_status")]

    def __str__(self):
        return f"{self.session} ({self.get_status_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED


def with_place_counts(sessions):
    """Sessions annotated with `taken` (confirmed places) and `waiting` (places on the waiting list)."""
    return sessions.annotate(
        taken=Count("places", filter=Q(places__status=Place.Status.CONFIRMED), distinct=True),
        waiting=Count("places", filter=Q(places__status=Place.Status.WAITING), distinct=True),
    )


def place_counts(sessions) -> dict[int, tuple[int, int]]:
    """Per session id: (confirmed places, places on the waiting list), as with_place_counts counts them."""
    rows = with_place_counts(Session.objects.filter(pk__in=[s.pk for s in sessions])).order_by()
    return {pk: (taken, waiting) for pk, taken, waiting in rows.values_list("pk", "taken", "waiting")}


class EmailLogQuerySet(models.QuerySet):
    def lost_to_cancellation(self):
        """The messages that told people a session they had a place in, or waited for, was cancelled:
        at its present cancellation (not an earlier one undone since), of a session still cancelled.

        A cancellation removes the places (services.cancel_session), and writes these messages in
        the same transaction: they are the record of who lost what, for the personal page and for
        an organiser who writes to the people of a cancelled session.
        """
        return self.filter(
            kind__in=[EmailLog.Kind.SESSION_CANCELLED, EmailLog.Kind.SESSION_CANCELLED_WAITING],
            session__cancelled_at__isnull=False,
            created_at__gte=models.F("session__cancelled_at"),
        )


class EmailLog(models.Model):
    """One e-mail to a registrant: written in the same transaction as the change it reports.

    A message is rendered when it is sent, so "opnieuw verzenden" sends the registration as it is now.
    """

    class Kind(models.TextChoices):
        CONFIRM_ADDRESS = "confirm_address", _("Bevestig je e-mailadres (link)")
        CONFIRMATION = "confirmation", _("Bevestiging van aanmelding")
        ALREADY_REGISTERED = "already_registered", _("Al aangemeld (link opnieuw)")
        PROMOTION = "promotion", _("Van de wachtlijst geplaatst")
        CHANGE = "change", _("Wijziging bevestigd")
        CANCELLATION = "cancellation", _("Afmelding bevestigd")
        REMINDER = "reminder", _("Herinnering")
        SESSION_CHANGED = "session_changed", _("Sessie gewijzigd (agenda-update)")
        SESSION_CANCELLED = "session_cancelled", _("Sessie vervallen (agenda-annulering)")
        SESSION_CANCELLED_WAITING = "session_cancelled_waiting", _("Sessie vervallen (wachtlijst)")
        PLACE_REMOVED = "place_removed", _("Plaats vervallen (agenda-annulering)")
        PLACE_REMOVED_WAITING = "place_removed_waiting", _("Wachtlijstplaats vervallen")
        MAILING = "mailing", _("Bericht van de organisatie")
        # Sent by the surveys app (its subject and template: surveys.emails.SurveyExtension).
        SURVEY_INVITATION = "survey_invitation", _("Uitnodiging evaluatie")
        SURVEY_REMINDER = "survey_reminder", _("Herinnering evaluatie")

    class Status(models.TextChoices):
        PENDING = "pending", _("Nog te verzenden")
        SENDING = "sending", _("Wordt verzonden")
        SENT = "sent", _("Verzonden")
        FAILED = "failed", _("Mislukt, wordt opnieuw geprobeerd")
        GIVEN_UP = "given_up", _("Opgegeven")

    class GiveUpReason(models.TextChoices):
        REFUSED = "refused", _("Geweigerd door de mailserver")
        NO_RECIPIENT = "no_recipient", _("Geen adres meer (geanonimiseerd of gewist)")
        TOO_MANY_ATTEMPTS = "too_many_attempts", _("Te vaak mislukt")

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("aanmelding"),
        on_delete=models.CASCADE,
        related_name="emails",
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("sessie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Bij een plaatsing van de wachtlijst, een gewijzigde of vervallen sessie: de sessie."),
    )
    calendar_cancellations = models.ManyToManyField(
        Session,
        verbose_name=_("sessies uit de agenda gehaald"),
        blank=True,
        related_name="+",
        help_text=_(
            "Bij een wijziging of afmelding: de sessies waarin de persoon een bevestigde plaats had en die "
            "het bericht uit de agenda haalt."
        ),
    )
    mailing = models.ForeignKey(
        "registrations.Mailing",
        verbose_name=_("bericht aan deelnemers"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    kind = models.CharField(_("soort"), max_length=30, choices=Kind.choices)
    recipient = models.CharField(_("aan"), max_length=254, blank=True)
    subject = models.CharField(_("onderwerp"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(_("foutmelding"), blank=True)
    give_up_reason = models.CharField(
        _("reden opgegeven"), max_length=30, choices=GiveUpReason.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    created_at = models.DateTimeField(_("aangemaakt op"), default=clock.now, editable=False)
    next_attempt_at = models.DateTimeField(
        _("volgende poging"),
        null=True,
        blank=True,
        help_text=_("Wanneer een bericht dat nog niet verzonden is, (opnieuw) wordt geprobeerd."),
    )
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    objects = EmailLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["status"], name="emaillog_status"),
            models.Index(fields=["status", "next_attempt_at"], name="emaillog_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.recipient}"


class Mailing(RenderedMarkdownMixin, models.Model):
    """A message an organiser wrote to a group of one netwerkdag's registrants (one EmailLog each)."""

    event = models.ForeignKey(
        Event, verbose_name=_("netwerkdag"), on_delete=models.PROTECT, related_name="mailings"
    )
    group = models.CharField(_("groep"), max_length=300)
    subject = models.CharField(_("onderwerp"), max_length=200, validators=[validate_single_line])
    body = models.TextField(_("bericht (Markdown)"))
    body_html = RenderedMarkdownField(_("bericht (HTML)"))
    recipient_count = models.PositiveIntegerField(_("ontvangers"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verstuurd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("verstuurd op"), default=clock.now, editable=False)

    markdown_fields = ("body",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bericht aan deelnemers")
        verbose_name_plural = _("berichten aan deelnemers")

    def __str__(self):
        return self.subject
