"""Views that answer other programs rather than people.

Calendars (.ics) for a netwerkdag, a session and all netwerkdagen; the programme in the frab
schedule JSON that conference apps read (Giggity, EventFahrplan, ConfClerk); the health check
of load balancers. Each reads its data in a fixed number of queries, whatever the size of the
programme. Drafts are 404 for the public, as their pages are; staff who may change them can
preview them here too.
"""

import datetime
import functools
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
from g40events.compiled_queries import CompiledQuery
from g40events.links import absolute_url, site_host, url_by_slug
from g40events.models import Event
from g40events.preview import visible_to
from g40events.text import plain_text
from sessions.models import Material, Session, SessionSpeaker

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
    return JsonResponse(frab_schedule(event), json_dumps_params={"ensure_ascii": False})


@functools.lru_cache(maxsize=8192)
def _guid(host: str, kind: str, key) -> str:
    """A stable UUID for an object on this site, as frab's guid fields want (uuid5 of the host).
    Remembered: an export of a 60-session day asks for some 200, the same each time."""
    return str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_DNS, host), f"{kind}-{key}"))


def _guids():
    """The guid maker for this site: guid(kind, key)."""
    return functools.partial(_guid, site_host())


# Texts are converted once per version of the text: the HTML is stored at save, and an export asks
# for the plain text of every session and speaker of the day each time it is made.
_plain_text = functools.lru_cache(maxsize=2048)(plain_text)

# The export's reads, compiled once per process (g40events/compiled_queries.py): the ORM's building
# of four queries took longer than SQLite took to run them.
_TALKS = CompiledQuery(
    lambda event_id: (
        Session.objects.filter(event_id=event_id)
        .order_by("start_time", "end_time", "title")
        .values_list(
            "pk",
            "slug",
            "title",
            "kind",
            "start_time",
            "end_time",
            "location",
            "description_html",
            "updated_at",
            "cancelled_at",
            "cancellation_reason",
        )
    )
)
_PERSONS = CompiledQuery(
    lambda event_id: (
        SessionSpeaker.objects.filter(session__event_id=event_id)
        .order_by("position", "id")
        .values_list(
            "session_id",
            "role",
            "speaker_id",
            "speaker__name",
            "speaker__slug",
            "speaker__bio_html",
            "speaker__organisation__name",
        )
    )
)
_TRACKS = CompiledQuery(
    lambda event_id: (
        Session.pillars.through.objects.filter(session__event_id=event_id)
        .order_by("pillar__position", "pillar__name")
        .values_list("session_id", "pillar_id", "pillar__name", "pillar__slug")
    )
)
_MATERIALS = CompiledQuery(
    lambda event_id: (
        Material.objects.filter(session__event_id=event_id)
        .order_by("position", "id")
        .values_list("session_id", "title", "url", "file")
    )
)


def _hh_mm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(time: datetime.time) -> int:
    return time.hour * 60 + time.minute


