"""Types (spec 2.3): value types, function, table, memory and global types, limits.

Meta-variables, as in the spec: ``t`` a value type, ``ft`` a function type, ``lim`` limits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ValType(enum.StrEnum):
    """A value type. Compares equal to its text name, so ``ValType.I32 == "i32"``."""

    I32 = "i32"
    I64 = "i64"
    F32 = "f32"
    F64 = "f64"
    V128 = "v128"
    FUNCREF = "funcref"
    EXTERNREF = "externref"
    # WebAssembly 3.0's other nullable abstract reference types: (ref null exn), the
    # bottoms (ref null nofunc) ..., and GC's (ref null any) ...
    EXNREF = "exnref"
    NULLFUNCREF = "nullfuncref"
    NULLEXTERNREF = "nullexternref"
    NULLEXNREF = "nullexnref"
    ANYREF = "anyref"
    EQREF = "eqref"
    I31REF = "i31ref"
    STRUCTREF = "structref"
    ARRAYREF = "arrayref"
    NULLREF = "nullref"

    def __repr__(self) -> str:
        return repr(self.value)

    @property
    def code(self) -> int:
        """The type's byte in the binary format."""
        return _CODES[self]

    @property
    def is_num(self) -> bool:
        return self in (ValType.I32, ValType.I64, ValType.F32, ValType.F64)

    @property
    def is_int(self) -> bool:
        return self in (ValType.I32, ValType.I64)

    @property
    def is_float(self) -> bool:
        return self in (ValType.F32, ValType.F64)

    @property
    def is_vec(self) -> bool:
        return self is ValType.V128

    @property
    def is_ref(self) -> bool:
        return self in _HEAPS

    @property
    def nullable(self) -> bool:
        """A reference type of this form is always nullable (``(ref null HEAP)``)."""
        return self in _HEAPS

    @property
    def heap(self) -> str | None:
        """The heap type of a reference type (``funcref`` -> ``func``), else None."""
        return _HEAPS.get(self)

    @property
    def bit_width(self) -> int | None:
        return _WIDTHS.get(self)

    @classmethod
    def from_code(cls, code: int) -> ValType | None:
        return _BY_CODE.get(code)

    # wasmtime-py spellings: ValType.i32(), ValType.funcref(), ...
    @classmethod
    def i32(cls) -> ValType:
        return cls.I32

    @classmethod
    def i64(cls) -> ValType:
        return cls.I64

    @classmethod
    def f32(cls) -> ValType:
        return cls.F32

    @classmethod
    def f64(cls) -> ValType:
        return cls.F64

    @classmethod
    def v128(cls) -> ValType:
        return cls.V128

    @classmethod
    def funcref(cls) -> ValType:
        return cls.FUNCREF

    @classmethod
    def externref(cls) -> ValType:
        return cls.EXTERNREF

    @classmethod
    def exnref(cls) -> ValType:
        return cls.EXNREF


_CODES = {
    ValType.I32: 0x7F,
    ValType.I64: 0x7E,
    ValType.F32: 0x7D,
    ValType.F64: 0x7C,
    ValType.V128: 0x7B,
    ValType.FUNCREF: 0x70,
    ValType.EXTERNREF: 0x6F,
    ValType.EXNREF: 0x69,
    ValType.NULLFUNCREF: 0x73,
    ValType.NULLEXTERNREF: 0x72,
    ValType.NULLEXNREF: 0x74,
    ValType.ANYREF: 0x6E,
    ValType.EQREF: 0x6D,
    ValType.I31REF: 0x6C,
    ValType.STRUCTREF: 0x6B,
    ValType.ARRAYREF: 0x6A,
    ValType.NULLREF: 0x71,
}
_BY_CODE = {code: t for t, code in _CODES.items()}
_WIDTHS = {ValType.I32: 32, ValType.I64: 64, ValType.F32: 32, ValType.F64: 64, ValType.V128: 128}

I32, I64, F32, F64, V128 = ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128
FUNCREF, EXTERNREF, EXNREF = ValType.FUNCREF, ValType.EXTERNREF, ValType.EXNREF

# -- reference types (spec 2.3.3, 3.0) -------------------------------------------------------
#: The abstract heap types, each with its byte (also the byte of the nullable shorthand),
#: its hierarchy's top and its hierarchy's bottom.
ABSTRACT_HEAPS: dict[str, int] = {
    "func": 0x70, "nofunc": 0x73, "extern": 0x6F, "noextern": 0x72, "exn": 0x69,
    "noexn": 0x74, "any": 0x6E, "eq": 0x6D, "i31": 0x6C, "struct": 0x6B, "array": 0x6A,
    "none": 0x71,
}
HEAP_BY_CODE = {code: heap for heap, code in ABSTRACT_HEAPS.items()}
#: the top of the hierarchy each abstract heap type is in
TOP = {"func": "func", "nofunc": "func", "extern": "extern", "noextern": "extern",
       "exn": "exn", "noexn": "exn", "any": "any", "eq": "any", "i31": "any",
       "struct": "any", "array": "any", "none": "any"}
