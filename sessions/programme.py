"""Sessions as the public pages show them: cards on a programme, rows on a list across editions.

A large netwerkdag has 60 sessions, 120 speakers and 30 theme groups. Read as model instances
with prefetches its page took well over 100 ms to render. Here sessions are read as plain rows in
a few queries, whatever their number (a netwerkdag's programme in three compiled ones); each
netwerkdag, pillar, theme group and URL is built once and shared by the cards that show it. The templates in templates/jinja2/includes/programme.html draw them
(figures in bench/README.md).
"""

import datetime
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import CharField, IntegerField, QuerySet, Value
from django.utils.translation import gettext as _

from g40events.compiled_queries import CompiledQuery
from g40events.links import url_by_slug
from g40events.models import Event
from sessions.models import Material, Session, SessionSpeaker


@dataclass(frozen=True)
class PillarTag:
    """A pillar as a session card and the programme filter show it."""

    pk: int
    name: str
    slug: str
    position: int
    url: str


@dataclass(frozen=True)
class ThemeGroupTag:
    """A theme group as a session card and the programme filter show it."""

    pk: int
    name: str
    slug: str
    url: str
    pillar: PillarTag | None


@dataclass(frozen=True)
class Edition:
    """The netwerkdag of a session, on a list of sessions across netwerkdagen."""

    pk: int
    title: str
    date: datetime.date
    url: str


# The speakers, materials and places of cards are NamedTuples: a programme makes hundreds of them
# per render, and a tuple is made in a third of the time of a frozen dataclass.


class CardSpeaker(NamedTuple):
    name: str
    url: str
    job_title: str
    organisation: str | None
    role: str
    role_label: str

    @property
    def is_speaker(self) -> bool:
        """Whether the role goes without saying: a moderator or a host is named as such."""
        return self.role == SessionSpeaker.Role.SPEAKER


class CardMaterial(NamedTuple):
    title: str
    href: str
    print_url: str
    file_type: str | None  # "PDF" for an uploaded file; None for a link


class Places(NamedTuple):
    """The places of a session that takes sign-ups, while sign-up is open (registrations/programme.py)."""

    capacity: int | None  # None: no maximum
    taken: int
    waiting: int
    sign_up_url: str

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    @property
    def is_full(self) -> bool:
        """Whether a new sign-up joins the waiting list: no place left, or others wait already."""
        return self.capacity is not None and (self.taken >= self.capacity or self.waiting > 0)


@dataclass
class SessionCard:
    """A session with everything its card, its row or its page shows of it."""

    pk: int
    title: str
    kind: str
    kind_label: str
    start_time: datetime.time
    end_time: datetime.time
    location: str
    url: str
    edition: Edition
    speakers: list[CardSpeaker] = field(default_factory=list)
    pillars: list[PillarTag] = field(default_factory=list)
    theme_groups: list[ThemeGroupTag] = field(default_factory=list)
    materials: list[CardMaterial] = field(default_factory=list)
    places: Places | None = None  # while sign-up is open, for a session that takes sign-ups
    cancelled: bool = False
    cancellation_reason: str = ""

    @property
    def is_for_everyone(self) -> bool:
        return not self.pillars and not self.theme_groups

    def belongs_to_pillar(self, pillar: PillarTag) -> bool:
        return pillar in self.pillars or any(group.pillar == pillar for group in self.theme_groups)

    def belongs_to_theme_group(self, theme_group: ThemeGroupTag) -> bool:
        return theme_group in self.theme_groups


def programme_cards(event: Event) -> list[SessionCard]:
    """The sessions of a netwerkdag in programme order, with all that their cards show.

    Three queries, whatever the size of the programme: the sessions with their materials, their
    speakers, and their tags (pillars and theme groups). The page reads its programme on every cold
    render, so these are CompiledQuery reads: the ORM builds their SQL once per process.
    """
    edition = Edition(event.pk, event.title, event.date, event.get_absolute_url())
    session_url = url_by_slug("programme:detail", event_slug=event.slug)
    kind_labels = _kind_labels()
    cards: dict[int, SessionCard] = {}
    material = _material_builder()
    width = len(_SESSION_COLUMNS)
    for row in _PROGRAMME_SESSIONS.rows(event_id=event.pk):
        card = cards.get(row[0])
        if card is None:
            card = cards[row[0]] = _card(row[:width], kind_labels, session_url, edition)
        material_row = row[width:]
        if material_row[0] is not None:
            card.materials.append(material(*material_row))
    if cards:
        _add_speakers(cards, _PROGRAMME_SPEAKERS.rows(event_id=event.pk))
        _add_tags(cards, _PROGRAMME_TAGS.rows(event_id=event.pk))
    return list(cards.values())


