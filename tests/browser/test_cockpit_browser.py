"""The organiser's cockpit in Chromium at 1280 px: the programme screen built as an organiser would,
counting clicks and fields; no page of it scrolls sideways, and neither axe nor the
Content-Security-Policy finds anything."""

import datetime
import json
import re

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from playwright.sync_api import expect

from g40events.models import Event, Organisation
from registrations import services
from registrations.models import Place, Registration
from registrations.services import PersonData
from sessions.models import Session
from tests.browser.axe import axe_violations
from tests.browser.csp import ViolationWatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The seven-item programme of issue 9 took about 165 clicks and fields before the programme screen.
MOST_CLICKS_AND_FIELDS = 60


class Organiser:
    """Drives the page and counts what a person does: each click, each field filled or ticked,
    each choice made in a list."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def fill(self, label: str, value: str):
        self.count += 1
        self.page.get_by_label(label, exact=True).fill(value)

    def tick(self, label: str):
        self.count += 1
        self.page.get_by_label(label, exact=True).click()

    def choose(self, label: str, option: str):
        self.count += 1
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def add_session(self):
        self.click(self.page.get_by_role("button", name="Sessie toevoegen"))
        assert self.page.locator(".errornote").count() == 0, self.page.locator(
            "#sessie-formulier"
        ).inner_text()


def overflow(page) -> int:
    """How far the page reaches beyond the window's width (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


# The lines of each column heading as the browser laid them out: per character its box, a new line
# where a character sits lower than the one before. Text only screen readers get is left out.
HEADING_LINES = """() => Array.from(document.querySelectorAll("thead th")).map(th => {
  const lines = [];
  let top = null;
  const range = document.createRange();
  const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(".visually-hidden")) continue;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box || !node.data[i].trim()) continue;
      if (top === null || box.top > top + 1) { lines.push(""); top = box.top; }
      else if (/\\s/.test(node.data[i - 1] || "")) lines[lines.length - 1] += " ";
      lines[lines.length - 1] += node.data[i];
    }
  }
  return {text: th.textContent.replace(/\\s+/g, " ").trim(), lines, overflows: th.scrollWidth > th.clientWidth};
})"""


def headings_split_mid_word(page) -> dict[str, list[str]]:
    """The column headings that the browser breaks inside a word, or that stick out of their cell,
    each with its rendered lines (a heading that wraps between words is fine: joined with spaces,
    its lines give its words). Headings that are not displayed have no lines."""
    return {
        heading["text"]: heading["lines"]
        for heading in page.evaluate(HEADING_LINES)
        if heading["lines"]
        and (heading["overflows"] or " ".join(heading["lines"]).split() != heading["text"].split())
    }


