# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, build the graph from the bundled data, serve it at http://127.0.0.1:5000
#   make test   create .venv, install with the test extras, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
STORE ?= var/graph
HOST ?= 127.0.0.1
PORT ?= 5000
BIN = $(VENV)/bin

.PHONY: run build serve test install system clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Front-end libraries (YASGUI, sigma.js, graphology) from the npm registry;
# the web app serves them from node_modules/, never from a CDN.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed node_modules/.package-lock.json

# System packages the tests use (Java, Virtuoso, Chromium, npm); see the script.
system:
	scripts/install-system-deps

build: install
	$(BIN)/echos-graph build --store $(STORE)

run: build
	$(BIN)/echos-graph serve --store $(STORE) --host $(HOST) --port $(PORT)

test: system install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache
