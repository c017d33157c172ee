"""A cancelled session (issue 11.4): its places and waiting list go, the people in it are told (with an
RFC 5546 CANCEL for their calendar), it stays on the programme marked "Vervallen", and nobody can
choose it any more; an organiser can undo it, which gives nobody a place back."""

import datetime
import re

import icalendar
import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from g40events import calendars
from g40events.permissions import COORDINATORS_GROUP
from registrations import services
from registrations.models import EmailLog, Registration
from sessions.models import Session
from tests.admin_forms import form_data as form_data_of
from tests.factories import make_theme_group
from tests.public.helpers import page_text
from tests.registrations.helpers import later, open_event, sign_up, signup_session, statuses
from tests.registrations.test_calendar_updates import calendar_of
from tests.registrations.test_views import form_data, register_url

pytestmark = pytest.mark.django_db

REASON = "De spreker is ziek."


@pytest.fixture
def programme():
    event = open_event(
        title="Netwerkdag Dordrecht",
        slug="dordrecht-2030",
        date=datetime.date(2030, 11, 21),
        venue_name="Stadhuis",
    )
    social = signup_session(
        event, title="Sociale pijler", slug="sociale-pijler", location="Raadzaal", capacity=1,
        start_time=datetime.time(11, 0), end_time=datetime.time(12, 15),
    )  # fmt: skip
    tour = signup_session(
        event, title="Havenwandeling", slug="havenwandeling", kind="tour", capacity=20,
        start_time=datetime.time(12, 30), end_time=datetime.time(13, 15),
    )  # fmt: skip
    return event, social, tour


@pytest.fixture
def signed_up(programme, django_capture_on_commit_callbacks):
    """Anna has a place in the social pillar and the walk; Bram waits for the social pillar."""
    event, social, tour = programme
    with django_capture_on_commit_callbacks(execute=True):
        anna = sign_up(event, [social, tour], name="Anna", email="anna@dordrecht.example")
        bram = sign_up(event, [social], name="Bram", email="bram@dordrecht.example")
    confirmation = next(m for m in mail.outbox if m.to == ["anna@dordrecht.example"])
    mail.outbox.clear()
    return anna, bram, confirmation


def cancel(session, reason=REASON, **kwargs):
    with later(minutes=5):
        return services.cancel_session(session=session, reason=reason, **kwargs)


