"""Load the demo: the G40 netwerkdag in Deventer (24 April 2024) and what came after it.

Idempotent: running it again updates the same rows and creates nothing twice.
"""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from checkin.demo import load_demo_check_ins
from g40events import clock
from g40events.models import EmailDomain, Event, Organisation, Pillar, Recap, Status, ThemeGroup
from g40events.permissions import ORGANISERS_GROUP
from registrations.demo import load_demo_registrations
from sessions.models import Material, Session, SessionSpeaker
from speakers.models import Speaker
from surveys.demo import load_demo_survey

DEMO_SITE_DATE = datetime.date(2024, 5, 1)
DEMO_USERNAME = "organisator"

G40_CITIES = [
    "Alkmaar", "Almelo", "Almere", "Alphen aan den Rijn", "Amersfoort", "Apeldoorn", "Arnhem",
    "Assen", "Breda", "Delft", "Deventer", "Dordrecht", "Ede", "Eindhoven", "Emmen", "Enschede",
    "Gouda", "Groningen", "Haarlem", "Haarlemmermeer", "Helmond", "Hengelo", "Hilversum",
    "Leeuwarden", "Leiden", "Lelystad", "Maastricht", "Nijmegen", "Oss", "Purmerend",
    "Roosendaal", "'s-Hertogenbosch", "Schiedam", "Sittard-Geleen", "Tilburg", "Venlo",
    "Zaanstad", "Zoetermeer", "Zwolle", "Heerlen",
]  # fmt: skip

ORGANISATIONS = [
    ("G40 stedennetwerk", Organisation.Kind.PARTNER, "https://g40stedennetwerk.nl"),
    ("VNG", Organisation.Kind.PARTNER, "https://vng.nl"),
    ("Divosa", Organisation.Kind.PARTNER, "https://www.divosa.nl"),
    ("Platform31", Organisation.Kind.KNOWLEDGE, "https://www.platform31.nl"),
    ("Sociaal en Cultureel Planbureau", Organisation.Kind.KNOWLEDGE, "https://www.scp.nl"),
    ("Centraal Bureau voor de Statistiek", Organisation.Kind.KNOWLEDGE, "https://www.cbs.nl"),
    ("Erasmus Universiteit Rotterdam", Organisation.Kind.KNOWLEDGE, "https://www.eur.nl"),
    (
        "Ministerie van Economische Zaken en Klimaat",
        Organisation.Kind.NATIONAL,
        "https://www.rijksoverheid.nl",
    ),
    ("WePublic", Organisation.Kind.OTHER, ""),
    ("Stichting Eropaf!", Organisation.Kind.OTHER, ""),
]

# The e-mail domains the organisations use (a sign-up from one needs no confirmation link): the
# cities' municipal domains; partners with a domain of their own. Organisations without a known
# e-mail domain of their own get none. The ministry's staff write from minezk.nl; rijksoverheid.nl
# is the government's shared website, not one ministry's.
EMAIL_DOMAINS = {
    "Alkmaar": ["alkmaar.nl"],
    "Almelo": ["almelo.nl"],
    "Almere": ["almere.nl"],
    "Alphen aan den Rijn": ["alphenaandenrijn.nl"],
    "Amersfoort": ["amersfoort.nl"],
    "Apeldoorn": ["apeldoorn.nl"],
    "Arnhem": ["arnhem.nl"],
    "Assen": ["assen.nl"],
    "Breda": ["breda.nl"],
    "Delft": ["delft.nl"],
    "Deventer": ["deventer.nl"],
    "Dordrecht": ["dordrecht.nl"],
    "Ede": ["ede.nl"],
    "Eindhoven": ["eindhoven.nl"],
    "Emmen": ["emmen.nl"],
    "Enschede": ["enschede.nl"],
    "Gouda": ["gouda.nl"],
    "Groningen": ["groningen.nl"],
    "Haarlem": ["haarlem.nl"],
    "Haarlemmermeer": ["haarlemmermeer.nl"],
    "Helmond": ["helmond.nl"],
    "Hengelo": ["hengelo.nl"],
    "Hilversum": ["hilversum.nl"],
    "Leeuwarden": ["leeuwarden.nl"],
    "Leiden": ["leiden.nl"],
    "Lelystad": ["lelystad.nl"],
    "Maastricht": ["maastricht.nl"],
    "Nijmegen": ["nijmegen.nl"],
    "Oss": ["oss.nl"],
    "Purmerend": ["purmerend.nl"],
    "Roosendaal": ["roosendaal.nl"],
    "'s-Hertogenbosch": ["s-hertogenbosch.nl"],
    "Schiedam": ["schiedam.nl"],
    "Sittard-Geleen": ["sittard-geleen.nl"],
    "Tilburg": ["tilburg.nl"],
    "Venlo": ["venlo.nl"],
    "Zaanstad": ["zaanstad.nl"],
    "Zoetermeer": ["zoetermeer.nl"],
    "Zwolle": ["zwolle.nl"],
    "Heerlen": ["heerlen.nl"],
    "G40 stedennetwerk": ["g40stedennetwerk.nl"],
    "VNG": ["vng.nl"],
    "Divosa": ["divosa.nl"],
    "Platform31": ["platform31.nl"],
    "Sociaal en Cultureel Planbureau": ["scp.nl"],
    "Centraal Bureau voor de Statistiek": ["cbs.nl"],
    "Erasmus Universiteit Rotterdam": ["eur.nl"],
    "Ministerie van Economische Zaken en Klimaat": ["minezk.nl"],
}