#: the bottom of each hierarchy, by its top
BOTTOM = {"func": "nofunc", "extern": "noextern", "exn": "noexn", "any": "none"}
_HEAPS = {ValType.FUNCREF: "func", ValType.EXTERNREF: "extern", ValType.EXNREF: "exn",
          ValType.NULLFUNCREF: "nofunc", ValType.NULLEXTERNREF: "noextern",
          ValType.NULLEXNREF: "noexn", ValType.ANYREF: "any", ValType.EQREF: "eq",
          ValType.I31REF: "i31", ValType.STRUCTREF: "struct", ValType.ARRAYREF: "array",
          ValType.NULLREF: "none"}
_SHORTHAND = {heap: t for t, heap in _HEAPS.items()}

#: A heap type: an abstract one by name (``"func"``), or a type index (a concrete type).
HeapType = str | int


@dataclass(frozen=True, slots=True)
class RefType:
    """``(ref null? HEAP)`` for the reference types that have no shorthand: the
    non-nullable ones and those of a concrete (indexed) heap type. Build them with
    ``ref_type``, which gives the shorthand ``ValType`` (``funcref``) where there is one
    and otherwise one shared instance per type, so that types compare by identity, as the
    validator does."""

    nullable: bool
    heap: HeapType

    is_ref = True
    is_num = False
    is_int = False
    is_float = False
    is_vec = False
    bit_width = None

    @property
    def code(self) -> int:
        """The first byte of its binary form (then the heap type, as an s33)."""
        return 0x63 if self.nullable else 0x64

    @property
    def value(self) -> str:
        return str(self)

    def __str__(self) -> str:
        heap = f"{self.heap}" if isinstance(self.heap, str) else f"${self.heap}"
        return f"(ref null {heap})" if self.nullable else f"(ref {heap})"

    def __repr__(self) -> str:
        return repr(str(self))


_INTERNED: dict[tuple[bool, HeapType], RefType] = {}


def ref_type(nullable: bool, heap: HeapType) -> ValType | RefType:
    """The reference type ``(ref null? heap)``: the ValType shorthand when it has one."""
    if nullable and isinstance(heap, str):
        return _SHORTHAND[heap]
    key = (nullable, heap)
    t = _INTERNED.get(key)
    if t is None:
        t = _INTERNED[key] = RefType(nullable, heap)
    return t


def valtype(t: str | ValType | RefType) -> ValType | RefType:
    """Normalise a value type given as text (``"i32"``), a ValType or a RefType."""
    if isinstance(t, RefType):
        return ref_type(t.nullable, t.heap)  # (the shared instance)
    try:
        return ValType(t)
    except ValueError:
        raise ValueError(f"not a value type: {t!r}") from None


def defaultable(t) -> bool:
    """Has ``t`` a default value (zero, or null)? Non-nullable references have none: a
    local of such a type must be set before it is read."""
    return not t.is_ref or t.nullable


@dataclass(frozen=True, slots=True)
class FuncType:
    """``[t1*] -> [t2*]``"""

    params: tuple[ValType | RefType, ...] = ()
    results: tuple[ValType | RefType, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "params", tuple(valtype(t) for t in self.params))
        object.__setattr__(self, "results", tuple(valtype(t) for t in self.results))

    def __str__(self) -> str:
        parts = ["func"]
        if self.params:
            parts.append("(param " + " ".join(map(str, self.params)) + ")")
        if self.results:
            parts.append("(result " + " ".join(map(str, self.results)) + ")")
        return "(" + " ".join(parts) + ")"


# -- GC's composite types (WebAssembly 3.0, spec 2.3.8) -------------------------------------
class PackedType(enum.StrEnum):
    """A packed storage type of a struct field or array element: stored in 8 or 16 bits,
    read as an i32 (``struct.get_s/_u``, ``array.get_s/_u``)."""

    I8 = "i8"
    I16 = "i16"

    def __repr__(self) -> str:
        return repr(self.value)

    @property
    def code(self) -> int:
        return 0x78 if self is PackedType.I8 else 0x77

    @property
    def bit_width(self) -> int:
        return 8 if self is PackedType.I8 else 16

    @property
    def is_ref(self) -> bool:
        return False

    is_num = is_int = is_float = is_vec = is_ref


#: A storage type: a value type, or a packed type.
StorageType = ValType | RefType | PackedType


def unpacked(t: StorageType) -> ValType | RefType:
    """The value type a field of storage type ``t`` holds on the stack (i32 if packed)."""
    return ValType.I32 if isinstance(t, PackedType) else t


