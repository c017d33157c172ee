from django import template

from g40events.text import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render organiser-written Markdown as sanitised HTML."""
    return render_markdown(text)
