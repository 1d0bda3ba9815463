# Interstices — two commands for a newcomer: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# make run PORT=8001 HOST=0.0.0.0: the address served; links in e-mails follow it (SITE_URL).
HOST ?= 127.0.0.1
PORT ?= 8000

# First interpreter >= 3.12 among $PYTHON, python3.14..python3, then pyenv's installed versions.
define FIND_PYTHON
for c in "$${PYTHON:-}" python3.14 python3.13 python3.12 python3 \
    $$(ls -d "$$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
  [ -n "$$c" ] || continue; \
  if "$$c" -c 'import sys, venv; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo "$$c"; exit 0; fi; \
done; exit 1
endef
export FIND_PYTHON

.PHONY: help install run serve test test-postgres lint format migrations-check messages compilemessages bench screenshots clean

help:
	@echo "make run     installe, migre, charge la démo et sert http://$(HOST):$(PORT)"
	@echo "             autre adresse ou port : make run PORT=8001 (ou HOST=0.0.0.0 PORT=8001)"
	@echo "make test    lance toute la suite de tests (SQLite ; navigateur si Chromium est présent)"
	@echo "make serve   gunicorn avec les réglages de production (voir README)"
	@echo "make bench   banc d'essai gunicorn + PostgreSQL sur données volumineuses"
	@echo "make lint    ruff check + ruff format --check + lint-imports (couches, voir README)"
	@echo "make screenshots  captures 375 et 1280 px des pages principales dans docs/screenshots/"

$(STAMP): pyproject.toml
	@set -e; if [ ! -x $(PY) ]; then \
	  py=$$(bash -c "$$FIND_PYTHON") || { echo "Erreur : Python >= 3.12 introuvable (essayé \$$PYTHON, python3.14 … python3, pyenv). Installez Python 3.12 ou plus récent, ou indiquez-le : make run PYTHON=/chemin/vers/python3.12" >&2; exit 1; }; \
	  echo "Python : $$py ($$($$py --version))"; \
	  "$$py" -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

compilemessages: $(STAMP)
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt absent : les traductions compilées du dépôt (.mo) sont utilisées."; fi

run: $(STAMP) compilemessages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --if-empty
	@$(PY) manage.py demo_logins --base-url http://$(HOST):$(PORT)
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.prod $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=config.settings.prod $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.prod $(VENV)/bin/gunicorn config.wsgi \
	  --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --access-logfile -

# One test process per core (pytest-xdist): the suite is CPU-bound. TEST_WORKERS=0 runs it in one.
TEST_WORKERS ?= auto

test: $(STAMP) compilemessages
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-postgres: $(STAMP) compilemessages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/interstices} $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

messages: $(STAMP)
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=bench --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l en --ignore=.venv --ignore=static/vendor --no-obsolete
	$(PY) manage.py french_catalogue

bench: $(STAMP)
	$(PY) bench/run.py $(BENCH_ARGS)

# On a fresh demo in a temporary database (yours is untouched); needs Chromium, about a minute.
screenshots: $(STAMP) compilemessages
	$(PY) manage.py screenshots

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
