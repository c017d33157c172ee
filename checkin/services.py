"""Check-in at the desk, attendance at the door of a session, and walk-ins.

Every write here refuses what does not fit with a CheckInError whose message is fit to show desk
staff, and changes nothing then. A check-in is one row per registration (a one-to-one field):
two desks checking in the same person at the same moment both get the answer "binnen", and the
database keeps one row.
"""

import dataclasses
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from checkin import codes
from checkin.models import Attendance, CheckIn, Method
from g40events import clock
from g40events.models import Event
from registrations import services as registration_services
from registrations.models import Place, Registration
from sessions.models import Session


class CheckInError(Exception):
    message = _("Dat lukte niet.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class UnknownCode(CheckInError):
    message = _("Deze code kennen we niet. Controleer de tekens, of zoek de persoon op naam.")


class OtherEvent(CheckInError):
    message = _("Deze code hoort bij een andere netwerkdag: %(event)s. Er is niets ingecheckt.")


class NotRegistered(CheckInError):
    message = _("%(name)s is afgemeld voor deze netwerkdag. Er is niets ingecheckt.")


class Unconfirmed(CheckInError):
    message = _(
        "%(name)s heeft het e-mailadres nooit bevestigd en is dus niet aangemeld. Meld deze persoon "
        "aan als inloper."
    )


class NoRoom(CheckInError):
    message = _("%(session)s is vol: er is geen plaats meer vrij. Er is niets veranderd.")


@dataclasses.dataclass(frozen=True)
class Result:
    registration: Registration
    created: bool  # False: it was already so (checked in, or marked present, before)


def registration_for_code(*, event: Event, code: str) -> Registration:
    """The registration a scanned or typed code names, if it may check in at this netwerkdag."""
    parsed = codes.parse(code)
    registration = None
    if parsed is not None:
        registration = (
            Registration.objects.select_related("event", "organisation")
            .filter(pk=parsed.registration_id, anonymised_at__isnull=True)
            .first()
        )
    if registration is None or not parsed.matches(registration):
        raise UnknownCode
    _check_may_enter(event, registration)
    return registration


def _check_may_enter(event: Event, registration: Registration) -> None:
    if registration.event_id != event.pk:
        raise OtherEvent(OtherEvent.message % {"event": registration.event.title})
    if registration.is_unconfirmed:
        raise Unconfirmed(Unconfirmed.message % {"name": registration.name})
    if not registration.is_active:
        raise NotRegistered(NotRegistered.message % {"name": registration.name})


def check_in(*, event: Event, registration: Registration, by=None, method: str = Method.LIST) -> Result:
    """Record that the registrant arrived. Checking in someone already in changes nothing.

    Raises OtherEvent, NotRegistered or Unconfirmed (nothing recorded then).
    """
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    _check_may_enter(event, registration)
    try:
        with transaction.atomic():
            CheckIn.objects.create(
                registration=registration, checked_in_by=by, method=method, checked_in_at=clock.now()
            )
    except IntegrityError:
        # Another desk was first (on PostgreSQL this insert waited for its commit): one check-in.
        return Result(registration, created=False)
    return Result(registration, created=True)


def check_in_code(*, event: Event, code: str, by=None, method: str = Method.SCAN) -> Result:
    """Check in whoever a scanned or typed code names. Raises UnknownCode and check_in's errors."""
    return check_in(
        event=event, registration=registration_for_code(event=event, code=code), by=by, method=method
    )


def undo_check_in(*, registration: Registration) -> bool:
    """Take back a check-in made by mistake; whether there was one."""
    deleted, _ = CheckIn.objects.filter(registration=registration).delete()
    return bool(deleted)


def counts(event: Event) -> dict[str, int]:
    """Checked in and expected (active registrations) for the desk's running count."""
    return Registration.objects.filter(event=event).aggregate(
        expected=Count("id", filter=Q(status=Registration.Status.ACTIVE)),
        checked_in=Count("check_in", filter=Q(status=Registration.Status.ACTIVE)),
    )


def register_walk_in(
    *, event: Event, person: registration_services.PersonData, session_ids: Sequence[int], by=None
) -> Registration:
    """Register someone who arrives without a registration, and check them in.

    Through the same service as the public form (registrations.services.register, at_desk=True):
    the same rules for names, sessions and the day's maximum, places or waiting lists as there,
    the confirmation mail with the personal link and code; the desk saw the person, so the address
    needs no confirmation link, and sign-up need not be open any more. An address already
    registered is checked in as it is. Raises RegistrationError (e.g. EventFull) and check_in's.
    """
    signup = registration_services.register(event=event, person=person, session_ids=session_ids, at_desk=True)
    check_in(event=event, registration=signup.registration, by=by, method=Method.WALK_IN)
    return signup.registration


# --- attendance per session -----------------------------------------------------------------------


def session_room(session: Session) -> int | None:
    """Free places in a session for someone without a place: capacity less confirmed places and
    those added at the door. None: no limit."""
    if session.capacity is None:
        return None
    taken = Place.objects.confirmed().filter(session=session).count()
    added = Attendance.objects.filter(session=session, had_place=False).count()
    return max(0, session.capacity - taken - added)


def mark_present(
    *, session: Session, registration: Registration, by=None, method: str = Method.LIST
) -> Result:
    """Record that the registrant is at the session. Someone without a confirmed place in it is
    added when there is room (under the session's row lock, so two doors do not both take the last
    place). Raises OtherEvent, NotRegistered, Unconfirmed or NoRoom (nothing recorded then).
    """
    _check_may_enter(session.event, Registration.objects.select_related("event").get(pk=registration.pk))
    with transaction.atomic():
        session = Session.objects.select_for_update().select_related("event").get(pk=session.pk)
        if Attendance.objects.filter(session=session, registration=registration).exists():
            return Result(registration, created=False)
        had_place = Place.objects.confirmed().filter(session=session, registration=registration).exists()
        if not had_place and session_room(session) == 0:
            raise NoRoom(NoRoom.message % {"session": session.title})
        Attendance.objects.create(
            session=session,
            registration=registration,
            had_place=had_place,
            marked_by=by,
            method=method,
            marked_at=clock.now(),
        )
    return Result(registration, created=True)


def mark_present_by_code(*, session: Session, code: str, by=None) -> Result:
    registration = registration_for_code(event=session.event, code=code)
    return mark_present(session=session, registration=registration, by=by, method=Method.SCAN)


def unmark_present(*, session: Session, registration: Registration) -> bool:
    deleted, _ = Attendance.objects.filter(session=session, registration=registration).delete()
    return bool(deleted)
