# Labo: `make run` to try it, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: run install test lint-structure test-postgres concurrency bench bench-postgres bench-photo bench-live load cluster lint messages check-migrations snapshot documents clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/uvicorn labo.asgi:application --host $(word 1,$(subst :, ,$(HOST))) --port $(word 2,$(subst :, ,$(HOST))) \
	  --reload --reload-dir labo --reload-dir sessions --reload-dir ateliers --reload-dir commandes --reload-dir templates

test: install
	mkdir -p var
	$(MAKE) --no-print-directory lint-structure
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# Where things live (docs/architecture.md): ruff (a lazy import says why), the import
# contracts, and mypy over the code (tests excluded), 0 errors.
lint-structure: install
	$(BIN)/ruff check .
	@! grep -rn --include=*.py "noqa: PLC0415$$" labo sessions ateliers commandes manage.py \
	  || { echo "A lazy import (noqa: PLC0415) must say why: '# noqa: PLC0415 -- <reason>'"; exit 1; }
	$(BIN)/lint-imports
	$(BIN)/mypy

# The same suite on PostgreSQL (the local server, trust auth).
test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/labo} $(BIN)/python -m pytest

# The concurrency tests (agenda reorders, live counters, commande moves; edits against moves
# and reorders, stale forms of every kind) 20 runs in a row on PostgreSQL: a race that shows
# once in a while shows here. The edit/move/reorder race lasts LABO_RACE_SECONDS (60 in
# make test-postgres, 5 here, twenty times).
CONCURRENCY := tests/sessions/test_concurrency.py tests/ateliers/test_concurrency.py tests/commandes/test_concurrency.py tests/trust/test_lost_updates.py
concurrency: install
	for run in $$(seq 1 20); do \
	  LABO_RACE_SECONDS=$${LABO_RACE_SECONDS:-5} DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/labo} $(BIN)/python -m pytest -q $(CONCURRENCY) || { echo "run $$run failed"; exit 1; }; \
	done; echo "20 runs in a row passed"

# Five years of a lab on a scratch database, then every page and edit (make bench-postgres:
# the same on PostgreSQL). Nothing touches var/labo.sqlite3.
BENCH_SQLITE := sqlite:///var/bench.sqlite3
BENCH_PG := postgres://postgres@127.0.0.1:5432/labo_bench

bench: install
	mkdir -p var && rm -f var/bench.sqlite3
	DATABASE_URL=$(BENCH_SQLITE) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_SQLITE) $(BIN)/python manage.py bench

bench-postgres: install
	dropdb -h 127.0.0.1 -U postgres --if-exists labo_bench && createdb -h 127.0.0.1 -U postgres labo_bench
	DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py bench

# A 12-megapixel photo sent from Chromium on an emulated phone network (400 ms, 3 Mbit/s up),
# with static/js/photo.js and without JavaScript, on a scratch database (issue #15).
bench-photo: install
	mkdir -p var && rm -f var/bench-photo.sqlite3
	DATABASE_URL=sqlite:///var/bench-photo.sqlite3 $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=sqlite:///var/bench-photo.sqlite3 $(BIN)/python manage.py bench_photo

# The live room under load (issue #16): 300 simulated phones vote for 60 s while the
# projector's stream is open, on uvicorn: one app process, two (phones on one, projector on
# the other), then two workers on one port as deployed, on one scratch PostgreSQL database
# (`make bench-live PHONES=100 SECONDS=20` for less). Some six minutes.
PHONES ?= 300
SECONDS ?= 60
LIVEBENCH_PG := postgres://postgres@127.0.0.1:5432/labo_livebench
bench-live: install
	dropdb -h 127.0.0.1 -U postgres --if-exists --force labo_livebench && createdb -h 127.0.0.1 -U postgres labo_livebench
	DATABASE_URL=$(LIVEBENCH_PG) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(LIVEBENCH_PG) $(BIN)/python manage.py bench_live --phones $(PHONES) --seconds $(SECONDS)

# gunicorn on loopback over the five-year lab on PostgreSQL: throughput, then locust.
load: install
	$(BIN)/python -m pip install --quiet -e ".[dev,load]"
	dropdb -h 127.0.0.1 -U postgres --if-exists labo_bench && createdb -h 127.0.0.1 -U postgres labo_bench
	DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py seed_volume
	DATABASE_URL=$(BENCH_PG) $(BIN)/python manage.py loadtest

