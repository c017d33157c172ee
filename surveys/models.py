"""The evaluation of a netwerkdag: its questions, the invitations, and the answers.

Anonymous by design. An invitation knows its registration (to send the mail and to know which
sessions the person attended) and only *that* it was used, not when. The answers know nothing of
either: a rating is not even a row of its own but one more in a count per question, session and
value (RatingCount), so that no set of rated sessions, which the organisers could match with the
attendance lists, ties one person's answers together; an open answer is a row with a random key
and no date. Nothing on an answer refers to a registration or an invitation, and there is no order
(keys, timestamps) to line them up with the invitations by.
"""

import base64
import datetime
import hashlib
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.links import absolute_url
from g40events.models import Event
from g40events.oneline import validate_single_line
from registrations.models import Registration
from sessions.models import Session

TOKEN_SALT = "surveys.invitation"
RATINGS = (1, 2, 3, 4, 5)
# When the invitations go and how long answers are taken, counted from the netwerkdag.
INVITE_AFTER_DAYS = 1
CLOSE_AFTER_DAYS = 14
DEFAULT_REMINDER_DAYS = 5


class SurveyQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date):
        """Surveys that take answers on this day (their invitations have gone or go today)."""
        return self.filter(invite_on__lte=day, closes_on__gte=day)


class Survey(models.Model):
    event = models.OneToOneField(
        Event, verbose_name=_("netwerkdag"), on_delete=models.PROTECT, related_name="survey"
    )
    introduction = models.TextField(
        _("inleiding"),
        blank=True,
        help_text=_("Staat boven de vragen. Leeg: een korte standaardtekst."),
    )
    invite_on = models.DateField(
        _("uitnodigingen versturen op"),
        blank=True,
        help_text=_(
            "Vanaf deze dag krijgt iedere deelnemer één e-mail met een persoonlijke link. "
            "Leeg: de dag na de netwerkdag."
        ),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("herinnering, dagen na de uitnodiging"),
        default=DEFAULT_REMINDER_DAYS,
        help_text=_("Eén herinnering aan wie nog niet antwoordde, zolang de vragenlijst open is. 0: geen."),
    )
    closes_on = models.DateField(
        _("antwoorden tot en met"),
        blank=True,
        help_text=_("Daarna werkt de link niet meer. Leeg: 14 dagen na de netwerkdag."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=clock.now, editable=False)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-event__date"]
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")

    def __str__(self):
        return _("Evaluatie %(event)s") % {"event": self.event.title}

    def clean(self):
        if self.event_id:
            self.fill_in_dates()
        if self.invite_on and self.closes_on and self.closes_on < self.invite_on:
            raise ValidationError(
                {"closes_on": _("De vragenlijst kan niet sluiten voordat de uitnodigingen verstuurd zijn.")}
            )
        if self.event_id and self.invite_on and self.invite_on <= self.event.date:
            raise ValidationError(
                {"invite_on": _("Uitnodigen kan pas na de netwerkdag: kies een dag na %(date)s.")
                 % {"date": self.event.date.strftime("%d-%m-%Y")}}
            )  # fmt: skip

    def fill_in_dates(self) -> None:
        """The defaults that depend on the netwerkdag: invitations the day after, closed 14 days after."""
        if self.invite_on is None:
            self.invite_on = self.event.date + datetime.timedelta(days=INVITE_AFTER_DAYS)
        if self.closes_on is None:
            self.closes_on = self.event.date + datetime.timedelta(days=CLOSE_AFTER_DAYS)

    @property
    def remind_on(self) -> datetime.date | None:
        if not self.reminder_days:
            return None
        return self.invite_on + datetime.timedelta(days=self.reminder_days)

    def is_open(self, day: datetime.date | None = None) -> bool:
        day = day or clock.today()
        return self.invite_on <= day <= self.closes_on


class Question(models.Model):
    class Kind(models.TextChoices):
        SESSION_RATING = "session_rating", _("Waardering 1–5 van elke bijgewoonde sessie")
        RATING = "rating", _("Waardering 1–5")
        TEXT = "text", _("Open vraag")

    survey = models.ForeignKey(
        Survey, verbose_name=_("evaluatie"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    text = models.CharField(_("vraag"), max_length=300, validators=[validate_single_line])
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("vraag")
        verbose_name_plural = _("vragen")

    def __str__(self):
        return self.text

    @property
    def is_rating(self) -> bool:
        return self.kind in {self.Kind.RATING, self.Kind.SESSION_RATING}


def default_questions() -> list[dict]:
    """The questions a new evaluation starts with; the organiser edits them before saving."""
    return [
        {"kind": Question.Kind.SESSION_RATING, "text": _("Hoe waardeer je deze sessie?"), "position": 1},
        {"kind": Question.Kind.RATING, "text": _("Hoe waardeer je deze netwerkdag?"), "position": 2},
        {"kind": Question.Kind.TEXT, "text": _("Wat neem je mee naar je werk?"), "position": 3},
        {"kind": Question.Kind.TEXT, "text": _("Wat kan beter?"), "position": 4},
    ]


def token_for(*, survey_id: int, registration_id: int) -> str:
    """The invitation's one-time token: an HMAC under SECRET_KEY, so the mail, rendered when it is
    sent, can name it while the database keeps only its hash (Invitation.token_hash)."""
    digest = salted_hmac(TOKEN_SALT, f"{survey_id}:{registration_id}", algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """One participant's invitation: sent once, used once. It records *that* it was used, not when,
    and nothing of what was answered."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("evaluatie"), on_delete=models.CASCADE, related_name="invitations"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("aanmelding"),
        # Erasing a person keeps the invitation (the response rate stays right) without the person;
        # when the survey closes, every invitation forgets its registration (services.forget_invited).
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    answered = models.BooleanField(_("ingevuld"), default=False)
    reminded = models.BooleanField(_("herinnerd"), default=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "registration"],
                condition=Q(registration__isnull=False),
                name="one_invitation_per_registration",
            ),
        ]

    def __str__(self):
        return str(_("Uitnodiging %(id)s") % {"id": self.pk})

    def get_absolute_url(self):
        return reverse("surveys:answer", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return token_for(survey_id=self.survey_id, registration_id=self.registration_id)

    @property
    def url(self) -> str:
        return absolute_url(self.get_absolute_url())


class RatingCount(models.Model):
    """How many gave this rating to this question (and session): the only trace of a rating."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(
        Question, verbose_name=_("vraag"), on_delete=models.CASCADE, related_name="rating_counts"
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("sessie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("waardering"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    count = models.PositiveIntegerField(_("aantal"), default=0)

    class Meta:
        verbose_name = _("aantal waarderingen")
        verbose_name_plural = _("aantallen waarderingen")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="rating_one_to_five"),
            models.UniqueConstraint(
                fields=["question", "session", "rating"],
                condition=Q(session__isnull=False),
                name="one_count_per_session_rating",
            ),
            models.UniqueConstraint(
                fields=["question", "rating"], condition=Q(session__isnull=True), name="one_count_per_rating"
            ),
        ]

    def __str__(self):
        return f"{self.question} {self.rating}: {self.count}"


class OpenAnswer(models.Model):
    """An answer to an open question: the text alone, under a random key, without a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(
        Question, verbose_name=_("vraag"), on_delete=models.CASCADE, related_name="open_answers"
    )
    text = models.TextField(_("antwoord"), max_length=2000)

    class Meta:
        ordering = ["question", "text"]
        verbose_name = _("antwoord op een open vraag")
        verbose_name_plural = _("antwoorden op open vragen")

    def __str__(self):
        return self.text[:80]
