"""Structured control instructions (spec 2.4, control instructions): ``block``, ``loop``,
``if`` and ``try_table``, whose bodies are lists of instructions, and the walk over nested
bodies (``walk``) that every pass uses instead of recursion; ``format_body`` prints them.
Importable from ``syntax.instructions`` too, with every other instruction.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..opcodes import BY_NAME
from .instruction_base import Instruction, _u32
from .types import BlockType, blocktype_str, valtype


# ---------------------------------------------------------------------------------------
class _Structured(Instruction):
    __slots__ = ("blocktype",)

    def imm_text(self) -> str:
        return blocktype_str(self.blocktype)

    def bodies(self) -> tuple[list[Instruction], ...]:
        raise NotImplementedError

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return _structurally_equal(self, other)

    def __repr__(self) -> str:
        return _repr_iterative(self)

    def __str__(self) -> str:
        return "\n".join(format_body([self]))


def _check_blocktype(bt) -> BlockType:
    if bt is None or isinstance(bt, int) and not isinstance(bt, bool):
        return bt
    return valtype(bt)


class Block(_Structured):
    """``block bt instr* end``: a label whose branch target is the end."""

    __slots__ = ("body",)
    _fields = ("blocktype", "body")

    def __init__(self, blocktype: BlockType = None, body: list[Instruction] | None = None):
        self.op = BY_NAME["block"]
        self.blocktype = _check_blocktype(blocktype)
        self.body = [] if body is None else body

    def bodies(self):
        return (self.body,)


class Loop(_Structured):
    """``loop bt instr* end``: a label whose branch target is the start."""

    __slots__ = ("body",)
    _fields = ("blocktype", "body")

    def __init__(self, blocktype: BlockType = None, body: list[Instruction] | None = None):
        self.op = BY_NAME["loop"]
        self.blocktype = _check_blocktype(blocktype)
        self.body = [] if body is None else body

    def bodies(self):
        return (self.body,)


class If(_Structured):
    """``if bt instr* else instr* end``. ``else_written``: the ``else`` was written
    although its arm is empty (decoded from an ``else`` opcode, or ``else`` in text): the
    encoder writes it back, as wasm-tools does. Not part of the meaning (nor equality)."""

    __slots__ = ("then", "else_", "else_written")
    _fields = ("blocktype", "then", "else_")

    def __init__(self, blocktype: BlockType = None, then: list[Instruction] | None = None,
                 else_: list[Instruction] | None = None):
        self.op = BY_NAME["if"]
        self.blocktype = _check_blocktype(blocktype)
        self.then = [] if then is None else then
        self.else_ = [] if else_ is None else else_
        self.else_written = False

    def bodies(self):
        return (self.then, self.else_)


#: catch clause kinds, by their byte in the binary format
CATCH_KINDS = ("catch", "catch_ref", "catch_all", "catch_all_ref")


class Catch:
    """One catch clause of ``try_table``: ``kind`` is one of CATCH_KINDS, ``tag`` the tag
    index (None for the catch_all forms), ``label`` where the handler branches to."""

    __slots__ = ("kind", "tag", "label")

    def __init__(self, kind: str, tag: int | None, label: int):
        if kind not in CATCH_KINDS:
            raise ValueError(f"Catch.kind must be one of {CATCH_KINDS}, got {kind!r}")
        if (tag is None) != kind.startswith("catch_all"):
            raise ValueError(f"{kind} {'takes no' if tag is not None else 'needs a'} tag")
        self.kind = kind
        self.tag = None if tag is None else _u32("Catch", "tag", tag)
        self.label = _u32("Catch", "label", label)

    @property
    def ref(self) -> bool:
        """Does the handler receive the exnref too (catch_ref, catch_all_ref)?"""
        return self.kind.endswith("_ref")

    def _key(self):
        return (self.kind, self.tag, self.label)

    def __eq__(self, other):
        return type(other) is Catch and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Catch({self.kind!r}, {self.tag!r}, {self.label!r})"

    def __str__(self) -> str:
        tag = "" if self.tag is None else f" {self.tag}"
        return f"({self.kind}{tag} {self.label})"


class TryTable(_Structured):
    """``try_table bt catch* instr* end``: a block whose body's exceptions are caught by
    the clauses, tried in order; a clause branches to its label (counted from outside the
    try_table) with the payload (and the exnref for the _ref forms)."""

    __slots__ = ("catches", "body")
    _fields = ("blocktype", "catches", "body")

    def __init__(self, blocktype: BlockType = None, catches=(), body=None):
        self.op = BY_NAME["try_table"]
        self.blocktype = _check_blocktype(blocktype)
        self.catches = tuple(catches)
        if not all(isinstance(c, Catch) for c in self.catches):
            raise ValueError("TryTable.catches must be Catch clauses")
        self.body = [] if body is None else body

    def imm_text(self) -> str:
        return " ".join(x for x in (blocktype_str(self.blocktype),
                                    *map(str, self.catches)) if x)

    def bodies(self):
        return (self.body,)


def walk(body: list[Instruction]) -> Iterator[tuple[str, Instruction | None]]:
    """Pre-order walk with explicit structure events, without recursion.

    Yields ``("instr", i)`` for every instruction, and for structured ones
    ``("else", if_instr)`` between the arms of an If and ``("end", instr)`` after the
    body. This is the order of the binary format.
    """
    # (iterator over a body, the structured instruction owning it, its else arm when
    # that comes next); the iterator of a body is resumed where a nested one began
    stack: list[tuple[Iterator, _Structured | None, list | None]] = [(iter(body), None, None)]
    while stack:
        it, owner, else_arm = stack[-1]
        for instr in it:
            yield "instr", instr
            if isinstance(instr, _Structured):
                bodies = instr.bodies()
                stack.append((iter(bodies[0]), instr, bodies[1] if len(bodies) > 1 else None))
                break
        else:
            stack.pop()
            if else_arm is not None:  # the else arm of an If follows its then arm
                yield "else", owner
                stack.append((iter(else_arm), owner, None))
            elif owner is not None:
                yield "end", owner


def _structurally_equal(a: _Structured, b: _Structured) -> bool:
    pairs = [(a, b)]
    while pairs:
        x, y = pairs.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, _Structured):
            if x.blocktype != y.blocktype or getattr(x, "catches", ()) != getattr(
                    y, "catches", ()):
                return False
            for bx, by in zip(x.bodies(), y.bodies(), strict=True):
                if len(bx) != len(by):
                    return False
                pairs.extend(zip(bx, by))
        elif x != y:
            return False
    return True


def _repr_iterative(root: _Structured) -> str:
    out: list[str] = []
    for event, instr in walk([root]):
        if event == "instr":
            if isinstance(instr, _Structured):
                catches = (f"{instr.catches!r}, " if isinstance(instr, TryTable) else "")
                out.append(f"{type(instr).__name__}({instr.blocktype!r}, {catches}[")
            else:
                out.append(repr(instr) + ", ")
        else:
            if out[-1].endswith(", "):
                out[-1] = out[-1][:-2]
            out.append("], [" if event == "else" else "]), ")
    return "".join(out)[:-2]


def format_body(body: list[Instruction], indent: str = "  ", level: int = 0,
                max_depth: int = 40) -> list[str]:
    """WAT text lines for a sequence of instructions, nested blocks indented.

    Indentation stops growing at ``max_depth`` levels, so that printing deeply nested
    compiler output stays linear in size.
    """
    lines: list[str] = []
    depth = level

    def pad(d: int) -> str:
        return indent * min(d, max_depth)

    for event, instr in walk(body):
        if event == "instr":
            if isinstance(instr, _Structured):
                lines.append(pad(depth) + f"{instr.name} {instr.imm_text()}".rstrip())
                depth += 1
            else:
                lines.append(pad(depth) + str(instr))
        elif event == "else":
            if instr.else_:
                lines.append(pad(depth - 1) + "else")
        else:
            depth -= 1
            lines.append(pad(depth) + "end")
    return lines