PILLARS = [
    (
        "sociale-pijler",
        "Sociale pijler",
        1,
        "De steden werken samen aan bestaanszekerheid, kansengelijkheid en gezond leven, "
        "vanuit de overtuiging dat een sterk sociaal domein waarde oplevert voor inwoners en stad.",
    ),
    (
        "fysieke-pijler",
        "Fysieke pijler",
        2,
        "Wonen, ruimte, energie en duurzaamheid: de fysieke opgaven van middelgrote steden, "
        "van de regionale woningmarkt tot netcongestie en circulair bouwen.",
    ),
    (
        "pijler-economie-en-werk",
        "Pijler economie en werk",
        3,
        "Een sterke stedelijke economie vraagt ruimte, mensen en energie. De pijler deelt kennis "
        "over het mkb, de arbeidsmarkt en ruimtelijk-economische ontwikkeling.",
    ),
]

THEME_GROUPS = [
    ("armoede-en-schulden", "Armoede en schulden", "sociale-pijler",
     "Aanpak van armoede en problematische schulden, met bestaanszekerheid als vertrekpunt."),
    ("sterke-keten", "Sterke keten", "sociale-pijler",
     "Samenwerking in de keten van werk, inkomen en ondersteuning, zodat inwoners niet tussen wal en schip vallen."),
    ("zorg-jeugd-onderwijs", "Zorg, jeugd, onderwijs", "sociale-pijler",
     "Jeugdhulp, zorg en onderwijs in samenhang, dicht bij huis."),
    ("wonen-welzijn-zorg", "Wonen, Welzijn, Zorg (WWZ)", "sociale-pijler",
     "Wonen met begeleiding en ondersteuning in de wijk, voor wie dat nodig heeft."),
    ("vergunninghouders-en-asiel", "Vergunninghouders en asiel", "sociale-pijler",
     "Opvang, huisvesting en integratie van vergunninghouders en asielzoekers, en de gezamenlijke lobby daarover."),
    ("dakloze-eu-migranten", "Dakloze EU-migranten", "sociale-pijler",
     "Kennisuitwisseling over (dreigende) dakloosheid van EU-arbeidsmigranten en de opvang van deze groep."),
    ("woningmarkt", "Woningmarkt", "fysieke-pijler",
     "De regionale woningmarkt: bouwen, doorstroming en betaalbaarheid."),
    ("mkb", "MKB", "pijler-economie-en-werk",
     "Dienstverlening aan ondernemers en de transitie van het mkb naar een circulaire, digitale en inclusieve economie."),
    ("financien", "Financiën", None,
     "De financiële positie van gemeenten: rijksbegroting, gemeentefonds en de gevolgen van kabinetskeuzes."),
]  # fmt: skip

SPEAKERS = [
    # slug, name, sort name, job title, organisation, bio
    ("jan-peter-wassens", "Jan Peter Wassens", "Wassens, Jan Peter", "Gemeentesecretaris", "Deventer",
     "Gemeentesecretaris van Deventer en gastheer van de ambtelijke netwerkdag in april 2024."),
    ("jetske-krol", "Jetske Krol", "Krol, Jetske", "Lobbycoördinator", "G40 stedennetwerk",
     "Coördineert de lobby en public affairs van het G40 stedennetwerk."),
    ("aukje-ravensbergen", "Aukje Ravensbergen", "Ravensbergen, Aukje", "", "WePublic",
     "Werkt bij WePublic mee aan het lobby-, public-affairs- en communicatieplan van de G40."),
    ("jaco-dagevos", "Jaco Dagevos", "Dagevos, Jaco",
     "Senior onderzoeker; buitengewoon hoogleraar Integratie en migratie (Erasmus Universiteit Rotterdam)",
     "Sociaal en Cultureel Planbureau",
     "Onderzoekt integratie en migratie bij het SCP en is buitengewoon hoogleraar aan de Erasmus Universiteit Rotterdam."),
    ("bert-roes", "Bert Roes", "Roes, Bert", "", None, ""),
    ("jeannette-de-ridder", "Jeannette de Ridder", "Ridder, Jeannette de", "", None, ""),
    ("michelle-roelofsen", "Michelle Roelofsen", "Roelofsen, Michelle", "", "VNG", ""),
    ("ico-kloppenburg", "Ico Kloppenburg", "Kloppenburg, Ico", "", "VNG", ""),
    ("peter-hein-van-mulligen", "Peter Hein van Mulligen", "Mulligen, Peter Hein van", "Hoofdeconoom",
     "Centraal Bureau voor de Statistiek",
     "Hoofdeconoom van het CBS; vertaalt cijfers over economie en woningmarkt naar begrijpelijke verhalen."),
    ("jurgen-schoorlemmer", "Jurgen Schoorlemmer", "Schoorlemmer, Jurgen", "", "Deventer", ""),
    ("kingson-wu", "Kingson Wu", "Wu, Kingson", "", "Ministerie van Economische Zaken en Klimaat", ""),
    ("jorn-koelemaij", "Jorn Koelemaij", "Koelemaij, Jorn", "", "Platform31", ""),
    ("joost-van-hoorn", "Joost van Hoorn", "Hoorn, Joost van", "", "Platform31", ""),
    ("willem-bouwmans", "Willem Bouwmans", "Bouwmans, Willem", "", "VNG", ""),
    ("eric-nijhuis", "Eric Nijhuis", "Nijhuis, Eric", "", "Deventer", ""),
    ("david-rietveld", "David Rietveld", "Rietveld, David", "", "VNG", ""),
]  # fmt: skip


