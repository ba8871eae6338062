# Forewarn: `make demo` runs the product on the embedded default; `make test` runs the whole suite;
# `make docs` builds the documentation site (docs/, mkdocs.yml) into var/site.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Parallel test processes; 2 fits the 2-core machines this runs on.
TEST_WORKERS ?= 2

# The first Python 3.12+ on PATH or under pyenv.
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

.PHONY: demo test fuzz docs venv lint lock browser bench clean

$(BIN)/forewarn: pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Forewarn needs Python 3.12 or newer; none found on PATH or under pyenv." >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(BIN)/forewarn

venv: $(BIN)/forewarn

demo: venv
	PORT=$(PORT) $(BIN)/forewarn demo

# Debian's chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests." >&2; exit 1; fi; }

test: venv browser
	DATABASE_CONN_MAX_AGE=0 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# A longer search for inputs that make the API fail (the suite runs a short one): every
# operation of /api/v1/openapi.json, every caller, FOREWARN_FUZZ_EXAMPLES examples each.
FOREWARN_FUZZ_EXAMPLES ?= 200
fuzz: venv
	FOREWARN_FUZZ_EXAMPLES=$(FOREWARN_FUZZ_EXAMPLES) DATABASE_CONN_MAX_AGE=0 $(BIN)/python -m pytest \
	  -n $(TEST_WORKERS) --dist loadfile tests/api/test_fuzz.py tests/api/test_fuzz_writes.py

# The documentation site, offline; --strict fails on any broken link, anchor or nav entry.
docs: venv
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict -d var/site

lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# Re-pin the dependencies after changing pyproject.toml.
lock: venv
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.12 --quiet -o requirements.lock

bench: venv
	$(BIN)/python bench/calendar.py
	$(BIN)/python bench/availability.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/statuspage.py
	$(BIN)/python bench/incidents.py

clean:
	rm -rf $(VENV) var
