#!/usr/bin/env bash
# Install what the web tests need; each step only when it is missing.
#
#     bash tools/setup-web.sh
#
#   - .venv with wasmvm and its test tools, FastAPI and uvicorn among them
#     (pip install -e '.[test]'; tools/test.sh does the same)
#   - node_modules/: pyodide (served to the page by `wasmvm serve`) and playwright-core
#     (drives the browser), exactly as package-lock.json pins them (npm ci)
#   - Debian's chromium (apt-get; needs root). Playwright never downloads a browser here.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
    echo "==> creating .venv with $("$PYTHON" --version 2>&1)"
    "$PYTHON" -m venv .venv
fi
if ! .venv/bin/python -c "import fastapi, uvicorn, httpx2, multipart, build, schemathesis" 2>/dev/null; then
    echo "==> pip install -e '.[test]'"
    .venv/bin/python -m pip install --disable-pip-version-check --no-input -q -e '.[test]'
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "error: node and npm are needed for the browser tests" >&2
    exit 1
fi
# Up to date when every package of the lock file is installed at its locked version.
if ! node -e '
    const lock = require("./package-lock.json").packages;
    for (const [path, p] of Object.entries(lock)) {
        if (path && require("./" + path + "/package.json").version !== p.version) process.exit(1);
    }' 2>/dev/null; then
    echo "==> npm ci (pyodide, swagger-ui-dist, playwright-core)"
    # No install scripts: none is needed (and swagger-ui-dist's @scarf/scarf would phone
    # home); playwright-core downloads no browser, and the variable makes sure.
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [[ ! -x /usr/bin/chromium ]]; then
    echo "==> apt-get install chromium"
    if [[ $(id -u) -ne 0 ]]; then
        echo "error: Debian's chromium is missing and installing it needs root" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
echo "==> web test tools ready: $(/usr/bin/chromium --version 2>/dev/null | head -n1), node $(node --version)"
