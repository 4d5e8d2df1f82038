"""Subtyping of value types (spec 3.2, "Matching"), for typed references and GC.

Numeric and vector types match only themselves. A reference type ``(ref null1? h1)``
matches ``(ref null2? h2)`` when a null is allowed wherever it may occur (``null1`` only
if ``null2``) and heap type ``h1`` matches ``h2``:

    every heap type matches itself, and the top of its hierarchy:
        func      nofunc <: $f (a function type) <: func
        extern    noextern <: extern
        exn       noexn <: exn
        any       none <: $s (a struct type) <: struct <: eq <: any
                  none <: $a (an array type) <: array <: eq <: any
                  none <: i31 <: eq
    two concrete types match when the first's chain of declared supertypes reaches the
    second; type indices are compared by their canonical ids (``canon.TYPES``), so two
    definitions of ``(func)`` are one type.

Type indices are turned into canonical ids by ``canon``, a sequence: a module's
``Context.canon``, or ``CANONICAL`` for types already written with canonical ids (the
runtime's, across modules).

``None`` is the validation algorithm's Unknown (from unreachable code): it matches
everything. The validator compares types by identity first (``ref_type`` shares one
instance per type), so these rules only run for references that differ.
"""

from __future__ import annotations

from ..syntax.types import BOTTOM, TOP, FuncType, PackedType, StructType
from .canon import TYPES

#: abstract heap types below ``eq`` (GC)
_EQ_SUBTYPES = frozenset({"i31", "struct", "array", "eq", "none"})
#: the abstract heap types a concrete type of each kind matches
_ABOVE_KIND = {"func": frozenset({"func"}), "struct": frozenset({"struct", "eq", "any"}),
               "array": frozenset({"array", "eq", "any"})}
#: the bottom below the concrete types of each kind
_BOTTOM_OF_KIND = {"func": "nofunc", "struct": "none", "array": "none"}


class _Identity:
    """Canonical ids standing for themselves: types written in the canonical space."""

    def __getitem__(self, x: int) -> int:
        return x


CANONICAL = _Identity()


def heap_matches(canon, a, b) -> bool:
    """Does heap type ``a`` match heap type ``b``? ``canon`` maps type indices to
    canonical ids (see the module docstring)."""
    if a == b:
        return True
    if isinstance(a, int):
        ca = canon[a]
        if isinstance(b, int):
            return TYPES.is_sub(ca, canon[b])
        return b in _ABOVE_KIND[TYPES.kind[ca]]
    if isinstance(b, int):
        return a == _BOTTOM_OF_KIND[TYPES.kind[canon[b]]]
    top = TOP.get(a)
    if top is None or top != TOP.get(b):
        return False
    return a == BOTTOM[top] or b == top or (b == "eq" and a in _EQ_SUBTYPES)


def matches(canon, a, t) -> bool:
    """Does value type ``a`` match (is it a subtype of) ``t``?"""
    if a is t or a is None:
        return True
    if not (a.is_ref and t.is_ref):
        return False
    if a.nullable and not t.nullable:
        return False
    return heap_matches(canon, a.heap, t.heap)


def _field_matches(canon, a, b) -> bool:
    """Field type ``a`` matches ``b``: the same mutability; a mutable field's storage
    type is invariant, an immutable one's covariant; packed types match themselves."""
    if a.mutable != b.mutable:
        return False
    sa, sb = a.storage, b.storage
    if isinstance(sa, PackedType) or isinstance(sb, PackedType):
        return sa is sb
    if a.mutable:
        return matches(canon, sa, sb) and matches(canon, sb, sa)
    return matches(canon, sa, sb)


def comp_matches(canon, a, b) -> bool:
    """Composite type ``a`` matches ``b`` structurally (spec "Composite types"): a
    function type contravariantly in its parameters and covariantly in its results, a
    struct by width and depth, an array by its element."""
    if isinstance(a, FuncType):
        return (isinstance(b, FuncType) and len(a.params) == len(b.params)
                and len(a.results) == len(b.results)
                and all(matches(canon, tb, ta) for ta, tb in zip(a.params, b.params))
                and all(matches(canon, ta, tb) for ta, tb in zip(a.results, b.results)))
    if isinstance(a, StructType):
        return (isinstance(b, StructType) and len(a.fields) >= len(b.fields)
                and all(_field_matches(canon, fa, fb) for fa, fb in zip(a.fields, b.fields)))
    return (not isinstance(b, (FuncType, StructType))
            and _field_matches(canon, a.field, b.field))
