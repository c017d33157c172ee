"""Invitations to the evaluation (issue 11.5): the day after the netwerkdag, once per participant,
with a one-time link whose token is stored only as its hash; one reminder to those who did not answer."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.utils import timezone

from checkin import services as checkin
from registrations import services as registrations
from registrations.models import EmailLog, Registration
from surveys import services
from surveys.models import Invitation, Survey
from tests.registrations.test_nothing_left_behind import text_columns_holding
from tests.surveys.helpers import DAY, netwerkdag, send, sign_up, survey_for

pytestmark = pytest.mark.django_db

NEXT_DAY = DAY + datetime.timedelta(days=1)


@pytest.fixture
def ede():
    event, wonen, werken, walk = netwerkdag()
    survey = survey_for(event)
    return event, survey, wonen, werken, walk


def invitations():
    return [m for m in mail.outbox if m.subject.startswith("Hoe was")]


def test_survey_defaults_invite_the_day_after_remind_five_days_later_and_close_after_two_weeks(ede):
    _event, survey, *_ = ede

    assert (survey.invite_on, survey.remind_on, survey.closes_on) == (
        datetime.date(2030, 5, 2),
        datetime.date(2030, 5, 7),
        datetime.date(2030, 5, 15),
    )
    assert [(q.kind, q.text) for q in survey.questions.all()] == [
        ("session_rating", "Hoe waardeer je deze sessie?"),
        ("rating", "Hoe waardeer je deze netwerkdag?"),
        ("text", "Wat neem je mee naar je werk?"),
        ("text", "Wat kan beter?"),
    ]


def test_invitation_goes_the_day_after_once_to_each_confirmed_participant_with_a_one_time_link(
    ede, django_capture_on_commit_callbacks
):
    event, survey, wonen, _werken, _walk = ede
    anna = sign_up(event, [wonen], name="Anna de Vries", email="anna@ede.example")
    bram = sign_up(event, [wonen], name="Bram Bos", email="bram@ede.example")
    registrations.cancel(registration=bram)
    sign_up(event, [wonen], name="Cees Kok", email="cees@prive.example")  # never confirmed the address
    dirk = sign_up(event, [wonen], name="Dirk Dekker", email="dirk@ede.example")
    Registration.objects.filter(pk=dirk.pk).update(anonymised_at=timezone.now())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        on_the_day = send(DAY)
    with django_capture_on_commit_callbacks(execute=True):
        day_after = send(NEXT_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        again = send(NEXT_DAY + datetime.timedelta(days=1))

    assert (
        on_the_day == "Queued 0 invitation(s) and 0 reminder(s); 0 invitation(s) of closed surveys unlinked."
    )
    assert (
        day_after == "Queued 1 invitation(s) and 0 reminder(s); 0 invitation(s) of closed surveys unlinked."
    )
    assert again == "Queued 0 invitation(s) and 0 reminder(s); 0 invitation(s) of closed surveys unlinked."
    (message,) = invitations()
    invitation = Invitation.objects.get()
    token = invitation.token
    link = f"http://127.0.0.1:8000/evaluatie/{token}/"
    assert (message.to, message.subject) == (["anna@ede.example"], "Hoe was Netwerkdag Ede? Geef je mening")
    assert message.body == (
        "Beste Anna de Vries,\n\n"
        "Bedankt dat je er was op Netwerkdag Ede, woensdag 1 mei 2030. Hoe vond je het? Vertel het ons "
        "in een korte vragenlijst (een paar minuten):\n"
        f"{link}\n\n"
        "Je antwoorden zijn anoniem: we bewaren ze los van je naam en je aanmelding. De link is "
        "persoonlijk en werkt één keer, tot en met woensdag 15 mei 2030.\n\n"
        "Met vriendelijke groet,\n"
        "De organisatie van de G40 netwerkdagen\n"
        "http://127.0.0.1:8000/netwerkdagen/ede/\n\n"
    )
    html = message.alternatives[0][0]
    assert f'<a href="{link}" style="color: #1f3f6b; font-weight: bold;">Vragenlijst invullen</a>' in html
    assert message.attachments == []
    assert (invitation.registration, invitation.survey, invitation.answered) == (anna, survey, False)
    # Only the hash of the token is stored, nowhere the token itself.
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert text_columns_holding([token.lower()]) == set()
    assert list(EmailLog.objects.filter(kind="survey_invitation").values_list("registration", "status")) == [
        (anna.pk, "sent")
    ]


def test_only_those_checked_in_are_invited_when_the_desk_was_used(ede, django_capture_on_commit_callbacks):
    event, _survey, wonen, werken, _walk = ede
    anna = sign_up(event, [wonen], name="Anna", email="anna@ede.example")
    sign_up(event, [werken], name="Bram", email="bram@ede.example")  # stayed home
    checkin.check_in(event=event, registration=anna)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send(NEXT_DAY)

    assert [m.to for m in invitations()] == [["anna@ede.example"]]


def test_reminder_goes_once_only_to_those_who_did_not_answer_and_never_after_closing(
    ede, django_capture_on_commit_callbacks
):
    event, survey, wonen, *_ = ede
    anna = sign_up(event, [wonen], name="Anna", email="anna@ede.example")
    sign_up(event, [wonen], name="Bram", email="bram@ede.example")
    with django_capture_on_commit_callbacks(execute=True):
        send(NEXT_DAY)
    Invitation.objects.filter(registration=anna).update(answered=True)  # Anna answered
    mail.outbox.clear()

    outputs = []
    for days in (4, 5, 6, 13):
        with django_capture_on_commit_callbacks(execute=True):
            outputs.append(send(NEXT_DAY + datetime.timedelta(days=days)))

    assert [line.split(";")[0] for line in outputs] == [
        "Queued 0 invitation(s) and 0 reminder(s)",
        "Queued 0 invitation(s) and 1 reminder(s)",
        "Queued 0 invitation(s) and 0 reminder(s)",
        "Queued 0 invitation(s) and 0 reminder(s)",
    ]
    (reminder,) = mail.outbox
    link = Invitation.objects.get(registration__name="Bram").url
    assert (reminder.to, reminder.subject) == (["bram@ede.example"], "Herinnering: hoe was Netwerkdag Ede?")
    assert reminder.body.startswith(
        "Beste Bram,\n\nEen paar dagen geleden vroegen we je hoe je Netwerkdag Ede vond. Heb je een paar "
        "minuten? Je mening helpt ons de volgende netwerkdag beter te maken:\n"
        f"{link}\n"
    )


def test_no_reminder_when_the_survey_closes_before_its_reminder_day(ede, django_capture_on_commit_callbacks):
    event, survey, wonen, *_ = ede
    Survey.objects.filter(pk=survey.pk).update(closes_on=NEXT_DAY + datetime.timedelta(days=3))
    sign_up(event, [wonen], name="Bram", email="bram@ede.example")
    with django_capture_on_commit_callbacks(execute=True):
        send(NEXT_DAY)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        output = send(NEXT_DAY + datetime.timedelta(days=5))

    assert output == "Queued 0 invitation(s) and 0 reminder(s); 1 invitation(s) of closed surveys unlinked."
    assert mail.outbox == []


def test_after_closing_invitations_forget_whom_they_went_to_and_a_late_mail_is_given_up(
    ede, django_capture_on_commit_callbacks
):
    event, survey, wonen, *_ = ede
    sign_up(event, [wonen], name="Anna", email="anna@ede.example")
    send(NEXT_DAY)  # recorded, but the worker is down: nothing sent
    log = EmailLog.objects.get(kind="survey_invitation")

    send(survey.closes_on + datetime.timedelta(days=1))

    assert list(Invitation.objects.values_list("registration", "answered")) == [(None, False)]
    from registrations import emails

    assert emails.send(log.pk) is False
    log.refresh_from_db()
    assert (log.status, log.give_up_reason) == ("given_up", "no_recipient")


def test_two_runs_at_once_invite_each_person_once(ede):
    """The unique constraint backs the lock: a second invitation for a registration is refused."""
    event, survey, wonen, *_ = ede
    anna = sign_up(event, [wonen], name="Anna", email="anna@ede.example")
    send(NEXT_DAY)

    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(survey=survey, registration=anna, token_hash="x" * 64)
    assert services.participants(event).exclude(survey_invitations__survey=survey).count() == 0
