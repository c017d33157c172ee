"""The programme screen of a netwerkdag as a theme-group coordinator sees it: their own sessions (joint
ones included) in full, the parts of the day without theme groups as context only, and nothing of
other groups' sessions; no way to add a session or change one outside their groups."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from g40events.permissions import COORDINATORS_GROUP, ORGANISERS_GROUP
from sessions.models import Session
from tests.admin_forms import form_data
from tests.factories import make_event, make_session, make_speaker, make_theme_group
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    carla = User.objects.create_user("carla", password="x", is_staff=True)
    carla.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    wonen, zorg = make_theme_group(name="Wonen"), make_theme_group(name="Zorg")
    wonen.coordinators.add(carla)
    event = make_event(title="Netwerkdag Ede")
    opening = make_session(
        event=event,
        title="Opening",
        kind=Session.Kind.PLENARY,
        location="Raadzaal",
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        speakers=[make_speaker(name="Burgemeester Ede")],
    )
    own = make_session(
        event=event,
        title="Wonen in de wijk",
        location="Zaal 1",
        theme_groups=[wonen],
        speakers=[make_speaker(name="Femke de Vries")],
        takes_registrations=True,
        capacity=12,
    )
    joint = make_session(
        event=event,
        title="Wonen en zorg samen",
        location="Zaal 2",
        theme_groups=[wonen, zorg],
        takes_registrations=True,
        capacity=25,
    )
    other = make_session(
        event=event,
        title="Zorg dichtbij",
        location="Zaal 3",
        theme_groups=[zorg],
        speakers=[make_speaker(name="Piet Bakker")],
        takes_registrations=True,
        capacity=37,
    )
    return {
        "carla": carla,
        "wonen": wonen,
        "zorg": zorg,
        "event": event,
        "opening": opening,
        "own": own,
        "joint": joint,
        "other": other,
    }


@pytest.fixture
def coordinator_client(client, day):
    client.force_login(day["carla"])
    return client


def programme(event) -> str:
    return reverse("admin:programme_session_programme", args=[event.pk])


def session_data(**values) -> dict:
    data = {"start_time": "11:00", "end_time": "12:00", "title": "", "kind": "parallel", "location": ""}
    data.update(values)
    return data


def test_coordinator_programme_shows_own_and_joint_sessions_and_the_plenary_without_figures(
    coordinator_client, day
):
    response = coordinator_client.get(programme(day["event"]))
    text = page_text(response)
    html = response.content.decode()

    assert response.status_code == 200
    assert (
        "Je ziet de sessies van je themagroepen, en ter informatie de onderdelen van de dag zonder themagroep."
        in text
    )
    assert (
        "09:30–10:00 Plenair Opening Raadzaal – Burgemeester Ede nee Ter informatie "
        "11:00–12:00 Parallelsessie Wonen en zorg samen Zaal 2 Wonen Zorg – ja 25 0 0 lijst en wachtlijst"
        in text
    )
    assert (
        "11:00–12:00 Parallelsessie Wonen in de wijk Zaal 1 Wonen Femke de Vries ja 12 0 0 lijst en wachtlijst"
        in text
    )
    # Another group's session: not its title, room, speaker or figures.
    for word in ("Zorg dichtbij", "Zaal 3", "Piet Bakker", "37"):
        assert word not in text
    # The context row links nowhere; the own rows link to their page, their change form and cancelling.
    assert reverse("admin:programme_session_change", args=[day["opening"].pk]) not in html
    assert f"?sessie={day['opening'].pk}" not in html
    assert reverse("admin:registrations_session_cancel", args=[day["opening"].pk]) not in html
    assert reverse("admin:registrations_session_cancel", args=[day["own"].pk]) in html
    assert f"?sessie={day['joint'].pk}#sessie-formulier" in html
    # The netwerkdag's own screens are the organisers': not offered (they would answer 403).
    assert reverse("admin:g40events_event_change", args=[day["event"].pk]) not in html
    assert reverse("admin:registrations_event_dashboard", args=[day["event"].pk]) not in html
    # Coordinators add no sessions: no form for a new one.
    assert "Sessie toevoegen" not in text


@pytest.mark.parametrize("which", ["other", "opening"])
def test_coordinator_cannot_open_or_change_a_session_outside_their_groups_on_the_programme(
    coordinator_client, day, which
):
    session = day[which]
    url = f"{programme(day['event'])}?sessie={session.pk}"

    opened = coordinator_client.get(url)
    posted = coordinator_client.post(url, session_data(title="Gekaapt", theme_groups=[day["wonen"].pk]))

    assert (opened.status_code, posted.status_code) == (403, 403)
    session.refresh_from_db()
    assert session.title != "Gekaapt"
    assert not Session.objects.filter(title="Gekaapt").exists()


def test_coordinator_cannot_add_a_session_on_the_programme(coordinator_client, day):
    response = coordinator_client.post(
        programme(day["event"]), session_data(title="Nieuw van Carla", theme_groups=[day["wonen"].pk])
    )

    assert response.status_code == 403
    assert Session.objects.filter(event=day["event"]).count() == 4


def test_coordinator_changes_an_own_session_on_the_programme_but_keeps_it_in_their_groups(
    coordinator_client, day
):
    url = f"{programme(day['event'])}?sessie={day['own'].pk}"

    handed_over = coordinator_client.post(
        url, session_data(title="Wonen in de buurt", location="Zaal 1", theme_groups=[day["zorg"].pk])
    )
    kept = coordinator_client.post(
        url,
        session_data(
            title="Wonen in de buurt",
            location="Zaal 1",
            theme_groups=[day["wonen"].pk, day["zorg"].pk],
            takes_registrations="on",
            capacity="12",
        ),
    )

    assert handed_over.status_code == 200
    assert "Kies minstens één van je eigen themagroepen (Wonen)." in page_text(handed_over)
    assert kept.status_code == 302
    own = Session.objects.get(pk=day["own"].pk)
    assert own.title == "Wonen in de buurt"
    assert sorted(group.name for group in own.theme_groups.all()) == ["Wonen", "Zorg"]


def test_coordinator_cannot_hand_an_own_session_to_another_group_on_its_page(coordinator_client, day):
    url = reverse("admin:programme_session_change", args=[day["own"].pk])
    data = form_data(coordinator_client.get(url).content.decode(), "session_form")
    data["theme_groups"] = [str(day["zorg"].pk)]

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    assert "Kies minstens één van je eigen themagroepen (Wonen)." in page_text(response)
    assert [group.name for group in Session.objects.get(pk=day["own"].pk).theme_groups.all()] == ["Wonen"]


def test_organiser_programme_still_shows_every_session_with_figures_and_links(client, day):
    olga = User.objects.create_user("olga", password="x", is_staff=True)
    olga.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(olga)

    response = client.get(programme(day["event"]))
    text = page_text(response)
    html = response.content.decode()

    assert (
        "11:00–12:00 Parallelsessie Zorg dichtbij Zaal 3 Zorg Piet Bakker ja 37 0 0 lijst en wachtlijst"
        in text
    )
    assert "09:30–10:00 Plenair Opening Raadzaal – Burgemeester Ede nee – – –" in text
    assert "Ter informatie" not in text
    assert f"?sessie={day['opening'].pk}#sessie-formulier" in html
    assert reverse("admin:g40events_event_change", args=[day["event"].pk]) in html
    assert "Sessie toevoegen" in text
