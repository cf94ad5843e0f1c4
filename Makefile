# Two entry points (see README): `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   ?= 2016
DATA   := data/synthetic

.PHONY: book test data run build clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $(STAMP)

# The default data are synthetic and generated (deterministically) when missing.
$(DATA)/.complete: $(STAMP)
	$(BIN)/reportbook synth --out $(DATA) --seed $(SEED)

data: $(DATA)/.complete

run: data
	$(BIN)/reportbook run

build: run
	$(BIN)/reportbook build

book: build
	@echo "The book is in _build/html/index.html"

# pytest exits 5 when it collected no tests: that is a failure of the suite here.
test: $(STAMP)
	@$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$rc

clean:
	rm -rf _build book/reports book/reports.md book/data_quality.md $(DATA)
