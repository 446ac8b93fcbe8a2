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
# The report set; 07_comparing_models is for teaching and renders on its own.
NOTEBOOKS := $(filter-out notebooks/07_%,$(sort $(wildcard notebooks/[0-9]*.ipynb)))
PYTEST_ARGS ?= -n auto
# The tested versions of every dependency (runtime and dev), with their hashes.
LOCK   := requirements.lock
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest release pyproject allows.
LOCK_ARGS ?=

.PHONY: help setup report test lab lint format sample bench lock clean messages translations

help:
	@echo "make report   render the sample company's reports into $(OUT)/ (sets up .venv first)"
	@echo "make test     run the whole test suite (sets up .venv first)"
	@echo "make lab      start JupyterLab on notebooks/ (workshop mode)"
	@echo "make lint     ruff check + format check"
	@echo "make bench    run the benchmarks in benchmarks/"
	@echo "make lock     refresh $(LOCK) from pyproject.toml (pip-compile)"
	@echo "make messages extract the texts to translate and add new ones to each catalogue"
	@echo "make translations  compile the catalogues (crmlib/locale/*/LC_MESSAGES/crmlib.mo)"

# The exact versions of the lock (pip checks every file against its hash), then the
# workbook itself, built with the locked setuptools. The stamp is rebuilt whenever the
# lock or pyproject.toml changes.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

setup: $(STAMP)

report: $(STAMP)
	$(BIN)/crm-workbook render $(NOTEBOOKS) --data $(DATA) --out $(OUT) --format $(FORMATS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# `make lab DATA=...` checks that company once for the lab's notebooks; plain `make lab` does not
LAB_DATA = $(if $(filter command line environment,$(origin DATA)),--data "$(DATA)")

lab: $(STAMP)
	$(BIN)/python -m crmlib.lab $(LAB_DATA)

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

# Re-resolve the lock from pyproject.toml with pip-tools, keeping the pins that still
# fit; run it after changing a dependency, then `make test`.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip-tools>=7.4"
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet $(LOCK_ARGS) \
	  --extra dev --strip-extras --allow-unsafe --generate-hashes \
	  --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
	  --output-file $(LOCK) pyproject.toml

# The message catalogues of the computed texts (gettext through Babel): the keywords are
# the functions of crmlib.text that take a message (see crmlib/i18n/catalogue.py).
KEYWORDS := -k sentence -k markdown -k translate -k N_ -k gettext -k "plural:2,3,3t"
messages: $(STAMP)
	$(BIN)/pybabel extract --no-default-keywords $(KEYWORDS) --no-wrap --sort-by-file \
	  --project "CRM Strategy Workbook" --omit-header -o crmlib/locale/crmlib.pot crmlib
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete \
	  -i crmlib/locale/crmlib.pot -d crmlib/locale -D crmlib

translations: $(STAMP)
	$(BIN)/python -m crmlib.i18n.catalogue

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info
