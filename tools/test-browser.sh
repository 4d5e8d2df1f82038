#!/usr/bin/env bash
# Browser tests of the playground, against the wheel as it ships.
#
#     bash tools/setup-web.sh && bash tools/test-browser.sh
#
# 1. builds the wasmvm wheel and checks that the playground's files are inside it;
# 2. unpacks it and starts `wasmvm serve` from it (not from the checkout) on a free port
#    of 127.0.0.1, with Pyodide from node_modules/pyodide and that wheel for the page;
# 3. runs tests/browser with node's test runner: playwright-core drives Debian's chromium,
#    headless and offline, through both modes of the page; screenshots go to
#    .cache/artifacts/ (ignored by git);
# 4. stops the server. Any failure exits non-zero, with the server's log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

fail() { echo "error: $*" >&2; exit 1; }
[[ -x .venv/bin/python ]] || fail "no .venv: run tools/setup-web.sh first"
for package in pyodide swagger-ui-dist playwright-core; do
    [[ -d "node_modules/$package" ]] || fail "node_modules lacks $package: run tools/setup-web.sh first"
done
[[ -x /usr/bin/chromium ]] || fail "no /usr/bin/chromium: run tools/setup-web.sh first"

work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "==> building the wasmvm wheel"
if ! .venv/bin/python -m build --wheel --no-isolation --outdir "$work/dist" . >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    fail "the wheel did not build"
fi
wheel="$(ls "$work"/dist/wasmvm-*.whl)"
.venv/bin/python - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["wasmvm/web/static/index.html", "wasmvm/web/static/app.js", "wasmvm/web/static/style.css",
        "wasmvm/web/static/examples/fac.wasm", "wasmvm/web/static/examples/fac.wat",
        "wasmvm/web/app.py", "wasmvm/web/browser.py"]
missing = [n for n in need if n not in names]
if missing:
    sys.exit(f"error: the wheel lacks {', '.join(missing)}")
print(f"    {sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, the playground among them")
PY
mkdir -p "$work/site"
.venv/bin/python -m zipfile -e "$wheel" "$work/site"

port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
echo "==> wasmvm serve on $url (from the wheel)"
(cd "$work" && exec env PYTHONPATH="$work/site" "$root/.venv/bin/python" -m wasmvm serve \
    --host 127.0.0.1 --port "$port" --log-level warning \
    --pyodide "$root/node_modules/pyodide" --wheel "$wheel" --fixtures "$root/fixtures" \
    --swagger "$root/node_modules/swagger-ui-dist") \
    >"$work/server.log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    if .venv/bin/python -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "$url/api/config" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [[ -z "$ready" ]]; then
    cat "$work/server.log" >&2
    fail "the server did not start"
fi
served_from="$(.venv/bin/python -c "import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))['browser'])" "$url/api/config")"
echo "    in-browser mode: $served_from"

echo "==> node --test tests/browser/playground.test.mjs"
mkdir -p .cache/artifacts
status=0
WASMVM_URL="$url" WASMVM_ARTIFACTS="$root/.cache/artifacts" timeout 300 \
    node --test --test-reporter=spec tests/browser/playground.test.mjs || status=$?
if [[ $status -ne 0 ]]; then
    echo "---- server log" >&2
    tail -n 50 "$work/server.log" >&2
    fail "the browser tests failed (exit $status)"
fi
echo "==> screenshots: $(ls .cache/artifacts/*.png | tr '\n' ' ')"
