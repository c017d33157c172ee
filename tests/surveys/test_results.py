"""The results in the admin: per question, session and pillar the number of answers, the average and
the distribution 1–5 (an SVG with the same figures in a table beside it), the open answers, the
response rate, and the CSV export; a fixed number of queries however many sessions there are."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from g40events.permissions import COORDINATORS_GROUP
from surveys import services
from surveys.models import Invitation
from tests.public.helpers import page_text
from tests.registrations.helpers import signup_session
from tests.registrations.test_admin import form_data_from, organiser
from tests.surveys.helpers import DAY, netwerkdag, send, sign_up, survey_for

pytestmark = pytest.mark.django_db


def answer(invitation, questions, *, sessions=(), day=None, texts=()):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("g40events.clock.today", lambda: DAY + datetime.timedelta(days=2))
        services.submit_answers(
            invitation=invitation,
            ratings={
                **{(questions["Hoe waardeer je deze sessie?"].pk, s.pk): r for s, r in sessions},
                **({(questions["Hoe waardeer je deze netwerkdag?"].pk, None): day} if day else {}),
            },
            texts={questions[q].pk: text for q, text in texts},
        )


@pytest.fixture
def answered():
    """Four invited, three answered."""
    event, wonen, werken, walk = netwerkdag()
    survey = survey_for(event)
    people = [
        sign_up(event, [wonen, walk], name="P1", email="p1@ede.example"),
        sign_up(event, [wonen], name="P2", email="p2@ede.example"),
        sign_up(event, [werken, walk], name="P3", email="p3@ede.example"),
        sign_up(event, [werken], name="P4", email="p4@ede.example"),
    ]
    send(DAY + datetime.timedelta(days=1))
    invitation = {p.name: Invitation.objects.get(registration=p) for p in people}
    questions = {q.text: q for q in survey.questions.all()}
    answer(invitation["P1"], questions, sessions=[(wonen, 4), (walk, 5)], day=5,
           texts=[("Wat neem je mee naar je werk?", "Nieuwe contacten")])  # fmt: skip
    answer(
        invitation["P2"], questions, sessions=[(wonen, 2)], day=4, texts=[("Wat kan beter?", "Meer pauze")]
    )
    answer(invitation["P3"], questions, sessions=[(werken, 3), (walk, 4)], day=4,
           texts=[("Wat neem je mee naar je werk?", "=Aanpak schulden")])  # fmt: skip
    return survey


def results_url(survey, **params):
    url = reverse("admin:surveys_survey_results", args=[survey.pk])
    return url + ("?formaat=csv" if params.get("csv") else "")


def table_after(body: str, heading: str) -> list[list[str]]:
    """The rows (header, data) of the first table after a heading, as the cells' text."""
    section = body[body.index(heading) :]
    table = section[: section.index("</table>")]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_results_show_response_rate_day_sessions_pillars_and_open_answers(client, answered):
    organiser(client)

    response = client.get(results_url(answered))

    assert response.status_code == 200
    text = page_text(response)
    body = response.content.decode()
    assert "Ingevuld: 3 van 4 uitgenodigden. Respons: 75%. Antwoorden kan tot en met 15 mei 2030." in text
    assert table_after(body, 'id="dag-') == [
        ["Waardering", "Aantal"], ["1", "0"], ["2", "0"], ["3", "0"], ["4", "2"], ["5", "1"],
        ["Antwoorden", "3"], ["Gemiddeld", "4,3"],
    ]  # fmt: skip
    assert table_after(body, "Overzicht per sessie") == [
        ["Sessie", "Tijd en pijlers", "Antwoorden", "Gemiddeld"],
        ["Werken", "11:00–12:00 · Sociale pijler", "1", "3,0"],
        ["Wonen", "11:00–12:00 · Fysieke pijler", "2", "3,0"],
        ["Wandeling", "12:30–13:15 · Sociale pijler, Fysieke pijler", "2", "4,5"],
    ]
    assert "Per pijler: Hoe waardeer je deze sessie?" in text
    pillars = re.findall(r'<h3 id="pijler-[^"]+">([^<]+)</h3>', body)
    assert pillars == ["Sociale pijler", "Fysieke pijler"]
    fysiek = body[body.index(">Fysieke pijler</h3>") :]
    assert table_after(fysiek, "<table")[1:] == [
        ["1", "0"], ["2", "1"], ["3", "0"], ["4", "2"], ["5", "1"], ["Antwoorden", "4"], ["Gemiddeld", "3,8"],
    ]  # fmt: skip
    # The chart: an SVG with a title and a bar per rating, beside the table.
    chart = re.search(r'<svg role="img" aria-labelledby="(sessie-[^"]+-title)".*?</svg>', body, re.S).group(0)
    assert (
        re.search(r"<title id=\"sessie-[^\"]+-title\">(.*?)</title>", chart, re.S).group(1).split()
        == (
            "Staafdiagram: hoe vaak elke waardering van 1 tot 5 is gegeven voor Werken; 1 antwoord, "
            "gemiddeld 3,0. De tabel ernaast geeft dezelfde cijfers."
        ).split()
    )
    # A bar for each rating that was given (Werken: one 3), and every rating's number after its bar.
    assert len(re.findall(r'<rect class="bar"', chart)) == 1
    assert re.findall(r'<text x="\d+" y="\d+" text-anchor="end">(\d)</text>', chart) == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    assert "Wat neem je mee naar je werk? (2 antwoorden) =Aanpak schulden Nieuwe contacten" in text
    assert "Wat kan beter? (1 antwoord) Meer pauze" in text


