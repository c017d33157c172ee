"""E-mails to registrants: an outbox in the database, sent by background tasks.

Every message is an EmailLog row first, written in the same transaction as the change it reports
(queue_email). When that transaction commits, a task (registrations.tasks.send_emails, django-tasks)
is enqueued that sends it; the worker (`manage.py db_worker`) runs it. If the worker is down the
task waits in the database; if the mail server is down the message is retried with backoff; and
`send_pending_emails` (cron) sends whatever is due and was left behind, so nothing is lost.

A failure is either temporary (the server is unreachable, times out, answers 4xx, or anything
unforeseen): retried after 5, 10, 20, ... minutes, at most 6 hours apart, up to
settings.EMAIL_MAX_ATTEMPTS attempts; or permanent (the server refuses recipient or message with a
5xx answer, or no address is left because the registration was anonymised or erased): then the
message is given up at once, with the reason, which organisers see and filter in the admin.

Messages are rendered when sent, in the language the person signed up in, as plain text with an
HTML alternative.

How a task sends its batch fast (issue 11: at least 20 messages a second from one worker, on a
busy machine too): each message is four or five SMTP round trips to the mail server, and on a
loaded machine every round trip waits for both processes to get a core. So the task renders the
next message (CPU, in its own thread, which also reads the database) while up to
settings.EMAIL_CONNECTIONS connections send the previous ones side by side, each in a thread of
its own. Outcomes are recorded as they come in, a few messages to a transaction. A task also takes
along messages that were queued meanwhile for other tasks (one per sign-up, say) up to a batch, so
that a rush of sign-ups is sent over the same connections; their own tasks then find nothing left.
"""

import collections
import datetime
import logging
import smtplib
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import SafeMIMEMultipart
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from g40events import clock
from g40events.links import absolute_url, message_id
from g40events.oneline import single_line
from registrations import calendars as personal_calendars
from registrations import extensions
from registrations.calendars import personal_calendar
from registrations.models import EmailLog, Place, Registration
from sessions.models import speakers_prefetch

logger = logging.getLogger(__name__)

SUBJECTS = {
    EmailLog.Kind.CONFIRM_ADDRESS: lambda: _("Bevestig je aanmelding voor %(event)s"),
    EmailLog.Kind.CONFIRMATION: lambda: _("Bevestiging van je aanmelding: %(event)s"),
    EmailLog.Kind.ALREADY_REGISTERED: lambda: _("Je aanmelding voor %(event)s"),
    EmailLog.Kind.PROMOTION: lambda: _("Er is plaats voor je: %(session)s"),
    EmailLog.Kind.CHANGE: lambda: _("Je keuzes voor %(event)s zijn gewijzigd"),
    EmailLog.Kind.CANCELLATION: lambda: _("Je bent afgemeld voor %(event)s"),
    EmailLog.Kind.REMINDER: lambda: _("Herinnering: %(event)s"),
    EmailLog.Kind.SESSION_CHANGED: lambda: _("Gewijzigd: %(session)s"),
    EmailLog.Kind.SESSION_CANCELLED: lambda: _("Vervallen: %(session)s"),
    EmailLog.Kind.SESSION_CANCELLED_WAITING: lambda: _("Vervallen: %(session)s"),
    EmailLog.Kind.PLACE_REMOVED: lambda: _("Je plaats in “%(session)s” is vervallen"),
    EmailLog.Kind.PLACE_REMOVED_WAITING: lambda: _(
        "Je plaats op de wachtlijst van “%(session)s” is vervallen"
    ),
}
WITH_CALENDAR = {
    EmailLog.Kind.CONFIRMATION,
    EmailLog.Kind.PROMOTION,
    EmailLog.Kind.REMINDER,
}

# Mails that show no sessions: their places are not read (a bulk send renders a thousand of them, and
# reading the places with their speakers was a third of each one's CPU time).
WITHOUT_PLACES = {EmailLog.Kind.MAILING}

# Messages per task: one SMTP connection serves a batch.
BATCH_SIZE = 50
# A message is claimed for this long while it is being sent; a worker that dies meanwhile leaves it
# to the next run of send_pending_emails after that.
CLAIM_TIMEOUT = datetime.timedelta(minutes=10)
# A freshly queued message belongs to its task for this long before send_pending_emails takes it.
SWEEP_GRACE = datetime.timedelta(minutes=1)


