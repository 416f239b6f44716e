# The two commands of the README. VENV may point elsewhere (CI uses a fresh temp dir).
VENV ?= .venv

.PHONY: build test

# Install the compiler and run the main job on runbooks/: lint, scripts, site -> build/.
build:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -e .
	$(VENV)/bin/runbookc build

# Install the test dependencies (axe-core for the browser test from package-lock.json: the
# tests download nothing), check the code with ruff and mypy, run the tests.
test:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest
