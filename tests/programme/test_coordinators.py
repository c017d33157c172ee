"""Theme-group coordinators see and edit only the sessions of their theme groups (and what hangs on them)."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from g40events.permissions import COORDINATORS_GROUP, ORGANISERS_GROUP
from sessions.models import Session, SpeakerUpload
from tests.admin_forms import form_data
from tests.factories import make_event, make_recap, make_session, make_speaker, make_theme_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    carla = User.objects.create_user("carla", password="x", is_staff=True)
    carla.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    wonen, zorg = make_theme_group(name="Wonen"), make_theme_group(name="Zorg")
    wonen.coordinators.add(carla)
    event = make_event(title="Netwerkdag Ede")
    femke, piet = make_speaker(name="Femke de Vries"), make_speaker(name="Piet Bakker")
    own = make_session(
        event=event,
        title="Wonen in de wijk",
        theme_groups=[wonen],
        speakers=[femke],
        takes_registrations=True,
        capacity=10,
    )
    joint = make_session(event=event, title="Wonen en zorg samen", theme_groups=[wonen, zorg])
    other = make_session(
        event=event,
        title="Zorg dichtbij",
        theme_groups=[zorg],
        speakers=[piet],
        takes_registrations=True,
        capacity=10,
    )
    for session in (own, joint, other):
        session.save()  # as an organiser saves in the admin: its history has a version to show
    return {
        "carla": carla,
        "own": own,
        "joint": joint,
        "other": other,
        "femke": femke,
        "piet": piet,
        "event": event,
    }


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world["carla"])
    return client


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_coordinator_sees_only_the_sessions_of_their_theme_groups(coordinator_client, world):
    response = coordinator_client.get(reverse("admin:programme_session_changelist"))

    assert sorted(s.title for s in response.context["cl"].result_list) == [
        "Wonen en zorg samen",
        "Wonen in de wijk",
    ]


def test_coordinator_edits_an_own_session(coordinator_client, world):
    url = change_url(world["own"])
    html = coordinator_client.get(url).content.decode()

    response = coordinator_client.post(url, form_data(html, "session_form", title="Wonen in de buurt"))

    assert response.status_code == 302
    world["own"].refresh_from_db()
    assert world["own"].title == "Wonen in de buurt"


@pytest.mark.parametrize(
    "path",
    [
        lambda w: change_url(w["other"]),
        lambda w: reverse("admin:programme_session_history", args=[w["other"].pk]),
        lambda w: reverse("admin:programme_session_delete", args=[w["own"].pk]),
        lambda w: reverse("admin:programme_session_add"),
        lambda w: reverse("admin:programme_session_import"),
        lambda w: change_url(w["piet"]),
        lambda w: reverse("admin:registrations_session_participants", args=[w["other"].pk]),
        lambda w: reverse("admin:registrations_registration_changelist"),
        lambda w: reverse("admin:registrations_emaillog_changelist"),
        lambda w: reverse("admin:g40events_event_changelist"),
        lambda w: change_url(w["event"]),
        lambda w: reverse("admin:g40events_recap_changelist"),
        lambda w: reverse("admin:g40events_themegroup_changelist"),
    ],
    ids=[
        "other-session",
        "other-history",
        "delete-own",
        "add-session",
        "import",
        "other-speaker",
        "other-participants",
        "registrations",
        "emails",
        "events",
        "event",
        "recaps",
        "theme-groups",
    ],
)
def test_coordinator_is_refused_outside_their_groups(coordinator_client, world, path):
    assert coordinator_client.get(path(world)).status_code == 403


def test_coordinator_is_refused_the_history_of_another_groups_session_that_has_no_versions_yet(
    coordinator_client, world
):
    """The same answer as for a session with versions (above): refused, not "does not exist"."""
    unsaved = make_session(
        event=world["event"], title="Zorg en welzijn", theme_groups=world["other"].theme_groups.all()
    )
    assert not unsaved.history.exists()

    response = coordinator_client.get(reverse("admin:programme_session_history", args=[unsaved.pk]))

    assert response.status_code == 403


def test_coordinator_sees_the_history_of_an_own_session(coordinator_client, world):
    response = coordinator_client.get(reverse("admin:programme_session_history", args=[world["own"].pk]))

    assert response.status_code == 200
    assert "Wonen in de wijk" in response.content.decode()


def test_coordinator_cannot_change_another_groups_session_by_posting(coordinator_client, world):
    response = coordinator_client.post(change_url(world["other"]), {"title": "Gekaapt"})

    assert response.status_code == 403
    world["other"].refresh_from_db()
    assert world["other"].title == "Zorg dichtbij"


def test_coordinator_sees_the_participants_of_own_sessions(coordinator_client, world):
    response = coordinator_client.get(
        reverse("admin:registrations_session_participants", args=[world["own"].pk])
    )

    assert response.status_code == 200
    assert "Deelnemers: Wonen in de wijk" in response.content.decode()


def test_coordinator_sees_only_the_speakers_of_own_sessions(coordinator_client, world):
    response = coordinator_client.get(reverse("admin:speakers_speaker_changelist"))
    assert [s.name for s in response.context["cl"].result_list] == ["Femke de Vries"]
    assert coordinator_client.get(change_url(world["femke"])).status_code == 200


def test_coordinator_sends_upload_links_only_for_own_sessions(coordinator_client, world):
    url = reverse("admin:programme_speakerupload_send_link")
    html = coordinator_client.get(url).content.decode()
    assert "Femke de Vries — Wonen in de wijk" in html
    assert "Piet Bakker" not in html

    other_role = world["other"].speaker_roles.get()
    response = coordinator_client.post(url, {"role": other_role.pk, "email": "piet@ede.example"})

    assert response.status_code == 200
    assert response.context["form"].errors["role"][0].startswith("Selecteer een geldige keuze.")


def test_coordinator_reviews_only_uploads_of_own_sessions(coordinator_client, world):
    own = SpeakerUpload.objects.create(
        session=world["own"], speaker=world["femke"], title="Eigen", url="https://a.example/"
    )
    other = SpeakerUpload.objects.create(
        session=world["other"], speaker=world["piet"], title="Ander", url="https://b.example/"
    )

    listing = coordinator_client.get(reverse("admin:programme_speakerupload_changelist"))
    assert [u.title for u in listing.context["cl"].result_list] == ["Eigen"]
    assert coordinator_client.get(change_url(other)).status_code == 403

    coordinator_client.post(
        reverse("admin:programme_speakerupload_changelist"),
        {"action": "approve", "_selected_action": [own.pk, other.pk]},
    )

    own.refresh_from_db()
    other.refresh_from_db()
    assert (own.status, other.status) == ("approved", "pending")


def test_coordinators_admin_index_shows_only_their_pages(coordinator_client, world):
    response = coordinator_client.get(reverse("admin:index"))
    models = sorted(str(m["name"]) for app in response.context["app_list"] for m in app["models"])
    assert models == ["Sessies", "Sprekers", "Uploads van sprekers"]


def test_organiser_still_sees_every_session(client, world):
    organiser = User.objects.create_user("olga", password="x", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)

    response = client.get(reverse("admin:programme_session_changelist"))

    assert len(response.context["cl"].result_list) == Session.objects.count() == 3
    assert client.get(change_url(world["other"])).status_code == 200
    assert (
        client.get(reverse("admin:registrations_session_participants", args=[world["other"].pk])).status_code
        == 200
    )


def test_organiser_links_coordinators_to_a_theme_group(client, world):
    make_recap()
    organiser = User.objects.create_user("olga", password="x", is_staff=True)
    organiser.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)
    group = world["own"].theme_groups.get()

    html = client.get(change_url(group)).content.decode()

    select = html.split('name="coordinators"', 1)[1].split("</select>", 1)[0]
    assert "carla" in select and "olga" not in select
