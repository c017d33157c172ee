"""Anonymous by design: nothing on an answer refers to a registration or an invitation, there is no
timestamp or key order to line them up by, and anonymising or erasing a participant still leaves
nothing of them behind, invitation and evaluation mails included."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from g40events.models import Event
from registrations.models import EmailLog
from surveys import services
from surveys.models import Invitation, OpenAnswer, RatingCount
from tests.registrations.helpers import open_event, signup_session
from tests.registrations.test_admin import organiser
from tests.registrations.test_nothing_left_behind import (
    TRACES,
    jan_signs_up_and_confirms,
    text_columns_holding,
)
from tests.surveys.helpers import send, sign_up

pytestmark = pytest.mark.django_db

ANSWER_TABLES = {"surveys_ratingcount", "surveys_openanswer"}


def answer_table_columns() -> dict[str, list]:
    with connection.cursor() as cursor:
        return {
            table: connection.introspection.get_table_description(cursor, table) for table in ANSWER_TABLES
        }


def test_no_column_of_the_answer_tables_refers_to_a_registration_or_an_invitation_or_a_time():
    with connection.cursor() as cursor:
        references = {
            table: {
                target
                for _column, (_field, target) in connection.introspection.get_relations(cursor, table).items()
            }
            for table in ANSWER_TABLES
        }
    columns = {
        table: sorted(column.name for column in description)
        for table, description in answer_table_columns().items()
    }

    assert references == {
        "surveys_ratingcount": {"surveys_question", "programme_session"},
        "surveys_openanswer": {"surveys_question"},
    }
    assert columns == {
        "surveys_ratingcount": ["count", "id", "question_id", "rating", "session_id"],
        "surveys_openanswer": ["id", "question_id", "text"],
    }
    for model in (RatingCount, OpenAnswer):
        assert model._meta.pk.get_internal_type() == "UUIDField"
        assert not [f for f in model._meta.fields if f.get_internal_type() in {"DateField", "DateTimeField"}]


def test_a_submitted_answer_cannot_be_joined_back_to_its_invitation(django_capture_on_commit_callbacks):
    event = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 5, 1))
    wonen = signup_session(event, title="Wonen")
    survey = services.create_survey(event=event)
    people = [sign_up(event, [wonen], name=f"Deelnemer {i}", email=f"d{i}@ede.example") for i in range(3)]
    send(datetime.date(2030, 5, 2))
    questions = {q.kind: q for q in survey.questions.all()}
    invitations = list(Invitation.objects.order_by("pk"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("g40events.clock.today", lambda: datetime.date(2030, 5, 3))
        for i, invitation in enumerate(invitations[:2]):
            services.submit_answers(
                invitation=invitation,
                ratings={(questions["session_rating"].pk, wonen.pk): i + 3},
                texts={questions["text"].pk: f"Antwoord {i}"},
            )

    # Every value of the people and their invitations, as text, against every value of the answers.
    personal = set()
    for invitation in Invitation.objects.all():
        personal |= {
            str(invitation.pk),
            invitation.token_hash,
            invitation.token,
            str(invitation.registration_id),
        }
    for person in people:
        personal |= {str(person.pk), person.manage_key, person.email, person.name}
    answer_values = set()
    with connection.cursor() as cursor:
        for table in ANSWER_TABLES:
            cursor.execute(f"SELECT * FROM {table}")
            for row in cursor.fetchall():
                answer_values |= {str(value).replace("-", "") for value in row}
    question_and_session_ids = {str(q.pk) for q in questions.values()} | {str(wonen.pk)}
    assert personal & (answer_values - question_and_session_ids - {"0", "1", "2", "3", "4", "5"}) == set()
    # The answer rows' keys are random (UUID version 4), so their order says nothing of who came first.
    assert {answer.pk.version for answer in OpenAnswer.objects.all()} == {4}
    assert list(Invitation.objects.order_by("pk").values_list("answered", flat=True)) == [True, True, False]


def test_anonymising_and_erasing_leave_nothing_behind_with_an_invitation_and_its_mails(
    client, django_capture_on_commit_callbacks
):
    event = open_event(title="Netwerkdag Deventer", date=datetime.date(2030, 4, 24))
    other = open_event(title="Netwerkdag Ede", date=datetime.date(2030, 4, 24))
    sessions = {e.pk: signup_session(e, title="Woningmarkt") for e in (event, other)}
    jan = jan_signs_up_and_confirms(event, [sessions[event.pk]], django_capture_on_commit_callbacks)
    jan_elsewhere = jan_signs_up_and_confirms(other, [sessions[other.pk]], django_capture_on_commit_callbacks)
    for day in (event, other):
        services.create_survey(event=day)
    with django_capture_on_commit_callbacks(execute=True):
        send(datetime.date(2030, 4, 25))
    with django_capture_on_commit_callbacks(execute=True):
        send(datetime.date(2030, 4, 30))  # the reminders
    assert (
        sorted(EmailLog.objects.filter(kind__startswith="survey").values_list("recipient", flat=True))
        == ["Jan.Jansen@zzp-advies.example"] * 4
    )
    assert Invitation.objects.filter(registration__in=[jan, jan_elsewhere]).count() == 2

    Event.objects.filter(pk=event.pk).update(date=datetime.date(2020, 4, 24))
    call_command("anonymise_registrations")
    organiser(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:registrations_registration_changelist"),
            {"action": "erase_person_data", "_selected_action": [jan_elsewhere.pk], "apply": "yes"},
        )

    assert text_columns_holding(TRACES) == set()
    # The anonymised one keeps its invitation (to the anonymised registration); the erased one's
    # stays without a registration, so the response rate stays right.
    assert set(Invitation.objects.values_list("registration", flat=True)) == {None, jan.pk}
