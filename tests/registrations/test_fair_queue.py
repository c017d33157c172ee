"""Nobody jumps the waiting list: every way a place frees up promotes the first in line, and a newcomer
gets a confirmed place only when nobody is waiting for that session."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from registrations import services
from registrations.models import Place, Registration
from tests.registrations.helpers import open_event, sign_up, signup_session, statuses
from tests.registrations.test_admin import form_data_from, organiser

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session():
    """A session of two places, taken by Anna and Bram, with Cem and Dirk waiting in that order."""
    event = open_event()
    session = signup_session(event, capacity=2, title="Woningmarkt")
    people = {
        name: sign_up(event, [session], name=name, email=f"{name.lower()}@gemeente.example")
        for name in ["Anna", "Bram", "Cem", "Dirk"]
    }
    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": ["Cem", "Dirk"]}
    mail.outbox.clear()
    return session, people


def promotion_mails():
    return [(m.to[0], m.subject) for m in mail.outbox if "plaats" in m.subject.lower()]


def free_a_place_behind_the_services_back(session, name):
    """What a promotion that gave way to lock contention leaves: a free place while people wait."""
    Place.objects.filter(session=session, registration__name=name).delete()


def test_cancel_gives_the_place_to_the_first_in_line(full_session, django_capture_on_commit_callbacks):
    session, people = full_session

    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(registration=people["Bram"])

    assert statuses(session) == {"confirmed": ["Anna", "Cem"], "waiting": ["Dirk"]}
    assert [m.to[0] for m in mail.outbox] == ["bram@gemeente.example", "cem@gemeente.example"]


def test_change_of_sessions_gives_the_place_to_the_first_in_line(full_session):
    session, people = full_session
    other = signup_session(session.event, capacity=5, title="Energie", start_time=session.start_time)

    services.change_sessions(registration=people["Anna"], session_ids=[other.pk])

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk"]}
    assert statuses(other) == {"confirmed": ["Anna"], "waiting": []}


def test_a_newcomer_waits_behind_those_waiting_even_when_a_place_is_free(
    full_session, django_capture_on_commit_callbacks
):
    session, _people = full_session
    free_a_place_behind_the_services_back(session, "Anna")

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(session.event, [session], name="Eva", email="eva@gemeente.example")

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk", "Eva"]}
    assert "cem@gemeente.example" in [m.to[0] for m in mail.outbox]


def test_a_newcomer_gets_a_place_only_after_everyone_waiting_got_one(full_session):
    session, _people = full_session
    for name in ["Anna", "Bram"]:
        free_a_place_behind_the_services_back(session, name)
    session.capacity = 5
    session.save()

    sign_up(session.event, [session], name="Eva", email="eva@gemeente.example")

    assert statuses(session) == {"confirmed": ["Cem", "Dirk", "Eva"], "waiting": []}


def test_a_change_into_a_session_with_people_waiting_queues_behind_them(full_session):
    session, _people = full_session
    other = signup_session(session.event, capacity=5, title="Energie", start_time=session.start_time)
    eva = sign_up(session.event, [other], name="Eva", email="eva@gemeente.example")
    free_a_place_behind_the_services_back(session, "Anna")

    services.change_sessions(registration=eva, session_ids=[session.pk])

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk", "Eva"]}


def test_confirming_an_address_queues_behind_those_waiting(full_session):
    session, _people = full_session
    unlisted = services.register(
        event=session.event,
        person=services.PersonData(name="Eva", email="eva@prive.example"),
        session_ids=[session.pk],
    ).registration
    free_a_place_behind_the_services_back(session, "Anna")

    services.confirm_address(registration=unlisted)

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk", "Eva"]}


def test_admin_delete_button_gives_the_place_to_the_first_in_line(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people = full_session
    organiser(client)
    url = reverse("admin:registrations_registration_delete", args=[people["Anna"].pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Registration.objects.filter(pk=people["Anna"].pk).exists()
    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk"]}
    assert [m.to[0] for m in mail.outbox] == ["cem@gemeente.example"]


def test_admin_bulk_delete_gives_the_places_to_the_first_in_line_in_order(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people = full_session
    eva = sign_up(session.event, [session], name="Eva", email="eva@gemeente.example")
    organiser(client)
    selected = [people["Bram"].pk, people["Anna"].pk, people["Dirk"].pk]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:registrations_registration_changelist"),
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: selected, "post": "yes"},
        )

    assert response.status_code == 302
    assert Registration.objects.filter(pk__in=selected).count() == 0
    assert statuses(session) == {"confirmed": ["Cem", "Eva"], "waiting": []}
    assert sorted(m.to[0] for m in mail.outbox) == ["cem@gemeente.example", eva.email]


def test_admin_delete_of_a_place_gives_it_to_the_first_in_line(
    client, full_session, django_capture_on_commit_callbacks
):
    session, people = full_session
    organiser(client)
    url = reverse("admin:registrations_registration_change", args=[people["Anna"].pk])
    data = form_data_from(client.get(url))
    prefix = next(key[: -len("-TOTAL_FORMS")] for key in data if key.startswith("places") and "TOTAL" in key)
    data[f"{prefix}-0-DELETE"] = "on"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert Registration.objects.get(pk=people["Anna"].pk).is_active
    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk"]}
    # Anna is told her place is gone (tests/registrations/test_place_removal.py); Cem that he has one.
    assert [m.to[0] for m in mail.outbox] == ["anna@gemeente.example", "cem@gemeente.example"]


def test_fill_waiting_lists_repairs_a_promotion_that_gave_way(full_session, capsys):
    session, _people = full_session
    free_a_place_behind_the_services_back(session, "Anna")
    free_a_place_behind_the_services_back(session, "Bram")

    call_command("fill_waiting_lists")

    assert statuses(session) == {"confirmed": ["Cem", "Dirk"], "waiting": []}
    assert capsys.readouterr().out == "2 promoted from waiting lists\n"


def test_raised_capacity_promotes_in_order_before_a_newcomer(full_session):
    session, _people = full_session
    session.capacity = 3
    session.save()
    services.fill_from_waiting_list(session=session)

    sign_up(session.event, [session], name="Eva", email="eva@gemeente.example")

    assert statuses(session) == {"confirmed": ["Anna", "Bram", "Cem"], "waiting": ["Dirk", "Eva"]}


def test_erasing_a_person_gives_their_place_to_the_first_in_line(full_session):
    from registrations.privacy import erase_person

    session, _people = full_session

    erase_person(email="anna@gemeente.example")

    assert statuses(session) == {"confirmed": ["Bram", "Cem"], "waiting": ["Dirk"]}


def test_the_form_shows_a_session_with_people_waiting_as_full(client, full_session):
    session, _people = full_session
    free_a_place_behind_the_services_back(session, "Anna")

    page = client.get(reverse("registrations:register", kwargs={"slug": session.event.slug})).content.decode()

    assert f"{session.title} · 11:00–12:00 — vol — op de wachtlijst" in page
