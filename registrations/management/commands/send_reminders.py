from django.core.management.base import BaseCommand

from registrations.services import queue_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders of netwerkdagen whose reminder day has come (Event.reminder_days_before), "
        "once per registration; the worker sends them. For cron, daily or hourly: running it more "
        "often sends nothing twice."
    )

    def handle(self, *args, **options):
        count = queue_reminders()
        self.stdout.write(f"Queued {count} reminder(s).")
