# auskunft — tiny task runner. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_SCALE ?= 10000
OUT ?= out
DEMO_EMAIL ?= monika.beispielfrau@example.de

.PHONY: run letter test lint bench bench-full demo lock messages clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: install, load the demo company into ./auskunft.db if absent, serve the app on http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/auskunft demo --if-empty
	$(BIN)/auskunft legal import --if-configured
	@echo "serving http://$(HOST):$(PORT)/ (portal), /console (agents), /api/docs (API); Ctrl-C stops"
	$(BIN)/auskunft serve --host $(HOST) --port $(PORT)

## letter: write the demo customer's Art. 15 answer as text, HTML and PDF to ./out
letter: $(STAMP)
	$(BIN)/auskunft demo --if-empty
	$(BIN)/auskunft answer --email $(DEMO_EMAIL) --format text --reason "make letter demo"
	$(BIN)/auskunft answer --email $(DEMO_EMAIL) --format html --out $(OUT)/auskunft.html --reason "make letter demo"
	$(BIN)/auskunft answer --email $(DEMO_EMAIL) --format pdf --out $(OUT)/auskunft.pdf --reason "make letter demo"

## test: the whole suite (SQLite unless AUSKUNFT_TEST_DATABASE_URL names PostgreSQL)
test: $(STAMP)
	$(BIN)/pytest -q

## lint: ruff and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	$(BIN)/mypy

## bench: answer latency and ingest at BENCH_SCALE subjects, recognition, search, web load at 100,000 people
bench: $(STAMP)
	$(BIN)/python -m bench.run --subjects $(BENCH_SCALE)
	$(BIN)/python -m bench.recognition
	$(BIN)/python -m bench.web_load --subjects 100000

## bench-full: the 1,000,000-subject / 20,000,000-record run (about an hour; needs ~15 GB disk)
bench-full: $(STAMP)
	$(BIN)/python -m bench.run --subjects 10000 --subjects 1000000 --min-records 20000000 --answers 5000

## lock: re-pin dependencies after changing pyproject.toml
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

## messages: extract translatable strings and update the catalogues
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k translate -k tr --no-location --omit-header -o src/auskunft/locale/messages.pot .
	$(BIN)/pybabel update -i src/auskunft/locale/messages.pot -d src/auskunft/locale -l de --no-fuzzy-matching

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
