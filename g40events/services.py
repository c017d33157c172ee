"""Writes with side effects in the event domain."""

import datetime

from django.db import transaction
from django.utils.text import slugify

from g40events.models import Event, Organisation, Status


def _free_slug(base: str) -> str:
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def duplicate_event(*, event: Event, date: datetime.date, host_city: Organisation, title: str = "") -> Event:
    """Copy an event's programme skeleton to a new date and host city, as a concept.

    Copies the event's kind and times, and each session with its kind, times, room,
    capacity, pillars and theme groups. Speakers, materials, recaps, the announcement and
    the registration window are not copied: they belong to one edition.
    """
    title = title or f"{event.get_kind_display()} {host_city.name} {date.year}"
    new_event = Event.objects.create(
        title=title,
        slug=_free_slug(slugify(title)[:190] or "netwerkdag"),
        kind=event.kind,
        date=date,
        start_time=event.start_time,
        end_time=event.end_time,
        host_city=host_city,
        status=Status.DRAFT,
        is_announced=False,
        capacity=event.capacity,
        ask_dietary_needs=event.ask_dietary_needs,
        ask_accessibility_needs=event.ask_accessibility_needs,
    )
    for session in event.sessions.prefetch_related("pillars", "theme_groups"):
        copy = new_event.sessions.create(
            title=session.title,
            slug=session.slug,
            description=session.description,
            kind=session.kind,
            start_time=session.start_time,
            end_time=session.end_time,
            location="",
            takes_registrations=session.takes_registrations,
            capacity=session.capacity,
        )
        copy.pillars.set(session.pillars.all())
        copy.theme_groups.set(session.theme_groups.all())
    return new_event
