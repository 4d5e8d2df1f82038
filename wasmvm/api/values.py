"""Values across the embedding boundary: ``Val`` (exact bits) and Python conversions.

Inside the engine values are raw (see ``exec.numerics``). At the boundary they are
either plain Python values — ints (i32/i64 shown signed, as wasmtime-py does), floats,
``Func`` or ``None`` for funcref, any object or ``None`` for externref, ints for v128 — or
``Val`` objects, which carry the exact bit pattern both ways so NaN payloads survive.
"""

from __future__ import annotations

from ..exec.gc import I31, Array, Internalized, Struct
from ..exec.store import ExternRef, FuncInst
from ..syntax.types import TOP, ValType
from ..syntax.values import (
    f32_from_bits,
    f32_round,
    f32_to_bits,
    f64_from_bits,
    f64_to_bits,
    signed,
)

_MASK = {ValType.I32: 0xFFFFFFFF, ValType.I64: 0xFFFFFFFFFFFFFFFF,
         ValType.V128: (1 << 128) - 1}
_WIDTH = {ValType.I32: 32, ValType.I64: 64, ValType.V128: 128}


class Val:
    """A typed WebAssembly value with exact bits: ``Val.i32(-1)``, ``Val.f32(1.5)``,
    ``Val.from_bits(ValType.f32(), 0x7fa00000)``, ``Val.funcref(func)``,
    ``Val.externref(obj)``. ``.type``, ``.value`` (a Python value) and ``.bits``."""

    __slots__ = ("type", "_raw")

    def __init__(self, t: ValType, raw):
        self.type = t
        self._raw = raw

    # -- constructors ----------------------------------------------------------------
    @classmethod
    def i32(cls, n: int) -> Val:
        return cls(ValType.I32, _int_raw(ValType.I32, n))

    @classmethod
    def i64(cls, n: int) -> Val:
        return cls(ValType.I64, _int_raw(ValType.I64, n))

    @classmethod
    def f32(cls, x: float) -> Val:
        return cls(ValType.F32, f32_round(float(x)))

    @classmethod
    def f64(cls, x: float) -> Val:
        return cls(ValType.F64, float(x))

    @classmethod
    def v128(cls, n: int) -> Val:
        return cls(ValType.V128, _int_raw(ValType.V128, n))

    @classmethod
    def funcref(cls, func) -> Val:
        return cls(ValType.FUNCREF, None if func is None else func._inst)

    @classmethod
    def externref(cls, obj) -> Val:
        return cls(ValType.EXTERNREF, None if obj is None else ExternRef(obj))

    @classmethod
    def from_bits(cls, t: ValType, bits: int) -> Val:
        """The value of type ``t`` with exactly these bits (numeric and vector types)."""
        t = ValType(t)
        if t is ValType.F32:
            return cls(t, f32_from_bits(bits & 0xFFFFFFFF))
        if t is ValType.F64:
            return cls(t, f64_from_bits(bits & 0xFFFFFFFFFFFFFFFF))
        if t in _MASK:
            return cls(t, bits & _MASK[t])
        raise TypeError(f"{t} values have no bit pattern")

    # -- views -----------------------------------------------------------------------
    @property
    def bits(self) -> int:
        t = self.type
        if t is ValType.F32:
            return f32_to_bits(self._raw)
        if t is ValType.F64:
            return f64_to_bits(self._raw)
        if t in _MASK:
            return self._raw
        raise TypeError(f"{t} values have no bit pattern")

    @property
    def value(self):
        return to_python(self.type, self._raw)

    def __eq__(self, other):
        if not isinstance(other, Val) or other.type != self.type:
            return NotImplemented
        if self.type.is_ref:
            return self._raw is other._raw or self._raw == other._raw
        return self.bits == other.bits

    def __hash__(self):
        return hash((self.type, self.bits if not self.type.is_ref else id(self._raw)))

    def __repr__(self):
        t = self.type
        if t is ValType.F32 or t is ValType.F64:
            x = self._raw
            if x != x:
                return f"Val.from_bits(ValType.{t.name.lower()}(), {self.bits:#x})"
        return f"Val.{t.value}({self.value!r})"


