"""The WAT parser (wasmvm.wat, issue 18): text -> the binary wasm-tools makes of it.

The oracle is ``wasm-tools parse`` (installed with the dev dependencies): for the
repository's own .wat files and a sample of the spec suite's modules (printed back to
text by ``wasm-tools print``, flat and folded), ``wasmvm.wat.wat2wasm`` gives the same
bytes, custom sections aside (both write a ``name`` section, wasm-tools with more
subsections). ``tools/wat_parse_check.py`` runs the same comparison on every module of
the suite (too slow for the test run: two subprocesses per module). The rest are
hand-made cases: every abbreviation against its expansion, the spec's error messages
with line and column, and nesting that must not recurse.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from wasmvm import Instance, Module, Store, wat2wasm
from wasmvm.binary.decode import decode_module
from wasmvm.binary.encode import encode_module
from wasmvm.syntax.features import WASM2, WASM3
from wasmvm.wat import TextError, is_text, parse_module, to_binary

ROOT = Path(__file__).resolve().parents[1]
WASM_TOOLS = shutil.which("wasm-tools") or (
    str(ROOT / ".venv/bin/wasm-tools") if (ROOT / ".venv/bin/wasm-tools").exists() else None)
needs_wasm_tools = pytest.mark.skipif(WASM_TOOLS is None, reason="wasm-tools (the oracle) is not installed")


def stripped(data: bytes) -> bytes:
    m = decode_module(data)
    m.customs = []
    return encode_module(m)


def wasm_tools(*args: str, stdin: bytes | None = None) -> bytes:
    p = subprocess.run([WASM_TOOLS, *args], input=stdin, capture_output=True, check=True)
    return p.stdout


WAT_FILES = sorted(p for p in ROOT.glob("fixtures/**/*.wat"))


@needs_wasm_tools
@pytest.mark.parametrize("path", WAT_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_wat_files_parse_as_wasm_tools_parses_them(path):
    assert stripped(wat2wasm(path.read_text())) == stripped(wasm_tools("parse", str(path)))


def _spec_sample() -> list[Path]:
    """The first module of every core-3.0 script and of every tenth core-2.0 script,
    from the converted spec suite (skipped when the suite is not there)."""
    try:
        from wasmvm.script.convert import convert, suite_files
        out = []
        for suite, step in (("core-3.0", 1), ("core-2.0", 10)):
            for wast in suite_files(suite)[::step]:
                found = sorted(convert(wast).wasm_dir.glob("*.wasm"))
                out.extend(found[:1])
        return out
    except Exception:  # no testsuite or no wasm-tools: the test below says so
        return []


@needs_wasm_tools
@pytest.mark.parametrize("fold", [False, True], ids=["flat", "folded"])
def test_spec_modules_printed_by_wasm_tools_parse_to_the_same_bytes(fold):
    sample = _spec_sample()
    if not sample:
        pytest.skip("the spec testsuite is not there (WASMVM_TESTSUITE)")
    checked = 0
    for wasm in sample:
        p = subprocess.run([WASM_TOOLS, "print", str(wasm), *(["-f"] if fold else [])],
                           capture_output=True)
        if p.returncode:  # a module wasm-tools cannot print (malformed on purpose)
            continue
        want = stripped(wasm_tools("parse", "-", stdin=p.stdout))
        assert stripped(wat2wasm(p.stdout)) == want, wasm.name
        checked += 1
    assert checked >= len(sample) * 0.9


# -- abbreviations: each parses to the bytes of its expansion ----------------------------
EQUIVALENT = [
    ('(module (func (export "f")))', '(module (func) (export "f" (func 0)))'),
    ('(module (func $f (import "m" "n") (param i32)))',
     '(module (type (func (param i32))) (import "m" "n" (func (type 0))))'),
    ('(module (func (param i32) (result i32) local.get 0))',
     '(module (type (func (param i32) (result i32))) (func (type 0) local.get 0))'),
    ('(module (func (param i32 i64) (local f32 f32)))',
     '(module (func (param i32) (param i64) (local f32) (local f32)))'),
    ('(module (table funcref (elem $f $f)) (func $f))',
     '(module (table 2 2 funcref) (elem (table 0) (i32.const 0) func 0 0) (func))'),
    ('(module (table i64 funcref (elem $f)) (func $f))',
     '(module (table i64 1 1 funcref) (elem (table 0) (i64.const 0) func 0) (func))'),
    ('(module (memory (data "ab" "c")))',
     '(module (memory 1 1) (data (memory 0) (offset (i32.const 0)) "abc"))'),
    ('(module (memory 1) (data (i32.const 4) "x"))',
     '(module (memory 1) (data (memory 0) (offset i32.const 4) "x"))'),
    ('(module (global (export "g") (mut i32) (i32.const 1)))',
     '(module (global (mut i32) i32.const 1) (export "g" (global 0)))'),
    ('(module (func (result i32) (i32.add (i32.const 1) (i32.const 2))))',
     '(module (func (result i32) i32.const 1 i32.const 2 i32.add))'),
    ('(module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3)))))',
     '(module (func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end))'),
    ('(module (func $f (block $a (loop $b (br_if $a (i32.const 0)) (br $b)))))',
     '(module (func block loop i32.const 0 br_if 1 br 0 end end))'),
    ('(module (func i32.const 0 i32.load offset=4 align=4 drop) (memory 1))',
     '(module (func (i32.load offset=4 (i32.const 0)) drop) (memory 1))'),
    ('(module (type $s (struct (field $x i32) (field $y (mut i64)))) '
     '(func (param (ref $s)) (result i64) (struct.get $s $y (local.get 0))))',
     '(module (type (struct (field i32 (mut i64)))) '
     '(func (param (ref 0)) (result i64) local.get 0 struct.get 0 1))'),
    ('(module (rec (type $a (sub (func))) (type $b (sub $a (func)))))',
     '(module (rec (type (sub (func))) (type (sub 0 (func)))))'),
    ('(module (tag $e (param i32)) (func (try_table (catch $e 0) (throw $e (i32.const 1)))))',
     '(module (type (func (param i32))) (tag (type 0)) '
     '(func try_table (catch 0 0) i32.const 1 throw 0 end))'),
    ('(module (memory $a 1) (memory $b 1) (func (i32.store8 $b (i32.const 0) (i32.const 1))))',
     '(module (memory 1) (memory 1) (func i32.const 0 i32.const 1 i32.store8 1))'),
    ('(module (func (result v128) (v128.const i8x16 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 255)))',
     '(module (func (result v128) v128.const i64x2 0x00000000000000ff 0xff00000000000000))'),
    ('(module (elem declare func $f) (func $f))', '(module (elem declare func 0) (func))'),
    ('(module (func (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)) drop))',
     '(module (func i32.const 1 i32.const 2 i32.const 0 select (result i32) drop))'),
]


@pytest.mark.parametrize("short,long", EQUIVALENT)
def test_abbreviations_mean_their_expansion(short, long):
    assert stripped(wat2wasm(short)) == stripped(wat2wasm(long))


# -- errors: the reference interpreter's messages, at line:column ------------------------
ERRORS = [
    ("(module (func (i32.const 0x)))", "unknown operator", 1, 26),
    ("(module (func (i32.const)))", "unexpected token", 1, 25),
    ("(module (func (i32.const 4294967296)))", "constant out of range", 1, 26),
    ("(module (func i32.foo))", "unknown operator i32.foo", 1, 15),
    ("(module (func (get_local 0)))", "unknown operator get_local", 1, 16),
    ("(module (func (f32.const nan:1)))", "unknown operator nan:1", 1, 26),
    ("(module (func (i32.const nan:canonical)))", "unexpected token", 1, 26),
    ("(module (func (block (result i32) (param i32))))", "unexpected token", 1, 35),
    ("(module (func (type 3) (param i32)))", "unknown type", 1, 15),
    ("(module (memory 0x1_0000_0000))", "i32 constant out of range", 1, 17, WASM2),
    ("(module (func (v128.const i32x4 0x 1 2 3) drop))", "unknown operator", 1, 33),
    ("(module (func (i8x16.extract_lane_s -1 (v128.const i64x2 0 0)) drop))",
     "unexpected token", 1, 37),
    ("(module\n  (memory 1)\n  (func (drop (i32.load align=3 (i32.const 0)))))",
     "alignment must be a power of two", 3, 25),
    ("(module (type $t (func)) (func (type $t) (param i32)))", "inline function type", 1, 32),
    ("(module (func $f) (func $f))", "duplicate func $f", 1, 19),
    ("(module (func (param $x i32) (local $x i32)))", "duplicate local $x", 1, 37),
    ("(module (func) (import \"m\" \"n\" (func)))", "import after function", 1, 16),
    ("(module (global i32 (i32.const 0)) (import \"m\" \"n\" (memory 1)))",
     "import after global", 1, 36),
    ("(module (func block $a end $b))", "mismatching label", 1, 28),
    ("(module (func br $nowhere))", "unknown label $nowhere", 1, 18),
    ("(module (func call $g))", "unknown function $g", 1, 20),
    ("(module (func (v128.const i32x4 1 2 3) drop))", "wrong number of lane literals", 1, 33),
    ("(module (func (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop))",
     "constant out of range", 1, 33),
    ("(module (func (i8x16.shuffle 0 1 2)))", "invalid lane length", 1, 30),
    ("(module (func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop))",
     "malformed lane index", 1, 37),
    ("(module (start 0) (start 0) (func))", "multiple start sections", 1, 19),
    ("(module (func (nop) (local i32)))", "unexpected token", 1, 22),
    ("(module (func)", "unexpected end of input", 1, 15),
    ("(module (func)))", "unexpected token", 1, 16),
    ("(module (bogus))", "unknown operator bogus", 1, 10),
    ("(module (local))", "unexpected token", 1, 10),
    ('(module (func (export "\\ff")))', "malformed UTF-8 encoding", 1, 23),
]


@pytest.mark.parametrize("case", ERRORS, ids=lambda c: c[1])
def test_malformed_text_says_what_and_where(case):
    text, message, line, column, *features = case
    with pytest.raises(TextError) as e:
        wat2wasm(text, features=features[0] if features else WASM3)
    assert (e.value.message, e.value.line, e.value.column) == (message, line, column)


def test_3_0_bounds_are_u64_and_validation_bounds_them():
    """In 3.0 a 32-bit memory's bounds parse as u64 ("memory size" is the validator's);
    a lane index out of range is 2.0's "malformed lane index", 3.0's "i8 constant out of
    range"."""
    assert decode_module(wat2wasm("(module (memory 0x1_0000_0000))")).mems[0].type.limits.min == 1 << 32
    with pytest.raises(TextError) as e:
        wat2wasm("(module (func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop))")
    assert e.value.matches("malformed lane index") and e.value.matches("i8 constant out of range")


