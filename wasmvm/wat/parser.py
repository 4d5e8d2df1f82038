"""Modules in the text format (spec 6.6) into ``wasmvm.syntax.module.Module``.

    parse_module(text) -> Module     ``(module $id? field*)``, or the fields alone; also
                                     ``(module binary "...")`` and ``(module quote "...")``
    wat2wasm(text) -> bytes          the binary format of that module

Three passes over the module's fields, as the spec's identifier context demands (a field
may use an identifier declared after it):

1. declare: every field takes its index in its space, and its ``$id``; inline imports
   must come before any definition ("import after function"); inline element and data
   segments (``(table funcref (elem ...))``, ``(memory (data ...))``) take their segment
   index where they stand;
2. types: the type definitions, in order (``rec`` groups, ``sub``, struct field ids);
3. everything else, in order; a type use without ``(type x)`` names the first equal
   function type, or appends one after the explicit ones (spec 6.6.5), in the order
   of use.

All abbreviations of the text format are expanded on the way: inline exports and
imports, inline function types, inline element and data segments, ``(offset ...)`` and
``(item ...)`` written as one folded instruction, function-index element lists.
The result encodes (``binary.encode``) to what ``wasm-tools parse`` makes of the same
text, custom sections aside.
"""

from __future__ import annotations

from ..binary.decode import decode_module
from ..binary.encode import SECTION_ORDER, encode_module, encode_names
from ..syntax.features import WASM3, Features
from ..syntax.instructions import Const, RefFunc, walk
from ..syntax.module import (
    CustomSection,
    Data,
    DataMode,
    Elem,
    ElemMode,
    Export,
    Func,
    Global,
    Import,
    Local,
    Memory,
    Module,
    Table,
    Tag,
)
from ..syntax.types import PAGE_SIZE, Limits, MemoryType, SubType, TableType, ValType, ref_type
from ..syntax.values import i32, i64
from .context import Context, Space, is_index
from .cursor import Cursor, match_parens, strip_annotations
from .instrs import folded, instructions
from .lexer import Source, TextError, Token, decode, tokenize
from .typetext import (
    address_type,
    comptype,
    globaltype,
    is_reftype_start,
    memtype,
    reftype,
    tabletype,
    typeuse,
    valtype,
)

__all__ = ["parse_module", "wat2wasm", "TextError"]

_FIELDS = frozenset({"type", "rec", "import", "func", "table", "memory", "global", "tag",
                     "export", "start", "elem", "data"})
_DEFINES = ("func", "table", "memory", "global", "tag")
_WORD = {"func": "function", "table": "table", "memory": "memory", "global": "global",
         "tag": "tag"}
#: instructions that use a data segment index: a module with any of them gets a data
#: count section, as wasm-tools writes it
_DATA_USERS = frozenset({"memory.init", "data.drop", "array.new_data", "array.init_data"})
#: section ids by name, for ``(@custom "n" (after func) ...)``
_SECTION_IDS = {"type": 1, "import": 2, "func": 3, "table": 4, "memory": 5, "tag": 13,
                "global": 6, "export": 7, "start": 8, "elem": 9, "datacount": 12,
                "code": 10, "data": 11}


def parse_module(source: str | bytes, *, features: Features = WASM3) -> Module:
    """The module a WAT text describes (a ``TextError`` with ``line:column`` if it is
    malformed). ``features``: the proposals it may use (2.0's text has u32 bounds)."""
    kind, value = _parse(source, features)
    if kind == "binary":
        return decode_module(value)
    return value


def wat2wasm(source: str | bytes, *, features: Features = WASM3) -> bytes:
    """The binary format of the module a WAT text describes (as wasmtime-py's
    ``wat2wasm``)."""
    kind, value = _parse(source, features)
    if kind == "binary":
        return value
    return encode_module(value)


def _parse(source: str | bytes, features: Features = WASM3):
    text = decode(source)
    src = Source(text)
    tokens, customs = strip_annotations(tokenize(text), src)
    close, stray = match_parens(tokens)
    cur = Cursor(tokens, src, close)
    n = len(tokens)
    #: an error after the module's fields, raised once they are read without one
    after = None
    if cur.at_lparen("module"):
        end = close[0]
        cur.i = 2
        name = cur.opt_id()
        if end == n:
            after = cur.error("unexpected end of input", n)
        elif end + 1 != n:
            after = cur.error("unexpected token", end + 1)
        if cur.at_keyword("binary") or cur.at_keyword("quote"):
            how = cur.keyword()
            data = bytearray()
            while cur.peek().kind == "string":
                data += cur.string()
            if cur.i != end:
                raise cur.unexpected()
            if after is not None:
                raise after
            if how == "binary":
                return "binary", bytes(data)
            return _parse(bytes(data), features)
    else:
        end, name = n, None
    module = _Parser(cur, end, customs, name, features).module()
    if after is not None:
        raise after
    return "module", module


