# The commands the README names. Everything runs inside .venv, created on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: install install-spark prepare demo test test-spark lint format ui docs dashboards bench fuzz contract clean

# "Once" only if Python may keep what it compiled: with PYTHONDONTWRITEBYTECODE set (some shells and sandboxes
# set it), every process compiles Dagster, dbt and scikit-learn again, about 5 s of CPU each, and `make demo`
# starts some twenty of them (docs/benchmarks.md, "make demo: where the time goes"). The cache goes to
# __pycache__ folders in .venv and beside the project's modules, which git ignores.
unexport PYTHONDONTWRITEBYTECODE

# --no-compile: pip would byte-compile every module of every package (41 s of the install instead of 21 s);
# Python compiles, once, only the modules that are imported.
$(INSTALLED): pyproject.toml constraints.txt
	@echo "==> creating $(VENV) and installing aias-loops with pinned dependencies"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e ".[dev]"
	@touch $(INSTALLED)

install: $(INSTALLED)

# AIAS_ENGINE=spark's extra (dbt-spark's session method and pyspark, about 450 MB), on top of `make install` and
# never part of it, so the main suite's install does not grow. Java 17 must be on PATH.
SPARK_INSTALLED := $(VENV)/.installed-spark
$(SPARK_INSTALLED): $(INSTALLED)
	@echo "==> installing the spark extra (dbt-spark, pyspark) with pinned dependencies"
	$(BIN)/python -m pip install --quiet --no-compile -c constraints.txt -e ".[dev,spark]"
	@touch $(SPARK_INSTALLED)

install-spark: $(SPARK_INSTALLED)

# The dbt manifest is built here, ahead of time, never when Dagster imports the code.
prepare: install
	$(BIN)/aias prepare

# AIAS_ENGINE=spark builds the models on Spark: the spark extra is installed first.
demo: $(if $(filter spark,$(AIAS_ENGINE)),install-spark,install)
	$(BIN)/aias demo

# sqlfluff on both cores: alone it takes about 45 s on one.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint --processes 2 dbt_project/models dbt_project/macros dbt_project/tests

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/sqlfluff fix dbt_project/models dbt_project/macros dbt_project/tests

# Two workers (the machine's cores); a module's tests stay on one worker, so its fixtures are built once, and
# the modules go out longest first (tests/conftest.py); the 25 slowest tests and fixtures are listed at the end.
# Lint and prepare run side by side (about 30 s instead of 60), each one's output printed whole when it ends.
TEST_WORKERS ?= 2
test: install
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint prepare
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder --durations=25

# The tests marked `spark` (left out of `make test`) on two workers, each module's Spark session in its worker's
# process: the demo world's build on Spark (tests/spark/test_equal_marts.py, first in the order) keeps about one
# core busy, the other modules run on the second.
test-spark: install-spark
	$(BIN)/pytest -m spark -n 2 --dist loadscope --no-loadscope-reorder --durations=10

ui: prepare
	$(BIN)/aias ui

# dbt docs of the pipeline's database (embedded or $$AIAS_DATABASE_URL) on http://127.0.0.1:8080 (PORT=... to change).
docs: install
	$(BIN)/aias docs $(if $(PORT),--port $(PORT))

# The dashboard site (built by `make demo` and every nightly run) on http://127.0.0.1:8090 (PORT=... to change).
dashboards: install
	$(BIN)/aias dashboards $(if $(PORT),--port $(PORT))

bench: prepare
	$(BIN)/python -m aias_dagster.bench

# docs/data_contract.md's per-source reference, rewritten from aias_dagster/ingest/contract.py.
contract: install
	$(BIN)/python -m aias_dagster.ingest.contract_doc --write

# The loader's property test with many more damaged files than the suite runs; figures: docs/loader_fuzzing.md.
FUZZ_EXAMPLES ?= 3000
fuzz: install
	AIAS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest tests/ingest/test_fuzz.py -q --hypothesis-show-statistics

clean:
	rm -rf target logs dbt_project/target dbt_project/logs .pytest_cache .ruff_cache
