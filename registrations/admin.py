import hashlib
import json
from functools import partial

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from g40events import admin as events_admin
from g40events.models import Event
from g40events.text import render_markdown
from registrations import cockpit, emails, exports, mailings, participation, privacy, services
from registrations.forms import MailingForm
from registrations.models import EmailLog, Mailing, Place, Registration, with_place_counts
from sessions import admin as programme_admin
from sessions.models import Session

WAITING_LIST_LATER = _(
    "Het is op dit moment erg druk: de vrijgekomen plaatsen gaan zo snel mogelijk naar de eersten op de "
    "wachtlijst (bij de volgende aanmelding of wijziging in die sessie, en bij fill_waiting_lists)."
)


def _promoted_message(promoted, session, *, preview=False) -> str:
    if preview:
        text = ngettext(
            "%(names)s krijgt een plaats in “%(session)s” (van de wachtlijst) en een e-mail.",
            "%(names)s krijgen een plaats in “%(session)s” (van de wachtlijst) en een e-mail.",
            len(promoted),
        )
    else:
        text = ngettext(
            "%(names)s kreeg een plaats in “%(session)s” (van de wachtlijst) en een e-mail.",
            "%(names)s kregen een plaats in “%(session)s” (van de wachtlijst) en een e-mail.",
            len(promoted),
        )
    return text % {
        "names": ", ".join(place.registration.name for place in promoted),
        "session": session.title,
    }


def _place_removed_message(removal, session) -> str:
    if removal.was_confirmed:
        text = _(
            "%(name)s is de plaats in “%(session)s” kwijt en krijgt een e-mail met een annulering voor de agenda."
        )
    else:
        text = _("%(name)s staat niet meer op de wachtlijst van “%(session)s” en krijgt een e-mail.")
    return text % {"name": removal.notified.name, "session": session.title}


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


