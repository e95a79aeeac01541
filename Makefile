# Two commands: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PLUGINS := intranet community workspace wiki
# Plugins from outside the core (their own pyproject.toml), installed, linted and tested
# like the bundled ones; built only on pleio_core.plugin_api.
EXAMPLES := examples/pleio-faq
STAMP := $(VENV)/.installed
# Two processes: the suite runs in half the time on the two cores CI has.
PYTEST_ARGS ?= -n 2

.PHONY: run test install lint bench clean translations reference nlds

# The web server and the demo set-up run beside a ZEO server for var/'s FileStorages
# ([pleio:zeo] in development.ini), so every `pleio` command works while it serves; the
# ZEO server stops when pserve does.
run: $(STAMP) translations
	$(BIN)/pleio -c development.ini zeo --then "$(BIN)/pleio -c development.ini demo" \
		--then "$(BIN)/pserve development.ini"

test: lint translations
	$(BIN)/pytest -q $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml $(foreach p,$(PLUGINS),plugins/$(p)/setup.cfg) \
		$(foreach e,$(EXAMPLES),$(e)/pyproject.toml)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,postgres]' $(foreach p,$(PLUGINS),-e plugins/$(p)) babel
	$(BIN)/pip install -q --no-build-isolation $(foreach e,$(EXAMPLES),-e $(e))
	touch $@

# Compiled catalogs (*.mo) are build output: made from the committed *.po files.
translations: $(STAMP)
	@for po in $$(find pleio_core/locale plugins/*/pleio_*/locale $(addsuffix /pleio_*/locale,$(EXAMPLES)) -name '*.po'); do \
		mo=$${po%.po}.mo; \
		if [ ! -f $$mo ] || [ $$po -nt $$mo ]; then \
			$(BIN)/pybabel -q compile -i $$po -o $$mo || exit 1; \
		fi; \
	done

# ruff, the layers of the core (.importlinter, docs/architecture.md), and mypy on the core
# and the bundled plugins ([tool.mypy] in pyproject.toml)
lint: $(STAMP)
	$(BIN)/ruff check build_catalogs.py nlds/build.py pleio_core plugins tests bench $(EXAMPLES)
	$(BIN)/ruff format --check build_catalogs.py nlds/build.py pleio_core plugins tests bench $(EXAMPLES)
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy pleio_core $(foreach p,$(PLUGINS),plugins/$(p)/pleio_$(p)) $(dir $(wildcard $(addsuffix /pleio_*/__init__.py,$(EXAMPLES))))

# the plugin reference, made from the docstrings (tests/test_plugin_reference.py checks it)
reference: $(STAMP)
	$(BIN)/pleio plugins reference > docs/plugin-reference.md

# NL Design System CSS, tokens, icons and font, vendored in pleio_core/static/nlds: run when
# nlds/package.json changes (needs npm; nothing at run time does). See nlds/README.md.
nlds: $(STAMP)
	$(BIN)/python nlds/build.py

bench: $(STAMP) translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info plugins/*/*.egg-info
