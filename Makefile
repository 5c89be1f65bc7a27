# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast e2e install lint browsers worker beat clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: set PYTHON=python3.11 (or newer)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The embedded default: SQLite, Celery tasks in-process, email to this console.
run: export DEBUG ?= 1
# Emails are written by the worker, away from any request: they link to SITE_URL, which
# must be where this server answers (PORT=8080 make run links to :8080).
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (organizer area: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite: SQLite unless DATABASE_URL is set; real-worker tests need REDIS_URL.
# In parallel, one pytest-xdist worker per CPU (each with a test database of its own);
# worksteal: a worker that runs out takes tests queued on a busy one, so the long
# browser and real-worker tests at the end don't leave one worker running alone.
# TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The inner loop: everything but the slow layer (browsers, fuzzing, real workers,
# subprocesses, scale; tests/conftest.py marks it), on SQLite, in parallel.
test-fast: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -m "not slow" $(PYTEST_ARGS)

# The end-to-end browser suite alone (tests marked `browser`), in headless Chromium.
# A missing browser fails here instead of skipping; screenshots, HTML and the browser's
# log of each failed test are saved to test-artifacts/.
e2e: export REQUIRE_BROWSER = 1
e2e: $(STAMP) browsers
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

# Headless Chromium for the browser tests (Debian's package; Playwright cannot
# download its own browser on these machines).
browsers:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }

worker: $(STAMP)
	$(VENV)/bin/celery -A mm_program worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A mm_program beat -l info

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
