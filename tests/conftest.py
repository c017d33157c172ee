import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rolling back the database does not empty it (nor make
    the page cache forget the time window it worked out for the content of another test)."""
    from django.core.cache import cache

    from pagecache.middleware import forget_window

    cache.clear()
    forget_window()


@pytest.fixture(autouse=True)
def _no_language_left_over():
    """Each test starts without an active language: the locale middleware activates a request's
    language in the thread and leaves it there, so a test client visit in English would otherwise
    turn the next test's e-mails and messages English (seen under xdist's test order)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright; skips where Chromium is missing, except in CI."""
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium package.")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def camera_browser(browser):
    """Launches a Chromium of its own whose camera shows a given video (a .y4m file), and lets any
    page use it without asking: `camera_browser(path)`. The launch arguments differ from the shared
    browser's, so it is a browser of its own; it comes from the same Playwright (one per thread) and
    Chromium, and skips or fails where `browser` does."""
    launched = []

    def launch(video):
        launched.append(
            browser.browser_type.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
        )
        return launched[-1]

    yield launch
    for camera in launched:
        camera.close()


@pytest.fixture
def page(browser):
    """A fresh browser page at desktop width, in Dutch."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A fresh browser page at phone width."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


# The domains of the addresses that tests sign up with, unless a test is about an address that must
# first be confirmed: listed for an organisation, as a city lists its own, so that such a sign-up
# takes its places at once. Addresses at other domains (e.g. @prive.example) need the link.
LISTED_TEST_DOMAINS = [
    "example.org",
    "gemeente.example",
    "dordrecht.example",
    "deventer.example",
    "ede.example",
]


@pytest.fixture(autouse=True)
def _listed_test_domains(request):
    if request.node.get_closest_marker("django_db") is None:
        return
    from g40events.models import EmailDomain, Organisation

    organisation, _ = Organisation.objects.get_or_create(
        name="Testorganisatie met bekende e-maildomeinen", defaults={"kind": Organisation.Kind.OTHER}
    )
    for domain in LISTED_TEST_DOMAINS:
        EmailDomain.objects.get_or_create(domain=domain, defaults={"organisation": organisation})


@pytest.fixture(scope="session", autouse=True)
def _empty_tables_by_delete_on_postgresql():
    """Transactional tests (browser, concurrency, page cache) empty every table after each test.
    Django does that with one TRUNCATE of all ~100 tables, which on PostgreSQL costs a second or more
    per test (a new file per table); a test leaves a few rows, which DELETE removes in milliseconds.
    Django's foreign keys on PostgreSQL are DEFERRABLE INITIALLY DEFERRED and flush runs in one
    transaction, so the order of the DELETEs does not matter. Sequences are reset as before when asked."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate
