"""Django's makemessages, which also reads the Jinja2 templates of the public pages (templates/jinja2/).

Django's own command reads every template as one of Django's template language; a Jinja2 template
would lose its `_()` and `{% trans %}` strings there. For the templates of a Jinja2 engine this
command lets Jinja2's i18n extension find them instead, and hands them to xgettext as the gettext
calls they become. Used exactly as Django's: `manage.py makemessages -l en --no-location ...`.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages
from django.template import engines
from django.template.backends.jinja2 import Jinja2


def _jinja2_folders() -> list[tuple[Jinja2, str]]:
    """Each Jinja2 engine with its template folders, relative to the project (where this runs)."""
    folders = []
    for engine in engines.all():
        if isinstance(engine, Jinja2):
            for folder in engine.template_dirs:
                relative = os.path.relpath(Path(folder).resolve(), settings.BASE_DIR.resolve())
                folders.append((engine, os.path.normpath(relative) + os.sep))
    return folders


def gettext_calls(engine: Jinja2, source: str) -> str:
    """The translatable strings of a Jinja2 template as Python gettext calls, line for line."""
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in engine.env.extract_translations(source):
        if isinstance(message, str):
            call = f"gettext({message!r})"
        else:
            singular, plural, *_ = message
            call = (
                f"ngettext({singular!r}, {plural!r}, 1)"
                if function == "ngettext"
                else f"gettext({singular!r})"
            )
        lines[lineno - 1] += f" {call};"
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    @property
    def jinja2_engine(self) -> Jinja2 | None:
        path = os.path.normpath(self.path)
        return next((engine for engine, folder in _jinja2_folders() if path.startswith(folder)), None)

    def preprocess(self):
        engine = self.jinja2_engine if self.is_templatized else None
        if engine is None:
            return super().preprocess()
        with open(self.path, encoding="utf-8") as source:
            content = gettext_calls(engine, source.read())
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(content)


class Command(makemessages.Command):
    help = (
        makemessages.Command.help
        + " Jinja2 templates (templates/jinja2/) are read with Jinja2's i18n extension."
    )
    build_file_class = BuildFile
