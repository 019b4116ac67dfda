# Developer commands. `make site` builds the sample site, `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test lint serve audit clean test-deps bench fuzz

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/cchcgen build

serve: $(STAMP)
	$(BIN)/cchcgen serve

test-deps:
	bash scripts/install-test-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check cchcgen tests
	$(BIN)/ruff format --check cchcgen tests

test: $(STAMP) test-deps lint
	$(BIN)/python -m pytest -q

# 10,000 random sites through load and check (tests/test_fuzz.py); FUZZ=n for another count
fuzz: $(STAMP)
	CCHCGEN_FUZZ_EXAMPLES=$(or $(FUZZ),10000) $(BIN)/python -m pytest -q tests/test_fuzz.py -k many_examples

# Benchmark on a synthetic site (bench/README.md); e.g. BENCH_ARGS="--posts 500 --edits 5"
bench: $(STAMP)
	$(BIN)/python bench/bench.py --compare $(BENCH_ARGS)

audit: site
	../shared/audit/run public/

clean:
	rm -rf public .pytest_cache .hypothesis audit-out
