"""Each template belongs to one engine: the public pages to Jinja2 (templates/jinja2/), the admin and the
e-mails to Django's template language (the rest of templates/ and the apps' templates)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist, engines
from django.utils import translation


def names(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def test_public_templates_are_found_by_jinja2_only():
    public = names(settings.BASE_DIR / "templates" / "jinja2")

    assert "base.html" in public and "g40events/event_detail.html" in public
    for name in public:
        engines["jinja2"].get_template(name)
        with pytest.raises(TemplateDoesNotExist):
            engines["django"].get_template(name)


def test_admin_and_email_templates_are_never_found_by_jinja2():
    ours = [name for name in names(settings.BASE_DIR / "templates") if not name.startswith("jinja2/")]

    assert "admin/g40events/event/duplicate.html" in ours
    assert "registrations/emails/confirmation.html" in ours
    for name in [*ours, "admin/base_site.html", "admin/change_form.html", "registration/logged_out.html"]:
        engines["django"].get_template(name)
        with pytest.raises(TemplateDoesNotExist):
            engines["jinja2"].get_template(name)


def test_jinja2_translates_in_the_active_language_and_escapes_what_it_fills_in():
    template = engines["jinja2"].from_string(
        '{{ _("Naar de inhoud") }} | {% trans title=title %}Aanmelden voor {{ title }}{% endtrans %} | '
        "{% trans counter=n %}{{ counter }} sessie tegelijk{% pluralize %}{{ counter }} sessies tegelijk{% endtrans %}"
    )

    with translation.override("nl"):
        dutch = template.render({"title": "<b>Dag</b>", "n": 1})
    with translation.override("en"):
        english = template.render({"title": "<b>Dag</b>", "n": 3})
    with translation.override("nl"):
        dutch_again = template.render({"title": "Dag", "n": 2})

    assert dutch == "Naar de inhoud | Aanmelden voor &lt;b&gt;Dag&lt;/b&gt; | 1 sessie tegelijk"
    assert english == "Skip to content | Register for &lt;b&gt;Dag&lt;/b&gt; | 3 sessions at the same time"
    assert dutch_again == "Naar de inhoud | Aanmelden voor Dag | 2 sessies tegelijk"


class Html:
    def __html__(self):
        return "<em>al opgemaakt</em>"


def test_jinja2_escapes_what_it_writes_as_stock_jinja2_does():
    # Our compiler writes `{{ … }}` through escape_output() (g40events/jinja2.py); the page must be
    # the same as stock Jinja2 with autoescaping makes it, for every kind of value.
    from jinja2 import Environment
    from markupsafe import Markup

    source = (
        "{% macro card(title) %}<h4>{{ title }}</h4>{% endmacro %}"
        "{{ text }}|{{ number }}|{{ nothing }}|{{ missing }}|{{ markup }}|{{ html }}|{{ card(text) }}|"
        "{{ text ~ markup }}|{{ markup ~ text }}|{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}|"
        "{% filter upper %}{{ text }}{% endfilter %}|{% autoescape false %}{{ text }}{% endautoescape %}|"
        "{{ text|safe }}|{{ [text, 2] }}"
    )
    context = {
        "text": "<script>alert('x & \"y\"')</script>",
        "number": 12,
        "nothing": None,
        "markup": Markup("<b>vet</b>"),
        "html": Html(),
    }
    ours = engines["jinja2"].from_string(source)
    stock = Environment(autoescape=True).from_string(source)

    assert "escape_output(" in engines["jinja2"].env.compile(source, raw=True)
    assert ours.render(context) == stock.render(**context)
    assert ours.render(context).startswith(
        "&lt;script&gt;alert(&#39;x &amp; &#34;y&#34;&#39;)&lt;/script&gt;|12|None||<b>vet</b>|<em>al opgemaakt</em>|"
        "<h4>&lt;script&gt;"
    )


def test_jinja2_calls_macros_functions_and_context_functions_as_stock_jinja2_does():
    # PageContext.call (g40events/jinja2.py) calls macros and plain functions directly; what wants
    # the context still gets it, inside loops and blocks too.
    from jinja2 import Environment, pass_context, pass_environment

    @pass_context
    def page_of(context, suffix):
        return f"{context['page']}{suffix}"

    @pass_environment
    def autoescaping(environment):
        return environment.autoescape

    def exhausted():
        raise StopIteration

    source = (
        "{% macro item(x, sep='/') %}<{{ x }}{{ sep }}>{% endmacro %}"
        "{% for x in items %}{{ item(x) }}{{ item(x, sep=loop.index) }}{{ page_of(x) }}{% endfor %}|"
        "{% set y = 'b' %}{{ page_of(y) }}|{{ shout(y) }}|{{ autoescaping() }}|{{ exhausted() }}|"
        "{% for x in items %}{% set inner = x ~ '!' %}{{ page_of(inner) }}{% endfor %}"
    )
    context = {
        "items": ["a", "<b>"],
        "page": "p:",
        "page_of": page_of,
        "shout": str.upper,
        "autoescaping": autoescaping,
        "exhausted": exhausted,
    }
    ours = engines["jinja2"].from_string(source).render(context)

    assert ours == Environment(autoescape=True).from_string(source).render(**context)
    assert ours == ("<a/><a1>p:a<&lt;b&gt;/><&lt;b&gt;2>p:&lt;b&gt;|p:b|B|True||p:a!p:&lt;b&gt;!")
