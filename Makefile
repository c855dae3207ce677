# Premia: `make run` serves the demo portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
BENCH  ?=
DB     ?= sqlite

.PHONY: run test bench soak install install-test migrate demo i18n clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Premia needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/premia migrate

demo: migrate
	$(BIN)/premia demo

# Local http: session and CSRF cookies without the Secure flag; the scheduler runs inside the server.
run: demo
	PREMIA_COOKIE_SECURE=false PREMIA_SCHEDULER_IN_APP=true $(BIN)/premia serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# wrk loads the servers; `make bench DB=pg` runs the page, claim, queue and close benches on PostgreSQL too.
bench: install-test
	@command -v wrk >/dev/null 2>&1 || \
		(apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null)
	PREMIA_BENCH_DB=$(DB) $(BIN)/python -m bench $(BENCH)

# Two app hosts behind HAProxy on PostgreSQL, 50 users for 5 minutes, one host killed midway (bench/soak.py).
soak: install-test
	@command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || \
		(apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy >/dev/null)
	$(BIN)/python -m bench.soak

# Re-extract messages and merge them into the catalogues; then translate the new ru entries.
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output --omit-header -o portal/locale/messages.pot .
	$(BIN)/pybabel update -i portal/locale/messages.pot -d portal/locale -D messages --omit-header --no-fuzzy-matching

clean:
	rm -rf $(VENV) var
