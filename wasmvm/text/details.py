"""Section details (``wasmvm dump -x``): the contents of every section, in file order.

    format_details(data, module) -> lines

Types, imports, functions (type and name), tables, memories, globals (type and init
expression), exports, start, element segments, data count, code (body sizes), data
segments (mode, offset and a short hex/ASCII preview), custom sections.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..binary import reader
from ..errors import MalformedError
from ..syntax.instructions import Const
from ..syntax.module import Module
from .annotate_names import SUBSECTIONS
from .disasm import expr_text
from .layout import ascii_preview, hex_bytes, quote
from .sections import section_headers

__all__ = ["format_details"]

#: Entries listed per element segment, bytes previewed per data segment.
MAX_LISTED = 16


def format_details(data: bytes, module: Module,
                   failed: dict[int, MalformedError] | None = None) -> Iterator[str]:
    """The contents of every section. ``failed`` (from ``binary.decode_partial``) names
    the sections that could not be decoded: each is listed with its error instead."""
    customs = iter(module.customs)
    for header in section_headers(data):
        error = (failed or {}).get(header.offset)
        if error is not None:
            yield f"{header.name.capitalize()}: not decoded: {error}"
        elif header.id == 0:
            yield from _custom(module, next(customs), header.size)
        else:
            yield from _SECTIONS[header.id](module, data)


def _func(module: Module, funcidx: int) -> str:
    name = module.func_name(funcidx)
    return f"func[{funcidx}]" + (f" <{name}>" if name is not None else "")


def _type(module: Module, data: bytes) -> Iterator[str]:
    yield f"Type[{len(module.types)}]:"
    for i, ft in enumerate(module.types):
        yield f" - type[{i}] {ft}"


def _import(module: Module, data: bytes) -> Iterator[str]:
    yield f"Import[{len(module.imports)}]:"
    counts = {"func": 0, "table": 0, "memory": 0, "global": 0}
    for imp in module.imports:
        index = counts[imp.kind]
        counts[imp.kind] += 1
        source = f"<- {quote(imp.module)} {quote(imp.name)}"
        if imp.kind == "func":
            yield f" - {_func(module, index)} type {imp.desc} {source}"
        elif imp.kind == "table":
            yield (f" - table[{index}] {imp.desc.elem} {_limits(imp.desc.limits, imp.desc)} "
                   f"{source}")
        elif imp.kind == "memory":
            yield f" - memory[{index}] pages: {_limits(imp.desc.limits, imp.desc)} {source}"
        else:
            yield f" - global[{index}] {imp.desc} {source}"


def _limits(limits, of=None) -> str:
    """``min=1 max=2``; ``i64 min=1`` for a 64-bit memory or table (``of``: its type)."""
    text = f"min={limits.min}" + (f" max={limits.max}" if limits.max is not None else "")
    return f"i64 {text}" if getattr(of, "is_64", False) else text


def _function(module: Module, data: bytes) -> Iterator[str]:
    yield f"Function[{len(module.funcs)}]:"
    imported = len(module.imported("func"))
    for i, func in enumerate(module.funcs):
        yield f" - {_func(module, imported + i)} type {func.type}"


def _table(module: Module, data: bytes) -> Iterator[str]:
    yield f"Table[{len(module.tables)}]:"
    first = len(module.imported("table"))
    for i, table in enumerate(module.tables):
        yield f" - table[{first + i}] {table.type.elem} {_limits(table.type.limits, table.type)}"


def _memory(module: Module, data: bytes) -> Iterator[str]:
    yield f"Memory[{len(module.mems)}]:"
    first = len(module.imported("memory"))
    for i, mem in enumerate(module.mems):
        yield f" - memory[{first + i}] pages: {_limits(mem.type.limits, mem.type)}"


def _global(module: Module, data: bytes) -> Iterator[str]:
    yield f"Global[{len(module.globals)}]:"
    first = len(module.imported("global"))
    for i, g in enumerate(module.globals):
        yield f" - global[{first + i}] {g.type} = {expr_text(g.init, module.names)}"


def _export(module: Module, data: bytes) -> Iterator[str]:
    yield f"Export[{len(module.exports)}]:"
    for e in module.exports:
        target = _func(module, e.index) if e.kind == "func" else f"{e.kind}[{e.index}]"
        yield f" - {target} -> {quote(e.name)}"


def _start(module: Module, data: bytes) -> Iterator[str]:
    yield "Start:"
    yield f" - start function: {_func(module, module.start)}"


def _element(module: Module, data: bytes) -> Iterator[str]:
    yield f"Elem[{len(module.elems)}]:"
    for i, elem in enumerate(module.elems):
        mode = elem.mode
        where = ""
        if mode.kind == "active":
            where = f" table={mode.table} offset=({expr_text(mode.offset, module.names)})"
        yield f" - elem[{i}] {mode.kind}{where} {elem.type} count={len(elem.init)}"
        for j, expr in enumerate(elem.init[:MAX_LISTED]):
            yield f"   - [{j}] {expr_text(expr, module.names)}"
        if len(elem.init) > MAX_LISTED:
            yield f"   - ... {len(elem.init) - MAX_LISTED} more"


def _datacount(module: Module, data: bytes) -> Iterator[str]:
    yield "DataCount:"
    yield f" - data count: {module.datacount}"


def _code(module: Module, data: bytes) -> Iterator[str]:
    yield f"Code[{len(module.funcs)}]:"
    imported = len(module.imported("func"))
    for i, func in enumerate(module.funcs):
        size = "?" if func.body_offset is None else reader.u32(data, func.body_offset)[0]
        nlocals = sum(loc.count for loc in func.locals)
        yield f" - {_func(module, imported + i)} size={size} locals={nlocals}"


def _data(module: Module, data: bytes) -> Iterator[str]:
    yield f"Data[{len(module.datas)}]:"
    for i, seg in enumerate(module.datas):
        mode = seg.mode
        where, address = "", " " * 9  # the memory address, when the offset is a constant
        if mode.kind == "active":
            where = f" memory={mode.memory} offset=({expr_text(mode.offset, module.names)})"
            if len(mode.offset) == 1 and isinstance(mode.offset[0], Const) \
                    and mode.offset[0].value.type == "i32":
                address = f"{mode.offset[0].value.unsigned:08x}:"
        yield f" - data[{i}] {mode.kind}{where} size={len(seg.init)}"
        preview = seg.init[:MAX_LISTED]
        if preview:
            more = f"  ... {len(seg.init) - MAX_LISTED} more bytes" \
                if len(seg.init) > MAX_LISTED else ""
            yield (f"   - {address} {hex_bytes(preview):{MAX_LISTED * 3 - 1}}"
                   f"  |{ascii_preview(preview)}|{more}")


def _custom(module: Module, custom, size: int) -> Iterator[str]:
    yield f"Custom {quote(custom.name)}:"
    yield f" - {size} bytes ({len(custom.data)} after the name)"
    if custom.name == "name":
        for line in _name_summary(custom.data):
            yield f" - {line}"


def _name_summary(payload: bytes) -> list[str]:
    """One line per subsection of a name section: what it names and how many."""
    lines = []
    pos = 0
    try:
        while pos < len(payload):
            sub_id, pos = reader.byte(payload, pos)
            size, pos = reader.length(payload, pos)
            what = SUBSECTIONS.get(sub_id, f"unknown subsection {sub_id}")
            if sub_id == 0:
                module_name, _ = reader.name(payload, pos)
                lines.append(f"{what}: <{module_name}>")
            elif sub_id in SUBSECTIONS:
                count, _ = reader.u32(payload, pos)
                lines.append(f"{what}: {count}" + (" functions" if sub_id in (2, 3) else ""))
            else:
                lines.append(f"{what}: {size} bytes")
            pos += size
    except MalformedError:
        lines.append(f"(malformed from offset {pos} of the section's contents)")
    return lines


_SECTIONS = {
    1: _type, 2: _import, 3: _function, 4: _table, 5: _memory, 6: _global, 7: _export,
    8: _start, 9: _element, 10: _code, 11: _data, 12: _datacount,
}