def test_cancelling_frees_the_places_and_tells_everyone_in_it_with_a_calendar_cancel(
    programme, signed_up, django_capture_on_commit_callbacks
):
    event, social, tour = programme
    anna, bram, confirmation = signed_up
    confirmed_calendar, _ = calendar_of(confirmation, "netwerkdag.ics")
    (confirmed_entry,) = [
        c for c in confirmed_calendar.walk("VEVENT") if str(c["SUMMARY"]) == "Sociale pijler"
    ]

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        done = services.cancel_session(session=social, reason=REASON)

    assert (done.confirmed, done.waiting) == (1, 1)
    assert statuses(social) == {"confirmed": [], "waiting": []}
    assert statuses(tour) == {"confirmed": ["Anna"], "waiting": []}
    assert Registration.objects.get(pk=anna.pk).status == Registration.Status.ACTIVE
    assert Registration.objects.get(pk=bram.pk).status == Registration.Status.ACTIVE
    social.refresh_from_db()
    assert social.is_cancelled and social.cancellation_reason == REASON

    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["anna@dordrecht.example", "bram@dordrecht.example"]
    to_anna, to_bram = sent["anna@dordrecht.example"], sent["bram@dordrecht.example"]
    assert to_anna.subject == to_bram.subject == "Vervallen: Sociale pijler"
    assert to_anna.body.startswith(
        "Beste Anna,\n\nDe sessie “Sociale pijler” van Netwerkdag Dordrecht is vervallen:\n"
        "donderdag 21 november 2030, 11:00–12:15, Raadzaal\nReden: De spreker is ziek.\n\n"
        "Je plaats in deze sessie vervalt daarmee; je aanmelding voor de netwerkdag en je andere sessies "
        "blijven zoals ze waren.\n"
    )
    assert "Je hebt een plaats in:\n- 12:30–13:15 Havenwandeling\n" in to_anna.body
    assert (
        "Kies op je persoonlijke pagina een andere sessie (zolang de aanmelding open is):\n"
        f"{anna.manage_url}\n" in to_anna.body
    )

    calendar, mimetype = calendar_of(to_anna, "vervallen.ics")
    assert mimetype == "text/calendar; method=CANCEL"
    assert str(calendar["METHOD"]) == "CANCEL"
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["UID"]) == str(confirmed_entry["UID"]) == f"session-{social.pk}@127.0.0.1"
    assert int(entry["SEQUENCE"]) > int(confirmed_entry["SEQUENCE"])
    assert str(entry["STATUS"]) == "CANCELLED"
    assert str(entry["ATTENDEE"]) == "mailto:anna@dordrecht.example"
    assert str(entry["ORGANIZER"]) == "mailto:netwerkdag@g40steden.nl"

    assert to_bram.body.startswith(
        "Beste Bram,\n\nDe sessie “Sociale pijler” van Netwerkdag Dordrecht is vervallen. Je stond op de "
        "wachtlijst; die vervalt ook.\nReden: De spreker is ziek.\n"
    )
    assert [part for part in to_bram.attachments if isinstance(part, tuple)] == []
    assert "text/calendar" not in str(to_bram.message())
    assert sorted(EmailLog.objects.filter(session=social).values_list("kind", "recipient")) == [
        ("session_cancelled", "anna@dordrecht.example"),
        ("session_cancelled_waiting", "bram@dordrecht.example"),
    ]


def test_the_mails_are_recorded_with_the_cancellation_and_sent_only_on_commit(
    programme, signed_up, django_capture_on_commit_callbacks
):
    event, social, tour = programme

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cancel(social)

    assert EmailLog.objects.filter(session=social, status=EmailLog.Status.PENDING).count() == 2
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@dordrecht.example", "bram@dordrecht.example"]


def test_cancelling_twice_changes_nothing_the_second_time(
    programme, signed_up, django_capture_on_commit_callbacks
):
    event, social, tour = programme
    with django_capture_on_commit_callbacks(execute=True):
        cancel(social)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = services.cancel_session(session=social, reason="Iets anders")

    assert (again.confirmed, again.waiting) == (0, 0)
    assert mail.outbox == []
    assert Session.objects.get(pk=social.pk).cancellation_reason == REASON


def test_a_reason_with_a_line_break_is_refused_and_nothing_changes(programme, signed_up):
    event, social, tour = programme
    with pytest.raises(ValidationError) as refused:
        services.cancel_session(session=social, reason="Ziek\r\nBcc: iemand@example.org")
    assert refused.value.messages[0].startswith(
        "Gebruik hier geen regeleinde, tab of ander onzichtbaar stuurteken"
    )
    assert not Session.objects.get(pk=social.pk).is_cancelled
    assert statuses(social) == {"confirmed": ["Anna"], "waiting": ["Bram"]}


def test_reinstating_puts_the_session_back_on_offer_without_giving_places_back(
    client, programme, signed_up, django_capture_on_commit_callbacks
):
    event, social, tour = programme
    with django_capture_on_commit_callbacks(execute=True):
        cancel(social)
    mail.outbox.clear()

    with later(minutes=10), django_capture_on_commit_callbacks(execute=True):
        services.reinstate_session(session=social)

    social.refresh_from_db()
    assert (social.cancelled_at, social.cancellation_reason) == (None, "")
    assert statuses(social) == {"confirmed": [], "waiting": []}
    assert mail.outbox == []
    page = page_text(client.get(register_url(event)))
    assert "Sociale pijler · 11:00–12:15 · Raadzaal" in page


def test_a_time_change_of_a_cancelled_session_sends_no_calendar_request(programme, signed_up):
    event, social, tour = programme
    cancel(social)
    social.refresh_from_db()

    assert services.notify_session_changed(session=social) == 0