class _Parser:
    def __init__(self, cur: Cursor, end: int, customs, module_name: str | None = None,
                 features: Features = WASM3):
        self.module_name = module_name
        self.cur = cur
        self.end = end
        self.customs = customs
        self.ctx = Context(features)
        self.m = Module()
        #: the module's fields: (index of its "(", keyword)
        self.fields: list[tuple[int, str]] = []
        #: index assigned in pass 1 to each field, by the field's "(" position
        self.index: dict[int, int] = {}
        #: inline segment index of a table with (elem ...) / memory with (data ...)
        self.inline_segment: dict[int, int] = {}
        #: the first kind of definition met (imports must come before any)
        self.defined: str | None = None
        #: element and data segments as (index, "elem" | "data", segment)
        self._segments: list[tuple] = []

    # -- the passes --------------------------------------------------------------------
    def module(self) -> Module:
        cur = self.cur
        after = None  # an error after the last good field: raised once those are read
        while cur.i < self.end:
            if cur.peek().kind != "(":
                after = cur.unexpected()
                break
            word = cur.peek(1)
            if word.kind != "keyword" or word.text not in _FIELDS:
                after = cur.unexpected(cur.i + 1)
                break
            self.fields.append((cur.i, word.text))
            cur.i = cur.close[cur.i] + 1
        for start, word in self.fields:
            self._declare(start, word)
        for start, word in self.fields:
            if word in ("type", "rec"):
                cur.i = start
                self._types(word)
        for start, word in self.fields:
            if word not in ("type", "rec"):
                cur.i = start + 2
                getattr(self, "_" + word)(start)
                cur.rparen()
        if after is not None:
            raise after
        return self._finish()

    def _declare(self, start: int, word: str) -> None:
        cur, ctx = self.cur, self.ctx
        cur.i = start + 2
        if word == "type":
            self.index[start] = ctx["type"].declare(cur.opt_id(), cur, start)
        elif word == "rec":
            while cur.at_lparen("type"):
                at = cur.i
                cur.i += 2
                ctx["type"].declare(cur.opt_id(), cur, at)
                cur.i = cur.close[at] + 1
            if not cur.at_rparen():
                raise cur.unexpected()
        elif word in _DEFINES:
            name = cur.opt_id()
            while cur.at_lparen("export"):
                cur.i = cur.close[cur.i] + 1
            imported = cur.at_lparen("import")
            if imported:
                self._import_order(start)
            else:
                self.defined = self.defined or word
            self.index[start] = ctx[word].declare(name, cur, start)
            if not imported and word in ("table", "memory"):
                self._declare_inline_segment(start, word)
        elif word == "import":
            self._import_order(start)
            cur.name()
            cur.name()
            if cur.peek().kind != "(":
                raise cur.unexpected()
            kind = cur.peek(1)
            if kind.kind != "keyword" or kind.text not in _DEFINES:
                raise cur.unexpected(cur.i + 1)
            at = cur.i
            cur.i += 2
            self.index[start] = ctx[kind.text].declare(cur.opt_id(), cur, at)
        elif word in ("elem", "data"):
            self.index[start] = ctx[word].declare(cur.opt_id(), cur, start)

    def _import_order(self, start: int) -> None:
        if self.defined is not None:
            raise self.cur.error(f"import after {_WORD[self.defined]}", start)

    def _declare_inline_segment(self, start: int, word: str) -> None:
        """``(table ... (elem ...))`` / ``(memory ... (data ...))``: a segment here."""
        cur = self.cur
        end = cur.close[start]
        j = cur.i
        while j < end:
            tok = cur.tokens[j]
            if tok.kind == "(":
                inner = cur.tokens[j + 1]
                if inner.kind == "keyword" and inner.text == ("elem" if word == "table" else "data"):
                    space = "elem" if word == "table" else "data"
                    self.inline_segment[start] = self.ctx[space].declare(None, cur, j)
                    return
                j = cur.close[j] + 1
            else:
                j += 1

    # -- types -------------------------------------------------------------------------
    def _types(self, word: str) -> None:
        cur, ctx = self.cur, self.ctx
        cur.i += 2
        if word == "type":
            ctx.add_group([self._typedef(len(ctx.types))], False)
            return
        defs: list[tuple] = []
        while cur.at_lparen("type"):
            cur.i += 2
            defs.append(self._typedef(len(ctx.types) + len(defs)))
        cur.rparen()
        ctx.add_group(defs, True)

    def _typedef(self, x: int) -> tuple:
        """After ``(type``: ``$id? (sub final? x* comptype)`` or ``$id? comptype``, and
        the ``)``; ``x`` is the index it defines."""
        cur, ctx = self.cur, self.ctx
        cur.opt_id()
        if cur.at_lparen("sub"):
            cur.i += 2
            final = False
            if cur.at_keyword("final"):
                cur.i += 1
                final = True
            supers = []
            while is_index(cur):
                supers.append(ctx["type"].index(cur))
            ct = comptype(cur, ctx, x)
            cur.rparen()
            # (sub final (func ...)) with no supertype is the plain form (0x60), as
            # wasm-tools writes it; anything else keeps its sub / sub final (0x50 / 0x4F)
            st = SubType(final, tuple(supers), not (final and not supers))
        else:
            ct = comptype(cur, ctx, x)
            st = SubType()
        cur.rparen()
        return ct, st

    # -- fields ------------------------------------------------------------------------
    def _exports(self, kind: str, index: int) -> None:
        cur = self.cur
        while cur.at_lparen("export"):
            cur.i += 2
            self.m.exports.append(Export(cur.name(), kind, index))
            cur.rparen()

    def _inline_import(self, kind: str):
        """``(import "m" "n")`` after a definition's id and exports: (module, name)."""
        cur = self.cur
        if not cur.at_lparen("import"):
            return None
        cur.i += 2
        names = cur.name(), cur.name()
        cur.rparen()
        return names

    def _func(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        x = self.index[start]
        name = cur.opt_id()
        self._exports("func", x)
        imported = self._inline_import("func")
        ctx.locals = Space("local")
        ctx.labels = []
        t, ids = typeuse(cur, ctx, ctx.locals)
        if imported is not None:
            m.imports.append(Import(*imported, "func", t))
        else:
            locals_: list[Local] = []
            local_ids = list(ids)
            while cur.at_lparen("local"):
                cur.i += 2
                tok = cur.peek()
                if tok.kind == "id":
                    at = cur.i
                    cur.i += 1
                    lt = valtype(cur, ctx)
                    ctx.locals.declare(tok.text, cur, at)
                    _add_local(locals_, lt)
                    local_ids.append(tok.text)
                else:
                    while not cur.at_rparen():
                        _add_local(locals_, valtype(cur, ctx))
                        ctx.locals.declare(None, cur, cur.i)
                        local_ids.append(None)
                cur.rparen()
            body = instructions(cur, ctx)
            m.funcs.append(Func(t, locals_, body))
            named = {i: n for i, n in enumerate(local_ids) if n is not None}
            if named:
                m.names.locals[x] = named
        if name is not None:
            m.names.funcs[x] = name
        ctx.labels = []

    def _table(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        x = self.index[start]
        cur.opt_id()
        self._exports("table", x)
        imported = self._inline_import("table")
        if imported is not None:
            m.imports.append(Import(*imported, "table", tabletype(cur, ctx)))
            return
        save = cur.i
        is_64 = address_type(cur)
        if is_reftype_start(cur):  # (table i64? reftype (elem ...))
            rt = reftype(cur, ctx)
            cur.lparen("elem")
            init, indices = self._elem_items(rt, inline=True)
            cur.rparen()
            n = len(init)
            m.tables.append(Table(TableType(rt, Limits(n, n), is_64)))
            offset = [Const(i64(0) if is_64 else i32(0))]
            if indices and rt not in (ValType.FUNCREF, ref_type(False, "func")):
                # function indices encode as (ref func): for a table of another type
                # (ref null $t), wasm-tools writes them as ref.func expressions
                indices = False
            etype = ref_type(False, "func") if indices else rt
            # (wasm-tools names the table, even table 0: flags 2 or 6)
            mode = ElemMode("active", x, offset, explicit_table=True)
            self._segments.append((self.inline_segment[start], "elem", Elem(
                etype, init, mode, indices)))
            return
        cur.i = save
        tt = tabletype(cur, ctx)
        init = None if cur.at_rparen() else instructions(cur, ctx)
        m.tables.append(Table(tt, init))

    def _memory(self, start: int) -> None:
        cur, m = self.cur, self.m
        x = self.index[start]
        cur.opt_id()
        self._exports("memory", x)
        imported = self._inline_import("memory")
        if imported is not None:
            m.imports.append(Import(*imported, "memory", memtype(cur, self.ctx)))
            return
        save = cur.i
        is_64 = address_type(cur)
        if cur.at_lparen("data"):
            cur.i += 2
            data = bytearray()
            while not cur.at_rparen():
                data += cur.string()
            cur.rparen()
            pages = -(-len(data) // PAGE_SIZE)
            m.mems.append(Memory(MemoryType(Limits(pages, pages), is_64)))
            offset = [Const(i64(0) if is_64 else i32(0))]
            self._segments.append((self.inline_segment[start], "data", Data(
                bytes(data), DataMode("active", x, offset))))
            return
        cur.i = save
        m.mems.append(Memory(memtype(cur, self.ctx)))

    def _global(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        x = self.index[start]
        cur.opt_id()
        self._exports("global", x)
        imported = self._inline_import("global")
        gt = globaltype(cur, ctx)
        if imported is not None:
            m.imports.append(Import(*imported, "global", gt))
            return
        m.globals.append(Global(gt, instructions(cur, ctx)))

    def _tag(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        x = self.index[start]
        cur.opt_id()
        self._exports("tag", x)
        imported = self._inline_import("tag")
        t, _ = typeuse(cur, ctx)
        if imported is not None:
            m.imports.append(Import(*imported, "tag", t))
        else:
            m.tags.append(Tag(t))

    def _import(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        module, field = cur.name(), cur.name()
        cur.lparen()
        kind = cur.keyword()
        x = self.index[start]
        name = cur.opt_id()
        if kind == "func":
            ctx.locals = Space("local")
            t, _ = typeuse(cur, ctx, ctx.locals)
            desc = t
        elif kind == "tag":
            desc, _ = typeuse(cur, ctx)
        elif kind == "table":
            desc = tabletype(cur, ctx)
        elif kind == "memory":
            desc = memtype(cur, self.ctx)
        else:
            desc = globaltype(cur, ctx)
        cur.rparen()
        m.imports.append(Import(module, field, kind, desc))
        if kind == "func" and name is not None:
            m.names.funcs[x] = name

    def _export(self, start: int) -> None:
        cur, ctx, m = self.cur, self.ctx, self.m
        name = cur.name()
        cur.lparen()
        kind = cur.keyword()
        if kind not in _DEFINES:
            raise cur.unexpected(cur.i - 1)
        m.exports.append(Export(name, kind, ctx[kind].index(cur)))
        cur.rparen()

    def _start(self, start: int) -> None:
        cur, m = self.cur, self.m
        if m.start is not None:
            raise cur.error("multiple start sections", start)
        m.start = self.ctx["func"].index(cur)

    def _offset(self) -> list:
        """``(offset instr*)`` or one folded instruction."""
        cur = self.cur
        if cur.at_lparen("offset"):
            cur.i += 2
            expr = instructions(cur, self.ctx)
            cur.rparen()
            return expr
        return folded(cur, self.ctx)

    def _elem_items(self, rt, inline: bool = False) -> tuple[list, bool]:
        """An element list: expressions (``(item ...)`` or one folded instruction each)
        or function indices; (init expressions, written as indices?)."""
        cur, ctx = self.cur, self.ctx
        if cur.peek().kind == "(":
            init = []
            while cur.peek().kind == "(":
                if cur.at_lparen("item"):
                    cur.i += 2
                    init.append(instructions(cur, ctx))
                    cur.rparen()
                else:
                    init.append(folded(cur, ctx))
            if not cur.at_rparen():
                raise cur.unexpected()
            return init, False
        init = []
        while not cur.at_rparen():
            init.append([RefFunc(ctx["func"].index(cur))])
        return init, True

    def _elem(self, start: int) -> None:
        cur, ctx = self.cur, self.ctx
        x = self.index[start]
        cur.opt_id()
        table = 0
        if cur.at_keyword("declare"):
            cur.i += 1
            mode = ElemMode("declarative")
        elif cur.at_lparen("table") or (cur.peek().kind == "(" and not cur.at_lparen("ref")):
            explicit = cur.at_lparen("table")
            if explicit:  # (table 0) written keeps its encoding: flags 2 or 6
                cur.i += 2
                table = ctx["table"].index(cur)
                cur.rparen()
            mode = ElemMode("active", table, self._offset(), explicit_table=explicit)
        else:
            mode = ElemMode("passive")
        if cur.at_keyword("func"):
            cur.i += 1
            rt = None
        elif is_reftype_start(cur):
            rt = reftype(cur, ctx)
        elif mode.kind == "active" and (is_index(cur) or cur.at_rparen()):
            rt = None  # (elem (offset ...) funcidx*): the 2.0 abbreviation
        else:
            raise cur.unexpected()
        if rt is None:
            init = []
            while not cur.at_rparen():
                init.append([RefFunc(ctx["func"].index(cur))])
            elem = Elem(ref_type(False, "func"), init, mode, True)
        else:
            init, _ = self._elem_items(rt)
            elem = Elem(rt, init, mode, False)
        self._segments.append((x, "elem", elem))

    def _data(self, start: int) -> None:
        cur, ctx = self.cur, self.ctx
        x = self.index[start]
        cur.opt_id()
        if cur.peek().kind == "(":
            memory = 0
            if cur.at_lparen("memory"):
                cur.i += 2
                memory = ctx["memory"].index(cur)
                cur.rparen()
            mode = DataMode("active", memory, self._offset())
        else:
            mode = DataMode("passive")
        data = bytearray()
        while not cur.at_rparen():
            data += cur.string()
        self._segments.append((x, "data", Data(bytes(data), mode)))

    # -- the end -----------------------------------------------------------------------
    def _finish(self) -> Module:
        m, ctx = self.m, self.ctx
        m.types = ctx.types
        m.subtypes = ctx.subtypes
        m.rec_groups = ctx.rec_groups
        for _, space, seg in sorted(self._segments, key=lambda s: (s[1], s[0])):
            (m.elems if space == "elem" else m.datas).append(seg)
        if _uses_data_indices(m):  # (wasm-tools writes it then, even for no segment)
            m.datacount = len(m.datas)
        m.customs = self._custom_sections(_last_section(m))
        m.names.module = self.module_name
        names = encode_names(m.names)
        if names is not None:
            m.customs.append(CustomSection("name", names, _last_section(m)))
        return m

    def _custom_sections(self, last: int) -> list[CustomSection]:
        """``(@custom "name" (before|after section)? "data"*)``; by default (and for
        ``last``) after the module's last section."""
        out = []
        for _, toks in self.customs:
            src = self.cur.src
            toks = [Token("(", "(", toks[0].start), *toks[1:]]  # (@custom as a plain "("
            sub = Cursor(toks, src, match_parens(toks)[0])
            sub.i = 1
            name = sub.name()
            after = last
            place = sub.at_lparen_any(("before", "after"))
            if place is not None:
                sub.i += 2
                where = sub.keyword()
                if where == "first":
                    after = 0
                elif where == "last":
                    after = last
                elif where in _SECTION_IDS:
                    sid = _SECTION_IDS[where]
                    if place == "after":
                        after = sid
                    else:
                        k = SECTION_ORDER.index(sid)
                        after = SECTION_ORDER[k - 1] if k else 0
                else:
                    raise sub.unexpected(sub.i - 1)
                sub.rparen()
            data = bytearray()
            while sub.peek().kind == "string":
                data += sub.string()
            sub.rparen()
            out.append(CustomSection(name, bytes(data), after))
        return out


def _last_section(m: Module) -> int:
    """The id of the last section the module's encoding has (0: none)."""
    present = {1: m.types, 2: m.imports, 3: m.funcs, 4: m.tables, 5: m.mems, 13: m.tags,
               6: m.globals, 7: m.exports, 8: m.start is not None, 9: m.elems,
               12: m.datacount is not None, 10: m.funcs, 11: m.datas}
    last = 0
    for sid in SECTION_ORDER:
        if present[sid]:
            last = sid
    return last


def _add_local(locals_: list[Local], t) -> None:
    """Consecutive locals of one type share an entry (the binary's run-length form)."""
    if locals_ and locals_[-1].type is t:
        locals_[-1].count += 1
    else:
        locals_.append(Local(1, t))


def _uses_data_indices(m: Module) -> bool:
    for f in m.funcs:
        for _event, instr in walk(f.body):
            if instr is not None and instr.op.name in _DATA_USERS:
                return True
    return False
