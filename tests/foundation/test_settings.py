import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The settings module alone, as Django reads it on first use: no apps are loaded.
PRINT = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "conn_max_age": db.get("CONN_MAX_AGE"), "options": {k: str(v) for k, v in db.get("OPTIONS", {}).items()},
    "email_backend": settings.EMAIL_BACKEND, "email_host": getattr(settings, "EMAIL_HOST", ""),
    "email_port": getattr(settings, "EMAIL_PORT", None), "cache": settings.CACHES["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE,
}))
"""


def settings_under(**env) -> dict:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "EMAIL_URL", "CACHE_URL", "DEBUG"}
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "g40events.settings", "SECRET_KEY": "x" * 50, **env})
    result = subprocess.run(
        [sys.executable, "-c", PRINT], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_settings_default_to_embedded_sqlite_and_console_mail():
    values = settings_under()
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["options"]["transaction_mode"] == "IMMEDIATE"
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert (values["language"], values["tz"]) == ("nl", "Europe/Amsterdam")


def test_settings_read_database_url_with_persistent_connections():
    values = settings_under(DATABASE_URL="postgres://g40:secret@db.internal:5433/g40events")
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["name"], values["host"]) == ("g40events", "db.internal")
    assert values["conn_max_age"] == 600


def test_settings_read_email_url():
    values = settings_under(EMAIL_URL="smtp://user:pw@mail.example.org:2525")
    assert values["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["email_host"], values["email_port"]) == ("mail.example.org", 2525)


def test_settings_read_cache_url():
    # Django's own Redis backend, as it is.
    assert (
        settings_under(CACHE_URL="redis://127.0.0.1:6379/1")["cache"]
        == "django.core.cache.backends.redis.RedisCache"
    )


def test_settings_refuse_to_start_without_secret_key_in_production():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env["DJANGO_SETTINGS_MODULE"] = "g40events.settings"
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.SECRET_KEY"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_pass_the_deployment_checks_in_production():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "g40events.settings",
            "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
            "ALLOWED_HOSTS": "netwerkdagen.g40steden.nl",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def environment_reads() -> dict[str, object]:
    """Each variable settings.py reads from the environment, with its default where that is a literal
    (a number or a text; None where the default is computed or empty)."""
    tree = ast.parse((ROOT / "g40events" / "settings.py").read_text())
    reads = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        reader = func.value if isinstance(func, ast.Attribute) else func
        if ast.unparse(reader) not in {"env", "os.environ"}:
            continue
        defaults = [keyword.value for keyword in node.keywords if keyword.arg == "default"] + node.args[1:2]
        literal = defaults[0].value if defaults and isinstance(defaults[0], ast.Constant) else None
        reads[node.args[0].value] = literal or None
    return reads


def readme_settings_table() -> dict[str, str]:
    """The README's table of settings from the environment: each variable with its default column."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Settings from the environment", 1)[1].split("\n#", 1)[0]
    table = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            names, default = line.split("|")[1:3]
            for name in re.findall(r"`([A-Z][A-Z0-9_]*)`", names):
                table[name] = default.strip()
    return table


def test_readme_documents_every_setting_read_from_the_environment_with_its_default():
    reads, table = environment_reads(), readme_settings_table()

    assert sorted(set(reads) - set(table)) == []
    assert sorted(set(table) - set(reads)) == []
    wrong_defaults = {
        name: (default, table[name])
        for name, default in reads.items()
        if default is not None and f"`{default}`" not in table[name]
    }
    assert wrong_defaults == {}
    # The parser sees what it must (a literal default, a call over two lines, os.environ):
    assert (reads["REGISTRATION_LOCK_TIMEOUT"], reads["EMAIL_TIMEOUT"], reads["LOG_LEVEL"]) == (
        "5s",
        10,
        "INFO",
    )
    assert {"ACCESSIBILITY_CONTACT_EMAIL", "ENV_FILE", "STATIC_ROOT"} <= set(reads)
