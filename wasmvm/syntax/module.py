"""Modules (spec 2.5): the components a binary module decodes into.

Meta-variables: ``x`` an index, ``e`` an expression (a list of instructions).
Index spaces (functions, tables, memories, globals) count imports first, as in the spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .instructions import Instruction
from .types import (
    PLAIN_SUBTYPE,
    CompType,
    FuncType,
    GlobalType,
    MemoryType,
    RecGroup,
    SubType,
    TableType,
    ValType,
)

Expr = list[Instruction]
ExternKind = Literal["func", "table", "memory", "global", "tag"]


@dataclass
class Import:
    """``(import "module" "name" desc)``; ``desc`` is a type index for functions and tags
    (a tag's type is a function type with no results: its parameters are the payload)."""

    module: str
    name: str
    kind: ExternKind
    desc: int | TableType | MemoryType | GlobalType


@dataclass
class Export:
    name: str
    kind: ExternKind
    index: int


@dataclass
class Local:
    """``count`` locals of type ``type``: the binary format's run-length form."""

    count: int
    type: ValType


@dataclass
class Func:
    """A function defined in the module: its type index, locals and body.

    ``offsets`` (not part of equality) holds, when the function was decoded, the byte
    offset in the file of each instruction in ``walk`` order, with the implicit
    ``else``/``end`` positions of structured instructions and a last entry for the
    function's own ``end``. ``body_offset`` is where the body's size field starts.
    """

    type: int
    locals: list[Local] = field(default_factory=list)
    body: Expr = field(default_factory=list)
    offsets: object = field(default=None, compare=False, repr=False)
    body_offset: int | None = field(default=None, compare=False, repr=False)

    def local_types(self) -> list[ValType]:
        """The declared locals, expanded (parameters not included)."""
        return [loc.type for loc in self.locals for _ in range(loc.count)]


@dataclass
class Table:
    type: TableType
    #: the initializer expression of every element (typed function references: a table
    #: of a non-nullable type needs one); None: null
    init: Expr | None = None


@dataclass
class Memory:
    type: MemoryType


@dataclass
class Tag:
    """An exception tag (exception handling): its type index, a function type whose
    parameters are the exception's payload (it has no results)."""

    type: int


@dataclass
class Global:
    type: GlobalType
    init: Expr


@dataclass
class ElemMode:
    """``passive``, ``declarative``, or ``active`` with a table and an offset expression."""

    kind: Literal["passive", "active", "declarative"]
    table: int = 0
    offset: Expr | None = None
    #: the decoded active segment's encoding named its table (flags 2 and 6) although it
    #: is table 0 of funcref: the encoder (and the WAT printer) keep that form. Not part
    #: of the segment's meaning.
    explicit_table: bool = field(default=False, compare=False)


@dataclass
class Elem:
    """An element segment: a reference type, initialiser expressions and a mode."""

    type: ValType
    init: list[Expr]
    mode: ElemMode
    #: the decoded segment's encoding had function indices (flags 0-3) rather than
    #: expressions: the encoder keeps that form. Not part of the segment's meaning.
    indices: bool | None = field(default=None, compare=False)


@dataclass
class DataMode:
    kind: Literal["passive", "active"]
    memory: int = 0
    offset: Expr | None = None


@dataclass
class Data:
    init: bytes
    mode: DataMode


@dataclass
class CustomSection:
    """A custom section, kept verbatim. ``after`` is the id of the last non-custom
    section before it (0 when it comes first), so the encoder can put it back."""

    name: str
    data: bytes
    after: int = 0


@dataclass
class Names:
    """What the ``name`` custom section says, when it is well formed."""

    module: str | None = None
    funcs: dict[int, str] = field(default_factory=dict)
    locals: dict[int, dict[int, str]] = field(default_factory=dict)


@dataclass
class Module:
    #: the composite type of each type index (function types; with GC also struct and
    #: array types); ``subtypes`` and ``rec_groups`` say how they were declared
    types: list[CompType] = field(default_factory=list)
    #: each type's declaration (finality, supertypes), parallel to ``types``; shorter
    #: (empty for a module built by hand): the rest are plain final types
    subtypes: list[SubType] = field(default_factory=list)
    #: the recursion groups, in order; empty: every type is a group of its own
    rec_groups: list[RecGroup] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    funcs: list[Func] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    mems: list[Memory] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    globals: list[Global] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    start: int | None = None
    elems: list[Elem] = field(default_factory=list)
    datas: list[Data] = field(default_factory=list)
    #: The data count section's value, when the module has that section.
    datacount: int | None = None
    customs: list[CustomSection] = field(default_factory=list)
    names: Names = field(default_factory=Names, compare=False, repr=False)
    #: SHA-256 (hex) of the bytes the module was decoded from; None when not decoded
    digest: str | None = field(default=None, compare=False, repr=False)

    def subtype(self, x: int) -> SubType:
        """How type ``x`` was declared (final with no supertypes unless said)."""
        return self.subtypes[x] if x < len(self.subtypes) else PLAIN_SUBTYPE

    def groups(self) -> list[RecGroup]:
        """The recursion groups covering every type index, in order."""
        groups = list(self.rec_groups)
        end = groups[-1].start + groups[-1].size if groups else 0
        # types added after decoding (by a tool) are groups of their own
        groups.extend(RecGroup(x, 1, False) for x in range(end, len(self.types)))
        return groups

    def imported(self, kind: ExternKind) -> list[Import]:
        return [imp for imp in self.imports if imp.kind == kind]

    def func_type(self, funcidx: int) -> FuncType:
        """The type of a function in the function index space (imports first)."""
        imported = self.imported("func")
        if funcidx < len(imported):
            return self.types[imported[funcidx].desc]
        return self.types[self.funcs[funcidx - len(imported)].type]

    def tag_type(self, tagidx: int) -> FuncType:
        """The type of a tag in the tag index space (imports first)."""
        imported = self.imported("tag")
        if tagidx < len(imported):
            return self.types[imported[tagidx].desc]
        return self.types[self.tags[tagidx - len(imported)].type]

    def func_name(self, funcidx: int) -> str | None:
        return self.names.funcs.get(funcidx)
