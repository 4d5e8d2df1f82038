"""Annotation records and the byte walker that produces them.

An ``Annotation`` explains one run of bytes of a module: where it starts (``offset``),
the bytes themselves (``raw``), how deeply it is nested (``depth``), what it is
(``description``) and, for fields that encode a value, that value as text (``value``).
Headings (``kind == "heading"``) carry no bytes; all other records, in order, cover the
file exactly once.

``Walker`` holds the helpers the section and instruction walkers share. Every read goes
through ``wasmvm.binary.reader`` (or the decoder's own type readers), so a byte the
decoder rejects is rejected here with the same message, and a field the decoder accepts
is shown with the value the decoder reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..binary import reader
from ..syntax.module import Names
from .layout import quote

#: Record kinds.
HEADING = "heading"  # no bytes: a title for the records that follow ("type[0]")
FIELD = "field"  # a structural field: a count, a size, a flag, a type, a name
OPCODE = "opcode"  # an instruction's opcode, or the else/end that closes a block
IMMEDIATE = "immediate"  # one of an instruction's immediates (or part of one)
PAYLOAD = "payload"  # opaque bytes: data segments, custom section contents
KINDS = (HEADING, FIELD, OPCODE, IMMEDIATE, PAYLOAD)


@dataclass(frozen=True, slots=True)
class Annotation:
    offset: int
    raw: bytes
    depth: int
    kind: str
    description: str
    value: str = ""

    @property
    def end(self) -> int:
        return self.offset + len(self.raw)

    def to_json(self) -> dict:
        """A JSON-ready dict (bytes as a hex string)."""
        return {
            "offset": self.offset,
            "bytes": self.raw.hex(),
            "depth": self.depth,
            "kind": self.kind,
            "description": self.description,
            "value": self.value,
        }


class Walker:
    """Reads ``data`` from absolute positions and appends records to ``out``.

    ``base`` is added to every offset recorded, so a walker over a slice of the file (a
    custom section's payload) still reports offsets in the file.
    """

    def __init__(self, data: bytes, names: Names, base: int = 0, depth: int = 0):
        self.data = data
        self.names = names
        self.base = base
        self.depth = depth
        self.out: list[Annotation] = []
        #: Set once an instruction refers to a data segment (see ``walk_expr``).
        self.uses_data = False

    # -- records ----------------------------------------------------------------------
    def emit(self, start: int, end: int, kind: str, description: str, value: object = "") -> None:
        self.out.append(Annotation(self.base + start, self.data[start:end], self.depth, kind,
                                   description, str(value)))

    def heading(self, pos: int, text: str) -> None:
        self.out.append(Annotation(self.base + pos, b"", self.depth, HEADING, text))

    # -- fields -----------------------------------------------------------------------
    def u32(self, pos: int, description: str, show=str, kind: str = FIELD) -> tuple[int, int]:
        value, end = reader.u32(self.data, pos)
        self.emit(pos, end, kind, description, show(value))
        return value, end

    def byte(self, pos: int, description: str, show=str) -> tuple[int, int]:
        value, end = reader.byte(self.data, pos)
        self.emit(pos, end, FIELD, description, show(value))
        return value, end

    def name(self, pos: int, what: str) -> tuple[str, int]:
        """A length-prefixed UTF-8 name: one record for the length, one for the bytes."""
        text, end = reader.name(self.data, pos)
        n, start = reader.u32(self.data, pos)
        if n == 0:  # no bytes to show: one record for both
            self.emit(pos, start, FIELD, what, '"" (length 0)')
            return text, end
        self.emit(pos, start, FIELD, f"{what} length", n)
        self.emit(start, end, FIELD, what, quote(text))
        return text, end

    # -- names from the name section ------------------------------------------------------
    def func_name(self, funcidx: int) -> str | None:
        return self.names.funcs.get(funcidx)

    def local_name(self, funcidx: int | None, localidx: int) -> str | None:
        if funcidx is None:
            return None
        return self.names.locals.get(funcidx, {}).get(localidx)
