"""E-mails to registrants: queued in the transaction of the change, sent after it commits.

Every message is an EmailLog row first. If the mail server is down the registration stands, the row
says "mislukt" with the error, organisers see it in the admin and send it again from there (or the
`send_pending_emails` command does, from cron). Messages are rendered when sent, in the language the
person signed up in, as plain text with an HTML alternative.
"""

import atexit
import contextlib
import datetime
import logging
import queue as queues
import threading
import time

from django import db
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch
from django.utils import translation
from django.utils.translation import gettext as _

from g40events import clock
from g40events.links import absolute_url
from g40events.oneline import single_line
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
}


def subject_line(kind: str, *, event, session=None) -> str:
    """The subject of a mail of this kind, on one line whatever the stored titles hold (a line break
    in a header would make every mail about the netwerkdag fail)."""
    return single_line(SUBJECTS[kind]() % {"event": event.title, "session": session.title if session else ""})


WITH_CALENDAR = {EmailLog.Kind.CONFIRMATION, EmailLog.Kind.PROMOTION, EmailLog.Kind.CHANGE}


def queue(registration: Registration, kind: str, *, session=None) -> EmailLog:
    """Record a message for the registration and send it once the surrounding transaction commits.

    With settings.REGISTRATION_EMAIL_IN_BACKGROUND the commit hands the message to this process's
    sender thread, so that a sign-up never waits for (or on) the mail server; a message that a
    stopping process leaves unsent stays pending for `send_pending_emails`.
    """
    log = EmailLog.objects.create(
        registration=registration, kind=kind, session=session, recipient=registration.email
    )
    if settings.REGISTRATION_EMAIL_IN_BACKGROUND:
        transaction.on_commit(lambda: background_sender.put(log.pk))
    else:
        transaction.on_commit(lambda: send(log.pk))
    return log


def send(log_id: int, *, connection=None) -> bool:
    """Send one recorded message and record the result. Never raises: a failure is logged and kept."""
    log = (
        EmailLog.objects.select_related(
            "registration__event__host_city", "registration__organisation", "session"
        )
        .filter(pk=log_id)
        .first()
    )
    if log is None:
        return False
    return deliver(log, connection=connection)


