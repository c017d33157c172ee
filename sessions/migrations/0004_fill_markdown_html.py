"""Fill the stored HTML of session descriptions written before it was stored."""

from django.db import migrations

from g40events.text import render_markdown_fields


def fill(apps, schema_editor):
    Session = apps.get_model("programme", "Session")
    rows = list(Session.objects.only("pk", "description"))
    for row in rows:
        render_markdown_fields(row, ("description",))
    Session.objects.bulk_update(rows, ["description_html"], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("programme", "0003_markdown_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
