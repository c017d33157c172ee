import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.db import connection
from django.urls import reverse
from simple_history.models import registered_models

from g40events.permissions import ORGANISERS_GROUP
from registrations import services
from registrations.models import Registration
from tests import factories
from tests.admin_forms import form_data
from tests.factories import make_event, make_pillar, make_recap, make_session, make_speaker
from tests.registrations.helpers import open_event, signup_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _factories_record_history(monkeypatch):
    """The rows these tests start from have their first version, as rows made in the admin do."""
    monkeypatch.setattr(factories, "RECORD_HISTORY", True)


@pytest.fixture
def organiser(client):
    user = User.objects.create_user("petra", password="x", is_staff=True, first_name="Petra")
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return user


def change_in_admin(client, obj, **changes):
    info = obj._meta.app_label, obj._meta.model_name
    url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
    html = client.get(url).content.decode()
    form_id = f"{obj._meta.model_name}_form"
    response = client.post(url, form_data(html, form_id, **changes))
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    return response


def test_history_records_who_changed_a_session_and_shows_it_per_object(client, organiser):
    session = make_session(title="Wonen in de wijk")

    change_in_admin(client, session, title="Wonen en zorg in de wijk")

    records = list(session.history.order_by("history_date"))
    assert [(r.title, r.history_type, r.history_user) for r in records] == [
        ("Wonen in de wijk", "+", None),
        ("Wonen en zorg in de wijk", "~", organiser),
    ]
    html = client.get(reverse("admin:programme_session_history", args=[session.pk])).content.decode()
    assert "Geschiedenis van Wonen en zorg in de wijk" in html
    assert "petra" in html
    assert "Gewijzigd" in html and "Aangemaakt" in html


def test_history_reverts_a_session_to_an_earlier_version_with_its_theme_groups(client, organiser):
    social, economy = make_pillar(name="Sociaal"), make_pillar(name="Economie")
    session = make_session(title="Wonen in de wijk", location="Zaal 1", pillars=[social])
    change_in_admin(client, session, title="Iets anders", location="Zaal 9", pillars=[str(economy.pk)])
    before = session.history.filter(title="Wonen in de wijk").latest("history_date")
    versions = session.history.count()

    url = reverse("admin:programme_session_simple_history", args=[session.pk, before.history_id])
    html = client.get(url).content.decode()
    assert "<title>Wonen in de wijk terugzetten" in html
    response = client.post(url, form_data(html, "historicalsession_form"))

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.title, session.location) == ("Wonen in de wijk", "Zaal 1")
    assert list(session.pillars.all()) == [social]
    assert session.history.count() > versions
    assert session.history.latest("history_date").history_user == organiser


@pytest.mark.parametrize(
    "make", [make_event, make_recap, make_speaker, make_pillar], ids=["event", "recap", "speaker", "pillar"]
)
def test_history_page_of_each_content_model_loads_in_dutch(client, organiser, make):
    obj = make()
    info = obj._meta.app_label, obj._meta.model_name
    response = client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
    assert response.status_code == 200
    assert f"Geschiedenis van {obj}" in response.content.decode()
    assert obj.history.count() == 1


def test_history_keeps_no_registrant_data():
    """Anonymisation must be complete: no history table may hold a registrant's name or address."""
    assert not [model for model in registered_models.values() if model._meta.app_label == "registrations"]
    for model in apps.get_models():
        if model._meta.app_label == "registrations":
            assert not hasattr(model, "history"), model

    event = open_event()
    session = signup_session(event, capacity=1)
    services.register(
        event=event,
        person=services.PersonData(
            name="Geheime Registrant", email="geheim@example.org", organisation_name="Gemeente Geheim"
        ),
        session_ids=[session.pk],
    )
    session.capacity = 2
    session.save()
    assert Registration.objects.filter(email="geheim@example.org").exists()

    history_tables = {
        model._meta.db_table for model in apps.get_models() if model._meta.model_name.startswith("historical")
    }
    assert history_tables
    with connection.cursor() as cursor:
        for table in sorted(history_tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            text = repr(cursor.fetchall())
            for secret in ("Geheime Registrant", "geheim@example.org", "Gemeente Geheim"):
                assert secret not in text, (table, secret)
