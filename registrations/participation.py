"""Participation per organisation: who came to which netwerkdag, over the years.

The report the G40 asks of its organisers: per G40 city (and every other organisation) and per
netwerkdag, how many signed up and how many cancelled, the places they took per pillar, and the
G40 cities that did not take part. It reads only what anonymisation keeps (a registration's
organisation, status and places), so the figures of past years stay.

A fixed number of queries, whatever the number of netwerkdagen and organisations: the counts are
grouped in the database and arranged here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

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

    @property
    def signed_up(self) -> int:
        return self.registered + self.cancelled

    def add(self, status: str, number: int) -> None:
        if status == Registration.Status.ACTIVE:
            self.registered += number
        else:
            self.cancelled += number


@dataclasses.dataclass
class Row:
    """One organisation (or, with no organisation, everyone outside the list)."""

    name: str
    kind: str
    is_g40: bool
    per_event: dict[int, Counts] = dataclasses.field(default_factory=lambda: defaultdict(Counts))
    per_year: dict[int, Counts] = dataclasses.field(default_factory=lambda: defaultdict(Counts))
    total: Counts = dataclasses.field(default_factory=Counts)
    # Confirmed places in sessions of each pillar, per netwerkdag and in all.
    places: dict[tuple[int, int], int] = dataclasses.field(default_factory=dict)
    places_per_pillar: dict[int, int] = dataclasses.field(default_factory=lambda: defaultdict(int))
    # The same figures in the order of the report's columns, for the template.
    cells: list[Counts] = dataclasses.field(default_factory=list)
    pillar_cells: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Column:
    """One netwerkdag in the report."""

    event: Event
    totals: Counts
    g40_present: int
    g40_absent: list[str]


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

    @property
    def columns(self) -> list[Column]:
        return [
            Column(
                event=event,
                totals=self.event_totals[event.pk],
                g40_present=len(self.g40_cities) - len(self.absent[event.pk]),
                g40_absent=self.absent[event.pk],
            )
            for event in self.events
        ]

    @property
    def g40_rows(self) -> list[Row]:
        return [row for row in self.rows if row.is_g40]


def years() -> list[int]:
    """The years that have a netwerkdag, latest first (the report's filter)."""
    return [date.year for date in Event.objects.dates("date", "year", order="DESC")]


def participation(*, year: int | None = None) -> Report:
    """The participation report of all netwerkdagen, or of one year's."""
    events = Event.objects.order_by("date", "pk").only("pk", "title", "date", "kind", "slug")
    if year is not None:
        events = events.filter(date__year=year)
    events = list(events)
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

    event_totals = {event.pk: Counts() for event in events}
    counted = (
        Registration.objects.filter(event__in=[e.pk for e in events], status__in=COUNTED)
        .values("organisation_id", "event_id", "status")
        .annotate(number=Count("id"))
        .order_by()
    )
    for group in counted:
        row = row_of(group["organisation_id"])
        status, number, event_id = group["status"], group["number"], group["event_id"]
        row.per_event[event_id].add(status, number)
        row.per_year[event_years[event_id]].add(status, number)
        row.total.add(status, number)
        event_totals[event_id].add(status, number)

    taken = (
        Place.objects.filter(
            status=Place.Status.CONFIRMED,
            registration__status=Registration.Status.ACTIVE,
            registration__event__in=[e.pk for e in events],
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

    g40_cities = sorted(
        (org for org in organisations.values() if org.kind == Organisation.Kind.G40_CITY),
        key=lambda org: org.name.lstrip("'").lower(),
    )
    for org in g40_cities:  # every G40 city has its row, also with nobody registered
        row_of(org.pk)
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
        row.cells = [row.per_event.get(event.pk) or Counts() for event in events]
        row.pillar_cells = [row.places_per_pillar.get(pillar.pk, 0) for pillar in pillars]
    return Report(
        events=events,
        years=sorted(set(event_years.values())),
        pillars=pillars,
        rows=ordered,
        event_totals=event_totals,
        g40_cities=[org.name for org in g40_cities],
        absent=absent,
        never=never,
    )


@dataclasses.dataclass
class Bar:
    label: str
    value: int
    y: int
    width: float


def bar_chart(items: list[tuple[str, int]], *, width: int = 360, bar: int = 18, gap: int = 6) -> dict:
    """A horizontal bar chart of (label, value) pairs, for the SVG that
    registrations/admin/bar_chart.html draws (the participation report, the survey results)."""
    largest = max((value for _label, value in items), default=0) or 1
    bars = [
        Bar(label=label, value=value, y=i * (bar + gap), width=width * value / largest)
        for i, (label, value) in enumerate(items)
    ]
    return {"bars": bars, "height": len(bars) * (bar + gap), "bar": bar, "width": width}
