#!/bin/sh
# What CI runs for this plugin, in an environment where it is installed with its test
# extras (pip install -e '.[test]'): lint, then its tests against the installed pleio_core.
# PYTHON picks the interpreter (default: python3 on PATH).
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
"$PYTHON" -m pytest -q "$@"
