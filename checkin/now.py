"""'Nu en straks': what runs now and what comes next at a netwerkdag, on the site's clock.

Clock times of the programme are wall-clock times in Europe/Amsterdam (g40events.clock); the
moment compared is clock.now(), so the demo's SITE_DATE and the tests' time-machine both apply.
"""

import dataclasses
import datetime

from django.utils import timezone

from g40events import clock
from registrations.models import Place
from sessions.models import Session


@dataclasses.dataclass(frozen=True)
class NowAndNext:
    moment: datetime.datetime  # local time in Europe/Amsterdam
    state: str  # "before" (another day, or before the start), "during", "after"
    now: list[Session]
    next: list[Session]

    @property
    def next_start(self) -> datetime.time | None:
        return self.next[0].start_time if self.next else None


def _local_now() -> datetime.datetime:
    return timezone.localtime(clock.now(), clock.TZ)


def now_and_next(event, moment: datetime.datetime | None = None) -> NowAndNext:
    """The sessions running at the moment and those of the next starting time."""
    moment = timezone.localtime(moment or clock.now(), clock.TZ)
    sessions = list(Session.objects.filter(event=event).order_by("start_time", "end_time", "title"))
    if moment.date() < event.date:
        return NowAndNext(moment, "before", [], _starting_first(sessions))
    if moment.date() > event.date:
        return NowAndNext(moment, "after", [], [])
    time = moment.time()
    running = [s for s in sessions if s.start_time <= time < s.end_time]
    later = [s for s in sessions if s.start_time > time]
    upcoming = [s for s in later if s.start_time == later[0].start_time] if later else []
    if time < event.start_time and not running:
        return NowAndNext(moment, "before", [], upcoming)
    if time >= event.end_time and not running:
        return NowAndNext(moment, "after", [], [])
    return NowAndNext(moment, "during", running, upcoming)


def _starting_first(sessions: list[Session]) -> list[Session]:
    if not sessions:
        return []
    return [s for s in sessions if s.start_time == sessions[0].start_time]


@dataclasses.dataclass(frozen=True)
class NextSession:
    session: Session
    is_now: bool


def next_for(registration) -> NextSession | None:
    """The registrant's own session running now or starting next, on the day itself; else None."""
    event = registration.event
    moment = _local_now()
    if moment.date() != event.date:
        return None
    time = moment.time()
    places = (
        Place.objects.confirmed()
        .filter(registration=registration, session__end_time__gt=time)
        .select_related("session")
        .order_by("session__start_time", "session__title")
    )
    place = places.first()
    if place is None:
        return None
    return NextSession(session=place.session, is_now=place.session.start_time <= time)
