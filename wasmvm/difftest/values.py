"""Values as the differential tests compare them, edge values per type, and the NaN rule.

A ``DiffVal`` is a type name and something comparable: the exact bit pattern for numbers
(an unsigned int), and for references ``None`` (null) or a label that both engines can
compute (``"func (param i32) (result i32)"``: a function's type; ``"extern:7"``: the host
object passed in, see ``ExternObj``).

The NaN rule (``agree``): values are equal when their bits are equal, with one exception.
The spec lets the float *arithmetic* operators (add, sub, mul, div, sqrt, min, max, ceil,
floor, trunc, nearest, demote, promote) return any NaN of a set: a canonical NaN of either
sign when every NaN operand is canonical, otherwise any arithmetic NaN (quiet bit set, any
sign, any payload). Moves never have that freedom: locals, globals, select, calls,
loads/stores, reinterpret, neg, abs and copysign keep or flip bits exactly. At a function's
result we cannot tell which instruction made a NaN, so:

* a module that contains none of the arithmetic operators is *NaN-exact*: every value is
  compared bit for bit;
* in a module that contains one (``module_nan_exact`` is False), two f32/f64 values also
  agree when wasmtime's value is an arithmetic NaN (quiet bit set) and so is wasmvm's, their
  signs and payloads aside. A signalling NaN from wasmtime can only come from a move, so it
  must be matched exactly; a signalling NaN from wasmvm where wasmtime has a quiet one is a
  divergence either way (no arithmetic operator returns one).

Everything else (integers, memory bytes, tables, non-NaN floats, the sign of zero) is exact.
Generators keep their NaNs from reaching integers unobserved: ``generate`` canonicalises a
float before reinterpret, store or copysign's sign operand when its module has arithmetic,
and ``smith`` runs wasm-smith with ``canonicalize-nans``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import NamedTuple

from ..opcodes import OPS

__all__ = [
    "DiffVal", "ExternObj", "EDGE_VALUES", "edge_values", "is_ref_type", "passable",
    "ref_arguments", "ref_heap", "typical_value", "NAN_ARITHMETIC_OPS", "agree", "argument_sets",
    "format_val", "is_arithmetic_nan", "is_nan", "module_nan_exact", "parse_val",
]

INT_TYPES = ("i32", "i64")
FLOAT_TYPES = ("f32", "f64")
NUM_TYPES = INT_TYPES + FLOAT_TYPES
REF_TYPES = ("funcref", "externref")
#: GC's abstract types whose values include i31 references (passed as ``"i31:N"``)
_I31_HEAPS = ("any", "eq", "i31")
_SHORTHAND_HEAPS = {"funcref": "func", "externref": "extern", "exnref": "exn",
                    "nullfuncref": "nofunc", "nullexternref": "noextern",
                    "nullexnref": "noexn", "anyref": "any", "eqref": "eq", "i31ref": "i31",
                    "structref": "struct", "arrayref": "array", "nullref": "none"}


def is_ref_type(t: str) -> bool:
    """Whether ``t`` (a type as wasmvm spells it: ``anyref``, ``(ref null $3)``,
    ``(ref i31)``) is a reference type."""
    return t in _SHORTHAND_HEAPS or t.startswith("(ref ")


def ref_heap(t: str) -> tuple[bool, str]:
    """(nullable, heap) of a reference type's text: ``(True, "any")``, ``(False, "$3")``."""
    if t in _SHORTHAND_HEAPS:
        return True, _SHORTHAND_HEAPS[t]
    words = t[1:-1].split()
    return words[1] == "null", words[-1]


def ref_arguments(t: str) -> list[DiffVal]:
    """The arguments both engines can be given for a parameter of reference type ``t``
    (wasmvm's spelling): a null where ``t`` is nullable, an externref host object for
    ``externref``, i31 references (``"i31:N"``, N the unsigned 31-bit value) where ``t``'s
    heap type is any, eq or i31. Empty where nothing can be passed: a non-nullable
    reference to a function, struct, array, exception or concrete type (wasmtime-py has
    no way to make one), or nullable exnref (wasmtime-py 50 has no raw exnref null)."""
    if t in REF_TYPES:
        return list(EDGE_VALUES[t])
    nullable, heap = ref_heap(t)
    out = []
    if nullable and heap not in ("exn", "noexn"):
        out.append(DiffVal(t, None))
    if heap in _I31_HEAPS:
        out += [DiffVal(t, f"i31:{n}") for n in (0, 1, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF)]
    return out