@dataclass
class DemoSession:
    slug: str
    title: str
    kind: str
    start: str
    end: str
    location: str = ""
    description: str = ""
    pillars: list[str] = field(default_factory=list)
    theme_groups: list[str] = field(default_factory=list)
    speakers: list[tuple[str, str]] = field(default_factory=list)
    capacity: int | None = None
    takes_registrations: bool = False


P, T, L, B, N, R = (
    Session.Kind.PARALLEL,
    Session.Kind.TOUR,
    Session.Kind.LUNCH,
    Session.Kind.BREAK,
    Session.Kind.NETWORKING,
    SessionSpeaker.Role,
)
PLENARY = Session.Kind.PLENARY
SOC, FYS, ECO = "sociale-pijler", "fysieke-pijler", "pijler-economie-en-werk"

DEVENTER_SESSIONS = [
    DemoSession("ontvangst", "Ontvangst met koffie", N, "09:30", "10:00", "Burgerzaal"),
    DemoSession(
        "welkom-in-deventer", "Welkom in Deventer", PLENARY, "10:00", "10:15", "Raadzaal",
        "De gemeentesecretaris heet de collega's welkom in de Hanzestad en vertelt wat het "
        "G40-netwerk voor Deventer betekent.",
        speakers=[("jan-peter-wassens", R.HOST)],
    ),
    DemoSession(
        "lobby-public-affairs-en-communicatie", "Het lobby-, public-affairs- en communicatieplan van de G40",
        PLENARY, "10:15", "10:35", "Raadzaal",
        "Een korte toelichting op het plan waarmee de G40 haar boodschap in Den Haag en daarbuiten "
        "brengt, en op de acties die eruit volgen.",
        speakers=[("jetske-krol", R.SPEAKER), ("aukje-ravensbergen", R.SPEAKER)],
    ),
    DemoSession(
        "keynote-migratie", "Keynote: migratie in cijfers en in het debat", PLENARY, "10:35", "11:15", "Raadzaal",
        "Eind 2023 koos de G40 migratie als thema. Wat zeggen de cijfers over de verschillende "
        "soorten migratie, en hoe verhoudt zich dat tot de plek die migratie in het maatschappelijk "
        "debat heeft gekregen?",
        speakers=[("jaco-dagevos", R.SPEAKER)],
    ),
    DemoSession("pauze-ochtend", "Pauze", B, "11:15", "11:30"),
    DemoSession(
        "waarde-van-het-sociaal-domein", "Sociale pijler: de waarde van het sociaal domein", P,
        "11:30", "12:30", "Burgerzaal",
        "De speerpunten uit het public-affairsplan en de strategische lijnen bestaanszekerheid, "
        "kansengelijkheid en gezond leven makkelijker maken. Moet bestaanszekerheid voorliggend zijn, "
        "en wat betekent dat voor de toegang?",
        pillars=[SOC], speakers=[("bert-roes", R.SPEAKER), ("jeannette-de-ridder", R.SPEAKER)],
        capacity=80, takes_registrations=True,
    ),
    DemoSession(
        "ontwikkelingen-woningmarkt", "Fysieke pijler: ontwikkelingen op de woningmarkt", P,
        "11:30", "12:30", "Raadzaal",
        "Het CBS laat zien hoe de woningmarkt zich ontwikkelt: jongeren, vergrijzing, verhuisbewegingen "
        "in de regio's en de bouw van corporatiewoningen.",
        pillars=[FYS], theme_groups=["woningmarkt"], speakers=[("peter-hein-van-mulligen", R.SPEAKER)],
        capacity=90, takes_registrations=True,
    ),
    DemoSession(
        "migratie-en-economie", "Pijler economie en werk: migratie en de stedelijke economie", P,
        "11:30", "12:30", "Commissiekamer 1",
        "Na een inleiding over arbeidsmigratie discussiëren de deelnemers met stellingen via "
        "Mentimeter over ruimte, personeel en energie.",
        pillars=[ECO], speakers=[("jaco-dagevos", R.SPEAKER)], capacity=60, takes_registrations=True,
    ),
    DemoSession("lunch", "Lunch", L, "12:30", "13:30", "Burgerzaal"),
    DemoSession(
        "rondwandeling-binnenstad", "Rondwandeling: de aanpak van de binnenstad", T, "12:40", "13:25",
        "Verzamelen bij de hoofdingang",
        "Een economische wandeling door de Deventer binnenstad en de aanpak die de stad daar kiest.",
        pillars=[ECO], capacity=25, takes_registrations=True,
    ),
    DemoSession(
        "rondwandeling-campus-de-kien", "Rondwandeling: campus De Kien", T, "12:40", "13:25",
        "Verzamelen bij de hoofdingang",
        "Op campus De Kien werken kennisinstellingen en bedrijven samen om met ict en technische "
        "kennis de arbeidsproductiviteit te verhogen.",
        pillars=[ECO], capacity=25, takes_registrations=True,
    ),
    DemoSession(
        "bestaanszekerheid-basis-op-orde", "Bestaanszekerheid: de basis op orde", P, "13:30", "14:30",
        "Commissiekamer 2",
        "Gezamenlijke sessie van Armoede en schulden en Sterke keten, als vervolg op het manifest "
        "‘Geen pleisters meer, maar de basis op orde’. Met Divosa en VNG, ook in relatie tot Agenda Stad.",
        pillars=[SOC], theme_groups=["armoede-en-schulden", "sterke-keten"], capacity=50, takes_registrations=True,
    ),
    DemoSession(
        "eerst-een-thuis", "Een zeker bestaan: Eerst een Thuis en wonen met begeleiding in de wijk", P,
        "13:30", "14:30", "Burgerzaal",
        "Gezamenlijke sessie van de themagroepen Woningmarkt, Zorg, jeugd, onderwijs en WWZ, met VNG, "
        "Stichting Eropaf! en Platform31 over de handreiking en de monitoring van wonen met begeleiding.",
        pillars=[SOC, FYS], theme_groups=["woningmarkt", "zorg-jeugd-onderwijs", "wonen-welzijn-zorg"],
        capacity=60, takes_registrations=True,
    ),
    DemoSession(
        "vergunninghouders-en-asiel", "Themagroep Vergunninghouders en asiel", P, "13:30", "14:30",
        "Commissiekamer 3",
        "De actualiteit: knellende asielopvang, aanvullende vormen van opvang en de situatie rond "
        "derdelanders. Daarna het jaarplan en de gezamenlijke lobby met de VNG.",
        pillars=[SOC], theme_groups=["vergunninghouders-en-asiel"], capacity=30, takes_registrations=True,
    ),
    DemoSession(
        "ruimtelijk-economische-verkenningen", "Ruimtelijk-economische verkenningen", P, "13:30", "14:30",
        "Commissiekamer 1",
        "De verkenningen schetsen economische ontwikkelingen als input voor de Nota Ruimte.",
        pillars=[ECO], speakers=[("kingson-wu", R.SPEAKER)], capacity=40, takes_registrations=True,
    ),
    DemoSession(
        "europese-fondsen-duurzaamheid", "Europese fondsen voor duurzaamheid", P, "13:30", "14:30",
        "Trouwzaal", pillars=[FYS], capacity=30, takes_registrations=True,
    ),
    DemoSession(
        "financien-voorjaarsnota", "Themagroep Financiën: de Voorjaarsnota", P, "13:30", "14:30",
        "Commissiekamer 4",
        "De financiële gevolgen voor gemeenten van de keuzes van het kabinet in de Voorjaarsnota.",
        theme_groups=["financien"], speakers=[("david-rietveld", R.SPEAKER)], capacity=30,
        takes_registrations=True,
    ),
    DemoSession("pauze-middag", "Pauze", B, "14:30", "14:45"),
    DemoSession(
        "dakloze-eu-migranten", "Dakloze EU-migranten", P, "14:45", "15:45", "Commissiekamer 3",
        "Cijfers en duiding om de groep scherp te definiëren, en een hulpmiddel om na te gaan of een "
        "arbeidsmigrant recht heeft op opvang en ondersteuning.",
        pillars=[SOC, FYS], theme_groups=["dakloze-eu-migranten"],
        speakers=[("michelle-roelofsen", R.SPEAKER), ("ico-kloppenburg", R.SPEAKER)], capacity=30,
        takes_registrations=True,
    ),
    DemoSession(
        "energie-ruimte-woon-werkbalans", "Energie, ruimte en de woon-werkbalans", P, "14:45", "15:45", "Raadzaal",
        "Gezamenlijke bijeenkomst van de fysieke en de economische pijler: regie op het energiesysteem "
        "van de toekomst, en de balans tussen wonen en werken in stad en regio.",
        pillars=[FYS, ECO], speakers=[("jurgen-schoorlemmer", R.SPEAKER), ("jorn-koelemaij", R.SPEAKER)],
        capacity=90, takes_registrations=True,
    ),
    DemoSession(
        "pilot-ondernemersdienstverlening", "Themagroep MKB: pilot ondernemersdienstverlening", P,
        "14:45", "15:45", "Commissiekamer 1",
        "De stand van zaken in de pilot, en de aanpak in de regio Stedendriehoek.",
        pillars=[ECO], theme_groups=["mkb"],
        speakers=[("joost-van-hoorn", R.SPEAKER), ("willem-bouwmans", R.SPEAKER), ("eric-nijhuis", R.SPEAKER)],
        capacity=40, takes_registrations=True,
    ),
    DemoSession(
        "circulair-bouwen-netcongestie", "Circulair bouwen en netcongestie", P, "14:45", "15:45", "Trouwzaal",
        pillars=[FYS], capacity=30, takes_registrations=True,
    ),
    DemoSession("netwerkborrel", "Afsluiting en netwerkborrel", N, "15:45", "16:30", "Burgerzaal"),
]  # fmt: skip

