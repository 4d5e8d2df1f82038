"""Relaxed SIMD (WebAssembly 3.0): the 20 relaxed vector instructions as pure functions.

The spec lets each of these instructions give one of a few results (its "relaxed"
choices, e.g. fused or unfused ``madd``), so that every CPU can use its own fast
instruction. wasmvm is deterministic: it always gives the result that wasmtime gives by
default (``Config.wasm_relaxed_simd_deterministic`` off) on x86-64 with SSE4.1 and FMA,
bit for bit, NaN payloads included. ``tests/test_relaxed_simd.py`` compares every function
with wasmtime on edge inputs. With that switch on, the functions are the ones of
``exec.simd.RELAXED_DETERMINISTIC`` (see "Deterministic mode" below), as in wasmtime; a
store makes the choice for all its instances, on both tiers.

==================================  ======================================================
instruction                         wasmvm's result (the x86-64 instruction wasmtime uses)
==================================  ======================================================
i8x16.relaxed_swizzle               ``pshufb``: index ``i`` with its top bit set gives 0,
                                    any other gives lane ``i & 15`` (so 16..127 wrap;
                                    ``i8x16.swizzle`` gives 0 for every ``i >= 16``)
i32x4.relaxed_trunc_f32x4_s         ``cvttps2dq``: truncation; NaN and out-of-range lanes
                                    give 0x80000000 (INT32_MIN)
i32x4.relaxed_trunc_f32x4_u         as ``i32x4.trunc_sat_f32x4_u`` (NaN 0, saturating)
i32x4.relaxed_trunc_f64x2_s_zero    ``cvttpd2dq``: NaN and out of range give 0x80000000;
                                    the two high lanes 0
i32x4.relaxed_trunc_f64x2_u_zero    as ``i32x4.trunc_sat_f64x2_u_zero``
f32x4/f64x2.relaxed_madd            fused ``a * b + c`` (``vfmadd``, one rounding)
f32x4/f64x2.relaxed_nmadd           fused ``-(a * b) + c`` (``vfnmadd``, one rounding)
    NaNs of madd/nmadd              the first NaN operand in the order ``b, a, c``,
                                    quieted, sign and payload kept (not negated by
                                    nmadd); a NaN made from numbers (``inf * 0``,
                                    ``inf - inf``) is x86's default NaN, 0xFFC00000 /
                                    0xFFF8000000000000
i8x16.relaxed_laneselect            ``pblendvb``: the top bit of each mask byte picks
                                    the byte of ``a`` (set) or ``b``
i16x8.relaxed_laneselect            bitwise, as ``v128.bitselect`` (x86 has no 16-bit blend)
i32x4.relaxed_laneselect            ``blendvps``: the top bit of each 32-bit mask lane
i64x2.relaxed_laneselect            ``blendvpd``: the top bit of each 64-bit mask lane
f32x4/f64x2.relaxed_min             ``minps``/``minpd`` as ``pmin``: ``b < a ? b : a``
                                    (a NaN in either gives ``a``'s bits unchanged; of two
                                    zeros, ``a``)
f32x4/f64x2.relaxed_max             as ``pmax``: ``a < b ? b : a``
i16x8.relaxed_q15mulr_s             ``pmulhrsw``: ``(a * b + 0x4000) >> 15`` wrapped to 16
                                    bits, so -32768 * -32768 gives -32768 (the
                                    saturating ``q15mulr_sat_s`` gives 32767)
i16x8.relaxed_dot_i8x16_i7x16_s     ``pmaddubsw(b, a)``: ``a`` signed, ``b`` UNSIGNED
                                    bytes (an i7 lane with its top bit set counts as
                                    128..255); the pair sum saturates to i16
i32x4.relaxed_dot_i8x16_i7x16_add_s the i16 lanes of the dot above, summed in pairs
                                    (``pmaddwd`` by ones), plus ``c``, wrapping to 32 bits
==================================  ======================================================

Values are v128 bit patterns (unsigned ints), as in ``exec.simd``.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable

from . import numerics as _n

_M32 = 0xFFFFFFFF
_M128 = (1 << 128) - 1
_I32X4 = struct.Struct("<4I")
_I64X2 = struct.Struct("<2Q")
_F32X4 = struct.Struct("<4f")
_F64X2 = struct.Struct("<2d")
_S8X16 = struct.Struct("<16b")
_U8X16 = struct.Struct("<16B")
_S16X8 = struct.Struct("<8h")
_U16X8 = struct.Struct("<8H")
_S32X4 = struct.Struct("<4i")
_F32_SINGLE = struct.Struct("<f")
_U32_SINGLE = struct.Struct("<I")


def _bytes(v: int) -> bytes:
    return v.to_bytes(16, "little")


def _int(b: bytes) -> int:
    return int.from_bytes(b, "little")


# -- swizzle --------------------------------------------------------------------------------
def i8x16_relaxed_swizzle(a: int, s: int) -> int:
    """``pshufb``: lane i is lane ``s[i] & 15`` of ``a``, or 0 where ``s[i] >= 128``."""
    table = _bytes(a) * 8 + bytes(128)
    return _int(_bytes(s).translate(table))


# -- truncation -------------------------------------------------------------------------------
_INT_MIN = 0x80000000


def _cvtt_f32(x: float) -> int:
    """``cvttps2dq`` on one lane: the truncated i32, or INT32_MIN for NaN / out of range."""
    if -2147483648.0 <= x < 2147483648.0:  # False for NaN
        return int(x) & _M32
    return _INT_MIN


def _cvtt_f64(x: float) -> int:
    """``cvttpd2dq`` on one lane (a double in (-2**31 - 1, 2**31) truncates into range)."""
    if -2147483649.0 < x < 2147483648.0:
        return int(x) & _M32
    return _INT_MIN


def i32x4_relaxed_trunc_f32x4_s(a: int) -> int:
    return _int(_I32X4.pack(*map(_cvtt_f32, _F32X4.unpack(_bytes(a)))))


def i32x4_relaxed_trunc_f32x4_u(a: int) -> int:
    return _int(_I32X4.pack(*map(_n.i32_trunc_sat_f32_u, _F32X4.unpack(_bytes(a)))))


def i32x4_relaxed_trunc_f64x2_s_zero(a: int) -> int:
    x, y = _F64X2.unpack(_bytes(a))
    return _cvtt_f64(x) | (_cvtt_f64(y) << 32)


def i32x4_relaxed_trunc_f64x2_u_zero(a: int) -> int:
    x, y = _F64X2.unpack(_bytes(a))
    return _n.i32_trunc_sat_f64_u(x) | (_n.i32_trunc_sat_f64_u(y) << 32)


# -- fused multiply-add ------------------------------------------------------------------------
class _Format:
    """An IEEE binary format: its bit layout and what rounding to it needs."""

    def __init__(self, bits: int, precision: int, emax: int):
        self.bits = bits
        self.precision = precision  # significand bits, the hidden one included
        frac = precision - 1
        self.exp_mask = ((1 << (bits - precision)) - 1) << frac
        self.frac_mask = (1 << frac) - 1
        self.quiet = 1 << (frac - 1)
        self.sign = 1 << (bits - 1)
        # x86's "QNaN floating-point indefinite": the NaN an invalid operation makes
        self.default_nan = self.sign | self.exp_mask | self.quiet
        self.tiny = 2 - emax - precision  # exponent of the smallest subnormal's unit
        self.limit = emax + 1  # a result of 2**limit or more is infinite

    def is_nan(self, bits: int) -> bool:
        return bits & self.exp_mask == self.exp_mask and bool(bits & self.frac_mask)


_F32 = _Format(32, 24, 127)
_F64 = _Format(64, 53, 1023)


def _dyadic(x: float) -> tuple[int, int]:
    """A finite double as ``(m, e)`` with ``x == m * 2**e`` exactly."""
    m, e = math.frexp(x)
    return int(m * 9007199254740992.0), e - 53  # m * 2**53 is an integer


def _round(n: int, k: int, fmt: _Format) -> float:
    """``n * 2**k`` (n != 0) rounded once, to nearest even, to ``fmt``; ±inf on overflow."""
    neg = n < 0
    n = -n if neg else n
    # the unit of the last place kept: precision bits, but never below the subnormal unit
    t = max(k + n.bit_length() - fmt.precision, fmt.tiny)
    if t > k:
        r = t - k
        q, rem = divmod(n, 1 << r)
        half = 1 << (r - 1)
        if rem > half or (rem == half and q & 1):
            q += 1
    else:
        q, t = n << (k - t), t
    if q and q.bit_length() + t > fmt.limit:
        v = math.inf
    else:
        v = math.ldexp(q, t)
    return -v if neg else v


def _fma(a: float, b: float, c: float, fmt: _Format) -> float | None:
    """``a * b + c`` rounded once to ``fmt``, for non-NaN operands; None for x86's default
    NaN (``inf * 0``, or infinities of opposite signs added)."""
    if math.isinf(a) or math.isinf(b):
        if a == 0 or b == 0:
            return None
        p = math.copysign(math.inf, a) * math.copysign(1.0, b)
        if math.isinf(c) and c != p:
            return None
        return p
    if math.isinf(c):
        return c
    ma, ea = _dyadic(a)
    mb, eb = _dyadic(b)
    mc, ec = _dyadic(c)
    kp = ea + eb
    k = min(kp, ec)
    n = ((ma * mb) << (kp - k)) + (mc << (ec - k))
    if n == 0:
        # an exact zero: -0 only when both the product and c are negative zeros
        product_negative = (math.copysign(1.0, a) < 0) != (math.copysign(1.0, b) < 0)
        if (a == 0 or b == 0) and product_negative and math.copysign(1.0, c) < 0:
            return -0.0
        return 0.0
    return _round(n, k, fmt)


def _madd_lanes(a_bits, b_bits, c_bits, fmt: _Format, negate: bool, to_float, to_bits):
    out = []
    for x, y, z in zip(a_bits, b_bits, c_bits):
        nan = next((v for v in (y, x, z) if fmt.is_nan(v)), None)
        if nan is not None:
            out.append(nan | fmt.quiet)
            continue
        if negate:
            x ^= fmt.sign
        r = _fma(to_float(x), to_float(y), to_float(z), fmt)
        out.append(fmt.default_nan if r is None else to_bits(r))
    return out


def _f32_from_bits(b: int) -> float:
    return _F32_SINGLE.unpack(_U32_SINGLE.pack(b))[0]  # not a NaN here: exact


def _f32_to_bits(x: float) -> int:
    return _U32_SINGLE.unpack(_F32_SINGLE.pack(x))[0]  # x is an f32 value or ±inf: exact


def _f64_from_bits(b: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def _f64_to_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def _f32x4_madd(negate: bool) -> Callable:
    def op(a: int, b: int, c: int) -> int:
        lanes = _madd_lanes(_I32X4.unpack(_bytes(a)), _I32X4.unpack(_bytes(b)),
                            _I32X4.unpack(_bytes(c)), _F32, negate, _f32_from_bits, _f32_to_bits)
        return _int(_I32X4.pack(*lanes))
    return op


def _f64x2_madd(negate: bool) -> Callable:
    def op(a: int, b: int, c: int) -> int:
        lanes = _madd_lanes(_I64X2.unpack(_bytes(a)), _I64X2.unpack(_bytes(b)),
                            _I64X2.unpack(_bytes(c)), _F64, negate, _f64_from_bits, _f64_to_bits)
        return _int(_I64X2.pack(*lanes))
    return op


f32x4_relaxed_madd = _f32x4_madd(False)
f32x4_relaxed_nmadd = _f32x4_madd(True)
f64x2_relaxed_madd = _f64x2_madd(False)
f64x2_relaxed_nmadd = _f64x2_madd(True)


# -- laneselect ---------------------------------------------------------------------------------
def _rep(pattern: int, w: int) -> int:
    return sum(pattern << (i * w) for i in range(128 // w))


def _blend(w: int) -> Callable:
    """``pblendvb``/``blendvps``/``blendvpd``: the top bit of each ``w``-bit lane of the
    mask ``c`` picks that lane of ``a`` (set) or of ``b`` (clear)."""
    tops = _rep(1 << (w - 1), w)
    lane = (1 << w) - 1

    def op(a: int, b: int, c: int) -> int:
        m = ((c & tops) >> (w - 1)) * lane  # each top bit spread over its lane (no carries)
        return (a & m) | (b & (m ^ _M128))
    return op


def i16x8_relaxed_laneselect(a: int, b: int, c: int) -> int:
    """Bitwise: bits of ``a`` where ``c`` has ones, of ``b`` where it has zeros."""
    return (a & c) | (b & (c ^ _M128))


i8x16_relaxed_laneselect = _blend(8)
i32x4_relaxed_laneselect = _blend(32)
i64x2_relaxed_laneselect = _blend(64)


# -- min and max ---------------------------------------------------------------------------------
def _pick(floats: struct.Struct, ints: struct.Struct, pick_b: Callable) -> Callable:
    """Lane of ``b`` where ``pick_b(a, b)`` holds (False with a NaN), else lane of ``a``:
    the chosen operand's bits unchanged."""
    def op(a: int, b: int) -> int:
        ab, bb = _bytes(a), _bytes(b)
        picks = map(pick_b, floats.unpack(ab), floats.unpack(bb))
        return _int(ints.pack(*(y if p else x for p, x, y in
                                zip(picks, ints.unpack(ab), ints.unpack(bb)))))
    return op


