"""Annotating the ``name`` custom section (spec 7.4.1 and the extended-name proposal).

A malformed name section does not make a module malformed: the decoder reads what it
can and ignores the rest. Here, likewise, a subsection that cannot be read is shown as
plain bytes, and so is the whole payload if even the subsection framing is broken.
"""

from __future__ import annotations

from ..binary import reader
from ..errors import MalformedError
from ..syntax.module import Names
from .records import FIELD, PAYLOAD, Annotation, Walker

SUBSECTIONS = {
    0: "module name", 1: "function names", 2: "local names", 3: "label names",
    4: "type names", 5: "table names", 6: "memory names", 7: "global names",
    8: "element segment names", 9: "data segment names", 10: "field names", 11: "tag names",
}
#: Subsections that map an index to a name: what the index counts.
_NAME_MAPS = {
    1: "function index", 4: "type index", 5: "table index", 6: "memory index",
    7: "global index", 8: "element segment index", 9: "data segment index", 11: "tag index",
}
#: Subsections that map an index to a name map: what the outer and inner indices count.
_INDIRECT_MAPS = {
    2: ("function index", "local index"),
    3: ("function index", "label index"),
    10: ("type index", "field index"),
}


def annotate_name_section(data: bytes, start: int, end: int, names: Names,
                          depth: int) -> list[Annotation]:
    """Records for the payload ``data[start:end]`` of a ``name`` section."""
    payload = data[start:end]
    w = Walker(payload, names, base=start, depth=depth)
    pos = 0
    try:
        while pos < len(payload):
            w.heading(pos, SUBSECTIONS.get(payload[pos], "unknown name subsection"))
            w.depth = depth + 1
            sub_id, pos = w.byte(pos, "name subsection id",
                                 lambda i: f"{i} ({SUBSECTIONS.get(i, 'unknown')})")
            size_start = pos
            size, pos = reader.length(payload, pos)
            w.emit(size_start, pos, FIELD, "name subsection size", size)
            w.out.extend(_subsection(payload, pos, pos + size, sub_id, names, start, depth + 2))
            pos += size
            w.depth = depth
    except MalformedError:
        return [Annotation(start, payload, depth, PAYLOAD, "name section contents (malformed)")]
    return w.out


def _subsection(payload: bytes, pos: int, end: int, sub_id: int, names: Names, base: int,
                depth: int) -> list[Annotation]:
    content = payload[pos:end]
    w = Walker(content, names, base=base + pos, depth=depth)
    try:
        p = _contents(w, sub_id)
        if p == len(content):
            return w.out
    except MalformedError:
        pass
    if not content:
        return []
    return [Annotation(base + pos, content, depth, PAYLOAD, "subsection contents (not understood)")]


def _contents(w: Walker, sub_id: int) -> int:
    if sub_id == 0:
        _, pos = w.name(0, "module name")
        return pos
    if sub_id in _NAME_MAPS:
        return _name_map(w, 0, _NAME_MAPS[sub_id])
    if sub_id in _INDIRECT_MAPS:
        outer, inner = _INDIRECT_MAPS[sub_id]
        n, pos = w.u32(0, f"num {outer.replace(' index', '')}s")
        for _ in range(n):
            _, pos = w.u32(pos, outer)
            w.depth += 1
            pos = _name_map(w, pos, inner)
            w.depth -= 1
        return pos
    return -1  # unknown subsection: shown as bytes


def _name_map(w: Walker, pos: int, index_kind: str) -> int:
    n, pos = w.u32(pos, "num names")
    for _ in range(n):
        _, pos = w.u32(pos, index_kind)
        _, pos = w.name(pos, index_kind.replace(" index", " name"))
    return pos
