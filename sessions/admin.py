from collections.abc import Callable, Sequence

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from g40events import admin as events_admin
from g40events.history import ContentHistoryAdmin
from g40events.permissions import CoordinatorScopedAdmin, is_coordinator_only
from g40events.widgets import TIME_FIELD
from sessions.models import Material, RecapMaterial, Session, SessionSpeaker
from sessions.spreadsheets import ProgrammeSpreadsheetAdmin


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


class SessionAdminExtension:
    """What an app further down adds to the admin pages of sessions, without registering them again.

    Registration adds its place counts (columns that read an annotation of the queryset) and, after
    an organiser saved a session, gives raised capacity to the waiting list. An app appends an
    instance to SESSION_EXTENSIONS from its admin module; SessionAdmin and the programme inline on
    a netwerkdag's page read the list through Django's hooks (get_queryset, get_list_display,
    get_fields, get_readonly_fields, save_model, and the inline's formset).
    """

    # Columns of the session lists and read-only fields of a session's page.
    columns: Sequence[AdminColumn] = ()
    # Where the columns go on a session's own page: after the fields of this fieldset.
    fieldset: str = ""

    def annotate(self, queryset):
        return queryset

    def session_saved(self, model_admin, request, session: Session) -> None:
        """Called after an organiser saved a session, on its page or in the programme inline."""

    def session_changed(self, model_admin, request, session: Session, changed: Sequence[str]) -> None:
        """Called after session_saved when an organiser changed an existing session: `changed`
        names the fields that changed."""


SESSION_EXTENSIONS: list[SessionAdminExtension] = []


def _extension_columns() -> list[AdminColumn]:
    return [column for extension in SESSION_EXTENSIONS for column in extension.columns]


def _annotated(queryset):
    for extension in SESSION_EXTENSIONS:
        queryset = extension.annotate(queryset)
    return queryset


def _session_saved(model_admin, request, session: Session, changed: Sequence[str] = ()) -> None:
    for extension in SESSION_EXTENSIONS:
        extension.session_saved(model_admin, request, session)
        if changed:
            extension.session_changed(model_admin, request, session, changed)


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    fields = ["position", "speaker", "role"]
    autocomplete_fields = ["speaker"]
    extra = 1


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ["position", "title", "file", "url"]
    extra = 1


@admin.register(Session)
class SessionAdmin(CoordinatorScopedAdmin, ProgrammeSpreadsheetAdmin, ContentHistoryAdmin):
    formfield_overrides = TIME_FIELD
    list_display = [
        "title",
        "event",
        "start_time",
        "end_time",
        "kind",
        "location",
        "takes_registrations",
    ]
    list_filter = ["event", "kind", "pillars", "theme_groups", "takes_registrations"]
    list_select_related = ["event"]
    search_fields = ["title", "description", "location", "speaker_roles__speaker__name"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["pillars", "theme_groups"]
    inlines = [SessionSpeakerInline, MaterialInline]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["event", "title", "slug", "kind", ("start_time", "end_time"), "location"]}),
        (_("Inhoud"), {"fields": ["description", "pillars", "theme_groups"]}),
        (_("Aanmelding"), {"fields": ["takes_registrations", "capacity"]}),
    ]

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["title"]}

    def scope_for_coordinator(self, request, queryset):
        """A coordinator's own sessions: those of their theme groups, joint sessions included."""
        return queryset.filter(
            pk__in=Session.objects.filter(theme_groups__coordinators=request.user).values("pk")
        )

    def get_queryset(self, request):
        return _annotated(super().get_queryset(request))

    def get_list_display(self, request):
        return [*super().get_list_display(request), *_extension_columns()]

    def get_readonly_fields(self, request, obj=None):
        # A coordinator keeps a session on its netwerkdag (the netwerkdagen are the organisers').
        own = ["event"] if is_coordinator_only(request.user) else []
        return [*super().get_readonly_fields(request, obj), *own, *_extension_columns()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**options}) for name, options in super().get_fieldsets(request, obj)]
        for extension in SESSION_EXTENSIONS:
            for name, options in fieldsets:
                if name == extension.fieldset:
                    options["fields"] = [*options["fields"], *extension.columns]
        return fieldsets

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _session_saved(self, request, obj, form.changed_data if change else ())


class SessionInline(admin.TabularInline):
    """A netwerkdag's programme on its admin page, in time order."""

    model = Session
    formfield_overrides = TIME_FIELD
    fields = [
        "start_time",
        "end_time",
        "title",
        "kind",
        "location",
        "takes_registrations",
        "capacity",
        "slug",
    ]
    ordering = ["start_time", "end_time", "title"]
    extra = 0
    show_change_link = True
    prepopulated_fields = {"slug": ["title"]}

    def get_queryset(self, request):
        return _annotated(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), *_extension_columns()]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *_extension_columns()]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        model_admin = self

        class ProgrammeFormSet(formset):
            def save(self, commit=True):
                saved = super().save(commit)
                changed = {session.pk: fields for session, fields in self.changed_objects}
                for form in self.forms:
                    if form.instance.pk and form not in self.deleted_forms:
                        _session_saved(model_admin, request, form.instance, changed.get(form.instance.pk, ()))
                return saved

        return ProgrammeFormSet


class RecapMaterialInline(admin.TabularInline):
    """On a recap's page: the materials of its netwerkdag's sessions, chosen from a list."""

    model = RecapMaterial
    fields = ["position", "material"]
    extra = 1
    verbose_name = _("presentatie of ander materiaal")
    verbose_name_plural = _("presentaties en ander materiaal van deze netwerkdag")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["material"]
        field.queryset = (
            Material.objects.filter(session__event_id=obj.event_id)
            .select_related("session")
            .order_by("session__start_time", "session__title", "position")
            if obj is not None
            else Material.objects.none()
        )
        field.label_from_instance = lambda material: (
            f"{material.title} ({material.file_type or _('link')}) — {material.session.title}"
        )
        if obj is None:
            field.help_text = _(
                "Bewaar de terugblik eerst; daarna kiest u hier uit het materiaal van de netwerkdag."
            )
        return formset


# The event domain does not know the programme; the programme adds itself to the event's page.
events_admin.EVENT_INLINES.append(SessionInline)
events_admin.RECAP_INLINES.append(RecapMaterialInline)

# Speakers' uploads have an admin of their own (registered on import).
from sessions import upload_admin  # noqa: E402, F401
