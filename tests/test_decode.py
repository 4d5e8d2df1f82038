"""The strict decoder: limits, errors with offsets, no recursion, fuzzing."""

import leb128
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasmvm.binary import decode_module
from wasmvm.binary.reader import sleb, uleb
from wasmvm.errors import MalformedError
from wasmvm.syntax import I32, Block, Const, Drop, If, Local, LocalGet, Loop, i32
from wasmvm.syntax.instructions import walk

from .test_opcodes import _uleb, module_with_body

HEADER = b"\x00asm\x01\x00\x00\x00"


def section(sid: int, content: bytes) -> bytes:
    return bytes([sid]) + _uleb(len(content)) + content


def module_with_func(body: bytes, params: bytes = b"", results: bytes = b"",
                     locals_: bytes = b"\x00") -> bytes:
    functype = b"\x60" + _uleb(len(params)) + params + _uleb(len(results)) + results
    code = locals_ + body + b"\x0b"
    return (HEADER + section(1, b"\x01" + functype) + section(3, b"\x01\x00")
            + section(10, b"\x01" + _uleb(len(code)) + code))


# -- LEB128 against the `leb128` package ---------------------------------------------------
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_u32_matches_oracle(n):
    enc = bytes(leb128.u.encode(n))
    assert uleb(enc, 0, 32) == (n, len(enc))


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1))
def test_s64_matches_oracle(n):
    enc = bytes(leb128.i.encode(n))
    assert sleb(enc, 0, 64) == (n, len(enc))


@pytest.mark.parametrize("data, bits, message", [
    (b"\x80\x80\x80\x80\x80\x00", 32, "integer representation too long"),
    (b"\x80\x80\x80\x80\x10", 32, "integer too large"),  # bit 32 set
    (b"\xff\xff\xff\xff\x7f", 32, "integer too large"),
    (b"\x80\x80\x80\x80\x70", 32, "integer too large"),  # s32: unused bits must be sign copies
    (b"\x80", 32, "unexpected end"),
])
def test_leb_limits(data, bits, message):
    read = uleb if message != "integer too large" or data[-1] != 0x70 else sleb
    with pytest.raises(MalformedError) as e:
        read(data, 0, bits)
    assert e.value.message.startswith(message)


def test_signed_leb_accepts_sign_extension_in_last_byte():
    assert sleb(b"\xff\xff\xff\xff\x7f", 0, 32) == (-1, 5)
    assert sleb(b"\x80\x80\x80\x80\x78", 0, 32) == (-(2**31), 5)


# -- errors carry the spec's message and the offset ---------------------------------------
@pytest.mark.parametrize("data, message, offset", [
    (b"", "unexpected end", 0),
    (b"\x00asm\x02\x00\x00\x00", "unknown binary version", 4),
    (b"\x00abc\x01\x00\x00\x00", "magic header not detected", 0),
    (HEADER + b"\x0e\x00", "malformed section id", 8),  # 13, the tag section: test_later_features
    (HEADER + section(3, b"\x00") + section(1, b"\x00"), "unexpected content after last section", 11),
    (HEADER + b"\x01\x05\x00", "length out of bounds", 9),
    (HEADER + section(1, b"\x00\x00"), "section size mismatch", 10),
])
def test_malformed_offsets(data, message, offset):
    with pytest.raises(MalformedError) as e:
        decode_module(data)
    assert e.value.message == message
    assert e.value.offset == offset
    assert f"0x{offset:x}" in str(e.value)


def test_illegal_opcode_names_byte_and_offset():
    data = module_with_func(b"\x41\x00\x27")
    with pytest.raises(MalformedError) as e:
        decode_module(data)
    assert e.value.message == "illegal opcode 0x27"
    assert data[e.value.offset] == 0x27


def test_data_count_required_for_memory_init():
    data = module_with_func(b"\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00")
    with pytest.raises(MalformedError, match="data count section required"):
        decode_module(data)


def test_too_many_locals():
    with pytest.raises(MalformedError, match="too many locals"):
        decode_module(module_with_func(b"", locals_=b"\x02\xff\xff\xff\xff\x0f\x7f\x01\x7e"))


def test_huge_local_count_is_not_expanded():
    m = decode_module(module_with_func(b"", locals_=b"\x01\xff\xff\xff\xff\x0f\x7f"))
    assert m.funcs[0].locals == [Local(2**32 - 1, I32)]