def _lt_b(x: float, y: float) -> bool:
    return y < x


def _lt_a(x: float, y: float) -> bool:
    return x < y


f32x4_relaxed_min = _pick(_F32X4, _I32X4, _lt_b)
f32x4_relaxed_max = _pick(_F32X4, _I32X4, _lt_a)
f64x2_relaxed_min = _pick(_F64X2, _I64X2, _lt_b)
f64x2_relaxed_max = _pick(_F64X2, _I64X2, _lt_a)


# -- integer products ------------------------------------------------------------------------------
def i16x8_relaxed_q15mulr_s(a: int, b: int) -> int:
    """``pmulhrsw``: the rounded Q15 product, wrapped (only -32768 * -32768 wraps)."""
    xs, ys = _S16X8.unpack(_bytes(a)), _S16X8.unpack(_bytes(b))
    return _int(_U16X8.pack(*(((x * y + 0x4000) >> 15) & 0xFFFF for x, y in zip(xs, ys))))


def _dot_i16(a: int, b: int) -> list[int]:
    """``pmaddubsw(b, a)``: a[2i]*b[2i] + a[2i+1]*b[2i+1], ``a`` signed, ``b`` unsigned, the
    sum saturated to i16."""
    p = [x * y for x, y in zip(_S8X16.unpack(_bytes(a)), _U8X16.unpack(_bytes(b)))]
    out = []
    for i in range(0, 16, 2):
        s = p[i] + p[i + 1]
        out.append(-32768 if s < -32768 else 32767 if s > 32767 else s)
    return out