def test_an_unconfirmed_sign_up_no_longer_asks_for_a_cancelled_session(programme):
    event, social, tour = programme
    waiting_for_address = services.register(
        event=event,
        person=services.PersonData(name="Cor", email="cor@elders.example", organisation_name="Elders"),
        session_ids=[social.pk, tour.pk],
    ).registration
    assert waiting_for_address.is_unconfirmed

    cancel(social)
    services.confirm_address(registration=waiting_for_address)

    assert statuses(social) == {"confirmed": [], "waiting": []}
    assert statuses(tour) == {"confirmed": ["Cor"], "waiting": []}


# --- choosing it -----------------------------------------------------------------------------------


def test_the_sign_up_form_no_longer_offers_it_and_a_post_naming_it_is_refused(client, programme, signed_up):
    event, social, tour = programme
    cancel(social)

    page = page_text(client.get(register_url(event)))
    assert "Sociale pijler" not in page
    assert "Havenwandeling · 12:30–13:15" in page

    # A page opened before the cancellation had a slot more: it sends a choice for a slot now gone.
    response = client.post(
        register_url(event),
        form_data(email="dirk@dordrecht.example", slot_1=str(tour.pk), slot_2=str(social.pk)),
    )

    assert response.status_code == 200
    assert "De sessie “Sociale pijler” is vervallen. Kies een andere sessie." in page_text(response)
    assert not Registration.objects.filter(email="dirk@dordrecht.example").exists()
    assert statuses(tour) == {"confirmed": ["Anna"], "waiting": []}


def test_a_post_naming_it_in_a_slot_that_is_still_there_is_refused(client, programme):
    event, social, tour = programme
    signup_session(
        event,
        title="Fysieke pijler",
        capacity=10,
        start_time=datetime.time(11, 0),
        end_time=datetime.time(12, 15),
    )
    cancel(social)

    response = client.post(register_url(event), form_data(slot_1=str(social.pk)))

    page = page_text(response)
    assert response.status_code == 200
    assert "De sessie “Sociale pijler” is vervallen. Kies een andere sessie." in page
    assert "Fysieke pijler · 11:00–12:15" in page
    assert Registration.objects.count() == 0


def test_the_service_refuses_it_too(programme):
    event, social, tour = programme
    cancel(social)

    with pytest.raises(services.InvalidChoice) as refused:
        sign_up(event, [social], name="Dirk")

    assert str(refused.value.message) == "De sessie “Sociale pijler” is vervallen. Kies een andere sessie."
    assert Registration.objects.count() == 0


def test_the_personal_page_no_longer_offers_it_and_refuses_a_change_to_it(client, programme, signed_up):
    event, social, tour = programme
    anna, bram, _confirmation = signed_up
    cancel(social)

    page = client.get(anna.get_absolute_url()).content.decode()
    change_form = page[page.index('id="wijzigen"') :]
    assert "Sociale pijler" not in change_form
    slot_inputs = re.findall(r'<input[^>]*name="slot_[^>]*>', change_form)
    assert slot_inputs and not [i for i in slot_inputs if f'value="{social.pk}"' in i]
    assert "Havenwandeling" in change_form

    response = client.post(
        anna.get_absolute_url(), {"action": "change", "slot_1": str(tour.pk), "slot_2": str(social.pk)}
    )

    assert response.status_code == 400
    assert "De sessie “Sociale pijler” is vervallen. Kies een andere sessie." in page_text(response)
    assert statuses(tour) == {"confirmed": ["Anna"], "waiting": []}
    assert statuses(social) == {"confirmed": [], "waiting": []}


