from pathlib import Path

import django.forms
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.renderers import Jinja2
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from g40events.compiled_queries import CompiledQuery
from g40events.models import Event, Organisation, Pillar, ThemeGroup
from g40events.oneline import validate_single_line
from registrations.models import Registration, validate_person_name
from registrations.services import PersonData, TimeSlot, cancelled_message, signup_choices, time_slots
from sessions.models import Session


class PublicFormRenderer(Jinja2):
    """Django's widget templates in Jinja2 (the same markup as its Django templates), and ours.

    The sign-up form is never cached, and a netwerkdag of 60 sessions and 50 organisations has
    ~120 choices: Jinja2 renders Django's widgets in half the time of the Django template
    language, and `includes/widgets/select.html` writes a select's options inline (bench/README.md).
    """

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [
                    settings.BASE_DIR / "templates" / "jinja2",
                    Path(django.forms.__file__).parent / "jinja2",
                ],
                "NAME": "publicforms",
                "OPTIONS": {},
            }
        )


class Select(forms.Select):
    template_name = "includes/widgets/select.html"


PUBLIC_FORM_RENDERER = PublicFormRenderer()

TOO_LONG = _("Gebruik hoogstens %(limit_value)d tekens (het zijn er nu %(show_value)d).")


def _time(value) -> str:
    return value.strftime("%H:%M")


class SlotField(forms.ChoiceField):
    """One radio group per parallel time slot: at most one session, or none."""

    widget = forms.RadioSelect

    def __init__(self, *, slot: TimeSlot, event_id: int, own_places: dict[int, str] | None = None, **kwargs):
        own_places = own_places or {}
        choices = [("", _("Geen sessie in dit tijdvak"))]
        for session in slot.sessions:
            parts = [session.title, f"{_time(session.start_time)}–{_time(session.end_time)}"]
            if session.location:
                parts.append(session.location)
            label = " · ".join(parts)
            own = own_places.get(session.pk)
            if own == "confirmed":
                label += " — " + str(_("je hebt hier een plaats"))
            elif own == "waiting":
                label += " — " + str(_("je staat op de wachtlijst"))
            elif session.capacity is not None and (session.taken >= session.capacity or session.waiting):
                # People waiting get a free place before a newcomer does (see services._take_places).
                label += " — " + str(_("vol — op de wachtlijst"))
            choices.append((str(session.pk), label))
        if slot.is_tour:
            legend = _("Rondwandeling, %(start)s–%(end)s")
        else:
            legend = _("Sessie van %(start)s tot %(end)s")
        super().__init__(
            choices=choices,
            required=False,
            label=legend % {"start": _time(slot.start), "end": _time(slot.end)},
            error_messages={"invalid_choice": _("Deze sessie kun je niet (meer) kiezen. Kies een andere.")},
            **kwargs,
        )
        self.slot = slot
        self.event_id = event_id

    def validate(self, value):
        try:
            super().validate(value)
        except ValidationError as error:
            # A session cancelled since the form was drawn (or named by hand) is named as such.
            cancelled = (
                Session.objects.cancelled().filter(pk=value, event_id=self.event_id).first()
                if error.code == "invalid_choice" and str(value).isdigit()
                else None
            )
            if cancelled is None:
                raise
            raise ValidationError(cancelled_message(cancelled), code="cancelled") from error


class SessionChoicesMixin:
    """Adds one SlotField per time slot of the netwerkdag's sign-up sessions."""

    def add_slot_fields(self, event: Event, own_places: dict[int, str] | None = None):
        self.slots = time_slots(signup_choices(event))
        self.slot_event_id = event.pk
        for slot in self.slots:
            self.fields[slot.field_name] = SlotField(slot=slot, event_id=event.pk, own_places=own_places)

    @property
    def slot_fields(self):
        return [self[slot.field_name] for slot in self.slots]

    def clean(self):
        cleaned = super().clean()
        # A time slot whose only session was cancelled is no longer on the form: a choice sent for it
        # anyway (a page opened before, or a hand-made request) is refused, not silently dropped.
        fields = {slot.field_name for slot in self.slots}
        stray = [
            value
            for name, value in self.data.items()
            if name.startswith("slot_") and name not in fields and str(value).isdigit()
        ]
        if stray:
            cancelled = Session.objects.cancelled().filter(pk__in=stray, event_id=self.slot_event_id)
            for session in cancelled.order_by("start_time", "title"):
                self.add_error(None, cancelled_message(session))
        return cleaned

    def chosen_session_ids(self) -> list[int]:
        return [
            int(self.cleaned_data[slot.field_name])
            for slot in self.slots
            if self.cleaned_data.get(slot.field_name)
        ]


