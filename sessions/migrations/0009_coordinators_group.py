from django.db import migrations

from g40events.permissions import sync_coordinator_group


def create_group(apps, schema_editor):
    sync_coordinator_group(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0008_recap_materials"),
        ("g40events", "0010_theme_group_coordinators"),
        ("speakers", "0005_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
