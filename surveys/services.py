"""Writes of the evaluation: creating one, inviting and reminding, and taking the answers."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import F

from checkin.models import Attendance, CheckIn
from g40events import clock
from g40events.models import Event
from registrations import emails
from registrations.models import EmailLog, Place, Registration
from sessions.models import Session
from surveys.models import (
    Invitation,
    OpenAnswer,
    Question,
    RatingCount,
    Survey,
    default_questions,
    hash_token,
    token_for,
)


class NotAccepted(Exception):
    """An answer the invitation cannot take (any more); the message says why, for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


ALREADY_ANSWERED = "answered"
CLOSED = "closed"


def create_survey(*, event: Event, questions: list[dict] | None = None, **fields) -> Survey:
    """An evaluation for the netwerkdag with the default questions (or the given ones) and the
    default dates. No side effects beyond the rows."""
    with transaction.atomic():
        survey = Survey(event=event, **fields)
        survey.fill_in_dates()
        survey.save()
        Question.objects.bulk_create(
            Question(survey=survey, **question) for question in (questions or default_questions())
        )
    return survey


def participants(event: Event):
    """Who is invited: those checked in at the desk, if the desk was used for this netwerkdag;
    otherwise every confirmed registration. Never a cancelled, unconfirmed or anonymised one."""
    registrations = event.registrations.active().filter(anonymised_at__isnull=True).exclude(email="")
    if CheckIn.objects.filter(registration__event=event).exists():
        registrations = registrations.filter(check_in__isnull=False)
    return registrations


def attended_sessions(registration: Registration) -> list[Session]:
    """The sessions the person attended, in time order: where attendance was taken at the door,
    what was taken there; in the other sessions, the confirmed places."""
    ids = attended_session_ids(registration.event_id, [registration.pk])[registration.pk]
    return list(
        Session.objects.filter(pk__in=ids)
        .prefetch_related("pillars")
        .order_by("start_time", "end_time", "title")
    )


def attended_session_ids(event_id: int, registration_ids) -> dict[int, list[int]]:
    """For registrations of one netwerkdag: the ids of the sessions each attended, in time order
    (the rule of attended_sessions), in three queries however many they are."""
    counted = Attendance.objects.filter(session__event_id=event_id).values("session_id")
    attended = set(
        Attendance.objects.filter(
            session__event_id=event_id, registration_id__in=registration_ids
        ).values_list("registration_id", "session_id")
    )
    placed = set(
        Place.objects.confirmed()
        .filter(session__event_id=event_id, registration_id__in=registration_ids)
        .exclude(session_id__in=counted)
        .values_list("registration_id", "session_id")
    )
    in_time_order = Session.objects.filter(event_id=event_id).order_by("start_time", "end_time", "title")
    sessions = list(in_time_order.values_list("pk", flat=True))
    taken = attended | placed
    return {pk: [session for session in sessions if (pk, session) in taken] for pk in registration_ids}


@dataclasses.dataclass
class Sent:
    invited: int = 0
    reminded: int = 0
    forgotten: int = 0


def send_invitations(*, today: datetime.date | None = None) -> Sent:
    """Invite every participant of each open survey once, and remind once those who did not answer
    (from invite_on + reminder_days, while the survey is open); then let the invitations of closed
    surveys forget whom they went to. Safe to run as often as you like, and by two processes at once.

    Side effects: the invitation and reminder e-mails (EmailLog, queued on commit).
    """
    today = today or clock.today()
    sent = Sent()
    for survey in Survey.objects.open_on(today).select_related("event"):
        sent.invited += _invite(survey)
        if survey.remind_on is not None and survey.remind_on <= today:
            sent.reminded += _remind(survey)
    sent.forgotten = forget_invited(today=today)
    return sent


def _invite(survey: Survey) -> int:
    with transaction.atomic():
        # One run at a time per survey: the row lock on PostgreSQL, the write lock on SQLite.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        due = list(participants(survey.event).exclude(survey_invitations__survey=survey).order_by("pk"))
        Invitation.objects.bulk_create(
            Invitation(
                survey=survey,
                registration=registration,
                token_hash=hash_token(token_for(survey_id=survey.pk, registration_id=registration.pk)),
            )
            for registration in due
        )
        logs = [emails.record_email(registration, EmailLog.Kind.SURVEY_INVITATION) for registration in due]
        emails.send_on_commit([log.pk for log in logs])
    return len(due)


def _remind(survey: Survey) -> int:
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        due = list(
            survey.invitations.filter(
                answered=False,
                reminded=False,
                registration__status=Registration.Status.ACTIVE,
                registration__anonymised_at__isnull=True,
            )
            .exclude(registration__email="")
            .select_related("registration")
            .order_by("pk")
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in due]).update(reminded=True)
        logs = [
            emails.record_email(invitation.registration, EmailLog.Kind.SURVEY_REMINDER) for invitation in due
        ]
        emails.send_on_commit([log.pk for log in logs])
    return len(due)


def forget_invited(*, today: datetime.date | None = None) -> int:
    """Unlink the invitations of closed surveys from their registrations: once no answer can come
    in, nothing needs to know who was invited, or who answered. Returns the number unlinked."""
    today = today or clock.today()
    return Invitation.objects.filter(survey__closes_on__lt=today, registration__isnull=False).update(
        registration=None
    )


def submit_answers(
    *,
    invitation: Invitation,
    ratings: dict[tuple[int, int | None], int],
    texts: dict[int, str],
) -> None:
    """Store one person's answers, once: ratings per (question id, session id or None) and texts
    per question id. The invitation is marked used in the same transaction by a conditional update,
    so of two submissions at once only one stores anything.

    Raises NotAccepted(ALREADY_ANSWERED or CLOSED), and then nothing is stored. No e-mail.
    """
    if not Survey.objects.open_on(clock.today()).filter(pk=invitation.survey_id).exists():
        raise NotAccepted(CLOSED)
    with transaction.atomic():
        # The condition names only the invitation's own columns: on PostgreSQL a second update
        # waits for the first to commit and then checks them again on the row as it is now (a
        # condition through a join would be a subquery, answered from the old snapshot).
        claimed = Invitation.objects.filter(
            pk=invitation.pk, answered=False, registration__isnull=False
        ).update(answered=True)
        if not claimed:
            invitation.refresh_from_db(fields=["answered"])
            raise NotAccepted(ALREADY_ANSWERED if invitation.answered else CLOSED)
        # The counts are made when first needed and counted up in one order, so that two
        # submissions at once never wait on each other in a circle.
        keys = sorted(ratings, key=lambda key: (key[0], key[1] or 0))
        RatingCount.objects.bulk_create(
            [
                RatingCount(question_id=question_id, session_id=session_id, rating=ratings[key], count=0)
                for key in keys
                for question_id, session_id in [key]
            ],
            ignore_conflicts=True,
        )
        for question_id, session_id in keys:
            RatingCount.objects.filter(
                question_id=question_id, session_id=session_id, rating=ratings[(question_id, session_id)]
            ).update(count=F("count") + 1)
        OpenAnswer.objects.bulk_create(
            OpenAnswer(question_id=question_id, text=text) for question_id, text in sorted(texts.items())
        )
