"""The programme of a netwerkdag as its page shows it: session cards by time slot, with a filter.

A large netwerkdag has 60 sessions, 120 speakers and 30 theme groups. Read as model instances
with prefetches and drawn with nested template includes, its page took well over 100 ms to
render. Here the programme is read as plain rows in five queries, each pillar, theme group and
URL is built once, and the time slots and their cards are drawn by two plain functions
(figures in bench/README.md).

The session, speaker, pillar and theme-group pages show a few sessions each and draw them with
the partials includes/speaker_names.html, session_tags.html and materials.html;
render_session_card() writes the same markup, and tests/public/test_session_cards.py checks
that the two stay alike.
"""

import datetime
import html
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from g40events.models import Event
from sessions.models import Material, Session, SessionSpeaker


@dataclass(frozen=True)
class PillarTag:
    """A pillar as a session card and the programme filter show it."""

    pk: int
    name: str
    slug: str
    position: int
    item: SafeString


@dataclass(frozen=True)
class ThemeGroupTag:
    """A theme group as a session card and the programme filter show it."""

    pk: int
    name: str
    slug: str
    pillar: PillarTag | None
    item: SafeString


@dataclass(frozen=True)
class CardSpeaker:
    name: str
    url: str
    organisation: str | None
    role: str
    role_label: str


@dataclass(frozen=True)
class CardMaterial:
    title: str
    href: str
    print_url: str
    file_type: str | None  # "PDF" for an uploaded file; None for a link


@dataclass
class SessionCard:
    """A session with everything its card on the netwerkdag page shows."""

    pk: int
    title: str
    kind: str
    kind_label: str
    start_time: datetime.time
    end_time: datetime.time
    location: str
    url: str
    has_description: bool
    speakers: list[CardSpeaker] = field(default_factory=list)
    pillars: list[PillarTag] = field(default_factory=list)
    theme_groups: list[ThemeGroupTag] = field(default_factory=list)
    materials: list[CardMaterial] = field(default_factory=list)

    @property
    def has_page_to_open(self) -> bool:
        """Whether the session page tells more than the card: the title links there if so."""
        return self.has_description or bool(self.speakers) or bool(self.materials)

    @property
    def is_for_everyone(self) -> bool:
        return not self.pillars and not self.theme_groups

    def belongs_to_pillar(self, pillar: PillarTag) -> bool:
        return pillar in self.pillars or any(group.pillar == pillar for group in self.theme_groups)

    def belongs_to_theme_group(self, theme_group: ThemeGroupTag) -> bool:
        return theme_group in self.theme_groups


def url_by_slug(viewname: str, **kwargs) -> Callable[[str], str]:
    """The URL of a page for any slug, from a single reverse().

    A programme links to hundreds of sessions, speakers, pillars and theme groups, and each
    reverse() costs tens of microseconds. Slugs need no quoting: the slug converter admits only
    letters, digits, hyphens and underscores.
    """
    placeholder = "--slug--"
    prefix, suffix = reverse(viewname, kwargs={**kwargs, "slug": placeholder}).rsplit(placeholder, 1)
    return lambda slug: f"{prefix}{slug}{suffix}"


def _tag_item(url: str, name: str) -> SafeString:
    """The <dd> of a pillar or theme group on a card, drawn once for all the cards that show it."""
    return format_html('<dd><a href="{}">{}</a></dd>', url, name)


def programme_cards(event: Event) -> list[SessionCard]:
    """The sessions of a netwerkdag in programme order, with all that their cards show.

    Five queries, whatever the size of the programme (one without sessions).
    """
    cards = _session_cards(event)
    if not cards:
        return []
    _add_speakers(cards, event)
    _add_pillars_and_theme_groups(cards, event)
    _add_materials(cards, event)
    return list(cards.values())


