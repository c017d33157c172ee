from django import template

from sessions.programme import render_time_slots

register = template.Library()


@register.simple_tag
def time_slots(slots):
    """The programme of the netwerkdag page by time slot, with its session cards.

    Drawn in Python rather than with a template per card: see sessions/programme.py.
    """
    return render_time_slots(slots)
