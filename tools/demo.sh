#!/usr/bin/env bash
# Set up wasmvm and show what it does on a bundled example:
#
#     bash tools/demo.sh                         # dumps fixtures/fac.wasm
#     bash tools/demo.sh fixtures/table.wasm     # or another module
#
# Creates .venv (python3 -m venv) if it is missing, installs wasmvm into it
# (pip install -e .; it has no dependencies), then runs
# `wasmvm dump -x -d FILE`: the module's sections and details, and the
# disassembly of its functions.
set -euo pipefail

example="${1:-fixtures/fac.wasm}"
if [[ $# -gt 0 && "$example" != /* ]]; then
    example="$PWD/$example"
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    echo "==> creating .venv with $("$PYTHON" --version 2>&1)" >&2
    "$PYTHON" -m venv .venv
fi

log="$(mktemp)"
if ! .venv/bin/python -m pip install --disable-pip-version-check --no-input -q -e . >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    echo "error: pip install -e . failed (output above)" >&2
    exit 1
fi
rm -f "$log"

echo "==> wasmvm dump -x -d $example" >&2
exec .venv/bin/wasmvm dump -x -d "$example"
