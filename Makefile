# Two commands on a fresh machine: `make lab` opens the course, `make test` runs every test.
# Both create .venv when it is missing and (re)install when pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
# make test runs the tests on every core (pytest-xdist; CI has 2). Each test module stays on
# one worker (tests/conftest.py's scheduler), so its module fixtures are built once. PYTEST_WORKERS=0
# runs them in this process (for a debugger, or -x to stop at the first failure in order).
PYTEST_WORKERS ?= auto
XDIST  = -n $(PYTEST_WORKERS)

.PHONY: lab test test-notebooks test-notebooks-outputs test-notebooks-exercises \
        test-without-numba notebooks binder-lock lint bench system-packages \
        clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# System packages some tests need (g++, make, cmake, Chromium). Installed with apt-get when
# missing and we are root; otherwise the script says what to install. Without root:
# make test SYSTEM_PACKAGES= PYTEST_ARGS='-m "not cpp and not browser"'
SYSTEM_PACKAGES ?= system-packages
system-packages:
	@bash tools/system-packages.sh

# JupyterLab refuses to start as root unless told; containers and Binder-like machines run as root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# The page `/` redirects to and the URL printed at start: the course's first lesson. As
# `jupyter lab`, LabApp's default_url wins over ServerApp's, so LabApp's is the one to set.
START_URL := /lab/tree/notebooks/00_start_here.ipynb

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --LabApp.default_url=$(START_URL) $(LAB_ARGS)

# The numba-less check needs no .venv: it runs while .venv installs (pip uses one core;
# on a clean clone each of the two took about a minute, one after the other), its output
# printed when it is done (--output-sync). labkit's .pyc are then written once: with
# PYTHONDONTWRITEBYTECODE set (this machine's environment sets it), every process the
# suite starts (kernels, subprocess tests, sweep workers) would compile the modules it
# imports again, about 0.4 s of CPU each for a lesson's run path.
test: $(SYSTEM_PACKAGES)
	$(MAKE) --no-print-directory -j2 --output-sync=target $(STAMP) test-without-numba
	$(BIN)/python -m compileall -q -j 0 labkit
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-notebooks

# labkit without numba (as in Pyodide): a venv without numba (kept in .venv-nonumba/,
# rebuilt when the dependencies change) imports labkit, selects the numpy device by itself
# and runs lessons 01-04 under nbval. About 30 s of CPU once the venv exists. Standard
# library only: any Python >= 3.11 runs it (.venv's is $(PYTHON) too).
test-without-numba:
	$(PYTHON) tools/test_without_numba.py

# The course under nbval: lessons and solutions must reproduce their saved outputs (cells
# tagged nbval-ignore-output excepted; the lessons' inline blanks raise and are not
# compared); exercises must run, their blanks raising. solutions/lessons/ (the lessons with
# their answers) is not run again: it comes from the same execution as notebooks/, and
# tests/course checks that each of its check(...) outputs says "all correct".
# The two nbval runs go side by side, the exercises' short one in one process: one after
# the other, each paid its own start and ended with its last notebook alone on a core.
NBVAL := $(BIN)/python -m pytest -p no:cacheprovider --nbval-cell-timeout=300 \
         -o addopts=-ra
test-notebooks: $(STAMP)
	$(MAKE) --no-print-directory -j2 --output-sync=target test-notebooks-outputs \
	        test-notebooks-exercises

test-notebooks-outputs: $(STAMP)
	$(NBVAL) $(XDIST) --dist loadfile --nbval notebooks solutions/*.ipynb

test-notebooks-exercises: $(STAMP)
	$(NBVAL) --nbval-lax exercises

# Rebuild the course notebooks from tools/course/ (executed) and exercises/ from solutions/.
notebooks: $(STAMP)
	$(BIN)/python tools/build_course.py

# Binder's environment: resolve pyproject.toml's dependencies (and the course extra) afresh
# for binder/runtime.txt's Python and write them, exactly pinned, to binder/requirements.txt.
binder-lock: $(STAMP)
	$(BIN)/python tools/binder_lock.py

lint: $(STAMP)
	$(BIN)/python -m ruff check .

bench: $(STAMP)
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .venv-nonumba .pytest_cache .ruff_cache .hypothesis
