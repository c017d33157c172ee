from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html

from g40events.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render organiser-written Markdown as sanitised HTML."""
    return render_markdown(text)


@register.simple_tag
def content_lang():
    """` lang="nl"` on organiser-written text when the interface is in another language.

    Organisers write in Dutch; an English page marks those parts as Dutch, so that screen readers
    pronounce them as Dutch (WCAG 2.1, 3.1.2 Language of Parts).
    """
    if translation.get_language() == settings.LANGUAGE_CODE:
        return ""
    return format_html(' lang="{}"', settings.LANGUAGE_CODE)
