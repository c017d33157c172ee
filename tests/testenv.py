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
