#!/usr/bin/env bash
# Lint, format and types: what CI and the pre-commit hook check before any test runs.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check app tests benchmarks packaging
.venv/bin/ruff format --check app tests benchmarks packaging
.venv/bin/mypy