# Several machines on one (issue #19): HAProxy on loopback (Debian's package, installed if
# missing) in front of two app nodes (uvicorn, two workers each, a var folder each, one shared
# media folder), a document worker, a scratch PostgreSQL database and a Redis database of
# their own, over the five-year lab. A live room and a synthesis across nodes, then the locust
# scenario through HAProxy with one node killed half way: errors, sessions, lost writes.
# Logs in var/cluster/. `make cluster CLUSTER_USERS=20 CLUSTER_SECONDS=20` for a quick run.
CLUSTER_USERS ?= 50
CLUSTER_SECONDS ?= 60
CLUSTER_PG := postgres://postgres@127.0.0.1:5432/labo_cluster
CLUSTER_REDIS ?= redis://127.0.0.1:6379/13
CLUSTER_ENV = DATABASE_URL=$(CLUSTER_PG) REDIS_URL=$(CLUSTER_REDIS)

cluster: install
	test -x $(BIN)/locust || $(BIN)/python -m pip install --quiet -e ".[dev,load]"
	command -v haproxy >/dev/null || test -x /usr/sbin/haproxy || \
	  { apt-get install -y -q haproxy || sudo -n apt-get install -y -q haproxy; }
	dropdb -h 127.0.0.1 -U postgres --if-exists --force labo_cluster && createdb -h 127.0.0.1 -U postgres labo_cluster
	$(CLUSTER_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(CLUSTER_ENV) $(BIN)/python manage.py seed_volume
	$(CLUSTER_ENV) REDIS_KEY_PREFIX=labo-cluster-$$(date +%s) \
	  $(BIN)/python manage.py cluster --users $(CLUSTER_USERS) --seconds $(CLUSTER_SECONDS)

# Every page of the demo lab, for every persona, byte for byte against another commit:
# `make snapshot BASE=<git ref>` seeds the demo with the code of BASE (checked out by `git
# worktree` into a temporary folder, removed afterwards), renders it with BASE and with the
# working tree (uncommitted changes included), and compares: exit 1 on any difference. The
# database and both renderings stay in var/snapshot/ to look at. Some ten minutes.
SNAPSHOT = $(abspath $(BIN))/python $(CURDIR)/labo/devtools/snapshot.py
SNAP := $(CURDIR)/var/snapshot

snapshot: install
	@test -n "$(BASE)" || { echo "usage: make snapshot BASE=<git ref>"; exit 1; }
	mkdir -p $(SNAP)
	tmp=$$(mktemp -d) && trap 'git worktree remove --force "$$tmp/base" 2>/dev/null; rm -rf "$$tmp"' EXIT && \
	git worktree add --detach --quiet "$$tmp/base" "$(BASE)" && \
	(cd "$$tmp/base" && $(SNAPSHOT) seed $(SNAP)/demo.sqlite3 && \
	  $(SNAPSHOT) render $(SNAP)/demo.sqlite3 $(SNAP)/base) && \
	$(SNAPSHOT) render $(SNAP)/demo.sqlite3 $(SNAP)/work && \
	$(SNAPSHOT) compare $(SNAP)/base $(SNAP)/work

# Every document of the demo lab drawn to PNG pages in var/documents/ (each PDF beside its
# folder of pages), for a person to look at: the synthesis of each session, both agenda
# versions and the sign-in sheet of each day, the démarreur reports, the commande files, the
# programme review. A scratch lab in var/documents-lab/: var/labo.sqlite3 is not touched.
DOCS_LAB := $(CURDIR)/var/documents-lab
DOCS_ENV := LABO_VAR_DIR=$(DOCS_LAB) DATABASE_URL=sqlite:///$(DOCS_LAB)/demo.sqlite3

documents: install
	rm -rf $(DOCS_LAB) && mkdir -p $(DOCS_LAB)
	$(DOCS_ENV) $(BIN)/python manage.py migrate --noinput -v0
	$(DOCS_ENV) $(BIN)/python manage.py seed_demo
	$(DOCS_ENV) $(BIN)/python manage.py render_documents --out $(CURDIR)/var/documents

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: install
	$(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	$(BIN)/python manage.py compilemessages -l fr --ignore=.venv

clean:
	rm -rf $(VENV) var
