"""iCalendar (RFC 5545) for netwerkdagen and sessions, built with the icalendar library.

Plain functions, so that every .ics the site serves (a netwerkdag, a session, the feed of all
netwerkdagen, a participant's personal agenda) is made the same way:

    calendar(event_vevent(event), *[session_vevent(s) for s in sessions], name=event.title)

Times are local wall-clock times in Europe/Amsterdam (DTSTART;TZID=Europe/Amsterdam) with the
VTIMEZONE that describes them, so that a calendar shows 09:30 as 09:30 in any time zone setting.
UIDs are stable (`event-<pk>@<host>`, `session-<pk>@<host>`): importing an updated file updates
the entry instead of adding a second one. SEQUENCE is the entry's revision (`revision()`): each
later change of the netwerkdag or session gives a higher number, as RFC 5546 wants of an update.
"""

import datetime

import icalendar
from django.http import HttpResponse
from django.utils.translation import gettext as _

from g40events.clock import TIME_ZONE, local_datetime
from g40events.links import absolute_url, site_host
from g40events.text import plain_text

PRODID = "-//G40 stedennetwerk//g40events//NL"
# SEQUENCE counts seconds from here to an entry's last change: higher after every later edit, with
# no counter to keep, and within a 32-bit integer (as calendar programs store it) until 2092.
REVISION_EPOCH = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)


def revision(changed_at: datetime.datetime) -> int:
    """The SEQUENCE of an entry last changed at this moment."""
    return max(0, int((changed_at - REVISION_EPOCH).total_seconds()))


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


def event_location(event) -> str:
    """Venue name and address; the host city while the venue is not yet known."""
    venue = _join(event.venue_name, event.venue_address)
    if venue:
        return venue
    return event.host_city.name if event.host_city_id else ""


def _vevent(*, uid, summary, starts, ends, location, description, url, updated_at, cancelled=False):
    vevent = icalendar.Event()
    vevent.add("uid", uid)
    # DTSTAMP is the revision of the entry, so that the same data always gives the same bytes
    # (stable ETags) and a re-imported file counts as newer after an organiser's edit.
    vevent.add("dtstamp", updated_at)
    vevent.add("last-modified", updated_at)
    vevent.add("sequence", revision(updated_at))
    vevent.add("dtstart", starts)
    vevent.add("dtend", ends)
    vevent.add("summary", summary)
    if location:
        vevent.add("location", location)
    vevent.add("description", description)
    vevent.add("url", url)
    # A cancelled session stays in the feeds, so that a calendar that holds it learns it is off.
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    return vevent


def event_vevent(event) -> icalendar.Event:
    """A VEVENT for a netwerkdag. Uses event.host_city only when the venue is empty."""
    url = absolute_url(event.get_absolute_url())
    description = "\n\n".join(
        part
        for part in [plain_text(event.introduction_html), _("Programma en aanmelden: %(url)s") % {"url": url}]
        if part
    )
    return _vevent(
        uid=f"event-{event.pk}@{site_host()}",
        summary=event.title,
        starts=local_datetime(event.date, event.start_time),
        ends=local_datetime(event.date, event.end_time),
        location=event_location(event),
        description=description,
        url=url,
        updated_at=event.updated_at,
    )


def session_vevent(session) -> icalendar.Event:
    """A VEVENT for a session: room and venue as location, speakers in the description.

    Reads session.event and session.speaker_roles (with their speaker and organisation): fetch
    sessions with select_related("event") and with_speakers() (SessionQuerySet.for_programme()
    does both) to keep a calendar of many sessions at a fixed number of queries.
    """
    event = session.event
    url = absolute_url(session.get_absolute_url())
    speakers = [_speaker_with_organisation(role.speaker) for role in session.speaker_roles.all()]
    cancelled = session.cancelled_at is not None
    parts = [
        cancellation_note(session.cancellation_reason) if cancelled else "",
        _("Met: %(speakers)s") % {"speakers": "; ".join(speakers)} if speakers else "",
        plain_text(session.description_html),
        _("Onderdeel van %(event)s.") % {"event": event.title},
        _("Meer informatie: %(url)s") % {"url": url},
    ]
    return _vevent(
        uid=f"session-{session.pk}@{site_host()}",
        summary=_("Vervallen: %(title)s") % {"title": session.title} if cancelled else session.title,
        starts=local_datetime(event.date, session.start_time),
        ends=local_datetime(event.date, session.end_time),
        location=_join(session.location, event_location(event)),
        description="\n\n".join(part for part in parts if part),
        url=url,
        updated_at=session.updated_at,
        cancelled=cancelled,
    )


def cancellation_note(reason: str) -> str:
    """ "Deze sessie is vervallen." with the organiser's reason, for calendars and the frab JSON."""
    note = _("Deze sessie is vervallen.")
    return f"{note} {reason}" if reason else note


def _speaker_with_organisation(speaker) -> str:
    return f"{speaker.name} ({speaker.organisation.name})" if speaker.organisation_id else speaker.name


def calendar(
    *components: icalendar.Event, name: str, description: str = "", refresh: datetime.timedelta | None = None
) -> icalendar.Calendar:
    """A VCALENDAR holding the given components and the VTIMEZONE their times refer to.

    `name` becomes X-WR-CALNAME (the name a subscribed calendar gets); `refresh` tells
    subscribing clients how often to fetch the feed again.
    """
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TIME_ZONE)
    if description:
        cal.add("x-wr-caldesc", description)
    if refresh is not None:
        # icalendar does not know these two properties: give the value type explicitly.
        cal.add("refresh-interval", icalendar.vDuration(refresh), parameters={"VALUE": "DURATION"})
        cal.add("x-published-ttl", icalendar.vDuration(refresh))
    dates = [component.decoded("dtstart").date() for component in components]
    if dates:
        # The VTIMEZONE from the tz database, covering only the years the calendar uses.
        first, last = min(dates), max(dates)
        cal.add_component(
            icalendar.Timezone.from_tzid(
                TIME_ZONE,
                first_date=datetime.date(first.year, 1, 1),
                last_date=datetime.date(last.year + 1, 1, 1),
            )
        )
    for component in components:
        cal.add_component(component)
    return cal


def ics_response(cal: icalendar.Calendar, *, filename: str, inline: bool = False) -> HttpResponse:
    """The calendar as a text/calendar download (or inline, for a subscribed feed)."""
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
