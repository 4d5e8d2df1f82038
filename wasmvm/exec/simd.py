"""Vector numerics (spec 4.3.2-4.3.4 on ``v128``): every SIMD instruction as a pure function.

Representation: a ``v128`` is an UNSIGNED Python int in ``[0, 2**128)``, its bit pattern,
lane 0 in the low bits (the memory's little-endian order). Scalars taken or returned
(``splat``, ``extract_lane``, shift counts, ``bitmask``) use ``exec.numerics``' raw forms:
unsigned ints for i32/i64, Python floats for f32/f64.

Lanes. ``lanes(v, w, signed)`` splits a v128 into ``128 // w`` lanes of ``w`` bits (one
``int.to_bytes`` and one ``struct`` unpack); ``join(lanes, w, signed)`` packs lanes that
are already in range back. Each instruction is a lane function (``min``, a saturating
add, a comparison giving all-ones ``2**w - 1`` or ``0``) mapped over the lanes, built by
width-parameterised builders (``_map2(w, fn)``...). Wrapping add, sub, neg, ``eq``/``ne``
and the shifts work on the whole 128-bit int at once (carries kept inside each lane, SWAR);
the unit tests prove them equal to the lane-by-lane definition. Swizzle and shuffle are one
``bytes.translate``.

Float lanes. Arithmetic lanes use the scalar functions of ``exec.numerics`` (the same NaN,
signed-zero and rounding rules as ``f32.min``, ``f64.nearest``, ``i32.trunc_sat_f32_s``...).
f32 lanes are read with ``struct``'s ``'f'``, which may quiet a signalling NaN on the way in;
that changes no result, because every arithmetic operation returns a quiet NaN anyway. The
operations the spec defines on bits keep them exactly: ``abs``/``neg`` (sign bits),
``pmin``/``pmax`` (return one operand's lane bits), ``splat``, ``extract_lane``,
``replace_lane``, loads and stores.

``SIMD_OPS`` maps the mnemonic of every vector row without immediates to its function:
unary ``f(v)``, binary ``f(a, b)`` (shifts: ``f(v, count)``), ``v128.bitselect``
``f(v1, v2, c)``, splats ``f(x)``. Rows with immediates have functions taking the
immediate: ``extract_lane(name)``, ``replace_lane(name)``, ``shuffle(a, b, lanes)``, and
the memory rows ``LOADS`` / ``load_lane`` / ``store_lane`` over bytes.
"""

from __future__ import annotations

import operator
import struct
from collections.abc import Callable

from ..syntax.values import f32_from_bits, f32_to_bits, f64_from_bits, f64_to_bits
from . import numerics as _n
from . import relaxed_simd

M128 = (1 << 128) - 1
M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF
WIDTHS = (8, 16, 32, 64)
SHAPES = {8: "i8x16", 16: "i16x8", 32: "i32x4", 64: "i64x2"}


