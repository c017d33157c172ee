import csv
import json

from django.contrib import admin, messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from g40events.admin import RecapInline
from g40events.models import Event
from registrations import emails, services
from registrations.models import EmailLog, Place, Registration
from sessions import admin as programme_admin
from sessions.models import Session


class SessionFilter(admin.SimpleListFilter):
    title = _("sessie")
    parameter_name = "sessie"

    def lookups(self, request, model_admin):
        sessions = Session.objects.filter(takes_registrations=True).select_related("event")
        if event_id := request.GET.get("event__id__exact"):
            sessions = sessions.filter(event_id=event_id)
        return [
            (str(s.pk), f"{s.event.date:%d-%m-%Y} {s.start_time:%H:%M} {s.title}")
            for s in sessions.order_by("-event__date", "start_time", "title")
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(places__session_id=self.value()).distinct()
        return queryset


class PlaceInline(admin.TabularInline):
    model = Place
    fields = ["session", "status", "waiting_since", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("plaatsen (wijzigen via de persoonlijke link of de acties)")

    def has_add_permission(self, request, obj=None):
        return False


class EmailLogInline(admin.TabularInline):
    model = EmailLog
    fields = ["created_at", "kind", "status", "attempts", "error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _csv_safe(value) -> str:
    """Keep a spreadsheet from reading a value as a formula (=, +, -, @ at the start)."""
    text = str(value or "")
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation_column",
        "event",
        "status",
        "sessions_column",
        "created_at",
    ]
    list_filter = ["event", "status", ("organisation", admin.RelatedOnlyFieldListFilter), SessionFilter]
    list_select_related = ["event", "organisation"]
    search_fields = ["name", "email", "organisation__name", "organisation_name", "job_title"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["organisation"]
    readonly_fields = [
        "event",
        "status",
        "created_at",
        "updated_at",
        "cancelled_at",
        "consented_at",
        "anonymised_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "event",
                    "status",
                    "name",
                    "email",
                    "organisation",
                    "organisation_name",
                    "job_title",
                ]
            },
        ),
        (_("Wensen"), {"fields": ["dietary_needs", "accessibility_needs"]}),
        (
            _("Geschiedenis"),
            {"fields": ["created_at", "updated_at", "consented_at", "cancelled_at", "anonymised_at"]},
        ),
    ]
    inlines = [PlaceInline, EmailLogInline]
    actions = ["export_csv", "cancel_registrations", "export_person_data", "erase_person_data"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("places", queryset=Place.objects.select_related("session")))
        )

    def has_add_permission(self, request):
        # People sign up through the form (or an organiser fills it in for them): places need the service.
        return False

    def changelist_view(self, request, extra_context=None):
        failed = EmailLog.objects.filter(status=EmailLog.Status.FAILED).count()
        if failed and request.method == "GET":
            url = reverse("admin:registrations_emaillog_changelist") + "?status__exact=failed"
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    ngettext(
                        "%(count)d e-mail aan deelnemers kon niet worden verzonden.",
                        "%(count)d e-mails aan deelnemers konden niet worden verzonden.",
                        failed,
                    )
                    % {"count": failed},
                    url,
                    _("Bekijk en verzend opnieuw"),
                ),
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("organisatie"), ordering="organisation__name")
    def organisation_column(self, obj):
        return obj.organisation_display

    @admin.display(description=_("sessies"))
    def sessions_column(self, obj):
        parts = []
        for place in obj.places.all():
            suffix = "" if place.is_confirmed else f" ({_('wachtlijst')})"
            parts.append(f"{place.session.title}{suffix}")
        return "; ".join(parts)

    def get_urls(self):
        return [
            path(
                "sessie/<int:session_id>/deelnemers/",
                self.admin_site.admin_view(self.participants_view),
                name="registrations_session_participants",
            ),
            *super().get_urls(),
        ]

    def participants_view(self, request, session_id):
        """The printable list of participants and the waiting list of one session."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        session = get_object_or_404(Session.objects.select_related("event"), pk=session_id)
        places = Place.objects.filter(
            session=session, registration__status=Registration.Status.ACTIVE
        ).select_related("registration__organisation")
        confirmed = places.confirmed().order_by("registration__name", "id")
        waiting = places.waiting_list()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deelnemers: %(session)s") % {"session": session.title},
            "session": session,
            "confirmed": confirmed,
            "waiting": waiting,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "registrations/admin/session_participants.html", context)

    @admin.action(description=_("Exporteren als CSV (Excel)"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="aanmeldingen-{stamp}.csv"'
        response.write("\ufeff")  # the byte order mark that makes Excel read UTF-8
        writer = csv.writer(response, delimiter=";")
        writer.writerow(
            [
                _("Netwerkdag"),
                _("Naam"),
                _("E-mailadres"),
                _("Organisatie"),
                _("Functie"),
                _("Status"),
                _("Aangemeld op"),
                _("Sessies"),
                _("Wachtlijst"),
                _("Dieetwensen"),
                _("Toegankelijkheid"),
            ]
        )
        for registration in queryset.order_by("event__date", "created_at", "id"):
            places = list(registration.places.all())
            writer.writerow(
                [
                    _csv_safe(value)
                    for value in [
                        registration.event.title,
                        registration.name,
                        registration.email,
                        registration.organisation_display,
                        registration.job_title,
                        registration.get_status_display(),
                        timezone.localtime(registration.created_at).strftime("%d-%m-%Y %H:%M"),
                        ", ".join(p.session.title for p in places if p.is_confirmed),
                        ", ".join(p.session.title for p in places if not p.is_confirmed),
                        registration.dietary_needs,
                        registration.accessibility_needs,
                    ]
                ]
            )
        return response

    @admin.action(description=_("Afmelden (plaatsen gaan naar de wachtlijst, deelnemer krijgt bericht)"))
    def cancel_registrations(self, request, queryset):
        count = 0
        for registration in queryset.filter(status=Registration.Status.ACTIVE):
            try:
                services.cancel(registration=registration)
            except services.TryAgainLater as error:
                self.message_user(request, error.message, messages.WARNING)
                break
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d aanmelding afgemeld.", "%(count)d aanmeldingen afgemeld.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def _one_person(self, request, queryset):
        emails_selected = set(
            queryset.exclude(email_normalised="").values_list("email_normalised", flat=True)
        )
        if len(emails_selected) != 1:
            self.message_user(
                request,
                _("Kies de aanmelding(en) van precies één persoon (één e-mailadres)."),
                messages.WARNING,
            )
            return None
        return emails_selected.pop()

    @admin.action(description=_("AVG: alle gegevens van deze persoon exporteren"))
    def export_person_data(self, request, queryset):
        email = self._one_person(request, queryset)
        if email is None:
            return None
        data = services.export_person(email=email)
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="gegevens-deelnemer.json"'
        return response

    @admin.action(description=_("AVG: alle gegevens van deze persoon wissen"))
    def erase_person_data(self, request, queryset):
        email = self._one_person(request, queryset)
        if email is None:
            return None
        if not self.has_delete_permission(request):
            self.message_user(request, _("Je mag geen aanmeldingen wissen."), messages.ERROR)
            return None
        if request.POST.get("apply") == "yes":
            count = services.erase_person(email=email)
            self.message_user(
                request,
                ngettext(
                    "%(count)d aanmelding gewist, met de e-mails erbij.",
                    "%(count)d aanmeldingen gewist, met de e-mails erbij.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:registrations_registration_changelist"))
        registrations = Registration.objects.for_email(email).select_related("event")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Alle gegevens van één persoon wissen"),
            "registrations": registrations,
            "selected": queryset.values_list("pk", flat=True),
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "registrations/admin/erase_person.html", context)


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "registration", "status", "attempts", "error_column"]
    list_filter = ["status", "kind", "registration__event"]
    list_select_related = ["registration"]
    search_fields = ["recipient", "registration__name", "error"]
    readonly_fields = [
        "registration",
        "session",
        "kind",
        "recipient",
        "subject",
        "status",
        "error",
        "attempts",
        "created_at",
        "sent_at",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("foutmelding"))
    def error_column(self, obj):
        return obj.error[:120]

    @admin.action(description=_("Opnieuw verzenden"), permissions=["view"])
    def resend(self, request, queryset):
        sent = failed = 0
        for log in queryset.select_related("registration__event", "session"):
            if emails.deliver(log):
                sent += 1
            else:
                failed += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(count)d e-mail verzonden.", "%(count)d e-mails verzonden.", sent)
                % {"count": sent},
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail kon weer niet worden verzonden; zie de foutmelding.",
                    "%(count)d e-mails konden weer niet worden verzonden; zie de foutmelding.",
                    failed,
                )
                % {"count": failed},
                messages.ERROR,
            )


# Registration adds places, taken and waiting to the programme's admin pages, and gives a raised
# capacity to the waiting list. It extends the programme's admin classes: apps depend one way.


def with_place_counts(queryset):
    """Annotate sessions with their confirmed places (taken) and waiting-list places (waiting)."""
    return queryset.annotate(
        taken=Count("places", filter=Q(places__status="confirmed"), distinct=True),
        waiting=Count("places", filter=Q(places__status="waiting"), distinct=True),
    )


def fill_waiting_list_or_warn(model_admin, request, session):
    """Give a session's free places to its waiting list; if the session is busy, say so instead of failing."""
    try:
        services.fill_from_waiting_list(session=session)
    except services.TryAgainLater:
        model_admin.message_user(
            request,
            _(
                "“%(session)s” is opgeslagen, maar de wachtlijst kon nog niet worden bijgewerkt: sla hem zo nog eens op."
            )
            % {"session": session.title},
            messages.WARNING,
        )


