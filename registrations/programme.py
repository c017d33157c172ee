"""Places on the programme: how many places a session that takes sign-ups has left.

The programme and the session pages show them while sign-up is open ("nog 12 plaatsen",
"vol — wachtlijst"). Places are not content for the page cache: a sign-up leaves the cached pages
as they are, and the pages that show places are kept for PROGRAMME_PLACES_SECONDS at most and
say from when their figures are ("stand van 10:42").
"""

import datetime

from django.conf import settings
from django.db.models import Count, Subquery

from g40events import clock
from g40events.compiled_queries import CompiledQuery
from g40events.links import slug_url
from g40events.models import Event, RegistrationState
from registrations.models import Registration, with_place_counts
from sessions.models import Session
from sessions.programme import Places, SessionCard


def add_places(cards: list[SessionCard], event: Event) -> datetime.datetime | None:
    """Give the cards of sessions that take sign-ups their places, while sign-up is open.

    One query, whatever the number of cards (of one netwerkdag: all its sessions, or one).
    Returns the moment the figures are from, or None when no card shows places (sign-up is not
    open, or the netwerkdag is full: then nobody can sign up for any session).
    """
    if not cards or event.registration_state() != RegistrationState.OPEN:
        return None
    if len(cards) == 1:
        counts = _SESSION_PLACES.rows(event_id=event.pk, session_id=cards[0].pk)
    else:
        counts = _DAY_PLACES.rows(event_id=event.pk)
    if not counts:
        return None
    registered = counts[0][-1] or 0
    if event.capacity is not None and registered >= event.capacity:
        return None
    sign_up_url = slug_url("registrations:register", event.slug)
    by_pk = {card.pk: card for card in cards}
    for pk, capacity, taken, waiting, _registered in counts:
        if pk in by_pk:
            by_pk[pk].places = Places(
                capacity=capacity, taken=taken, waiting=waiting, sign_up_url=sign_up_url
            )
    return clock.now()


def _places(sessions, event_id: int):
    """The sessions on offer (taking sign-ups, not cancelled) with their places taken and waiting,
    and the netwerkdag's number of registrations (the same on every row: whether the day is full)."""
    registered = (
        Registration.objects.active()
        .filter(event_id=event_id)
        .order_by()
        .values("event_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        with_place_counts(sessions.offered())
        .order_by()
        .values_list("pk", "capacity", "taken", "waiting", Subquery(registered))
    )


# The places of a netwerkdag's sessions (its programme), or of one session (its page).
_DAY_PLACES = CompiledQuery(lambda event_id: _places(Session.objects.filter(event_id=event_id), event_id))
_SESSION_PLACES = CompiledQuery(
    lambda event_id, session_id: _places(Session.objects.filter(pk=session_id, event_id=event_id), event_id)
)


def places_lifetime() -> int:
    """Seconds a page with places may be served from the page cache (Cache-Control: s-maxage)."""
    return settings.PROGRAMME_PLACES_SECONDS