def i16x8_relaxed_dot_i8x16_i7x16_s(a: int, b: int) -> int:
    return _int(_S16X8.pack(*_dot_i16(a, b)))


def i32x4_relaxed_dot_i8x16_i7x16_add_s(a: int, b: int, c: int) -> int:
    d = _dot_i16(a, b)
    cs = _S32X4.unpack(_bytes(c))
    return _int(_I32X4.pack(*((d[2 * i] + d[2 * i + 1] + cs[i]) & _M32 for i in range(4))))


#: Every relaxed instruction: mnemonic -> pure function on v128 bit patterns.
RELAXED_OPS: dict[str, Callable] = {
    name.replace("_", ".", 1): fn for name, fn in dict(globals()).items()
    if "_relaxed_" in name and callable(fn)
}


# =============================================================================================
# Deterministic mode (wasmtime's ``Config.wasm_relaxed_simd_deterministic``)
# =============================================================================================
# With the switch on, wasmtime gives results that depend on no CPU: swizzle, truncation
# and q15mulr are their 2.0 (saturating) twins, laneselect is bitwise, madd/nmadd stay
# fused. min/max are ``f32x4.min``/``max`` except for the NaN a NaN operand gives: min
# the default NaN (0xFFC00000 / 0xFFF8000000000000), max the quiet NaN without payload
# whose sign is the or of the operands' signs; the dot
# products multiply signed by signed, the i16 one wrapping its pair sums to 16 bits, the
# i32 one adding the four products and ``c`` in 32 bits.

