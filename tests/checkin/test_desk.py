import re

import pytest
from django.contrib.auth.models import User

from checkin import codes, services
from checkin.models import CheckIn
from registrations import services as registration_services
from registrations.models import Registration
from tests.checkin.helpers import day, desk_user, sign_up
from tests.registrations.helpers import open_event

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def desk(client):
    client.force_login(desk_user())
    return client


def notices(response) -> list[str]:
    html = response.content.decode()
    return [text(match) for match in re.findall(r'<div class="notice[^"]*"[^>]*>(.*?)</div>', html, re.S)]


def test_desk_needs_the_desk_permission(client):
    event, *_ = day()
    organiser_less = User.objects.create_user("iemand", password="x" * 20, is_staff=True)

    anonymous = client.get("/balie/ede/")
    client.force_login(organiser_less)
    without_permission = client.get("/balie/ede/")

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/beheer/login/?next=/balie/ede/")
    assert without_permission.status_code == 403


def test_desk_staff_is_no_organiser(client):
    user = desk_user()

    assert user.has_perm("checkin.use_desk")
    assert not user.has_perm("registrations.change_registration")
    assert not user.has_perm("g40events.change_event")


def test_search_by_name_or_organisation_and_check_in_with_a_running_count(desk):
    event, wonen, *_ = day()
    anna = sign_up(event, [wonen], name="Anna de Vries", organisation_name="Gemeente Ede")
    sign_up(event, name="Bram Jansen", organisation_name="Gemeente Zwolle")
    sign_up(event, name="Cor Ede-Smit", organisation_name="Provincie")

    found = desk.get("/balie/ede/?q=ede")
    assert "0 van 3 binnen" in text(found.content.decode())
    assert re.findall(r'<span class="desk-person__name">([^<]+)</span>', found.content.decode()) == [
        "Anna de Vries",
        "Cor Ede-Smit",
    ]

    response = desk.post(
        "/balie/ede/", {"action": "check_in", "registration": anna.pk, "q": "ede"}, follow=True
    )

    assert response.redirect_chain == [("/balie/ede/?q=ede", 302)]
    assert notices(response) == ["Anna de Vries (Gemeente Ede) is ingecheckt."]
    page = text(response.content.decode())
    assert "1 van 3 binnen" in page
    assert "Binnen om" in page
    assert CheckIn.objects.get().registration == anna


def test_checking_in_twice_keeps_one_check_in(desk):
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries", organisation_name="Gemeente Ede")
    desk.post("/balie/ede/", {"action": "check_in", "registration": anna.pk}, follow=True)

    response = desk.post("/balie/ede/", {"action": "check_in", "registration": anna.pk}, follow=True)

    assert notices(response) == ["Anna de Vries (Gemeente Ede) was al ingecheckt."]
    assert CheckIn.objects.count() == 1


def test_undo_takes_the_check_in_back(desk):
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries")
    desk.post("/balie/ede/", {"action": "check_in", "registration": anna.pk}, follow=True)

    response = desk.post("/balie/ede/", {"action": "undo", "registration": anna.pk}, follow=True)

    assert notices(response) == ["Anna de Vries is niet meer ingecheckt."]
    assert CheckIn.objects.count() == 0
    assert "0 van 1 binnen" in text(response.content.decode())


def test_code_checks_in_at_once(desk):
    event, *_ = day()
    anna = sign_up(event, name="Anna de Vries", organisation_name="Gemeente Ede")

    response = desk.post(
        "/balie/ede/", {"action": "code", "code": codes.code_for(anna).lower(), "scanned": "1"}, follow=True
    )

    assert notices(response) == ["Anna de Vries (Gemeente Ede) is ingecheckt."]
    assert CheckIn.objects.get().method == "scan"