def _int_raw(t: ValType, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{t} needs an int, got {type(n).__name__}")
    width = _WIDTH[t]
    if not -(1 << (width - 1)) <= n < 1 << width:
        raise ValueError(f"{n} does not fit in {t}")
    return n & _MASK[t]


def hierarchy(t) -> str | None:
    """The reference hierarchy of a type (``func``, ``extern``, ``exn``, ``any``), or
    None for numeric and vector types: references of one hierarchy share one raw form."""
    if not t.is_ref:
        return None
    heap = t.heap
    return "func" if isinstance(heap, int) else TOP[heap]


def to_raw(t: ValType, v):
    """A Python value or Val, as the raw value of type ``t`` (TypeError if it cannot be).
    A reference Val may have any type of ``t``'s hierarchy (a ``funcref`` Val for a
    ``(ref $t)`` parameter); a null is refused where ``t`` is not nullable."""
    if t.is_ref and t is not ValType.FUNCREF and t is not ValType.EXTERNREF:
        return _ref_raw(t, v)
    if isinstance(v, Val):
        if v.type != t:
            raise TypeError(f"expected a {t} value, got {v.type}")
        return v._raw
    if t is ValType.I32 or t is ValType.I64 or t is ValType.V128:
        return _int_raw(t, v)
    if t is ValType.F32:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"f32 needs a float, got {type(v).__name__}")
        return f32_round(float(v))
    if t is ValType.F64:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise TypeError(f"f64 needs a float, got {type(v).__name__}")
        return float(v)
    if t is ValType.FUNCREF:
        if v is None:
            return None
        inst = getattr(v, "_inst", None)
        if not isinstance(inst, FuncInst):
            raise TypeError(f"funcref needs a Func or None, got {type(v).__name__}")
        return inst
    if t is ValType.EXTERNREF:
        return None if v is None else (v if isinstance(v, ExternRef) else ExternRef(v))
    raise TypeError(f"no conversion to {t}")


def _ref_raw(t, v):
    top = hierarchy(t)
    if isinstance(v, Val):
        if hierarchy(v.type) != top:
            raise TypeError(f"expected a {t} value, got {v.type}")
        raw = v._raw
    elif v is None:
        raw = None
    elif isinstance(v, _GC_VALUES):  # a struct, array or i31 (from an earlier call)
        raw = v
    elif top == "func":
        raw = getattr(v, "_inst", None)
        if not isinstance(raw, FuncInst):
            raise TypeError(f"{t} needs a Func, got {type(v).__name__}")
    elif top == "extern":
        raw = v if isinstance(v, ExternRef) else ExternRef(v)
    elif top == "any":  # a host object as an anyref: an internalized externref
        raw = v if isinstance(v, (Struct, Array, I31, Internalized)) else \
            Internalized(v if isinstance(v, ExternRef) else ExternRef(v))
    else:
        raise TypeError(f"no conversion of a {type(v).__name__} to {t}")
    if raw is None and not t.nullable:
        raise TypeError(f"null is not a value of {t}")
    return raw


_GC_VALUES = (Struct, Array, I31)


def to_python(t: ValType, raw):
    """A raw value as a Python value: signed ints, floats, Func/None, host object/None."""
    if t is ValType.I32:
        return signed(raw, 32)
    if t is ValType.I64:
        return signed(raw, 64)
    if raw.__class__ in _GC_VALUES:  # structs, arrays, i31: themselves
        return raw
    if t.is_ref and t not in (ValType.FUNCREF, ValType.EXTERNREF):
        top = hierarchy(t)
        t = ValType.FUNCREF if top == "func" else ValType.EXTERNREF if top == "extern" else t
    if t is ValType.FUNCREF:
        if raw is None:
            return None
        from .extern import Func
        return Func._wrap(raw)
    if t is ValType.EXTERNREF:
        return None if raw is None else raw.value
    if raw.__class__ is Internalized:  # a host object as an anyref: the object
        return raw.value.value
    return raw


