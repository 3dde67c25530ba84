# Khối — everyday tasks. `make demo` and `make test` need nothing but Python 3.11 (+ root, or
# sudo, once for the Debian packages: scripts/install-system-deps.sh).
#
#   make demo      Debian packages, .venv, translations, database, demo data; then the web
#                  server on http://127.0.0.1:8000 and a Celery worker (embedded queue under
#                  var/celery, no Redis needed) — Ctrl-C stops both
#   make test      the whole test suite (PostgreSQL/Redis/browser tests skip when absent)
#   make help      all targets
#
# Override on the command line: make demo PORT=8080, make test PYTEST_ARGS='-x tests/khoi',
# make demo NO_SYSDEPS=1 (not Debian: install the packages yourself).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.NOTPARALLEL:

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV ?= .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-khoi
PIP_EXTRAS ?= test
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
SYSDEPS_FLAGS ?=
NO_SYSDEPS ?=
DEMO_SEED ?= seed_demo
WORKER_QUEUES ?= default,reports
# The same directory khoi/settings.py uses (KHOI_VAR_DIR, default var/).
VAR_DIR := $(or $(KHOI_VAR_DIR),var)

.PHONY: help venv sysdeps messages migrate vardirs demo run worker test check deploy-check \
        makemigrations-check clean clean-venv

help:
	@echo "make demo            set everything up, then run the web server ($(HOST):$(PORT)) and a worker"
	@echo "make test            run the whole test suite (PYTEST_ARGS='...' to narrow it)"
	@echo "make venv            create $(VENV) and install the project with [$(PIP_EXTRAS)] (again when pyproject.toml changes)"
	@echo "make sysdeps         install missing Debian packages (SYSDEPS_FLAGS=--browser adds chromium)"
	@echo "make messages        compile translations (locale/*.po -> .mo)"
	@echo "make migrate         apply migrations and create the cache table"
	@echo "make run | worker    only the web server | only a Celery worker"
	@echo "make deploy-check    manage.py check --deploy with production-like settings"
	@echo "make clean           remove caches and test output (clean-venv: also $(VENV))"

# --- environment --------------------------------------------------------------------------

sysdeps:
	@if [ -n "$(NO_SYSDEPS)" ]; then echo "sysdeps: skipped (NO_SYSDEPS set)"; \
	else PYTHON="$(PYTHON)" bash scripts/install-system-deps.sh $(SYSDEPS_FLAGS); fi

venv: $(STAMP)

# Re-runs only when pyproject.toml is newer than the stamp (or the venv is gone).
$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "No python3.11 or python3 on PATH: install Python 3.11." >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v < (3, 13) else "$(PYTHON) is Python %d.%d; Khối needs 3.11 (or 3.12)" % v)'
	@if [ ! -x $(VPY) ]; then \
	  echo "Creating $(VENV) with $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	    echo "Could not create a virtualenv. On Debian/Ubuntu: sudo apt-get install python3-venv (make sysdeps as root does it)." >&2; exit 1; }; \
	fi
	$(VPY) -m pip install --disable-pip-version-check -q --upgrade pip
	$(VPY) -m pip install --disable-pip-version-check -q -e '.[$(PIP_EXTRAS)]'
	@touch $@

vardirs:
	@mkdir -p $(VAR_DIR)/celery/queue $(VAR_DIR)/celery/processed $(VAR_DIR)/celery/control $(VAR_DIR)/media

# --- project ------------------------------------------------------------------------------

# compilemessages skips catalogs whose .mo is newer than the .po; msgfmt comes from gettext.
# (Without any .po file there is nothing to do — and compilemessages would refuse to run.)
PO_FILES = $(shell find . \( -path './$(VENV)' -o -path './.git' -o -path './$(VAR_DIR)' -o -name node_modules \) -prune -o -name '*.po' -print 2>/dev/null)
messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: make sysdeps (Debian package gettext)" >&2; exit 1; }
	$(if $(strip $(PO_FILES)),$(VPY) manage.py compilemessages -v 0 --ignore='$(VENV)' --ignore='.venv*' --ignore='node_modules' --ignore='$(VAR_DIR)',@echo "messages: no .po files yet")

migrate: $(STAMP) vardirs
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py createcachetable

# The worker runs in the background on the embedded transport (unless CELERY_BROKER_URL is
# set), the server in the foreground; when the server stops (Ctrl-C), the trap stops the worker.
demo: sysdeps venv messages migrate
	$(if $(DEMO_SEED),$(VPY) manage.py $(DEMO_SEED))
	@echo
	@echo "Khối demo: http://$(HOST):$(PORT)/   (Ctrl-C stops the server and the worker)"
	@echo
	@$(VPY) -m celery -A khoi worker -B -s $(VAR_DIR)/celery/beat-schedule -l info -c 1 -Q $(WORKER_QUEUES) & worker=$$!; \
	stop_worker() { \
	  if kill -0 $$worker 2>/dev/null; then \
	    kill -TERM $$worker 2>/dev/null; \
	    for _ in $$(seq 1 50); do kill -0 $$worker 2>/dev/null || break; sleep 0.2; done; \
	    kill -KILL $$worker 2>/dev/null || true; \
	  fi; wait $$worker 2>/dev/null || true; }; \
	trap stop_worker EXIT; trap 'exit 130' INT TERM; \
	$(VPY) manage.py runserver $(HOST):$(PORT)

run: venv vardirs
	$(VPY) manage.py runserver $(HOST):$(PORT)

worker: venv vardirs
	$(VPY) -m celery -A khoi worker -B -s $(VAR_DIR)/celery/beat-schedule -l info -c 1 -Q $(WORKER_QUEUES)

test: sysdeps venv messages
	$(VPY) -m pytest $(PYTEST_ARGS)

check: venv
	$(VPY) manage.py check

makemigrations-check: venv
	$(VPY) manage.py makemigrations --check --dry-run

deploy-check: venv
	DEBUG=0 SECRET_KEY="$$($(VPY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=khoi.example.org $(VPY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf .pytest_cache test-results build *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

clean-venv:
	rm -rf $(VENV)
