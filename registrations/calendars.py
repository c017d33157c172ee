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


def _personal_vevents(registration: Registration, sessions=None) -> list:
    """The day (with the personal link in its note) and the sessions in which the person holds a
    confirmed place, as in their confirmation."""
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
    return [day, *[calendars.session_vevent(s) for s in sessions]]


def personal_calendar(registration: Registration, sessions=None) -> bytes:
    """An iCalendar file with the day and the sessions in which the person holds a confirmed place.

    `sessions` may be given when the caller has them already (with their event and speakers).
    """
    vevents = _outrank_earlier_mails(_personal_vevents(registration, sessions))
    return calendars.calendar(*vevents, name=registration.event.title).to_ical()


def _outrank_earlier_mails(vevents: list) -> list:
    """Give each entry a SEQUENCE of at least the moment of sending (calendars.revision), so that a
    mail's calendar is the latest word on its entries. An entry's own revision can be older than a
    CANCEL sent for it earlier (a session dropped and chosen again, a registration cancelled and
    made anew), and the file that puts it back must outrank that CANCEL. A cancelled session's own
    revision is the moment of its cancellation, which may be the later one.
    """
    sent = calendars.revision(timezone.now())
    for vevent in vevents:
        sequence = max(int(vevent.get("sequence", 0)), sent)
        vevent.pop("sequence", None)
        vevent.add("sequence", sequence)
    return vevents


def scheduling_message(registration: Registration, vevents, *, method: str) -> str:
    """An iTIP message (RFC 5546) that a calendar program applies to the entries of the person's
    confirmation, which carry the same UIDs: METHOD:REQUEST adds or updates them, METHOD:CANCEL
    removes them. Each entry names the organiser (our sender address) and the person as attendee, as
    RFC 5546 requires of both methods, and a SEQUENCE higher than any sent before it.
    """
    organiser_name, organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)
    for vevent in _outrank_earlier_mails(vevents):
        vevent.add("organizer", f"mailto:{organiser}", parameters={"CN": organiser_name or organiser})
        vevent.add(
            "attendee",
            f"mailto:{registration.email}",
            parameters={"CN": registration.name, "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "ACCEPTED"},
        )
        if method == "CANCEL":
            vevent.pop("status", None)
            vevent.add("status", "CANCELLED")
    cal = calendars.calendar(*vevents, name=registration.event.title)
    cal.pop("method", None)
    cal.add("method", method)
    return cal.to_ical().decode()


def personal_update(registration: Registration, sessions) -> str:
    """METHOD:REQUEST for the day and the sessions the person has a confirmed place in (after they
    changed their choices): the entries of their confirmation, updated, and those of new places."""
    return scheduling_message(registration, _personal_vevents(registration, sessions), method="REQUEST")


def session_update(registration: Registration, session) -> str:
    """METHOD:REQUEST for one session whose time or room changed."""
    return scheduling_message(registration, [calendars.session_vevent(session)], method="REQUEST")


def session_cancellation(registration: Registration, session) -> str:
    """METHOD:CANCEL for one cancelled session: its entry leaves the person's calendar (same UID as in
    their confirmation, STATUS:CANCELLED, a SEQUENCE higher than any sent before)."""
    return sessions_cancellation(registration, [session])


def sessions_cancellation(registration: Registration, sessions) -> str:
    """METHOD:CANCEL for sessions the person no longer has a place in (dropped from their choices)."""
    return scheduling_message(registration, [calendars.session_vevent(s) for s in sessions], method="CANCEL")


def cancellation(registration: Registration, sessions) -> str:
    """METHOD:CANCEL for the day and the sessions the person had a confirmed place in when they
    cancelled (recorded with the message: the places are gone by the time it is written). Other
    sessions of the day were never in their calendar, and are not named."""
    vevents = [calendars.event_vevent(registration.event), *[calendars.session_vevent(s) for s in sessions]]
    return scheduling_message(registration, vevents, method="CANCEL")
