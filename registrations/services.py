"""Sign-up, change, cancel and the waiting lists: every write that takes or frees a place.

A sign-up from an address in an organisation's listed e-mail domains takes its places at once. Any
other address first proves that it is the person's own: its registration waits (status
"unconfirmed", holding no place and not counting against the day's maximum) until the link in the
mail is opened, and takes its places then (see confirm_address).

Places are taken under locks in one transaction. On PostgreSQL the rows are locked with
SELECT ... FOR UPDATE in a fixed order (the netwerkdag, then its sessions by primary key), under a
lock timeout that becomes TryAgainLater. The locks are FOR NO KEY UPDATE and lock only the rows
named (never a joined netwerkdag): a row inserted meanwhile with a foreign key to a locked row (a
registration of the netwerkdag, a mail of the registration) takes FOR KEY SHARE, which such a lock
lets through, so a cancellation and a sign-up never wait on each other in a circle. On SQLite every transaction is IMMEDIATE (see settings),
which takes the database's write lock at BEGIN, so two sign-ups never read the same free place.
E-mails are written to the EmailLog in the same transaction and sent after it commits.
"""

import contextlib
import dataclasses
import datetime
import enum
import logging
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from g40events import clock
from g40events.compiled_queries import CompiledQuery
from g40events.models import Event, Organisation, RegistrationState
from registrations import emails
from registrations.models import (
    EmailLog,
    Place,
    Registration,
    normalise_email,
    place_counts,
    validate_person_name,
    with_place_counts,
)
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


class InvalidName(RegistrationError):
    """A name that holds a web or e-mail address: it would put a link in a mail sent from our address."""


class ClosedBeforeConfirmation(RegistrationClosed):
    message = _(
        "De aanmelding voor deze netwerkdag sloot voordat je je e-mailadres bevestigde. Je aanmelding "
        "is daarom niet doorgegaan."
    )


class FullBeforeConfirmation(EventFull):
    message = _(
        "De netwerkdag is vol geraakt voordat je je e-mailadres bevestigde. Je aanmelding is daarom "
        "niet doorgegaan."
    )


class ConfirmationLapsed(RegistrationError):
    message = _(
        "Deze bevestigingslink is verlopen, en je aanmelding daarmee ook. Meld je opnieuw aan; dan "
        "krijg je een nieuwe link."
    )


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
    AWAITING_CONFIRMATION = "awaiting_confirmation"
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
    sessions: "tuple[SessionChoice, ...]"
    start: datetime.time
    end: datetime.time

    @property
    def is_tour(self) -> bool:
        return all(session.kind == Session.Kind.TOUR for session in self.sessions)

    @property
    def field_name(self) -> str:
        return f"slot_{self.number}"


def time_slots(sessions: "Iterable[SessionChoice]") -> list[TimeSlot]:
    """Group sessions into parallel time slots, as the programme does, numbered for the form."""
    ordered = sorted(sessions, key=lambda s: (s.start_time, s.end_time, s.title, s.pk))
    return [
        TimeSlot(number=number, sessions=tuple(slot.sessions), start=slot.start, end=slot.end)
        for number, slot in enumerate(group_in_time_slots(ordered), start=1)
    ]


def signup_sessions(event: Event):
    """The sessions a person can choose for a netwerkdag (taking sign-ups, not cancelled), with their
    confirmed and waiting counts."""
    return with_place_counts(Session.objects.filter(event=event).offered()).order_by(
        "start_time", "end_time", "title", "pk"
    )


class SessionChoice(NamedTuple):
    """A session as the sign-up form offers it: what its choice says, and its places."""

    pk: int
    title: str
    kind: str
    start_time: datetime.time
    end_time: datetime.time
    location: str
    capacity: int | None
    taken: int
    waiting: int


# The sign-up form is never cached: its read of the sessions is compiled once per process
# (g40events/compiled_queries.py), and gives plain rows rather than model instances.
_SIGNUP_CHOICES = CompiledQuery(
    lambda event_id: signup_sessions(Event(pk=event_id)).values_list(*SessionChoice._fields)
)


