"""TEMPORARY SCAFFOLD (issue 18, item 4's branch): NOT the WAT parser.

The real parser is written on main (``wasmvm/wat/parser.py``, the same API); merging this
branch takes main's file instead of this one. Until then, so that ``.wast`` scripts can
be read natively and their text modules run, this stand-in hands the text to
``wasm-tools parse`` in a subprocess. Its error messages are wasm-tools' own, not the
spec's.

    parse_module(text) -> wasmvm.syntax.module.Module
    wat2wasm(text) -> bytes
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..binary.decode import decode_module
from .lexer import TextError


def _wasm_tools() -> str:
    exe = "wasm-tools.exe" if os.name == "nt" else "wasm-tools"
    beside = Path(sys.executable).parent / exe
    if beside.is_file():
        return str(beside)
    found = shutil.which("wasm-tools")
    if found is None:
        raise TextError("wasm-tools not found (the scaffold WAT parser needs it)", 0, 1, 1)
    return found


def wat2wasm(text: str) -> bytes:
    proc = subprocess.run([_wasm_tools(), "parse", "-"], input=text.encode("utf-8"),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        message = lines[0] if lines else "wasm-tools parse failed"
        if message.startswith("error: "):
            message = message[len("error: "):]
        where = re.search(r"--> .*:(\d+):(\d+)", "\n".join(lines[1:3]))
        line, column = (int(where[1]), int(where[2])) if where else (1, 1)
        raise TextError(message, 0, line, column)
    return proc.stdout


def parse_module(text: str):
    return decode_module(wat2wasm(text))
