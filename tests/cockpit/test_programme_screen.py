"""The programme screen of a netwerkdag in the admin: every session on one page, added and changed there."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from g40events.models import Event
from sessions.models import Session
from speakers.models import Speaker
from tests.factories import make_event, make_pillar, make_session, make_speaker, make_theme_group
from tests.public.helpers import page_text

pytestmark = pytest.mark.django_db


def programme(event) -> str:
    return reverse("admin:programme_session_programme", args=[event.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def session_data(**values) -> dict:
    data = {"start_time": "10:00", "end_time": "11:00", "title": "", "kind": "parallel", "location": ""}
    data.update(values)
    return data


@pytest.fixture
def event():
    return make_event(
        title="Ambtelijke netwerkdag Ede 2030",
        date=datetime.date(2030, 5, 1),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(16, 30),
    )


def test_programme_lists_every_session_in_time_order_with_its_pillars_speakers_and_places(
    organiser_client, event
):
    pillar = make_pillar(name="Economie")
    group = make_theme_group(name="Binnensteden", pillar=pillar)
    make_session(
        event=event,
        title="Middagsessie",
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 0),
        kind="parallel",
        location="Zaal 2",
        takes_registrations=True,
        capacity=30,
        pillars=[pillar],
        theme_groups=[group],
        speakers=[make_speaker(name="Femke de Vries")],
    )
    make_session(
        event=event,
        title="Opening",
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        kind="plenary",
    )

    text = page_text(organiser_client.get(programme(event)))

    # Other apps add their columns after the places (check-in, say); these come first.
    assert (
        "Tijd en soort Titel Zaal Pijlers en themagroepen Sprekers Aanmelden Plaatsen Bezet Wachtlijst"
        in text
    )
    assert text.index("09:30–10:00 Plenair Opening – – – nee – – –") < text.index(
        "14:00–15:00 Parallelsessie Middagsessie Zaal 2 Economie Binnensteden Femke de Vries ja 30 0 0 "
        "lijst en wachtlijst"
    )


def test_programme_is_linked_from_the_netwerkdag_page(organiser_client, event):
    html = organiser_client.get(reverse("admin:g40events_event_change", args=[event.pk])).content.decode()

    assert f'<li><a href="{programme(event)}">Programma</a></li>' in html
    # The wide sessions inline is gone from the netwerkdag's page: the programme screen has them.
    assert "sessions-TOTAL_FORMS" not in html


def test_programme_adds_a_session_with_pillars_theme_groups_and_new_and_known_speakers(
    organiser_client, event
):
    pillar = make_pillar(name="Sociaal")
    group = make_theme_group(name="Wonen", pillar=pillar)
    known = make_speaker(name="Jaco Dagevos")

    response = organiser_client.post(
        programme(event),
        session_data(
            title="Wonen en zorg",
            location="Raadzaal",
            pillars=[pillar.pk],
            theme_groups=[group.pk],
            speaker_names="jaco dagevos, Femke de Vries",
            takes_registrations="on",
            capacity="40",
        ),
    )

    session = Session.objects.get(event=event, title="Wonen en zorg")
    assert response.status_code == 302
    assert response["Location"] == f"{programme(event)}?na={session.pk}#sessie-formulier"
    assert messages_of(response) == ["“Wonen en zorg” is toegevoegd (10:00–11:00)."]
    assert (session.slug, session.location, session.capacity, session.takes_registrations) == (
        "wonen-en-zorg",
        "Raadzaal",
        40,
        True,
    )
    assert list(session.pillars.all()) == [pillar]
    assert list(session.theme_groups.all()) == [group]
    assert [role.speaker.name for role in session.speaker_roles.order_by("position")] == [
        "Jaco Dagevos",
        "Femke de Vries",
    ]
    assert Speaker.objects.get(name="Femke de Vries").sort_name == "Vries, Femke de"
    assert Speaker.objects.filter(pk=known.pk).count() == 1


def test_programme_next_session_defaults_to_the_slot_of_a_parallel_session_just_added(
    organiser_client, event
):
    added = make_session(
        event=event,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
        kind="parallel",
        takes_registrations=True,
        capacity=25,
    )

    html = organiser_client.get(f"{programme(event)}?na={added.pk}").content.decode()

    assert re.search(r'<input type="time" name="start_time" value="10:00"', html)
    assert re.search(r'<input type="time" name="end_time" value="11:00"', html)
    assert re.search(r'<input type="number" name="capacity" value="25"', html)
    assert re.search(r'<input type="checkbox" name="takes_registrations"[^>]* checked', html)


def test_programme_next_session_starts_where_a_plenary_just_added_ends(organiser_client, event):
    added = make_session(
        event=event, start_time=datetime.time(9, 30), end_time=datetime.time(10, 15), kind="plenary"
    )

    html = organiser_client.get(f"{programme(event)}?na={added.pk}").content.decode()

    assert re.search(r'<input type="time" name="start_time" value="10:15"', html)
    assert re.search(r'<input type="time" name="end_time"(?! value)', html)


def test_programme_first_session_starts_at_the_start_of_the_day(organiser_client, event):
    html = organiser_client.get(programme(event)).content.decode()

    assert re.search(r'<input type="time" name="start_time" value="09:30"', html)


def test_programme_changes_a_session_and_keeps_its_slug_and_speaker_roles(organiser_client, event):
    moderator = make_speaker(name="Piet Jansen")
    session = make_session(event=event, title="Oude titel", slug="oude-titel", speakers=[moderator])
    session.speaker_roles.update(role="moderator")

    form = organiser_client.get(f"{programme(event)}?sessie={session.pk}")
    response = organiser_client.post(
        f"{programme(event)}?sessie={session.pk}",
        session_data(title="Nieuwe titel", speaker_names="Piet Jansen, Anna Bakker"),
    )

    assert "Sessie wijzigen: Oude titel" in page_text(form)
    assert 'value="Piet Jansen"' in form.content.decode()
    assert response.status_code == 302
    assert response["Location"] == f"{programme(event)}#sessie-{session.pk}"
    session.refresh_from_db()
    assert (session.title, session.slug) == ("Nieuwe titel", "oude-titel")
    assert [(role.speaker.name, role.role) for role in session.speaker_roles.order_by("position")] == [
        ("Piet Jansen", "moderator"),
        ("Anna Bakker", "speaker"),
    ]


def test_programme_refuses_a_session_outside_the_day_with_a_dutch_message_and_saves_nothing(
    organiser_client, event
):
    response = organiser_client.post(
        programme(event),
        session_data(title="Te laat", start_time="17:00", end_time="18:00", speaker_names="Nieuw Iemand"),
    )

    assert response.status_code == 200
    assert "Een sessie moet binnen de netwerkdag vallen, tussen 09:30 en 16:30." in page_text(response)
    assert not Session.objects.filter(title="Te laat").exists()
    assert not Speaker.objects.filter(name="Nieuw Iemand").exists()


def test_programme_refuses_a_speaker_who_is_elsewhere_at_that_time(organiser_client, event):
    speaker = make_speaker(name="Jaco Dagevos")
    make_session(
        event=event,
        title="Eerder geboekt",
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
        speakers=[speaker],
    )

    response = organiser_client.post(
        programme(event), session_data(title="Dubbel", speaker_names="Jaco Dagevos")
    )

    assert response.status_code == 200
    assert "Jaco Dagevos staat op dat moment al in de sessie “Eerder geboekt” (10:00–11:00)." in page_text(
        response
    )


def test_session_own_page_leads_back_to_the_programme(organiser_client, event):
    session = make_session(event=event, title="Workshop")
    url = reverse("admin:programme_session_change", args=[session.pk]) + f"?next={programme(event)}"

    page = organiser_client.get(url)
    data = {
        "event": event.pk,
        "title": "Workshop wonen",
        "slug": session.slug,
        "kind": "parallel",
        "start_time": "10:00",
        "end_time": "11:00",
        "location": "",
        "description": "",
        "capacity": "",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "_save": "Opslaan",
    }
    response = organiser_client.post(url, data)

    assert f'<a href="{programme(event)}">Programma</a>' in page.content.decode()
    assert response.status_code == 302, page_text(response)[-1500:]
    assert response["Location"] == f"{programme(event)}#sessie-{session.pk}"
    assert Session.objects.get(pk=session.pk).title == "Workshop wonen"


def test_session_own_page_ignores_a_next_address_elsewhere(organiser_client, event):
    session = make_session(event=event, title="Workshop")
    url = reverse("admin:programme_session_change", args=[session.pk]) + "?next=https://example.com/"
    data = {
        "event": event.pk,
        "title": "Workshop",
        "slug": session.slug,
        "kind": "parallel",
        "start_time": "10:00",
        "end_time": "11:00",
        "speaker_roles-TOTAL_FORMS": "0",
        "speaker_roles-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0",
        "materials-INITIAL_FORMS": "0",
        "_save": "Opslaan",
    }

    response = organiser_client.post(url, data)

    assert response["Location"] == reverse("admin:programme_session_changelist")


@pytest.mark.parametrize("sessions", [3, 20])
def test_programme_makes_a_bounded_number_of_queries(
    organiser_client, event, django_assert_max_num_queries, sessions
):
    pillar = make_pillar()
    for _n in range(sessions):
        make_session(event=event, pillars=[pillar], speakers=[make_speaker()], takes_registrations=True)

    with django_assert_max_num_queries(20):
        assert organiser_client.get(programme(event)).status_code == 200


def test_programme_is_view_only_without_the_right_to_add(client, event):
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("kijker", password="x", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_session", "view_event"],
            content_type__app_label__in=["programme", "g40events"],
        )
    )
    client.force_login(viewer)
    make_session(event=event, title="Opening")

    response = client.get(programme(event))

    assert "Opening" in page_text(response)
    assert "sessie-formulier" not in response.content.decode()
    assert client.post(programme(event), session_data(title="Stiekem")).status_code == 403
    assert Event.objects.get(pk=event.pk).sessions.count() == 1