#: relaxed mnemonic -> the 2.0 instruction whose function it is in deterministic mode
#: (``exec.simd.RELAXED_DETERMINISTIC`` joins these with the functions below)
DETERMINISTIC_AS = {
    "i8x16.relaxed_swizzle": "i8x16.swizzle",
    "i32x4.relaxed_trunc_f32x4_s": "i32x4.trunc_sat_f32x4_s",
    "i32x4.relaxed_trunc_f32x4_u": "i32x4.trunc_sat_f32x4_u",
    "i32x4.relaxed_trunc_f64x2_s_zero": "i32x4.trunc_sat_f64x2_s_zero",
    "i32x4.relaxed_trunc_f64x2_u_zero": "i32x4.trunc_sat_f64x2_u_zero",
    "i16x8.relaxed_q15mulr_s": "i16x8.q15mulr_sat_s",
    "i8x16.relaxed_laneselect": "v128.bitselect",
    "i16x8.relaxed_laneselect": "v128.bitselect",
    "i32x4.relaxed_laneselect": "v128.bitselect",
    "i64x2.relaxed_laneselect": "v128.bitselect",
}


def _det_minmax(floats: struct.Struct, ints: struct.Struct, fmt: _Format, is_max: bool):
    positive_nan = fmt.default_nan ^ fmt.sign

    def lane(x: float, y: float, xb: int, yb: int) -> int:
        if x != x or y != y:  # max: the operands' signs or-ed (cranelift's fmax sequence)
            return positive_nan | ((xb | yb) & fmt.sign) if is_max else fmt.default_nan
        if x == y:  # equal numbers, or zeros of either sign: min prefers -0, max +0
            negative = xb & fmt.sign and yb & fmt.sign if is_max else (xb | yb) & fmt.sign
            return xb if bool(xb & fmt.sign) == bool(negative) else yb
        return xb if (x > y) == is_max else yb

    def op(a: int, b: int) -> int:
        ab, bb = _bytes(a), _bytes(b)
        return _int(ints.pack(*map(lane, floats.unpack(ab), floats.unpack(bb),
                                   ints.unpack(ab), ints.unpack(bb))))
    return op


