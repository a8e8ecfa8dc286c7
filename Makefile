# Two commands on a fresh machine: `make run` and `make test`. Both need only Python 3.11 and make.
# Settings come from the environment; a local .env file (see .env.example) is read too.
ifneq (,$(wildcard .env))
include .env
export
endif

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ARTICLES ?= 3000

.PHONY: install run serve test lint format check bench bench-quick loadtest validators

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

## Set up (first run: demo archive and sample article), print the admin login, serve on http://127.0.0.1:8000
run: install
	DJANGO_DEBUG=1 $(MANAGE) migrate --noinput
	DJANGO_DEBUG=1 $(MANAGE) prepare_demo --articles $(DEMO_ARTICLES) --address $(HOST):$(PORT)
	DJANGO_DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

## Serve the site as in production: gunicorn (config/gunicorn.conf.py), DEBUG off, compressed and
## cache-busted static files. With no DJANGO_SECRET_KEY set, a random throwaway one is made for this run only.
## On a loopback address (the default) nothing stands in front to speak https, so the redirect to https
## is off unless DJANGO_SECURE_SSL_REDIRECT says otherwise; behind a proxy, see docs/deployment.md.
LOOPBACK := $(filter 127.0.0.1 localhost ::1,$(HOST))
serve: install
	@if [ -z "$$DJANGO_SECRET_KEY" ]; then echo "DJANGO_SECRET_KEY is not set: using a random throwaway key for this local run only."; fi; \
	export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
		DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]}" HOST=$(HOST) PORT=$(PORT) \
		DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-$(if $(LOOPBACK),0,1)}"; \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) collectstatic --noinput --verbosity 0 && \
	exec $(BIN)/gunicorn --config config/gunicorn.conf.py

## Drive the server `make serve` runs (same database settings) with a reader's mix of pages for
## at most LOAD_REQUESTS requests or LOAD_SECONDS seconds over LOAD_CONCURRENCY connections
LOAD_REQUESTS ?= 5000
LOAD_SECONDS ?= 30
LOAD_CONCURRENCY ?= 8
loadtest: install
	DJANGO_DEBUG=1 $(MANAGE) loadtest --url http://$(HOST):$(PORT) --requests $(LOAD_REQUESTS) \
		--seconds $(LOAD_SECONDS) --concurrency $(LOAD_CONCURRENCY)

## The whole test suite, on SQLite or on the database DATABASE_URL names
test: install
	$(BIN)/python -m pytest

## The outside checkers the suite runs pages through when they are present (CI installs them):
## the W3C Nu Html Checker, from the npm registry, run on the system's Java.
VNU_VERSION := 26.9.27
validators:
	npm install --prefix var/tools --no-save --no-audit --no-fund --silent vnu-jar@$(VNU_VERSION)
	java -jar var/tools/node_modules/vnu-jar/build/dist/vnu.jar --version

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	DJANGO_DEBUG=1 $(MANAGE) check
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

## Time pages, search, the admin, suggestions, import and indexing on generated archives of BENCH_SIZES articles,
## SQLite then PostgreSQL; one table each, also written to the results in docs/benchmarks.md.
## Archives are generated on first use into var/bench/N.sqlite3 and BENCH_POSTGRES/BENCH_DATABASE_N, then reused.
BENCH_SIZES ?= 100000 1000000
BENCH_POSTGRES ?= postgres://root@127.0.0.1:5432
BENCH_DATABASE ?= newsroom_bench
# The benchmarks fetch pages through Django's test client: plain http, hundreds of searches from one address.
BENCH_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=benchmark-only DJANGO_ALLOWED_HOSTS=testserver \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SEARCH_RATE_LIMIT=0 DJANGO_FEED_RATE_LIMIT=0
bench: install
	mkdir -p var/bench
	for size in $(BENCH_SIZES); do \
		$(BENCH_ENV) DATABASE_URL=sqlite:///$(CURDIR)/var/bench/$$size.sqlite3 $(MANAGE) benchmark --articles $$size || exit 1; \
		if [ -n "$(BENCH_POSTGRES)" ]; then \
			$(BENCH_ENV) DATABASE_URL=$(BENCH_POSTGRES)/$(BENCH_DATABASE)_$$size $(MANAGE) benchmark --articles $$size || exit 1; \
		fi; \
	done

## A few minutes' smoke test that every measurement answers, on 10,000 articles, both databases; writes no
## results. Its archives are made afresh each time, so an interrupted run never leaves one half-made.
bench-quick: install
	mkdir -p var/bench
	rm -f var/bench/quick.sqlite3*
	$(BENCH_ENV) DATABASE_URL=sqlite:///$(CURDIR)/var/bench/quick.sqlite3 $(MANAGE) benchmark --quick
	if [ -n "$(BENCH_POSTGRES)" ]; then \
		psql "$(BENCH_POSTGRES)/postgres" -qc 'DROP DATABASE IF EXISTS "$(BENCH_DATABASE)_quick"' && \
		$(BENCH_ENV) DATABASE_URL=$(BENCH_POSTGRES)/$(BENCH_DATABASE)_quick $(MANAGE) benchmark --quick; \
	fi
