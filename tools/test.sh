#!/usr/bin/env bash
# Set up and run the tests: the one command for a fresh checkout, and what CI runs.
#
#     bash tools/test.sh                 # lint, pytest, then the browser tests: the whole suite
#     bash tools/test.sh --no-browser    # lint and pytest (also: WASMVM_NO_BROWSER=1)
#     bash tools/test.sh -k stackvm      # other arguments go to pytest; then only lint and
#                                        # pytest run (a selection is not the whole suite)
#
# Creates .venv (python3 -m venv) if it is missing, installs wasmvm in editable
# mode with its test tools (pip install -e '.[test]'), installs the Debian C toolchain
# for wasm32-wasi when it can (tools/setup-toolchain.sh), runs `ruff check .`, then
# `lint-imports` (the layer contracts of pyproject.toml's [tool.importlinter]), then
# pytest. Then, unless skipped as above, the browser tests of the playground:
# tools/setup-web.sh installs what they need (npm packages; Debian's chromium, which needs
# root) and tools/test-browser.sh runs them. Stops at the first failure and exits
# non-zero, including when pytest collects no tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

browser=1
case "${WASMVM_NO_BROWSER:-}" in
    "" | 0) ;;
    *) browser=0 ;;
esac
pytest_args=()
for a in "$@"; do
    if [[ "$a" == --no-browser ]]; then
        browser=0
    else
        pytest_args+=("$a")
    fi
done
skipped=""
if [[ $browser -eq 0 ]]; then
    skipped="skipped (--no-browser or WASMVM_NO_BROWSER)"
elif [[ ${#pytest_args[@]} -gt 0 ]]; then
    browser=0
    skipped="skipped (pytest arguments given: run bash tools/test.sh alone for the whole suite)"
fi

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

echo "==> lint-imports (the layers of pyproject.toml's [tool.importlinter] contracts)"
if ! .venv/bin/lint-imports; then
    echo "error: lint-imports: an import breaks the layers (report above); see the" \
         "contracts in pyproject.toml and tests/test_layers.py" >&2
    exit 1
fi

echo "==> pytest ${pytest_args[*]+${pytest_args[*]}}"
status=0
.venv/bin/python -m pytest ${pytest_args[@]+"${pytest_args[@]}"} || status=$?
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
if [[ $status -ne 0 ]]; then
    [[ $browser -eq 0 ]] || echo "error: pytest failed (exit $status), so the browser tests did not run" >&2
    exit "$status"
fi

if [[ $browser -eq 0 ]]; then
    echo "==> browser tests $skipped"
    exit 0
fi
echo "==> browser tests (tools/setup-web.sh, tools/test-browser.sh)"
if ! bash tools/setup-web.sh; then
    echo "error: tools/setup-web.sh failed, so the browser tests did not run" \
         "(bash tools/test.sh --no-browser runs the rest)" >&2
    exit 1
fi
bash tools/test-browser.sh
