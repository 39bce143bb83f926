# Chợ Số. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= market.settings.dev

.PHONY: run test test-cluster lint bench coverage install install-dev messages clean-testdb

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# Tests and tools: production's packages plus requirements-dev.txt.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Each catalogue compiled when its .po changed (what compilemessages does, without booting Django).
PO := $(wildcard locale/*/LC_MESSAGES/django.po locale_oscar/*/LC_MESSAGES/django.po)
%.mo: %.po
	msgfmt --check-format -o $@ $<

messages: $(PO:.po=.mo)

run: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py site_configure
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Two workers (this is a 2-core machine), each with its own kept database; the slowest 15 printed.
# (tests/integration/test_migrations.py is makemigrations --check, without booting Django again.)
test: install-dev messages
	DJANGO_SETTINGS_MODULE=market.settings.test $(PY) -m pytest -n 2 --durations=15

# The production stack from deploy/ on this machine: nginx, two gunicorn nodes, a worker and
# beat, PostgreSQL, Redis and moto's S3, journeys through the load balancer and faults.
test-cluster: install-dev messages
	DJANGO_SETTINGS_MODULE=market.settings.test $(PY) -m pytest tests/cluster --durations=10

# The whole suite in one process under coverage (slower than make test), then the report.
coverage: install-dev messages
	DJANGO_SETTINGS_MODULE=market.settings.test $(PY) -m coverage run -m pytest -p no:xdist
	$(PY) -m coverage report --skip-covered --sort=cover

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: install-dev messages
	$(PY) -m benchmarks

clean-testdb:
	rm -f .pytest-db*.sqlite3 .pytest-db*.sqlite3_gw*