_WIDTH = {"i32": 32, "i64": 64, "f32": 32, "f64": 64, "v128": 128}
_FRAC = {"f32": 23, "f64": 52}


class DiffVal(NamedTuple):
    """A value of one engine, made comparable: ``DiffVal("f32", 0x7fa00000)``."""

    type: str
    bits: int | str | None

    def __str__(self) -> str:
        return format_val(self)


@dataclass(frozen=True)
class ExternObj:
    """The host object passed as a non-null externref argument (compared by ``n``)."""

    n: int

    @property
    def label(self) -> str:
        return f"extern:{self.n}"


# ---------------------------------------------------------------------------------------
# NaNs
# ---------------------------------------------------------------------------------------
def is_nan(t: str, bits: int) -> bool:
    frac = _FRAC[t]
    exp_mask = ((1 << (_WIDTH[t] - 1 - frac)) - 1) << frac
    return bits & exp_mask == exp_mask and bits & ((1 << frac) - 1) != 0


def is_arithmetic_nan(t: str, bits: int) -> bool:
    """A NaN with the quiet bit (the top fraction bit) set: what arithmetic may return."""
    return is_nan(t, bits) and bool(bits >> (_FRAC[t] - 1) & 1)


def is_canonical_nan(t: str, bits: int) -> bool:
    frac = _FRAC[t]
    return is_nan(t, bits) and bits & ((1 << frac) - 1) == 1 << (frac - 1)


#: Mnemonics of the scalar operators that may return a nondeterministic NaN (spec 4.3.3,
#: the ``nans`` of fadd, fsub, fmul, fdiv, fsqrt, fmin, fmax, fceil, ffloor, ftrunc,
#: fnearest, demote, promote). Built from the opcode table; vector float ops join them
#: when SIMD is compared (``include_vector``).
def _nan_ops(include_vector: bool) -> frozenset[str]:
    scalar = ("add", "sub", "mul", "div", "sqrt", "min", "max", "ceil", "floor", "trunc",
              "nearest")
    names = set()
    for op in OPS:
        t, _, rest = op.name.partition(".")
        if t in FLOAT_TYPES and rest in scalar:
            names.add(op.name)
        elif op.name in ("f32.demote_f64", "f64.promote_f32"):
            names.add(op.name)
        elif include_vector and op.group == "vector" and t in ("f32x4", "f64x2") and (
                rest in scalar or rest.startswith(("demote", "promote", "pmin", "pmax"))):
            names.add(op.name)
    return frozenset(names)


NAN_ARITHMETIC_OPS = _nan_ops(include_vector=False)
NAN_ARITHMETIC_OPS_SIMD = _nan_ops(include_vector=True)


def module_nan_exact(module, include_vector: bool = True) -> bool:
    """True if no function or constant expression of ``module`` (a ``wasmvm.syntax.Module``)
    holds an operator that may return a nondeterministic NaN."""
    from ..syntax.instructions import walk

    ops = NAN_ARITHMETIC_OPS_SIMD if include_vector else NAN_ARITHMETIC_OPS
    bodies = [f.body for f in module.funcs] + [g.init for g in module.globals]
    for body in bodies:
        for event, instr in walk(body):
            if event == "instr" and instr.op.name in ops:
                return False
    return True


def agree(expected: DiffVal, got: DiffVal, nan_exact: bool) -> bool:
    """Does ``got`` (wasmvm's) match ``expected`` (wasmtime's)? See the module docstring.
    A v128 agrees when, read as f32x4 or as f64x2 lanes, each lane is bit-equal or both
    lanes are arithmetic NaNs (float lanes follow the scalar rule)."""
    if expected == got:
        return True
    if nan_exact or expected.type != got.type:
        return False
    t = expected.type
    if t == "v128":
        return any(_lanes_agree(expected.bits, got.bits, lt, w)
                   for lt, w in (("f32", 32), ("f64", 64)))
    if t not in FLOAT_TYPES:
        return False
    return is_arithmetic_nan(t, expected.bits) and is_arithmetic_nan(t, got.bits)