def signup_choices(event: Event) -> list[SessionChoice]:
    """The sessions of signup_sessions() as the sign-up form shows them."""
    return [SessionChoice(*row) for row in _SIGNUP_CHOICES.rows(event_id=event.pk)]


def is_full(event: Event) -> bool:
    """Whether every place of the netwerkdag itself is taken (sessions have waiting lists instead)."""
    return event.capacity is not None and event.registrations.active().count() >= event.capacity


def is_listed_address(email: str) -> bool:
    """Whether an organisation lists the address's domain (or a domain above it) as its own."""
    return Organisation.objects.with_email_domain_of(email).exists()


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
    sessions = Session.objects.select_for_update(no_key=True).filter(pk__in=ids).order_by("pk")
    return {session.pk: session for session in sessions}


def cancelled_message(session: Session) -> str:
    """What a person who chose a cancelled session is told (the form and the services say the same)."""
    return _("De sessie “%(session)s” is vervallen. Kies een andere sessie.") % {"session": session.title}


def _has_free_place(session: Session, confirmed: int) -> bool:
    return session.capacity is None or confirmed < session.capacity


def _validate_choice(event: Event, sessions: dict[int, Session], chosen_ids: Sequence[int]) -> list[Session]:
    """The chosen sessions, if each takes sign-ups for this netwerkdag and no two run at the same time."""
    chosen = []
    for session_id in chosen_ids:
        session = sessions.get(session_id)
        if session is None or session.event_id != event.pk or not session.takes_registrations:
            raise InvalidChoice
        if session.is_cancelled:
            raise InvalidChoice(cancelled_message(session))
        chosen.append(session)
    for index, session in enumerate(chosen):
        if any(session.overlaps(other) for other in chosen[index + 1 :]):
            raise InvalidChoice(_("Je kunt maar één sessie per tijdvak kiezen."))
    return chosen


def _take_places(registration: Registration, sessions: Sequence[Session]) -> list[Place]:
    """A confirmed place in each session that has room and nobody waiting, a waiting-list place in
    the others.

    A (locked) session with free places and people waiting, left so by a promotion that gave way to
    lock contention or by a place freed outside these services, first gives those places to its
    waiting list: a newcomer never goes before the first in line.
    """
    counts = place_counts(sessions)
    now = clock.now()
    places = []
    for session in sessions:
        confirmed, waiting = counts.get(session.pk, (0, 0))
        if waiting and _has_free_place(session, confirmed):
            promoted = len(_fill(session))
            confirmed, waiting = confirmed + promoted, waiting - promoted
        has_room = not waiting and _has_free_place(session, confirmed)
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
        confirmed, _waiting = place_counts([session])[session.pk]
        free = session.capacity - confirmed
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


# A registration that holds the address for its netwerkdag: confirmed, or waiting for confirmation.
CURRENT = [Registration.Status.ACTIVE, Registration.Status.UNCONFIRMED]
# The mails a sign-up sends; a repeated sign-up sends one only if none of these went out lately.
SIGN_UP_MAILS = [
    EmailLog.Kind.CONFIRMATION,
    EmailLog.Kind.CONFIRM_ADDRESS,
    EmailLog.Kind.ALREADY_REGISTERED,
]