def session_cards(sessions: QuerySet) -> list[SessionCard]:
    """The given sessions, in the queryset's order, with their speakers, tags and materials.

    Five queries, whatever the number of sessions (one when there are none).
    """
    cards = _session_cards(sessions)
    if cards:
        _add_speakers(cards, _speaker_rows(session_id__in=cards))
        pillars = _pillar_rows(session_id__in=cards).order_by("pillar__position", "pillar__name")
        theme_groups = _theme_group_rows(session_id__in=cards).order_by("themegroup__name")
        _add_tags(cards, itertools.chain(pillars, theme_groups))
        material = _material_builder()
        materials = (
            Material.objects.filter(session_id__in=cards)
            .order_by("position", "id")
            .values_list("session_id", "title", "file", "url")
        )
        for session_id, *material_row in materials:
            cards[session_id].materials.append(material(*material_row))
    return list(cards.values())


def session_card(session: Session) -> SessionCard:
    """The card of a session already read with its netwerkdag (the session's own page), with its
    speakers, tags and materials. Three compiled queries: the session itself is not read again."""
    event = session.event
    card = _card(
        tuple(getattr(session, column) for column in _SESSION_COLUMNS),
        _kind_labels(),
        url_by_slug("programme:detail", event_slug=event.slug),
        Edition(event.pk, event.title, event.date, url_by_slug("events:detail")(event.slug)),
    )
    cards = {card.pk: card}
    _add_speakers(cards, _SESSION_SPEAKERS.rows(session_id=session.pk))
    _add_tags(cards, _SESSION_TAGS.rows(session_id=session.pk))
    material = _material_builder()
    card.materials = [material(*row) for row in _SESSION_MATERIALS.rows(session_id=session.pk)]
    return card


def session_rows(sessions: QuerySet) -> list[SessionCard]:
    """The given sessions with what a row on a list shows: speakers and theme groups. Three queries."""
    cards = _session_cards(sessions)
    if cards:
        _add_speakers(cards, _speaker_rows(session_id__in=cards))
        _add_tags(cards, _theme_group_rows(session_id__in=cards).order_by("themegroup__name"))
    return list(cards.values())


def _kind_labels() -> dict[str, str]:
    return {kind: str(label) for kind, label in Session.Kind.choices}  # translated once


# The columns of a session on a card (as `_card` reads them), and with its netwerkdag.
_SESSION_COLUMNS = (
    "pk",
    "title",
    "slug",
    "kind",
    "start_time",
    "end_time",
    "location",
    "cancelled_at",
    "cancellation_reason",
)
_CARD_COLUMNS = (*_SESSION_COLUMNS, "event_id", "event__title", "event__slug", "event__date")


def _card(row: tuple, kind_labels: dict, session_url: Callable[[str], str], edition: Edition) -> SessionCard:
    """A session's card, without speakers, tags and materials, from its `_SESSION_COLUMNS`."""
    pk, title, slug, kind, start, end, location, cancelled_at, reason = row
    return SessionCard(
        pk=pk,
        title=title,
        kind=kind,
        kind_label=kind_labels.get(kind, kind),
        start_time=start,
        end_time=end,
        location=location,
        url=session_url(slug),
        edition=edition,
        cancelled=cancelled_at is not None,
        cancellation_reason=reason,
    )


def _session_cards(sessions: QuerySet) -> dict[int, SessionCard]:
    return _cards_from_rows(sessions.values_list(*_CARD_COLUMNS))


def _cards_from_rows(rows: Iterable[tuple]) -> dict[int, SessionCard]:
    kind_labels = _kind_labels()
    event_url = url_by_slug("events:detail")
    editions: dict[int, Edition] = {}
    session_urls: dict[int, Callable[[str], str]] = {}
    cards = {}
    width = len(_SESSION_COLUMNS)
    for row in rows:
        event_id, *event = row[width:]
        if event_id not in editions:
            event_title, event_slug, event_date = event
            editions[event_id] = Edition(event_id, event_title, event_date, event_url(event_slug))
            session_urls[event_id] = url_by_slug("programme:detail", event_slug=event_slug)
        cards[row[0]] = _card(row[:width], kind_labels, session_urls[event_id], editions[event_id])
    return cards


# The rows of the speakers and tags of sessions: the same columns whether they are read for a
# netwerkdag (compiled, below) or for any sessions.


def _speaker_rows(**session_filter) -> QuerySet:
    return (
        SessionSpeaker.objects.filter(**session_filter)
        .order_by("position", "id")
        .values_list(
            "session_id",
            "role",
            "speaker__name",
            "speaker__slug",
            "speaker__job_title",
            "speaker__organisation__name",
        )
    )


_NO_THEME_GROUP = (
    Value(None, output_field=IntegerField()),
    Value(None, output_field=CharField()),
    Value(None, output_field=CharField()),
)


