"""Types (spec 2.3): value types, function, table, memory and global types, limits.

Meta-variables, as in the spec: ``t`` a value type, ``ft`` a function type, ``lim`` limits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ValType(enum.StrEnum):
    """A value type. Compares equal to its text name, so ``ValType.I32 == "i32"``."""

    I32 = "i32"
    I64 = "i64"
    F32 = "f32"
    F64 = "f64"
    V128 = "v128"
    FUNCREF = "funcref"
    EXTERNREF = "externref"

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
        return self in (ValType.FUNCREF, ValType.EXTERNREF)

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


_CODES = {
    ValType.I32: 0x7F,
    ValType.I64: 0x7E,
    ValType.F32: 0x7D,
    ValType.F64: 0x7C,
    ValType.V128: 0x7B,
    ValType.FUNCREF: 0x70,
    ValType.EXTERNREF: 0x6F,
}
_BY_CODE = {code: t for t, code in _CODES.items()}
_WIDTHS = {ValType.I32: 32, ValType.I64: 64, ValType.F32: 32, ValType.F64: 64, ValType.V128: 128}

I32, I64, F32, F64, V128 = ValType.I32, ValType.I64, ValType.F32, ValType.F64, ValType.V128
FUNCREF, EXTERNREF = ValType.FUNCREF, ValType.EXTERNREF


def valtype(t: str | ValType) -> ValType:
    """Normalise a value type given as text (``"i32"``) or as a ValType."""
    try:
        return ValType(t)
    except ValueError:
        raise ValueError(f"not a value type: {t!r}") from None


@dataclass(frozen=True, slots=True)
class FuncType:
    """``[t1*] -> [t2*]``"""

    params: tuple[ValType, ...] = ()
    results: tuple[ValType, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "params", tuple(valtype(t) for t in self.params))
        object.__setattr__(self, "results", tuple(valtype(t) for t in self.results))

    def __str__(self) -> str:
        parts = ["func"]
        if self.params:
            parts.append("(param " + " ".join(self.params) + ")")
        if self.results:
            parts.append("(result " + " ".join(self.results) + ")")
        return "(" + " ".join(parts) + ")"


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

    elem: ValType
    limits: Limits
    #: table64 (WebAssembly 3.0): indexed by i64
    is_64: bool = False

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
    type: ValType
    mutable: bool = False

    def __str__(self) -> str:
        return f"(mut {self.type})" if self.mutable else str(self.type)


#: A block type is ``None`` (no results), a ValType (one result), or an int: the index of
#: a function type in the module (multi-value blocks). See ``blocktype_str``.
BlockType = None | ValType | int


def blocktype_str(bt: BlockType) -> str:
    if bt is None:
        return ""
    if isinstance(bt, int) and not isinstance(bt, ValType):
        return f"(type {bt})"
    return f"(result {bt})"


PAGE_SIZE = 65536
MAX_PAGES = 65536  # 4 GiB of 32-bit address space
MAX_PAGES_64 = 1 << 48  # a 64-bit memory's limit (memory64): 2**64 bytes
