from collections.abc import Sequence

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from g40events import admin as events_admin
from g40events.admin import AdminColumn
from g40events.history import ContentHistoryAdmin
from g40events.models import Event
from g40events.permissions import CoordinatorScopedAdmin, is_coordinator_only
from sessions.forms import ConfirmChangesMixin, OwnThemeGroupsMixin, ProgrammeSessionForm
from sessions.models import Material, RecapMaterial, Session, SessionSpeaker
from sessions.spreadsheets import ProgrammeSpreadsheetAdmin
from speakers.models import Speaker


class SessionAdminExtension:
    """What an app further down adds to the admin pages of sessions, without registering them again.

    Registration adds its place counts (columns that read an annotation of the queryset) and, after
    a session was saved (its page, the programme screen, the spreadsheet import), has the calendars
    and the waiting list follow it. An app appends an instance to SESSION_EXTENSIONS from its admin
    module; SessionAdmin, its programme screen and its import read the list through Django's hooks
    (get_queryset, get_list_display, get_fields, get_readonly_fields, save_model) and the import's
    resource.
    """

    # Columns of the session lists and read-only fields of a session's page.
    columns: Sequence[AdminColumn] = ()
    # Where the columns go on a session's own page: after the fields of this fieldset.
    fieldset: str = ""

    def annotate(self, queryset):
        return queryset

    def consequences(self, session: Session, cleaned_data: dict) -> list[str]:
        """What saving these values would cause that the organiser must confirm first (e.g. a
        capacity lowered below the places taken); empty when nothing needs confirming."""
        return []

    def import_errors(self, session: Session) -> dict[str, list[str]]:
        """What a spreadsheet import may not do to this existing session (carrying the file's values,
        not yet saved): what the admin's form would first ask the organiser to confirm, as messages by
        field name (the column they are shown under). The row is refused with these messages, and then
        nothing of the file is saved."""
        return {}

    def session_saved(
        self, session: Session, changed: Sequence[str], *, preview: bool = False
    ) -> list[tuple[int, str]]:
        """Called after a session was saved: on its page, on the programme screen or by the
        spreadsheet import. `changed` names the fields that changed, empty for a new session. Returns
        what it caused, as (message level, text) for the organiser. `preview`: the import's dry run,
        which is rolled back (with its e-mails, queued for a commit that does not come); the texts
        say what confirming will cause."""
        return []

    def links(self, session: Session) -> list[tuple[str, str]]:
        """Screens of the app about this session, as (label, url): linked at the top of its page and
        on its row of the programme screen (registration offers cancelling it, or undoing that)."""
        return []


SESSION_EXTENSIONS: list[SessionAdminExtension] = []


def _extension_columns() -> list[AdminColumn]:
    return [column for extension in SESSION_EXTENSIONS for column in extension.columns]


def _annotated(queryset):
    for extension in SESSION_EXTENSIONS:
        queryset = extension.annotate(queryset)
    return queryset


def _session_links(session: Session) -> list[tuple[str, str]]:
    return [link for extension in SESSION_EXTENSIONS for link in extension.links(session)]


class CancelledFilter(admin.SimpleListFilter):
    title = _("vervallen")
    parameter_name = "vervallen"

    def lookups(self, request, model_admin):
        return [("ja", _("Vervallen")), ("nee", _("Niet vervallen"))]

    def queryset(self, request, queryset):
        if self.value() == "ja":
            return queryset.cancelled()
        if self.value() == "nee":
            return queryset.not_cancelled()
        return queryset


def session_saved(session: Session, changed: Sequence[str] = ()) -> list[tuple[int, str]]:
    """What the apps further down do after a session was saved (places, calendars), as messages."""
    return [
        message for extension in SESSION_EXTENSIONS for message in extension.session_saved(session, changed)
    ]


def _session_saved(model_admin, request, session: Session, changed: Sequence[str] = ()) -> None:
    for level, text in session_saved(session, changed):
        model_admin.message_user(request, text, level)


class SessionSpeakerInline(admin.TabularInline):
    model = SessionSpeaker
    fields = ["position", "speaker", "role"]
    autocomplete_fields = ["speaker"]
    extra = 1


class MaterialInline(admin.TabularInline):
    model = Material
    fields = ["position", "title", "file", "url"]
    extra = 1


class SessionAdminForm(OwnThemeGroupsMixin, ConfirmChangesMixin, forms.ModelForm):
    """A session's own page: a change with consequences (a lowered capacity) asks for confirmation;
    a coordinator keeps the session in one of their theme groups."""

    confirm_consequences = ConfirmChangesMixin.confirmation_field()
    extensions = SESSION_EXTENSIONS

    def _post_clean(self):
        super()._post_clean()
        self.check_own_theme_groups()
        self.check_consequences()


def programme_url(event_id: int) -> str:
    return reverse("admin:programme_session_programme", args=[event_id])


