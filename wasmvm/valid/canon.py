"""Canonical types: WebAssembly 3.0's type equivalence and declared subtyping, process-wide.

Two type indices denote the same type when they are the same member of equal recursion
groups (iso-recursive equivalence, spec 3.0 "Type Equivalence" / "Rolling"). Groups are
compared by a *key* in which every reference to a type of the same group is written
``("rec", i)`` (its position in the group) and every reference to an earlier group is
that type's canonical id, so equal groups have equal keys wherever they are defined (as
wasmparser's ``canonical.rs`` and the reference interpreter's ``roll_rectype`` do).

``TYPES`` interns each group once per process and gives each of its types a canonical
id (an int). Types of any module, of any store, and of host functions then compare by
id, which is what import matching, ``call_indirect`` and casts need. For each id it keeps:

- ``comp[id]``: the composite type, with every concrete heap type written as a
  canonical id (the *canonical space*, where a ``RefType``'s int heap is an id);
- ``supers[id]``: the chain of declared supertypes from the root down to ``id`` itself,
  so ``a <: b`` is one index (``supers[a][depth(b)] == b``), as in the anchors' note;
- ``final[id]`` and ``kind[id]`` (``"func"``, ``"struct"`` or ``"array"``).

Interning checks only what makes a group well formed enough to intern (indices in
range, supertypes earlier than their subtype, at most one, depth of the chain); whether
a declared supertype really matches is the validator's ``check_subtypes``.

The registry only grows (like wasmtime's per-engine registry, minus reclamation): it
holds one entry per *distinct* group ever seen, so loading one module many times costs
nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from ..syntax.types import (
    PLAIN_SUBTYPE,
    ArrayType,
    FieldType,
    FuncType,
    PackedType,
    RecGroup,
    RefType,
    StructType,
    SubType,
    ref_type,
)

#: the longest chain of declared supertypes (wasmparser's MAX_WASM_SUBTYPING_DEPTH)
MAX_SUBTYPING_DEPTH = 63


class TypeRegistry:
    def __init__(self):
        self._groups: dict[tuple, int] = {}
        self.comp: list = []
        self.supers: list[tuple[int, ...]] = []
        self.final: list[bool] = []
        self.kind: list[str] = []
        self._lock = threading.Lock()

    def is_sub(self, a: int, b: int) -> bool:
        """Is canonical type ``a`` a subtype of canonical type ``b`` (declared subtyping,
        reflexive and transitive)?"""
        if a == b:
            return True
        chain = self.supers[a]
        k = len(self.supers[b]) - 1
        return k < len(chain) and chain[k] == b

    def canonicalize(self, types: Sequence, subtypes: Callable[[int], SubType],
                     groups: Sequence[RecGroup], fail: Callable[[str], None]) -> list[int]:
        """The canonical id of each type index of a module (``types`` its composite
        types, ``subtypes(x)`` its declarations, ``groups`` its recursion groups);
        ``fail(message)`` raises the validator's error for an ill-formed group."""
        canon: list[int] = []
        for g in groups:
            end = g.start + g.size

            def form(t, g=g, end=end):
                if isinstance(t, RefType) and isinstance(t.heap, int):
                    x = t.heap
                    if x >= end:
                        fail(f"unknown type {x}")
                    return (t.nullable, ("rec", x - g.start) if x >= g.start else canon[x])
                return t

            key_parts = []
            for x in g.indices:
                sub = subtypes(x)
                if len(sub.supers) > 1:
                    fail(f"sub type {x} has too many super types")
                for s in sub.supers:
                    if s >= x:
                        fail(f"unknown type {s}")
                supers = tuple(("rec", s - g.start) if s >= g.start else canon[s]
                               for s in sub.supers)
                key_parts.append((sub.final, supers, _comp_form(types[x], form)))
            key = tuple(key_parts)
            with self._lock:
                first = self._groups.get(key)
                if first is None:
                    first = self._add_group(key, g.size, fail)
            canon.extend(range(first, first + g.size))
        return canon

    def _add_group(self, key: tuple, size: int, fail) -> int:
        """Give the members of a new group their ids (under the lock)."""
        first = len(self.comp)

        def resolve(h):
            return first + h[1] if isinstance(h, tuple) else h

        def valtype(t):
            if isinstance(t, tuple):  # (nullable, heap)
                return ref_type(t[0], resolve(t[1]))
            return t

        new_supers = []
        for _final, supers, _cf in key:
            chain: tuple[int, ...] = ()
            if supers:
                s = resolve(supers[0])
                parent = self.supers[s] if s < first else new_supers[s - first]
                chain = parent
            chain = (*chain, first + len(new_supers))
            if len(chain) - 1 > MAX_SUBTYPING_DEPTH:
                fail("sub type hierarchy too deep")
            new_supers.append(chain)
        for (final, _supers, cf), chain in zip(key, new_supers):
            self.comp.append(_comp_from_form(cf, valtype))
            self.final.append(final)
            self.supers.append(chain)
            self.kind.append(cf[0])
        self._groups[key] = first
        return first

    def intern_func(self, ft: FuncType) -> int:
        """The canonical id of a function type given alone (a host function's type, in
        the canonical space already: its concrete heap types, if any, are ids)."""
        key = ((True, (), _comp_form(ft, _canonical_form)),)
        with self._lock:
            first = self._groups.get(key)
            if first is None:
                first = self._add_group(key, 1, _no_fail)
        return first

    def declared_super(self, x: int) -> int | None:
        chain = self.supers[x]
        return chain[-2] if len(chain) > 1 else None


def _no_fail(message: str) -> None:
    raise ValueError(message)


def _canonical_form(t):
    if isinstance(t, RefType) and isinstance(t.heap, int):
        return (t.nullable, t.heap)
    return t


def _comp_form(ct, form) -> tuple:
    if isinstance(ct, FuncType):
        return ("func", tuple(map(form, ct.params)), tuple(map(form, ct.results)))
    if isinstance(ct, StructType):
        return ("struct", tuple((_storage_form(f.storage, form), f.mutable) for f in ct.fields))
    return ("array", (_storage_form(ct.field.storage, form), ct.field.mutable))


def _storage_form(t, form):
    return t if isinstance(t, PackedType) else form(t)


def _comp_from_form(cf: tuple, valtype):
    kind = cf[0]
    if kind == "func":
        return FuncType(tuple(map(valtype, cf[1])), tuple(map(valtype, cf[2])))
    if kind == "struct":
        return StructType(tuple(FieldType(_storage(t, valtype), m) for t, m in cf[1]))
    t, m = cf[1]
    return ArrayType(FieldType(_storage(t, valtype), m))


def _storage(t, valtype):
    return t if isinstance(t, PackedType) else valtype(t)


#: The process-wide registry.
TYPES = TypeRegistry()


def module_canon(module, fail) -> list[int]:
    """The canonical ids of a module's type indices."""
    subs = module.subtypes
    return TYPES.canonicalize(module.types,
                              lambda x: subs[x] if x < len(subs) else PLAIN_SUBTYPE,
                              module.groups(), fail)
