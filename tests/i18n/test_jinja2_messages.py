"""makemessages reads the Jinja2 templates of the public pages with Jinja2's i18n extension."""

from django.template import engines

from g40events.management.commands.makemessages import gettext_calls


def test_jinja2_template_strings_become_gettext_calls_line_for_line():
    source = (
        '<a href="#inhoud">{{ _("Naar de inhoud") }}</a>\n'
        "{% trans title=event.title %}Aanmelden voor {{ title }}{% endtrans %}\n"
        "{% trans counter=n %}{{ counter }} sessie{% pluralize %}{{ counter }} sessies{% endtrans %}\n"
        "<p>Geen tekst om te vertalen</p>"
    )

    calls = gettext_calls(engines["jinja2"], source)

    assert calls.split("\n") == [
        " gettext('Naar de inhoud');",
        " gettext('Aanmelden voor %(title)s');",
        " ngettext('%(counter)s sessie', '%(counter)s sessies', 1);",
        "",
    ]
