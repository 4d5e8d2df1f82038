"""Instructions in the text format (spec 6.5): flat and folded, into the instruction
model the decoder builds.

    instructions(cur, ctx) -> list[Instruction]
        from the cursor up to the ``)`` that closes the enclosing form (not consumed)

Every plain instruction is found by its mnemonic in the opcode table, its immediates are
read by the table's immediate kinds (``_READERS``), and the instruction is built by the
same ``maker`` the decoder uses, so the text format covers every row by construction.
The few rows whose text differs from the table's name have their own readers: typed
``select (result t*)`` (the table's ``select_t``), ``ref.test``/``ref.cast`` (the table
splits the nullable forms), ``br_on_cast``/``br_on_cast_fail`` (the flags byte is
written as the nullability of the two types).

Nesting lives on an explicit stack of frames, never on Python's call stack: 100,000
nested blocks parse like any other input. A folded instruction ``(op imm* folded*)``
emits its operands first, then itself (spec 6.5.5); a folded ``(if label bt folded*
(then ...) (else ...))`` emits the condition, then the ``if``.
"""

from __future__ import annotations

from .. import opcodes
from ..syntax.control import CATCH_KINDS
from ..syntax.instructions import (
    BrOnCast,
    BrOnCastFail,
    Catch,
    If,
    RefCast,
    RefTest,
    Select,
    maker,
)
from ..syntax.types import FuncType, ref_type
from .context import Context, is_index
from .cursor import Cursor, known_keyword
from .numbers import NotANumber, OutOfRange, float_bits, integer, unsigned
from .typetext import heaptype, params_results, reftype, valtype

_STRUCTURED = frozenset({"block", "loop", "if", "try_table"})
#: rows whose text mnemonic is not the table's name (read by hand below)
_NOT_TEXT = frozenset({"select_t", "ref.test_null", "ref.cast_null"})
OPS_BY_TEXT = {op.name: op for op in opcodes.OPS if op.name not in _NOT_TEXT}


# -- immediates --------------------------------------------------------------------------
def _lane(cur: Cursor, any_number: bool = False) -> int:
    """A lane index: a u8. extract_lane/replace_lane take a natural number (a sign or
    a fraction is an "unexpected token"); the shuffle's list takes any number token, and
    one that is no u8 is a "malformed lane index". Out of range, WebAssembly 2.0's
    reference interpreter says "malformed lane index", 3.0's "i8 constant out of range"
    (``spec_message``)."""
    tok = cur.peek()
    if tok.kind != "num":
        raise cur.unexpected()
    try:
        value = unsigned(tok.text, 8)
    except (NotANumber, OutOfRange) as why:
        if isinstance(why, NotANumber) and not any_number:
            raise cur.error("unexpected token") from None
        e = cur.error("malformed lane index")
        e.spec_message = "i8 constant out of range"
        raise e from None
    cur.i += 1
    return value


def _count_nums(cur: Cursor) -> int:
    n = 0
    while cur.peek(n).kind == "num":
        n += 1
    return n


#: v128.const shapes: (lanes, lane bits, float?)
_SHAPES = {"i8x16": (16, 8, False), "i16x8": (8, 16, False), "i32x4": (4, 32, False),
           "i64x2": (2, 64, False), "f32x4": (4, 32, True), "f64x2": (2, 64, True)}


def _v128_const(cur: Cursor) -> int:
    tok = cur.peek()
    if tok.kind != "keyword" or tok.text not in _SHAPES:
        raise cur.unexpected()
    cur.i += 1
    lanes, bits, is_float = _SHAPES[tok.text]
    n = 0
    while True:
        lit = cur.peek(n)
        if lit.kind == "reserved" or lit.kind == "keyword" and not known_keyword(lit.text):
            raise cur.unexpected(cur.i + n)  # (0x, nan:1: no number at all)
        if lit.kind != "num":
            break
        n += 1
    if n != lanes:
        raise cur.error("wrong number of lane literals")
    value = 0
    for k in range(lanes):
        lane = cur.number(float_bits if is_float else integer, bits)
        value |= lane << (k * bits)
    return value


def _memarg(cur: Cursor, ctx: Context, op: opcodes.Op) -> tuple[int, int, int]:
    """``memidx? offset=N? align=N?`` -> (alignment exponent, offset, memory)."""
    memory = 0
    if is_index(cur) and (op.imm[-1] != "laneidx" or _memory_before_lane(cur)):
        memory = ctx["memory"].index(cur)
    offset = 0
    bits = 64 if ctx.features.memory64 else 32  # (validation bounds a 32-bit memory's)
    tok = cur.peek()
    if tok.kind == "keyword" and tok.text.startswith("offset="):
        offset = _key_value(cur, tok, bits)
    align = op.access.natural_alignment
    tok = cur.peek()
    if tok.kind == "keyword" and tok.text.startswith("align="):
        n = _key_value(cur, tok, bits)
        if n == 0 or n & (n - 1):
            raise cur.error("alignment must be a power of two", cur.i - 1)
        align = n.bit_length() - 1
    return align, offset, memory


