#!/usr/bin/env bash
# Install the Debian packages the C fixtures need: clang and lld for --target=wasm32-wasi,
# wasi-libc, and compiler-rt's wasm32 builtins. Does nothing when they are present.
# Needs root and apt-get (as on CI); elsewhere it says what to install and carries on,
# and the tests that compile C skip with that reason (under CI=true they fail instead).
#
#   bash tools/setup-toolchain.sh --rust   also rustc with the wasm32-wasi standard
#       library, for the Rust program of `tools/bench.py --real` (wordfreq; 60 MB more
#       to download, which the tests do not need, so CI does not ask for it)
set -euo pipefail

packages=(clang lld wasi-libc libclang-rt-dev-wasm32)
case "${1:-}" in
    --rust) packages+=(rustc libstd-rust-dev-wasm32) ;;
    "") ;;
    *) echo "usage: bash tools/setup-toolchain.sh [--rust]" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    echo "warning: missing Debian packages for the C (and Rust) programs: ${missing[*]}" >&2
    echo "         install them with: sudo apt-get install ${missing[*]}" >&2
    exit 0
fi
echo "==> apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
