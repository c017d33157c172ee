from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from surveys.models import Question

SESSION_PREFIX = "sessie-"
QUESTION_PREFIX = "vraag-"
NOT_RATED = ""
MAX_ANSWER_LENGTH = 2000


def rating_choices():
    return [
        ("1", _("1 – slecht")),
        ("2", _("2 – matig")),
        ("3", _("3 – redelijk")),
        ("4", _("4 – goed")),
        ("5", _("5 – uitstekend")),
        (NOT_RATED, _("niet beoordelen")),
    ]


class RatingField(forms.ChoiceField):
    """A 1–5 rating as a group of radio buttons, with "niet beoordelen" (the default)."""

    def __init__(self, *, label, question, session=None, **kwargs):
        super().__init__(
            label=label,
            choices=rating_choices,
            required=False,
            initial=NOT_RATED,
            widget=forms.RadioSelect,
            error_messages={
                "invalid_choice": _("Kies een waardering van 1 tot 5, of ‘niet beoordelen’."),
            },
            **kwargs,
        )
        self.question = question
        self.session = session


class SurveyForm(forms.Form):
    """One person's answers: a rating of each session they attended per session question, a rating
    per rating question, and the open questions. Fields are named by session and question id."""

    def __init__(self, *args, questions: list[Question], sessions: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.sessions = sessions
        session_questions = [q for q in questions if q.kind == Question.Kind.SESSION_RATING]
        self.session_fields = []
        for session in sessions:
            times = f"{session.start_time:%H:%M}–{session.end_time:%H:%M}"
            for question in session_questions:
                name = f"{SESSION_PREFIX}{session.pk}-{question.pk}"
                label = (
                    f"{session.title} ({times})"
                    if len(session_questions) == 1
                    else f"{session.title} ({times}): {question.text}"
                )
                self.fields[name] = RatingField(label=label, question=question, session=session)
                self.session_fields.append(name)
        self.question_fields = []
        for question in questions:
            name = f"{QUESTION_PREFIX}{question.pk}"
            if question.kind == Question.Kind.RATING:
                self.fields[name] = RatingField(label=question.text, question=question)
            elif question.kind == Question.Kind.TEXT:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=MAX_ANSWER_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    error_messages={
                        "max_length": _(
                            "Je antwoord is te lang: houd het op %(limit_value)d tekens (nu %(show_value)d)."
                        ),
                    },
                )
                self.fields[name].question = question
            else:
                continue
            self.question_fields.append(name)

    @property
    def session_question(self) -> Question | None:
        return next((q for q in self.questions if q.kind == Question.Kind.SESSION_RATING), None)

    def clean(self):
        cleaned = super().clean()
        # A rating of a session someone did not attend (or of a question that is not there) is
        # refused as a whole: the form never offered it.
        unknown = [
            key
            for key in self.data
            if key.startswith((SESSION_PREFIX, QUESTION_PREFIX)) and key not in self.fields
        ]
        if unknown:
            raise ValidationError(
                _(
                    "Je kunt alleen de sessies beoordelen waar je bij was, en alleen deze vragen beantwoorden."
                ),
                code="not_yours",
            )
        if not self.errors and not any(value.strip() for value in cleaned.values() if value):
            raise ValidationError(
                _("Beantwoord minstens één vraag: kies een waardering of schrijf een antwoord."), code="empty"
            )
        return cleaned

    def answers(self) -> tuple[dict, dict]:
        """(ratings per (question id, session id or None), texts per question id) of a valid form."""
        ratings, texts = {}, {}
        for name, value in self.cleaned_data.items():
            field = self.fields[name]
            if isinstance(field, RatingField):
                if value != NOT_RATED:
                    ratings[(field.question.pk, field.session.pk if field.session else None)] = int(value)
            elif value.strip():
                texts[field.question.pk] = value.strip()
        return ratings, texts
