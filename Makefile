# The front door. `make book` and `make test` are the two commands a fresh machine needs.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
JB := $(BIN)/jupyter-book
STAMP := $(VENV)/.installed
PORT ?= 8000
# Paper for `make pdf`: a4 (default) or letter.
PAPER ?= a4
# Strict: every warning is an error; keep going to report them all; nitpicky cross-references.
JB_STRICT := --warningiserror --nitpick --keep-going

.PHONY: help install book test screenshots pdf serve lab clean lock linkcheck bench plotly-bundle

help:
	@echo "make book   - create .venv if needed, install, execute and build the HTML book into _build/html"
	@echo "make test   - everything CI checks: strict build, data validation, tests, browser checks"
	@echo "make screenshots - full-page screenshots of every page, desktop and phone, light and dark (_build/screenshots)"
	@echo "make pdf    - the whole book as a PDF in _build/pdf (PAPER=letter for US Letter), linked from every page"
	@echo "make serve  - serve _build/html on http://localhost:$(PORT)"
	@echo "make lab    - JupyterLab at the repository root, the chapters opening as notebooks (LAB_PORT, JUPYTER_TOKEN)"
	@echo "make linkcheck - check every external link (network needed; reports, never fails the site)"
	@echo "make bench  - build times, sizes, layout shift, drawing time, Lighthouse per page (JSON in _build/bench.json)"
	@echo "make clean  - remove the built book (keeps the execution cache)"
	@echo "make plotly-bundle - rebuild the vendored plotly.js bundle (npm registry needed; see tools/plotly-bundle)"

$(STAMP): requirements.txt constraints.txt pyproject.toml requirements-cffconvert.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	test -x $(VENV)/cffconvert/bin/python || $(PYTHON) -m venv $(VENV)/cffconvert
	$(VENV)/cffconvert/bin/python -m pip install --quiet -r requirements-cffconvert.txt
	touch $(STAMP)

install: $(STAMP)

# One process: the input check (edition.check), then Jupyter Book's strict HTML build (edition.build).
book: $(STAMP)
	$(BIN)/python -m edition.build $(JB_STRICT)

# axe-core, which the browser tests inject into each page, pinned by tests/js/package-lock.json.
JS_DEPS := tests/js/node_modules/.package-lock.json
$(JS_DEPS): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund
	touch $@

# Two pytest workers (CI has 2 cores), handed work units by tests/conftest.py: the page visits in
# one worker while the other runs the book builds, then JupyterLab and the rest. The time make
# started is handed down, so the run's record (_build/test-time.json, read by `make bench`) gives
# the whole of `make test`, the book and PDF checks before pytest included.
# Compiled bytecode is kept even where the shell says not to (PYTHONDONTWRITEBYTECODE): the run
# starts dozens of Python processes (two workers, kernels, Sphinx builds, JupyterLab) that import
# the edition and the tests, and each compiled them from source again. The caches are ignored by
# git and cannot change the book (edition.build leaves the setting out of its digest).
test: export EDITION_MAKE_TEST_STARTED := $(shell date +%s.%N)
test: export PYTHONDONTWRITEBYTECODE :=
test: book pdf $(JS_DEPS)
	$(BIN)/python -m pytest -n 2

# Full-page screenshots, for a person to look over: the screenshot tests with the whole page shot
# rather than the first screen (tests/page_views.py).
screenshots: book $(JS_DEPS)
	EDITION_FULL_SCREENSHOTS=1 $(BIN)/python -m pytest -n 2 tests/test_browser.py -k test_screenshots_of_chapter_pages

# The print edition, printed by Debian's headless Chromium from the built HTML.
pdf: $(STAMP)
	@test -f _build/html/index.html || { echo "no _build/html yet: run 'make book' first"; exit 1; }
	$(BIN)/python -m edition.pdf --paper $(PAPER) --publish

serve:
	@test -d _build/html || { echo "no _build/html yet: run 'make book' first"; exit 1; }
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

# JupyterLab at the repository root, with the settings in jupyter/ added to the config path (the
# user's own settings are left alone): chapters open as notebooks. Port from LAB_PORT, token from
# JUPYTER_TOKEN (Jupyter's own variable); LAB_OPTS passes more options (e.g. --no-browser).
LAB_PORT ?= 8888
LAB_OPTS ?=
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) --ServerApp.port_retries=0 $(LAB_OPTS)

clean:
	rm -rf _build/html _build/.site-html-* _build/jupyter_execute _build/.doctrees

lock:
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

# External links, as the weekly workflow checks them. Sphinx's linkcheck builder only collects
# the links (every one "ignored", so it makes no request; execution off, so the glued figures are
# absent and glue's missing-key notices are muted); edition.linkreport then checks them with a
# time limit on the whole check and per-host retries (see its docstring) and writes
# _build/linkcheck/report.md (the issue body), report-full.md and results.json.
# The generated conf.py lives at the root only for the run (its paths are relative to it); the
# trap removes it however the run ends, and a stale one from a killed run is removed first.
LINKCHECK_DEADLINE ?= 1200
LINKCHECK_STATE ?= .linkcheck-state/state.json
linkcheck: $(STAMP)
	@trap 'rm -f conf.py' EXIT HUP INT TERM; \
	  if [ -f conf.py ] && head -n 1 conf.py | grep -q 'Auto-generated by .jupyter-book config'; then rm -f conf.py; fi; \
	  $(JB) config sphinx . > /dev/null && \
	  $(BIN)/sphinx-build -b linkcheck -D nb_execution_mode=off -D suppress_warnings=mystnb.glue \
	    -D 'linkcheck_ignore=.*' -q . _build/linkcheck; \
	  status=$$?; rm -f conf.py; \
	  if [ $$status -ne 0 ]; then echo "collecting the links failed (sphinx-build exited with $$status)"; exit $$status; fi
	$(BIN)/python -m edition.linkreport _build/linkcheck/output.json --state $(LINKCHECK_STATE) \
	  --bib data/references.bib --config _config.yml --deadline $(LINKCHECK_DEADLINE)

bench: $(STAMP)
	$(BIN)/python -m edition.bench

# The vendored plotly.js bundle (src/edition/static/edition/plotly/): only the trace types in
# tools/plotly-bundle/traces.json, from the plotly.js version pinned there (the one the installed
# plotly package carries). Needs node and the npm registry; the book build and CI do not.
plotly-bundle:
	cd tools/plotly-bundle && npm ci --no-audit --no-fund && node build.mjs