DORDRECHT_SESSIONS = [
    DemoSession("ontvangst", "Ontvangst met koffie", N, "09:30", "10:00"),
    DemoSession(
        "welkom-in-dordrecht", "Welkom in Dordrecht", PLENARY, "10:00", "10:30",
        description="Opening door de gastgemeente.",
    ),
    DemoSession(
        "sociale-pijler", "Sociale pijler", P, "10:45", "12:15", pillars=[SOC], capacity=80, takes_registrations=True
    ),
    DemoSession(
        "fysieke-pijler", "Fysieke pijler", P, "10:45", "12:15", pillars=[FYS], capacity=80, takes_registrations=True
    ),
    DemoSession(
        "pijler-economie-en-werk", "Pijler economie en werk", P, "10:45", "12:15", pillars=[ECO],
        capacity=60, takes_registrations=True,
    ),
    DemoSession("lunch", "Lunch", L, "12:15", "13:15"),
    DemoSession(
        "lunchwandeling-binnenstad", "Lunchwandeling door de binnenstad", T, "12:25", "13:05",
        pillars=[ECO], capacity=20, takes_registrations=True,
    ),
    DemoSession(
        "lunchwandeling-havens", "Lunchwandeling langs de havens", T, "12:25", "13:05",
        pillars=[FYS], capacity=20, takes_registrations=True,
    ),
    DemoSession(
        "armoede-en-schulden", "Themagroep Armoede en schulden", P, "13:15", "14:45", pillars=[SOC],
        theme_groups=["armoede-en-schulden"], capacity=40, takes_registrations=True,
    ),
    DemoSession(
        "woningmarkt", "Themagroep Woningmarkt", P, "13:15", "14:45", pillars=[FYS], theme_groups=["woningmarkt"],
        capacity=40, takes_registrations=True,
    ),
    DemoSession(
        "mkb", "Themagroep MKB", P, "13:15", "14:45", pillars=[ECO], theme_groups=["mkb"], capacity=30,
        takes_registrations=True,
    ),
    DemoSession(
        "financien", "Themagroep Financiën", P, "13:15", "14:45", theme_groups=["financien"], capacity=30,
        takes_registrations=True,
    ),
    DemoSession(
        "vergunninghouders-en-asiel", "Themagroep Vergunninghouders en asiel", P, "15:00", "16:00",
        pillars=[SOC], theme_groups=["vergunninghouders-en-asiel"], capacity=30, takes_registrations=True,
    ),
    DemoSession(
        "sterke-keten", "Themagroep Sterke keten", P, "15:00", "16:00", pillars=[SOC],
        theme_groups=["sterke-keten"], capacity=30, takes_registrations=True,
    ),
    DemoSession("netwerkborrel", "Afsluiting en netwerkborrel", N, "16:00", "16:30"),
]  # fmt: skip

