"""Values across the embedding boundary: ``Val`` (exact bits) and Python conversions.

Inside the engine values are raw (see ``exec.numerics``). At the boundary they are
either plain Python values — ints (i32/i64 shown signed, as wasmtime-py does), floats,
``Func`` or ``None`` for funcref, any object or ``None`` for externref, ints for v128 — or
``Val`` objects, which carry the exact bit pattern both ways so NaN payloads survive.
"""

from __future__ import annotations

from ..errors import UncaughtException
from ..exec.gc import I31, Array, Internalized, Struct, ref_test
from ..exec.store import ExnInst, ExternRef, FuncInst
from ..syntax.types import TOP, RefType, ValType, ref_type, unpacked
from ..syntax.values import (
    f32_from_bits,
    f32_round,
    f32_to_bits,
    f64_from_bits,
    f64_to_bits,
    signed,
)
from ..valid.canon import TYPES

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
    def exnref(cls, exn) -> Val:
        """An ``exnref``: an ``ExnRef`` (from a call, a global, an ``UncaughtException``),
        an ``UncaughtException`` (its exception) or None."""
        return cls(ValType.EXNREF, to_raw(ValType.EXNREF, exn))

    @classmethod
    def anyref(cls, obj) -> Val:
        """An ``anyref``: a ``StructRef``, ``ArrayRef`` or ``I31Ref`` (from an earlier call),
        None, or any other Python object (a host value, internalized)."""
        return cls(ValType.ANYREF, to_raw(ValType.ANYREF, obj))

    @classmethod
    def eqref(cls, obj) -> Val:
        return cls(ValType.EQREF, to_raw(ValType.EQREF, obj))

    @classmethod
    def structref(cls, obj) -> Val:
        return cls(ValType.STRUCTREF, to_raw(ValType.STRUCTREF, obj))

    @classmethod
    def arrayref(cls, obj) -> Val:
        return cls(ValType.ARRAYREF, to_raw(ValType.ARRAYREF, obj))

    @classmethod
    def i31ref(cls, n) -> Val:
        """An ``i31ref`` of an int (-2**30 to 2**31-1: signed or unsigned 31 bits), an
        ``I31Ref`` or None."""
        return cls(ValType.I31REF, to_raw(ValType.I31REF, n))

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
        if t.is_ref and (self._raw.__class__ in _GC_VALUES or self._raw.__class__ is ExnInst):
            return f"Val({t}, {gc_text(self._raw)})"
        return f"Val.{t.value}({self.value!r})"


# -- GC objects as Python sees them ----------------------------------------------------------
class GcRef:
    """A GC object of the ``any`` hierarchy seen from Python (as wasmtime's ``AnyRef``):
    ``StructRef``, ``ArrayRef`` or ``I31Ref``. Equal when the object is the same (an i31:
    the same value); passing one back into WebAssembly gives that very object."""

    __slots__ = ("_raw",)

    def __init__(self, raw):
        self._raw = raw

    def __eq__(self, other):
        if not isinstance(other, GcRef):
            return NotImplemented
        return other._raw is self._raw or other._raw == self._raw

    def __hash__(self):
        return hash(self._raw) if self._raw.__class__ is I31 else id(self._raw)

    def __repr__(self) -> str:
        return gc_text(self._raw)

    __str__ = __repr__


class _Aggregate(GcRef):
    __slots__ = ()

    @property
    def type_id(self) -> int:
        """The canonical id of its type (``valid.canon.TYPES``)."""
        return self._raw.type_id

    @property
    def type(self):
        """Its type, ``(struct (field i32) (field (mut i64)))`` or ``(array (mut i8))``
        (a ``StructType``/``ArrayType``; concrete references in it are canonical ids)."""
        return TYPES.comp[self._raw.type_id]

    def _storage(self, i: int):
        raise NotImplementedError

    def _values(self) -> list:
        raise NotImplementedError

    @property
    def fields(self) -> list[Val]:
        """Its fields (elements) as ``Val``s: packed i8/i16 ones as i32 (zero-extended),
        references as their GC view (``Val.value``)."""
        return [Val(unpacked(self._storage(i)), v) for i, v in enumerate(self._values())]

    def __len__(self) -> int:
        return len(self._values())

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.fields[i]
        values = self._values()
        if i < 0:
            i += len(values)
        if not 0 <= i < len(values):
            raise IndexError(i)
        return Val(unpacked(self._storage(i)), values[i])


