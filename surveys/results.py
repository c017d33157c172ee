"""The results of an evaluation, for the organisers: per rating question, per session and per pillar
the number of answers, the average and the distribution 1–5; the open answers; the response rate.

A fixed number of queries, however many sessions and answers: the counts are read in one query and
arranged here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.db.models import Count, Q

from registrations.participation import stacked_bar_chart
from sessions.models import Session
from surveys.models import RATINGS, OpenAnswer, Question, RatingCount, Survey


@dataclasses.dataclass
class Distribution:
    """How often each rating 1–5 was given."""

    counts: dict[int, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(RATINGS, 0))

    def add(self, rating: int, count: int) -> None:
        self.counts[rating] += count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def average(self) -> float | None:
        if not self.total:
            return None
        return sum(rating * count for rating, count in self.counts.items()) / self.total

    @property
    def rows(self) -> list[tuple[int, int]]:
        return list(self.counts.items())

    @property
    def chart(self) -> dict:
        return stacked_bar_chart(
            [(str(rating), count, [("bar", count)]) for rating, count in self.counts.items()],
            width=240,
            label_width=40,
        )


@dataclasses.dataclass
class Rated:
    """One thing rated: a question of the day, a session (for a session question) or a pillar."""

    title: str
    distribution: Distribution
    key: str  # unique on the results page (the chart's id)
    detail: str = ""  # the session's time and pillars


@dataclasses.dataclass
class SessionQuestionResults:
    question: Question
    sessions: list[Rated]
    pillars: list[Rated]


@dataclasses.dataclass
class Results:
    survey: Survey
    invited: int
    answered: int
    day: list[Rated]
    per_session: list[SessionQuestionResults]
    open_answers: list[tuple[Question, list[str]]]

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None


def results(survey: Survey) -> Results:
    questions = list(survey.questions.all())
    counts = (
        RatingCount.objects.filter(question__survey=survey, count__gt=0)
        .values_list("question_id", "session_id", "rating", "count")
        .order_by()
    )
    per_question: dict[int, Distribution] = defaultdict(Distribution)
    per_session: dict[tuple[int, int], Distribution] = defaultdict(Distribution)
    for question_id, session_id, rating, count in counts:
        if session_id is None:
            per_question[question_id].add(rating, count)
        else:
            per_session[(question_id, session_id)].add(rating, count)
    rated_ids = {session_id for _question, session_id in per_session}
    sessions = list(
        Session.objects.filter(pk__in=rated_ids)
        .prefetch_related("pillars")
        .order_by("start_time", "end_time", "title")
    )
    texts: dict[int, list[str]] = defaultdict(list)
    # By question and text, never by when they came in (they carry no time; their keys are random).
    for question_id, text in (
        OpenAnswer.objects.filter(question__survey=survey)
        .order_by("question", "text")
        .values_list("question", "text")
    ):
        texts[question_id].append(text)
    figures = survey.invitations.aggregate(invited=Count("pk"), answered=Count("pk", filter=Q(answered=True)))

    day = [
        Rated(title=q.text, distribution=per_question[q.pk], key=f"dag-{q.pk}")
        for q in questions
        if q.kind == Question.Kind.RATING
    ]
    session_results = []
    for question in (q for q in questions if q.kind == Question.Kind.SESSION_RATING):
        rated = []
        pillars: dict = {}  # pillar -> Rated
        for session in sessions:
            distribution = per_session.get((question.pk, session.pk))
            if distribution is None:
                continue
            session_pillars = sorted(session.pillars.all(), key=lambda p: (p.position, p.name))
            detail = f"{session.start_time:%H:%M}–{session.end_time:%H:%M}"
            if session_pillars:
                detail += " · " + ", ".join(p.name for p in session_pillars)
            rated.append(
                Rated(
                    title=session.title,
                    distribution=distribution,
                    key=f"sessie-{question.pk}-{session.pk}",
                    detail=detail,
                )
            )
            # A session of two pillars counts for both.
            for pillar in session_pillars:
                pillar_rated = pillars.setdefault(
                    pillar,
                    Rated(
                        title=pillar.name,
                        distribution=Distribution(),
                        key=f"pijler-{question.pk}-{pillar.pk}",
                    ),
                )
                for rating, count in distribution.rows:
                    pillar_rated.distribution.add(rating, count)
        ordered_pillars = [pillars[p] for p in sorted(pillars, key=lambda p: (p.position, p.name))]
        session_results.append(
            SessionQuestionResults(question=question, sessions=rated, pillars=ordered_pillars)
        )
    return Results(
        survey=survey,
        invited=figures["invited"],
        answered=figures["answered"],
        day=day,
        per_session=session_results,
        open_answers=[(q, texts[q.pk]) for q in questions if q.kind == Question.Kind.TEXT],
    )
