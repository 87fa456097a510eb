# Two commands on a fresh machine: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NPM_STAMP := node_modules/.installed

.PHONY: serve test build site export check bench clean screenshots

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Both scripts from one server, rebuilt on every save: `make serve PORT=8001` for another port.
PORT ?= 8000
serve: $(STAMP)
	$(BIN)/python -m generator serve --port $(PORT)

# axe-core for the accessibility browser test, pinned in package.json/package-lock.json, into node_modules/.
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

test: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m pytest -q --durations=15

# Replace the README's pictures in screenshots/ (a plain test run writes them to a temporary folder).
screenshots: $(STAMP)
	YANLU_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py -k screenshots

site: $(STAMP)
	$(BIN)/python -m generator site

bench: $(STAMP)
	$(BIN)/python -m generator.bench

build export check: $(STAMP)
	$(BIN)/python -m generator $@

clean:
	rm -rf $(VENV) site docs node_modules
