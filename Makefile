# Two commands: `make run` starts the app, `make test` runs the whole suite (browser tests included).
# Python 3.11 (what the app is built and tested with): python3.11 where there is one, else python3,
# whose version is checked before the virtual environment is made.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# --retries 0: requirements.txt names PyTorch's CPU index; where it cannot be reached (a closed
# network that has torch on disk) pip asks it once per package; five retries with back-off each
# made resolving a fresh install take 332 s instead of 23 s (measured here).
PIP_INSTALL := $(BIN)/pip install --quiet --retries 0

.PHONY: run test test-fast soak lint clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' || { \
	  echo "This app needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install python3.11, or run: make PYTHON=/path/to/python3.11 ..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/streamlit run streamlit_app.py --server.port $(PORT) --server.address 0.0.0.0

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The two halves run side by side: the browser tests mostly wait (on the server and Chromium)
# while the rest computes. Each half's output is printed whole, the browser half's first.
test: lint
	@$(BIN)/python -m pytest --ignore=tests/e2e > .pytest-pages.log 2>&1 & pages=$$!; \
	$(BIN)/python -m pytest tests/e2e; browser=$$?; \
	wait $$pages; rest=$$?; cat .pytest-pages.log; rm -f .pytest-pages.log; \
	test $$browser -eq 0 -a $$rest -eq 0

# The inner loop: lint, the lessons and the pages in AppTest (no browser), on two processes
# (pytest-xdist; 2 min here, 3.5 in one).
test-fast: lint
	$(BIN)/python -m pytest -n 2 --ignore=tests/e2e

# The long run of hostile links against one server (make test runs 50 of them).
soak: $(VENV)/.dev
	HOSTILE_LINKS=400 $(BIN)/python -m pytest tests/e2e/test_hostile_browser.py

# Benchmarks (not tests): prints a table, appends it to bench/RESULTS.md. Quick: BENCH=--quick
bench: $(VENV)/.dev
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/e2e/screenshots
