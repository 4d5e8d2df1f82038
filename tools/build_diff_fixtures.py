#!/usr/bin/env python3
"""Build the differential-test fixtures: fixtures/diff/*.wat with WABT's wat2wasm (the
.wasm files are committed, like fixtures/*.wasm) and fixtures/diff/c/*.c with clang for
wasm32-wasi, and the WASI commands fixtures/diff/wasi/*.c (compiled into .cache/difftest/c/,
never committed: the bytes depend on the clang version).

    python tools/build_diff_fixtures.py           rebuild fixtures/diff/*.wasm
    python tools/build_diff_fixtures.py --check   fail if one is missing or stale
    python tools/build_diff_fixtures.py --c       compile the C programs into the cache

wat2wasm runs with the flags of tools/build_fixtures.py (WebAssembly 2.0 and tail calls,
names kept).
clang is Debian's (tools/setup-toolchain.sh installs clang, lld, wasi-libc and compiler-rt
for wasm32): the programs export pure functions with ``export_name`` and are linked
without an entry point.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIFF_FIXTURES = ROOT / "fixtures" / "diff"
C_SOURCES = DIFF_FIXTURES / "c"
WASI_SOURCES = DIFF_FIXTURES / "wasi"
C_CACHE = ROOT / ".cache" / "difftest" / "c"

#: WebAssembly 2.0 features only (what wasmvm runs): bulk memory, saturating truncation,
#: sign extension, mutable globals. No SIMD.
CLANG_FLAGS = (
    "--target=wasm32-wasi", "-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--strip-debug",
    "-mbulk-memory", "-mnontrapping-fptoint", "-msign-ext", "-mmutable-globals",
    "-Wall", "-Werror",
)
#: WASI commands (fixtures/diff/wasi/*.c): main() and wasi-libc's start files.
WASI_FLAGS = ("--target=wasm32-wasi", "-O2", "-Wl,--strip-debug", "-Wall", "-Werror")


def _build_fixtures():
    spec = importlib.util.spec_from_file_location("build_fixtures", ROOT / "tools" / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_fixtures = _build_fixtures()
find_wat2wasm = build_fixtures.find_wat2wasm
find_tool = build_fixtures.find_tool


def wat_sources() -> list[Path]:
    return build_fixtures.sources(DIFF_FIXTURES)


def c_sources() -> list[Path]:
    return sorted(C_SOURCES.glob("*.c"))


def wasi_sources() -> list[Path]:
    return sorted(WASI_SOURCES.glob("*.c"))


def build_wat(wat2wasm: str, out_dir: Path | None = None) -> list[Path]:
    return build_fixtures.build(wat2wasm, DIFF_FIXTURES, out_dir)


def stale_wat(wat2wasm: str) -> list[str]:
    """Recompile into a temporary folder; describe each committed .wasm that differs."""
    return build_fixtures.stale(wat2wasm, DIFF_FIXTURES, "tools/build_diff_fixtures.py")


def find_clang() -> str | None:
    return shutil.which("clang")


def clang_problem(clang: str | None) -> str | None:
    """Why clang cannot build the C fixtures here (None when it can)."""
    if clang is None:
        return "clang not found (bash tools/setup-toolchain.sh installs clang, lld, wasi-libc)"
    with tempfile.TemporaryDirectory(prefix="wasmvm-clang-") as tmp:
        src = Path(tmp) / "probe.c"
        src.write_text('#include <string.h>\n__attribute__((export_name("f"))) '
                       'unsigned long f(const char *s) { return strlen(s); }\n')
        proc = subprocess.run([clang, *CLANG_FLAGS, str(src), "-o", str(Path(tmp) / "probe.wasm")],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            return ("clang cannot build for wasm32-wasi (bash tools/setup-toolchain.sh): "
                    + proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no output")
    return None


def _clang_version(clang: str) -> str:
    return subprocess.run([clang, "--version"], capture_output=True, text=True).stdout


def compile_c(clang: str, src: Path, out_dir: Path = C_CACHE, flags: tuple = CLANG_FLAGS) -> Path:
    """Compile one C program into ``out_dir`` (cached by source, flags and clang version);
    raise RuntimeError with clang's message on failure."""
    key = hashlib.sha256("\0".join([src.read_text(), *flags, _clang_version(clang)])
                         .encode()).hexdigest()[:16]
    out_dir.mkdir(parents=True, exist_ok=True)
    dst = out_dir / f"{src.stem}-{key}.wasm"
    if dst.exists():
        return dst
    tmp = dst.with_suffix(".tmp")
    proc = subprocess.run([clang, *flags, str(src), "-o", str(tmp)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError(f"clang failed on {src.name}:\n{proc.stderr.strip()}")
    tmp.replace(dst)
    return dst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed .wasm is missing or stale")
    parser.add_argument("--c", action="store_true", help="compile the C programs into .cache/difftest/c")
    args = parser.parse_args(argv)
    try:
        if args.c:
            clang = find_clang()
            problem = clang_problem(clang)
            if problem:
                print(f"error: {problem}", file=sys.stderr)
                return 2
            for src in c_sources():
                print(f"wrote {compile_c(clang, src).relative_to(ROOT)}")
            for src in wasi_sources():
                print(f"wrote {compile_c(clang, src, flags=WASI_FLAGS).relative_to(ROOT)}")
            return 0
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return build_fixtures.check_or_build(args.check, DIFF_FIXTURES, "tools/build_diff_fixtures.py")


if __name__ == "__main__":
    sys.exit(main())