def subject_line(kind: str, *, event, session=None) -> str:
    """The subject of a mail of this kind, on one line whatever the stored titles hold (a line break
    in a header would make every mail about the netwerkdag fail)."""
    return single_line(SUBJECTS[kind]() % {"event": event.title, "session": session.title if session else ""})


class NoRecipient(Exception):
    """The registration has no address any more (anonymised or erased): the message can never go."""


def queue_email(
    registration: Registration, kind: str, *, session=None, calendar_cancellations=()
) -> EmailLog:
    """Record a message for the registration; a task sends it once the surrounding transaction commits.

    The row is written in the caller's transaction, so a change and its message are saved together
    or not at all; the task is enqueued only after the commit, so that it never sends a message
    about a change that was rolled back. `calendar_cancellations`: the sessions whose entries the
    message takes out of the person's calendar (their places are gone by the time it is rendered).
    """
    log = record_email(registration, kind, session=session, calendar_cancellations=calendar_cancellations)
    send_on_commit([log.pk])
    return log


def record_email(
    registration: Registration, kind: str, *, session=None, calendar_cancellations=()
) -> EmailLog:
    """Record a message without queueing it: for many at once, queued together with send_on_commit."""
    log = EmailLog.objects.create(
        registration=registration,
        kind=kind,
        session=session,
        recipient=registration.email,
        next_attempt_at=clock.now() + SWEEP_GRACE,
    )
    if calendar_cancellations:
        log.calendar_cancellations.set(calendar_cancellations)
    return log


# The name the services have used since the first version.
queue = queue_email


def send_on_commit(log_ids: Iterable[int]) -> None:
    """Enqueue tasks that send these recorded messages, in batches, when the transaction commits."""
    log_ids = list(log_ids)
    if log_ids:
        transaction.on_commit(lambda: enqueue(log_ids))


def enqueue(log_ids: list[int], *, run_after: datetime.datetime | None = None) -> int:
    """Enqueue send tasks for these messages, BATCH_SIZE to a task. Returns the number of tasks.

    Never raises: a queue that cannot be reached leaves the messages pending, and
    send_pending_emails sends them later.
    """
    from registrations.tasks import send_emails

    task = send_emails
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return 0  # the retry is left to send_pending_emails
        task = task.using(run_after=run_after)
    count = 0
    for start in range(0, len(log_ids), BATCH_SIZE):
        try:
            task.enqueue(log_ids[start : start + BATCH_SIZE])
        except Exception:
            logger.exception("Could not enqueue e-mails %s; send_pending_emails will send them", log_ids)
            continue
        count += 1
    return count


def _claim(log_ids: list[int]) -> list[int]:
    """Take these messages for sending: those not sent, not given up, and not being sent by another
    worker (whose claim lasts CLAIM_TIMEOUT). Returns the ids claimed, in the order given.

    On PostgreSQL the rows are locked and others' locked rows skipped; on SQLite the transaction
    holds the database's write lock (IMMEDIATE). Either way no message is claimed twice.
    """
    now = clock.now()
    claimable = EmailLog.objects.filter(pk__in=log_ids).filter(
        Q(status__in=[EmailLog.Status.PENDING, EmailLog.Status.FAILED])
        | Q(status=EmailLog.Status.SENDING, next_attempt_at__lte=now)
    )
    with transaction.atomic():
        claimed = set(claimable.select_for_update(skip_locked=True).values_list("pk", flat=True))
        EmailLog.objects.filter(pk__in=claimed).update(
            status=EmailLog.Status.SENDING, next_attempt_at=now + CLAIM_TIMEOUT
        )
    return [log_id for log_id in dict.fromkeys(log_ids) if log_id in claimed]


