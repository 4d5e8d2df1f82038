"""Subtyping of value types (spec 3.2, "Matching"), for typed references.

Numeric and vector types match only themselves. A reference type ``(ref null1? h1)``
matches ``(ref null2? h2)`` when a null is allowed wherever it may occur (``null1`` only
if ``null2``) and heap type ``h1`` matches ``h2``:

    every heap type matches itself, and the top of its hierarchy:
        func      nofunc <: $t (a function type) <: func
        extern    noextern <: extern
        exn       noexn <: exn
        any       none <: i31, struct, array <: eq <: any      (GC)
    two concrete types match when they are the same type: type indices are compared by
    their canonical form (``Context.canon``), so two definitions of ``(func)`` are one type.

``None`` is the validation algorithm's Unknown (from unreachable code): it matches
everything. The validator compares types by identity first (``ref_type`` shares one
instance per type), so these rules only run for references that differ.
"""

from __future__ import annotations

from ..syntax.types import BOTTOM, TOP

#: abstract heap types below ``eq`` (GC)
_EQ_SUBTYPES = frozenset({"i31", "struct", "array", "eq", "none"})


def heap_matches(canon: list, a, b) -> bool:
    """Does heap type ``a`` match heap type ``b``? ``canon``: the canonical id of each
    type index of the module (``Context.canon``)."""
    if a == b:
        return True
    if isinstance(a, int):
        if isinstance(b, int):
            return canon[a] == canon[b]
        return b == "func"  # a function type (GC: struct and array types too)
    if isinstance(b, int):
        return a == "nofunc"
    top = TOP.get(a)
    if top is None or top != TOP.get(b):
        return False
    return a == BOTTOM[top] or b == top or (b == "eq" and a in _EQ_SUBTYPES)


def matches(canon: list, a, t) -> bool:
    """Does value type ``a`` match (is it a subtype of) ``t``?"""
    if a is t or a is None:
        return True
    if not (a.is_ref and t.is_ref):
        return False
    if a.nullable and not t.nullable:
        return False
    return heap_matches(canon, a.heap, t.heap)
