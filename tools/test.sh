#!/usr/bin/env bash
# Set up and run the tests: the one command for a fresh checkout.
#
#     bash tools/test.sh                 # lint, then the whole suite
#     bash tools/test.sh -k stackvm      # extra arguments go to pytest
#
# Creates .venv (python3 -m venv) if it is missing, installs wasmvm in editable
# mode with its test tools (pip install -e '.[test]'), installs the Debian C toolchain
# for wasm32-wasi when it can (tools/setup-toolchain.sh), runs `ruff check .`, then
# pytest. Exits non-zero on any failure, including pytest collecting no tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    echo "==> creating .venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv .venv
fi

echo "==> pip install -e '.[test]'"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! .venv/bin/python -m pip install --disable-pip-version-check --no-input -q -e '.[test]' >"$log" 2>&1; then
    cat "$log" >&2
    echo "error: pip install -e '.[test]' failed (output above)" >&2
    exit 1
fi

bash tools/setup-toolchain.sh

echo "==> ruff check ."
.venv/bin/ruff check .

echo "==> pytest $*"
status=0
.venv/bin/python -m pytest "$@" || status=$?
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
