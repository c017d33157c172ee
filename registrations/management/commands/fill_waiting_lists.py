from django.core.management.base import BaseCommand

from registrations import services


class Command(BaseCommand):
    help = (
        "Give the free places of netwerkdagen still to come to their waiting lists, first come first "
        "served (repairs a promotion that gave way to a busy moment). Run from cron every few minutes."
    )

    def handle(self, *args, **options):
        promoted = services.fill_waiting_lists()
        self.stdout.write(f"{len(promoted)} promoted from waiting lists")
