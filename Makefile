# Two entry points: `make run` (the main job) and `make test` (the tests).
# Both create .venv on first use and install the project with what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test lint derive allure report clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/webapi-contract run --report-dir reports

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/webapi-contract derive --check
	$(BIN)/python -m pytest tests/unit -q -n 2 -p no:cacheprovider
	$(BIN)/python -m pytest src/webapi_contract/suites/superoffice -q -n 2 -p no:cacheprovider
	$(BIN)/python -m pytest src/webapi_contract/suites/odyssee -q -n 2 -p no:cacheprovider --webapi-vendor odyssee
	$(BIN)/webapi-contract selfcheck
	$(BIN)/webapi-contract selfcheck --vendor odyssee

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