@pytest.mark.parametrize(
    "case, expected",
    [
        ("unknown", "Deze code kennen we niet. Controleer de tekens, of zoek de persoon op naam."),
        ("forged", "Deze code kennen we niet. Controleer de tekens, of zoek de persoon op naam."),
        ("nonsense", "Deze code kennen we niet. Controleer de tekens, of zoek de persoon op naam."),
        ("empty", "Typ of scan een code."),
        ("cancelled", "Anna de Vries is afgemeld voor deze netwerkdag. Er is niets ingecheckt."),
        (
            "other_event",
            "Deze code hoort bij een andere netwerkdag: Netwerkdag Zwolle. Er is niets ingecheckt.",
        ),
        (
            "unconfirmed",
            "Anna de Vries heeft het e-mailadres nooit bevestigd en is dus niet aangemeld. Meld deze persoon "
            "aan als inloper.",
        ),
    ],
)
def test_bad_codes_get_a_clear_message_and_change_nothing(desk, case, expected):
    event, *_ = day()
    other = open_event(title="Netwerkdag Zwolle", slug="zwolle")
    anna = sign_up(event, name="Anna de Vries")
    code = codes.code_for(anna)
    if case == "unknown":
        code = "ZZZZ-" + code.split("-")[1]
    elif case == "forged":
        code = code[:-1] + ("A" if code[-1] != "A" else "B")
    elif case == "nonsense":
        code = "<script>alert(1)</script>"
    elif case == "empty":
        code = ""
    elif case == "cancelled":
        registration_services.cancel(registration=anna)
    elif case == "other_event":
        code = codes.code_for(sign_up(other, name="Bram Jansen"))
    elif case == "unconfirmed":
        Registration.objects.filter(pk=anna.pk).update(status=Registration.Status.UNCONFIRMED)

    response = desk.post("/balie/ede/", {"action": "code", "code": code}, follow=True)

    assert response.status_code == 200
    assert notices(response) == [expected]
    assert 'role="alert"' in response.content.decode()
    assert CheckIn.objects.count() == 0


def test_registration_of_another_netwerkdag_cannot_be_checked_in_by_id(desk):
    day()
    bram = sign_up(open_event(title="Netwerkdag Zwolle", slug="zwolle"), name="Bram Jansen")

    response = desk.post("/balie/ede/", {"action": "check_in", "registration": bram.pk}, follow=True)
    nonsense = desk.post("/balie/ede/", {"action": "check_in", "registration": "x"}, follow=True)

    assert notices(response) == ["Deze aanmelding hoort niet bij deze netwerkdag."]
    assert notices(nonsense) == ["Deze aanmelding hoort niet bij deze netwerkdag."]
    assert CheckIn.objects.count() == 0


def test_walk_in_is_registered_with_the_public_rules_and_checked_in(desk, django_capture_on_commit_callbacks):
    from django.core import mail

    event, wonen, werken, walk = day(registration_closes_at=None)
    event.registration_opens_at = None  # sign-up is not open (any more): the desk still registers
    event.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            "/balie/ede/inloop/",
            {
                "name": "Dirk Inloper",
                "email": "dirk@prive.example",
                "organisation_other": "Waterschap",
                "slot_1": str(werken.pk),
                "consent": "on",
            },
            follow=True,
        )

    assert notices(response) == [
        "Dirk Inloper is aangemeld en ingecheckt. De bevestiging met de code gaat per e-mail."
    ]
    registration = Registration.objects.get(name="Dirk Inloper")
    assert registration.status == Registration.Status.ACTIVE
    assert [p.session.title for p in registration.places.confirmed()] == ["Werken"]
    assert registration.check_in.method == "walk_in"
    assert mail.outbox[-1].to == ["dirk@prive.example"]
    assert f"Je aanmeldcode voor de balie: {codes.code_for(registration)}" in mail.outbox[-1].body


def test_walk_in_within_the_days_maximum(desk):
    event, *_ = day(capacity=1)
    sign_up(event, name="Anna de Vries")

    response = desk.post(
        "/balie/ede/inloop/",
        {
            "name": "Dirk Inloper",
            "email": "dirk@prive.example",
            "organisation_other": "Waterschap",
            "consent": "on",
        },
    )

    assert response.status_code == 409
    assert "Deze netwerkdag is vol: alle plaatsen zijn vergeven." in response.content.decode()
    assert not Registration.objects.filter(name="Dirk Inloper").exists()
    assert CheckIn.objects.count() == 0


def test_walk_in_form_refuses_a_web_address_as_name(desk):
    day()

    response = desk.post(
        "/balie/ede/inloop/",
        {
            "name": "www.example.com",
            "email": "dirk@prive.example",
            "organisation_other": "X",
            "consent": "on",
        },
    )

    assert response.status_code == 400
    assert "Vul alleen je naam in, zonder webadres" in response.content.decode()
    assert Registration.objects.count() == 0


def test_counts_are_checked_in_of_expected(desk):
    event, *_ = day()
    people = [sign_up(event) for _ in range(3)]
    services.check_in(event=event, registration=people[0])
    registration_services.cancel(registration=people[2])

    assert services.counts(event) == {"expected": 2, "checked_in": 1}


def test_only_the_desk_pages_may_use_the_camera(desk, client):
    day()

    desk_page = desk.get("/balie/ede/")
    public_page = client.get("/netwerkdagen/ede/nu/")

    assert "camera=(self)" in desk_page["Permissions-Policy"]
    assert "camera=()" in public_page["Permissions-Policy"]
    assert desk_page["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
