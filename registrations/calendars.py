"""The personal calendar file attached to a confirmation: the netwerkdag and the person's sessions;
and the updates that keep it in step with the programme (RFC 5546 REQUEST and CANCEL).

Built from the site's own builders in g40events.calendars, so that its entries carry the same UIDs
as the public .ics files: a calendar that holds both shows each item once.
"""

from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from g40events import calendars
from registrations.models import Place, Registration
from sessions.models import speakers_prefetch


def personal_calendar(registration: Registration, sessions=None) -> bytes:
    """An iCalendar file with the day and the sessions in which the person holds a confirmed place.

    `sessions` may be given when the caller has them already (with their event and speakers).
    """
    event = registration.event
    day = calendars.event_vevent(event)
    description = str(day.get("description", ""))
    day.pop("description", None)
    personal = _("Je aanmelding bekijken, wijzigen of afmelden: %(url)s") % {"url": registration.manage_url}
    day.add("description", "\n\n".join(part for part in [description, personal] if part))
    if sessions is None:
        places = (
            registration.places.filter(status=Place.Status.CONFIRMED)
            .select_related("session__event__host_city")
            .prefetch_related(speakers_prefetch("session__"))
            .order_by("session__start_time", "session__title")
        )
        sessions = [place.session for place in places]
    return calendars.calendar(
        day, *[calendars.session_vevent(s) for s in sessions], name=event.title
    ).to_ical()


def scheduling_message(registration: Registration, vevents, *, method: str) -> str:
    """An iTIP message (RFC 5546) that a calendar program applies to the entries of the person's
    confirmation, which carry the same UIDs: METHOD:REQUEST updates them (their SEQUENCE is higher
    after every change), METHOD:CANCEL removes them. Each entry names the organiser (our sender
    address) and the person as attendee, as RFC 5546 requires of both methods.
    """
    organiser_name, organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)
    for vevent in vevents:
        vevent.add("organizer", f"mailto:{organiser}", parameters={"CN": organiser_name or organiser})
        vevent.add(
            "attendee",
            f"mailto:{registration.email}",
            parameters={"CN": registration.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED"},
        )
        if method == "CANCEL":
            vevent.pop("status", None)
            vevent.add("status", "CANCELLED")
            # Higher than any revision sent so far: the cancellation is the latest word. A cancelled
            # session's own revision is the moment of its cancellation, which may be the later one.
            sequence = max(int(vevent.get("sequence", 0)), calendars.revision(timezone.now()))
            vevent.pop("sequence", None)
            vevent.add("sequence", sequence)
    cal = calendars.calendar(*vevents, name=registration.event.title)
    cal.pop("method", None)
    cal.add("method", method)
    return cal.to_ical().decode()


def session_update(registration: Registration, session) -> str:
    """METHOD:REQUEST for one session whose time or room changed."""
    return scheduling_message(registration, [calendars.session_vevent(session)], method="REQUEST")


def session_cancellation(registration: Registration, session) -> str:
    """METHOD:CANCEL for one cancelled session: its entry leaves the person's calendar (same UID as in
    their confirmation, STATUS:CANCELLED, a SEQUENCE higher than any sent before)."""
    return scheduling_message(registration, [calendars.session_vevent(session)], method="CANCEL")


def cancellation(registration: Registration) -> str:
    """METHOD:CANCEL for the day and every session of it that takes sign-ups: the places are gone by
    the time the message is written, and a CANCEL of an entry the person never had changes nothing."""
    event = registration.event
    sessions = (
        event.sessions.filter(takes_registrations=True)
        .select_related("event__host_city")
        .prefetch_related("speaker_roles__speaker__organisation")
        .order_by("start_time", "title")
    )
    vevents = [calendars.event_vevent(event), *[calendars.session_vevent(s) for s in sessions]]
    return scheduling_message(registration, vevents, method="CANCEL")
