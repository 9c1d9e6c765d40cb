# gigwatch: the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PORT ?= 8501

# uv: the one on PATH, else a private copy installed into .tools/ on first use.
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(CURDIR)/.tools/bin/uv
endif

.PHONY: demo test test-chaos run lint bench install install-dev clean-demo i18n i18n-extract i18n-update i18n-compile i18n-init

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ (python3 -m venv + pip install uv)"
	python3 -m venv .tools && .tools/bin/pip install --quiet uv

install: $(if $(filter $(CURDIR)/.tools/bin/uv,$(UV)),$(UV))
	$(UV) sync --locked --no-dev --inexact

install-dev: $(if $(filter $(CURDIR)/.tools/bin/uv,$(UV)),$(UV))
	$(UV) sync --locked

## Build the demo lake (data/demo/) and serve the dashboard at http://localhost:$(PORT)
demo: install
	$(UV) run --no-sync gigwatch demo
	@echo "gigwatch demo dashboard: http://localhost:$(PORT)"
	$(UV) run --no-sync gigwatch dashboard --lake demo --port $(PORT)

## Run the whole test suite (browser and PostgreSQL tests skip, with a reason, when absent)
test: install-dev
	$(UV) run --no-sync pytest -m "not chaos"

## The heavy fault tests (kill -9, lock contention, PostgreSQL restarts)
test-chaos: install-dev
	$(UV) run --no-sync pytest -m chaos

## The real service: scheduler plus dashboard on the real lake (data/gigwatch/)
run: install
	$(UV) run --no-sync gigwatch init
	$(UV) run --no-sync gigwatch serve --port $(PORT)

lint: install-dev
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync mypy

## Benchmarks: prints every figure as JSON (see README "Performance")
bench: install-dev
	$(UV) run --no-sync python -m benchmarks --json

clean-demo:
	rm -rf data/demo

## Translations (Babel): extract the marked strings, merge them into every catalog, compile
LOCALES := dashboard/locale
i18n: i18n-extract i18n-update i18n-compile

i18n-extract:
	$(UV) run --no-sync pybabel extract -F babel.cfg --no-location --sort-output \
		--add-comments=Translators: --project=gigwatch --version=0.1.0 \
		--copyright-holder="gigwatch contributors" -o $(LOCALES)/messages.pot .

i18n-update:
	$(UV) run --no-sync pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages \
		--no-fuzzy-matching --ignore-obsolete

i18n-compile:
	$(UV) run --no-sync pybabel compile -d $(LOCALES) -D messages --statistics

## A new language: make i18n-init LANG=xx (then translate dashboard/locale/xx/LC_MESSAGES/messages.po)
i18n-init:
	$(UV) run --no-sync pybabel init -i $(LOCALES)/messages.pot -d $(LOCALES) -D messages -l $(LANG)
