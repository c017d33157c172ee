import datetime
import logging
import math
import secrets
import time
from email.utils import parseaddr
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from g40events.models import Event, RegistrationState, published_event
from g40events.proxies import client_address
from registrations import extensions, services
from registrations.forms import CancelForm, ChangeSessionsForm, PersonDetailsForm, RegistrationForm
from registrations.models import Registration
from sessions.models import Session

logger = logging.getLogger(__name__)


def rate_limited_until(request) -> datetime.datetime | None:
    """Count a sign-up POST from the client's address in the shared cache.

    Returns when the client may sign up again if it is past the limit, else None. Windows are fixed
    (they end at multiples of the window since the epoch: with 600 seconds at 10:40, 10:50, ...).
    A cache that is down lets the sign-up through: losing a registration is worse than a robot.
    """
    limit, window = settings.REGISTRATION_RATE_LIMIT
    address = client_address(request)
    now = time.time()
    current = int(now // window)
    key = f"registrations:signups:{address}:{current}"
    try:
        cache.add(key, 0, timeout=window)
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    except Exception:
        logger.exception("Rate limit cache unavailable; letting the sign-up through")
        return None
    if count <= limit:
        return None
    return datetime.datetime.fromtimestamp((current + 1) * window, tz=datetime.UTC)


def unavailable_reason(event: Event, *, check_full: bool = True) -> str | None:
    """Why the form is not shown, in words for the visitor; None when sign-up is open.

    A sign-up being sent leaves the count of the day to the service, which makes it under the lock.
    """
    state = event.registration_state()
    if event.is_past:
        return _("Deze netwerkdag is voorbij. Aanmelden kan niet meer.")
    if state == RegistrationState.NONE:
        return _("Voor deze netwerkdag kun je je (nog) niet via deze site aanmelden.")
    if state == RegistrationState.NOT_YET_OPEN:
        opens = event.registration_opens_at
        return _("Aanmelden kan vanaf %(date)s.") % {"date": _format_moment(opens)}
    if state == RegistrationState.CLOSED:
        return _("De aanmelding voor deze netwerkdag is gesloten.")
    if check_full and services.is_full(event):
        return _("Deze netwerkdag is vol: alle plaatsen zijn vergeven.")
    return None


def _format_moment(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


class EventMixin:
    def dispatch(self, request, *args, **kwargs):
        self.event = published_event(kwargs["slug"])
        if self.event is None:
            raise Http404(f"No {Event._meta.verbose_name} found matching the query")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)


# The query parameter of the "Toch weer aanmelden" link: the personal token of the cancelled registration.
AGAIN_PARAMETER = "opnieuw"


class RegisterView(EventMixin, FormView):
    """The sign-up form of a netwerkdag; a clear message instead of the form when it is not open."""

    template_name = "registrations/register.html"
    form_class = RegistrationForm

    def get(self, request, *args, **kwargs):
        if reason := unavailable_reason(self.event):
            return self.unavailable(reason)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if reason := unavailable_reason(self.event, check_full=False):
            return self.unavailable(reason)
        form = self.get_form()
        if until := rate_limited_until(request):
            form.is_valid()
            return self.rate_limited(form, until)
        if form.is_robot:
            logger.info("Sign-up honeypot filled in from %s; nothing stored", client_address(request))
            return redirect(self.get_success_url())
        if form.is_valid():
            return self.form_valid(form)
        return self.form_invalid(form)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["event"] = self.event
        return kwargs

    def get_initial(self):
        initial = {"submission": secrets.token_urlsafe(24)}
        if previous := self.previous_registration():
            initial.update(PersonDetailsForm.initial_from(previous))
        return initial

    def previous_registration(self) -> Registration | None:
        """The registration whose personal page sent the person here to sign up again ("Toch weer
        aanmelden"): the form starts from their details. The link carries the personal token."""
        key = Registration.key_from_token(self.request.GET.get(AGAIN_PARAMETER, ""))
        if key is None:
            return None
        return Registration.objects.filter(manage_key=key, anonymised_at__isnull=True).first()

    def form_valid(self, form):
        try:
            services.register(
                event=self.event,
                person=form.person(language=get_language() or "nl"),
                session_ids=form.chosen_session_ids(),
                submission_key=form.cleaned_data.get("submission", ""),
            )
        except (services.RegistrationClosed, services.EventFull) as error:
            return self.unavailable(error.message)
        except services.InvalidChoice as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        except services.InvalidName as error:
            form.add_error("name", error.message)
            return self.form_invalid(form)
        except services.TryAgainLater as error:
            response = self.render_to_response(
                self.get_context_data(form=form, problem=error.message), status=503
            )
            response["Retry-After"] = "5"
            return response
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("registrations:thanks", kwargs={"slug": self.event.slug})

    def rate_limited(self, form, until: datetime.datetime):
        """429 with Retry-After, and the form as the visitor filled it in, saying when to try again."""
        seconds = max(1, math.ceil(until.timestamp() - time.time()))
        # The minute by which the window has surely ended.
        at = timezone.localtime(until + datetime.timedelta(seconds=59)).replace(second=0, microsecond=0)
        problem = _(
            "Er komen nu heel veel aanmeldingen binnen vanaf jouw netwerk. Probeer het om %(time)s "
            "opnieuw; wat je invulde staat er nog."
        ) % {"time": formats.time_format(at, "H:i")}
        response = self.render_to_response(self.get_context_data(form=form, problem=problem), status=429)
        response["Retry-After"] = str(seconds)
        return response

    def unavailable(self, reason):
        return TemplateResponse(
            self.request, "registrations/unavailable.html", {"event": self.event, "reason": reason}
        )


class ThanksView(EventMixin, TemplateView):
    """The same answer for every sign-up, so that it never tells whether an address was registered."""

    template_name = "registrations/thanks.html"


class ConfirmView(TemplateView):
    """The link in the mail to an address outside the listed domains: its owner confirms the sign-up.

    Opening the link shows what will be confirmed; the button confirms (a POST), so that a mail
    filter that opens every link in a message confirms nothing. A link opened again after the
    confirmation leads to the registration.
    """

    template_name = "registrations/confirm.html"

    def dispatch(self, request, *args, **kwargs):
        key, expired = Registration.key_from_confirm_token(kwargs["token"])
        registration = None
        if key is not None:
            registration = (
                Registration.objects.select_related("event__host_city", "organisation")
                .filter(manage_key=key, anonymised_at__isnull=True)
                .first()
            )
        if registration is None:
            response = TemplateResponse(request, "registrations/bad_link.html", status=404)
        elif not registration.is_unconfirmed:
            messages.info(request, _("Je e-mailadres is al bevestigd. Hier vind je je aanmelding."))
            response = redirect(registration.get_absolute_url())
        elif expired or registration.has_lapsed:
            response = self.lapsed(registration)
        else:
            self.registration = registration
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        registration = self.registration
        event = registration.event
        closed = event.registration_state() != RegistrationState.OPEN
        context = {
            "registration": registration,
            "event": event,
            "requested_sessions": registration.requested_sessions.order_by("start_time", "end_time", "title"),
            "problem": services.ClosedBeforeConfirmation.message if closed else None,
            **kwargs,
        }
        return super().get_context_data(**context)

    def post(self, request, *args, **kwargs):
        try:
            registration = services.confirm_address(registration=self.registration)
        except services.ConfirmationLapsed:
            return self.lapsed(self.registration)
        except services.TryAgainLater as error:
            response = self.render_to_response(
                self.get_context_data(problem=error.message, can_retry=True), status=503
            )
            response["Retry-After"] = "5"
            return response
        except services.RegistrationError as error:
            return self.render_to_response(self.get_context_data(problem=error.message), status=409)
        messages.success(
            request,
            _(
                "Je e-mailadres is bevestigd: je bent aangemeld. We hebben je een e-mail gestuurd met je "
                "sessies en een persoonlijke link."
            ),
        )
        return redirect(registration.get_absolute_url())

    def lapsed(self, registration):
        return TemplateResponse(
            self.request,
            "registrations/confirm_lapsed.html",
            {"event": registration.event, "message": services.ConfirmationLapsed.message},
            status=410,
        )


def registration_from_token(token: str) -> Registration | None:
    """The registration a personal link names: confirmed or cancelled, not anonymised."""
    key = Registration.key_from_token(token)
    if key is None:
        return None
    return (
        Registration.objects.select_related("event__host_city", "organisation")
        .filter(manage_key=key, anonymised_at__isnull=True)
        .exclude(status=Registration.Status.UNCONFIRMED)
        .first()
    )


class ManageView(TemplateView):
    """A registrant's own page behind the personal link: see, change the sessions, or cancel."""

    template_name = "registrations/manage.html"

    def dispatch(self, request, *args, **kwargs):
        self.registration = registration_from_token(kwargs["token"])
        if self.registration is None:
            response = TemplateResponse(request, "registrations/bad_link.html", status=404)
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        registration = self.registration
        context = super().get_context_data(**kwargs)
        places = list(
            registration.places.with_waiting_position()
            .select_related("session")
            .order_by("session__start_time", "session__title")
        )
        # Sessions cancelled while the person had a place (or waited): the place went with the
        # cancellation, and the page says so in words instead of leaving the session out silently.
        cancelled = Session.objects.filter(
            pk__in=registration.emails.lost_to_cancellation().values("session")
        ).only("title", "location", "start_time", "end_time", "cancelled_at", "cancellation_reason")
        rows = [(place.session, place) for place in places] + [(session, None) for session in cancelled]
        rows.sort(key=lambda row: (row[0].start_time, row[0].title))
        context.update(
            registration=registration,
            event=registration.event,
            places=places,
            session_rows=rows,
            can_change=services.can_change(registration),
            can_cancel=services.can_cancel(registration),
            can_correct=services.can_correct_details(registration),
            again_url=self.again_url(registration),
        )
        for extension in extensions.EXTENSIONS:
            context.update(extension.personal_page_context(registration))
        if context["can_correct"]:
            context.setdefault(
                "details_form",
                PersonDetailsForm(
                    event=registration.event, initial=PersonDetailsForm.initial_from(registration)
                ),
            )
        if context["can_change"]:
            context.setdefault("change_form", ChangeSessionsForm(registration=registration))
        if context["can_cancel"]:
            context.setdefault("cancel_form", CancelForm())
        return context

    @staticmethod
    def again_url(registration: Registration) -> str | None:
        """Where "Toch weer aanmelden" leads: the sign-up form, filled in with the person's details."""
        event = registration.event
        if registration.is_active or event.registration_state() != RegistrationState.OPEN:
            return None
        url = reverse("registrations:register", kwargs={"slug": event.slug})
        return f"{url}?{urlencode({AGAIN_PARAMETER: registration.manage_token})}"

    def post(self, request, *args, **kwargs):
        registration = self.registration
        action = request.POST.get("action")
        if action == "change" and services.can_change(registration):
            form = ChangeSessionsForm(request.POST, registration=registration)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(change_form=form), status=400)
            try:
                services.change_sessions(registration=registration, session_ids=form.chosen_session_ids())
            except services.RegistrationError as error:
                form.add_error(None, error.message)
                return self.render_to_response(self.get_context_data(change_form=form), status=409)
            messages.success(request, _("Je keuzes zijn opgeslagen. We hebben je een bevestiging gemaild."))
        elif action == "details" and services.can_correct_details(registration):
            form = PersonDetailsForm(request.POST, event=registration.event)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(details_form=form), status=400)
            try:
                services.correct_details(registration=registration, person=form.person())
            except services.InvalidName as error:
                form.add_error("name", error.message)
                return self.render_to_response(self.get_context_data(details_form=form), status=400)
            except services.RegistrationError as error:
                form.add_error(None, error.message)
                return self.render_to_response(self.get_context_data(details_form=form), status=409)
            messages.success(request, _("Je gegevens zijn opgeslagen."))
        elif action == "cancel" and services.can_cancel(registration):
            form = CancelForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(cancel_form=form), status=400)
            try:
                services.cancel(registration=registration)
            except services.RegistrationError as error:
                form.add_error(None, error.message)
                return self.render_to_response(self.get_context_data(cancel_form=form), status=409)
            messages.success(request, _("Je bent afgemeld. We hebben je een bevestiging gemaild."))
        else:
            messages.warning(request, _("Dat kan op dit moment niet meer."))
        return redirect(request.path)


