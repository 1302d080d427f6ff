# Practice Exchange: `make run` serves the forum, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test lint bench-http clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

tests/browser/node_modules/axe-core/axe.min.js: tests/browser/package.json
	@if command -v npm >/dev/null; then npm install --silent --no-audit --no-fund --prefix tests/browser; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

## run: set up everything on first use, then serve the forum at http://127.0.0.1:5000
run: $(VENV)/.runtime
	$(BIN)/flask db upgrade
	$(BIN)/flask forum seed-demo
	@echo
	@$(BIN)/flask forum demo-sign-ins
	@echo
	@echo "Serving Practice Exchange at http://127.0.0.1:5000 (Ctrl-C to stop)"
	FORUM_SECURE_COOKIES=$${FORUM_SECURE_COOKIES:-0} $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

## test: set up and run the whole suite (PostgreSQL/Redis/Chromium tests run when available)
test: $(VENV)/.dev tests/browser/node_modules/axe-core/axe.min.js
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench-http: $(VENV)/.dev
	$(BIN)/python bench/http_pages.py

clean:
	rm -rf $(VENV) tests/browser/node_modules .pytest_cache
