from django.db import migrations

from g40events.permissions import ORGANISER_MODELS, sync_organiser_group


def create_group(apps, schema_editor):
    sync_organiser_group(apps, ORGANISER_MODELS)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Organisatoren").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("g40events", "0001_initial"),
        ("speakers", "0001_initial"),
        ("programme", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
