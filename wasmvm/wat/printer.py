"""Print a decoded module as WAT text (issue 18, item 2).

    print_module(module, folded=False, offsets=False) -> str

The text parses back (``wasm-tools parse``, and this package's parser) to the module's
bytes, custom sections aside: every index is printed as the binary has it (a type use is
always ``(type N)``, so no type is added or reordered), block types, memory and table
indices are explicit where the binary's are, and floats are printed exactly (hexadecimal,
``nan:0x...`` with its payload and sign, ``inf``).

Instructions are printed through the opcode table: each row's immediates are formatted
by kind (``_KIND_TEXT``, read off the instruction by the attribute ``binary.encode`` reads
them from), with a few rows whose text order or form differs from the binary's
(``_ROW_TEXT``): ``call_indirect``'s ``(type x)``, ``table.init``'s table before the
segment, ``br_on_cast``'s two reference types, ``ref.test``/``ref.cast``'s reference type.
``_PLANS`` holds one plan per row; building it at import fails on a row it cannot print.

Names come from the name section (``module.names``): a function, a local or the module
whose name is a valid identifier is printed ``$name``, any other name ``$"..."``; a name
given to two indices is used for the first only (the others print as numbers). References
to named functions and locals use the name.

``folded=True`` prints folded expressions ``(i32.add (local.get 0) (i32.const 1))``:
an instruction takes as operands the expressions printed just before it when its stack
effect is known (the opcode table's signature, or a hand-written arity for the rows the
table marks special, computed from the module's types) and each of those pushes exactly
one value; anything else stays a sibling, printed in order, so execution order is
unchanged. Blocks print as ``(block ...)``, ``(loop ...)``, ``(if ... (then ...) (else
...))`` and ``(try_table ...)``.

``offsets=True`` prefixes each line with the byte offset, ``(;@1a    ;)``, as ``wasm-tools
print -p`` does: functions (where their body starts) and every instruction, ``else`` and
``end`` of a decoded function (``Func.offsets``); other lines get blanks of the same width.

Nothing here recurses per nesting level: bodies are walked with ``walk`` and folded trees
are built and printed with explicit stacks; indentation stops growing at ``MAX_INDENT``
levels, so the text of deeply nested code stays linear in size.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from ..binary.encode import elem_flags
from ..opcodes import OPS, Op
from ..syntax.instructions import (
    Block,
    Const,
    If,
    Instruction,
    Loop,
    TryTable,
    walk,
)
from ..syntax.module import Elem, Func, Import, Module
from ..syntax.types import (
    ArrayType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    PackedType,
    RefType,
    StructType,
    TableType,
    ValType,
)

__all__ = ["print_module", "float_text", "string_text", "identifier"]

_STRUCTURED = (Block, Loop, If, TryTable)
INDENT = "  "
#: Indentation stops growing at this depth (as in ``syntax.instructions.format_body``),
#: so that deeply nested code prints in linear size.
MAX_INDENT = 40

# -- lexical pieces ------------------------------------------------------------------------
#: the characters of an unquoted identifier (spec 6.3.5 ``idchar``)
_IDCHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "!#$%&'*+-./:<=>?@\\^_`|~")


def string_text(data: bytes | str) -> str:
    """A WAT string literal: printable ASCII as is (but ``"`` and ``\\``), every other
    byte as ``\\hh``. A ``str`` is encoded as UTF-8, and its non-ASCII characters are
    kept as they are (they are valid UTF-8 in the text)."""
    out = ['"']
    if isinstance(data, str):
        for ch in data:
            o = ord(ch)
            if ch in '"\\' or o < 0x20 or o == 0x7F:
                out.append(f"\\{o:02x}")
            else:
                out.append(ch)
    else:
        for b in data:
            if b in (0x22, 0x5C) or b < 0x20 or b >= 0x7F:
                out.append(f"\\{b:02x}")
            else:
                out.append(chr(b))
    out.append('"')
    return "".join(out)


def identifier(name: str) -> str | None:
    """``$name`` for a name made of identifier characters, ``$"name"`` for any other
    non-empty name, None for the empty name (which no identifier spells)."""
    if not name:
        return None
    if all(c in _IDCHARS for c in name):
        return "$" + name
    return "$" + string_text(name)


def float_text(bits: int, width: int) -> str:
    """The exact text of an f32 (``width`` 32) or f64 bit pattern: a hexadecimal float
    (``0x1.8p+1``, ``-0x0p+0``, subnormals as ``0x0.8p-126``), ``inf``, ``nan:0x...``."""
    frac_bits, exp_bits = (23, 8) if width == 32 else (52, 11)
    sign = "-" if bits >> (width - 1) else ""
    exp = (bits >> frac_bits) & ((1 << exp_bits) - 1)
    frac = bits & ((1 << frac_bits) - 1)
    bias = (1 << (exp_bits - 1)) - 1
    if exp == (1 << exp_bits) - 1:
        return f"{sign}inf" if frac == 0 else f"{sign}nan:0x{frac:x}"
    if exp == 0 and frac == 0:
        return f"{sign}0x0p+0"
    digits = (frac_bits + 3) // 4  # 6 hex digits for f32 (24 bits), 13 for f64
    hexfrac = f"{frac << (digits * 4 - frac_bits):0{digits}x}".rstrip("0")
    lead, e = ("0", 1 - bias) if exp == 0 else ("1", exp - bias)
    return f"{sign}0x{lead}{'.' + hexfrac if hexfrac else ''}p{e:+d}"


# -- names ---------------------------------------------------------------------------------
def _unique_ids(names: dict[int, str]) -> dict[int, str]:
    """Index -> printed identifier, for the names that are identifiers and unique: a
    name given to two indices (or two names spelling one identifier) goes to the first."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for index in sorted(names):
        ident = identifier(names[index])
        if ident is None:
            continue
        key = ident[2:-1] if ident.startswith('$"') else ident[1:]
        if key in taken:
            continue
        taken.add(key)
        out[index] = ident
    return out


class _Names:
    """The identifiers the printer uses: functions, and the locals of each function."""

    def __init__(self, module: Module):
        names = module.names
        self.module = identifier(names.module) if names.module else None
        self.funcs = _unique_ids(names.funcs)
        self.locals = {f: _unique_ids(m) for f, m in names.locals.items()}

    def func(self, x: int) -> str:
        return self.funcs.get(x, str(x))


# -- types ---------------------------------------------------------------------------------
def heap_text(heap) -> str:
    return heap if isinstance(heap, str) else str(heap)


def valtype_text(t) -> str:
    """``i32``, ``funcref``, ``(ref null 3)``, ``(ref func)``: type indices as numbers."""
    if isinstance(t, RefType):
        return f"(ref null {heap_text(t.heap)})" if t.nullable else f"(ref {heap_text(t.heap)})"
    return str(t)


def _storage_text(t) -> str:
    return str(t) if isinstance(t, PackedType) else valtype_text(t)


def _field_text(f: FieldType) -> str:
    s = _storage_text(f.storage)
    return f"(mut {s})" if f.mutable else s


def _comptype_text(ct) -> str:
    if isinstance(ct, StructType):
        return "(struct" + "".join(f" (field {_field_text(f)})" for f in ct.fields) + ")"
    if isinstance(ct, ArrayType):
        return f"(array {_field_text(ct.field)})"
    return "(func" + _params_results(ct) + ")"


def _params_results(ft: FuncType, param_ids: dict[int, str] | None = None) -> str:
    out = []
    plain: list[str] = []
    for i, t in enumerate(ft.params):
        ident = param_ids.get(i) if param_ids else None
        if ident is None:
            plain.append(valtype_text(t))
            continue
        if plain:
            out.append("(param " + " ".join(plain) + ")")
            plain = []
        out.append(f"(param {ident} {valtype_text(t)})")
    if plain:
        out.append("(param " + " ".join(plain) + ")")
    if ft.results:
        out.append("(result " + " ".join(map(valtype_text, ft.results)) + ")")
    return "".join(" " + p for p in out)


def _limits_text(lim: Limits, is_64: bool) -> str:
    return ("i64 " if is_64 else "") + (f"{lim.min}" if lim.max is None else
                                        f"{lim.min} {lim.max}")


def _tabletype_text(tt: TableType) -> str:
    return f"{_limits_text(tt.limits, tt.is_64)} {valtype_text(tt.elem)}"


def _memtype_text(mt: MemoryType) -> str:
    return _limits_text(mt.limits, mt.is_64)


def _globaltype_text(gt: GlobalType) -> str:
    t = valtype_text(gt.type)
    return f"(mut {t})" if gt.mutable else t


def _blocktype_text(bt) -> str:
    if bt is None:
        return ""
    if isinstance(bt, ValType | RefType):
        return f"(result {valtype_text(bt)})"
    return f"(type {bt})"


# -- instructions: one plan per row of the opcode table -----------------------------------
class _Ctx:
    """What immediates need besides the instruction: names of functions and locals."""

    def __init__(self, names: _Names, funcidx: int | None = None):
        self.names = names
        self.local_ids = names.locals.get(funcidx, {}) if funcidx is not None else {}

    def local(self, x: int) -> str:
        return self.local_ids.get(x, str(x))


def _const_text(instr: Const) -> str:
    value = instr.value
    t = value.type
    if t is ValType.F32:
        return float_text(value.bits, 32)
    if t is ValType.F64:
        return float_text(value.bits, 64)
    if t is ValType.V128:
        b = value.bits.to_bytes(16, "little")
        return "i32x4 " + " ".join(
            f"0x{int.from_bytes(b[i:i + 4], 'little'):08x}" for i in range(0, 16, 4))
    return str(value.value)  # i32 and i64: signed decimal


def _memarg_text(instr, ctx) -> str:
    parts = [str(instr.memory)] if instr.memory else []
    if instr.offset:
        parts.append(f"offset={instr.offset}")
    if instr.align != instr.op.natural_alignment:
        parts.append(f"align={1 << instr.align}")
    return " ".join(parts)


def _catch_text(c) -> str:
    tag = "" if c.tag is None else f" {c.tag}"
    return f"({c.kind}{tag} {c.label})"


def _num(attr: str) -> Callable:
    get = operator.attrgetter(attr)
    return lambda instr, ctx: str(get(instr))


#: How each immediate kind prints (same attributes as ``binary.encode._IMMEDIATE_ATTRS``).
_KIND_TEXT: dict[str, Callable[[Instruction, _Ctx], str]] = {
    "blocktype": lambda i, ctx: _blocktype_text(i.blocktype),
    "labelidx": _num("label"),
    "labelvec": lambda i, ctx: " ".join(str(x) for x in (*i.labels, i.default)),
    "funcidx": lambda i, ctx: ctx.names.func(i.func),
    "typeidx": _num("type"),
    "tableidx": _num("table"),
    "localidx": lambda i, ctx: ctx.local(i.index),
    "globalidx": _num("index"),
    "elemidx": _num("elem"),
    "dataidx": _num("data"),
    "memidx": lambda i, ctx: str(i.memory) if i.memory else "",
    "memarg": _memarg_text,
    "i32": lambda i, ctx: _const_text(i),
    "i64": lambda i, ctx: _const_text(i),
    "f32": lambda i, ctx: _const_text(i),
    "f64": lambda i, ctx: _const_text(i),
    "v128": lambda i, ctx: _const_text(i),
    "laneidx": _num("lane"),
    "shuffle": lambda i, ctx: " ".join(map(str, i.lanes)),
    "heaptype": lambda i, ctx: heap_text(i.type.heap),
    "valtypes": lambda i, ctx: "(result" + "".join(" " + valtype_text(t)
                                                   for t in i.types) + ")",
    "tagidx": _num("tag"),
    "catches": lambda i, ctx: " ".join(_catch_text(c) for c in i.catches),
    "fieldidx": _num("field"),
    "u32": _num("size"),
    "castflags": lambda i, ctx: "",  # said by the nullability of the two types
}


def _call_indirect(i, ctx) -> str:
    return f"{i.table} (type {i.type})"


def _two(a: str, b: str) -> Callable:
    ga, gb = operator.attrgetter(a), operator.attrgetter(b)
    return lambda i, ctx: f"{ga(i)} {gb(i)}"


def _reftype_imm(i, ctx) -> str:
    return valtype_text(i.type)


#: Rows whose text is not their immediates in binary order, each printed by kind.
_ROW_TEXT: dict[str, Callable[[Instruction, _Ctx], str]] = {
    "call_indirect": _call_indirect,
    "return_call_indirect": _call_indirect,
    "table.init": _two("table", "elem"),  # text: table first, then the segment
    "table.copy": _two("dst", "src"),
    "memory.init": _two("memory", "data"),
    "memory.copy": lambda i, ctx: f"{i.dst} {i.src}" if i.dst or i.src else "",
    "array.copy": _two("dst", "src"),
    "ref.test": _reftype_imm, "ref.test_null": _reftype_imm,
    "ref.cast": _reftype_imm, "ref.cast_null": _reftype_imm,
    "br_on_cast": lambda i, ctx: (f"{i.label} {valtype_text(i.from_type)} "
                                  f"{valtype_text(i.to_type)}"),
    "select_t": _KIND_TEXT["valtypes"],
}
#: The text mnemonic of rows whose table name is not it.
_MNEMONIC = {"select_t": "select", "ref.test_null": "ref.test", "ref.cast_null": "ref.cast"}
_ROW_TEXT["br_on_cast_fail"] = _ROW_TEXT["br_on_cast"]

_Plan = tuple[str, tuple[Callable[[Instruction, _Ctx], str], ...]]


def _plan(op: Op) -> _Plan:
    mnemonic = _MNEMONIC.get(op.name, op.name)
    row = _ROW_TEXT.get(op.name)
    if row is not None:
        return mnemonic, (row,)
    return mnemonic, tuple(_KIND_TEXT[kind] for kind in op.imm)


#: One plan per row of the opcode table, by the row's name.
PLANS: dict[str, _Plan] = {op.name: _plan(op) for op in OPS}


def instr_text(instr: Instruction, ctx: _Ctx) -> str:
    """One instruction's text (a structured one without its body)."""
    mnemonic, parts = PLANS[instr.op.name]
    texts = [t for t in (p(instr, ctx) for p in parts) if t]
    return " ".join((mnemonic, *texts))


# -- stack effects, for folding ------------------------------------------------------------
_FIXED = {
    "local.get": (0, 1), "global.get": (0, 1), "local.set": (1, 0), "global.set": (1, 0),
    "local.tee": (1, 1), "drop": (1, 0), "select": (3, 1), "ref.null": (0, 1),
    "ref.func": (0, 1), "ref.is_null": (1, 1), "ref.as_non_null": (1, 1), "ref.eq": (2, 1),
    "table.get": (1, 1), "table.set": (2, 0), "table.size": (0, 1), "table.grow": (2, 1),
    "table.fill": (3, 0), "table.copy": (3, 0), "table.init": (3, 0),
    "struct.new_default": (0, 1), "struct.get": (1, 1), "struct.get_s": (1, 1),
    "struct.get_u": (1, 1), "struct.set": (2, 0), "array.new": (2, 1),
    "array.new_default": (1, 1), "array.new_data": (2, 1), "array.new_elem": (2, 1),
    "array.get": (2, 1), "array.get_s": (2, 1), "array.get_u": (2, 1), "array.set": (3, 0),
    "array.len": (1, 1), "array.fill": (4, 0), "array.copy": (5, 0),
    "array.init_data": (4, 0), "array.init_elem": (4, 0), "ref.test": (1, 1),
    "ref.test_null": (1, 1), "ref.cast": (1, 1), "ref.cast_null": (1, 1),
    "any.convert_extern": (1, 1), "extern.convert_any": (1, 1), "ref.i31": (1, 1),
    "i31.get_s": (1, 1), "i31.get_u": (1, 1),
}


#: calls and throws: (pops a table index or a reference besides the arguments, pushes
#: the results); a tail call or a throw ends the block instead
_CALLS = {"call": (0, True), "call_indirect": (1, True), "call_ref": (1, True),
          "return_call": (0, False), "return_call_indirect": (1, False),
          "return_call_ref": (1, False), "throw": (0, False)}


class _Effects:
    """(operands popped, results pushed) of an instruction, or None when not known here
    (branches, throws, returns, types out of range: such an instruction is never folded
    into another, and takes no operands)."""

    def __init__(self, module: Module, func_results: int | None):
        self.module = module
        self.func_results = func_results

    def _functype(self, x) -> FuncType | None:
        types = self.module.types
        if isinstance(x, int) and 0 <= x < len(types) and isinstance(types[x], FuncType):
            return types[x]
        return None

    def _of_func(self, x: int) -> FuncType | None:
        try:
            ft = self.module.func_type(x)
        except (IndexError, TypeError):
            return None
        return ft if isinstance(ft, FuncType) else None

    def _of_tag(self, x: int) -> FuncType | None:
        try:
            ft = self.module.tag_type(x)
        except (IndexError, TypeError):
            return None
        return ft if isinstance(ft, FuncType) else None

    def blocktype(self, bt) -> tuple[int, int] | None:
        if bt is None:
            return 0, 0
        if isinstance(bt, ValType | RefType):
            return 0, 1
        ft = self._functype(bt)
        return None if ft is None else (len(ft.params), len(ft.results))

    def of(self, instr: Instruction) -> tuple[int, int | None] | None:
        op = instr.op
        if not op.special:
            return len(op.params), len(op.results)
        name = op.name
        fixed = _FIXED.get(name)
        if fixed is not None:
            return fixed
        if name == "select_t":
            return 3, len(instr.types)
        if name in _CALLS:
            pops_more, pushes = _CALLS[name]
            if name in ("call", "return_call"):
                ft = self._of_func(instr.func)
            elif name == "throw":
                ft = self._of_tag(instr.tag)
            else:
                ft = self._functype(instr.type)
            if ft is None:
                return None
            return len(ft.params) + pops_more, len(ft.results) if pushes else None
        if name == "return" and self.func_results is not None:
            return self.func_results, None
        if name == "struct.new":
            types = self.module.types
            t = instr.type
            if 0 <= t < len(types) and isinstance(types[t], StructType):
                return len(types[t].fields), 1
            return None
        if name == "array.new_fixed":
            return instr.size, 1
        return None


# -- bodies ------------------------------------------------------------------------------
class _Out:
    """Lines of output, each with its byte offset (or None)."""

    def __init__(self):
        self.lines: list[list] = []  # [offset, depth, text]

    def add(self, offset: int | None, depth: int, text: str) -> None:
        self.lines.append([offset, depth, text])

    def close(self) -> None:
        self.lines[-1][2] += ")"


def _has_else(instr: If, offsets, k_else: int) -> bool:
    """Is there an ``else`` to print? When the arm is empty, only if the binary had the
    byte (the decoder records an ``if`` without ``else`` at its ``end``'s offset)."""
    if instr.else_:
        return True
    if offsets is None:
        return False
    return offsets[k_else] != offsets[k_else + 1]


def _flat_body(out: _Out, body, ctx: _Ctx, depth: int, offsets) -> None:
    """Flat instructions, ``block``/``else``/``end`` on lines of their own."""
    k = 0
    for event, instr in walk(body):
        off = offsets[k] if offsets is not None else None
        if event == "instr":
            out.add(off, depth, instr_text(instr, ctx))
            if isinstance(instr, _STRUCTURED):
                depth += 1
        elif event == "else":
            if _has_else(instr, offsets, k):
                out.add(off, depth - 1, "else")
        else:
            depth -= 1
            out.add(off, depth, "end")
        k += 1


# A folded node: [kind, instr, offset, children, arms, values pushed]; kind "op" or
# "block"; a block's arms are (label, offset, nodes), label None for the body of a
# block, loop or try_table, "then"/"else" for an if.
def _fold(body, ctx: _Ctx, effects: _Effects, offsets) -> list:
    """The folded form of a body: a list of nodes, built without recursion."""
    root: list = []
    # frames: [structured instr, offset, pending nodes of the current arm, arms done,
    # the current arm's label and offset, the values a branch to its label carries]
    stack: list[list] = [[None, None, root, [], None, None, effects.func_results]]
    k = 0
    for event, instr in walk(body):
        off = offsets[k] if offsets is not None else None
        k_here = k
        k += 1
        if event == "instr":
            if isinstance(instr, _STRUCTURED):
                label = "then" if isinstance(instr, If) else None
                bt = effects.blocktype(instr.blocktype)
                arity = None if bt is None else bt[0] if isinstance(instr, Loop) else bt[1]
                stack.append([instr, off, [], [], label, None, arity])
            else:
                eff = effects.of(instr)
                if eff is None and instr.op.name in _BRANCHES:
                    eff = _branch_effect(instr, stack)
                _push(stack[-1][2], ["op", instr, off, [], None], eff)
        elif event == "else":
            frame = stack[-1]
            frame[3].append((frame[4], frame[5], frame[2]))
            frame[2] = []
            frame[4] = "else" if _has_else(instr, offsets, k_here) else None
            frame[5] = off
        else:
            owner, start, pending, arms, label, arm_off, _ = stack.pop()
            if label is not None or not isinstance(owner, If):
                arms.append((label, arm_off, pending))
            node = ["block", owner, start, [], arms]
            bt = effects.blocktype(owner.blocktype)
            if bt is None:
                eff = None
            elif isinstance(owner, If):
                eff = (bt[0] + 1, bt[1])
            else:  # a block's parameters cannot be written as folded operands
                eff = (0, bt[1]) if bt[0] == 0 else None
            _push(stack[-1][2], node, eff)
    return root


_BRANCHES = ("br", "br_if", "br_table")


def _branch_effect(instr, stack: list) -> tuple[int, int | None] | None:
    """br, br_if and br_table pop the values their label carries (and br_if and br_table
    the condition); br_if pushes them back, the others end the block (None)."""
    label = instr.default if instr.op.name == "br_table" else instr.label
    if label >= len(stack):
        return None
    arity = stack[-1 - label][6]
    if arity is None:
        return None
    if instr.op.name == "br":
        return arity, None
    if instr.op.name == "br_if":
        return arity + 1, arity
    return arity + 1, None


def _push(pending: list, node: list, eff) -> None:
    """Append a node, taking its operands from the end of ``pending`` when each of them
    pushes exactly one value; record how many values the node pushes."""
    if eff is not None:
        n_in = eff[0]
        if n_in and len(pending) >= n_in and all(p[-1] == 1 for p in pending[-n_in:]):
            node[3] = pending[-n_in:]
            del pending[-n_in:]
    pending.append(node + [None if eff is None else eff[1]])


def _emit_folded(out: _Out, nodes: list, ctx: _Ctx, depth: int) -> None:
    """Print folded nodes, without recursion: each node's head on a line, its children
    and arms indented below it, its closing parenthesis at the end of its last line."""
    # stack of (iterator over items, depth, closer): items are nodes or arm markers
    stack = [(iter(nodes), depth, False)]
    while stack:
        it, d, closes = stack[-1]
        item = next(it, None)
        if item is None:
            stack.pop()
            if closes:
                out.close()
            continue
        if item[0] == "arm":  # ("arm", label, offset, nodes)
            _, label, off, arm_nodes = item
            out.add(off, d, f"({label}")
            stack.append((iter(arm_nodes), d + 1, True))
            continue
        kind, instr, off, children = item[0], item[1], item[2], item[3]
        text = instr_text(instr, ctx)
        if kind == "op":
            if children:
                out.add(off, d, "(" + text)
                stack.append((iter(children), d + 1, True))
            else:
                out.add(off, d, f"({text})")
            continue
        arms = item[4]
        out.add(off, d, "(" + text)
        inner: list = list(children)
        if isinstance(instr, If):
            inner += [("arm", label, aoff, anodes) for label, aoff, anodes in arms]
        else:
            inner += arms[0][2] if arms else []
        stack.append((iter(inner), d + 1, True))


# -- the module ------------------------------------------------------------------------------
class _Printer:
    def __init__(self, module: Module, folded: bool, offsets: bool):
        self.m = module
        self.folded = folded
        self.offsets = offsets
        self.names = _Names(module)
        self.out = _Out()

    def line(self, text: str, offset: int | None = None, depth: int = 1) -> None:
        self.out.add(offset, depth, text)

    def expr(self, expr, funcidx: int | None = None) -> str:
        """A constant expression on one line, flat: ``i32.const 1 i32.const 2 i32.add``."""
        ctx = _Ctx(self.names, funcidx)
        parts = []
        for event, instr in walk(expr):
            if event == "instr":
                parts.append(instr_text(instr, ctx))
            elif event == "else":
                if instr.else_:
                    parts.append("else")
            else:
                parts.append("end")
        return " ".join(parts)

    def wrapped_expr(self, keyword: str, expr) -> str:
        """``(i32.const 0)`` for a one-instruction expression, else ``(keyword ...)``."""
        if len(expr) == 1 and not isinstance(expr[0], _STRUCTURED):
            return f"({self.expr(expr)})"
        return f"({keyword} {self.expr(expr)})" if expr else f"({keyword})"

    def print(self) -> str:
        m = self.m
        head = "(module" + (f" {self.names.module}" if self.names.module else "")
        self.out.add(None, 0, head)
        self.types()
        counts = {"func": 0, "table": 0, "memory": 0, "global": 0, "tag": 0}
        for imp in m.imports:
            self.import_(imp, counts[imp.kind])
            counts[imp.kind] += 1
        for i, f in enumerate(m.funcs):
            self.func(f, counts["func"] + i)
        for i, t in enumerate(m.tables):
            text = f"(table (;{counts['table'] + i};) {_tabletype_text(t.type)}"
            if t.init is not None:
                text += " " + self.expr(t.init)
            self.line(text + ")")
        for i, mem in enumerate(m.mems):
            self.line(f"(memory (;{counts['memory'] + i};) {_memtype_text(mem.type)})")
        for i, tag in enumerate(m.tags):
            self.line(f"(tag (;{counts['tag'] + i};) (type {tag.type}))")
        for i, g in enumerate(m.globals):
            parts = [f"(global (;{counts['global'] + i};)", _globaltype_text(g.type)]
            init = self.expr(g.init)
            self.line(" ".join(parts + [init] if init else parts) + ")")
        for e in m.exports:
            index = self.names.func(e.index) if e.kind == "func" else str(e.index)
            self.line(f"(export {string_text(e.name)} ({e.kind} {index}))")
        if m.start is not None:
            self.line(f"(start {self.names.func(m.start)})")
        for i, e in enumerate(m.elems):
            self.elem(e, i)
        for i, d in enumerate(m.datas):
            mode = d.mode
            parts = [f"(data (;{i};)"]
            if mode.kind == "active":
                if mode.memory:
                    parts.append(f"(memory {mode.memory})")
                parts.append(self.wrapped_expr("offset", mode.offset or []))
            parts.append(string_text(d.init))
            self.line(" ".join(parts) + ")")
        self.out.close()
        return self.render()

    def render(self) -> str:
        lines = []
        for offset, depth, text in self.out.lines:
            body = INDENT * min(depth, MAX_INDENT) + text
            if self.offsets:
                prefix = f"(;@{offset:<6x};)" if offset is not None else None
                if prefix is None:
                    prefix = " " * 11
                body = prefix + body
            lines.append(body)
        return "\n".join(lines) + "\n"

    def types(self) -> None:
        m = self.m
        for g in m.groups():
            rec = g.explicit or g.size != 1
            depth = 2 if rec else 1
            if rec:
                self.line("(rec" + ("" if g.size else ")"))
            for x in g.indices:
                sub = m.subtype(x)
                ct = _comptype_text(m.types[x])
                if not sub.final or sub.supers:
                    supers = "".join(f" {s}" for s in sub.supers)
                    ct = f"(sub{' final' if sub.final else ''}{supers} {ct})"
                self.line(f"(type (;{x};) {ct})", depth=depth)
            if rec and g.size:
                self.out.close()

    def import_(self, imp: Import, index: int) -> None:
        kind = imp.kind
        if kind == "func":
            ident = self.names.funcs.get(index)
            desc = f"(func {ident + ' ' if ident else ''}(;{index};) (type {imp.desc}))"
        elif kind == "tag":
            desc = f"(tag (;{index};) (type {imp.desc}))"
        elif kind == "table":
            desc = f"(table (;{index};) {_tabletype_text(imp.desc)})"
        elif kind == "memory":
            desc = f"(memory (;{index};) {_memtype_text(imp.desc)})"
        else:
            desc = f"(global (;{index};) {_globaltype_text(imp.desc)})"
        self.line(f"(import {string_text(imp.module)} {string_text(imp.name)} {desc})")

    def elem(self, e: Elem, index: int) -> None:
        flags = elem_flags(e)
        as_indices = e.indices if e.indices is not None else not flags & 4
        if as_indices and not all(len(x) == 1 and x[0].op.name == "ref.func" for x in e.init):
            as_indices = False
        parts = [f"(elem (;{index};)"]
        mode = e.mode
        if mode.kind == "declarative":
            parts.append("declare")
        elif mode.kind == "active":
            if mode.table or mode.explicit_table:
                parts.append(f"(table {mode.table})")
            parts.append(self.wrapped_expr("offset", mode.offset or []))
        if as_indices:
            parts.append("func")
            parts.extend(self.names.func(x[0].func) for x in e.init)
        else:
            parts.append(valtype_text(e.type))
            parts.extend(self.wrapped_expr("item", x) for x in e.init)
        self.line(" ".join(parts) + ")")

    def func(self, f: Func, funcidx: int) -> None:
        m = self.m
        ident = self.names.funcs.get(funcidx)
        local_ids = self.names.locals.get(funcidx, {})
        types = m.types
        ft = types[f.type] if 0 <= f.type < len(types) else None
        head = f"(func {ident + ' ' if ident else ''}(;{funcidx};) (type {f.type})"
        nparams = 0
        if isinstance(ft, FuncType):
            head += _params_results(ft, local_ids)
            nparams = len(ft.params)
        offsets = f.offsets or None  # (also tells an empty else from none)
        start = _locals_offset(f)
        self.line(head, start)
        locals_ = f.local_types()
        if locals_:
            parts: list[str] = []
            plain: list[str] = []
            for i, t in enumerate(locals_):
                lid = local_ids.get(nparams + i)
                if lid is None:
                    plain.append(valtype_text(t))
                    continue
                if plain:
                    parts.append("(local " + " ".join(plain) + ")")
                    plain = []
                parts.append(f"(local {lid} {valtype_text(t)})")
            if plain:
                parts.append("(local " + " ".join(plain) + ")")
            first = None if start is None else start + _leb_size(len(f.locals))
            self.line(" ".join(parts), first, depth=2)
        ctx = _Ctx(self.names, funcidx)
        if self.folded:
            results = len(ft.results) if isinstance(ft, FuncType) else None
            nodes = _fold(f.body, ctx, _Effects(m, results), offsets)
            _emit_folded(self.out, nodes, ctx, 2)
        else:
            _flat_body(self.out, f.body, ctx, 2, offsets)
        self.line(")", offsets[-1] if offsets is not None else None)


def _leb_size(n: int) -> int:
    return max(1, (n.bit_length() + 6) // 7)


def _locals_offset(f: Func) -> int | None:
    """Where a decoded function's locals start, after its size field: the offset
    ``wasm-tools print -p`` gives the function (the size is whatever makes the body end
    at its last ``end``, in as many LEB128 bytes as it takes)."""
    if f.body_offset is None or not f.offsets:
        return None
    end = f.offsets[-1] + 1
    for n in range(1, 6):
        if _leb_size(end - f.body_offset - n) == n:
            return f.body_offset + n
    return None


def print_module(module: Module, *, folded: bool = False, offsets: bool = False) -> str:
    """The WAT text of ``module``: flat instructions, or ``folded`` expressions; with
    ``offsets``, each line marked with its byte offset (see the module docstring)."""
    return _Printer(module, folded, offsets).print()
