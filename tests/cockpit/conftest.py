import pytest
from django.contrib.auth.models import Group, User

from g40events.permissions import ORGANISERS_GROUP


@pytest.fixture
def organiser(db):
    user = User.objects.create_user("organisator", password="x", is_staff=True, first_name="Olga")
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client