class _BackgroundSender:
    """One daemon thread per process that sends queued messages when the process is not busy.

    Sign-ups come first: while requests keep this process busy, a message waits, at most
    settings.REGISTRATION_EMAIL_MAX_DELAY seconds, and then goes regardless. A few messages at a
    time share one SMTP connection.
    """

    QUIET = 0.2  # seconds without a request before the process counts as idle
    BATCH = 10

    def __init__(self):
        self.queue: queues.Queue[tuple[int, float]] = queues.Queue()
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()
        self.busy = 0
        self.last_request = 0.0

    def request_started(self, **kwargs) -> None:
        with self.lock:
            self.busy += 1
            self.last_request = time.monotonic()

    def request_finished(self, **kwargs) -> None:
        with self.lock:
            self.busy = max(0, self.busy - 1)
            self.last_request = time.monotonic()

    def idle(self) -> bool:
        return self.busy == 0 and time.monotonic() - self.last_request >= self.QUIET

    def put(self, log_id: int) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="registration-mail", daemon=True)
                self.thread.start()
                atexit.register(self.drain, timeout=10)
        self.queue.put((log_id, time.monotonic()))

    def run(self) -> None:
        waiting: list[tuple[int, float]] = []
        while True:
            if not waiting:
                waiting.append(self.queue.get())
            while True:
                try:
                    waiting.append(self.queue.get_nowait())
                except queues.Empty:
                    break
            overdue = time.monotonic() - settings.REGISTRATION_EMAIL_MAX_DELAY
            due = waiting if self.idle() else [item for item in waiting if item[1] <= overdue]
            due = due[: self.BATCH]
            if not due:
                time.sleep(0.05)
                continue
            try:
                self.send_batch([log_id for log_id, _ in due])
            except Exception:  # the thread must survive anything; the messages stay pending
                logger.exception("The background mail sender failed on a batch")
            finally:
                for item in due:
                    waiting.remove(item)
                if not waiting and self.queue.empty():
                    db.connections.close_all()  # this thread's own; nothing to send for now
                for _ in due:
                    self.queue.task_done()

    @staticmethod
    def send_batch(batch: list[int]) -> None:
        db.close_old_connections()
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception:
            connection = None  # each message then fails (and is recorded) on its own
        try:
            for log_id in batch:
                send(log_id, connection=connection)
        finally:
            if connection is not None:
                with contextlib.suppress(Exception):
                    connection.close()
            db.close_old_connections()

    def drain(self, timeout: float) -> None:
        """Wait a little for queued messages when the process stops."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)


background_sender = _BackgroundSender()


def deliver(log: EmailLog, *, connection=None) -> bool:
    attempts = log.attempts + 1
    try:
        message = build_message(log)
        message.connection = connection
        message.send()
    except Exception as error:  # a mail server that is down must never lose the registration
        logger.exception(
            "E-mail %s (%s) for registration %s was not sent", log.pk, log.kind, log.registration_id
        )
        EmailLog.objects.filter(pk=log.pk).update(
            status=EmailLog.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000], attempts=attempts
        )
        log.status, log.attempts = EmailLog.Status.FAILED, attempts
        return False
    sent_at = clock.now()
    EmailLog.objects.filter(pk=log.pk).update(
        status=EmailLog.Status.SENT,
        error="",
        attempts=attempts,
        sent_at=sent_at,
        subject=message.subject,
        recipient=log.registration.email,
    )
    log.status, log.attempts, log.sent_at = EmailLog.Status.SENT, attempts, sent_at
    return True


def send_pending(*, include_failed: bool = True, limit: int = 500) -> tuple[int, int]:
    """Send messages still waiting (and, by default, those that failed). Returns (sent, failed).

    A pending message younger than a minute is left to the request that is about to send it.
    """
    due = Q(status=EmailLog.Status.PENDING, created_at__lt=clock.now() - datetime.timedelta(minutes=1))
    if include_failed:
        due |= Q(status=EmailLog.Status.FAILED)
    sent = failed = 0
    for log_id in (
        EmailLog.objects.filter(due).order_by("created_at", "id").values_list("pk", flat=True)[:limit]
    ):
        if send(log_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def _waiting_position(place: Place) -> int:
    return Place.objects.waiting().filter(session_id=place.session_id, pk__lt=place.pk).count() + 1


def _url(obj) -> str:
    try:
        return absolute_url(obj.get_absolute_url())
    except NoReverseMatch:
        return settings.SITE_URL


def build_message(log: EmailLog) -> EmailMultiAlternatives:
    registration = log.registration
    if registration.anonymised_at or not registration.email:
        raise ValueError("The registration has been anonymised: there is no address to send to.")
    event = registration.event
    with translation.override(registration.language or "nl"):
        places = list(
            registration.places.select_related("session__event__host_city")
            .prefetch_related(speakers_prefetch("session__"))
            .order_by("session__start_time", "session__title")
        )
        for place in places:
            place.waiting_position = None if place.is_confirmed else _waiting_position(place)
        context = {
            "kind": log.kind,
            "registration": registration,
            "event": event,
            "event_url": _url(event),
            "places": places,
            "confirmed": [p for p in places if p.is_confirmed],
            "waiting": [p for p in places if not p.is_confirmed],
            "session": log.session,
            "manage_url": registration.manage_url,
        }
        subject = subject_line(log.kind, event=event, session=log.session)
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
        text = render_to_string(f"registrations/emails/{log.kind}.txt", context)
        html = render_to_string(f"registrations/emails/{log.kind}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[registration.email])
    message.attach_alternative(html, "text/html")
    if log.kind in WITH_CALENDAR and registration.is_active:
        calendar = personal_calendar(registration, [p.session for p in places if p.is_confirmed])
        message.attach("netwerkdag.ics", calendar, "text/calendar")
    for extension in extensions.EXTENSIONS:
        for part in extension.email_attachments(registration, log.kind):
            message.attach(part)
    return message
