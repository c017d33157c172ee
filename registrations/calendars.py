"""The personal calendar file attached to a confirmation: the netwerkdag and the person's sessions.

Built from the site's own builders in g40events.calendars, so that its entries carry the same UIDs
as the public .ics files: a calendar that holds both shows each item once.
"""

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
