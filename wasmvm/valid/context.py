"""The validation context (spec 3.1.1) and what validation hands to the executor.

Meta-variables, as in the spec: ``C`` a context, ``x`` an index, ``t`` a value type,
``ft`` a function type. ``Context`` holds the module-level part of ``C`` (types, funcs,
tables, mems, globals, elems, datas, refs); the parts that belong to one function (locals,
labels, return) live in ``instr.BodyValidator``.

``ModuleInfo`` and ``FuncInfo`` are the result of validation, a contract with the executors:

    ModuleInfo.funcs[i]         FuncInfo of module.funcs[i] (defined functions only)
    FuncInfo.heights            array('i'): operand-stack height before each walk event of
                                the body (positions as Func.offsets, the function's own end
                                last), -1 where the event is unreachable
    FuncInfo.max_height         the largest height
    FuncInfo.local_types        params + declared locals
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from ..errors import InvalidError
from ..syntax.features import WASM3, Features
from ..syntax.module import Module
from ..syntax.types import (
    I32,
    FuncType,
    GlobalType,
    MemoryType,
    RefType,
    TableType,
    ValType,
    valtype,
)
from .canon import module_canon
from .subtype import matches

#: The start of the spec's message for an operand of the wrong type
MISMATCH = "type mismatch"


def fail(message: str, offset: int | None = None):
    """Raise the spec's validation error. (A function, so that handlers stay one-liners.)"""
    raise InvalidError(message, offset)


class Label:
    """The types of one block type, precomputed for one kind of frame (spec ``ctrl``).

    ``label`` is what a branch to the frame carries: the start types for ``loop``, the end
    types otherwise. ``*_rev`` are reversed (pop order); ``br_if`` is br_if's signature.
    """

    __slots__ = ("start", "end", "start_rev", "end_rev", "label", "label_rev", "br_if")

    def __init__(self, start: tuple, end: tuple, loop: bool):
        self.start, self.end = start, end
        self.start_rev, self.end_rev = start[::-1], end[::-1]
        self.label = start if loop else end
        self.label_rev = self.label[::-1]
        self.br_if = ((I32, *self.label_rev), self.label)


@dataclass(eq=False)
class FuncInfo:
    """What validation learned about one defined function."""

    type: FuncType
    local_types: tuple[ValType, ...]
    heights: array
    max_height: int


@dataclass(eq=False)
class ModuleInfo:
    """The validated module's index spaces (imports first) and per-function facts."""

    types: list[FuncType]
    func_types: list[FuncType]
    table_types: list[TableType]
    mem_types: list[MemoryType]
    global_types: list[GlobalType]
    elem_types: list[ValType]
    data_count: int
    refs: frozenset[int]
    tag_types: list[FuncType] = field(default_factory=list)
    num_imported_funcs: int = 0
    num_imported_globals: int = 0
    funcs: list[FuncInfo] = field(default_factory=list)
    #: the canonical id of each type index (``canon.TYPES``; valid in this process only)
    canon: list[int] = field(default_factory=list)


