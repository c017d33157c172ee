"""Anonymisation and erasure leave nothing behind: after them no text column of any table, the
admin's history and the e-mail log included, holds the person's name, address or free text."""

import datetime
import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from checkin import services as checkin_services
from checkin.models import Attendance, CheckIn
from g40events.models import Event
from registrations import services
from registrations.models import EmailLog, Place, Registration
from sessions.models import Session
from tests.factories import make_organisation
from tests.registrations.helpers import open_event, sign_up, signup_session
from tests.registrations.test_admin import form_data_from, organiser

pytestmark = pytest.mark.django_db

JAN = services.PersonData(
    name="Jan Jansen",
    email="Jan.Jansen@zzp-advies.example",
    organisation_name="ZZP Jan Jansen Advies",
    job_title="Zelfstandig beleidsadviseur",
    dietary_needs="Geen hazelnoot alstublieft",
    accessibility_needs="Komt met begeleider Kees Klaassen",
)
# What must be gone, compared without regard to case: name, surname, address, and every free text.
TRACES = [
    "jan jansen",
    "jansen",
    "jan.jansen@zzp-advies.example",
    "zzp-advies",
    "zzp jan jansen advies",
    "zelfstandig beleidsadviseur",
    "hazelnoot",
    "kees klaassen",
]


def text_columns_holding(traces) -> set[tuple[str, str, str]]:
    """(table, column, trace) for every value in every column of every table that holds a trace."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, dict | list):
                        value = json.dumps(value, ensure_ascii=False)
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    if not isinstance(value, str):
                        continue
                    found.update((table, column, trace) for trace in traces if trace in value.lower())
    return found


def tables_and_columns(found) -> set[tuple[str, str]]:
    return {(table, column) for table, column, _trace in found}


def jan_signs_up_and_confirms(event, sessions, capture):
    with capture(execute=True):
        registration = services.register(event=event, person=JAN, session_ids=[s.pk for s in sessions])
        return services.confirm_address(registration=registration.registration)


def an_organiser_works_on_janss_registration(client, registration, session):
    """Edits it in the admin, deletes one of its e-mails there, and a screen notes what it did."""
    user = organiser(client)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data_from(client.get(url))
    data["job_title"] = "Zelfstandig beleidsadviseur, eigenaar"
    assert client.post(url, data).status_code == 302
    email = registration.emails.order_by("pk").first()
    deleted = client.post(
        reverse("admin:registrations_emaillog_changelist"),
        {"action": "delete_selected", "_selected_action": [email.pk], "post": "yes"},
    )
    assert deleted.status_code == 302
    # What an organiser's screen writes after acting for someone ("… kreeg een plaats in …").
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Session),
        object_id=str(session.pk),
        object_repr=session.title,
        action_flag=CHANGE,
        change_message=f"{registration.name} kreeg een plaats in {session.title}",
    )
    return user


def counts(event):
    per_organisation = dict(
        Registration.objects.filter(event=event)
        .values_list("organisation__name")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_session = sorted(
        Place.objects.filter(session__event=event)
        .values_list("session__title", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    checked_in = CheckIn.objects.filter(registration__event=event).count()
    attended = sorted(
        Attendance.objects.filter(session__event=event)
        .values_list("session__title")
        .annotate(n=Count("id"))
        .order_by()
    )
    return per_organisation, per_session, checked_in, attended


def jan_comes_to_the_day(event, jan, session, user):
    """The desk checks Jan in, the door of a session marks him present, and an organiser corrects
    his check-in in the admin (an entry that names him only by the check-in's own id)."""
    checkin_services.check_in(event=event, registration=jan)
    checkin_services.mark_present(session=session, registration=jan)
    check_in = CheckIn.objects.get(registration=jan)
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(CheckIn),
        object_id=str(check_in.pk),
        object_repr=str(check_in),
        action_flag=CHANGE,
        change_message="Tijd van binnenkomst gecorrigeerd naar 09:12",
    )
    return check_in


