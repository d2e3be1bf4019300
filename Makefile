# newsevents: `make run` and `make test` are all a new user needs.
# Both create .venv from requirements.lock when it is missing or stale.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export AIRFLOW_HOME ?= $(CURDIR)/airflow_home
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__COSMOS__ENABLE_TELEMETRY := False
export AIRFLOW__COSMOS__CACHE_DIR := $(CURDIR)/airflow_home/cosmos_cache
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export NEWSEVENTS_HOME := $(CURDIR)

.PHONY: help venv run test lint format bench eval docs sql airflow clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "newsevents needs $(PYTHON)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# An old pip silently skips lxml_html_clean, and trafilatura then fails to import.
	$(BIN)/pip install -q -U pip
	# (grep drops pip's notes about this machine's optional local mirrors)
	$(BIN)/pip install -q --require-hashes --no-deps -r requirements.lock 2>&1 \
		| { grep -v "is ignored: it is neither a file nor a directory" || true; }; \
		test "$${PIPESTATUS[0]}" -eq 0
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)  ## create .venv from the lock file

run: $(STAMP)  ## run the whole pipeline once on the bundled sample sources
	$(BIN)/newsevents run

test: $(STAMP)  ## run the whole test suite (what CI runs)
	bash scripts/ci_system_deps.sh
	$(BIN)/python -m pytest -q tests

lint: $(STAMP)  ## ruff, mypy and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd dbt_project && ../$(BIN)/sqlfluff lint models analyses tests

format: $(STAMP)  ## apply ruff format and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)  ## performance figures (printed, not asserted)
	$(BIN)/python -m newsevents.bench

eval: $(STAMP)  ## precision and recall on both gold sets (samples/, ../shared/corpus/real)
	test -f data/warehouse.duckdb || $(BIN)/newsevents run --no-progress
	# Both sets print; the target fails afterwards when either is below its floors.
	status=0; \
	$(BIN)/newsevents eval --check || status=1; \
	$(BIN)/newsevents eval --corpus real --check || status=1; \
	exit $$status

airflow: $(STAMP)  ## local Airflow 3 (airflow standalone) on http://localhost:8080, sample sources
	mkdir -p $(AIRFLOW_HOME)
	# The DAG renders its dbt task group from this manifest (cheap parsing).
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .
	$(BIN)/airflow db migrate
	# DuckDB allows one writer: every task that writes the warehouse takes this pool's slot.
	$(BIN)/airflow pools set newsevents_warehouse 1 "DuckDB single writer"
	@echo "Airflow UI: http://localhost:8080 (health: /api/v2/monitor/health)"
	@echo "Login: admin, password in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated"
	@echo "Then unpause and trigger news_nightly; Ctrl-C stops Airflow."
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/airflow standalone

sql: $(STAMP)  ## read-only SQL shell on the published warehouse (reads piped SQL too; ARGS=--python)
	@$(BIN)/python -m newsevents.analyst shell $(ARGS)

DOCS_PORT ?= 8081
docs: $(STAMP)  ## generate the dbt docs site and serve it on http://127.0.0.1:$(DOCS_PORT)
	$(BIN)/python -m newsevents.analyst docs --port $(DOCS_PORT)

clean:  ## remove the venv, Airflow home and generated data
	rm -rf $(VENV) airflow_home data/*.duckdb dbt_project/target dbt_project/logs
