# qrsvc: the two commands of the README, and the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
CATALOGS := $(wildcard qrsvc/*/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: demo test lint format bench install translations extract-messages clean

# The address served is Flask's FLASK_RUN_HOST/PORT; without QRSVC_PUBLIC_URL the app takes
# its public URL from them too (qrsvc/config.py), so printed codes and API URLs name this port.
demo: export FLASK_RUN_HOST = 127.0.0.1
demo: export FLASK_RUN_PORT = $(PORT)
demo: $(STAMP) translations
	$(BIN)/qrsvc db upgrade
	$(BIN)/qrsvc demo
	@echo "Serving on http://127.0.0.1:$(PORT)  (admin: http://127.0.0.1:$(PORT)/admin/login)"
	@echo "Codes and API URLs use $${QRSVC_PUBLIC_URL:-http://127.0.0.1:$(PORT)}"
	$(BIN)/qrsvc run --no-reload

install: $(STAMP) translations

# Test files run side by side on TEST_WORKERS processes (pytest-xdist; 0: in this one).
TEST_WORKERS ?= 2
test: $(STAMP) translations
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	bash .ci/security
	$(BIN)/lint-imports --no-cache .importlinter
	$(BIN)/pytest -q tests/test_no_private_names.py tests/test_import_contracts.py

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP) translations
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

translations: $(COMPILED)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# Each area keeps its own catalog: make extract-messages AREA=public (then translate
# qrsvc/$(AREA)/translations/<lang>/LC_MESSAGES/messages.po). An area's babel.cfg says
# which files are its own; without one, its package and templates/<area>/. Every
# language the area has a catalog for is updated (vi and en always; the visitors'
# areas also zh, ko, fr, whose new entries are drafted and flagged fuzzy, see a header).
extract-messages: $(STAMP)
	@test -n "$(AREA)" || { echo "usage: make extract-messages AREA=public"; exit 2; }
	cfg=qrsvc/$(AREA)/translations/babel.cfg; \
	if [ ! -f $$cfg ]; then cfg=$$(mktemp); \
	  printf '[python: qrsvc/$(AREA)/**.py]\n[jinja2: templates/$(AREA)/**.html]\n' > $$cfg; fi; \
	$(BIN)/pybabel extract -F $$cfg -k _l -k _ln:1,2 -k lazy_pgettext:1c,2 --no-location -o qrsvc/$(AREA)/translations/messages.pot . && \
	for lang in $$(printf '%s\n' vi en $$(cd qrsvc/$(AREA)/translations && ls -d */LC_MESSAGES 2>/dev/null | cut -d/ -f1) | sort -u); do \
	  if [ -f qrsvc/$(AREA)/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i qrsvc/$(AREA)/translations/messages.pot -d qrsvc/$(AREA)/translations -l $$lang; \
	  else \
	    $(BIN)/pybabel init -i qrsvc/$(AREA)/translations/messages.pot -d qrsvc/$(AREA)/translations -l $$lang; \
	  fi; \
	done

$(STAMP):
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
	find . -name '*.mo' -path '*/translations/*' -delete