class PlaceCountsMixin:
    """Columns places / taken / waiting and a link to the participants' list."""

    place_columns = ["taken_column", "waiting_column", "participants_link"]

    @admin.display(description=_("plaatsen"), ordering="capacity")
    def places_column(self, obj):
        if not obj.takes_registrations:
            return "–"
        return _("onbeperkt") if obj.capacity is None else obj.capacity

    @admin.display(description=_("bezet"), ordering="taken")
    def taken_column(self, obj):
        return getattr(obj, "taken", "–") if obj.takes_registrations else "–"

    @admin.display(description=_("wachtlijst"), ordering="waiting")
    def waiting_column(self, obj):
        return getattr(obj, "waiting", "–") if obj.takes_registrations else "–"

    @admin.display(description=_("deelnemerslijst"))
    def participants_link(self, obj):
        if not obj.pk or not obj.takes_registrations:
            return "–"
        url = reverse("admin:registrations_session_participants", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("lijst en wachtlijst"))


class SessionInline(PlaceCountsMixin, programme_admin.SessionInline):
    fields = [*programme_admin.SessionInline.fields, *PlaceCountsMixin.place_columns]
    readonly_fields = PlaceCountsMixin.place_columns

    def get_queryset(self, request):
        return with_place_counts(super().get_queryset(request))


class EventAdmin(programme_admin.EventAdmin):
    inlines = [SessionInline, RecapInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Sessions whose capacity went up give the new places to their waiting lists.
        if formset.model is Session:
            for session in (f.instance for f in formset.forms if f.instance.pk):
                if session.takes_registrations:
                    fill_waiting_list_or_warn(self, request, session)


class SessionAdmin(PlaceCountsMixin, programme_admin.SessionAdmin):
    list_display = [
        *(c for c in programme_admin.SessionAdmin.list_display if c != "capacity"),
        "places_column",
        *PlaceCountsMixin.place_columns,
    ]
    readonly_fields = PlaceCountsMixin.place_columns
    fieldsets = [
        *programme_admin.SessionAdmin.fieldsets[:-1],
        (_("Aanmelding"), {"fields": ["takes_registrations", "capacity", *PlaceCountsMixin.place_columns]}),
    ]

    def get_queryset(self, request):
        return with_place_counts(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A raised capacity goes to the waiting list at once (first come, first served).
        if obj.takes_registrations:
            fill_waiting_list_or_warn(self, request, obj)


for model, model_admin in [(Event, EventAdmin), (Session, SessionAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
