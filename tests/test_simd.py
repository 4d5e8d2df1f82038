"""Vector semantics (wasmvm.exec.simd) and the reference tier's SIMD handlers
(wasmvm.exec.simd_ops).

Lanes are checked against definitions written here lane by lane (``split``/``build``), the
tricky cases by hand (saturation, narrowing, q15mulr's one overflow, pmin/pmax with NaNs and
zeros, trunc_sat of NaN, swizzle out of range, shuffle, bitmask, every extmul lane), and
every instruction without immediates, every lane index and every load/store form against
wasmtime on the same inputs (random and special lane values).
"""

from __future__ import annotations

import math
import struct
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode, Val, ValType
from wasmvm.api.values import format_value, parse_value
from wasmvm.exec import simd
from wasmvm.exec.memory import Memory
from wasmvm.exec.ops import FACTORIES
from wasmvm.exec.simd import SIMD_OPS
from wasmvm.exec.simd_ops import register
from wasmvm.opcodes import OPS
from wasmvm.syntax.instructions import Const, Shuffle, VecLane, VecMem, VecMemLane, VecOp
from wasmvm.syntax.values import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits, v128

M128 = (1 << 128) - 1
VECTOR_ROWS = [op for op in OPS if op.group == "vector"]


# -- lanes, written out -------------------------------------------------------------------
def split(v: int, w: int, signed: bool = False) -> list[int]:
    m = (1 << w) - 1
    out = [(v >> (i * w)) & m for i in range(128 // w)]
    return [x - (1 << w) if signed and x >> (w - 1) else x for x in out]


def build(lanes, w: int) -> int:
    m = (1 << w) - 1
    return sum((x & m) << (i * w) for i, x in enumerate(lanes))


def f32x4(*xs: float) -> int:
    return int.from_bytes(struct.pack("<4f", *xs), "little")


def f64x2(*xs: float) -> int:
    return int.from_bytes(struct.pack("<2d", *xs), "little")


def i32x4(*xs: int) -> int:
    return build(xs, 32)


def op(name: str):
    return SIMD_OPS[name]


NEG0_32, NAN32, SNAN32, NEG_NAN32 = 0x80000000, 0x7FC00000, 0x7FA00001, 0xFFC00123
NEG0_64, NAN64, SNAN64 = 1 << 63, 0x7FF8000000000000, 0x7FF4000000000001

v128s = st.integers(0, M128)


# -- coverage -----------------------------------------------------------------------------
def test_simd_ops_cover_exactly_the_vector_rows_without_immediates():
    assert set(SIMD_OPS) == {op.name for op in VECTOR_ROWS if not op.imm}
    assert len(VECTOR_ROWS) == 236 + 20  # and WebAssembly 3.0's relaxed SIMD


def test_every_vector_row_has_a_reference_tier_factory():
    factories: dict = {}
    register(factories)
    assert set(factories) == {op.name for op in VECTOR_ROWS}
    assert all(FACTORIES[name] is not None for name in factories)
    assert {op.name for op in VECTOR_ROWS} <= set(FACTORIES)


def _instruction(row):
    if not row.imm:
        return VecOp(row.name)
    if row.name == "v128.const":
        return Const(v128(0x0102030405060708090A0B0C0D0E0F10))
    if row.name == "i8x16.shuffle":
        return Shuffle(range(16, 32))
    if row.imm == ("laneidx",):
        return VecLane(row.name, 1)
    if row.imm == ("memarg",):
        return VecMem(row.name, offset=4)
    return VecMemLane(row.name, offset=4, lane=1)


_SAMPLE = {"i32": 5, "i64": 7, "f32": 1.5, "f64": 2.5, "v128": 0x1234 << 64 | 0xFFFF}
_RESULT_TYPES = {"i32": int, "i64": int, "f32": float, "f64": float, "v128": int}


@pytest.mark.parametrize("row", VECTOR_ROWS, ids=lambda row: row.name)
def test_every_vector_handler_runs_with_its_stack_signature(row):
    memory = Memory(1)
    memory.write(0, bytes(range(256)) * 4)
    mod = SimpleNamespace(mems=[memory], relaxed_simd_deterministic=False)
    h = FACTORIES[row.name](_instruction(row), mod)
    frame = SimpleNamespace(stack=["below"] + [_SAMPLE[t] for t in row.params])
    assert h(frame, 10) == 11
    assert frame.stack[0] == "below" and len(frame.stack) == 1 + len(row.results)
    for t, x in zip(row.results, frame.stack[1:]):
        assert type(x) is _RESULT_TYPES[t]
        if t == "v128":
            assert 0 <= x <= M128


# -- whole-v128 forms against the lane-by-lane definition ------------------------------------
@pytest.mark.parametrize("w", [8, 16, 32, 64])
@given(a=v128s, b=v128s, count=st.integers(0, 0xFFFFFFFF))
@settings(max_examples=60)
def test_swar_ops_equal_their_lane_definitions(w, a, b, count):
    s = simd.SHAPES[w]
    k = count % w
    assert op(f"{s}.add")(a, b) == build([x + y for x, y in zip(split(a, w), split(b, w))], w)
    assert op(f"{s}.sub")(a, b) == build([x - y for x, y in zip(split(a, w), split(b, w))], w)
    assert op(f"{s}.neg")(a) == build([-x for x in split(a, w)], w)
    assert op(f"{s}.shl")(a, count) == build([x << k for x in split(a, w)], w)
    assert op(f"{s}.shr_u")(a, count) == build([x >> k for x in split(a, w)], w)
    assert op(f"{s}.shr_s")(a, count) == build([x >> k for x in split(a, w, True)], w)
    assert op(f"{s}.splat")(count) == build([count] * (128 // w), w)
    mixed = build([x if i % 2 else y for i, (x, y) in enumerate(zip(split(a, w), split(b, w)))], w)
    for c in (b, mixed, a):
        assert op(f"{s}.eq")(a, c) == build([-(x == y) for x, y in zip(split(a, w), split(c, w))], w)
        assert op(f"{s}.ne")(a, c) == build([-(x != y) for x, y in zip(split(a, w), split(c, w))], w)
    assert simd.lanes(a, w) == tuple(split(a, w))
    assert simd.lanes(a, w, True) == tuple(split(a, w, True))
    assert simd.join(split(a, w, True), w, True) == a
    assert simd.join_wrap([x + (1 << w) for x in split(a, w)], w) == a


def test_shift_counts_are_taken_modulo_the_lane_width():
    one = build([1] * 16, 8)
    assert op("i8x16.shl")(one, 9) == build([2] * 16, 8)
    assert op("i16x8.shr_s")(build([-32768] * 8, 16), 16 + 15) == M128
    assert op("i32x4.shr_u")(M128, 32) == M128
    assert op("i64x2.shl")(1, 64 + 63) == 1 << 63


# -- saturation, narrowing, rounding ---------------------------------------------------------
def test_saturating_add_and_sub():
    a = build([127, -128, 100, -100, 0, 1, -1, 50] * 2, 8)
    b = build([1, -1, 100, -100, 0, -1, 1, 50] * 2, 8)
    assert split(op("i8x16.add_sat_s")(a, b), 8, True) == [127, -128, 127, -128, 0, 0, 0, 100] * 2
    assert split(op("i8x16.sub_sat_s")(a, b), 8, True) == [126, -127, 0, 0, 0, 2, -2, 0] * 2
    u = build([255, 0, 200, 10] * 4, 8)
    v = build([1, 1, 100, 20] * 4, 8)
    assert split(op("i8x16.add_sat_u")(u, v), 8) == [255, 1, 255, 30] * 4
    assert split(op("i8x16.sub_sat_u")(u, v), 8) == [254, 0, 100, 0] * 4
    h = build([32767, -32768, 0, 65535 - 65536] * 2, 16)
    assert split(op("i16x8.add_sat_s")(h, h), 16, True) == [32767, -32768, 0, -2] * 2
    assert split(op("i16x8.add_sat_u")(h, h), 16) == [65534, 65535, 0, 65535] * 2
    assert split(op("i16x8.sub_sat_u")(0, h), 16) == [0] * 8


def test_narrowing_saturates_signed_input():
    a = build([300, -300, 127, -128, 128, -129, 255, -1], 16)
    b = build([0, 1, 2, 3, 32767, -32768, 256, 65535 - 65536], 16)
    assert split(op("i8x16.narrow_i16x8_s")(a, b), 8, True) == [
        127, -128, 127, -128, 127, -128, 127, -1, 0, 1, 2, 3, 127, -128, 127, -1]
    assert split(op("i8x16.narrow_i16x8_u")(a, b), 8) == [
        255, 0, 127, 0, 128, 0, 255, 0, 0, 1, 2, 3, 255, 0, 255, 0]
    c = build([70000, -70000, 65535, -1], 32)
    assert split(op("i16x8.narrow_i32x4_s")(c, c), 16, True) == [32767, -32768, 32767, -1] * 2
    assert split(op("i16x8.narrow_i32x4_u")(c, c), 16) == [65535, 0, 65535, 0] * 2


def test_q15mulr_sat_s_rounds_and_saturates_its_one_overflow():
    a = build([-32768, -32768, 16384, -16384, 1, -1, 32767, 0x4000], 16)
    b = build([-32768, 32767, 16384, 16384, 16384, 16384, 32767, 1], 16)
    # (x*y + 0x4000) >> 15, arithmetic: -32768 * -32768 is 2**30 -> 32768, saturated
    assert split(op("i16x8.q15mulr_sat_s")(a, b), 16, True) == [
        32767, -32767, 8192, -8192, 1, 0, 32766, 1]


def test_avgr_u_rounds_up():
    a = build([0, 1, 255, 254] * 4, 8)
    b = build([1, 2, 255, 255] * 4, 8)
    assert split(op("i8x16.avgr_u")(a, b), 8) == [1, 2, 255, 255] * 4
    assert split(op("i16x8.avgr_u")(build([65535] * 8, 16), 0), 16) == [32768] * 8


def test_abs_and_min_max_of_the_most_negative_lane():
    assert split(op("i8x16.abs")(build([-128, -1, 5] + [0] * 13, 8)), 8) == [128, 1, 5] + [0] * 13
    assert op("i64x2.abs")(build([-(1 << 63), -2], 64)) == build([1 << 63, 2], 64)
    a = build([-1, 1, 0, -128] * 4, 8)
    b = build([1, -1, 0, 127] * 4, 8)
    assert split(op("i8x16.min_s")(a, b), 8, True) == [-1, -1, 0, -128] * 4
    assert split(op("i8x16.min_u")(a, b), 8, True) == [1, 1, 0, 127] * 4
    assert split(op("i8x16.max_u")(a, b), 8, True) == [-1, -1, 0, -128] * 4


def test_dot_wraps_its_one_overflow():
    a = build([-32768] * 8, 16)
    assert split(op("i32x4.dot_i16x8_s")(a, a), 32) == [0x80000000] * 4
    b = build([1, 2, 3, 4, -5, 6, 7, -8], 16)
    c = build([10, 20, 30, 40, 50, 60, 70, 80], 16)
    assert split(op("i32x4.dot_i16x8_s")(b, c), 32, True) == [50, 250, 110, -150]


@pytest.mark.parametrize("w", [16, 32, 64])
@pytest.mark.parametrize("half", ["low", "high"])
@pytest.mark.parametrize("sx", ["s", "u"])
@given(a=v128s, b=v128s)
@settings(max_examples=25)
def test_extmul_extend_and_extadd_every_lane(w, half, sx, a, b):
    narrow = simd.SHAPES[w // 2]
    signed = sx == "s"
    n = 128 // w
    xs = split(a, w // 2, signed)[:n] if half == "low" else split(a, w // 2, signed)[n:]
    ys = split(b, w // 2, signed)[:n] if half == "low" else split(b, w // 2, signed)[n:]
    shape = simd.SHAPES[w]
    assert op(f"{shape}.extmul_{half}_{narrow}_{sx}")(a, b) == build([x * y for x, y in zip(xs, ys)], w)
    assert op(f"{shape}.extend_{half}_{narrow}_{sx}")(a) == build(xs, w)
    if w < 64:
        all_x = split(a, w // 2, signed)
        assert op(f"{shape}.extadd_pairwise_{narrow}_{sx}")(a) == build(
            [all_x[2 * i] + all_x[2 * i + 1] for i in range(n)], w)


def test_extmul_extremes():
    m8 = build([-128] * 16, 8)
    assert split(op("i16x8.extmul_low_i8x16_s")(m8, m8), 16) == [16384] * 8
    assert split(op("i16x8.extmul_high_i8x16_u")(M128, M128), 16) == [65025] * 8
    m32 = build([-(1 << 31)] * 4, 32)
    assert split(op("i64x2.extmul_high_i32x4_s")(m32, m32), 64) == [1 << 62] * 2
    assert split(op("i64x2.extmul_low_i32x4_u")(M128, M128), 64) == [(2**32 - 1) ** 2] * 2


# -- booleans, bitmask, popcnt, bitwise ------------------------------------------------------
def test_bitmask_all_true_any_true():
    v = build([-1, 0, 1, -128] * 4, 8)
    assert op("i8x16.bitmask")(v) == 0b1001100110011001
    assert op("i16x8.bitmask")(build([-1, 0] * 4, 16)) == 0b01010101
    assert op("i32x4.bitmask")(i32x4(0, 0x80000000, 0x7FFFFFFF, 0xFFFFFFFF)) == 0b1010
    assert op("i64x2.bitmask")(1 << 127) == 0b10
    assert op("i8x16.all_true")(v) == 0
    assert op("i8x16.all_true")(build([1] * 16, 8)) == 1
    assert op("i64x2.all_true")(build([1 << 40, 1], 64)) == 1
    assert op("i32x4.all_true")(1 << 96) == 0
    assert op("v128.any_true")(0) == 0 and op("v128.any_true")(1 << 127) == 1


def test_popcnt_and_bitwise():
    assert split(op("i8x16.popcnt")(build(range(0, 256, 17), 8)), 8) == [
        bin(x).count("1") for x in range(0, 256, 17)]
    a, b, c = 0xF0F0 << 64, 0xFF00 << 64 | 0xAA, (0xFFFF << 64) | 0x0F
    assert op("v128.not")(0) == M128
    assert op("v128.andnot")(a, b) == a & ~b
    assert op("v128.bitselect")(a, b, c) == (a & c) | (b & ~c & M128)


# -- swizzle, shuffle, lanes -------------------------------------------------------------------
def test_swizzle_out_of_range_index_gives_zero():
    a = build(range(100, 116), 8)
    s = build([15, 0, 16, 255, 128, 1, 17, 31, 3, 3, 3, 3, 200, 14, 15, 16], 8)
    assert split(op("i8x16.swizzle")(a, s), 8) == [
        115, 100, 0, 0, 0, 101, 0, 0, 103, 103, 103, 103, 0, 114, 115, 0]


def test_shuffle_selects_from_both_operands():
    a, b = build(range(16), 8), build(range(16, 32), 8)
    sel = bytes([31, 0, 16, 15, 1, 17, 2, 18, 30, 29, 5, 5, 5, 5, 20, 21])
    assert split(simd.shuffle(a, b, sel), 8) == list(sel)
    assert simd.shuffle(a, b, bytes(range(16, 32))) == b


def test_extract_and_replace_lanes():
    v = build([0x80, 0x7F] * 8, 8)
    assert simd.extract_lane("i8x16.extract_lane_s")(v, 0) == 0xFFFFFF80
    assert simd.extract_lane("i8x16.extract_lane_u")(v, 0) == 0x80
    assert simd.extract_lane("i16x8.extract_lane_s")(build([-2] * 8, 16), 7) == 0xFFFFFFFE
    assert simd.extract_lane("i64x2.extract_lane")(build([1, -1], 64), 1) == 2**64 - 1
    assert simd.replace_lane("i8x16.replace_lane")(0, 15, 0x1FF) == 0xFF << 120
    assert simd.replace_lane("i32x4.replace_lane")(M128, 2, 0) == M128 ^ (0xFFFFFFFF << 64)
    # f32 and f64 lanes keep their exact bits, signalling NaNs included
    snan = f32_from_bits(SNAN32)
    w = simd.replace_lane("f32x4.replace_lane")(0, 3, snan)
    assert w == SNAN32 << 96
    assert f32_to_bits(simd.extract_lane("f32x4.extract_lane")(w, 3)) == SNAN32
    d = simd.replace_lane("f64x2.replace_lane")(0, 1, f64_from_bits(SNAN64))
    assert f64_to_bits(simd.extract_lane("f64x2.extract_lane")(d, 1)) == SNAN64
    assert op("f32x4.splat")(snan) == build([SNAN32] * 4, 32)
    assert op("f64x2.splat")(-0.0) == build([NEG0_64] * 2, 64)


# -- float lanes ---------------------------------------------------------------------------------
def test_pmin_pmax_are_asymmetric_and_return_operand_bits():
    a = i32x4(NAN32, 0, NEG0_32, SNAN32)
    b = i32x4(0x3F800000, NEG0_32, 0, 0x3F800000)  # 1.0, -0.0, +0.0, 1.0
    # pmin(a, b) = b < a ? b : a: a NaN in either place compares false and gives a
    assert split(op("f32x4.pmin")(a, b), 32) == [NAN32, 0, NEG0_32, SNAN32]
    assert split(op("f32x4.pmin")(b, a), 32) == [0x3F800000, NEG0_32, 0, 0x3F800000]
    assert split(op("f32x4.pmax")(a, b), 32) == [NAN32, 0, NEG0_32, SNAN32]
    assert split(op("f32x4.pmax")(b, a), 32) == [0x3F800000, NEG0_32, 0, 0x3F800000]
    assert split(op("f32x4.pmax")(i32x4(1, 2, 3, 4), i32x4(2, 1, 4, 3)), 32) == [2, 2, 4, 4]
    c, d = build([SNAN64, NEG0_64], 64), build([0, 0], 64)
    assert split(op("f64x2.pmin")(c, d), 64) == [SNAN64, NEG0_64]
    assert split(op("f64x2.pmin")(d, c), 64) == [0, 0]


def test_min_max_follow_the_scalar_rules():
    a = f32x4(-0.0, 0.0, math.nan, 1.0)
    b = f32x4(0.0, -0.0, 1.0, math.nan)
    lo = split(op("f32x4.min")(a, b), 32)
    hi = split(op("f32x4.max")(a, b), 32)
    assert lo[:2] == [NEG0_32, NEG0_32] and hi[:2] == [0, 0]
    for x in lo[2:] + hi[2:]:
        assert x & 0x7FC00000 == 0x7FC00000  # a quiet NaN
    lo64 = split(op("f64x2.min")(f64x2(-0.0, 2.0), f64x2(0.0, -math.inf)), 64)
    assert lo64 == [NEG0_64, f64_to_bits(-math.inf)]


def test_abs_neg_keep_nan_payloads():
    v = i32x4(SNAN32, NEG_NAN32, NEG0_32, 0x3F800000)
    assert split(op("f32x4.abs")(v), 32) == [SNAN32, NEG_NAN32 & 0x7FFFFFFF, 0, 0x3F800000]
    assert split(op("f32x4.neg")(v), 32) == [SNAN32 | 1 << 31, NEG_NAN32 & 0x7FFFFFFF, 0, 0xBF800000]
    assert split(op("f64x2.neg")(build([SNAN64, 0], 64)), 64) == [SNAN64 | 1 << 63, NEG0_64]


def test_rounding_keeps_signed_zero_and_rounds_half_to_even():
    v = f32x4(-0.4, 2.5, -2.5, 0.5)
    assert split(op("f32x4.nearest")(v), 32) == split(f32x4(-0.0, 2.0, -2.0, 0.0), 32)
    assert split(op("f32x4.ceil")(f32x4(-0.5, 1.1, -1.1, 0.0)), 32) == split(
        f32x4(-0.0, 2.0, -1.0, 0.0), 32)
    assert split(op("f64x2.trunc")(f64x2(-0.9, 2.9)), 64) == split(f64x2(-0.0, 2.0), 64)
    assert split(op("f32x4.sqrt")(f32x4(-0.0, 4.0, -1.0, 2.0)), 32)[:2] == [NEG0_32, 0x40000000]


def test_f32_lanes_round_to_single_precision():
    one, tiny = 1.0, 2.0**-24
    assert op("f32x4.add")(f32x4(one, 0, 0, 0), f32x4(tiny, 0, 0, 0)) == f32x4(1.0, 0, 0, 0)
    assert split(op("f32x4.mul")(f32x4(3.0e38, 0, 0, 0), f32x4(10.0, 0, 0, 0)), 32)[0] == 0x7F800000
    assert split(op("f32x4.div")(f32x4(1.0, -1.0, 0.0, 0.0), 0), 32)[:3] == [
        0x7F800000, 0xFF800000, NAN32]


def test_comparisons_give_all_ones_and_nan_is_unordered():
    a = f32x4(1.0, math.nan, -0.0, 2.0)
    b = f32x4(1.0, math.nan, 0.0, 1.0)
    assert split(op("f32x4.eq")(a, b), 32) == [0xFFFFFFFF, 0, 0xFFFFFFFF, 0]
    assert split(op("f32x4.ne")(a, b), 32) == [0, 0xFFFFFFFF, 0, 0xFFFFFFFF]
    assert split(op("f32x4.gt")(a, b), 32) == [0, 0, 0, 0xFFFFFFFF]
    assert split(op("f64x2.le")(f64x2(math.nan, 1.0), f64x2(1.0, 1.0)), 64) == [0, 2**64 - 1]
    assert split(op("i8x16.lt_s")(build([0x80] * 16, 8), 0), 8) == [255] * 16
    assert op("i8x16.lt_u")(build([0x80] * 16, 8), 0) == 0
    assert op("i64x2.ge_s")(0, build([-1, 1], 64)) == build([-1, 0], 64)


def test_trunc_sat_lanes_map_nan_to_zero_and_clamp():
    v = f32x4(math.nan, 3.0e9, -3.0e9, -1.5)
    assert split(op("i32x4.trunc_sat_f32x4_s")(v), 32) == [0, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]
    assert split(op("i32x4.trunc_sat_f32x4_u")(v), 32) == [0, 3000000000, 0, 0]
    assert split(op("i32x4.trunc_sat_f64x2_s_zero")(f64x2(math.nan, -1e300)), 32) == [
        0, 0x80000000, 0, 0]
    assert split(op("i32x4.trunc_sat_f64x2_u_zero")(f64x2(4294967295.9, math.inf)), 32) == [
        0xFFFFFFFF, 0xFFFFFFFF, 0, 0]


def test_conversions():
    assert op("f32x4.convert_i32x4_u")(i32x4(0xFFFFFFFF, 1, 0, 0x80000001)) == f32x4(
        4294967296.0, 1.0, 0.0, 2147483648.0)
    assert op("f32x4.convert_i32x4_s")(i32x4(0xFFFFFFFF, 16777217, 0, 0x80000000)) == f32x4(
        -1.0, 16777216.0, 0.0, -2147483648.0)
    assert op("f64x2.convert_low_i32x4_s")(i32x4(0xFFFFFFFF, 7, 9, 9)) == f64x2(-1.0, 7.0)
    assert op("f64x2.convert_low_i32x4_u")(i32x4(0xFFFFFFFF, 7, 9, 9)) == f64x2(4294967295.0, 7.0)
    d = split(op("f32x4.demote_f64x2_zero")(f64x2(1e300, 0.1)), 32)
    assert d == [0x7F800000, f32_to_bits(struct.unpack("<f", struct.pack("<f", 0.1))[0]), 0, 0]
    p = split(op("f64x2.promote_low_f32x4")(i32x4(0x3FC00000, NEG0_32, 5, 5)), 64)
    assert p == [f64_to_bits(1.5), NEG0_64]


# -- loads and stores ----------------------------------------------------------------------------
def test_load_forms():
    b = bytes([0x80, 0x7F, 0xFF, 0x01, 0, 0, 0, 0x80])
    assert split(simd.LOADS["v128.load8x8_s"](b), 16, True) == [-128, 127, -1, 1, 0, 0, 0, -128]
    assert split(simd.LOADS["v128.load8x8_u"](b), 16) == list(b)
    assert split(simd.LOADS["v128.load32x2_s"](b), 64, True) == [0x01FF7F80, -(2**31)]
    assert simd.LOADS["v128.load16_splat"](b[:2]) == build([0x7F80] * 8, 16)
    assert simd.LOADS["v128.load32_zero"](b[:4]) == 0x01FF7F80
    assert simd.load_lane(M128, 16, 7, b"\x00\x00") == M128 >> 16
    assert simd.store_lane(build(range(16), 8), 32, 3) == bytes([12, 13, 14, 15])


# -- end to end, and against wasmtime ------------------------------------------------------------
def _wasm(text: str) -> bytes:
    wasmtime = pytest.importorskip("wasmtime")
    return wasmtime.wat2wasm(text)


_OPERAND = {
    "v128": "(v128.load (i32.const {at}))", "i32": "(i32.load (i32.const {at}))",
    "i64": "(i64.load (i32.const {at}))", "f32": "(f32.load (i32.const {at}))",
    "f64": "(f64.load (i32.const {at}))",
}


def _export(name: str, params, result: str) -> str:
    """A function that reads its operands from memory at 0, 16, 32 and stores the result
    at 64."""
    args = " ".join(_OPERAND[t].format(at=16 * i) for i, t in enumerate(params))
    return (f'(func (export "{name}") ({result}.store (i32.const 64) ({name} {args})))')


def _lane_exports() -> list[str]:
    out = []
    for row in VECTOR_ROWS:
        if row.imm != ("laneidx",):
            continue
        n = 128 // simd.lane_width(row.name)
        for lane in range(n):
            if "extract" in row.name:
                out.append(f'(func (export "{row.name} {lane}") ({row.results[0]}.store '
                           f'(i32.const 64) ({row.name} {lane} (v128.load (i32.const 0)))))')
            else:
                t = row.params[1]
                out.append(f'(func (export "{row.name} {lane}") (v128.store (i32.const 64) '
                           f'({row.name} {lane} (v128.load (i32.const 0)) '
                           f'({t}.load (i32.const 16)))))')
    return out


_SHUFFLES = [tuple(range(16)), tuple(range(31, 15, -1)), (0, 16, 1, 17, 2, 18, 3, 19, 31, 15, 30,
                                                            14, 8, 8, 24, 24)]


def _module_text() -> str:
    funcs = [_export(row.name, row.params, row.results[0])
             for row in VECTOR_ROWS if not row.imm]
    funcs += _lane_exports()
    for i, lanes in enumerate(_SHUFFLES):
        funcs.append(f'(func (export "shuffle {i}") (v128.store (i32.const 64) (i8x16.shuffle '
                     f'{" ".join(map(str, lanes))} (v128.load (i32.const 0)) '
                     f'(v128.load (i32.const 16)))))')
    for row in VECTOR_ROWS:  # memory forms: address from a parameter, offset 3
        if row.imm == ("memarg",) and row.name != "v128.store":
            funcs.append(f'(func (export "{row.name}") (param i32) (v128.store (i32.const 64) '
                         f'({row.name} offset=3 align=1 (local.get 0))))')
        elif row.name == "v128.store":
            funcs.append('(func (export "v128.store") (param i32) '
                         '(v128.store offset=3 align=1 (local.get 0) (v128.load (i32.const 0))))')
        elif row.imm == ("memarg", "laneidx"):
            n = 128 // simd.lane_width(row.name)
            for lane in (0, n - 1):
                if "load" in row.name:
                    funcs.append(f'(func (export "{row.name} {lane}") (param i32) (v128.store '
                                 f'(i32.const 64) ({row.name} offset=3 align=1 {lane} '
                                 f'(local.get 0) (v128.load (i32.const 0)))))')
                else:
                    funcs.append(f'(func (export "{row.name} {lane}") (param i32) ({row.name} '
                                 f'offset=3 align=1 {lane} (local.get 0) (v128.load (i32.const 0))))')
    return "(module (memory (export \"mem\") 1)\n" + "\n".join(funcs) + ")"


class _Engines:
    """The module instantiated in wasmvm's reference tier and in wasmtime, with calls that
    write the operand bytes, run an export and return the result bytes (or "trap")."""

    def __init__(self):
        wasmtime = pytest.importorskip("wasmtime")
        self.wasmtime = wasmtime
        data = _wasm(_module_text())
        self.store = Store(Engine(Config(tier="reference")))
        self.exports = Instance(self.store, Module(self.store.engine, data), []).exports(self.store)
        self.mem = self.exports["mem"]
        self.wt_store = wasmtime.Store()
        wt = wasmtime.Instance(self.wt_store, wasmtime.Module(self.wt_store.engine, data), [])
        self.wt_exports = wt.exports(self.wt_store)
        self.wt_mem = self.wt_exports["mem"]

    def ours(self, name: str, operands: bytes, *args) -> bytes | str:
        self.mem.write(self.store, operands + bytes(80 - len(operands)), 0)
        try:
            self.exports[name](self.store, *args)
        except Trap as e:
            assert e.code is TrapCode.MEMORY_OUT_OF_BOUNDS
            return "trap"
        return bytes(self.mem.read(self.store, 0, 80)) + bytes(self.mem.read(self.store, 65520, 65536))

    def theirs(self, name: str, operands: bytes, *args) -> bytes | str:
        self.wt_mem.write(self.wt_store, operands + bytes(80 - len(operands)), 0)
        try:
            self.wt_exports[name](self.wt_store, *args)
        except self.wasmtime.Trap:
            return "trap"
        return bytes(self.wt_mem.read(self.wt_store, 0, 80)) + bytes(
            self.wt_mem.read(self.wt_store, 65520, 65536))


@pytest.fixture(scope="module")
def engines():
    e = _Engines()
    yield e
    del e.wt_exports, e.wt_mem, e.wt_store  # before interpreter shutdown, not during it


_SPECIAL32 = [0, NEG0_32, 0x3F800000, 0xBF800000, 0x3F000000, 0xBFC00000, 0x40200000, 0x7F800000,
              0xFF800000, NAN32, SNAN32, NEG_NAN32, 0x7F7FFFFF, 0x00000001, 0x80000001,
              0x4F000000, 0xCF000000, 0x4F800000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x7F]
_SPECIAL64 = [0, NEG0_64, f64_to_bits(1.0), f64_to_bits(-2.5), f64_to_bits(0.5), 0x7FF0000000000000,
              0xFFF0000000000000, NAN64, SNAN64, 0xFFF8000000000123, f64_to_bits(2147483647.5),
              f64_to_bits(-2147483648.9), f64_to_bits(4294967295.5), f64_to_bits(1e300), 1,
              f64_to_bits(3.4028235677973366e38), f64_to_bits(1.401298464324817e-45),
              2**63 - 1, 2**63, 2**64 - 1, 0x80]


@st.composite
def operand(draw) -> bytes:
    """16 bytes: random, or lanes of one width drawn from special values."""
    kind = draw(st.sampled_from(["random", "8", "16", "32", "64"]))
    if kind == "random":
        return draw(st.binary(min_size=16, max_size=16))
    w = int(kind)
    if w == 32:
        pool = st.sampled_from(_SPECIAL32) | st.integers(0, 2**32 - 1)
    elif w == 64:
        pool = st.sampled_from(_SPECIAL64) | st.integers(0, 2**64 - 1)
    else:
        pool = st.sampled_from([0, 1, (1 << w) - 1, 1 << (w - 1), (1 << (w - 1)) - 1,
                                (1 << (w - 1)) + 1, 2]) | st.integers(0, (1 << w) - 1)
    return build(draw(st.lists(pool, min_size=128 // w, max_size=128 // w)), w).to_bytes(16, "little")


_NAN_RESULTS = ("add", "sub", "mul", "div", "min", "max", "sqrt", "ceil", "floor", "trunc",
                "nearest", "demote_f64x2_zero", "promote_low_f32x4")


def _same(name: str, ours, theirs) -> bool:
    """Equal bytes; where the spec lets a NaN's bits vary, lanes that are NaN in both (ours
    quiet, as an arithmetic NaN must be) count as equal."""
    if ours == theirs:
        return True
    if ours == "trap" or theirs == "trap" or not name.startswith(("f32x4.", "f64x2.")):
        return False
    if name.partition(".")[2] not in _NAN_RESULTS or ours[:64] != theirs[:64]:
        return False
    w = 32 if name.startswith("f32x4") and "promote" not in name else 64
    quiet = 1 << (22 if w == 32 else 51)
    exp = ((1 << (8 if w == 32 else 11)) - 1) << (w - 1 - (8 if w == 32 else 11))
    fields = (1 << (w - 1)) - 1
    for x, y in zip(split(int.from_bytes(ours[64:80], "little"), w),
                    split(int.from_bytes(theirs[64:80], "little"), w)):
        nan_x = (x & fields) > exp
        nan_y = (y & fields) > exp
        if x != y and not (nan_x and nan_y and x & quiet):
            return False
    return True


_PLAIN = [row.name for row in VECTOR_ROWS if not row.imm]


@pytest.mark.parametrize("name", _PLAIN)
@given(a=operand(), b=operand(), c=operand())
@settings(max_examples=25, deadline=None)
def test_instructions_without_immediates_agree_with_wasmtime(engines, name, a, b, c):
    e = engines
    operands = a + b + c
    ours, theirs = e.ours(name, operands), e.theirs(name, operands)
    assert _same(name, ours, theirs), (name, operands.hex(), ours, theirs)


def _lane_names() -> list[str]:
    names = []
    for row in VECTOR_ROWS:
        if row.imm == ("laneidx",):
            names += [f"{row.name} {lane}" for lane in range(128 // simd.lane_width(row.name))]
    return names + [f"shuffle {i}" for i in range(len(_SHUFFLES))]


@pytest.mark.parametrize("name", _lane_names())
@given(a=operand(), b=operand())
@settings(max_examples=8, deadline=None)
def test_lane_instructions_agree_with_wasmtime(engines, name, a, b):
    e = engines
    assert e.ours(name, a + b) == e.theirs(name, a + b)


def _memory_names() -> list[str]:
    names = []
    for row in VECTOR_ROWS:
        if row.imm == ("memarg",):
            names.append(row.name)
        elif row.imm == ("memarg", "laneidx"):
            n = 128 // simd.lane_width(row.name)
            names += [f"{row.name} 0", f"{row.name} {n - 1}"]
    return names


@pytest.mark.parametrize("name", _memory_names())
@given(a=operand(), b=operand(),
       address=st.sampled_from([0, 1, 13, 65500, 65513, 65514, 65519, 65520, 65525, 65530,
                                65532, 65533, 65536, -3, -1]))
@settings(max_examples=15, deadline=None)
def test_memory_instructions_agree_with_wasmtime_including_traps(engines, name, a, b, address):
    e = engines
    # the last 16 bytes of memory come from b, so loads near the end read known bytes
    e.mem.write(e.store, b, 65520)
    e.wt_mem.write(e.wt_store, b, 65520)
    assert e.ours(name, a, address) == e.theirs(name, a, address)


def test_a_trapping_store_writes_nothing(engines):
    e = engines
    e.mem.write(e.store, bytes(16), 65520)
    assert e.ours("v128.store", b"\xff" * 16, 65520) == "trap"
    assert bytes(e.mem.read(e.store, 65520, 65536)) == bytes(16)


# -- v128 across the API ------------------------------------------------------------------------
def test_val_v128_round_trips():
    V128 = ValType.v128()
    for n in (0, 1, M128, 1 << 127, 0x0102030405060708090A0B0C0D0E0F10):
        v = Val.v128(n)
        assert v.type is V128 and v.bits == n and v.value == n
        assert Val.from_bits(V128, n) == v and hash(Val.from_bits(V128, n)) == hash(v)
        assert parse_value(V128, format_value(v).partition(":")[2]) == v
    assert Val.v128(-1).bits == M128
    assert Val.v128(-(1 << 127)).bits == 1 << 127
    assert Val.from_bits(V128, (1 << 130) | 5).bits == 5
    assert format_value(Val.v128(1)) == "v128:i32x4 0x00000001 0x00000000 0x00000000 0x00000000"
    for bad in (1 << 128, -(1 << 127) - 1):
        with pytest.raises(ValueError):
            Val.v128(bad)
    with pytest.raises(TypeError):
        Val.v128(1.0)


def test_v128_parameters_results_locals_and_globals():
    data = _wasm("""(module
      (global $g (mut v128) (v128.const i64x2 1 2))
      (func (export "swap") (param v128) (result v128 v128)
        (local $t v128)
        (local.set $t (global.get $g))
        (global.set $g (local.get 0))
        (local.get $t) (local.get 0))
      (func (export "zero") (result v128) (local v128) (local.get 0))
      (func (export "add") (param v128 v128) (result v128) (i32x4.add (local.get 0) (local.get 1))))""")
    store = Store(Engine())
    ex = Instance(store, Module(store.engine, data), []).exports(store)
    first, second = ex["swap"](store, M128)
    assert (first, second) == ((2 << 64) | 1, M128)
    assert ex["swap"].call_vals(store, [Val.v128(7)]) == [Val.v128(M128), Val.v128(7)]
    assert ex["zero"](store) == 0
    assert ex["add"](store, M128, i32x4(1, 1, 1, 1)) == 0
    with pytest.raises(TypeError):
        ex["add"](store, 1.5, 0)