# -- scale: no recursion per nesting level ------------------------------------------------
@pytest.mark.parametrize("form", ["flat", "folded"])
def test_deep_nesting_parses_without_recursion(form):
    n = 20_000
    if form == "flat":
        body = "block " * n + "end " * n
    else:
        body = "(block " * n + ")" * n
    m = parse_module(f"(module (func {body}))")
    depth, instrs = 0, m.funcs[0].body
    while instrs:
        depth += 1
        instrs = instrs[0].body
    assert depth == n


# -- text wherever binary goes --------------------------------------------------------------
def test_module_accepts_text_and_runs_it():
    store = Store()
    text = """(module $m
      (func $fac (export "fac") (param $n i64) (result i64)
        (if (result i64) (i64.eqz (local.get $n))
          (then (i64.const 1))
          (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1))))))))"""
    for source in (text, text.encode()):
        module = Module(store.engine, source)
        assert Instance(store, module, []).exports(store)["fac"](store, 20) == 2432902008176640000
    names = decode_module(wat2wasm(text)).names
    assert names.module == "m" and names.funcs == {0: "fac"} and names.locals == {0: {0: "n"}}


def test_binary_and_text_are_told_apart():
    assert is_text("(module)") and is_text(b"  ;; hi\n(module)") and is_text(b"(module)")
    assert not is_text(b"\0asm\x01\0\0\0") and not is_text(b"hello")
    assert to_binary(b"\0asm\x01\0\0\0") == b"\0asm\x01\0\0\0"
    assert to_binary("(module)") == b"\0asm\x01\0\0\0"


