# Two commands for a fresh machine (see README): `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH := .venv-bench

.PHONY: run test lint parity bench golden weights screenshots

$(STAMP): pyproject.toml requirements-dev.lock
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/streamlit run app.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lstm_core ui views

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	$(MAKE) lint
	$(BIN)/python -m pytest

# torch is never a dependency of the app or its default tests: these targets
# use a separate virtualenv with the CPU build.
$(BENCH)/.installed: requirements-dev.lock
	$(PY) -m venv $(BENCH)
	$(BENCH)/bin/python -m pip install -q -r requirements-dev.lock torch==2.13.0
	touch $@

parity: $(BENCH)/.installed
	$(BENCH)/bin/python -m pytest -m parity -p no:randomly

golden: $(BENCH)/.installed
	$(BENCH)/bin/python tests/fixtures/make_golden.py
	$(BENCH)/bin/python tests/fixtures/make_golden_backward.py
	$(BENCH)/bin/python tests/fixtures/make_golden_gru.py
	$(BENCH)/bin/python tests/fixtures/make_golden_io.py

bench: $(BENCH)/.installed
	bash scripts/ensure_chromium.sh
	$(BENCH)/bin/python benchmarks/bench_core.py
	for f in benchmarks/bench_*.py; do [ "$$f" = benchmarks/bench_core.py ] || $(BENCH)/bin/python $$f; done

weights: $(STAMP)
	$(BIN)/python -m lstm_core.train
