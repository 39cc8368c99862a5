# Two commands for a newcomer: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PLUGINS := $(wildcard plugins/shequkit-*)

.PHONY: demo test lint typecheck unit docs schemas bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo runs the whole chain: provincial workbooks and rule packs, sync with the sandbox.
$(VENV)/.installed-base: pyproject.toml $(wildcard plugins/*/pyproject.toml) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[xlsx,sync]' $(addprefix -e ,$(PLUGINS))
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(wildcard plugins/*/pyproject.toml) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[xlsx,sync,test,docs]' $(addprefix -e ,$(PLUGINS))
	touch $@ $(VENV)/.installed-base

## demo: set up .venv and run the main job on embedded defaults
demo: $(VENV)/.installed-base
	$(BIN)/shequkit demo --out demo-output

## test: lint, type-check, run the test suite and build the docs strictly
test: lint typecheck unit docs

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests plugins benchmarks
	$(BIN)/ruff format --check src tests plugins benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict src/shequkit $(addsuffix /src,$(PLUGINS))

unit: $(VENV)/.installed-dev
	$(BIN)/pytest

docs: $(VENV)/.installed-dev
	$(BIN)/mkdocs build --strict --site-dir site

## bench: throughput against the peers; rewrites docs/performance.md (minutes, not in `make test`)
bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet -e '.[xlsx,bench]'
	$(BIN)/python -m benchmarks

## schemas: regenerate the checked-in JSON Schemas, the XSD and the issue-code page
schemas: $(VENV)/.installed-dev
	$(BIN)/python -m shequkit._generate

clean:
	rm -rf $(VENV) site demo-output .pytest_cache .mypy_cache .ruff_cache
