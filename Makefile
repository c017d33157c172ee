# g40events: `make run` serves the demo, `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The demo shows the site as it stood after the Deventer netwerkdag (see README).
SITE_DATE ?= 2024-05-01
DEMO_ENV = DEBUG=$${DEBUG:-off} HTTPS=$${HTTPS:-off} SERVE_MEDIA=$${SERVE_MEDIA:-on} \
	SITE_DATE=$(SITE_DATE) SECRET_KEY=$${SECRET_KEY:-$$(cat .secret_key)}

.PHONY: run install install-test demo test lint fmt messages migrations-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

.secret_key: $(BIN)/python
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key

demo: install .secret_key
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo

run: demo
	@echo
	@echo "  Serving the demo at http://127.0.0.1:8000 (admin: http://127.0.0.1:8000/beheer/)."
	@echo "  E-mails are printed in this terminal, unless EMAIL_URL points at a mail server."
	@echo
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-* .secret_key