def test_the_personal_page_says_the_session_is_cancelled_with_the_reason(client, programme, signed_up):
    event, social, tour = programme
    anna, bram, _confirmation = signed_up
    cancel(social)

    anna_page = page_text(client.get(anna.get_absolute_url()))
    bram_page = page_text(client.get(bram.get_absolute_url()))

    assert (
        "Je sessies Je sessies en je plaats Tijd Sessie Je plaats "
        "11:00–12:15 Sociale pijler Raadzaal Vervallen: De spreker is ziek. Kies hieronder een andere sessie. "
        "12:30–13:15 Havenwandeling Bevestigd Je aanmeldcode"
    ) in anna_page
    assert (
        "Je sessies Je sessies en je plaats Tijd Sessie Je plaats "
        "11:00–12:15 Sociale pijler Raadzaal Vervallen: De spreker is ziek. Kies hieronder een andere sessie. "
        "Je aanmeldcode"
    ) in bram_page
    html = client.get(anna.get_absolute_url()).content.decode()
    assert "<strong>Vervallen</strong>: De spreker is ziek." in html


def test_the_personal_page_says_vervallen_without_a_reason_and_forgets_it_once_reinstated(
    client, programme, signed_up
):
    event, social, tour = programme
    anna, _bram, _confirmation = signed_up
    cancel(social, reason="")

    assert (
        "11:00–12:15 Sociale pijler Raadzaal Vervallen Kies hieronder een andere sessie. 12:30"
        in page_text(client.get(anna.get_absolute_url()))
    )

    with later(minutes=10):
        services.reinstate_session(session=social)

    page = page_text(client.get(anna.get_absolute_url()))
    assert (
        "Je sessies en je plaats Tijd Sessie Je plaats 12:30–13:15 Havenwandeling Bevestigd Je aanmeldcode"
        in page
    )


def test_the_personal_page_in_english_says_cancelled(client, settings, programme, signed_up):
    event, social, tour = programme
    anna, _bram, _confirmation = signed_up
    cancel(social)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = page_text(client.get(anna.get_absolute_url()))

    assert "Sociale pijler Raadzaal Cancelled: De spreker is ziek. Choose another session below." in page


# --- the admin -------------------------------------------------------------------------------------


