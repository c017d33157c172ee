import contextlib
import datetime
import os
import shutil

import pytest
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

# Debian's headless build of Chromium (package chromium-headless-shell): the same Blink, V8 and
# DevTools as the browser, without its window. The browser (package chromium) in headless mode still
# draws its own window off screen, tab strip and loading throbber included, at each navigation: that
# took as much CPU as the pages themselves, half of all Chromium did in the test run. The browser is
# used where only it will do: its PDF viewer (`full_browser`).
CHROMIUM = "/usr/bin/chromium-headless-shell"
FULL_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session", autouse=True)
def _test_settings():
    """Settings for speed in tests. Passwords are hashed with a fast hasher: the real one takes a
    quarter of a second on purpose, once for each account a test makes and each sign-in. WhiteNoise
    finds a static file when it is asked for, as under DEBUG, rather than listing every app's files
    each time a test client starts (which took seconds of every test run)."""
    from django.test import override_settings

    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], WHITENOISE_AUTOREFRESH=True
    ):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, the test database's commits do not wait for the disk (synchronous_commit=off):
    the browser, concurrency and page-cache tests commit thousands of times, and each commit
    waited ~0.4 ms for a flush of the log that a test database never needs."""
    from django.db import connections

    for connection in connections.all(initialized_only=False):
        if connection.vendor == "postgresql":
            options = connection.settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


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


def launch_chromium(playwright, executable, **options):
    """Launches Debian's Chromium at `executable`; skips where it is missing, except in CI."""
    if not shutil.which(executable):
        package = os.path.basename(executable)
        if os.environ.get("CI") == "true":
            pytest.fail(f"{executable} is missing: CI must install Debian's {package} package.")
        pytest.skip(f"{executable} is not installed (apt-get install {package})")
    return playwright.chromium.launch(executable_path=executable, headless=True, **options)


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    """Debian's headless Chromium driven by Playwright."""
    browser = launch_chromium(playwright, CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def full_browser(playwright):
    """Debian's Chromium browser itself (headless), for what the headless build lacks: its PDF viewer."""
    browser = launch_chromium(playwright, FULL_CHROMIUM, args=CHROMIUM_ARGS)
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


@pytest.fixture
def organiser_page(live_server, demo, page):
    """The demo, and `page` signed in to its admin as an organiser (a superuser)."""
    from django.contrib.auth import get_user_model

    from tests.browser.sign_in import sign_in

    user = get_user_model().objects.create_superuser("beheer", "beheer@g40steden.nl", "een-lang-wachtwoord")
    sign_in(page, live_server, user)
    return page


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory, worker_id):
    """A SQLite database that `manage.py migrate` made in a process of its own, as `make run` makes
    db.sqlite3; for the tests that run the site in processes of their own. Made once per test run:
    the first test process to ask makes it, the others wait for it (migrating takes seconds)."""
    import fcntl
    import subprocess
    import sys

    from django.conf import settings

    from tests.sqlite_files import copy_sqlite

    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent  # the folder all xdist workers of this run share
    database = shared / "migrated.sqlite3"
    with open(shared / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            making = shared / "migrating.sqlite3"
            environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
            result = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
                cwd=settings.BASE_DIR,
                env={
                    **environment,
                    "DATABASE_URL": f"sqlite:///{making}",
                    "SECRET_KEY": "x" * 50,
                    "ENV_FILE": "",
                },
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr
            copy_sqlite(making, database)
    return database


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


def _add_listed_test_domains(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """Puts the listed test domains in the database whenever it is made or emptied: after the
    migrations that make the test database, and after each flush that empties it (Django's
    transactional tests). Tests in a transaction find them as they find the migrations' rows."""
    if sender.label != "g40events":
        return
    from g40events.models import EmailDomain, Organisation

    organisation, _ = Organisation.objects.using(using).get_or_create(
        name="Testorganisatie met bekende e-maildomeinen", defaults={"kind": Organisation.Kind.OTHER}
    )
    for domain in LISTED_TEST_DOMAINS:
        EmailDomain.objects.using(using).get_or_create(domain=domain, defaults={"organisation": organisation})


post_migrate.connect(_add_listed_test_domains, dispatch_uid="g40events-tests-listed-domains")


# Rows made by migrate for every app, which no test changes: the flush after each transactional
# test leaves them (making them anew took ~50 queries per test), so the post_migrate that follows
# the flush need not look them up app by app (_quick_flush).
KEPT_ON_FLUSH = frozenset({"django_content_type", "auth_permission"})


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    """Transactional tests (browser, concurrency, page cache) empty every table after each test.
    They keep the content types and permissions (KEPT_ON_FLUSH). On PostgreSQL, Django empties the
    tables with one TRUNCATE of all ~100, which costs a second or more per test (a new file per
    table); a test leaves a few rows, which DELETE removes in milliseconds. Django's foreign keys on
    PostgreSQL are DEFERRABLE INITIALLY DEFERRED and flush runs in one transaction, so the order of
    the DELETEs does not matter. Sequences are reset as before when asked.

    After the flush, post_migrate goes to the g40events app alone, not to all ~50: the content types
    and permissions it would look up app by app (~150 queries) are kept, and the rows a flush does
    remove that a receiver puts back (the listed test domains) hang on g40events' signal."""
    from django.apps import apps
    from django.core.management.commands import flush
    from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQL
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLite

    PostgreSQLOperations, SQLiteOperations = PostgreSQL.ops_class, SQLite.ops_class

    postgresql_flush, sqlite_flush = PostgreSQLOperations.sql_flush, SQLiteOperations.sql_flush

    def postgresql_sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in KEPT_ON_FLUSH]
        if not tables or reset_sequences or allow_cascade:
            return postgresql_flush(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # One statement of ~100 DELETEs: one round trip instead of one per table.
        return [
            " ".join(
                f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
                for table in tables
            )
        ]

    def sqlite_sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in KEPT_ON_FLUSH]
        return sqlite_flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)

    def emit_post_migrate_signal_for_g40events(verbosity, interactive, db, **kwargs):
        app_config = apps.get_app_config("g40events")
        post_migrate.send(
            sender=app_config,
            app_config=app_config,
            verbosity=verbosity,
            interactive=interactive,
            using=db,
            **kwargs,
        )

    emit_post_migrate_signal = flush.emit_post_migrate_signal
    PostgreSQLOperations.sql_flush, SQLiteOperations.sql_flush = postgresql_sql_flush, sqlite_sql_flush
    flush.emit_post_migrate_signal = emit_post_migrate_signal_for_g40events
    yield
    PostgreSQLOperations.sql_flush, SQLiteOperations.sql_flush = postgresql_flush, sqlite_flush
    flush.emit_post_migrate_signal = emit_post_migrate_signal


