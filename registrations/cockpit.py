"""The organiser's screens for the registrations of one netwerkdag, in the admin.

A dashboard (sign-ups against capacity, places per session, needs, e-mails, every list and export),
and acting for a person: a registration for someone who phoned, changed sessions, a cancellation.
Each action goes through the same services as the public form (registrations/services.py), so that
places, waiting lists and e-mails follow; the organiser is told what it caused, read from the
e-mails the action queued.
"""

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from g40events import admin as events_admin
from g40events.models import Event, RegistrationState
from g40events.oneline import validate_single_line
from registrations import exports, services
from registrations.forms import ChangeSessionsForm, RegistrationForm
from registrations.models import EmailLog, Place, Registration, place_counts, with_place_counts
from sessions.models import Session

# --- what an action caused ------------------------------------------------------------------------


def last_log_id() -> int:
    return EmailLog.objects.aggregate(last=Max("id"))["last"] or 0


def _titles(sessions) -> str:
    titles = [f"“{session.title}”" for session in sessions]
    if len(titles) <= 1:
        return "".join(titles)
    return _("%(list)s en %(last)s") % {"list": ", ".join(titles[:-1]), "last": titles[-1]}


def _places_sentence(registration: Registration) -> str:
    places = list(registration.places.select_related("session").order_by("session__start_time"))
    confirmed = [place.session for place in places if place.is_confirmed]
    waiting = [place.session for place in places if not place.is_confirmed]
    parts = []
    if confirmed:
        parts.append(_("een plaats in %(sessions)s") % {"sessions": _titles(confirmed)})
    if waiting:
        parts.append(_("een plaats op de wachtlijst van %(sessions)s") % {"sessions": _titles(waiting)})
    return _(" en ").join(parts)


def effects_since(log_id: int, *, first: Registration | None = None) -> list[str]:
    """What happened to people since the e-mail log stood at log_id, one sentence per e-mail; the
    person acted for first, then those it affected."""
    sentences = []
    logs = EmailLog.objects.filter(id__gt=log_id).select_related("registration", "session").order_by("id")
    for log in sorted(logs, key=lambda log: (first is None or log.registration_id != first.pk, log.id)):
        name = log.registration.name
        match log.kind:
            case EmailLog.Kind.PROMOTION:
                sentence = _(
                    "%(name)s kreeg een plaats in “%(session)s” (van de wachtlijst) en een e-mail."
                ) % {
                    "name": name,
                    "session": log.session.title if log.session else "",
                }
            case EmailLog.Kind.CONFIRMATION | EmailLog.Kind.CHANGE:
                places = _places_sentence(log.registration)
                if places:
                    sentence = _("%(name)s kreeg %(places)s, en een e-mail.") % {
                        "name": name,
                        "places": places,
                    }
                else:
                    sentence = _("%(name)s is aangemeld zonder sessies en kreeg een e-mail.") % {"name": name}
            case EmailLog.Kind.CANCELLATION:
                sentence = _("%(name)s is afgemeld en kreeg een e-mail.") % {"name": name}
            case EmailLog.Kind.CONFIRM_ADDRESS:
                sentence = _(
                    "%(name)s kreeg een e-mail met een link om het e-mailadres te bevestigen; pas daarna "
                    "krijgt %(name)s plaatsen (het adres hoort niet bij een bekende organisatie)."
                ) % {"name": name}
            case EmailLog.Kind.ALREADY_REGISTERED:
                sentence = _(
                    "%(name)s was al aangemeld en kreeg de persoonlijke link opnieuw per e-mail."
                ) % {"name": name}
            case _:
                sentence = _("%(name)s kreeg een e-mail.") % {"name": name}
        sentences.append(sentence)
    return sentences


def tell(model_admin, request, sentences: list[str], fallback: str) -> None:
    model_admin.message_user(request, " ".join(sentences) or fallback, messages.SUCCESS)


# --- the dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    text: str
    count: int


