# Premia: `make run` serves the demo portal, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
BENCH  ?=
DB     ?= sqlite
# Locked versions, with hashes: `make lock` writes them from pyproject.toml (uv pip compile).
LOCK      := requirements.lock
TEST_LOCK := requirements-test.lock
UV        := uv==0.13.9
LOCK_ARGS ?=
LATEST    := .venv-latest
PIP       := --quiet --disable-pip-version-check

.PHONY: run test bench soak install install-test migrate demo i18n clean lock test-latest

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Premia needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/pip install $(PIP) --require-hashes -r $(LOCK)
	$(BIN)/pip install $(PIP) --no-deps -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(TEST_LOCK) | $(BIN)/python
	$(BIN)/pip install $(PIP) --require-hashes -r $(TEST_LOCK)
	$(BIN)/pip install $(PIP) --no-deps -e .
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/premia migrate

demo: migrate
	$(BIN)/premia demo

# Local http: session and CSRF cookies without the Secure flag; the scheduler runs inside the server.
run: demo
	PREMIA_COOKIE_SECURE=false PREMIA_SCHEDULER_IN_APP=true \
	PREMIA_ALLOWED_HOSTS="$${PREMIA_ALLOWED_HOSTS:-$(HOST):$(PORT),localhost:$(PORT),$(HOST),localhost}" \
	$(BIN)/premia serve --host $(HOST) --port $(PORT)

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

# Regenerate both lock files from pyproject.toml, keeping the locked versions that still fit
# (`make lock LOCK_ARGS=--upgrade` takes the newest). The test lock is constrained by the run lock,
# so `make run` and `make test` install the same versions of what they share.
lock: | $(BIN)/python
	$(BIN)/pip install $(PIP) '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' $(LOCK_ARGS) -o $(LOCK)
	$(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' $(LOCK_ARGS) --extra test -c $(LOCK) -o $(TEST_LOCK)

# The suite on the newest releases of the exactly pinned packages, in a venv of its own, so that an upstream
# change is seen before an upgrade is needed (pip reports the broken == pins; the tests say what broke).
# Not part of .ci/run: a second install and a second whole suite.
test-latest: | $(BIN)/python
	test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install $(PIP) -e '.[test]'
	-$(LATEST)/bin/pip install $(PIP) -U --upgrade-strategy eager \
		litestar litestar-htmx 'piccolo[sqlite,postgres]' aiosqlite 'uvicorn[standard]'
	$(LATEST)/bin/pip list | grep -iE '^(litestar|litestar-htmx|piccolo|aiosqlite|uvicorn) '
	$(LATEST)/bin/python -m pytest $(PYTEST_ARGS)

# Re-extract messages and merge them into the catalogues; then translate the new ru entries.
i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 --no-location --sort-output --omit-header -o portal/locale/messages.pot .
	$(BIN)/pybabel update -i portal/locale/messages.pot -d portal/locale -D messages --omit-header --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(LATEST) var
