# g40events: `make run` serves the demo, `make test` runs the tests.
# The Python the virtualenv is made with: the system's own Python 3.11 where it has one with venv
# (Debian's /usr/bin/python3.11, built with profile-guided and link-time optimisation), else python3.
# On this project's machine the PostgreSQL test run took 140 s with Debian's 3.11.2 and 158 s with a
# pyenv build of 3.11.7, made without those optimisations (same run, back to back). `make
# PYTHON=python3.12` chooses another; an existing .venv keeps the Python it was made with.
SYSTEM_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(SYSTEM_PYTHON) -c 'import ensurepip, venv' 2>/dev/null && echo $(SYSTEM_PYTHON) || echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
# The demo's settings, kept in .env where the settings read them (see README): plain http, Django
# serves the uploads, and the site as it stood after the Deventer netwerkdag. Variables given to
# make or in the environment win over .env (`make run SITE_DATE=` runs on the real clock).
DEMO_SETTINGS = DEBUG=off HTTPS=off SERVE_MEDIA=on SITE_DATE=2024-05-01
# The demo's port: `make run PORT=8001` when 8000 is taken. The links in its e-mails and calendars
# follow (SITE_URL), unless SITE_URL is set in the environment or in .env.
PORT ?= 8000
ifneq ($(PORT),8000)
ifeq ($(shell grep -s '^SITE_URL=' .env),)
run demo: export SITE_URL ?= http://127.0.0.1:$(PORT)
endif
endif

.PHONY: run install install-test dotenv demo test lint fmt messages migrations-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pip runs again only when pyproject.toml changed since the last install: a second `make run`
# starts at once.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

install-test: $(VENV)/.installed-test
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

# Adds to .env what it lacks and keeps what it has: the secret key is made once (from an older
# checkout's .secret_key if there is one), and values edited by hand stay.
dotenv: $(BIN)/python
	@test -f .env || (umask 077 && printf '%s\n' "# The demo's settings, written by make run; the environment wins over them." > .env)
	@test -z "$$(tail -c 1 .env)" || echo >> .env
	@grep -q '^SECRET_KEY=' .env || echo "SECRET_KEY=$$(cat .secret_key 2>/dev/null || \
		$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
	@for setting in $(DEMO_SETTINGS); do \
		grep -q "^$${setting%%=*}=" .env || echo "$$setting" >> .env; \
	done

demo: install dotenv
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py load_demo

run: demo
	@echo
	@echo "  Serving the demo at http://127.0.0.1:$(PORT) (admin: http://127.0.0.1:$(PORT)/beheer/)."
	@echo "  A worker (manage.py db_worker) sends the e-mails beside the web server; they are printed"
	@echo "  in this terminal, unless EMAIL_URL points at a mail server."
	@echo
	$(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# One test process per core (pytest-xdist); each has its own test database. PYTEST_WORKERS=0 runs
# them in this process, e.g. to use a debugger. Compiled modules are kept even where the shell
# says not to (PYTHONDONTWRITEBYTECODE): every test process and every manage.py the tests start
# would compile the project and rewrite the tests anew, seconds each.
PYTEST_WORKERS ?= auto
test: install-test
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=on $(BIN)/python manage.py check_translations

# Update the English catalogue after changing translatable strings, then translate what it lists.
messages: install
	DEBUG=on $(BIN)/python manage.py check_translations --update

fmt: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	DEBUG=on $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-* .secret_key  # .env stays: it may hold your own settings