DEVENTER_INTRO = """\
Ruim tweehonderd collega's uit de G40-steden komen bijeen in de Hanzestad Deventer om kennis te delen,
plannen te maken en elkaar te ontmoeten. Na een plenaire opening met een keynote over migratie gaan
de drie pijlers en hun themagroepen in parallelle sessies aan de slag. Tijdens de lunch zijn er twee
economische rondwandelingen.

*De tijden in dit programma zijn ter illustratie: het verslag van de dag noemt geen kloktijden.*
"""

BESTUURLIJK_INTRO = """\
De jaarlijkse bestuurlijke netwerkdag van het G40 stedennetwerk, voor wethouders, burgemeesters en
gemeentesecretarissen. Bij de opening staat het thema migratie centraal.

*Gastgemeente, locatie en programma volgen.*
"""

DORDRECHT_INTRO = """\
Noteer de datum alvast: de volgende ambtelijke netwerkdag van de G40 is in Dordrecht. De pijlers en
themagroepen komen bijeen in parallelle sessies, en tijdens de lunch kun je mee op een wandeling.

*Het programma is voorlopig: locatie, sprekers en zalen volgen. De tijden zijn ter illustratie.*
"""

RECAPS = [
    (
        "terugblik-deventer-sociale-pijler",
        "sociale-pijler",
        "Sociale pijler: bestaanszekerheid op twee snelheden",
        "De sociale pijler sprak over de waarde van het sociaal domein, bestaanszekerheid, "
        "Eerst een Thuis, asiel en dakloze EU-migranten.",
        """\
De sociale pijler begon bij de speerpunten van het public-affairsplan. Bert Roes en Jeannette de Ridder
lieten zien hoe de strategische lijnen **bestaanszekerheid**, **kansengelijkheid** en **gezond leven
makkelijker maken** voortkomen uit de propositie *Waarde van het sociaal domein*. De vraag of
bestaanszekerheid voorliggend moet zijn, en wat dat betekent voor de toegang, kwam meer dan eens terug.
De pijler pleit voor een visie op de lange termijn en denkt graag mee met de VNG.

## Bestaanszekerheid: de basis op orde

Armoede en schulden en Sterke keten bouwden samen voort op het manifest ‘Geen pleisters meer, maar de
basis op orde’. Met Divosa en de VNG, en met een blik op Agenda Stad, ging het over wat er op korte en
middellange termijn al kan veranderen voor inkomen, werk, scholing en ondersteuning. De conclusie:
we werken op twee snelheden, en dat hoort terug te komen in de lobby.

- op de lange termijn: systeemverandering;
- nu al: het maatwerk van gemeenten, zolang de basis niet op orde is.

## Een zeker bestaan: wonen met begeleiding

Woningmarkt, Zorg, jeugd, onderwijs en WWZ bespraken met de VNG, Stichting Eropaf! en Platform31 Eerst
een Thuis en wonen met begeleiding in de wijk, met de handreiking van Platform31 en de monitoring.

## Vergunninghouders en asiel

De themagroep besprak de knellende asielopvang, aanvullende vormen van opvang in overleg met Rijk en
partners, en de situatie van derdelanders. Ook het jaarplan en de gezamenlijke lobby met de VNG kwamen
aan bod, met een vooruitblik op de bestuurlijke netwerkdag van 29 mei.

## Dakloze EU-migranten

Michelle Roelofsen en Ico Kloppenburg (VNG) gaven cijfers en duiding over deze groep en lieten een
hulpmiddel zien om na te gaan of een arbeidsmigrant recht heeft op opvang en ondersteuning. Sommige
steden, zoals Eindhoven, organiseren opvang, huisvesting en ondersteuning al in samenhang; andere nog
niet. Er is duidelijk behoefte aan meer kennisuitwisseling.
""",
    ),
    (
        "terugblik-deventer-fysieke-pijler",
        "fysieke-pijler",
        "Fysieke pijler: de woningmarkt in cijfers",
        "Het CBS nam de fysieke pijler mee langs de ontwikkelingen op de woningmarkt.",
        """\
In een volle raadzaal nam hoofdeconoom Peter Hein van Mulligen van het CBS de steden mee langs de
woningmarkt: de positie van jongeren, de invloed van vergrijzing en de verhuisbewegingen tussen regio's.

Een paar cijfers die bleven hangen:

- migranten hebben maar een klein aandeel in de vraag naar sociale huurwoningen;
- er zijn de afgelopen jaren weinig nieuwe corporatiewoningen opgeleverd;
- de meeste nieuwe eenpersoonshuishoudens ontstaan door vergrijzing.

Voor beleidsmakers is het waardevol om de feiten zo op een rij te krijgen: als onderbouwing van beleid,
en als extra motivatie voor de taaie opgave van de regionale woningmarkt.

Verder konden de collega's kiezen uit sessies over Europese fondsen voor duurzaamheid, circulair bouwen,
netcongestie, de woon-werkbalans en de nationale aanpak dakloosheid, inclusief dakloze EU-migranten.
""",
    ),
    (
        "terugblik-deventer-economie-en-werk",
        "pijler-economie-en-werk",
        "Pijler economie en werk: ruimte, mensen en energie",
        "Over migratie en economie, energie, de woon-werkbalans en de pilot ondernemersdienstverlening.",
        """\
Na de inleiding van Jaco Dagevos (SCP) over migratie discussieerde de pijler met stellingen via
Mentimeter. Nederland telt, afhankelijk van de definitie, tussen de 600.000 en 1.000.000
arbeidsmigranten. De stelling dat bedrijven die draaien op goedkope arbeid niet in Nederland thuishoren,
kreeg weinig steun: de zaal vroeg om nuance en om concrete voorstellen. Veel deelnemers vinden dat
migratie een grotere rol moet spelen in het gesprek over economische ontwikkeling.

Personeel en ruimte wogen even zwaar, maar ook **stroom** wordt steeds bepalender. In een gezamenlijke
bijeenkomst met de fysieke pijler pleitte Jurgen Schoorlemmer (Deventer) voor regie op het energiesysteem
van de toekomst, en leidde Jorn Koelemaij (Platform31) de woon-werkbalans in stad en regio in. Kingson Wu
(ministerie van EZK) presenteerde de ruimtelijk-economische verkenningen, bedoeld als input voor de
Nota Ruimte.

## MKB

Joost van Hoorn (Platform31) en Willem Bouwmans (VNG) vertelden over de pilot ondernemersdienstverlening,
en Eric Nijhuis (Deventer) over de aanpak in de regio Stedendriehoek. Er is veel hulp voor ondernemers,
maar ze vinden die moeilijk. In de pilot verbeteren gemeenten en aanbieders samen de dienstverlening,
zodat het mkb beter geholpen wordt op weg naar een circulaire, digitale en inclusieve economie.

Tijdens de lunch liepen deelnemers mee op twee rondwandelingen: door de binnenstad en over campus De Kien.
""",
    ),
    (
        "terugblik-deventer-financien",
        None,
        "Themagroep Financiën: de Voorjaarsnota",
        "David Rietveld (VNG) over de financiële gevolgen van de Voorjaarsnota voor gemeenten.",
        """\
De themagroep Financiën stond vooral stil bij de presentatie van David Rietveld (VNG) over wat de keuzes
van het kabinet in de Voorjaarsnota financieel betekenen voor gemeenten.

De volgende ambtelijke netwerkdag is op **donderdag 21 november 2024 in Dordrecht**.
""",
    ),
]


