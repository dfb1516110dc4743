# fieldvisit developer verbs. `make demo` and `make test` do all set-up on a fresh machine.
PY ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
LOCALE := src/fieldvisit/locale
MO := $(LOCALE)/zh_Hans/LC_MESSAGES/django.mo
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

SYSTEM_PACKAGES := scripts/system-packages.sh

.PHONY: git-setup system-packages-demo system-packages-test setup demo test lint fmt types imports migrations-check pytest test-engines messages schema clean

setup: $(VENV)/.synced $(MO)

$(UV):
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PY)
	touch $@

$(LOCALE)/%.mo: $(LOCALE)/%.po
	msgfmt --check -o $@ $<

## demo: install, migrate, load the demo portfolio, run the daily cycle, serve on 127.0.0.1:8000
demo: system-packages-demo setup
	$(BIN)/fieldvisit demo

system-packages-demo:
	$(SYSTEM_PACKAGES) demo

system-packages-test:
	$(SYSTEM_PACKAGES) test

## test: lint, format check, types, architecture contract, migrations check, then the tests
test: system-packages-test setup lint types imports migrations-check pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

types:
	$(BIN)/mypy src/fieldvisit

imports:
	$(BIN)/lint-imports

migrations-check:
	FIELDVISIT_VAR=$${FIELDVISIT_VAR:-$$(mktemp -d)} $(BIN)/python manage.py makemigrations --check --dry-run

pytest:
	$(BIN)/pytest -n $${PYTEST_WORKERS:-2} $(PYTEST_ARGS)

test-engines: setup
	$(BIN)/pytest -p no:django tests/engines

## messages: extract translatable strings into the .po files (then translate them)
messages: setup
	cd src/fieldvisit && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --no-location --no-wrap --settings fieldvisit.config.settings
	cd src/fieldvisit && ../../$(BIN)/django-admin makemessages -d djangojs -l zh_Hans --no-obsolete --no-location --no-wrap --settings fieldvisit.config.settings

## schema: regenerate the committed OpenAPI schema (PostgreSQL's integer bounds; no connection is made)
schema: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} FIELDVISIT_VAR=$${FIELDVISIT_VAR:-$$(mktemp -d)} \
		$(BIN)/python manage.py spectacular --file docs/api/schema.yml --validate --fail-on-warn

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache

## git-setup: merge translation catalogues entry by entry (scripts/po_merge.py), once per clone
git-setup: setup
	git config merge.po.name "gettext catalogue merge"
	git config merge.po.driver "$(CURDIR)/$(BIN)/python $(CURDIR)/scripts/po_merge.py %O %A %B"
