"""An annotated hex view that explains every byte of a module.

    annotate(data) -> list[Annotation]                  raises MalformedError
    annotate_partial(data) -> (records, error or None)  the records up to the bad byte
    format_annotations(records, size) -> lines          the text ``wasmvm dump -a`` prints

The records (see ``records.Annotation``), apart from headings, cover the file exactly
once and in order: magic, version, each section's id and size, every count, type, name,
flag and index, each instruction's opcode and immediates, data and custom payloads. The
walk mirrors ``binary.decode`` step by step and reads through the same primitives, so it
rejects exactly what the decoder rejects, with the same message and offset.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..binary import later, reader
from ..binary.code import read_reftype, read_valtype
from ..binary.decode import EXTERN_KINDS, MAGIC, SECTION_NAMES, SECTION_ORDER, VERSION, parse_names
from ..errors import MalformedError
from ..syntax.module import Names
from .annotate_code import walk_expr
from .annotate_names import annotate_name_section
from .layout import BYTES_PER_LINE, ascii_preview, chunks, hex_bytes, indent, named, offset_width
from .records import FIELD, HEADING, PAYLOAD, Annotation, Walker

__all__ = ["Annotation", "annotate", "annotate_partial", "format_annotations"]

ELEM_FLAGS = {
    0: "active, table 0, function indices", 1: "passive, function indices",
    2: "active, table index, function indices", 3: "declarative, function indices",
    4: "active, table 0, expressions", 5: "passive, expressions",
    6: "active, table index, expressions", 7: "declarative, expressions",
}
DATA_FLAGS = {0: "active, memory 0", 1: "passive", 2: "active, memory index"}


def annotate(data: bytes) -> list[Annotation]:
    """Annotation records for a well-formed module; MalformedError otherwise."""
    records, error = annotate_partial(data)
    if error is not None:
        raise error
    return records


def annotate_partial(data: bytes) -> tuple[list[Annotation], MalformedError | None]:
    """The records of everything before the first malformed byte, and the error if any."""
    walker = _ModuleWalker(bytes(data))
    try:
        walker.module()
    except MalformedError as e:
        return walker.out, e
    return walker.out, None


def format_annotations(records: list[Annotation], data_length: int) -> Iterator[str]:
    """Text lines: offset, up to BYTES_PER_LINE bytes in hex, then the explanation."""
    width = offset_width(data_length)
    hex_width = BYTES_PER_LINE * 3 - 1
    for r in records:
        pad = indent(r.depth)
        if r.kind == HEADING:
            yield f"{'':{width + 2}}{'':{hex_width}}  {pad}; {r.description}"
            continue
        text = f"{r.description}: {r.value}" if r.value else r.description
        for i, piece in enumerate(chunks(r.raw)):
            if r.kind == PAYLOAD:  # ASCII first, so that it lines up on every line
                note = f"|{ascii_preview(piece):{BYTES_PER_LINE}}|"
                if i == 0:
                    note += f"  {text} ({len(r.raw)} bytes)"
            else:
                note = text if i == 0 else ""
            line = f"{r.offset + i * BYTES_PER_LINE:0{width}x}: {hex_bytes(piece):{hex_width}}  "
            yield (line + pad + note).rstrip()


def _prescan_names(data: bytes) -> Names:
    """The name section's contents, found by skimming the section framing (it comes last,
    but function and local names are wanted from the first instruction on)."""
    names = Names()
    if data[:8] != MAGIC + VERSION:
        return names
    pos = 8
    try:
        while pos < len(data):
            size, start = reader.length(data, pos + 1)
            if data[pos] == 0:
                section_name, body = reader.name(data, start)
                if section_name == "name" and body <= start + size:
                    names = parse_names(data[body : start + size])
            pos = start + size
    except MalformedError:
        pass
    return names


class _ModuleWalker(Walker):
    def __init__(self, data: bytes):
        super().__init__(data, _prescan_names(data))
        self.func_types: list[int] = []
        #: Imports of each kind so far: index spaces count them first.
        self.imported = dict.fromkeys(EXTERN_KINDS, 0)
        self.bodies = 0
        self.datacount: int | None = None
        self.datas = 0

    # -- preamble and section framing (decode._Decoder.module) ----------------------------
    def module(self) -> None:
        data = self.data
        if len(data) < 4:
            raise MalformedError("unexpected end", len(data))
        if data[:4] != MAGIC:
            raise MalformedError("magic header not detected", 0)
        self.emit(0, 4, FIELD, "magic", '"\\00asm"')
        if len(data) < 8:
            raise MalformedError("unexpected end", len(data))
        if data[4:8] != VERSION:
            raise MalformedError("unknown binary version", 4)
        self.emit(4, 8, FIELD, "version", 1)
        pos = 8
        last_order = 0
        while pos < len(data):
            pos, last_order = self.section(pos, last_order)
        self.finish()

    def section(self, pos: int, last_order: int) -> tuple[int, int]:
        data = self.data
        section_id = data[pos]
        if section_id not in SECTION_NAMES:
            raise later.section_id_error(section_id, pos)
        if section_id != 0:
            if SECTION_ORDER[section_id] <= last_order:
                raise MalformedError("unexpected content after last section", pos)
            last_order = SECTION_ORDER[section_id]
        section_name = SECTION_NAMES[section_id]
        self.depth = 0
        self.heading(pos, f"section {section_id} ({section_name})")
        self.emit(pos, pos + 1, FIELD, "section id", f"{section_id} ({section_name})")
        size, start = reader.length(data, pos + 1)
        self.emit(pos + 1, start, FIELD, "section size", size)
        self.depth = 1
        end = getattr(self, "sec_" + section_name)(start, start + size)
        self.depth = 0
        if end != start + size:
            raise MalformedError("section size mismatch", start)
        return end, last_order

    def finish(self) -> None:
        n = len(self.data)
        if len(self.func_types) != self.bodies:
            raise MalformedError("function and code section have inconsistent lengths", n)
        if self.datacount is not None and self.datacount != self.datas:
            raise MalformedError("data count and data section have inconsistent lengths", n)
        if self.datacount is None and self.uses_data:
            raise MalformedError("data count section required", n)

    def vec(self, pos: int, what: str, item, label: str | None = None,
            first: int = 0) -> tuple[int, int]:
        """``num <what>`` then the items; each item under a heading ``label[first + i]``."""
        n, pos = self.u32(pos, f"num {what}")
        for i in range(n):
            if label is not None:
                self.heading(pos, f"{label}[{first + i}]")
                self.depth += 1
            pos = item(pos, i)
            if label is not None:
                self.depth -= 1
        return n, pos

    # -- types ----------------------------------------------------------------------------
    def valtype(self, pos: int, description: str) -> int:
        t, end = read_valtype(self.data, pos)
        self.emit(pos, end, FIELD, description, t)
        return end

    def reftype(self, pos: int, description: str) -> int:
        t, end = read_reftype(self.data, pos)
        self.emit(pos, end, FIELD, description, t)
        return end

    def functype(self, pos: int, _i: int) -> int:
        tag, end = reader.sleb(self.data, pos, 7)
        if tag != -0x20:
            raise later.type_form_error(self.data, pos)
        self.emit(pos, end, FIELD, "func type form", "0x60 (func)")
        _, pos = self.vec(end, "params", lambda p, _: self.valtype(p, "param type"))
        _, pos = self.vec(pos, "results", lambda p, _: self.valtype(p, "result type"))
        return pos

    def limits(self, pos: int) -> int:
        """Limits as the decoder reads them by default (3.0: flags 0x00/0x01/0x04/0x05,
        u64 bounds)."""
        data = self.data
        flags = later.limits_flags_64(data, pos)
        both = "min and max" if flags & 1 else "min only"
        self.emit(pos, pos + 1, FIELD, "limits flags",
                  f"0x{flags:02x} (64-bit, {both})" if flags & 4 else f"{flags & 1} ({both})")
        lo, end = reader.uleb(data, pos + 1, 64)
        self.emit(pos + 1, end, FIELD, "limits min", lo)
        if flags & 1:
            hi, end2 = reader.uleb(data, end, 64)
            self.emit(end, end2, FIELD, "limits max", hi)
            end = end2
        return end

    def tabletype(self, pos: int) -> int:
        return self.limits(self.reftype(pos, "table element type"))

    def globaltype(self, pos: int) -> int:
        pos = self.valtype(pos, "global value type")
        mut, end = reader.byte(self.data, pos)
        if mut not in (0, 1):
            raise MalformedError("malformed mutability", pos)
        self.emit(pos, end, FIELD, "global mutability", "1 (var)" if mut else "0 (const)")
        return end

    # -- sections -------------------------------------------------------------------------
    def sec_custom(self, pos: int, end: int) -> int:
        section_name, body = self.name(pos, "custom section name")
        if body > end:
            raise reader.eof(self.data)
        if section_name == "name":
            self.out += annotate_name_section(self.data, body, end, self.names, self.depth)
        elif body < end:
            self.emit(body, end, PAYLOAD, "custom section contents")
        return end

    def sec_type(self, pos: int, end: int) -> int:
        return self.vec(pos, "types", self.functype, "type")[1]

    def sec_import(self, pos: int, end: int) -> int:
        return self.vec(pos, "imports", self.import_, "import")[1]

    def import_(self, pos: int, _i: int) -> int:
        _, pos = self.name(pos, "import module name")
        _, pos = self.name(pos, "import field name")
        kind, end = reader.byte(self.data, pos)
        if kind > 4:
            raise later.extern_kind_error(kind, pos, exporting=False)
        self.emit(pos, end, FIELD, "import kind", f"{kind} ({EXTERN_KINDS[kind]})")
        self.imported[EXTERN_KINDS[kind]] += 1
        if kind == 0:
            return self.u32(end, "type index")[1]
        if kind == 1:
            return self.tabletype(end)
        if kind == 2:
            return self.limits(end)
        if kind == 4:
            return self.tagtype(end)
        return self.globaltype(end)

    def tagtype(self, pos: int) -> int:
        """A tag type: the attribute byte (0: an exception) and a type index."""
        attr, end = reader.byte(self.data, pos)
        if attr != 0:
            raise MalformedError("malformed tag attribute", pos)
        self.emit(pos, end, FIELD, "tag attribute", "0 (exception)")
        return self.u32(end, "tag type index")[1]

    def sec_tag(self, pos: int, end: int) -> int:
        return self.vec(pos, "tags", lambda p, _: self.tagtype(p), "tag",
                        self.imported["tag"])[1]

    def sec_function(self, pos: int, end: int) -> int:
        def func(p: int, i: int) -> int:
            t, p = self.u32(p, f"func[{self.imported['func'] + i}] type index")
            self.func_types.append(t)
            return p

        self.func_types = []
        return self.vec(pos, "functions", func)[1]

    def sec_table(self, pos: int, end: int) -> int:
        def table(p: int, _i: int) -> int:
            later.check_table_entry(self.data, p)
            return self.tabletype(p)

        return self.vec(pos, "tables", table, "table", self.imported["table"])[1]

    def sec_memory(self, pos: int, end: int) -> int:
        return self.vec(pos, "memories", lambda p, _: self.limits(p), "memory",
                        self.imported["memory"])[1]

    def sec_global(self, pos: int, end: int) -> int:
        return self.vec(pos, "globals", lambda p, _: walk_expr(self, self.globaltype(p)),
                        "global", self.imported["global"])[1]

    def sec_export(self, pos: int, end: int) -> int:
        def export(p: int, _i: int) -> int:
            _, p = self.name(p, "export name")
            kind, end = reader.byte(self.data, p)
            if kind > 4:
                raise later.extern_kind_error(kind, p, exporting=True)
            self.emit(p, end, FIELD, "export kind", f"{kind} ({EXTERN_KINDS[kind]})")
            show = (lambda x: named(x, self.func_name(x))) if kind == 0 else str
            return self.u32(end, "export index", show)[1]

        return self.vec(pos, "exports", export, "export")[1]

    def sec_start(self, pos: int, end: int) -> int:
        return self.u32(pos, "start function index", lambda x: named(x, self.func_name(x)))[1]

    def sec_element(self, pos: int, end: int) -> int:
        return self.vec(pos, "element segments", self.elem, "elem")[1]

    def elem(self, pos: int, _i: int) -> int:
        flags, end = reader.u32(self.data, pos)
        if flags > 7:
            raise MalformedError("malformed elements segment kind", pos)
        self.emit(pos, end, FIELD, "segment flags", f"{flags} ({ELEM_FLAGS[flags]})")
        pos = end
        if flags & 1 == 0:
            if flags & 2:
                _, pos = self.u32(pos, "table index")
            pos = walk_expr(self, pos)
        if flags & 3:
            if flags & 4:
                pos = self.reftype(pos, "element reference type")
            else:
                b, end = reader.byte(self.data, pos)
                if b != 0:
                    raise MalformedError("malformed element kind", pos)
                self.emit(pos, end, FIELD, "element kind", "0 (funcref)")
                pos = end
        if flags & 4:
            return self.vec(pos, "elements", lambda p, _: walk_expr(self, p))[1]
        show = lambda x: named(x, self.func_name(x))  # noqa: E731
        return self.vec(pos, "elements", lambda p, _: self.u32(p, "function index", show)[1])[1]

    def sec_datacount(self, pos: int, end: int) -> int:
        self.datacount, pos = self.u32(pos, "data count")
        return pos

    def sec_code(self, pos: int, end: int) -> int:
        self.bodies, pos = self.vec(pos, "function bodies", self.code, None)
        return pos

    def code(self, pos: int, i: int) -> int:
        funcidx = self.imported["func"] + i
        name = self.func_name(funcidx)
        self.heading(pos, f"func[{funcidx}]" + (f" <{name}>" if name is not None else ""))
        self.depth += 1
        size, body = reader.length(self.data, pos)
        self.emit(pos, body, FIELD, "func body size", size)
        n, p = self.u32(body, "local decl count")
        total = 0
        for _ in range(n):
            count, p = self.u32(p, "local type count")
            p = self.valtype(p, "local type")
            total += count
        if total >= 1 << 32:
            raise MalformedError("too many locals", body)
        p = walk_expr(self, p, funcidx)
        if p != body + size:
            raise MalformedError("section size mismatch", body)
        self.depth -= 1
        return p

    def sec_data(self, pos: int, end: int) -> int:
        self.datas, pos = self.vec(pos, "data segments", self.data_segment, "data")
        return pos

    def data_segment(self, pos: int, _i: int) -> int:
        flags, end = reader.u32(self.data, pos)
        if flags > 2:
            raise MalformedError("malformed data segment kind", pos)
        self.emit(pos, end, FIELD, "segment flags", f"{flags} ({DATA_FLAGS[flags]})")
        pos = end
        if flags != 1:
            if flags == 2:
                _, pos = self.u32(pos, "memory index")
            pos = walk_expr(self, pos)
        n, pos = self.u32(pos, "data size")
        if pos + n > len(self.data):
            raise reader.eof(self.data)
        if n:
            self.emit(pos, pos + n, PAYLOAD, "data bytes")
        return pos + n
