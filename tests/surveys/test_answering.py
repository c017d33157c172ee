"""The evaluation form behind the one-time link: a rating per attended session, the day, the open
questions; bad input refused with a Dutch message and nothing stored; a used or closed link changes nothing."""

import datetime
import re

import pytest
from django.urls import reverse

from checkin import services as checkin
from surveys.models import Invitation, OpenAnswer, Question, RatingCount
from tests.public.helpers import page_text
from tests.surveys.helpers import DAY, netwerkdag, on, send, sign_up, survey_for

pytestmark = pytest.mark.django_db

ANSWER_DAY = DAY + datetime.timedelta(days=2)
RATING_OPTIONS = ["1 – slecht", "2 – matig", "3 – redelijk", "4 – goed", "5 – uitstekend", "niet beoordelen"]


@pytest.fixture
def anna():
    """Anna had places in Wonen and the walk, not in Werken; she has her invitation."""
    event, wonen, werken, walk = netwerkdag()
    survey = survey_for(event)
    registration = sign_up(event, [wonen, walk], name="Anna de Vries", email="anna@ede.example")
    send(DAY + datetime.timedelta(days=1))
    invitation = Invitation.objects.get(registration=registration)
    questions = {q.text: q for q in survey.questions.all()}
    return invitation, questions, {"wonen": wonen, "werken": werken, "walk": walk}


def field(question, session=None) -> str:
    return f"sessie-{session.pk}-{question.pk}" if session else f"vraag-{question.pk}"


def legends(response) -> list[str]:
    return re.findall(r"<legend>(.*?)</legend>", response.content.decode())


def options(response, name) -> list[tuple[str, bool]]:
    body = response.content.decode()
    found = re.findall(
        rf'<input type="radio" name="{name}" value="(\d?)" id="([^"]+)"[^>]*?( checked)?> <label for="\2">([^<]+)</label>',
        body,
    )
    return [(label, bool(checked)) for _value, _id, checked, label in found]


def stored():
    return (
        sorted(
            RatingCount.objects.filter(count__gt=0).values_list(
                "question__text", "session__title", "rating", "count"
            ),
            key=str,
        ),
        sorted(OpenAnswer.objects.values_list("question__text", "text")),
    )


def answers(questions, sessions, **extra):
    data = {
        field(questions["Hoe waardeer je deze sessie?"], sessions["wonen"]): "4",
        field(questions["Hoe waardeer je deze sessie?"], sessions["walk"]): "",
        field(questions["Hoe waardeer je deze netwerkdag?"]): "5",
        field(
            questions["Wat neem je mee naar je werk?"]
        ): "  Hoe Deventer de woningmarkt regionaal aanpakt.  ",
        field(questions["Wat kan beter?"]): "",
    }
    data.update(extra)
    return data


def test_form_asks_a_rating_of_each_attended_session_the_day_and_the_open_questions(client, anna):
    invitation, questions, sessions = anna

    with on(ANSWER_DAY):
        response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")
    text = page_text(response)
    assert "Hoe was Netwerkdag Ede?" in text
    assert legends(response) == [
        "Wonen (11:00–12:00)",
        "Wandeling (12:30–13:15)",
        "Hoe waardeer je deze netwerkdag?",
    ]
    assert "Werken" not in text
    for name in (
        field(questions["Hoe waardeer je deze sessie?"], sessions["wonen"]),
        field(questions["Hoe waardeer je deze netwerkdag?"]),
    ):
        assert options(response, name) == [(label, label == "niet beoordelen") for label in RATING_OPTIONS]
    assert "Hoe waardeer je deze sessie? Geef een cijfer van 1 (slecht) tot 5 (uitstekend)." in text
    body = response.content.decode()
    for question in ("Wat neem je mee naar je werk?", "Wat kan beter?"):
        name = field(questions[question])
        assert (
            f'<label for="id_{name}">{question} <span class="optional">(niet verplicht)</span></label>'
            in body
        )
        assert f'<textarea name="{name}" cols="40" rows="4" maxlength="2000" id="id_{name}">' in body


