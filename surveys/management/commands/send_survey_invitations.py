from django.core.management.base import BaseCommand

from surveys.services import send_invitations


class Command(BaseCommand):
    help = (
        "Queue the evaluation's invitations (from the day after the netwerkdag) and its one reminder "
        "to those who did not answer, once per person; unlink the invitations of closed surveys from "
        "their registrations. For cron, daily or hourly: running it more often sends nothing twice."
    )

    def handle(self, *args, **options):
        sent = send_invitations()
        self.stdout.write(
            f"Queued {sent.invited} invitation(s) and {sent.reminded} reminder(s); "
            f"{sent.forgotten} invitation(s) of closed surveys unlinked."
        )
