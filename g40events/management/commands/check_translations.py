"""Check that every translatable string in the source has an English translation.

Runs makemessages on a copy of the source and the catalogue (the checkout stays as it is) and
fails when a message is new, fuzzy or untranslated. CI runs it in its lint step (`make lint`);
`make messages` updates the real catalogue.
"""

import ast
import contextlib
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

# The options of every makemessages run of this project, also used by `make messages`.
MAKEMESSAGES_OPTIONS = {"locale": ["en"], "no_location": True, "no_obsolete": True}
IGNORED = [
    ".*",
    "__pycache__",
    "*.egg-info",
    "*.sqlite3*",
    "staticfiles",
    "media",
    "bench",
    "tests",
    "node_modules",
]


def read_po(path: Path) -> list[dict]:
    """The live entries of a .po file (no header, no obsolete ones): msgid, msgstr / msgstr[n], flags."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry and entry.get("msgid") and not entry.get("obsolete"):
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": set()}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, quoted = line.split(" ", 1)
            entry[key] = ast.literal_eval(quoted)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


def untranslated(entries: list[dict]) -> list[str]:
    return [e["msgid"] for e in entries if "fuzzy" in e["flags"] or not all(translations(e))]


class Command(BaseCommand):
    help = "Fail when a translatable string has no English translation (makemessages on a copy)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Update locale/en in place (makemessages, compilemessages) and list what needs translating.",
        )

    def handle(self, *args, update=False, **options):
        missing = [tool for tool in ("xgettext", "msgmerge", "msguniq") if shutil.which(tool) is None]
        if missing:
            raise CommandError(f"gettext tools missing: {', '.join(missing)} (apt-get install gettext)")
        if update:
            with contextlib.chdir(settings.BASE_DIR):
                call_command("makemessages", verbosity=0, ignore_patterns=IGNORED, **MAKEMESSAGES_OPTIONS)
                call_command("compilemessages", verbosity=0, locale=["en"], ignore_patterns=IGNORED)
            new = untranslated(read_po(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
            for msgid in new:
                self.stdout.write(f"To translate: {msgid!r}")
            return
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "source"
            shutil.copytree(settings.BASE_DIR, copy, ignore=shutil.ignore_patterns(*IGNORED))
            with contextlib.chdir(copy), override_settings(LOCALE_PATHS=[copy / "locale"]):
                # Obsolete entries kept: a string the catalogue holds but the source no longer
                # yields means a stale catalogue, or templates whose strings were not extracted.
                call_command("makemessages", verbosity=0, **{**MAKEMESSAGES_OPTIONS, "no_obsolete": False})
            catalogue = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
            new = untranslated(read_po(catalogue))
            lost = re.findall(r'^#~ msgid "(.*)"$', catalogue.read_text(encoding="utf-8"), re.M)
        if lost:
            listing = "\n".join(f"  {msgid!r}" for msgid in lost)
            raise CommandError(
                f"{len(lost)} strings of the catalogue are no longer found in the source:\n{listing}\n"
                "Run `make messages` if they were removed on purpose."
            )
        if new:
            listing = "\n".join(f"  {msgid!r}" for msgid in new)
            raise CommandError(
                f"{len(new)} strings without an English translation:\n{listing}\n"
                "Run `make messages`, translate them in locale/en/LC_MESSAGES/django.po, and run it again."
            )
        self.stdout.write("Every translatable string has an English translation.")
