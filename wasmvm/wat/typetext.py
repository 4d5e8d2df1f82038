"""Types in the text format (spec 6.4): value, heap and reference types, function,
struct and array types, limits, table, memory and global types, and type uses.

Each reader takes the cursor and the identifier context and returns the type of
``wasmvm.syntax.types`` (type identifiers resolved to indices).
"""

from __future__ import annotations

from ..syntax.types import (
    ABSTRACT_HEAPS,
    ArrayType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    PackedType,
    StructType,
    TableType,
    ValType,
    ref_type,
)
from .context import Context, Space, is_index
from .cursor import Cursor

_NUMVEC = {"i32": ValType.I32, "i64": ValType.I64, "f32": ValType.F32, "f64": ValType.F64,
           "v128": ValType.V128}
#: the abbreviations ``funcref`` ... ``nullexnref``
_REF_SHORTHANDS = {t.value: t for t in ValType if t.is_ref}
_PACKED = {"i8": PackedType.I8, "i16": PackedType.I16}


def heaptype(cur: Cursor, ctx: Context):
    """``func``, ``any``, ... or a type index."""
    tok = cur.peek()
    if tok.kind == "keyword" and tok.text in ABSTRACT_HEAPS:
        cur.i += 1
        return tok.text
    if is_index(cur):
        return ctx["type"].index(cur)
    raise cur.unexpected()


def is_reftype_start(cur: Cursor) -> bool:
    tok = cur.peek()
    if tok.kind == "keyword":
        return tok.text in _REF_SHORTHANDS
    return cur.at_lparen("ref")


def reftype(cur: Cursor, ctx: Context):
    tok = cur.peek()
    if tok.kind == "keyword":
        t = _REF_SHORTHANDS.get(tok.text)
        if t is None:
            raise cur.unexpected()
        cur.i += 1
        return t
    cur.lparen("ref")
    nullable = False
    if cur.at_keyword("null"):
        cur.i += 1
        nullable = True
    heap = heaptype(cur, ctx)
    cur.rparen()
    return ref_type(nullable, heap)


def is_valtype_start(cur: Cursor) -> bool:
    tok = cur.peek()
    if tok.kind == "keyword":
        return tok.text in _NUMVEC or tok.text in _REF_SHORTHANDS
    return cur.at_lparen("ref")


def valtype(cur: Cursor, ctx: Context):
    tok = cur.peek()
    if tok.kind == "keyword":
        t = _NUMVEC.get(tok.text)
        if t is not None:
            cur.i += 1
            return t
    return reftype(cur, ctx)


def storagetype(cur: Cursor, ctx: Context):
    tok = cur.peek()
    if tok.kind == "keyword" and tok.text in _PACKED:
        cur.i += 1
        return _PACKED[tok.text]
    return valtype(cur, ctx)


def fieldtype(cur: Cursor, ctx: Context) -> FieldType:
    if cur.at_lparen("mut"):
        cur.i += 2
        t = storagetype(cur, ctx)
        cur.rparen()
        return FieldType(t, True)
    return FieldType(storagetype(cur, ctx), False)


def params_results(cur: Cursor, ctx: Context, names: Space | None = None,
                   results: bool = True) -> tuple[list, list, list]:
    """``(param id? t)`` / ``(param t*)``* then ``(result t*)``*: (params, their ids
    (None where unnamed), results). Parameter ids are declared in ``names`` when given."""
    params: list = []
    ids: list[str | None] = []
    while cur.at_lparen("param"):
        cur.i += 2
        tok = cur.peek()
        if tok.kind == "id":
            at = cur.i
            cur.i += 1
            t = valtype(cur, ctx)
            if names is not None:
                names.declare(tok.text, cur, at)
            params.append(t)
            ids.append(tok.text)
        else:
            while not cur.at_rparen():
                params.append(valtype(cur, ctx))
                ids.append(None)
                if names is not None:
                    names.declare(None, cur, cur.i)
        cur.rparen()
    res: list = []
    while results and cur.at_lparen("result"):
        cur.i += 2
        while not cur.at_rparen():
            res.append(valtype(cur, ctx))
        cur.rparen()
    if res and cur.at_lparen("param"):  # parameters come first
        raise cur.error("unexpected token")
    return params, ids, res