def _pillar_rows(**session_filter) -> QuerySet:
    """A session's pillars as tag rows: session, no theme group, pillar."""
    return Session.pillars.through.objects.filter(**session_filter).values_list(
        "session_id", *_NO_THEME_GROUP, "pillar_id", "pillar__name", "pillar__slug", "pillar__position"
    )


def _theme_group_rows(**session_filter) -> QuerySet:
    """A session's theme groups as tag rows: session, theme group, the group's pillar (or None)."""
    return Session.theme_groups.through.objects.filter(**session_filter).values_list(
        "session_id",
        "themegroup_id",
        "themegroup__name",
        "themegroup__slug",
        "themegroup__pillar_id",
        "themegroup__pillar__name",
        "themegroup__pillar__slug",
        "themegroup__pillar__position",
    )


def _tag_rows(**session_filter) -> QuerySet:
    """Theme groups and pillars of sessions in one query: theme groups by name; pillars (no theme
    group) by position and name."""
    return (
        _theme_group_rows(**session_filter)
        .union(_pillar_rows(**session_filter), all=True)
        .order_by("themegroup__name", "themegroup__pillar__position", "themegroup__pillar__name")
    )


_PROGRAMME_SESSIONS = CompiledQuery(
    lambda event_id: (
        Session.objects.filter(event_id=event_id)
        .order_by("start_time", "end_time", "title", "pk", "materials__position", "materials__id")
        .values_list(*_SESSION_COLUMNS, "materials__title", "materials__file", "materials__url")
    )
)
_PROGRAMME_SPEAKERS = CompiledQuery(lambda event_id: _speaker_rows(session__event_id=event_id))
_PROGRAMME_TAGS = CompiledQuery(lambda event_id: _tag_rows(session__event_id=event_id))


# The same for one session (its page).
_SESSION_SPEAKERS = CompiledQuery(lambda session_id: _speaker_rows(session_id=session_id))
_SESSION_TAGS = CompiledQuery(lambda session_id: _tag_rows(session_id=session_id))
_SESSION_MATERIALS = CompiledQuery(
    lambda session_id: (
        Material.objects.filter(session_id=session_id)
        .order_by("position", "id")
        .values_list("title", "file", "url")
    )
)


def _add_speakers(cards: dict[int, SessionCard], rows: Iterable[tuple]):
    speaker_url = url_by_slug("speakers:detail")
    role_labels = {role: str(label) for role, label in SessionSpeaker.Role.choices}
    for session_id, role, name, slug, job_title, organisation in rows:
        cards[session_id].speakers.append(
            CardSpeaker(
                name=name,
                url=speaker_url(slug),
                job_title=job_title,
                organisation=organisation,
                role=role,
                role_label=role_labels.get(role, role),
            )
        )


def _add_tags(cards: dict[int, SessionCard], rows: Iterable[tuple]):
    """The pillars and theme groups of the sessions, each once, shared by the cards that show it.

    Rows of theme groups have the group's primary key, name and slug, then its pillar; rows of
    pillars have None for those three. A card lists them in the order of the rows, which is that of
    their models (Pillar: position, name; ThemeGroup: name), as the rest of the site does.
    """
    pillar_url = url_by_slug("events:pillar")
    theme_group_url = url_by_slug("events:theme_group")
    pillar_tags: dict[int, PillarTag] = {}
    theme_groups: dict[int, ThemeGroupTag] = {}

    def pillar_tag(pk, name, slug, position) -> PillarTag | None:
        if pk is not None and pk not in pillar_tags:
            pillar_tags[pk] = PillarTag(pk, name, slug, position, url=pillar_url(slug))
        return pillar_tags.get(pk)

    for session_id, group_pk, name, slug, *pillar in rows:
        card = cards[session_id]
        if group_pk is None:
            card.pillars.append(pillar_tag(*pillar))
            continue
        if group_pk not in theme_groups:
            theme_groups[group_pk] = ThemeGroupTag(
                group_pk, name, slug, url=theme_group_url(slug), pillar=pillar_tag(*pillar)
            )
        card.theme_groups.append(theme_groups[group_pk])


def _material_builder() -> Callable[[str, str, str], CardMaterial]:
    """A material's card entry from its title, file name and link."""
    storage = Material._meta.get_field("file").storage

    def material(title, file, url) -> CardMaterial:
        if not file:
            return CardMaterial(title=title, href=url, print_url=url, file_type=None)
        href = storage.url(file)
        return CardMaterial(
            title=title,
            href=href,
            # On paper, a link to an uploaded file needs the site's address to be of use.
            print_url=f"{settings.SITE_URL}{href}",
            file_type=file.rsplit(".", 1)[-1].upper(),
        )

    return material


@dataclass(frozen=True)
class EditionSessions:
    """The sessions of one netwerkdag on a list across netwerkdagen."""

    edition: Edition
    sessions: list[SessionCard]


