from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_permissions_policy.decorators import permissions_policy_override

from checkin import services
from checkin.forms import CodeForm, WalkInForm
from checkin.models import Attendance, CheckIn, Method
from checkin.now import now_and_next
from checkin.stats import with_attendance_counts
from g40events import clock
from g40events.models import Event
from registrations.models import Place, Registration, with_place_counts
from registrations.services import RegistrationError
from sessions.models import Session

# The 'nu en straks' page asks for itself again no more often than this (WCAG 2.2.2: it can be paused).
NOW_REFRESH_SECONDS = 60


class NowView(TemplateView):
    """'Nu en straks': what runs now and next at a netwerkdag, for phones and the screen in the hall.

    Without JavaScript it is a page with a link to look again; with it (static/js/now.js) the list
    updates itself once a minute, announced politely, with a button that pauses it. `?deel=1` gives
    only the part that changes, for that script.
    """

    template_name = "checkin/now.html"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            Event.objects.published().select_related("host_city"), slug=kwargs["slug"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.GET.get("deel"):
            return ["checkin/now_part.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            event=self.event, day=now_and_next(self.event), refresh_seconds=NOW_REFRESH_SECONDS, **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_cache_control(response, max_age=30, public=True)
        return response


# --- the desk (staff with the "Balie" permission) -------------------------------------------------


@method_decorator(
    permissions_policy_override({**settings.PERMISSIONS_POLICY, "camera": ["self"]}), name="dispatch"
)
class DeskMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Pages for desk staff: signed in (the admin's login page) with checkin.use_desk; others get 403.

    The camera is allowed on these pages only, for the QR scanner.
    """

    permission_required = "checkin.use_desk"
    event: Event

    def dispatch(self, request, *args, **kwargs):
        if "slug" in kwargs:
            self.event = get_object_or_404(Event.objects.select_related("host_city"), slug=kwargs["slug"])
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if hasattr(self, "event"):
            context["event"] = self.event
        return context

    @property
    def is_part(self) -> bool:
        """A request of the desk's script for the part of the page that changes."""
        return self.request.GET.get("deel") == "1"


class DeskIndexView(DeskMixin, TemplateView):
    template_name = "checkin/desk_index.html"

    def get_context_data(self, **kwargs):
        today = clock.today()
        events = Event.objects.order_by("-date")
        return super().get_context_data(
            today_events=[e for e in events if e.date == today],
            coming=[e for e in events if e.date > today][::-1],
            past=[e for e in events if e.date < today][:5],
            **kwargs,
        )


def search_registrations(event: Event, query: str):
    """Active registrations of the netwerkdag whose name or organisation holds every word typed."""
    registrations = (
        Registration.objects.filter(event=event, status=Registration.Status.ACTIVE)
        .select_related("organisation", "check_in")
        .order_by("name", "pk")
    )
    for word in query.split()[:5]:
        registrations = registrations.filter(
            Q(name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation_name__icontains=word)
        )
    return registrations


class DeskView(DeskMixin, TemplateView):
    """The desk: search by name or organisation, check in or undo, a typed or scanned code.

    Works without JavaScript (forms, post/redirect/get, messages); static/js/desk.js updates the
    results as one types, posts in place and adds the camera scanner (BarcodeDetector).
    """

    template_name = "checkin/desk.html"
    RESULTS = 30

    def get_template_names(self):
        return ["checkin/desk_part.html"] if self.is_part else [self.template_name]

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "").strip()[:100]
        results = list(search_registrations(self.event, query)[: self.RESULTS + 1]) if query else []
        recent = (
            CheckIn.objects.filter(registration__event=self.event)
            .select_related("registration__organisation", "registration")
            .order_by("-checked_in_at", "-id")[:5]
        )
        return super().get_context_data(
            query=query,
            results=results[: self.RESULTS],
            more=len(results) > self.RESULTS,
            counts=services.counts(self.event),
            recent=[check_in.registration for check_in in recent] if not query else [],
            code_form=kwargs.pop("code_form", None) or CodeForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        query = request.POST.get("q", "")
        try:
            if action == "code":
                form = CodeForm(request.POST)
                if not form.is_valid():
                    messages.error(request, form.errors["code"][0])
                    return self.back(query)
                method = Method.SCAN if request.POST.get("scanned") else Method.CODE
                result = services.check_in_code(
                    event=self.event, code=form.cleaned_data["code"], by=request.user, method=method
                )
                self.report(result)
            elif action in {"check_in", "undo"}:
                registration = self.registration_from(request.POST.get("registration"))
                if registration is None:
                    messages.error(request, _("Deze aanmelding hoort niet bij deze netwerkdag."))
                elif action == "check_in":
                    self.report(
                        services.check_in(event=self.event, registration=registration, by=request.user)
                    )
                else:
                    services.undo_check_in(registration=registration)
                    messages.info(
                        request, _("%(name)s is niet meer ingecheckt.") % {"name": registration.name}
                    )
            else:
                messages.error(request, _("Dat kan hier niet."))
        except services.CheckInError as error:
            messages.error(request, error.message)
        return self.back(query)

    def registration_from(self, value) -> Registration | None:
        try:
            pk = int(value or "")
        except ValueError:
            return None
        return Registration.objects.filter(pk=pk, event=self.event).first()

    def report(self, result: services.Result) -> None:
        registration = result.registration
        organisation = registration.organisation_display
        who = f"{registration.name} ({organisation})" if organisation else registration.name
        if result.created:
            messages.success(self.request, _("%(who)s is ingecheckt.") % {"who": who})
        else:
            messages.info(self.request, _("%(who)s was al ingecheckt.") % {"who": who})

    def back(self, query: str):
        url = reverse("checkin:desk", kwargs={"slug": self.event.slug})
        if query.strip():
            url += "?" + urlencode({"q": query.strip()[:100]})
        return redirect(url)


class WalkInView(DeskMixin, FormView):
    """Someone arrives without a registration: registered within the day's maximum, and checked in."""

    template_name = "checkin/walk_in.html"
    form_class = WalkInForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "event": self.event}

    def form_valid(self, form):
        try:
            registration = services.register_walk_in(
                event=self.event,
                person=form.person(language="nl"),
                session_ids=form.chosen_session_ids(),
                by=self.request.user,
            )
        except (RegistrationError, services.CheckInError) as error:
            form.add_error(None, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        messages.success(
            self.request,
            _("%(name)s is aangemeld en ingecheckt. De bevestiging met de code gaat per e-mail.")
            % {"name": registration.name},
        )
        return redirect(
            reverse("checkin:desk", kwargs={"slug": self.event.slug})
            + "?"
            + urlencode({"q": registration.name})
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


# --- attendance per session -----------------------------------------------------------------------


class SessionListView(DeskMixin, TemplateView):
    template_name = "checkin/session_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sessions=session_overview(self.event), **kwargs)


def session_overview(event: Event):
    """The netwerkdag's sessions with places, waiting, checked in (at the desk) and attended; not the
    cancelled ones, which have nobody to tick."""
    return list(
        with_attendance_counts(
            with_place_counts(Session.objects.filter(event=event).not_cancelled())
        ).order_by("start_time", "end_time", "title")
    )


class AttendanceView(DeskMixin, TemplateView):
    """The door of a room: tick who is there, scan codes, and add people without a place when there
    is room."""

    template_name = "checkin/attendance.html"

    def get_session(self) -> Session:
        return get_object_or_404(
            Session.objects.not_cancelled().select_related("event"), pk=self.kwargs["pk"], event=self.event
        )

    def get_template_names(self):
        return ["checkin/attendance_part.html"] if self.is_part else [self.template_name]

    def get_context_data(self, **kwargs):
        session = self.get_session()
        query = self.request.GET.get("q", "").strip()[:100]
        present = dict(Attendance.objects.filter(session=session).values_list("registration_id", "had_place"))
        with_place = list(
            Registration.objects.filter(
                places__session=session,
                places__status=Place.Status.CONFIRMED,
                status=Registration.Status.ACTIVE,
            )
            .select_related("organisation")
            .order_by("name", "pk")
        )
        added = list(
            Registration.objects.filter(attendances__session=session, attendances__had_place=False)
            .select_related("organisation")
            .order_by("name", "pk")
        )
        others = []
        if query:
            listed = {r.pk for r in with_place} | {r.pk for r in added}
            others = [r for r in search_registrations(self.event, query)[:20] if r.pk not in listed]
        return super().get_context_data(
            session=session,
            people=with_place,
            added=added,
            present=present,
            room=services.session_room(session),
            query=query,
            others=others,
            code_form=CodeForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        session = self.get_session()
        action = request.POST.get("action")
        query = request.POST.get("q", "")
        try:
            if action == "code":
                form = CodeForm(request.POST)
                if not form.is_valid():
                    messages.error(request, form.errors["code"][0])
                else:
                    result = services.mark_present_by_code(
                        session=session, code=form.cleaned_data["code"], by=request.user
                    )
                    self.report(result)
            elif action in {"present", "absent"}:
                registration = Registration.objects.filter(
                    pk=_int(request.POST.get("registration")), event=self.event
                ).first()
                if registration is None:
                    messages.error(request, _("Deze aanmelding hoort niet bij deze netwerkdag."))
                elif action == "present":
                    self.report(
                        services.mark_present(session=session, registration=registration, by=request.user)
                    )
                else:
                    services.unmark_present(session=session, registration=registration)
                    messages.info(
                        request, _("%(name)s staat niet meer als aanwezig.") % {"name": registration.name}
                    )
            else:
                messages.error(request, _("Dat kan hier niet."))
        except services.CheckInError as error:
            messages.error(request, error.message)
        url = reverse("checkin:attendance", kwargs={"slug": self.event.slug, "pk": session.pk})
        if query.strip():
            url += "?" + urlencode({"q": query.strip()[:100]})
        return redirect(url)

    def report(self, result: services.Result) -> None:
        name = result.registration.name
        if result.created:
            messages.success(self.request, _("%(name)s is aanwezig.") % {"name": name})
        else:
            messages.info(self.request, _("%(name)s stond al als aanwezig.") % {"name": name})


def _int(value) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None
