# CRM Strategy Workbook: two commands from a fresh clone.
#   make report   set up .venv and render the sample company's report set into reports/
#   make test     set up .venv if needed and run the whole test suite

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= data/sample
OUT    ?= reports
FORMATS ?= html,pdf
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9]*.ipynb))
PYTEST_ARGS ?= -n auto

.PHONY: help setup report test lab lint format sample bench clean

help:
	@echo "make report   render the sample company's reports into $(OUT)/ (sets up .venv first)"
	@echo "make test     run the whole test suite (sets up .venv first)"
	@echo "make lab      start JupyterLab on notebooks/ (workshop mode)"
	@echo "make lint     ruff check + format check"
	@echo "make bench    run the benchmarks in benchmarks/"

# The stamp is rebuilt whenever the dependencies in pyproject.toml change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/crm-workbook render $(NOTEBOOKS) --data $(DATA) --out $(OUT) --format $(FORMATS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lab: $(STAMP)
	$(BIN)/python -m crmlib.lab

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

sample: $(STAMP)
	$(BIN)/crm-workbook sample --out $(DATA)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