def register(
    *,
    event: Event,
    person: PersonData,
    session_ids: Sequence[int],
    submission_key: str = "",
    at_desk: bool = False,
) -> SignUp:
    """Register a person for a netwerkdag and the chosen sessions.

    From an address in a listed organisation's e-mail domain: places are taken under row locks (the
    netwerkdag's when it has a maximum, then the sessions'); a full session puts the person on its
    waiting list and gives confirmed places in the others; the confirmation mail goes.
    From any other address: the registration waits for its owner to confirm it (no places, not
    counted against the maximum) and the mail carries the link that does (confirm_address).

    The answer to the person never tells whether an address was registered: an address already
    registered gets its manage link by mail; one still waiting takes the new details and gets its
    link again; such repeat mails go at most once per REGISTRATION_REPEAT_MAIL_MINUTES per address.
    The same form sent twice does nothing the second time.
    At the desk on the day (at_desk, checkin.services.register_walk_in) staff saw the person: the
    address needs no confirmation link and sign-up need not be open; the day's maximum still holds.
    Raises InvalidName, RegistrationClosed, EventFull, InvalidChoice or TryAgainLater.
    Side effects: one mail (confirmation, confirm-address link or manage link), after the commit.
    """
    try:
        validate_person_name(person.name)
    except ValidationError as error:
        raise InvalidName(error.messages[0]) from error
    email_normalised = normalise_email(person.email)
    listed = at_desk or is_listed_address(email_normalised)
    try:
        with locking_transaction():
            if event.capacity is not None:
                # The day's own limit: one sign-up at a time counts the registrations.
                event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
            if event.registration_state() != RegistrationState.OPEN and not at_desk:
                raise RegistrationClosed
            # Locks in the order event, registration, sessions: the order confirm_address and
            # change_sessions take them in, so that none of them waits on another in a circle.
            existing, full = _existing_and_full(event, email_normalised)
            sessions = _lock_sessions(session_ids)
            chosen = _validate_choice(event, sessions, list(session_ids))
            if existing is not None and submission_key and existing.submission_key == submission_key:
                return SignUp(existing, Outcome.DOUBLE_SUBMIT)
            # A full day answers everyone alike, so that the answer never tells who is registered.
            if full:
                raise EventFull
            if existing is not None and existing.is_active:
                _queue_repeat(existing, EmailLog.Kind.ALREADY_REGISTERED)
                return SignUp(existing, Outcome.ALREADY_REGISTERED)
            status = Registration.Status.ACTIVE if listed else Registration.Status.UNCONFIRMED
            if existing is not None:
                # Waiting for confirmation (or lapsed): the latest form is what the link confirms.
                registration = _replace_details(existing, event, person, submission_key, status)
                registration.requested_sessions.set([] if listed else chosen)
            else:
                registration = _create_registration(event, person, submission_key, status)
                if not listed:
                    registration.requested_sessions.set(chosen)
            if listed:
                _take_places(registration, chosen)
                emails.queue(registration, EmailLog.Kind.CONFIRMATION)
                return SignUp(registration, Outcome.CREATED)
            if existing is not None:
                _queue_repeat(registration, EmailLog.Kind.CONFIRM_ADDRESS)
            else:
                emails.queue(registration, EmailLog.Kind.CONFIRM_ADDRESS)
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the unique constraint let one through.
        with transaction.atomic():
            existing = (
                Registration.objects.select_for_update(no_key=True)
                .filter(status__in=CURRENT, event=event, email_normalised=email_normalised)
                .get()
            )
            if submission_key and existing.submission_key == submission_key:
                return SignUp(existing, Outcome.DOUBLE_SUBMIT)
            if existing.is_active:
                _queue_repeat(existing, EmailLog.Kind.ALREADY_REGISTERED)
                return SignUp(existing, Outcome.ALREADY_REGISTERED)
            _queue_repeat(existing, EmailLog.Kind.CONFIRM_ADDRESS)
        return SignUp(existing, Outcome.AWAITING_CONFIRMATION)
    return SignUp(registration, Outcome.AWAITING_CONFIRMATION)


def _existing_and_full(event: Event, email_normalised: str) -> tuple[Registration | None, bool]:
    """The address's current registration for the netwerkdag, locked, if any; and whether the day is
    full, counting confirmed registrations only."""
    current = Registration.objects.filter(event=event, status__in=CURRENT)
    mine = current.filter(email_normalised=email_normalised)
    if event.capacity is None:
        return mine.select_for_update(no_key=True).first(), False
    counts = current.aggregate(
        total=Count("id", filter=Q(status=Registration.Status.ACTIVE)),
        mine=Count("id", filter=Q(email_normalised=email_normalised)),
    )
    existing = mine.select_for_update(no_key=True).first() if counts["mine"] else None
    return existing, counts["total"] >= event.capacity