def test_anonymisation_leaves_no_trace_of_the_person_in_any_table_and_keeps_the_counts(
    client, settings, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_ANONYMISE_AFTER_DAYS = 30
    city = make_organisation(name="Gemeente Deventer")
    event = open_event(title="Netwerkdag Deventer")
    other_day = open_event(title="Netwerkdag Ede")
    woningmarkt = signup_session(event, title="Woningmarkt", capacity=2)
    wandeling = signup_session(
        event, title="Stadswandeling", capacity=0, start_time=datetime.time(13), end_time=datetime.time(14)
    )
    for name in ["Piet Pietersen", "Sara Smit"]:
        sign_up(event, [woningmarkt], name=name, organisation=city, organisation_name="")
    jan = jan_signs_up_and_confirms(event, [woningmarkt, wandeling], django_capture_on_commit_callbacks)
    jan_elsewhere = jan_signs_up_and_confirms(other_day, [], django_capture_on_commit_callbacks)
    user = an_organiser_works_on_janss_registration(client, jan, woningmarkt)
    # Jan waits for Woningmarkt, so he goes to the opening, which has room for anyone.
    opening = signup_session(
        event, title="Opening", capacity=None, start_time=datetime.time(9), end_time=datetime.time(10)
    )
    check_in = jan_comes_to_the_day(event, jan, opening, user)
    checkin_services.check_in(event=event, registration=Registration.objects.get(name="Sara Smit"))
    # The organiser deletes Jan's sign-up for the other day: the admin's history keeps its name.
    client.post(reverse("admin:registrations_registration_delete", args=[jan_elsewhere.pk]), {"post": "yes"})
    before = counts(event)
    assert tables_and_columns(text_columns_holding(TRACES)) >= {
        ("registrations_registration", "name"),
        ("registrations_registration", "organisation_name"),
        ("registrations_emaillog", "recipient"),
        ("django_admin_log", "object_repr"),
        ("django_admin_log", "change_message"),
    }, "the scan must see the traces before the anonymisation, or it proves nothing"
    Event.objects.filter(pk__in=[event.pk, other_day.pk]).update(date=datetime.date(2020, 4, 24))

    call_command("anonymise_registrations")

    assert text_columns_holding(TRACES) == set()
    assert (
        counts(event)
        == before
        == (
            {"Gemeente Deventer": 2, None: 1},
            [
                ("Stadswandeling", "waiting", 1),
                ("Woningmarkt", "confirmed", 2),
                ("Woningmarkt", "waiting", 1),
            ],
            2,
            [("Opening", 1)],
        )
    )
    # The check-in and the attendance stay (they are the counts), and the admin's entry about the
    # check-in names it as it is now and has lost its message.
    assert CheckIn.objects.filter(pk=check_in.pk).exists()
    assert Attendance.objects.filter(registration=jan).count() == 1
    assert list(
        LogEntry.objects.filter(content_type__model="checkin").values_list("object_repr", "change_message")
    ) == [(str(CheckIn.objects.get(pk=check_in.pk)), "")]
    assert str(CheckIn.objects.get(pk=check_in.pk)).startswith(f"Geanonimiseerde aanmelding {jan.pk} (")
    assert list(
        LogEntry.objects.filter(content_type__model="registration")
        .order_by("pk")
        .values_list("object_repr", flat=True)
    ) == [f"Geanonimiseerde aanmelding {jan.pk}", f"aanmelding {jan_elsewhere.pk}"]


def test_erasure_leaves_no_trace_of_the_person_in_any_table(client, django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Dordrecht")
    session = signup_session(event, title="Woningmarkt", capacity=1)
    jan = jan_signs_up_and_confirms(event, [session], django_capture_on_commit_callbacks)
    sign_up(event, [session], name="Piet Pietersen")
    user = an_organiser_works_on_janss_registration(client, jan, session)
    check_in = jan_comes_to_the_day(event, jan, session, user)
    assert ("django_admin_log", "object_repr") in tables_and_columns(text_columns_holding(TRACES))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:registrations_registration_changelist"),
            {"action": "erase_person_data", "_selected_action": [jan.pk], "apply": "yes"},
        )

    assert response.status_code == 302
    assert text_columns_holding(TRACES) == set()
    assert list(Place.objects.filter(session=session).values_list("registration__name", "status")) == [
        ("Piet Pietersen", "confirmed")
    ]
    assert not EmailLog.objects.filter(recipient__icontains="jansen").exists()
    # Erasure takes the check-in and the attendance with the registration; the admin's entry about
    # the check-in is named by kind and number only.
    assert not CheckIn.objects.exists() and not Attendance.objects.exists()
    assert list(
        LogEntry.objects.filter(content_type__model="checkin").values_list("object_repr", "change_message")
    ) == [(f"aanmelding bij de balie {check_in.pk}", "")]
