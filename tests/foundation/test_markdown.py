"""Organiser-written Markdown is converted once, when it is saved, and stored beside its source."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse

from g40events.models import Event, Pillar, Recap, ThemeGroup
from g40events.permissions import ORGANISERS_GROUP
from sessions.models import Session
from speakers.models import Speaker
from tests.factories import make_event, make_pillar, make_recap, make_session, make_speaker, make_theme_group

pytestmark = pytest.mark.django_db

MARKDOWN = "Een **mooie** dag <script>alert(1)</script> met [een link](javascript:alert(1))."
HTML = '<p>Een <strong>mooie</strong> dag  met <a rel="noopener noreferrer">een link</a>.</p>'


def stored(obj, field):
    return getattr(type(obj).objects.get(pk=obj.pk), field)


def test_every_markdown_field_is_stored_as_sanitised_html_on_save():
    event = make_event(introduction=MARKDOWN, confirmation_text="Neem de *trein*.")
    objects = [
        (make_pillar(description=MARKDOWN), "description_html"),
        (make_theme_group(description=MARKDOWN), "description_html"),
        (event, "introduction_html"),
        (make_recap(body=MARKDOWN), "body_html"),
        (make_session(description=MARKDOWN), "description_html"),
        (make_speaker(bio=MARKDOWN), "bio_html"),
    ]

    assert [stored(obj, field) for obj, field in objects] == [HTML] * 6
    assert stored(event, "confirmation_text_html") == "<p>Neem de <em>trein</em>.</p>"


def test_stored_html_is_rendered_as_markup_not_escaped(client):
    speaker = make_speaker(name="Jaco Dagevos", bio="Onderzoeker bij het *SCP*.")
    make_session(speakers=[speaker])

    page = client.get(speaker.get_absolute_url()).content.decode()

    assert "<p>Onderzoeker bij het <em>SCP</em>.</p>" in page
    assert '<meta name="description" content="Onderzoeker bij het SCP.">' in page


def test_saving_only_the_source_field_also_saves_its_html():
    session = make_session(description="Oud.")
    session.description = "Nieuw, *met nadruk*."
    session.save(update_fields=["description"])

    assert stored(session, "description_html") == "<p>Nieuw, <em>met nadruk</em>.</p>"


def test_emptying_a_field_empties_its_html():
    session = make_session(description="Oud.")
    session.description = ""
    session.save()

    assert stored(session, "description_html") == ""


def test_update_or_create_refreshes_the_stored_html():
    make_pillar(slug="sociaal", description="Oud.")

    Pillar.objects.update_or_create(slug="sociaal", defaults={"description": "Nieuw."})

    assert Pillar.objects.get(slug="sociaal").description_html == "<p>Nieuw.</p>"


def test_an_organisers_admin_edit_changes_the_public_page(client):
    speaker = make_speaker(name="Femke de Vries", slug="femke-de-vries", bio="Oud.")
    make_session(speakers=[speaker])
    organiser = User.objects.create_user("organisator", password="x", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)

    response = client.post(
        reverse("admin:speakers_speaker_change", args=[speaker.pk]),
        {
            "name": "Femke de Vries",
            "slug": "femke-de-vries",
            "sort_name": "Vries, Femke de",
            "bio": "Nu **nieuw**.",
        },
    )

    assert response.status_code == 302
    client.logout()
    assert "<p>Nu <strong>nieuw</strong>.</p>" in client.get(speaker.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("migration", "model", "fields"),
    [
        ("g40events.migrations.0006_fill_markdown_html", Event, ["introduction", "confirmation_text"]),
        ("g40events.migrations.0006_fill_markdown_html", Pillar, ["description"]),
        ("g40events.migrations.0006_fill_markdown_html", ThemeGroup, ["description"]),
        ("g40events.migrations.0006_fill_markdown_html", Recap, ["body"]),
        ("sessions.migrations.0004_fill_markdown_html", Session, ["description"]),
        ("speakers.migrations.0003_fill_markdown_html", Speaker, ["bio"]),
    ],
)
def test_data_migration_fills_the_html_of_existing_rows(migration, model, fields):
    make_recap(event=make_event(introduction="*Welkom*.", confirmation_text="*Welkom*."), body="*Welkom*.")
    make_session(description="*Welkom*.", speakers=[make_speaker(bio="*Welkom*.")])
    make_theme_group(description="*Welkom*.", pillar=make_pillar(description="*Welkom*."))
    model.objects.update(**{f"{field}_html": "" for field in fields})  # as rows written before

    importlib.import_module(migration).fill(apps, schema_editor=None)

    rendered = {
        (source, html)
        for field in fields
        for source, html in model.objects.values_list(field, f"{field}_html")
    }
    assert rendered - {("", "")} == {("*Welkom*.", "<p><em>Welkom</em>.</p>")}


def test_demo_fills_the_html_of_every_markdown_field(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())

    for model in (Event, Pillar, ThemeGroup, Recap, Session, Speaker):
        for field in model.markdown_fields:
            missing = model.objects.exclude(**{field: ""}).filter(**{f"{field}_html": ""})
            assert list(missing) == [], (model, field)
    assert Recap.objects.exclude(body_html="").count() == Recap.objects.count() > 0