@admin.register(Registration)
class RegistrationAdmin(events_admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation_column",
        "event",
        "status_column",
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
        "status_column",
        "requested_sessions_column",
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
                    "status_column",
                    "requested_sessions_column",
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
            .prefetch_related(
                Prefetch("places", queryset=Place.objects.select_related("session")),
                Prefetch("requested_sessions", queryset=Session.objects.order_by("start_time", "title")),
            )
        )

    def has_add_permission(self, request):
        # People sign up through the form (or an organiser fills it in for them): places need the service.
        return False

    def delete_model(self, request, obj):
        """A deleted registration's places go to the first on each waiting list, as after a cancellation."""
        self._delete_registrations(request, [obj])

    def delete_queryset(self, request, queryset):
        self._delete_registrations(request, list(queryset))

    def _delete_registrations(self, request, registrations):
        busy = 0
        for registration in registrations:
            try:
                services.delete_registration(registration=registration)
            except services.TryAgainLater:
                # Deleted all the same: its free places wait for their waiting list, which the next
                # sign-up, change or `fill_waiting_lists` serves first.
                registration.delete()
                busy += 1
        if busy:
            self.message_user(request, WAITING_LIST_LATER, messages.WARNING)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Place:
            return super().save_formset(request, form, formset, change)
        # A place deleted here goes to the first on the session's waiting list.
        formset.save(commit=False)
        for place in formset.deleted_objects:
            removal = services.remove_place(place=place)
            if removal.waiting_list_later:
                self.message_user(request, WAITING_LIST_LATER, messages.WARNING)
            if removal.notified is not None:
                self.message_user(request, _place_removed_message(removal, place.session), messages.INFO)
            if removal.promoted:
                self.message_user(request, _promoted_message(removal.promoted, place.session), messages.INFO)

    def changelist_view(self, request, extra_context=None):
        # Failed (retried) and given up, except what can never go (an anonymised registration's).
        failed = (
            EmailLog.objects.filter(status__in=[EmailLog.Status.FAILED, EmailLog.Status.GIVEN_UP])
            .exclude(give_up_reason=EmailLog.GiveUpReason.NO_RECIPIENT)
            .count()
        )
        if failed and request.method == "GET":
            url = reverse("admin:registrations_emaillog_changelist") + "?status__in=failed,given_up"
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

    @admin.display(description=_("status"), ordering="status")
    def status_column(self, obj):
        if not obj.is_unconfirmed:
            return obj.get_status_display()
        if obj.has_lapsed:
            return _("Niet bevestigd: verlopen, wordt gewist")
        deadline = formats.date_format(timezone.localtime(obj.confirm_before), "j F H:i")
        return _("Wacht op bevestiging e-mailadres (uiterlijk %(deadline)s)") % {"deadline": deadline}

    @admin.display(description=_("sessies"))
    def sessions_column(self, obj):
        parts = []
        for place in obj.places.all():
            suffix = "" if place.is_confirmed else f" ({_('wachtlijst')})"
            parts.append(f"{place.session.title}{suffix}")
        parts.extend(f"{session.title} ({_('nog geen plaats')})" for session in obj.requested_sessions.all())
        return "; ".join(parts)

    @admin.display(description=_("gekozen, nog zonder plaats"))
    def requested_sessions_column(self, obj):
        if not obj.is_unconfirmed:
            return "–"
        titles = [session.title for session in obj.requested_sessions.all()]
        return "; ".join(titles) or _("geen sessies gekozen")

    def get_urls(self):
        return [
            path(
                "sessie/<int:session_id>/deelnemers/",
                self.admin_site.admin_view(self.participants_view),
                name="registrations_session_participants",
            ),
            # Cancelling a session frees its places and mails them (services.cancel_session).
            path(
                "sessie/<int:session_id>/laten-vervallen/",
                self.admin_site.admin_view(partial(cockpit.cancel_session_view, self)),
                name="registrations_session_cancel",
            ),
            path(
                "sessie/<int:session_id>/terugzetten/",
                self.admin_site.admin_view(partial(cockpit.reinstate_session_view, self)),
                name="registrations_session_reinstate",
            ),
            # The organiser's cockpit of a netwerkdag (registrations/cockpit.py).
            path(
                "netwerkdag/<int:event_id>/",
                self.admin_site.admin_view(partial(cockpit.dashboard_view, self)),
                name="registrations_event_dashboard",
            ),
            path(
                "netwerkdag/<int:event_id>/aanmelden/",
                self.admin_site.admin_view(partial(cockpit.add_registration_view, self)),
                name="registrations_registration_add_for_event",
            ),
            path(
                "netwerkdag/<int:event_id>/aanmeldingen.csv",
                self.admin_site.admin_view(partial(cockpit.export_view, self)),
                name="registrations_event_export",
            ),
            path(
                "<int:registration_id>/sessies/",
                self.admin_site.admin_view(partial(cockpit.change_registration_view, self)),
                name="registrations_registration_sessions",
            ),
            path(
                "deelname/",
                self.admin_site.admin_view(self.participation_view),
                name="registrations_participation",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {}
        if object_id.isdigit():
            extra["sessions_url"] = reverse("admin:registrations_registration_sessions", args=[object_id])
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def participation_view(self, request):
        """Participation per organisation and netwerkdag, over the years (and its CSV export)."""
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        years = participation.years()
        year = request.GET.get("jaar", "")
        year = int(year) if year.isdigit() and int(year) in years else None
        report = participation.participation(year=year)
        if request.GET.get("formaat") == "csv":
            return exports.participation_csv(report)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deelname per organisatie"),
            "opts": self.model._meta,
            "report": report,
            "years": years,
            "year": year,
            "chart": participation.bar_chart(report.g40_rows),
        }
        return TemplateResponse(request, "registrations/admin/participation.html", context)

    def participants_view(self, request, session_id):
        """The printable list of participants and the waiting list of one session."""
        session = get_object_or_404(Session.objects.select_related("event"), pk=session_id)
        # Organisers, and the coordinators of the session's theme groups (sessions/rules.py).
        if not request.user.has_perm("programme.view_session_participants", session):
            return HttpResponse(status=403)
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
        return exports.registrations_csv(queryset)

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
        data = privacy.export_person(email=email)
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
            count = privacy.erase_person(email=email)
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
class EmailLogAdmin(events_admin.ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "recipient",
        "registration",
        "status",
        "give_up_reason",
        "attempts",
        "next_attempt_at",
        "error_column",
    ]
    list_filter = ["status", "give_up_reason", "kind", "registration__event"]
    list_select_related = ["registration"]
    search_fields = ["recipient", "registration__name", "error"]
    readonly_fields = [
        "registration",
        "session",
        "kind",
        "recipient",
        "subject",
        "status",
        "give_up_reason",
        "error",
        "attempts",
        "created_at",
        "next_attempt_at",
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
        count = emails.resend(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail staat klaar om opnieuw te worden verzonden; de status hieronder volgt.",
                "%(count)d e-mails staan klaar om opnieuw te worden verzonden; de status hieronder volgt.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


def _mailing_fingerprint(data, recipient_count: int) -> str:
    """What was previewed (the form's fields and the number of recipients), so that a send is only of
    what the organiser saw."""
    fields = sorted(
        (key, tuple(data.getlist(key)))
        for key in data
        if key not in {"csrfmiddlewaretoken", "send", "preview", "previewed"}
    )
    return hashlib.sha256(repr((fields, recipient_count)).encode()).hexdigest()


MAILING_PROGRESS = {
    "sent": [EmailLog.Status.SENT],
    "pending": [EmailLog.Status.PENDING, EmailLog.Status.SENDING],
    "failed": [EmailLog.Status.FAILED],
    "given_up": [EmailLog.Status.GIVEN_UP],
}


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    """Messages to a group of registrants: written and previewed on the add page, then read-only with
    their progress (messages sent, waiting, failed and given up)."""

    list_display = [
        "created_at",
        "subject",
        "event",
        "group",
        "recipient_count",
        "sent_column",
        "pending_column",
        "failed_column",
        "given_up_column",
    ]
    list_filter = ["event"]
    list_select_related = ["event"]
    search_fields = ["subject", "body"]
    fields = ["event", "group", "subject", "body", "recipient_count", "progress", "created_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                **{
                    f"{name}_count": Count("emails", filter=Q(emails__status__in=statuses))
                    for name, statuses in MAILING_PROGRESS.items()
                }
            )
        )

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("verzonden"), ordering="sent_count")
    def sent_column(self, obj):
        return obj.sent_count

    @admin.display(description=_("nog te verzenden"), ordering="pending_count")
    def pending_column(self, obj):
        return obj.pending_count

    @admin.display(description=_("mislukt, wordt opnieuw geprobeerd"), ordering="failed_count")
    def failed_column(self, obj):
        return obj.failed_count

    @admin.display(description=_("opgegeven"), ordering="given_up_count")
    def given_up_column(self, obj):
        return obj.given_up_count

    @admin.display(description=_("voortgang"))
    def progress(self, obj):
        return _(
            "%(sent)d verzonden, %(pending)d nog te verzenden, %(failed)d mislukt (wordt opnieuw "
            "geprobeerd), %(given_up)d opgegeven, van %(total)d"
        ) % {
            "sent": obj.sent_count,
            "pending": obj.pending_count,
            "failed": obj.failed_count,
            "given_up": obj.given_up_count,
            "total": obj.recipient_count,
        }

    def add_view(self, request, form_url="", extra_context=None):
        """Choose a netwerkdag, write, preview (count and one recipient's message), send."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        event_id = request.POST.get("netwerkdag") or request.GET.get("netwerkdag") or ""
        event = Event.objects.filter(pk=event_id).first() if event_id.isdigit() else None
        if event is None:
            context.update(
                title=_("Bericht aan deelnemers: kies de netwerkdag"), events=Event.objects.order_by("-date")
            )
            return TemplateResponse(request, "registrations/admin/mailing_event.html", context)
        form = MailingForm(request.POST if request.method == "POST" else None, event=event)
        preview = None
        if form.is_valid():
            data = form.cleaned_data
            fingerprint = _mailing_fingerprint(request.POST, form.recipient_count)
            if "send" in request.POST and request.POST.get("previewed") != fingerprint:
                self.message_user(
                    request,
                    _(
                        "Het bericht of de groep is gewijzigd sinds het voorbeeld: bekijk het voorbeeld en verzend opnieuw."
                    ),
                    messages.WARNING,
                )
            elif "send" in request.POST:
                mailing = mailings.send_mailing(
                    event=event,
                    group_label=form.group_label(),
                    subject=data["subject"],
                    body=data["body"],
                    registrations=form.recipients,
                    created_by=request.user,
                )
                self.message_user(
                    request,
                    ngettext(
                        "Het bericht staat klaar voor %(count)d ontvanger; de voortgang staat hieronder.",
                        "Het bericht staat klaar voor %(count)d ontvangers; de voortgang staat hieronder.",
                        mailing.recipient_count,
                    )
                    % {"count": mailing.recipient_count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:registrations_mailing_change", args=[mailing.pk]))
            first = form.recipients.first()
            draft = Mailing(
                event=event,
                subject=data["subject"],
                body=data["body"],
                body_html=render_markdown(data["body"]),
            )
            message = emails.build_message(
                EmailLog(registration=first, kind=EmailLog.Kind.MAILING, mailing=draft)
            )
            preview = {
                "fingerprint": fingerprint,
                "count": form.recipient_count,
                "recipient": first,
                "subject": message.subject,
                "text": message.body,
                "html": message.alternatives[0][0],
            }
        context.update(
            title=_("Bericht aan deelnemers: %(event)s") % {"event": event.title},
            event=event,
            form=form,
            preview=preview,
        )
        response = TemplateResponse(request, "registrations/admin/mailing_compose.html", context)
        return _with_mail_preview(response) if preview is not None else response


@csp_update({"style-src": [UNSAFE_INLINE]})
def _with_mail_preview(response):
    """A page that shows an e-mail as it is mailed, in a sandboxed frame that shares the page's
    policy: the e-mail's inline styles (mail clients read no others) are allowed on this page only."""
    return response


