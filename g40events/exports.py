"""Views that answer other programs rather than people.

Calendars (.ics) for a netwerkdag, a session and all netwerkdagen; the programme in the frab
schedule JSON that conference apps read (Giggity, EventFahrplan, ConfClerk); the health check
of load balancers. Each reads its data in a fixed number of queries, whatever the size of the
programme. Drafts are 404 for the public, as their pages are; staff who may change them can
preview them here too.
"""

import datetime
import math
import re
import uuid

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from g40events import calendars
from g40events.clock import TIME_ZONE, TZ, local_datetime
from g40events.links import absolute_url, site_host
from g40events.models import Event
from g40events.preview import visible_to
from g40events.text import plain_text
from sessions.models import Session

FRAB_SCHEMA = "https://c3voc.de/schedule/schema.json"


@require_safe
def event_ics(request, slug):
    """A netwerkdag as one calendar entry, for "zet in je agenda"."""
    event = get_object_or_404(visible_to(request.user, Event.objects.select_related("host_city")), slug=slug)
    cal = calendars.calendar(calendars.event_vevent(event), name=event.title)
    return calendars.ics_response(cal, filename=f"{event.slug}.ics")


@require_safe
def session_ics(request, event_slug, slug):
    """One session of a netwerkdag as a calendar entry."""
    sessions = Session.objects.select_related("event__host_city").with_speakers()
    session = get_object_or_404(visible_to(request.user, sessions), event__slug=event_slug, slug=slug)
    event = session.event
    cal = calendars.calendar(calendars.session_vevent(session), name=session.title)
    return calendars.ics_response(cal, filename=f"{event.slug}-{session.slug}.ics")


@require_safe
def events_calendar(request):
    """Every published netwerkdag, past and coming: a feed to subscribe to."""
    events = Event.objects.published().select_related("host_city").order_by("date", "start_time")
    cal = calendars.calendar(
        *[calendars.event_vevent(event) for event in events],
        name=_("G40 netwerkdagen"),
        description=_("De netwerkdagen van het G40 stedennetwerk."),
        refresh=datetime.timedelta(hours=12),
    )
    return calendars.ics_response(cal, filename="g40-netwerkdagen.ics", inline=True)


@require_safe
def schedule_json(request, slug):
    """The programme of a netwerkdag in the frab schedule JSON (c3voc schema)."""
    event = get_object_or_404(visible_to(request.user, Event.objects.all()), slug=slug)
    sessions = list(
        event.sessions.with_speakers()
        .prefetch_related("pillars", "materials")
        .order_by("start_time", "end_time", "title")
    )
    for session in sessions:
        session.event = event
    return JsonResponse(frab_schedule(event, sessions), json_dumps_params={"ensure_ascii": False})


def _guid(kind: str, key) -> str:
    """A stable UUID for an object on this site, as frab's guid fields want."""
    namespace = uuid.uuid5(uuid.NAMESPACE_DNS, site_host())
    return str(uuid.uuid5(namespace, f"{kind}-{key}"))


def _hh_mm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def frab_schedule(event, sessions) -> dict:
    """The schedule dict for an event and its sessions (prefetched: pillars, speakers, materials).

    One day, with the sessions per room in time order. A session without a room is placed in the
    venue (or "Algemeen" while that is unknown).
    """
    default_room = event.venue_name or _("Algemeen")
    rooms: dict[str, list] = {}
    for session in sessions:
        room = session.location or default_room
        rooms.setdefault(room, []).append(_frab_talk(event, session, room))
    times = [_minutes(t) for s in sessions for t in (s.start_time, s.end_time)]
    timeslot = math.gcd(60, *times) if times else 15
    version = max([event.updated_at, *(s.updated_at for s in sessions)])
    return {
        "$schema": FRAB_SCHEMA,
        "generator": {"name": "g40events"},
        "schedule": {
            "version": timezone_iso(version),
            "base_url": absolute_url("/"),
            "conference": {
                "acronym": frab_acronym(event.slug),
                "title": event.title,
                "start": event.date.isoformat(),
                "end": event.date.isoformat(),
                "daysCount": 1,
                "timeslot_duration": _hh_mm(max(timeslot, 5)),
                "time_zone_name": TIME_ZONE,
                "url": absolute_url(event.get_absolute_url()),
                "rooms": [{"name": room, "guid": _guid("room", f"{event.pk}-{room}")} for room in rooms],
                "tracks": _tracks(sessions),
                "days": [
                    {
                        "index": 0,
                        "date": event.date.isoformat(),
                        "day_start": local_datetime(event.date, event.start_time).isoformat(),
                        "day_end": local_datetime(event.date, event.end_time).isoformat(),
                        "rooms": rooms,
                    }
                ],
            },
        },
    }


