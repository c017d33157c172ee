"""One answer per invitation, also when it is sent twice at the same moment (a double click, two
tabs); and many people answering at once lose no count. Each thread has its own connection, as each
request in a server would: on PostgreSQL the conditional update of the invitation waits for the
other's commit and then finds it used; on SQLite the IMMEDIATE transactions take turns."""

import datetime

import pytest

from g40events import clock
from surveys import services
from surveys.models import Invitation, OpenAnswer, RatingCount
from tests.registrations.test_concurrency import run_at_once
from tests.surveys.helpers import netwerkdag, send, sign_up, survey_for

pytestmark = pytest.mark.django_db(transaction=True)

AT_ONCE = 6


def open_survey_with(people: int):
    event, wonen, _werken, _walk = netwerkdag()
    today = clock.today()
    survey = survey_for(event, invite_on=today, closes_on=today + datetime.timedelta(days=14))
    for i in range(people):
        sign_up(event, [wonen], name=f"Deelnemer {i}", email=f"deelnemer{i}@ede.example")
    send(today)
    questions = {q.kind: q for q in survey.questions.all()}
    return survey, wonen, questions


def test_two_submissions_of_one_invitation_at_once_store_one_answer():
    survey, wonen, questions = open_survey_with(1)
    invitation = Invitation.objects.get()
    ratings = {(questions["session_rating"].pk, wonen.pk): 4, (questions["rating"].pk, None): 5}

    errors = run_at_once(
        AT_ONCE,
        lambda i: services.submit_answers(
            invitation=invitation, ratings=ratings, texts={questions["text"].pk: f"Antwoord {i}"}
        ),
    )

    assert errors == ["NotAccepted: answered"] * (AT_ONCE - 1)
    assert set(RatingCount.objects.values_list("session", "rating", "count")) == {
        (None, 5, 1),
        (wonen.pk, 4, 1),
    }
    assert OpenAnswer.objects.count() == 1


def test_many_people_answering_at_once_are_all_counted():
    survey, wonen, questions = open_survey_with(AT_ONCE)
    invitations = list(Invitation.objects.order_by("pk"))
    ratings = {(questions["session_rating"].pk, wonen.pk): 3, (questions["rating"].pk, None): 5}

    errors = run_at_once(
        AT_ONCE, lambda i: services.submit_answers(invitation=invitations[i], ratings=ratings, texts={})
    )

    assert errors == []
    assert set(RatingCount.objects.values_list("session", "rating", "count")) == {
        (None, 5, AT_ONCE),
        (wonen.pk, 3, AT_ONCE),
    }
    assert Invitation.objects.filter(answered=True).count() == AT_ONCE