def _claim_queued(*, limit: int, besides: list[int]) -> list[int]:
    """Take up to `limit` messages that wait for their first attempt (queued for other tasks, or
    left behind for send_pending_emails), oldest first, to send them with this batch. A message
    that failed waits for its retry."""
    if limit <= 0:
        return []
    now = clock.now()
    with transaction.atomic():
        queued = list(
            EmailLog.objects.filter(status=EmailLog.Status.PENDING)
            .exclude(pk__in=besides)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        EmailLog.objects.filter(pk__in=queued).update(
            status=EmailLog.Status.SENDING, next_attempt_at=now + CLAIM_TIMEOUT
        )
    return queued


class _Sender:
    """Sends messages over up to settings.EMAIL_CONNECTIONS SMTP connections side by side, each in a
    thread of its own, while the caller renders the next ones. Another backend (the console, the
    tests' memory) sends in the caller's thread, one message after the other.

    A connection is opened at its first message and kept for the batch; after an error that may
    have broken it, the next message opens it anew. A refusal (a 4xx or 5xx answer) leaves it open.
    """

    def __init__(self):
        backend = get_connection(fail_silently=False)
        self.threaded = isinstance(backend, SMTPBackend) and settings.EMAIL_CONNECTIONS > 1
        self.size = settings.EMAIL_CONNECTIONS if self.threaded else 1
        self.backends = [] if self.threaded else [backend]
        self.local = threading.local()
        self.lock = threading.Lock()
        if self.threaded:
            self.pool = ThreadPoolExecutor(self.size, thread_name_prefix="smtp")
        else:
            self.pool, self.local.backend = None, backend

    def submit(self, message: EmailMultiAlternatives) -> Future:
        if self.pool is not None:
            return self.pool.submit(self._send, message)
        future = Future()
        try:
            self._send(message)
        except Exception as error:
            future.set_exception(error)
        else:
            future.set_result(None)
        return future

    def _send(self, message: EmailMultiAlternatives) -> None:
        backend = getattr(self.local, "backend", None)
        if backend is None:
            backend = self.local.backend = get_connection(fail_silently=False)
            with self.lock:
                self.backends.append(backend)
        if isinstance(backend, SMTPBackend) and backend.connection is None:
            backend.open()  # kept open for the next messages; send_messages() would close it
        message.connection = backend
        try:
            message.send()
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused):
            raise  # the server answered: the connection is fine
        except Exception:
            self._close(backend)
            raise

    @staticmethod
    def _close(backend) -> None:
        try:
            backend.close()
        except Exception:  # a connection that broke is closed already, as far as we care
            logger.debug("Closing the SMTP connection failed", exc_info=True)
            if isinstance(backend, SMTPBackend):
                backend.connection = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
        for backend in self.backends:
            self._close(backend)


def send_batch(log_ids: Iterable[int], *, fill: bool = False) -> dict[str, int]:
    """Send these messages, each one only if nobody else sends or sent it; with `fill`, also other
    messages queued meanwhile, up to BATCH_SIZE in all (what the task does).

    Each message's outcome (sent, failed and when it is tried again, given up and why) is recorded
    as soon as its send returns. A worker that dies mid-batch leaves the messages it had not
    recorded claimed (status "sending"); send_pending_emails sends them once the claim has expired
    (CLAIM_TIMEOUT). At most the few in flight may then go twice; none is lost.

    Returns counts by outcome: sent, retry, given_up, skipped.
    """
    log_ids = list(log_ids)
    claimed = _claim(log_ids)
    counts = {"sent": 0, "retry": 0, "given_up": 0, "skipped": len(log_ids) - len(claimed)}
    if fill:
        claimed += _claim_queued(limit=BATCH_SIZE - len(claimed), besides=log_ids)
    if not claimed:
        return counts
    logs = EmailLog.objects.select_related(
        "registration__event__host_city", "registration__organisation", "session", "mailing"
    ).in_bulk(claimed)
    retries: dict[datetime.datetime, list[int]] = {}

    def record(outcomes: list[tuple[EmailLog, EmailMultiAlternatives | None, Exception | None]]) -> None:
        with transaction.atomic():  # one commit for the few that came in together
            for log, message, error in outcomes:
                outcome = record_outcome(log, message=message, error=error)
                counts[outcome] += 1
                if outcome == "retry":
                    retries.setdefault(log.retry_run_after, []).append(log.pk)

    sender = _Sender()
    in_flight = collections.deque()
    try:
        for log_id in claimed:
            log = logs.get(log_id)
            if log is None:  # erased with its registration meanwhile
                counts["skipped"] += 1
                continue
            try:
                message = build_message(log)
            except Exception as error:  # e.g. no address left: recorded, never sent
                record([(log, None, error)])
                continue
            in_flight.append((log, message, sender.submit(message)))
            # Record what has been sent; wait for the oldest when too many are in flight, so that
            # few messages are ever sent and not yet recorded.
            done = []
            while in_flight and (in_flight[0][2].done() or len(in_flight) > 2 * sender.size):
                done.append(_result(*in_flight.popleft()))
            if done:
                record(done)
        if in_flight:
            record([_result(*entry) for entry in in_flight])
    finally:
        sender.close()
    for run_after, ids in retries.items():
        transaction.on_commit(lambda ids=ids, run_after=run_after: enqueue(ids, run_after=run_after))
    return counts


