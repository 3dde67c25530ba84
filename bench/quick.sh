#!/usr/bin/env bash
# CI smoke run of every benchmark (small sizes); prints their ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${VPY:-.venv/bin/python}"
"$PY" bench/run.py --quick
"$PY" bench/rollup.py --quick
"$PY" bench/household_import.py --quick