@pytest.fixture
def organiser_client(client):
    user = User.objects.create_user("olga", password="x", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_the_organiser_confirms_on_one_page_that_names_who_is_affected(
    organiser_client, programme, signed_up, django_capture_on_commit_callbacks
):
    event, social, tour = programme
    change_page = organiser_client.get(reverse("admin:programme_session_change", args=[social.pk]))
    cancel_url = reverse("admin:registrations_session_cancel", args=[social.pk])
    assert f'href="{cancel_url}"' in change_page.content.decode()
    assert "Sessie laten vervallen" in page_text(change_page)

    confirm = page_text(organiser_client.get(cancel_url))

    assert "Sessie laten vervallen: Sociale pijler" in confirm
    assert "1 deelnemer heeft een plaats in deze sessie. 1 staat op de wachtlijst." in confirm
    assert "Reden (openbaar; mag leeg blijven)" in confirm
    assert "Terugzetten kan later, maar geeft niemand zijn plaats terug." in confirm
    assert not Session.objects.get(pk=social.pk).is_cancelled  # opening the page changes nothing

    with later(minutes=5), django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(cancel_url, {"reason": f"  {REASON} "}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("admin:programme_session_change", args=[social.pk])
    shown = page_text(response)
    assert (
        "“Sociale pijler” is vervallen. 1 plaats en 1 plaats op de wachtlijst zijn vrijgegeven; wie ze had, "
        "krijgt een e-mail." in shown
    )
    assert "Sessie terugzetten" in shown
    assert Session.objects.get(pk=social.pk).cancellation_reason == REASON
    assert sorted(m.subject for m in mail.outbox) == ["Vervallen: Sociale pijler"] * 2
    version = Session.history.filter(id=social.pk).latest("history_date")
    assert version.history_user.username == "olga"
    assert version.cancellation_reason == REASON


def test_the_admin_refuses_a_reason_over_two_lines(organiser_client, programme, signed_up):
    event, social, tour = programme
    url = reverse("admin:registrations_session_cancel", args=[social.pk])

    response = organiser_client.post(url, {"reason": "Ziek\nBcc: iemand@example.org"})

    assert response.status_code == 200
    assert not Session.objects.get(pk=social.pk).is_cancelled
    assert statuses(social) == {"confirmed": ["Anna"], "waiting": ["Bram"]}


def test_the_organiser_reinstates_after_a_page_that_says_nobody_gets_a_place_back(
    organiser_client, programme, signed_up
):
    event, social, tour = programme
    cancel(social)
    programme_url = reverse("admin:programme_session_programme", args=[event.pk])
    screen = organiser_client.get(programme_url)
    assert "Vervallen: Sociale pijler" in page_text(screen)
    reinstate_url = reverse("admin:registrations_session_reinstate", args=[social.pk])
    assert f'href="{reinstate_url}?next=' in screen.content.decode()

    confirm = page_text(organiser_client.get(reinstate_url, {"next": programme_url}))
    assert "Niemand krijgt automatisch zijn plaats of wachtlijstplaats terug" in confirm

    response = organiser_client.post(reinstate_url, {"next": programme_url})

    assert response.status_code == 302
    assert response["Location"] == f"{programme_url}#sessie-{social.pk}"
    assert not Session.objects.get(pk=social.pk).is_cancelled
    assert statuses(social) == {"confirmed": [], "waiting": []}
    assert "Vervallen" not in page_text(organiser_client.get(programme_url))


def test_the_dashboard_shows_the_cancelled_session(organiser_client, programme, signed_up):
    event, social, tour = programme
    cancel(social)

    page = page_text(organiser_client.get(reverse("admin:registrations_event_dashboard", args=[event.pk])))

    assert "Vervallen: Sociale pijler" in page
    assert "Havenwandeling" in page


def test_a_coordinator_cancels_only_the_sessions_of_their_own_theme_groups(client, programme, signed_up):
    event, social, tour = programme
    carla = User.objects.create_user("carla", password="x", is_staff=True)
    carla.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    wonen = make_theme_group(name="Wonen")
    wonen.coordinators.add(carla)
    social.theme_groups.set([wonen])
    client.force_login(carla)

    assert client.get(reverse("admin:registrations_session_cancel", args=[tour.pk])).status_code == 403
    assert client.post(reverse("admin:registrations_session_cancel", args=[tour.pk])).status_code == 403
    assert not Session.objects.get(pk=tour.pk).is_cancelled

    response = client.post(reverse("admin:registrations_session_cancel", args=[social.pk]), {"reason": ""})

    assert response.status_code == 302
    assert Session.objects.get(pk=social.pk).is_cancelled


# --- the public side -------------------------------------------------------------------------------


def test_the_programme_and_the_session_page_say_it_is_cancelled_with_the_reason(client, programme, signed_up):
    event, social, tour = programme
    cancel(social)

    programme_page = page_text(client.get(event.get_absolute_url()))
    assert "Vervallen: Sociale pijler" in programme_page
    assert "Deze sessie is vervallen. De spreker is ziek." in programme_page
    assert "nog 19 plaatsen" in programme_page  # the walk still takes sign-ups
    assert "vol — wachtlijst" not in programme_page

    response = client.get(social.get_absolute_url())
    assert response.status_code == 200
    page = page_text(response)
    assert (
        "<title>Vervallen: Sociale pijler · Netwerkdag Dordrecht · G40 netwerkdagen</title>"
        in response.content.decode()
    )
    assert "Vervallen: Sociale pijler Deze sessie is vervallen. De spreker is ziek." in page
    assert "Bekijk het programma voor een andere sessie" in page
    assert "vol — wachtlijst" not in page
    assert "Zet in je agenda" not in page


def test_the_served_calendar_and_frab_json_mark_it_cancelled(client, programme):
    event, social, tour = programme
    before_entry = calendars.session_vevent(Session.objects.get(pk=social.pk))

    cancel(social)

    after = icalendar.Calendar.from_ical(client.get(f"{social.get_absolute_url()}agenda.ics").content)
    (entry,) = after.walk("VEVENT")
    assert str(entry["UID"]) == str(before_entry["UID"]) == f"session-{social.pk}@127.0.0.1"
    assert str(entry["STATUS"]) == "CANCELLED"
    assert int(entry["SEQUENCE"]) > int(before_entry["SEQUENCE"])
    assert str(entry["SUMMARY"]) == "Vervallen: Sociale pijler"
    assert str(entry["DESCRIPTION"]).startswith("Deze sessie is vervallen. De spreker is ziek.")

    schedule = client.get(f"/netwerkdagen/{event.slug}/programma.json").json()
    rooms = schedule["schedule"]["conference"]["days"][0]["rooms"]
    talks = {talk["id"]: talk for talks in rooms.values() for talk in talks}
    assert talks[social.pk]["title"] == "Vervallen: Sociale pijler"
    assert talks[social.pk]["abstract"] == "Deze sessie is vervallen. De spreker is ziek."
    assert talks[tour.pk]["title"] == "Havenwandeling"


def test_nu_en_straks_says_it_is_cancelled(client, programme):
    event, social, tour = programme
    cancel(social)

    page = page_text(client.get(reverse("checkin:now", kwargs={"slug": event.slug})))

    assert "Vervallen: Sociale pijler" in page
    assert "De spreker is ziek." in page


def test_the_attendance_lists_skip_it(organiser_client, programme, signed_up):
    event, social, tour = programme
    cancel(social)

    page = page_text(organiser_client.get(reverse("checkin:sessions", kwargs={"slug": event.slug})))

    assert "Havenwandeling" in page
    assert "Sociale pijler" not in page
    attendance = reverse("checkin:attendance", kwargs={"slug": event.slug, "pk": social.pk})
    assert organiser_client.get(attendance).status_code == 404


def test_putting_back_a_version_from_the_history_leaves_the_cancellation_as_it_is(
    organiser_client, programme, signed_up
):
    event, social, tour = programme
    cancel(social)
    with later(minutes=10):
        services.reinstate_session(session=social)
    cancelled_version = Session.history.filter(id=social.pk).exclude(cancelled_at=None).latest("history_date")

    url = reverse("admin:programme_session_simple_history", args=[social.pk, cancelled_version.history_id])
    html = organiser_client.get(url).content.decode()
    response = organiser_client.post(url, form_data_of(html, "historicalsession_form"))

    assert response.status_code == 302
    social.refresh_from_db()
    assert (social.cancelled_at, social.cancellation_reason) == (None, "")


def test_the_mailing_form_labels_it_and_reaches_who_had_a_place_or_waited(
    organiser_client, programme, signed_up
):
    event, social, tour = programme
    anna, bram, _confirmation = signed_up
    cancel(social)
    add_url = reverse("admin:registrations_mailing_add")

    page = organiser_client.get(add_url, {"netwerkdag": event.pk})
    choices = [(int(value.value), label) for value, label in page.context["form"].fields["sessions"].choices]
    assert choices == [(social.pk, "Sociale pijler (vervallen)"), (tour.pk, "Havenwandeling")]
    assert "Sociale pijler (vervallen)" in page_text(page)

    fields = {
        "netwerkdag": event.pk,
        "subject": "Nieuwe sessie",
        "body": "Kies opnieuw: {link}",
        "preview": "1",
    }
    participants = organiser_client.post(add_url, {**fields, "group": "sessions", "sessions": [social.pk]})
    waiting = organiser_client.post(add_url, {**fields, "group": "waiting", "sessions": [social.pk]})

    assert participants.context["preview"]["recipient"] == anna
    assert "Dit bericht gaat naar 1 ontvanger." in page_text(participants)
    assert participants.context["form"].group_label() == (
        "Deelnemers van de gekozen sessies: Sociale pijler (vervallen)"
    )
    assert waiting.context["preview"]["recipient"] == bram
    assert "Dit bericht gaat naar 1 ontvanger." in page_text(waiting)
