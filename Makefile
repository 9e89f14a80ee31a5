# FinOps Center: `make run` serves the demo, `make test` runs every check. Both set up what
# they need first (virtualenv, Python and npm dependencies, the SPA build, Chromium for tests).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.* frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: install run test lint typecheck pytest frontend-check e2e browser java openapi clean bench-load fuzz

install: $(VENV)/.installed frontend/node_modules/.installed frontend/dist/index.html

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	npm --prefix frontend run build --silent

run: install
	$(BIN)/finops db upgrade
	$(BIN)/finops demo load
	@echo "Open http://$(HOST):$(PORT) (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/finops serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (Playwright's own download does not work offline).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Spark (the exact-match tests of the Spark engine, docs/spark.md) runs on Java 17 or later.
java:
	@command -v java >/dev/null || { \
	  echo "installing Debian's Java 17 runtime for the Spark engine's tests"; \
	  echo "(elsewhere: any Java 17+ on PATH, e.g. apt-get install openjdk-17-jre-headless," \
	  echo " brew install openjdk@17, or https://adoptium.net)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

openapi: $(VENV)/.installed
	$(BIN)/finops openapi --out frontend/openapi.json

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

# pytest exits 5 when it collects no test: make treats that as a failure, as it should.
# --dist loadgroup keeps the Spark tests (xdist group "spark") on one worker: one JVM; and the
# tests reading the PostgreSQL demo (group "demo-postgres", tests/demo_seed.py) on one: one
# load. xdist hands out the biggest groups first, so the other worker takes the rest meanwhile.
pytest: $(VENV)/.installed java
	$(BIN)/pytest -q -n 2 --dist loadgroup

frontend-check: install openapi
	npm --prefix frontend run check-client
	npm --prefix frontend test
	npm --prefix frontend run lint

e2e: install browser
	npm --prefix frontend run e2e

test: install browser java lint typecheck pytest frontend-check e2e

# The API under load (benchmarks/load.py, README "Performance"): needs PostgreSQL on
# 127.0.0.1:5432 and wrk, installed from Debian's packages when missing. Not part of `make test`.
bench-load: $(VENV)/.installed
	@command -v wrk >/dev/null || { \
	  echo "installing Debian's wrk for the load benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python benchmarks/load.py $(BENCH_ARGS)

# Schemathesis against the OpenAPI document as each of the eight roles, 100 examples per
# operation, on SQLite and PostgreSQL (tests/contract, README "Testing the API contract").
# `make test` runs the same tests smaller (3 examples; PostgreSQL for two roles; the coverage
# phase for the Admin on both databases and the Product Owner on SQLite only).
fuzz: $(VENV)/.installed
	FINOPS_FUZZ=1 FINOPS_FUZZ_EXAMPLES=$${FINOPS_FUZZ_EXAMPLES:-100} \
	  FINOPS_FUZZ_DATABASES=$${FINOPS_FUZZ_DATABASES:-sqlite,postgres} \
	  $(BIN)/pytest -q -s -p no:xdist tests/contract/test_schemathesis.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var .mypy_cache .ruff_cache .pytest_cache
