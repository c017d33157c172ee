import json
from collections.abc import Callable, Sequence

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.history import ContentHistoryAdmin
from g40events.models import EmailDomain, Event, Organisation, Pillar, Recap, ThemeGroup
from g40events.permissions import COORDINATORS_GROUP
from g40events.services import duplicate_event
from g40events.widgets import DATE_AND_TIME_FIELDS

admin.site.site_header = _("G40 netwerkdagen — beheer")
admin.site.site_title = _("G40 netwerkdagen")
admin.site.index_title = _("Netwerkdagen voorbereiden")


class InlineAdminFormSet(helpers.InlineAdminFormSet):
    """Django writes "Nog een Sessie toevoegen" (it capitalises the name inside the sentence)."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = gettext("Add another %(verbose_name)s") % {
            "verbose_name": self.opts.verbose_name
        }
        return json.dumps(data)


class ModelAdmin(admin.ModelAdmin):
    """The admin's house style: the browser's own date and time inputs, and Dutch as it is written."""

    formfield_overrides = DATE_AND_TIME_FIELDS

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_admin_formset in inline_admin_formsets:
            inline_admin_formset.__class__ = InlineAdminFormSet
            if isinstance(inline_admin_formset.opts, admin.TabularInline):
                _label_table_cells(inline_admin_formset.formset)
        return inline_admin_formsets

    def get_changelist_form(self, request, **kwargs):
        return type("ChangeListForm", (_LabelledRowForm, super().get_changelist_form(request, **kwargs)), {})


class _LabelledRowForm:
    """A field of list_editable stands in a table cell under its column heading, without a label
    of its own (axe: "Form elements must have labels"): each gets an accessible name that says
    what it is and of which row ("Volgorde van Sociale pijler")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = _("%(label)s van %(object)s") % {
                    "label": capfirst(field.label),
                    "object": self.instance,
                }


def _label_table_cells(formset):
    """A tabular inline's fields have only the column heading above them: each gets its own
    accessible name ("Titel, rij 2"), so that a screen reader says what it is."""
    rows = [*enumerate(formset.forms, start=1), (len(formset.forms) + 1, formset.empty_form)]
    for number, form in rows:
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            label = field.label or (_("Verwijderen") if name == "DELETE" else name)
            # A related field's widget is wrapped (with its add and change links): name the select.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs["aria-label"] = _("%(label)s, rij %(row)d") % {
                "label": capfirst(label),
                "row": number,
            }


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1
    verbose_name_plural = _("e-maildomeinen (aanmelden zonder bevestigingslink)")


@admin.register(Organisation)
class OrganisationAdmin(ContentHistoryAdmin, ModelAdmin):
    list_display = ["name", "kind", "email_domains_column", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "email_domains__domain"]
    inlines = [EmailDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("email_domains", queryset=EmailDomain.objects.order_by("domain")))
        )

    @admin.display(description=_("e-maildomeinen"))
    def email_domains_column(self, obj):
        return ", ".join(domain.domain for domain in obj.email_domains.all()) or "–"


class ThemeGroupInline(admin.TabularInline):
    model = ThemeGroup
    fields = ["name", "coordinator", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Pillar)
