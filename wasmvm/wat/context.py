"""Identifiers of a module being parsed (spec 6.3.5, "Identifier Context").

    Space("func")        one index space: identifiers to indices, in declaration order
    Context              every space, the field names of struct types, the function
                         types (explicit, then implicit ones appended, spec 6.6.5), and
                         while a function is parsed its locals and labels

A symbolic index ``$x`` resolves to the index its declaration got; a numeric one stays
as written (the validator says whether it exists). Every error carries the position of
the offending token and the reference interpreter's words ("unknown function",
"duplicate local", ...).
"""

from __future__ import annotations

from ..syntax.features import WASM3, Features
from ..syntax.types import PLAIN_SUBTYPE, FuncType, RecGroup, SubType
from .cursor import Cursor
from .numbers import NotANumber, OutOfRange, unsigned

#: the word a message uses for each index space
_WORDS = {"type": "type", "func": "function", "table": "table", "memory": "memory",
          "global": "global", "tag": "tag", "elem": "elem segment", "data": "data segment",
          "local": "local", "label": "label", "field": "field"}


class Space:
    """One index space: ``$id`` -> index, and how many indices are taken."""

    __slots__ = ("kind", "ids", "count")

    def __init__(self, kind: str):
        self.kind = kind
        self.ids: dict[str, int] = {}
        self.count = 0

    def declare(self, name: str | None, cur: Cursor, at: int) -> int:
        """Take the next index, for ``name`` if given ("duplicate func" if taken)."""
        x = self.count
        if name is not None:
            if name in self.ids:
                raise cur.error(f"duplicate {self.kind} ${name}", at)
            self.ids[name] = x
        self.count += 1
        return x

    def index(self, cur: Cursor) -> int:
        """An index in this space at the cursor: ``$id`` or a u32."""
        tok = cur.peek()
        if tok.kind == "id":
            x = self.ids.get(tok.text)
            if x is None:
                raise cur.error(f"unknown {_WORDS[self.kind]} ${tok.text}")
            cur.i += 1
            return x
        if tok.kind == "num":
            return cur.u32()
        raise cur.unexpected()


def is_index(cur: Cursor, k: int = 0) -> bool:
    tok = cur.peek(k)
    if tok.kind == "id":
        return True
    if tok.kind == "num":
        try:
            unsigned(tok.text, 64)
        except (NotANumber, OutOfRange):
            return False
        return True
    return False


class Context:
    """The identifier context of one module."""

    def __init__(self, features: Features = WASM3):
        #: the proposals the text may use (without memory64, bounds and offsets are u32)
        self.features = features
        self.spaces = {kind: Space(kind) for kind in
                       ("type", "func", "table", "memory", "global", "tag", "elem", "data")}
        #: field identifiers of each struct type, by type index
        self.fields: dict[int, dict[str, int]] = {}
        #: the module's types as parsed so far (explicit ones first, implicit appended)
        self.types: list = []
        self.subtypes: list[SubType] = []
        self.rec_groups: list[RecGroup] = []
        #: function-type index by signature, among the types a type use may name
        #: implicitly: a function type not written inside ``(rec ...)``
        self._plain_funcs: dict[FuncType, int] = {}
        # while a function is parsed
        self.locals = Space("local")
        self.labels: list[str | None] = []

    def __getitem__(self, kind: str) -> Space:
        return self.spaces[kind]

    # -- types ------------------------------------------------------------------------
    def add_group(self, defs: list[tuple], explicit: bool) -> None:
        """Append a recursion group of ``(comptype, subtype)`` definitions."""
        start = len(self.types)
        for ct, st in defs:
            self.types.append(ct)
            self.subtypes.append(st)
        self.rec_groups.append(RecGroup(start, len(defs), explicit))
        if len(defs) == 1 and not explicit:  # (as wasm-tools: not in a written rec,
            ct, _ = defs[0]                  # though iso-recursively the same; sub or not)
            if isinstance(ct, FuncType):
                self._plain_funcs.setdefault(ct, start)

    def func_type_index(self, ft: FuncType) -> int:
        """The index a type use without ``(type x)`` denotes: the first function type
        equal to ``ft`` that stands alone, else a new one appended (spec 6.6.5)."""
        x = self._plain_funcs.get(ft)
        if x is None:
            x = len(self.types)
            self.add_group([(ft, PLAIN_SUBTYPE)], False)
        return x

    # -- labels -----------------------------------------------------------------------
    def label(self, cur: Cursor) -> int:
        """A label at the cursor: ``$id`` (the innermost of that name) or a u32 depth."""
        tok = cur.peek()
        if tok.kind == "id":
            labels = self.labels
            for depth in range(len(labels)):
                if labels[-1 - depth] == tok.text:
                    cur.i += 1
                    return depth
            raise cur.error(f"unknown label ${tok.text}")
        if tok.kind == "num":
            return cur.u32()
        raise cur.unexpected()