class StructRef(_Aggregate):
    """A struct: ``.type``, ``.fields`` (Vals), ``len(s)``, ``s[i]``."""

    __slots__ = ()

    def _storage(self, i: int):
        return TYPES.comp[self._raw.type_id].fields[i].storage

    def _values(self) -> list:
        return self._raw.fields


class ArrayRef(_Aggregate):
    """An array: ``.type``, ``.fields`` (its elements, Vals), ``len(a)``, ``a[i]``."""

    __slots__ = ()

    def _storage(self, i: int):
        return TYPES.comp[self._raw.type_id].field.storage

    def _values(self) -> list:
        return self._raw.values


class I31Ref(GcRef):
    """An i31: ``.signed`` (-2**30 to 2**30-1), ``.unsigned`` (its 31 bits); ``int(r)`` is
    the signed value."""

    __slots__ = ()

    @property
    def unsigned(self) -> int:
        return self._raw.value

    @property
    def signed(self) -> int:
        v = self._raw.value
        return v - (1 << 31) if v & 0x40000000 else v

    def __int__(self) -> int:
        return self.signed

    __index__ = __int__


_VIEWS = {Struct: StructRef, Array: ArrayRef, I31: I31Ref}


# -- exception references ------------------------------------------------------------------
class ExnRef:
    """An exception reference (``exnref``) seen from Python, as wasmtime's ``ExnRef``: what
    ``catch_ref``/``catch_all_ref`` give a function that returns it, a global or a table
    holds, or an ``UncaughtException`` carries (``ExnRef.of(exc)``). ``.tag`` (a ``Tag``),
    ``.fields`` (its payload as ``Val``s), ``len(e)``, ``e[i]``. Equal when it is the same
    exception; passing one back into WebAssembly gives that very exception, and a host
    function that raises ``e.as_exception()`` throws it (the same one) into its
    WebAssembly caller, as ``throw_ref`` would.

    ``ExnRef(store, tag, fields)`` makes a new exception of ``tag`` (a ``Tag``) with
    ``fields`` (Python values or ``Val``s, by the tag's parameter types)."""

    __slots__ = ("_raw",)

    def __init__(self, store, tag, fields=()):
        inst = getattr(tag, "_inst", None)
        params = getattr(getattr(inst, "type", None), "params", None)
        if params is None or not hasattr(inst, "type_id"):
            raise TypeError(f"ExnRef needs a Tag, got {type(tag).__name__}")
        fields = list(fields)
        if len(fields) != len(params):
            raise TypeError(f"tag {inst.type} takes {len(params)} field(s), got {len(fields)}")
        self._raw = ExnInst(inst, tuple(to_raw(t, v) for t, v in zip(params, fields)))

    @classmethod
    def _wrap(cls, raw: ExnInst) -> ExnRef:
        obj = object.__new__(cls)
        obj._raw = raw
        return obj

    @classmethod
    def of(cls, exc: UncaughtException) -> ExnRef:
        """The exception an ``UncaughtException`` carries."""
        if not isinstance(exc, UncaughtException) or exc.exn is None:
            raise TypeError(f"not an uncaught WebAssembly exception: {exc!r}")
        return cls._wrap(exc.exn)

    @property
    def tag(self):
        """Its tag, a ``Tag`` (equal to the exported or imported one it was thrown with)."""
        from .extern import Tag

        return Tag._wrap(self._raw.tag)

    @property
    def fields(self) -> list[Val]:
        """Its payload, in the tag's parameter order, as ``Val``s."""
        return [Val(t, v) for t, v in zip(self._raw.tag.type.params, self._raw.payload)]

    def __len__(self) -> int:
        return len(self._raw.payload)

    def __getitem__(self, i):
        return self.fields[i]

    def as_exception(self) -> UncaughtException:
        """This exception as the ``UncaughtException`` a host function raises to throw it
        into its WebAssembly caller (the same exception: a handler's ``catch_ref`` there
        gets this very exnref back)."""
        return UncaughtException(self._raw.tag, self._raw.payload, self._raw)

    def __eq__(self, other):
        if not isinstance(other, ExnRef):
            return NotImplemented
        return other._raw is self._raw

    def __hash__(self):
        return id(self._raw)

    def __repr__(self) -> str:
        return gc_text(self._raw)

    __str__ = __repr__