class PillarAdmin(ContentHistoryAdmin, ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [ThemeGroupInline]


@admin.register(ThemeGroup)
class ThemeGroupAdmin(ContentHistoryAdmin, ModelAdmin):
    list_display = ["name", "pillar", "coordinator", "is_active", "session_count"]
    list_filter = ["pillar", "is_active"]
    list_select_related = ["pillar"]
    search_fields = ["name", "description", "coordinator"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_total=Count("sessions", distinct=True))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "coordinators":
            kwargs["queryset"] = (
                get_user_model().objects.filter(groups__name=COORDINATORS_GROUP).order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("sessies (alle edities)"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total


class EventForm(forms.ModelForm):
    """A netwerkdag's form: ticking "aangekondigd" takes the announcement over from the netwerkdag
    that has it, which the field names."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "registration_opens_at" in self.fields:
            self.fields["registration_opens_at"].help_text = _(
                "Staat op het huidige uur: aanmelden kan zodra de netwerkdag gepubliceerd is. Leeg: "
                "aanmelden is niet mogelijk."
            )
        self.announced_elsewhere = Event.objects.announced().exclude(pk=self.instance.pk).first()
        if self.announced_elsewhere and "is_announced" in self.fields:
            self.fields["is_announced"].help_text = _(
                "Nu is “%(title)s” (%(date)s) aangekondigd. Vink aan om de aankondiging over te nemen: "
                "die netwerkdag wordt dan niet meer aangekondigd."
            ) % {
                "title": self.announced_elsewhere.title,
                "date": formats.date_format(self.announced_elsewhere.date, "j F Y"),
            }

    @property
    def takes_over_announcement(self) -> bool:
        return bool(self.announced_elsewhere and self.cleaned_data.get("is_announced"))

    def _get_validation_exclusions(self):
        # Taking the announcement over is allowed: the other netwerkdag gives it up on save, so the
        # constraint of one announced netwerkdag holds in the database.
        exclusions = super()._get_validation_exclusions()
        if self.announced_elsewhere and self.cleaned_data.get("is_announced"):
            exclusions.add("is_announced")
        return exclusions


class AdminColumn:
    """A column that another app adds to a ModelAdmin: a named callable, as list_display takes them.

    A plain function would do for list_display, but the admin uses a read-only field's name in
    CSS classes (column-<name>), where a function would print as "<function …>" (and templates
    would call it without its argument).
    """

    do_not_call_in_templates = True

    def __init__(self, name: str, function: Callable, *, description, ordering: str | None = None):
        self.__name__ = name
        self.function = function
        self.short_description = description
        if ordering:
            self.admin_order_field = ordering

    def __call__(self, obj):
        return self.function(obj)

    def __str__(self):
        return self.__name__


class EventAdminExtension:
    """What an app further down adds to the netwerkdagen's admin, without registering it again.

    The programme links its programme screen; registration its dashboard, and columns with the
    sign-up state and the number signed up. An app appends an instance to EVENT_EXTENSIONS from its
    admin module; EventAdmin reads the list through Django's hooks.
    """

    # Columns of the netwerkdagen's list (read from the queryset's annotations).
    columns: Sequence[AdminColumn] = ()

    def annotate(self, queryset):
        return queryset

    def links(self, event: Event) -> list[tuple[str, str]]:
        """(label, url) of the app's screens for one netwerkdag, shown on its page and screens."""
        return []


EVENT_EXTENSIONS: list[EventAdminExtension] = []


def event_links(event: Event) -> list[tuple[str, str]]:
    return [link for extension in EVENT_EXTENSIONS for link in extension.links(event)]


# Inlines that apps further down the dependency chain show on a netwerkdag's admin page, in order:
# the programme adds its sessions (sessions/admin.py). EventAdmin.get_inlines() reads this list, so
# that EventAdmin is registered once and g40events needs to know nothing of the apps below it.
EVENT_INLINES: list[Callable] = []
# Likewise the inlines on a recap's page: the programme adds the materials a recap links to.
RECAP_INLINES: list[Callable] = []


class RecapInline(admin.TabularInline):
    model = Recap
    formfield_overrides = DATE_AND_TIME_FIELDS
    fields = ["title", "pillar", "status", "published_at"]
    extra = 0
    show_change_link = True


class DuplicateEventForm(forms.Form):
    date = forms.DateField(
        label=_("Datum van de nieuwe editie"), widget=forms.DateInput(attrs={"type": "date"})
    )
    host_city = forms.ModelChoiceField(
        label=_("Gastgemeente"), queryset=Organisation.objects.filter(kind=Organisation.Kind.G40_CITY)
    )
    title = forms.CharField(
        label=_("Titel"), required=False, max_length=200, help_text=_("Leeg: soort, gastgemeente en jaar.")
    )


@admin.register(Event)
class EventAdmin(ContentHistoryAdmin, ModelAdmin):
    form = EventForm
    list_display = ["title", "date", "kind", "host_city", "status", "is_announced", "session_count"]
    list_filter = ["kind", "status", "is_announced", ("host_city", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["host_city"]
    search_fields = ["title", "venue_name", "host_city__name"]
    date_hierarchy = "date"
    # Explicit, because the counts below group the rows and a grouped query drops the model's ordering.
    ordering = ["-date", "-start_time"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["host_city"]
    save_on_top = True
    # The apps below add their inlines through EVENT_INLINES (the programme its sessions).
    inlines = [RecapInline]
    actions = ["duplicate_as_next_edition"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "status", "is_announced"]}),
        (
            _("Datum en plaats"),
            {"fields": ["date", ("start_time", "end_time"), "host_city", "venue_name", "venue_address"]},
        ),
        (_("Tekst"), {"fields": ["introduction"]}),
        (
            _("Aanmelding"),
            {
                "fields": [
                    ("registration_opens_at", "registration_closes_at"),
                    "capacity",
                    ("ask_dietary_needs", "ask_accessibility_needs"),
                    "confirmation_text",
                    "reminder_days_before",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_changeform_initial_data(self, request):
        """A new netwerkdag's sign-up opens at the current hour on the site's clock (SITE_DATE in
        the demo); it closes, left empty, when the day begins. The date is typed in the same form,
        so no initial can depend on it."""
        opens = timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)
        return {"registration_opens_at": opens, **super().get_changeform_initial_data(request)}

    def get_fieldsets(self, request, obj=None):
        """On the add form the sign-up fields stand open, so that the window filled in is seen."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        return [
            (name, {**options, "classes": [c for c in options.get("classes", []) if c != "collapse"]})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            if form.takes_over_announcement:
                Event.objects.filter(pk=form.announced_elsewhere.pk).update(is_announced=False)
                self.message_user(
                    request,
                    _("“%(title)s” is nu aangekondigd op de homepage, in plaats van “%(previous)s”.")
                    % {"title": obj.title, "previous": form.announced_elsewhere.title},
                    messages.SUCCESS,
                )
            super().save_model(request, obj, form, change)
        if obj.is_announced:
            self._warn_unless_next(request, obj)

    def _warn_unless_next(self, request, announced):
        upcoming = Event.objects.published().upcoming().exclude(pk=announced.pk)
        if announced.date < clock.today():
            self.message_user(
                request,
                _("Let op: “%(title)s” is al voorbij en staat toch aangekondigd op de homepage.")
                % {"title": announced.title},
                messages.WARNING,
            )
        elif (earlier := upcoming.filter(date__lt=announced.date).first()) is not None:
            self.message_user(
                request,
                _(
                    "Let op: “%(title)s” is niet de eerstvolgende netwerkdag. Eerder is “%(earlier)s” op "
                    "%(date)s."
                )
                % {
                    "title": announced.title,
                    "earlier": earlier.title,
                    "date": formats.date_format(earlier.date, "j F Y"),
                },
                messages.WARNING,
            )

    def get_inlines(self, request, obj):
        return [*EVENT_INLINES, *self.inlines]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(session_total=Count("sessions", distinct=True))
        for extension in EVENT_EXTENSIONS:
            queryset = extension.annotate(queryset)
        return queryset

    def get_list_display(self, request):
        columns = [column for extension in EVENT_EXTENSIONS for column in extension.columns]
        return [*super().get_list_display(request), *columns]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        event = self.get_object(request, object_id)
        links = event_links(event) if event is not None else []
        return super().change_view(
            request, object_id, form_url, {"event_links": links, **(extra_context or {})}
        )

    @admin.display(description=_("sessies"), ordering="session_total")
    def session_count(self, obj):
        return obj.session_total

    @admin.action(description=_("Dupliceren als volgende editie (programma zonder sprekers)"))
    def duplicate_as_next_edition(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Kies precies één netwerkdag om te dupliceren."), messages.WARNING)
            return None
        event = queryset.get()
        form = DuplicateEventForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            new_event = duplicate_event(
                event=event,
                date=form.cleaned_data["date"],
                host_city=form.cleaned_data["host_city"],
                title=form.cleaned_data["title"],
            )
            count = new_event.sessions.count()
            self.message_user(
                request,
                ngettext(
                    "“%(title)s” is aangemaakt als concept met %(count)d sessie.",
                    "“%(title)s” is aangemaakt als concept met %(count)d sessies.",
                    count,
                )
                % {"title": new_event.title, "count": count},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:g40events_event_change", args=[new_event.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dupliceren als volgende editie"),
            "event": event,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/g40events/event/duplicate.html", context)


@admin.register(Recap)
class RecapAdmin(ContentHistoryAdmin, ModelAdmin):
    list_display = ["title", "event", "pillar", "status", "published_at"]
    list_filter = ["status", "pillar", "event"]
    list_select_related = ["event", "pillar"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["event"]
    date_hierarchy = "published_at"

    def get_inlines(self, request, obj):
        return [*self.inlines, *RECAP_INLINES]
