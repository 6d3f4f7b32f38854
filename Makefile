# Developer conveniences. Without make (Windows): see README, "Sans make".
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= .ecp-demo/demo.sqlite3
# pytest-xdist workers for make test (2 cores here and in CI; many tests wait on
# subprocesses and SQLite fsync, so one worker more than cores pays).
TEST_JOBS ?= 3

.PHONY: run test lint bench clean

$(BIN)/ecp: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/ecp
	@test -f $(DEMO_DB) || $(BIN)/ecp --db $(DEMO_DB) init --demo
	$(BIN)/ecp --db $(DEMO_DB)

test: $(BIN)/ecp
	$(BIN)/python -m pytest -n $(TEST_JOBS)
	$(BIN)/ruff check ecp tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(BIN)/ecp
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .ecp-demo
