"""Values (spec 4.2.1): typed numbers that keep their exact bits.

``i32(2)``, ``i64(-1)``, ``f32(1.5)``, ``f64.from_bits(0x7ff4000000000000)``, ``v128(n)``.

A value stores its bit pattern (``.bits``, an unsigned int) and shows it as a Python
number (``.value``: ints signed, floats as Python floats). Floats keep NaN payloads:
``f32.from_bits(0x7fa00000).bits == 0x7fa00000`` although CPython quiets signalling
NaNs whenever it converts a C float to a double.

The module-level functions convert between float bit patterns and Python floats without
that loss; the executors use the same functions, so there is one definition of each.
"""

from __future__ import annotations

import math
import struct

from .types import ValType

_pack_d = struct.Struct("<d").pack
_unpack_d = struct.Struct("<d").unpack
_pack_q = struct.Struct("<Q").pack
_unpack_q = struct.Struct("<Q").unpack
_pack_f = struct.Struct("<f").pack
_unpack_f = struct.Struct("<f").unpack
_pack_I = struct.Struct("<I").pack
_unpack_I = struct.Struct("<I").unpack

F32_EXP = 0x7F800000
F32_FRAC = 0x007FFFFF
F64_EXP = 0x7FF0000000000000
F64_FRAC = 0x000FFFFFFFFFFFFF


def signed(bits: int, width: int) -> int:
    """The two's-complement value of an unsigned ``width``-bit pattern (how i32 and i64
    are shown to people: ``signed(0xFFFFFFFF, 32) == -1``)."""
    return bits - ((bits >> (width - 1)) << width)


def f64_from_bits(bits: int) -> float:
    """The float with these 64 bits (NaN payloads kept)."""
    return _unpack_d(_pack_q(bits))[0]


def f64_to_bits(x: float) -> int:
    return _unpack_q(_pack_d(x))[0]


def f32_from_bits(bits: int) -> float:
    """The f32 with these 32 bits, as a Python float (a double) holding the same value.

    NaNs are widened by hand (sign, payload shifted into the top of the double's fraction)
    so that a signalling NaN stays signalling; ``f32_to_bits`` inverts this exactly.
    """
    if bits & F32_EXP == F32_EXP and bits & F32_FRAC:
        sign = (bits >> 31) << 63
        return f64_from_bits(sign | F64_EXP | ((bits & F32_FRAC) << 29))
    return _unpack_f(_pack_I(bits))[0]


def f32_to_bits(x: float) -> int:
    """The 32 bits of an f32 held in a Python float (which must be an f32 value or NaN)."""
    if x != x:
        b = f64_to_bits(x)
        frac = (b >> 29) & F32_FRAC or 0x400000  # a payload only in the low bits: quiet NaN
        return ((b >> 63) << 31) | F32_EXP | frac
    return _unpack_I(_pack_f(x))[0]


def f32_round(x: float) -> float:
    """Round a double to the nearest f32 (ties to even); overflow gives ±inf."""
    try:
        return _unpack_f(_pack_f(x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def format_float(x: float, bits: int, width: int) -> str:
    """WAT text for a float: shortest decimal that round-trips, ``inf``, ``nan:0x…``."""
    if x != x:
        frac_bits = 23 if width == 32 else 52
        payload = bits & ((1 << frac_bits) - 1)
        sign = "-" if bits >> (width - 1) else ""
        if payload == 1 << (frac_bits - 1):
            return f"{sign}nan"
        return f"{sign}nan:0x{payload:x}"
    if math.isinf(x):
        return "-inf" if x < 0 else "inf"
    if width == 64:
        return repr(x)
    for digits in range(1, 10):
        text = f"{x:.{digits}g}"
        if f32_round(float(text)) == x:
            break
    if "e" not in text and "." not in text and "n" not in text:
        text += ".0"
    return text


class Value:
    """A typed WebAssembly value: type plus exact bits."""

    __slots__ = ("bits",)
    type: ValType
    width: int

    def __eq__(self, other):
        return type(other) is type(self) and other.bits == self.bits

    def __hash__(self):
        return hash((type(self), self.bits))

    @classmethod
    def from_bits(cls, bits: int) -> Value:
        if not 0 <= bits < 1 << cls.width:
            raise ValueError(f"{cls.__name__} bits out of range: {bits:#x}")
        v = object.__new__(cls)
        v.bits = bits
        return v


class _Int(Value):
    __slots__ = ()

    def __init__(self, n: int):
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"{type(self).__name__} needs an int, got {n!r}")
        if not -(1 << (self.width - 1)) <= n < 1 << self.width:
            raise ValueError(f"{n} does not fit in {type(self).__name__}")
        self.bits = n & ((1 << self.width) - 1)

    @property
    def value(self) -> int:
        """The value as a signed int (as wasmtime-py shows it)."""
        return signed(self.bits, self.width)

    @property
    def unsigned(self) -> int:
        return self.bits

    def __repr__(self):
        return f"{type(self).__name__}({self.value})"

    def __str__(self):
        return str(self.value)


class i32(_Int):  # noqa: N801 - named as the spec's type
    __slots__ = ()
    type = ValType.I32
    width = 32


class i64(_Int):  # noqa: N801
    __slots__ = ()
    type = ValType.I64
    width = 64


class _Float(Value):
    __slots__ = ()

    def __repr__(self):
        x = self.value
        if x != x:
            return f"{type(self).__name__}.from_bits({self.bits:#x})"
        return f"{type(self).__name__}({format_float(x, self.bits, self.width)})"

    def __str__(self):
        return format_float(self.value, self.bits, self.width)


class f32(_Float):  # noqa: N801
    __slots__ = ()
    type = ValType.F32
    width = 32

    def __init__(self, x: float):
        self.bits = f32_to_bits(f32_round(float(x)))

    @property
    def value(self) -> float:
        return f32_from_bits(self.bits)


class f64(_Float):  # noqa: N801
    __slots__ = ()
    type = ValType.F64
    width = 64

    def __init__(self, x: float):
        self.bits = f64_to_bits(float(x))

    @property
    def value(self) -> float:
        return f64_from_bits(self.bits)


class v128(Value):  # noqa: N801
    __slots__ = ()
    type = ValType.V128
    width = 128

    def __init__(self, n: int):
        if not -(1 << 127) <= n < 1 << 128:
            raise ValueError(f"{n} does not fit in v128")
        self.bits = n & ((1 << 128) - 1)

    @property
    def value(self) -> int:
        return self.bits

    def __repr__(self):
        return f"v128({self.bits:#034x})"

    def __str__(self):
        b = self.bits.to_bytes(16, "little")
        return "i32x4 " + " ".join(
            f"0x{int.from_bytes(b[i : i + 4], 'little'):08x}" for i in range(0, 16, 4)
        )


VALUE_CLASSES: dict[ValType, type[Value]] = {c.type: c for c in (i32, i64, f32, f64, v128)}