def _memory_before_lane(cur: Cursor) -> bool:
    """``v128.load8_lane 1 2`` names memory 1, lane 2; ``v128.load8_lane 1``, lane 1."""
    if cur.peek().kind == "id":
        return True
    nxt = cur.peek(1)
    return nxt.kind == "num" or (nxt.kind == "keyword" and nxt.text.startswith(("offset=", "align=")))


def _key_value(cur: Cursor, tok, bits: int) -> int:
    text = tok.text.partition("=")[2]
    try:
        value = unsigned(text, bits)
    except NotANumber:  # offset=-1, align=x: no token of the text format
        raise cur.error("unknown operator") from None
    except OutOfRange:
        raise cur.error(f"i{bits} constant out of range") from None
    cur.i += 1
    return value


def _opt(cur: Cursor, ctx: Context, space: str, default: int = 0) -> int:
    return ctx[space].index(cur) if is_index(cur) else default


def _type_index(cur: Cursor, ctx: Context) -> int:
    return ctx["type"].index(cur)


def _field(cur: Cursor, ctx: Context, x: int) -> int:
    tok = cur.peek()
    if tok.kind == "id":
        y = ctx.fields.get(x, {}).get(tok.text)
        if y is None:
            raise cur.error(f"unknown field ${tok.text}")
        cur.i += 1
        return y
    return cur.u32()


def _call_indirect(cur, ctx, op):
    table = _opt(cur, ctx, "table")
    x = _blocktype_index(cur, ctx)
    return maker(op)(x, table)


def _blocktype_index(cur: Cursor, ctx: Context) -> int:
    """A type use with no parameter ids (call_indirect's): the type index."""
    start = cur.i
    x = None
    if cur.at_lparen("type"):
        cur.i += 2
        x = ctx["type"].index(cur)
        cur.rparen()
    inline = cur.i
    params, ids, results = params_results(cur, ctx)
    if any(name is not None for name in ids):
        raise cur.error("unexpected token", inline)
    ft = FuncType(tuple(params), tuple(results))
    if x is None:
        return ctx.func_type_index(ft)
    if cur.i != inline:
        declared = ctx.types[x] if x < len(ctx.types) else None
        if declared != ft:
            raise cur.error("inline function type", start)
    return x


def blocktype(cur: Cursor, ctx: Context):
    """A block type: ``(type x)`` and/or ``(param ...)* (result ...)*``: None (no
    results), one value type (one result, no parameters), or a type index."""
    if cur.at_lparen("type") or cur.at_lparen("param"):
        return _blocktype_index(cur, ctx)
    _, _, results = params_results(cur, ctx)
    if not results:
        return None
    if len(results) == 1:
        return results[0]
    return ctx.func_type_index(FuncType((), tuple(results)))


def _select(cur, ctx, op):
    if not cur.at_lparen("result"):
        return maker(op)()
    types: list = []
    while cur.at_lparen("result"):
        cur.i += 2
        while not cur.at_rparen():
            types.append(valtype(cur, ctx))
        cur.rparen()
    return Select(types)


def _ref_test(cls):
    def read(cur, ctx, op):
        return cls(reftype(cur, ctx))
    return read


def _br_on_cast(cls):
    def read(cur, ctx, op):
        label = ctx.label(cur)
        t1 = reftype(cur, ctx)
        t2 = reftype(cur, ctx)
        return cls(label, t1, t2)
    return read


def _two_optional(space: str):
    """``x? y?``: both or neither (table.copy, memory.copy)."""
    def read(cur, ctx, op):
        if is_index(cur):
            x = ctx[space].index(cur)
            y = ctx[space].index(cur)
            return maker(op)(x, y)
        return maker(op)(0, 0)
    return read


def _segment_with_optional(segment: str, space: str):
    """``table.init x? y`` / ``memory.init x? y``: an optional table or memory, then a
    segment; made as (segment, table-or-memory) in the table's order."""
    def read(cur, ctx, op):
        if is_index(cur) and is_index(cur, 1):
            x = ctx[space].index(cur)
            return maker(op)(ctx[segment].index(cur), x)
        return maker(op)(ctx[segment].index(cur), 0)
    return read


