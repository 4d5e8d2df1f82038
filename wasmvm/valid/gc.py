"""Validating the GC instructions (WebAssembly 3.0: the spec's aggregate, i31 and
reference instructions): structs, arrays, i31, casts and the extern/any conversions, one
small rule each, in a table (``SPECIAL``) that ``instr.SPECIAL`` takes in.
"""

from __future__ import annotations

from collections.abc import Callable

from ..syntax.types import (
    I32,
    TOP,
    ArrayType,
    FieldType,
    FuncType,
    PackedType,
    StructType,
    defaultable,
    ref_type,
    unpacked,
)
from .context import MISMATCH, fail

_I32_REV = _I32_PUSH = (I32,)  # (popped, pushed: one i32)
_EQREF = ref_type(True, "eq")
_I31REF = ref_type(True, "i31")
_ARRAYREF = ref_type(True, "array")


def _struct_type(v, x: int) -> StructType:
    ct = v.ctx.comp_type(x)
    if not isinstance(ct, StructType):
        fail(f"{MISMATCH}: type {x} is not a struct type")
    return ct


def _array_type(v, x: int) -> ArrayType:
    ct = v.ctx.comp_type(x)
    if not isinstance(ct, ArrayType):
        fail(f"{MISMATCH}: type {x} is not an array type")
    return ct


def _field(v, instr) -> FieldType:
    st = _struct_type(v, instr.type)
    if instr.field >= len(st.fields):
        fail(f"unknown field {instr.field} of type {instr.type}")
    return st.fields[instr.field]


def _packed(ft: FieldType, name: str, packed: bool) -> None:
    if isinstance(ft.storage, PackedType) != packed:
        fail(f"{MISMATCH}: {name} of a {'non-' if packed else ''}packed field"
             f" ({ft.storage})")


def _struct_new(v, instr):
    st = _struct_type(v, instr.type)
    return (tuple(unpacked(f.storage) for f in st.fields)[::-1],
            (ref_type(False, instr.type),))


def _defaultable_fields(fields, name: str) -> None:
    for f in fields:
        if not defaultable(unpacked(f.storage)):
            fail(f"{MISMATCH}: {name}: field type {f.storage} is not defaultable")


def _struct_new_default(v, instr):
    st = _struct_type(v, instr.type)
    _defaultable_fields(st.fields, "struct.new_default")
    return (), (ref_type(False, instr.type),)


def _struct_get(v, instr):
    ft = _field(v, instr)
    _packed(ft, instr.op.name, instr.op.name != "struct.get")
    return (ref_type(True, instr.type),), (unpacked(ft.storage),)


def _struct_set(v, instr):
    ft = _field(v, instr)
    if not ft.mutable:
        fail(f"field is immutable: struct.set of field {instr.field} of type {instr.type}")
    return (unpacked(ft.storage), ref_type(True, instr.type)), ()


def _array_new(v, instr):
    at = _array_type(v, instr.type)
    return (I32, unpacked(at.field.storage)), (ref_type(False, instr.type),)


def _array_new_default(v, instr):
    at = _array_type(v, instr.type)
    _defaultable_fields((at.field,), "array.new_default")
    return (I32,), (ref_type(False, instr.type),)


def _array_new_fixed(v, instr):
    at = _array_type(v, instr.type)
    return (unpacked(at.field.storage),) * instr.size, (ref_type(False, instr.type),)


def _data_elements(v, at: ArrayType, instr) -> None:
    if instr.data >= v.ctx.datas:
        fail(f"unknown data segment {instr.data}")
    t = at.field.storage
    if t.is_ref:
        fail(f"array type is not numeric or vector: {instr.op.name} of an array of {t}")


def _elem_elements(v, at: ArrayType, instr) -> None:
    ctx = v.ctx
    if instr.elem >= len(ctx.elems):
        fail(f"unknown elem segment {instr.elem}")
    t = at.field.storage
    if isinstance(t, PackedType) or not ctx.match(ctx.elems[instr.elem], t):
        fail(f"{MISMATCH}: {instr.op.name} of a {ctx.elems[instr.elem]} segment into an "
             f"array of {t}")


def _array_new_data(v, instr):
    at = _array_type(v, instr.type)
    _data_elements(v, at, instr)
    return (I32, I32), (ref_type(False, instr.type),)


def _array_new_elem(v, instr):
    at = _array_type(v, instr.type)
    _elem_elements(v, at, instr)
    return (I32, I32), (ref_type(False, instr.type),)


def _array_get(v, instr):
    at = _array_type(v, instr.type)
    _packed(at.field, instr.op.name, instr.op.name != "array.get")
    return (I32, ref_type(True, instr.type)), (unpacked(at.field.storage),)


def _mutable_array(v, instr, x: int | None = None) -> ArrayType:
    at = _array_type(v, instr.type if x is None else x)
    if not at.field.mutable:
        fail(f"array is immutable: {instr.op.name} of type {instr.type if x is None else x}")
    return at


def _array_set(v, instr):
    at = _mutable_array(v, instr)
    return (unpacked(at.field.storage), I32, ref_type(True, instr.type)), ()