def _rep(pattern: int, w: int) -> int:
    """``pattern`` (a ``w``-bit int) in every ``w``-bit lane."""
    out = 0
    for i in range(128 // w):
        out |= pattern << (i * w)
    return out


#: 1 in the lowest bit of every lane, and the top (sign) bit of every lane.
ONES = {w: _rep(1, w) for w in WIDTHS}
HIGH = {w: _rep(1 << (w - 1), w) for w in WIDTHS}
_LOW = {w: M128 ^ HIGH[w] for w in WIDTHS}
_MASK = {w: (1 << w) - 1 for w in WIDTHS}

_CODE = {8: "b", 16: "h", 32: "i", 64: "q"}
_S = {w: struct.Struct(f"<{128 // w}{c}") for w, c in _CODE.items()}
_U = {w: struct.Struct(f"<{128 // w}{c.upper()}") for w, c in _CODE.items()}
_F32X4 = struct.Struct("<4f")
_F64X2 = struct.Struct("<2d")
_I32X4 = _U[32]
_I64X2 = _U[64]


def lanes(v: int, w: int, signed: bool = False) -> tuple[int, ...]:
    """The ``128 // w`` lanes of ``v``, lane 0 first, as unsigned (or signed) ints."""
    return (_S if signed else _U)[w].unpack(v.to_bytes(16, "little"))


def join(values, w: int, signed: bool = False) -> int:
    """The v128 of these lanes (each already in the unsigned, or signed, range of ``w``)."""
    return int.from_bytes((_S if signed else _U)[w].pack(*values), "little")


def join_wrap(values, w: int) -> int:
    """The v128 of these lanes, each taken modulo ``2**w``."""
    m = _MASK[w]
    return int.from_bytes(_U[w].pack(*(x & m for x in values)), "little")


def f32_lanes(v: int) -> tuple[float, ...]:
    """The four f32 lanes as Python floats (a signalling NaN may come out quiet)."""
    return _F32X4.unpack(v.to_bytes(16, "little"))


def f32_join(values) -> int:
    """Four f32 values (Python floats holding f32 values, or quiet NaNs) as a v128."""
    return int.from_bytes(_F32X4.pack(*values), "little")


def f64_lanes(v: int) -> tuple[float, ...]:
    """The two f64 lanes, bit for bit."""
    return _F64X2.unpack(v.to_bytes(16, "little"))


def f64_join(values) -> int:
    return int.from_bytes(_F64X2.pack(*values), "little")


def _named(name: str, fn: Callable) -> Callable:
    fn.__name__ = fn.__qualname__ = name.replace(".", "_")
    return fn


# =========================================================================================
# Builders: a lane function mapped over the lanes of one or two v128s
# =========================================================================================
def _map1(w: int, fn: Callable, signed_in: bool = False, signed_out: bool = False) -> Callable:
    unpack = (_S if signed_in else _U)[w].unpack
    pack = (_S if signed_out else _U)[w].pack

    def op(a: int) -> int:
        return int.from_bytes(pack(*map(fn, unpack(a.to_bytes(16, "little")))), "little")
    return op


def _map2(w: int, fn: Callable, signed_in: bool = False, signed_out: bool = False) -> Callable:
    unpack = (_S if signed_in else _U)[w].unpack
    pack = (_S if signed_out else _U)[w].pack

    def op(a: int, b: int) -> int:
        return int.from_bytes(
            pack(*map(fn, unpack(a.to_bytes(16, "little")), unpack(b.to_bytes(16, "little")))),
            "little")
    return op


def _compare(w: int, test: Callable, signed: bool) -> Callable:
    """A lane comparison: all ones where ``test(a, b)`` holds, else zero. The booleans are
    packed as lanes of 0 or 1; times ``2**w - 1`` each becomes 0 or all ones."""
    unpack, pack, m = (_S if signed else _U)[w].unpack, _U[w].pack, _MASK[w]

    def op(a: int, b: int) -> int:
        return int.from_bytes(
            pack(*map(test, unpack(a.to_bytes(16, "little")), unpack(b.to_bytes(16, "little")))),
            "little") * m
    return op


def _f32_map1(fn: Callable) -> Callable:
    def op(a: int) -> int:
        return f32_join(map(fn, f32_lanes(a)))
    return op


def _f32_map2(fn: Callable) -> Callable:
    def op(a: int, b: int) -> int:
        return f32_join(map(fn, f32_lanes(a), f32_lanes(b)))
    return op


def _f64_map1(fn: Callable) -> Callable:
    def op(a: int) -> int:
        return f64_join(map(fn, f64_lanes(a)))
    return op


def _f64_map2(fn: Callable) -> Callable:
    def op(a: int, b: int) -> int:
        return f64_join(map(fn, f64_lanes(a), f64_lanes(b)))
    return op


def _f_compare(width: int, test: Callable) -> Callable:
    """A float lane comparison (NaN compares unequal and unordered, as Python's floats do):
    all ones or zero, as ``_compare``."""
    split = f32_lanes if width == 32 else f64_lanes
    pack, m = _U[width].pack, _MASK[width]

    def op(a: int, b: int) -> int:
        return int.from_bytes(pack(*map(test, split(a), split(b))), "little") * m
    return op


# =========================================================================================
# v128: bitwise
# =========================================================================================
def v128_not(a: int) -> int:
    return a ^ M128


def v128_and(a: int, b: int) -> int:
    return a & b


def v128_andnot(a: int, b: int) -> int:
    return a & (b ^ M128)


def v128_or(a: int, b: int) -> int:
    return a | b


def v128_xor(a: int, b: int) -> int:
    return a ^ b


def v128_bitselect(v1: int, v2: int, c: int) -> int:
    """Bits of ``v1`` where ``c`` has ones, of ``v2`` where it has zeros."""
    return (v1 & c) | (v2 & (c ^ M128))


def v128_any_true(a: int) -> int:
    return 1 if a else 0


# =========================================================================================
# Integer lanes, whole-v128 (SWAR) forms
# =========================================================================================
def _add(w: int) -> Callable:
    """Lane-wise wrapping add: add the low w-1 bits of each lane (no carry can leave the
    lane), then set each top bit to a ^ b ^ carry."""
    high, low = HIGH[w], _LOW[w]

    def op(a: int, b: int) -> int:
        return ((a & low) + (b & low)) ^ ((a ^ b) & high)
    return op


def _sub(w: int) -> Callable:
    """Lane-wise wrapping sub: borrow from a top bit forced to one, then fix the top bits
    (Hacker's Delight 2-18)."""
    high, low = HIGH[w], _LOW[w]

    def op(a: int, b: int) -> int:
        return ((a | high) - (b & low)) ^ ((a ^ b ^ M128) & high)
    return op


def _neg(w: int) -> Callable:
    sub = _sub(w)
    return lambda a: sub(0, a)


#: Per width and count k: the bits of each lane that survive ``shl k`` / ``shr_u k``, and
#: the sign fill of ``shr_s k`` (the top k bits of a lane).
_SHL_KEEP = {w: [_rep((_MASK[w] << k) & _MASK[w], w) for k in range(w)] for w in WIDTHS}
_SHR_KEEP = {w: [_rep(_MASK[w] >> k, w) for k in range(w)] for w in WIDTHS}
_SHR_FILL = {w: [(_MASK[w] >> (w - k)) << (w - k) if k else 0 for k in range(w)] for w in WIDTHS}


def _shl(w: int) -> Callable:
    keep, m = _SHL_KEEP[w], w - 1

    def op(a: int, count: int) -> int:
        k = count & m
        return (a << k) & keep[k]
    return op


def _shr_u(w: int) -> Callable:
    keep, m = _SHR_KEEP[w], w - 1

    def op(a: int, count: int) -> int:
        k = count & m
        return (a >> k) & keep[k]
    return op


def _shr_s(w: int) -> Callable:
    """``shr_u``, then the top k bits of each negative lane set: the lane's sign bit moved
    to the lane's bit 0 times the fill pattern."""
    keep, fill, m, high, top = _SHR_KEEP[w], _SHR_FILL[w], w - 1, HIGH[w], w - 1

    def op(a: int, count: int) -> int:
        k = count & m
        return ((a >> k) & keep[k]) | (((a & high) >> top) * fill[k])
    return op


def _eq(w: int, equal: bool) -> Callable:
    """``eq``/``ne``: a lane of ``a ^ b`` is nonzero exactly when adding the low-bits mask to
    its low bits carries into its top bit, or its top bit is set."""
    high, low, m, top = HIGH[w], _LOW[w], _MASK[w], w - 1

    def op(a: int, b: int) -> int:
        x = a ^ b
        nonzero = (((x & low) + low) | x) & high
        return (((nonzero ^ high) if equal else nonzero) >> top) * m
    return op


def _splat(w: int) -> Callable:
    ones, m = ONES[w], _MASK[w]

    def op(x: int) -> int:
        return (x & m) * ones
    return op


# =========================================================================================
# Integer lanes, lane by lane
# =========================================================================================
def _abs(w: int) -> Callable:
    m = _MASK[w]
    return _map1(w, lambda x: abs(x) & m, signed_in=True)


def _mul(w: int) -> Callable:
    m = _MASK[w]
    return _map2(w, lambda x, y: (x * y) & m)


def _sat_s(w: int) -> tuple[int, int]:
    return -(1 << (w - 1)), (1 << (w - 1)) - 1


def _add_sat_s(w: int) -> Callable:
    lo, hi = _sat_s(w)
    return _map2(w, lambda x, y: max(lo, min(hi, x + y)), True, True)


def _sub_sat_s(w: int) -> Callable:
    lo, hi = _sat_s(w)
    return _map2(w, lambda x, y: max(lo, min(hi, x - y)), True, True)


def _add_sat_u(w: int) -> Callable:
    m = _MASK[w]
    return _map2(w, lambda x, y: min(m, x + y))


def _sub_sat_u(w: int) -> Callable:
    return _map2(w, lambda x, y: max(0, x - y))


def _min(w: int, signed: bool) -> Callable:
    return _map2(w, lambda x, y: y if y < x else x, signed, signed)


def _max(w: int, signed: bool) -> Callable:
    return _map2(w, lambda x, y: y if y > x else x, signed, signed)


def _avgr_u(w: int) -> Callable:
    return _map2(w, lambda x, y: (x + y + 1) >> 1)


def _all_true(w: int) -> Callable:
    unpack = _U[w].unpack

    def op(a: int) -> int:
        return 0 if 0 in unpack(a.to_bytes(16, "little")) else 1
    return op


def _bitmask(w: int) -> Callable:
    """Bit i of the i32 result is the sign bit of lane i."""
    positions = [(i * w + w - 1, i) for i in range(128 // w)]

    def op(a: int) -> int:
        out = 0
        for src, dst in positions:
            out |= ((a >> src) & 1) << dst
        return out
    return op


_POPCNT = bytes(i.bit_count() for i in range(256))


def i8x16_popcnt(a: int) -> int:
    return int.from_bytes(a.to_bytes(16, "little").translate(_POPCNT), "little")


def i8x16_swizzle(a: int, s: int) -> int:
    """Lane i is lane ``s[i]`` of ``a``, or 0 where ``s[i] >= 16``."""
    table = a.to_bytes(16, "little") + bytes(240)
    return int.from_bytes(s.to_bytes(16, "little").translate(table), "little")


def shuffle(a: int, b: int, selection: bytes) -> int:
    """``i8x16.shuffle``: lane i is byte ``selection[i]`` (< 32) of ``a`` then ``b``."""
    table = a.to_bytes(16, "little") + b.to_bytes(16, "little") + bytes(224)
    return int.from_bytes(bytes(selection).translate(table), "little")


# -- changing the lane width ------------------------------------------------------------
def _narrow(w: int, signed: bool) -> Callable:
    """``narrow_iW_sx``: the signed lanes of ``a`` then of ``b``, saturated to half width."""
    unpack, pack = _S[w].unpack, (_S if signed else _U)[w // 2].pack
    lo, hi = _sat_s(w // 2) if signed else (0, _MASK[w // 2])

    def op(a: int, b: int) -> int:
        both = unpack(a.to_bytes(16, "little")) + unpack(b.to_bytes(16, "little"))
        return int.from_bytes(pack(*(lo if x < lo else hi if x > hi else x for x in both)), "little")
    return op


def _extend(w: int, half: str, signed: bool) -> Callable:
    """``extend_{low,high}_iW/2_sx``: half of the narrow lanes, each widened to ``w``."""
    unpack, pack = (_S if signed else _U)[w // 2].unpack, (_S if signed else _U)[w].pack
    part = slice(0, 128 // w) if half == "low" else slice(128 // w, 256 // w)

    def op(a: int) -> int:
        return int.from_bytes(pack(*unpack(a.to_bytes(16, "little"))[part]), "little")
    return op


def _extmul(w: int, half: str, signed: bool) -> Callable:
    """``extmul_{low,high}_iW/2_sx``: the exact product of the widened lanes (it fits)."""
    unpack, pack = (_S if signed else _U)[w // 2].unpack, (_S if signed else _U)[w].pack
    part = slice(0, 128 // w) if half == "low" else slice(128 // w, 256 // w)

    def op(a: int, b: int) -> int:
        xs = unpack(a.to_bytes(16, "little"))[part]
        ys = unpack(b.to_bytes(16, "little"))[part]
        return int.from_bytes(pack(*(x * y for x, y in zip(xs, ys))), "little")
    return op


def _extadd_pairwise(w: int, signed: bool) -> Callable:
    """Lane i is the sum of narrow lanes 2i and 2i+1, widened (it fits)."""
    unpack, pack = (_S if signed else _U)[w // 2].unpack, (_S if signed else _U)[w].pack

    def op(a: int) -> int:
        xs = unpack(a.to_bytes(16, "little"))
        return int.from_bytes(pack(*(x + y for x, y in zip(xs[0::2], xs[1::2]))), "little")
    return op


def i32x4_dot_i16x8_s(a: int, b: int) -> int:
    """Lane i is a[2i]*b[2i] + a[2i+1]*b[2i+1], signed, wrapped to 32 bits (only
    (-32768 * -32768) * 2 wraps)."""
    unpack = _S[16].unpack
    p = [x * y for x, y in zip(unpack(a.to_bytes(16, "little")), unpack(b.to_bytes(16, "little")))]
    return join([(p[i] + p[i + 1]) & M32 for i in range(0, 8, 2)], 32)


def _q15mulr_sat_s(x: int, y: int) -> int:
    r = (x * y + 0x4000) >> 15  # arithmetic shift: rounds the Q15 product half up
    return 32767 if r > 32767 else r  # only -32768 * -32768 overflows


i16x8_q15mulr_sat_s = _map2(16, _q15mulr_sat_s, True, True)


# =========================================================================================
# Float lanes
# =========================================================================================
_SIGN32 = HIGH[32]
_SIGN64 = HIGH[64]


def f32x4_abs(a: int) -> int:
    return a & (M128 ^ _SIGN32)


def f32x4_neg(a: int) -> int:
    return a ^ _SIGN32


def f64x2_abs(a: int) -> int:
    return a & (M128 ^ _SIGN64)


def f64x2_neg(a: int) -> int:
    return a ^ _SIGN64


def _pminmax(width: int, pick_b: Callable) -> Callable:
    """``pmin``/``pmax``: lane of ``b`` where ``pick_b(a, b)`` holds, else lane of ``a`` —
    the operand's bits unchanged (NaNs and zeros included)."""
    split = f32_lanes if width == 32 else f64_lanes
    ints, pack = _U[width].unpack, _U[width].pack

    def op(a: int, b: int) -> int:
        ab, bb = a.to_bytes(16, "little"), b.to_bytes(16, "little")
        ia, ib = ints(ab), ints(bb)
        picks = [pick_b(x, y) for x, y in zip(split(a), split(b))]
        return int.from_bytes(pack(*(y if p else x for p, x, y in zip(picks, ia, ib))), "little")
    return op


def _float_ops(shape: str) -> dict[str, Callable]:
    t = shape[:3]
    width = int(t[1:])
    map1, map2 = (_f32_map1, _f32_map2) if width == 32 else (_f64_map1, _f64_map2)
    ops: dict[str, Callable] = {}
    for name in ("ceil", "floor", "trunc", "nearest", "sqrt"):
        ops[f"{shape}.{name}"] = map1(getattr(_n, f"{t}_{name}"))
    for name in ("add", "sub", "mul", "div", "min", "max"):
        ops[f"{shape}.{name}"] = map2(getattr(_n, f"{t}_{name}"))
    for name in ("eq", "ne", "lt", "gt", "le", "ge"):
        ops[f"{shape}.{name}"] = _f_compare(width, getattr(operator, name))
    ops[f"{shape}.pmin"] = _pminmax(width, lambda x, y: y < x)
    ops[f"{shape}.pmax"] = _pminmax(width, lambda x, y: x < y)
    return ops


def f32x4_splat(x: float) -> int:
    return f32_to_bits(x) * ONES[32]


def f64x2_splat(x: float) -> int:
    return f64_to_bits(x) * ONES[64]


# -- conversions ----------------------------------------------------------------------------
def i32x4_trunc_sat_f32x4_s(a: int) -> int:
    return join(map(_n.i32_trunc_sat_f32_s, f32_lanes(a)), 32)


def i32x4_trunc_sat_f32x4_u(a: int) -> int:
    return join(map(_n.i32_trunc_sat_f32_u, f32_lanes(a)), 32)


def i32x4_trunc_sat_f64x2_s_zero(a: int) -> int:
    x, y = f64_lanes(a)
    return _n.i32_trunc_sat_f64_s(x) | (_n.i32_trunc_sat_f64_s(y) << 32)


def i32x4_trunc_sat_f64x2_u_zero(a: int) -> int:
    x, y = f64_lanes(a)
    return _n.i32_trunc_sat_f64_u(x) | (_n.i32_trunc_sat_f64_u(y) << 32)


def f32x4_convert_i32x4_s(a: int) -> int:
    return f32_join(map(_n.f32_convert_i32_s, lanes(a, 32)))


def f32x4_convert_i32x4_u(a: int) -> int:
    return f32_join(map(_n.f32_convert_i32_u, lanes(a, 32)))


def f64x2_convert_low_i32x4_s(a: int) -> int:
    return f64_join((_n.f64_convert_i32_s(a & M32), _n.f64_convert_i32_s((a >> 32) & M32)))


def f64x2_convert_low_i32x4_u(a: int) -> int:
    return f64_join((_n.f64_convert_i32_u(a & M32), _n.f64_convert_i32_u((a >> 32) & M32)))


def f32x4_demote_f64x2_zero(a: int) -> int:
    x, y = f64_lanes(a)
    return f32_join((_n.f32_demote_f64(x), _n.f32_demote_f64(y), 0.0, 0.0))


def f64x2_promote_low_f32x4(a: int) -> int:
    x, y = f32_lanes(a)[:2]
    return f64_join((_n.f64_promote_f32(x), _n.f64_promote_f32(y)))


# =========================================================================================
# Rows with immediates
# =========================================================================================
def extract_lane(name: str) -> Callable[[int, int], int | float]:
    """``SHAPE.extract_lane[_sx]`` as ``f(v, lane)``: an i32/i64 bit pattern or a float."""
    shape, _, op = name.partition(".")
    w = int(shape[1:].split("x")[0])
    m = _MASK[w]
    if shape == "f32x4":
        return lambda v, lane: f32_from_bits((v >> (lane * 32)) & M32)
    if shape == "f64x2":
        return lambda v, lane: f64_from_bits((v >> (lane * 64)) & M64)
    if op.endswith("_s"):
        sign = 1 << (w - 1)
        return lambda v, lane: (((((v >> (lane * w)) & m) ^ sign) - sign) & M32)
    return lambda v, lane: (v >> (lane * w)) & m


def replace_lane(name: str) -> Callable[[int, int, int | float], int]:
    """``SHAPE.replace_lane`` as ``f(v, lane, x)``."""
    shape = name.partition(".")[0]
    w = int(shape[1:].split("x")[0])
    m = _MASK[w]
    to_bits = f32_to_bits if shape == "f32x4" else f64_to_bits if shape == "f64x2" else None

    def op(v: int, lane: int, x) -> int:
        bits = to_bits(x) if to_bits else x & m
        shift = lane * w
        return (v & ~(m << shift)) | (bits << shift)
    return op


def _load_extend(w: int, signed: bool) -> Callable[[bytes], int]:
    """``v128.loadNxM_sx``: 8 bytes, M lanes of N bits, each widened to 2N."""
    n = 128 // w
    unpack = struct.Struct(f"<{n}{_CODE[w // 2] if signed else _CODE[w // 2].upper()}").unpack
    pack = (_S if signed else _U)[w].pack
    return lambda b: int.from_bytes(pack(*unpack(b)), "little")


def _load_splat(w: int) -> Callable[[bytes], int]:
    ones = ONES[w]
    return lambda b: int.from_bytes(b, "little") * ones


def _from_bytes(b: bytes) -> int:
    return int.from_bytes(b, "little")


#: The memory rows that read with a memarg: mnemonic -> f(bytes) -> v128 (how many bytes
#: each reads is the opcode table's ``op.access.size``).
LOADS: dict[str, Callable[[bytes], int]] = {
    "v128.load": _from_bytes,
    "v128.load8x8_s": _load_extend(16, True),
    "v128.load8x8_u": _load_extend(16, False),
    "v128.load16x4_s": _load_extend(32, True),
    "v128.load16x4_u": _load_extend(32, False),
    "v128.load32x2_s": _load_extend(64, True),
    "v128.load32x2_u": _load_extend(64, False),
    "v128.load8_splat": _load_splat(8),
    "v128.load16_splat": _load_splat(16),
    "v128.load32_splat": _load_splat(32),
    "v128.load64_splat": _load_splat(64),
    "v128.load32_zero": _from_bytes,
    "v128.load64_zero": _from_bytes,
}


def load_lane(v: int, w: int, lane: int, b: bytes) -> int:
    """``v128.loadW_lane``: ``v`` with lane ``lane`` (of ``w`` bits) replaced by ``b``."""
    shift = lane * w
    return (v & ~(_MASK[w] << shift)) | (int.from_bytes(b, "little") << shift)


def store_lane(v: int, w: int, lane: int) -> bytes:
    """``v128.storeW_lane``: the bytes of lane ``lane`` (of ``w`` bits)."""
    return ((v >> (lane * w)) & _MASK[w]).to_bytes(w // 8, "little")


def lane_width(name: str) -> int:
    """The lane (or access) width in bits that a vector mnemonic names: ``i16x8.add`` 16,
    ``v128.load32_lane`` 32."""
    shape, _, op = name.partition(".")
    if shape != "v128":
        return int(shape[1:].split("x")[0])
    digits = "".join(c if c.isdigit() else " " for c in op).split()
    return int(digits[0]) if digits else 128


# =========================================================================================
# The table
# =========================================================================================
def _integer_ops(w: int) -> dict[str, Callable]:
    s = SHAPES[w]
    ops: dict[str, Callable] = {
        f"{s}.add": _add(w), f"{s}.sub": _sub(w), f"{s}.neg": _neg(w), f"{s}.abs": _abs(w),
        f"{s}.shl": _shl(w), f"{s}.shr_s": _shr_s(w), f"{s}.shr_u": _shr_u(w),
        f"{s}.splat": _splat(w), f"{s}.all_true": _all_true(w), f"{s}.bitmask": _bitmask(w),
        f"{s}.eq": _eq(w, True), f"{s}.ne": _eq(w, False),
    }
    relations = {"lt": operator.lt, "gt": operator.gt, "le": operator.le, "ge": operator.ge}
    for rel, test in relations.items():
        ops[f"{s}.{rel}_s"] = _compare(w, test, True)
        if w < 64:
            ops[f"{s}.{rel}_u"] = _compare(w, test, False)
    if w >= 16:
        ops[f"{s}.mul"] = _mul(w)
        narrow = SHAPES[w // 2]
        for sx, signed in (("s", True), ("u", False)):
            for half in ("low", "high"):
                ops[f"{s}.extend_{half}_{narrow}_{sx}"] = _extend(w, half, signed)
                ops[f"{s}.extmul_{half}_{narrow}_{sx}"] = _extmul(w, half, signed)
            if w < 64:
                ops[f"{s}.extadd_pairwise_{narrow}_{sx}"] = _extadd_pairwise(w, signed)
    if w <= 16:
        ops.update({
            f"{s}.add_sat_s": _add_sat_s(w), f"{s}.add_sat_u": _add_sat_u(w),
            f"{s}.sub_sat_s": _sub_sat_s(w), f"{s}.sub_sat_u": _sub_sat_u(w),
            f"{s}.avgr_u": _avgr_u(w),
            f"{s}.narrow_{SHAPES[2 * w]}_s": _narrow(2 * w, True),
            f"{s}.narrow_{SHAPES[2 * w]}_u": _narrow(2 * w, False),
        })
    if w <= 32:
        ops.update({f"{s}.min_s": _min(w, True), f"{s}.min_u": _min(w, False),
                    f"{s}.max_s": _max(w, True), f"{s}.max_u": _max(w, False)})
    return ops


def _build() -> dict[str, Callable]:
    ops: dict[str, Callable] = {}
    for w in WIDTHS:
        ops.update(_integer_ops(w))
    ops.update(_float_ops("f32x4"))
    ops.update(_float_ops("f64x2"))
    this = globals()
    for name, fn in list(this.items()):  # the functions written out above
        if name.startswith(("v128_", "i8x16_", "i16x8_", "i32x4_", "f32x4_", "f64x2_")):
            shape, _, rest = name.partition("_")
            ops[f"{shape}.{rest}"] = fn
    ops.update(relaxed_simd.RELAXED_OPS)  # WebAssembly 3.0's relaxed SIMD
    return {name: _named(name, fn) for name, fn in ops.items()}


#: Every vector instruction without immediates: mnemonic -> pure function on raw values
#: (the relaxed SIMD ones are ``exec.relaxed_simd``'s).
#: ``tests/test_simd.py`` proves the keys are exactly the table's immediate-free vector rows.
SIMD_OPS: dict[str, Callable] = _build()
#: The relaxed SIMD instructions as wasmtime runs them with its
#: ``wasm_relaxed_simd_deterministic`` switch on (``exec.relaxed_simd``).
RELAXED_DETERMINISTIC: dict[str, Callable] = {
    **{name: SIMD_OPS[same] for name, same in relaxed_simd.DETERMINISTIC_AS.items()},
    **relaxed_simd.DETERMINISTIC_OWN,
}
