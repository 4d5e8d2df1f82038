"""The opcode table is complete and consistent, and every layer covers every row."""

import re

import pytest

from wasmvm import opcodes
from wasmvm.binary.code import IMMEDIATE_READERS
from wasmvm.binary.decode import decode_module
from wasmvm.syntax import instructions as I
from wasmvm.syntax.instructions import maker, walk

# One sample encoding per immediate kind, and the values it decodes to.
SAMPLE_IMMEDIATES = {
    "blocktype": (b"\x40", (None,)),
    "labelidx": (b"\x00", (0,)),
    "labelvec": (b"\x02\x00\x00\x00", ((0, 0), 0)),
    "funcidx": (b"\x00", (0,)),
    "typeidx": (b"\x00", (0,)),
    "tableidx": (b"\x00", (0,)),
    "localidx": (b"\x00", (0,)),
    "globalidx": (b"\x00", (0,)),
    "elemidx": (b"\x00", (0,)),
    "dataidx": (b"\x00", (0,)),
    "memidx": (b"\x00", (0,)),
    "memarg": (b"\x02\x10", (2, 16)),
    "i32": (b"\x7f", (-1,)),
    "i64": (b"\x80\x7f", (-128,)),
    "f32": (b"\x00\x00\xc0\x7f", (0x7FC00000,)),
    "f64": (b"\x00" * 6 + b"\xf8\x7f", (0x7FF8000000000000,)),
    "v128": (bytes(range(16)), (int.from_bytes(bytes(range(16)), "little"),)),
    "laneidx": (b"\x01", (1,)),
    "shuffle": (bytes(range(16)), (tuple(range(16)),)),
    "reftype": (b"\x70", ("funcref",)),
    "valtypes": (b"\x01\x7f", (("i32",),)),
}


def row_bytes(op: opcodes.Op) -> bytes:
    """The row's opcode with sample immediates (and the end of a structured body)."""
    out = op.opcode_bytes + b"".join(SAMPLE_IMMEDIATES[k][0] for k in op.imm)
    if op.name in ("block", "loop", "if"):
        out += b"\x0b"
    return out


def module_with_body(code: bytes) -> bytes:
    """A module with one function () -> () whose body is ``code`` + end, and a data count
    section so memory.init and data.drop are well formed."""
    body = b"\x00" + code + b"\x0b"
    func = bytes([len(body)]) + body if len(body) < 128 else _uleb(len(body)) + body
    sections = [
        (1, b"\x01\x60\x00\x00"),
        (3, b"\x01\x00"),
        (12, b"\x00"),
        (10, b"\x01" + func),
    ]
    out = b"\x00asm\x01\x00\x00\x00"
    for sid, content in sections:
        out += bytes([sid]) + _uleb(len(content)) + content
    return out


def _uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def test_row_count_and_groups():
    assert len(opcodes.OPS) == 435
    by_group = {}
    for op in opcodes.OPS:
        by_group[op.group] = by_group.get(op.group, 0) + 1
    assert by_group["vector"] == 236
    assert sum(1 for op in opcodes.OPS if op.prefix == opcodes.FC) == 18


def test_codes_and_names_unique():
    assert len({op.code for op in opcodes.OPS}) == len(opcodes.OPS)
    assert len({op.name for op in opcodes.OPS}) == len(opcodes.OPS)
    for op in opcodes.OPS:
        assert opcodes.lookup(op.code) is op
        assert opcodes.BY_NAME[op.name] is op


def test_rows_well_formed():
    valtypes = {"i32", "i64", "f32", "f64", "v128"}
    for op in opcodes.OPS:
        assert re.fullmatch(r"[a-z0-9_.]+", op.name), op
        assert all(k in opcodes.IMMEDIATE_KINDS for k in op.imm), op
        assert (op.params is None) == (op.results is None), op
        if not op.special:
            assert set(op.params) <= valtypes and set(op.results) <= valtypes, op
        assert op.group in {"control", "reference", "parametric", "variable", "table",
                            "memory", "numeric", "vector"}, op


def test_every_immediate_kind_has_a_reader_and_a_sample():
    assert set(IMMEDIATE_READERS) == set(opcodes.IMMEDIATE_KINDS)
    assert set(SAMPLE_IMMEDIATES) == set(opcodes.IMMEDIATE_KINDS)


@pytest.mark.parametrize("op", opcodes.OPS, ids=lambda op: op.name)
def test_every_row_decodes_prints_and_builds(op):
    module = decode_module(module_with_body(row_bytes(op)))
    body = module.funcs[0].body
    assert len(body) == 1
    instr = body[0]
    assert instr.op is op
    # printable: WAT text starts with the mnemonic (typed select prints as "select")
    text = str(instr).split("\n")[0]
    assert text.split()[0] == ("select" if op.name == "select_t" else op.name)
    # the maker builds an equal instruction from the decoded immediate values
    values = tuple(v for k in op.imm for v in SAMPLE_IMMEDIATES[k][1])
    assert maker(op)(*values) == instr
    # walk sees one instruction (plus structure events)
    events = [e for e, _ in walk(body) if e == "instr"]
    assert len(events) == 1


def test_every_instruction_class_is_reachable_from_the_table():
    built = {type(maker(op)(*(v for k in op.imm for v in SAMPLE_IMMEDIATES[k][1])))
             for op in opcodes.OPS}
    public = {getattr(I, name) for name in I.__all__ if isinstance(getattr(I, name), type)}
    public.discard(I.Instruction)
    assert public - built == set()


def test_opcodes_agree_with_wabt_names():
    """Spot checks against the spec's binary encoding table."""
    expect = {
        "i32.add": 0x6A, "i64.trunc_f64_u": 0xB1, "f64.reinterpret_i64": 0xBF,
        "i64.extend32_s": 0xC4, "ref.func": 0xD2, "select_t": 0x1C, "table.get": 0x25,
        "memory.grow": 0x40, "call_indirect": 0x11, "br_table": 0x0E,
        "i64.trunc_sat_f64_u": (0xFC, 7), "table.fill": (0xFC, 17),
        "i8x16.shuffle": (0xFD, 13), "f64x2.convert_low_i32x4_u": (0xFD, 255),
        "i32x4.dot_i16x8_s": (0xFD, 186), "v128.store64_lane": (0xFD, 91),
        "f64x2.nearest": (0xFD, 148), "i16x8.avgr_u": (0xFD, 155),
    }
    for name, code in expect.items():
        assert opcodes.BY_NAME[name].code == code, name
