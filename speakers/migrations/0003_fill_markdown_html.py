"""Fill the stored HTML of speakers' biographies written before it was stored."""

from django.db import migrations

from g40events.text import render_markdown_fields


def fill(apps, schema_editor):
    Speaker = apps.get_model("speakers", "Speaker")
    rows = list(Speaker.objects.only("pk", "bio"))
    for row in rows:
        render_markdown_fields(row, ("bio",))
    Speaker.objects.bulk_update(rows, ["bio_html"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("speakers", "0002_markdown_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