def gc_view(raw) -> GcRef:
    """The Python view of a raw struct, array or i31."""
    return _VIEWS[raw.__class__](raw)


# -- the text of GC values: (ref.struct $3 {i32:1, (mut i64):2}) -----------------------------
#: at most this many fields or elements of one object are shown, objects nested this deep,
#: and this many objects in one text; a cycle is shown as <cycle>
GC_TEXT_ITEMS = 8
GC_TEXT_DEPTH = 3
GC_TEXT_OBJECTS = 24


def gc_text(raw, type_name=None, *, items: int = GC_TEXT_ITEMS, depth: int = GC_TEXT_DEPTH) -> str:
    """A reference value as text: ``(ref.struct $3 {i32:1, (mut i64):2})``,
    ``(ref.array $5 [i8:1, i8:2, ...] len=100)``, ``(ref.i31 -5)``, ``null``; nested
    objects up to ``depth`` levels (deeper ones as ``(ref.struct $3 ...)``), ``items``
    fields or elements each, a reference back to an enclosing object as ``<cycle>``.
    ``type_name(id)`` names a canonical type id (default ``$id``)."""
    name = type_name or (lambda tid: f"${tid}")
    open_: set[int] = set()
    budget = [GC_TEXT_OBJECTS]

    def one(r, d: int) -> str:
        cls = r.__class__
        if r is None:
            return "null"
        if cls is I31:
            v = r.value
            return f"(ref.i31 {v - (1 << 31) if v & 0x40000000 else v})"
        if cls is Struct or cls is Array:
            kind = "struct" if cls is Struct else "array"
            head = f"ref.{kind} {name(r.type_id)}"
            if id(r) in open_:
                return f"({head} <cycle>)"
            if d <= 0 or budget[0] <= 0:
                return f"({head} ...)"
            budget[0] -= 1
            open_.add(id(r))
            try:
                ct = TYPES.comp[r.type_id]
                if cls is Struct:
                    parts = [f"{field_type(f)}:{field(f.storage, v, d)}"
                             for f, v in zip(ct.fields[:items], r.fields[:items])]
                    more = ", ..." if len(r.fields) > items else ""
                    return f"({head} {{{', '.join(parts)}{more}}})"
                st = ct.field.storage
                st_text = storage_text(st)
                parts = [f"{st_text}:{field(st, v, d)}" for v in r.values[:items]]
                more = ", ..." if len(r.values) > items else ""
                return f"({head} [{', '.join(parts)}{more}] len={len(r.values)})"
            finally:
                open_.discard(id(r))
        if cls is ExnInst:
            parts = []
            for t, v in zip(r.tag.type.params[:items], r.payload[:items]):
                parts.append(one(v, d - 1) if t.is_ref else format_value(Val(t, v)))
            more = ", ..." if len(r.payload) > items else ""
            return f"(ref.exn {tag_text(r.tag)} [{', '.join(parts)}{more}])"
        if cls is Internalized:
            return f"(ref.host {getattr(r.value, 'value', r.value)!r})"
        if isinstance(r, FuncInst):
            return f"(ref.func {getattr(r, 'name', '?')})"
        if isinstance(r, ExternRef):
            return f"(ref.extern {r.value!r})"
        return repr(r)

    def storage_text(storage) -> str:
        if isinstance(storage, RefType) and isinstance(storage.heap, int):
            heap = name(storage.heap)
            return f"(ref null {heap})" if storage.nullable else f"(ref {heap})"
        return str(storage)

    def field_type(f) -> str:
        text = storage_text(f.storage)
        return f"(mut {text})" if f.mutable else text

    def field(storage, v, d: int) -> str:
        t = unpacked(storage)
        if t.is_ref:
            return one(v, d - 1)
        return format_value(Val(t, v)).split(":", 1)[1]

    return one(raw, depth)


def tag_text(tag) -> str:
    """A tag instance as text: ``$1`` for a module's tag 1, else its name."""
    name = getattr(tag, "name", "tag")
    index = name.removeprefix("tag ")
    return f"${index}" if index != name and index.isdigit() else name


