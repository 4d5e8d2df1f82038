"""Section headers: where each section of a module starts and ends (``wasmvm dump -h``).

    section_headers(data) -> list[SectionHeader]     the framing of every section
    format_headers(data, module, filename) -> lines   the table ``dump -h`` prints

As in ``wasm-objdump -h``, ``start`` is where a section's contents begin (after its id and
size) and ``end`` where they end; ``offset`` is where its id byte is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..binary import later, reader
from ..binary.decode import SECTION_NAMES
from ..errors import MalformedError
from ..syntax.module import Module
from .layout import offset_width, quote

#: Sections whose contents start with a count of entries.
VECTOR_SECTIONS = frozenset({1, 2, 3, 4, 5, 6, 7, 9, 10, 11})


@dataclass(frozen=True, slots=True)
class SectionHeader:
    id: int
    offset: int
    start: int
    end: int
    #: Entries of a vector section, the function of the start section, the data count
    #: section's value; None for custom sections.
    count: int | None = None
    #: A custom section's name.
    custom_name: str | None = None

    @property
    def name(self) -> str:
        return SECTION_NAMES.get(self.id) or later.SECTION_NAMES[self.id]

    @property
    def size(self) -> int:
        return self.end - self.start

    def contents(self) -> str:
        if self.id == 0:
            return quote(self.custom_name or "")
        if self.id == 8:
            return f"start: {self.count}"
        return f"count: {self.count}"


def section_headers(data: bytes) -> list[SectionHeader]:
    """The sections of a module, in file order. Reads only the framing (ids, sizes, the
    first field of each section); raises MalformedError if the framing is broken."""
    if data[:4] != b"\0asm" or len(data) < 8:
        raise MalformedError("magic header not detected", 0)
    out = []
    pos = 8
    while pos < len(data):
        section_id = data[pos]
        if section_id not in SECTION_NAMES and section_id not in later.SECTION_NAMES:
            raise MalformedError("malformed section id", pos)
        size, start = reader.length(data, pos + 1)
        end = start + size
        count = custom_name = None
        if section_id == 0:
            custom_name, _ = reader.name(data, start)
        else:
            count, _ = reader.u32(data, start)
        out.append(SectionHeader(section_id, pos, start, end, count, custom_name))
        pos = end
    return out


def format_headers(data: bytes, module: Module | None, filename: str) -> list[str]:
    version = int.from_bytes(data[4:8], "little")
    lines = [f"{filename}: WebAssembly binary, version {version}, {len(data)} bytes"]
    if module is not None and module.names.module is not None:
        lines.append(f"module name: <{module.names.module}>")
    headers = section_headers(data)
    w = offset_width(len(data)) + 2
    lines += [
        "",
        f"Sections ({len(headers)}):",
        f" {'id':>2}  {'name':<10} {'offset':<{w}}  {'start':<{w}}  {'end':<{w}}  {'size':<{w}}"
        "  contents",
    ]
    for h in headers:
        cols = "  ".join(f"0x{x:0{w - 2}x}" for x in (h.offset, h.start, h.end, h.size))
        lines.append(f" {h.id:>2}  {h.name:<10} {cols}  {h.contents()}")
    return lines
