# Developer commands: `make site` builds the sample site, `make test` runs every test,
# `make docs` builds the documentation into site/.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.installed-site
DOCS_STAMP := $(VENV)/.installed-docs
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test lint serve docs audit clean test-deps bench fuzz messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Building a site needs cchcgen only; the docs and the tests install their extras.
$(SITE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(DOCS_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $@ $(SITE_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	touch $@ $(DOCS_STAMP) $(SITE_STAMP)

site: $(SITE_STAMP)
	$(BIN)/cchcgen build

serve: $(SITE_STAMP)
	$(BIN)/cchcgen serve

docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict  # no end-of-life banner of the theme

test-deps:
	bash scripts/install-test-deps.sh
	bash scripts/vendor-cms.sh

lint: $(TEST_STAMP)
	$(BIN)/ruff check cchcgen tests docs
	$(BIN)/ruff format --check cchcgen tests docs
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(TEST_STAMP) test-deps lint
	$(BIN)/python -m pytest -q

# Messages: extract every _("...") into the catalogue, keep the translations, compile them
MESSAGES := cchcgen/locales/messages
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
		--project cchcgen --copyright-holder "cchcgen" -o $(MESSAGES)/cchcgen.pot cchcgen
	$(BIN)/pybabel update -i $(MESSAGES)/cchcgen.pot -d $(MESSAGES) -D cchcgen \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d $(MESSAGES) -D cchcgen

# 10,000 random sites through load and check (tests/test_fuzz.py); FUZZ=n for another count
fuzz: $(TEST_STAMP)
	CCHCGEN_FUZZ_EXAMPLES=$(or $(FUZZ),10000) $(BIN)/python -m pytest -q tests/test_fuzz.py -k many_examples

# Benchmark on a synthetic site (bench/README.md); e.g. BENCH_ARGS="--posts 500 --edits 5".
# BENCH_COMPARE=/path/to/run.sh adds the comparison with Hugo and Pelican (optional).
# The summary table goes into README.md's Performance section too.
# Step h opens the preview in Chromium: the test extras and Debian's chromium (test-deps).
bench: $(TEST_STAMP) test-deps
	$(BIN)/python bench/bench.py $(if $(BENCH_COMPARE),--compare $(BENCH_COMPARE)) \
		--readme README.md $(BENCH_ARGS)

# Optional: AUDITOR=/path/to/an/auditor runs an external audit (HTML, accessibility, links,
# feeds) on the built site. No auditor is part of this repository.
audit: site
	@test -n "$(AUDITOR)" || { echo "make audit needs AUDITOR=/path/to/an/auditor"; exit 2; }
	$(AUDITOR) public/

clean:
	rm -rf public site .pytest_cache .hypothesis audit-out