def test_module_binary_and_quote_forms():
    assert wat2wasm('(module binary "\\00asm" "\\01\\00\\00\\00")') == b"\0asm\x01\0\0\0"
    assert stripped(wat2wasm('(module quote "(func" " (export \\"f\\"))")')) == stripped(
        wat2wasm('(module (func (export "f")))'))


def test_custom_annotations_become_custom_sections():
    m = parse_module('(module (@custom "a" "xy") (@custom "b" (before first) "z") (func))')
    placed = {c.name: (c.data, c.after) for c in m.customs}
    assert placed["a"] == (b"xy", 10) and placed["b"] == (b"z", 0)
    # other annotations are ignored wherever they stand
    assert stripped(wat2wasm("(module (@x (y)) (func (@z) nop))")) == stripped(
        wat2wasm("(module (func nop))"))


def _text_form(m):
    """What a text can say of a decoded module: runs of locals of one type merged and
    empty runs dropped (the text has no way to write either), no data count section
    unless an instruction uses a data index, no custom sections (both sides write their
    own name section)."""
    from wasmvm.syntax.module import Local
    from wasmvm.wat.parser import _uses_data_indices

    for f in m.funcs:
        merged: list = []
        for loc in f.locals:
            if not loc.count:
                continue
            if merged and merged[-1].type is loc.type:
                merged[-1] = Local(merged[-1].count + loc.count, loc.type)
            else:
                merged.append(Local(loc.count, loc.type))
        f.locals = merged
    if not _uses_data_indices(m):
        m.datacount = None
    m.customs = []
    return encode_module(m)


def test_wasmvm_print_then_parse_gives_the_same_module():
    """Every module of the spec suite wasmvm decodes, printed by ``wasmvm print`` (flat
    and folded) and parsed back by ``wat2wasm``: the same bytes, as far as text can say
    them (``_text_form``). About 7,000 modules, in-process."""
    from wasmvm.errors import WasmError
    from wasmvm.script.convert import convert, suite_files
    from wasmvm.wat.printer import print_module

    try:
        wastes = [w for suite in ("core-2.0", "core-3.0") for w in suite_files(suite)]
    except Exception as e:  # noqa: BLE001 - no suite here
        pytest.skip(f"the spec testsuite is not there: {e}")
    checked, bad = 0, []
    for wast in wastes:
        for path in sorted(convert(wast).wasm_dir.glob("*.wasm")):
            data = path.read_bytes()
            try:
                m = decode_module(data)
            except WasmError:
                continue  # malformed on purpose
            want = _text_form(decode_module(data))
            for folded in (False, True):
                got = _text_form(decode_module(wat2wasm(print_module(m, folded=folded))))
                checked += 1
                if got != want:
                    bad.append(f"{path.name} folded={folded}")
    assert not bad, bad[:10]
    assert checked > 10_000
