"""The demo's evaluation of the Deventer netwerkdag: invitations on 25 April 2024, a reminder on
30 April, open until 8 May, and answers from about half the participants (made up, with a fixed
seed), so that the results page shows figures on the demo's date (1 May 2024).

Written in a few bulk inserts: the mails are in the e-mail log as sent (to `.example` addresses,
which receive nothing), the ratings go straight into their counts.
"""

import datetime
import random
from collections import Counter

from django.db import transaction

from g40events import clock
from g40events.models import Event
from registrations.models import EmailLog
from surveys.models import Invitation, OpenAnswer, Question, RatingCount, Survey, hash_token, token_for
from surveys.services import attended_session_ids, create_survey, participants

ANSWERED_SHARE = 0.48
TAKE_AWAY = [
    "Contacten met collega's uit andere G40-steden die met dezelfde opgave bezig zijn.",
    "De aanpak van Deventer voor de regionale woningmarkt: die leg ik bij ons voor.",
    "Ideeën voor vroegsignalering van schulden; ik ga Zwolle bellen.",
    "Cijfers uit de keynote over migratie, bruikbaar voor onze raadsinformatiebrief.",
    "Dat we als middelgrote steden vaker samen moeten optrekken richting het Rijk.",
    "Praktische tips over netcongestie op bedrijventerreinen.",
    "De stadswandeling liet goed zien hoe Deventer de binnenstad verduurzaamt.",
    "Inspiratie voor onze dienstverlening aan ondernemers.",
    "Een paar nieuwe namen om te bellen.",
    "Hoe andere gemeenten vergunninghouders sneller aan werk helpen.",
    "Het idee van een gezamenlijke G40-lobby over het gemeentefonds.",
    "Dat de keten van werk en inkomen pas werkt als je elkaar kent.",
    "Voorbeelden van wonen met zorg in de wijk die we kunnen bezoeken.",
    "Energie om het thema armoede weer hoger op de agenda te zetten.",
]
IMPROVE = [
    "Meer tijd tussen de sessies om na te praten.",
    "De zaal van de middagsessie was te klein.",
    "Graag de presentaties direct na afloop online.",
    "Minder zenden, meer uitwisselen in de parallelle sessies.",
    "De lunch was prima, maar de rij was lang.",
    "Betere bewegwijzering in het stadhuis.",
    "Een sessie speciaal voor nieuwe collega's.",
    "Iets eerder eindigen, dan haal ik de trein naar huis.",
    "Meer vegetarische keuze bij de lunch.",
    "De geluidsinstallatie in de raadszaal haperde.",
    "Een deelnemerslijst vooraf, zodat je weet wie je kunt spreken.",
]


def _rating(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.8))))


def load_demo_survey(*, event: Event, seed: int = 2404) -> int:
    """The evaluation of a past netwerkdag of the demo; nothing if it has one already. Returns the
    number of people who answered."""
    if Survey.objects.filter(event=event).exists():
        return 0
    rng = random.Random(seed)
    with transaction.atomic():
        survey = create_survey(event=event)
        questions = {q.kind: q for q in survey.questions.all()}
        session_question, day_question = (
            questions[Question.Kind.SESSION_RATING],
            questions[Question.Kind.RATING],
        )
        take_away, improve = survey.questions.filter(kind=Question.Kind.TEXT).order_by("position")
        people = list(participants(event).order_by("pk"))
        answered = set(rng.sample([p.pk for p in people], round(len(people) * ANSWERED_SHARE)))
        Invitation.objects.bulk_create(
            Invitation(
                survey=survey,
                registration=person,
                token_hash=hash_token(token_for(survey_id=survey.pk, registration_id=person.pk)),
                answered=person.pk in answered,
                reminded=person.pk not in answered,
            )
            for person in people
        )
        invited_at = clock.local_datetime(survey.invite_on, datetime.time(10))
        reminded_at = clock.local_datetime(survey.remind_on, datetime.time(10))
        EmailLog.objects.bulk_create(
            [
                EmailLog(
                    registration=person,
                    kind=kind,
                    recipient=person.email,
                    subject=subject % {"event": event.title},
                    status=EmailLog.Status.SENT,
                    attempts=1,
                    created_at=at,
                    sent_at=at,
                )
                for person in people
                for kind, subject, at in [
                    (EmailLog.Kind.SURVEY_INVITATION, "Hoe was %(event)s? Geef je mening", invited_at),
                    *(
                        [(EmailLog.Kind.SURVEY_REMINDER, "Herinnering: hoe was %(event)s?", reminded_at)]
                        if person.pk not in answered
                        else []
                    ),
                ]
            ]
        )

        # Each session has its own mood; the day does well. The sessions are those the form asks
        # about: attended where the door took attendance, else the confirmed places.
        sessions_of = attended_session_ids(event.pk, sorted(answered))
        mood = {session_id: rng.uniform(3.2, 4.5) for ids in sessions_of.values() for session_id in ids}
        counts: Counter = Counter()
        for registration_id in sorted(answered):
            for session_id in sessions_of.get(registration_id, []):
                if rng.random() < 0.85:
                    counts[(session_question.pk, session_id, _rating(rng, mood[session_id]))] += 1
            if rng.random() < 0.92:
                counts[(day_question.pk, None, _rating(rng, 4.1))] += 1
        RatingCount.objects.bulk_create(
            RatingCount(question_id=question_id, session_id=session_id, rating=rating, count=count)
            for (question_id, session_id, rating), count in counts.items()
        )
        OpenAnswer.objects.bulk_create(
            [OpenAnswer(question=take_away, text=text) for text in rng.sample(TAKE_AWAY, len(TAKE_AWAY))]
            + [OpenAnswer(question=improve, text=text) for text in rng.sample(IMPROVE, len(IMPROVE))]
        )
    return len(answered)
