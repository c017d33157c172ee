from django import template

from sessions.programme import render_session_cards

register = template.Library()


@register.simple_tag
def session_cards(slot):
    """The cards of the sessions in a time slot of the netwerkdag page: {% session_cards slot %}.

    Drawn in Python rather than with a template per card: see sessions/programme.py.
    """
    return render_session_cards(slot)
