# Two commands on a fresh machine: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean chromium bytecode

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

tests/e2e/node_modules/.package-lock.json: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error

# The HTML report test opens the page in a real headless browser: Debian's chromium, installed
# once when missing (the machines run as root; elsewhere install it with your package manager).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium)

# The project's own modules compiled to bytecode, as pip does for every installed package (an
# editable install does not): with PYTHONDONTWRITEBYTECODE set, every start would otherwise compile
# them again (~0.03 s of `roleplay grade`, ~0.15 s of the bot's start). Only changed files are redone.
bytecode: $(STAMP)
	$(PY) -m compileall -q bot scenarios scoring migrations

setup: $(STAMP) bytecode

run: $(STAMP) bytecode
	$(VENV)/bin/roleplay run

test: $(STAMP) tests/e2e/node_modules/.package-lock.json chromium
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/mypy

bench: $(STAMP) bytecode tests/e2e/node_modules/.package-lock.json
	$(PY) bench/bench_scoring.py
	$(PY) bench/bench_telegram.py
	$(PY) bench/bench_trainer.py
	$(PY) bench/bench_startup.py
	$(PY) bench/bench_load.py --trainees 10 100 300 --repeat 3
	$(PY) bench/bench_load.py --trainees 10 100 300 --repeat 3 --workers 2
	$(PY) bench/bench_load.py --trainees 300 --limits --workers 2
	$(PY) bench/bench_crash.py --trainees 50 --kills 6 --every 2
	$(PY) bench/bench_crash.py --trainees 50 --kills 6 --every 2 --workers 2
	$(PY) bench/bench_llm.py
	$(PY) bench/bench_reports.py

clean:
	rm -rf $(VENV) tests/e2e/node_modules