def test_answers_are_stored_once_as_counts_and_texts_and_a_reused_link_changes_nothing(client, anna):
    invitation, questions, sessions = anna
    url = invitation.get_absolute_url()

    with on(ANSWER_DAY):
        response = client.post(url, answers(questions, sessions))
        thanks = client.get(response["Location"])
        again = client.get(url)
        resubmitted = client.post(
            url, answers(questions, sessions, **{field(questions["Wat kan beter?"]): "Meer pauze"})
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:thanks", kwargs={"token": invitation.token})
    assert page_text(thanks).count("Je antwoorden over Netwerkdag Ede zijn opgeslagen, zonder je naam.") == 1
    expected = (
        [
            ("Hoe waardeer je deze netwerkdag?", None, 5, 1),
            ("Hoe waardeer je deze sessie?", "Wonen", 4, 1),
        ],
        [("Wat neem je mee naar je werk?", "Hoe Deventer de woningmarkt regionaal aanpakt.")],
    )
    assert stored() == expected
    assert (again.status_code, resubmitted.status_code) == (200, 409)
    for page in (again, resubmitted):
        assert "Je hebt deze vragenlijst al ingevuld" in page_text(page)
        assert "er is niets veranderd" in page_text(page)
    assert stored() == expected
    assert Invitation.objects.get(pk=invitation.pk).answered is True


@pytest.mark.parametrize("rating", ["0", "6", "goed", "3.5", "-1", "44"])
def test_a_rating_out_of_range_is_refused_with_a_dutch_message_and_nothing_stored(client, anna, rating):
    invitation, questions, sessions = anna
    name = field(questions["Hoe waardeer je deze netwerkdag?"])

    with on(ANSWER_DAY):
        response = client.post(invitation.get_absolute_url(), answers(questions, sessions, **{name: rating}))

    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f'<p class="field-error" id="id_{name}_error">Kies een waardering van 1 tot 5, of ‘niet beoordelen’.</p>'
        in body
    )
    assert "<title>Fout: Evaluatie Netwerkdag Ede" in body
    assert stored() == ([], [])
    assert Invitation.objects.get(pk=invitation.pk).answered is False


def test_a_rating_of_a_session_not_attended_is_refused_and_nothing_stored(client, anna):
    invitation, questions, sessions = anna
    not_hers = field(questions["Hoe waardeer je deze sessie?"], sessions["werken"])

    with on(ANSWER_DAY):
        response = client.post(invitation.get_absolute_url(), answers(questions, sessions, **{not_hers: "1"}))

    assert response.status_code == 400
    assert (
        "Je kunt alleen de sessies beoordelen waar je bij was, en alleen deze vragen beantwoorden."
        in page_text(response)
    )
    assert stored() == ([], [])
    assert Invitation.objects.get(pk=invitation.pk).answered is False


def test_an_empty_form_or_a_too_long_answer_is_refused(client, anna):
    invitation, questions, sessions = anna
    url = invitation.get_absolute_url()
    empty = dict.fromkeys(answers(questions, sessions), "")
    long = answers(questions, sessions, **{field(questions["Wat kan beter?"]): "x" * 2001})

    with on(ANSWER_DAY):
        nothing = client.post(url, empty)
        too_long = client.post(url, long)

    assert nothing.status_code == too_long.status_code == 400
    assert "Beantwoord minstens één vraag: kies een waardering of schrijf een antwoord." in page_text(nothing)
    assert "Je antwoord is te lang: houd het op 2000 tekens (nu 2001)." in page_text(too_long)
    assert stored() == ([], [])


def test_a_wrong_token_is_not_found_and_a_closed_survey_takes_nothing(client, anna):
    invitation, questions, sessions = anna
    url = invitation.get_absolute_url()

    with on(ANSWER_DAY):
        wrong = client.get(reverse("surveys:answer", kwargs={"token": invitation.token[:-2] + "xx"}))
    with on(invitation.survey.closes_on + datetime.timedelta(days=1)):
        closed = client.get(url)
        posted = client.post(url, answers(questions, sessions))

    assert wrong.status_code == 404
    assert (closed.status_code, posted.status_code) == (200, 409)
    assert (
        page_text(closed).count(
            "Deze vragenlijst is gesloten Antwoorden over Netwerkdag Ede konden tot en met 15 mei 2030. Er is niets opgeslagen."
        )
        == 1
    )
    assert stored() == ([], [])


def test_with_attendance_taken_at_the_door_the_form_asks_about_the_sessions_attended(client, anna):
    invitation, questions, sessions = anna
    registration = invitation.registration
    someone = sign_up(registration.event, [sessions["wonen"]], name="Bram", email="bram@ede.example")
    checkin.mark_present(session=sessions["wonen"], registration=someone)  # attendance taken in Wonen
    checkin.mark_present(session=sessions["werken"], registration=registration)  # Anna went to Werken

    with on(ANSWER_DAY):
        response = client.get(invitation.get_absolute_url())

    assert legends(response) == [
        "Werken (11:00–12:00)",
        "Wandeling (12:30–13:15)",  # no attendance taken there: her place counts
        "Hoe waardeer je deze netwerkdag?",
    ]


def test_several_session_questions_name_the_question_in_each_legend(client, anna):
    invitation, questions, sessions = anna
    Question.objects.create(
        survey=invitation.survey, kind=Question.Kind.SESSION_RATING, text="Hoe waren de sprekers?", position=1
    )

    with on(ANSWER_DAY):
        response = client.get(invitation.get_absolute_url())

    assert legends(response)[:2] == [
        "Wonen (11:00–12:00): Hoe waardeer je deze sessie?",
        "Wonen (11:00–12:00): Hoe waren de sprekers?",
    ]
