from django.conf import settings
from django.core.management.base import BaseCommand

from registrations.privacy import anonymise_registrations, delete_lapsed_signups


class Command(BaseCommand):
    help = (
        "Anonymise the registrations of netwerkdagen that were a number of days ago or longer "
        "(settings.REGISTRATION_ANONYMISE_AFTER_DAYS), and delete sign-ups whose e-mail address was "
        "not confirmed in time (settings.REGISTRATION_CONFIRM_HOURS). Meant for a daily cron job."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days after the netwerkdag (default {settings.REGISTRATION_ANONYMISE_AFTER_DAYS}).",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            self.stderr.write("--days must be 0 or more.")
            return
        count = anonymise_registrations(after_days=days)
        self.stdout.write(f"Anonymised {count} registration(s).")
        if lapsed := delete_lapsed_signups():
            self.stdout.write(f"Deleted {lapsed} sign-up(s) whose e-mail address was not confirmed in time.")
