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
