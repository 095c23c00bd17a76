# Two commands set up a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_OUT := outbox

.PHONY: demo test install lint bench templates libreoffice clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# LibreOffice renders generated logs to PDF in the tests that look at them; installed where apt-get can.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing LibreOffice headless and poppler-utils (once)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation >/dev/null; \
	  else echo "LibreOffice is not installed and cannot be installed here: PDF rendering tests will be skipped."; fi; }

demo: install
	@echo "== Generating competency logs for the bundled fictional roster (examples/roster.xlsx)"
	$(PY) -m sglogs generate examples/roster.xlsx --out $(DEMO_OUT)/logs --start 01/01/2026
	@echo
	@echo "== A roster with mistakes: bad rows are reported, good rows are still generated"
	@$(PY) -m sglogs generate examples/roster-with-mistakes.csv --out $(DEMO_OUT)/logs-from-mistakes \
	  --start 01/01/2026 || echo "(exit code $$?: rows were rejected, as this roster intends)"
	@echo
	@echo "Done. Open the logs in $(DEMO_OUT)/logs/<setting>/ (Word .docx and Excel .xlsx, one pair per person)"
	@echo "and the rejected rows in $(DEMO_OUT)/logs-from-mistakes/roster-errors.csv."

test: install libreoffice
	$(PY) -m ruff check sglogs tests tools bench
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check sglogs tests tools bench

bench: install
	$(PY) bench/bench_generate.py

# Rebuild the shipped templates after changing their layout (the .docx/.xlsx are committed).
templates: install
	$(PY) tools/build_log_docx.py
	$(PY) tools/build_log_xlsx.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache sglogs.egg-info
