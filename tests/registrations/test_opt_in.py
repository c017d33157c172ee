"""Double opt-in: an address outside the organisations' listed e-mail domains confirms that it is
the person's own before its sign-up takes places, and the form cannot flood a mailbox.

The tests' usual domains (example.org, gemeente.example, ...) are listed (tests/conftest.py);
addresses @prive.example are not.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from g40events.models import EmailDomain
from registrations import services
from registrations.models import EmailLog, Place, Registration
from tests.factories import make_organisation
from tests.registrations.helpers import later, open_event, person, sign_up, signup_session, statuses

pytestmark = pytest.mark.django_db


def mails() -> list[tuple[str, list[str]]]:
    return [(message.subject, message.to) for message in mail.outbox]


def unconfirmed_sign_up(event, sessions=(), **overrides):
    overrides.setdefault("email", "anna@prive.example")
    return services.register(
        event=event, person=person(**overrides), session_ids=[s.pk for s in sessions]
    ).registration


# --- which addresses need the link --------------------------------------------------------------


def test_sign_up_from_a_listed_domain_or_its_subdomain_takes_places_at_once(
    django_capture_on_commit_callbacks,
):
    event = open_event(title="Netwerkdag Deventer")
    session = signup_session(event, title="Woningmarkt")
    deventer = make_organisation(name="Deventer")
    EmailDomain.objects.create(organisation=deventer, domain="deventer.nl")

    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(event, [session], name="Anna", email="anna@deventer.nl")
        bram = sign_up(event, [session], name="Bram", email="Bram@Mail.Deventer.NL")

    assert (anna.status, bram.status) == ("active", "active")
    assert statuses(session) == {"confirmed": ["Anna", "Bram"], "waiting": []}
    assert mails() == [
        ("Bevestiging van je aanmelding: Netwerkdag Deventer", ["anna@deventer.nl"]),
        ("Bevestiging van je aanmelding: Netwerkdag Deventer", ["Bram@Mail.Deventer.NL"]),
    ]


@pytest.mark.parametrize("email", ["anna@prive.example", "anna@nietdeventer.nl", "anna@deventer.nl.example"])
def test_sign_up_from_another_address_holds_no_place_and_mails_the_link(
    email, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Deventer")
    session = signup_session(event, title="Woningmarkt", capacity=1)
    EmailDomain.objects.create(organisation=make_organisation(name="Deventer"), domain="deventer.nl")

    with django_capture_on_commit_callbacks(execute=True):
        result = services.register(
            event=event, person=person(name="Anna", email=email), session_ids=[session.pk]
        )

    registration = result.registration
    assert result.outcome == services.Outcome.AWAITING_CONFIRMATION
    assert registration.status == Registration.Status.UNCONFIRMED
    assert list(registration.requested_sessions.all()) == [session]
    assert Place.objects.count() == 0
    assert mails() == [("Bevestig je aanmelding voor Netwerkdag Deventer", [email])]
    body = mail.outbox[0].body
    # The link is signed with the moment it was sent: it names this registration and has not expired.
    token = re.search(r"^http://127\.0\.0\.1:8000/aanmelding/bevestigen/(\S+)/$", body, re.M).group(1)
    assert Registration.key_from_confirm_token(token) == (registration.manage_key, False)
    assert registration.manage_url not in body
    assert "- 11:00–12:00 Woningmarkt\n" in body
    assert (
        "Was jij dit niet? Dan hoef je niets te doen: zonder bevestiging gebeurt er niets.\n\n"
        "Met vriendelijke groet,\n"
    ) in body
    assert mail.outbox[0].attachments == []
    html = mail.outbox[0].alternatives[0][0]
    assert f'<a href="http://127.0.0.1:8000/aanmelding/bevestigen/{token}/"' in html


def test_confirmation_mail_states_the_deadline_in_words(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Deventer")
    with django_capture_on_commit_callbacks(execute=True):
        registration = unconfirmed_sign_up(event)

    deadline = timezone.localtime(registration.confirm_before)
    assert deadline - timezone.localtime(registration.created_at) == datetime.timedelta(hours=48)
    weekday = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"][
        deadline.weekday()
    ]
    assert f"De link werkt tot {weekday} {deadline.day} " in mail.outbox[0].body
    assert (
        f"{deadline:%H:%M}; daarna vervalt de aanmelding vanzelf en bewaren we niets." in mail.outbox[0].body
    )


def test_unconfirmed_sign_ups_do_not_count_against_the_days_maximum():
    event = open_event(capacity=1)
    for number in range(3):
        unconfirmed_sign_up(event, email=f"iemand{number}@prive.example")

    confirmed = sign_up(event, name="Anna")

    assert confirmed.is_active
    assert services.is_full(event)


# --- confirming ----------------------------------------------------------------------------------


def test_confirming_takes_the_places_and_mails_the_manage_link(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Deventer")
    morning = signup_session(
        event, title="Woningmarkt", start_time=datetime.time(10), end_time=datetime.time(11)
    )
    afternoon = signup_session(
        event, title="Armoede", start_time=datetime.time(13), end_time=datetime.time(14)
    )
    registration = unconfirmed_sign_up(event, [morning, afternoon], name="Anna")

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_address(registration=registration)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE
    assert list(registration.requested_sessions.all()) == []
    assert statuses(morning) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(afternoon) == {"confirmed": ["Anna"], "waiting": []}
    assert mails() == [("Bevestiging van je aanmelding: Netwerkdag Deventer", ["anna@prive.example"])]
    assert registration.manage_url in mail.outbox[0].body
    assert mail.outbox[0].attachments[0][0] == "netwerkdag.ics"


def test_confirming_after_the_session_filled_meanwhile_gives_a_waiting_place():
    event = open_event()
    session = signup_session(event, capacity=1)
    registration = unconfirmed_sign_up(event, [session], name="Anna")
    sign_up(event, [session], name="Bram")  # a listed colleague took the last place meanwhile

    services.confirm_address(registration=registration)

    assert statuses(session) == {"confirmed": ["Bram"], "waiting": ["Anna"]}


def test_confirming_queues_behind_those_already_waiting_not_by_the_moment_of_sign_up():
    event = open_event()
    session = signup_session(event, capacity=1)
    sign_up(event, [session], name="Bram")
    registration = unconfirmed_sign_up(event, [session], name="Anna")
    sign_up(event, [session], name="Cem")  # signed up after Anna, but waits before Anna confirms

    services.confirm_address(registration=registration)

    assert statuses(session) == {"confirmed": ["Bram"], "waiting": ["Cem", "Anna"]}


def test_confirming_leaves_out_a_session_that_no_longer_takes_sign_ups():
    event = open_event()
    kept = signup_session(
        event, title="Woningmarkt", start_time=datetime.time(10), end_time=datetime.time(11)
    )
    dropped = signup_session(event, title="Armoede", start_time=datetime.time(13), end_time=datetime.time(14))
    registration = unconfirmed_sign_up(event, [kept, dropped], name="Anna")
    dropped.takes_registrations = False
    dropped.save()

    services.confirm_address(registration=registration)

    assert list(Place.objects.values_list("session__title", "status")) == [("Woningmarkt", "confirmed")]


def test_a_link_used_twice_confirms_once_and_mails_once(django_capture_on_commit_callbacks):
    event = open_event()
    session = signup_session(event)
    registration = unconfirmed_sign_up(event, [session])

    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_address(registration=registration)
        services.confirm_address(registration=registration)

    assert Place.objects.count() == 1
    assert [subject for subject, _ in mails()] == [f"Bevestiging van je aanmelding: {event.title}"]


def test_confirming_after_sign_up_closed_is_refused_and_takes_nothing():
    event = open_event()
    session = signup_session(event)
    registration = unconfirmed_sign_up(event, [session])
    event.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    event.save()

    with pytest.raises(services.ClosedBeforeConfirmation) as raised:
        services.confirm_address(registration=registration)

    assert str(raised.value.message) == (
        "De aanmelding voor deze netwerkdag sloot voordat je je e-mailadres bevestigde. Je aanmelding "
        "is daarom niet doorgegaan."
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.UNCONFIRMED
    assert Place.objects.count() == 0


def test_confirming_when_the_day_filled_meanwhile_is_refused():
    event = open_event(capacity=1)
    registration = unconfirmed_sign_up(event)
    sign_up(event, name="Bram")

    with pytest.raises(services.FullBeforeConfirmation):
        services.confirm_address(registration=registration)

    assert Registration.objects.active().count() == 1


def test_an_unconfirmed_sign_up_lapses_after_48_hours():
    event = open_event()
    session = signup_session(event)
    registration = unconfirmed_sign_up(event, [session])

    with later(hours=48, minutes=1), pytest.raises(services.ConfirmationLapsed):
        services.confirm_address(registration=registration)

    with later(hours=47, minutes=59):
        services.confirm_address(registration=registration)
    assert Place.objects.count() == 1


def test_lapsed_sign_ups_are_deleted_by_the_daily_job_and_free_nothing(capsys):
    event = open_event()
    session = signup_session(event, capacity=1)
    old_one = unconfirmed_sign_up(event, [session], email="oud@prive.example")
    old_two = unconfirmed_sign_up(event, [session], email="ouder@prive.example")
    with later(hours=47):
        fresh = unconfirmed_sign_up(event, [session], email="vers@prive.example")
    confirmed = sign_up(event, [session], name="Bram")

    with later(hours=49):
        call_command("anonymise_registrations")

    assert capsys.readouterr().out == (
        "Anonymised 0 registration(s).\nDeleted 2 sign-up(s) whose e-mail address was not confirmed in time.\n"
    )
    assert set(Registration.objects.all()) == {fresh, confirmed}
    assert not Registration.objects.filter(pk__in=[old_one.pk, old_two.pk]).exists()
    assert statuses(session) == {"confirmed": ["Bram"], "waiting": []}


# --- repeated sign-ups ---------------------------------------------------------------------------


def test_a_second_sign_up_while_unconfirmed_takes_the_new_details_and_mails_nothing_within_the_hour(
    django_capture_on_commit_callbacks,
):
    event = open_event()
    first_choice = signup_session(event, title="Woningmarkt")
    second_choice = signup_session(event, title="Armoede")
    with django_capture_on_commit_callbacks(execute=True):
        first = services.register(
            event=event, person=person(name="Ana", email="anna@prive.example"), session_ids=[first_choice.pk]
        )
    with later(minutes=10), django_capture_on_commit_callbacks(execute=True):
        second = services.register(
            event=event,
            person=person(name="Anna", email="ANNA@prive.example"),
            session_ids=[second_choice.pk],
        )

    assert second.outcome == services.Outcome.AWAITING_CONFIRMATION
    assert second.registration.pk == first.registration.pk
    registration = Registration.objects.get()
    assert (registration.name, list(registration.requested_sessions.all())) == ("Anna", [second_choice])
    assert len(mail.outbox) == 1
    assert EmailLog.objects.count() == 1

    # The link from the first mail confirms the latest details.
    services.confirm_address(registration=registration)
    assert statuses(second_choice) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(first_choice) == {"confirmed": [], "waiting": []}


def test_a_mailbox_gets_at_most_one_repeat_mail_an_hour(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Deventer")
    with django_capture_on_commit_callbacks(execute=True):
        unconfirmed_sign_up(event)
        for _ in range(5):
            unconfirmed_sign_up(event)
    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            unconfirmed_sign_up(event)
    with later(minutes=125), django_capture_on_commit_callbacks(execute=True):
        unconfirmed_sign_up(event)

    assert mails() == [("Bevestig je aanmelding voor Netwerkdag Deventer", ["anna@prive.example"])] * 3
    assert Registration.objects.count() == 1
    assert EmailLog.objects.count() == 3


def test_a_registered_address_gets_the_manage_link_at_most_once_an_hour(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Deventer")
    with django_capture_on_commit_callbacks(execute=True):
        registration = sign_up(event, email="anna@example.org")
        for _ in range(3):
            result = services.register(event=event, person=person(email="anna@example.org"), session_ids=[])
    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.register(event=event, person=person(email="anna@example.org"), session_ids=[])

    assert result.outcome == services.Outcome.ALREADY_REGISTERED
    assert mails() == [
        ("Bevestiging van je aanmelding: Netwerkdag Deventer", ["anna@example.org"]),
        ("Je aanmelding voor Netwerkdag Deventer", ["anna@example.org"]),
    ]
    assert registration.manage_url in mail.outbox[1].body


def test_a_confirmed_address_signing_up_again_gets_the_manage_link_not_a_confirmation_link(
    django_capture_on_commit_callbacks,
):
    event = open_event(title="Netwerkdag Deventer")
    registration = unconfirmed_sign_up(event)
    services.confirm_address(registration=registration)

    with later(minutes=61), django_capture_on_commit_callbacks(execute=True):
        result = services.register(event=event, person=person(email="anna@prive.example"), session_ids=[])

    assert result.outcome == services.Outcome.ALREADY_REGISTERED
    assert mails() == [("Je aanmelding voor Netwerkdag Deventer", ["anna@prive.example"])]
    assert registration.manage_url in mail.outbox[0].body


def test_a_lapsed_sign_up_can_start_again_with_a_new_link(django_capture_on_commit_callbacks):
    event = open_event()
    session = signup_session(event)
    old = unconfirmed_sign_up(event, [session], name="Ana")

    with later(hours=50):
        with django_capture_on_commit_callbacks(execute=True):
            new = unconfirmed_sign_up(event, [session], name="Anna")
        services.confirm_address(registration=new)

    assert new.pk == old.pk
    assert len(mail.outbox) == 1
    assert statuses(session) == {"confirmed": ["Anna"], "waiting": []}


def test_a_domain_listed_after_the_sign_up_confirms_a_second_sign_up_at_once():
    event = open_event()
    session = signup_session(event)
    unconfirmed_sign_up(event, [session], email="anna@adviesbureau.example")
    EmailDomain.objects.create(organisation=make_organisation(), domain="adviesbureau.example")

    result = services.register(
        event=event, person=person(name="Anna", email="anna@adviesbureau.example"), session_ids=[session.pk]
    )

    assert result.outcome == services.Outcome.CREATED
    assert Registration.objects.get().status == Registration.Status.ACTIVE
    assert statuses(session) == {"confirmed": ["Anna"], "waiting": []}


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Uw account is geblokkeerd, ga naar http://bank.example",
        "Log in op www.mijn-bank",
        "Ga naar veilig-inloggen.com",
        "bit.ly/abc",
        "Anna anna@example.org",
        "Anna＠example",
        "Kijk op example。com",
    ],
)
def test_the_service_refuses_a_name_with_a_web_or_mail_address_and_stores_nothing(name):
    event = open_event()

    with pytest.raises(services.InvalidName) as raised:
        services.register(event=event, person=person(name=name), session_ids=[])

    assert str(raised.value.message).startswith("Vul alleen je naam in, zonder webadres of e-mailadres")
    assert Registration.objects.count() == 0
    assert EmailLog.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "Anna de Vries",
        "A.Th.M. Jansen",
        "J.P. de Vries-van Dijk",
        "drs. ing. K. Smit",
        "Ph.D. Ö'Brien",
        "Mr.Jansen",
    ],
)
def test_the_service_accepts_names_with_initials_and_titles(name):
    registration = sign_up(open_event(), name=name)

    assert registration.name == name
