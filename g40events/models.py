import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from g40events import clock
from g40events.compiled_queries import CompiledQuery
from g40events.domains import candidate_domains, normalise_domain, validate_email_domain
from g40events.links import slug_url
from g40events.oneline import validate_single_line
from g40events.text import RenderedMarkdownField, RenderedMarkdownMixin


class OrganisationQuerySet(models.QuerySet):
    def with_email_domain_of(self, email: str):
        """The organisation that lists the address's domain, or a domain above it, as its own."""
        return self.filter(email_domains__domain__in=candidate_domains(email)).distinct()


class Organisation(models.Model):
    class Kind(models.TextChoices):
        G40_CITY = "g40", _("G40-gemeente")
        PARTNER = "partner", _("Koepel of partner")
        KNOWLEDGE = "knowledge", _("Kennisinstituut")
        NATIONAL = "national", _("Rijksoverheid")
        OTHER = "other", _("Bedrijf of overig")

    name = models.CharField(_("naam"), max_length=200, unique=True, validators=[validate_single_line])
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een organisatie"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self):
        return self.name


class EmailDomainField(models.CharField):
    """A domain name, stored normalised (lower case, IDN as punycode) whatever the organiser typed."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_domain(value) if value else value


class EmailDomain(models.Model):
    """An e-mail domain of an organisation: sign-ups from it (or a subdomain) need no address check."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = EmailDomainField(
        _("e-maildomein"),
        max_length=253,
        unique=True,
        validators=[validate_email_domain],
        help_text=_(
            "Het deel na de @, zoals deventer.nl; subdomeinen (mail.deventer.nl) horen erbij. Wie zich "
            "met een adres van dit domein aanmeldt, is meteen aangemeld; andere adressen bevestigen eerst "
            "via een link dat ze van de aanmelder zijn."
        ),
        error_messages={"unique": _("Dit domein hoort al bij een andere organisatie.")},
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("e-maildomein")
        verbose_name_plural = _("e-maildomeinen")
        constraints = [
            models.CheckConstraint(
                condition=Q(domain=Lower("domain")),
                name="email_domain_lowercase",
                violation_error_message=_("Schrijf het domein in kleine letters."),
            ),
        ]

    def __str__(self):
        return self.domain


class Pillar(RenderedMarkdownMixin, models.Model):
    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("beschrijving"), blank=True, help_text=_("Markdown. Verschijnt op de pagina van de pijler.")
    )
    description_html = RenderedMarkdownField(_("beschrijving (HTML)"))
    position = models.PositiveSmallIntegerField(
        _("volgorde"), default=0, help_text=_("Pijlers met een lager getal staan eerder.")
    )
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("versie van een pijler"))

    markdown_fields = ("description",)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("pijler")
        verbose_name_plural = _("pijlers")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("events:pillar", self.slug)


class ThemeGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ThemeGroup(RenderedMarkdownMixin, models.Model):
    name = models.CharField(_("naam"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pijler"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="theme_groups",
        help_text=_("Laat leeg voor een themagroep die op zichzelf staat, zoals Financiën."),
    )
    description = models.TextField(_("beschrijving"), blank=True, help_text=_("Markdown."))
    description_html = RenderedMarkdownField(_("beschrijving (HTML)"))
    coordinator = models.CharField(
        _("coördinator"),
        max_length=200,
        blank=True,
        help_text=_("Naam en gemeente van de coördinator, zoals die publiek mag verschijnen."),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinatoren in het beheer"),
        blank=True,
        related_name="coordinated_theme_groups",
        help_text=_(
            "Accounts in de groep Themacoördinatoren die de sessies van deze themagroep beheren "
            "(met hun sprekers, materiaal en deelnemerslijsten)."
        ),
    )
    is_active = models.BooleanField(
        _("actief"),
        default=True,
        help_text=_("Haal het vinkje weg als de themagroep niet meer bestaat; de historie blijft."),
    )
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    objects = ThemeGroupQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een themagroep"))
    markdown_fields = ("description",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("themagroep")
        verbose_name_plural = _("themagroepen")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("events:theme_group", self.slug)


class Status(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Gepubliceerd")


class RegistrationState(models.TextChoices):
    NONE = "none", _("Geen aanmelding")
    NOT_YET_OPEN = "not_yet_open", _("Aanmelding nog niet geopend")
    OPEN = "open", _("Aanmelding geopend")
    CLOSED = "closed", _("Aanmelding gesloten")


class EventQuerySet(models.QuerySet):
    @staticmethod
    def published_q(prefix: str = "") -> Q:
        """The rule for a published netwerkdag, as a filter; across a relation with a prefix such as
        "event__". Every other kind of content is public through the netwerkdag it belongs to."""
        return Q(**{f"{prefix}status": Status.PUBLISHED})

    def published(self):
        return self.filter(self.published_q())

    def upcoming(self):
        return self.filter(date__gte=clock.today()).order_by("date", "start_time")

    def past(self):
        return self.filter(date__lt=clock.today()).order_by("-date", "-start_time")

    def announced(self):
        return self.filter(is_announced=True)

    def next_change(self, now: datetime.datetime) -> datetime.datetime | None:
        """The first moment after `now` when sign-up of a published netwerkdag opens or closes.

        The public pages change then without a save (the page cache ends its time window there).
        One query.
        """
        rows = (
            self.published()
            .filter(registration_opens_at__isnull=False)
            .filter(
                Q(registration_opens_at__gt=now)
                | Q(registration_closes_at__gt=now)
                | Q(registration_closes_at__isnull=True, date__gte=clock.today())
            )
            .order_by()
            .values_list("registration_opens_at", "registration_closes_at", "date", "start_time")
        )
        moments = []
        for opens_at, closes_at, date, start_time in rows:
            # As Event.registration_closes: the set moment, or else the start of the day.
            moments += [opens_at, closes_at or clock.local_datetime(date, start_time)]
        return min((moment for moment in moments if moment > now), default=None)


class Event(RenderedMarkdownMixin, models.Model):
    class Kind(models.TextChoices):
        CIVIL_SERVANTS = "ambtelijk", _("Ambtelijke netwerkdag")
        ADMINISTRATORS = "bestuurlijk", _("Bestuurlijke netwerkdag")
        OTHER = "other", _("Overige bijeenkomst")

    title = models.CharField(_("titel"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("Deel van het webadres, bijvoorbeeld ambtelijke-netwerkdag-dordrecht-2024."),
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.CIVIL_SERVANTS)
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("begintijd"))
    end_time = models.TimeField(_("eindtijd"))
    host_city = models.ForeignKey(
        Organisation,
        verbose_name=_("gastgemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
        limit_choices_to={"kind": Organisation.Kind.G40_CITY},
        help_text=_("Laat leeg zolang de gastgemeente nog niet bekend is."),
    )
    venue_name = models.CharField(
        _("locatie"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Bijvoorbeeld: Stadhuis Deventer."),
    )
    venue_address = models.CharField(
        _("adres"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
        help_text=_("Straat, huisnummer, postcode en plaats."),
    )
    introduction = models.TextField(_("introductie"), blank=True, help_text=_("Markdown."))
    introduction_html = RenderedMarkdownField(_("introductie (HTML)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Een concept is alleen zichtbaar voor organisatoren."),
    )
    is_announced = models.BooleanField(
        _("aangekondigd op de homepage"),
        default=False,
        help_text=_(
            "Vink aan om deze netwerkdag op de homepage aan te kondigen. Er kan er maar één tegelijk aangekondigd zijn."
        ),
    )

    registration_opens_at = models.DateTimeField(
        _("aanmelding opent"), null=True, blank=True, help_text=_("Leeg: aanmelden is niet mogelijk.")
    )
    registration_closes_at = models.DateTimeField(
        _("aanmelding sluit"), null=True, blank=True, help_text=_("Leeg: tot het begin van de netwerkdag.")
    )
    capacity = models.PositiveIntegerField(
        _("maximaal aantal deelnemers"), null=True, blank=True, help_text=_("Leeg: geen maximum.")
    )
    ask_dietary_needs = models.BooleanField(_("vraag naar dieetwensen"), default=True)
    ask_accessibility_needs = models.BooleanField(_("vraag naar toegankelijkheidswensen"), default=True)
    confirmation_text = models.TextField(
        _("tekst in de bevestiging"),
        blank=True,
        help_text=_("Praktische informatie die in de bevestigingsmail staat, zoals route en parkeren."),
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("herinnering, dagen vooraf"),
        default=3,
        help_text=_(
            "Zoveel dagen voor de netwerkdag krijgt elke deelnemer een herinnering met de eigen sessies, "
            "de agenda en een link om zich af te melden, zodat de plaats naar de wachtlijst gaat. "
            "0: geen herinnering."
        ),
    )
    confirmation_text_html = RenderedMarkdownField(_("tekst in de bevestiging (HTML)"))

    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een netwerkdag"))
    markdown_fields = ("introduction", "confirmation_text")

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name = _("netwerkdag")
        verbose_name_plural = _("netwerkdagen")
        constraints = [
            models.UniqueConstraint(
                fields=["is_announced"],
                condition=Q(is_announced=True),
                name="one_announced_event",
                violation_error_message=_("Er is al een andere netwerkdag aangekondigd op de homepage."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="event_ends_after_start",
                violation_error_message=_("De eindtijd moet na de begintijd liggen."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="registration_closes_after_opening",
                violation_error_message=_("De aanmelding moet sluiten nadat ze opent."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("events:detail", self.slug)

    def clean(self):
        if self.is_announced and self.status != Status.PUBLISHED:
            raise ValidationError(
                {
                    "is_announced": _(
                        "Alleen een gepubliceerde netwerkdag kan op de homepage worden aangekondigd."
                    )
                }
            )

    @property
    def starts_at(self) -> datetime.datetime:
        return clock.local_datetime(self.date, self.start_time)

    @property
    def ends_at(self) -> datetime.datetime:
        return clock.local_datetime(self.date, self.end_time)

    @property
    def is_past(self) -> bool:
        return self.date < clock.today()

    @property
    def is_today(self) -> bool:
        return self.date == clock.today()

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def registration_closes(self) -> datetime.datetime:
        """When sign-up closes: the set moment, or else the start of the day."""
        return self.registration_closes_at or self.starts_at

    def registration_state(self) -> RegistrationState:
        """Where the sign-up window stands on the site's clock (capacity is checked on sign-up)."""
        if self.registration_opens_at is None or not self.is_published:
            return RegistrationState.NONE
        current = clock.now()
        if current < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        if current >= self.registration_closes or self.is_past:
            return RegistrationState.CLOSED
        return RegistrationState.OPEN


# The netwerkdag page and its sign-up form read their netwerkdag on every cold render: a compiled read
# (the ORM builds its SQL once per process) of the published rule.
_PUBLISHED_EVENT = CompiledQuery(
    lambda slug: Event.objects.published().select_related("host_city").filter(slug=slug), slug=str
)


def published_event(slug: str) -> Event | None:
    """The published netwerkdag with this slug, its host city read along; None if there is none."""
    found = _PUBLISHED_EVENT.objects(slug=slug)
    return found[0] if found else None


class RecapQuerySet(models.QuerySet):
    def published(self, now: datetime.datetime | None = None):
        """Recaps set to published whose publication moment has come (by `now`, the site's clock
        unless given), of a published netwerkdag."""
        return self.filter(
            EventQuerySet.published_q("event__"),
            status=Status.PUBLISHED,
            published_at__lte=clock.now() if now is None else now,
        )

    def next_change(self, now: datetime.datetime) -> datetime.datetime | None:
        """When the next recap scheduled after `now` appears (a public page changes). One query."""
        scheduled = self.filter(
            EventQuerySet.published_q("event__"), status=Status.PUBLISHED, published_at__gt=now
        )
        return scheduled.aggregate(first=models.Min("published_at"))["first"]


class Recap(RenderedMarkdownMixin, models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("netwerkdag"), on_delete=models.CASCADE, related_name="recaps"
    )
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("pijler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recaps",
        help_text=_("Laat leeg voor een terugblik op de hele dag."),
    )
    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.CharField(
        _("samenvatting"),
        max_length=300,
        blank=True,
        help_text=_("Eén of twee zinnen voor overzichten en de feed."),
    )
    body = models.TextField(
        _("tekst"),
        help_text=_("Markdown: **vet**, *cursief*, [link](https://…), lijstjes met -. HTML wordt gefilterd."),
    )
    body_html = RenderedMarkdownField(_("tekst (HTML)"))
    published_at = models.DateTimeField(
        _("publicatiedatum"), default=clock.now, help_text=_("Een terugblik verschijnt vanaf dit moment.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    objects = RecapQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een terugblik"))
    markdown_fields = ("body",)

    class Meta:
        ordering = ["-published_at", "title"]
        verbose_name = _("terugblik")
        verbose_name_plural = _("terugblikken")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("events:recap", self.slug)
