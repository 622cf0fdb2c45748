# acuclinic: `make run` sets everything up and serves; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.lock | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run serve worker test lint format bench migrate demo clean

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "acuclinic needs Python 3.12 or newer (set PYTHON=python3.12)"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

migrate: install
	@$(PY) manage.py migrate --noinput -v0

demo: migrate
	@$(PY) manage.py seed_demo

# Development server with the task worker beside it (decision 6).
run: demo
	@echo
	@echo "  acuclinic is running:"
	@echo "    website         http://$(HOST):$(PORT)/"
	@echo "    article         http://$(HOST):$(PORT)/articles/back-pain-relief-with-acupuncture/"
	@echo "    book online     http://$(HOST):$(PORT)/book/"
	@echo "    staff desk      http://$(HOST):$(PORT)/desk/  (calendar: /desk/calendar/)"
	@echo "    booking API     http://$(HOST):$(PORT)/api/docs"
	@echo "    website editor  http://$(HOST):$(PORT)/cms/"
	@echo "    patient portal  http://$(HOST):$(PORT)/portal/  (sign-in by e-mailed code, printed below)"
	@echo "    demo staff sign-in: demo (owner) or reception (front desk) / $${DEMO_PASSWORD:-acuclinic-demo}"
	@echo
	@trap 'kill 0' EXIT; \
	{ $(PY) manage.py db_worker --interval 2 2>&1 | grep --line-buffered -vE 'state=(RUNNING|SUCCESSFUL)$$'; } & \
	( while sleep 60; do $(PY) manage.py publish_scheduled >/dev/null; $(PY) manage.py sweep; done ) & \
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn, DEBUG off, static files through whitenoise, the worker, and the
# once-a-minute jobs. Plain http on loopback only (ACUCLINIC_INSECURE_LOOPBACK=1: no HTTPS
# redirect, HSTS or secure-only cookies; settings.py refuses it for any other host name).
# A real server: docs/deploy.md (systemd units and a reverse proxy with TLS in deploy/).
serve: export DEBUG = 0
serve: export ACUCLINIC_INSECURE_LOOPBACK = 1
serve: migrate
	@$(PY) manage.py collectstatic --noinput -v0
	@echo "  acuclinic (production-like) on http://$(HOST):$(PORT)/  health: /healthz"
	@trap 'kill 0' EXIT; \
	$(PY) manage.py db_worker & \
	( while sleep 60; do $(PY) manage.py publish_scheduled >/dev/null; $(PY) manage.py sweep; done ) & \
	$(VENV)/bin/gunicorn acuclinic.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2}

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The whole suite, browser tests included. DATABASE_URL=postgres://... runs it on PostgreSQL.
test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	$(PY) bench/engine.py
	$(PY) bench/run.py $(BENCH_ARGS)
	$(PY) bench/booking.py $(BENCH_ARGS)
	$(PY) bench/outcomes.py $(OUTCOMES_BENCH_ARGS)

clean:
	rm -rf $(VENV) var
