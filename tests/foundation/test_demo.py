import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpRequest

from g40events.models import EmailDomain, Event, Organisation, Pillar, Recap, ThemeGroup
from registrations.models import Place, Registration
from registrations.participation import participation
from sessions.models import Material, Session, SessionSpeaker
from speakers.models import Speaker

pytestmark = pytest.mark.django_db


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return [
        model.objects.count()
        for model in (
            Organisation,
            EmailDomain,
            Pillar,
            ThemeGroup,
            Speaker,
            Event,
            Session,
            SessionSpeaker,
            Material,
            Recap,
            User,
            Registration,
            Place,
        )
    ]


@pytest.fixture(scope="class")
def demo_output(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the tests of a class on the site clock of 1 May 2024, and what
    load_demo printed. Each test runs in a savepoint inside (as under Django's setUpTestData); the
    load is rolled back after the class."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, SITE_DATE=datetime.date(2024, 5, 1)),
        transaction.atomic(),
    ):
        yield load_demo()
        transaction.set_rollback(True)


def test_demo_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_demo()
    first = counts()
    load_demo()
    assert counts() == first


def test_demo_on_the_real_clock_shows_everything_as_past(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_DATE = None
    output = load_demo()
    assert "SITE_DATE=2024-05-01" in output
    assert Event.objects.published().upcoming().count() == 0
    assert Event.objects.get(slug="ambtelijke-netwerkdag-dordrecht-2024").registration_state() == "closed"


@pytest.mark.usefixtures("demo_output")
class TestTheLoadedDemo:
    """The demo as `load_demo` leaves it on the site clock of 1 May 2024 (as `make run` serves it)."""

    def test_demo_has_the_deventer_day_as_the_article_describes(self):
        deventer = Event.objects.get(slug="ambtelijke-netwerkdag-deventer-2024")
        assert (deventer.kind, deventer.date, deventer.host_city.name) == (
            "ambtelijk",
            datetime.date(2024, 4, 24),
            "Deventer",
        )
        assert "ter illustratie" in deventer.introduction

        keynote = deventer.sessions.get(slug="keynote-migratie")
        dagevos = keynote.speaker_roles.get().speaker
        assert (dagevos.name, dagevos.organisation.name) == (
            "Jaco Dagevos",
            "Sociaal en Cultureel Planbureau",
        )
        pdf = keynote.materials.get()
        assert pdf.title == "Presentatie Jaco Dagevos"
        assert pdf.file.read().startswith(b"%PDF-1.4")

        joint = deventer.sessions.get(slug="eerst-een-thuis")
        assert sorted(joint.theme_groups.values_list("name", flat=True)) == [
            "Wonen, Welzijn, Zorg (WWZ)",
            "Woningmarkt",
            "Zorg, jeugd, onderwijs",
        ]
        assert sorted(joint.pillars.values_list("name", flat=True)) == ["Fysieke pijler", "Sociale pijler"]
        both_pillars = deventer.sessions.get(slug="energie-ruimte-woon-werkbalans")
        assert sorted(both_pillars.pillars.values_list("slug", flat=True)) == [
            "fysieke-pijler",
            "pijler-economie-en-werk",
        ]
        tours = deventer.sessions.filter(kind=Session.Kind.TOUR).order_by("slug")
        assert [t.title for t in tours] == [
            "Rondwandeling: de aanpak van de binnenstad",
            "Rondwandeling: campus De Kien",
        ]

        named = {
            "Jan Peter Wassens": "Deventer",
            "Jetske Krol": "G40 stedennetwerk",
            "Aukje Ravensbergen": "WePublic",
            "Michelle Roelofsen": "VNG",
            "Ico Kloppenburg": "VNG",
            "Peter Hein van Mulligen": "Centraal Bureau voor de Statistiek",
            "Jurgen Schoorlemmer": "Deventer",
            "Kingson Wu": "Ministerie van Economische Zaken en Klimaat",
            "Jorn Koelemaij": "Platform31",
            "Joost van Hoorn": "Platform31",
            "Willem Bouwmans": "VNG",
            "Eric Nijhuis": "Deventer",
            "David Rietveld": "VNG",
        }
        for name, organisation in named.items():
            speaker = Speaker.objects.get(name=name)
            assert speaker.organisation.name == organisation
            assert speaker.session_roles.filter(session__event=deventer).exists(), name
        assert ThemeGroup.objects.get(slug="financien").pillar is None
        assert Recap.objects.filter(event=deventer, status="published").count() == 4
        assert sorted(Recap.objects.exclude(pillar=None).values_list("pillar__slug", flat=True)) == [
            "fysieke-pijler",
            "pijler-economie-en-werk",
            "sociale-pijler",
        ]

    def test_demo_announces_dordrecht_and_opens_its_registration(self):
        dordrecht = Event.objects.published().announced().get()
        assert (dordrecht.date, dordrecht.host_city.name) == (datetime.date(2024, 11, 21), "Dordrecht")
        assert dordrecht.registration_state() == "open"
        assert dordrecht.sessions.taking_registrations().count() == 11
        assert [e.slug for e in Event.objects.published().upcoming()] == [
            "bestuurlijke-netwerkdag-2024",
            "ambtelijke-netwerkdag-dordrecht-2024",
        ]

    def test_demo_creates_an_organiser_who_can_log_in(self, demo_output, client):
        password = demo_output.split("password: ")[1].split()[0]
        user = User.objects.get(username="organisator")
        assert user.is_staff and not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == ["Organisatoren"]
        # django-axes, which throttles logins, needs the request that logs in.
        assert client.login(request=HttpRequest(), username="organisator", password=password)

    def test_demo_organisations_carry_their_real_email_domains(self):
        from registrations.services import is_listed_address

        cities = Organisation.objects.filter(kind=Organisation.Kind.G40_CITY)
        city_domains = dict(
            EmailDomain.objects.filter(organisation__in=cities).values_list("organisation__name", "domain")
        )
        assert len(city_domains) == cities.count() == 40
        assert {name: city_domains[name] for name in ["Deventer", "Dordrecht", "'s-Hertogenbosch"]} == {
            "Deventer": "deventer.nl",
            "Dordrecht": "dordrecht.nl",
            "'s-Hertogenbosch": "s-hertogenbosch.nl",
        }
        assert city_domains["Sittard-Geleen"] == "sittard-geleen.nl"
        assert city_domains["Haarlemmermeer"] == "haarlemmermeer.nl"
        assert city_domains["Alphen aan den Rijn"] == "alphenaandenrijn.nl"
        partners = dict(
            EmailDomain.objects.exclude(organisation__in=cities)
            .exclude(organisation__name__startswith="Testorganisatie")
            .values_list("domain", "organisation__name")
        )
        assert partners == {
            "g40stedennetwerk.nl": "G40 stedennetwerk",
            "vng.nl": "VNG",
            "divosa.nl": "Divosa",
            "platform31.nl": "Platform31",
            "scp.nl": "Sociaal en Cultureel Planbureau",
            "cbs.nl": "Centraal Bureau voor de Statistiek",
            "eur.nl": "Erasmus Universiteit Rotterdam",
            "minezk.nl": "Ministerie van Economische Zaken en Klimaat",
        }
        assert not EmailDomain.objects.filter(
            organisation__name__in=["WePublic", "Stichting Eropaf!"]
        ).exists()
        assert is_listed_address("j.jansen@deventer.nl")
        assert is_listed_address("j.jansen@Mail.Dordrecht.nl")
        assert not is_listed_address("j.jansen@gmail.com")

    def test_demo_has_the_deventer_participants_within_the_places(self):
        """ "Ruim tweehonderd" colleagues: made-up people at addresses that can receive no mail."""
        deventer = Event.objects.get(slug="ambtelijke-netwerkdag-deventer-2024")
        registrations = Registration.objects.filter(event=deventer)

        assert registrations.count() == 212
        assert registrations.filter(status=Registration.Status.CANCELLED).count() == 9
        assert all(email.endswith(".example") for email in registrations.values_list("email", flat=True))
        assert not Registration.objects.exclude(event=deventer).exists()
        for session in deventer.sessions.filter(takes_registrations=True):
            assert 0 < session.places.count() <= session.capacity, session.title
        assert not Place.objects.filter(registration__status=Registration.Status.CANCELLED).exists()
        column = participation().columns[0]
        assert (column.totals.registered, column.totals.cancelled, column.g40_registered) == (203, 9, 34)
        # About 88 % came; most of them are marked present at their sessions.
        assert (column.totals.attended, column.totals.no_show, column.attendance_recorded) == (179, 24, True)
        assert column.g40_absent == ["Assen", "Eindhoven", "Hilversum", "Maastricht", "Schiedam", "Tilburg"]

    def test_demo_registrants_name_different_needs(self):
        """The dashboard's lists of needs look like a real day's, not 43 times the same word."""
        registrations = Registration.objects.filter(event__slug="ambtelijke-netwerkdag-deventer-2024")

        dietary = set(registrations.exclude(dietary_needs="").values_list("dietary_needs", flat=True))
        accessibility = set(
            registrations.exclude(accessibility_needs="").values_list("accessibility_needs", flat=True)
        )
        assert dietary == {
            "Vegetarisch",
            "Veganistisch",
            "Glutenvrij",
            "Halal",
            "Lactosevrij",
            "Notenallergie",
        }
        assert {"Rolstoeltoegankelijke zaal graag", "Een ringleiding"} <= accessibility
