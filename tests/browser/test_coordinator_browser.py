"""A theme-group coordinator in the admin, in Chromium: own sessions only, edits one, is refused another."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from g40events.permissions import COORDINATOR_PERMISSIONS, COORDINATORS_GROUP
from tests.browser.axe import axe_violations
from tests.factories import make_event, make_session, make_speaker, make_theme_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def coordinators_group() -> Group:
    """The group as its data migration makes it (a transactional test may have flushed it away)."""
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    for app_label, codenames in COORDINATOR_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    return group


@pytest.fixture
def theme_groups(live_server, page):
    """Wonen and Zorg; Carla coordinates Wonen and is signed in to the admin in `page`."""
    carla = User.objects.create_user("carla", password="een-lang-wachtwoord", is_staff=True)
    carla.groups.add(coordinators_group())
    wonen, zorg = make_theme_group(name="Wonen"), make_theme_group(name="Zorg")
    wonen.coordinators.add(carla)
    page.goto(live_server.url + "/beheer/login/")
    page.get_by_label("Gebruikersnaam").fill("carla")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(live_server.url + "/beheer/")
    return wonen, zorg


def test_coordinator_works_on_own_sessions_only(live_server, page, theme_groups):
    wonen, zorg = theme_groups
    event = make_event(title="Netwerkdag Ede")
    own = make_session(
        event=event,
        title="Wonen in de wijk",
        theme_groups=[wonen],
        speakers=[make_speaker(name="Femke de Vries")],
    )
    make_session(event=event, title="Wonen en zorg samen", theme_groups=[wonen, zorg])
    other = make_session(event=event, title="Zorg dichtbij", theme_groups=[zorg])

    page.get_by_role("link", name="Sessies").first.click()
    page.wait_for_url("**/programme/session/")
    titles = sorted(page.locator("#result_list tbody th a").all_inner_texts())
    assert titles == ["Wonen en zorg samen", "Wonen in de wijk"]

    page.get_by_role("link", name="Wonen in de wijk").click()
    expect(page.locator(".field-event .readonly")).to_have_text("Netwerkdag Ede")
    page.get_by_label("Titel:").fill("Wonen in de buurt")
    page.locator("input[name=_save]").first.click()
    assert "Wonen in de buurt" in page.locator("#result_list").inner_text()
    own.refresh_from_db()
    assert own.title == "Wonen in de buurt"

    response = page.goto(f"{live_server.url}/beheer/programme/session/{other.pk}/change/")
    assert response.status == 403
    other.refresh_from_db()
    assert other.title == "Zorg dichtbij"

    page.goto(live_server.url + "/beheer/")
    assert sorted(page.locator("#content-main th[scope=row] a").all_inner_texts()) == [
        "Sessies",
        "Sprekers",
        "Uploads van sprekers",
    ]


def test_coordinator_works_on_the_programme_screen_with_own_sessions_only(live_server, page, theme_groups):
    wonen, zorg = theme_groups
    event = make_event(title="Netwerkdag Ede")
    opening = make_session(
        event=event,
        title="Opening",
        kind="plenary",
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
    )
    own = make_session(event=event, title="Wonen in de wijk", location="Zaal 1", theme_groups=[wonen])
    make_session(event=event, title="Zorg dichtbij", location="Zaal 3", theme_groups=[zorg])

    page.goto(f"{live_server.url}/beheer/programme/session/{own.pk}/change/")
    page.get_by_role("navigation", name="Broodkruimels").get_by_role("link", name="Programma").click()

    rows = page.locator("#programma tbody th[scope=row]")
    expect(rows).to_have_text(["Opening", "Wonen in de wijk"])
    expect(page.locator(f"#sessie-{opening.pk}")).to_contain_text("Ter informatie")
    assert axe_violations(page) == []

    page.locator(f"#sessie-{own.pk}").get_by_role("link", name="Wijzigen").click()
    page.get_by_label("Zaal:").fill("Zaal 9")
    page.get_by_role("button", name="Wijzigingen opslaan").click()

    expect(page.locator(".messagelist")).to_contain_text("“Wonen in de wijk” is opgeslagen.")
    expect(page.locator(f"#sessie-{own.pk}")).to_contain_text("Zaal 9")
    own.refresh_from_db()
    assert own.location == "Zaal 9"
