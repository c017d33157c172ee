import datetime

from django.contrib.auth.models import Group, Permission, User

from tests.registrations.helpers import open_event, sign_up, signup_session


def desk_user(username="balie") -> User:
    """A staff account that is not an organiser: only the "Balie" group."""
    # migrate made the group; a transactional test elsewhere may have flushed it since.
    group, _ = Group.objects.get_or_create(name="Balie")
    group.permissions.add(Permission.objects.get(content_type__app_label="checkin", codename="use_desk"))
    user = User.objects.create_user(username, password="een-lang-wachtwoord-voor-de-balie", is_staff=True)
    user.groups.add(group)
    return user


def day(**overrides):
    """A netwerkdag with two parallel sessions of ten places and a lunch walk of two."""
    fields = {"title": "Netwerkdag Ede", "slug": "ede", "date": datetime.date(2030, 5, 1)}
    fields.update(overrides)
    event = open_event(**fields)
    wonen = signup_session(event, title="Wonen", location="Zaal 1")
    werken = signup_session(event, title="Werken", location="Zaal 2")
    walk = signup_session(
        event, title="Wandeling", kind="tour", capacity=2,
        start_time=datetime.time(12, 30), end_time=datetime.time(13, 15),
    )  # fmt: skip
    return event, wonen, werken, walk


__all__ = ["day", "desk_user", "sign_up"]