class CancelView(TemplateView):
    """The reminder's "Ik kan toch niet" link (the personal link's token): one screen that asks
    once more, and a button that cancels, which gives the places to the first on each waiting list.

    Opening the link changes nothing, so that a mail filter that opens every link cancels nothing.
    """

    template_name = "registrations/cancel.html"

    def dispatch(self, request, *args, **kwargs):
        self.registration = registration_from_token(kwargs["token"])
        if self.registration is None:
            response = TemplateResponse(request, "registrations/bad_link.html", status=404)
        elif not self.registration.is_active:
            messages.info(request, _("Je bent al afgemeld. Hier vind je je aanmelding."))
            response = redirect(self.registration.get_absolute_url())
        elif not services.can_cancel(self.registration):
            messages.warning(request, _("Afmelden via de website kan niet meer: de netwerkdag is begonnen."))
            response = redirect(self.registration.get_absolute_url())
        else:
            response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        registration = self.registration
        return super().get_context_data(
            registration=registration,
            event=registration.event,
            places=registration.places.select_related("session").order_by(
                "session__start_time", "session__title"
            ),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            services.cancel(registration=self.registration)
        except services.TryAgainLater as error:
            response = self.render_to_response(self.get_context_data(problem=error.message), status=503)
            response["Retry-After"] = "5"
            return response
        messages.success(
            request,
            _(
                "Je bent afgemeld. Je plaatsen gaan naar wie op de wachtlijst stond; we hebben je een bevestiging gemaild."
            ),
        )
        return redirect(self.registration.get_absolute_url())


def privacy_contact() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


class PrivacyView(TemplateView):
    template_name = "registrations/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            anonymise_days=settings.REGISTRATION_ANONYMISE_AFTER_DAYS,
            confirm_hours=settings.REGISTRATION_CONFIRM_HOURS,
            contact=privacy_contact(),
            **kwargs,
        )