def by_edition(cards: Iterable[SessionCard]) -> list[EditionSessions]:
    """Cards (ordered by netwerkdag) grouped by their netwerkdag."""
    return [
        EditionSessions(edition, list(group))
        for edition, group in itertools.groupby(cards, key=lambda card: card.edition)
    ]


def _published_by_edition(sessions: QuerySet) -> QuerySet:
    return sessions.published().order_by("-event__date", "event_id", "start_time", "title")


def sessions_by_edition(sessions: QuerySet) -> list[EditionSessions]:
    """Published sessions across netwerkdagen, newest netwerkdag first, by netwerkdag. Three queries."""
    return by_edition(session_rows(_published_by_edition(sessions)))


def speaker_sessions_by_edition(speaker_id: int) -> list[EditionSessions]:
    """A speaker's published sessions as sessions_by_edition() gives them (the speaker's page), in
    three compiled queries: the sessions, their speakers and their theme groups."""
    cards = _cards_from_rows(_SPEAKER_SESSIONS.rows(speaker_id=speaker_id))
    if cards:
        _add_speakers(cards, _SPEAKER_SESSION_SPEAKERS.rows(speaker_id=speaker_id))
        _add_tags(cards, _SPEAKER_SESSION_THEME_GROUPS.rows(speaker_id=speaker_id))
    return by_edition(cards.values())


def _sessions_of_speaker(speaker_id: int) -> QuerySet:
    return Session.objects.filter(speaker_roles__speaker_id=speaker_id).published()


_SPEAKER_SESSIONS = CompiledQuery(
    lambda speaker_id: _published_by_edition(_sessions_of_speaker(speaker_id)).values_list(*_CARD_COLUMNS)
)
_SPEAKER_SESSION_SPEAKERS = CompiledQuery(
    lambda speaker_id: _speaker_rows(session__in=_sessions_of_speaker(speaker_id))
)
_SPEAKER_SESSION_THEME_GROUPS = CompiledQuery(
    lambda speaker_id: _theme_group_rows(session__in=_sessions_of_speaker(speaker_id)).order_by(
        "themegroup__name"
    )
)


@dataclass
class TimeSlot:
    """Sessions that overlap in time: parallel sessions, or a lunch with its walks."""

    start: datetime.time
    end: datetime.time
    sessions: list = field(default_factory=list)

    @property
    def is_parallel(self) -> bool:
        return len(self.sessions) > 1


def group_in_time_slots(sessions) -> list[TimeSlot]:
    """Group sessions (ordered by start time) into slots of overlapping sessions."""
    slots: list[TimeSlot] = []
    for session in sessions:
        if slots and session.start_time < slots[-1].end:
            slot = slots[-1]
            slot.end = max(slot.end, session.end_time)
        else:
            slot = TimeSlot(start=session.start_time, end=session.end_time)
            slots.append(slot)
        slot.sessions.append(session)
    return slots


class ProgrammeFilter:
    """The pillar and theme-group filter of a programme, from the query string.

    Works on the cards of programme_cards(), so that filtering costs no queries. Sessions for
    everyone (opening, lunch) stay in a filtered programme.
    """

    def __init__(self, sessions: list[SessionCard], query):
        self.sessions = sessions
        pillars, theme_groups = {}, {}
        for session in sessions:
            for pillar in session.pillars:
                pillars[pillar.pk] = pillar
            for group in session.theme_groups:
                theme_groups[group.pk] = group
                if group.pillar is not None:
                    pillars[group.pillar.pk] = group.pillar
        self.pillars = sorted(pillars.values(), key=lambda p: (p.position, p.name))
        self.theme_groups = sorted(theme_groups.values(), key=lambda g: g.name.casefold())
        self.errors = []
        self.pillar = self._choose(
            query.get("pijler", ""),
            self.pillars,
            _("De gekozen pijler staat niet op het programma van deze netwerkdag."),
        )
        self.theme_group = self._choose(
            query.get("themagroep", ""),
            self.theme_groups,
            _("De gekozen themagroep staat niet op het programma van deze netwerkdag."),
        )

    def _choose(self, slug, options, not_found_message):
        slug = slug.strip()
        if not slug:
            return None
        for option in options:
            if option.slug == slug:
                return option
        self.errors.append(not_found_message)
        return None

    @property
    def is_active(self) -> bool:
        return self.pillar is not None or self.theme_group is not None

    @property
    def selected_sessions(self) -> list[SessionCard]:
        if not self.is_active:
            return list(self.sessions)
        return [
            session
            for session in self.sessions
            if session.is_for_everyone
            or (
                (self.pillar is None or session.belongs_to_pillar(self.pillar))
                and (self.theme_group is None or session.belongs_to_theme_group(self.theme_group))
            )
        ]
