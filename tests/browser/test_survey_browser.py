"""A participant fills in the evaluation in a real browser, by keyboard and without JavaScript; axe-core
checks the form, its error page and the pages after it (WCAG 2.1 AA) at phone and desktop width."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from surveys.models import Invitation, OpenAnswer, RatingCount
from tests.browser.axe import assert_no_violations_at_widths
from tests.surveys.helpers import DAY, netwerkdag, send, sign_up, survey_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(settings, live_server):
    event, wonen, _werken, walk = netwerkdag()
    survey_for(event)
    anna = sign_up(event, [wonen, walk], name="Anna de Vries", email="anna@ede.example")
    send(DAY + datetime.timedelta(days=1))
    settings.SITE_DATE = DAY + datetime.timedelta(days=2)
    return live_server.url + Invitation.objects.get(registration=anna).get_absolute_url()


def counts():
    return sorted(
        RatingCount.objects.filter(count__gt=0).values_list("session__title", "rating", "count"), key=str
    )


def test_answering_by_keyboard_with_an_error_first(link, browser):
    """At desktop width, where people answer by keyboard; axe checks each page at both widths."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(link)
    expect(page).to_have_title(re.compile(r"^Evaluatie Netwerkdag Ede"))
    assert_no_violations_at_widths(page, 390, 1280)

    # Nothing chosen: the error summary takes the focus and says what to do.
    page.get_by_role("button", name="Antwoorden versturen").click()
    expect(page).to_have_title(re.compile(r"^Fout: Evaluatie"))
    expect(page.locator("#fouten")).to_be_focused()
    expect(page.locator("#fouten")).to_contain_text("Beantwoord minstens één vraag")
    assert_no_violations_at_widths(page, 390, 1280)

    # By keyboard: into the first group (Wonen) and on to "4 – goed" with the arrow keys.
    wonen = page.get_by_role("group", name="Wonen (11:00–12:00)")
    wonen.get_by_label("1 – slecht").focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    expect(wonen.get_by_label("4 – goed")).to_be_checked()
    page.get_by_role("group", name="Hoe waardeer je deze netwerkdag?").get_by_label("5 – uitstekend").check()
    page.get_by_label("Wat neem je mee naar je werk?").fill("Nieuwe contacten in Zwolle")
    page.get_by_label("Wat neem je mee naar je werk?").press("Tab")
    page.keyboard.press("Tab")  # past "Wat kan beter?" to the button
    expect(page.get_by_role("button", name="Antwoorden versturen")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Bedankt voor je antwoorden · "))
    assert_no_violations_at_widths(page, 390, 1280)
    assert counts() == [("Wonen", 4, 1), (None, 5, 1)]
    assert list(OpenAnswer.objects.values_list("text", flat=True)) == ["Nieuwe contacten in Zwolle"]

    page.goto(link)
    expect(page.locator("h1")).to_have_text("Je hebt deze vragenlijst al ingevuld")
    assert_no_violations_at_widths(page, 390, 1280)
    context.close()


def test_answering_works_without_javascript(link, browser):
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 390, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(link)
    page.get_by_role("group", name="Wandeling (12:30–13:15)").get_by_label("3 – redelijk").check()
    page.get_by_role("button", name="Antwoorden versturen").click()

    expect(page).to_have_title(re.compile(r"^Bedankt voor je antwoorden · "))
    assert counts() == [("Wandeling", 3, 1)]
    context.close()