def _array_len(v, instr):
    return (_ARRAYREF,), _I32_PUSH


def _array_fill(v, instr):
    at = _mutable_array(v, instr)
    return (I32, unpacked(at.field.storage), I32, ref_type(True, instr.type)), ()


def _array_copy(v, instr):
    dst = _mutable_array(v, instr, instr.dst)
    src = _array_type(v, instr.src)
    a, b = src.field.storage, dst.field.storage
    if (a is not b) if isinstance(a, PackedType) or isinstance(b, PackedType) else \
            not v.ctx.match(a, b):
        fail(f"array types do not match: array.copy from an array of {a} to an array of {b}")
    return (I32, I32, ref_type(True, instr.src), I32, ref_type(True, instr.dst)), ()


def _array_init_data(v, instr):
    at = _mutable_array(v, instr)
    _data_elements(v, at, instr)
    return (I32, I32, I32, ref_type(True, instr.type)), ()


def _array_init_elem(v, instr):
    at = _mutable_array(v, instr)
    _elem_elements(v, at, instr)
    return (I32, I32, I32, ref_type(True, instr.type)), ()


def _top(ctx, heap) -> str:
    """The top of the hierarchy of a heap type (a type index: by its kind)."""
    if isinstance(heap, int):
        return "func" if isinstance(ctx.types[heap], FuncType) else "any"
    return TOP[heap]


def _cast_operand(v, rt, name: str):
    """Pop the operand of ref.test/ref.cast (a reference of ``rt``'s hierarchy)."""
    v.ctx.check_valtype(rt)
    t = v.pop_val(name)
    if t is not None and (not t.is_ref or _top(v.ctx, t.heap) != _top(v.ctx, rt.heap)):
        fail(f"{MISMATCH}: {name} to {rt} of {t}")
    return t


def _ref_test(v, instr):
    _cast_operand(v, instr.type, "ref.test")
    v.vals.append(I32)


def _ref_cast(v, instr):
    _cast_operand(v, instr.type, "ref.cast")
    v.vals.append(instr.type)


def _br_on_cast(v, instr):
    ctx = v.ctx
    name = instr.op.name
    rt1, rt2 = instr.from_type, instr.to_type
    ctx.check_valtype(rt1)
    ctx.check_valtype(rt2)
    if not ctx.match(rt2, rt1):
        fail(f"{MISMATCH}: {name} from {rt1} to {rt2}, not a subtype")
    label = v.label(instr.label)
    if not label.label or (label.label[-1] is not None and not label.label[-1].is_ref):
        fail(f"{MISMATCH}: {name} needs a label ending in a reference type")
    diff = ref_type(rt1.nullable and not rt2.nullable, rt1.heap)
    branched, stays = (rt2, diff) if name == "br_on_cast" else (diff, rt2)
    if not ctx.match(branched, label.label[-1]):
        fail(f"{MISMATCH}: {name} to a label of {label.label[-1]} with {branched}")
    v.pop_vals((rt1,), name)
    v.pop_vals(label.label_rev[1:], name)
    v.vals += label.label[:-1]
    v.vals.append(stays)


def _convert(v, instr):
    to_any = instr.op.name == "any.convert_extern"
    src, dst = ("extern", "any") if to_any else ("any", "extern")
    t = v.pop_val(instr.op.name)
    if t is not None and not v.ctx.match(t, ref_type(True, src)):
        fail(f"{MISMATCH}: {instr.op.name} needs a {src} reference but the stack has {t}")
    v.vals.append(ref_type(True if t is None else t.nullable, dst))


#: The typing rules of the GC instructions (``instr.SPECIAL`` takes them)
SPECIAL: dict[str, Callable] = {
    "ref.eq": lambda v, instr: ((_EQREF, _EQREF), _I32_PUSH),
    "ref.i31": lambda v, instr: (_I32_REV, (ref_type(False, "i31"),)),
    "i31.get_s": lambda v, instr: ((_I31REF,), _I32_PUSH),
    "i31.get_u": lambda v, instr: ((_I31REF,), _I32_PUSH),
    "any.convert_extern": _convert, "extern.convert_any": _convert,
    "struct.new": _struct_new, "struct.new_default": _struct_new_default,
    "struct.get": _struct_get, "struct.get_s": _struct_get, "struct.get_u": _struct_get,
    "struct.set": _struct_set, "array.new": _array_new, "array.new_default": _array_new_default,
    "array.new_fixed": _array_new_fixed, "array.new_data": _array_new_data,
    "array.new_elem": _array_new_elem, "array.get": _array_get, "array.get_s": _array_get,
    "array.get_u": _array_get, "array.set": _array_set, "array.len": _array_len,
    "array.fill": _array_fill, "array.copy": _array_copy,
    "array.init_data": _array_init_data, "array.init_elem": _array_init_elem,
    "ref.test": _ref_test, "ref.test_null": _ref_test, "ref.cast": _ref_cast,
    "ref.cast_null": _ref_cast, "br_on_cast": _br_on_cast, "br_on_cast_fail": _br_on_cast,
}