def _shuffle(cur, ctx, op):
    if _count_nums(cur) != 16:
        raise cur.error("invalid lane length")
    return maker(op)(tuple(_lane(cur, any_number=True) for _ in range(16)))


#: readers for rows whose immediates are not read one kind at a time
_SPECIAL = {
    "select": _select,
    "ref.test": _ref_test(RefTest),
    "ref.cast": _ref_test(RefCast),
    "br_on_cast": _br_on_cast(BrOnCast),
    "br_on_cast_fail": _br_on_cast(BrOnCastFail),
    "call_indirect": _call_indirect,
    "return_call_indirect": _call_indirect,
    "table.copy": _two_optional("table"),
    "memory.copy": _two_optional("memory"),
    "table.init": _segment_with_optional("elem", "table"),
    "memory.init": _segment_with_optional("data", "memory"),
    "i8x16.shuffle": _shuffle,
}


def _labelvec(cur: Cursor, ctx: Context):
    labels = []
    while is_index(cur):
        labels.append(ctx.label(cur))
    if not labels:
        raise cur.unexpected()
    return tuple(labels[:-1]), labels[-1]


def _immediates(cur: Cursor, ctx: Context, op: opcodes.Op) -> list:
    """The row's immediates read from text, one kind at a time, in the table's order."""
    imms: list = []
    for kind in op.imm:
        if kind == "labelidx":
            imms.append(ctx.label(cur))
        elif kind == "labelvec":
            imms.extend(_labelvec(cur, ctx))
        elif kind == "funcidx":
            imms.append(ctx["func"].index(cur))
        elif kind == "typeidx":
            imms.append(_type_index(cur, ctx))
        elif kind == "tableidx":
            imms.append(_opt(cur, ctx, "table"))
        elif kind == "localidx":
            imms.append(ctx.locals.index(cur))
        elif kind == "globalidx":
            imms.append(ctx["global"].index(cur))
        elif kind == "elemidx":
            imms.append(ctx["elem"].index(cur))
        elif kind == "dataidx":
            imms.append(ctx["data"].index(cur))
        elif kind == "tagidx":
            imms.append(ctx["tag"].index(cur))
        elif kind == "memidx":
            imms.append(_opt(cur, ctx, "memory"))
        elif kind == "memarg":
            imms.extend(_memarg(cur, ctx, op))
        elif kind == "fieldidx":
            imms.append(_field(cur, ctx, imms[-1]))
        elif kind == "u32":
            imms.append(cur.u32())
        elif kind == "heaptype":  # ref.null
            imms.append(ref_type(True, heaptype(cur, ctx)))
        elif kind in ("i32", "i64"):
            imms.append(cur.number(integer, 32 if kind == "i32" else 64))
        elif kind in ("f32", "f64"):
            imms.append(cur.number(float_bits, 32 if kind == "f32" else 64))
        elif kind == "v128":
            imms.append(_v128_const(cur))
        elif kind == "laneidx":
            imms.append(_lane(cur))
        else:  # pragma: no cover - a new immediate kind without a text reader
            raise NotImplementedError(f"no text reader for immediate kind {kind!r} ({op.name})")
    return imms


def plain(cur: Cursor, ctx: Context):
    """A plain instruction at the cursor (its mnemonic and immediates)."""
    tok = cur.peek()
    if tok.kind != "keyword":
        raise cur.unexpected()
    op = OPS_BY_TEXT.get(tok.text)
    if op is None or tok.text in _STRUCTURED:
        raise cur.unexpected()  # "unknown operator x", or a keyword out of place
    cur.i += 1
    special = _SPECIAL.get(tok.text)
    if special is not None:
        return special(cur, ctx, op)
    return maker(op)(*_immediates(cur, ctx, op))


def _catches(cur: Cursor, ctx: Context) -> list[Catch]:
    clauses = []
    while (kind := cur.at_lparen_any(CATCH_KINDS)) is not None:
        cur.i += 2
        tag = None if kind.startswith("catch_all") else ctx["tag"].index(cur)
        clauses.append(Catch(kind, tag, ctx.label(cur)))
        cur.rparen()
    return clauses


def _block_start(cur: Cursor, ctx: Context, name: str):
    """After ``block``/``loop``/``if``/``try_table``: label, block type, catch clauses;
    the instruction (bodies empty) and its label."""
    label = cur.opt_id()
    bt = blocktype(cur, ctx)
    if name == "try_table":
        instr = maker(OPS_BY_TEXT[name])(bt, _catches(cur, ctx))
    else:
        instr = maker(OPS_BY_TEXT[name])(bt)
    return instr, label


def _end_label(cur: Cursor, label: str | None) -> None:
    """``end $l`` / ``else $l``: the id, if written, must be the block's label."""
    tok = cur.peek()
    if tok.kind == "id":
        if tok.text != label:
            raise cur.error("mismatching label")
        cur.i += 1


