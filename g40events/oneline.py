"""One-line text: titles and names refuse control characters, and mail subjects are flattened.

A title or a name ends up in e-mail subjects, calendar entries and page titles, where a line break or
a tab breaks a header or the layout. The validator keeps them out of what organisers and registrants
type; `single_line` makes whatever is stored (older rows, data loaded by script) safe for a header.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (Cc: tab, line feed, carriage return, NUL, DEL, ...) and the Unicode line and
# paragraph separators, which mail programs and browsers also read as line breaks.
_BREAKING_CATEGORIES = {"Cc", "Zl", "Zp"}


def _breaks_a_line(character: str) -> bool:
    return unicodedata.category(character) in _BREAKING_CATEGORIES


def validate_single_line(value: str) -> None:
    """Refuse line breaks, tabs and other control characters: the text must fit on one line."""
    if any(_breaks_a_line(character) for character in value):
        raise ValidationError(
            _(
                "Gebruik hier geen regeleinde, tab of ander onzichtbaar stuurteken: de tekst moet op één "
                "regel staan (hij komt ook in de onderwerpregel van e-mails)."
            ),
            code="control_characters",
        )


_WHITESPACE_AND_CONTROLS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(text: str) -> str:
    """The text on one line: every run of white space and control characters becomes one space."""
    text = "".join(" " if _breaks_a_line(character) else character for character in str(text))
    return _WHITESPACE_AND_CONTROLS.sub(" ", text).strip()
