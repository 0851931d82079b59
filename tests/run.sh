#!/usr/bin/env bash
# The whole test suite, in one pytest run. Extra arguments go to pytest
# (`bash tests/run.sh -m "not slow"` for the fast lane, `-k name` for one test).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/pytest "$@"