# Registration adds places, taken and waiting to the programme's admin pages, and gives a raised
# capacity to the waiting list: through the programme admin's extension point, so that its admin
# classes are registered once and the apps depend one way.


def _places(session):
    if not session.takes_registrations:
        return "–"
    return _("onbeperkt") if session.capacity is None else session.capacity


def _taken(session):
    return getattr(session, "taken", "–") if session.takes_registrations else "–"


def _waiting(session):
    return getattr(session, "waiting", "–") if session.takes_registrations else "–"


def _participants_link(session):
    if not session.pk or not session.takes_registrations:
        return "–"
    url = reverse("admin:registrations_session_participants", args=[session.pk])
    return format_html('<a href="{}">{}</a>', url, _("lijst en wachtlijst"))


def _who_holds_places(session) -> str:
    """ "3 deelnemers hebben een plaats in “X” en 2 staan op de wachtlijst.", or "" when nobody has a
    place or waits, or when the stored session takes no sign-ups already (then nothing changes)."""
    if not Session.objects.filter(pk=session.pk, takes_registrations=True).exists():
        return ""
    taken = services.places_taken(session=session)
    waiting = Place.objects.waiting().filter(session_id=session.pk).count()
    if not taken and not waiting:
        return ""
    places = ngettext("%(count)d deelnemer heeft een plaats", "%(count)d deelnemers hebben een plaats", taken)
    in_line = ngettext("%(count)d staat op de wachtlijst", "%(count)d staan op de wachtlijst", waiting)
    return _("%(places)s in “%(session)s” en %(waiting)s.") % {
        "places": places % {"count": taken},
        "session": session.title,
        "waiting": in_line % {"count": waiting},
    }


