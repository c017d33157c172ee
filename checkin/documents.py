"""Printed matter of the day as PDF (WeasyPrint, from Jinja2 templates in templates/jinja2/checkin/pdf/):
name badges (A4, 8 per sheet), the desk list, the door list of a session and the programme.

The PDFs are tagged (PDF/UA-1, as far as WeasyPrint tags: headings, paragraphs, lists, tables,
the document's language and title), so that a screen reader can read them too. WeasyPrint needs
Pango and fonts from the system (README, .ci/run).
"""

import collections
import dataclasses

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from checkin import codes, qr
from checkin.views import DeskMixin, search_registrations
from g40events.models import Pillar
from registrations.models import Place, Registration
from sessions.models import Session

# Pillar colours in the order of the pillars (Pillar.position); the name is always printed beside
# the colour, so nobody depends on telling colours apart. White text on each meets 4.5:1.
PILLAR_COLOURS = ["#1f5fa8", "#2e7d32", "#b3261e", "#6a3d9a", "#8a4b00", "#00695c"]
NO_PILLAR_COLOUR = "#4f5b66"


def render_pdf(template: str, context: dict, *, title: str) -> bytes:
    import weasyprint  # imported when a PDF is made: it loads Pango, which other requests never need

    html = render_to_string(template, {**context, "title": title, "language": translation.get_language()})
    return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response


@dataclasses.dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    pillar: str
    colour: str
    code: str
    qr: str


def pillar_of(registration: Registration) -> Pillar | None:
    """The pillar most of the person's confirmed sessions belong to (ties: the first pillar)."""
    counter = collections.Counter()
    for place in registration.places.all():
        if place.status != Place.Status.CONFIRMED:
            continue
        for pillar in place.session.pillars.all():
            counter[pillar] += 1
    if not counter:
        return None
    return max(counter, key=lambda pillar: (counter[pillar], -pillar.position, -pillar.pk))


def badges_for(registrations) -> list[Badge]:
    colours = {
        pillar.pk: PILLAR_COLOURS[index % len(PILLAR_COLOURS)]
        for index, pillar in enumerate(Pillar.objects.all())
    }
    registrations = registrations.select_related("organisation").prefetch_related("places__session__pillars")
    badges = []
    for registration in registrations:
        pillar = pillar_of(registration)
        code = codes.code_for(registration)
        badges.append(
            Badge(
                name=registration.name,
                organisation=registration.organisation_display,
                pillar=pillar.name if pillar else "",
                colour=colours[pillar.pk] if pillar else NO_PILLAR_COLOUR,
                code=code,
                qr=qr.img(code, alt=_("QR-code %(code)s") % {"code": code}),
            )
        )
    return badges


def _active(event):
    return Registration.objects.filter(event=event, status=Registration.Status.ACTIVE).order_by("name", "pk")


class BadgesView(DeskMixin, View):
    """Badges of everyone, or a selection: ?id=1&id=2 (people), ?q= (a desk search), ?sessie= (a session)."""

    def get(self, request, *args, **kwargs):
        registrations = _active(self.event)
        ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()]
        if ids:
            registrations = registrations.filter(pk__in=ids)
        elif request.GET.get("q", "").strip():
            registrations = search_registrations(self.event, request.GET["q"].strip()[:100])
        elif request.GET.get("sessie", "").isdigit():
            registrations = registrations.filter(
                places__session_id=int(request.GET["sessie"]), places__status=Place.Status.CONFIRMED
            )
        badges = badges_for(registrations)
        sheets = [badges[index : index + 8] for index in range(0, len(badges), 8)]
        title = _("Badges: %(event)s") % {"event": self.event.title}
        content = render_pdf("checkin/pdf/badges.html", {"event": self.event, "sheets": sheets}, title=title)
        return pdf_response(content, f"badges-{self.event.slug}.pdf")


class DeskListView(DeskMixin, View):
    """Everyone expected, sorted by name, with a box to tick: the desk's paper fallback."""

    def get(self, request, *args, **kwargs):
        people = [
            (registration, codes.code_for(registration))
            for registration in _active(self.event).select_related("organisation", "check_in")
        ]
        title = _("Balielijst: %(event)s") % {"event": self.event.title}
        content = render_pdf(
            "checkin/pdf/desk_list.html", {"event": self.event, "people": people}, title=title
        )
        return pdf_response(content, f"balielijst-{self.event.slug}.pdf")


class DoorListView(DeskMixin, View):
    """The people with a place in a session, sorted by name, for the door of the room."""

    def get(self, request, *args, **kwargs):
        session = get_object_or_404(Session.objects.not_cancelled(), pk=kwargs["pk"], event=self.event)
        people = (
            _active(self.event)
            .filter(places__session=session, places__status=Place.Status.CONFIRMED)
            .select_related("organisation")
        )
        title = _("Deurlijst: %(session)s") % {"session": session.title}
        content = render_pdf(
            "checkin/pdf/door_list.html",
            {"event": self.event, "session": session, "people": people},
            title=title,
        )
        return pdf_response(content, f"deurlijst-{session.slug}.pdf")


class ProgrammeView(DeskMixin, View):
    """The programme of the day on paper: times, titles, rooms."""

    def get(self, request, *args, **kwargs):
        sessions = Session.objects.filter(event=self.event).order_by("start_time", "end_time", "title")
        title = _("Programma: %(event)s") % {"event": self.event.title}
        content = render_pdf(
            "checkin/pdf/programme.html", {"event": self.event, "sessions": sessions}, title=title
        )
        return pdf_response(content, f"programma-{self.event.slug}.pdf")
