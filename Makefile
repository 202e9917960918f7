# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, build the graph from the bundled data, serve it at http://127.0.0.1:5000
#   make test   create .venv, install with the test extras, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
STORE ?= var/graph
HOST ?= 127.0.0.1
PORT ?= 5000
BIN = $(VENV)/bin

.PHONY: run build serve test install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

build: install
	$(BIN)/echos-graph build --store $(STORE)

run: build
	$(BIN)/echos-graph serve --store $(STORE) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var .pytest_cache