def summarise_needs(texts: list[str]) -> list[Need]:
    """The needs people wrote, the same text (in any case, without trailing dots) counted once."""
    counted = Counter(" ".join(text.split()).rstrip(".").casefold() for text in texts if text.strip())
    spelled = {}
    for text in texts:
        spelled.setdefault(" ".join(text.split()).rstrip(".").casefold(), " ".join(text.split()).rstrip("."))
    return [
        Need(spelled[key], count) for key, count in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _event(model_admin, request, event_id) -> Event:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return get_object_or_404(Event, pk=event_id)


def _registration_state(event: Event) -> str:
    state = event.registration_state()
    if state == RegistrationState.OPEN:
        closes = formats.date_format(timezone.localtime(event.registration_closes), "j F Y H:i")
        return _("Aanmelding open tot %(moment)s") % {"moment": closes}
    if state == RegistrationState.NOT_YET_OPEN:
        opens = formats.date_format(timezone.localtime(event.registration_opens_at), "j F Y H:i")
        return _("Aanmelding opent %(moment)s") % {"moment": opens}
    return state.label


def dashboard_view(model_admin, request, event_id):
    """One netwerkdag's registrations at a glance, with links to every list and export."""
    event = _event(model_admin, request, event_id)
    registrations = Registration.objects.filter(event=event)
    counts = registrations.aggregate(
        active=Count("id", filter=Q(status=Registration.Status.ACTIVE)),
        unconfirmed=Count("id", filter=Q(status=Registration.Status.UNCONFIRMED)),
        cancelled=Count("id", filter=Q(status=Registration.Status.CANCELLED)),
    )
    # Cancelled sessions too (marked as such): the organiser sees what was on offer.
    sessions = list(
        with_place_counts(Session.objects.filter(event=event).taking_registrations()).order_by(
            "start_time", "end_time", "title", "pk"
        )
    )
    for session in sessions:
        session.free = None if session.capacity is None else max(session.capacity - session.taken, 0)
        session.participants_url = reverse("admin:registrations_session_participants", args=[session.pk])
    active = registrations.active().select_related("organisation").order_by("name", "pk")
    dietary = [r for r in active if r.dietary_needs.strip()]
    accessibility = [r for r in active if r.accessibility_needs.strip()]
    logs = EmailLog.objects.filter(registration__event=event)
    mail_counts = logs.aggregate(
        pending=Count("id", filter=Q(status=EmailLog.Status.PENDING)),
        failed=Count("id", filter=Q(status=EmailLog.Status.FAILED)),
    )
    log_list = reverse("admin:registrations_emaillog_changelist")
    registration_list = (
        reverse("admin:registrations_registration_changelist") + f"?event__id__exact={event.pk}"
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Overzicht van %(title)s") % {"title": event.title},
        "opts": model_admin.model._meta,
        "event": event,
        "state": _registration_state(event),
        "counts": counts,
        "free": None if event.capacity is None else max(event.capacity - counts["active"], 0),
        "sessions": sessions,
        "dietary": dietary,
        "dietary_summary": summarise_needs([r.dietary_needs for r in dietary]),
        "accessibility": accessibility,
        "accessibility_summary": summarise_needs([r.accessibility_needs for r in accessibility]),
        "mail_counts": mail_counts,
        "pending_url": f"{log_list}?status__exact=pending&registration__event__id__exact={event.pk}",
        "failed_url": f"{log_list}?status__exact=failed&registration__event__id__exact={event.pk}",
        "links": [
            (_("Alle aanmeldingen"), registration_list),
            (
                _("Aanmelding toevoegen"),
                reverse("admin:registrations_registration_add_for_event", args=[event.pk]),
            ),
            (
                _("Aanmeldingen exporteren (CSV, Excel)"),
                reverse("admin:registrations_event_export", args=[event.pk]),
            ),
            (_("E-mails"), f"{log_list}?registration__event__id__exact={event.pk}"),
            *[(label, url) for label, url in events_admin.event_links(event) if url != request.path],
            (_("Netwerkdag bewerken"), reverse("admin:g40events_event_change", args=[event.pk])),
        ],
    }
    return TemplateResponse(request, "admin/registrations/event_dashboard.html", context)


def export_view(model_admin, request, event_id):
    event = _event(model_admin, request, event_id)
    return exports.registrations_csv(Registration.objects.filter(event=event))


# --- acting for a person --------------------------------------------------------------------------


class OrganiserRegistrationForm(RegistrationForm):
    """The public sign-up form, filled in by an organiser for someone who phoned or wrote."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["contact_fax"]
        del self.fields["submission"]
        self.fields["consent"].label = gettext_lazy(
            "Deze persoon gaat akkoord met het bewaren van de gegevens zoals beschreven in de privacyverklaring."
        )
        self.fields["consent"].error_messages["required"] = gettext_lazy(
            "Vraag of de persoon akkoord gaat met de privacyverklaring, en vink dit dan aan."
        )

    @property
    def is_robot(self) -> bool:
        return False


def add_registration_view(model_admin, request, event_id):
    """Register someone for a netwerkdag as the public form would, with its places and e-mails."""
    event = _event(model_admin, request, event_id)
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    form = OrganiserRegistrationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        before = last_log_id()
        try:
            signup = services.register(
                event=event, person=form.person(), session_ids=form.chosen_session_ids()
            )
        except services.RegistrationError as error:
            form.add_error(None, error.message)
        else:
            registration = signup.registration
            tell(
                model_admin,
                request,
                effects_since(before),
                _("%(name)s is aangemeld.") % {"name": registration.name},
            )
            return HttpResponseRedirect(
                reverse("admin:registrations_registration_change", args=[registration.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Aanmelding toevoegen voor %(title)s") % {"title": event.title},
        "opts": model_admin.model._meta,
        "event": event,
        "form": form,
        "dashboard_url": reverse("admin:registrations_event_dashboard", args=[event.pk]),
    }
    return TemplateResponse(request, "admin/registrations/add_registration.html", context)


class OrganiserCancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, meld deze persoon af (de plaatsen gaan naar de wachtlijsten)."),
        error_messages={"required": gettext_lazy("Vink dit aan om de persoon af te melden.")},
    )


def change_registration_view(model_admin, request, registration_id):
    """Change a person's sessions, or cancel, through the services of the personal page."""
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    registration = get_object_or_404(Registration.objects.select_related("event"), pk=registration_id)
    change_url = reverse("admin:registrations_registration_change", args=[registration.pk])
    sessions_form = ChangeSessionsForm(
        request.POST if "change" in request.POST else None, registration=registration
    )
    cancel_form = OrganiserCancelForm(request.POST if "cancel" in request.POST else None)
    if request.method == "POST":
        before = last_log_id()
        try:
            if "change" in request.POST and sessions_form.is_valid():
                services.change_sessions(
                    registration=registration, session_ids=sessions_form.chosen_session_ids()
                )
                tell(
                    model_admin, request, effects_since(before, first=registration), _("Er veranderde niets.")
                )
                return HttpResponseRedirect(change_url)
            if "cancel" in request.POST and cancel_form.is_valid():
                services.cancel(registration=registration)
                tell(
                    model_admin, request, effects_since(before, first=registration), _("Er veranderde niets.")
                )
                return HttpResponseRedirect(change_url)
        except services.RegistrationError as error:
            (sessions_form if "change" in request.POST else cancel_form).add_error(None, error.message)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Sessies wijzigen of afmelden: %(name)s") % {"name": registration.name},
        "opts": model_admin.model._meta,
        "registration": registration,
        "original": registration,
        "sessions_form": sessions_form,
        "cancel_form": cancel_form,
        "can_change": services.can_change(registration),
        "can_cancel": registration.is_active,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/registrations/change_registration.html", context)


# --- lowering a capacity --------------------------------------------------------------------------


def over_the_limit(session: Session, capacity: int) -> list[Place]:
    """Who holds a place beyond a (lowered) capacity: the last to get one."""
    confirmed = Place.objects.confirmed().filter(
        session=session, registration__status=Registration.Status.ACTIVE
    )
    extra = confirmed.count() - capacity
    if extra <= 0:
        return []
    latest = confirmed.select_related("registration").order_by("-confirmed_at", "-id")[:extra]
    return list(reversed(latest))


# --- cancelling a session, and undoing that -------------------------------------------------------


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reden (openbaar; mag leeg blijven)"),
        max_length=300,
        required=False,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
        help_text=gettext_lazy(
            "Bijvoorbeeld: De spreker is ziek. Staat op het programma, op de pagina van de sessie en in "
            "de e-mail aan de deelnemers."
        ),
    )

    def clean_reason(self):
        return " ".join(self.cleaned_data["reason"].split())


def _session_to_change(request, session_id) -> Session:
    """The session, if the user may change it: organisers any, a coordinator those of their own
    theme groups (sessions/rules.py)."""
    session = get_object_or_404(Session.objects.select_related("event"), pk=session_id)
    if not request.user.has_perm("programme.change_session", session):
        raise PermissionDenied
    return session


def _back_url(request, session: Session) -> str:
    """Where the organiser came from (the programme screen), else the session's own admin page."""
    url = request.POST.get("next") or request.GET.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return f"{url}#sessie-{session.pk}"
    return reverse("admin:programme_session_change", args=[session.pk])


def cancel_session_view(model_admin, request, session_id):
    """One confirmation page, then the session is cancelled (services.cancel_session)."""
    session = _session_to_change(request, session_id)
    back = _back_url(request, session)
    if session.is_cancelled:
        model_admin.message_user(
            request, _("“%(session)s” is al vervallen.") % {"session": session.title}, messages.INFO
        )
        return HttpResponseRedirect(back)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.cancel_session(
                session=session, reason=form.cleaned_data["reason"], by=request.user
            )
        except services.TryAgainLater as error:
            form.add_error(None, error.message)
        else:
            told = _(
                "“%(session)s” is vervallen. %(confirmed)s en %(waiting)s zijn vrijgegeven; wie ze had, "
                "krijgt een e-mail."
            ) % {
                "session": session.title,
                "confirmed": ngettext("%(count)d plaats", "%(count)d plaatsen", done.confirmed)
                % {"count": done.confirmed},
                "waiting": ngettext(
                    "%(count)d plaats op de wachtlijst", "%(count)d plaatsen op de wachtlijst", done.waiting
                )
                % {"count": done.waiting},
            }
            model_admin.log_change(request, done.session, told)
            model_admin.message_user(request, told, messages.SUCCESS)
            return HttpResponseRedirect(back)
    confirmed, waiting = place_counts([session]).get(session.pk, (0, 0))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Sessie laten vervallen: %(session)s") % {"session": session.title},
        "opts": Session._meta,
        "session": session,
        "form": form,
        "confirmed": confirmed,
        "waiting": waiting,
        "back": back,
        "next": request.GET.get("next", "") or request.POST.get("next", ""),
    }
    return TemplateResponse(request, "registrations/admin/session_cancel.html", context)


def reinstate_session_view(model_admin, request, session_id):
    """One confirmation page, then the cancellation is undone (services.reinstate_session)."""
    session = _session_to_change(request, session_id)
    back = _back_url(request, session)
    if not session.is_cancelled:
        model_admin.message_user(
            request, _("“%(session)s” staat al op het programma.") % {"session": session.title}, messages.INFO
        )
        return HttpResponseRedirect(back)
    if request.method == "POST":
        session = services.reinstate_session(session=session, by=request.user)
        told = _(
            "“%(session)s” staat weer op het programma en op het aanmeldformulier. Niemand heeft zijn "
            "plaats teruggekregen en er is geen e-mail verstuurd."
        ) % {"session": session.title}
        model_admin.log_change(request, session, told)
        model_admin.message_user(request, told, messages.SUCCESS)
        return HttpResponseRedirect(back)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Sessie terugzetten: %(session)s") % {"session": session.title},
        "opts": Session._meta,
        "session": session,
        "back": back,
        "next": request.GET.get("next", ""),
    }
    return TemplateResponse(request, "registrations/admin/session_reinstate.html", context)