def frab_schedule(event) -> dict:
    """The schedule of a netwerkdag as a dict for frab's JSON; four queries after the event's.

    One day, with the sessions per room in time order. A session without a room is placed in the
    venue (or "Algemeen" while that is unknown). The programme is read as plain rows by SQL compiled
    once per process (as the netwerkdag page reads it, sessions/programme.py), each text converted
    once per version of it and each URL pattern reversed once: the export of a 60-session day is the
    largest response of the site.
    """
    talks, tracks, version = _frab_talks(event)
    default_room = event.venue_name or _("Algemeen")
    rooms: dict[str, list] = {}
    for talk in talks:
        talk["room"] = talk["room"] or default_room
        rooms.setdefault(talk["room"], []).append(talk)
    times = [_minutes(t) for talk in talks for t in (talk.pop("_start"), talk.pop("_end"))]
    timeslot = math.gcd(60, *times) if times else 15
    guid = _guids()
    return {
        "$schema": FRAB_SCHEMA,
        "generator": {"name": "g40events"},
        "schedule": {
            "version": timezone_iso(max(event.updated_at, version) if version else event.updated_at),
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
                "rooms": [{"name": room, "guid": guid("room", f"{event.pk}-{room}")} for room in rooms],
                "tracks": tracks,
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


def _frab_talks(event) -> tuple[list[dict], list[dict], datetime.datetime | None]:
    """The talks of a netwerkdag in time order (room not yet defaulted), its tracks, its last change."""
    guid = _guids()
    base = absolute_url("")
    session_url = url_by_slug("programme:detail", event_slug=event.slug)
    speaker_url = url_by_slug("speakers:detail")
    kind_labels = {kind: str(label) for kind, label in Session.Kind.choices}
    role_labels = {role: str(label) for role, label in SessionSpeaker.Role.choices}
    rows = _TALKS.rows(event_id=event.pk)
    talks: dict[int, dict] = {}
    version = None
    cancelled_title = _("Vervallen: %(title)s")
    for pk, slug, title, kind, start, end, location, description_source, updated_at, *cancelled in rows:
        version = updated_at if version is None else max(version, updated_at)
        description = _plain_text(description_source)
        cancelled_at, reason = cancelled
        if cancelled_at is not None:
            # Apps show the title and the abstract: both say it, and the session stays findable.
            title = cancelled_title % {"title": title}
            note = calendars.cancellation_note(reason)
            description = f"{note}\n\n{description}" if description else note
        talks[pk] = {
            "guid": guid("session", pk),
            "id": pk,
            "date": local_datetime(event.date, start).isoformat(),
            "start": start.strftime("%H:%M"),
            "duration": _hh_mm(_minutes(end) - _minutes(start)),
            "room": location,
            "slug": frab_slug(event.slug, pk, slug),
            "url": base + session_url(slug),
            "title": title,
            "subtitle": "",
            "track": None,
            "type": kind_labels.get(kind, kind),
            "language": "nl",
            "abstract": description.split("\n\n", 1)[0],
            "description": description,
            "persons": [],
            "links": [],
            "attachments": [],
            "_start": start,
            "_end": end,
        }
    if not talks:
        return [], [], version

    roles = _PERSONS.rows(event_id=event.pk)
    for session_id, role, speaker_id, name, slug, bio, organisation in roles:
        talks[session_id]["persons"].append(
            _frab_person(
                guid=guid("speaker", speaker_id),
                name=name,
                role=role_labels.get(role, role),
                organisation=organisation or "",
                biography=_plain_text(bio),
                url=base + speaker_url(slug),
            )
        )

    pillars = {}
    pillar_links = _TRACKS.rows(event_id=event.pk)
    track_names: dict[int, list[str]] = {}
    for session_id, pillar_id, name, slug in pillar_links:
        pillars.setdefault(pillar_id, {"name": name, "slug": frab_slug(slug)})
        track_names.setdefault(session_id, []).append(name)
    for session_id, names in track_names.items():
        talks[session_id]["track"] = ", ".join(names)

    storage = Material._meta.get_field("file").storage
    materials = _MATERIALS.rows(event_id=event.pk)
    for session_id, title, url, file in materials:
        if url:
            talks[session_id]["links"].append({"title": title, "url": url, "type": "related"})
        if file:
            attachment = {"title": title, "url": _absolute(storage.url(file)), "type": "related"}
            talks[session_id]["attachments"].append(attachment)
    return list(talks.values()), list(pillars.values()), version


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


def _absolute(url: str) -> str:
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def _frab_person(*, guid, name, role, organisation, biography, url) -> dict:
    """A speaker in the schema's pretalx shape (`name`, no integer `id`), as pretalx writes it.

    The schema's Person is oneOf a frab person (`id` and `public_name`) and a pretalx person
    (`name`): one carrying both matches both and is invalid. `public_name` stays for the apps that
    read only that (frab's own shape needs `id` as well, so it does not match it).
    """
    return {
        "guid": guid,
        "name": name,
        "public_name": name,
        "role": role,
        "organisation": organisation,
        "biography": biography,
        "url": url,
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