def _mailed_lately(email_normalised: str) -> bool:
    since = clock.now() - datetime.timedelta(minutes=settings.REGISTRATION_REPEAT_MAIL_MINUTES)
    return EmailLog.objects.filter(
        registration__email_normalised=email_normalised, kind__in=SIGN_UP_MAILS, created_at__gte=since
    ).exists()


def _queue_repeat(registration: Registration, kind: str) -> EmailLog | None:
    """The mail for a repeated sign-up, unless the address got a sign-up mail lately: then nothing is
    sent or recorded, so that nobody can flood a mailbox through the form."""
    if _mailed_lately(registration.email_normalised):
        logger.info("Repeated sign-up for registration %s: mailed lately, no %s mail", registration.pk, kind)
        return None
    return emails.queue(registration, kind)


def _person_fields(event: Event, person: PersonData) -> dict:
    return {
        "name": person.name,
        "email": person.email.strip(),
        "organisation": person.organisation,
        "organisation_name": "" if person.organisation else person.organisation_name,
        "job_title": person.job_title,
        "dietary_needs": person.dietary_needs if event.ask_dietary_needs else "",
        "accessibility_needs": person.accessibility_needs if event.ask_accessibility_needs else "",
        "language": person.language,
    }


def _create_registration(event: Event, person: PersonData, submission_key: str, status: str) -> Registration:
    return Registration.objects.create(
        event=event,
        status=status,
        consented_at=clock.now(),
        submission_key=submission_key,
        **_person_fields(event, person),
    )


def _replace_details(
    registration: Registration, event: Event, person: PersonData, submission_key: str, status: str
) -> Registration:
    """An unconfirmed registration takes the details of a new sign-up, and its time to confirm starts again."""
    for name, value in _person_fields(event, person).items():
        setattr(registration, name, value)
    registration.status = status
    now = clock.now()
    registration.consented_at = now
    registration.created_at = now
    registration.submission_key = submission_key
    registration.save()
    return registration


def _still_offered(event: Event, sessions: dict[int, Session], requested: Sequence[int]) -> list[Session]:
    """The requested sessions that still take sign-ups for the netwerkdag, one per time slot (the
    programme may have changed since the sign-up): what a confirmation can take places in."""
    chosen: list[Session] = []
    for session_id in requested:
        session = sessions.get(session_id)
        if session is None or session.event_id != event.pk or not session.takes_registrations:
            continue
        if session.is_cancelled:
            continue
        if not any(session.overlaps(other) for other in chosen):
            chosen.append(session)
    return chosen


def confirm_address(*, registration: Registration) -> Registration:
    """Confirm an unconfirmed sign-up: its owner opened the link in the mail.

    It takes its places now, as a sign-up would at this moment: a confirmed place in each chosen
    session that has room, a place on the waiting list of each that filled up meanwhile. A chosen
    session that no longer takes sign-ups is left out. A registration already confirmed (or
    cancelled since) is returned as it is, so that a link opened twice does nothing the second time.
    Raises ConfirmationLapsed, ClosedBeforeConfirmation, FullBeforeConfirmation or TryAgainLater;
    the registration then stays unconfirmed, and lapses in its time.
    Side effects: the confirmation mail with the manage link, after the commit.
    """
    with locking_transaction():
        event = registration.event
        if event.capacity is not None:
            event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
        registration = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if not registration.is_unconfirmed:
            return registration
        if registration.has_lapsed:
            raise ConfirmationLapsed
        if event.registration_state() != RegistrationState.OPEN:
            raise ClosedBeforeConfirmation
        if event.capacity is not None and event.registrations.active().count() >= event.capacity:
            raise FullBeforeConfirmation
        requested = list(
            registration.requested_sessions.order_by("start_time", "end_time", "pk").values_list(
                "pk", flat=True
            )
        )
        sessions = _lock_sessions(requested)
        registration.status = Registration.Status.ACTIVE
        registration.save(update_fields=["status", "updated_at"])
        registration.requested_sessions.clear()
        _take_places(registration, _still_offered(event, sessions, requested))
        emails.queue(registration, EmailLog.Kind.CONFIRMATION)
    return registration


