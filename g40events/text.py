"""Organiser-written Markdown, converted once when it is saved into HTML that no script passes through.

A model lists its Markdown fields in `markdown_fields`; each has a `<field>_html` column beside it
(a `RenderedMarkdownField`) that `RenderedMarkdownMixin.save()` fills, as djangoproject.com's blog
stores an entry's `body_html`. Pages, feeds and exports read the stored HTML (or `plain_text()` of
it); no request converts Markdown. Writes that bypass `save()` (`bulk_create`, `update()`) call
`render_markdown_fields()` themselves.
"""

import html
import re

import markdown
import nh3
from django.db import models
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


# A page has its own <h1>, so "# Kop" in Markdown becomes <h2> (as "## Kop" does): dropping the tag, as
# the sanitiser would, ran the heading into the paragraph after it.
_H1 = re.compile(r"<(/?)h1>")


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML: unknown tags and attributes, scripts and javascript: links go."""
    if not text:
        return SafeString("")  # most optional fields are empty: no converter for them
    html = markdown.markdown(text, extensions=["sane_lists", "tables"], output_format="html")
    html = _H1.sub(r"<\1h2>", html)
    return mark_safe(  # noqa: S308 - nh3 has just cleaned it
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )


class RenderedMarkdownField(models.TextField):
    """The sanitised HTML of a Markdown field, filled on save; read back as safe markup.

    Only `render_markdown()` writes it, so templates show it as it is (no `|safe` needed).
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return value if value is None else SafeString(value)


def render_markdown_fields(instance, fields, *, only=None) -> list[str]:
    """Fill `<field>_html` from each Markdown field (those in `only`, if given); the names filled."""
    filled = []
    for field in fields:
        if only is None or field in only:
            setattr(instance, f"{field}_html", render_markdown(getattr(instance, field)))
            filled.append(f"{field}_html")
    return filled


class RenderedMarkdownMixin:
    """For models with Markdown fields: `markdown_fields = ("description",)` and a
    `description_html = RenderedMarkdownField(...)` beside each; save() renders them."""

    markdown_fields: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        filled = render_markdown_fields(self, self.markdown_fields, only=update_fields)
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *filled}
        super().save(*args, **kwargs)


def store_rendered_markdown(model) -> None:
    """Render and store the HTML of every row of `model`: after writes that bypass save(), such as
    bulk_create() or update()."""
    fields = model.markdown_fields
    rows = list(model.objects.only("pk", *fields))
    for row in rows:
        render_markdown_fields(row, fields)
    model.objects.bulk_update(rows, [f"{field}_html" for field in fields], batch_size=200)


# plain_text() runs for every session and speaker of a frab export: compiled once.
_SPACE_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")
# A run of white space with a newline in it. It starts only where a run of white space starts (the
# lookbehind): a run of spaces with no newline is read once, not once from each of its positions
# (quadratic: 16,000 spaces took 0.8 s).
_SOFT_NEWLINE = re.compile(r"(?<![^\S\n])[^\S\n]*\n\s*")
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', flags=re.S)
_ORDERED_LIST = re.compile(r"<ol>(.*?)</ol>", flags=re.S)
_LIST_ITEM = re.compile(r"<li>")
_BLOCK_END = re.compile(r"</(p|h[2-4]|blockquote|pre|table|ul|ol)>")
_LINE_END = re.compile(r"<br\s*/?>|</li>|</tr>")
_BLANK_LINES = re.compile(r"\n{3,}")
# A tag of HTML that render_markdown() wrote: nh3 escapes "<" and ">" in text and quotes every
# attribute, so a tag ends at the first ">" outside quotes. Django's strip_tags() parses any HTML
# and took most of the time of a frab export.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def plain_text(rendered: str) -> str:
    """Rendered Markdown (render_markdown's HTML) as plain text for calendars and exports.

    Paragraphs, no markup. A link keeps its address in brackets, since a calendar note cannot be
    clicked everywhere.
    """
    # Newlines in Markdown's HTML are soft (inside a paragraph, or between tags); the tags decide
    # where lines break here.
    rendered = _SPACE_BETWEEN_TAGS.sub("><", str(rendered))
    rendered = _SOFT_NEWLINE.sub(" ", rendered)
    rendered = _LINK.sub(_link_as_text, rendered)
    rendered = _ORDERED_LIST.sub(_numbered, rendered)
    rendered = rendered.replace("<li>", "- ")
    rendered = _BLOCK_END.sub("\n\n", rendered)
    rendered = _LINE_END.sub("\n", rendered)
    text = html.unescape(_TAG.sub("", rendered))
    lines = [line.strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _numbered(match: re.Match) -> str:
    """An ordered list's items as "1. ", "2. ", ... (a list nested in it is numbered with it)."""
    numbers = iter(range(1, 10_000))
    return "<ol>" + _LIST_ITEM.sub(lambda _item: f"{next(numbers)}. ", match.group(1)) + "</ol>"


def _link_as_text(match: re.Match) -> str:
    href, label = html.unescape(match.group(1)), match.group(2)
    return label if _TAG.sub("", label) == href else f"{label} ({href})"


def summary(rendered: str, length: int = 300) -> str:
    """The first sentences of rendered Markdown as plain text, for meta tags."""
    text = html.unescape(_TAG.sub("", str(rendered)))
    return Truncator(" ".join(text.split())).chars(length)
