from django.core.management.base import BaseCommand

from registrations.emails import send_pending


class Command(BaseCommand):
    help = (
        "Send registration e-mails that are still pending or failed earlier (for cron, after a mail outage)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--only-pending", action="store_true", help="Leave failed messages alone.")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, only_pending=False, limit=500, **options):
        sent, failed = send_pending(include_failed=not only_pending, limit=limit)
        self.stdout.write(f"Sent {sent} e-mail(s); {failed} failed.")
        if failed:
            raise SystemExit(1)