def change_sessions(*, registration: Registration, session_ids: Sequence[int]) -> Registration:
    """Replace a registration's session choices while sign-up is open.

    A kept choice keeps its place (confirmed or on the waiting list); a new one is taken as on
    sign-up; a dropped confirmed place goes to the first on that session's waiting list. A place in
    a session that no longer takes sign-ups (so is not offered) stays.
    Side effects: the change confirmation (a calendar REQUEST for the day and the confirmed places,
    and a CANCEL for the sessions whose confirmed places were dropped, recorded with the message),
    and a promotion e-mail to whoever moves up.
    """
    with locking_transaction():
        registration = (
            Registration.objects.select_for_update(no_key=True, of=("self",))
            .select_related("event")
            .get(pk=registration.pk)
        )
        if not can_change(registration):
            raise RegistrationClosed(_("Je keuzes wijzigen kan niet meer."))
        current = {place.session_id: place for place in registration.places.all()}
        wanted = list(dict.fromkeys(session_ids))
        sessions = _lock_sessions([*current, *wanted])
        chosen = _validate_choice(registration.event, sessions, wanted)
        # A session that stopped taking sign-ups is not offered for choice, so not choosing it again
        # is no choice against it: its place stays, as the organiser who switched it off was told.
        dropped = [current[pk] for pk in current if pk not in wanted and sessions[pk].takes_registrations]
        added = [session for session in chosen if session.pk not in current]
        if not dropped and not added:
            return registration
        Place.objects.filter(pk__in=[place.pk for place in dropped]).delete()
        _take_places(registration, added)
        for place in dropped:
            _fill(sessions[place.session_id])
        # Only confirmed places were ever in the person's calendar (a waiting place is not).
        left = [sessions[place.session_id] for place in dropped if place.is_confirmed]
        emails.queue(registration, EmailLog.Kind.CHANGE, calendar_cancellations=left)
    return registration


def can_correct_details(registration: Registration) -> bool:
    return can_cancel(registration)


def correct_details(*, registration: Registration, person: PersonData) -> Registration:
    """A registrant corrects their name, organisation, job title and needs (not the address, which
    is who they are) until the netwerkdag begins. Places and waiting lists stay as they are.
    Raises InvalidName or RegistrationClosed. Side effects: none (no mail).
    """
    try:
        validate_person_name(person.name)
    except ValidationError as error:
        raise InvalidName(error.messages[0]) from error
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(no_key=True, of=("self",))
            .select_related("event")
            .get(pk=registration.pk)
        )
        if not can_correct_details(registration):
            raise RegistrationClosed(_("Je gegevens wijzigen kan niet meer."))
        fields = _person_fields(registration.event, person)
        del fields["email"], fields["language"]
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.save(update_fields=[*fields, "updated_at"])
    return registration


def cancel(*, registration: Registration, notify: bool = True) -> Registration:
    """Cancel a registration: its places are freed and go to the first on each waiting list.

    Side effects: the cancellation e-mail (unless notify is False), with a calendar CANCEL for the
    day and the sessions the person had a confirmed place in; promotion e-mails.
    """
    with locking_transaction():
        registration = (
            Registration.objects.select_for_update(no_key=True, of=("self",))
            .select_related("event")
            .get(pk=registration.pk)
        )
        if not registration.is_active:
            return registration
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = clock.now()
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        if notify:
            confirmed = Session.objects.filter(
                places__registration=registration, places__status=Place.Status.CONFIRMED
            )
            emails.queue(registration, EmailLog.Kind.CANCELLATION, calendar_cancellations=list(confirmed))
        release_places(registration)
    return registration


def release_places(registration: Registration) -> None:
    """Free the registration's places (within a locking transaction, the registration's row locked):
    each session they were in gives its free places to the first on its waiting list.
    Side effects: promotion e-mails.
    """
    places = list(registration.places.all())
    sessions = _lock_sessions(place.session_id for place in places)
    registration.places.all().delete()
    for session in sessions.values():
        _fill(session)


