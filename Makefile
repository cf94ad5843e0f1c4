# Two entry points (see README): `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   ?= 2016
DATA   := data/synthetic

.PHONY: book test test-fast data run audit build clean browser mutation

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# The default data are synthetic and generated (deterministically) when missing, and again
# when the generator changed (a pull must not leave the book on the old data).
$(DATA)/.complete: $(STAMP) src/helpers/data/synth.py
	$(BIN)/reportbook synth --out $(DATA) --seed $(SEED)

data: $(DATA)/.complete

run: data
	$(BIN)/reportbook run

# The published tables are audited before the site is built: no withheld count of 1-4 may
# be computable from them.
audit: run
	$(BIN)/reportbook audit

# The build prints each municipality-period's PDFs with Chromium (`browser`); where Chromium
# cannot be installed (no root, no network) the book is built without them, and says so.
build: audit
	@$(MAKE) --no-print-directory browser || echo "Chromium could not be installed: building the book without PDFs" >&2
	$(BIN)/reportbook build $$(command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || echo --no-pdf)

book: build
	@echo "The book is in _build/html/index.html"

# The PDFs and the browser tests use Debian's Chromium (Playwright's own browser download cannot work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# pytest exits 5 when it collected no tests: that is a failure of the suite here.
# Two pytest-xdist workers (this machine has two cores and most tests use one): the tests of
# the default book run on one worker, every other module whole on whichever is free
# (tests/conftest.py). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
test: $(STAMP) browser
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

# The unit tests alone (no matrix, no book, no browser): quick feedback while changing code.
# `make test` is the whole suite (what CI runs).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -q

clean:
	rm -rf _build book/reports book/.reports-private book/reports.md book/udgivelser.md book/_reports_table.md book/data_quality.md book/data_dictionary.md book/kommuner book/regioner book/landsoversigt book/landsoversigt.md $(DATA)

# Mutation run over the six modules of [tool.mutmut] (about 20 minutes; not part of `make test`).
mutation: $(STAMP)
	$(BIN)/python benchmarks/mutation.py