# Read on every sign-up form, which is never cached: compiled once per process.
_ORGANISATIONS = CompiledQuery(
    lambda: Organisation.objects.order_by("kind", "name").values_list("pk", "name", "kind")
)


def _organisations() -> list[tuple[int, str, str]]:
    return _ORGANISATIONS.rows()


def _organisation_choices(organisations):
    groups: dict[str, list[tuple[str, str]]] = {}
    labels = dict(Organisation.Kind.choices)
    for pk, name, kind in organisations:
        groups.setdefault(kind, []).append((str(pk), name))
    ordered = [kind for kind in Organisation.Kind.values if kind in groups]
    return [("", _("— Kies je organisatie —"))] + [(labels[kind], groups[kind]) for kind in ordered]


class PersonDetailsForm(forms.Form):
    """What a registrant tells about themselves, apart from the address: asked on the sign-up form,
    and corrected on the personal page."""

    default_renderer = PUBLIC_FORM_RENDERER

    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        validators=[validate_single_line, validate_person_name],
        error_messages={"required": _("Vul je naam in."), "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation = forms.ChoiceField(
        label=_("Organisatie"),
        required=False,
        error_messages={"invalid_choice": _("Kies een organisatie uit de lijst.")},
        widget=Select,
    )
    organisation_other = forms.CharField(
        label=_("Andere organisatie"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        error_messages={"max_length": TOO_LONG},
        help_text=_("Staat je organisatie niet in de lijst? Typ dan hier de naam."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    job_title = forms.CharField(
        label=_("Functie"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        error_messages={"max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    dietary_needs = forms.CharField(
        label=_("Dieetwensen"),
        max_length=500,
        required=False,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Bijvoorbeeld vegetarisch, veganistisch, glutenvrij of een allergie. Niet verplicht."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    accessibility_needs = forms.CharField(
        label=_("Toegankelijkheid"),
        max_length=500,
        required=False,
        error_messages={"max_length": TOO_LONG},
        help_text=_(
            "Heb je iets nodig om goed mee te kunnen doen, zoals een rolstoelplek of een ringleiding? Niet verplicht."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.organisations = _organisations()
        self.fields["organisation"].choices = _organisation_choices(self.organisations)
        # One of the two is needed (see clean): neither is marked "niet verplicht".
        self.fields["organisation"].show_optional = False
        self.fields["organisation_other"].show_optional = False
        if not event.ask_dietary_needs:
            del self.fields["dietary_needs"]
        if not event.ask_accessibility_needs:
            del self.fields["accessibility_needs"]

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("organisation")
        other = " ".join(cleaned.get("organisation_other", "").split())
        cleaned["organisation_other"] = other
        if chosen and other:
            self.add_error(
                "organisation_other",
                _("Kies een organisatie uit de lijst óf typ een andere naam, niet allebei."),
            )
        elif not chosen and not other and "organisation" not in self.errors:
            self.add_error(
                "organisation",
                _("Kies je organisatie uit de lijst, of typ de naam bij ‘Andere organisatie’."),
            )
        return cleaned

    def person(self, *, email: str = "", language: str = "nl") -> PersonData:
        data = self.cleaned_data
        organisation = None
        if data.get("organisation"):
            organisation = Organisation(pk=int(data["organisation"]))
        elif data["organisation_other"]:
            # A name typed that is in the list after all (in any case) counts as the listed one.
            typed = data["organisation_other"].casefold()
            match = next((pk for pk, name, _kind in self.organisations if name.casefold() == typed), None)
            organisation = Organisation(pk=match) if match else None
        return PersonData(
            name=data["name"],
            email=email,
            organisation=organisation,
            organisation_name="" if organisation else data["organisation_other"],
            job_title=" ".join(data.get("job_title", "").split()),
            dietary_needs=data.get("dietary_needs", "").strip(),
            accessibility_needs=data.get("accessibility_needs", "").strip(),
            language=language,
        )

    @property
    def person_fields(self):
        return [self[name] for name in self.PERSON_FIELDS]

    @property
    def needs_fields(self):
        return [self[name] for name in ["dietary_needs", "accessibility_needs"] if name in self.fields]

    PERSON_FIELDS = ["name", "organisation", "organisation_other", "job_title"]

    @classmethod
    def initial_from(cls, registration: Registration) -> dict:
        """The form filled in with a registration's details (a correction, or signing up again)."""
        return {
            "name": registration.name,
            "email": registration.email,
            "organisation": str(registration.organisation_id or ""),
            "organisation_other": registration.organisation_name,
            "job_title": registration.job_title,
            "dietary_needs": registration.dietary_needs,
            "accessibility_needs": registration.accessibility_needs,
        }


class RegistrationForm(SessionChoicesMixin, PersonDetailsForm):
    email = forms.EmailField(
        label=_("E-mailadres"),
        max_length=254,
        help_text=_(
            "Hierheen sturen we de bevestiging en een persoonlijke link om je aanmelding te wijzigen."
        ),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, zoals naam@gemeente.nl."),
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_("Ik ga akkoord met het bewaren van mijn gegevens zoals beschreven in de privacyverklaring."),
        error_messages={
            "required": _(
                "Vink dit aan om je aan te melden: zonder je gegevens kunnen we je niet inschrijven."
            )
        },
    )
    # The honeypot: hidden from people, filled in by form-filling robots.
    contact_fax = forms.CharField(label=_("Laat dit veld leeg"), required=False, max_length=200)
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["name", "email", "organisation", "organisation_other", "job_title"]
    PERSON_FIELDS = ["name", "email", "organisation", "organisation_other", "job_title"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, event=event, **kwargs)
        self.fields["consent"].summary_label = _("Privacyverklaring")
        try:
            privacy_url = reverse("registrations:privacy")
        except NoReverseMatch:  # pragma: no cover - the URL is ours
            privacy_url = ""
        self.fields["consent"].help_text = format_html(
            _('In de <a href="{url}">privacyverklaring</a> lees je wat we bewaren, waarom en hoe lang.'),
            url=privacy_url,
        )
        self.fields["contact_fax"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.add_slot_fields(event)

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("contact_fax"))

    def person(self, language: str = "nl") -> PersonData:
        return super().person(email=self.cleaned_data["email"], language=language)


class ChangeSessionsForm(SessionChoicesMixin, forms.Form):
    default_renderer = PUBLIC_FORM_RENDERER

    def __init__(self, *args, registration: Registration, **kwargs):
        super().__init__(*args, **kwargs)
        own = {place.session_id: place.status for place in registration.places.all()}
        self.add_slot_fields(registration.event, own_places=own)
        for slot in self.slots:
            current = next((str(s.pk) for s in slot.sessions if s.pk in own), "")
            self.fields[slot.field_name].initial = current


class CancelForm(forms.Form):
    default_renderer = PUBLIC_FORM_RENDERER

    confirm = forms.BooleanField(
        label=_("Ja, ik meld me af voor deze netwerkdag."),
        error_messages={"required": _("Vink dit aan als je je echt wilt afmelden.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The error summary names the field by this, not by its whole sentence.
        self.fields["confirm"].summary_label = _("Afmelden")


def session_label(session: Session) -> str:
    """A session as the mailing form names it: a cancelled one says so ("Wonen (vervallen)"), so that
    an organiser can still write to its people but never takes it for one that goes ahead."""
    if session.is_cancelled:
        return _("%(title)s (vervallen)") % {"title": session.title}
    return session.title


class MailingForm(forms.Form):
    """An organiser's message to a group of one netwerkdag's registrants (the admin's compose page)."""

    group = forms.ChoiceField(label=_("Aan"), widget=forms.RadioSelect)
    sessions = forms.ModelMultipleChoiceField(
        label=_("Sessies"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Voor de deelnemers of de wachtlijst van sessies. Bij een vervallen sessie: wie er een plaats "
            "had of op de wachtlijst stond toen ze verviel."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"), queryset=Organisation.objects.none(), required=False
    )
    pillar = forms.ModelChoiceField(label=_("Pijler"), queryset=Pillar.objects.none(), required=False)
    theme_group = forms.ModelChoiceField(
        label=_("Themagroep"), queryset=ThemeGroup.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Onderwerp"), max_length=200, validators=[validate_single_line])
    body = forms.CharField(
        label=_("Bericht"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Markdown. Het bericht begint vanzelf met „Beste <naam>,” en eindigt met de persoonlijke "
            "link en de groet: schrijf alleen wat daartussen komt. {naam} wordt de naam van de "
            "ontvanger, {link} de persoonlijke link naar de aanmelding."
        ),
    )

    REQUIRED_FOR_GROUP = {
        "sessions": "sessions",
        "waiting": "sessions",
        "organisation": "organisation",
        "pillar": "pillar",
        "theme_group": "theme_group",
    }

    def __init__(self, *args, event, **kwargs):
        from registrations.mailings import Group

        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["group"].choices = Group.choices
        self.fields["sessions"].queryset = event.sessions.filter(takes_registrations=True).order_by(
            "start_time", "title"
        )
        self.fields["sessions"].label_from_instance = session_label
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=event.registrations.values("organisation")
        ).order_by("name")
        self.fields["pillar"].queryset = Pillar.objects.order_by("name")
        self.fields["theme_group"].queryset = ThemeGroup.objects.order_by("name")

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Schrijf een bericht: het is leeg."), code="empty")
        return body

    def clean(self):
        from registrations.mailings import recipients

        cleaned = super().clean()
        group = cleaned.get("group")
        needed = self.REQUIRED_FOR_GROUP.get(group)
        if needed and not cleaned.get(needed):
            self.add_error(needed, _("Kies voor deze groep ook wie erbij hoort."))
        if (
            group in ("came", "absent")
            and not self.event.registrations.filter(check_in__isnull=False).exists()
        ):
            # Without any check-in, "who did not come" would be everyone: nobody knows.
            self.add_error(
                "group",
                _(
                    "Bij deze netwerkdag is nog niemand binnengemeld bij de balie: wie er was of niet "
                    "kwam is niet bekend."
                ),
            )
        if self.errors:
            return cleaned
        self.recipients = recipients(
            event=self.event,
            group=group,
            sessions=cleaned.get("sessions") or (),
            organisation=cleaned.get("organisation"),
            pillar=cleaned.get("pillar"),
            theme_group=cleaned.get("theme_group"),
        )
        self.recipient_count = self.recipients.count()
        if not self.recipient_count:
            raise ValidationError(
                _("Deze groep heeft geen ontvangers: er is niets verstuurd."), code="no_recipients"
            )
        return cleaned

    def group_label(self) -> str:
        """The group in words, as the mailing's list in the admin shows it."""
        cleaned = self.cleaned_data
        label = str(dict(self.fields["group"].choices)[cleaned["group"]])
        detail = {
            "sessions": lambda: ", ".join(session_label(s) for s in cleaned["sessions"]),
            "waiting": lambda: ", ".join(session_label(s) for s in cleaned["sessions"]),
            "organisation": lambda: cleaned["organisation"].name,
            "pillar": lambda: cleaned["pillar"].name,
            "theme_group": lambda: cleaned["theme_group"].name,
        }.get(cleaned["group"])
        return f"{label}: {detail()}"[:300] if detail else label
