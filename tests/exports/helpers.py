"""Data for the export tests: a small version of the Deventer netwerkdag."""

import datetime

from g40events.models import Status
from tests.factories import (
    make_event,
    make_organisation,
    make_pillar,
    make_session,
    make_speaker,
    make_theme_group,
)

SITE_URL = "https://netwerkdagen.example.nl"


def make_deventer(**overrides):
    fields = {
        "title": "Ambtelijke netwerkdag Deventer 2024",
        "slug": "deventer-2024",
        "date": datetime.date(2024, 4, 24),
        "start_time": datetime.time(9, 30),
        "end_time": datetime.time(16, 30),
        "venue_name": "Stadhuis Deventer",
        "venue_address": "Grote Kerkhof 1, 7411 KV Deventer",
        "introduction": "De **ambtelijke** netwerkdag, met [het programma](https://example.org/p).",
        "status": Status.PUBLISHED,
    }
    fields.update(overrides)
    fields.setdefault("host_city", make_organisation(name=f"Deventer {fields['slug']}"))
    return make_event(**fields)


def add_sessions(event, count, *, start_hour=10):
    """`count` parallel sessions with two speakers each, a pillar and a theme group."""
    pillar = make_pillar()
    theme_group = make_theme_group(pillar=pillar)
    organisation = make_organisation(name=f"Kennisinstituut {event.slug}")
    sessions = []
    for n in range(count):
        speakers = [
            make_speaker(name=f"Spreker {event.slug} {n}a", organisation=organisation),
            make_speaker(name=f"Spreker {event.slug} {n}b"),
        ]
        sessions.append(
            make_session(
                event=event,
                title=f"Sessie {n}",
                slug=f"sessie-{n}",
                start_time=datetime.time(start_hour + n % 4, 0),
                end_time=datetime.time(start_hour + n % 4, 45),
                location=f"Zaal {n % 3}",
                pillars=[pillar],
                theme_groups=[theme_group],
                speakers=speakers,
            )
        )
    return sessions
