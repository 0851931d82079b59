#!/usr/bin/env bash
# The whole test suite. Each window test runs in a fresh process, as Quelle itself runs one
# window per process: every test window starts its own engine threads and loads the models
# again, and after many such loads in one process torch has crashed while loading.
set -euo pipefail
cd "$(dirname "$0")/.."
pytest=.venv/bin/pytest
"$pytest" --ignore=tests/test_window.py "$@"
for test in $("$pytest" --collect-only -q tests/test_window.py | grep '::'); do
    "$pytest" -q "$test"
done