def delete_registration(*, registration: Registration) -> None:
    """Delete a registration (an organiser in the admin, or an erasure under the AVG).

    Its confirmed places go to the first on each waiting list, as after a cancellation.
    Side effects: promotion e-mails; the registration's e-mail log goes with it.
    Raises TryAgainLater when the locks cannot be had in time.
    """
    with locking_transaction():
        registration = Registration.objects.select_for_update(no_key=True).filter(pk=registration.pk).first()
        if registration is None:
            return
        release_places(registration)
        registration.delete()


@dataclasses.dataclass(frozen=True)
class PlaceRemoval:
    """What taking one place away did: whether its holder was told (`notified`, None when the place
    was gone already or the registration has no address), and who moved up from the waiting list.
    `waiting_list_later`: a confirmed place was freed while the session was too busy to serve its
    waiting list; the next sign-up or change in it, or `fill_waiting_lists`, gives the place to the
    first in line."""

    notified: Registration | None = None
    was_confirmed: bool = False
    promoted: tuple[Place, ...] = ()
    waiting_list_later: bool = False


def remove_place(*, place: Place) -> PlaceRemoval:
    """Take one place away from a registration (an organiser in the admin).

    A confirmed place goes to the first on the session's waiting list. The person who held it is
    told: for a confirmed place "Je plaats in “<sessie>” is vervallen" with a METHOD:CANCEL for the
    session's calendar entry (afgemeld.ics, as after dropping a session from one's choices); for a
    waiting-list place a short mail without calendar (it never was in their calendar).
    When the session's lock cannot be had in time, the place goes and its holder is told all the
    same, and the waiting list is served later (`waiting_list_later`): nobody in line is passed
    over, as the next fill serves the line in order.
    Side effects: that e-mail and promotion e-mails, after the commit.
    """
    try:
        with locking_transaction():
            session = _lock_sessions([place.session_id]).get(place.session_id)
            held = Place.objects.select_related("registration").filter(pk=place.pk).first()
            if session is None or held is None:
                return PlaceRemoval()
            return PlaceRemoval(
                notified=_take_away(held, session),
                was_confirmed=held.is_confirmed,
                promoted=tuple(_fill(session)),
            )
    except TryAgainLater:
        with transaction.atomic():
            held = Place.objects.select_related("registration", "session").filter(pk=place.pk).first()
            if held is None:
                return PlaceRemoval()
            return PlaceRemoval(
                notified=_take_away(held, held.session),
                was_confirmed=held.is_confirmed,
                waiting_list_later=held.is_confirmed,
            )


def _take_away(held: Place, session: Session) -> Registration | None:
    """Delete a place and queue the message that tells its holder; the holder, if told."""
    held.delete()
    registration = held.registration
    if not (registration.is_active and not registration.anonymised_at and registration.email):
        return None
    if held.is_confirmed:
        emails.queue(
            registration, EmailLog.Kind.PLACE_REMOVED, session=session, calendar_cancellations=[session]
        )
    else:
        emails.queue(registration, EmailLog.Kind.PLACE_REMOVED_WAITING, session=session)
    return registration


def queue_reminders(*, today: datetime.date | None = None) -> int:
    """Queue the reminder of every netwerkdag whose reminder day has come (Event.reminder_days_before
    days before it; 0: none), once per registration. Returns the number queued.

    It goes to each confirmed registration (not cancelled, not anonymised, not waiting for its
    address to be confirmed) that signed up before the reminder day and has had none
    (Registration.reminded_at, set in the same transaction as the message is recorded). A run on a
    later day before the netwerkdag catches up on what an earlier run missed; from the day itself on
    nothing goes. Safe to run as often as you like, and by two processes at once.
    Side effects: reminder e-mails (with the person's sessions, .ics and "Ik kan toch niet" link).
    """
    today = today or clock.today()
    count = 0
    for event in Event.objects.filter(date__gt=today, reminder_days_before__gt=0):
        reminder_day = event.date - datetime.timedelta(days=event.reminder_days_before)
        if reminder_day > today:
            continue
        due = (
            event.registrations.active()
            .filter(anonymised_at__isnull=True, reminded_at__isnull=True)
            .filter(created_at__lt=clock.local_datetime(reminder_day, datetime.time(0)))
            .exclude(email="")
            .order_by("pk")
        )
        while batch := list(due.values_list("pk", flat=True)[:100]):
            with transaction.atomic():
                now = clock.now()
                mine = list(due.filter(pk__in=batch).select_for_update(skip_locked=True))
                Registration.objects.filter(pk__in=[r.pk for r in mine]).update(reminded_at=now)
                logs = [emails.record_email(registration, EmailLog.Kind.REMINDER) for registration in mine]
                emails.send_on_commit([log.pk for log in logs])
            count += len(mine)
            if not mine:
                break
    return count


