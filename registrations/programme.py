"""Places on the programme: how many places a session that takes sign-ups has left.

The programme and the session pages show them while sign-up is open ("nog 12 plaatsen",
"vol — wachtlijst"). Places are not content for the page cache: a sign-up leaves the cached pages
as they are, and the pages that show places are kept for PROGRAMME_PLACES_SECONDS at most and
say from when their figures are ("stand van 10:42").
"""

import datetime

from django.conf import settings
from django.urls import reverse

from g40events import clock
from g40events.models import Event, RegistrationState
from registrations.models import with_place_counts
from sessions.models import Session
from sessions.programme import Places, SessionCard


def add_places(cards: list[SessionCard], event: Event) -> datetime.datetime | None:
    """Give the cards of sessions that take sign-ups their places, while sign-up is open.

    One query (two when the netwerkdag has a maximum of its own), whatever the number of cards.
    Returns the moment the figures are from, or None when no card shows places (sign-up is not
    open, or the netwerkdag is full: then nobody can sign up for any session).
    """
    if not cards or event.registration_state() != RegistrationState.OPEN:
        return None
    if event.capacity is not None and event.registrations.active().count() >= event.capacity:
        return None
    sign_up_url = reverse("registrations:register", kwargs={"slug": event.slug})
    counts = (
        with_place_counts(Session.objects.filter(pk__in=[card.pk for card in cards]).offered())
        .order_by()
        .values_list("pk", "capacity", "taken", "waiting")
    )
    by_pk = {card.pk: card for card in cards}
    for pk, capacity, taken, waiting in counts:
        by_pk[pk].places = Places(capacity=capacity, taken=taken, waiting=waiting, sign_up_url=sign_up_url)
    return clock.now() if counts else None


def places_lifetime() -> int:
    """Seconds a page with places may be served from the page cache (Cache-Control: s-maxage)."""
    return settings.PROGRAMME_PLACES_SECONDS
