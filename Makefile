# Two commands for a fresh machine (see README): `make run` and `make test`;
# `make serve WORKERS=2 PORT=8500` for a class.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed-run
BENCH := .venv-bench
WORKERS ?= 2
PORT ?= 8500
ADDRESS ?= 127.0.0.1

.PHONY: run serve test lint parity bench golden weights screenshots

$(STAMP): pyproject.toml requirements-dev.lock
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	touch $(STAMP) $(RUN_STAMP)

# The app alone needs only requirements.txt; a dev environment already has it (the dev
# lock pins the same versions: tests/test_deploy.py).
$(RUN_STAMP): requirements.txt
	if [ ! -f $(STAMP) ]; then \
	  $(PY) -m venv $(VENV) && \
	  $(BIN)/python -m pip install -q --upgrade pip && \
	  $(BIN)/python -m pip install -q -r requirements.txt; \
	fi
	touch $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python scripts/run_app.py

# N Streamlit processes behind nginx (installed with apt-get when missing), in the
# foreground; Ctrl-C stops them all. ADDRESS=0.0.0.0 opens it to the class's network.
serve: $(RUN_STAMP)
	bash scripts/ensure_nginx.sh
	$(BIN)/python scripts/serve.py --workers $(WORKERS) --port $(PORT) --address $(ADDRESS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy lstm_core ui views

test: $(STAMP)
	bash scripts/ensure_chromium.sh
	bash scripts/ensure_nginx.sh
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