# -- structure -------------------------------------------------------------------------------
def test_nested_structure_and_offsets():
    # block (result i32) i32.const 1 if nop else nop end end drop
    body = b"\x02\x7f\x41\x01\x04\x40\x01\x05\x01\x0b\x0b\x1a"
    data = module_with_func(body)
    m = decode_module(data)
    f = m.funcs[0]
    assert f.body[0] == Block(I32, [Const(i32(1)), If(None, [f.body[0].body[1].then[0]],
                                                        [f.body[0].body[1].else_[0]])])
    assert isinstance(f.body[1], Drop)
    events = list(walk(f.body))
    assert len(f.offsets) == len(events) + 1  # plus the function's own end
    names = {"instr": None, "else": 0x05, "end": 0x0B}
    for (event, instr), off in zip(events, f.offsets):
        expected = names[event]
        if event == "instr":
            assert data[off : off + len(instr.op.opcode_bytes)] == instr.op.opcode_bytes
        else:
            assert data[off] == expected
    assert data[f.offsets[-1]] == 0x0B


def test_if_without_else_records_end_for_both_positions():
    data = module_with_func(b"\x41\x01\x04\x40\x01\x0b")
    f = decode_module(data).funcs[0]
    # i32.const, if, nop, (else -> end), end, function end
    assert len(f.offsets) == 6
    assert f.offsets[3] == f.offsets[4]
    assert data[f.offsets[3]] == 0x0B


def test_instructions_are_shared():
    m = decode_module(module_with_func(b"\x20\x00\x20\x00\x6a\x20\x00\x6a\x1a",
                                       locals_=b"\x01\x01\x7f"))
    body = m.funcs[0].body
    assert body[0] is body[1] and isinstance(body[0], LocalGet)
    assert body[2] is body[4]


def test_100k_nested_blocks_decode_without_recursion():
    depth = 100_000
    body = b"\x02\x40" * depth + b"\x0b" * depth
    m = decode_module(module_with_func(body))
    b = m.funcs[0].body[0]
    n = 0
    while isinstance(b, Block):
        n += 1
        b = b.body[0] if b.body else None
    assert n == depth
    # equality, repr and str of the nested structure walk iteratively too
    m2 = decode_module(module_with_func(body))
    assert m == m2
    assert repr(m.funcs[0].body[0]).count("Block(") == depth
    assert str(m.funcs[0].body[0]).count("end") == depth


def test_100k_nested_loops_and_ifs():
    depth = 50_000
    body = (b"\x03\x40" + b"\x41\x00\x04\x40") * depth + b"\x0b\x0b" * depth
    f = decode_module(module_with_func(body)).funcs[0]
    assert isinstance(f.body[0], Loop)


def test_one_million_instructions():
    n = 1_000_000
    body = b"\x41\x01\x1a" * (n // 2)
    f = decode_module(module_with_func(body)).funcs[0]
    assert len(f.body) == n


# -- fuzzing: truncated and byte-flipped valid modules -------------------------------------------
SEEDS = [
    module_with_func(b"\x02\x7f\x41\x01\x04\x40\x01\x05\x01\x0b\x0b\x1a"),
    module_with_func(b"\x20\x00\x20\x01\x6a", params=b"\x7f\x7f", results=b"\x7f"),
    module_with_body(b"\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\xfd\x0c" + bytes(16) + b"\x1a"),
    HEADER + section(1, b"\x01\x60\x00\x00") + section(2, b"\x01\x03env\x01f\x00\x00")
    + section(4, b"\x01\x70\x00\x01") + section(5, b"\x01\x01\x01\x02")
    + section(6, b"\x01\x7f\x01\x41\x2a\x0b") + section(7, b"\x01\x01g\x03\x00")
    + section(9, b"\x02\x00\x41\x00\x0b\x01\x00\x05\x70\x01\xd2\x00\x0b")
    + section(0, b"\x04name\x01\x04\x01\x00\x01f")
    + section(11, b"\x02\x00\x41\x00\x0b\x02hi\x01\x01x"),
]


def _outcome(data: bytes):
    try:
        return decode_module(data)
    except MalformedError as e:
        assert e.message and (e.offset is None or 0 <= e.offset <= len(data))
        return e


@given(st.sampled_from(SEEDS), st.data())
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_truncated_and_flipped(seed, draw):
    data = bytearray(seed)
    kind = draw.draw(st.sampled_from(["truncate", "flip", "both", "insert"]))
    if kind in ("truncate", "both"):
        data = data[: draw.draw(st.integers(0, len(data)))]
    if kind in ("flip", "both") and data:
        for _ in range(draw.draw(st.integers(1, 4))):
            i = draw.draw(st.integers(0, len(data) - 1))
            data[i] = draw.draw(st.integers(0, 255))
    if kind == "insert":
        i = draw.draw(st.integers(0, len(data)))
        data[i:i] = draw.draw(st.binary(min_size=1, max_size=4))
    _outcome(bytes(data))  # a Module or a MalformedError; anything else fails the test


def test_seeds_are_valid_modules():
    for s in SEEDS:
        decode_module(s)
