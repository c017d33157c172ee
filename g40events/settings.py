"""Settings for g40events, read from the environment through django-environ.

Production differs from development by environment variables only: DEBUG=off, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL, EMAIL_URL, CACHE_URL. A .env file in the project folder may hold them
too (the demo's, written by `make run`); the real environment wins over it.
"""

import datetime
import email.utils
import ipaddress
import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Settings may also come from a .env file in the project folder (`make run` writes the demo's), so
# that every management command works there as it is; variables in the real environment win.
# ENV_FILE names another file; empty, none is read (the tests read none: tests/testenv.py).
ENV_FILE = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    if os.path.exists(ENV_FILE):
        environ.Env.read_env(ENV_FILE)
    elif "ENV_FILE" in os.environ:
        raise ImproperlyConfigured(f"ENV_FILE is {ENV_FILE!r}, which does not exist.")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=on for development."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The address the site is reached at, for links in e-mails and calendar files.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The demo shows the site as it stood after the Deventer netwerkdag; a real deployment
# leaves SITE_DATE unset and runs on the real clock (see g40events.clock).
_site_date = env.str("SITE_DATE", default="")
try:
    SITE_DATE = datetime.date.fromisoformat(_site_date) if _site_date else None
except ValueError as error:
    raise ImproperlyConfigured(f"SITE_DATE must be a date as YYYY-MM-DD, not {_site_date!r}.") from error

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "import_export",
    "simple_history",
    # Object permissions (theme-group coordinators): loads each app's rules.py.
    "rules.apps.AutodiscoverRulesConfig",
    "g40events",
    "speakers",
    "sessions.apps.SessionsConfig",
    "registrations",
    "checkin",
    "surveys",
    "pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "g40events.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "g40events.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change of content in its history (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a locked-out admin login into the lockout page (see AXES_* below).
    "axes.middleware.AxesMiddleware",
    # Last, so that a cached page still passes through the middleware above (pagecache/middleware.py).
    "pagecache.middleware.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "g40events.urls"

TEMPLATES = [
    {
        # The public pages (templates/jinja2/): Jinja2 draws them several times faster than Django's
        # template language (bench/README.md, "Why Jinja2"). Only this folder: it never sees the
        # admin's templates, and nothing asks Django's engine below for a "jinja2/..." name.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "g40events.jinja2.environment"},
    },
    {
        # The admin (its own templates and ours in templates/admin/) and the e-mails (templates/registrations/).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "g40events.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at BEGIN, so two sign-ups cannot both
    # read "one place left"; WAL lets readers go on while one writer holds it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests use a file, not SQLite's shared in-memory database: the concurrency tests open one
    # connection per thread, and shared-cache memory databases fail fast instead of waiting for locks.
    # One file per test process, so that test runs side by side do not share it.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", env.str("SQLITE_TEST_NAME", default=f"/tmp/g40events-test-{os.getpid()}.sqlite3")
    )
# Keep connections between requests: a new PostgreSQL connection costs about 7 ms, and a new SQLite
# one 2-3 ms of CPU (its pragmas, Django's SQL functions, and every statement compiled afresh).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://g40events")}
# With the local-memory cache (one per process) the page cache keeps its content version in this
# file, which every process on the machine reads; empty: a file in the temporary folder named
# after the database (pagecache/versions.py).
PAGE_CACHE_VERSION_FILE = env.str("PAGE_CACHE_VERSION_FILE", default="")
# The places left that the programme shows are at most this old: a sign-up does not empty the page
# cache, and a page with places is kept this long (registrations/programme.py).
PROGRAMME_PLACES_SECONDS = env.int("PROGRAMME_PLACES_SECONDS", default=60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Speakers' uploads wait here for approval: outside MEDIA_ROOT, never served by the web server.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
# How many days a speaker's personal upload link works.
SPEAKER_UPLOAD_LINK_DAYS = env.int("SPEAKER_UPLOAD_LINK_DAYS", default=21)
# Hashed, compressed static files after `collectstatic` in production; the tests and DEBUG
# serve them straight from the source folders.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Files served at the site's root: /favicon.ico, which browsers ask for whatever icon a page links.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded materials (presentations) may be large slide decks.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A programme from a spreadsheet (sessions/spreadsheets.py): an exported cell never starts a formula.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="G40 netwerkdagen <netwerkdag@g40steden.nl>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where visitors report an accessibility problem (the accessibility statement names it).
ACCESSIBILITY_CONTACT_EMAIL = env.str(
    "ACCESSIBILITY_CONTACT_EMAIL", default=email.utils.parseaddr(DEFAULT_FROM_EMAIL)[1]
)
# Seconds to wait for the mail server: a server that hangs must not hold up a sign-up for long.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Registrations (see registrations/services.py).
# Sign-up POSTs per client address and window in seconds, counted in the shared cache. Generous:
# colleagues from one city hall arrive from one NAT address, and a few of them submit twice after
# a typing error: 300 per 10 minutes lets a whole city hall through and still stops a flood.
_limit, _window = env.str("REGISTRATION_RATE_LIMIT", default="300/600").split("/")
REGISTRATION_RATE_LIMIT = (int(_limit), int(_window))
# How long a sign-up waits for a busy session's lock on PostgreSQL before "probeer het zo nog eens".
REGISTRATION_LOCK_TIMEOUT = env.str("REGISTRATION_LOCK_TIMEOUT", default="5s")
# A sign-up from an address outside the organisations' listed e-mail domains waits this many hours
# for its owner to confirm it through the link in the mail; unconfirmed, it lapses (it holds no place).
REGISTRATION_CONFIRM_HOURS = env.int("REGISTRATION_CONFIRM_HOURS", default=48)
# A repeated sign-up mails the address again (its link, or "already registered") at most once in
# this many minutes; a repeat within that time is answered alike on screen and sends nothing.
REGISTRATION_REPEAT_MAIL_MINUTES = env.int("REGISTRATION_REPEAT_MAIL_MINUTES", default=60)
# Registrations are anonymised this many days after their netwerkdag (manage.py anonymise_registrations).
REGISTRATION_ANONYMISE_AFTER_DAYS = env.int("REGISTRATION_ANONYMISE_AFTER_DAYS", default=90)
# A message that fails for a temporary reason (mail server away, 4xx) is tried this many times in
# all, 5, 10, 20 ... minutes apart (at most 6 hours): the default covers about a day and a half.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=12)
# SMTP connections over which one send task sends side by side (registrations/emails.py): each
# message waits for four or five answers of the mail server, so a few connections keep the worker
# busy while the server answers.
EMAIL_CONNECTIONS = env.int("EMAIL_CONNECTIONS", default=4)

# Background work (every e-mail, reminders) runs as tasks (django-tasks, the backport of Django 6's
# django.tasks) stored in the database and run by `manage.py db_worker`. TASKS_BACKEND=
# django_tasks.backends.immediate.ImmediateBackend runs each task at once in the process that
# enqueues it (the tests do; no worker needed).
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

LOGIN_URL = "admin:login"

# The admin login (/beheer/) is throttled per account and address (django-axes): after
# ADMIN_LOGIN_FAILURE_LIMIT failed attempts for one username from one client address, that username
# is locked at that address for ADMIN_LOGIN_COOLOFF_MINUTES (every further attempt starts it again).
# Colleagues behind the same city-hall address log in as usual, and so does the same person from
# elsewhere. The client address is the one the sign-up rate limit counts (g40events/proxies.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AXES_FAILURE_LIMIT = env.int("ADMIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("ADMIN_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "g40events.proxies.client_address"
AXES_LOCKOUT_CALLABLE = "g40events.security.admin_login_locked_out"
# A successful login forgets that account's failures at that address.
AXES_RESET_ON_SUCCESS = True
# Failed attempts are kept until their cool-off ends; successful logins are not logged.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner on every manage.py command.
AXES_VERBOSE = False

# Security: strict in production. HTTPS=off is for serving on plain http, as the demo does.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
# Load balancers check /health/ over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The proxies in front of the app (addresses or networks): X-Forwarded-For is believed from these
# only, and the client is its right-most address that is not one of them (g40events/proxies.py).
# The default fits gunicorn on 127.0.0.1 behind a web server on the same machine.
TRUSTED_PROXIES = [
    value.strip() for value in env.list("TRUSTED_PROXIES", default=["127.0.0.0/8", "::1"]) if value.strip()
]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from error
# Content-Security-Policy (django-csp, g40events/security.py): nothing inline, nothing from other
# sites, no plugins, no <base>, forms post here only, and no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "upgrade-insecure-requests": HTTPS,
    }
}
# The admin's pages (under /beheer/) have the same policy: Django's admin runs no inline script and
# writes no inline style (its one <style> block, on a list without actions at top and bottom, no
# admin here asks for), and our admin pages link their styles (static/css/admin-*.css). The one
# exception is the preview of a mailing, which shows the e-mail with its inline styles
# (registrations/admin.py, MailingAdmin.add_view).
# Browser features no page uses are off (only names Chromium knows: others fill its console with
# errors); a view that needs one overrides the policy with
# django_permissions_policy.decorators.permissions_policy_override (g40events/security.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}
# Uploaded media are served by the web server in production; the demo lets Django serve them.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
SILENCED_SYSTEM_CHECKS = []

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
