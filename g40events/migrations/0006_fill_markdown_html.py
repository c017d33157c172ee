"""Fill the stored HTML of the Markdown fields for rows written before it was stored."""

from django.db import migrations

from g40events.text import render_markdown_fields

MARKDOWN_FIELDS = {
    "Pillar": ("description",),
    "ThemeGroup": ("description",),
    "Event": ("introduction", "confirmation_text"),
    "Recap": ("body",),
}


def fill(apps, schema_editor):
    for model_name, fields in MARKDOWN_FIELDS.items():
        model = apps.get_model("g40events", model_name)
        rows = list(model.objects.only("pk", *fields))
        for row in rows:
            render_markdown_fields(row, fields)
        model.objects.bulk_update(rows, [f"{field}_html" for field in fields], batch_size=200)


class Migration(migrations.Migration):
    dependencies = [("g40events", "0005_markdown_html")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
