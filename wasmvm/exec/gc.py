"""The run-time semantics of GC (WebAssembly 3.0), shared by both tiers.

References of the ``any`` hierarchy, raw:
  ``Struct``   a struct: its canonical type id (``valid.canon.TYPES``) and its fields
  ``Array``    an array: its canonical type id and its elements
  ``I31``      an unboxed scalar: the unsigned 31-bit payload
  ``Internalized``  a host (extern) value made an ``any`` by ``any.convert_extern``: it is
               only an ``any`` (not eq, i31, struct or array)
and of the ``extern`` hierarchy, ``Externalized`` (an ``ExternRef``): an ``any`` made an
``extern`` by ``extern.convert_any``. A round trip gives the very object back.

Packed fields and elements (i8, i16) are stored wrapped; ``*.get_s`` sign-extends them,
``*.get_u`` does nothing more. Instruction immediates that are type indices reach these
functions as canonical ids. Both tiers call these functions; traps are raised here with
the spec's messages.
"""

from __future__ import annotations

import struct as _struct

from ..errors import Trap, TrapCode
from ..syntax.types import PackedType, StructType, unpacked
from ..syntax.values import f32_from_bits
from ..valid.canon import TYPES
from .store import ExnInst, ExternRef, FuncInst, default_value

NULL_STRUCT = "null structure reference"
NULL_ARRAY = "null array reference"
NULL_I31 = "null i31 reference"


class Struct:
    __slots__ = ("type_id", "fields")

    def __init__(self, type_id: int, fields: list):
        self.type_id = type_id
        self.fields = fields

    def __repr__(self) -> str:
        return f"Struct({self.type_id}, {self.fields!r})"


class Array:
    __slots__ = ("type_id", "values")

    def __init__(self, type_id: int, values: list):
        self.type_id = type_id
        self.values = values

    def __repr__(self) -> str:
        return f"Array({self.type_id}, {self.values!r})"


class I31:
    __slots__ = ("value",)

    def __init__(self, value: int):
        self.value = value

    def __eq__(self, other):
        return other.__class__ is I31 and other.value == self.value

    def __hash__(self):
        return hash(("i31", self.value))

    def __repr__(self) -> str:
        return f"I31({self.value})"


