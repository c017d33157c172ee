"""One person's data under the AVG: export and erase (anonymisation: test_anonymise.py)."""

import pytest

from registrations import privacy, services
from registrations.models import EmailLog, Registration
from tests.registrations.helpers import open_event, person, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def test_erase_person_removes_every_registration_of_the_address_and_promotes_the_waiting():
    event = open_event()
    other_event = open_event()
    session = signup_session(event, capacity=1)
    sign_up(event, [session], name="Anna", email="anna@example.org")
    sign_up(other_event, name="Anna", email="ANNA@example.org")
    sign_up(event, [session], name="Bram")

    erased = privacy.erase_person(email="Anna@Example.org")

    assert erased == 2
    assert list(Registration.objects.values_list("name", flat=True)) == ["Bram"]
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}
    assert not EmailLog.objects.filter(recipient__iexact="anna@example.org").exists()


def test_export_person_gives_everything_stored_about_the_address():
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt")
    services.register(
        event=event,
        person=person(
            name="Anna", email="anna@example.org", job_title="Beleidsadviseur", dietary_needs="Vegan"
        ),
        session_ids=[session.pk],
    )
    sign_up(event, name="Bram")

    data = privacy.export_person(email="anna@example.org")

    assert data["email"] == "anna@example.org"
    (registration,) = data["registrations"]
    assert registration["netwerkdag"] == "Netwerkdag Dordrecht"
    assert (registration["naam"], registration["functie"], registration["dieetwensen"]) == (
        "Anna",
        "Beleidsadviseur",
        "Vegan",
    )
    assert registration["sessies"] == [{"sessie": "Woningmarkt", "status": "Bevestigd"}]
    assert registration["e-mails"][0]["soort"] == "Bevestiging van aanmelding"


def test_export_person_includes_a_sign_up_still_waiting_for_confirmation():
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt")
    services.register(
        event=event, person=person(name="Anna", email="anna@prive.example"), session_ids=[session.pk]
    )

    (registration,) = privacy.export_person(email="anna@prive.example")["registrations"]

    assert registration["status"] == "Wacht op bevestiging e-mailadres"
    assert registration["sessies"] == [{"sessie": "Woningmarkt", "status": "gekozen, nog zonder plaats"}]
    assert registration["e-mails"][0]["soort"] == "Bevestig je e-mailadres (link)"