def _signup_switched_off(session) -> list[str]:
    """What switching a session's sign-up off means for those who have a place in it or wait."""
    held = _who_holds_places(session)
    if not held:
        return []
    meaning = _(
        "Zonder aanmelden blijven hun plaatsen en de wachtlijst geldig en krijgt niemand bericht; de sessie "
        "neemt alleen geen nieuwe aanmelders meer aan. Moet de sessie niet doorgaan, laat haar dan vervallen."
    )
    return [f"{held} {meaning}"]


class PlacesExtension(programme_admin.SessionAdminExtension):
    columns = [
        programme_admin.AdminColumn("places", _places, description=_("plaatsen"), ordering="capacity"),
        programme_admin.AdminColumn("taken", _taken, description=_("bezet"), ordering="taken"),
        programme_admin.AdminColumn("waiting", _waiting, description=_("wachtlijst"), ordering="waiting"),
        programme_admin.AdminColumn("participants", _participants_link, description=_("deelnemers")),
    ]
    fieldset = _("Aanmelding")

    def annotate(self, queryset):
        return with_place_counts(queryset)

    def consequences(self, session, cleaned_data):
        """A capacity lowered below the places taken: who is then over the limit (they keep their place).
        Sign-up switched off while people have a place or wait: how many (their places stay)."""
        if session.pk and not cleaned_data.get("takes_registrations", True):
            return _signup_switched_off(session)
        capacity = cleaned_data.get("capacity")
        if not session.pk or capacity is None or not cleaned_data.get("takes_registrations", True):
            return []
        over = cockpit.over_the_limit(session, capacity)
        if not over:
            return []
        taken = capacity + len(over)
        return [
            ngettext(
                "%(taken)d deelnemers hebben al een plaats; met %(capacity)d plaatsen zit %(count)d van hen "
                "boven het maximum: %(names)s. Niemand verliest zijn plaats; nieuwe aanmelders komen op de "
                "wachtlijst tot er weer plaats is.",
                "%(taken)d deelnemers hebben al een plaats; met %(capacity)d plaatsen zitten %(count)d van "
                "hen boven het maximum: %(names)s. Niemand verliest zijn plaats; nieuwe aanmelders komen op "
                "de wachtlijst tot er weer plaats is.",
                len(over),
            )
            % {
                "taken": taken,
                "capacity": capacity,
                "count": len(over),
                "names": ", ".join(place.registration.name for place in over),
            }
        ]

    def links(self, session):
        """Cancelling the session (its places go, their holders get mail), or undoing that."""
        if not session.pk:
            return []
        if session.is_cancelled:
            return [
                (_("Sessie terugzetten"), reverse("admin:registrations_session_reinstate", args=[session.pk]))
            ]
        return [
            (_("Sessie laten vervallen"), reverse("admin:registrations_session_cancel", args=[session.pk]))
        ]

    def import_errors(self, session):
        """An import does not lower a session's places below those taken, nor switch its sign-up off
        while people have a place or wait: on the session's page the organiser sees what it causes
        before confirming, a file shows nothing."""
        if session.pk is None:
            return {}
        if not session.takes_registrations:
            held = _who_holds_places(session)
            if not held:
                return {}
            refusal = _(
                "Een import zet aanmelden niet uit zolang er deelnemers zijn: schrijf “ja”, of zet aanmelden "
                "uit op de pagina van de sessie, die eerst laat zien wat het betekent."
            )
            return {"takes_registrations": [f"{held} {refusal}"]}
        if session.capacity is None:
            return {}
        taken = services.places_taken(session=session)
        if taken <= session.capacity:
            return {}
        return {
            "capacity": [
                ngettext(
                    "%(taken)d deelnemer heeft al een plaats in “%(session)s”; het bestand noemt %(capacity)d als "
                    "aantal plaatsen. Niemand verliest zijn plaats door een import: geef minstens %(taken)d plaatsen, "
                    "of verlaag het aantal op de pagina van de sessie, die laat zien wie het raakt.",
                    "%(taken)d deelnemers hebben al een plaats in “%(session)s”; het bestand noemt %(capacity)d als "
                    "aantal plaatsen. Niemand verliest zijn plaats door een import: geef minstens %(taken)d plaatsen, "
                    "of verlaag het aantal op de pagina van de sessie, die laat zien wie het raakt.",
                    taken,
                )
                % {"taken": taken, "session": session.title, "capacity": session.capacity}
            ]
        }

    def session_saved(self, session, changed, *, preview=False):
        """A new time or room goes to the calendars of everyone with a place, and free places (a raised
        capacity) to the waiting list (services.follow_session_change). In the import's dry run the
        same steps run and are rolled back: the organiser sees who would move up before confirming."""
        outcome = services.follow_session_change(session=session, changed=changed)
        shown = []
        if outcome.notified:
            shown.append(
                (
                    messages.INFO,
                    ngettext(
                        "%(count)d deelnemer van “%(session)s” krijgt de wijziging per e-mail, voor de agenda.",
                        "%(count)d deelnemers van “%(session)s” krijgen de wijziging per e-mail, voor hun agenda.",
                        outcome.notified,
                    )
                    % {"count": outcome.notified, "session": session.title},
                )
            )
        if outcome.promoted:
            shown.append((messages.INFO, _promoted_message(outcome.promoted, session, preview=preview)))
        if outcome.waiting_list_busy and not preview:
            shown.append(
                (
                    messages.WARNING,
                    _(
                        "“%(session)s” is opgeslagen, maar de wachtlijst kon nog niet worden bijgewerkt: sla hem zo nog eens op."
                    )
                    % {"session": session.title},
                )
            )
        return shown


programme_admin.SESSION_EXTENSIONS.append(PlacesExtension())


# Registration adds to the netwerkdagen's list whether sign-up is open and how many signed up, and
# links each netwerkdag's dashboard.


def _signup_state(event):
    return event.registration_state().label


def _signed_up(event):
    if event.capacity is None:
        return event.signed_up
    return _("%(count)d van %(capacity)d") % {"count": event.signed_up, "capacity": event.capacity}


class RegistrationsOfEvent(events_admin.EventAdminExtension):
    columns = [
        events_admin.AdminColumn("signup_state", _signup_state, description=_("aanmelding")),
        events_admin.AdminColumn("signed_up", _signed_up, description=_("aangemeld"), ordering="signed_up"),
    ]

    def annotate(self, queryset):
        return queryset.annotate(
            signed_up=Count(
                "registrations",
                filter=Q(registrations__status=Registration.Status.ACTIVE),
                distinct=True,
            )
        )

    def links(self, event):
        return [
            (_("Aanmeldingen: overzicht"), reverse("admin:registrations_event_dashboard", args=[event.pk]))
        ]


events_admin.EVENT_EXTENSIONS.append(RegistrationsOfEvent())
