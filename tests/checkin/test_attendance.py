import datetime
import re

import pytest
from django.contrib.auth.models import User

from checkin import codes, services
from checkin.models import Attendance
from registrations import services as registration_services
from tests.checkin.helpers import day, desk_user, sign_up
from tests.checkin.test_desk import notices, text
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(desk_user())
    return client


def names(response, heading_id):
    html = response.content.decode()
    part = html.split(f'id="{heading_id}"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<span class="desk-person__name">([^<]+)</span>', part)


def test_session_list_shows_who_has_a_place_sorted_by_name(desk):
    event, wonen, *_ = day()
    sign_up(event, [wonen], name="Zeger")
    sign_up(event, [wonen], name="Anna")
    sign_up(event, name="Bram")

    response = desk.get(f"/balie/ede/sessies/{wonen.pk}/")

    assert names(response, "met-plaats") == ["Anna", "Zeger"]
    assert "0 aanwezig, 2 met een plaats · nog 8 plaatsen vrij" in text(response.content.decode())


def test_host_ticks_who_is_there_and_can_undo(desk):
    event, wonen, *_ = day()
    anna = sign_up(event, [wonen], name="Anna")

    ticked = desk.post(
        f"/balie/ede/sessies/{wonen.pk}/", {"action": "present", "registration": anna.pk}, follow=True
    )
    assert notices(ticked) == ["Anna is aanwezig."]
    assert "1 aanwezig, 2 met een plaats" not in text(ticked.content.decode())
    assert "1 aanwezig, 1 met een plaats" in text(ticked.content.decode())
    assert Attendance.objects.get().had_place is True

    undone = desk.post(
        f"/balie/ede/sessies/{wonen.pk}/", {"action": "absent", "registration": anna.pk}, follow=True
    )
    assert notices(undone) == ["Anna staat niet meer als aanwezig."]
    assert Attendance.objects.count() == 0


def test_scan_at_the_door_marks_present(desk):
    event, wonen, *_ = day()
    anna = sign_up(event, [wonen], name="Anna")

    response = desk.post(
        f"/balie/ede/sessies/{wonen.pk}/", {"action": "code", "code": codes.code_for(anna)}, follow=True
    )

    assert notices(response) == ["Anna is aanwezig."]
    assert Attendance.objects.get().method == "scan"


def test_someone_without_a_place_is_added_while_there_is_room(desk):
    event, wonen, werken, walk = day()
    sign_up(event, [walk], name="Anna")
    bram = sign_up(event, name="Bram")
    cor = sign_up(event, name="Cor")

    found = desk.get(f"/balie/ede/sessies/{walk.pk}/?q=bram")
    assert names(found, "zonder-plaats") == ["Bram"]

    added = desk.post(
        f"/balie/ede/sessies/{walk.pk}/", {"action": "present", "registration": bram.pk}, follow=True
    )
    full = desk.post(
        f"/balie/ede/sessies/{walk.pk}/", {"action": "present", "registration": cor.pk}, follow=True
    )

    assert notices(added) == ["Bram is aanwezig."]
    assert names(added, "toegevoegd") == ["Bram"]
    assert notices(full) == ["Wandeling is vol: er is geen plaats meer vrij. Er is niets veranderd."]
    assert list(Attendance.objects.values_list("registration__name", "had_place")) == [("Bram", False)]


def test_cancelled_registration_cannot_be_marked_present(desk):
    event, wonen, *_ = day()
    anna = sign_up(event, [wonen], name="Anna")
    registration_services.cancel(registration=anna)

    response = desk.post(
        f"/balie/ede/sessies/{wonen.pk}/", {"action": "present", "registration": anna.pk}, follow=True
    )

    assert notices(response) == ["Anna is afgemeld voor deze netwerkdag. Er is niets ingecheckt."]
    assert Attendance.objects.count() == 0


def test_session_overview_shows_places_waiting_checked_in_and_attended(desk):
    event, wonen, werken, walk = day()
    people = [sign_up(event, [walk]) for _ in range(3)]  # two places, one waiting
    services.check_in(event=event, registration=people[0])
    services.check_in(event=event, registration=people[2])  # waiting: not counted as checked in for the walk
    services.mark_present(session=walk, registration=people[0])

    response = desk.get("/balie/ede/sessies/")

    row = text(response.content.decode()).split("12:30–13:15 Wandeling", 1)[1].split("\n")[0]
    assert row.startswith(" 2 / 2 1 1 1")


def test_session_overview_shows_a_dash_where_a_figure_does_not_apply(desk):
    event, *_ = day()
    plenary = make_session(
        event=event,
        title="Opening",
        kind="plenary",
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
    )
    closing = make_session(
        event=event,
        title="Afsluiting",
        kind="plenary",
        start_time=datetime.time(16, 0),
        end_time=datetime.time(16, 30),
    )
    services.mark_present(session=closing, registration=sign_up(event, []))

    rows = desk.get("/balie/ede/sessies/").content.decode().split("<tr>")

    def figures(title):
        return text([row for row in rows if f">{title}</a>" in row][0].split("</tr>")[0]).split()[-4:]

    assert figures("Opening") == ["–", "–", "–", "–"]
    # Somebody ticked present at the door of a session without sign-ups is counted all the same.
    assert figures("Afsluiting") == ["–", "–", "–", "1"]
    assert plenary.takes_registrations is False


def test_admin_session_list_shows_checked_in_and_attended(client):
    event, wonen, werken, walk = day()
    anna = sign_up(event, [wonen])
    services.check_in(event=event, registration=anna)
    services.mark_present(session=wonen, registration=anna)
    client.force_login(User.objects.create_superuser("admin", "admin@example.org", "x" * 20))

    response = client.get(f"/beheer/programme/session/?event__id__exact={event.pk}")

    html = response.content.decode()
    assert '<th scope="col" class="sortable column-checked_in">' in html
    assert re.search(r'<td class="field-checked_in">1</td><td class="field-attended">1</td>', html)
