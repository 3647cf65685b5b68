# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000
PG_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/practicum)

.PHONY: bench run install setup worker periodic web test lint checks test-sqlite test-postgres test-browser messages lock clean

$(BIN)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Practicum needs Python 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
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
	DEBUG=1 $(MANAGE) load_demo

# Web server and background worker together; Ctrl-C stops both.
run: setup
	@echo "Practicum: http://127.0.0.1:$(PORT)/  (worker and periodic jobs alongside; Ctrl-C stops all)"
	@trap 'kill 0' INT TERM; \
	DEBUG=1 $(MANAGE) db_worker --interval 1 & \
	DEBUG=1 $(MANAGE) run_periodic --every 60 & \
	DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT) --noreload; \
	kill 0

# Production processes (DEBUG unset, SECRET_KEY and DATABASE_URL set in the environment).
web: install messages
	$(MANAGE) collectstatic --noinput
	$(BIN)/gunicorn practicum.wsgi --bind 0.0.0.0:$(PORT) --workers 3 --access-logfile -
worker: install messages
	$(MANAGE) db_worker
periodic: install messages
	$(MANAGE) run_periodic

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

checks: install
	$(MANAGE) makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	  FIELD_ENCRYPTION_KEYS=$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  ALLOWED_HOSTS=practicum.example.org $(MANAGE) check --deploy --fail-level WARNING

test-sqlite: install
	env -u DATABASE_URL $(BIN)/pytest -m "not browser" -q

# On CI (CI=true) a missing PostgreSQL or Chromium fails the run; elsewhere it is skipped with a note.
test-postgres: install
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect(sys.argv[1], dbname='postgres', connect_timeout=3).close()" "$(PG_URL)" 2>/dev/null; then \
	  DATABASE_URL="$(PG_URL)" $(BIN)/pytest -m "not browser" -q; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL does not answer at $(PG_URL): required on CI" >&2; exit 1; \
	else echo "SKIPPED: PostgreSQL does not answer at $(PG_URL)"; fi

test-browser: install
	@if [ -x /usr/bin/chromium ]; then \
	  env -u DATABASE_URL $(BIN)/pytest -m browser -q -p no:randomly; \
	elif [ "$$CI" = "true" ]; then echo "/usr/bin/chromium missing: required on CI" >&2; exit 1; \
	else echo "SKIPPED: /usr/bin/chromium missing (apt-get install -y chromium)"; fi

test: lint checks test-sqlite test-postgres test-browser

# Catalogues: each .po (project and per app) is the source; .mo is build output, compiled
# without system gettext and kept out of git.
messages: install
	$(BIN)/python -m practicum.lib.compile_messages

lock:
	$(BIN)/pip-compile -q --extra dev --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3* var/

# Speed as a ratio to a bare Django view on the same database (needs wrk: apt-get install wrk).
# Takes about 40 minutes with the defaults; BENCH_SIZES=small BENCH_DURATION=5 for a quick look.
bench: install
	$(BIN)/python bench/run.py
