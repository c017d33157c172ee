"""Participation per organisation: who came to which netwerkdag, over the years.

The report the G40 asks of its organisers: per G40 city (and every other organisation) and per
netwerkdag, how many signed up and how many cancelled, the places they took per pillar, and the
G40 cities that did not take part. Where the desk checked people in (the checkin app), also how many
came and how many did not ("no-show": registered, not checked in), and per pillar how often they
were marked present at a session. A netwerkdag without any check-in (or without any attendance at
the sessions) has no such figures: None, shown as "niet geregistreerd", never as a misleading 0.

It reads only what anonymisation keeps (a registration's organisation, status, places, check-in and
attendance at sessions), so the figures of past years stay. Check-ins and attendance are read
through the reverse relations of Registration (`check_in`, `attendances`), so this module imports
nothing of the app above it.

A fixed number of queries, whatever the number of netwerkdagen and organisations: the counts are
grouped in the database and arranged here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from g40events.models import Event, Organisation, Pillar

from .models import Place, Registration

# Registrations that never confirmed their address took nothing and are no participation.
COUNTED = [Registration.Status.ACTIVE, Registration.Status.CANCELLED]


@dataclasses.dataclass
class Counts:
    registered: int = 0  # signed up and still registered
    cancelled: int = 0
    # Whether the desk checked people in on (one of) the netwerkdag(en) counted here; the two
    # figures below count only such netwerkdagen.
    checked: bool = False
    checked_registered: int = 0  # registered on netwerkdagen with check-in
    checked_in: int = 0  # of those, checked in at the desk

    @property
    def signed_up(self) -> int:
        return self.registered + self.cancelled

    @property
    def attended(self) -> int | None:
        """Checked in at the desk; None when the desk was not used."""
        return self.checked_in if self.checked else None

    @property
    def no_show(self) -> int | None:
        """Registered and not checked in, on days the desk was used; None when it was not."""
        return self.checked_registered - self.checked_in if self.checked else None

    def add(self, status: str, number: int, *, checked_in: int = 0) -> None:
        if status == Registration.Status.ACTIVE:
            self.registered += number
            self.checked_in += checked_in
            if self.checked:
                self.checked_registered += number
        else:
            self.cancelled += number

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            registered=self.registered + other.registered,
            cancelled=self.cancelled + other.cancelled,
            checked=self.checked or other.checked,
            checked_registered=self.checked_registered + other.checked_registered,
            checked_in=self.checked_in + other.checked_in,
        )


@dataclasses.dataclass
class Row:
    """One organisation (or, with no organisation, everyone outside the list)."""

    name: str
    kind: str
    is_g40: bool
    per_event: dict[int, Counts] = dataclasses.field(default_factory=dict)
    per_year: dict[int, Counts] = dataclasses.field(default_factory=dict)
    total: Counts = dataclasses.field(default_factory=Counts)
    # Confirmed places in sessions of each pillar, per netwerkdag and in all.
    places: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)
    places_per_pillar: dict[int, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    # Marked present at sessions of each pillar, per netwerkdag (on days with attendance at the
    # sessions) and in all.
    present: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)
    present_per_pillar: dict[int, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    # The same figures in the order of the report's columns, for the template.
    cells: list[Counts] = dataclasses.field(default_factory=list)
    pillar_cells: list[int] = dataclasses.field(default_factory=list)
    present_cells: list[int | None] = dataclasses.field(default_factory=list)

    def counts(self, event_id: int) -> Counts:
        return self.per_event.get(event_id) or Counts()

    def present_at(self, event_id: int, pillar_id: int, *, recorded: bool) -> int | None:
        """Times marked present at sessions of the pillar that day; None without attendance there."""
        return self.present.get((event_id, pillar_id), 0) if recorded else None


@dataclasses.dataclass
class Column:
    """One netwerkdag in the report."""

    event: Event
    totals: Counts
    g40_registered: int  # G40 cities with anyone registered (whether they came or not)
    g40_absent: list[str]
    attendance_recorded: bool  # someone was marked present at one of its sessions


@dataclasses.dataclass
class Report:
    events: list[Event]
    years: list[int]
    pillars: list[Pillar]
    rows: list[Row]
    event_totals: dict[int, Counts]
    g40_cities: list[str]
    absent: dict[int, list[str]]  # per netwerkdag, the G40 cities with nobody registered
    never: list[str]  # G40 cities with nobody registered on any netwerkdag of the selection
    checked_events: set[int] = dataclasses.field(default_factory=set)  # the desk checked people in
    attendance_events: set[int] = dataclasses.field(default_factory=set)  # present at sessions marked

    @property
    def columns(self) -> list[Column]:
        return [
            Column(
                event=event,
                totals=self.event_totals[event.pk],
                g40_registered=len(self.g40_cities) - len(self.absent[event.pk]),
                g40_absent=self.absent[event.pk],
                attendance_recorded=event.pk in self.attendance_events,
            )
            for event in self.events
        ]

    @property
    def g40_rows(self) -> list[Row]:
        return [row for row in self.rows if row.is_g40]

    @property
    def any_checked(self) -> bool:
        return bool(self.checked_events)

    @property
    def any_attendance(self) -> bool:
        return bool(self.attendance_events)


def years() -> list[int]:
    """The years that have a netwerkdag, latest first (the report's filter)."""
    return [date.year for date in Event.objects.dates("date", "year", order="DESC")]


def participation(*, year: int | None = None) -> Report:
    """The participation report of all netwerkdagen, or of one year's."""
    events = Event.objects.order_by("date", "pk").only("pk", "title", "date", "kind", "slug")
    if year is not None:
        events = events.filter(date__year=year)
    events = list(events)
    event_ids = [event.pk for event in events]
    event_years = {event.pk: event.date.year for event in events}
    organisations = {org.pk: org for org in Organisation.objects.only("pk", "name", "kind")}
    pillars = list(Pillar.objects.order_by("position", "name"))

    others = Row(name=_("Andere organisaties (niet in de lijst)"), kind="", is_g40=False)
    rows: dict[int | None, Row] = {}

    def row_of(organisation_id: int | None) -> Row:
        if organisation_id not in rows:
            if organisation_id is None:
                rows[None] = others
            else:
                org = organisations[organisation_id]
                rows[organisation_id] = Row(
                    name=org.name,
                    kind=org.get_kind_display(),
                    is_g40=org.kind == Organisation.Kind.G40_CITY,
                )
        return rows[organisation_id]

    # Registrations by organisation, netwerkdag and status, with how many of them checked in (a
    # check-in is one-to-one with its registration, so the join multiplies nothing).
    counted = list(
        Registration.objects.filter(event__in=event_ids, status__in=COUNTED)
        .values("organisation_id", "event_id", "status")
        .annotate(number=Count("id"), checked_in=Count("check_in"))
        .order_by()
    )
    # The desk was used on a netwerkdag when anyone of it checked in.
    checked_events = {group["event_id"] for group in counted if group["checked_in"]}

    def counts_of(row: Row, event_id: int) -> Counts:
        if event_id not in row.per_event:
            row.per_event[event_id] = Counts(checked=event_id in checked_events)
        return row.per_event[event_id]

    event_totals = {event.pk: Counts(checked=event.pk in checked_events) for event in events}
    for group in counted:
        status, number, event_id = group["status"], group["number"], group["event_id"]
        counts_of(row_of(group["organisation_id"]), event_id).add(
            status, number, checked_in=group["checked_in"]
        )
        event_totals[event_id].add(status, number, checked_in=group["checked_in"])

    taken = (
        Place.objects.filter(
            status=Place.Status.CONFIRMED,
            registration__status=Registration.Status.ACTIVE,
            registration__event__in=event_ids,
            session__pillars__isnull=False,
        )
        .values("registration__organisation_id", "registration__event_id", "session__pillars")
        .annotate(number=Count("id"))
        .order_by()
    )
    for group in taken:
        row = row_of(group["registration__organisation_id"])
        pillar_id, number = group["session__pillars"], group["number"]
        row.places[(group["registration__event_id"], pillar_id)] = number
        row.places_per_pillar[pillar_id] += number

    # Marked present at sessions, by organisation, netwerkdag and the session's pillar (None for a
    # session without one: it still shows that the sessions' doors took attendance that day).
    present = (
        Registration.objects.filter(
            event__in=event_ids, status=Registration.Status.ACTIVE, attendances__isnull=False
        )
        .values("organisation_id", "event_id", "attendances__session__pillars")
        .annotate(number=Count("attendances"))
        .order_by()
    )
    attendance_events = set()
    for group in present:
        attendance_events.add(group["event_id"])
        pillar_id = group["attendances__session__pillars"]
        if pillar_id is not None:
            row = row_of(group["organisation_id"])
            row.present[(group["event_id"], pillar_id)] = group["number"]
            row.present_per_pillar[pillar_id] += group["number"]

    g40_cities = sorted(
        (org for org in organisations.values() if org.kind == Organisation.Kind.G40_CITY),
        key=lambda org: org.name.lstrip("'").lower(),
    )
    for org in g40_cities:  # every G40 city has its row, also with nobody registered
        row_of(org.pk)
    for row in rows.values():
        for event in events:
            year = event_years[event.pk]
            row.per_year[year] = row.per_year.get(year, Counts()) + counts_of(row, event.pk)
        row.total = sum((row.per_event[event.pk] for event in events), Counts())
    absent = {
        event.pk: [org.name for org in g40_cities if not rows[org.pk].per_event[event.pk].registered]
        for event in events
    }
    never = [org.name for org in g40_cities if not rows[org.pk].total.registered]
    ordered = sorted(
        (row for row in rows.values() if row is not others),
        key=lambda row: (not row.is_g40, -row.total.registered, row.name.lstrip("'").lower()),
    )
    if None in rows:
        ordered.append(others)
    for row in ordered:
        row.cells = [row.per_event[event.pk] for event in events]
        row.pillar_cells = [row.places_per_pillar.get(pillar.pk, 0) for pillar in pillars]
        row.present_cells = [
            row.present_per_pillar.get(pillar.pk, 0) if attendance_events else None for pillar in pillars
        ]
    return Report(
        events=events,
        years=sorted(set(event_years.values())),
        pillars=pillars,
        rows=ordered,
        event_totals=event_totals,
        g40_cities=[org.name for org in g40_cities],
        absent=absent,
        never=never,
        checked_events=checked_events,
        attendance_events=attendance_events,
    )


@dataclasses.dataclass
class Segment:
    kind: str  # "attended", "no_show" or "unrecorded" (registered on days without check-in)
    x: Decimal
    width: Decimal


@dataclasses.dataclass
class Bar:
    label: str
    value: int
    y: int
    width: Decimal  # from the start of the bars
    segments: list[Segment] = dataclasses.field(default_factory=list)
    value_x: Decimal = Decimal(0)  # where the figure after the bar starts
    text_y: int = 0  # the baseline of the label and the figure


@dataclasses.dataclass
class LegendEntry:
    kind: str
    label: str
    x: int  # from the start of the bars
    box_x: int = 0  # the colour's square and its text, from the left of the chart
    text_x: int = 0


def _tenths(number: int) -> Decimal:
    return Decimal(number).scaleb(-1)


def stacked_bar_chart(
    items: list[tuple[str, int, list[tuple[str, int]]]],
    *,
    width: int = 360,
    bar: int = 18,
    gap: int = 6,
    label_width: int = 160,
    legend: list[LegendEntry] | None = None,
) -> dict:
    """Horizontal bars for the SVG that registrations/admin/bar_chart.html draws: per item its label,
    the value written after the bar, and the parts (kind, number) the bar is made of, side by side
    (one part for a plain bar). Used by the participation report and the survey results.

    Every position is computed here, in tenths of a pixel, for the template to print as it is (its
    `add` filter would cut 266.7 to 266 and leave gaps). A part runs from where the parts before it
    end to where it ends itself, each end rounded once: the parts touch exactly, and the last one ends
    where the bar's whole value does. The labels take `label_width` pixels on the left.
    """
    largest = max((value for _label, value, _parts in items), default=0) or 1

    def end(number: int) -> int:  # in tenths of a pixel from the start of the bars
        return round(number * width * 10 / largest)

    left = label_width * 10
    bars = []
    for i, (label, value, parts) in enumerate(items):
        y = i * (bar + gap)
        segments, done = [], 0
        for kind, number in parts:
            if number:
                start, stop = end(done), end(done + number)
                segments.append(Segment(kind=kind, x=_tenths(left + start), width=_tenths(stop - start)))
                done += number
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y,
                width=_tenths(end(done)),
                segments=segments,
                value_x=_tenths(left + end(done) + 60),
                text_y=y + 13,
            )
        )
    for entry in legend or []:
        entry.box_x = label_width + entry.x
        entry.text_x = entry.box_x + 16
    # A legend above the bars, when there is one.
    top = 20 if legend else 0
    height = len(bars) * (bar + gap)
    return {
        "bars": bars,
        "height": height,
        "bar": bar,
        "width": width,
        "top": top,
        "legend": legend or [],
        "label_x": label_width - 10,
        "svg_width": label_width + width + 60,
        "svg_height": height + top,
    }


def bar_chart(
    rows: list[Row], *, width: int = 360, bar: int = 18, gap: int = 6, label_width: int = 160
) -> dict:
    """A horizontal bar chart of the participants per organisation.

    Each bar is the registered participants; where the desk checked people in it is split into
    those who came, those who did not, and those registered on days without check-in.
    """
    parted = any(row.total.checked for row in rows)
    items = []
    for row in rows:
        total = row.total
        parts = [
            ("attended", total.checked_in if total.checked else 0),
            ("no_show", total.no_show or 0),
            ("unrecorded", total.registered - total.checked_registered),
        ]
        if not parted:  # nothing to tell apart: one colour, no legend
            parts = [("bar", number) for _kind, number in parts]
        items.append((row.name, total.registered, parts))
    legend = (
        [
            LegendEntry("attended", _("aanwezig (ingecheckt)"), 0),
            LegendEntry("no_show", _("niet gekomen"), 160),
            LegendEntry("unrecorded", _("niet geregistreerd"), 270),
        ]
        if parted
        else None
    )
    return stacked_bar_chart(items, width=width, bar=bar, gap=gap, label_width=label_width, legend=legend)
