"""Reading ``.wast`` scripts natively (wasmvm.script.wast): every construct into the command
model, lines as the JSON path gives them, modules from memory (text parsed lazily), and
the oracle: for every script of core-2.0 and core-3.0, the native command list equals the
one ``wasm-tools json-from-wast`` gives, module bytes included."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest

from wasmvm.errors import MalformedError
from wasmvm.script.commands import (
    NON_NULL,
    Action,
    ActionCommand,
    AssertException,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    AssertUnlinkable,
    Either,
    ModuleAssertion,
    ModuleCommand,
    ModuleDefinition,
    ModuleInstance,
    NanPattern,
    RefValue,
    Register,
    Script,
    TextModule,
    Unknown,
    V128Pattern,
    load_converted,
)
from wasmvm.script.convert import SpecSetupError, convert_many, find_testsuite, find_wasm_tools, suite_files
from wasmvm.script.runner import run_script
from wasmvm.script.wast import load_wast, read_wast
from wasmvm.syntax.values import f32, f64, i32, i64, v128

EVERYTHING = r"""(; a script with every construct ;)
(module $M (func (export "f") (param i32) (result i32) (local.get 0)))
(module $B binary "\00asm" "\01\00\00\00")
(module quote "(func)" "(memory 1)")
(module definition $D (func))
(module definition $DB binary "\00asm\01\00\00\00")
(module instance $I $D)
(module instance $D)
(register "m" $M)
(register "n")
(invoke $M "f" (i32.const -1))
(get "g")
(assert_return (invoke "f" (i32.const 0x7fffffff) (i64.const -1) (f32.const -0x1p-149)
                           (f64.const nan:0x4000000000001))
  (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic)
  (v128.const i8x16 0 -128 255 1 2 3 4 5 6 7 8 9 10 11 12 13)
  (v128.const f32x4 nan:canonical 1.0 nan:arithmetic -0x0p+0)
  (v128.const i64x2 -1 1)
  (ref.null func) (ref.null) (ref.null none) (ref.extern 7) (ref.extern) (ref.host 3)
  (ref.func) (ref.struct) (ref.array) (ref.i31) (ref.eq) (ref.any) (ref.exn)
  (either (i32.const 1) (i32.const 2)))
(assert_trap (invoke "f") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_exception (invoke "throw"))
(assert_malformed (module quote "(func") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_unlinkable (module (import "m" "x" (func))) "unknown import")
(assert_uninstantiable (module quote "(func $s unreachable) (start $s)") "unreachable")
"""


def by_type(commands, cls):
    return [c for c in commands if type(c) is cls]


def test_every_construct():
    script = read_wast(EVERYTHING, "core-3.0/every.wast")
    c = script.commands
    assert script.name == "core-3.0/every.wast" and len(c) == 21
    assert not by_type(c, Unknown)
    assert c[0] == ModuleCommand(2, "every.0.wasm", "M", "binary")
    assert isinstance(script.modules["every.0.wasm"], TextModule)
    assert script.modules["every.0.wasm"].text().startswith('(module $M (func (export "f")')
    assert c[1] == ModuleCommand(3, "every.1.wasm", "B", "binary")
    assert script.module_bytes("every.1.wasm") == b"\0asm\1\0\0\0"
    assert c[2] == ModuleCommand(4, "every.2.wat", None, "text", "every.2.wasm")
    assert script.modules["every.2.wat"].text() == "(func) (memory 1)"
    assert c[3] == ModuleDefinition(5, "every.3.wasm", "D", "binary")
    # "definition" is blanked, not cut: offsets in the span stay the script's
    assert script.modules["every.3.wasm"].text() == "(module            $D (func))"
    assert c[4] == ModuleDefinition(6, "every.4.wasm", "DB", "binary")
    assert c[5:9] == [ModuleInstance(7, "I", "D"), ModuleInstance(8, "D", None),
                      Register(9, "m", "M"), Register(10, "n", None)]
    assert c[9] == ActionCommand(11, Action("invoke", "f", "M", (i32(-1),)))
    assert c[10] == ActionCommand(12, Action("get", "g"))
    ret = c[11]
    assert ret.line == 13 and ret.action.args == (
        i32.from_bits(0x7FFFFFFF), i64(-1), f32.from_bits(0x80000001),
        f64.from_bits(0x7FF4000000000001))
    nan32, arith64 = NanPattern(32, "canonical"), NanPattern(64, "arithmetic")
    assert ret.expected == (
        i32(1), nan32, arith64,
        v128.from_bits(int.from_bytes(bytes([0, 128, 255, *range(1, 14)]), "little")),
        V128Pattern("f32", (nan32, f32(1.0).bits, NanPattern(32, "arithmetic"), 0x80000000)),
        v128.from_bits((1 << 64) | (1 << 64) - 1),
        RefValue("funcref", None), RefValue("refnull", None), RefValue("nullref", None),
        RefValue("externref", 7), RefValue("externref", NON_NULL), RefValue("anyref", 3),
        RefValue("funcref", NON_NULL), RefValue("structref", NON_NULL),
        RefValue("arrayref", NON_NULL), RefValue("i31ref", NON_NULL),
        RefValue("eqref", NON_NULL), RefValue("anyref", NON_NULL),
        RefValue("exnref", NON_NULL), Either((i32(1), i32(2))))
    assert c[12] == AssertTrap(22, Action("invoke", "f"), "unreachable")
    assert c[13] == AssertUninstantiable(23, "every.5.wasm", "binary", "unreachable")
    assert c[14] == AssertExhaustion(24, Action("invoke", "loop"), "call stack exhausted")
    assert c[15] == AssertException(25, Action("invoke", "throw"))
    assert c[16] == AssertMalformed(26, "every.6.wat", "text", "unexpected end")
    assert c[17] == AssertMalformed(27, "every.7.wasm", "binary", "unexpected end")
    assert c[18] == AssertInvalid(28, "every.8.wasm", "binary", "type mismatch")
    assert c[19] == AssertUnlinkable(29, "every.9.wasm", "binary", "unknown import")
    assert c[20] == AssertUninstantiable(30, "every.10.wat", "text", "unreachable")


def test_lines_are_those_of_the_keywords_and_inner_forms():
    """As in the JSON: a command's line is its keyword's; an assertion's, its action's or
    module's."""
    text = ('(\n module)\n(assert_return\n  (invoke "f"))\n'
            '(assert_invalid\n\n  (module (func)) "x")\n')
    assert [c.line for c in read_wast(text, "t.wast").commands] == [2, 4, 7]