def _session_cards(event: Event) -> dict[int, SessionCard]:
    session_url = url_by_slug("programme:detail", event_slug=event.slug)
    kind_labels = {kind: str(label) for kind, label in Session.Kind.choices}  # translated once
    rows = (
        Session.objects.filter(event=event)
        .order_by("start_time", "end_time", "title")
        .values_list("pk", "title", "slug", "kind", "start_time", "end_time", "location", "description")
    )
    return {
        pk: SessionCard(
            pk=pk,
            title=title,
            kind=kind,
            kind_label=kind_labels.get(kind, kind),
            start_time=start_time,
            end_time=end_time,
            location=location,
            url=session_url(slug),
            has_description=bool(description),
        )
        for pk, title, slug, kind, start_time, end_time, location, description in rows
    }


def _add_speakers(cards: dict[int, SessionCard], event: Event):
    speaker_url = url_by_slug("speakers:detail")
    role_labels = {role: str(label) for role, label in SessionSpeaker.Role.choices}
    roles = (
        SessionSpeaker.objects.filter(session__event=event)
        .order_by("position", "id")
        .values_list("session_id", "role", "speaker__name", "speaker__slug", "speaker__organisation__name")
    )
    for session_id, role, name, slug, organisation in roles:
        cards[session_id].speakers.append(
            CardSpeaker(
                name=name,
                url=speaker_url(slug),
                organisation=organisation,
                role=role,
                role_label=role_labels.get(role, role),
            )
        )


def _add_pillars_and_theme_groups(cards: dict[int, SessionCard], event: Event):
    """Each pillar and theme group once, shared by the cards that show it.

    A card lists them in the order of their models (Pillar: position, name; ThemeGroup: name),
    as the rest of the site does.
    """
    pillar_url = url_by_slug("events:pillar")
    theme_group_url = url_by_slug("events:theme_group")
    pillars: dict[int, PillarTag] = {}
    theme_groups: dict[int, ThemeGroupTag] = {}

    def pillar_tag(pk, name, slug, position) -> PillarTag | None:
        if pk is not None and pk not in pillars:
            pillars[pk] = PillarTag(pk, name, slug, position, item=_tag_item(pillar_url(slug), name))
        return pillars.get(pk)

    pillar_links = (
        Session.pillars.through.objects.filter(session__event=event)
        .order_by("pillar__position", "pillar__name")
        .values_list("session_id", "pillar_id", "pillar__name", "pillar__slug", "pillar__position")
    )
    for session_id, *pillar in pillar_links:
        cards[session_id].pillars.append(pillar_tag(*pillar))

    theme_group_links = (
        Session.theme_groups.through.objects.filter(session__event=event)
        .order_by("themegroup__name")
        .values_list(
            "session_id",
            "themegroup_id",
            "themegroup__name",
            "themegroup__slug",
            "themegroup__pillar_id",
            "themegroup__pillar__name",
            "themegroup__pillar__slug",
            "themegroup__pillar__position",
        )
    )
    for session_id, pk, name, slug, *pillar in theme_group_links:
        if pk not in theme_groups:
            theme_groups[pk] = ThemeGroupTag(
                pk, name, slug, pillar=pillar_tag(*pillar), item=_tag_item(theme_group_url(slug), name)
            )
        cards[session_id].theme_groups.append(theme_groups[pk])


