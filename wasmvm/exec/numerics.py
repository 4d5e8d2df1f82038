"""Numerics (spec 4.3): every scalar numeric instruction as a small pure function.

One function per instruction, named after its mnemonic with ``_`` for ``.``:
``i32.div_s`` is ``i32_div_s``. ``NUMERIC_OPS`` maps every mnemonic of the opcode table's
"numeric" group (except the four ``t.const``) to its function. The reference interpreter,
the compiled tier and the learning StackVM all use these functions; there is no second
definition of any numeric rule.

Representation (the one normalisation point of the engine):

``i32`` / ``i64``
    UNSIGNED Python ints in ``[0, 2**32)`` / ``[0, 2**64)``: the bit pattern. Every
    function takes and returns bit patterns; signed views are computed locally
    (``_s32``, ``_s64``) and never leave a function. Boolean results (``eqz``, ``lt_s``,
    ...) are the ints 0 and 1, never ``bool``.
``f64``
    Python floats, bit for bit (NaN payloads included; see ``syntax.values``).
``f32``
    Python floats holding an exact f32 value. A NaN is widened as
    ``syntax.values.f32_from_bits`` does (sign kept, the 23 payload bits in the top of the
    double's fraction), so ``f32_to_bits`` gives the original bits back, signalling NaNs
    included. Every f32 arithmetic result is rounded once to single precision with
    ``f32_round``. (For ``+ - * /`` and ``sqrt`` computing in double first and then
    rounding is exact: 53 >= 2*24 + 2, so double rounding is innocuous.)

Bit operations (``neg``, ``abs``, ``copysign``, ``reinterpret``) keep NaN payloads exactly:
they act on the double's sign bit, which is the f32 sign bit of a widened f32 NaN. Arithmetic
on NaN operands returns a quiet NaN (the hardware's propagation, which the spec allows as an
arithmetic NaN); operations without NaN operands that produce NaN return the canonical NaN.

Traps raise ``wasmvm.errors.Trap`` with the spec's message: integer divide by zero,
integer overflow (``div_s`` of INT_MIN by -1, out-of-range ``trunc``), invalid conversion to
integer (``trunc`` of NaN).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from ..errors import Trap, TrapCode
from ..syntax import values as _values

# Private names, so that only this module's ``t_op`` functions look like instructions to
# ``_collect``.
_f32_from_bits = _values.f32_from_bits
_f32_to_bits = _values.f32_to_bits
_f32_round = _values.f32_round
_f64_from_bits = _values.f64_from_bits
_f64_to_bits = _values.f64_to_bits

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_F64_QUIET = 0x0008000000000000  # the quiet bit of a double (f32's bit 22, widened)
_SIGN64 = 0x8000000000000000  # bit 63: the sign of an i64 and of a double
_F32_LOW = (1 << 29) - 1  # double fraction bits below a widened f32's payload
_NAN = _f64_from_bits(0x7FF8000000000000)  # the canonical NaN (also the widened f32 one)
_INF = math.inf
_TWO_52 = 4503599627370496.0  # from here on every double is an integer


def _s32(a: int) -> int:
    """The signed value of an i32 bit pattern."""
    return a - ((a >> 31) << 32)


def _s64(a: int) -> int:
    """The signed value of an i64 bit pattern."""
    return a - ((a >> 63) << 64)


def _divide_by_zero() -> Trap:
    return Trap(TrapCode.INTEGER_DIVISION_BY_ZERO)


def _overflow() -> Trap:
    return Trap(TrapCode.INTEGER_OVERFLOW)


def _invalid_conversion() -> Trap:
    return Trap(TrapCode.BAD_CONVERSION_TO_INTEGER)


# =========================================================================================
# i32
# =========================================================================================
def i32_eqz(a: int) -> int:
    return 1 if a == 0 else 0


def i32_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i32_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


# Flipping the sign bit maps signed order onto unsigned order.
def i32_lt_s(a: int, b: int) -> int:
    return 1 if a ^ 0x80000000 < b ^ 0x80000000 else 0


def i32_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i32_gt_s(a: int, b: int) -> int:
    return 1 if a ^ 0x80000000 > b ^ 0x80000000 else 0


def i32_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i32_le_s(a: int, b: int) -> int:
    return 1 if a ^ 0x80000000 <= b ^ 0x80000000 else 0


def i32_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i32_ge_s(a: int, b: int) -> int:
    return 1 if a ^ 0x80000000 >= b ^ 0x80000000 else 0


def i32_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i32_clz(a: int) -> int:
    return 32 - a.bit_length()


def i32_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 32


def i32_popcnt(a: int) -> int:
    return a.bit_count()


def i32_add(a: int, b: int) -> int:
    return (a + b) & _M32


def i32_sub(a: int, b: int) -> int:
    return (a - b) & _M32


def i32_mul(a: int, b: int) -> int:
    return (a * b) & _M32


def i32_div_s(a: int, b: int) -> int:
    """Signed division, truncating toward zero (Python's ``//`` floors)."""
    if b == 0:
        raise _divide_by_zero()
    if a < 0x80000000 and b < 0x80000000:  # both non-negative: the common case
        return a // b
    if a == 0x80000000 and b == _M32:
        raise _overflow()
    a, b = _s32(a), _s32(b)
    q = abs(a) // abs(b)
    return (q if (a < 0) == (b < 0) else -q) & _M32


def i32_div_u(a: int, b: int) -> int:
    if b == 0:
        raise _divide_by_zero()
    return a // b


def i32_rem_s(a: int, b: int) -> int:
    """Signed remainder with the sign of the dividend; ``rem_s(INT_MIN, -1) == 0``."""
    if b == 0:
        raise _divide_by_zero()
    if a < 0x80000000 and b < 0x80000000:
        return a % b
    a = _s32(a)
    r = abs(a) % abs(_s32(b))
    return (-r if a < 0 else r) & _M32


def i32_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise _divide_by_zero()
    return a % b


def i32_and(a: int, b: int) -> int:
    return a & b


def i32_or(a: int, b: int) -> int:
    return a | b


def i32_xor(a: int, b: int) -> int:
    return a ^ b


def i32_shl(a: int, b: int) -> int:
    return (a << (b & 31)) & _M32


def i32_shr_s(a: int, b: int) -> int:
    return (_s32(a) >> (b & 31)) & _M32


def i32_shr_u(a: int, b: int) -> int:
    return a >> (b & 31)


def i32_rotl(a: int, b: int) -> int:
    k = b & 31
    return ((a << k) | (a >> (32 - k))) & _M32


def i32_rotr(a: int, b: int) -> int:
    k = b & 31
    return ((a >> k) | (a << (32 - k))) & _M32


def i32_extend8_s(a: int) -> int:
    a &= 0xFF
    return a | 0xFFFFFF00 if a & 0x80 else a


def i32_extend16_s(a: int) -> int:
    a &= 0xFFFF
    return a | 0xFFFF0000 if a & 0x8000 else a


# =========================================================================================
# i64
# =========================================================================================
def i64_eqz(a: int) -> int:
    return 1 if a == 0 else 0


def i64_eq(a: int, b: int) -> int:
    return 1 if a == b else 0


def i64_ne(a: int, b: int) -> int:
    return 1 if a != b else 0


def i64_lt_s(a: int, b: int) -> int:
    return 1 if a ^ _SIGN64 < b ^ _SIGN64 else 0


def i64_lt_u(a: int, b: int) -> int:
    return 1 if a < b else 0


def i64_gt_s(a: int, b: int) -> int:
    return 1 if a ^ _SIGN64 > b ^ _SIGN64 else 0


def i64_gt_u(a: int, b: int) -> int:
    return 1 if a > b else 0


def i64_le_s(a: int, b: int) -> int:
    return 1 if a ^ _SIGN64 <= b ^ _SIGN64 else 0


def i64_le_u(a: int, b: int) -> int:
    return 1 if a <= b else 0


def i64_ge_s(a: int, b: int) -> int:
    return 1 if a ^ _SIGN64 >= b ^ _SIGN64 else 0


def i64_ge_u(a: int, b: int) -> int:
    return 1 if a >= b else 0


def i64_clz(a: int) -> int:
    return 64 - a.bit_length()


def i64_ctz(a: int) -> int:
    return (a & -a).bit_length() - 1 if a else 64


def i64_popcnt(a: int) -> int:
    return a.bit_count()


def i64_add(a: int, b: int) -> int:
    return (a + b) & _M64


def i64_sub(a: int, b: int) -> int:
    return (a - b) & _M64


def i64_mul(a: int, b: int) -> int:
    return (a * b) & _M64


def i64_div_s(a: int, b: int) -> int:
    """Signed division, truncating toward zero (Python's ``//`` floors)."""
    if b == 0:
        raise _divide_by_zero()
    if a < 0x8000000000000000 and b < 0x8000000000000000:  # both non-negative: the common case
        return a // b
    if a == 0x8000000000000000 and b == _M64:
        raise _overflow()
    a, b = _s64(a), _s64(b)
    q = abs(a) // abs(b)
    return (q if (a < 0) == (b < 0) else -q) & _M64


def i64_div_u(a: int, b: int) -> int:
    if b == 0:
        raise _divide_by_zero()
    return a // b


def i64_rem_s(a: int, b: int) -> int:
    """Signed remainder with the sign of the dividend; ``rem_s(INT_MIN, -1) == 0``."""
    if b == 0:
        raise _divide_by_zero()
    if a < 0x8000000000000000 and b < 0x8000000000000000:
        return a % b
    a = _s64(a)
    r = abs(a) % abs(_s64(b))
    return (-r if a < 0 else r) & _M64


def i64_rem_u(a: int, b: int) -> int:
    if b == 0:
        raise _divide_by_zero()
    return a % b


def i64_and(a: int, b: int) -> int:
    return a & b


def i64_or(a: int, b: int) -> int:
    return a | b


def i64_xor(a: int, b: int) -> int:
    return a ^ b


def i64_shl(a: int, b: int) -> int:
    return (a << (b & 63)) & _M64


def i64_shr_s(a: int, b: int) -> int:
    return (_s64(a) >> (b & 63)) & _M64


def i64_shr_u(a: int, b: int) -> int:
    return a >> (b & 63)


def i64_rotl(a: int, b: int) -> int:
    k = b & 63
    return ((a << k) | (a >> (64 - k))) & _M64


def i64_rotr(a: int, b: int) -> int:
    k = b & 63
    return ((a >> k) | (a << (64 - k))) & _M64


def i64_extend8_s(a: int) -> int:
    a &= 0xFF
    return a | 0xFFFFFFFFFFFFFF00 if a & 0x80 else a


def i64_extend16_s(a: int) -> int:
    a &= 0xFFFF
    return a | 0xFFFFFFFFFFFF0000 if a & 0x8000 else a


def i64_extend32_s(a: int) -> int:
    a &= _M32
    return a | 0xFFFFFFFF00000000 if a & 0x80000000 else a


# =========================================================================================
# Floats: helpers shared by f32 and f64
# =========================================================================================
def _quiet(x: float) -> float:
    """A NaN with its quiet bit set, payload and sign kept (f64, or a widened f32)."""
    return _f64_from_bits(_f64_to_bits(x) | _F64_QUIET)


def _divide_by_zero_float(a: float, b: float) -> float:
    """``a / b`` for ``b == ±0``: ±inf, or NaN for 0/0 and NaN/0."""
    if a != a:
        return _quiet(a)
    if a == 0.0:
        return _NAN
    negative = (math.copysign(1.0, a) < 0.0) != (math.copysign(1.0, b) < 0.0)
    return -_INF if negative else _INF


def _neg(x: float) -> float:
    if x != x:
        return _f64_from_bits(_f64_to_bits(x) ^ _SIGN64)
    return -x


def _abs(x: float) -> float:
    if x != x:
        return _f64_from_bits(_f64_to_bits(x) & ~_SIGN64)
    return math.fabs(x)


def _copysign(a: float, b: float) -> float:
    if a != a or b != b:
        sign = _f64_to_bits(b) & _SIGN64
        return _f64_from_bits((_f64_to_bits(a) & ~_SIGN64) | sign)
    return math.copysign(a, b)


def _min(a: float, b: float) -> float:
    """NaN if either is NaN; -0.0 is less than +0.0."""
    if a < b:
        return a
    if b < a:
        return b
    if a == b:  # equal, possibly zeros of different signs
        return a if math.copysign(1.0, a) < 0.0 else b
    return a + b  # a NaN operand: a quiet NaN


def _max(a: float, b: float) -> float:
    """NaN if either is NaN; +0.0 is greater than -0.0."""
    if a > b:
        return a
    if b > a:
        return b
    if a == b:
        return b if math.copysign(1.0, a) < 0.0 else a
    return a + b


# Rounding to an integral value. An f32 input gives an f32 result (an integer below 2**24
# or the input itself), so the same functions serve both widths. Every double of magnitude
# at least 2**52 (and ±inf) is already integral; ``copysign`` keeps the sign of zero
# (``ceil(-0.5) == -0.0``).
def _ceil(x: float) -> float:
    if -_TWO_52 < x < _TWO_52:
        return math.copysign(float(math.ceil(x)), x)
    return _quiet(x) if x != x else x


def _floor(x: float) -> float:
    if -_TWO_52 < x < _TWO_52:
        return math.copysign(float(math.floor(x)), x)
    return _quiet(x) if x != x else x


def _trunc(x: float) -> float:
    if -_TWO_52 < x < _TWO_52:
        return math.copysign(float(math.trunc(x)), x)
    return _quiet(x) if x != x else x


def _nearest(x: float) -> float:
    """Round half to even (Python's ``round``), keeping the sign of zero."""
    if -_TWO_52 < x < _TWO_52:
        return math.copysign(float(round(x)), x)
    return _quiet(x) if x != x else x


def _f32_from_int(n: int) -> float:
    """The f32 nearest to the integer ``n`` (ties to even), rounded once.

    ``float(n)`` is exact below 2**53, so one f32 rounding after it is the only rounding;
    above, round the integer itself to 24 significant bits.
    """
    if -0x20000000000000 <= n <= 0x20000000000000:
        return _f32_round(float(n))
    m = -n if n < 0 else n
    shift = m.bit_length() - 24
    q = m >> shift
    rest = m & ((1 << shift) - 1)
    half = 1 << (shift - 1)
    if rest > half or (rest == half and q & 1):
        q += 1
    r = math.ldexp(float(q), shift)
    return -r if n < 0 else r


# =========================================================================================
# f32
# =========================================================================================
def f32_eq(a: float, b: float) -> int:
    return 1 if a == b else 0


def f32_ne(a: float, b: float) -> int:
    return 1 if a != b else 0


def f32_lt(a: float, b: float) -> int:
    return 1 if a < b else 0


def f32_gt(a: float, b: float) -> int:
    return 1 if a > b else 0


def f32_le(a: float, b: float) -> int:
    return 1 if a <= b else 0


def f32_ge(a: float, b: float) -> int:
    return 1 if a >= b else 0


f32_abs = _abs
f32_neg = _neg
f32_copysign = _copysign
f32_ceil = _ceil
f32_floor = _floor
f32_trunc = _trunc
f32_nearest = _nearest


def f32_sqrt(x: float) -> float:
    if x < 0.0:
        return _NAN
    if x != x:
        return _quiet(x)
    return _f32_round(math.sqrt(x))


def f32_add(a: float, b: float) -> float:
    return _f32_round(a + b)


def f32_sub(a: float, b: float) -> float:
    return _f32_round(a - b)


def f32_mul(a: float, b: float) -> float:
    return _f32_round(a * b)


def f32_div(a: float, b: float) -> float:
    try:
        return _f32_round(a / b)
    except ZeroDivisionError:
        return _divide_by_zero_float(a, b)


def f32_min(a: float, b: float) -> float:
    return _f32_round(_min(a, b))


def f32_max(a: float, b: float) -> float:
    return _f32_round(_max(a, b))


# =========================================================================================
# f64
# =========================================================================================
f64_eq = f32_eq
f64_ne = f32_ne
f64_lt = f32_lt
f64_gt = f32_gt
f64_le = f32_le
f64_ge = f32_ge
f64_abs = _abs
f64_neg = _neg
f64_copysign = _copysign
f64_ceil = _ceil
f64_floor = _floor
f64_trunc = _trunc
f64_nearest = _nearest
f64_min = _min
f64_max = _max


def f64_sqrt(x: float) -> float:
    if x < 0.0:
        return _NAN
    if x != x:
        return _quiet(x)
    return math.sqrt(x)


def f64_add(a: float, b: float) -> float:
    return a + b


def f64_sub(a: float, b: float) -> float:
    return a - b


def f64_mul(a: float, b: float) -> float:
    return a * b


def f64_div(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return _divide_by_zero_float(a, b)


# =========================================================================================
# Conversions
# =========================================================================================
def i32_wrap_i64(a: int) -> int:
    return a & _M32


def i64_extend_i32_s(a: int) -> int:
    return a | 0xFFFFFFFF00000000 if a & 0x80000000 else a


def i64_extend_i32_u(a: int) -> int:
    return a


# Trapping truncation. The bounds compare exact real values (Python compares floats
# exactly), so one function serves an f32 and an f64 source: the result of truncating x
# fits in [lo, hi] exactly when lo - 1 < x < hi + 1.
def i32_trunc_f64_s(x: float) -> int:
    if -2147483649.0 < x < 2147483648.0:
        return int(x) & _M32
    raise _invalid_conversion() if x != x else _overflow()


def i32_trunc_f64_u(x: float) -> int:
    if -1.0 < x < 4294967296.0:
        return int(x)
    raise _invalid_conversion() if x != x else _overflow()


def i64_trunc_f64_s(x: float) -> int:
    # -2**63 - 1 is no double: no double lies strictly between it and -2**63.
    if -9223372036854775808.0 <= x < 9223372036854775808.0:
        return int(x) & _M64
    raise _invalid_conversion() if x != x else _overflow()


def i64_trunc_f64_u(x: float) -> int:
    if -1.0 < x < 18446744073709551616.0:
        return int(x)
    raise _invalid_conversion() if x != x else _overflow()


i32_trunc_f32_s = i32_trunc_f64_s
i32_trunc_f32_u = i32_trunc_f64_u
i64_trunc_f32_s = i64_trunc_f64_s
i64_trunc_f32_u = i64_trunc_f64_u


# Saturating truncation: clamp to the target range, NaN gives 0.
def i32_trunc_sat_f64_s(x: float) -> int:
    if x != x:
        return 0
    if x <= -2147483648.0:
        return 0x80000000
    if x >= 2147483647.0:
        return 0x7FFFFFFF
    return int(x) & _M32


def i32_trunc_sat_f64_u(x: float) -> int:
    if x != x or x <= 0.0:
        return 0
    if x >= 4294967295.0:
        return _M32
    return int(x)


def i64_trunc_sat_f64_s(x: float) -> int:
    if x != x:
        return 0
    if x <= -9223372036854775808.0:
        return 0x8000000000000000
    if x >= 9223372036854775808.0:
        return 0x7FFFFFFFFFFFFFFF
    return int(x) & _M64


def i64_trunc_sat_f64_u(x: float) -> int:
    if x != x or x <= 0.0:
        return 0
    if x >= 18446744073709551616.0:
        return _M64
    return int(x)


i32_trunc_sat_f32_s = i32_trunc_sat_f64_s
i32_trunc_sat_f32_u = i32_trunc_sat_f64_u
i64_trunc_sat_f32_s = i64_trunc_sat_f64_s
i64_trunc_sat_f32_u = i64_trunc_sat_f64_u


def f32_convert_i32_s(a: int) -> float:
    return _f32_from_int(_s32(a))


def f32_convert_i32_u(a: int) -> float:
    return _f32_from_int(a)


def f32_convert_i64_s(a: int) -> float:
    return _f32_from_int(_s64(a))


def f32_convert_i64_u(a: int) -> float:
    return _f32_from_int(a)


def f64_convert_i32_s(a: int) -> float:
    return float(_s32(a))


def f64_convert_i32_u(a: int) -> float:
    return float(a)


def f64_convert_i64_s(a: int) -> float:
    return float(_s64(a))  # CPython's int -> float rounds once, ties to even


def f64_convert_i64_u(a: int) -> float:
    return float(a)


def f32_demote_f64(x: float) -> float:
    """Round once to f32; a NaN becomes quiet and keeps the top 22 bits of its payload."""
    if x != x:
        return _f64_from_bits((_f64_to_bits(x) | _F64_QUIET) & ~_F32_LOW)
    return _f32_round(x)


def f64_promote_f32(x: float) -> float:
    """Exact; a NaN becomes quiet (a widened f32 NaN already has the f64 layout)."""
    if x != x:
        return _quiet(x)
    return x


i32_reinterpret_f32 = _f32_to_bits
i64_reinterpret_f64 = _f64_to_bits
f32_reinterpret_i32 = _f32_from_bits
f64_reinterpret_i64 = _f64_from_bits


# =========================================================================================
# The table
# =========================================================================================
_MNEMONIC = re.compile(r"(i32|i64|f32|f64)_([a-z0-9_]+)")


def _collect() -> dict[str, Callable]:
    """Mnemonic -> function, for every public ``t_op`` function of this module."""
    ops = {}
    for name, fn in globals().items():
        m = _MNEMONIC.fullmatch(name)
        if m and callable(fn):
            ops[f"{m.group(1)}.{m.group(2)}"] = fn
    return ops


#: Every scalar numeric instruction but ``t.const``: mnemonic -> function.
#: ``tests/test_numerics.py`` proves the keys are exactly the table's numeric rows.
NUMERIC_OPS: dict[str, Callable] = _collect()

__all__ = ["NUMERIC_OPS", *(name.replace(".", "_") for name in NUMERIC_OPS)]
