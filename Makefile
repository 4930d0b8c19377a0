# enhance5k: `make run` and `make test` are all the set-up a fresh machine needs.
# Each creates/updates the project virtual environment (.venv) and installs the package
# in editable mode with its extras (dev, bench) before doing its job.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
DATA ?= $(or $(ENHANCE5K_DATA),../shared/data)
PHOTO ?= $(DATA)/photos/plasma_Path_2560x1600.jpg
TARGET ?= 5k
MODEL ?= fast-x4
OUT ?= out

.PHONY: run test setup sync-check nbtest pytest clean latest chromium docs outputs readme

$(VENV)/.installed: settings.ini setup.py constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip setuptools wheel
	$(PY) -m pip install -q -c constraints.txt -e ".[dev,bench]"
	touch $@

setup: $(VENV)/.installed

## the main job: a shared photo to 5K
run: setup
	$(BIN)/enhance5k enhance "$(PHOTO)" -o $(OUT) --target $(TARGET) --model $(MODEL) --overwrite

## the docs site, offline: run the notebooks (or reuse the run make test just made), nbdev's docs processor, Quarto if installed else smalldocs -> _proc/_docs/
docs: setup
	$(PY) tools/docs.py

## the outputs the docs show, written back into nbs/ (then nbdev_clean): review and commit them
outputs: setup
	$(PY) tools/nbrun.py --reuse --save

## README.md from nbs/index.ipynb (offline; sync-check fails when README.md is not current)
readme: setup
	$(PY) tools/readme.py

## Debian's Chromium for the real-browser tests (root: apt-get); they skip without it
chromium:
	@if command -v chromium >/dev/null 2>&1; then echo "chromium: $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && echo "chromium installed: $$(command -v chromium)"; \
	else echo "installing Chromium needs root: sudo make chromium (apt-get install -y chromium)"; exit 1; fi

## all the tests: notebooks and package in sync, notebook tests, pytest
test: setup sync-check nbtest pytest

SYNCED = find enhance5k nbs -type f \( -name '*.py' -o -name '*.ipynb' \) -not -path '*/.ipynb_checkpoints/*' -not -path '*/__pycache__/*' | LC_ALL=C sort | xargs sha256sum

sync-check: setup
	@$(SYNCED) > .sync.before
	@$(BIN)/nbdev_export
	@$(BIN)/nbdev_clean
	@$(SYNCED) > .sync.after
	@if ! cmp -s .sync.before .sync.after; then \
	  echo "OUT OF SYNC: nbdev_export / nbdev_clean changed these files (the notebooks are the source: run nbdev_export && nbdev_clean, review, commit):"; \
	  diff .sync.before .sync.after | awk '/^[<>]/{print "  " $$3}' | sort -u; \
	  rm -f .sync.before .sync.after; exit 1; fi
	@rm -f .sync.before .sync.after
	@$(PY) tools/readme.py --check
	@echo "sync-check: notebooks, enhance5k/ and clean notebooks agree; README.md is current"

## every notebook run as nbdev_test runs it; what they show is kept in build/nbs for make docs
nbtest: setup
	$(PY) tools/nbrun.py --n_workers 2

pytest: setup
	$(BIN)/pytest tests/ -q

## the newest releases of every dependency (no constraints) in .venv-latest: what changed against constraints.txt, then the quick tests
LATEST ?= .venv-latest
QUICK ?= tests/test_import.py tests/test_io.py tests/test_bench.py tests/test_photos.py tests/test_enhance.py tests/test_models.py
latest:
	test -x $(LATEST)/bin/python || $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install -q -U pip setuptools wheel
	$(LATEST)/bin/python -m pip install -q -U --upgrade-strategy eager -e ".[dev,bench]"
	@$(LATEST)/bin/python -m pip freeze --exclude-editable | grep -v '^#' | LC_ALL=C sort > .latest.txt
	@echo "== versions that differ from constraints.txt (< tested, > newest):"; \
	  grep -v '^#' constraints.txt | LC_ALL=C sort | diff - .latest.txt | grep '^[<>]' || echo "  none"
	@rm -f .latest.txt
	@echo "== quick tests with the newest releases:"
	$(LATEST)/bin/pytest $(QUICK) -q -p no:cacheprovider || { echo "== BROKEN with the newest releases: see the failures above and the versions that differ"; exit 1; }

clean:
	rm -rf $(OUT) _docs _proc build .pytest_cache .hypothesis
