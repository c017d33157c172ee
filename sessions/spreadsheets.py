"""A netwerkdag's programme as a spreadsheet: import (with a dry run) and export, through django-import-export.

One row per session, with Dutch column headers (PROGRAMME_COLUMNS). Clock times are wall-clock times
in Europe/Amsterdam (g40events.clock); a cell with a date and time in another zone is converted. Every
row is checked before anything is saved, and the whole import is one transaction: one wrong row and
nothing is saved.
"""

import csv
import datetime
import io
import re

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.results import Result, RowResult

from g40events import clock
from g40events.models import Event, Organisation, Pillar, ThemeGroup
from sessions.models import Session, SessionSpeaker
from speakers.models import Speaker

# The column headers, in the order of the template file. Only "titel", "begin" and "einde" are required.
COLUMNS = {
    "title": "titel",
    "start_time": "begin",
    "end_time": "einde",
    "location": "zaal",
    "kind": "soort",
    "pillars": "pijlers",
    "theme_groups": "themagroepen",
    "speakers": "sprekers",
    "capacity": "plaatsen",
    "takes_registrations": "aanmelden",
}
PROGRAMME_COLUMNS = list(COLUMNS.values())
REQUIRED_COLUMNS = ["titel", "begin", "einde"]
# A programme has tens of sessions; a file of thousands of rows is the wrong file.
MAX_ROWS = 200
LIST_SEPARATOR = ";"

_CLOCK_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?$")
# "Name (Organisation)" or "Name", of a part that _split() stripped. The name ends at a character that
# is not white space, so each run of white space is tried once, after the character before it: the
# former lazy name tried every run again at every step (a cell of 8,000 characters took 1.8 s to read).
_SPEAKER = re.compile(r"^(?P<name>[^()]*[^()\s])\s*(?:\((?P<organisation>[^()]*)\))?$")
_YES = {"ja", "j", "x", "yes", "y", "true", "waar", "1"}
_NO = {"nee", "n", "no", "false", "onwaar", "0", ""}


class SpreadsheetError(ValueError):
    """A file that cannot be a programme at all: nothing in it is imported."""