def test_csv_export_has_a_row_per_rated_thing_and_per_open_answer(client, answered):
    organiser(client)

    response = client.get(results_url(answered, csv=True))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="evaluatie-netwerkdag-ede.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    session = "Hoe waardeer je deze sessie?"
    assert rows == [
        [
            "Onderdeel",
            "Vraag",
            "Sessie of pijler",
            "Antwoorden",
            "Gemiddelde",
            "1",
            "2",
            "3",
            "4",
            "5",
            "Antwoord",
        ],
        ["Dag", "Hoe waardeer je deze netwerkdag?", "", "3", "4,33", "0", "0", "0", "2", "1", ""],
        ["Sessie", session, "Werken", "1", "3,00", "0", "0", "1", "0", "0", ""],
        ["Sessie", session, "Wonen", "2", "3,00", "0", "1", "0", "1", "0", ""],
        ["Sessie", session, "Wandeling", "2", "4,50", "0", "0", "0", "1", "1", ""],
        ["Pijler", session, "Sociale pijler", "3", "4,00", "0", "0", "1", "1", "1", ""],
        ["Pijler", session, "Fysieke pijler", "4", "3,75", "0", "1", "0", "2", "1", ""],
        ["Open vraag", "Wat neem je mee naar je werk?", "", "", "", "", "", "", "", "", "'=Aanpak schulden"],
        ["Open vraag", "Wat neem je mee naar je werk?", "", "", "", "", "", "", "", "", "Nieuwe contacten"],
        ["Open vraag", "Wat kan beter?", "", "", "", "", "", "", "", "", "Meer pauze"],
    ]


def test_results_page_queries_do_not_grow_with_the_sessions(client, answered):
    organiser(client)
    with CaptureQueriesContext(connection) as few:
        client.get(results_url(answered))
    event = answered.event
    question = answered.questions.get(kind="session_rating")
    for i in range(8):
        session = signup_session(
            event, title=f"Extra {i}", start_time=datetime.time(14), end_time=datetime.time(15)
        )
        person = sign_up(event, [session], name=f"Extra {i}", email=f"extra{i}@ede.example")
        invitation = Invitation.objects.create(survey=answered, registration=person, token_hash=f"{i:064}")
        answer(
            invitation,
            {question.text: question, "Hoe waardeer je deze netwerkdag?": None},
            sessions=[(session, 3)],
        )

    with CaptureQueriesContext(connection) as many:
        response = client.get(results_url(answered))

    assert response.content.decode().count('<svg role="img"') == 1 + 11 + 2  # the day, sessions, pillars
    assert len(many) == len(few)


def test_only_organisers_see_the_results(client, answered):
    coordinator = User.objects.create_user("coordinator", password="x", is_staff=True)
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(coordinator)

    assert client.get(results_url(answered)).status_code == 403
    assert client.get(results_url(answered, csv=True)).status_code == 403


def test_a_new_evaluation_offers_the_default_questions_and_saves_them(client):
    organiser(client)
    event, *_ = netwerkdag()

    form = client.get(reverse("admin:surveys_survey_add") + f"?event={event.pk}")
    data = form_data_from(form)  # the netwerkdag and the dates; then the offered questions, as shown
    (questions,) = [inline.formset for inline in form.context["inline_admin_formsets"]]
    data["questions-TOTAL_FORMS"] = str(len(questions.forms))
    for offered in questions.forms:
        for name in offered.fields:
            value = offered[name].value()
            if value not in (None, False):
                data[offered[name].html_name] = str(value)
    data["questions-3-text"] = ""  # the organiser drops "Wat kan beter?"
    data["questions-2-text"] = "Wat neem je mee naar je eigen gemeente?"
    response = client.post(reverse("admin:surveys_survey_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    survey = event.survey
    assert [(q.kind, q.text) for q in survey.questions.all()] == [
        ("session_rating", "Hoe waardeer je deze sessie?"),
        ("rating", "Hoe waardeer je deze netwerkdag?"),
        ("text", "Wat neem je mee naar je eigen gemeente?"),
    ]
    assert (survey.invite_on, survey.closes_on, survey.reminder_days) == (
        datetime.date(2030, 5, 2),
        datetime.date(2030, 5, 15),
        5,
    )


def test_the_netwerkdag_links_to_its_evaluation(client, answered):
    organiser(client)
    event = answered.event

    link = reverse("admin:surveys_survey_of_event", args=[event.pk])
    page = client.get(reverse("admin:g40events_event_change", args=[event.pk]))

    assert f'<li><a href="{link}">Evaluatie</a></li>' in page.content.decode()
    assert client.get(link)["Location"] == results_url(answered)
