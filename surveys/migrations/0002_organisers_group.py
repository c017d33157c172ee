from django.db import migrations

from g40events.permissions import sync_organiser_group


def give_organisers_surveys(apps, schema_editor):
    # Organisers set up evaluations and read their results; who was invited or answered has no
    # admin page at all (anonymity), so its models get no permissions.
    sync_organiser_group(apps, {"surveys": ["survey", "question"]})


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("registrations", "0002_organisers_group"),
    ]

    operations = [migrations.RunPython(give_organisers_surveys, migrations.RunPython.noop)]
