# Two commands for a fresh machine with Python 3.11+: `make build` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build test test-fast validate lint clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "cnaccel needs Python 3.11 or newer: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

validate: $(STAMP)
	$(BIN)/cnaccel validate
	$(BIN)/frictionless validate datapackage.json

build: validate
	$(BIN)/cnaccel build --out dist --with-dists

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard benchmarks)

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

# The edit-test loop: everything but fresh-venv installs, the browser and end-to-end dists.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf dist build .pytest_cache
