from django.db import migrations

from g40events.permissions import sync_organiser_group

DESK_GROUP = "Balie"


def create_desk_group(apps, schema_editor):
    # Organisers may do everything at the desk too; creating the permissions first is its job.
    sync_organiser_group(apps, {"checkin": ["checkin", "attendance"]})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=DESK_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="checkin", codename="use_desk"))


def remove_desk_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=DESK_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("checkin", "0001_initial"),
        ("registrations", "0002_organisers_group"),
    ]

    operations = [migrations.RunPython(create_desk_group, remove_desk_group)]
