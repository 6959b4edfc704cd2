# Two commands set up a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages: WeasyPrint's Pango and fonts at run time; Poppler (pdftotext, pdftoppm) and
# wkhtmltopdf for the tests. Installed only when missing, and only as root with apt-get.
RUNTIME_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := $(RUNTIME_DEBS) poppler-utils wkhtmltopdf

.PHONY: demo test lint bench bench-fleet bench-google faults clean system-runtime system-test

demo: $(VENV)/.runtime system-runtime ## make the demo company and run the sync and last month's pack on it
	$(BIN)/secor demo --out demo
	$(BIN)/secor sync --source demo --config demo/secor.toml --out outputs
	$(BIN)/secor pack --source demo --config demo/secor.toml --out outputs --last-month
	@echo
	@echo "Dashboards: outputs/dashboard.xlsx   Packs: outputs/packs/   Demo workbooks: demo/"

test: $(VENV)/.dev system-test ## install the test requirements and run lint and the whole suite
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench: $(VENV)/.runtime ## print speed and memory figures
	$(BIN)/python bench/bench.py

bench-fleet: $(VENV)/.runtime ## fleet figures: N demo client companies synced and packed in parallel (bench/fleet.py)
	$(BIN)/python bench/fleet.py

bench-google: $(VENV)/.dev ## Google quota figures: requests per client per day against the test emulator
	$(BIN)/python bench/google_quota.py --measure 8

faults: $(VENV)/.dev ## fault figures: random kill -9 of runs mailing packs, a simulated year with SMTP outages
	$(BIN)/python bench/faults.py

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(VENV)/bin/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

system-runtime:
	@sh scripts/debs.sh $(RUNTIME_DEBS)

system-test:
	@sh scripts/debs.sh $(TEST_DEBS)

clean:
	rm -rf $(VENV) demo outputs/dashboard.xlsx outputs/packs
