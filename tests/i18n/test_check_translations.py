"""The lint step's translation check: it fails on a string without English and passes once translated."""

import shutil

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools missing")

CATALOGUE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Bestaand"
msgstr "Existing"
"""


def make_source(root, *, translated: bool):
    (root / "app").mkdir()
    (root / "app" / "views.py").write_text(
        'from django.utils.translation import gettext as _\n\n_("Bestaand")\n_("Nieuw")\n'
    )
    locale = root / "locale" / "en" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    extra = 'msgid "Nieuw"\nmsgstr "New"\n' if translated else ""
    (locale / "django.po").write_text(CATALOGUE + "\n" + extra)


def test_check_translations_names_the_untranslated_string(tmp_path, settings):
    make_source(tmp_path, translated=False)
    settings.BASE_DIR = tmp_path

    with pytest.raises(CommandError, match="1 strings without an English translation:\n  'Nieuw'"):
        call_command("check_translations")


def test_check_translations_passes_when_everything_is_translated(tmp_path, settings, capsys):
    make_source(tmp_path, translated=True)
    settings.BASE_DIR = tmp_path

    call_command("check_translations")

    assert capsys.readouterr().out == "Every translatable string has an English translation.\n"


def test_check_translations_names_a_string_the_source_no_longer_yields(tmp_path, settings):
    make_source(tmp_path, translated=True)
    (tmp_path / "app" / "views.py").write_text(
        'from django.utils.translation import gettext as _\n\n_("Nieuw")\n'
    )
    settings.BASE_DIR = tmp_path

    with pytest.raises(
        CommandError, match="1 strings of the catalogue are no longer found in the source:\n  'Bestaand'"
    ):
        call_command("check_translations")
