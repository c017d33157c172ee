"""The demo's registrations: who came to the Deventer netwerkdag, so that the admin's lists, counts
and the participation report have something to show.

The people are made up (first and last names drawn from common Dutch names with a fixed seed);
their addresses end in `.example`, a domain that can receive no mail, so a demo pointed at a real
mail server never writes to a real city hall. The article says "ruim tweehonderd" colleagues came:
the demo has 212 registrations, a few of them cancelled, with places in the sessions that took
sign-ups, within their capacities.
"""

import datetime
import itertools
import random

from django.db import transaction
from django.utils.text import slugify

from g40events import clock
from g40events.models import Event, Organisation

from .models import Place, Registration
from .services import signup_choices, time_slots

FIRST_NAMES = (
    "Anne Bram Carla Daan Eva Femke Gert Hanna Ilse Jeroen Karin Lars Marieke Niels Olga Pieter "
    "Quinten Roos Sander Tessa Ufuk Vera Wouter Yara Zeynep Ahmed Bas Chantal Dirk Esther Fatima "
    "Gijs Hester Iris Joost Kees Linda Maarten Nadia Onno Petra Rik Sanne Thijs Ingrid Mohamed"
).split()
LAST_NAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Visser|Smit|Meijer|de Boer|Mulder|"
    "de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|"
    "van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|Yilmaz|El Amrani|Koster"
).split("|")
JOB_TITLES = [
    "Beleidsadviseur",
    "Senior beleidsmedewerker",
    "Programmamanager",
    "Strategisch adviseur",
    "Teamleider",
    "Accountmanager bedrijven",
    "Projectleider",
    "Beleidsonderzoeker",
]
# The host city and its neighbours send more colleagues.
WEIGHTS = {"Deventer": 14, "Apeldoorn": 6, "Zwolle": 6, "Enschede": 5, "Hengelo": 4, "Almelo": 4}
# What some registrants wrote under their needs, one after the other (not drawn at random, so that
# the people and their places stay as they are).
DIETARY_NEEDS = [
    "Vegetarisch",
    "Veganistisch",
    "Vegetarisch",
    "Glutenvrij",
    "Halal",
    "Lactosevrij",
    "Notenallergie",
]
ACCESSIBILITY_NEEDS = [
    "Rolstoeltoegankelijke zaal graag",
    "Een ringleiding",
    "Graag een plek vooraan (slechthorend)",
]
REGISTERED = 212
CANCELLED = 9


def load_demo_registrations(*, event: Event, seed: int = 2024) -> int:
    """Registrations with places for a past netwerkdag of the demo; nothing if it has some already.
    Returns the number made."""
    if event.registrations.exists():
        return 0
    rng = random.Random(seed)
    cities = list(Organisation.objects.filter(kind=Organisation.Kind.G40_CITY).order_by("name"))
    # Not every city came: the report shows who did not.
    absent = set(rng.sample([c.name for c in cities if c.name not in WEIGHTS], 6))
    cities = [c for c in cities if c.name not in absent]
    weights = [WEIGHTS.get(city.name, 2) for city in cities]
    partners = list(Organisation.objects.exclude(kind=Organisation.Kind.G40_CITY).order_by("name"))
    slots = time_slots(signup_choices(event))
    taken = {session.pk: 0 for slot in slots for session in slot.sessions}
    opens = event.registration_opens_at or clock.local_datetime(
        event.date, datetime.time(9)
    ) - datetime.timedelta(days=60)
    closes = event.registration_closes_at or clock.local_datetime(event.date, datetime.time(9))
    span = (closes - opens).total_seconds()
    seen = set()
    made = 0
    dietary_needs, accessibility_needs = itertools.cycle(DIETARY_NEEDS), itertools.cycle(ACCESSIBILITY_NEEDS)
    with transaction.atomic():
        for number in range(REGISTERED):
            organisation = rng.choices(cities, weights)[0] if rng.random() < 0.9 else rng.choice(partners)
            while True:
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                if (first, last) not in seen:
                    seen.add((first, last))
                    break
            local = slugify(f"{first} {last}").replace("-", ".")
            created = opens + datetime.timedelta(seconds=span * (number + 1) / (REGISTERED + 1))
            cancelled = number % (REGISTERED // CANCELLED) == 7
            registration = Registration.objects.create(
                event=event,
                name=f"{first} {last}",
                email=f"{local}@{slugify(organisation.name)}.example",
                organisation=organisation,
                job_title=rng.choice(JOB_TITLES),
                dietary_needs=next(dietary_needs) if rng.random() < 0.15 else "",
                accessibility_needs=next(accessibility_needs) if rng.random() < 0.02 else "",
                consented_at=created,
                created_at=created,
                status=Registration.Status.CANCELLED if cancelled else Registration.Status.ACTIVE,
                cancelled_at=created + datetime.timedelta(days=3) if cancelled else None,
            )
            made += 1
            if cancelled:
                continue
            places = []
            for slot in slots:
                if slot.is_tour and rng.random() < 0.6:
                    continue
                free = [s for s in slot.sessions if s.capacity is None or taken[s.pk] < s.capacity]
                if not free:
                    continue
                session = rng.choice(free)
                taken[session.pk] += 1
                places.append(
                    Place(
                        registration=registration,
                        session_id=session.pk,
                        status=Place.Status.CONFIRMED,
                        created_at=created,
                        confirmed_at=created,
                    )
                )
            Place.objects.bulk_create(places)
    return made
