# Developer conveniences. Without make (Windows): see README, "Sans make".
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= .ecp-demo/demo.sqlite3
# pytest-xdist workers for make test (2 cores here and in CI; many tests wait on
# subprocesses and SQLite fsync, so one worker more than cores pays).
TEST_JOBS ?= 3

.PHONY: run test lint bench clean

# Two stamps: the app alone (make run), then the test tool-chain on top (make test). pip is
# not silenced on the slow steps: its progress shows.
$(BIN)/ecp: pyproject.toml
	@echo "==> Environnement Python de l'application : $(VENV)/"
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	@echo "==> Installation d'ECP et de ses dépendances (une minute au premier lancement)"
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/ecp
	@echo "==> Outils de test : pytest, ruff, mypy, import-linter…"
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $@

run: $(BIN)/ecp
	@test -f $(DEMO_DB) || { echo "==> Base de démonstration : $(DEMO_DB)"; \
		$(BIN)/ecp --db $(DEMO_DB) init --demo; }
	@echo "==> ECP sur $(DEMO_DB)"
	$(BIN)/ecp --db $(DEMO_DB)

test: $(VENV)/.test-deps
	$(BIN)/python -m pytest -n $(TEST_JOBS)
	$(BIN)/ruff check ecp tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(VENV)/.test-deps
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .ecp-demo
