# nakmodel: two commands do all set-up on a fresh machine.
#   make run    create .venv (Python 3.12) if missing, install, run the default studies
#   make test   same set-up, run the test suite
# Also: make docs | make validate | make bench | make lint | make clean

PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3 2>/dev/null)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
STUDY  ?= studies/ccd_composition.toml
OUT    ?= out
# the default study's scans run in parallel through the sweep engine, one per core
WORKERS ?= $(shell nproc 2>/dev/null || echo 1)

.PHONY: run test docs validate bench lint clean venv

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else \
	  "nakmodel needs Python >= 3.12 (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.12")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,dev,docs]'
	@touch $(STAMP)

venv: $(STAMP)

# the default: the thermodynamics summary (seconds) and the CCD-vs-composition study (minutes)
run: $(STAMP)
	MPLBACKEND=Agg $(VENV)/bin/nakmodel run studies/thermodynamics.toml --out $(OUT)/thermodynamics
	MPLBACKEND=Agg OPENBLAS_NUM_THREADS=1 $(VENV)/bin/nakmodel run $(STUDY) --workers $(WORKERS) \
	  --out $(OUT)/$(basename $(notdir $(STUDY)))
	MPLBACKEND=Agg $(VENV)/bin/nakmodel plot $(OUT)/$(basename $(notdir $(STUDY)))

test: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q -p no:cacheprovider

# the documentation site, gallery executed, warnings as errors -> docs/_build/html/index.html
docs: $(STAMP)
	OPENBLAS_NUM_THREADS=1 MPLBACKEND=Agg $(PY) -m sphinx -W --keep-going -b html -j 1 \
	  docs docs/_build/html

validate: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q -p no:cacheprovider -m slow; \
	  s=$$?; [ $$s -eq 0 -o $$s -eq 5 ] || exit $$s
	MPLBACKEND=Agg $(VENV)/bin/nakmodel validate --out validation-report

BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,dev,bench]'
	@touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	@for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  OPENBLAS_NUM_THREADS=1 MPLBACKEND=Agg $(PY) $$b || exit 1; done

lint: $(STAMP)
	$(PY) -m ruff check nakmodel tests benchmarks validation meshes

clean:
	rm -rf $(OUT) validation-report .pytest_cache docs/_build docs/auto_examples \
	  docs/api/generated docs/reference/parameter_sources.md docs/sg_execution_times.rst
