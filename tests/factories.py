"""Small factories for tests: each makes one valid object, with overrides."""

import contextlib
import datetime
import itertools

from django.utils import timezone
from django.utils.text import slugify

from g40events.models import Event, Organisation, Pillar, Recap, Status, ThemeGroup
from sessions.models import Material, Session, SessionSpeaker
from speakers.models import Speaker

_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


# A row a factory makes is what a test starts from, not an organiser's edit: it gets no first version
# in its history (which cost a history row, and for a session its m2m reads, on every call). Tests of
# the history itself turn this on (monkeypatch.setattr(factories, "RECORD_HISTORY", True)).
RECORD_HISTORY = False


@contextlib.contextmanager
def _unrecorded(row):
    """Saves and m2m changes of `row` within the block make no version (django-simple-history's
    skip_history_when_saving); later ones do, as usual."""
    if not RECORD_HISTORY:
        row.skip_history_when_saving = True
    try:
        yield row
    finally:
        row.__dict__.pop("skip_history_when_saving", None)


def _create(model, **fields):
    with _unrecorded(model(**fields)) as row:
        row.save()
    return row


def make_organisation(**overrides) -> Organisation:
    n = _n()
    fields = {"name": f"Gemeente {n}", "kind": Organisation.Kind.G40_CITY}
    fields.update(overrides)
    return _create(Organisation, **fields)


def make_pillar(**overrides) -> Pillar:
    n = _n()
    fields = {"name": f"Pijler {n}", "position": n}
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["name"]))
    return _create(Pillar, **fields)


def make_theme_group(**overrides) -> ThemeGroup:
    n = _n()
    fields = {"name": f"Themagroep {n}"}
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["name"]))
    return _create(ThemeGroup, **fields)


def make_event(**overrides) -> Event:
    n = _n()
    fields = {
        "title": f"Ambtelijke netwerkdag {n}",
        "date": datetime.date(2030, 5, 1),
        "start_time": datetime.time(9, 30),
        "end_time": datetime.time(16, 30),
        "status": Status.PUBLISHED,
    }
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["title"]))
    if "host_city" not in fields:
        fields["host_city"] = make_organisation()
    return _create(Event, **fields)


def make_session(**overrides) -> Session:
    n = _n()
    pillars = overrides.pop("pillars", [])
    theme_groups = overrides.pop("theme_groups", [])
    speakers = overrides.pop("speakers", [])
    fields = {
        "title": f"Sessie {n}",
        "kind": Session.Kind.PARALLEL,
        "start_time": datetime.time(11, 0),
        "end_time": datetime.time(12, 0),
    }
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["title"]))
    if "event" not in fields:
        fields["event"] = make_event()
    with _unrecorded(Session(**fields)) as session:
        session.save()
        if pillars:  # set() reads what there is first: none, for a new session
            session.pillars.set(pillars)
        if theme_groups:
            session.theme_groups.set(theme_groups)
        for position, speaker in enumerate(speakers):
            _create(SessionSpeaker, session=session, speaker=speaker, position=position)
    return session


def make_speaker(**overrides) -> Speaker:
    n = _n()
    fields = {"name": f"Spreker {n}", "job_title": "Onderzoeker"}
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["name"]))
    return _create(Speaker, **fields)


def make_material(**overrides) -> Material:
    n = _n()
    fields = {"title": f"Presentatie {n}", "url": f"https://example.org/presentatie-{n}"}
    fields.update(overrides)
    if "session" not in fields:
        fields["session"] = make_session()
    return _create(Material, **fields)


def make_recap(**overrides) -> Recap:
    n = _n()
    fields = {
        "title": f"Terugblik {n}",
        "body": "Een **mooie** dag.",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    fields.update(overrides)
    fields.setdefault("slug", slugify(fields["title"]))
    if "event" not in fields:
        fields["event"] = make_event()
    return _create(Recap, **fields)