def functype(cur: Cursor, ctx: Context) -> FuncType:
    """The inside of ``(func ...)`` in a type definition (parameter ids allowed)."""
    params, _, results = params_results(cur, ctx)
    return FuncType(tuple(params), tuple(results))


def structtype(cur: Cursor, ctx: Context, x: int) -> StructType:
    """The inside of ``(struct ...)``: ``(field id? ft)`` or ``(field ft*)``; field ids
    go into ``ctx.fields[x]``."""
    fields: list[FieldType] = []
    names: dict[str, int] = {}
    while cur.at_lparen("field"):
        cur.i += 2
        tok = cur.peek()
        if tok.kind == "id":
            if tok.text in names:
                raise cur.error(f"duplicate field ${tok.text}")
            names[tok.text] = len(fields)
            cur.i += 1
            fields.append(fieldtype(cur, ctx))
        else:
            while not cur.at_rparen():
                fields.append(fieldtype(cur, ctx))
        cur.rparen()
    ctx.fields[x] = names
    return StructType(tuple(fields))


def arraytype(cur: Cursor, ctx: Context) -> ArrayType:
    return ArrayType(fieldtype(cur, ctx))


def comptype(cur: Cursor, ctx: Context, x: int):
    """``(func ...)``, ``(struct ...)`` or ``(array ...)``."""
    cur.lparen()
    kind = cur.keyword()
    if kind == "func":
        ct = functype(cur, ctx)
    elif kind == "struct":
        ct = structtype(cur, ctx, x)
    elif kind == "array":
        ct = arraytype(cur, ctx)
    else:
        raise cur.unexpected(cur.i - 1)
    cur.rparen()
    return ct


def limits(cur: Cursor, ctx: Context, is_64: bool) -> Limits:
    """Bounds are u64 in 3.0 (validation bounds a 32-bit memory or table); without
    memory64 (2.0) a 32-bit one's are u32 ("i32 constant out of range")."""
    bits = 64 if is_64 or ctx.features.memory64 else 32
    what = f"i{bits} constant"
    lo = cur.unsigned(bits, what)
    hi = cur.unsigned(bits, what) if cur.peek().kind == "num" else None
    return Limits(lo, hi)


def address_type(cur: Cursor) -> bool:
    """An optional ``i32`` / ``i64`` before limits: True for i64 (memory64, table64)."""
    tok = cur.peek()
    if tok.kind == "keyword" and tok.text in ("i32", "i64"):
        cur.i += 1
        return tok.text == "i64"
    return False


def tabletype(cur: Cursor, ctx: Context) -> TableType:
    is_64 = address_type(cur)
    lim = limits(cur, ctx, is_64)
    return TableType(reftype(cur, ctx), lim, is_64)


def memtype(cur: Cursor, ctx: Context) -> MemoryType:
    is_64 = address_type(cur)
    return MemoryType(limits(cur, ctx, is_64), is_64)


def globaltype(cur: Cursor, ctx: Context) -> GlobalType:
    if cur.at_lparen("mut"):
        cur.i += 2
        t = valtype(cur, ctx)
        cur.rparen()
        return GlobalType(t, True)
    return GlobalType(valtype(cur, ctx), False)


def typeuse(cur: Cursor, ctx: Context, names: Space | None = None) -> tuple[int, list]:
    """``(type x)? (param ...)* (result ...)*`` (spec 6.6.5): the type index, and the
    parameter ids (declared into ``names`` when given). With ``(type x)`` and inline
    declarations both, they must agree ("inline function type"); without ``(type x)``
    the index is that of an equal function type, appended if there is none."""
    start = cur.i
    x = None
    if cur.at_lparen("type"):
        cur.i += 2
        x = ctx["type"].index(cur)
        cur.rparen()
    inline_at = cur.i
    params, ids, results = params_results(cur, ctx, names)
    if x is None:
        return ctx.func_type_index(FuncType(tuple(params), tuple(results))), ids
    declared = ctx.types[x] if x < len(ctx.types) else None
    if cur.i != inline_at:  # inline declarations as well: they must be the type's
        if declared is None:
            raise cur.error("unknown type", start)
        if not isinstance(declared, FuncType) or declared != FuncType(tuple(params), tuple(results)):
            raise cur.error("inline function type", start)
    elif names is not None and isinstance(declared, FuncType):
        for _ in declared.params:  # the parameters are locals, unnamed
            names.declare(None, cur, start)
        ids = [None] * len(declared.params)
    return x, ids