@admin.register(Session)
class SessionAdmin(
    CoordinatorScopedAdmin, ProgrammeSpreadsheetAdmin, ContentHistoryAdmin, events_admin.ModelAdmin
):
    form = SessionAdminForm
    session_extensions = SESSION_EXTENSIONS
    list_display = [
        "title",
        "event",
        "start_time",
        "end_time",
        "kind",
        "location",
        "takes_registrations",
        "state_column",
    ]
    list_filter = ["event", "kind", "pillars", "theme_groups", "takes_registrations", CancelledFilter]
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

    @admin.display(description=_("status"), ordering="cancelled_at")
    def state_column(self, obj):
        return _("Vervallen") if obj.is_cancelled else _("Op het programma")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

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
        cancelled = ["cancelled_at", "cancellation_reason"] if obj is not None and obj.is_cancelled else []
        return [*super().get_readonly_fields(request, obj), *own, *cancelled, *_extension_columns()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**options}) for name, options in super().get_fieldsets(request, obj)]
        for extension in SESSION_EXTENSIONS:
            for name, options in fieldsets:
                if name == extension.fieldset:
                    options["fields"] = [*options["fields"], *extension.columns]
        if obj is not None and obj.is_cancelled:
            fieldsets.insert(1, (_("Vervallen"), {"fields": ["cancelled_at", "cancellation_reason"]}))
        if request.method == "POST":
            # Only a sent form can have consequences to confirm; the box appears with them.
            fieldsets.append((None, {"fields": ["confirm_consequences"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        if change:
            # Cancelling and reinstating go through their services (places, mails, calendars): an
            # edit, or an earlier version put back from the history, keeps the current state.
            current = Session.objects.filter(pk=obj.pk).values("cancelled_at", "cancellation_reason").first()
            if current is not None:
                obj.cancelled_at, obj.cancellation_reason = (
                    current["cancelled_at"],
                    current["cancellation_reason"],
                )
        super().save_model(request, obj, form, change)
        _session_saved(self, request, obj, form.changed_data if change else ())

    # --- the programme screen of a netwerkdag, and the way back to it ------------------------------

    def get_urls(self):
        return [
            path(
                "programma/<int:event_id>/",
                self.admin_site.admin_view(self.programme_view),
                name="programme_session_programme",
            ),
            *super().get_urls(),
        ]

    def _next_url(self, request) -> str | None:
        url = request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
            return url
        return None

    def response_change(self, request, obj):
        """Saved on its own page, a session opened from the programme screen leads back there."""
        next_url = self._next_url(request)
        if next_url and not {"_continue", "_addanother", "_saveasnew"} & set(request.POST):
            self.message_user(
                request, _("“%(title)s” is opgeslagen.") % {"title": obj.title}, messages.SUCCESS
            )
            return HttpResponseRedirect(f"{next_url}#sessie-{obj.pk}")
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        next_url = self._next_url(request)
        if next_url:
            self.message_user(
                request, _("“%(title)s” is verwijderd.") % {"title": obj_display}, messages.SUCCESS
            )
            return HttpResponseRedirect(next_url)
        return super().response_delete(request, obj_display, obj_id)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        session = self.get_object(request, object_id)
        extra = {}
        if session:
            extra = {"programme_url": programme_url(session.event_id)}
            if self.has_change_permission(request, session):
                extra["session_links"] = _session_links(session)
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def programme_view(self, request, event_id):
        """A netwerkdag's whole programme on one screen, with a form to add or change a session."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        event = get_object_or_404(Event, pk=event_id)
        coordinator = is_coordinator_only(request.user)
        editing = None
        if (session_id := request.GET.get("sessie", "")).isdigit():
            editing = get_object_or_404(Session, pk=session_id, event=event)
            if not self.has_view_permission(request, editing):
                raise PermissionDenied
        can_save = (
            self.has_change_permission(request, editing) if editing else self.has_add_permission(request)
        )
        form = None
        if request.method == "POST":
            if not can_save:
                raise PermissionDenied
            form = ProgrammeSessionForm(
                request.POST, instance=editing, event=event, extensions=SESSION_EXTENSIONS, user=request.user
            )
            if form.is_valid():
                return self._programme_saved(request, event, form, added=editing is None)
        elif can_save:
            initial = None if editing else self._initial_for_new(request, event)
            form = ProgrammeSessionForm(
                instance=editing,
                initial=initial,
                event=event,
                extensions=SESSION_EXTENSIONS,
                user=request.user,
            )
        sessions = Session.objects.filter(event=event)
        own_ids = None
        if coordinator:
            # A coordinator sees their own sessions (joint ones included) in full, and the parts of
            # the day without theme groups (opening, lunch, plenary) as context: time, title and room,
            # no figures and no links. Other groups' sessions are left out altogether.
            own_ids = set(self.scope_for_coordinator(request, sessions).values_list("pk", flat=True))
            context_ids = Session.objects.filter(event=event, theme_groups__isnull=True).values("pk")
            sessions = sessions.filter(Q(pk__in=own_ids) | Q(pk__in=context_ids))
        sessions = (
            _annotated(sessions)
            .prefetch_related(
                "pillars",
                "theme_groups",
                Prefetch(
                    "speaker_roles",
                    queryset=SessionSpeaker.objects.select_related("speaker").order_by("position", "id"),
                ),
            )
            .order_by("start_time", "end_time", "title", "pk")
        )
        here = programme_url(event.pk)
        columns = _extension_columns()
        can_change = self.has_change_permission(request)
        rows = []
        for session in sessions:
            in_scope = own_ids is None or session.pk in own_ids
            rows.append(
                {
                    "session": session,
                    "in_scope": in_scope,
                    "change_url": reverse("admin:programme_session_change", args=[session.pk])
                    + f"?next={here}"
                    if in_scope
                    else "",
                    "tags": [pillar.name for pillar in session.pillars.all()]
                    + [group.name for group in session.theme_groups.all()],
                    "speakers": [role.speaker.name for role in session.speaker_roles.all()],
                    "values": [_cell(column, session) for column in columns] if in_scope else [],
                    "links": _session_links(session) if can_change and in_scope else [],
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Programma van %(title)s") % {"title": event.title},
            "opts": self.model._meta,
            "event": event,
            "rows": rows,
            "columns": [_header(column) for column in columns],
            "form": form,
            "editing": editing,
            "can_change": can_change,
            "programme_url": here,
            "form_action": f"?sessie={editing.pk}" if editing else here,
            # The netwerkdag's own screens are the organisers'; a coordinator is offered none of them.
            "event_links": []
            if coordinator
            else [
                (_("Netwerkdag bewerken"), reverse("admin:g40events_event_change", args=[event.pk])),
                *[(label, url) for label, url in events_admin.event_links(event) if url != here],
            ],
            "coordinator": coordinator,
            "speaker_names": Speaker.objects.order_by("name").values_list("name", flat=True).distinct(),
        }
        return TemplateResponse(request, "admin/programme/session/programme.html", context)

    def _programme_saved(self, request, event, form, *, added: bool):
        session = form.save()
        if added:
            self.log_addition(request, session, [{"added": {}}])
        else:
            self.log_change(request, session, self.construct_change_message(request, form, None))
        # A changed time or room goes to the calendars of those with a place (registrations' extension).
        _session_saved(self, request, session, () if added else form.changed_data)
        if added:
            self.message_user(
                request,
                _("“%(title)s” is toegevoegd (%(start)s–%(end)s).")
                % {
                    "title": session.title,
                    "start": session.start_time.strftime("%H:%M"),
                    "end": session.end_time.strftime("%H:%M"),
                },
                messages.SUCCESS,
            )
            return HttpResponseRedirect(f"{programme_url(event.pk)}?na={session.pk}#sessie-formulier")
        self.message_user(
            request, _("“%(title)s” is opgeslagen.") % {"title": session.title}, messages.SUCCESS
        )
        return HttpResponseRedirect(f"{programme_url(event.pk)}#sessie-{session.pk}")

    def _initial_for_new(self, request, event) -> dict:
        """Where the next session probably goes: beside a parallel session just added (same slot,
        kind and places), or after anything else; the first one at the start of the day."""
        previous = None
        if (previous_id := request.GET.get("na", "")).isdigit():
            previous = Session.objects.filter(pk=previous_id, event=event).first()
        if previous is not None and previous.kind in {Session.Kind.PARALLEL, Session.Kind.TOUR}:
            return {
                "start_time": previous.start_time,
                "end_time": previous.end_time,
                "kind": previous.kind,
                "takes_registrations": previous.takes_registrations,
                "capacity": previous.capacity,
            }
        if previous is not None:
            return {"start_time": previous.end_time}
        last = event.sessions.order_by("-end_time").first()
        return {"start_time": last.end_time if last else event.start_time}


def _header(column) -> dict:
    return {"short_description": column.short_description, "is_number": column.__name__ in NUMBER_COLUMNS}


def _cell(column, session) -> dict:
    # A count's column is aligned to the right as a whole, also its "–" where no figure applies.
    return {"value": column(session), "is_number": column.__name__ in NUMBER_COLUMNS}


# Columns of the extensions whose values are counts, aligned to the right.
NUMBER_COLUMNS = {"places", "taken", "waiting", "checked_in", "attended"}


class ProgrammeLinks(events_admin.EventAdminExtension):
    def links(self, event):
        return [(_("Programma"), programme_url(event.pk))]


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


# The event domain does not know the programme: the programme offers its screen on the event's page,
# and its materials on a recap's page.
events_admin.EVENT_EXTENSIONS.append(ProgrammeLinks())
events_admin.RECAP_INLINES.append(RecapMaterialInline)

# Speakers' uploads have an admin of their own (registered on import).
from sessions import upload_admin  # noqa: E402, F401
