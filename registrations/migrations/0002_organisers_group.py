from django.db import migrations

from g40events.permissions import sync_organiser_group


def grant(apps, schema_editor):
    sync_organiser_group(apps, {"registrations": ["registration", "place", "emaillog"]})


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0001_initial"),
        ("g40events", "0002_organisers_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