def notify_session_changed(*, session: Session) -> int:
    """Tell everyone with a confirmed place in the session that its time or room changed, with an
    update their calendar applies (same UID as their confirmation, higher SEQUENCE, METHOD:REQUEST).
    Returns the number of messages. Side effects: those e-mails, after the commit.
    """
    if session.is_cancelled:
        return 0  # nobody has a place in it, and a REQUEST would put it back in their calendar
    with transaction.atomic():
        registrations = Registration.objects.active().filter(
            anonymised_at__isnull=True,
            places__session=session,
            places__status=Place.Status.CONFIRMED,
        )
        logs = [
            emails.record_email(registration, EmailLog.Kind.SESSION_CHANGED, session=session)
            for registration in registrations.exclude(email="").order_by("pk")
        ]
        emails.send_on_commit([log.pk for log in logs])
    return len(logs)


def fill_from_waiting_list(*, session: Session) -> list[Place]:
    """Give the session's free places to its waiting list, first come first served.

    Called after a session is saved (follow_session_change): raising a capacity by N promotes N.
    Side effects: a promotion e-mail to each promoted person.
    """
    with locking_transaction():
        locked = _lock_sessions([session.pk]).get(session.pk)
        if locked is None:
            return []
        return _fill(locked)


# What a participant's calendar holds of a session: a change of these is sent to their calendar.
CALENDAR_FIELDS = frozenset({"start_time", "end_time", "location"})


@dataclasses.dataclass(frozen=True)
class SessionChange:
    """What saving a session caused: calendar updates sent, people promoted from the waiting list, and
    whether the waiting list gave way to a busy moment (then `fill_waiting_lists` serves it later)."""

    notified: int = 0
    promoted: tuple[Place, ...] = ()
    waiting_list_busy: bool = False


def places_taken(*, session: Session) -> int:
    """The confirmed places of active registrations in a session: what its capacity must not drop below
    without the organiser seeing who is then over the limit."""
    if session.pk is None:
        return 0
    return (
        Place.objects.confirmed()
        .filter(session_id=session.pk, registration__status=Registration.Status.ACTIVE)
        .count()
    )


def follow_session_change(*, session: Session, changed: Iterable[str] = ()) -> SessionChange:
    """Let the places and calendars follow a session that was just saved (on its admin page, on the
    programme screen, or by the spreadsheet import). `changed` names the fields that changed; empty
    for a new session.

    A new start, end or room goes to everyone with a confirmed place (notify_session_changed), before
    the waiting list is served: someone promoted now gets the promotion mail with the new time, not
    a second message. Then free places (a raised capacity, or a session that takes sign-ups again)
    go to the waiting list, first come first served (fill_from_waiting_list); a busy lock leaves that
    to the next sign-up or `fill_waiting_lists`. A cancelled session is left alone.
    Side effects: the change and promotion e-mails, after the commit.
    """
    if session.is_cancelled:
        return SessionChange()
    notified = notify_session_changed(session=session) if CALENDAR_FIELDS & set(changed) else 0
    if not session.takes_registrations:
        return SessionChange(notified=notified)
    try:
        promoted = fill_from_waiting_list(session=session)
    except TryAgainLater:
        return SessionChange(notified=notified, waiting_list_busy=True)
    return SessionChange(notified=notified, promoted=tuple(promoted))