def _int_raw(t: ValType, n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{t} needs an int, got {type(n).__name__}")
    width = _WIDTH[t]
    if not -(1 << (width - 1)) <= n < 1 << width:
        raise ValueError(f"{n} does not fit in {t}")
    return n & _MASK[t]


def hierarchy(t) -> str | None:
    """The reference hierarchy of a type (``func``, ``extern``, ``exn``, ``any``), or
    None for numeric and vector types: references of one hierarchy share one raw form.
    A concrete ``(ref $t)`` is read in the canonical space (``$t`` a canonical id, as the
    API's function types have them, see ``canonical``): ``func`` for a function type,
    ``any`` for a struct or array type."""
    if not t.is_ref:
        return None
    heap = t.heap
    if isinstance(heap, int):
        kind = TYPES.kind[heap] if 0 <= heap < len(TYPES.kind) else "func"
        return "func" if kind == "func" else "any"
    return TOP[heap]


def canonical(t, type_ids):
    """``t`` with a concrete heap type written as its canonical id (``type_ids``: a
    module's canonical id of each type index); other types unchanged."""
    if type_ids and isinstance(t, RefType) and isinstance(t.heap, int) and t.heap < len(type_ids):
        return ref_type(t.nullable, type_ids[t.heap])
    return t


def canonical_type(inst):
    """The type of a function (an API ``Func`` or an engine function) with its concrete
    reference types as canonical ids (a WebAssembly function's type is written with its
    module's type indices; a host function's is canonical already), so that ``hierarchy``
    and casts read them right: parse arguments by these types."""
    inst = getattr(inst, "_inst", inst)
    ty = inst.type
    module = getattr(inst, "module", None)
    if module is None or not any(getattr(t, "heap", None).__class__ is int
                                 for t in (*ty.params, *ty.results)):
        return ty
    ids = module.type_ids
    return type(ty)(tuple(canonical(t, ids) for t in ty.params),
                    tuple(canonical(t, ids) for t in ty.results))


def module_type_name(module, type_id: int) -> str:
    """A canonical type id as the module instance ``module`` writes it: ``$2`` (its first
    type index of that id), or ``$#id`` when the module has no such type."""
    ids = getattr(module, "type_ids", None) or ()
    for i, x in enumerate(ids):
        if x == type_id:
            return f"${i}"
    return f"$#{type_id}"


def func_namer(func):
    """``type_name`` for ``gc_text`` naming types as the module of ``func`` (an API
    ``Func``) does; None for a host function."""
    return type_namer(getattr(getattr(func, "_inst", None), "module", None))


def type_namer(module):
    """``type_name`` for ``gc_text`` naming types as ``module`` (an instance) does."""
    if module is None or not getattr(module, "type_ids", None):
        return None
    return lambda type_id: module_type_name(module, type_id)


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
    elif top == "exn":
        raw = _exn_raw(t, v)
    elif isinstance(v, GcRef):
        raw = v._raw
    elif top == "any" and t.heap == "i31" and isinstance(v, int) and not isinstance(v, bool):
        raw = _i31(v)
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
    if raw is not None and top == "any" and not ref_test(raw, t.nullable, t.heap):
        what = gc_text(raw) if raw.__class__ in _GC_VALUES else "a host value"
        raise TypeError(f"{what} is not a value of {t}")
    return raw


def _exn_raw(t, v) -> ExnInst:
    if isinstance(v, ExnRef):
        return v._raw
    if isinstance(v, ExnInst):  # the engine's own (UncaughtException.exn)
        return v
    if isinstance(v, UncaughtException) and v.exn is not None:
        return v.exn
    raise TypeError(f"{t} needs an ExnRef, an UncaughtException or None, "
                    f"got {type(v).__name__}")


def _i31(n: int) -> I31:
    if not -(1 << 30) <= n < 1 << 31:
        raise ValueError(f"{n} does not fit in i31 (-2**30 to 2**31-1)")
    return I31(n & 0x7FFFFFFF)


_GC_VALUES = (Struct, Array, I31)


def to_python(t: ValType, raw):
    """A raw value as a Python value: signed ints, floats, Func/None, host object/None,
    ``ExnRef``/None, ``StructRef``/``ArrayRef``/``I31Ref``/None."""
    if t is ValType.I32:
        return signed(raw, 32)
    if t is ValType.I64:
        return signed(raw, 64)
    if raw.__class__ in _GC_VALUES:  # structs, arrays, i31: their views
        return _VIEWS[raw.__class__](raw)
    if raw.__class__ is ExnInst:
        return ExnRef._wrap(raw)
    if t.is_ref and t not in (ValType.FUNCREF, ValType.EXTERNREF):
        # by what the value is (a global's or table's (ref $t) may be in its module's
        # index space, where hierarchy() cannot read it)
        t = (ValType.FUNCREF if isinstance(raw, FuncInst) else
             ValType.EXTERNREF if isinstance(raw, ExternRef) else t)
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
        if s == "null":
            if not t.nullable:
                raise ValueError(f"null is not a value of {t}")
            return Val(t, None)
        if t.heap in ("any", "eq", "i31"):  # an i31 literal (ref.i31 N), "i31:N" too
            try:
                return Val(t, _i31(int(s.removeprefix("i31:"), 0)))
            except ValueError as e:
                raise ValueError(f"{_article(t)} {t} argument is null or an i31 "
                                 f"(-2**30 to 2**31-1), got {text!r}: {e}") from None
        raise ValueError(f"{_article(t)} {t} argument can only be null, got {text!r}")
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


def type_text(t, type_name=None) -> str:
    """A value type as text, ``(ref null $0)`` with ``type_name`` naming a concrete heap
    type's canonical id (as ``gc_text`` does)."""
    if type_name is not None and isinstance(t, RefType) and isinstance(t.heap, int):
        heap = type_name(t.heap)
        return f"(ref null {heap})" if t.nullable else f"(ref {heap})"
    return str(t)


def parse_argument(func, i: int, text: str) -> Val:
    """Argument ``i`` of ``func`` (an API ``Func``) from text, as ``parse_value`` reads it
    by the parameter's type as the module writes it (errors say ``(ref $0)``), typed as
    the API passes it (``canonical_type``). A function reference may also be written
    ``ref.func:NAME`` (a function the module exports) or ``ref.func:N`` (its function
    index N): a value for ``(ref $t)``, ``(ref func)`` and funcref parameters."""
    t = func.type().params[i]
    ct = canonical_type(func).params[i]
    s = text.strip()
    if t.is_ref and s.startswith("ref.func:") and hierarchy(ct) == "func":
        return Val(ct, _named_function(func, t, ct, s[len("ref.func:"):]))
    v = parse_value(t, text)
    return Val(ct, v._raw)


def _named_function(func, t, ct, name: str) -> FuncInst:
    """The function ``ref.func:NAME`` names in the module of ``func``, checked against
    the parameter type ``ct`` (``t`` as the module writes it, for messages)."""
    module = getattr(getattr(func, "_inst", None), "module", None)
    if module is None:
        raise ValueError("ref.func: names a function of the callee's module; "
                         "a host function has none")
    if name.isdigit():
        index = int(name)
        if index >= len(module.funcs):
            raise ValueError(f"ref.func:{name}: the module has {len(module.funcs)} functions")
        target = module.funcs[index]
    else:
        kind, target = module.exports.get(name, (None, None))
        if kind != "func":
            names = ", ".join(n for n, (k, _) in module.exports.items() if k == "func")
            raise ValueError(f"ref.func:{name}: no exported function {name!r} "
                             f"(exported functions: {names or 'none'})")
    heap = ct.heap
    if heap == "nofunc" or (isinstance(heap, int) and not TYPES.is_sub(target.type_id, heap)):
        raise ValueError(f"ref.func:{name} is a function of type {target.type}, "
                         f"not a value of {t}")
    return target


def format_value(v: Val, type_name=None) -> str:
    """``i32:3``, ``f64:-0.0``, ``f32:nan:0x200000``, ``funcref:null``, ``anyref:null``;
    a struct, array or i31 as its own text (``gc_text``: ``(ref.i31 -5)``,
    ``(ref.struct $3 {i32:1, (mut i64):2})``), ``type_name`` naming its type."""
    from ..syntax.values import format_float

    t = v.type
    if v._raw.__class__ in _GC_VALUES or v._raw.__class__ is ExnInst:
        return gc_text(v._raw, type_name)
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
    return "a" if str(t) in ("v128", "funcref") or str(t).startswith("(") else "an"


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