def _lanes_agree(a: int, b: int, lane_type: str, width: int) -> bool:
    mask = (1 << width) - 1
    for i in range(128 // width):
        x = (a >> (i * width)) & mask
        y = (b >> (i * width)) & mask
        if x != y and not (is_arithmetic_nan(lane_type, x) and is_arithmetic_nan(lane_type, y)):
            return False
    return True


# ---------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------
#: what an engine that could not read a value gives instead (a global its adapter failed
#: to read): never compared, printed as "unreadable"
UNREADABLE = DiffVal("?", None)


def format_val(v: DiffVal) -> str:
    """``i32:-1``, ``f32:nan:0x200000``, ``f64:-0.0``, ``funcref:null`` (the bits in hex
    after floats, so that two NaNs can be told apart)."""
    t, bits = v
    if v == UNREADABLE:
        return "unreadable"
    if is_ref_type(t):
        return f"{t}:{'null' if bits is None else bits}"
    from ..api.values import Val, format_value
    from ..syntax.types import ValType

    text = format_value(Val.from_bits(ValType(t), bits))
    if t in FLOAT_TYPES:
        text += f" ({bits:#0{_WIDTH[t] // 4 + 2}x})"
    return text


def parse_val(t: str, text: str) -> DiffVal:
    """A value from command-line text, as ``wasmvm invoke`` reads it (``0x7f``, ``-1``,
    ``nan:0x200000``, ``inf``, ``null``); ValueError when it is not one."""
    from ..api.values import parse_value
    from ..syntax.types import ValType

    v = parse_value(ValType(t), text)
    return DiffVal(t, None if is_ref_type(t) else v.bits)


# ---------------------------------------------------------------------------------------
# Edge values
# ---------------------------------------------------------------------------------------
def _ints(width: int) -> list[int]:
    mask = (1 << width) - 1
    top = 1 << (width - 1)
    values = [0, 1, mask, 2, top, top - 1, top + 1, mask - 1, 7, 0xFF, 0x100, 0xFFFF,
              0x10000, width - 1, width, width + 1, 0x12345678 & mask, mask ^ 0x5555]
    if width == 64:
        values += [0xFFFFFFFF, 0x100000000, 0x80000000, 0xFFFFFFFF80000000]
    return list(dict.fromkeys(v & mask for v in values))


def _floats(t: str) -> list[int]:
    if t == "f32":
        return [
            0x00000000, 0x80000000,                  # +0, -0
            0x3F800000, 0xBF800000, 0x3F000000,      # 1, -1, 0.5
            0x3FC00000, 0xBFC00000, 0x40200000,      # 1.5, -1.5, 2.5 (rounding ties)
            0x7F800000, 0xFF800000,                  # +inf, -inf
            0x00000001, 0x807FFFFF, 0x00800000,      # min subnormal, -max subnormal, min normal
            0x7F7FFFFF, 0xFF7FFFFF,                  # max, -max
            0x7FC00000, 0xFFC00000,                  # canonical NaNs
            0x7FC00001, 0x7FE00000,                  # arithmetic NaNs with payloads
            0x7FA00000, 0xFF800001,                  # signalling NaNs
            0x4F000000, 0xCF000000, 0x4F800000,      # 2**31, -2**31, 2**32
            0x5F000000, 0xDF000000, 0x3EFFFFFF,      # 2**63, -2**63, 0.49999997
            0x4B000001,                              # 8388609 (2**23 + 1)
        ]
    return [
        0x0000000000000000, 0x8000000000000000,
        0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000,
        0x3FF8000000000000, 0xBFF8000000000000, 0x4004000000000000,
        0x7FF0000000000000, 0xFFF0000000000000,
        0x0000000000000001, 0x800FFFFFFFFFFFFF, 0x0010000000000000,
        0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF,
        0x7FF8000000000000, 0xFFF8000000000000,
        0x7FF8000000000001, 0x7FFC000000000000,
        0x7FF4000000000000, 0xFFF0000000000001,
        0x41E0000000000000, 0xC1E0000000000000, 0x41F0000000000000,
        0x43E0000000000000, 0xC3E0000000000000, 0x3FDFFFFFFFFFFFFF,
        0x41DFFFFFFFC00000,                      # 2**31 - 1
        0x3810000000000000, 0x47EFFFFFE0000000,  # f32 min normal, f32 max (demote edges)
    ]


def _v128s() -> list[int]:
    def lanes(values, width):
        return sum((v & ((1 << width) - 1)) << (width * k) for k, v in enumerate(values))

    f32 = _floats("f32")
    return [0, (1 << 128) - 1, lanes([0x80] * 16, 8), lanes(range(16), 8),
            lanes([0x7FFF, 0x8000, 0xFFFF, 1, 0, 0x7F, 0x80, 0xFF], 16),
            lanes([0x80000000, 0x7FFFFFFF, 1, 0xFFFFFFFF], 32),
            lanes(f32[15:19], 32), lanes(f32[19:23], 32), lanes(f32[0:4], 32),
            lanes([0x8000000000000000, 0x7FF8000000000001], 64)]


#: Edge values per type: 0, ±1, min, max, NaNs with payloads (quiet and signalling), ±0,
#: ±inf, subnormals, the boundaries of the float-to-int conversions.
EDGE_VALUES: dict[str, list[DiffVal]] = {
    "v128": [DiffVal("v128", b) for b in _v128s()],
    "i32": [DiffVal("i32", b) for b in _ints(32)],
    "i64": [DiffVal("i64", b) for b in _ints(64)],
    "f32": [DiffVal("f32", b) for b in _floats("f32")],
    "f64": [DiffVal("f64", b) for b in _floats("f64")],
    "funcref": [DiffVal("funcref", None)],
    "externref": [DiffVal("externref", None), DiffVal("externref", ExternObj(1).label)],
}
#: The value other parameters take while one parameter runs through its edge values.
TYPICAL: dict[str, DiffVal] = {
    "i32": DiffVal("i32", 3), "i64": DiffVal("i64", 3), "f32": DiffVal("f32", 0x3FC00000),
    "f64": DiffVal("f64", 0x3FF8000000000000), "v128": DiffVal("v128", 0x0102030405060708090A0B0C0D0E0F10),
    "funcref": DiffVal("funcref", None),
    "externref": DiffVal("externref", None),
}


def random_val(t: str, rng: random.Random) -> DiffVal:
    """An edge value most of the time, otherwise random bits."""
    if is_ref_type(t):
        return rng.choice(ref_arguments(t))
    if rng.random() < 0.6:
        return rng.choice(EDGE_VALUES[t])
    return DiffVal(t, rng.getrandbits(_WIDTH[t]))


def argument_sets(params: tuple[str, ...], extra: int = 8, seed: int = 0,
                  limit: int | None = None) -> list[tuple[DiffVal, ...]]:
    """Argument tuples for a function with these parameter types: every edge value of
    each parameter while the others hold a typical value, the "diagonal" (every parameter
    at its i-th edge value), and ``extra`` random combinations (seeded, so reproducible).
    At most ``limit`` tuples, without duplicates."""
    if not params:
        return [()]
    sets: list[tuple[DiffVal, ...]] = []
    edges = {t: edge_values(t) for t in params}
    if not all(edges.values()):
        return []  # a parameter no argument can be given for (``ref_arguments``)
    typical = tuple(typical_value(t) for t in params)
    for i, t in enumerate(params):
        for v in edges[t]:
            sets.append(typical[:i] + (v,) + typical[i + 1:])
    if len(params) > 1:
        longest = max(len(edges[t]) for t in params)
        for k in range(longest):
            sets.append(tuple(edges[t][k % len(edges[t])] for t in params))
    rng = random.Random(f"{seed}:{','.join(params)}")
    for _ in range(extra):
        sets.append(tuple(random_val(t, rng) for t in params))
    unique = list(dict.fromkeys(sets))
    return unique if limit is None else unique[:limit]


def edge_values(t: str) -> list[DiffVal]:
    """``EDGE_VALUES[t]``, and for GC's reference types ``ref_arguments(t)``."""
    return EDGE_VALUES[t] if t in EDGE_VALUES else ref_arguments(t)


def typical_value(t: str) -> DiffVal:
    """``TYPICAL[t]``, and for GC's reference types the first of ``ref_arguments(t)``
    (IndexError if there is none)."""
    return TYPICAL[t] if t in TYPICAL else ref_arguments(t)[0]


def passable(params: tuple[str, ...]) -> bool:
    """Whether a function with these parameters can be called from both engines."""
    return all(t in EDGE_VALUES or ref_arguments(t) for t in params)