def to_val(t: ValType, raw) -> Val:
    return Val(t, raw)


# -- text forms, for command lines: "i32:3", "f32:nan:0x200000" -----------------------------
def parse_value(t: ValType, text: str) -> Val:
    """A value of type ``t`` from text: ints in decimal or 0x hex (negative allowed), floats
    as decimal, hex floats, ``inf``, ``nan`` or ``nan:0xPAYLOAD``, references as ``null``."""
    from ..syntax.values import F32_EXP, F64_EXP

    s = text.strip().replace("_", "")
    if not s:
        raise ValueError(f"an empty argument is not {_article(t)} {t}")
    if t.is_ref:
        if s != "null":
            raise ValueError(f"{_article(t)} {t} argument can only be null, got {text!r}")
        return Val(t, None)
    if t is ValType.V128 and s.split()[0] in _LANES:
        return Val(t, _parse_lanes(text))
    if t in _MASK:
        try:
            return Val(t, _int_raw(t, int(s, 0)))
        except ValueError:
            raise ValueError(f"not {_article(t)} {t}: {text!r}") from None
    sign = s.startswith("-")
    body = s.lstrip("+-")
    if body.startswith("nan"):
        width = 32 if t is ValType.F32 else 64
        frac = 23 if width == 32 else 52
        payload = int(body[4:], 16) if body.startswith("nan:") else 1 << (frac - 1)
        if not 0 < payload < 1 << frac:
            raise ValueError(f"NaN payload out of range: {text!r}")
        exp = F32_EXP if width == 32 else F64_EXP
        return Val.from_bits(t, (int(sign) << (width - 1)) | exp | payload)
    try:
        x = float.fromhex(s) if "0x" in body.lower() else float(s)
    except ValueError:
        raise ValueError(f"not {_article(t)} {t}: {text!r}") from None
    return Val.f32(x) if t is ValType.F32 else Val.f64(x)


def format_value(v: Val) -> str:
    """``i32:3``, ``f64:-0.0``, ``f32:nan:0x200000``, ``funcref:null``."""
    from ..syntax.values import format_float

    t = v.type
    if t is ValType.F32 or t is ValType.F64:
        text = format_float(v._raw, v.bits, 32 if t is ValType.F32 else 64)
    elif t is ValType.V128:
        from ..syntax.values import v128

        text = str(v128.from_bits(v.bits))  # i32x4 0x... lanes, as WAT writes it
    elif t.is_ref:
        text = "null" if v._raw is None else repr(v.value)
    else:
        text = str(v.value)
    return f"{t}:{text}"


def _article(t: ValType) -> str:
    """As the names are read aloud: an i32, an f64, an externref, a v128, a funcref."""
    return "a" if str(t) in ("v128", "funcref") else "an"


_LANES = {"i8x16": (8, 16), "i16x8": (16, 8), "i32x4": (32, 4), "i64x2": (64, 2)}


def _parse_lanes(text: str) -> int:
    """``i32x4 1 2 3 4`` (lanes in decimal or 0x hex, negative allowed) as 128 bits."""
    shape, *values = text.split()
    width, count = _LANES[shape]
    if len(values) != count:
        raise ValueError(f"{shape} needs {count} lanes, got {len(values)}")
    bits = 0
    for i, x in enumerate(values):
        n = int(x.replace("_", ""), 0)
        if not -(1 << (width - 1)) <= n < 1 << width:
            raise ValueError(f"lane {x} does not fit in {width} bits")
        bits |= (n & ((1 << width) - 1)) << (i * width)
    return bits