# The demo as the browser tests load it, kept per test process after its first load: loading it
# (organisations, two netwerkdagen, sign-ups, check-ins, a survey) takes seconds, putting its rows
# back takes milliseconds.
_demo_snapshot: "DemoSnapshot | None" = None


@pytest.fixture
def demo(settings, tmp_path, tmp_path_factory, live_server, transactional_db):
    """The demo (without its organiser account), on the site clock of 1 May 2024, with its uploads
    in this test's MEDIA_ROOT and its links pointing at the live server. For tests that commit, as
    browser tests do: the first such test of a process loads it with `load_demo`, each later one
    gets the same rows and files back."""
    from django.core.management import call_command

    settings.SITE_DATE = datetime.date(2024, 5, 1)
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = live_server.url
    global _demo_snapshot
    if _demo_snapshot is not None:
        _demo_snapshot.restore(media_root=tmp_path)
        return
    call_command("load_demo", no_organiser=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _demo_snapshot = DemoSnapshot.take(media_root=tmp_path, store=tmp_path_factory.mktemp("demo"))


class DemoSnapshot:
    """Every table's rows and the uploaded files, as they stand, to be put back after a test has
    emptied the tables (Django's transactional tests do) or changed them.

    On PostgreSQL the rows are copied out and back with COPY (text format: values come back exactly
    as they went out); on SQLite they are kept in a database file of their own, attached while they
    are copied. Foreign keys are checked at commit on both (Django declares them deferred), so the
    tables go back in any order. Sequences are left alone: they only go up, so they are past every
    kept id.
    """

    def __init__(self, tables, rows, media):
        self.tables, self.rows, self.media = tables, rows, media

    @classmethod
    def take(cls, *, media_root, store):
        from django.db import connection

        tables = sorted(
            set(connection.introspection.django_table_names(only_existing=True, include_views=False))
            - KEPT_ON_FLUSH
        )
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            rows = {}
            with connection.cursor() as cursor:
                for table in tables:
                    with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                        rows[table] = b"".join(bytes(block) for block in copy)
        else:
            rows = store / "demo.sqlite3"
            with connection.cursor() as cursor, cls._attached(cursor, rows):
                for table in tables:
                    cursor.execute(
                        f"CREATE TABLE snapshot.{quote(table)} AS SELECT * FROM main.{quote(table)}"
                    )
        media = store / "media"
        shutil.copytree(media_root, media)
        return cls(tables, rows, media)

    def restore(self, *, media_root):
        from django.db import connection, transaction

        quote = connection.ops.quote_name
        postgresql = connection.vendor == "postgresql"
        with connection.cursor() as cursor, contextlib.ExitStack() as stack:
            if not postgresql:
                stack.enter_context(self._attached(cursor, self.rows))
            with transaction.atomic():
                deletes = [f"DELETE FROM {quote(table)};" for table in self.tables]
                for statement in [" ".join(deletes)] if postgresql else deletes:  # PostgreSQL: one trip
                    cursor.execute(statement)
                for table in self.tables:
                    if not postgresql:
                        cursor.execute(
                            f"INSERT INTO main.{quote(table)} SELECT * FROM snapshot.{quote(table)}"
                        )
                    elif self.rows[table]:
                        with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN") as copy:
                            copy.write(self.rows[table])
        shutil.copytree(self.media, media_root, dirs_exist_ok=True)

    @staticmethod
    @contextlib.contextmanager
    def _attached(cursor, path):
        """The SQLite file at `path` as the schema `snapshot` (outside a transaction, as SQLite wants)."""
        cursor.execute("ATTACH DATABASE %s AS snapshot", [str(path)])
        try:
            yield
        finally:
            cursor.execute("DETACH DATABASE snapshot")
