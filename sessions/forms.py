"""The form of the admin's programme screen: one session with its pillars, theme groups and speakers."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from g40events.models import Pillar, ThemeGroup
from g40events.permissions import is_coordinator_only
from sessions.models import Session, SessionSpeaker
from speakers.models import Speaker

TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def free_speaker_slug(name: str) -> str:
    base = slugify(name)[:190] or "spreker"
    slug, n = base, 2
    while Speaker.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def split_names(value: str) -> list[str]:
    """Speaker names as typed: separated by commas or new lines, each once, in order."""
    names = [" ".join(name.split()) for name in value.replace("\n", ",").split(",")]
    return list(dict.fromkeys(name for name in names if name))


class OwnThemeGroupsMixin:
    """A theme-group coordinator keeps each session they save in one of their own theme groups: they may
    make it a joint session, but not hand it to other groups only (it would leave their scope, and
    enter another coordinator's)."""

    user = None

    def check_own_theme_groups(self):
        if self.user is None or not is_coordinator_only(self.user) or "theme_groups" not in self.cleaned_data:
            return
        own = ThemeGroup.objects.filter(coordinators=self.user).order_by("name")
        if not {group.pk for group in self.cleaned_data["theme_groups"]} & {group.pk for group in own}:
            self.add_error(
                "theme_groups",
                _("Kies minstens één van je eigen themagroepen (%(groups)s).")
                % {"groups": ", ".join(group.name for group in own)},
            )


class ConfirmChangesMixin:
    """A session form that asks the organiser to confirm what a change causes before it is saved.

    Apps further down name the consequences through SessionAdminExtension.consequences (a lowered
    capacity names who is then over the limit); while there are any, the form is invalid until the
    organiser ticks "confirm", which appears with them.
    """

    extensions: list = []
    consequences: list[str] = []

    @staticmethod
    def confirmation_field():
        return forms.BooleanField(label=_("Ja, opslaan met deze gevolgen"), required=False)

    def check_consequences(self):
        if not self.is_bound or self.errors:
            return
        found = []
        for extension in self.extensions:
            found.extend(extension.consequences(self.instance, self.cleaned_data))
        self.consequences = found
        if found and not self.cleaned_data.get("confirm_consequences"):
            confirm = _("Bevestig dat je de sessie met deze gevolgen wilt opslaan, of pas hem aan.")
            self.add_error("confirm_consequences", [*found, confirm])


class ProgrammeSessionForm(OwnThemeGroupsMixin, ConfirmChangesMixin, forms.ModelForm):
    """Add or change one session of a netwerkdag on its programme screen."""

    speaker_names = forms.CharField(
        label=_("Sprekers"),
        required=False,
        help_text=_("Namen gescheiden door komma’s. Een nieuwe naam maakt een spreker aan."),
        widget=forms.TextInput(attrs={"list": "sprekers", "autocomplete": "off"}),
    )
    confirm_consequences = ConfirmChangesMixin.confirmation_field()

    class Meta:
        model = Session
        fields = [
            "start_time",
            "end_time",
            "title",
            "kind",
            "location",
            "takes_registrations",
            "capacity",
            "pillars",
            "theme_groups",
        ]
        widgets = {
            "start_time": TIME_INPUT,
            "end_time": TIME_INPUT,
            "pillars": forms.CheckboxSelectMultiple,
            "theme_groups": forms.CheckboxSelectMultiple,
        }
        labels = {"takes_registrations": _("Aanmelden"), "location": _("Zaal")}
        help_texts = {
            "takes_registrations": _("Deelnemers kiezen deze sessie bij hun aanmelding."),
            "capacity": _("Leeg: geen maximum."),
            "location": "",
            "pillars": "",
            "theme_groups": "",
        }

    def __init__(self, *args, event, extensions=(), user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.user = user
        self.instance.event = event
        self.extensions = list(extensions)
        self.fields["pillars"].queryset = Pillar.objects.order_by("position", "name")
        # Active theme groups, and any inactive one the session already has.
        chosen = self.instance.theme_groups.values("pk") if self.instance.pk else []
        theme_groups = ThemeGroup.objects.filter(Q(is_active=True) | Q(pk__in=chosen)).select_related(
            "pillar"
        )
        self.fields["theme_groups"].queryset = theme_groups.order_by("pillar__position", "name")
        self.fields["theme_groups"].label_from_instance = lambda group: group.name
        if self.instance.pk and not self.is_bound:
            self.initial["speaker_names"] = ", ".join(
                role.speaker.name for role in self.instance.speaker_roles.select_related("speaker")
            )

    def theme_groups_by_pillar(self):
        """The theme-group checkboxes grouped under their pillar, for the template."""
        groups: dict[str, list] = {}
        pillars = {group.pk: group.pillar for group in self.fields["theme_groups"].queryset}
        for checkbox in self["theme_groups"]:
            pillar = pillars.get(checkbox.data["value"].value)
            label = (
                _("Themagroepen %(pillar)s") % {"pillar": pillar.name} if pillar else _("Andere themagroepen")
            )
            groups.setdefault(label, []).append(checkbox)
        return groups.items()

    def clean_speaker_names(self):
        speakers = []
        for name in split_names(self.cleaned_data["speaker_names"]):
            matches = list(Speaker.objects.filter(name__iexact=name)[:2])
            if len(matches) > 1:
                raise ValidationError(
                    _(
                        "Er zijn meer sprekers die “%(name)s” heten. Koppel de juiste op de pagina van de sessie."
                    ),
                    params={"name": name},
                )
            speakers.append(matches[0] if matches else Speaker(name=name))
        return speakers

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("takes_registrations"):
            cleaned_data["capacity"] = None
        if not self.instance.slug and cleaned_data.get("title"):
            self.instance.slug = self.free_session_slug(cleaned_data["title"])
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            self.check_speakers_free()
        self.check_own_theme_groups()
        self.check_consequences()

    def check_speakers_free(self):
        """A speaker cannot be in two sessions at once (as SessionSpeaker.clean says on the session's page)."""
        session = self.instance
        for speaker in self.cleaned_data.get("speaker_names", []):
            if speaker.pk is None:
                continue
            clash = (
                SessionSpeaker.objects.filter(speaker=speaker, session__event=self.event)
                .exclude(session_id=session.pk)
                .filter(session__start_time__lt=session.end_time, session__end_time__gt=session.start_time)
                .select_related("session")
                .first()
            )
            if clash:
                self.add_error(
                    "speaker_names",
                    _("%(speaker)s staat op dat moment al in de sessie “%(session)s” (%(start)s–%(end)s).")
                    % {
                        "speaker": speaker,
                        "session": clash.session.title,
                        "start": clash.session.start_time.strftime("%H:%M"),
                        "end": clash.session.end_time.strftime("%H:%M"),
                    },
                )

    def free_session_slug(self, title: str) -> str:
        base = slugify(title)[:190] or "sessie"
        taken = set(Session.objects.filter(event=self.event).values_list("slug", flat=True))
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @transaction.atomic
    def save(self, commit=True):
        session = super().save(commit=True)
        wanted = []
        for speaker in self.cleaned_data["speaker_names"]:
            if speaker.pk is None:
                speaker.slug = free_speaker_slug(speaker.name)
                speaker.save()
            wanted.append(speaker)
        roles = {role.speaker_id: role for role in session.speaker_roles.all()}
        SessionSpeaker.objects.filter(session=session).exclude(
            speaker__in=[speaker.pk for speaker in wanted]
        ).delete()
        for position, speaker in enumerate(wanted, start=1):
            role = roles.get(speaker.pk) or SessionSpeaker(session=session, speaker=speaker)
            role.position = position
            role.save()
        return session
