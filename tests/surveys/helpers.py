"""Builders for survey tests: a past netwerkdag with sessions and participants, and its survey."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from g40events import clock
from surveys import services
from tests.factories import make_pillar
from tests.registrations.helpers import open_event, sign_up, signup_session

DAY = datetime.date(2030, 5, 1)


def netwerkdag(**overrides):
    """Netwerkdag Ede on DAY with two parallel sessions (pillars Sociaal and Fysiek) and a lunch walk."""
    fields = {"title": "Netwerkdag Ede", "slug": "ede", "date": DAY}
    fields.update(overrides)
    event = open_event(**fields)
    social, physical = make_pillar(name="Sociale pijler"), make_pillar(name="Fysieke pijler")
    wonen = signup_session(event, title="Wonen", location="Zaal 1", pillars=[physical])
    werken = signup_session(event, title="Werken", location="Zaal 2", pillars=[social])
    walk = signup_session(
        event, title="Wandeling", kind="tour", capacity=5, pillars=[social, physical],
        start_time=datetime.time(12, 30), end_time=datetime.time(13, 15),
    )  # fmt: skip
    return event, wonen, werken, walk


def survey_for(event, **fields):
    return services.create_survey(event=event, **fields)


def on(day: datetime.date, hour: int = 10):
    """The site's clock on that day (ticking): `with on(DAY + timedelta(days=1)): ...`."""
    return time_machine.travel(clock.local_datetime(day, datetime.time(hour)), tick=True)


def send(day: datetime.date) -> str:
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("g40events.clock.today", lambda: day)
        call_command("send_survey_invitations", stdout=out)
    return out.getvalue().strip()


__all__ = ["DAY", "netwerkdag", "on", "send", "sign_up", "survey_for"]