@dataclass(frozen=True, slots=True)
class FieldType:
    """A struct field or the element of an array: ``(mut? storage)``."""

    storage: StorageType
    mutable: bool = False

    def __post_init__(self):
        if not isinstance(self.storage, PackedType):
            object.__setattr__(self, "storage", valtype(self.storage))

    def __str__(self) -> str:
        return f"(mut {self.storage})" if self.mutable else str(self.storage)


@dataclass(frozen=True, slots=True)
class StructType:
    """``(struct (field ft)*)``"""

    fields: tuple[FieldType, ...] = ()

    def __str__(self) -> str:
        return "(struct" + "".join(f" (field {f})" for f in self.fields) + ")"


@dataclass(frozen=True, slots=True)
class ArrayType:
    """``(array ft)``"""

    field: FieldType

    def __str__(self) -> str:
        return f"(array {self.field})"


#: A composite type: what a type index names.
CompType = FuncType | StructType | ArrayType


def comp_kind(ct: CompType) -> str:
    """The abstract heap type a composite type's references are below: ``func``,
    ``struct`` or ``array``."""
    return "func" if isinstance(ct, FuncType) else "struct" if isinstance(ct, StructType) else "array"


@dataclass(frozen=True, slots=True)
class SubType:
    """What a type definition declares around its composite type (spec ``subtype``):
    whether it is ``final`` (nothing may declare it as a supertype) and its declared
    supertypes (at most one, by index). A definition without ``sub`` is final with no
    supertypes. ``explicit``: it was written ``sub``/``sub final`` (the binary's 0x50/0x4F),
    kept so the encoder writes it back the same way; not part of the meaning."""

    final: bool = True
    supers: tuple[int, ...] = ()
    explicit: bool = field(default=False, compare=False)


#: A 2.0 type definition: final, no supertypes.
PLAIN_SUBTYPE = SubType()


@dataclass(frozen=True, slots=True)
class RecGroup:
    """A recursion group: the type indices ``start .. start + size - 1``, which may refer
    to each other. ``explicit``: written ``rec`` (0x4E) in the binary; a definition outside
    one is a group of its own."""

    start: int
    size: int
    explicit: bool = field(default=True, compare=False)

    @property
    def indices(self) -> range:
        return range(self.start, self.start + self.size)


@dataclass(frozen=True, slots=True)
class Limits:
    """``{min n, max m?}``, in pages for memories and elements for tables."""

    min: int
    max: int | None = None

    def __str__(self) -> str:
        return f"{self.min}" if self.max is None else f"{self.min} {self.max}"


@dataclass(frozen=True, slots=True)
class TableType:
    """The element type and the limits, in binary order (and wasmtime-py's)."""

    elem: ValType | RefType
    limits: Limits
    #: table64 (WebAssembly 3.0): indexed by i64
    is_64: bool = False

    def __post_init__(self):
        object.__setattr__(self, "elem", valtype(self.elem))

    def __str__(self) -> str:
        return f"{'i64 ' if self.is_64 else ''}{self.limits} {self.elem}"

    @property
    def index_type(self) -> ValType:
        """i32, or i64 for a 64-bit table."""
        return ValType.I64 if self.is_64 else ValType.I32


@dataclass(frozen=True, slots=True)
class MemoryType:
    """The limits in pages; ``is_64`` for a memory with 64-bit addresses (memory64), as in
    wasmtime-py's ``MemoryType(limits, is_64=True)``."""

    limits: Limits
    is_64: bool = False

    def __str__(self) -> str:
        return f"i64 {self.limits}" if self.is_64 else str(self.limits)

    @property
    def index_type(self) -> ValType:
        """The address type: i32, or i64 for a 64-bit memory."""
        return ValType.I64 if self.is_64 else ValType.I32


@dataclass(frozen=True, slots=True)
class GlobalType:
    type: ValType | RefType
    mutable: bool = False

    def __post_init__(self):
        object.__setattr__(self, "type", valtype(self.type))

    def __str__(self) -> str:
        return f"(mut {self.type})" if self.mutable else str(self.type)


#: A block type is ``None`` (no results), a value type (one result), or an int: the index
#: of a function type in the module (multi-value blocks). See ``blocktype_str``.
BlockType = None | ValType | RefType | int


def blocktype_str(bt: BlockType) -> str:
    if bt is None:
        return ""
    if isinstance(bt, int) and not isinstance(bt, ValType):
        return f"(type {bt})"
    return f"(result {bt})"


PAGE_SIZE = 65536
MAX_PAGES = 65536  # 4 GiB of 32-bit address space
MAX_PAGES_64 = 1 << 48  # a 64-bit memory's limit (memory64): 2**64 bytes
