"""Sign-up, change, cancel and the waiting lists: every write that takes or frees a place.

Places are taken under locks in one transaction. On PostgreSQL the rows are locked with
SELECT ... FOR UPDATE in a fixed order (the netwerkdag, then its sessions by primary key), under a
lock timeout that becomes TryAgainLater. On SQLite every transaction is IMMEDIATE (see settings),
which takes the database's write lock at BEGIN, so two sign-ups never read the same free place.
E-mails are written to the EmailLog in the same transaction and sent after it commits.
"""

import contextlib
import dataclasses
import datetime
import enum
import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.models import Event, Organisation, RegistrationState
from registrations import emails
from registrations.models import EmailLog, Place, Registration, normalise_email, with_place_counts
from sessions.models import Session
from sessions.programme import group_in_time_slots

logger = logging.getLogger(__name__)


class RegistrationError(Exception):
    """A sign-up or change that cannot go ahead; `message` is fit to show the person."""

    message = _("Dat lukte niet.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class RegistrationClosed(RegistrationError):
    message = _("Aanmelden voor deze netwerkdag is niet (meer) mogelijk.")


class EventFull(RegistrationError):
    message = _("Deze netwerkdag is vol: alle plaatsen zijn vergeven.")


class InvalidChoice(RegistrationError):
    message = _("Deze sessiekeuze is niet (meer) mogelijk. Kies opnieuw.")


class TryAgainLater(RegistrationError):
    message = _("Het is op dit moment erg druk. Probeer het zo nog eens; wat je invulde is bewaard.")


@dataclasses.dataclass(frozen=True)
class PersonData:
    name: str
    email: str
    organisation: Organisation | None = None
    organisation_name: str = ""
    job_title: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    language: str = "nl"


class Outcome(enum.Enum):
    CREATED = "created"
    ALREADY_REGISTERED = "already_registered"
    DOUBLE_SUBMIT = "double_submit"


@dataclasses.dataclass(frozen=True)
class SignUp:
    registration: Registration
    outcome: Outcome


@dataclasses.dataclass(frozen=True)
class TimeSlot:
    """Sign-up sessions that run at the same time: a person chooses at most one of them."""

    number: int
    sessions: tuple[Session, ...]
    start: datetime.time
    end: datetime.time

    @property
    def is_tour(self) -> bool:
        return all(session.kind == Session.Kind.TOUR for session in self.sessions)

    @property
    def field_name(self) -> str:
        return f"slot_{self.number}"


def time_slots(sessions: Iterable[Session]) -> list[TimeSlot]:
    """Group sessions into parallel time slots, as the programme does, numbered for the form."""
    ordered = sorted(sessions, key=lambda s: (s.start_time, s.end_time, s.title, s.pk))
    return [
        TimeSlot(number=number, sessions=tuple(slot.sessions), start=slot.start, end=slot.end)
        for number, slot in enumerate(group_in_time_slots(ordered), start=1)
    ]


def signup_sessions(event: Event):
    """The sessions of a netwerkdag that take sign-ups, with their confirmed and waiting counts."""
    return with_place_counts(Session.objects.filter(event=event, takes_registrations=True)).order_by(
        "start_time", "end_time", "title", "pk"
    )


def is_full(event: Event) -> bool:
    """Whether every place of the netwerkdag itself is taken (sessions have waiting lists instead)."""
    return event.capacity is not None and event.registrations.active().count() >= event.capacity


def can_change(registration: Registration) -> bool:
    return registration.is_active and registration.event.registration_state() == RegistrationState.OPEN


def can_cancel(registration: Registration) -> bool:
    return registration.is_active and clock.now() < registration.event.starts_at


# --- locking ---------------------------------------------------------------------------------------


def _is_contention(error: OperationalError) -> bool:
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate in {"55P03", "40P01", "40001"}:  # lock_not_available, deadlock, serialization
        return True
    return connection.vendor == "sqlite" and "locked" in str(error)


@contextlib.contextmanager
def locking_transaction():
    """One transaction in which rows are locked; contention that outlasts the timeout becomes TryAgainLater."""
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # SET LOCAL takes no parameters; set_config(..., true) is the same, scoped to this transaction.
                    cursor.execute(
                        "SELECT set_config('lock_timeout', %s, true)", [settings.REGISTRATION_LOCK_TIMEOUT]
                    )
            yield
    except OperationalError as error:
        if _is_contention(error):
            logger.warning("Registration gave way to lock contention: %s", error)
            raise TryAgainLater from error
        raise


def _lock_sessions(session_ids: Iterable[int]) -> dict[int, Session]:
    """Lock the sessions' rows in primary-key order, so that two transactions never wait on each other."""
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    sessions = Session.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {session.pk: session for session in sessions}


def _confirmed_counts(sessions: Iterable[Session]) -> dict[int, int]:
    rows = (
        Place.objects.confirmed()
        .filter(session__in=[s.pk for s in sessions])
        .values("session")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {row["session"]: row["count"] for row in rows}


def _validate_choice(event: Event, sessions: dict[int, Session], chosen_ids: Sequence[int]) -> list[Session]:
    """The chosen sessions, if each takes sign-ups for this netwerkdag and no two run at the same time."""
    chosen = []
    for session_id in chosen_ids:
        session = sessions.get(session_id)
        if session is None or session.event_id != event.pk or not session.takes_registrations:
            raise InvalidChoice
        chosen.append(session)
    for index, session in enumerate(chosen):
        if any(session.overlaps(other) for other in chosen[index + 1 :]):
            raise InvalidChoice(_("Je kunt maar één sessie per tijdvak kiezen."))
    return chosen


def _take_places(registration: Registration, sessions: Sequence[Session]) -> list[Place]:
    """A confirmed place in each session that has room, a waiting-list place in the others."""
    counts = _confirmed_counts(sessions)
    now = clock.now()
    places = []
    for session in sessions:
        has_room = session.capacity is None or counts.get(session.pk, 0) < session.capacity
        places.append(
            Place(
                registration=registration,
                session=session,
                status=Place.Status.CONFIRMED if has_room else Place.Status.WAITING,
                confirmed_at=now if has_room else None,
                waiting_since=None if has_room else now,
            )
        )
    return Place.objects.bulk_create(places)


def _fill(session: Session) -> list[Place]:
    """Promote waiting people in order of arrival while the (locked) session has free places."""
    waiting = Place.objects.waiting_list().filter(session=session).select_related("registration")
    if session.capacity is not None:
        free = session.capacity - _confirmed_counts([session]).get(session.pk, 0)
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = list(waiting)
    if not promoted:
        return []
    Place.objects.filter(pk__in=[place.pk for place in promoted]).update(
        status=Place.Status.CONFIRMED, confirmed_at=clock.now()
    )
    for place in promoted:
        place.status = Place.Status.CONFIRMED
        emails.queue(place.registration, EmailLog.Kind.PROMOTION, session=session)
    return promoted


# --- the services ----------------------------------------------------------------------------------


def register(
    *, event: Event, person: PersonData, session_ids: Sequence[int], submission_key: str = ""
) -> SignUp:
    """Register a person for a netwerkdag and the chosen sessions.

    Places are taken under row locks (the sessions', and the netwerkdag's when it has a maximum);
    a full session puts the person on its waiting list and gives
    confirmed places in the others. An address that is already registered gets its manage link by
    e-mail instead (the answer to the person is the same); the same form sent twice does nothing
    the second time. Raises RegistrationClosed, EventFull, InvalidChoice or TryAgainLater.
    Side effects: the confirmation (or manage-link) e-mail, sent after the transaction commits.
    """
    email_normalised = normalise_email(person.email)
    try:
        with locking_transaction():
            if event.capacity is not None:
                # The day's own limit: one sign-up at a time counts the registrations.
                event = Event.objects.select_for_update().get(pk=event.pk)
            if event.registration_state() != RegistrationState.OPEN:
                raise RegistrationClosed
            sessions = _lock_sessions(session_ids)
            chosen = _validate_choice(event, sessions, list(session_ids))
            existing, full = _existing_and_full(event, email_normalised)
            if existing is not None and submission_key and existing.submission_key == submission_key:
                return SignUp(existing, Outcome.DOUBLE_SUBMIT)
            # A full day answers everyone alike, so that the answer never tells who is registered.
            if full:
                raise EventFull
            if existing is not None:
                emails.queue(existing, EmailLog.Kind.ALREADY_REGISTERED)
                return SignUp(existing, Outcome.ALREADY_REGISTERED)
            registration = _create_registration(event, person, submission_key)
            _take_places(registration, chosen)
            emails.queue(registration, EmailLog.Kind.CONFIRMATION)
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the unique constraint let one through.
        with transaction.atomic():
            existing = Registration.objects.active().get(event=event, email_normalised=email_normalised)
            if submission_key and existing.submission_key == submission_key:
                return SignUp(existing, Outcome.DOUBLE_SUBMIT)
            emails.queue(existing, EmailLog.Kind.ALREADY_REGISTERED)
        return SignUp(existing, Outcome.ALREADY_REGISTERED)
    return SignUp(registration, Outcome.CREATED)


def _existing_and_full(event: Event, email_normalised: str) -> tuple[Registration | None, bool]:
    """The active registration with this address, if any, and whether the day is full: one query."""
    active = Registration.objects.active().filter(event=event)
    if event.capacity is None:
        return active.filter(email_normalised=email_normalised).first(), False
    counts = active.aggregate(
        total=Count("id"), mine=Count("id", filter=Q(email_normalised=email_normalised))
    )
    existing = active.filter(email_normalised=email_normalised).first() if counts["mine"] else None
    return existing, counts["total"] >= event.capacity


def _create_registration(event: Event, person: PersonData, submission_key: str) -> Registration:
    return Registration.objects.create(
        event=event,
        name=person.name,
        email=person.email.strip(),
        organisation=person.organisation,
        organisation_name="" if person.organisation else person.organisation_name,
        job_title=person.job_title,
        dietary_needs=person.dietary_needs if event.ask_dietary_needs else "",
        accessibility_needs=person.accessibility_needs if event.ask_accessibility_needs else "",
        consented_at=clock.now(),
        submission_key=submission_key,
        language=person.language,
    )


def change_sessions(*, registration: Registration, session_ids: Sequence[int]) -> Registration:
    """Replace a registration's session choices while sign-up is open.

    A kept choice keeps its place (confirmed or on the waiting list); a new one is taken as on
    sign-up; a dropped confirmed place goes to the first on that session's waiting list.
    Side effects: the change confirmation, and a promotion e-mail to whoever moves up.
    """
    with locking_transaction():
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        if not can_change(registration):
            raise RegistrationClosed(_("Je keuzes wijzigen kan niet meer."))
        current = {place.session_id: place for place in registration.places.all()}
        wanted = list(dict.fromkeys(session_ids))
        sessions = _lock_sessions([*current, *wanted])
        chosen = _validate_choice(registration.event, sessions, wanted)
        dropped = [current[pk] for pk in current if pk not in wanted]
        added = [session for session in chosen if session.pk not in current]
        if not dropped and not added:
            return registration
        Place.objects.filter(pk__in=[place.pk for place in dropped]).delete()
        _take_places(registration, added)
        for place in dropped:
            _fill(sessions[place.session_id])
        emails.queue(registration, EmailLog.Kind.CHANGE)
    return registration


def cancel(*, registration: Registration, notify: bool = True) -> Registration:
    """Cancel a registration: its places are freed and go to the first on each waiting list.

    Side effects: the cancellation e-mail (unless notify is False) and promotion e-mails.
    """
    with locking_transaction():
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        if not registration.is_active:
            return registration
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = clock.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        if notify:
            emails.queue(registration, EmailLog.Kind.CANCELLATION)
        release_places(registration)
    return registration


def release_places(registration: Registration) -> None:
    places = list(registration.places.all())
    sessions = _lock_sessions(place.session_id for place in places)
    registration.places.all().delete()
    for place in places:
        if place.is_confirmed:
            _fill(sessions[place.session_id])


def fill_from_waiting_list(*, session: Session) -> list[Place]:
    """Give the session's free places to its waiting list, first come first served.

    Called by the admin after an organiser saves a session: raising a capacity by N promotes N.
    Side effects: a promotion e-mail to each promoted person.
    """
    with locking_transaction():
        locked = _lock_sessions([session.pk]).get(session.pk)
        if locked is None:
            return []
        return _fill(locked)
