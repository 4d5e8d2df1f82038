"""The compiled tier's integer facts and wrapping: constants folded, comparisons and what
they prove of the locals they compare, and how a sum, difference or product is cut back
to its type (``compile_numeric``: ``int_binop`` and ``compare`` use these)."""

from __future__ import annotations

import re

from .compile_text import _MASK, _MOD, E

_CMP_OPS = {"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}
_SWAP = {"lt": "gt", "gt": "lt", "le": "ge", "ge": "le"}  # c < x is x > c
#: pure integer operators folded when both operands are constants: (x, y, width) -> value
#: before masking to the width
_FOLD = {
    "add": lambda x, y, w: x + y, "sub": lambda x, y, w: x - y,
    "mul": lambda x, y, w: x * y, "and": lambda x, y, w: x & y,
    "or": lambda x, y, w: x | y, "xor": lambda x, y, w: x ^ y,
    "shl": lambda x, y, w: x << (y % w), "shr_u": lambda x, y, w: x >> (y % w),
}
_LOCAL = re.compile(r"l\d+")


def _int_const(e: E) -> int | None:
    """The value of an integer constant operand (its text is the decimal bits)."""
    return int(e.text) if e.text.isdigit() else None


def _is_local(e: E) -> bool:
    return _LOCAL.fullmatch(e.text) is not None


def _wrap(t: str, op: str, a: E, b: E) -> str:
    """How a sum, difference or product of type ``t`` is cut to the type: ``% 2**width``
    for a sum or difference of operands within it (CPython returns a dividend smaller
    than the divisor at once, while ``&`` always makes a new integer: 16 ns against 26),
    ``& mask`` for a product or a sum of unmasked products and shifts, which usually
    overflow (there ``%`` divides: 84 ns against 47)."""
    if op == "mul" or any(e.raw is not None and ("*" in e.raw or "<<" in e.raw)
                          for e in (a, b)):
        return f"& {_MASK[t]}"
    return f"% {_MOD[t]}"


def _add_constant(var: E, k: int, mask: int) -> str | None:
    """``var + k`` wrapped to the type, for an operand that is a plain variable: a small
    addend taken modulo ``2**width``; a small subtrahend as a test that picks the one
    subtraction or addition needed (a masked sum of a "negative" constant would be a
    long integer first). None when ``var`` is an expression (the test reads it twice)."""
    if not var.text.isidentifier():
        return None
    v = var.text
    k &= mask
    if k == 0:
        return v
    m = mask + 1 - k  # adding k wraps exactly when v >= m; then it is subtracting m
    if k <= mask >> 1:  # a small addend: the sum rarely wraps, and a sum below 2**width
        return f"({v} + {k}) % {mask + 1}"  # is its own remainder at once (see _wrap)
    # a small subtrahend: the test against it is a compact-integer comparison, which
    # CPython specializes (13 ns against 16 for ``% 2**width``)
    return f"({v} - {m} if {v} >= {m} else {v} + {k})"


def _compare_facts(base: str, sx: str, other: tuple[int, int], mask: int, half: int):
    """What ``x <base> y`` proves of ``x`` when true and when false, each (lo, hi) in
    the unsigned order or None, knowing ``y`` lies within ``other``. A signed comparison
    proves something only of a ``y`` known non-negative (then ``x >= y`` is too)."""
    lo, hi = other
    if base in ("eq", "ne"):
        return (other, None) if base == "eq" else (None, other)
    if sx == "s":
        if hi >= half:
            return None, None
        top = half - 1
        return {"lt": (None, (lo, top)), "le": (None, (lo + 1, top)),
                "gt": ((lo + 1, top), None), "ge": ((lo, top), None)}[base]
    return {"lt": ((0, hi - 1), (lo, mask)), "le": ((0, hi), (lo + 1, mask)),
            "gt": ((lo + 1, mask), (0, hi)), "ge": ((lo, mask), (0, hi - 1))}[base]
