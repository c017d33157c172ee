"""A local SMTP server for tests and benches (aiosmtpd in a thread): keeps what it receives, and
answers chosen recipients with a refusal, permanent (550) or temporary (450)."""

import email
import email.policy
import socket
import threading
import time

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.sink.refused:
            return "550 5.1.1 Mailbox does not exist"
        if address in self.sink.deferred:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.sink.lock:
            self.sink.messages.append(message)
            self.sink.arrivals.append(time.perf_counter())
            self.sink.received.notify_all()
        return "250 Message accepted for delivery"


class MailSink:
    """`with MailSink() as sink:` serves SMTP on 127.0.0.1:sink.port; sink.messages are parsed
    email.message.EmailMessage objects in order of arrival."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages = []
        self.arrivals: list[float] = []  # time.perf_counter() of each message's arrival
        self.refused: set[str] = set()
        self.deferred: set[str] = set()
        self.lock = threading.Lock()
        self.received = threading.Condition(self.lock)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self.controller.stop()

    def settings(self, settings) -> None:
        """Point Django's mail settings (pytest-django's `settings`) at this server."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        # Generous: the server runs in a thread of the test process, which on a busy machine may wait
        # seconds for its turn while the send task renders and sends over several connections.
        settings.EMAIL_TIMEOUT = 30

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        """Wait until `count` messages have arrived (or the timeout passes); True if they did."""
        with self.received:
            return self.received.wait_for(lambda: len(self.messages) >= count, timeout=timeout)

    def recipients(self) -> list[str]:
        with self.lock:
            return [str(m["To"]) for m in self.messages]
