from django.core.management.base import BaseCommand

from registrations.emails import send_pending


class Command(BaseCommand):
    help = (
        "Send registration e-mails that are due: left behind while the worker or the task queue was "
        "down, or failed earlier and due for their next attempt. Messages that can never go are "
        "given up with the reason. For cron, every few minutes; exits 0 when the run did its job, "
        "even if the mail server is still away (those messages wait for their next attempt)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=None, help="Send at most this many (default: all due)."
        )

    def handle(self, *args, limit=None, **options):
        counts = send_pending(limit=limit)
        self.stdout.write(
            "Sent {sent} e-mail(s); {retry} failed for now and will be retried; {given_up} given up.".format(
                **counts
            )
        )
