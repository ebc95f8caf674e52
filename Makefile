# Two entry points: `make run` (the main job) and `make test` (the tests).
# Both create .venv on first use and install the project with what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Bytecode is cached (some CI images set PYTHONDONTWRITEBYTECODE): every pytest process would
# otherwise compile our modules and re-run pytest's assertion rewriting of Schemathesis (a pytest
# plugin) from source, about 1.5 s of CPU per process, and the tests start many.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-types test-pytest test-selfcheck test-selfcheck-odyssee quick lint derive \
	allure report clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/webapi-contract run --report-dir reports

# The quick checks first; then the type check, the tests and the two selfchecks side by side
# (their runs wait on servers and clocks as much as they compute, so together they keep the
# cores busy), each one's output shown whole when it ends. Any failure fails `make test`.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/webapi-contract derive --check
	$(MAKE) --no-print-directory -j4 --output-sync=target \
		test-types test-pytest test-selfcheck test-selfcheck-odyssee

test-types: $(STAMP)
	$(BIN)/mypy

# loadgroup: the modules that share an expensive fixture run whole on one worker
# (tests/support/scheduling.py names them).
test-pytest: $(STAMP)
	$(BIN)/python -m pytest tests -q -n 4 --dist loadgroup -p no:cacheprovider

test-selfcheck: $(STAMP)
	$(BIN)/webapi-contract selfcheck

test-selfcheck-odyssee: $(STAMP)
	$(BIN)/webapi-contract selfcheck --vendor odyssee

# The inner loop: the unit tests alone (no whole-suite run, no server process), under a minute.
quick: $(STAMP)
	$(BIN)/python -m pytest tests/unit -q -n 2 -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

derive: $(STAMP)
	$(BIN)/webapi-contract derive

# Allure 3 (npm package `allure`, needs Node.js 20+) into .tools/, where `webapi-contract report`
# (and `run`) find it.
allure:
	npm install --prefix .tools --no-audit --no-fund --loglevel=error allure@3

report: $(STAMP)
	$(BIN)/webapi-contract report --report-dir reports

clean:
	rm -rf $(VENV) .tox .pytest_cache .mypy_cache .ruff_cache reports/*.xml reports/allure-results \
		reports/allure-report reports/conformance.* reports/*.png reports/screenshots