def test_organiser_builds_the_seven_item_programme_in_at_most_60_clicks_and_fields(
    live_server, organiser_page
):
    page = organiser_page
    Event.objects.create(
        title="Ambtelijke netwerkdag Ede 2024",
        slug="ambtelijke-netwerkdag-ede-2024",
        date=datetime.date(2024, 10, 10),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(16, 30),
        host_city=Organisation.objects.filter(kind=Organisation.Kind.G40_CITY).first(),
    )
    page.goto(live_server.url + "/beheer/g40events/event/")
    organiser = Organiser(page)

    organiser.click(page.get_by_role("link", name="Ambtelijke netwerkdag Ede 2024"))
    organiser.click(page.locator(".object-tools").get_by_role("link", name="Programma", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Programma van Ambtelijke netwerkdag Ede 2024")

    # 1. The opening plenary: the form starts at the start of the day.
    organiser.fill("Eindtijd:", "10:00")
    organiser.fill("Titel:", "Opening door de burgemeester")
    organiser.choose("Soort:", "Plenair")
    organiser.fill("Zaal:", "Raadzaal")
    organiser.add_session()
    # 2–4. Three pillar sessions with a speaker each, in one slot after the opening.
    organiser.fill("Eindtijd:", "11:30")
    organiser.fill("Titel:", "Bestaanszekerheid in de wijk")
    organiser.fill("Zaal:", "Zaal 1")
    organiser.tick("Sociale pijler")
    organiser.fill("Sprekers:", "Femke de Vries")
    organiser.tick("Aanmelden:")
    organiser.fill("Aantal plaatsen:", "40")
    organiser.add_session()
    organiser.fill("Titel:", "Netcongestie en woningbouw")
    organiser.fill("Zaal:", "Zaal 2")
    organiser.tick("Fysieke pijler")
    organiser.fill("Sprekers:", "Jaco Dagevos")
    organiser.add_session()
    organiser.fill("Titel:", "Het mkb in de binnenstad")
    organiser.fill("Zaal:", "Zaal 3")
    organiser.tick("Pijler economie en werk")
    organiser.fill("Sprekers:", "Piet Jansen")
    organiser.add_session()
    # 5. A joint session of two theme groups, in the same slot.
    organiser.fill("Titel:", "Armoede en wonen: samen optrekken")
    organiser.fill("Zaal:", "Zaal 4")
    organiser.tick("Armoede en schulden")
    organiser.tick("Woningmarkt")
    organiser.add_session()
    # 6. The lunch walk.
    organiser.fill("Begintijd:", "12:15")
    organiser.fill("Eindtijd:", "13:15")
    organiser.fill("Titel:", "Lunchwandeling door de binnenstad")
    organiser.choose("Soort:", "Rondwandeling of excursie")
    organiser.fill("Zaal:", "Hoofdingang stadhuis")
    organiser.fill("Aantal plaatsen:", "25")
    organiser.add_session()
    # 7. The closing, for everyone.
    organiser.fill("Begintijd:", "15:45")
    organiser.fill("Eindtijd:", "16:30")
    organiser.fill("Titel:", "Afsluiting en borrel")
    organiser.choose("Soort:", "Plenair")
    organiser.fill("Zaal:", "Raadzaal")
    organiser.tick("Aanmelden:")
    organiser.add_session()

    print(
        f"\nThe seven-item programme took {organiser.count} clicks and fields (at most {MOST_CLICKS_AND_FIELDS})."
    )
    assert organiser.count <= MOST_CLICKS_AND_FIELDS
    event = Event.objects.get(slug="ambtelijke-netwerkdag-ede-2024")
    sessions = [
        (
            f"{s.start_time:%H:%M}–{s.end_time:%H:%M}",
            s.kind,
            s.title,
            s.location,
            sorted([p.name for p in s.pillars.all()] + [g.name for g in s.theme_groups.all()]),
            [r.speaker.name for r in s.speaker_roles.all()],
            s.takes_registrations,
            s.capacity,
        )
        for s in Session.objects.filter(event=event).order_by("start_time", "title")
    ]
    assert sessions == [
        ("09:30–10:00", "plenary", "Opening door de burgemeester", "Raadzaal", [], [], False, None),
        (
            "10:00–11:30",
            "parallel",
            "Armoede en wonen: samen optrekken",
            "Zaal 4",
            ["Armoede en schulden", "Woningmarkt"],
            [],
            True,
            40,
        ),
        (
            "10:00–11:30",
            "parallel",
            "Bestaanszekerheid in de wijk",
            "Zaal 1",
            ["Sociale pijler"],
            ["Femke de Vries"],
            True,
            40,
        ),
        (
            "10:00–11:30",
            "parallel",
            "Het mkb in de binnenstad",
            "Zaal 3",
            ["Pijler economie en werk"],
            ["Piet Jansen"],
            True,
            40,
        ),
        (
            "10:00–11:30",
            "parallel",
            "Netcongestie en woningbouw",
            "Zaal 2",
            ["Fysieke pijler"],
            ["Jaco Dagevos"],
            True,
            40,
        ),
        (
            "12:15–13:15",
            "tour",
            "Lunchwandeling door de binnenstad",
            "Hoofdingang stadhuis",
            [],
            [],
            True,
            25,
        ),
        ("15:45–16:30", "plenary", "Afsluiting en borrel", "Raadzaal", [], [], False, None),
    ]
    # The programme as the organiser sees it, in time order, on one screen.
    rows = page.locator("#programma tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.nth(2).locator("td").nth(0)).to_have_text("10:00–11:30 Parallelsessie")
    assert overflow(page) <= 0


def test_session_changed_on_its_own_page_returns_to_the_programme(live_server, organiser_page):
    page = organiser_page
    event = Event.objects.get(slug="ambtelijke-netwerkdag-deventer-2024")
    session = event.sessions.filter(kind="parallel").order_by("start_time", "title").first()
    page.goto(f"{live_server.url}/beheer/programme/session/programma/{event.pk}/")

    page.locator("#programma").get_by_role("link", name=session.title, exact=True).click()
    page.wait_for_url(re.compile(r"/change/\?next="))
    expect(page.locator(".breadcrumbs").get_by_role("link", name="Programma", exact=True)).to_have_count(1)
    page.get_by_label("Titel:").fill(session.title + " (gewijzigd)")
    page.get_by_role("button", name="Opslaan", exact=True).first.click()

    expect(page).to_have_url(
        f"{live_server.url}/beheer/programme/session/programma/{event.pk}/#sessie-{session.pk}"
    )
    assert f"“{session.title} (gewijzigd)” is opgeslagen." in page.locator(".messagelist").inner_text()


def test_session_pickers_speak_dutch(live_server, organiser_page):
    page = organiser_page
    session = Session.objects.filter(event__slug="ambtelijke-netwerkdag-deventer-2024").first()

    page.goto(f"{live_server.url}/beheer/programme/session/{session.pk}/change/")

    expect(page.locator("#id_pillars_add_all")).to_have_text("Kies alle pijlers")
    expect(page.locator("#id_theme_groups_remove_all")).to_have_text("Verwijder alle themagroepen")
    expect(page.get_by_text("Nog een spreker in sessie toevoegen")).to_have_count(1)


def cockpit_pages(event) -> dict[str, str]:
    session = event.sessions.filter(takes_registrations=True).first()
    pages = {
        "netwerkdagen": "/beheer/g40events/event/",
        "netwerkdag": f"/beheer/g40events/event/{event.pk}/change/",
        "programma": f"/beheer/programme/session/programma/{event.pk}/",
        "sessie wijzigen op het programma": f"/beheer/programme/session/programma/{event.pk}/?sessie={session.pk}",
        "sessie": f"/beheer/programme/session/{session.pk}/change/",
    }
    from django.urls import NoReverseMatch, reverse

    for name, (url_name, args) in {
        "overzicht": ("admin:registrations_event_dashboard", [event.pk]),
        "aanmelding toevoegen": ("admin:registrations_registration_add_for_event", [event.pk]),
    }.items():
        try:
            pages[name] = reverse(url_name, args=args)
        except NoReverseMatch:
            pass
    return pages


# What axe faults in Django's own admin widgets, which we leave as Django ships them (README, "The
# organiser's cockpit"): the autocomplete's select2 combobox has no name while it is empty, and the
# two-pane selector puts an aria-label on its search icon's span. Anything else on a page is ours.
DJANGO_OWN = {"aria-input-field-name": "select2", "aria-prohibited-attr": "help-tooltip"}


def ours(violations: list) -> list:
    return [
        violation
        for violation in violations
        if violation["id"] not in DJANGO_OWN
        or any(DJANGO_OWN[violation["id"]] not in " ".join(node) for node in violation["nodes"])
    ]


def busy_session(event) -> tuple[Session, Registration]:
    """A session of the netwerkdag with at least two confirmed places, and a registration with a
    place in it; where nobody signed up yet (Dordrecht in the demo), two people sign up."""
    confirmed = Q(places__status=Place.Status.CONFIRMED, places__registration__status="active")
    sessions = event.sessions.filter(takes_registrations=True, capacity__gte=2)
    session = sessions.annotate(taken=Count("places", filter=confirmed)).order_by("-taken", "pk").first()
    if session.taken < 2:
        for name in ["Anna de Vries", "Bram Jansen"]:
            email = f"{name.split()[0].lower()}@dordrecht.nl"
            services.register(
                event=event, person=PersonData(name=name, email=email), session_ids=[session.pk]
            )
    registration = Registration.objects.filter(
        places__session=session, places__status=Place.Status.CONFIRMED, status="active"
    ).first()
    return session, registration


# The admin's header, sidebar and footer are the same on both days' pages: axe checks whole pages
# for Deventer (a past day, full of registrations), and the content only for Dordrecht (upcoming).
# The list of netwerkdagen is one page for both days: it is checked with Deventer's.
@pytest.mark.parametrize(
    ("slug", "axe_scope", "with_list"),
    [
        ("ambtelijke-netwerkdag-deventer-2024", None, True),
        ("ambtelijke-netwerkdag-dordrecht-2024", "#content", False),
    ],
    ids=["deventer", "dordrecht"],
)
def test_cockpit_pages_fit_1280_pixels_and_have_no_axe_or_csp_violations(
    live_server, organiser_page, slug, axe_scope, with_list
):
    page = organiser_page
    watch = ViolationWatch(page)
    event = Event.objects.get(slug=slug)
    session, registration = busy_session(event)
    places = session.capacity
    too_wide, split_headings, violations = {}, {}, {}

    def check(name, scope=axe_scope):
        watch.note()
        assert page.get_by_role("heading", level=1).count() == 1, name
        if (beyond := overflow(page)) > 0:
            too_wide[name] = beyond
        if split := headings_split_mid_word(page):
            split_headings[name] = split
        if found := ours(axe_violations(page, include=scope)):
            violations[name] = found
        watch.forget()

    pages = {
        **cockpit_pages(event),
        # Organisers act on registrations (issue 9.3): change a person's sessions, or cancel.
        "sessies wijzigen of afmelden": reverse(
            "admin:registrations_registration_sessions", args=[registration.pk]
        ),
    }
    if not with_list:
        del pages["netwerkdagen"]
    for name, path in pages.items():
        page.goto(live_server.url + path)
        check(name)
    # Lowering the places below those taken: the warning that names who is over, on the programme
    # screen and on the session's own page. axe checks the programme screen's form, which holds the
    # warning (the rest of the screen was checked above).
    lowering = {
        "plaatsen verlagen op het programma": (
            f"/beheer/programme/session/programma/{event.pk}/?sessie={session.pk}",
            "Wijzigingen opslaan",
            "#sessie-formulier",
        ),
        "plaatsen verlagen op de sessie": (
            f"/beheer/programme/session/{session.pk}/change/",
            "Opslaan",
            axe_scope,
        ),
    }
    for name, (path, button, scope) in lowering.items():
        page.goto(live_server.url + path)
        page.get_by_label("Aantal plaatsen:", exact=True).fill("1")
        page.get_by_role("button", name=button, exact=True).first.click()
        expect(page.get_by_text("Bevestig dat je de sessie met deze gevolgen wilt opslaan")).to_be_visible()
        expect(page.get_by_text("boven het maximum")).to_be_visible()
        check(name, scope)

    assert list(pages) + list(lowering) == ["netwerkdagen"] * with_list + [
        "netwerkdag",
        "programma",
        "sessie wijzigen op het programma",
        "sessie",
        "overzicht",
        "aanmelding toevoegen",
        "sessies wijzigen of afmelden",
        "plaatsen verlagen op het programma",
        "plaatsen verlagen op de sessie",
    ]
    assert too_wide == {}
    assert split_headings == {}
    assert violations == {}, json.dumps(
        {k: [(v["id"], len(v["nodes"]), v["nodes"][:3]) for v in vs] for k, vs in violations.items()}
    )
    assert watch.found == {}, watch.report()
    session.refresh_from_db()
    assert session.capacity == places  # warned, not saved


# Admin pages with our own settings, templates or widgets, beyond the cockpit's.
OTHER_ADMIN_PAGES = [
    "/beheer/g40events/pillar/",
    "/beheer/g40events/event/add/",
    "/beheer/programme/session/add/",
    "/beheer/checkin/checkin/add/",
    "/beheer/checkin/attendance/add/",
]


def test_admin_pages_with_our_settings_have_no_axe_or_csp_violations_of_our_own(live_server, organiser_page):
    page = organiser_page
    watch = ViolationWatch(page)
    violations = {}
    for path in OTHER_ADMIN_PAGES:
        watch.visit(live_server.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        if found := ours(axe_violations(page)):
            violations[path] = found
        watch.forget()

    assert violations == {}, json.dumps(violations, indent=2)
    assert watch.found == {}, watch.report()


def test_programme_form_errors_are_announced_and_tied_to_their_fields(live_server, organiser_page):
    page = organiser_page
    event = Event.objects.get(slug="ambtelijke-netwerkdag-dordrecht-2024")
    page.goto(f"{live_server.url}/beheer/programme/session/programma/{event.pk}/")

    page.get_by_label("Begintijd:").fill("18:00")
    page.get_by_label("Eindtijd:").fill("19:00")
    page.get_by_role("button", name="Sessie toevoegen").click()

    expect(page.locator(".errornote")).to_have_text("Verbeter de fouten hieronder.")
    assert re.search("Dit veld is verplicht", page.locator("#sessie-formulier").inner_text())
    assert page.get_by_label("Titel:").get_attribute("aria-invalid") == "true"
    # The form with its errors (the sweep above checks the whole screen).
    assert axe_violations(page, include="#sessie-formulier") == []