class Internalized:
    """An ``extern`` value as an ``any`` (``any.convert_extern``)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return other.__class__ is Internalized and other.value == self.value

    def __hash__(self):
        return hash(("internalized", id(self.value)))

    def __repr__(self) -> str:
        return f"Internalized({self.value!r})"


class Externalized(ExternRef):
    """An ``any`` value as an ``extern`` (``extern.convert_any``)."""

    __slots__ = ()


# -- layouts: per canonical type, the mask of each packed field (None: not packed) ---------
_MASKS: dict[int, tuple] = {}
_MASK = {PackedType.I8: 0xFF, PackedType.I16: 0xFFFF}


def _masks(type_id: int) -> tuple:
    m = _MASKS.get(type_id)
    if m is None:
        ct = TYPES.comp[type_id]
        fields = ct.fields if isinstance(ct, StructType) else (ct.field,)
        m = _MASKS[type_id] = tuple(_MASK.get(f.storage) for f in fields)
    return m


def _storage(type_id: int):
    ct = TYPES.comp[type_id]
    return ct.fields if isinstance(ct, StructType) else ct.field.storage


# -- i31 and ref.eq ---------------------------------------------------------------------------
def ref_i31(x: int) -> I31:
    return I31(x & 0x7FFFFFFF)


def i31_get_s(r) -> int:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_I31)
    v = r.value
    return v | 0x80000000 if v & 0x40000000 else v


def i31_get_u(r) -> int:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_I31)
    return r.value


def ref_eq(a, b) -> int:
    if a is b:
        return 1
    if a.__class__ is I31 and b.__class__ is I31:
        return 1 if a.value == b.value else 0
    return 0


# -- extern <-> any ---------------------------------------------------------------------------
def any_convert_extern(v):
    if v is None:
        return None
    if v.__class__ is Externalized:
        return v.value
    return Internalized(v)


def extern_convert_any(v):
    if v is None:
        return None
    if v.__class__ is Internalized:
        return v.value
    return Externalized(v)


# -- structs ----------------------------------------------------------------------------------
def struct_new(type_id: int, values: list) -> Struct:
    masks = _masks(type_id)
    if any(masks):
        values = [v if m is None else v & m for v, m in zip(values, masks)]
    return Struct(type_id, values)


def struct_new_default(type_id: int) -> Struct:
    return Struct(type_id, [default_value(unpacked(f.storage)) for f in _storage(type_id)])


def struct_get(r, i: int):
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_STRUCT)
    return r.fields[i]


def struct_get_s(r, i: int, bits: int) -> int:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_STRUCT)
    v = r.fields[i]
    return v | (0xFFFFFFFF ^ ((1 << bits) - 1)) if v >> (bits - 1) & 1 else v


def struct_set(r, i: int, v) -> None:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_STRUCT)
    m = _masks(r.type_id)[i]
    r.fields[i] = v if m is None else v & m


# -- arrays -----------------------------------------------------------------------------------
_ELEM_SIZE = {"i8": 1, "i16": 2, "i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16}
#: arrays longer than this are refused (an allocation the host cannot give)
MAX_ARRAY_LENGTH = 1 << 26


def _array_oob() -> Trap:
    return Trap(TrapCode.ARRAY_OUT_OF_BOUNDS)


def _check_length(n: int) -> None:
    if n > MAX_ARRAY_LENGTH:
        raise Trap(TrapCode.ALLOCATION_TOO_LARGE)


def array_new(type_id: int, v, n: int) -> Array:
    _check_length(n)
    m = _masks(type_id)[0]
    return Array(type_id, [v if m is None else v & m] * n)


def array_new_default(type_id: int, n: int) -> Array:
    _check_length(n)
    return Array(type_id, [default_value(unpacked(_storage(type_id)))] * n)


def array_new_fixed(type_id: int, values: list) -> Array:
    m = _masks(type_id)[0]
    return Array(type_id, values if m is None else [v & m for v in values])


def _decode(storage, data, start: int, n: int) -> list:
    t = str(storage)
    size = _ELEM_SIZE[t]
    raw = data[start:start + n * size]
    if t == "f32":
        return [f32_from_bits(b) for (b,) in _struct.iter_unpack("<I", raw)]
    if t == "f64":
        return [x for (x,) in _struct.iter_unpack("<d", raw)]
    if size == 1:
        return list(raw)
    return [int.from_bytes(raw[k:k + size], "little") for k in range(0, n * size, size)]


def _data_range(storage, data, s: int, n: int) -> None:
    if s + n * _ELEM_SIZE[str(storage)] > len(data):
        raise Trap(TrapCode.MEMORY_OUT_OF_BOUNDS)


def array_new_data(type_id: int, data, s: int, n: int) -> Array:
    storage = _storage(type_id)
    _data_range(storage, data, s, n)  # before allocating anything
    return Array(type_id, _decode(storage, data, s, n))


def array_new_elem(type_id: int, elements: list, s: int, n: int) -> Array:
    if s + n > len(elements):
        raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
    return Array(type_id, elements[s:s + n])


def array_get(r, i: int):
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if i >= len(r.values):
        raise _array_oob()
    return r.values[i]


def array_get_s(r, i: int, bits: int) -> int:
    v = array_get(r, i)
    return v | (0xFFFFFFFF ^ ((1 << bits) - 1)) if v >> (bits - 1) & 1 else v


def array_set(r, i: int, v) -> None:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if i >= len(r.values):
        raise _array_oob()
    m = _masks(r.type_id)[0]
    r.values[i] = v if m is None else v & m


def array_len(r) -> int:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    return len(r.values)


def array_fill(r, d: int, v, n: int) -> None:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if d + n > len(r.values):
        raise _array_oob()
    m = _masks(r.type_id)[0]
    r.values[d:d + n] = [v if m is None else v & m] * n


def array_copy(dst, d: int, src, s: int, n: int) -> None:
    """memmove semantics: the source range is read before the destination is written."""
    if dst is None or src is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if d + n > len(dst.values) or s + n > len(src.values):
        raise _array_oob()
    dst.values[d:d + n] = src.values[s:s + n]


def array_init_data(r, d: int, data, s: int, n: int) -> None:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if d + n > len(r.values):
        raise _array_oob()
    storage = _storage(r.type_id)
    _data_range(storage, data, s, n)
    r.values[d:d + n] = _decode(storage, data, s, n)


def array_init_elem(r, d: int, elements: list, s: int, n: int) -> None:
    if r is None:
        raise Trap(TrapCode.NULL_REFERENCE, NULL_ARRAY)
    if d + n > len(r.values):
        raise _array_oob()
    if s + n > len(elements):
        raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
    r.values[d:d + n] = elements[s:s + n]


# -- casts ------------------------------------------------------------------------------------
_ABOVE_STRUCT = frozenset({"struct", "eq", "any"})
_ABOVE_ARRAY = frozenset({"array", "eq", "any"})
_ABOVE_I31 = frozenset({"i31", "eq", "any"})


def ref_test(v, nullable: bool, heap) -> int:
    """Is ``v`` of type ``(ref null? heap)``? ``heap``: an abstract heap type, or a
    canonical type id."""
    if v is None:
        return 1 if nullable else 0
    cls = v.__class__
    concrete = heap.__class__ is int
    if cls is Struct or cls is Array:
        if concrete:
            return 1 if TYPES.is_sub(v.type_id, heap) else 0
        return 1 if heap in (_ABOVE_STRUCT if cls is Struct else _ABOVE_ARRAY) else 0
    if cls is I31:
        return 0 if concrete else 1 if heap in _ABOVE_I31 else 0
    if cls is Internalized:
        return 1 if heap == "any" else 0
    if isinstance(v, FuncInst):
        if concrete:
            return 1 if TYPES.is_sub(v.type_id, heap) else 0
        return 1 if heap == "func" else 0
    if isinstance(v, ExnInst):
        return 1 if heap == "exn" else 0
    return 1 if heap == "extern" else 0


def ref_cast(v, nullable: bool, heap):
    if not ref_test(v, nullable, heap):
        raise Trap(TrapCode.CAST_FAILURE)
    return v
