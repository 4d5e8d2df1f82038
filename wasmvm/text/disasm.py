"""Disassembly (``wasmvm dump -d``): every instruction with its offset, bytes and text.

    format_disassembly(data, module) -> lines
    instruction_text(instr, names, funcidx) -> "call 3 <fac>"

Each function shows its index, name and type, its body size and local declarations (with
their bytes), then one line per instruction, ``else`` and ``end``: the byte offset in the
file, the bytes, and the WAT text indented by nesting depth. Offsets come from the
decoder (``Func.offsets``, in ``walk`` order); an instruction's bytes run to the next
offset. An ``if`` without an ``else`` has no ``else`` bytes: the decoder records the
``end``'s offset for it, and that phantom ``else`` is not printed.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..binary import reader
from ..syntax.instructions import (
    Block,
    Call,
    If,
    Instruction,
    LocalGet,
    LocalSet,
    LocalTee,
    Loop,
    RefFunc,
    ReturnCall,
    TryTable,
    walk,
)
from ..syntax.module import Func, Module, Names
from .layout import BYTES_PER_LINE, chunks, hex_bytes, indent, offset_width

_STRUCTURED = (Block, Loop, If, TryTable)
_LOCAL = (LocalGet, LocalSet, LocalTee)
#: Longest instruction text printed (a br_table may list thousands of labels).
MAX_TEXT = 200


def instruction_text(instr: Instruction, names: Names, funcidx: int | None = None) -> str:
    """WAT text of one instruction (a structured one without its body), with the name
    section's names of the function or local it refers to, as ``<name>``."""
    if isinstance(instr, _STRUCTURED):
        text = f"{instr.name} {instr.imm_text()}".rstrip()
    else:
        text = str(instr)
    name = None
    if isinstance(instr, (Call, ReturnCall, RefFunc)):
        name = names.funcs.get(instr.func)
    elif isinstance(instr, _LOCAL) and funcidx is not None:
        name = names.locals.get(funcidx, {}).get(instr.index)
    if name is not None:
        text += f" <{name}>"
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + " ..."
    return text


def expr_text(expr: list[Instruction], names: Names) -> str:
    """A constant expression on one line: ``i32.const 8``."""
    parts = []
    for event, instr in walk(expr):
        parts.append(instruction_text(instr, names) if event == "instr" else event)
    return ", ".join(parts)


def locals_text(func: Func) -> str:
    if not func.locals:
        return "no locals"
    runs = []
    for loc in func.locals:
        runs.append(" ".join([str(loc.type)] * loc.count) if loc.count <= 4
                    else f"{loc.type} x{loc.count}")
    return "(local " + " ".join(r for r in runs if r) + ")"


def format_disassembly(data: bytes, module: Module) -> Iterator[str]:
    width = offset_width(len(data))
    imported = len(module.imported("func"))
    for i, func in enumerate(module.funcs):
        if i:
            yield ""
        yield from _function(data, module, func, imported + i, width)


def _line(offset: int, raw: bytes, text: str, width: int) -> Iterator[str]:
    """One instruction line, and continuation lines for bytes beyond BYTES_PER_LINE."""
    hex_width = BYTES_PER_LINE * 3 - 1
    for k, piece in enumerate(chunks(raw)):
        yield (f" {offset + k * BYTES_PER_LINE:0{width}x}: {hex_bytes(piece):{hex_width}} | "
               + (text if k == 0 else "")).rstrip()


def _function(data: bytes, module: Module, func: Func, funcidx: int, width: int) -> Iterator[str]:
    name = module.func_name(funcidx)
    ftype = module.types[func.type] if 0 <= func.type < len(module.types) else None
    label = f"func[{funcidx}]" + (f" <{name}>" if name is not None else "")
    yield f"{label}: type {func.type} {ftype if ftype is not None else '(undefined)'}"
    offsets = func.offsets
    if offsets is None or func.body_offset is None:
        yield "  (no byte offsets: the function was not decoded from a binary)"
        return
    size, body = reader.u32(data, func.body_offset)
    yield from _line(func.body_offset, data[func.body_offset:body], f";; body size {size}", width)
    yield from _line(body, data[body : offsets[0]], ";; " + locals_text(func), width)
    depth = 0
    k = 0  # index into offsets
    names = module.names
    for event, instr in walk(func.body):
        start, end = offsets[k], offsets[k + 1]
        k += 1
        if event == "instr":
            text = instruction_text(instr, names, funcidx)
            yield from _line(start, data[start:end], indent(depth) + text, width)
            if isinstance(instr, _STRUCTURED):
                depth += 1
        elif event == "else":
            if start != end:  # an if without else has no else bytes
                yield from _line(start, data[start:end], indent(depth - 1) + "else", width)
        else:
            depth -= 1
            yield from _line(start, data[start:end], indent(depth) + "end", width)
    last = offsets[k]
    yield from _line(last, data[last : last + 1], "end", width)
