"""The numeric semantics (wasmvm.exec.numerics): hand-computed edge cases from PITFALLS.md,
assertions copied from the spec test suite (core-2.0 .wast files, as data at the end of this
file, each named ``file:line``), and properties checked with hypothesis.

Values are given as bit patterns: i32/i64 operands are unsigned ints, floats are built with
``f32_from_bits``/``f64_from_bits`` and compared by bits, so NaN payloads and the sign of
zero count.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from wasmvm.errors import Trap, TrapCode
from wasmvm.exec import numerics as n
from wasmvm.exec.numerics import NUMERIC_OPS
from wasmvm.opcodes import BY_NAME, OPS
from wasmvm.syntax.values import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
INT32_MIN = 0x80000000
INT64_MIN = 0x8000000000000000


def u32(x: int) -> int:
    return x & M32


def u64(x: int) -> int:
    return x & M64


def s32(x: int) -> int:
    return x - (1 << 32) if x >> 31 else x


def s64(x: int) -> int:
    return x - (1 << 64) if x >> 63 else x


def bits32(x: float) -> int:
    return f32_to_bits(x)


def bits64(x: float) -> int:
    return f64_to_bits(x)


def is_neg_zero(x: float) -> bool:
    return x == 0.0 and math.copysign(1.0, x) < 0


def traps(code: TrapCode, fn, *args) -> Trap:
    with pytest.raises(Trap) as info:
        fn(*args)
    assert info.value.code is code
    assert info.value.message == code.message
    return info.value


F32_SNAN = 0x7FA00000  # signalling NaN, payload 0x200000
F32_SNAN_NEG = 0xFFA00001
F64_SNAN = 0x7FF4000000000000
F64_SNAN_ODD = 0xFFF0000000000001


# =========================================================================================
# The table
# =========================================================================================
def test_numeric_ops_cover_exactly_the_numeric_rows_of_the_opcode_table():
    rows = {op.name for op in OPS if op.group == "numeric" and not op.name.endswith(".const")}
    assert len(rows) == 136
    assert set(NUMERIC_OPS) == rows


@pytest.mark.parametrize("name", sorted(NUMERIC_OPS))
def test_each_function_is_named_after_its_mnemonic_and_takes_its_operands(name):
    fn = NUMERIC_OPS[name]
    assert getattr(n, name.replace(".", "_")) is fn
    assert fn.__code__.co_argcount == len(BY_NAME[name].params)


@pytest.mark.parametrize("name", sorted(NUMERIC_OPS))
def test_results_have_the_representation_of_the_result_type(name):
    op = BY_NAME[name]
    sample = {"i32": 7, "i64": 7, "f32": 1.5, "f64": 1.5}
    result = NUMERIC_OPS[name](*(sample[p] for p in op.params))
    expected = int if op.results[0] in ("i32", "i64") else float
    assert type(result) is expected


# =========================================================================================
# Integers
# =========================================================================================
def test_div_s_truncates_toward_zero():
    assert n.i32_div_s(u32(-7), 2) == u32(-3)
    assert n.i32_div_s(7, u32(-2)) == u32(-3)
    assert n.i32_div_s(u32(-7), u32(-2)) == 3
    assert n.i64_div_s(u64(-7), 2) == u64(-3)
    assert n.i64_div_s(u64(-1), 2) == 0


def test_rem_s_takes_the_sign_of_the_dividend():
    assert n.i32_rem_s(u32(-7), 2) == u32(-1)
    assert n.i32_rem_s(7, u32(-2)) == 1
    assert n.i32_rem_s(u32(-7), u32(-2)) == u32(-1)
    assert n.i64_rem_s(u64(-7), 2) == u64(-1)
    assert n.i64_rem_s(7, u64(-2)) == 1


def test_unsigned_division_sees_bit_patterns():
    assert n.i32_div_u(u32(-7), 2) == 0x7FFFFFFC
    assert n.i32_rem_u(u32(-7), 2) == 1
    assert n.i64_div_u(u64(-1), 2) == 0x7FFFFFFFFFFFFFFF


@pytest.mark.parametrize("fn", [n.i32_div_s, n.i32_div_u, n.i32_rem_s, n.i32_rem_u,
                                n.i64_div_s, n.i64_div_u, n.i64_rem_s, n.i64_rem_u])
def test_division_by_zero_traps(fn):
    trap = traps(TrapCode.INTEGER_DIVISION_BY_ZERO, fn, 1, 0)
    assert str(trap) == "integer divide by zero"
    traps(TrapCode.INTEGER_DIVISION_BY_ZERO, fn, 0, 0)


def test_int_min_divided_by_minus_one_overflows_but_its_remainder_is_zero():
    traps(TrapCode.INTEGER_OVERFLOW, n.i32_div_s, INT32_MIN, M32)
    traps(TrapCode.INTEGER_OVERFLOW, n.i64_div_s, INT64_MIN, M64)
    assert n.i32_rem_s(INT32_MIN, M32) == 0
    assert n.i64_rem_s(INT64_MIN, M64) == 0
    assert n.i32_div_u(INT32_MIN, M32) == 0


def test_shift_counts_are_taken_modulo_the_width():
    assert n.i32_shl(1, 33) == n.i32_shl(1, 1) == 2
    assert n.i32_shl(1, 32) == 1
    assert n.i32_shr_u(0x80000000, 63) == 1
    assert n.i32_shr_s(0x80000000, 31) == M32
    assert n.i32_shr_s(0x80000000, 32) == 0x80000000
    assert n.i64_shl(1, 65) == 2
    assert n.i64_shr_s(INT64_MIN, 127) == M64
    assert n.i64_shr_u(INT64_MIN, 127) == 1


def test_rotates_wrap_bits_around_modulo_the_width():
    assert n.i32_rotl(0x80000001, 1) == 3
    assert n.i32_rotl(0x80000001, 33) == 3
    assert n.i32_rotr(3, 1) == 0x80000001
    assert n.i32_rotr(0x12345678, 32) == 0x12345678
    assert n.i64_rotl(INT64_MIN | 1, 65) == 3
    assert n.i64_rotr(1, 64) == 1


def test_signed_and_unsigned_comparisons_differ_on_the_sign_bit():
    minus_one = M32
    assert n.i32_lt_s(minus_one, 0) == 1
    assert n.i32_lt_u(minus_one, 0) == 0
    assert n.i32_gt_s(INT32_MIN, 0x7FFFFFFF) == 0
    assert n.i32_gt_u(INT32_MIN, 0x7FFFFFFF) == 1
    assert n.i64_le_s(M64, 0) == 1
    assert n.i64_ge_u(M64, 0) == 1
    assert type(n.i32_lt_s(0, 1)) is int and not isinstance(n.i32_lt_s(0, 1), bool)


def test_bit_counts():
    assert n.i32_clz(0) == 32 and n.i32_ctz(0) == 32
    assert n.i64_clz(0) == 64 and n.i64_ctz(0) == 64
    assert n.i32_clz(1) == 31 and n.i32_ctz(INT32_MIN) == 31
    assert n.i64_popcnt(M64) == 64


def test_sign_extension():
    assert n.i32_extend8_s(0x80) == 0xFFFFFF80
    assert n.i32_extend8_s(0x1234567F) == 0x7F
    assert n.i32_extend16_s(0x8000) == 0xFFFF8000
    assert n.i64_extend32_s(0x80000000) == 0xFFFFFFFF80000000
    assert n.i64_extend_i32_s(M32) == M64
    assert n.i64_extend_i32_u(M32) == M32
    assert n.i32_wrap_i64(0x123456789) == 0x23456789


# =========================================================================================
# Floats
# =========================================================================================
def test_f32_arithmetic_rounds_to_single_precision():
    a, b = f32_from_bits(0x3DCCCCCD), f32_from_bits(0x3E4CCCCD)  # f32 0.1 and 0.2
    total = n.f32_add(a, b)
    assert bits32(total) == 0x3E99999A
    assert total != a + b  # the f64 sum is not an f32
    assert bits32(n.f32_mul(f32_from_bits(0x3F800001), f32_from_bits(0x3F800001))) == 0x3F800002
    assert n.f32_add(f32_from_bits(0x7F7FFFFF), f32_from_bits(0x7F7FFFFF)) == math.inf


def test_float_division_by_zero_never_raises():
    assert n.f64_div(1.0, 0.0) == math.inf
    assert n.f64_div(1.0, -0.0) == -math.inf
    assert n.f64_div(-1.0, -0.0) == math.inf
    assert math.isnan(n.f64_div(0.0, 0.0))
    assert n.f32_div(-1.0, 0.0) == -math.inf
    assert math.isnan(n.f32_div(-0.0, 0.0))
    assert bits64(n.f64_div(f64_from_bits(F64_SNAN), 0.0)) == F64_SNAN | 0x0008000000000000


@pytest.mark.parametrize("fmin, fmax", [(n.f32_min, n.f32_max), (n.f64_min, n.f64_max)])
def test_min_max_signed_zeros_and_nan(fmin, fmax):
    assert is_neg_zero(fmin(-0.0, 0.0)) and is_neg_zero(fmin(0.0, -0.0))
    assert not is_neg_zero(fmax(-0.0, 0.0)) and not is_neg_zero(fmax(0.0, -0.0))
    assert is_neg_zero(fmax(-0.0, -0.0))
    assert fmin(1.0, 2.0) == 1.0 and fmax(1.0, 2.0) == 2.0
    assert fmin(-math.inf, math.inf) == -math.inf
    for x in (math.nan, 0.0, -math.inf):
        assert math.isnan(fmin(math.nan, x)) and math.isnan(fmin(x, math.nan))
        assert math.isnan(fmax(math.nan, x)) and math.isnan(fmax(x, math.nan))


def test_min_of_a_signalling_nan_is_quiet():
    r = n.f32_min(f32_from_bits(F32_SNAN), 1.0)
    assert bits32(r) & 0x7FC00000 == 0x7FC00000
    r = n.f64_max(2.0, f64_from_bits(F64_SNAN))
    assert bits64(r) & 0x7FF8000000000000 == 0x7FF8000000000000


@pytest.mark.parametrize("fn", [n.f32_nearest, n.f64_nearest])
def test_nearest_rounds_half_to_even_and_keeps_the_sign_of_zero(fn):
    assert fn(0.5) == 0.0 and fn(1.5) == 2.0 and fn(2.5) == 2.0 and fn(-2.5) == -2.0
    assert fn(3.5) == 4.0 and fn(-3.5) == -4.0
    assert is_neg_zero(fn(-0.4)) and is_neg_zero(fn(-0.5)) and is_neg_zero(fn(-0.0))
    assert fn(4503599627370497.0) == 4503599627370497.0
    assert fn(math.inf) == math.inf and type(fn(2.5)) is float


@pytest.mark.parametrize("fn, x, expected", [
    (n.f64_ceil, -0.5, -0.0), (n.f64_ceil, 0.5, 1.0), (n.f64_ceil, -1.5, -1.0),
    (n.f64_floor, -0.5, -1.0), (n.f64_floor, 0.5, 0.0), (n.f64_floor, -0.0, -0.0),
    (n.f64_trunc, -0.9, -0.0), (n.f64_trunc, 1.9, 1.0), (n.f64_trunc, -1.9, -1.0),
    (n.f32_ceil, -0.25, -0.0), (n.f32_floor, -0.0, -0.0), (n.f32_trunc, -0.75, -0.0),
    (n.f64_ceil, 1e300, 1e300), (n.f64_floor, -math.inf, -math.inf),
])
def test_ceil_floor_trunc_return_floats_and_keep_negative_zero(fn, x, expected):
    r = fn(x)
    assert type(r) is float
    assert bits64(r) == bits64(expected)


def test_rounding_a_nan_quiets_it():
    for fn in (n.f32_ceil, n.f32_floor, n.f32_trunc, n.f32_nearest, n.f32_sqrt):
        r = bits32(fn(f32_from_bits(F32_SNAN)))
        assert r == F32_SNAN | 0x400000
    for fn in (n.f64_ceil, n.f64_floor, n.f64_trunc, n.f64_nearest, n.f64_sqrt):
        assert bits64(fn(f64_from_bits(F64_SNAN))) == F64_SNAN | 0x0008000000000000


def test_sqrt():
    assert is_neg_zero(n.f32_sqrt(-0.0)) and is_neg_zero(n.f64_sqrt(-0.0))
    assert math.isnan(n.f64_sqrt(-1.0)) and math.isnan(n.f32_sqrt(-math.inf))
    assert n.f64_sqrt(math.inf) == math.inf
    assert bits32(n.f32_sqrt(2.0)) == 0x3FB504F3


@pytest.mark.parametrize("bits", [F32_SNAN, F32_SNAN_NEG, 0x7FC00000, 0xFFFFFFFF, 0x7F800001])
def test_f32_bit_operations_keep_nan_payloads(bits):
    x = f32_from_bits(bits)
    assert bits32(n.f32_neg(x)) == bits ^ 0x80000000
    assert bits32(n.f32_abs(x)) == bits & 0x7FFFFFFF
    assert bits32(n.f32_copysign(x, -1.0)) == bits | 0x80000000
    assert bits32(n.f32_copysign(x, 1.0)) == bits & 0x7FFFFFFF
    assert bits32(n.f32_copysign(1.0, x)) == 0x3F800000 | (bits & 0x80000000)
    assert n.i32_reinterpret_f32(x) == bits
    assert n.i32_reinterpret_f32(n.f32_reinterpret_i32(bits)) == bits


@pytest.mark.parametrize("bits", [F64_SNAN, F64_SNAN_ODD, 0x7FF8000000000000, M64])
def test_f64_bit_operations_keep_nan_payloads(bits):
    x = f64_from_bits(bits)
    assert bits64(n.f64_neg(x)) == bits ^ INT64_MIN
    assert bits64(n.f64_abs(x)) == bits & ~INT64_MIN
    assert bits64(n.f64_copysign(x, -0.0)) == bits | INT64_MIN
    assert bits64(n.f64_copysign(2.0, x)) == bits64(2.0) | (bits & INT64_MIN)
    assert n.i64_reinterpret_f64(n.f64_reinterpret_i64(bits)) == bits


def test_negating_zero_and_copysign_of_zero():
    assert is_neg_zero(n.f32_neg(0.0)) and n.f64_neg(-0.0) == 0.0
    assert not is_neg_zero(n.f64_neg(-0.0))
    assert is_neg_zero(n.f64_copysign(0.0, -math.nan))


def test_arithmetic_on_a_signalling_nan_gives_a_quiet_nan():
    for fn in (n.f32_add, n.f32_sub, n.f32_mul, n.f32_div):
        assert bits32(fn(f32_from_bits(F32_SNAN), 1.0)) & 0x7FC00000 == 0x7FC00000
    for fn in (n.f64_add, n.f64_sub, n.f64_mul, n.f64_div):
        r = bits64(fn(1.0, f64_from_bits(F64_SNAN)))
        assert r & 0x7FF8000000000000 == 0x7FF8000000000000


# =========================================================================================
# Conversions
# =========================================================================================
@pytest.mark.parametrize("fn, ok, bad", [
    # (function, largest-magnitude values that convert, nearest values that overflow)
    (n.i32_trunc_f32_s, [-2147483648.0, 2147483520.0], [2147483648.0, -2147483904.0]),
    (n.i32_trunc_f64_s, [-2147483648.9, 2147483647.9], [2147483648.0, -2147483649.0]),
    (n.i32_trunc_f32_u, [-0.99999994, 4294967040.0], [4294967296.0, -1.0]),
    (n.i32_trunc_f64_u, [-0.9999999999999999, 4294967295.9], [4294967296.0, -1.0]),
    (n.i64_trunc_f32_s, [-9223372036854775808.0, 9223371487098961920.0],
     [9223372036854775808.0, -9223373136366403584.0]),
    (n.i64_trunc_f64_s, [-9223372036854775808.0, 9223372036854774784.0],
     [9223372036854775808.0, -9223372036854777856.0]),
    (n.i64_trunc_f32_u, [-0.99999994, 18446742974197923840.0], [18446744073709551616.0, -1.0]),
    (n.i64_trunc_f64_u, [-0.9999999999999999, 18446744073709549568.0],
     [18446744073709551616.0, -1.0]),
])
def test_trapping_trunc_boundaries(fn, ok, bad):
    width = 64 if fn.__name__.startswith("i64") else 32
    for x in ok:
        assert fn(x) == int(x) & ((1 << width) - 1)
    for x in bad + [math.inf, -math.inf]:
        traps(TrapCode.INTEGER_OVERFLOW, fn, x)
    trap = traps(TrapCode.BAD_CONVERSION_TO_INTEGER, fn, math.nan)
    assert trap.message == "invalid conversion to integer"
    traps(TrapCode.BAD_CONVERSION_TO_INTEGER, fn, f64_from_bits(F64_SNAN_ODD))


def test_trunc_of_an_f32_is_exact():
    assert n.i32_trunc_f32_s(-2147483648.0) == INT32_MIN
    assert n.i32_trunc_f32_s(f32_from_bits(0xBF7FFFFF)) == 0  # -0.99999994
    traps(TrapCode.INTEGER_OVERFLOW, n.i32_trunc_f32_s, f32_from_bits(0xCF000001))


@pytest.mark.parametrize("fn, x, expected", [
    (n.i32_trunc_sat_f32_s, math.nan, 0), (n.i32_trunc_sat_f32_s, math.inf, 0x7FFFFFFF),
    (n.i32_trunc_sat_f32_s, -math.inf, INT32_MIN), (n.i32_trunc_sat_f64_s, 2147483647.5, 0x7FFFFFFF),
    (n.i32_trunc_sat_f64_s, -2147483648.9, INT32_MIN), (n.i32_trunc_sat_f64_s, -1.5, u32(-1)),
    (n.i32_trunc_sat_f32_u, -1.0, 0), (n.i32_trunc_sat_f64_u, 4294967296.0, M32),
    (n.i32_trunc_sat_f64_u, 4294967295.5, M32), (n.i32_trunc_sat_f64_u, -0.9, 0),
    (n.i64_trunc_sat_f64_s, 9223372036854775808.0, 0x7FFFFFFFFFFFFFFF),
    (n.i64_trunc_sat_f64_s, -math.inf, INT64_MIN), (n.i64_trunc_sat_f64_s, -1.0, M64),
    (n.i64_trunc_sat_f32_u, math.inf, M64), (n.i64_trunc_sat_f64_u, -math.nan, 0),
    (n.i64_trunc_sat_f64_u, 18446744073709549568.0, 18446744073709549568),
])
def test_saturating_trunc_clamps_and_maps_nan_to_zero(fn, x, expected):
    assert fn(x) == expected


@pytest.mark.parametrize("fn, a, expected", [
    # conversions.wast: these round wrongly if float(int) is rounded again to f32
    (n.f32_convert_i64_u, 0xFFFFFF7FFFFFFFFF, 0x5F7FFFFF),
    (n.f32_convert_i64_u, 0x8000008000000001, 0x5F000001),
    (n.f32_convert_i64_u, 0x0020000020000001, 0x5A000001),
    (n.f32_convert_i64_s, 0x0020000020000001, 0x5A000001),
    (n.f32_convert_i64_s, u64(-0x0020000020000001), 0xDA000001),
    (n.f32_convert_i64_s, 0x7FFFFF4000000001, 0x5EFFFFFF),
    (n.f32_convert_i64_s, u64(-0x7FFFFF4000000001), 0xDEFFFFFF),
    (n.f32_convert_i64_s, INT64_MIN, 0xDF000000),
    (n.f32_convert_i32_s, 16777217, 0x4B800000),  # a tie, to even
    (n.f32_convert_i32_s, 16777219, 0x4B800002),  # a tie, to even (up)
    (n.f32_convert_i32_u, 0xFFFFFF80, 0x4F800000),
    (n.f32_convert_i32_u, 0xFFFFFF7F, 0x4F7FFFFF),
    (n.f32_convert_i32_s, INT32_MIN, 0xCF000000),
])
def test_integer_to_f32_rounds_once(fn, a, expected):
    assert bits32(fn(a)) == expected


def test_integer_to_f64():
    assert n.f64_convert_i32_s(M32) == -1.0 and n.f64_convert_i32_u(M32) == 4294967295.0
    assert n.f64_convert_i64_s(INT64_MIN) == -9223372036854775808.0
    assert bits64(n.f64_convert_i64_u(0x8000000000000401)) == 0x43E0000000000001
    assert bits64(n.f64_convert_i64_s(0x0020000000000001)) == 0x4340000000000000  # tie to even


def test_demote_and_promote():
    assert bits32(n.f32_demote_f64(f64_from_bits(0x3FF0000010000000))) == 0x3F800000  # tie, even
    assert bits32(n.f32_demote_f64(f64_from_bits(0x3FF0000030000000))) == 0x3F800002  # tie, even
    assert n.f32_demote_f64(float.fromhex("0x1.ffffffp+127")) == math.inf  # max + 1/2 ulp: a tie
    assert n.f32_demote_f64(float.fromhex("0x1.fffffefffffffp+127")) == f32_from_bits(0x7F7FFFFF)
    assert is_neg_zero(n.f32_demote_f64(-1e-60))
    # A NaN is quieted and keeps the top of its payload.
    assert bits32(n.f32_demote_f64(f64_from_bits(0x7FF4000000000000))) == 0x7FE00000
    assert bits32(n.f32_demote_f64(f64_from_bits(0xFFF0000000000001))) == 0xFFC00000
    assert bits64(n.f64_promote_f32(f32_from_bits(F32_SNAN))) == 0x7FFC000000000000
    assert bits64(n.f64_promote_f32(f32_from_bits(0x00000001))) == bits64(2.0**-149)


# =========================================================================================
# Properties
# =========================================================================================
i32s = st.integers(0, M32)
i64s = st.integers(0, M64)


@given(i32s, i32s)
def test_i32_add_sub_mul_wrap(a, b):
    assert n.i32_add(a, b) == (a + b) % 2**32
    assert n.i32_sub(a, b) == (a - b) % 2**32
    assert n.i32_mul(a, b) == (s32(a) * s32(b)) % 2**32


@given(st.one_of(i32s, st.sampled_from([0, 1, M32, INT32_MIN, INT32_MIN - 1])),
       st.one_of(i32s, st.sampled_from([1, 2, M32, INT32_MIN])))
def test_i32_div_rem_s_identity_with_truncation(a, b):
    assume(b != 0 and not (a == INT32_MIN and b == M32))
    q, r = s32(n.i32_div_s(a, b)), s32(n.i32_rem_s(a, b))
    sa, sb = s32(a), s32(b)
    assert sa == sb * q + r
    assert abs(r) < abs(sb)
    assert r == 0 or (r < 0) == (sa < 0)  # the sign of the dividend
    assert q == int(Fraction(sa, sb))  # truncation toward zero


@given(i64s, st.one_of(i64s, st.sampled_from([1, 2, M64, INT64_MIN])))
def test_i64_div_rem_identity(a, b):
    assume(b != 0 and not (a == INT64_MIN and b == M64))
    q, r = s64(n.i64_div_s(a, b)), s64(n.i64_rem_s(a, b))
    assert s64(a) == s64(b) * q + r and abs(r) < abs(s64(b))
    assert q == int(Fraction(s64(a), s64(b)))
    assert a == b * n.i64_div_u(a, b) + n.i64_rem_u(a, b)


@given(i32s, i32s)
def test_i32_shifts_and_rotates(a, b):
    k = b % 32
    assert n.i32_shl(a, b) == (a << k) % 2**32
    assert n.i32_shr_u(a, b) == a >> k
    assert s32(n.i32_shr_s(a, b)) == s32(a) >> k
    assert n.i32_rotr(n.i32_rotl(a, b), b) == a
    assert n.i32_rotl(a, b) == int(format(a, "032b")[k:] + format(a, "032b")[:k], 2)


@given(i64s)
def test_i64_bit_counts(a):
    text = format(a, "064b")
    assert n.i64_clz(a) == len(text) - len(text.lstrip("0"))
    assert n.i64_ctz(a) == len(text) - len(text.rstrip("0"))
    assert n.i64_popcnt(a) == text.count("1")


def f32_nearest_exact(q: Fraction) -> int:
    """Oracle: the bits of the f32 nearest to the rational q (ties to even)."""
    if q == 0:
        return 0
    sign = 0x80000000 if q < 0 else 0
    q = abs(q)
    e = q.numerator.bit_length() - q.denominator.bit_length()
    if Fraction(2) ** e > q:
        e -= 1
    e = max(e, -126)  # below 2**-126 the spacing stays 2**-149 (subnormals)
    scale = Fraction(2) ** (e - 23)
    m, rest = divmod(q / scale, 1)
    m = int(m)
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and m & 1):
        m += 1
    value = m * scale
    if value >= 2**128:
        return sign | 0x7F800000
    return sign | f32_to_bits(float(value))


@given(i64s)
def test_f32_convert_i64_rounds_once_from_the_exact_integer(a):
    assert bits32(n.f32_convert_i64_u(a)) == f32_nearest_exact(Fraction(a))
    assert bits32(n.f32_convert_i64_s(a)) == f32_nearest_exact(Fraction(s64(a)))


finite_f32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


@given(finite_f32, finite_f32)
def test_f32_arithmetic_is_the_exact_result_rounded_once(a, b):
    fa, fb = Fraction(a), Fraction(b)
    assert bits32(n.f32_add(a, b)) == f32_nearest_exact(fa + fb) or (fa + fb == 0)
    assert bits32(n.f32_mul(a, b)) == f32_nearest_exact(fa * fb) or (fa * fb == 0)
    if b != 0:
        assert bits32(n.f32_div(a, b)) == f32_nearest_exact(fa / fb) or a == 0


@given(st.floats(allow_nan=False))
def test_f64_trunc_conversions_agree_with_exact_truncation(x):
    t = int(x) if math.isfinite(x) else None
    if t is not None and -(2**31) <= t < 2**31:
        assert s32(n.i32_trunc_f64_s(x)) == t
    else:
        traps(TrapCode.INTEGER_OVERFLOW, n.i32_trunc_f64_s, x)
    if t is not None and 0 <= t < 2**64:
        assert n.i64_trunc_f64_u(x) == t
    else:
        traps(TrapCode.INTEGER_OVERFLOW, n.i64_trunc_f64_u, x)
    clamp = min(max(t, -(2**63)), 2**63 - 1) if t is not None else (2**63 - 1 if x > 0 else -(2**63))
    assert s64(n.i64_trunc_sat_f64_s(x)) == clamp


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e16, max_value=1e16))
def test_nearest_matches_round_half_even(x):
    r = n.f64_nearest(x)
    assert r == float(round(x))
    assert math.copysign(1.0, r) == math.copysign(1.0, x)


# =========================================================================================
# Spec test suite assertions (core-2.0), as data: "line mnemonic args... -> result"
# Arguments and results are bit patterns (decimal when small); a result is a bit pattern,
# nan:canonical, nan:arithmetic, or "trap <message>".
# =========================================================================================
def _spec_cases():
    for file, text in SPEC_DATA.items():
        for line in text.strip().splitlines():
            left, _, result = line.partition(" -> ")
            lineno, name, *args = left.split()
            yield pytest.param(name, [int(a, 0) for a in args], result, id=f"{file}.wast:{lineno}")


def _from_bits(t: str, b: int):
    if t == "f32":
        return f32_from_bits(b)
    if t == "f64":
        return f64_from_bits(b)
    return b


def _to_bits(t: str, x) -> int:
    if t == "f32":
        return f32_to_bits(x)
    if t == "f64":
        return f64_to_bits(x)
    return x


def _is_nan(t: str, b: int, kind: str) -> bool:
    frac = 23 if t == "f32" else 52
    exp_mask = (0xFF << 23) if t == "f32" else (0x7FF << 52)
    payload = b & ((1 << frac) - 1)
    quiet = 1 << (frac - 1)
    if b & exp_mask != exp_mask or not payload:
        return False
    return payload == quiet if kind == "nan:canonical" else bool(payload & quiet)



# The data (hand-copied bit patterns; nothing here reads the test suite at run time).

I32_WAST = """
64 i32.div_s 1 0 -> trap integer divide by zero
65 i32.div_s 0 0 -> trap integer divide by zero
66 i32.div_s 0x80000000 0xffffffff -> trap integer overflow
67 i32.div_s 0x80000000 0 -> trap integer divide by zero
68 i32.div_s 1 1 -> 1
69 i32.div_s 0 1 -> 0
70 i32.div_s 0 0xffffffff -> 0
71 i32.div_s 0xffffffff 0xffffffff -> 1
72 i32.div_s 0x80000000 2 -> 0xc0000000
73 i32.div_s 0x80000001 0x000003e8 -> 0xffdf3b65
74 i32.div_s 5 2 -> 2
75 i32.div_s 0xfffffffb 2 -> 0xfffffffe
76 i32.div_s 5 0xfffffffe -> 0xfffffffe
77 i32.div_s 0xfffffffb 0xfffffffe -> 2
78 i32.div_s 7 3 -> 2
79 i32.div_s 0xfffffff9 3 -> 0xfffffffe
80 i32.div_s 7 0xfffffffd -> 0xfffffffe
81 i32.div_s 0xfffffff9 0xfffffffd -> 2
82 i32.div_s 0x0000000b 5 -> 2
83 i32.div_s 0x00000011 7 -> 2
85 i32.div_u 1 0 -> trap integer divide by zero
86 i32.div_u 0 0 -> trap integer divide by zero
87 i32.div_u 1 1 -> 1
88 i32.div_u 0 1 -> 0
89 i32.div_u 0xffffffff 0xffffffff -> 1
90 i32.div_u 0x80000000 0xffffffff -> 0
91 i32.div_u 0x80000000 2 -> 0x40000000
92 i32.div_u 0x8ff00ff0 0x00010001 -> 0x00008fef
93 i32.div_u 0x80000001 0x000003e8 -> 0x0020c49b
94 i32.div_u 5 2 -> 2
95 i32.div_u 0xfffffffb 2 -> 0x7ffffffd
96 i32.div_u 5 0xfffffffe -> 0
97 i32.div_u 0xfffffffb 0xfffffffe -> 0
98 i32.div_u 7 3 -> 2
99 i32.div_u 0x0000000b 5 -> 2
100 i32.div_u 0x00000011 7 -> 2
102 i32.rem_s 1 0 -> trap integer divide by zero
103 i32.rem_s 0 0 -> trap integer divide by zero
104 i32.rem_s 0x7fffffff 0xffffffff -> 0
105 i32.rem_s 1 1 -> 0
106 i32.rem_s 0 1 -> 0
107 i32.rem_s 0 0xffffffff -> 0
108 i32.rem_s 0xffffffff 0xffffffff -> 0
109 i32.rem_s 0x80000000 0xffffffff -> 0
110 i32.rem_s 0x80000000 2 -> 0
111 i32.rem_s 0x80000001 0x000003e8 -> 0xfffffd79
112 i32.rem_s 5 2 -> 1
113 i32.rem_s 0xfffffffb 2 -> 0xffffffff
114 i32.rem_s 5 0xfffffffe -> 1
115 i32.rem_s 0xfffffffb 0xfffffffe -> 0xffffffff
116 i32.rem_s 7 3 -> 1
117 i32.rem_s 0xfffffff9 3 -> 0xffffffff
118 i32.rem_s 7 0xfffffffd -> 1
119 i32.rem_s 0xfffffff9 0xfffffffd -> 0xffffffff
120 i32.rem_s 0x0000000b 5 -> 1
121 i32.rem_s 0x00000011 7 -> 3
123 i32.rem_u 1 0 -> trap integer divide by zero
124 i32.rem_u 0 0 -> trap integer divide by zero
125 i32.rem_u 1 1 -> 0
126 i32.rem_u 0 1 -> 0
127 i32.rem_u 0xffffffff 0xffffffff -> 0
128 i32.rem_u 0x80000000 0xffffffff -> 0x80000000
129 i32.rem_u 0x80000000 2 -> 0
130 i32.rem_u 0x8ff00ff0 0x00010001 -> 0x00008001
131 i32.rem_u 0x80000001 0x000003e8 -> 0x00000289
132 i32.rem_u 5 2 -> 1
133 i32.rem_u 0xfffffffb 2 -> 1
134 i32.rem_u 5 0xfffffffe -> 5
135 i32.rem_u 0xfffffffb 0xfffffffe -> 0xfffffffb
136 i32.rem_u 7 3 -> 1
137 i32.rem_u 0x0000000b 5 -> 1
138 i32.rem_u 0x00000011 7 -> 3
169 i32.shl 1 1 -> 2
170 i32.shl 1 0 -> 1
171 i32.shl 0x7fffffff 1 -> 0xfffffffe
172 i32.shl 0xffffffff 1 -> 0xfffffffe
173 i32.shl 0x80000000 1 -> 0
174 i32.shl 0x40000000 1 -> 0x80000000
175 i32.shl 1 0x0000001f -> 0x80000000
176 i32.shl 1 0x00000020 -> 1
177 i32.shl 1 0x00000021 -> 2
178 i32.shl 1 0xffffffff -> 0x80000000
179 i32.shl 1 0x7fffffff -> 0x80000000
181 i32.shr_s 1 1 -> 0
182 i32.shr_s 1 0 -> 1
183 i32.shr_s 0xffffffff 1 -> 0xffffffff
184 i32.shr_s 0x7fffffff 1 -> 0x3fffffff
185 i32.shr_s 0x80000000 1 -> 0xc0000000
186 i32.shr_s 0x40000000 1 -> 0x20000000
187 i32.shr_s 1 0x00000020 -> 1
188 i32.shr_s 1 0x00000021 -> 0
189 i32.shr_s 1 0xffffffff -> 0
190 i32.shr_s 1 0x7fffffff -> 0
191 i32.shr_s 1 0x80000000 -> 1
192 i32.shr_s 0x80000000 0x0000001f -> 0xffffffff
193 i32.shr_s 0xffffffff 0x00000020 -> 0xffffffff
194 i32.shr_s 0xffffffff 0x00000021 -> 0xffffffff
195 i32.shr_s 0xffffffff 0xffffffff -> 0xffffffff
196 i32.shr_s 0xffffffff 0x7fffffff -> 0xffffffff
197 i32.shr_s 0xffffffff 0x80000000 -> 0xffffffff
199 i32.shr_u 1 1 -> 0
200 i32.shr_u 1 0 -> 1
201 i32.shr_u 0xffffffff 1 -> 0x7fffffff
202 i32.shr_u 0x7fffffff 1 -> 0x3fffffff
203 i32.shr_u 0x80000000 1 -> 0x40000000
204 i32.shr_u 0x40000000 1 -> 0x20000000
205 i32.shr_u 1 0x00000020 -> 1
206 i32.shr_u 1 0x00000021 -> 0
207 i32.shr_u 1 0xffffffff -> 0
208 i32.shr_u 1 0x7fffffff -> 0
209 i32.shr_u 1 0x80000000 -> 1
210 i32.shr_u 0x80000000 0x0000001f -> 1
211 i32.shr_u 0xffffffff 0x00000020 -> 0xffffffff
212 i32.shr_u 0xffffffff 0x00000021 -> 0x7fffffff
213 i32.shr_u 0xffffffff 0xffffffff -> 1
214 i32.shr_u 0xffffffff 0x7fffffff -> 1
215 i32.shr_u 0xffffffff 0x80000000 -> 0xffffffff
217 i32.rotl 1 1 -> 2
218 i32.rotl 1 0 -> 1
219 i32.rotl 0xffffffff 1 -> 0xffffffff
220 i32.rotl 1 0x00000020 -> 1
221 i32.rotl 0xabcd9876 1 -> 0x579b30ed
222 i32.rotl 0xfe00dc00 4 -> 0xe00dc00f
223 i32.rotl 0xb0c1d2e3 5 -> 0x183a5c76
224 i32.rotl 0x00008000 0x00000025 -> 0x00100000
225 i32.rotl 0xb0c1d2e3 0x0000ff05 -> 0x183a5c76
226 i32.rotl 0x769abcdf 0xffffffed -> 0x579beed3
227 i32.rotl 0x769abcdf 0x8000000d -> 0x579beed3
228 i32.rotl 1 0x0000001f -> 0x80000000
229 i32.rotl 0x80000000 1 -> 1
231 i32.rotr 1 1 -> 0x80000000
232 i32.rotr 1 0 -> 1
233 i32.rotr 0xffffffff 1 -> 0xffffffff
234 i32.rotr 1 0x00000020 -> 1
235 i32.rotr 0xff00cc00 1 -> 0x7f806600
236 i32.rotr 0x00080000 4 -> 0x00008000
237 i32.rotr 0xb0c1d2e3 5 -> 0x1d860e97
238 i32.rotr 0x00008000 0x00000025 -> 0x00000400
239 i32.rotr 0xb0c1d2e3 0x0000ff05 -> 0x1d860e97
240 i32.rotr 0x769abcdf 0xffffffed -> 0xe6fbb4d5
241 i32.rotr 0x769abcdf 0x8000000d -> 0xe6fbb4d5
242 i32.rotr 1 0x0000001f -> 2
243 i32.rotr 0x80000000 0x0000001f -> 1
245 i32.clz 0xffffffff -> 0
246 i32.clz 0 -> 0x00000020
247 i32.clz 0x00008000 -> 0x00000010
248 i32.clz 0x000000ff -> 0x00000018
249 i32.clz 0x80000000 -> 0
250 i32.clz 1 -> 0x0000001f
251 i32.clz 2 -> 0x0000001e
252 i32.clz 0x7fffffff -> 1
254 i32.ctz 0xffffffff -> 0
255 i32.ctz 0 -> 0x00000020
256 i32.ctz 0x00008000 -> 0x0000000f
257 i32.ctz 0x00010000 -> 0x00000010
258 i32.ctz 0x80000000 -> 0x0000001f
259 i32.ctz 0x7fffffff -> 0
261 i32.popcnt 0xffffffff -> 0x00000020
262 i32.popcnt 0 -> 0
263 i32.popcnt 0x00008000 -> 1
264 i32.popcnt 0x80008000 -> 2
265 i32.popcnt 0x7fffffff -> 0x0000001f
266 i32.popcnt 0xaaaaaaaa -> 0x00000010
267 i32.popcnt 0x55555555 -> 0x00000010
268 i32.popcnt 0xdeadbeef -> 0x00000018
270 i32.extend8_s 0 -> 0
271 i32.extend8_s 0x0000007f -> 0x0000007f
272 i32.extend8_s 0x00000080 -> 0xffffff80
273 i32.extend8_s 0x000000ff -> 0xffffffff
274 i32.extend8_s 0x01234500 -> 0
275 i32.extend8_s 0xfedcba80 -> 0xffffff80
276 i32.extend8_s 0xffffffff -> 0xffffffff
278 i32.extend16_s 0 -> 0
279 i32.extend16_s 0x00007fff -> 0x00007fff
280 i32.extend16_s 0x00008000 -> 0xffff8000
281 i32.extend16_s 0x0000ffff -> 0xffffffff
282 i32.extend16_s 0x01230000 -> 0
283 i32.extend16_s 0xfedc8000 -> 0xffff8000
284 i32.extend16_s 0xffffffff -> 0xffffffff
322 i32.lt_s 0 0 -> 0
323 i32.lt_s 1 1 -> 0
324 i32.lt_s 0xffffffff 1 -> 1
325 i32.lt_s 0x80000000 0x80000000 -> 0
326 i32.lt_s 0x7fffffff 0x7fffffff -> 0
327 i32.lt_s 0xffffffff 0xffffffff -> 0
328 i32.lt_s 1 0 -> 0
329 i32.lt_s 0 1 -> 1
330 i32.lt_s 0x80000000 0 -> 1
331 i32.lt_s 0 0x80000000 -> 0
332 i32.lt_s 0x80000000 0xffffffff -> 1
333 i32.lt_s 0xffffffff 0x80000000 -> 0
334 i32.lt_s 0x80000000 0x7fffffff -> 1
335 i32.lt_s 0x7fffffff 0x80000000 -> 0
337 i32.lt_u 0 0 -> 0
338 i32.lt_u 1 1 -> 0
339 i32.lt_u 0xffffffff 1 -> 0
340 i32.lt_u 0x80000000 0x80000000 -> 0
341 i32.lt_u 0x7fffffff 0x7fffffff -> 0
342 i32.lt_u 0xffffffff 0xffffffff -> 0
343 i32.lt_u 1 0 -> 0
344 i32.lt_u 0 1 -> 1
345 i32.lt_u 0x80000000 0 -> 0
346 i32.lt_u 0 0x80000000 -> 1
347 i32.lt_u 0x80000000 0xffffffff -> 1
348 i32.lt_u 0xffffffff 0x80000000 -> 0
349 i32.lt_u 0x80000000 0x7fffffff -> 0
350 i32.lt_u 0x7fffffff 0x80000000 -> 1
352 i32.le_s 0 0 -> 1
353 i32.le_s 1 1 -> 1
354 i32.le_s 0xffffffff 1 -> 1
355 i32.le_s 0x80000000 0x80000000 -> 1
356 i32.le_s 0x7fffffff 0x7fffffff -> 1
357 i32.le_s 0xffffffff 0xffffffff -> 1
358 i32.le_s 1 0 -> 0
359 i32.le_s 0 1 -> 1
360 i32.le_s 0x80000000 0 -> 1
361 i32.le_s 0 0x80000000 -> 0
362 i32.le_s 0x80000000 0xffffffff -> 1
363 i32.le_s 0xffffffff 0x80000000 -> 0
364 i32.le_s 0x80000000 0x7fffffff -> 1
365 i32.le_s 0x7fffffff 0x80000000 -> 0
367 i32.le_u 0 0 -> 1
368 i32.le_u 1 1 -> 1
369 i32.le_u 0xffffffff 1 -> 0
370 i32.le_u 0x80000000 0x80000000 -> 1
371 i32.le_u 0x7fffffff 0x7fffffff -> 1
372 i32.le_u 0xffffffff 0xffffffff -> 1
373 i32.le_u 1 0 -> 0
374 i32.le_u 0 1 -> 1
375 i32.le_u 0x80000000 0 -> 0
376 i32.le_u 0 0x80000000 -> 1
377 i32.le_u 0x80000000 0xffffffff -> 1
378 i32.le_u 0xffffffff 0x80000000 -> 0
379 i32.le_u 0x80000000 0x7fffffff -> 0
380 i32.le_u 0x7fffffff 0x80000000 -> 1
382 i32.gt_s 0 0 -> 0
383 i32.gt_s 1 1 -> 0
384 i32.gt_s 0xffffffff 1 -> 0
385 i32.gt_s 0x80000000 0x80000000 -> 0
386 i32.gt_s 0x7fffffff 0x7fffffff -> 0
387 i32.gt_s 0xffffffff 0xffffffff -> 0
388 i32.gt_s 1 0 -> 1
389 i32.gt_s 0 1 -> 0
390 i32.gt_s 0x80000000 0 -> 0
391 i32.gt_s 0 0x80000000 -> 1
392 i32.gt_s 0x80000000 0xffffffff -> 0
393 i32.gt_s 0xffffffff 0x80000000 -> 1
394 i32.gt_s 0x80000000 0x7fffffff -> 0
395 i32.gt_s 0x7fffffff 0x80000000 -> 1
397 i32.gt_u 0 0 -> 0
398 i32.gt_u 1 1 -> 0
399 i32.gt_u 0xffffffff 1 -> 1
400 i32.gt_u 0x80000000 0x80000000 -> 0
401 i32.gt_u 0x7fffffff 0x7fffffff -> 0
402 i32.gt_u 0xffffffff 0xffffffff -> 0
403 i32.gt_u 1 0 -> 1
404 i32.gt_u 0 1 -> 0
405 i32.gt_u 0x80000000 0 -> 1
406 i32.gt_u 0 0x80000000 -> 0
407 i32.gt_u 0x80000000 0xffffffff -> 0
408 i32.gt_u 0xffffffff 0x80000000 -> 1
409 i32.gt_u 0x80000000 0x7fffffff -> 1
410 i32.gt_u 0x7fffffff 0x80000000 -> 0
412 i32.ge_s 0 0 -> 1
413 i32.ge_s 1 1 -> 1
414 i32.ge_s 0xffffffff 1 -> 0
415 i32.ge_s 0x80000000 0x80000000 -> 1
416 i32.ge_s 0x7fffffff 0x7fffffff -> 1
417 i32.ge_s 0xffffffff 0xffffffff -> 1
418 i32.ge_s 1 0 -> 1
419 i32.ge_s 0 1 -> 0
420 i32.ge_s 0x80000000 0 -> 0
421 i32.ge_s 0 0x80000000 -> 1
422 i32.ge_s 0x80000000 0xffffffff -> 0
423 i32.ge_s 0xffffffff 0x80000000 -> 1
424 i32.ge_s 0x80000000 0x7fffffff -> 0
425 i32.ge_s 0x7fffffff 0x80000000 -> 1
427 i32.ge_u 0 0 -> 1
428 i32.ge_u 1 1 -> 1
429 i32.ge_u 0xffffffff 1 -> 1
430 i32.ge_u 0x80000000 0x80000000 -> 1
431 i32.ge_u 0x7fffffff 0x7fffffff -> 1
432 i32.ge_u 0xffffffff 0xffffffff -> 1
433 i32.ge_u 1 0 -> 1
434 i32.ge_u 0 1 -> 0
435 i32.ge_u 0x80000000 0 -> 1
436 i32.ge_u 0 0x80000000 -> 0
437 i32.ge_u 0x80000000 0xffffffff -> 0
438 i32.ge_u 0xffffffff 0x80000000 -> 1
439 i32.ge_u 0x80000000 0x7fffffff -> 1
440 i32.ge_u 0x7fffffff 0x80000000 -> 0
"""

I64_WAST = """
65 i64.div_s 1 0 -> trap integer divide by zero
66 i64.div_s 0 0 -> trap integer divide by zero
67 i64.div_s 0x8000000000000000 0xffffffffffffffff -> trap integer overflow
68 i64.div_s 0x8000000000000000 0 -> trap integer divide by zero
69 i64.div_s 1 1 -> 1
70 i64.div_s 0 1 -> 0
71 i64.div_s 0 0xffffffffffffffff -> 0
72 i64.div_s 0xffffffffffffffff 0xffffffffffffffff -> 1
73 i64.div_s 0x8000000000000000 2 -> 0xc000000000000000
74 i64.div_s 0x8000000000000001 0x00000000000003e8 -> 0xffdf3b645a1cac09
75 i64.div_s 5 2 -> 2
76 i64.div_s 0xfffffffffffffffb 2 -> 0xfffffffffffffffe
77 i64.div_s 5 0xfffffffffffffffe -> 0xfffffffffffffffe
78 i64.div_s 0xfffffffffffffffb 0xfffffffffffffffe -> 2
79 i64.div_s 7 3 -> 2
80 i64.div_s 0xfffffffffffffff9 3 -> 0xfffffffffffffffe
81 i64.div_s 7 0xfffffffffffffffd -> 0xfffffffffffffffe
82 i64.div_s 0xfffffffffffffff9 0xfffffffffffffffd -> 2
83 i64.div_s 0x000000000000000b 5 -> 2
84 i64.div_s 0x0000000000000011 7 -> 2
86 i64.div_u 1 0 -> trap integer divide by zero
87 i64.div_u 0 0 -> trap integer divide by zero
88 i64.div_u 1 1 -> 1
89 i64.div_u 0 1 -> 0
90 i64.div_u 0xffffffffffffffff 0xffffffffffffffff -> 1
91 i64.div_u 0x8000000000000000 0xffffffffffffffff -> 0
92 i64.div_u 0x8000000000000000 2 -> 0x4000000000000000
93 i64.div_u 0x8ff00ff00ff00ff0 0x0000000100000001 -> 0x000000008ff00fef
94 i64.div_u 0x8000000000000001 0x00000000000003e8 -> 0x0020c49ba5e353f7
95 i64.div_u 5 2 -> 2
96 i64.div_u 0xfffffffffffffffb 2 -> 0x7ffffffffffffffd
97 i64.div_u 5 0xfffffffffffffffe -> 0
98 i64.div_u 0xfffffffffffffffb 0xfffffffffffffffe -> 0
99 i64.div_u 7 3 -> 2
100 i64.div_u 0x000000000000000b 5 -> 2
101 i64.div_u 0x0000000000000011 7 -> 2
103 i64.rem_s 1 0 -> trap integer divide by zero
104 i64.rem_s 0 0 -> trap integer divide by zero
105 i64.rem_s 0x7fffffffffffffff 0xffffffffffffffff -> 0
106 i64.rem_s 1 1 -> 0
107 i64.rem_s 0 1 -> 0
108 i64.rem_s 0 0xffffffffffffffff -> 0
109 i64.rem_s 0xffffffffffffffff 0xffffffffffffffff -> 0
110 i64.rem_s 0x8000000000000000 0xffffffffffffffff -> 0
111 i64.rem_s 0x8000000000000000 2 -> 0
112 i64.rem_s 0x8000000000000001 0x00000000000003e8 -> 0xfffffffffffffcd9
113 i64.rem_s 5 2 -> 1
114 i64.rem_s 0xfffffffffffffffb 2 -> 0xffffffffffffffff
115 i64.rem_s 5 0xfffffffffffffffe -> 1
116 i64.rem_s 0xfffffffffffffffb 0xfffffffffffffffe -> 0xffffffffffffffff
117 i64.rem_s 7 3 -> 1
118 i64.rem_s 0xfffffffffffffff9 3 -> 0xffffffffffffffff
119 i64.rem_s 7 0xfffffffffffffffd -> 1
120 i64.rem_s 0xfffffffffffffff9 0xfffffffffffffffd -> 0xffffffffffffffff
121 i64.rem_s 0x000000000000000b 5 -> 1
122 i64.rem_s 0x0000000000000011 7 -> 3
124 i64.rem_u 1 0 -> trap integer divide by zero
125 i64.rem_u 0 0 -> trap integer divide by zero
126 i64.rem_u 1 1 -> 0
127 i64.rem_u 0 1 -> 0
128 i64.rem_u 0xffffffffffffffff 0xffffffffffffffff -> 0
129 i64.rem_u 0x8000000000000000 0xffffffffffffffff -> 0x8000000000000000
130 i64.rem_u 0x8000000000000000 2 -> 0
131 i64.rem_u 0x8ff00ff00ff00ff0 0x0000000100000001 -> 0x0000000080000001
132 i64.rem_u 0x8000000000000001 0x00000000000003e8 -> 0x0000000000000329
133 i64.rem_u 5 2 -> 1
134 i64.rem_u 0xfffffffffffffffb 2 -> 1
135 i64.rem_u 5 0xfffffffffffffffe -> 5
136 i64.rem_u 0xfffffffffffffffb 0xfffffffffffffffe -> 0xfffffffffffffffb
137 i64.rem_u 7 3 -> 1
138 i64.rem_u 0x000000000000000b 5 -> 1
139 i64.rem_u 0x0000000000000011 7 -> 3
170 i64.shl 1 1 -> 2
171 i64.shl 1 0 -> 1
172 i64.shl 0x7fffffffffffffff 1 -> 0xfffffffffffffffe
173 i64.shl 0xffffffffffffffff 1 -> 0xfffffffffffffffe
174 i64.shl 0x8000000000000000 1 -> 0
175 i64.shl 0x4000000000000000 1 -> 0x8000000000000000
176 i64.shl 1 0x000000000000003f -> 0x8000000000000000
177 i64.shl 1 0x0000000000000040 -> 1
178 i64.shl 1 0x0000000000000041 -> 2
179 i64.shl 1 0xffffffffffffffff -> 0x8000000000000000
180 i64.shl 1 0x7fffffffffffffff -> 0x8000000000000000
182 i64.shr_s 1 1 -> 0
183 i64.shr_s 1 0 -> 1
184 i64.shr_s 0xffffffffffffffff 1 -> 0xffffffffffffffff
185 i64.shr_s 0x7fffffffffffffff 1 -> 0x3fffffffffffffff
186 i64.shr_s 0x8000000000000000 1 -> 0xc000000000000000
187 i64.shr_s 0x4000000000000000 1 -> 0x2000000000000000
188 i64.shr_s 1 0x0000000000000040 -> 1
189 i64.shr_s 1 0x0000000000000041 -> 0
190 i64.shr_s 1 0xffffffffffffffff -> 0
191 i64.shr_s 1 0x7fffffffffffffff -> 0
192 i64.shr_s 1 0x8000000000000000 -> 1
193 i64.shr_s 0x8000000000000000 0x000000000000003f -> 0xffffffffffffffff
194 i64.shr_s 0xffffffffffffffff 0x0000000000000040 -> 0xffffffffffffffff
195 i64.shr_s 0xffffffffffffffff 0x0000000000000041 -> 0xffffffffffffffff
196 i64.shr_s 0xffffffffffffffff 0xffffffffffffffff -> 0xffffffffffffffff
197 i64.shr_s 0xffffffffffffffff 0x7fffffffffffffff -> 0xffffffffffffffff
198 i64.shr_s 0xffffffffffffffff 0x8000000000000000 -> 0xffffffffffffffff
200 i64.shr_u 1 1 -> 0
201 i64.shr_u 1 0 -> 1
202 i64.shr_u 0xffffffffffffffff 1 -> 0x7fffffffffffffff
203 i64.shr_u 0x7fffffffffffffff 1 -> 0x3fffffffffffffff
204 i64.shr_u 0x8000000000000000 1 -> 0x4000000000000000
205 i64.shr_u 0x4000000000000000 1 -> 0x2000000000000000
206 i64.shr_u 1 0x0000000000000040 -> 1
207 i64.shr_u 1 0x0000000000000041 -> 0
208 i64.shr_u 1 0xffffffffffffffff -> 0
209 i64.shr_u 1 0x7fffffffffffffff -> 0
210 i64.shr_u 1 0x8000000000000000 -> 1
211 i64.shr_u 0x8000000000000000 0x000000000000003f -> 1
212 i64.shr_u 0xffffffffffffffff 0x0000000000000040 -> 0xffffffffffffffff
213 i64.shr_u 0xffffffffffffffff 0x0000000000000041 -> 0x7fffffffffffffff
214 i64.shr_u 0xffffffffffffffff 0xffffffffffffffff -> 1
215 i64.shr_u 0xffffffffffffffff 0x7fffffffffffffff -> 1
216 i64.shr_u 0xffffffffffffffff 0x8000000000000000 -> 0xffffffffffffffff
218 i64.rotl 1 1 -> 2
219 i64.rotl 1 0 -> 1
220 i64.rotl 0xffffffffffffffff 1 -> 0xffffffffffffffff
221 i64.rotl 1 0x0000000000000040 -> 1
222 i64.rotl 0xabcd987602468ace 1 -> 0x579b30ec048d159d
223 i64.rotl 0xfe000000dc000000 4 -> 0xe000000dc000000f
224 i64.rotl 0xabcd1234ef567809 0x0000000000000035 -> 0x013579a2469deacf
225 i64.rotl 0xabd1234ef567809c 0x000000000000003f -> 0x55e891a77ab3c04e
226 i64.rotl 0xabcd1234ef567809 0x00000000000000f5 -> 0x013579a2469deacf
227 i64.rotl 0xabcd7294ef567809 0xffffffffffffffed -> 0xcf013579ae529dea
228 i64.rotl 0xabd1234ef567809c 0x800000000000003f -> 0x55e891a77ab3c04e
229 i64.rotl 1 0x000000000000003f -> 0x8000000000000000
230 i64.rotl 0x8000000000000000 1 -> 1
232 i64.rotr 1 1 -> 0x8000000000000000
233 i64.rotr 1 0 -> 1
234 i64.rotr 0xffffffffffffffff 1 -> 0xffffffffffffffff
235 i64.rotr 1 0x0000000000000040 -> 1
236 i64.rotr 0xabcd987602468ace 1 -> 0x55e6cc3b01234567
237 i64.rotr 0xfe000000dc000000 4 -> 0x0fe000000dc00000
238 i64.rotr 0xabcd1234ef567809 0x0000000000000035 -> 0x6891a77ab3c04d5e
239 i64.rotr 0xabd1234ef567809c 0x000000000000003f -> 0x57a2469deacf0139
240 i64.rotr 0xabcd1234ef567809 0x00000000000000f5 -> 0x6891a77ab3c04d5e
241 i64.rotr 0xabcd7294ef567809 0xffffffffffffffed -> 0x94a77ab3c04d5e6b
242 i64.rotr 0xabd1234ef567809c 0x800000000000003f -> 0x57a2469deacf0139
243 i64.rotr 1 0x000000000000003f -> 2
244 i64.rotr 0x8000000000000000 0x000000000000003f -> 1
246 i64.clz 0xffffffffffffffff -> 0
247 i64.clz 0 -> 0x0000000000000040
248 i64.clz 0x0000000000008000 -> 0x0000000000000030
249 i64.clz 0x00000000000000ff -> 0x0000000000000038
250 i64.clz 0x8000000000000000 -> 0
251 i64.clz 1 -> 0x000000000000003f
252 i64.clz 2 -> 0x000000000000003e
253 i64.clz 0x7fffffffffffffff -> 1
255 i64.ctz 0xffffffffffffffff -> 0
256 i64.ctz 0 -> 0x0000000000000040
257 i64.ctz 0x0000000000008000 -> 0x000000000000000f
258 i64.ctz 0x0000000000010000 -> 0x0000000000000010
259 i64.ctz 0x8000000000000000 -> 0x000000000000003f
260 i64.ctz 0x7fffffffffffffff -> 0
262 i64.popcnt 0xffffffffffffffff -> 0x0000000000000040
263 i64.popcnt 0 -> 0
264 i64.popcnt 0x0000000000008000 -> 1
265 i64.popcnt 0x8000800080008000 -> 4
266 i64.popcnt 0x7fffffffffffffff -> 0x000000000000003f
267 i64.popcnt 0xaaaaaaaa55555555 -> 0x0000000000000020
268 i64.popcnt 0x99999999aaaaaaaa -> 0x0000000000000020
269 i64.popcnt 0xdeadbeefdeadbeef -> 0x0000000000000030
271 i64.extend8_s 0 -> 0
272 i64.extend8_s 0x000000000000007f -> 0x000000000000007f
273 i64.extend8_s 0x0000000000000080 -> 0xffffffffffffff80
274 i64.extend8_s 0x00000000000000ff -> 0xffffffffffffffff
275 i64.extend8_s 0x0123456789abcd00 -> 0
276 i64.extend8_s 0xfedcba9876543280 -> 0xffffffffffffff80
277 i64.extend8_s 0xffffffffffffffff -> 0xffffffffffffffff
279 i64.extend16_s 0 -> 0
280 i64.extend16_s 0x0000000000007fff -> 0x0000000000007fff
281 i64.extend16_s 0x0000000000008000 -> 0xffffffffffff8000
282 i64.extend16_s 0x000000000000ffff -> 0xffffffffffffffff
283 i64.extend16_s 0x123456789abc0000 -> 0
284 i64.extend16_s 0xfedcba9876548000 -> 0xffffffffffff8000
285 i64.extend16_s 0xffffffffffffffff -> 0xffffffffffffffff
287 i64.extend32_s 0 -> 0
288 i64.extend32_s 0x0000000000007fff -> 0x0000000000007fff
289 i64.extend32_s 0x0000000000008000 -> 0x0000000000008000
290 i64.extend32_s 0x000000000000ffff -> 0x000000000000ffff
291 i64.extend32_s 0x000000007fffffff -> 0x000000007fffffff
292 i64.extend32_s 0x0000000080000000 -> 0xffffffff80000000
293 i64.extend32_s 0x00000000ffffffff -> 0xffffffffffffffff
294 i64.extend32_s 0x0123456700000000 -> 0
295 i64.extend32_s 0xfedcba9880000000 -> 0xffffffff80000000
296 i64.extend32_s 0xffffffffffffffff -> 0xffffffffffffffff
"""

CONVERSIONS_WAST = """
37 i64.extend_i32_s 0 -> 0
38 i64.extend_i32_s 0x00002710 -> 0x0000000000002710
39 i64.extend_i32_s 0xffffd8f0 -> 0xffffffffffffd8f0
40 i64.extend_i32_s 0xffffffff -> 0xffffffffffffffff
41 i64.extend_i32_s 0x7fffffff -> 0x000000007fffffff
42 i64.extend_i32_s 0x80000000 -> 0xffffffff80000000
44 i64.extend_i32_u 0 -> 0
45 i64.extend_i32_u 0x00002710 -> 0x0000000000002710
46 i64.extend_i32_u 0xffffd8f0 -> 0x00000000ffffd8f0
47 i64.extend_i32_u 0xffffffff -> 0x00000000ffffffff
48 i64.extend_i32_u 0x7fffffff -> 0x000000007fffffff
49 i64.extend_i32_u 0x80000000 -> 0x0000000080000000
51 i32.wrap_i64 0xffffffffffffffff -> 0xffffffff
52 i32.wrap_i64 0xfffffffffffe7960 -> 0xfffe7960
53 i32.wrap_i64 0x0000000080000000 -> 0x80000000
54 i32.wrap_i64 0xffffffff7fffffff -> 0x7fffffff
55 i32.wrap_i64 0xffffffff00000000 -> 0
56 i32.wrap_i64 0xfffffffeffffffff -> 0xffffffff
57 i32.wrap_i64 0xffffffff00000001 -> 1
58 i32.wrap_i64 0 -> 0
59 i32.wrap_i64 0x123456789abcdef0 -> 0x9abcdef0
60 i32.wrap_i64 0x00000000ffffffff -> 0xffffffff
61 i32.wrap_i64 0x0000000100000000 -> 0
62 i32.wrap_i64 0x0000000100000001 -> 1
64 i32.trunc_f32_s 0x00000000 -> 0
65 i32.trunc_f32_s 0x80000000 -> 0
66 i32.trunc_f32_s 0x00000001 -> 0
67 i32.trunc_f32_s 0x80000001 -> 0
68 i32.trunc_f32_s 0x3f800000 -> 1
69 i32.trunc_f32_s 0x3f8ccccd -> 1
70 i32.trunc_f32_s 0x3fc00000 -> 1
71 i32.trunc_f32_s 0xbf800000 -> 0xffffffff
72 i32.trunc_f32_s 0xbf8ccccd -> 0xffffffff
73 i32.trunc_f32_s 0xbfc00000 -> 0xffffffff
74 i32.trunc_f32_s 0xbff33333 -> 0xffffffff
75 i32.trunc_f32_s 0xc0000000 -> 0xfffffffe
76 i32.trunc_f32_s 0x4effffff -> 0x7fffff80
77 i32.trunc_f32_s 0xcf000000 -> 0x80000000
78 i32.trunc_f32_s 0x4f000000 -> trap integer overflow
79 i32.trunc_f32_s 0xcf000001 -> trap integer overflow
80 i32.trunc_f32_s 0x7f800000 -> trap integer overflow
81 i32.trunc_f32_s 0xff800000 -> trap integer overflow
82 i32.trunc_f32_s 0x7fc00000 -> trap invalid conversion to integer
83 i32.trunc_f32_s 0x7fa00000 -> trap invalid conversion to integer
84 i32.trunc_f32_s 0xffc00000 -> trap invalid conversion to integer
85 i32.trunc_f32_s 0xffa00000 -> trap invalid conversion to integer
87 i32.trunc_f32_u 0x00000000 -> 0
88 i32.trunc_f32_u 0x80000000 -> 0
89 i32.trunc_f32_u 0x00000001 -> 0
90 i32.trunc_f32_u 0x80000001 -> 0
91 i32.trunc_f32_u 0x3f800000 -> 1
92 i32.trunc_f32_u 0x3f8ccccd -> 1
93 i32.trunc_f32_u 0x3fc00000 -> 1
94 i32.trunc_f32_u 0x3ff33333 -> 1
95 i32.trunc_f32_u 0x40000000 -> 2
96 i32.trunc_f32_u 0x4f000000 -> 0x80000000
97 i32.trunc_f32_u 0x4f7fffff -> 0xffffff00
98 i32.trunc_f32_u 0xbf666666 -> 0
99 i32.trunc_f32_u 0xbf7fffff -> 0
100 i32.trunc_f32_u 0x4f800000 -> trap integer overflow
101 i32.trunc_f32_u 0xbf800000 -> trap integer overflow
102 i32.trunc_f32_u 0x7f800000 -> trap integer overflow
103 i32.trunc_f32_u 0xff800000 -> trap integer overflow
104 i32.trunc_f32_u 0x7fc00000 -> trap invalid conversion to integer
105 i32.trunc_f32_u 0x7fa00000 -> trap invalid conversion to integer
106 i32.trunc_f32_u 0xffc00000 -> trap invalid conversion to integer
107 i32.trunc_f32_u 0xffa00000 -> trap invalid conversion to integer
109 i32.trunc_f64_s 0x0000000000000000 -> 0
110 i32.trunc_f64_s 0x8000000000000000 -> 0
111 i32.trunc_f64_s 0x0000000000000001 -> 0
112 i32.trunc_f64_s 0x8000000000000001 -> 0
113 i32.trunc_f64_s 0x3ff0000000000000 -> 1
114 i32.trunc_f64_s 0x3ff199999999999a -> 1
115 i32.trunc_f64_s 0x3ff8000000000000 -> 1
116 i32.trunc_f64_s 0xbff0000000000000 -> 0xffffffff
117 i32.trunc_f64_s 0xbff199999999999a -> 0xffffffff
118 i32.trunc_f64_s 0xbff8000000000000 -> 0xffffffff
119 i32.trunc_f64_s 0xbffe666666666666 -> 0xffffffff
120 i32.trunc_f64_s 0xc000000000000000 -> 0xfffffffe
121 i32.trunc_f64_s 0x41dfffffffc00000 -> 0x7fffffff
122 i32.trunc_f64_s 0xc1e0000000000000 -> 0x80000000
123 i32.trunc_f64_s 0xc1e00000001ccccd -> 0x80000000
124 i32.trunc_f64_s 0x41dffffffff9999a -> 0x7fffffff
125 i32.trunc_f64_s 0x41e0000000000000 -> trap integer overflow
126 i32.trunc_f64_s 0xc1e0000000200000 -> trap integer overflow
127 i32.trunc_f64_s 0x7ff0000000000000 -> trap integer overflow
128 i32.trunc_f64_s 0xfff0000000000000 -> trap integer overflow
129 i32.trunc_f64_s 0x7ff8000000000000 -> trap invalid conversion to integer
130 i32.trunc_f64_s 0x7ff4000000000000 -> trap invalid conversion to integer
131 i32.trunc_f64_s 0xfff8000000000000 -> trap invalid conversion to integer
132 i32.trunc_f64_s 0xfff4000000000000 -> trap invalid conversion to integer
134 i32.trunc_f64_u 0x0000000000000000 -> 0
135 i32.trunc_f64_u 0x8000000000000000 -> 0
136 i32.trunc_f64_u 0x0000000000000001 -> 0
137 i32.trunc_f64_u 0x8000000000000001 -> 0
138 i32.trunc_f64_u 0x3ff0000000000000 -> 1
139 i32.trunc_f64_u 0x3ff199999999999a -> 1
140 i32.trunc_f64_u 0x3ff8000000000000 -> 1
141 i32.trunc_f64_u 0x3ffe666666666666 -> 1
142 i32.trunc_f64_u 0x4000000000000000 -> 2
143 i32.trunc_f64_u 0x41e0000000000000 -> 0x80000000
144 i32.trunc_f64_u 0x41efffffffe00000 -> 0xffffffff
145 i32.trunc_f64_u 0xbfeccccccccccccd -> 0
146 i32.trunc_f64_u 0xbfefffffffffffff -> 0
147 i32.trunc_f64_u 0x4197d78400000000 -> 0x05f5e100
148 i32.trunc_f64_u 0xbfeccccccccccccd -> 0
149 i32.trunc_f64_u 0x41effffffffccccd -> 0xffffffff
150 i32.trunc_f64_u 0x41f0000000000000 -> trap integer overflow
151 i32.trunc_f64_u 0xbff0000000000000 -> trap integer overflow
152 i32.trunc_f64_u 0x4341c37937e08000 -> trap integer overflow
153 i32.trunc_f64_u 0x46293e5939a08cea -> trap integer overflow
154 i32.trunc_f64_u 0x43e0000000000000 -> trap integer overflow
155 i32.trunc_f64_u 0x7ff0000000000000 -> trap integer overflow
156 i32.trunc_f64_u 0xfff0000000000000 -> trap integer overflow
157 i32.trunc_f64_u 0x7ff8000000000000 -> trap invalid conversion to integer
158 i32.trunc_f64_u 0x7ff4000000000000 -> trap invalid conversion to integer
159 i32.trunc_f64_u 0xfff8000000000000 -> trap invalid conversion to integer
160 i32.trunc_f64_u 0xfff4000000000000 -> trap invalid conversion to integer
162 i64.trunc_f32_s 0x00000000 -> 0
163 i64.trunc_f32_s 0x80000000 -> 0
164 i64.trunc_f32_s 0x00000001 -> 0
165 i64.trunc_f32_s 0x80000001 -> 0
166 i64.trunc_f32_s 0x3f800000 -> 1
167 i64.trunc_f32_s 0x3f8ccccd -> 1
168 i64.trunc_f32_s 0x3fc00000 -> 1
169 i64.trunc_f32_s 0xbf800000 -> 0xffffffffffffffff
170 i64.trunc_f32_s 0xbf8ccccd -> 0xffffffffffffffff
171 i64.trunc_f32_s 0xbfc00000 -> 0xffffffffffffffff
172 i64.trunc_f32_s 0xbff33333 -> 0xffffffffffffffff
173 i64.trunc_f32_s 0xc0000000 -> 0xfffffffffffffffe
174 i64.trunc_f32_s 0x4f800000 -> 0x0000000100000000
175 i64.trunc_f32_s 0xcf800000 -> 0xffffffff00000000
176 i64.trunc_f32_s 0x5effffff -> 0x7fffff8000000000
177 i64.trunc_f32_s 0xdf000000 -> 0x8000000000000000
178 i64.trunc_f32_s 0x5f000000 -> trap integer overflow
179 i64.trunc_f32_s 0xdf000001 -> trap integer overflow
180 i64.trunc_f32_s 0x7f800000 -> trap integer overflow
181 i64.trunc_f32_s 0xff800000 -> trap integer overflow
182 i64.trunc_f32_s 0x7fc00000 -> trap invalid conversion to integer
183 i64.trunc_f32_s 0x7fa00000 -> trap invalid conversion to integer
184 i64.trunc_f32_s 0xffc00000 -> trap invalid conversion to integer
185 i64.trunc_f32_s 0xffa00000 -> trap invalid conversion to integer
187 i64.trunc_f32_u 0x00000000 -> 0
188 i64.trunc_f32_u 0x80000000 -> 0
189 i64.trunc_f32_u 0x00000001 -> 0
190 i64.trunc_f32_u 0x80000001 -> 0
191 i64.trunc_f32_u 0x3f800000 -> 1
192 i64.trunc_f32_u 0x3f8ccccd -> 1
193 i64.trunc_f32_u 0x3fc00000 -> 1
194 i64.trunc_f32_u 0x4f800000 -> 0x0000000100000000
195 i64.trunc_f32_u 0x5f7fffff -> 0xffffff0000000000
196 i64.trunc_f32_u 0xbf666666 -> 0
197 i64.trunc_f32_u 0xbf7fffff -> 0
198 i64.trunc_f32_u 0x5f800000 -> trap integer overflow
199 i64.trunc_f32_u 0xbf800000 -> trap integer overflow
200 i64.trunc_f32_u 0x7f800000 -> trap integer overflow
201 i64.trunc_f32_u 0xff800000 -> trap integer overflow
202 i64.trunc_f32_u 0x7fc00000 -> trap invalid conversion to integer
203 i64.trunc_f32_u 0x7fa00000 -> trap invalid conversion to integer
204 i64.trunc_f32_u 0xffc00000 -> trap invalid conversion to integer
205 i64.trunc_f32_u 0xffa00000 -> trap invalid conversion to integer
207 i64.trunc_f64_s 0x0000000000000000 -> 0
208 i64.trunc_f64_s 0x8000000000000000 -> 0
209 i64.trunc_f64_s 0x0000000000000001 -> 0
210 i64.trunc_f64_s 0x8000000000000001 -> 0
211 i64.trunc_f64_s 0x3ff0000000000000 -> 1
212 i64.trunc_f64_s 0x3ff199999999999a -> 1
213 i64.trunc_f64_s 0x3ff8000000000000 -> 1
214 i64.trunc_f64_s 0xbff0000000000000 -> 0xffffffffffffffff
215 i64.trunc_f64_s 0xbff199999999999a -> 0xffffffffffffffff
216 i64.trunc_f64_s 0xbff8000000000000 -> 0xffffffffffffffff
217 i64.trunc_f64_s 0xbffe666666666666 -> 0xffffffffffffffff
218 i64.trunc_f64_s 0xc000000000000000 -> 0xfffffffffffffffe
219 i64.trunc_f64_s 0x41f0000000000000 -> 0x0000000100000000
220 i64.trunc_f64_s 0xc1f0000000000000 -> 0xffffffff00000000
221 i64.trunc_f64_s 0x43dfffffffffffff -> 0x7ffffffffffffc00
222 i64.trunc_f64_s 0xc3e0000000000000 -> 0x8000000000000000
223 i64.trunc_f64_s 0x43e0000000000000 -> trap integer overflow
224 i64.trunc_f64_s 0xc3e0000000000001 -> trap integer overflow
225 i64.trunc_f64_s 0x7ff0000000000000 -> trap integer overflow
226 i64.trunc_f64_s 0xfff0000000000000 -> trap integer overflow
227 i64.trunc_f64_s 0x7ff8000000000000 -> trap invalid conversion to integer
228 i64.trunc_f64_s 0x7ff4000000000000 -> trap invalid conversion to integer
229 i64.trunc_f64_s 0xfff8000000000000 -> trap invalid conversion to integer
230 i64.trunc_f64_s 0xfff4000000000000 -> trap invalid conversion to integer
232 i64.trunc_f64_u 0x0000000000000000 -> 0
233 i64.trunc_f64_u 0x8000000000000000 -> 0
234 i64.trunc_f64_u 0x0000000000000001 -> 0
235 i64.trunc_f64_u 0x8000000000000001 -> 0
236 i64.trunc_f64_u 0x3ff0000000000000 -> 1
237 i64.trunc_f64_u 0x3ff199999999999a -> 1
238 i64.trunc_f64_u 0x3ff8000000000000 -> 1
239 i64.trunc_f64_u 0x41efffffffe00000 -> 0x00000000ffffffff
240 i64.trunc_f64_u 0x41f0000000000000 -> 0x0000000100000000
241 i64.trunc_f64_u 0x43efffffffffffff -> 0xfffffffffffff800
242 i64.trunc_f64_u 0xbfeccccccccccccd -> 0
243 i64.trunc_f64_u 0xbfefffffffffffff -> 0
244 i64.trunc_f64_u 0x4197d78400000000 -> 0x0000000005f5e100
245 i64.trunc_f64_u 0x4341c37937e08000 -> 0x002386f26fc10000
246 i64.trunc_f64_u 0x43e0000000000000 -> 0x8000000000000000
247 i64.trunc_f64_u 0x43f0000000000000 -> trap integer overflow
248 i64.trunc_f64_u 0xbff0000000000000 -> trap integer overflow
249 i64.trunc_f64_u 0x7ff0000000000000 -> trap integer overflow
250 i64.trunc_f64_u 0xfff0000000000000 -> trap integer overflow
251 i64.trunc_f64_u 0x7ff8000000000000 -> trap invalid conversion to integer
252 i64.trunc_f64_u 0x7ff4000000000000 -> trap invalid conversion to integer
253 i64.trunc_f64_u 0xfff8000000000000 -> trap invalid conversion to integer
254 i64.trunc_f64_u 0xfff4000000000000 -> trap invalid conversion to integer
256 f32.convert_i32_s 1 -> 0x3f800000
257 f32.convert_i32_s 0xffffffff -> 0xbf800000
258 f32.convert_i32_s 0 -> 0x00000000
259 f32.convert_i32_s 0x7fffffff -> 0x4f000000
260 f32.convert_i32_s 0x80000000 -> 0xcf000000
261 f32.convert_i32_s 0x499602d2 -> 0x4e932c06
265 i32.trunc_sat_f32_s 0x00000000 -> 0
266 i32.trunc_sat_f32_s 0x80000000 -> 0
267 i32.trunc_sat_f32_s 0x00000001 -> 0
268 i32.trunc_sat_f32_s 0x80000001 -> 0
269 i32.trunc_sat_f32_s 0x3f800000 -> 1
270 i32.trunc_sat_f32_s 0x3f8ccccd -> 1
271 i32.trunc_sat_f32_s 0x3fc00000 -> 1
272 i32.trunc_sat_f32_s 0xbf800000 -> 0xffffffff
273 i32.trunc_sat_f32_s 0xbf8ccccd -> 0xffffffff
274 i32.trunc_sat_f32_s 0xbfc00000 -> 0xffffffff
275 i32.trunc_sat_f32_s 0xbff33333 -> 0xffffffff
276 i32.trunc_sat_f32_s 0xc0000000 -> 0xfffffffe
277 i32.trunc_sat_f32_s 0x4effffff -> 0x7fffff80
278 i32.trunc_sat_f32_s 0xcf000000 -> 0x80000000
279 i32.trunc_sat_f32_s 0x4f000000 -> 0x7fffffff
280 i32.trunc_sat_f32_s 0xcf000001 -> 0x80000000
281 i32.trunc_sat_f32_s 0x7f800000 -> 0x7fffffff
282 i32.trunc_sat_f32_s 0xff800000 -> 0x80000000
283 i32.trunc_sat_f32_s 0x7fc00000 -> 0
284 i32.trunc_sat_f32_s 0x7fa00000 -> 0
285 i32.trunc_sat_f32_s 0xffc00000 -> 0
286 i32.trunc_sat_f32_s 0xffa00000 -> 0
288 i32.trunc_sat_f32_u 0x00000000 -> 0
289 i32.trunc_sat_f32_u 0x80000000 -> 0
290 i32.trunc_sat_f32_u 0x00000001 -> 0
291 i32.trunc_sat_f32_u 0x80000001 -> 0
292 i32.trunc_sat_f32_u 0x3f800000 -> 1
293 i32.trunc_sat_f32_u 0x3f8ccccd -> 1
294 i32.trunc_sat_f32_u 0x3fc00000 -> 1
295 i32.trunc_sat_f32_u 0x3ff33333 -> 1
296 i32.trunc_sat_f32_u 0x40000000 -> 2
297 i32.trunc_sat_f32_u 0x4f000000 -> 0x80000000
298 i32.trunc_sat_f32_u 0x4f7fffff -> 0xffffff00
299 i32.trunc_sat_f32_u 0xbf666666 -> 0
300 i32.trunc_sat_f32_u 0xbf7fffff -> 0
301 i32.trunc_sat_f32_u 0x4f800000 -> 0xffffffff
302 i32.trunc_sat_f32_u 0xbf800000 -> 0
303 i32.trunc_sat_f32_u 0x7f800000 -> 0xffffffff
304 i32.trunc_sat_f32_u 0xff800000 -> 0
305 i32.trunc_sat_f32_u 0x7fc00000 -> 0
306 i32.trunc_sat_f32_u 0x7fa00000 -> 0
307 i32.trunc_sat_f32_u 0xffc00000 -> 0
308 i32.trunc_sat_f32_u 0xffa00000 -> 0
310 i32.trunc_sat_f64_s 0x0000000000000000 -> 0
311 i32.trunc_sat_f64_s 0x8000000000000000 -> 0
312 i32.trunc_sat_f64_s 0x0000000000000001 -> 0
313 i32.trunc_sat_f64_s 0x8000000000000001 -> 0
314 i32.trunc_sat_f64_s 0x3ff0000000000000 -> 1
315 i32.trunc_sat_f64_s 0x3ff199999999999a -> 1
316 i32.trunc_sat_f64_s 0x3ff8000000000000 -> 1
317 i32.trunc_sat_f64_s 0xbff0000000000000 -> 0xffffffff
318 i32.trunc_sat_f64_s 0xbff199999999999a -> 0xffffffff
319 i32.trunc_sat_f64_s 0xbff8000000000000 -> 0xffffffff
320 i32.trunc_sat_f64_s 0xbffe666666666666 -> 0xffffffff
321 i32.trunc_sat_f64_s 0xc000000000000000 -> 0xfffffffe
322 i32.trunc_sat_f64_s 0x41dfffffffc00000 -> 0x7fffffff
323 i32.trunc_sat_f64_s 0xc1e0000000000000 -> 0x80000000
324 i32.trunc_sat_f64_s 0x41e0000000000000 -> 0x7fffffff
325 i32.trunc_sat_f64_s 0xc1e0000000200000 -> 0x80000000
326 i32.trunc_sat_f64_s 0x7ff0000000000000 -> 0x7fffffff
327 i32.trunc_sat_f64_s 0xfff0000000000000 -> 0x80000000
328 i32.trunc_sat_f64_s 0x7ff8000000000000 -> 0
329 i32.trunc_sat_f64_s 0x7ff4000000000000 -> 0
330 i32.trunc_sat_f64_s 0xfff8000000000000 -> 0
331 i32.trunc_sat_f64_s 0xfff4000000000000 -> 0
333 i32.trunc_sat_f64_u 0x0000000000000000 -> 0
334 i32.trunc_sat_f64_u 0x8000000000000000 -> 0
335 i32.trunc_sat_f64_u 0x0000000000000001 -> 0
336 i32.trunc_sat_f64_u 0x8000000000000001 -> 0
337 i32.trunc_sat_f64_u 0x3ff0000000000000 -> 1
338 i32.trunc_sat_f64_u 0x3ff199999999999a -> 1
339 i32.trunc_sat_f64_u 0x3ff8000000000000 -> 1
340 i32.trunc_sat_f64_u 0x3ffe666666666666 -> 1
341 i32.trunc_sat_f64_u 0x4000000000000000 -> 2
342 i32.trunc_sat_f64_u 0x41e0000000000000 -> 0x80000000
343 i32.trunc_sat_f64_u 0x41efffffffe00000 -> 0xffffffff
344 i32.trunc_sat_f64_u 0xbfeccccccccccccd -> 0
345 i32.trunc_sat_f64_u 0xbfefffffffffffff -> 0
346 i32.trunc_sat_f64_u 0x4197d78400000000 -> 0x05f5e100
347 i32.trunc_sat_f64_u 0x41f0000000000000 -> 0xffffffff
348 i32.trunc_sat_f64_u 0xbff0000000000000 -> 0
349 i32.trunc_sat_f64_u 0x4341c37937e08000 -> 0xffffffff
350 i32.trunc_sat_f64_u 0x46293e5939a08cea -> 0xffffffff
351 i32.trunc_sat_f64_u 0x43e0000000000000 -> 0xffffffff
352 i32.trunc_sat_f64_u 0x7ff0000000000000 -> 0xffffffff
353 i32.trunc_sat_f64_u 0xfff0000000000000 -> 0
354 i32.trunc_sat_f64_u 0x7ff8000000000000 -> 0
355 i32.trunc_sat_f64_u 0x7ff4000000000000 -> 0
356 i32.trunc_sat_f64_u 0xfff8000000000000 -> 0
357 i32.trunc_sat_f64_u 0xfff4000000000000 -> 0
359 i64.trunc_sat_f32_s 0x00000000 -> 0
360 i64.trunc_sat_f32_s 0x80000000 -> 0
361 i64.trunc_sat_f32_s 0x00000001 -> 0
362 i64.trunc_sat_f32_s 0x80000001 -> 0
363 i64.trunc_sat_f32_s 0x3f800000 -> 1
364 i64.trunc_sat_f32_s 0x3f8ccccd -> 1
365 i64.trunc_sat_f32_s 0x3fc00000 -> 1
366 i64.trunc_sat_f32_s 0xbf800000 -> 0xffffffffffffffff
367 i64.trunc_sat_f32_s 0xbf8ccccd -> 0xffffffffffffffff
368 i64.trunc_sat_f32_s 0xbfc00000 -> 0xffffffffffffffff
369 i64.trunc_sat_f32_s 0xbff33333 -> 0xffffffffffffffff
370 i64.trunc_sat_f32_s 0xc0000000 -> 0xfffffffffffffffe
371 i64.trunc_sat_f32_s 0x4f800000 -> 0x0000000100000000
372 i64.trunc_sat_f32_s 0xcf800000 -> 0xffffffff00000000
373 i64.trunc_sat_f32_s 0x5effffff -> 0x7fffff8000000000
374 i64.trunc_sat_f32_s 0xdf000000 -> 0x8000000000000000
375 i64.trunc_sat_f32_s 0x5f000000 -> 0x7fffffffffffffff
376 i64.trunc_sat_f32_s 0xdf000001 -> 0x8000000000000000
377 i64.trunc_sat_f32_s 0x7f800000 -> 0x7fffffffffffffff
378 i64.trunc_sat_f32_s 0xff800000 -> 0x8000000000000000
379 i64.trunc_sat_f32_s 0x7fc00000 -> 0
380 i64.trunc_sat_f32_s 0x7fa00000 -> 0
381 i64.trunc_sat_f32_s 0xffc00000 -> 0
382 i64.trunc_sat_f32_s 0xffa00000 -> 0
384 i64.trunc_sat_f32_u 0x00000000 -> 0
385 i64.trunc_sat_f32_u 0x80000000 -> 0
386 i64.trunc_sat_f32_u 0x00000001 -> 0
387 i64.trunc_sat_f32_u 0x80000001 -> 0
388 i64.trunc_sat_f32_u 0x3f800000 -> 1
389 i64.trunc_sat_f32_u 0x3f8ccccd -> 1
390 i64.trunc_sat_f32_u 0x3fc00000 -> 1
391 i64.trunc_sat_f32_u 0x4f800000 -> 0x0000000100000000
392 i64.trunc_sat_f32_u 0x5f7fffff -> 0xffffff0000000000
393 i64.trunc_sat_f32_u 0xbf666666 -> 0
394 i64.trunc_sat_f32_u 0xbf7fffff -> 0
395 i64.trunc_sat_f32_u 0x5f800000 -> 0xffffffffffffffff
396 i64.trunc_sat_f32_u 0xbf800000 -> 0
397 i64.trunc_sat_f32_u 0x7f800000 -> 0xffffffffffffffff
398 i64.trunc_sat_f32_u 0xff800000 -> 0
399 i64.trunc_sat_f32_u 0x7fc00000 -> 0
400 i64.trunc_sat_f32_u 0x7fa00000 -> 0
401 i64.trunc_sat_f32_u 0xffc00000 -> 0
402 i64.trunc_sat_f32_u 0xffa00000 -> 0
404 i64.trunc_sat_f64_s 0x0000000000000000 -> 0
405 i64.trunc_sat_f64_s 0x8000000000000000 -> 0
406 i64.trunc_sat_f64_s 0x0000000000000001 -> 0
407 i64.trunc_sat_f64_s 0x8000000000000001 -> 0
408 i64.trunc_sat_f64_s 0x3ff0000000000000 -> 1
409 i64.trunc_sat_f64_s 0x3ff199999999999a -> 1
410 i64.trunc_sat_f64_s 0x3ff8000000000000 -> 1
411 i64.trunc_sat_f64_s 0xbff0000000000000 -> 0xffffffffffffffff
412 i64.trunc_sat_f64_s 0xbff199999999999a -> 0xffffffffffffffff
413 i64.trunc_sat_f64_s 0xbff8000000000000 -> 0xffffffffffffffff
414 i64.trunc_sat_f64_s 0xbffe666666666666 -> 0xffffffffffffffff
415 i64.trunc_sat_f64_s 0xc000000000000000 -> 0xfffffffffffffffe
416 i64.trunc_sat_f64_s 0x41f0000000000000 -> 0x0000000100000000
417 i64.trunc_sat_f64_s 0xc1f0000000000000 -> 0xffffffff00000000
418 i64.trunc_sat_f64_s 0x43dfffffffffffff -> 0x7ffffffffffffc00
419 i64.trunc_sat_f64_s 0xc3e0000000000000 -> 0x8000000000000000
420 i64.trunc_sat_f64_s 0x43e0000000000000 -> 0x7fffffffffffffff
421 i64.trunc_sat_f64_s 0xc3e0000000000001 -> 0x8000000000000000
422 i64.trunc_sat_f64_s 0x7ff0000000000000 -> 0x7fffffffffffffff
423 i64.trunc_sat_f64_s 0xfff0000000000000 -> 0x8000000000000000
424 i64.trunc_sat_f64_s 0x7ff8000000000000 -> 0
425 i64.trunc_sat_f64_s 0x7ff4000000000000 -> 0
426 i64.trunc_sat_f64_s 0xfff8000000000000 -> 0
427 i64.trunc_sat_f64_s 0xfff4000000000000 -> 0
429 i64.trunc_sat_f64_u 0x0000000000000000 -> 0
430 i64.trunc_sat_f64_u 0x8000000000000000 -> 0
431 i64.trunc_sat_f64_u 0x0000000000000001 -> 0
432 i64.trunc_sat_f64_u 0x8000000000000001 -> 0
433 i64.trunc_sat_f64_u 0x3ff0000000000000 -> 1
434 i64.trunc_sat_f64_u 0x3ff199999999999a -> 1
435 i64.trunc_sat_f64_u 0x3ff8000000000000 -> 1
436 i64.trunc_sat_f64_u 0x41efffffffe00000 -> 0x00000000ffffffff
437 i64.trunc_sat_f64_u 0x41f0000000000000 -> 0x0000000100000000
438 i64.trunc_sat_f64_u 0x43efffffffffffff -> 0xfffffffffffff800
439 i64.trunc_sat_f64_u 0xbfeccccccccccccd -> 0
440 i64.trunc_sat_f64_u 0xbfefffffffffffff -> 0
441 i64.trunc_sat_f64_u 0x4197d78400000000 -> 0x0000000005f5e100
442 i64.trunc_sat_f64_u 0x4341c37937e08000 -> 0x002386f26fc10000
443 i64.trunc_sat_f64_u 0x43e0000000000000 -> 0x8000000000000000
444 i64.trunc_sat_f64_u 0x43f0000000000000 -> 0xffffffffffffffff
445 i64.trunc_sat_f64_u 0xbff0000000000000 -> 0
446 i64.trunc_sat_f64_u 0x7ff0000000000000 -> 0xffffffffffffffff
447 i64.trunc_sat_f64_u 0xfff0000000000000 -> 0
448 i64.trunc_sat_f64_u 0x7ff8000000000000 -> 0
449 i64.trunc_sat_f64_u 0x7ff4000000000000 -> 0
450 i64.trunc_sat_f64_u 0xfff8000000000000 -> 0
451 i64.trunc_sat_f64_u 0xfff4000000000000 -> 0
454 f32.convert_i32_s 0x01000001 -> 0x4b800000
455 f32.convert_i32_s 0xfeffffff -> 0xcb800000
456 f32.convert_i32_s 0x01000003 -> 0x4b800002
457 f32.convert_i32_s 0xfefffffd -> 0xcb800002
459 f32.convert_i64_s 1 -> 0x3f800000
460 f32.convert_i64_s 0xffffffffffffffff -> 0xbf800000
461 f32.convert_i64_s 0 -> 0x00000000
462 f32.convert_i64_s 0x7fffffffffffffff -> 0x5f000000
463 f32.convert_i64_s 0x8000000000000000 -> 0xdf000000
464 f32.convert_i64_s 0x00011db9e76a2483 -> 0x578edcf4
466 f32.convert_i64_s 0x0000000001000001 -> 0x4b800000
467 f32.convert_i64_s 0xfffffffffeffffff -> 0xcb800000
468 f32.convert_i64_s 0x0000000001000003 -> 0x4b800002
469 f32.convert_i64_s 0xfffffffffefffffd -> 0xcb800002
471 f32.convert_i64_s 0x7fffff4000000001 -> 0x5effffff
472 f32.convert_i64_s 0x8000004000000001 -> 0xdeffffff
473 f32.convert_i64_s 0x0020000020000001 -> 0x5a000001
474 f32.convert_i64_s 0xffdfffffdfffffff -> 0xda000001
476 f64.convert_i32_s 1 -> 0x3ff0000000000000
477 f64.convert_i32_s 0xffffffff -> 0xbff0000000000000
478 f64.convert_i32_s 0 -> 0x0000000000000000
479 f64.convert_i32_s 0x7fffffff -> 0x41dfffffffc00000
480 f64.convert_i32_s 0x80000000 -> 0xc1e0000000000000
481 f64.convert_i32_s 0x3ade68b1 -> 0x41cd6f3458800000
483 f64.convert_i64_s 1 -> 0x3ff0000000000000
484 f64.convert_i64_s 0xffffffffffffffff -> 0xbff0000000000000
485 f64.convert_i64_s 0 -> 0x0000000000000000
486 f64.convert_i64_s 0x7fffffffffffffff -> 0x43e0000000000000
487 f64.convert_i64_s 0x8000000000000000 -> 0xc3e0000000000000
488 f64.convert_i64_s 0x0010969d374b968e -> 0x4330969d374b968e
490 f64.convert_i64_s 0x0020000000000001 -> 0x4340000000000000
491 f64.convert_i64_s 0xffdfffffffffffff -> 0xc340000000000000
492 f64.convert_i64_s 0x0020000000000003 -> 0x4340000000000002
493 f64.convert_i64_s 0xffdffffffffffffd -> 0xc340000000000002
495 f32.convert_i32_u 1 -> 0x3f800000
496 f32.convert_i32_u 0 -> 0x00000000
497 f32.convert_i32_u 0x7fffffff -> 0x4f000000
498 f32.convert_i32_u 0x80000000 -> 0x4f000000
499 f32.convert_i32_u 0x12345678 -> 0x4d91a2b4
500 f32.convert_i32_u 0xffffffff -> 0x4f800000
501 f32.convert_i32_u 0x80000080 -> 0x4f000000
502 f32.convert_i32_u 0x80000081 -> 0x4f000001
503 f32.convert_i32_u 0x80000082 -> 0x4f000001
504 f32.convert_i32_u 0xfffffe80 -> 0x4f7ffffe
505 f32.convert_i32_u 0xfffffe81 -> 0x4f7fffff
506 f32.convert_i32_u 0xfffffe82 -> 0x4f7fffff
508 f32.convert_i32_u 0x01000001 -> 0x4b800000
509 f32.convert_i32_u 0x01000003 -> 0x4b800002
511 f32.convert_i64_u 1 -> 0x3f800000
512 f32.convert_i64_u 0 -> 0x00000000
513 f32.convert_i64_u 0x7fffffffffffffff -> 0x5f000000
514 f32.convert_i64_u 0x8000000000000000 -> 0x5f000000
515 f32.convert_i64_u 0xffffffffffffffff -> 0x5f800000
517 f32.convert_i64_u 0x0000000001000001 -> 0x4b800000
518 f32.convert_i64_u 0x0000000001000003 -> 0x4b800002
520 f32.convert_i64_u 0x0020000020000001 -> 0x5a000001
521 f32.convert_i64_u 0x7fffffbfffffffff -> 0x5effffff
522 f32.convert_i64_u 0x8000008000000001 -> 0x5f000001
523 f32.convert_i64_u 0xfffffe8000000001 -> 0x5f7fffff
525 f64.convert_i32_u 1 -> 0x3ff0000000000000
526 f64.convert_i32_u 0 -> 0x0000000000000000
527 f64.convert_i32_u 0x7fffffff -> 0x41dfffffffc00000
528 f64.convert_i32_u 0x80000000 -> 0x41e0000000000000
529 f64.convert_i32_u 0xffffffff -> 0x41efffffffe00000
531 f64.convert_i64_u 1 -> 0x3ff0000000000000
532 f64.convert_i64_u 0 -> 0x0000000000000000
533 f64.convert_i64_u 0x7fffffffffffffff -> 0x43e0000000000000
534 f64.convert_i64_u 0x8000000000000000 -> 0x43e0000000000000
535 f64.convert_i64_u 0xffffffffffffffff -> 0x43f0000000000000
536 f64.convert_i64_u 0x8000000000000400 -> 0x43e0000000000000
537 f64.convert_i64_u 0x8000000000000401 -> 0x43e0000000000001
538 f64.convert_i64_u 0x8000000000000402 -> 0x43e0000000000001
539 f64.convert_i64_u 0xfffffffffffff400 -> 0x43effffffffffffe
540 f64.convert_i64_u 0xfffffffffffff401 -> 0x43efffffffffffff
541 f64.convert_i64_u 0xfffffffffffff402 -> 0x43efffffffffffff
543 f64.convert_i64_u 0x0020000000000001 -> 0x4340000000000000
544 f64.convert_i64_u 0x0020000000000003 -> 0x4340000000000002
546 f64.promote_f32 0x00000000 -> 0x0000000000000000
547 f64.promote_f32 0x80000000 -> 0x8000000000000000
548 f64.promote_f32 0x00000001 -> 0x36a0000000000000
549 f64.promote_f32 0x80000001 -> 0xb6a0000000000000
550 f64.promote_f32 0x3f800000 -> 0x3ff0000000000000
551 f64.promote_f32 0xbf800000 -> 0xbff0000000000000
552 f64.promote_f32 0xff7fffff -> 0xc7efffffe0000000
553 f64.promote_f32 0x7f7fffff -> 0x47efffffe0000000
555 f64.promote_f32 0x04000000 -> 0x3880000000000000
557 f64.promote_f32 0x7e47c33f -> 0x47c8f867e0000000
558 f64.promote_f32 0x7f800000 -> 0x7ff0000000000000
559 f64.promote_f32 0xff800000 -> 0xfff0000000000000
560 f64.promote_f32 0x7fc00000 -> nan:canonical
561 f64.promote_f32 0x7fa00000 -> nan:arithmetic
562 f64.promote_f32 0xffc00000 -> nan:canonical
563 f64.promote_f32 0xffa00000 -> nan:arithmetic
565 f32.demote_f64 0x0000000000000000 -> 0x00000000
566 f32.demote_f64 0x8000000000000000 -> 0x80000000
567 f32.demote_f64 0x0000000000000001 -> 0x00000000
568 f32.demote_f64 0x8000000000000001 -> 0x80000000
569 f32.demote_f64 0x3ff0000000000000 -> 0x3f800000
570 f32.demote_f64 0xbff0000000000000 -> 0xbf800000
571 f32.demote_f64 0x380fffffe0000000 -> 0x00800000
572 f32.demote_f64 0xb80fffffe0000000 -> 0x80800000
573 f32.demote_f64 0x380fffffdfffffff -> 0x007fffff
574 f32.demote_f64 0xb80fffffdfffffff -> 0x807fffff
575 f32.demote_f64 0x36a0000000000000 -> 0x00000001
576 f32.demote_f64 0xb6a0000000000000 -> 0x80000001
577 f32.demote_f64 0x47efffffd0000000 -> 0x7f7ffffe
578 f32.demote_f64 0xc7efffffd0000000 -> 0xff7ffffe
579 f32.demote_f64 0x47efffffd0000001 -> 0x7f7fffff
580 f32.demote_f64 0xc7efffffd0000001 -> 0xff7fffff
581 f32.demote_f64 0x47efffffe0000000 -> 0x7f7fffff
582 f32.demote_f64 0xc7efffffe0000000 -> 0xff7fffff
583 f32.demote_f64 0x47efffffefffffff -> 0x7f7fffff
584 f32.demote_f64 0xc7efffffefffffff -> 0xff7fffff
585 f32.demote_f64 0x47effffff0000000 -> 0x7f800000
586 f32.demote_f64 0xc7effffff0000000 -> 0xff800000
587 f32.demote_f64 0x3880000000000000 -> 0x04000000
588 f32.demote_f64 0x47c8f867e0000000 -> 0x7e47c33f
589 f32.demote_f64 0x7ff0000000000000 -> 0x7f800000
590 f32.demote_f64 0xfff0000000000000 -> 0xff800000
591 f32.demote_f64 0x3ff0000000000001 -> 0x3f800000
592 f32.demote_f64 0x3fefffffffffffff -> 0x3f800000
593 f32.demote_f64 0x3ff0000010000000 -> 0x3f800000
594 f32.demote_f64 0x3ff0000010000001 -> 0x3f800001
595 f32.demote_f64 0x3ff000002fffffff -> 0x3f800001
596 f32.demote_f64 0x3ff0000030000000 -> 0x3f800002
597 f32.demote_f64 0x3ff0000050000000 -> 0x3f800002
598 f32.demote_f64 0x4170000010000000 -> 0x4b800000
599 f32.demote_f64 0x4170000010000001 -> 0x4b800001
600 f32.demote_f64 0x417000002fffffff -> 0x4b800001
601 f32.demote_f64 0x4170000030000000 -> 0x4b800002
602 f32.demote_f64 0x46b4eae4f7024c70 -> 0x75a75728
603 f32.demote_f64 0x38ea12e71e358685 -> 0x07509739
604 f32.demote_f64 0x380cb98354d521ff -> 0x0072e60d
605 f32.demote_f64 0xc006972b30cfb562 -> 0xc034b95a
606 f32.demote_f64 0xc6fbedbe4819d4c4 -> 0xf7df6df2
607 f32.demote_f64 0x7ff8000000000000 -> nan:canonical
608 f32.demote_f64 0x7ff4000000000000 -> nan:arithmetic
609 f32.demote_f64 0xfff8000000000000 -> nan:canonical
610 f32.demote_f64 0xfff4000000000000 -> nan:arithmetic
611 f32.demote_f64 0x0010000000000000 -> 0x00000000
612 f32.demote_f64 0x8010000000000000 -> 0x80000000
613 f32.demote_f64 0x3690000000000000 -> 0x00000000
614 f32.demote_f64 0xb690000000000000 -> 0x80000000
615 f32.demote_f64 0x3690000000000001 -> 0x00000001
616 f32.demote_f64 0xb690000000000001 -> 0x80000001
618 f32.reinterpret_i32 0 -> 0x00000000
619 f32.reinterpret_i32 0x80000000 -> 0x80000000
620 f32.reinterpret_i32 1 -> 0x00000001
621 f32.reinterpret_i32 0xffffffff -> 0xffffffff
622 f32.reinterpret_i32 0x075bcd15 -> 0x075bcd15
623 f32.reinterpret_i32 0x80000001 -> 0x80000001
624 f32.reinterpret_i32 0x7f800000 -> 0x7f800000
625 f32.reinterpret_i32 0xff800000 -> 0xff800000
626 f32.reinterpret_i32 0x7fc00000 -> 0x7fc00000
627 f32.reinterpret_i32 0xffc00000 -> 0xffc00000
628 f32.reinterpret_i32 0x7fa00000 -> 0x7fa00000
629 f32.reinterpret_i32 0xffa00000 -> 0xffa00000
631 f64.reinterpret_i64 0 -> 0x0000000000000000
632 f64.reinterpret_i64 1 -> 0x0000000000000001
633 f64.reinterpret_i64 0xffffffffffffffff -> 0xffffffffffffffff
634 f64.reinterpret_i64 0x8000000000000000 -> 0x8000000000000000
635 f64.reinterpret_i64 0x00000000499602d2 -> 0x00000000499602d2
636 f64.reinterpret_i64 0x8000000000000001 -> 0x8000000000000001
637 f64.reinterpret_i64 0x7ff0000000000000 -> 0x7ff0000000000000
638 f64.reinterpret_i64 0xfff0000000000000 -> 0xfff0000000000000
639 f64.reinterpret_i64 0x7ff8000000000000 -> 0x7ff8000000000000
640 f64.reinterpret_i64 0xfff8000000000000 -> 0xfff8000000000000
641 f64.reinterpret_i64 0x7ff4000000000000 -> 0x7ff4000000000000
642 f64.reinterpret_i64 0xfff4000000000000 -> 0xfff4000000000000
644 i32.reinterpret_f32 0x00000000 -> 0
645 i32.reinterpret_f32 0x80000000 -> 0x80000000
646 i32.reinterpret_f32 0x00000001 -> 1
647 i32.reinterpret_f32 0xffffffff -> 0xffffffff
648 i32.reinterpret_f32 0x80000001 -> 0x80000001
649 i32.reinterpret_f32 0x3f800000 -> 0x3f800000
650 i32.reinterpret_f32 0x40490fda -> 0x40490fda
651 i32.reinterpret_f32 0x7f7fffff -> 0x7f7fffff
652 i32.reinterpret_f32 0xff7fffff -> 0xff7fffff
653 i32.reinterpret_f32 0x7f800000 -> 0x7f800000
654 i32.reinterpret_f32 0xff800000 -> 0xff800000
655 i32.reinterpret_f32 0x7fc00000 -> 0x7fc00000
656 i32.reinterpret_f32 0xffc00000 -> 0xffc00000
657 i32.reinterpret_f32 0x7fa00000 -> 0x7fa00000
658 i32.reinterpret_f32 0xffa00000 -> 0xffa00000
660 i64.reinterpret_f64 0x0000000000000000 -> 0
661 i64.reinterpret_f64 0x8000000000000000 -> 0x8000000000000000
662 i64.reinterpret_f64 0x0000000000000001 -> 1
663 i64.reinterpret_f64 0xffffffffffffffff -> 0xffffffffffffffff
664 i64.reinterpret_f64 0x8000000000000001 -> 0x8000000000000001
665 i64.reinterpret_f64 0x3ff0000000000000 -> 0x3ff0000000000000
666 i64.reinterpret_f64 0x400921fb54442d11 -> 0x400921fb54442d11
667 i64.reinterpret_f64 0x7fefffffffffffff -> 0x7fefffffffffffff
668 i64.reinterpret_f64 0xffefffffffffffff -> 0xffefffffffffffff
669 i64.reinterpret_f64 0x7ff0000000000000 -> 0x7ff0000000000000
670 i64.reinterpret_f64 0xfff0000000000000 -> 0xfff0000000000000
671 i64.reinterpret_f64 0x7ff8000000000000 -> 0x7ff8000000000000
672 i64.reinterpret_f64 0xfff8000000000000 -> 0xfff8000000000000
673 i64.reinterpret_f64 0x7ff4000000000000 -> 0x7ff4000000000000
674 i64.reinterpret_f64 0xfff4000000000000 -> 0xfff4000000000000
"""

FLOAT_MISC_WAST = """
50 f32.add 0x3f8fcd6f 0x2f07bc16 -> 0x3f8fcd6f
51 f64.add 0x3ff1f9add3739636 0x3de0f782bf7cc83f -> 0x3ff1f9add37c11f7
55 f32.add 0x3f800000 0x33800000 -> 0x3f800000
56 f32.add 0x3f800000 0x33800001 -> 0x3f800001
57 f64.add 0x3ff0000000000000 0x3ca0000000000000 -> 0x3ff0000000000000
58 f64.add 0x3ff0000000000000 0x3ca0000000000001 -> 0x3ff0000000000001
61 f32.add 0x00000001 0x007fffff -> 0x00800000
62 f64.add 0x0000000000000001 0x000fffffffffffff -> 0x0010000000000000
67 f32.add 0x4f000000 0x44800800 -> 0x4f000004
68 f64.add 0x43e0000000000000 0x4090010000000000 -> 0x43e0000000000001
72 f64.add 0x80f0000000000000 0x0000000000001716 -> 0x80efffffffffffff
75 f64.add 0x4340000000000000 0x3ff0000a7c5ac472 -> 0x4340000000000001
78 f64.add 0x4340000000000001 0x3fefffe000000000 -> 0x4340000000000001
81 f32.add 0x4b000000 0x3f000000 -> 0x4b000000
82 f32.add 0x4b000001 0x3f000000 -> 0x4b000002
83 f64.add 0x4330000000000000 0x3fe0000000000000 -> 0x4330000000000000
84 f64.add 0x4330000000000001 0x3fe0000000000000 -> 0x4330000000000002
87 f32.add 0xf29cb3ad 0x0e3b64a6 -> 0xf29cb3ad
88 f32.add 0x61360792 0xd995c968 -> 0x61360666
89 f32.add 0x1673118c 0x017ba55f -> 0x1673118c
90 f32.add 0x531538ea 0xdb64f886 -> 0xdb64f7f1
91 f32.add 0x387c7b9b 0x74bdea2f -> 0x74bdea2f
92 f64.add 0x262f33e1fbca27aa 0xcf86b192891ed610 -> 0xcf86b192891ed610
93 f64.add 0xc4b46f75d130eeb1 0x34725275d6f7a4ac -> 0xc4b46f75d130eeb1
94 f64.add 0x36b04dec9265a731 0xbf311eed4e8c127c -> 0xbf311eed4e8c127c
95 f64.add 0x5f005773b7166b0a 0x441134022f2da37b -> 0x5f005773b7166b0a
96 f64.add 0x540ef4f794282a82 0x58914a82266bade0 -> 0x58914a82266bade0
99 f32.add 0x638dfcbb 0xc9bfac34 -> 0x638dfcbb
100 f32.add 0x293fce36 0x98dcdd87 -> 0x293fce36
101 f32.add 0xaa9968de 0x7e7be90a -> 0x7e7be90a
102 f32.add 0xa9c72e07 0x8a9d7d26 -> 0xa9c72e07
103 f32.add 0x3a89e6bc 0x8a1d798b -> 0x3a89e6bc
104 f64.add 0x4b2f8dd15ca97d4a 0x9f0367317d1fe8bf -> 0x4b2f8dd15ca97d4a
105 f64.add 0x49a5db08d739228c 0xbc2fb316fa147dcb -> 0x49a5db08d739228c
106 f64.add 0x26bbbb403cb85c07 0x82c7e44046b8bbf3 -> 0x26bbbb403cb85c07
107 f64.add 0xc9234d38af291831 0xc8a9890b47439953 -> 0xc92366c1ba705bca
108 f64.add 0xc02b61dedf4e0306 0x52109e2f31773c4a -> 0x52109e2f31773c4a
111 f32.add 0x85094dec 0x2a63a809 -> 0x2a63a809
112 f32.add 0xb7e10251 0x32405899 -> 0xb7e0ea46
113 f32.add 0xd1ef660e 0x0963446d -> 0xd1ef660e
114 f32.add 0x04b0e735 0xcebb9449 -> 0xcebb9449
115 f32.add 0x839ee413 0x6f7e1fb3 -> 0x6f7e1fb3
116 f64.add 0x0f6bf68acc263a0f 0xfeb5f9352965e5a6 -> 0xfeb5f9352965e5a6
117 f64.add 0xe0376eaa70911f51 0xdec2d746324ce47a -> 0xe0376eaa963fabb6
118 f64.add 0x838b637d82c15a7a 0x2e4cc654ccab4152 -> 0x2e4cc654ccab4152
119 f64.add 0xa02a5b1fb66e846e 0x0a34bdd36f0bb5cc -> 0xa02a5b1fb66e846e
120 f64.add 0xfc514108da880f9e 0x71f417f35701e89f -> 0xfc514108da880f9e
123 f64.add 0xf23fa0caf21ffebc 0x7394ca8fdcff89f9 -> 0x7394ca8f5e7c5e31
124 f64.add 0x70f016f1fcbdfd38 0x6e9375dffcbc9a2c -> 0x70f016f1fcbe4b0f
125 f64.add 0xe6fdffda6d5bff3a 0x6a1f9e8cc2dff782 -> 0x6a1f9e8cc2dff77b
126 f64.add 0x5cefff4b43687dfb 0x6040fd5617c4a809 -> 0x6040fd5617c4a809
127 f64.add 0x01c535d380035da2 0x03ccce37dddbb73b -> 0x03ccce37ddf0ed0f
130 f64.add 0xeefd91cd3fc0c66f 0xfb74e18c80229734 -> 0xfb74e18c80229734
131 f64.add 0x4c0afc70fd36e372 0xd10bd10a9b377b46 -> 0xd10bd10a9b377b46
132 f64.add 0xd2d2abd570b078b2 0x258b3c1ad759cb5b -> 0xd2d2abd570b078b2
133 f64.add 0xac25b2ae84c0686c 0xdd1dba7a1c022823 -> 0xdd1dba7a1c022823
134 f64.add 0xb39ac627bd7cbf38 0x0212312e265b8d59 -> 0xb39ac627bd7cbf38
137 f32.add 0x7995c8d0 0x7f65e6a9 -> 0x7f65f962
138 f32.add 0x7f4b79c9 0xf5359ff6 -> 0x7f4b79be
139 f32.add 0x7a89978e 0xff31eb19 -> 0xff31a64d
140 f32.add 0xfb8eed32 0xff778170 -> 0xff789f4a
141 f32.add 0xff256c6d 0xfe757041 -> 0xff62c87d
142 f64.add 0x7fe017099f2a4b8b 0x7d41f63b28f05454 -> 0x7fe017099f2a5009
143 f64.add 0x7fed88b6c74984ef 0x7dd33b444775eabc -> 0x7fed88b6c7532291
144 f64.add 0xffe84576422fdf50 0x7f360ee6aa12fb9c -> 0xffe842b4655a9cf1
145 f64.add 0xfe89aaace3e79f7d 0x7fee4068af295cb6 -> 0x7fee4068487ea926
146 f64.add 0x7fe06cdae79f27b9 0xfdee05cb0c96f975 -> 0x7fe06cdae78121ee
149 f32.add 0x005a8688 0x0000026f -> 0x005a88f7
150 f32.add 0x00000025 0x80000002 -> 0x00000023
151 f32.add 0x80000008 0x00387940 -> 0x00387938
152 f32.add 0x80000014 0x02a12029 -> 0x02a12028
153 f32.add 0x000001c5 0x80005cbe -> 0x80005af9
154 f64.add 0x0014774c681d1e21 0x802271e58e9f58ca -> 0x80106c7eb5219373
155 f64.add 0x00210b3a75e31916 0x802ffb82b0e868a7 -> 0x801de090760a9f22
156 f64.add 0x8006b58448b8098a 0x801579796ed04cbe -> 0x801c2efdb7885648
157 f64.add 0x0039eb9e7baae8d1 0x803d58e136f8c6ee -> 0x800db50aed377874
158 f64.add 0x801f1115deeafa0b 0x001221b1c87dca29 -> 0x800cef64166d2fe2
162 f32.add 0x7f7ffffe 0x73800000 -> 0x7f7fffff
163 f64.add 0x7feffffffffffffe 0x7ca0000000000000 -> 0x7fefffffffffffff
166 f32.add 0x40000000 0x40000000 -> 0x40800000
167 f64.add 0x4000000000000000 0x4000000000000000 -> 0x4010000000000000
170 f32.add 0x7f7fffff 0x72ffffff -> 0x7f7fffff
171 f32.add 0x7f7fffff 0x73000000 -> 0x7f800000
172 f64.add 0x7fefffffffffffff 0x7c8fffffffffffff -> 0x7fefffffffffffff
173 f64.add 0x7fefffffffffffff 0x7c90000000000000 -> 0x7ff0000000000000
177 f32.sub 0x47800000 0x2d000000 -> 0x47800000
178 f64.sub 0x40f0000000000000 0x3da0000000000000 -> 0x40efffffffffffff
182 f32.sub 0x3f800000 0x33000000 -> 0x3f800000
183 f32.sub 0x3f800000 0x33000001 -> 0x3f7fffff
184 f64.sub 0x3ff0000000000000 0x3c90000000000000 -> 0x3ff0000000000000
185 f64.sub 0x3ff0000000000000 0x3c90000000000001 -> 0x3fefffffffffffff
188 f32.sub 0x0af71233 0xfb0b13bf -> 0x7b0b13bf
189 f32.sub 0xfb2237cf 0xd521cb52 -> 0xfb2237cf
190 f32.sub 0x3fba3b9e 0x96d12a89 -> 0x3fba3b9e
191 f32.sub 0x0549a2e2 0x19b3c961 -> 0x99b3c961
192 f32.sub 0x36cf67d2 0x8a4325a2 -> 0x36cf67d2
193 f64.sub 0xab25b798875e7845 0x878b5147117452fe -> 0xab25b798875e7845
194 f64.sub 0xe276c87baeb6d72d 0xb6164fb35d4b5571 -> 0xe276c87baeb6d72d
195 f64.sub 0x232b3d369fcf74b0 0x8baea1668c0dec93 -> 0x232b3d369fcf74b0
196 f64.sub 0x0120abd449353ead 0xc990422ea3e82ee9 -> 0x4990422ea3e82ee9
197 f64.sub 0xb70aadbc6b43cc3d 0x9e4e7f922ef1ee58 -> 0xb70aadbc6b43cc3d
200 f32.sub 0xf5b0f131 0xf7dd79f2 -> 0x77d26adf
201 f32.sub 0xf631617b 0x42b728a5 -> 0xf631617b
202 f32.sub 0x96143e4a 0x338797ce -> 0xb38797ce
203 f32.sub 0x9964412e 0xb9a5756b -> 0x39a5756b
204 f32.sub 0xf114bb52 0x226371dc -> 0xf114bb52
205 f64.sub 0xcc976cb28ae6c045 0xf840611f2af4e9b9 -> 0x7840611f2af4e9b9
206 f64.sub 0x28fbaf35eff22e9e 0x23c5c3e08ecf73ec -> 0x28fbaf35eff22e9e
207 f64.sub 0xb378fd354b376f1f 0x203513c860f386ff -> 0xb378fd354b376f1f
208 f64.sub 0x81f760d447230ae6 0xab716f788438ae3e -> 0x2b716f788438ae3e
209 f64.sub 0xc6f73aab4fcfc7a0 0x4aa7c589f990b884 -> 0xcaa7c589f990b884
212 f32.sub 0x6f751326 0x384294c4 -> 0x6f751326
213 f32.sub 0xc90a763e 0xae0569ff -> 0xc90a763e
214 f32.sub 0xad9928ed 0xa3a4e4bf -> 0xad9928e3
215 f32.sub 0xb889ab2f 0x3917c4d4 -> 0xb95c9a6c
216 f32.sub 0xaf30195b 0x8bdda8cb -> 0xaf30195b
217 f64.sub 0xb62b5b0797af4910 0xed1694b8348189e8 -> 0x6d1694b8348189e8
218 f64.sub 0xef672b142826ed73 0xf86010477bc9afbd -> 0x786010477bc9afbd
219 f64.sub 0x0e383273b6bb94cf 0x4b41a93f948a2abb -> 0xcb41a93f948a2abb
220 f64.sub 0x9c2207e7156cbf20 0x1dfcf3f12fd3814d -> 0x9dfcf3f13063c086
221 f64.sub 0x9d0837e6844f1718 0xbf11c29b757f98ab -> 0x3f11c29b757f98ab
224 f64.sub 0x3b1c21151a709b6c 0x38c0a12fff8910f6 -> 0x3b1c21151a701663
225 f64.sub 0x029c57912aae2f64 0x00ddbfbd4800b7cf -> 0x029c579128d2338f
226 f64.sub 0x301ffef4399af9c6 0x337edb96dfaea8b1 -> 0xb37edb96dfaea8b1
227 f64.sub 0xbd8363eee391cde2 0xbbaa65462000265f -> 0xbd8363eee32838c9
228 f64.sub 0x3e659016dba002a1 0x3fc5d4374f124ccc -> 0xbfc5d436f8d1f15d
231 f64.sub 0x8d118196bca005cf 0x901db7b01ce3f52f -> 0x101db7b01ce3f51d
232 f64.sub 0xc20d17b3528d2190 0x56efd739d4ea220a -> 0xd6efd739d4ea220a
233 f64.sub 0x471dea46994de319 0x1b1b5b19cd55c7d3 -> 0x471dea46994de319
234 f64.sub 0x216b60f9b2fbd9ec 0x9496f81c59ec5b8e -> 0x216b60f9b2fbd9ec
235 f64.sub 0x3c65e423fe8571f4 0x1959624ed7c162df -> 0x3c65e423fe8571f4
239 f32.sub 0x41b92023 0x40490fdb -> 0x419ffe28
240 f64.sub 0x403724046eb0933a 0x400921fb54442d18 -> 0x4033ffc504280d97
243 f32.sub 0x4a371afc 0x4a371af8 -> 0x3f800000
244 f32.sub 0x49f423f8 0x49f423d8 -> 0x40800000
245 f32.sub 0x49f423f8 0x49f423c8 -> 0x40c00000
246 f32.sub 0x48c35040 0x48c35020 -> 0x3f800000
247 f32.sub 0x48c35040 0x48c35000 -> 0x40000000
248 f64.sub 0x432550f7dca6fffe 0x432550f7dca6fffc -> 0x3ff0000000000000
249 f64.sub 0x431c6bf52633fffc 0x431c6bf52633ffec -> 0x4010000000000000
250 f64.sub 0x431c6bf52633fffc 0x431c6bf52633ffe4 -> 0x4018000000000000
251 f64.sub 0x42f6bcc41e900020 0x42f6bcc41e900010 -> 0x3ff0000000000000
252 f64.sub 0x42f6bcc41e900020 0x42f6bcc41e900000 -> 0x4000000000000000
255 f32.sub 0x00800000 0x007fffff -> 0x00000001
256 f64.sub 0x0010000000000000 0x000fffffffffffff -> 0x0000000000000001
259 f32.sub 0x3f800001 0x3f7fffff -> 0x34400000
260 f32.sub 0x3f800001 0x3f800000 -> 0x34000000
261 f32.sub 0x3f800000 0x3f7fffff -> 0x33800000
262 f64.sub 0x3ff0000000000001 0x3fefffffffffffff -> 0x3cb8000000000000
263 f64.sub 0x3ff0000000000001 0x3ff0000000000000 -> 0x3cb0000000000000
264 f64.sub 0x3ff0000000000000 0x3fefffffffffffff -> 0x3ca0000000000000
268 f32.sub 0x7f7fffff 0x72ffffff -> 0x7f7fffff
269 f32.sub 0x7f7fffff 0x73000000 -> 0x7f7ffffe
270 f64.sub 0x7fefffffffffffff 0x7c8fffffffffffff -> 0x7fefffffffffffff
271 f64.sub 0x7fefffffffffffff 0x7c90000000000000 -> 0x7feffffffffffffe
274 f32.mul 0x58635fa9 0x58635fa9 -> 0x7149f2c9
275 f32.mul 0x60ad78ec 0x60ad78ec -> 0x7f800000
276 f32.mul 0x69045951 0x69045951 -> 0x7f800000
277 f64.mul 0x430c6bf526340000 0x430c6bf526340000 -> 0x46293e5939a08cea
278 f64.mul 0x4415af1d78b58c40 0x4415af1d78b58c40 -> 0x483d6329f1c35ca5
279 f64.mul 0x45208b2a2c280291 0x45208b2a2c280291 -> 0x4a511b0ec57e649b
284 f32.mul 0x4edc672f 0x5094ac4f -> 0x60000001
285 f64.mul 0x41db8ce5d7c00000 0x42129589d27c0000 -> 0x4400000000000001
289 f32.mul 0x429a3333 0x44548000 -> 0x477fff00
290 f64.mul 0x4053466666666666 0x408a900000000000 -> 0x40efffdfffffffff
293 f32.mul 0xde0a6f97 0x2dba443c -> 0xcc4973f4
294 f32.mul 0xf2ab14f1 0x8ce19809 -> 0x4016c302
295 f32.mul 0xedd8bb4a 0x8f725ab5 -> 0x3dcd2dd7
296 f32.mul 0xe70b1353 0x9a62beb8 -> 0x41f65d57
297 f32.mul 0x5a3d67b9 0x423644d6 -> 0x5d06daab
298 f64.mul 0xda825c293f6f37e4 0x7b0f5fd4fa41c6d8 -> 0xfff0000000000000
299 f64.mul 0x825cc1ae79fffc5b 0xb24c36ccc2861ca6 -> 0x0000000000000000
300 f64.mul 0x65dc0232b3e64b56 0xc69f6939cf3affaa -> 0xec8b7e3aedf190d3
301 f64.mul 0xac660f289966b271 0x64628a5497f0c259 -> 0xd0d98fc50bcec259
302 f64.mul 0x71a37dab12d3afa2 0x0a581e156bd393f1 -> 0x3c0d6126554b8298
305 f32.mul 0x931fabd1 0xed820eb4 -> 0x41223cd8
306 f32.mul 0x642682c1 0x4937021d -> 0x6dee11b0
307 f32.mul 0xaf97ed00 0xe4f0b98e -> 0x550edc4f
308 f32.mul 0x613de47f 0xc71d6ac9 -> 0xe8e988af
309 f32.mul 0x4ec9b3a1 0xe0d3d0c8 -> 0xf026e38d
310 f64.mul 0x980ba737b4ca3b13 0x2c58923309857438 -> 0x84753bc0d07baa37
311 f64.mul 0x2eb7c1932e610219 0x9842605db646489f -> 0x870b48da2b0d2ae3
312 f64.mul 0xd48e43cdf3b21080 0xf4299d96abbd61d1 -> 0x7ff0000000000000
313 f64.mul 0x7b24c19466551da3 0x2480bdcd6c7646e9 -> 0x5fb5b7cd8c3f638a
314 f64.mul 0x552ff1da1726e3df 0xca8043c44f52b158 -> 0xdfc03c9364bb585c
317 f32.mul 0xd6c83f45 0xef2e9b34 -> 0x7f800000
318 f32.mul 0xbe464fba 0x0e715a29 -> 0x8d3af6e6
319 f32.mul 0xb666302d 0x7476190d -> 0xeb5d48d2
320 f32.mul 0xdbafddbd 0x0fd44b2f -> 0xac11d747
321 f32.mul 0xc7fdbf89 0x041d380d -> 0x8c9bd606
322 f64.mul 0xa0f5b0266454c26b 0xdb0af5787e3e0399 -> 0x3c12457d81949e0b
323 f64.mul 0x5dd0d54a82393d45 0x903425760807ceae -> 0xae1532068c8d0d5d
324 f64.mul 0xcabb532af9817860 0x566ada95085ba36f -> 0xe136ee38c1e01864
325 f64.mul 0x6ffe132f4d49d1ce 0xd75a75afe9a7d864 -> 0xfff0000000000000
326 f64.mul 0x45068bbf1cfff90a 0x44509cd17d652c50 -> 0x496768b8d67d7940
329 f64.mul 0x2aaf99fb602c89b7 0x1c06caab46a31a2e -> 0x06c68201f986e9d7
330 f64.mul 0xbf686999c5eee379 0x6d26e3b9e0d53e0d -> 0xeca17654a0ef35f5
331 f64.mul 0xd6e069571b176f90 0x973e248b6ab0a0e3 -> 0x2e2eeaff575cae1d
332 f64.mul 0x706c217645777dd2 0x43bd93f5715dd646 -> 0x743a0064aa1d920d
333 f64.mul 0xaeb848981b6e694a 0x77ff5aacb64a0d19 -> 0xe6c7cb2296e6c2e5
336 f64.mul 0x1a8db3bd2a286944 0x256ce910af1d55ca -> 0x000d6accdd538a39
337 f64.mul 0xbc6aca2239160120 0x8392b2b4958dd228 -> 0x000fa74eccae5615
338 f64.mul 0xa17bd062def16cff 0x9e77ddd91a0c4c0e -> 0x000a5f4d7769d90d
339 f64.mul 0x8fbc6a56169e9ce0 0x300517d55a474122 -> 0x80012baf260afb77
340 f64.mul 0x9fb08951b0b41705 0xa04102dc27168d09 -> 0x0008ca6dbf3f592b
343 f64.mul 0x7538d0dea50c8c9b 0x08e21cac31d87a24 -> 0x3e2c177311f7cd73
344 f64.mul 0x3f898049118e3063 0x36a6362525151b58 -> 0x3641b358514103f9
345 f64.mul 0xc00ea65cb0631323 0x3d6fce683201a19b -> 0xbd8e76dc8c223667
346 f64.mul 0x28ae4d235961d543 0x332bc56f20ef9a48 -> 0x1bea4c09efcb71d6
347 f64.mul 0xc4cb9612e66faba8 0x2a3e2bc6aa782273 -> 0xaf1a026ea4f81db1
350 f32.mul 0x1a000000 0x1a000000 -> 0x00000000
351 f32.mul 0x1a000001 0x1a000001 -> 0x00000001
352 f64.mul 0x1e56a09e667f3bcc 0x1e56a09e667f3bcc -> 0x0000000000000000
353 f64.mul 0x1e56a09e667f3bcd 0x1e56a09e667f3bcd -> 0x0000000000000001
356 f32.mul 0x5f7fffff 0x5f7fffff -> 0x7f7ffffe
357 f32.mul 0x5f800000 0x5f800000 -> 0x7f800000
358 f64.mul 0x5fefffffffffffff 0x5fefffffffffffff -> 0x7feffffffffffffe
359 f64.mul 0x5ff0000000000000 0x5ff0000000000000 -> 0x7ff0000000000000
362 f32.mul 0x3f800001 0x3f800001 -> 0x3f800002
363 f32.mul 0x3f7fffff 0x3f7fffff -> 0x3f7ffffe
364 f64.mul 0x3ff0000000000001 0x3ff0000000000001 -> 0x3ff0000000000002
365 f64.mul 0x3fefffffffffffff 0x3fefffffffffffff -> 0x3feffffffffffffe
368 f32.mul 0x3f800001 0x3f7fffff -> 0x3f800000
369 f32.mul 0x3f800002 0x3f7ffffe -> 0x3f800001
370 f64.mul 0x3ff0000000000001 0x3fefffffffffffff -> 0x3ff0000000000000
371 f64.mul 0x3ff0000000000002 0x3feffffffffffffe -> 0x3ff0000000000001
375 f32.mul 0x00800000 0x34000000 -> 0x00000001
376 f64.mul 0x0010000000000000 0x3cb0000000000000 -> 0x0000000000000001
379 f32.mul 0xc1800300 0x00034000 -> 0x80340138
382 f32.div 0x3f8fcd6f 0x42c80000 -> 0x3c381132
383 f32.div 0x4b000bf3 0x4b3ffff9 -> 0x3f2abaa0
384 f32.div 0x47800000 0x2d000000 -> 0x5a000000
385 f32.div 0x3fee5fb5 0x7f7fffff -> 0x003b97ed
386 f32.div 0x40800000 0x40400000 -> 0x3faaaaab
387 f64.div 0x3ff1f9add3739636 0x4059000000000000 -> 0x3f8702262d60c045
388 f64.div 0x4160017e60000000 0x4167ffff20000000 -> 0x3fe55753f1d9ba27
389 f64.div 0x40f0000000000000 0x3da0000000000000 -> 0x4340000000000000
390 f64.div 0x3ffdcbf6a0000000 0x7fefffffffffffff -> 0x000772fda8000000
391 f64.div 0x4010000000000000 0x4008000000000000 -> 0x3ff5555555555555
395 f32.div 0x4a800bf6 0x4a3ffffc -> 0x3faabaa1
396 f64.div 0x4150017ec0000000 0x4147ffff80000000 -> 0x3ff557541c7c6b43
399 f32.div 0x27b5362d 0x7f7d05b8 -> 0x00000000
400 f32.div 0x1430b7d9 0x619990b9 -> 0x00000000
401 f32.div 0xc7cb73bc 0x17f5862b -> 0xef542205
402 f32.div 0x99f13120 0x82f691b7 -> 0x567a6ac2
403 f32.div 0xd4711ba7 0x17b8fe6e -> 0xfc26d383
404 f64.div 0x492163c09d0c38c1 0x4dee04cc737348e6 -> 0x3b2289921caeed23
405 f64.div 0x18dd6867e741e0a9 0x033335eb19a9aae4 -> 0x55987e342d11f519
406 f64.div 0xd29d5edf648aeb98 0x67f0dda15b079355 -> 0xaa9bdceaf9734b5c
407 f64.div 0xeb2b683e3934aeda 0x4f5c364e1df00dff -> 0xdbbf16456e7afe3b
408 f64.div 0xe1b44ca7539cc851 0x5c458501bccc58fe -> 0xc55e2f8657e0924e
411 f32.div 0xe26162a5 0x948068a1 -> 0x7f800000
412 f32.div 0x28f1ad5f 0x55e34ef8 -> 0x1288175a
413 f32.div 0x3fa2ff95 0xec0f43aa -> 0x9311a1a7
414 f32.div 0x2646d8c5 0x0028f8cf -> 0x661b4dcb
415 f32.div 0x6cbc2cc8 0x6b29a0a2 -> 0x410dfeee
416 f64.div 0x000f331c4f47eb51 0xd69c7ff45bf6f03a -> 0x8000000000000000
417 f64.div 0x8240fc8707b9d19c 0x1e777524d5f4a563 -> 0xa3b72c1a937d2310
418 f64.div 0xa6cedb3aa64bb338 0xc2c1c7c164320e40 -> 0x23fbc44cc1c5ae63
419 f64.div 0xc4f6534b34e8686b 0x0e8c34a7fc59e3c3 -> 0xf6595421bf291b66
420 f64.div 0xceb91f58d7ed1237 0xc36f190d808383c8 -> 0x4b39d9eb0836f906
423 f32.div 0x4cb25952 0x0474aba9 -> 0x7f800000
424 f32.div 0xe629e4db 0x4d6b44d0 -> 0xd838dd52
425 f32.div 0x52b32545 0xefacedd1 -> 0xa28499fa
426 f32.div 0xf74cf07d 0xc4615ad4 -> 0x7268cef3
427 f32.div 0xedad40ad 0xc65ac105 -> 0x66cac05c
428 f64.div 0x97081fd1e2af7beb 0x14cedefc4eae536c -> 0xc22901abdd91b661
429 f64.div 0xf0d47cf932953c43 0x9d6bc40496b1f2a1 -> 0x7ff0000000000000
430 f64.div 0x9152bd2e8fbdcad7 0x3beb115674cc476e -> 0x95562752bf19fa81
431 f64.div 0xd3cf923e3fea9efe 0x9b38044c74d27a39 -> 0x7885086518cc7186
432 f64.div 0x4b4516ed2051d6bb 0xcd5c9f455eb9c2ee -> 0xbdd79414d67f2889
435 f64.div 0xe489c52726aed366 0xcc27d0568c75660f -> 0x5851507ca2a65f23
436 f64.div 0xe21522672f461667 0xd4936d36572c9f71 -> 0x4d71681369370619
437 f64.div 0x4b801051b4e8cd61 0xfc42cbb5ca3d33eb -> 0x8f2b59471598a2f3
438 f64.div 0x4d85f93bb80fc2cb 0x5aa7e051aae9f0ed -> 0x32cd732fa926ba4f
439 f64.div 0xf38e251d762163cc 0x55c3ee63581e1796 -> 0xddb8330077d90a07
442 f64.div 0x3ffdcbf69f10006d 0x7fefffffffffffff -> 0x000772fda7c4001b
443 f64.div 0x00ce14169442fbca 0x40b505451d62ff7d -> 0x000b727e85f38b39
444 f64.div 0xb6fd3ebe726ec964 0xf6f4a7bfc0b83608 -> 0x0005a9d8c50cbf87
445 f64.div 0xa766c3def770aee1 0xe768b84724347598 -> 0x0003af0707fcd0c7
446 f64.div 0x0a716abda1bb3cb3 0x4a56c9c7198eb1e6 -> 0x000c3a8fd6741649
447 f64.div 0x0127057d6ab553ca 0xc162abf1e98660eb -> 0x80004ee8d8ec01cd
450 f32.div 0x6c56d4d5 0x54b4c426 -> 0x57181f17
451 f32.div 0x6cc140e4 0xf4b1441e -> 0xb78b8b4e
452 f32.div 0x682e35f1 0x3f680eff -> 0x68402f19
453 f32.div 0xc95de929 0xd07dd4a8 -> 0x385fceab
454 f32.div 0xaa87a0eb 0xdb9f96df -> 0x0e59906c
455 f64.div 0x43cb2348a1c81899 0x8a24a58aad903dd3 -> 0xf99507c1e2a41b35
456 f64.div 0x37d23fa5137a918a 0x9f67268db1951263 -> 0xd8593965e0d896be
457 f64.div 0x69cdcb3915d82dee 0x67d50caaa1dc6b19 -> 0x41e6a58ec814b09d
458 f64.div 0xcb5046e378c0cc46 0x704ac925009a922b -> 0x9af3720aa94dab18
459 f64.div 0x8988945fd69d8e11 0x9790a37870af809a -> 0x31e7a2e286c62382
462 f64.div 0x3c682002af0ea1f3 0x3ffd0a9b0c2fa339 -> 0x3c5a952fbd1fc17c
463 f64.div 0x3991e12b515db471 0xbd541fc3c94fba50 -> 0xbc2c6e50cccb7cb6
464 f64.div 0x3d6aba5adcd6f583 0x38f17dfac639ce0f -> 0x446872b0a008c326
465 f64.div 0x458cf82510d0ae6b 0x4600207d86498053 -> 0x3f7cbdc804e2cf14
466 f64.div 0x3f44c82cbb508e21 0xc336b57208c2d5d5 -> 0xbbfd48e8b369129a
469 f32.div 0x00800000 0x007fffff -> 0x3f800001
470 f32.div 0x007fffff 0x00800000 -> 0x3f7ffffe
471 f64.div 0x0010000000000000 0x000fffffffffffff -> 0x3ff0000000000001
472 f64.div 0x000fffffffffffff 0x0010000000000000 -> 0x3feffffffffffffe
475 f32.div 0x347fffff 0x7f7fffff -> 0x00000000
476 f32.div 0x34800000 0x7f7fffff -> 0x00000001
477 f64.div 0x3cbfffffffffffff 0x7fefffffffffffff -> 0x0000000000000000
478 f64.div 0x3cc0000000000000 0x7fefffffffffffff -> 0x0000000000000001
481 f32.div 0x3f800000 0x00200000 -> 0x7f800000
482 f32.div 0x3f800000 0x00200001 -> 0x7f7ffff8
483 f64.div 0x3ff0000000000000 0x0004000000000000 -> 0x7ff0000000000000
484 f64.div 0x3ff0000000000000 0x0004000000000001 -> 0x7feffffffffffff8
487 f32.div 0x3f800000 0x7e800001 -> 0x007fffff
488 f32.div 0x3f800000 0x7e800000 -> 0x00800000
489 f64.div 0x3ff0000000000000 0x7fd0000000000001 -> 0x000fffffffffffff
490 f64.div 0x3ff0000000000000 0x7fd0000000000000 -> 0x0010000000000000
500 f32.div 0x3f800000 0x40400000 -> 0x3eaaaaab
501 f32.div 0x40400000 0x41100000 -> 0x3eaaaaab
502 f32.div 0x41100000 0x41d80000 -> 0x3eaaaaab
503 f64.div 0x3ff0000000000000 0x4008000000000000 -> 0x3fd5555555555555
504 f64.div 0x4008000000000000 0x4022000000000000 -> 0x3fd5555555555555
505 f64.div 0x4022000000000000 0x403b000000000000 -> 0x3fd5555555555555
508 f32.div 0x3f800001 0x3f7fffff -> 0x3f800002
509 f32.div 0x3f7fffff 0x3f800001 -> 0x3f7ffffd
510 f32.div 0x3f800000 0x3f7fffff -> 0x3f800001
511 f32.div 0x3f800000 0x3f800001 -> 0x3f7ffffe
512 f64.div 0x3ff0000000000001 0x3fefffffffffffff -> 0x3ff0000000000002
513 f64.div 0x3fefffffffffffff 0x3ff0000000000001 -> 0x3feffffffffffffd
514 f64.div 0x3ff0000000000000 0x3fefffffffffffff -> 0x3ff0000000000001
515 f64.div 0x3ff0000000000000 0x3ff0000000000001 -> 0x3feffffffffffffe
519 f32.sqrt 0x432b0000 -> 0x41513a26
520 f32.sqrt 0x342ca6fe -> 0x39d23c4e
521 f64.sqrt 0x4065600000000000 -> 0x402a2744ce9674f5
522 f64.sqrt 0x3e8594dfc70aa105 -> 0x3f3a4789c0e37f99
525 f64.sqrt 0x35b0263fcc94f259 -> 0x3ad0131485de579f
526 f64.sqrt 0x551352dfa278c43d -> 0x4a8195607dac5417
527 f64.sqrt 0x591b15daa23924fa -> 0x4c84d143db561493
528 f64.sqrt 0x3da518c8e68cb753 -> 0x3ec9fb8ef1ad5bfd
529 f64.sqrt 0x28d86d8b6518078e -> 0x3463c5142a48fcad
533 f64.sqrt 0x3fefffffffffffff -> 0x3fefffffffffffff
536 f32.sqrt 0x3e04c032 -> 0x3eb85918
537 f32.sqrt 0x71ecdf78 -> 0x58ae2029
538 f32.sqrt 0x3da15adb -> 0x3e8fb687
539 f32.sqrt 0x1c1b4268 -> 0x2dc75d71
540 f32.sqrt 0x3a6c5e27 -> 0x3cf5fcf5
541 f64.sqrt 0x0635c39f220d5704 -> 0x2312a92bc24ceae9
542 f64.sqrt 0x6d653521a635745c -> 0x56aa0cfdc4ef8ff1
543 f64.sqrt 0x580dfd5bbc9f4678 -> 0x4bfefa817117c94c
544 f64.sqrt 0x46833f9640811cd4 -> 0x4338d17c9243baa3
545 f64.sqrt 0x7e66c0ef0267ff45 -> 0x5f2afbcfae3f2b40
548 f32.sqrt 0x4d135317 -> 0x46423428
549 f32.sqrt 0x070b3001 -> 0x233cc3b1
550 f32.sqrt 0x381efda8 -> 0x3bc9bf1c
551 f32.sqrt 0x03987596 -> 0x218bb203
552 f32.sqrt 0x0265b82e -> 0x20f28105
553 f64.sqrt 0x6b6edae8aea05430 -> 0x55af6c1ea4fc8dd2
554 f64.sqrt 0x104f7ee4bda5c9c3 -> 0x281fbf30bdaf11c5
555 f64.sqrt 0x3e1a48f348266ad1 -> 0x3f0481ee7540baf7
556 f64.sqrt 0x30dfeb5a1ce3ed9c -> 0x3866995060c20d46
557 f64.sqrt 0x7a1957d9796e3834 -> 0x5d042305213157ba
560 f32.sqrt 0x7ab2bc3e -> 0x5d174152
561 f32.sqrt 0x4739b022 -> 0x435a0720
562 f32.sqrt 0x3f500768 -> 0x3f66c576
563 f32.sqrt 0x143d2640 -> 0x29dc0cf2
564 f32.sqrt 0x10ae926a -> 0x28157baf
565 f64.sqrt 0x6e1a008948ead274 -> 0x5704659b37c39b19
566 f64.sqrt 0x28270f6199ed21f5 -> 0x340b2a2bddf3300d
567 f64.sqrt 0x7c435c1d49f2a352 -> 0x5e18e3d9f01a9716
568 f64.sqrt 0x3d23fbdcfb2b2a15 -> 0x3e8949ba4feca42a
569 f64.sqrt 0x213c201b94757145 -> 0x3095369ee6bf2967
572 f64.sqrt 0x83c360e8d0032ad0 -> nan:canonical
573 f64.sqrt 0x466d9a6f5eef0503 -> 0x432ec73f56c166f6
574 f64.sqrt 0x107aa051a5c4ec27 -> 0x2834a3e771ff5149
575 f64.sqrt 0x2ebe5522a741babe -> 0x375607ae2b6feb7d
576 f64.sqrt 0x6364832badc0c061 -> 0x51a99ec7934139b2
579 f32.sqrt 0x3f800001 -> 0x3f800000
580 f32.sqrt 0x3f800002 -> 0x3f800001
581 f64.sqrt 0x3ff0000000000001 -> 0x3ff0000000000000
582 f64.sqrt 0x3ff0000000000002 -> 0x3ff0000000000001
585 f32.sqrt 0x3f7ffffe -> 0x3f7fffff
586 f32.sqrt 0x3f7ffffd -> 0x3f7ffffe
587 f64.sqrt 0x3feffffffffffffe -> 0x3fefffffffffffff
588 f64.sqrt 0x3feffffffffffffd -> 0x3feffffffffffffe
591 f32.sqrt 0x3e7fffff -> 0x3effffff
592 f32.sqrt 0x3e800000 -> 0x3f000000
593 f32.sqrt 0x3e800001 -> 0x3f000000
594 f32.sqrt 0x3e800002 -> 0x3f000001
595 f64.sqrt 0x3fcfffffffffffff -> 0x3fdfffffffffffff
596 f64.sqrt 0x3fd0000000000000 -> 0x3fe0000000000000
597 f64.sqrt 0x3fd0000000000001 -> 0x3fe0000000000000
598 f64.sqrt 0x3fd0000000000002 -> 0x3fe0000000000001
602 f32.sqrt 0x527da0ea -> 0x48fecfc0
603 f64.sqrt 0x424fb41d442eeb1b -> 0x411fd9f808a0b68d
607 f32.sqrt 0x501e30d9 -> 0x47c93d00
608 f32.sqrt 0x592b5ea7 -> 0x4c517406
609 f32.sqrt 0x55b2f816 -> 0x4a975aa2
610 f32.sqrt 0x4e932c06 -> 0x4709406b
611 f64.sqrt 0x4203c61b11200000 -> 0x40f927a000000000
612 f64.sqrt 0x43256bd4e65c8548 -> 0x418a2e80d0000000
613 f64.sqrt 0x42b65f02cc93a100 -> 0x4152eb5440000000
614 f64.sqrt 0x41d26580b4c00000 -> 0x40e1280d62b818cf
618 f32.sqrt 0x3f040bfe -> 0x3f37dbcf
619 f32.sqrt 0x3f00bdcc -> 0x3f358af7
620 f64.sqrt 0x3fe0817fc0000000 -> 0x3fe6fb79d0dfaffa
621 f64.sqrt 0x3fe017b980000000 -> 0x3fe6b15ed0071b95
625 f32.sqrt 0x41100000 -> 0x40400000
626 f32.sqrt 0x43090000 -> 0x413b4673
627 f32.sqrt 0x3fe30aef -> 0x3faa7968
628 f32.sqrt 0x447a0000 -> 0x41fcfb72
629 f64.sqrt 0x4022000000000000 -> 0x4008000000000000
630 f64.sqrt 0x4061200000000000 -> 0x402768ce6d3c11e0
631 f64.sqrt 0x3ffc615df07a57d3 -> 0x3ff54f2d015acf09
632 f64.sqrt 0x408f400000000000 -> 0x403f9f6e4990f227
636 f32.abs 0x7f80f1e2 -> 0x7f80f1e2
637 f32.abs 0xff80f1e2 -> 0x7f80f1e2
638 f64.abs 0x7ff00000f1e27a6b -> 0x7ff00000f1e27a6b
639 f64.abs 0xfff00000f1e27a6b -> 0x7ff00000f1e27a6b
641 f32.neg 0x7f80f1e2 -> 0xff80f1e2
642 f32.neg 0xff80f1e2 -> 0x7f80f1e2
643 f64.neg 0x7ff00000f1e27a6b -> 0xfff00000f1e27a6b
644 f64.neg 0xfff00000f1e27a6b -> 0x7ff00000f1e27a6b
646 f32.copysign 0x7f80f1e2 0x7fc00000 -> 0x7f80f1e2
647 f32.copysign 0x7f80f1e2 0xffc00000 -> 0xff80f1e2
648 f32.copysign 0xff80f1e2 0x7fc00000 -> 0x7f80f1e2
649 f32.copysign 0xff80f1e2 0xffc00000 -> 0xff80f1e2
650 f64.copysign 0x7ff00000f1e27a6b 0x7ff8000000000000 -> 0x7ff00000f1e27a6b
651 f64.copysign 0x7ff00000f1e27a6b 0xfff8000000000000 -> 0xfff00000f1e27a6b
652 f64.copysign 0xfff00000f1e27a6b 0x7ff8000000000000 -> 0x7ff00000f1e27a6b
653 f64.copysign 0xfff00000f1e27a6b 0xfff8000000000000 -> 0xfff00000f1e27a6b
656 f32.ceil 0x3f7fffff -> 0x3f800000
657 f32.ceil 0x3f800001 -> 0x40000000
658 f64.ceil 0x3fefffffffffffff -> 0x3ff0000000000000
659 f64.ceil 0x3ff0000000000001 -> 0x4000000000000000
662 f32.ceil 0x4affffff -> 0x4b000000
663 f32.ceil 0xcaffffff -> 0xcafffffe
664 f64.ceil 0x432fffffffffffff -> 0x4330000000000000
665 f64.ceil 0xc32fffffffffffff -> 0xc32ffffffffffffe
669 f32.ceil 0x4b7fffff -> 0x4b7fffff
670 f32.ceil 0xcb7fffff -> 0xcb7fffff
671 f64.ceil 0x433fffffffffffff -> 0x433fffffffffffff
672 f64.ceil 0xc33fffffffffffff -> 0xc33fffffffffffff
675 f32.floor 0xbf7fffff -> 0xbf800000
676 f32.floor 0xbf800001 -> 0xc0000000
677 f64.floor 0xbfefffffffffffff -> 0xbff0000000000000
678 f64.floor 0xbff0000000000001 -> 0xc000000000000000
681 f32.floor 0xcaffffff -> 0xcb000000
682 f32.floor 0x4affffff -> 0x4afffffe
683 f64.floor 0xc32fffffffffffff -> 0xc330000000000000
684 f64.floor 0x432fffffffffffff -> 0x432ffffffffffffe
688 f32.floor 0x47ad0f80 -> 0x47ad0f80
689 f64.floor 0x40f5a1f000000000 -> 0x40f5a1f000000000
692 f32.trunc 0xcaffffff -> 0xcafffffe
693 f32.trunc 0x4affffff -> 0x4afffffe
694 f64.trunc 0xc32fffffffffffff -> 0xc32ffffffffffffe
695 f64.trunc 0x432fffffffffffff -> 0x432ffffffffffffe
700 f32.nearest 0x4b000001 -> 0x4b000001
701 f32.nearest 0x4b000002 -> 0x4b000002
702 f32.nearest 0x3effffff -> 0x00000000
703 f32.nearest 0x577fffff -> 0x577fffff
704 f64.nearest 0x4330000000000001 -> 0x4330000000000001
705 f64.nearest 0x4330000000000002 -> 0x4330000000000002
706 f64.nearest 0x3fdfffffffffffff -> 0x0000000000000000
707 f64.nearest 0x468fffffffffffff -> 0x468fffffffffffff
711 f32.nearest 0x40900000 -> 0x40800000
712 f32.nearest 0xc0900000 -> 0xc0800000
713 f32.nearest 0xc0600000 -> 0xc0800000
714 f64.nearest 0x4012000000000000 -> 0x4010000000000000
715 f64.nearest 0xc012000000000000 -> 0xc010000000000000
716 f64.nearest 0xc00c000000000000 -> 0xc010000000000000
719 f32.nearest 0xcaffffff -> 0xcb000000
720 f32.nearest 0x4affffff -> 0x4b000000
721 f64.nearest 0xc32fffffffffffff -> 0xc330000000000000
722 f64.nearest 0x432fffffffffffff -> 0x4330000000000000
"""

F32_WAST = """
1219 f32.div 0x80000000 0x80000000 -> nan:canonical
1220 f32.div 0x80000000 0x00000000 -> nan:canonical
1221 f32.div 0x00000000 0x80000000 -> nan:canonical
1222 f32.div 0x00000000 0x00000000 -> nan:canonical
1247 f32.div 0x80000000 0xff800000 -> 0x00000000
1248 f32.div 0x80000000 0x7f800000 -> 0x80000000
1249 f32.div 0x00000000 0xff800000 -> 0x80000000
1250 f32.div 0x00000000 0x7f800000 -> 0x00000000
1251 f32.div 0x80000000 0xffc00000 -> nan:canonical
1252 f32.div 0x80000000 0xffa00000 -> nan:arithmetic
1253 f32.div 0x80000000 0x7fc00000 -> nan:canonical
1254 f32.div 0x80000000 0x7fa00000 -> nan:arithmetic
1255 f32.div 0x00000000 0xffc00000 -> nan:canonical
1256 f32.div 0x00000000 0xffa00000 -> nan:arithmetic
1257 f32.div 0x00000000 0x7fc00000 -> nan:canonical
1258 f32.div 0x00000000 0x7fa00000 -> nan:arithmetic
1499 f32.div 0xff800000 0x80000000 -> 0x7f800000
1500 f32.div 0xff800000 0x00000000 -> 0xff800000
1501 f32.div 0x7f800000 0x80000000 -> 0xff800000
1502 f32.div 0x7f800000 0x00000000 -> 0x7f800000
1527 f32.div 0xff800000 0xff800000 -> nan:canonical
1528 f32.div 0xff800000 0x7f800000 -> nan:canonical
1529 f32.div 0x7f800000 0xff800000 -> nan:canonical
1530 f32.div 0x7f800000 0x7f800000 -> nan:canonical
1531 f32.div 0xff800000 0xffc00000 -> nan:canonical
1532 f32.div 0xff800000 0xffa00000 -> nan:arithmetic
1533 f32.div 0xff800000 0x7fc00000 -> nan:canonical
1534 f32.div 0xff800000 0x7fa00000 -> nan:arithmetic
1535 f32.div 0x7f800000 0xffc00000 -> nan:canonical
1536 f32.div 0x7f800000 0xffa00000 -> nan:arithmetic
1537 f32.div 0x7f800000 0x7fc00000 -> nan:canonical
1538 f32.div 0x7f800000 0x7fa00000 -> nan:arithmetic
1539 f32.div 0xffc00000 0x80000000 -> nan:canonical
1540 f32.div 0xffa00000 0x80000000 -> nan:arithmetic
1541 f32.div 0xffc00000 0x00000000 -> nan:canonical
1542 f32.div 0xffa00000 0x00000000 -> nan:arithmetic
1543 f32.div 0x7fc00000 0x80000000 -> nan:canonical
1544 f32.div 0x7fa00000 0x80000000 -> nan:arithmetic
1545 f32.div 0x7fc00000 0x00000000 -> nan:canonical
1546 f32.div 0x7fa00000 0x00000000 -> nan:arithmetic
1595 f32.div 0xffc00000 0xff800000 -> nan:canonical
1596 f32.div 0xffa00000 0xff800000 -> nan:arithmetic
1597 f32.div 0xffc00000 0x7f800000 -> nan:canonical
1598 f32.div 0xffa00000 0x7f800000 -> nan:arithmetic
1599 f32.div 0x7fc00000 0xff800000 -> nan:canonical
1600 f32.div 0x7fa00000 0xff800000 -> nan:arithmetic
1601 f32.div 0x7fc00000 0x7f800000 -> nan:canonical
1602 f32.div 0x7fa00000 0x7f800000 -> nan:arithmetic
1603 f32.div 0xffc00000 0xffc00000 -> nan:canonical
1604 f32.div 0xffa00000 0xffc00000 -> nan:arithmetic
1605 f32.div 0xffc00000 0xffa00000 -> nan:arithmetic
1606 f32.div 0xffa00000 0xffa00000 -> nan:arithmetic
1607 f32.div 0xffc00000 0x7fc00000 -> nan:canonical
1608 f32.div 0xffa00000 0x7fc00000 -> nan:arithmetic
1609 f32.div 0xffc00000 0x7fa00000 -> nan:arithmetic
1610 f32.div 0xffa00000 0x7fa00000 -> nan:arithmetic
1611 f32.div 0x7fc00000 0xffc00000 -> nan:canonical
1612 f32.div 0x7fa00000 0xffc00000 -> nan:arithmetic
1613 f32.div 0x7fc00000 0xffa00000 -> nan:arithmetic
1614 f32.div 0x7fa00000 0xffa00000 -> nan:arithmetic
1615 f32.div 0x7fc00000 0x7fc00000 -> nan:canonical
1616 f32.div 0x7fa00000 0x7fc00000 -> nan:arithmetic
1617 f32.div 0x7fc00000 0x7fa00000 -> nan:arithmetic
1618 f32.div 0x7fa00000 0x7fa00000 -> nan:arithmetic
1619 f32.min 0x80000000 0x80000000 -> 0x80000000
1620 f32.min 0x80000000 0x00000000 -> 0x80000000
1621 f32.min 0x00000000 0x80000000 -> 0x80000000
1622 f32.min 0x00000000 0x00000000 -> 0x00000000
1647 f32.min 0x80000000 0xff800000 -> 0xff800000
1648 f32.min 0x80000000 0x7f800000 -> 0x80000000
1649 f32.min 0x00000000 0xff800000 -> 0xff800000
1650 f32.min 0x00000000 0x7f800000 -> 0x00000000
1651 f32.min 0x80000000 0xffc00000 -> nan:canonical
1652 f32.min 0x80000000 0xffa00000 -> nan:arithmetic
1653 f32.min 0x80000000 0x7fc00000 -> nan:canonical
1654 f32.min 0x80000000 0x7fa00000 -> nan:arithmetic
1655 f32.min 0x00000000 0xffc00000 -> nan:canonical
1656 f32.min 0x00000000 0xffa00000 -> nan:arithmetic
1657 f32.min 0x00000000 0x7fc00000 -> nan:canonical
1658 f32.min 0x00000000 0x7fa00000 -> nan:arithmetic
1899 f32.min 0xff800000 0x80000000 -> 0xff800000
1900 f32.min 0xff800000 0x00000000 -> 0xff800000
1901 f32.min 0x7f800000 0x80000000 -> 0x80000000
1902 f32.min 0x7f800000 0x00000000 -> 0x00000000
1927 f32.min 0xff800000 0xff800000 -> 0xff800000
1928 f32.min 0xff800000 0x7f800000 -> 0xff800000
1929 f32.min 0x7f800000 0xff800000 -> 0xff800000
1930 f32.min 0x7f800000 0x7f800000 -> 0x7f800000
1931 f32.min 0xff800000 0xffc00000 -> nan:canonical
1932 f32.min 0xff800000 0xffa00000 -> nan:arithmetic
1933 f32.min 0xff800000 0x7fc00000 -> nan:canonical
1934 f32.min 0xff800000 0x7fa00000 -> nan:arithmetic
1935 f32.min 0x7f800000 0xffc00000 -> nan:canonical
1936 f32.min 0x7f800000 0xffa00000 -> nan:arithmetic
1937 f32.min 0x7f800000 0x7fc00000 -> nan:canonical
1938 f32.min 0x7f800000 0x7fa00000 -> nan:arithmetic
1939 f32.min 0xffc00000 0x80000000 -> nan:canonical
1940 f32.min 0xffa00000 0x80000000 -> nan:arithmetic
1941 f32.min 0xffc00000 0x00000000 -> nan:canonical
1942 f32.min 0xffa00000 0x00000000 -> nan:arithmetic
1943 f32.min 0x7fc00000 0x80000000 -> nan:canonical
1944 f32.min 0x7fa00000 0x80000000 -> nan:arithmetic
1945 f32.min 0x7fc00000 0x00000000 -> nan:canonical
1946 f32.min 0x7fa00000 0x00000000 -> nan:arithmetic
1995 f32.min 0xffc00000 0xff800000 -> nan:canonical
1996 f32.min 0xffa00000 0xff800000 -> nan:arithmetic
1997 f32.min 0xffc00000 0x7f800000 -> nan:canonical
1998 f32.min 0xffa00000 0x7f800000 -> nan:arithmetic
1999 f32.min 0x7fc00000 0xff800000 -> nan:canonical
2000 f32.min 0x7fa00000 0xff800000 -> nan:arithmetic
2001 f32.min 0x7fc00000 0x7f800000 -> nan:canonical
2002 f32.min 0x7fa00000 0x7f800000 -> nan:arithmetic
2003 f32.min 0xffc00000 0xffc00000 -> nan:canonical
2004 f32.min 0xffa00000 0xffc00000 -> nan:arithmetic
2005 f32.min 0xffc00000 0xffa00000 -> nan:arithmetic
2006 f32.min 0xffa00000 0xffa00000 -> nan:arithmetic
2007 f32.min 0xffc00000 0x7fc00000 -> nan:canonical
2008 f32.min 0xffa00000 0x7fc00000 -> nan:arithmetic
2009 f32.min 0xffc00000 0x7fa00000 -> nan:arithmetic
2010 f32.min 0xffa00000 0x7fa00000 -> nan:arithmetic
2011 f32.min 0x7fc00000 0xffc00000 -> nan:canonical
2012 f32.min 0x7fa00000 0xffc00000 -> nan:arithmetic
2013 f32.min 0x7fc00000 0xffa00000 -> nan:arithmetic
2014 f32.min 0x7fa00000 0xffa00000 -> nan:arithmetic
2015 f32.min 0x7fc00000 0x7fc00000 -> nan:canonical
2016 f32.min 0x7fa00000 0x7fc00000 -> nan:arithmetic
2017 f32.min 0x7fc00000 0x7fa00000 -> nan:arithmetic
2018 f32.min 0x7fa00000 0x7fa00000 -> nan:arithmetic
2019 f32.max 0x80000000 0x80000000 -> 0x80000000
2020 f32.max 0x80000000 0x00000000 -> 0x00000000
2021 f32.max 0x00000000 0x80000000 -> 0x00000000
2022 f32.max 0x00000000 0x00000000 -> 0x00000000
2047 f32.max 0x80000000 0xff800000 -> 0x80000000
2048 f32.max 0x80000000 0x7f800000 -> 0x7f800000
2049 f32.max 0x00000000 0xff800000 -> 0x00000000
2050 f32.max 0x00000000 0x7f800000 -> 0x7f800000
2051 f32.max 0x80000000 0xffc00000 -> nan:canonical
2052 f32.max 0x80000000 0xffa00000 -> nan:arithmetic
2053 f32.max 0x80000000 0x7fc00000 -> nan:canonical
2054 f32.max 0x80000000 0x7fa00000 -> nan:arithmetic
2055 f32.max 0x00000000 0xffc00000 -> nan:canonical
2056 f32.max 0x00000000 0xffa00000 -> nan:arithmetic
2057 f32.max 0x00000000 0x7fc00000 -> nan:canonical
2058 f32.max 0x00000000 0x7fa00000 -> nan:arithmetic
2299 f32.max 0xff800000 0x80000000 -> 0x80000000
2300 f32.max 0xff800000 0x00000000 -> 0x00000000
2301 f32.max 0x7f800000 0x80000000 -> 0x7f800000
2302 f32.max 0x7f800000 0x00000000 -> 0x7f800000
2327 f32.max 0xff800000 0xff800000 -> 0xff800000
2328 f32.max 0xff800000 0x7f800000 -> 0x7f800000
2329 f32.max 0x7f800000 0xff800000 -> 0x7f800000
2330 f32.max 0x7f800000 0x7f800000 -> 0x7f800000
2331 f32.max 0xff800000 0xffc00000 -> nan:canonical
2332 f32.max 0xff800000 0xffa00000 -> nan:arithmetic
2333 f32.max 0xff800000 0x7fc00000 -> nan:canonical
2334 f32.max 0xff800000 0x7fa00000 -> nan:arithmetic
2335 f32.max 0x7f800000 0xffc00000 -> nan:canonical
2336 f32.max 0x7f800000 0xffa00000 -> nan:arithmetic
2337 f32.max 0x7f800000 0x7fc00000 -> nan:canonical
2338 f32.max 0x7f800000 0x7fa00000 -> nan:arithmetic
2339 f32.max 0xffc00000 0x80000000 -> nan:canonical
2340 f32.max 0xffa00000 0x80000000 -> nan:arithmetic
2341 f32.max 0xffc00000 0x00000000 -> nan:canonical
2342 f32.max 0xffa00000 0x00000000 -> nan:arithmetic
2343 f32.max 0x7fc00000 0x80000000 -> nan:canonical
2344 f32.max 0x7fa00000 0x80000000 -> nan:arithmetic
2345 f32.max 0x7fc00000 0x00000000 -> nan:canonical
2346 f32.max 0x7fa00000 0x00000000 -> nan:arithmetic
2395 f32.max 0xffc00000 0xff800000 -> nan:canonical
2396 f32.max 0xffa00000 0xff800000 -> nan:arithmetic
2397 f32.max 0xffc00000 0x7f800000 -> nan:canonical
2398 f32.max 0xffa00000 0x7f800000 -> nan:arithmetic
2399 f32.max 0x7fc00000 0xff800000 -> nan:canonical
2400 f32.max 0x7fa00000 0xff800000 -> nan:arithmetic
2401 f32.max 0x7fc00000 0x7f800000 -> nan:canonical
2402 f32.max 0x7fa00000 0x7f800000 -> nan:arithmetic
2403 f32.max 0xffc00000 0xffc00000 -> nan:canonical
2404 f32.max 0xffa00000 0xffc00000 -> nan:arithmetic
2405 f32.max 0xffc00000 0xffa00000 -> nan:arithmetic
2406 f32.max 0xffa00000 0xffa00000 -> nan:arithmetic
2407 f32.max 0xffc00000 0x7fc00000 -> nan:canonical
2408 f32.max 0xffa00000 0x7fc00000 -> nan:arithmetic
2409 f32.max 0xffc00000 0x7fa00000 -> nan:arithmetic
2410 f32.max 0xffa00000 0x7fa00000 -> nan:arithmetic
2411 f32.max 0x7fc00000 0xffc00000 -> nan:canonical
2412 f32.max 0x7fa00000 0xffc00000 -> nan:arithmetic
2413 f32.max 0x7fc00000 0xffa00000 -> nan:arithmetic
2414 f32.max 0x7fa00000 0xffa00000 -> nan:arithmetic
2415 f32.max 0x7fc00000 0x7fc00000 -> nan:canonical
2416 f32.max 0x7fa00000 0x7fc00000 -> nan:arithmetic
2417 f32.max 0x7fc00000 0x7fa00000 -> nan:arithmetic
2418 f32.max 0x7fa00000 0x7fa00000 -> nan:arithmetic
2419 f32.sqrt 0x80000000 -> 0x80000000
2420 f32.sqrt 0x00000000 -> 0x00000000
2433 f32.sqrt 0xff800000 -> nan:canonical
2434 f32.sqrt 0x7f800000 -> 0x7f800000
2435 f32.sqrt 0xffc00000 -> nan:canonical
2436 f32.sqrt 0xffa00000 -> nan:arithmetic
2437 f32.sqrt 0x7fc00000 -> nan:canonical
2438 f32.sqrt 0x7fa00000 -> nan:arithmetic
2439 f32.floor 0x80000000 -> 0x80000000
2440 f32.floor 0x00000000 -> 0x00000000
2453 f32.floor 0xff800000 -> 0xff800000
2454 f32.floor 0x7f800000 -> 0x7f800000
2455 f32.floor 0xffc00000 -> nan:canonical
2456 f32.floor 0xffa00000 -> nan:arithmetic
2457 f32.floor 0x7fc00000 -> nan:canonical
2458 f32.floor 0x7fa00000 -> nan:arithmetic
2459 f32.ceil 0x80000000 -> 0x80000000
2460 f32.ceil 0x00000000 -> 0x00000000
2473 f32.ceil 0xff800000 -> 0xff800000
2474 f32.ceil 0x7f800000 -> 0x7f800000
2475 f32.ceil 0xffc00000 -> nan:canonical
2476 f32.ceil 0xffa00000 -> nan:arithmetic
2477 f32.ceil 0x7fc00000 -> nan:canonical
2478 f32.ceil 0x7fa00000 -> nan:arithmetic
2479 f32.trunc 0x80000000 -> 0x80000000
2480 f32.trunc 0x00000000 -> 0x00000000
2493 f32.trunc 0xff800000 -> 0xff800000
2494 f32.trunc 0x7f800000 -> 0x7f800000
2495 f32.trunc 0xffc00000 -> nan:canonical
2496 f32.trunc 0xffa00000 -> nan:arithmetic
2497 f32.trunc 0x7fc00000 -> nan:canonical
2498 f32.trunc 0x7fa00000 -> nan:arithmetic
2499 f32.nearest 0x80000000 -> 0x80000000
2500 f32.nearest 0x00000000 -> 0x00000000
2513 f32.nearest 0xff800000 -> 0xff800000
2514 f32.nearest 0x7f800000 -> 0x7f800000
2515 f32.nearest 0xffc00000 -> nan:canonical
2516 f32.nearest 0xffa00000 -> nan:arithmetic
2517 f32.nearest 0x7fc00000 -> nan:canonical
2518 f32.nearest 0x7fa00000 -> nan:arithmetic
"""

F64_WAST = """
1219 f64.div 0x8000000000000000 0x8000000000000000 -> nan:canonical
1220 f64.div 0x8000000000000000 0x0000000000000000 -> nan:canonical
1221 f64.div 0x0000000000000000 0x8000000000000000 -> nan:canonical
1222 f64.div 0x0000000000000000 0x0000000000000000 -> nan:canonical
1247 f64.div 0x8000000000000000 0xfff0000000000000 -> 0x0000000000000000
1248 f64.div 0x8000000000000000 0x7ff0000000000000 -> 0x8000000000000000
1249 f64.div 0x0000000000000000 0xfff0000000000000 -> 0x8000000000000000
1250 f64.div 0x0000000000000000 0x7ff0000000000000 -> 0x0000000000000000
1251 f64.div 0x8000000000000000 0xfff8000000000000 -> nan:canonical
1252 f64.div 0x8000000000000000 0xfff4000000000000 -> nan:arithmetic
1253 f64.div 0x8000000000000000 0x7ff8000000000000 -> nan:canonical
1254 f64.div 0x8000000000000000 0x7ff4000000000000 -> nan:arithmetic
1255 f64.div 0x0000000000000000 0xfff8000000000000 -> nan:canonical
1256 f64.div 0x0000000000000000 0xfff4000000000000 -> nan:arithmetic
1257 f64.div 0x0000000000000000 0x7ff8000000000000 -> nan:canonical
1258 f64.div 0x0000000000000000 0x7ff4000000000000 -> nan:arithmetic
1499 f64.div 0xfff0000000000000 0x8000000000000000 -> 0x7ff0000000000000
1500 f64.div 0xfff0000000000000 0x0000000000000000 -> 0xfff0000000000000
1501 f64.div 0x7ff0000000000000 0x8000000000000000 -> 0xfff0000000000000
1502 f64.div 0x7ff0000000000000 0x0000000000000000 -> 0x7ff0000000000000
1527 f64.div 0xfff0000000000000 0xfff0000000000000 -> nan:canonical
1528 f64.div 0xfff0000000000000 0x7ff0000000000000 -> nan:canonical
1529 f64.div 0x7ff0000000000000 0xfff0000000000000 -> nan:canonical
1530 f64.div 0x7ff0000000000000 0x7ff0000000000000 -> nan:canonical
1531 f64.div 0xfff0000000000000 0xfff8000000000000 -> nan:canonical
1532 f64.div 0xfff0000000000000 0xfff4000000000000 -> nan:arithmetic
1533 f64.div 0xfff0000000000000 0x7ff8000000000000 -> nan:canonical
1534 f64.div 0xfff0000000000000 0x7ff4000000000000 -> nan:arithmetic
1535 f64.div 0x7ff0000000000000 0xfff8000000000000 -> nan:canonical
1536 f64.div 0x7ff0000000000000 0xfff4000000000000 -> nan:arithmetic
1537 f64.div 0x7ff0000000000000 0x7ff8000000000000 -> nan:canonical
1538 f64.div 0x7ff0000000000000 0x7ff4000000000000 -> nan:arithmetic
1539 f64.div 0xfff8000000000000 0x8000000000000000 -> nan:canonical
1540 f64.div 0xfff4000000000000 0x8000000000000000 -> nan:arithmetic
1541 f64.div 0xfff8000000000000 0x0000000000000000 -> nan:canonical
1542 f64.div 0xfff4000000000000 0x0000000000000000 -> nan:arithmetic
1543 f64.div 0x7ff8000000000000 0x8000000000000000 -> nan:canonical
1544 f64.div 0x7ff4000000000000 0x8000000000000000 -> nan:arithmetic
1545 f64.div 0x7ff8000000000000 0x0000000000000000 -> nan:canonical
1546 f64.div 0x7ff4000000000000 0x0000000000000000 -> nan:arithmetic
1595 f64.div 0xfff8000000000000 0xfff0000000000000 -> nan:canonical
1596 f64.div 0xfff4000000000000 0xfff0000000000000 -> nan:arithmetic
1597 f64.div 0xfff8000000000000 0x7ff0000000000000 -> nan:canonical
1598 f64.div 0xfff4000000000000 0x7ff0000000000000 -> nan:arithmetic
1599 f64.div 0x7ff8000000000000 0xfff0000000000000 -> nan:canonical
1600 f64.div 0x7ff4000000000000 0xfff0000000000000 -> nan:arithmetic
1601 f64.div 0x7ff8000000000000 0x7ff0000000000000 -> nan:canonical
1602 f64.div 0x7ff4000000000000 0x7ff0000000000000 -> nan:arithmetic
1603 f64.div 0xfff8000000000000 0xfff8000000000000 -> nan:canonical
1604 f64.div 0xfff4000000000000 0xfff8000000000000 -> nan:arithmetic
1605 f64.div 0xfff8000000000000 0xfff4000000000000 -> nan:arithmetic
1606 f64.div 0xfff4000000000000 0xfff4000000000000 -> nan:arithmetic
1607 f64.div 0xfff8000000000000 0x7ff8000000000000 -> nan:canonical
1608 f64.div 0xfff4000000000000 0x7ff8000000000000 -> nan:arithmetic
1609 f64.div 0xfff8000000000000 0x7ff4000000000000 -> nan:arithmetic
1610 f64.div 0xfff4000000000000 0x7ff4000000000000 -> nan:arithmetic
1611 f64.div 0x7ff8000000000000 0xfff8000000000000 -> nan:canonical
1612 f64.div 0x7ff4000000000000 0xfff8000000000000 -> nan:arithmetic
1613 f64.div 0x7ff8000000000000 0xfff4000000000000 -> nan:arithmetic
1614 f64.div 0x7ff4000000000000 0xfff4000000000000 -> nan:arithmetic
1615 f64.div 0x7ff8000000000000 0x7ff8000000000000 -> nan:canonical
1616 f64.div 0x7ff4000000000000 0x7ff8000000000000 -> nan:arithmetic
1617 f64.div 0x7ff8000000000000 0x7ff4000000000000 -> nan:arithmetic
1618 f64.div 0x7ff4000000000000 0x7ff4000000000000 -> nan:arithmetic
1619 f64.min 0x8000000000000000 0x8000000000000000 -> 0x8000000000000000
1620 f64.min 0x8000000000000000 0x0000000000000000 -> 0x8000000000000000
1621 f64.min 0x0000000000000000 0x8000000000000000 -> 0x8000000000000000
1622 f64.min 0x0000000000000000 0x0000000000000000 -> 0x0000000000000000
1647 f64.min 0x8000000000000000 0xfff0000000000000 -> 0xfff0000000000000
1648 f64.min 0x8000000000000000 0x7ff0000000000000 -> 0x8000000000000000
1649 f64.min 0x0000000000000000 0xfff0000000000000 -> 0xfff0000000000000
1650 f64.min 0x0000000000000000 0x7ff0000000000000 -> 0x0000000000000000
1651 f64.min 0x8000000000000000 0xfff8000000000000 -> nan:canonical
1652 f64.min 0x8000000000000000 0xfff4000000000000 -> nan:arithmetic
1653 f64.min 0x8000000000000000 0x7ff8000000000000 -> nan:canonical
1654 f64.min 0x8000000000000000 0x7ff4000000000000 -> nan:arithmetic
1655 f64.min 0x0000000000000000 0xfff8000000000000 -> nan:canonical
1656 f64.min 0x0000000000000000 0xfff4000000000000 -> nan:arithmetic
1657 f64.min 0x0000000000000000 0x7ff8000000000000 -> nan:canonical
1658 f64.min 0x0000000000000000 0x7ff4000000000000 -> nan:arithmetic
1899 f64.min 0xfff0000000000000 0x8000000000000000 -> 0xfff0000000000000
1900 f64.min 0xfff0000000000000 0x0000000000000000 -> 0xfff0000000000000
1901 f64.min 0x7ff0000000000000 0x8000000000000000 -> 0x8000000000000000
1902 f64.min 0x7ff0000000000000 0x0000000000000000 -> 0x0000000000000000
1927 f64.min 0xfff0000000000000 0xfff0000000000000 -> 0xfff0000000000000
1928 f64.min 0xfff0000000000000 0x7ff0000000000000 -> 0xfff0000000000000
1929 f64.min 0x7ff0000000000000 0xfff0000000000000 -> 0xfff0000000000000
1930 f64.min 0x7ff0000000000000 0x7ff0000000000000 -> 0x7ff0000000000000
1931 f64.min 0xfff0000000000000 0xfff8000000000000 -> nan:canonical
1932 f64.min 0xfff0000000000000 0xfff4000000000000 -> nan:arithmetic
1933 f64.min 0xfff0000000000000 0x7ff8000000000000 -> nan:canonical
1934 f64.min 0xfff0000000000000 0x7ff4000000000000 -> nan:arithmetic
1935 f64.min 0x7ff0000000000000 0xfff8000000000000 -> nan:canonical
1936 f64.min 0x7ff0000000000000 0xfff4000000000000 -> nan:arithmetic
1937 f64.min 0x7ff0000000000000 0x7ff8000000000000 -> nan:canonical
1938 f64.min 0x7ff0000000000000 0x7ff4000000000000 -> nan:arithmetic
1939 f64.min 0xfff8000000000000 0x8000000000000000 -> nan:canonical
1940 f64.min 0xfff4000000000000 0x8000000000000000 -> nan:arithmetic
1941 f64.min 0xfff8000000000000 0x0000000000000000 -> nan:canonical
1942 f64.min 0xfff4000000000000 0x0000000000000000 -> nan:arithmetic
1943 f64.min 0x7ff8000000000000 0x8000000000000000 -> nan:canonical
1944 f64.min 0x7ff4000000000000 0x8000000000000000 -> nan:arithmetic
1945 f64.min 0x7ff8000000000000 0x0000000000000000 -> nan:canonical
1946 f64.min 0x7ff4000000000000 0x0000000000000000 -> nan:arithmetic
1995 f64.min 0xfff8000000000000 0xfff0000000000000 -> nan:canonical
1996 f64.min 0xfff4000000000000 0xfff0000000000000 -> nan:arithmetic
1997 f64.min 0xfff8000000000000 0x7ff0000000000000 -> nan:canonical
1998 f64.min 0xfff4000000000000 0x7ff0000000000000 -> nan:arithmetic
1999 f64.min 0x7ff8000000000000 0xfff0000000000000 -> nan:canonical
2000 f64.min 0x7ff4000000000000 0xfff0000000000000 -> nan:arithmetic
2001 f64.min 0x7ff8000000000000 0x7ff0000000000000 -> nan:canonical
2002 f64.min 0x7ff4000000000000 0x7ff0000000000000 -> nan:arithmetic
2003 f64.min 0xfff8000000000000 0xfff8000000000000 -> nan:canonical
2004 f64.min 0xfff4000000000000 0xfff8000000000000 -> nan:arithmetic
2005 f64.min 0xfff8000000000000 0xfff4000000000000 -> nan:arithmetic
2006 f64.min 0xfff4000000000000 0xfff4000000000000 -> nan:arithmetic
2007 f64.min 0xfff8000000000000 0x7ff8000000000000 -> nan:canonical
2008 f64.min 0xfff4000000000000 0x7ff8000000000000 -> nan:arithmetic
2009 f64.min 0xfff8000000000000 0x7ff4000000000000 -> nan:arithmetic
2010 f64.min 0xfff4000000000000 0x7ff4000000000000 -> nan:arithmetic
2011 f64.min 0x7ff8000000000000 0xfff8000000000000 -> nan:canonical
2012 f64.min 0x7ff4000000000000 0xfff8000000000000 -> nan:arithmetic
2013 f64.min 0x7ff8000000000000 0xfff4000000000000 -> nan:arithmetic
2014 f64.min 0x7ff4000000000000 0xfff4000000000000 -> nan:arithmetic
2015 f64.min 0x7ff8000000000000 0x7ff8000000000000 -> nan:canonical
2016 f64.min 0x7ff4000000000000 0x7ff8000000000000 -> nan:arithmetic
2017 f64.min 0x7ff8000000000000 0x7ff4000000000000 -> nan:arithmetic
2018 f64.min 0x7ff4000000000000 0x7ff4000000000000 -> nan:arithmetic
2019 f64.max 0x8000000000000000 0x8000000000000000 -> 0x8000000000000000
2020 f64.max 0x8000000000000000 0x0000000000000000 -> 0x0000000000000000
2021 f64.max 0x0000000000000000 0x8000000000000000 -> 0x0000000000000000
2022 f64.max 0x0000000000000000 0x0000000000000000 -> 0x0000000000000000
2047 f64.max 0x8000000000000000 0xfff0000000000000 -> 0x8000000000000000
2048 f64.max 0x8000000000000000 0x7ff0000000000000 -> 0x7ff0000000000000
2049 f64.max 0x0000000000000000 0xfff0000000000000 -> 0x0000000000000000
2050 f64.max 0x0000000000000000 0x7ff0000000000000 -> 0x7ff0000000000000
2051 f64.max 0x8000000000000000 0xfff8000000000000 -> nan:canonical
2052 f64.max 0x8000000000000000 0xfff4000000000000 -> nan:arithmetic
2053 f64.max 0x8000000000000000 0x7ff8000000000000 -> nan:canonical
2054 f64.max 0x8000000000000000 0x7ff4000000000000 -> nan:arithmetic
2055 f64.max 0x0000000000000000 0xfff8000000000000 -> nan:canonical
2056 f64.max 0x0000000000000000 0xfff4000000000000 -> nan:arithmetic
2057 f64.max 0x0000000000000000 0x7ff8000000000000 -> nan:canonical
2058 f64.max 0x0000000000000000 0x7ff4000000000000 -> nan:arithmetic
2299 f64.max 0xfff0000000000000 0x8000000000000000 -> 0x8000000000000000
2300 f64.max 0xfff0000000000000 0x0000000000000000 -> 0x0000000000000000
2301 f64.max 0x7ff0000000000000 0x8000000000000000 -> 0x7ff0000000000000
2302 f64.max 0x7ff0000000000000 0x0000000000000000 -> 0x7ff0000000000000
2327 f64.max 0xfff0000000000000 0xfff0000000000000 -> 0xfff0000000000000
2328 f64.max 0xfff0000000000000 0x7ff0000000000000 -> 0x7ff0000000000000
2329 f64.max 0x7ff0000000000000 0xfff0000000000000 -> 0x7ff0000000000000
2330 f64.max 0x7ff0000000000000 0x7ff0000000000000 -> 0x7ff0000000000000
2331 f64.max 0xfff0000000000000 0xfff8000000000000 -> nan:canonical
2332 f64.max 0xfff0000000000000 0xfff4000000000000 -> nan:arithmetic
2333 f64.max 0xfff0000000000000 0x7ff8000000000000 -> nan:canonical
2334 f64.max 0xfff0000000000000 0x7ff4000000000000 -> nan:arithmetic
2335 f64.max 0x7ff0000000000000 0xfff8000000000000 -> nan:canonical
2336 f64.max 0x7ff0000000000000 0xfff4000000000000 -> nan:arithmetic
2337 f64.max 0x7ff0000000000000 0x7ff8000000000000 -> nan:canonical
2338 f64.max 0x7ff0000000000000 0x7ff4000000000000 -> nan:arithmetic
2339 f64.max 0xfff8000000000000 0x8000000000000000 -> nan:canonical
2340 f64.max 0xfff4000000000000 0x8000000000000000 -> nan:arithmetic
2341 f64.max 0xfff8000000000000 0x0000000000000000 -> nan:canonical
2342 f64.max 0xfff4000000000000 0x0000000000000000 -> nan:arithmetic
2343 f64.max 0x7ff8000000000000 0x8000000000000000 -> nan:canonical
2344 f64.max 0x7ff4000000000000 0x8000000000000000 -> nan:arithmetic
2345 f64.max 0x7ff8000000000000 0x0000000000000000 -> nan:canonical
2346 f64.max 0x7ff4000000000000 0x0000000000000000 -> nan:arithmetic
2395 f64.max 0xfff8000000000000 0xfff0000000000000 -> nan:canonical
2396 f64.max 0xfff4000000000000 0xfff0000000000000 -> nan:arithmetic
2397 f64.max 0xfff8000000000000 0x7ff0000000000000 -> nan:canonical
2398 f64.max 0xfff4000000000000 0x7ff0000000000000 -> nan:arithmetic
2399 f64.max 0x7ff8000000000000 0xfff0000000000000 -> nan:canonical
2400 f64.max 0x7ff4000000000000 0xfff0000000000000 -> nan:arithmetic
2401 f64.max 0x7ff8000000000000 0x7ff0000000000000 -> nan:canonical
2402 f64.max 0x7ff4000000000000 0x7ff0000000000000 -> nan:arithmetic
2403 f64.max 0xfff8000000000000 0xfff8000000000000 -> nan:canonical
2404 f64.max 0xfff4000000000000 0xfff8000000000000 -> nan:arithmetic
2405 f64.max 0xfff8000000000000 0xfff4000000000000 -> nan:arithmetic
2406 f64.max 0xfff4000000000000 0xfff4000000000000 -> nan:arithmetic
2407 f64.max 0xfff8000000000000 0x7ff8000000000000 -> nan:canonical
2408 f64.max 0xfff4000000000000 0x7ff8000000000000 -> nan:arithmetic
2409 f64.max 0xfff8000000000000 0x7ff4000000000000 -> nan:arithmetic
2410 f64.max 0xfff4000000000000 0x7ff4000000000000 -> nan:arithmetic
2411 f64.max 0x7ff8000000000000 0xfff8000000000000 -> nan:canonical
2412 f64.max 0x7ff4000000000000 0xfff8000000000000 -> nan:arithmetic
2413 f64.max 0x7ff8000000000000 0xfff4000000000000 -> nan:arithmetic
2414 f64.max 0x7ff4000000000000 0xfff4000000000000 -> nan:arithmetic
2415 f64.max 0x7ff8000000000000 0x7ff8000000000000 -> nan:canonical
2416 f64.max 0x7ff4000000000000 0x7ff8000000000000 -> nan:arithmetic
2417 f64.max 0x7ff8000000000000 0x7ff4000000000000 -> nan:arithmetic
2418 f64.max 0x7ff4000000000000 0x7ff4000000000000 -> nan:arithmetic
2419 f64.sqrt 0x8000000000000000 -> 0x8000000000000000
2420 f64.sqrt 0x0000000000000000 -> 0x0000000000000000
2433 f64.sqrt 0xfff0000000000000 -> nan:canonical
2434 f64.sqrt 0x7ff0000000000000 -> 0x7ff0000000000000
2435 f64.sqrt 0xfff8000000000000 -> nan:canonical
2436 f64.sqrt 0xfff4000000000000 -> nan:arithmetic
2437 f64.sqrt 0x7ff8000000000000 -> nan:canonical
2438 f64.sqrt 0x7ff4000000000000 -> nan:arithmetic
2499 f64.nearest 0x8000000000000000 -> 0x8000000000000000
2500 f64.nearest 0x0000000000000000 -> 0x0000000000000000
2513 f64.nearest 0xfff0000000000000 -> 0xfff0000000000000
2514 f64.nearest 0x7ff0000000000000 -> 0x7ff0000000000000
2515 f64.nearest 0xfff8000000000000 -> nan:canonical
2516 f64.nearest 0xfff4000000000000 -> nan:arithmetic
2517 f64.nearest 0x7ff8000000000000 -> nan:canonical
2518 f64.nearest 0x7ff4000000000000 -> nan:arithmetic
"""

F32_BITWISE_WAST = """
38 f32.copysign 0x80000000 0xff800000 -> 0x80000000
39 f32.copysign 0x80000000 0x7f800000 -> 0x00000000
40 f32.copysign 0x00000000 0xff800000 -> 0x80000000
41 f32.copysign 0x00000000 0x7f800000 -> 0x00000000
42 f32.copysign 0x80000000 0xffc00000 -> 0x80000000
43 f32.copysign 0x80000000 0x7fc00000 -> 0x00000000
44 f32.copysign 0x00000000 0xffc00000 -> 0x80000000
45 f32.copysign 0x00000000 0x7fc00000 -> 0x00000000
74 f32.copysign 0x80000001 0xff800000 -> 0x80000001
75 f32.copysign 0x80000001 0x7f800000 -> 0x00000001
76 f32.copysign 0x00000001 0xff800000 -> 0x80000001
77 f32.copysign 0x00000001 0x7f800000 -> 0x00000001
78 f32.copysign 0x80000001 0xffc00000 -> 0x80000001
79 f32.copysign 0x80000001 0x7fc00000 -> 0x00000001
80 f32.copysign 0x00000001 0xffc00000 -> 0x80000001
81 f32.copysign 0x00000001 0x7fc00000 -> 0x00000001
110 f32.copysign 0x80800000 0xff800000 -> 0x80800000
111 f32.copysign 0x80800000 0x7f800000 -> 0x00800000
112 f32.copysign 0x00800000 0xff800000 -> 0x80800000
113 f32.copysign 0x00800000 0x7f800000 -> 0x00800000
114 f32.copysign 0x80800000 0xffc00000 -> 0x80800000
115 f32.copysign 0x80800000 0x7fc00000 -> 0x00800000
116 f32.copysign 0x00800000 0xffc00000 -> 0x80800000
117 f32.copysign 0x00800000 0x7fc00000 -> 0x00800000
146 f32.copysign 0xbf000000 0xff800000 -> 0xbf000000
147 f32.copysign 0xbf000000 0x7f800000 -> 0x3f000000
148 f32.copysign 0x3f000000 0xff800000 -> 0xbf000000
149 f32.copysign 0x3f000000 0x7f800000 -> 0x3f000000
150 f32.copysign 0xbf000000 0xffc00000 -> 0xbf000000
151 f32.copysign 0xbf000000 0x7fc00000 -> 0x3f000000
152 f32.copysign 0x3f000000 0xffc00000 -> 0xbf000000
153 f32.copysign 0x3f000000 0x7fc00000 -> 0x3f000000
182 f32.copysign 0xbf800000 0xff800000 -> 0xbf800000
183 f32.copysign 0xbf800000 0x7f800000 -> 0x3f800000
184 f32.copysign 0x3f800000 0xff800000 -> 0xbf800000
185 f32.copysign 0x3f800000 0x7f800000 -> 0x3f800000
186 f32.copysign 0xbf800000 0xffc00000 -> 0xbf800000
187 f32.copysign 0xbf800000 0x7fc00000 -> 0x3f800000
188 f32.copysign 0x3f800000 0xffc00000 -> 0xbf800000
189 f32.copysign 0x3f800000 0x7fc00000 -> 0x3f800000
218 f32.copysign 0xc0c90fdb 0xff800000 -> 0xc0c90fdb
219 f32.copysign 0xc0c90fdb 0x7f800000 -> 0x40c90fdb
220 f32.copysign 0x40c90fdb 0xff800000 -> 0xc0c90fdb
221 f32.copysign 0x40c90fdb 0x7f800000 -> 0x40c90fdb
222 f32.copysign 0xc0c90fdb 0xffc00000 -> 0xc0c90fdb
223 f32.copysign 0xc0c90fdb 0x7fc00000 -> 0x40c90fdb
224 f32.copysign 0x40c90fdb 0xffc00000 -> 0xc0c90fdb
225 f32.copysign 0x40c90fdb 0x7fc00000 -> 0x40c90fdb
254 f32.copysign 0xff7fffff 0xff800000 -> 0xff7fffff
255 f32.copysign 0xff7fffff 0x7f800000 -> 0x7f7fffff
256 f32.copysign 0x7f7fffff 0xff800000 -> 0xff7fffff
257 f32.copysign 0x7f7fffff 0x7f800000 -> 0x7f7fffff
258 f32.copysign 0xff7fffff 0xffc00000 -> 0xff7fffff
259 f32.copysign 0xff7fffff 0x7fc00000 -> 0x7f7fffff
260 f32.copysign 0x7f7fffff 0xffc00000 -> 0xff7fffff
261 f32.copysign 0x7f7fffff 0x7fc00000 -> 0x7f7fffff
262 f32.copysign 0xff800000 0x80000000 -> 0xff800000
263 f32.copysign 0xff800000 0x00000000 -> 0x7f800000
264 f32.copysign 0x7f800000 0x80000000 -> 0xff800000
265 f32.copysign 0x7f800000 0x00000000 -> 0x7f800000
266 f32.copysign 0xff800000 0x80000001 -> 0xff800000
267 f32.copysign 0xff800000 0x00000001 -> 0x7f800000
268 f32.copysign 0x7f800000 0x80000001 -> 0xff800000
269 f32.copysign 0x7f800000 0x00000001 -> 0x7f800000
270 f32.copysign 0xff800000 0x80800000 -> 0xff800000
271 f32.copysign 0xff800000 0x00800000 -> 0x7f800000
272 f32.copysign 0x7f800000 0x80800000 -> 0xff800000
273 f32.copysign 0x7f800000 0x00800000 -> 0x7f800000
274 f32.copysign 0xff800000 0xbf000000 -> 0xff800000
275 f32.copysign 0xff800000 0x3f000000 -> 0x7f800000
276 f32.copysign 0x7f800000 0xbf000000 -> 0xff800000
277 f32.copysign 0x7f800000 0x3f000000 -> 0x7f800000
278 f32.copysign 0xff800000 0xbf800000 -> 0xff800000
279 f32.copysign 0xff800000 0x3f800000 -> 0x7f800000
280 f32.copysign 0x7f800000 0xbf800000 -> 0xff800000
281 f32.copysign 0x7f800000 0x3f800000 -> 0x7f800000
282 f32.copysign 0xff800000 0xc0c90fdb -> 0xff800000
283 f32.copysign 0xff800000 0x40c90fdb -> 0x7f800000
284 f32.copysign 0x7f800000 0xc0c90fdb -> 0xff800000
285 f32.copysign 0x7f800000 0x40c90fdb -> 0x7f800000
286 f32.copysign 0xff800000 0xff7fffff -> 0xff800000
287 f32.copysign 0xff800000 0x7f7fffff -> 0x7f800000
288 f32.copysign 0x7f800000 0xff7fffff -> 0xff800000
289 f32.copysign 0x7f800000 0x7f7fffff -> 0x7f800000
290 f32.copysign 0xff800000 0xff800000 -> 0xff800000
291 f32.copysign 0xff800000 0x7f800000 -> 0x7f800000
292 f32.copysign 0x7f800000 0xff800000 -> 0xff800000
293 f32.copysign 0x7f800000 0x7f800000 -> 0x7f800000
294 f32.copysign 0xff800000 0xffc00000 -> 0xff800000
295 f32.copysign 0xff800000 0x7fc00000 -> 0x7f800000
296 f32.copysign 0x7f800000 0xffc00000 -> 0xff800000
297 f32.copysign 0x7f800000 0x7fc00000 -> 0x7f800000
298 f32.copysign 0xffc00000 0x80000000 -> 0xffc00000
299 f32.copysign 0xffc00000 0x00000000 -> 0x7fc00000
300 f32.copysign 0x7fc00000 0x80000000 -> 0xffc00000
301 f32.copysign 0x7fc00000 0x00000000 -> 0x7fc00000
302 f32.copysign 0xffc00000 0x80000001 -> 0xffc00000
303 f32.copysign 0xffc00000 0x00000001 -> 0x7fc00000
304 f32.copysign 0x7fc00000 0x80000001 -> 0xffc00000
305 f32.copysign 0x7fc00000 0x00000001 -> 0x7fc00000
306 f32.copysign 0xffc00000 0x80800000 -> 0xffc00000
307 f32.copysign 0xffc00000 0x00800000 -> 0x7fc00000
308 f32.copysign 0x7fc00000 0x80800000 -> 0xffc00000
309 f32.copysign 0x7fc00000 0x00800000 -> 0x7fc00000
310 f32.copysign 0xffc00000 0xbf000000 -> 0xffc00000
311 f32.copysign 0xffc00000 0x3f000000 -> 0x7fc00000
312 f32.copysign 0x7fc00000 0xbf000000 -> 0xffc00000
313 f32.copysign 0x7fc00000 0x3f000000 -> 0x7fc00000
314 f32.copysign 0xffc00000 0xbf800000 -> 0xffc00000
315 f32.copysign 0xffc00000 0x3f800000 -> 0x7fc00000
316 f32.copysign 0x7fc00000 0xbf800000 -> 0xffc00000
317 f32.copysign 0x7fc00000 0x3f800000 -> 0x7fc00000
318 f32.copysign 0xffc00000 0xc0c90fdb -> 0xffc00000
319 f32.copysign 0xffc00000 0x40c90fdb -> 0x7fc00000
320 f32.copysign 0x7fc00000 0xc0c90fdb -> 0xffc00000
321 f32.copysign 0x7fc00000 0x40c90fdb -> 0x7fc00000
322 f32.copysign 0xffc00000 0xff7fffff -> 0xffc00000
323 f32.copysign 0xffc00000 0x7f7fffff -> 0x7fc00000
324 f32.copysign 0x7fc00000 0xff7fffff -> 0xffc00000
325 f32.copysign 0x7fc00000 0x7f7fffff -> 0x7fc00000
326 f32.copysign 0xffc00000 0xff800000 -> 0xffc00000
327 f32.copysign 0xffc00000 0x7f800000 -> 0x7fc00000
328 f32.copysign 0x7fc00000 0xff800000 -> 0xffc00000
329 f32.copysign 0x7fc00000 0x7f800000 -> 0x7fc00000
330 f32.copysign 0xffc00000 0xffc00000 -> 0xffc00000
331 f32.copysign 0xffc00000 0x7fc00000 -> 0x7fc00000
332 f32.copysign 0x7fc00000 0xffc00000 -> 0xffc00000
333 f32.copysign 0x7fc00000 0x7fc00000 -> 0x7fc00000
348 f32.abs 0xff800000 -> 0x7f800000
349 f32.abs 0x7f800000 -> 0x7f800000
350 f32.abs 0xffc00000 -> 0x7fc00000
351 f32.abs 0x7fc00000 -> 0x7fc00000
366 f32.neg 0xff800000 -> 0x7f800000
367 f32.neg 0x7f800000 -> 0xff800000
368 f32.neg 0xffc00000 -> 0x7fc00000
369 f32.neg 0x7fc00000 -> 0xffc00000
"""

F64_BITWISE_WAST = """
42 f64.copysign 0x8000000000000000 0xfff8000000000000 -> 0x8000000000000000
43 f64.copysign 0x8000000000000000 0x7ff8000000000000 -> 0x0000000000000000
44 f64.copysign 0x0000000000000000 0xfff8000000000000 -> 0x8000000000000000
45 f64.copysign 0x0000000000000000 0x7ff8000000000000 -> 0x0000000000000000
78 f64.copysign 0x8000000000000001 0xfff8000000000000 -> 0x8000000000000001
79 f64.copysign 0x8000000000000001 0x7ff8000000000000 -> 0x0000000000000001
80 f64.copysign 0x0000000000000001 0xfff8000000000000 -> 0x8000000000000001
81 f64.copysign 0x0000000000000001 0x7ff8000000000000 -> 0x0000000000000001
114 f64.copysign 0x8010000000000000 0xfff8000000000000 -> 0x8010000000000000
115 f64.copysign 0x8010000000000000 0x7ff8000000000000 -> 0x0010000000000000
116 f64.copysign 0x0010000000000000 0xfff8000000000000 -> 0x8010000000000000
117 f64.copysign 0x0010000000000000 0x7ff8000000000000 -> 0x0010000000000000
150 f64.copysign 0xbfe0000000000000 0xfff8000000000000 -> 0xbfe0000000000000
151 f64.copysign 0xbfe0000000000000 0x7ff8000000000000 -> 0x3fe0000000000000
152 f64.copysign 0x3fe0000000000000 0xfff8000000000000 -> 0xbfe0000000000000
153 f64.copysign 0x3fe0000000000000 0x7ff8000000000000 -> 0x3fe0000000000000
186 f64.copysign 0xbff0000000000000 0xfff8000000000000 -> 0xbff0000000000000
187 f64.copysign 0xbff0000000000000 0x7ff8000000000000 -> 0x3ff0000000000000
188 f64.copysign 0x3ff0000000000000 0xfff8000000000000 -> 0xbff0000000000000
189 f64.copysign 0x3ff0000000000000 0x7ff8000000000000 -> 0x3ff0000000000000
222 f64.copysign 0xc01921fb54442d18 0xfff8000000000000 -> 0xc01921fb54442d18
223 f64.copysign 0xc01921fb54442d18 0x7ff8000000000000 -> 0x401921fb54442d18
224 f64.copysign 0x401921fb54442d18 0xfff8000000000000 -> 0xc01921fb54442d18
225 f64.copysign 0x401921fb54442d18 0x7ff8000000000000 -> 0x401921fb54442d18
258 f64.copysign 0xffefffffffffffff 0xfff8000000000000 -> 0xffefffffffffffff
259 f64.copysign 0xffefffffffffffff 0x7ff8000000000000 -> 0x7fefffffffffffff
260 f64.copysign 0x7fefffffffffffff 0xfff8000000000000 -> 0xffefffffffffffff
261 f64.copysign 0x7fefffffffffffff 0x7ff8000000000000 -> 0x7fefffffffffffff
294 f64.copysign 0xfff0000000000000 0xfff8000000000000 -> 0xfff0000000000000
295 f64.copysign 0xfff0000000000000 0x7ff8000000000000 -> 0x7ff0000000000000
296 f64.copysign 0x7ff0000000000000 0xfff8000000000000 -> 0xfff0000000000000
297 f64.copysign 0x7ff0000000000000 0x7ff8000000000000 -> 0x7ff0000000000000
298 f64.copysign 0xfff8000000000000 0x8000000000000000 -> 0xfff8000000000000
299 f64.copysign 0xfff8000000000000 0x0000000000000000 -> 0x7ff8000000000000
300 f64.copysign 0x7ff8000000000000 0x8000000000000000 -> 0xfff8000000000000
301 f64.copysign 0x7ff8000000000000 0x0000000000000000 -> 0x7ff8000000000000
302 f64.copysign 0xfff8000000000000 0x8000000000000001 -> 0xfff8000000000000
303 f64.copysign 0xfff8000000000000 0x0000000000000001 -> 0x7ff8000000000000
304 f64.copysign 0x7ff8000000000000 0x8000000000000001 -> 0xfff8000000000000
305 f64.copysign 0x7ff8000000000000 0x0000000000000001 -> 0x7ff8000000000000
306 f64.copysign 0xfff8000000000000 0x8010000000000000 -> 0xfff8000000000000
307 f64.copysign 0xfff8000000000000 0x0010000000000000 -> 0x7ff8000000000000
308 f64.copysign 0x7ff8000000000000 0x8010000000000000 -> 0xfff8000000000000
309 f64.copysign 0x7ff8000000000000 0x0010000000000000 -> 0x7ff8000000000000
310 f64.copysign 0xfff8000000000000 0xbfe0000000000000 -> 0xfff8000000000000
311 f64.copysign 0xfff8000000000000 0x3fe0000000000000 -> 0x7ff8000000000000
312 f64.copysign 0x7ff8000000000000 0xbfe0000000000000 -> 0xfff8000000000000
313 f64.copysign 0x7ff8000000000000 0x3fe0000000000000 -> 0x7ff8000000000000
314 f64.copysign 0xfff8000000000000 0xbff0000000000000 -> 0xfff8000000000000
315 f64.copysign 0xfff8000000000000 0x3ff0000000000000 -> 0x7ff8000000000000
316 f64.copysign 0x7ff8000000000000 0xbff0000000000000 -> 0xfff8000000000000
317 f64.copysign 0x7ff8000000000000 0x3ff0000000000000 -> 0x7ff8000000000000
318 f64.copysign 0xfff8000000000000 0xc01921fb54442d18 -> 0xfff8000000000000
319 f64.copysign 0xfff8000000000000 0x401921fb54442d18 -> 0x7ff8000000000000
320 f64.copysign 0x7ff8000000000000 0xc01921fb54442d18 -> 0xfff8000000000000
321 f64.copysign 0x7ff8000000000000 0x401921fb54442d18 -> 0x7ff8000000000000
322 f64.copysign 0xfff8000000000000 0xffefffffffffffff -> 0xfff8000000000000
323 f64.copysign 0xfff8000000000000 0x7fefffffffffffff -> 0x7ff8000000000000
324 f64.copysign 0x7ff8000000000000 0xffefffffffffffff -> 0xfff8000000000000
325 f64.copysign 0x7ff8000000000000 0x7fefffffffffffff -> 0x7ff8000000000000
326 f64.copysign 0xfff8000000000000 0xfff0000000000000 -> 0xfff8000000000000
327 f64.copysign 0xfff8000000000000 0x7ff0000000000000 -> 0x7ff8000000000000
328 f64.copysign 0x7ff8000000000000 0xfff0000000000000 -> 0xfff8000000000000
329 f64.copysign 0x7ff8000000000000 0x7ff0000000000000 -> 0x7ff8000000000000
330 f64.copysign 0xfff8000000000000 0xfff8000000000000 -> 0xfff8000000000000
331 f64.copysign 0xfff8000000000000 0x7ff8000000000000 -> 0x7ff8000000000000
332 f64.copysign 0x7ff8000000000000 0xfff8000000000000 -> 0xfff8000000000000
333 f64.copysign 0x7ff8000000000000 0x7ff8000000000000 -> 0x7ff8000000000000
350 f64.abs 0xfff8000000000000 -> 0x7ff8000000000000
351 f64.abs 0x7ff8000000000000 -> 0x7ff8000000000000
368 f64.neg 0xfff8000000000000 -> 0x7ff8000000000000
369 f64.neg 0x7ff8000000000000 -> 0xfff8000000000000
"""

SPEC_DATA = {
    "i32": I32_WAST,
    "i64": I64_WAST,
    "conversions": CONVERSIONS_WAST,
    "float_misc": FLOAT_MISC_WAST,
    "f32": F32_WAST,
    "f64": F64_WAST,
    "f32_bitwise": F32_BITWISE_WAST,
    "f64_bitwise": F64_BITWISE_WAST,
}


@pytest.mark.parametrize("name, args, result", list(_spec_cases()))
def test_spec_assertion(name, args, result):
    op = BY_NAME[name]
    fn = NUMERIC_OPS[name]
    operands = [_from_bits(t, a) for t, a in zip(op.params, args)]
    if result.startswith("trap "):
        with pytest.raises(Trap) as info:
            fn(*operands)
        assert info.value.message.startswith(result[5:])
        return
    t = op.results[0]
    got = _to_bits(t, fn(*operands))
    if result.startswith("nan:"):
        assert _is_nan(t, got, result), f"{got:#x} is not {result}"
    else:
        assert got == int(result, 0), f"{got:#x} != {result}"
