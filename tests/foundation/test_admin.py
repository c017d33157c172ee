import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from g40events.models import Event, Status
from g40events.permissions import ORGANISERS_GROUP
from sessions.models import Session, SessionSpeaker, SpeakerUpload
from tests.factories import (
    make_event,
    make_material,
    make_organisation,
    make_pillar,
    make_recap,
    make_session,
    make_speaker,
    make_theme_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("organisator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(user)
    return client


def make_one_of_each():
    pillar = make_pillar()
    group = make_theme_group(pillar=pillar)
    speaker = make_speaker()
    session = make_session(pillars=[pillar], theme_groups=[group], speakers=[speaker])
    make_material(session=session)
    make_recap(event=session.event, pillar=pillar)
    SpeakerUpload.objects.create(
        session=session, speaker=speaker, title="Dia van de spreker", url="https://example.org/dia"
    )
    return session


def organiser_models():
    return [
        model
        for model in admin.site._registry
        if model._meta.app_label in {"g40events", "programme", "speakers"}
    ]


def test_admin_every_page_loads_for_an_organiser_who_is_not_superuser(organiser_client):
    make_one_of_each()
    for model in organiser_models():
        info = model._meta.app_label, model._meta.model_name
        changelist = organiser_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        assert str(model._meta.verbose_name_plural) in changelist.content.decode().lower()
        # Speakers' uploads arrive only through a speaker's personal link.
        expected_add = 403 if model is SpeakerUpload else 200
        assert organiser_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == expected_add, (
            info
        )
        obj = model.objects.first()
        change = organiser_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
        assert change.status_code == 200, info
        assert str(obj) in change.content.decode()


def test_admin_organiser_cannot_manage_users(organiser_client):
    assert organiser_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_event_page_lists_sessions_in_time_order(organiser_client):
    event = make_event()
    make_session(event=event, title="Middag", start_time=datetime.time(14, 0), end_time=datetime.time(15, 0))
    make_session(event=event, title="Ochtend", start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    html = organiser_client.get(reverse("admin:g40events_event_change", args=[event.pk])).content.decode()
    assert html.index('value="Ochtend"') < html.index('value="Middag"')


@pytest.mark.parametrize("rows", [2, 20])
def test_admin_changelists_make_a_bounded_number_of_queries(
    organiser_client, django_assert_max_num_queries, rows
):
    for _ in range(rows):
        make_one_of_each()
    for model in organiser_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with django_assert_max_num_queries(14):
            assert organiser_client.get(url).status_code == 200


def test_admin_duplicate_as_next_edition_copies_the_skeleton_as_concept(organiser_client):
    deventer_city, dordrecht_city = make_organisation(name="Deventer"), make_organisation(name="Dordrecht")
    pillar, group = make_pillar(), make_theme_group()
    event = make_event(title="Ambtelijke netwerkdag Deventer", host_city=deventer_city, is_announced=True)
    session = make_session(
        event=event,
        title="Woningmarkt",
        location="Raadzaal",
        capacity=40,
        pillars=[pillar],
        theme_groups=[group],
    )
    SessionSpeaker.objects.create(session=session, speaker=make_speaker())
    url = reverse("admin:g40events_event_changelist")

    intermediate = organiser_client.post(
        url, {"action": "duplicate_as_next_edition", "_selected_action": [event.pk]}
    )
    assert "Datum van de nieuwe editie" in intermediate.content.decode()

    response = organiser_client.post(
        url,
        {
            "action": "duplicate_as_next_edition",
            "_selected_action": [event.pk],
            "apply": "1",
            "date": "2024-11-21",
            "host_city": dordrecht_city.pk,
            "title": "",
        },
        follow=True,
    )

    new = Event.objects.get(host_city=dordrecht_city)
    assert new.title == "Ambtelijke netwerkdag Dordrecht 2024"
    assert new.date == datetime.date(2024, 11, 21)
    assert new.status == Status.DRAFT and not new.is_announced
    copy = new.sessions.get()
    assert (copy.title, copy.start_time, copy.capacity, copy.location) == (
        "Woningmarkt",
        session.start_time,
        40,
        "",
    )
    assert list(copy.pillars.all()) == [pillar] and list(copy.theme_groups.all()) == [group]
    assert not copy.speaker_roles.exists()
    assert "is aangemaakt als concept met 1 sessie." in response.content.decode()
    assert Session.objects.count() == 2


def test_admin_speaker_clash_shows_a_message_on_the_session_page(organiser_client):
    speaker = make_speaker(name="Jaco Dagevos")
    keynote = make_session(title="Keynote", speakers=[speaker])
    other = make_session(
        event=keynote.event, title="Economie", start_time=keynote.start_time, end_time=keynote.end_time
    )
    url = reverse("admin:programme_session_change", args=[other.pk])
    data = {
        "event": other.event.pk,
        "title": other.title,
        "slug": other.slug,
        "kind": other.kind,
        "start_time": "11:00",
        "end_time": "12:00",
        "location": "",
        "description": "",
        "capacity": "",
        "speaker_roles-TOTAL_FORMS": "1",
        "speaker_roles-INITIAL_FORMS": "0",
        "speaker_roles-0-speaker": speaker.pk,
        "speaker_roles-0-role": "speaker",
        "speaker_roles-0-position": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
    }
    response = organiser_client.post(url, data)
    assert response.status_code == 200
    assert (
        "Jaco Dagevos staat op dat moment al in de sessie “Keynote” (11:00–12:00)."
        in response.content.decode()
    )
    assert not other.speaker_roles.exists()


def test_admin_each_model_admin_is_registered_once_by_its_own_app():
    """Apps further down extend the netwerkdag's and the session's admin without registering them again."""
    assert type(admin.site._registry[Event]).__module__ == "g40events.admin"
    assert type(admin.site._registry[Session]).__module__ == "sessions.admin"