def _add_materials(cards: dict[int, SessionCard], event: Event):
    for material in Material.objects.filter(session__event=event).only("session", "title", "file", "url"):
        href = material.href
        cards[material.session_id].materials.append(
            CardMaterial(
                title=material.title,
                href=href,
                # On paper, a link to an uploaded file needs the site's address to be of use.
                print_url=f"{settings.SITE_URL}{href}" if material.file else href,
                file_type=material.extension.upper() if material.file else None,
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


# --- drawing the programme ---------------------------------------------------------------------
#
# The cards are drawn with _format_html(): django.utils.html.format_html() with the same
# escaping (html.escape for every value that is not marked safe already), without the check for
# lazy translations on each value that made Django's version three times slower for the sixty
# cards of a large programme. A card is a list of fragments: either literal markup of this
# module, or the result of _format_html().


def _escape(value) -> str:
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _format_html(format_string: str, *args) -> SafeString:
    return SafeString(format_string.format(*map(_escape, args)))


def _time(value: datetime.time) -> SafeString:
    return _format_html('<time datetime="{0}">{0}</time>', value.strftime("%H:%M"))


def _session_meta(session: SessionCard, slot: TimeSlot) -> SafeString:
    """Kind, time (where it differs from the slot's) and room: "Parallelsessie · Raadzaal"."""
    parts = []
    if session.kind_label != session.title:  # no "Lunch · Lunch"
        parts.append(_format_html('<span class="session__kind">{}</span>', session.kind_label))
    if (session.start_time, session.end_time) != (slot.start, slot.end):
        parts.append(_format_html("{}–{}", _time(session.start_time), _time(session.end_time)))
    if session.location:
        parts.append(_format_html("{}", session.location))
    return SafeString(" · ".join(parts))


def render_session_card(session: SessionCard, slot: TimeSlot) -> SafeString:
    """The card of a session on the netwerkdag page, under the <h3> of its time slot.

    Its speakers, tags and materials as includes/speaker_names.html, session_tags.html and
    materials.html draw them on the other pages.
    """
    title = session.title
    if session.has_page_to_open:
        title = _format_html('<a href="{}">{}</a>', session.url, session.title)
    parts = [
        _format_html(
            '\n<article class="session session--{}">\n'
            '  <h4 class="session__title">{}</h4>\n'
            '  <p class="session__meta">{}</p>\n',
            session.kind,
            title,
            _session_meta(session, slot),
        )
    ]
    if session.speakers:
        parts.append('<ul class="speakers">\n')
        for speaker in session.speakers:
            parts.append(_format_html('  <li><a href="{}">{}</a>', speaker.url, speaker.name))
            if speaker.organisation:
                parts.append(
                    _format_html(' <span class="speakers__organisation">({})</span>', speaker.organisation)
                )
            if speaker.role != SessionSpeaker.Role.SPEAKER:
                parts.append(
                    _format_html(' <span class="speakers__role">– {}</span>', speaker.role_label.lower())
                )
            parts.append("</li>\n")
        parts.append("</ul>\n")
    if session.pillars or session.theme_groups:
        parts.append('<dl class="tags">\n')
        if session.pillars:
            label = _("Pijlers") if len(session.pillars) > 1 else _("Pijler")
            parts += [
                _format_html("  <div><dt>{}</dt>", label),
                *(tag.item for tag in session.pillars),
                "</div>\n",
            ]
        if session.theme_groups:
            label = _("Themagroepen") if len(session.theme_groups) > 1 else _("Themagroep")
            parts += [
                _format_html("  <div><dt>{}</dt>", label),
                *(tag.item for tag in session.theme_groups),
                "</div>\n",
            ]
        parts.append("</dl>\n")
    if session.materials:
        parts.append('<ul class="materials">\n')
        for material in session.materials:
            parts.append(
                _format_html(
                    '  <li><a href="{}" data-print-url="{}">{}</a> <span class="materials__type">({})</span></li>\n',
                    material.href,
                    material.print_url,
                    material.title,
                    material.file_type or _("link"),
                )
            )
        parts.append("</ul>\n")
    parts.append("</article>\n")
    return SafeString("".join(parts))


def render_time_slots(slots: list[TimeSlot]) -> SafeString:
    """The programme by time slot: the slot's time as a heading, then its cards side by side."""
    parts = []
    for number, slot in enumerate(slots, start=1):
        count = ""
        if slot.is_parallel:
            counter = len(slot.sessions)
            count = _format_html(
                ' <span class="slot__count">{}</span>',
                ngettext("%(counter)s sessie tegelijk", "%(counter)s sessies tegelijk", counter)
                % {"counter": counter},
            )
        parts.append(
            _format_html(
                '\n<section class="slot" aria-labelledby="slot-{0}">\n'
                '  <h3 class="slot__time" id="slot-{0}">{1}–{2}{3}</h3>\n'
                '  <div class="slot__sessions">',
                number,
                _time(slot.start),
                _time(slot.end),
                count,
            )
        )
        parts += [render_session_card(session, slot) for session in slot.sessions]
        parts.append("</div>\n</section>\n")
    return SafeString("".join(parts))
