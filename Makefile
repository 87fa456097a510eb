# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test build site export check bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/python -m generator build
	$(BIN)/mkdocs serve

test: $(STAMP)
	$(BIN)/python -m pytest -q

site: $(STAMP)
	$(BIN)/python -m generator site

bench: $(STAMP)
	$(BIN)/python -m generator.bench

build export check: $(STAMP)
	$(BIN)/python -m generator $@

clean:
	rm -rf $(VENV) site docs
