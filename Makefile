# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The certificate's second language: each .po compiled to .mo by a pure-Python command (no GNU
# gettext needed on a clean clone).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

.PHONY: run test install lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

%.mo: %.po | $(STAMP)
	$(PY) manage.py compile_translations --verbosity 0

install: $(STAMP) $(MO_FILES)

run: $(STAMP) $(MO_FILES)
	$(PY) manage.py migrate --verbosity 0
	$(PY) manage.py seed_demo
	@echo "Open http://127.0.0.1:8000/ and log in with one of the logins above."
	$(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) $(MO_FILES)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var