def fill_waiting_lists() -> list[Place]:
    """Give every free place of a netwerkdag still to come to its waiting list, first come first served.

    Repairs what a promotion that gave way to lock contention left (run from cron with
    `manage.py fill_waiting_lists`); a session whose lock is busy is left for the next run.
    Side effects: a promotion e-mail to each promoted person.
    """
    candidates = (
        with_place_counts(Session.objects.offered().filter(event__date__gte=clock.today()))
        .filter(waiting__gt=0)
        .order_by("pk")
    )
    promoted = []
    for session in candidates:
        if session.capacity is not None and session.taken >= session.capacity:
            continue
        try:
            promoted += fill_from_waiting_list(session=session)
        except TryAgainLater:
            continue
    return promoted


@dataclasses.dataclass(frozen=True)
class SessionCancellation:
    """What cancelling a session did: the people who lost a place and those taken off its waiting list."""

    session: Session
    confirmed: int
    waiting: int


def cancel_session(*, session: Session, reason: str = "", by=None) -> SessionCancellation:
    """Cancel a session: it stays on the programme, marked as cancelled (with the public reason).

    In one transaction, under the session's lock: every confirmed place and waiting-list place in it
    is removed (the registrations keep their other places), unconfirmed sign-ups stop asking for it,
    and everyone who had a place gets "Vervallen: <sessie>" with a METHOD:CANCEL for its calendar
    entry; those on the waiting list get a short mail without calendar. `by` is the organiser, kept
    in the session's history. A session cancelled already is left as it is (counts 0).
    Raises ValidationError for a reason with line breaks or of more than 300 characters,
    TryAgainLater when the lock cannot be had in time.
    Side effects: those e-mails, after the commit; the page cache goes stale (a save of content).
    """
    reason = reason.strip()
    field = Session._meta.get_field("cancellation_reason")
    field.run_validators(reason)
    if len(reason) > field.max_length:
        raise ValidationError(
            _("Gebruik voor de reden hoogstens %(limit)d tekens.") % {"limit": field.max_length}
        )
    with locking_transaction():
        locked = _lock_sessions([session.pk]).get(session.pk)
        if locked is None or locked.is_cancelled:
            return SessionCancellation(session=locked or session, confirmed=0, waiting=0)
        places = list(
            Place.objects.filter(session=locked).select_related("registration").order_by("status", "pk")
        )
        locked.cancelled_at = clock.now()
        locked.cancellation_reason = reason
        if by is not None:
            locked._history_user = by  # django-simple-history names them in the session's version
        locked.save(update_fields=["cancelled_at", "cancellation_reason", "updated_at"])
        Place.objects.filter(pk__in=[place.pk for place in places]).delete()
        Registration.requested_sessions.through.objects.filter(session=locked).delete()
        logs = []
        for place in places:
            registration = place.registration
            if not registration.is_active or registration.anonymised_at or not registration.email:
                continue
            kind = (
                EmailLog.Kind.SESSION_CANCELLED
                if place.is_confirmed
                else EmailLog.Kind.SESSION_CANCELLED_WAITING
            )
            logs.append(emails.record_email(registration, kind, session=locked))
        emails.send_on_commit([log.pk for log in logs])
    return SessionCancellation(
        session=locked,
        confirmed=sum(1 for place in places if place.is_confirmed),
        waiting=sum(1 for place in places if not place.is_confirmed),
    )


def reinstate_session(*, session: Session, by=None) -> Session:
    """Undo a cancellation: the session is on the programme and the sign-up form again.

    Nobody is given back a place or a waiting-list place (they were told it was cancelled and may
    have chosen another session): whoever wants it signs up for it again. `by` is kept in the
    session's history. Side effects: none besides the page cache going stale (no e-mail).
    """
    with transaction.atomic():
        locked = _lock_sessions([session.pk]).get(session.pk)
        if locked is None or not locked.is_cancelled:
            return locked or session
        locked.cancelled_at = None
        locked.cancellation_reason = ""
        if by is not None:
            locked._history_user = by  # django-simple-history names them in the session's version
        locked.save(update_fields=["cancelled_at", "cancellation_reason", "updated_at"])
    return locked