def _det_dot_i16(a: int, b: int) -> int:
    p = [x * y for x, y in zip(_S8X16.unpack(_bytes(a)), _S8X16.unpack(_bytes(b)))]
    return _int(_U16X8.pack(*((p[i] + p[i + 1]) & 0xFFFF for i in range(0, 16, 2))))


def _det_dot_add(a: int, b: int, c: int) -> int:
    p = [x * y for x, y in zip(_S8X16.unpack(_bytes(a)), _S8X16.unpack(_bytes(b)))]
    cs = _S32X4.unpack(_bytes(c))
    return _int(_I32X4.pack(*((sum(p[4 * i: 4 * i + 4]) + cs[i]) & _M32 for i in range(4))))


#: The deterministic functions that no 2.0 instruction has (madd/nmadd: the default ones).
DETERMINISTIC_OWN: dict[str, Callable] = {
    "f32x4.relaxed_min": _det_minmax(_F32X4, _I32X4, _F32, False),
    "f32x4.relaxed_max": _det_minmax(_F32X4, _I32X4, _F32, True),
    "f64x2.relaxed_min": _det_minmax(_F64X2, _I64X2, _F64, False),
    "f64x2.relaxed_max": _det_minmax(_F64X2, _I64X2, _F64, True),
    "i16x8.relaxed_dot_i8x16_i7x16_s": _det_dot_i16,
    "i32x4.relaxed_dot_i8x16_i7x16_add_s": _det_dot_add,
    **{name: RELAXED_OPS[name] for name in ("f32x4.relaxed_madd", "f32x4.relaxed_nmadd",
                                             "f64x2.relaxed_madd", "f64x2.relaxed_nmadd")},
}