def test_annotations_and_comments_anywhere():
    text = ('(@custom "x" (a b)) ;; a comment\n'
            '(module (@a) $M (; block ;) (func))\n'
            '(assert_return (@x 1 (2)) (invoke (@y) "f" (@z) (i32.const 1)) (@w) (i32.const 2))\n')
    c = read_wast(text, "t.wast").commands
    assert c[0] == ModuleCommand(2, "t.0.wasm", "M", "binary")
    assert c[1] == AssertReturn(3, Action("invoke", "f", None, (i32(1),)), (i32(2),))


def test_a_script_of_bare_module_fields_is_one_module():
    script = read_wast('(func) (memory 0) (func (export "f"))\n', "inline.wast")
    assert script.commands == [ModuleCommand(1, "inline.0.wasm")]


def test_unknown_constructs_become_unknown_commands_naming_their_line():
    text = ('(module)\n(assert_frobnicate (invoke "f"))\n'
            '(assert_return (invoke "f") (i128.const 1))\n'
            '(assert_return (invoke "f" (f32.const nan:canonical)))\n'
            '(invoke "f" (ref.struct))\n'
            'stray\n(register)\n)\n(assert_return (invoke "g"))\n')
    c = read_wast(text, "t.wast").commands
    assert [type(x).__name__ for x in c] == ["ModuleCommand"] + ["Unknown"] * 7 + ["AssertReturn"]
    assert [x.line for x in c] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert "unknown command 'assert_frobnicate'" in c[1].why
    assert "unknown value 'i128.const'" in c[2].why
    assert "as an argument" in c[3].why and "as an argument" in c[4].why
    # an unclosed form, and text that does not lex: one Unknown, never a traceback
    (bad,) = read_wast('(module)\n(assert_return (invoke "f")\n', "t.wast").commands[1:]
    assert bad.line == 2 and "unclosed" in bad.why
    (bad,) = read_wast('(module)\n(module "\\q")\n', "t.wast").commands
    assert bad.line == 2 and "illegal escape" in bad.why
    (bad,) = read_wast(b"(module)\n\xff", "t.wast").commands
    assert bad.line == 2 and "UTF-8" in bad.why


def test_text_modules_are_parsed_when_used():
    """A malformed text module fails its own command; the quoted bytes need not be
    UTF-8 until then."""
    script = read_wast('(module quote "\\ff")\n(module (func $x) (func $x))\n', "t.wast")
    assert [type(c) for c in script.commands] == [ModuleCommand, ModuleCommand]
    for c in script.commands:
        with pytest.raises(MalformedError):
            script.module_bytes(c.wasm_filename)


