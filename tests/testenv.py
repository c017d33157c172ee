"""Loaded by pytest before Django: test runs need no secrets from the environment."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("HTTPS", "off")
# Playwright's sync API runs an event loop in the test thread; the test's own database
# access there is still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("STATIC_MANIFEST", "off")
# A developer's .env (the demo's SITE_DATE, DEBUG, ...) must not leak into the tests: read none.
os.environ["ENV_FILE"] = ""
# Tasks (the e-mails) run at once, after the commit, in the test's own process; the tests that run
# a real worker say so for themselves.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")


def pytest_collection_finish(session):
    """After collection, the objects a test process holds for good (Django, the project, the
    collected tests) are moved out of the garbage collector's sight (gc.freeze), and young objects
    are collected less often: the collector's full passes over them took 5% of a test process's
    time (2-3 s each on SQLite's registrations and caching tests; 1.2 s after)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
