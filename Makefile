# Two commands set up a fresh machine: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_OUT := outbox

.PHONY: demo test test-scale install lint security security-all bench templates examples libreoffice postgresql chromium ocr clean

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

# Tesseract: reads typed and clearly written lines on scanned paper logs (read.ocr); without it a scan is still
# read by its page codes and the OCR tests are skipped with a reason.
ocr:
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Tesseract OCR (once)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-eng >/dev/null; \
	  else echo "Tesseract is not installed and cannot be installed here: OCR tests will be skipped."; fi; }

# PostgreSQL: the tests start a throw-away cluster of their own (tests/pg.py) to run the journal and service
# tests on it as well as on SQLite; installed where apt-get can, else those cases are skipped with a reason.
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing PostgreSQL (once)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	  else echo "PostgreSQL is not installed and cannot be installed here: its test cases will be skipped."; fi; }
# Headless Chromium renders the HTML pages (dashboard, bundle index) in the tests that look at them.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing headless Chromium and its driver (once)..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Chromium is not installed and cannot be installed here: browser tests will be skipped."; fi; }

demo: install
	@echo "== Generating competency logs for the bundled fictional roster (examples/roster.xlsx)"
	$(PY) -m sglogs generate examples/roster.xlsx --out $(DEMO_OUT)/logs --start 01/01/2026
	@echo
	@echo "== A roster with mistakes: bad rows are reported, good rows are still generated"
	@$(PY) -m sglogs generate examples/roster-with-mistakes.csv --out $(DEMO_OUT)/logs-from-mistakes \
	  --start 01/01/2026 || echo "(exit code $$?: rows were rejected, as this roster intends)"
	@echo
	@echo "== Reading completed logs back (Word, Excel, the PDF saved from Word, and an older in-house layout)"
	@mkdir -p $(DEMO_OUT)/read
	@for f in examples/completed/*; do \
	  echo "-- $$f"; $(PY) -m sglogs read "$$f" || exit 1; \
	  $(PY) -m sglogs read "$$f" --json > "$(DEMO_OUT)/read/$$(basename "$$f").json" || exit 1; \
	done
	@echo
	@echo "== Checking and reviewing the completed logs: feedback report, sign-off sheet, action plan (annex 1)"
	-@$(PY) -m sglogs check examples/completed/NS001_Hartley_completed.xlsx
	-@$(PY) -m sglogs review examples/completed --out $(DEMO_OUT)/reviews
	@echo
	@echo "== The annual cycle: register, Q-card self-assessment, renewal, an evidence bundle and its check"
	@$(PY) -m sglogs register --roster examples/roster.xlsx --as-of 2026-12-20
	@$(PY) -m sglogs audit --roster examples/roster.xlsx --as-of 2026-12-20
	@$(PY) -m sglogs renew --roster examples/roster.xlsx --out $(DEMO_OUT)/logs --due-within 400d
	@$(PY) -m sglogs bundle --all --out $(DEMO_OUT)/bundles/demo-bundle.zip
	@$(PY) -m sglogs verify $(DEMO_OUT)/bundles/demo-bundle.zip
	@echo
	@echo "Done. Open:"
	@echo "  $(DEMO_OUT)/logs/<setting>/          generated logs (Word .docx and Excel .xlsx, one pair per person)"
	@echo "  $(DEMO_OUT)/logs-from-mistakes/roster-errors.csv   the rejected roster rows and why"
	@echo "  $(DEMO_OUT)/read/*.json              what sglogs read from the completed logs in examples/completed/"
	@echo "  $(DEMO_OUT)/reviews/<staff-id>/      feedback report, sign-off sheet, action plan (Word and Excel)"
	@echo "  $(DEMO_OUT)/reviews/batch-summary.xlsx   who is ready for sign-off and why not"
	@echo "  $(DEMO_OUT)/register.xlsx and $(DEMO_OUT)/audit/   the register and the Q-card self-assessment"
	@echo "  $(DEMO_OUT)/bundles/demo-bundle.zip  an evidence bundle for auditors (open index.html inside)"

test: install libreoffice postgresql chromium ocr security
	$(PY) -m ruff check sglogs tests tools bench
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The scale runs (1,000 files through three services on one PostgreSQL journal): minutes, so not in `make test`.
test-scale: install postgresql
	$(PY) -m pytest -m scale

# bandit on sglogs: medium and high findings fail the build; each one left is justified inline (# nosec <id>).
# Low ones (asserts of internal invariants, the service's fixed `mount` call) are reported by `make security-all`.
# pip-audit is not run: here it cannot reach its vulnerability data ("Dependency not found on PyPI").
security: install
	$(PY) -m bandit -q -r sglogs -ll

security-all: install
	$(PY) -m bandit -r sglogs

lint: install
	$(PY) -m ruff check sglogs tests tools bench
	$(VENV)/bin/lint-imports

bench: install
	$(PY) bench/bench_generate.py
	$(PY) bench/bench_read.py
	$(PY) bench/bench_review.py
	$(PY) bench/bench_bundle.py
	$(PY) bench/bench_watch.py
	$(PY) bench/bench_records.py

# Rebuild the shipped templates after changing their layout (the .docx/.xlsx are committed).
templates: install
	$(PY) tools/build_log_docx.py
	$(PY) tools/build_log_xlsx.py
	$(PY) tools/build_review_templates.py

# Rebuild the bundled demo data (fictional roster and completed logs).
examples: install
	$(PY) tools/build_demo_roster.py
	$(PY) tools/build_demo_completed.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache sglogs.egg-info