class Context:
    """The module-level context ``C``, with per-index signatures precomputed once.

    The ``*_sig`` lists hold ``(params reversed, results)`` pairs, the shape the body
    validator pops and pushes, so that e.g. ``local.get``/``call`` cost one list index.
    """

    def __init__(self, module: Module, refs: frozenset[int], features: Features = WASM3):
        self.features = features  # the proposals the module may use (syntax.features)
        types = module.types
        #: the canonical id of each type index (``canon.TYPES``)
        self.canon = module_canon(module, fail)
        self.types = types
        funcs: list[FuncType] = []
        tables: list[TableType] = []
        mems: list[MemoryType] = []
        globals_: list[GlobalType] = []
        tags: list[FuncType] = []
        #: the type index of each function (imports first), for ``ref.func``'s type
        self.func_type_idx: list[int] = []
        for imp in module.imports:
            if imp.kind == "func":
                funcs.append(self.type_(imp.desc))
                self.func_type_idx.append(imp.desc)
            elif imp.kind == "table":
                tables.append(imp.desc)
            elif imp.kind == "memory":
                mems.append(imp.desc)
            elif imp.kind == "tag":
                tags.append(self.type_(imp.desc))
            else:
                globals_.append(imp.desc)
        self.num_imported_funcs = len(funcs)
        self.num_imported_globals = len(globals_)
        for f in module.funcs:
            funcs.append(self.type_(f.type))
            self.func_type_idx.append(f.type)
        tables += [t.type for t in module.tables]
        mems += [m.type for m in module.mems]
        globals_ += [g.type for g in module.globals]
        tags += [self.type_(t.type) for t in module.tags]
        #: the type of each tag (imports first): a function type with no results
        self.tags = tags
        self.funcs = funcs
        self.tables = tables
        self.mems = mems
        self.globals = globals_
        self.elems = [valtype(e.type) for e in module.elems]
        self.datas = len(module.datas)
        self.refs = refs

        sig = _sig_cache()
        self.call_sig = [sig(ft.params, ft.results) for ft in funcs]
        self.call_indirect_sig = [sig((*ft.params, I32), ft.results)
                                  if isinstance(ft, FuncType) else None for ft in types]
        self.global_get_sig = [sig((), (valtype(g.type),)) for g in globals_]
        self.global_set_sig = [sig((valtype(g.type),), ()) if g.mutable else None
                               for g in globals_]
        # Block types (None, a value type, or a type index) -> Label, for block and if
        # (labels[False]) and for loop (labels[True]).
        self.labels: tuple[dict, dict] = ({}, {})
        for loop in (False, True):
            labels = self.labels[loop]
            labels[None] = Label((), (), loop)
            for t in ValType:
                labels[t] = Label((), (t,), loop)
            for x, ft in enumerate(types):
                if isinstance(ft, FuncType):
                    labels[x] = Label(ft.params, ft.results, loop)

    def tag(self, x: int) -> FuncType:
        if x >= len(self.tags):
            fail(f"unknown tag {x}")
        return self.tags[x]

    def type_(self, x: int) -> FuncType:
        """Function type ``x`` (a struct or array type there is "non-function type")."""
        if x >= len(self.types):
            fail(f"unknown type {x}")
        ft = self.types[x]
        if not isinstance(ft, FuncType):
            fail(f"non-function type {x}")
        return ft

    def comp_type(self, x: int):
        """Composite type ``x``, of any kind."""
        if x >= len(self.types):
            fail(f"unknown type {x}")
        return self.types[x]

    def label(self, blocktype, loop: bool) -> Label | None:
        """The Label of a block type (None for an unknown type index)."""
        labels = self.labels[loop]
        label = labels.get(blocktype)
        if label is None and isinstance(blocktype, RefType):
            self.check_valtype(blocktype)
            label = labels[blocktype] = Label((), (blocktype,), loop)
        return label

    def check_valtype(self, t) -> None:
        """A reference type's type index must exist."""
        if isinstance(t, RefType) and isinstance(t.heap, int) and t.heap >= len(self.types):
            fail(f"unknown type {t.heap}")

    def match(self, a, t) -> bool:
        """Does value type ``a`` match ``t`` (``valid.subtype``)?"""
        return a is t or matches(self.canon, a, t)

    def info(self) -> ModuleInfo:
        return ModuleInfo(list(self.types), self.funcs, self.tables, self.mems, self.globals,
                          self.elems, self.datas, self.refs, self.tags,
                          self.num_imported_funcs, self.num_imported_globals,
                          canon=self.canon)


def _sig_cache():
    """``sig(params, results) -> (params reversed, results)``, one tuple per distinct pair."""
    cache: dict = {}

    def sig(params, results):
        key = (tuple(params), tuple(results))
        got = cache.get(key)
        if got is None:
            got = cache[key] = (key[0][::-1], key[1])
        return got

    return sig