# frame kinds
_FLAT = 0        # flat block/loop/try_table/if: ends with `end`
_FOLD = 1        # (block ...), (loop ...), (try_table ...), (then ...), (else ...): `)`
_PLAIN = 2       # (op imm* folded*): `)` emits op
_IF_COND = 3     # (if label bt folded* ...: before (then
_IF_ARMS = 4     # (if ... (then ...) ...: after (then ...), before (else ...) or `)`


def instructions(cur: Cursor, ctx: Context, stop: int = -1) -> list:
    """Instructions up to the ``)`` closing the enclosing form (left unconsumed), or,
    with ``stop``, up to that token index (one folded instruction: ``close[i] + 1``)."""
    body: list = []
    out = body
    #: frames: [kind, instr, out to restore, label pushed?]
    stack: list[list] = []
    labels = ctx.labels
    toks = cur.tokens
    while True:
        if cur.i == stop and not stack:
            return body
        if cur.i >= cur.n:
            raise cur.error("unexpected end of input")
        tok = toks[cur.i]
        kind = tok.kind
        if kind == ")":
            if not stack:
                return body
            frame = stack[-1]
            fk = frame[0]
            if fk == _FLAT:
                raise cur.error("unexpected token")
            cur.i += 1
            if fk == _PLAIN:
                stack.pop()
                out.append(frame[1])
            elif fk == _FOLD:
                stack.pop()
                out = frame[2]
                if frame[3]:
                    labels.pop()
            elif fk == _IF_ARMS:  # the (if ...) closes
                stack.pop()
                labels.pop()
                out = frame[2]
            else:  # _IF_COND: (if ...) without (then ...)
                raise cur.error("unexpected token", cur.i - 1)
            continue
        if kind == "(":
            nxt = cur.peek(1)
            if nxt.kind != "keyword":
                raise cur.unexpected(cur.i + 1)
            word = nxt.text
            top = stack[-1][0] if stack else None
            if top == _IF_COND and word == "then":
                frame = stack[-1]
                instr = frame[1]
                out.append(instr)
                labels.append(frame[4])
                frame[0] = _IF_ARMS
                frame[2] = out
                cur.i += 2
                stack.append([_FOLD, instr, out, False])
                out = instr.then
                continue
            if top == _IF_ARMS:
                frame = stack[-1]
                if word != "else" or frame[5]:
                    raise cur.unexpected()
                frame[5] = True
                frame[1].else_written = True
                cur.i += 2
                stack.append([_FOLD, frame[1], out, False])
                out = frame[1].else_
                continue
            cur.i += 2
            if word in _STRUCTURED:
                instr, label = _block_start(cur, ctx, word)
                if word == "if":
                    # the condition comes first; the label is bound from (then on
                    stack.append([_IF_COND, instr, out, False, label, False])
                    continue
                out.append(instr)
                labels.append(label)
                stack.append([_FOLD, instr, out, True])
                out = instr.body
                continue
            cur.i -= 1
            stack.append([_PLAIN, plain(cur, ctx), out, False])
            continue
        if stack and stack[-1][0] in (_PLAIN, _IF_COND, _IF_ARMS):
            raise cur.unexpected()  # only folded instructions inside a folded one
        if kind != "keyword":
            raise cur.unexpected()
        word = tok.text
        if word in _STRUCTURED:
            cur.i += 1
            instr, label = _block_start(cur, ctx, word)
            out.append(instr)
            labels.append(label)
            stack.append([_FLAT, instr, out, True, label])
            out = instr.then if word == "if" else instr.body
            continue
        if word == "end" or word == "else":
            if not stack or stack[-1][0] != _FLAT:
                raise cur.error("unexpected token")
            frame = stack[-1]
            cur.i += 1
            if word == "else":
                if type(frame[1]) is not If or out is frame[1].else_:
                    raise cur.error("unexpected token", cur.i - 1)
                _end_label(cur, frame[4])
                frame[1].else_written = True
                out = frame[1].else_
                continue
            _end_label(cur, frame[4])
            stack.pop()
            labels.pop()
            out = frame[2]
            continue
        out.append(plain(cur, ctx))


def folded(cur: Cursor, ctx: Context) -> list:
    """One folded instruction ``( ... )`` at the cursor, as an instruction sequence (the
    abbreviations ``(offset (i32.const 0))`` -> ``(i32.const 0)``, ``(item ...)``)."""
    if cur.peek().kind != "(":
        raise cur.unexpected()
    return instructions(cur, ctx, cur.close[cur.i] + 1)
