# Newsroom: `make run` to try it, `make test` to test it. Both set up a fresh machine by themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check serve bench install clean migrate demo lint format cluster

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: demo
	@DEBUG=1 $(BIN)/python manage.py demo_accounts --print
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run >/dev/null || (echo "Model changes without migrations: run makemigrations" && exit 1)
	DEBUG=1 $(BIN)/python manage.py check
	DEBUG=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: lint test

# Production-like serving: gunicorn with the deployment config, static files via WhiteNoise.
serve: migrate
	DEBUG=$${DEBUG:-0} $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn --config newsroom/gunicorn.conf.py newsroom.wsgi

# Load test (see bench/__main__.py): DATABASE_URL=postgres://…/newsroom_bench make bench for 100,000 articles.
# Ends with the news-day step (bench/newsday.py: readers while writers save and editors publish, then Varnish);
# BENCH_ONLY_NEWSDAY=1 make bench runs only that step (PostgreSQL newsroom_newsday, Redis db 14).
bench: install
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/python -m bench

# Two gunicorn nodes behind HAProxy, an RQ job worker, SeaweedFS, shared PostgreSQL and Redis (scripts/cluster.py,
# docs/cluster.md); prints the address to open. Ctrl+C stops it all.
cluster: install
	$(BIN)/python scripts/cluster.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