def check_dataset(dataset: tablib.Dataset) -> tablib.Dataset:
    """Refuse a file whose columns or size cannot be a programme, with a message that says why."""
    headers = [str(header).strip().lower() if header is not None else "" for header in dataset.headers or []]
    unknown = [header for header in headers if header and header not in PROGRAMME_COLUMNS]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if unknown or missing:
        problems = []
        if missing:
            problems.append(gettext("ontbreekt: %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(gettext("onbekend: %(columns)s") % {"columns": ", ".join(unknown)})
        raise SpreadsheetError(
            gettext(
                "De kolommen van dit bestand passen niet (%(problems)s). De eerste regel moet de kolommen "
                "noemen: %(columns)s. Het voorbeeldbestand heeft ze allemaal."
            )
            % {"problems": "; ".join(problems), "columns": ", ".join(PROGRAMME_COLUMNS)}
        )
    if dataset.height > MAX_ROWS:
        raise SpreadsheetError(
            gettext(
                "Dit bestand heeft %(rows)s regels; een programma kan er hoogstens %(max)s hebben. "
                "Kies het bestand met het programma van één netwerkdag."
            )
            % {"rows": f"{dataset.height:,}".replace(",", "."), "max": MAX_ROWS}
        )
    if dataset.height == 0:
        raise SpreadsheetError(gettext("Dit bestand heeft geen sessies: onder de kolomnamen staat niets."))
    dataset.headers = headers
    return dataset


class ProgrammeCSV(base_formats.CSV):
    """CSV in UTF-8 (with or without BOM), separated by commas or semicolons (Dutch Excel uses ';')."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        try:
            delimiter = csv.Sniffer().sniff(in_stream.split("\n", 1)[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        dataset = tablib.Dataset()
        rows = [row for row in csv.reader(io.StringIO(in_stream), delimiter=delimiter) if any(row)]
        if rows:
            width = len(rows[0])
            dataset.headers = rows[0]
            for row in rows[1:]:
                dataset.append((row + [""] * width)[:width])
        return check_dataset(dataset)


class ProgrammeXLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook; blank lines are left out."""

    def create_dataset(self, in_stream):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        sheet = book.active
        dataset = tablib.Dataset()
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is not None:
            width = len(header)
            dataset.headers = list(header)
            for count, row in enumerate(rows, 1):
                if count > MAX_ROWS * 4:
                    # A sheet this long is refused below anyway; stop reading it.
                    dataset.append([None] * width)
                    continue
                if any(value not in (None, "") for value in row):
                    dataset.append((list(row) + [None] * width)[:width])
        book.close()
        return check_dataset(dataset)


PROGRAMME_FORMATS = [ProgrammeXLSX, ProgrammeCSV]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _split(value) -> list[str]:
    return [part.strip() for part in _text(value).split(LIST_SEPARATOR) if part.strip()]


class ClockTimeWidget(widgets.Widget):
    """A clock time of the programme: 9:30, 09.30, a time cell, or a date and time (read in Europe/Amsterdam)."""

    def __init__(self, event=None, **kwargs):
        self.event = event
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return self._from_datetime(value)
        if isinstance(value, datetime.time):
            return value.replace(second=0, microsecond=0, tzinfo=None)
        if isinstance(value, int | float) and 0 <= value < 1:
            # A spreadsheet's time as a fraction of a day.
            minutes = round(value * 24 * 60)
            return datetime.time(minutes // 60, minutes % 60)
        text = _text(value)
        if not text:
            raise ValueError(gettext("Vul een tijd in, zoals 09:30."))
        match = _CLOCK_TIME.match(text)
        if match:
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return datetime.time(hour, minute)
        else:
            try:
                moment = datetime.datetime.fromisoformat(text)
            except ValueError:
                pass
            else:
                return self._from_datetime(moment)
        raise ValueError(gettext("“%(value)s” is geen tijd; schrijf bijvoorbeeld 09:30.") % {"value": text})

    def _from_datetime(self, value: datetime.datetime) -> datetime.time:
        if value.tzinfo is not None:
            value = value.astimezone(clock.TZ)
        if self.event is not None and value.date() != self.event.date:
            raise ValueError(
                gettext("%(value)s valt niet op de dag van de netwerkdag (%(date)s).")
                % {
                    "value": date_format(value, "j F Y H:i"),
                    "date": date_format(self.event.date, "j F Y"),
                }
            )
        return value.time().replace(second=0, microsecond=0)

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


class KindWidget(widgets.Widget):
    """A session's kind by its Dutch name (Parallelsessie) or code (parallel); empty: parallel session."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if not text:
            return Session.Kind.PARALLEL
        for kind in Session.Kind:
            if text in {kind.value, str(kind.label).lower()}:
                return kind.value
        raise ValueError(
            gettext("Onbekende soort “%(value)s”. Kies uit: %(kinds)s.")
            % {"value": _text(value), "kinds": ", ".join(str(kind.label) for kind in Session.Kind)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(Session.Kind(value).label) if value else ""


class CapacityWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(
                gettext("“%(value)s” is geen aantal plaatsen; schrijf een heel getal, of laat het leeg.")
                % {"value": text}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).lower()
        if text in _YES:
            return True
        if not text:
            return None  # a new session then takes sign-ups when it has a number of places
        if text in _NO:
            return False
        raise ValueError(gettext("Schrijf ja of nee, niet “%(value)s”.") % {"value": _text(value)})

    def render(self, value, obj=None, **kwargs):
        return gettext("ja") if value else gettext("nee")


class ProgrammeImportResult(Result):
    @property
    def consequences(self) -> list[tuple[int, str]]:
        """What the sessions' saves cause beyond themselves, as (message level, text): calendar
        updates, places from the waiting list. In the dry run, what confirming will cause."""
        return [
            message
            for row in self.valid_rows()
            for message in getattr(row.instance, "import_consequences", [])
        ]


class ProgrammeResource(resources.ModelResource):
    """The sessions of one netwerkdag, matched on their title: a known title updates that session."""

    title = fields.Field(attribute="title", column_name=COLUMNS["title"], widget=widgets.CharWidget())
    start_time = fields.Field(
        attribute="start_time", column_name=COLUMNS["start_time"], widget=ClockTimeWidget()
    )
    end_time = fields.Field(attribute="end_time", column_name=COLUMNS["end_time"], widget=ClockTimeWidget())
    location = fields.Field(
        attribute="location", column_name=COLUMNS["location"], widget=widgets.CharWidget()
    )
    kind = fields.Field(attribute="kind", column_name=COLUMNS["kind"], widget=KindWidget())
    pillars = fields.Field(column_name=COLUMNS["pillars"])
    theme_groups = fields.Field(column_name=COLUMNS["theme_groups"])
    speakers = fields.Field(column_name=COLUMNS["speakers"])
    capacity = fields.Field(
        attribute="capacity", column_name=COLUMNS["capacity"], widget=CapacityWidget(), saves_null_values=True
    )
    takes_registrations = fields.Field(
        attribute="takes_registrations",
        column_name=COLUMNS["takes_registrations"],
        widget=YesNoWidget(),
        saves_null_values=False,
    )

    class Meta:
        model = Session
        fields = list(COLUMNS)
        import_order = list(COLUMNS)
        export_order = list(COLUMNS)
        import_id_fields = ["title"]
        skip_unchanged = False
        store_row_values = True
        # The dry run's page shows each row's session; fixed here, because import-export otherwise
        # sets it on the class from whichever import ran first in the process.
        store_instance = True
        clean_model_instances = False  # validate_instance checks what applies, with Dutch messages
        use_transactions = True

    def __init__(self, event=None, extensions=(), **kwargs):
        super().__init__(**kwargs)
        self.event = event
        # What the apps further down do when a session is saved (sessions.admin.SessionAdminExtension):
        # an import refuses what the admin would ask to confirm, and has the same consequences.
        self.extensions = list(extensions)
        for name in ("start_time", "end_time"):
            self.fields[name].widget.event = event
        self._pillars = {pillar.name.lower(): pillar for pillar in Pillar.objects.all()}
        self._theme_groups = {group.name.lower(): group for group in ThemeGroup.objects.all()}
        self._slugs: set[str] = set()

    @classmethod
    def get_display_name(cls):
        return gettext("Programma")

    def get_result_class(self):
        return ProgrammeImportResult

    def get_queryset(self):
        queryset = (
            Session.objects.select_related("event")
            .with_speakers()
            .prefetch_related("pillars", "theme_groups")
        )
        return queryset.filter(event=self.event) if self.event is not None else queryset

    def get_instance(self, instance_loader, row):
        title = _text(row.get(COLUMNS["title"]))
        if not title or self.event is None:
            return None
        return Session.objects.filter(event=self.event, title=title).first()

    def init_instance(self, row=None):
        return Session(event=self.event)

    # Export: the related columns as text, in the form the import reads.

    def dehydrate_pillars(self, session):
        return f"{LIST_SEPARATOR} ".join(pillar.name for pillar in session.pillars.all())

    def dehydrate_theme_groups(self, session):
        return f"{LIST_SEPARATOR} ".join(group.name for group in session.theme_groups.all())

    def dehydrate_speakers(self, session):
        return f"{LIST_SEPARATOR} ".join(
            f"{role.speaker.name} ({role.speaker.organisation.name})"
            if role.speaker.organisation
            else role.speaker.name
            for role in session.speaker_roles.all()
        )

    # Import.

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.pk is None and not _text(row.get(COLUMNS["takes_registrations"])):
            instance.takes_registrations = instance.capacity is not None
        related = {}
        for name, parse in (
            ("pillars", self._parse_pillars),
            ("theme_groups", self._parse_theme_groups),
            ("speakers", self._parse_speakers),
        ):
            try:
                related[name] = parse(row.get(COLUMNS[name]))
            except ValueError as error:
                errors[name] = [str(error)]
        instance._imported_relations = related
        if errors:
            raise ValidationError(errors)

    def _parse_named(self, value, known: dict, message) -> list:
        found, unknown = [], []
        for name in _split(value):
            (found if name.lower() in known else unknown).append(name)
        if unknown:
            raise ValueError(
                message(len(unknown))
                % {
                    "names": ", ".join(f"“{name}”" for name in unknown),
                    "known": ", ".join(sorted(obj.name for obj in known.values())),
                }
            )
        return list({known[name.lower()].pk: known[name.lower()] for name in found}.values())

    def _parse_pillars(self, value):
        return self._parse_named(
            value,
            self._pillars,
            lambda n: ngettext(
                "Onbekende pijler %(names)s. Bekend: %(known)s.",
                "Onbekende pijlers %(names)s. Bekend: %(known)s.",
                n,
            ),
        )

    def _parse_theme_groups(self, value):
        return self._parse_named(
            value,
            self._theme_groups,
            lambda n: ngettext(
                "Onbekende themagroep %(names)s. Bekend: %(known)s.",
                "Onbekende themagroepen %(names)s. Bekend: %(known)s.",
                n,
            ),
        )

    def _parse_speakers(self, value) -> list[tuple[str, str]]:
        speakers = {}
        for part in _split(value):
            match = _SPEAKER.match(part)
            if not match:
                raise ValueError(
                    gettext("Schrijf sprekers als “Naam (Organisatie)”, gescheiden door ;, niet “%(value)s”.")
                    % {"value": part}
                )
            speakers.setdefault(
                match["name"].strip().lower(), (match["name"].strip(), (match["organisation"] or "").strip())
            )
        return list(speakers.values())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not errors.get("title") and not instance.title:
            errors["title"] = [gettext("Elke sessie heeft een titel.")]
        start, end = instance.start_time, instance.end_time
        if "start_time" not in errors and "end_time" not in errors and start and end:
            if end <= start:
                errors["end_time"] = [
                    gettext("Het einde (%(end)s) ligt niet na het begin (%(start)s).")
                    % {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
                ]
            else:
                try:
                    instance.clean()
                except ValidationError as error:
                    errors.setdefault(NON_FIELD_ERRORS, []).extend(error.messages)
                if instance.pk is not None:
                    for extension in self.extensions:
                        for name, texts in extension.import_errors(instance).items():
                            if name not in errors:
                                errors.setdefault(name, []).extend(texts)
                clash = self._room_clash(instance)
                if clash is not None:
                    errors["location"] = [
                        gettext("Zaal “%(room)s” is van %(start)s tot %(end)s al bezet door “%(title)s”.")
                        % {
                            "room": instance.location,
                            "start": clash.start_time.strftime("%H:%M"),
                            "end": clash.end_time.strftime("%H:%M"),
                            "title": clash.title,
                        }
                    ]
        if errors:
            raise ValidationError({COLUMNS.get(name, name): messages for name, messages in errors.items()})

    def _room_clash(self, instance) -> Session | None:
        """Another session of the netwerkdag in the same room at an overlapping time (earlier rows included)."""
        if not instance.location:
            return None
        return (
            Session.objects.filter(event=self.event, location__iexact=instance.location)
            .filter(Q(start_time__lt=instance.end_time) & Q(end_time__gt=instance.start_time))
            .exclude(pk=instance.pk)
            .order_by("start_time")
            .first()
        )

    def before_save_instance(self, instance, row, **kwargs):
        self._dry_run = bool(kwargs.get("dry_run"))
        instance._imported_changes = self._changed_fields(instance)
        if not instance.slug:
            instance.slug = self._unique_slug(instance.title)
        self._unrecorded(instance)

    def _changed_fields(self, instance) -> list[str]:
        """The fields of an existing session that this row changes (empty for a new session)."""
        if instance.pk is None:
            return []
        names = [name for name in COLUMNS if name not in {"pillars", "theme_groups", "speakers"}]
        stored = Session.objects.filter(pk=instance.pk).values(*names).first() or {}
        return [name for name in names if name in stored and stored[name] != getattr(instance, name)]

    def _unrecorded(self, obj):
        """A dry run is rolled back: its saves need no versions in the history (they are most of its cost)."""
        if getattr(self, "_dry_run", False):
            obj.skip_history_when_saving = True
        return obj

    def _unique_slug(self, title: str) -> str:
        base = slugify(title)[:190] or "sessie"
        taken = set(
            Session.objects.filter(event=self.event, slug__startswith=base).values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken or slug in self._slugs:
            slug, number = f"{base}-{number}", number + 1
        self._slugs.add(slug)
        return slug

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") and not kwargs.get("using_transactions"):
            return
        related = instance._imported_relations
        instance.pillars.set(related["pillars"])
        instance.theme_groups.set(related["theme_groups"])
        speakers = [self._speaker(name, organisation) for name, organisation in related["speakers"]]
        instance.speaker_roles.exclude(speaker__in=speakers).delete()
        existing = set(instance.speaker_roles.values_list("speaker_id", flat=True))
        for position, speaker in enumerate(speakers):
            if speaker.pk in existing:
                instance.speaker_roles.filter(speaker=speaker).update(position=position)
            else:
                self._unrecorded(SessionSpeaker(session=instance, speaker=speaker, position=position)).save()
        # As after a save in the admin: a new time or room to the calendars of those with a place, a
        # raised capacity to the waiting list (their mails go when the import commits). The dry run
        # takes the same steps, so that its page can say what confirming will cause; it is rolled
        # back, promotions and queued mails with it.
        instance.import_consequences = []
        for extension in self.extensions:
            instance.import_consequences += extension.session_saved(
                instance, instance._imported_changes, preview=self._dry_run
            )

    def _speaker(self, name: str, organisation_name: str) -> Speaker:
        organisation = None
        if organisation_name:
            organisation = Organisation.objects.filter(name__iexact=organisation_name).first()
            if organisation is None:
                organisation = self._unrecorded(Organisation(name=organisation_name))
                organisation.save()
        speaker = Speaker.objects.filter(name__iexact=name).order_by("pk").first()
        if speaker is None:
            base = slugify(name)[:190] or "spreker"
            slug, number = base, 2
            while Speaker.objects.filter(slug=slug).exists():
                slug, number = f"{base}-{number}", number + 1
            speaker = self._unrecorded(Speaker(name=name, slug=slug, organisation=organisation))
            speaker.save()
        elif organisation is not None and speaker.organisation_id is None:
            speaker.organisation = organisation
            self._unrecorded(speaker).save(update_fields=["organisation"])
        return speaker


def template_dataset() -> tablib.Dataset:
    """The example file to download: the columns and two sessions as they are written."""
    dataset = tablib.Dataset(headers=PROGRAMME_COLUMNS)
    dataset.append(
        [
            "Opening",
            "09:30",
            "10:15",
            "Raadzaal",
            str(Session.Kind.PLENARY.label),
            "",
            "",
            "Jan Jansen (Gemeente Deventer)",
            "",
            "nee",
        ]
    )
    dataset.append(
        [
            "Samen sterk in de wijk",
            "10:30",
            "11:30",
            "Zaal 2",
            str(Session.Kind.PARALLEL.label),
            "Sociaal",
            "Wonen; Zorg",
            "Femke de Vries (Gemeente Ede); Piet Bakker",
            "40",
            "ja",
        ]
    )
    return dataset


class ProgrammeImportForm(ImportForm):
    """The import-export form with the netwerkdag the file is for; the format follows from the file's name."""

    event = forms.ModelChoiceField(label=_("Netwerkdag"), queryset=Event.objects.order_by("-date"))
    field_order = ["event", "import_file", "format"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        self.fields["import_file"].label = _("Bestand (.xlsx of .csv)")
        self.fields["format"].label = _("Formaat")
        self.fields["format"].required = False
        self.fields["format"].help_text = _("Leeg: volgens de naam van het bestand.")

    def clean(self):
        cleaned_data = super().clean()
        import_file = cleaned_data.get("import_file")
        if import_file and not cleaned_data.get("format"):
            extension = import_file.name.rsplit(".", 1)[-1].lower() if "." in import_file.name else ""
            for index, file_format in enumerate(self.formats):
                if file_format().get_extension() == extension:
                    cleaned_data["format"] = str(index)
                    break
            else:
                self.add_error(
                    "import_file",
                    _("Kies een bestand dat eindigt op .xlsx of .csv, of kies het formaat hieronder."),
                )
        return cleaned_data


class ProgrammeConfirmForm(ConfirmImportForm):
    event = forms.ModelChoiceField(queryset=Event.objects.all(), widget=forms.HiddenInput)


class ProgrammeSpreadsheetAdmin(ImportExportMixin):
    """Adds "Programma inlezen" (with a dry run) and "Programma exporteren" to the admin of sessions."""

    resource_classes = [ProgrammeResource]
    # Set by the admin of sessions: the apps' extensions (places, calendars) that an import goes through.
    session_extensions: list = []
    formats = PROGRAMME_FORMATS
    import_form_class = ProgrammeImportForm
    confirm_form_class = ProgrammeConfirmForm
    import_template_name = "admin/programme/session/import.html"
    import_error_display = ("message",)
    from_encoding = "utf-8-sig"

    def has_import_permission(self, request):
        return request.user.has_perms(["programme.add_session", "programme.change_session"])

    def has_export_permission(self, request):
        return request.user.has_perm("programme.view_session")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/voorbeeld.<str:extension>",
                self.admin_site.admin_view(self.template_file_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def template_file_view(self, request, extension):
        if not self.has_import_permission(request):
            raise PermissionDenied
        file_format = {"xlsx": ProgrammeXLSX, "csv": ProgrammeCSV}.get(extension)
        if file_format is None:
            raise Http404
        file_format = file_format()
        data = file_format.export_data(template_dataset())
        response = HttpResponse(data, content_type=file_format.get_content_type())
        response["Content-Disposition"] = f'attachment; filename="programma-voorbeeld.{extension}"'
        return response

    def get_import_form_initial(self, request):
        return {**super().get_import_form_initial(request), "event": request.GET.get("event")}

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["event"] = import_form.cleaned_data["event"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        event = getattr(form, "cleaned_data", {}).get("event") if form is not None else None
        return {
            **super().get_import_resource_kwargs(request, **kwargs),
            "event": event,
            "extensions": self.session_extensions,
        }

    def get_import_data_kwargs(self, **kwargs):
        # One invalid row and nothing is saved, also if the data changed between dry run and confirmation.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def get_import_context_data(self, **kwargs):
        info = self.opts.app_label, self.opts.model_name
        return {
            **super().get_import_context_data(**kwargs),
            "template_urls": [
                (extension, reverse("admin:{}_{}_import_template".format(*info), args=[extension]))
                for extension in ("xlsx", "csv")
            ],
            "programme_columns": PROGRAMME_COLUMNS,
            "required_columns": REQUIRED_COLUMNS,
            "max_rows": MAX_ROWS,
        }

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            message = str(e)
        elif isinstance(e, UnicodeError):
            message = _(
                "Dit bestand is geen tekst in UTF-8. Sla het in Excel op als “CSV UTF-8 (door komma's "
                "gescheiden)”, of lees het .xlsx-bestand in."
            )
        else:
            message = _(
                "Dit bestand kan niet worden gelezen als %(format)s. Kies een .xlsx-bestand of een .csv-bestand "
                "in UTF-8, met het bijpassende formaat."
            ) % {"format": form.formats[int(form.cleaned_data["format"])]().get_title()}
        form.add_error("import_file", message)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Het programma is niet ingelezen: het bestand is veranderd of bevat fouten. Er is niets opgeslagen."
                ),
            )
            return HttpResponseRedirect(reverse("admin:programme_session_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        new, updated = result.totals[RowResult.IMPORT_TYPE_NEW], result.totals[RowResult.IMPORT_TYPE_UPDATE]
        # What the saved sessions caused (calendar updates, promotions), after the totals.
        messages.success(
            request,
            _("Programma ingelezen: %(new)s, %(updated)s.")
            % {
                "new": ngettext("%(count)d nieuwe sessie", "%(count)d nieuwe sessies", new) % {"count": new},
                "updated": ngettext("%(count)d bijgewerkt", "%(count)d bijgewerkt", updated)
                % {"count": updated},
            },
        )
        for level, text in result.consequences:
            messages.add_message(request, level, text)

    def get_export_queryset(self, request):
        return (
            super().get_export_queryset(request).with_speakers().prefetch_related("pillars", "theme_groups")
        )

    def get_export_filename(self, request, queryset, file_format):
        slugs = set(queryset.values_list("event__slug", flat=True).distinct()[:2])
        name = f"programma-{slugs.pop()}" if len(slugs) == 1 else "programma"
        return f"{name}.{file_format.get_extension()}"