def frab_acronym(slug: str) -> str:
    """The event's slug in the form c3voc's schema allows for an acronym.

    The schema allows a hyphen only in first place or before a year and a word ("36c3",
    "jev-2024-camp"), so the slug's hyphens become underscores: "deventer-2024" -> "deventer_2024".
    """
    acronym = re.sub(r"[^a-z0-9_]", "_", slug.lower())
    return acronym.ljust(4, "_")


def frab_slug(*parts) -> str:
    """A slug as the schema's pattern has it: lower case, digits, "-" and "_", ending in neither."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", "-".join(str(part) for part in parts).lower()).strip("-_")
    return slug or "x"


def timezone_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(TZ).isoformat(timespec="seconds")


def _tracks(sessions) -> list[dict]:
    pillars = {pillar.pk: pillar for session in sessions for pillar in session.pillars.all()}
    ordered = sorted(pillars.values(), key=lambda pillar: (pillar.position, pillar.name))
    return [{"name": pillar.name, "slug": frab_slug(pillar.slug)} for pillar in ordered]


def _frab_talk(event, session, room: str) -> dict:
    description = plain_text(session.description_html)
    materials = list(session.materials.all())
    return {
        "guid": _guid("session", session.pk),
        "id": session.pk,
        "date": local_datetime(event.date, session.start_time).isoformat(),
        "start": session.start_time.strftime("%H:%M"),
        "duration": _hh_mm(_minutes(session.end_time) - _minutes(session.start_time)),
        "room": room,
        "slug": frab_slug(event.slug, session.pk, session.slug),
        "url": absolute_url(session.get_absolute_url()),
        "title": session.title,
        "subtitle": "",
        "track": ", ".join(pillar.name for pillar in session.pillars.all()) or None,
        "type": session.get_kind_display(),
        "language": "nl",
        "abstract": description.split("\n\n", 1)[0],
        "description": description,
        "persons": [_frab_person(role) for role in session.speaker_roles.all()],
        "links": [
            {"title": material.title, "url": material.url, "type": "related"}
            for material in materials
            if material.url
        ],
        "attachments": [
            {"title": material.title, "url": _absolute(material.file.url), "type": "related"}
            for material in materials
            if material.file
        ],
    }


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def _frab_person(role) -> dict:
    """A speaker in the schema's pretalx shape (`name`, no integer `id`), as pretalx writes it.

    The schema's Person is oneOf a frab person (`id` and `public_name`) and a pretalx person
    (`name`): one carrying both matches both and is invalid. `public_name` stays for the apps that
    read only that (frab's own shape needs `id` as well, so it does not match it).
    """
    speaker = role.speaker
    return {
        "guid": _guid("speaker", speaker.pk),
        "name": speaker.name,
        "public_name": speaker.name,
        "role": role.get_role_display(),
        "organisation": speaker.organisation.name if speaker.organisation_id else "",
        "biography": plain_text(speaker.bio_html),
        "url": absolute_url(speaker.get_absolute_url()),
    }


@require_safe
@never_cache
def health(request):
    """200 "ok" while the process serves requests. Touches no database on purpose.

    A load balancer takes an app server out of rotation when this fails; a database outage
    would fail every app server at once, leaving visitors a bare 502 instead of the site's
    error page. It is also the benchmark's baseline: the cost of the request stack alone.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