def placeholder_pdf(title: str) -> bytes:
    """A one-page PDF that stands in for a speaker's slides in the demo."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 760 Td (" + text + b") Tj 0 -28 Td /F1 12 Tf (Placeholder for the demo.) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def aware(date: datetime.date, clock_time: str) -> datetime.datetime:
    return clock.local_datetime(date, datetime.time.fromisoformat(clock_time))


class Command(BaseCommand):
    help = (
        "Load the demo: the Deventer netwerkdag of 24 April 2024, the bestuurlijke netwerkdag and Dordrecht."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-organiser", action="store_true", help="Do not create or reset the demo organiser account."
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            self.load()
        self.stdout.write(
            self.style.SUCCESS("Demo loaded: Deventer (24-04-2024), 29-05-2024, Dordrecht (21-11-2024).")
        )
        if settings.SITE_DATE != DEMO_SITE_DATE:
            self.stdout.write(
                f"Note: the demo is meant to be seen with SITE_DATE={DEMO_SITE_DATE.isoformat()} "
                "(`make run` sets it); on the real clock all three netwerkdagen are past."
            )
        if not options["no_organiser"]:
            self.create_organiser()

    def load(self):
        self.organisations = {}
        for name in G40_CITIES:
            self.organisations[name], _ = Organisation.objects.update_or_create(
                name=name, defaults={"kind": Organisation.Kind.G40_CITY}
            )
        for name, kind, website in ORGANISATIONS:
            self.organisations[name], _ = Organisation.objects.update_or_create(
                name=name, defaults={"kind": kind, "website": website}
            )
        for name, domains in EMAIL_DOMAINS.items():
            for domain in domains:
                EmailDomain.objects.update_or_create(
                    domain=domain, defaults={"organisation": self.organisations[name]}
                )

        self.pillars = {}
        for slug, name, position, description in PILLARS:
            self.pillars[slug], _ = Pillar.objects.update_or_create(
                slug=slug, defaults={"name": name, "position": position, "description": description}
            )
        self.theme_groups = {}
        for slug, name, pillar, description in THEME_GROUPS:
            self.theme_groups[slug], _ = ThemeGroup.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "pillar": self.pillars.get(pillar), "description": description},
            )
        self.speakers = {}
        for slug, name, sort_name, job_title, organisation, bio in SPEAKERS:
            self.speakers[slug], _ = Speaker.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "sort_name": sort_name,
                    "job_title": job_title,
                    "organisation": self.organisations.get(organisation),
                    "bio": bio,
                },
            )

        deventer = self.event(
            slug="ambtelijke-netwerkdag-deventer-2024",
            title="Ambtelijke netwerkdag Deventer",
            kind=Event.Kind.CIVIL_SERVANTS,
            date=datetime.date(2024, 4, 24),
            host_city=self.organisations["Deventer"],
            venue_name="Stadhuis Deventer",
            venue_address="Grote Kerkhof 4, 7411 KV Deventer",
            introduction=DEVENTER_INTRO,
            capacity=220,
            registration_opens_at=aware(datetime.date(2024, 2, 1), "09:00"),
            registration_closes_at=aware(datetime.date(2024, 4, 17), "23:59"),
        )
        self.programme(deventer, DEVENTER_SESSIONS)
        keynote = deventer.sessions.get(slug="keynote-migratie")
        slides = keynote.materials.first() or Material(session=keynote)
        slides.title = "Presentatie Jaco Dagevos"  # the page adds the file type: (PDF)
        if not slides.file:
            slides.file.save(
                "presentatie-jaco-dagevos-migratie.pdf",
                ContentFile(placeholder_pdf("Migratie in cijfers en in het debat - Jaco Dagevos")),
                save=False,
            )
        slides.save()
        # Who came: registrations with places, for the admin's lists and the participation report.
        load_demo_registrations(event=deventer)
        # Who came: check-ins at the desk and attendance at the sessions (the report's "aanwezig").
        load_demo_check_ins(event=deventer)
        # What they thought of it: the evaluation, with invitations and answers.
        load_demo_survey(event=deventer)

        self.event(
            slug="bestuurlijke-netwerkdag-2024",
            title="Bestuurlijke netwerkdag 2024",
            kind=Event.Kind.ADMINISTRATORS,
            date=datetime.date(2024, 5, 29),
            host_city=None,
            venue_name="",
            venue_address="",
            introduction=BESTUURLIJK_INTRO,
            capacity=None,
        )

        # Only one event can be announced: withdraw any other announcement first.
        Event.objects.filter(is_announced=True).exclude(slug="ambtelijke-netwerkdag-dordrecht-2024").update(
            is_announced=False
        )
        dordrecht = self.event(
            slug="ambtelijke-netwerkdag-dordrecht-2024",
            title="Ambtelijke netwerkdag Dordrecht",
            kind=Event.Kind.CIVIL_SERVANTS,
            date=datetime.date(2024, 11, 21),
            host_city=self.organisations["Dordrecht"],
            venue_name="",
            venue_address="Dordrecht",
            introduction=DORDRECHT_INTRO,
            is_announced=True,
            capacity=250,
            registration_opens_at=aware(datetime.date(2024, 4, 25), "09:00"),
            registration_closes_at=aware(datetime.date(2024, 11, 14), "23:59"),
            confirmation_text=(
                "De locatie en het definitieve programma ontvang je uiterlijk twee weken voor de "
                "netwerkdag. Dordrecht Centraal ligt op loopafstand van de binnenstad."
            ),
        )
        self.programme(dordrecht, DORDRECHT_SESSIONS)

        for slug, pillar, title, summary, body in RECAPS:
            Recap.objects.update_or_create(
                slug=slug,
                defaults={
                    "event": deventer,
                    "pillar": self.pillars.get(pillar),
                    "title": title,
                    "summary": summary,
                    "body": body,
                    "status": Status.PUBLISHED,
                    "published_at": aware(datetime.date(2024, 4, 30), "10:00"),
                },
            )

    def event(self, *, slug, **fields) -> Event:
        fields.setdefault("start_time", datetime.time(9, 30))
        fields.setdefault("end_time", datetime.time(16, 30))
        fields.setdefault("status", Status.PUBLISHED)
        event, _ = Event.objects.update_or_create(slug=slug, defaults=fields)
        return event

    def programme(self, event: Event, sessions: list[DemoSession]) -> None:
        for demo in sessions:
            session, _ = Session.objects.update_or_create(
                event=event,
                slug=demo.slug,
                defaults={
                    "title": demo.title,
                    "kind": demo.kind,
                    "start_time": datetime.time.fromisoformat(demo.start),
                    "end_time": datetime.time.fromisoformat(demo.end),
                    "location": demo.location,
                    "description": demo.description,
                    "capacity": demo.capacity,
                    "takes_registrations": demo.takes_registrations,
                },
            )
            session.pillars.set([self.pillars[slug] for slug in demo.pillars])
            session.theme_groups.set([self.theme_groups[slug] for slug in demo.theme_groups])
            for position, (speaker_slug, role) in enumerate(demo.speakers):
                SessionSpeaker.objects.update_or_create(
                    session=session,
                    speaker=self.speakers[speaker_slug],
                    defaults={"role": role, "position": position},
                )

    def create_organiser(self):
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(
            username=DEMO_USERNAME, defaults={"email": "organisator@example.org", "first_name": "Demo"}
        )
        user.is_staff = True
        user.is_superuser = False
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
        self.stdout.write(
            "\n"
            "  Demo organiser account (a new password on every load):\n"
            f"    admin:    {settings.SITE_URL}/beheer/\n"
            f"    username: {DEMO_USERNAME}\n"
            f"    password: {password}\n"
        )
