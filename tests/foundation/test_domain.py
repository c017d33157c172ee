import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from g40events import clock
from g40events.models import Event, RegistrationState, Status
from g40events.text import render_markdown
from sessions.models import Material, Session, SessionSpeaker
from tests.factories import (
    make_event,
    make_material,
    make_organisation,
    make_recap,
    make_session,
    make_speaker,
)

pytestmark = pytest.mark.django_db


def test_event_only_one_can_be_announced():
    make_event(is_announced=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(is_announced=True)
    assert Event.objects.announced().count() == 1


def test_event_announcing_a_draft_is_refused_with_a_clear_message():
    event = make_event(status=Status.DRAFT, is_announced=True)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert error.value.message_dict["is_announced"] == [
        "Alleen een gepubliceerde netwerkdag kan op de homepage worden aangekondigd."
    ]


def test_event_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_event(start_time=datetime.time(16, 0), end_time=datetime.time(9, 0))


def test_event_registration_closing_before_opening_is_refused():
    event = make_event()
    event.registration_opens_at = event.starts_at - datetime.timedelta(days=10)
    event.registration_closes_at = event.starts_at - datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "De aanmelding moet sluiten nadat ze opent." in error.value.messages


def test_event_querysets_follow_the_site_clock(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)
    deventer = make_event(title="Deventer", date=datetime.date(2024, 4, 24))
    dordrecht = make_event(title="Dordrecht", date=datetime.date(2024, 11, 21))
    make_event(title="Concept", date=datetime.date(2024, 6, 1), status=Status.DRAFT)

    assert list(Event.objects.published().upcoming()) == [dordrecht]
    assert list(Event.objects.published().past()) == [deventer]
    assert deventer.is_past and not dordrecht.is_past


def test_clock_runs_on_the_real_date_without_site_date(settings):
    settings.SITE_DATE = None
    make_event(title="Dordrecht", date=datetime.date(2024, 11, 21))
    assert clock.today() >= datetime.date(2026, 1, 1)
    assert Event.objects.upcoming().count() == 0
    assert Event.objects.past().count() == 1


def test_clock_keeps_the_time_of_day_on_the_site_date(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)
    assert clock.today() == datetime.date(2024, 5, 1)
    assert clock.now().date() == datetime.date(2024, 5, 1)


def test_event_registration_state_follows_window_and_clock(settings):
    settings.SITE_DATE = datetime.date(2024, 5, 1)
    event = make_event(date=datetime.date(2024, 11, 21))
    assert event.registration_state() == RegistrationState.NONE
    event.registration_opens_at = event.starts_at - datetime.timedelta(days=250)
    assert event.registration_state() == RegistrationState.OPEN
    event.registration_opens_at = event.starts_at - datetime.timedelta(days=10)
    assert event.registration_state() == RegistrationState.NOT_YET_OPEN
    settings.SITE_DATE = datetime.date(2024, 11, 22)
    assert event.registration_state() == RegistrationState.CLOSED


def test_session_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(start_time=datetime.time(12, 0), end_time=datetime.time(11, 0))


def test_session_outside_the_event_day_is_refused():
    event = make_event(start_time=datetime.time(9, 30), end_time=datetime.time(16, 30))
    session = Session(
        event=event,
        title="Te laat",
        slug="te-laat",
        start_time=datetime.time(16, 0),
        end_time=datetime.time(17, 0),
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.messages == ["Een sessie moet binnen de netwerkdag vallen, tussen 09:30 en 16:30."]


def test_session_slug_is_unique_per_event_only():
    session = make_session(slug="woningmarkt")
    make_session(slug="woningmarkt")  # another event: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_session(slug="woningmarkt", event=session.event)


def test_session_joint_session_belongs_to_every_theme_group():
    from tests.factories import make_theme_group

    woningmarkt, wwz = make_theme_group(name="Woningmarkt"), make_theme_group(name="WWZ")
    session = make_session(theme_groups=[woningmarkt, wwz])
    assert list(woningmarkt.sessions.all()) == [session]
    assert list(wwz.sessions.all()) == [session]


def test_speaker_cannot_be_in_two_overlapping_sessions_of_one_event():
    speaker = make_speaker(name="Jaco Dagevos")
    first = make_session(title="Keynote", start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    SessionSpeaker.objects.create(session=first, speaker=speaker)
    second = make_session(
        title="Migratie en economie",
        event=first.event,
        start_time=datetime.time(10, 30),
        end_time=datetime.time(11, 30),
    )
    role = SessionSpeaker(session=second, speaker=speaker)
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert error.value.message_dict["speaker"] == [
        "Jaco Dagevos staat op dat moment al in de sessie “Keynote” (10:00–11:00)."
    ]


def test_speaker_may_speak_in_back_to_back_sessions_and_at_other_events():
    speaker = make_speaker()
    first = make_session(start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    SessionSpeaker.objects.create(session=first, speaker=speaker)
    later = make_session(event=first.event, start_time=datetime.time(11, 0), end_time=datetime.time(12, 0))
    SessionSpeaker(session=later, speaker=speaker).full_clean()
    elsewhere = make_session(start_time=datetime.time(10, 0), end_time=datetime.time(11, 0))
    SessionSpeaker(session=elsewhere, speaker=speaker).full_clean()


def test_material_needs_a_file_or_a_link_not_both():
    session = make_session()
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.create(session=session, title="Leeg")
    with pytest.raises(ValidationError) as error:
        Material(session=session, title="Leeg").full_clean()
    assert "Geef een bestand óf een link, niet allebei en niet geen van beide." in error.value.messages


def test_material_upload_of_a_wrong_type_gets_a_clear_message():
    material = make_material()
    material.url = ""
    material.file = SimpleUploadedFile("virus.exe", b"MZ...")
    with pytest.raises(ValidationError) as error:
        material.full_clean()
    assert error.value.message_dict["file"] == [
        "Bestanden van het type “.exe” kunnen niet worden geüpload. Toegestaan: .pdf, .pptx, .ppt, .odp, .docx, .odt, .xlsx."
    ]


def test_speaker_photo_larger_than_five_megabytes_is_refused():
    speaker = make_speaker()
    speaker.photo = SimpleUploadedFile("foto.jpg", b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        speaker.full_clean()
    assert error.value.message_dict["photo"] == ["Dit bestand is net groter dan het maximum van 5,0\xa0MB."]


def test_host_city_must_be_a_g40_city_in_forms():
    partner = make_organisation(name="VNG", kind="partner")
    event = make_event()
    event.host_city = partner
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "host_city" in error.value.message_dict


def test_recap_body_is_rendered_without_scripts():
    recap = make_recap(body="Hallo <script>alert('x')</script> [klik](javascript:alert(1)) **vet**")
    html = render_markdown(recap.body)
    assert "<script>" not in html and "javascript:" not in html
    assert "<strong>vet</strong>" in html