def _result(log: EmailLog, message: EmailMultiAlternatives, future: Future):
    error = future.exception()  # waits for the send
    return log, message, error


def send(log_id: int) -> bool:
    """Send one recorded message now, if it is not sent or being sent; True when it went out."""
    return send_batch([log_id])["sent"] == 1


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after its attempts-th failed attempt a message is tried again: 5, 10, 20 ... minutes,
    at most 6 hours."""
    return min(datetime.timedelta(minutes=5) * 2 ** (attempts - 1), datetime.timedelta(hours=6))


def give_up_reason(error: Exception) -> str | None:
    """Why a failure is permanent, or None when it is temporary and worth another attempt.

    Permanent: no address left, or a 5xx refusal of the recipient or the message. A refused sender
    or failed login (5xx too) says that our own settings are wrong: temporary, since every message
    would fail alike and an organiser fixes the settings, after which they go.
    """
    if isinstance(error, NoRecipient):
        return EmailLog.GiveUpReason.NO_RECIPIENT
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return EmailLog.GiveUpReason.REFUSED
        return None
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError):
        return None
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        return EmailLog.GiveUpReason.REFUSED
    return None


def record_outcome(log: EmailLog, *, message: EmailMultiAlternatives | None, error: Exception | None) -> str:
    """Record how the attempt at a claimed message went: "sent", "retry" or "given_up"."""
    attempts = log.attempts + 1
    if error is not None:  # a mail server that is down must never lose the registration
        error_text = f"{type(error).__name__}: {error}"[:2000]
        reason = give_up_reason(error)
        if reason is None and attempts >= settings.EMAIL_MAX_ATTEMPTS:
            reason = EmailLog.GiveUpReason.TOO_MANY_ATTEMPTS
        if reason is None:
            delay = retry_delay(attempts)
            log.status, log.next_attempt_at = EmailLog.Status.FAILED, clock.now() + delay
            log.retry_run_after = timezone.now() + delay  # the queue runs on the real clock
            logger.warning(
                "E-mail %s (%s) was not sent, attempt %s; retried in %s: %s",
                log.pk, log.kind, attempts, delay, error_text,
            )  # fmt: skip
        else:
            log.status, log.next_attempt_at = EmailLog.Status.GIVEN_UP, None
            logger.warning("E-mail %s (%s) given up (%s): %s", log.pk, log.kind, reason, error_text)
        log.attempts, log.error, log.give_up_reason = attempts, error_text, reason or ""
        EmailLog.objects.filter(pk=log.pk).update(
            status=log.status,
            error=error_text,
            attempts=attempts,
            next_attempt_at=log.next_attempt_at,
            give_up_reason=log.give_up_reason,
        )
        return "retry" if reason is None else "given_up"
    sent_at = clock.now()
    EmailLog.objects.filter(pk=log.pk).update(
        status=EmailLog.Status.SENT,
        error="",
        give_up_reason="",
        attempts=attempts,
        sent_at=sent_at,
        next_attempt_at=None,
        subject=message.subject,
        recipient=log.registration.email,
    )
    log.status, log.attempts, log.sent_at = EmailLog.Status.SENT, attempts, sent_at
    return "sent"


def due() -> Q:
    """Messages that send_pending_emails should send now."""
    now = clock.now()
    return Q(
        status__in=[EmailLog.Status.PENDING, EmailLog.Status.FAILED, EmailLog.Status.SENDING],
        next_attempt_at__lte=now,
    )


def give_up_without_recipient() -> int:
    """Give up, in one update, every due message whose registration has no address left."""
    return (
        EmailLog.objects.filter(due())
        .filter(Q(registration__anonymised_at__isnull=False) | Q(registration__email=""))
        .update(
            status=EmailLog.Status.GIVEN_UP,
            give_up_reason=EmailLog.GiveUpReason.NO_RECIPIENT,
            error="NoRecipient: the registration has been anonymised or erased: there is no address to send to.",
            next_attempt_at=None,
        )
    )


def send_pending(*, limit: int | None = None) -> dict[str, int]:
    """Send, in this process, every message that is due: never sent by its task (the worker or the
    queue was down), or failed and due for its next attempt. For cron; returns counts by outcome.

    Messages that can never go (no address left) are given up first, all at once, so they never
    stand in front of real ones; a 5xx refusal is given up on its first attempt.
    """
    given_up = give_up_without_recipient()
    ids = list(
        EmailLog.objects.filter(due()).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    totals = {"sent": 0, "retry": 0, "given_up": given_up, "skipped": 0}
    for start in range(0, len(ids), BATCH_SIZE):
        for outcome, count in send_batch(ids[start : start + BATCH_SIZE]).items():
            totals[outcome] += count
    return totals


def resend(logs: Iterable[EmailLog]) -> int:
    """Send these messages again (an organiser's choice in the admin), through the queue."""
    ids = [log.pk for log in logs]
    EmailLog.objects.filter(pk__in=ids).exclude(status=EmailLog.Status.SENDING).update(
        status=EmailLog.Status.PENDING, give_up_reason="", next_attempt_at=clock.now() + SWEEP_GRACE
    )
    send_on_commit(ids)
    return len(ids)


def _waiting_position(place: Place) -> int:
    return Place.objects.waiting().filter(session_id=place.session_id, pk__lt=place.pk).count() + 1


# Mails that take the sessions recorded with them (EmailLog.calendar_cancellations) out of the calendar.
CANCELS_CALENDAR_ENTRIES = {EmailLog.Kind.CHANGE, EmailLog.Kind.CANCELLATION, EmailLog.Kind.PLACE_REMOVED}


def _calendar_cancellations(log: EmailLog, places: list[Place]) -> list:
    """The sessions whose calendar entries the message removes (recorded with it), leaving out any
    in which the person holds a confirmed place again by now: the message is rendered when it is
    sent, and must not cancel what its own REQUEST (or a later mail) keeps."""
    if log.kind not in CANCELS_CALENDAR_ENTRIES or log.pk is None:
        return []
    confirmed = {place.session_id for place in places if place.is_confirmed}
    sessions = (
        log.calendar_cancellations.select_related("event__host_city")
        .prefetch_related(speakers_prefetch())
        .order_by("start_time", "title")
    )
    return [session for session in sessions if session.pk not in confirmed]


def _url(obj) -> str:
    try:
        return absolute_url(obj.get_absolute_url())
    except NoReverseMatch:
        return settings.SITE_URL


def _extension_subject(registration: Registration, kind: str) -> str | None:
    for extension in extensions.EXTENSIONS:
        if subject := extension.email_subject(registration, kind):
            return single_line(subject)
    return None


def _extension_template(kind: str) -> str | None:
    return next(filter(None, (extension.email_template(kind) for extension in extensions.EXTENSIONS)), None)


class EmailWithInlineImages(EmailMultiAlternatives):
    """Text and HTML, with the images the HTML shows (by cid:) beside them in one
    multipart/related (RFC 2387): mail programs such as Outlook then show the image in the text
    instead of as a loose attachment. Files (the .ics) stay attachments around it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.related = []

    def _create_alternatives(self, msg):
        msg = super()._create_alternatives(msg)
        if not self.related:
            return msg
        related = SafeMIMEMultipart(_subtype="related", encoding=self.encoding or settings.DEFAULT_CHARSET)
        related.set_param("type", msg.get_content_type())  # required by RFC 2387
        related.attach(msg)
        for part in self.related:
            related.attach(part)
        return related


def build_message(log: EmailLog) -> EmailMultiAlternatives:
    registration = log.registration
    if registration.anonymised_at or not registration.email:
        raise NoRecipient("The registration has been anonymised: there is no address to send to.")
    event = registration.event
    with translation.override(registration.language or "nl"):
        places = (
            []
            if log.kind in WITHOUT_PLACES
            else list(
                registration.places.select_related("session__event__host_city")
                .prefetch_related(speakers_prefetch("session__"))
                .order_by("session__start_time", "session__title")
            )
        )
        for place in places:
            place.waiting_position = None if place.is_confirmed else _waiting_position(place)
        calendar_cancellations = _calendar_cancellations(log, places)
        context = {
            "kind": log.kind,
            "registration": registration,
            "event": event,
            "event_url": _url(event),
            "places": places,
            "confirmed": [p for p in places if p.is_confirmed],
            "waiting": [p for p in places if not p.is_confirmed],
            "session": log.session,
            "calendar_cancellations": calendar_cancellations,
            "manage_url": registration.manage_url,
            "cancel_url": registration.cancel_url,
        }
        if log.kind == EmailLog.Kind.MAILING:
            from registrations import mailings

            subject = single_line(log.mailing.subject)
            context["mailing_text"] = mailings.personal_text(log.mailing.body_html, registration)
            context["mailing_html"] = mark_safe(mailings.personal_html(log.mailing.body_html, registration))  # noqa: S308 - sanitised on save, placeholders escaped
        else:
            subject = _extension_subject(registration, log.kind) or subject_line(
                log.kind, event=event, session=log.session
            )
        context["subject"] = subject
        if log.kind == EmailLog.Kind.CONFIRM_ADDRESS:
            context.update(
                confirm_url=registration.confirm_url,
                confirm_before=registration.confirm_before,
                requested_sessions=list(
                    registration.requested_sessions.order_by("start_time", "end_time", "title")
                ),
            )
        for extension in extensions.EXTENSIONS:
            context.update(extension.email_context(registration, log.kind))
        template = _extension_template(log.kind) or f"registrations/emails/{log.kind}"
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailWithInlineImages(
        subject=subject, body=text, to=[registration.email], headers={"Message-ID": message_id()}
    )
    message.attach_alternative(html, "text/html")
    if log.kind in WITH_CALENDAR and registration.is_active:
        calendar = personal_calendar(registration, [p.session for p in places if p.is_confirmed])
        message.attach("netwerkdag.ics", calendar, "text/calendar")
    elif log.kind == EmailLog.Kind.SESSION_CHANGED and log.session is not None:
        # iTIP by mail (RFC 6047): the method is also a parameter of the part's content type.
        update = personal_calendars.session_update(registration, log.session)
        message.attach("wijziging.ics", update, "text/calendar; method=REQUEST")
    elif log.kind == EmailLog.Kind.SESSION_CANCELLED and log.session is not None:
        cancel = personal_calendars.session_cancellation(registration, log.session)
        message.attach("vervallen.ics", cancel, "text/calendar; method=CANCEL")
    elif log.kind == EmailLog.Kind.CHANGE:
        # One iCalendar object carries one METHOD (RFC 5546), and a change both keeps or adds entries
        # and removes others. So the mail carries two iTIP attachments (RFC 6047 allows several
        # text/calendar parts): netwerkdag.ics, a REQUEST for the day and the sessions the person now
        # has a confirmed place in, and, when they gave up confirmed places, afgemeld.ics, a CANCEL
        # for those sessions (same UIDs as before, higher SEQUENCE). Calendar programs apply each, or
        # offer each to be opened; one file with a PUBLISH would have left the dropped entries in place.
        if registration.is_active:
            confirmed = [p.session for p in places if p.is_confirmed]
            update = personal_calendars.personal_update(registration, confirmed)
            message.attach("netwerkdag.ics", update, "text/calendar; method=REQUEST")
        if calendar_cancellations:
            cancel = personal_calendars.sessions_cancellation(registration, calendar_cancellations)
            message.attach("afgemeld.ics", cancel, "text/calendar; method=CANCEL")
    elif log.kind == EmailLog.Kind.PLACE_REMOVED and calendar_cancellations:
        # The same CANCEL as for a session dropped from one's choices (same UID, higher SEQUENCE).
        cancel = personal_calendars.sessions_cancellation(registration, calendar_cancellations)
        message.attach("afgemeld.ics", cancel, "text/calendar; method=CANCEL")
    elif log.kind == EmailLog.Kind.CANCELLATION:
        cancel = personal_calendars.cancellation(registration, calendar_cancellations)
        message.attach("afmelding.ics", cancel, "text/calendar; method=CANCEL")
    for extension in extensions.EXTENSIONS:
        for part in extension.email_attachments(registration, log.kind):
            if part["Content-ID"]:
                message.related.append(part)
            else:
                message.attach(part)
    return message