def test_native_scripts_run():
    pytest.importorskip("wasmvm.wat.parser")
    text = ('(module $M (func (export "add") (param i32 i32) (result i32)\n'
            '  (i32.add (local.get 0) (local.get 1))))\n'
            '(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))\n'
            '(module definition $D quote "(func (export \\"f\\") (result i32) i32.const 7)")\n'
            '(module instance $I $D)\n'
            '(assert_return (invoke $I "f") (i32.const 7))\n'
            '(assert_malformed (module quote "(memory 1) (func (drop (i32.load align=3 (i32.const 0))))")\n'
            '  "alignment must be a power of two")\n'
            '(assert_malformed (module quote "(func (nop)") "this is not the message")\n'
            '(assert_invalid (module (func (result i32))) "type mismatch")\n')
    results = run_script(read_wast(text, "t.wast"), skips=lambda name: None)
    assert [(r.where, r.outcome) for r in results] == [
        ("t.wast:1", "passed"), ("t.wast:3", "passed"), ("t.wast:4", "passed"),
        ("t.wast:5", "passed"), ("t.wast:6", "passed"), ("t.wast:7", "passed"),
        ("t.wast:9", "failed"), ("t.wast:10", "passed")]
    assert results[6].reason.startswith("expected MalformedError 'this is not the message', got ")


# -- the oracle: native == wasm-tools json-from-wast, for every script -------------------

BATCHES = 8


def _suite() -> list:
    try:
        return [f for suite in ("core-2.0", "core-3.0") for f in suite_files(suite)]
    except SpecSetupError:
        return []


def _strip_customs(data: bytes) -> bytes:
    """A binary without its custom sections (ids 0): a parser need not write a name
    section as wasm-tools does."""
    out, i = bytearray(data[:8]), 8
    while i < len(data):
        start, section = i, data[i]
        i += 1
        size = shift = 0
        while True:
            byte = data[i]
            i += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        i += size
        if section != 0:
            out += data[start:i]
    return bytes(out)


def _same_module(native: Script, json: Script, filename: str) -> str | None:
    """None if the module ``filename`` is the same in both; else what differs."""
    source = native.modules[filename]
    if filename.endswith(".wat"):  # the quoted text: json-from-wast ends each string with a space
        theirs = (json.converted.wasm_dir / filename).read_bytes()
        return None if source.source.rstrip() == theirs.rstrip() else "quoted text differs"
    theirs = json.module_bytes(filename)
    try:
        mine = native.module_bytes(filename)
    except MalformedError as e:
        return f"does not parse: {e}"
    if mine == theirs or _strip_customs(mine) == _strip_customs(theirs):
        return None
    return "bytes differ"


@pytest.mark.parametrize("batch", range(BATCHES))
def test_native_reader_equals_json_from_wast(batch):
    """For every script of core-2.0 and core-3.0 (in ``BATCHES`` batches): the same
    commands (kinds, lines, module names, actions, values, messages) and, for each module
    the JSON has a binary of, the same bytes (text modules through ``wat2wasm``; custom
    sections aside)."""
    files = _suite()[batch::BATCHES]
    if not files:
        pytest.skip("spec testsuite not available")
    try:
        find_wasm_tools()
    except SpecSetupError as e:
        pytest.skip(str(e))
    known: dict[str, str] = {}  # differences the oracle knows of, with the reason
    problems, modules = [], []
    for converted in convert_many(files):
        json = load_converted(converted)
        native = load_wast(converted.wast)
        if json.name in known:
            continue
        if len(native.commands) != len(json.commands):
            problems.append(f"{json.name}: {len(native.commands)} commands, "
                            f"json-from-wast {len(json.commands)}")
            continue
        for mine, theirs in zip(native.commands, json.commands):
            if mine != theirs:
                problems.append(f"{json.name}:{theirs.line}: {mine} != {theirs}")
                continue
            if isinstance(mine, ModuleCommand | ModuleAssertion):
                names = {mine.filename, getattr(mine, "binary_filename", None)} - {None}
                for filename in sorted(names):
                    if filename.endswith(".wasm") and not (json.converted.wasm_dir / filename).exists():
                        continue  # json-from-wast wrote no binary (text it could not parse)
                    modules.append((native, json, mine.line, filename))

    def compare(task) -> str | None:
        native, json, line, filename = task
        why = _same_module(native, json, filename)
        return why and f"{json.name}:{line}: {filename} {why}"

    with ThreadPoolExecutor(4) as pool:  # the text of each module goes through wat2wasm
        problems += [why for why in pool.map(compare, modules) if why]
    assert problems == [], "\n".join(problems[:40])


def test_dataclass_equality_covers_every_field():
    """The oracle compares commands with ``==``: no field of the model is left out."""
    for cls in (ModuleCommand, ModuleAssertion, AssertReturn, Action):
        assert all(f.compare for f in dataclasses.fields(cls))


def test_suite_is_found():
    try:
        find_testsuite()
    except SpecSetupError as e:
        pytest.skip(str(e))
    assert len(_suite()) == 296
