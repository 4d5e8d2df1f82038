"""Decoding modules (spec 5.5): the preamble and one function per section.

``decode_module(data) -> Module`` accepts exactly the well-formed WebAssembly 2.0
binaries and raises ``MalformedError`` with the spec's message and the byte offset for
everything else. Validation (types, indices) is a separate step (``wasmvm.valid``).
"""

from __future__ import annotations

import hashlib
from array import array

from ..errors import InternalError, MalformedError, WasmError
from ..syntax.features import WASM3, Features
from ..syntax.gcpause import paused_gc
from ..syntax.instructions import RefFunc
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
    Names,
    Table,
    Tag,
)
from ..syntax.types import (
    PLAIN_SUBTYPE,
    ArrayType,
    FieldType,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    PackedType,
    RecGroup,
    StructType,
    SubType,
    TableType,
    ValType,
    ref_type,
)
from . import later, reader
from .code import CodeReader, read_reftype, read_valtype
from .reader import byte, eof, length, name, sleb, u32

MAGIC = b"\x00asm"
VERSION = b"\x01\x00\x00\x00"

SECTION_NAMES = {
    0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory",
    6: "global", 7: "export", 8: "start", 9: "element", 10: "code", 11: "data",
    12: "datacount", 13: "tag",
}
# The order sections must come in; datacount sits between element and code.
# The tag section (exception handling) sits between memory and global.
SECTION_ORDER = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 5.5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11,
                 11: 12}
EXTERN_KINDS = ("func", "table", "memory", "global", "tag")


def decode_module(data: bytes | bytearray | memoryview, features: Features = WASM3) -> Module:
    """Decode a binary module that may use ``features`` (``syntax.features``). Raises
    MalformedError, never anything else on bad input."""
    data = bytes(data)
    try:
        with paused_gc():
            module = _Decoder(data, features=features).module()
    except WasmError:
        raise
    except (RecursionError, MemoryError) as e:  # pragma: no cover - defensive
        raise MalformedError(f"module too large to decode: {type(e).__name__}") from None
    except Exception as e:  # a bug in wasmvm, not a property of the input
        raise InternalError(f"decoder failed: {type(e).__name__}: {e}") from e
    module.digest = hashlib.sha256(data).hexdigest()
    return module


def decode_partial(data: bytes | bytearray | memoryview, features: Features = WASM3
                   ) -> tuple[Module, dict[int, MalformedError]]:
    """Decode what can be decoded, for tools that show a module they cannot run (``wasmvm
    dump -h -x`` of a module using a later feature): a section whose contents fail is
    skipped by its size and its error kept, keyed by the section's offset (the module-level
    checks at the end by the file's length). The module holds every other section.
    Raises MalformedError only when the preamble or the section framing is broken."""
    data = bytes(data)
    decoder = _Decoder(data, keep_going=True, features=features)
    try:
        module = decoder.module()
    except WasmError:
        raise
    except Exception as e:  # a bug in wasmvm, not a property of the input
        raise InternalError(f"decoder failed: {type(e).__name__}: {e}") from e
    return module, decoder.failed


class _Decoder:
    def __init__(self, data: bytes, keep_going: bool = False, features: Features = WASM3):
        self.data = data
        self.features = features
        self.keep_going = keep_going
        self.failed: dict[int, MalformedError] = {}
        self.code = CodeReader(data, features)
        self.m = Module()
        self.func_types: list[int] = []

    # -- preamble and section framing ---------------------------------------------
    def module(self) -> Module:
        data = self.data
        if len(data) < 4:
            raise MalformedError("unexpected end", len(data))
        if data[:4] != MAGIC:
            raise MalformedError("magic header not detected", 0)
        if len(data) < 8:
            raise MalformedError("unexpected end", len(data))
        if data[4:8] != VERSION:
            raise MalformedError("unknown binary version", 4)
        pos = 8
        last_order = 0
        last_id = 0
        while pos < len(data):
            section_id = data[pos]
            if section_id not in SECTION_NAMES or (
                    section_id == 13 and not self.features.exceptions):
                error = later.section_id_error(section_id, pos)
                if not (self.keep_going and section_id in later.SECTIONS):
                    raise error
                self.failed[pos] = error  # a later section: skipped by its size
                size, start = length(data, pos + 1)
                pos = start + size
                continue
            if section_id != 0:
                order = SECTION_ORDER[section_id]
                if order <= last_order:
                    raise MalformedError("unexpected content after last section", pos)
                last_order = order
            size, start = length(data, pos + 1)
            try:
                end = self.section(section_id, start, size, last_id)
                if end != start + size:
                    raise MalformedError("section size mismatch", start)
            except MalformedError as e:
                if not self.keep_going or start + size > len(data):
                    raise
                self.failed[pos] = e
                end = start + size
            pos = end
            if section_id != 0:
                last_id = section_id
        if self.keep_going:
            if self.failed and not self.m.funcs:  # the code section failed: keep the
                self.m.funcs = [Func(t) for t in self.func_types]  # function section's types
            try:
                return self.finish()
            except MalformedError as e:
                self.failed.setdefault(len(data), e)
                return self.m
        return self.finish()

    def section(self, section_id: int, pos: int, size: int, last_id: int) -> int:
        if section_id == 0:
            return self.custom(pos, size, last_id)
        return getattr(self, "sec_" + SECTION_NAMES[section_id])(pos)

    def finish(self) -> Module:
        m, data = self.m, self.data
        if len(self.func_types) != len(m.funcs):
            raise MalformedError("function and code section have inconsistent lengths", len(data))
        if m.datacount is not None and m.datacount != len(m.datas):
            raise MalformedError("data count and data section have inconsistent lengths",
                                 len(data))
        if m.datacount is None and getattr(self, "code_uses_data", False):
            raise MalformedError("data count section required", len(data))
        return m

    def vec(self, pos: int, item) -> tuple[list, int]:
        # A count is not checked against the bytes left: a short vector runs into
        # "unexpected end" instead, as in the spec's reference decoder.
        n, pos = u32(self.data, pos)
        out = []
        for _ in range(n):
            x, pos = item(pos)
            out.append(x)
        return out, pos

    # -- types ----------------------------------------------------------------------
    def functype(self, pos):
        start = pos
        tag, pos = sleb(self.data, pos, 7)
        if tag != -0x20:  # the byte 0x60
            raise later.type_form_error(self.data, start)
        params, pos = self.vec(pos, self.valtype)
        results, pos = self.vec(pos, self.valtype)
        return FuncType(tuple(params), tuple(results)), pos

    def valtype(self, pos):
        return read_valtype(self.data, pos, self.features)

    def limits(self, pos) -> tuple[Limits, bool, int]:
        """Limits and whether they are 64-bit (memory64: flags 0x04 and 0x05; every
        bound is then a u64, which validation bounds by the address type)."""
        data = self.data
        if self.features.memory64:  # 3.0: flags 0x00/0x01/0x04/0x05, bounds u64
            flags = later.limits_flags_64(data, pos)
            lo, pos = reader.uleb(data, pos + 1, 64)
            hi = None
            if flags & 1:
                hi, pos = reader.uleb(data, pos, 64)
            return Limits(lo, hi), bool(flags & 4), pos
        flag, pos = later.limits_flags(data, pos)
        lo, pos = u32(data, pos)
        hi = None
        if flag:
            hi, pos = u32(data, pos)
        return Limits(lo, hi), False, pos

    def tabletype(self, pos):
        t, pos = read_reftype(self.data, pos, self.features)
        lim, is_64, pos = self.limits(pos)
        return TableType(t, lim, is_64), pos

    def memtype(self, pos):
        lim, is_64, pos = self.limits(pos)
        return MemoryType(lim, is_64), pos

    def globaltype(self, pos):
        t, pos = self.valtype(pos)
        mut, pos = byte(self.data, pos)
        if mut not in (0, 1):
            raise MalformedError("malformed mutability", pos - 1)
        return GlobalType(t, bool(mut)), pos

    def expr(self, pos):
        return self.code.expr(pos)

    # -- sections ---------------------------------------------------------------------
    def custom(self, pos: int, size: int, last_id: int) -> int:
        end = pos + size
        section_name, body = name(self.data, pos)
        if body > end:
            raise eof(self.data)
        payload = self.data[body:end]
        self.m.customs.append(CustomSection(section_name, payload, last_id))
        if section_name == "name":
            self.m.names = parse_names(payload)
        return end

    def sec_type(self, pos):
        """A vector of recursion groups (3.0): ``0x4E vec(subtype)``, or one subtype
        alone; a subtype is ``0x50/0x4F vec(typeidx) comptype`` or a bare comptype."""
        data = self.data
        n, pos = u32(data, pos)
        m = self.m
        for _ in range(n):
            if pos >= len(data):
                raise eof(data)
            if data[pos] == 0x4E and self.features.gc:
                size, pos = u32(data, pos + 1)
                group = RecGroup(len(m.types), size, True)
                for _ in range(size):
                    pos = self.subtype(pos)
            else:
                group = RecGroup(len(m.types), 1, False)
                pos = self.subtype(pos)
            m.rec_groups.append(group)
        if all(g.size == 1 and not g.explicit for g in m.rec_groups) and all(
                sub is PLAIN_SUBTYPE for sub in m.subtypes):
            m.rec_groups, m.subtypes = [], []  # 2.0's form: nothing to say
        return pos

    def subtype(self, pos):
        data = self.data
        m = self.m
        sub = PLAIN_SUBTYPE
        if pos < len(data) and data[pos] in (0x50, 0x4F) and self.features.gc:
            final = data[pos] == 0x4F
            supers, pos = self.vec(pos + 1, lambda p: u32(data, p))
            sub = SubType(final, tuple(supers), True)
        ct, pos = self.comptype(pos)
        m.types.append(ct)
        m.subtypes.append(sub)
        return pos

    def comptype(self, pos):
        data = self.data
        if pos >= len(data):
            raise eof(data)
        b = data[pos]
        if self.features.gc:
            if b == 0x5F:
                fields, pos = self.vec(pos + 1, self.fieldtype)
                return StructType(tuple(fields)), pos
            if b == 0x5E:
                ft, pos = self.fieldtype(pos + 1)
                return ArrayType(ft), pos
        return self.functype(pos)

    def fieldtype(self, pos):
        data = self.data
        if pos < len(data) and data[pos] in (0x78, 0x77):
            storage, pos = (PackedType.I8 if data[pos] == 0x78 else PackedType.I16), pos + 1
        else:
            storage, pos = self.valtype(pos)
        mut, pos = byte(data, pos)
        if mut not in (0, 1):
            raise MalformedError("malformed mutability", pos - 1)
        return FieldType(storage, bool(mut)), pos

    def sec_import(self, pos):
        def import_(pos):
            module, pos = name(self.data, pos)
            field, pos = name(self.data, pos)
            kind, pos = byte(self.data, pos)
            if kind == 0:
                desc, pos = u32(self.data, pos)
            elif kind == 1:
                desc, pos = self.tabletype(pos)
            elif kind == 2:
                desc, pos = self.memtype(pos)
            elif kind == 3:
                desc, pos = self.globaltype(pos)
            elif kind == 4 and self.features.exceptions:
                desc, pos = self.tagtype(pos)
            else:
                raise later.extern_kind_error(kind, pos - 1, exporting=False)
            return Import(module, field, EXTERN_KINDS[kind], desc), pos

        self.m.imports, pos = self.vec(pos, import_)
        return pos

    def sec_function(self, pos):
        self.func_types, pos = self.vec(pos, lambda p: u32(self.data, p))
        return pos

    def sec_table(self, pos):
        def table(pos):
            if self.data[pos : pos + 2] == b"\x40\x00" and self.features.function_references:
                t, pos = self.tabletype(pos + 2)  # a table with an initializer expression
                init, pos = self.expr(pos)
                return Table(t, init), pos
            later.check_table_entry(self.data, pos)
            t, pos = self.tabletype(pos)
            return Table(t), pos

        self.m.tables, pos = self.vec(pos, table)
        return pos

    def sec_memory(self, pos):
        def memory(pos):
            t, pos = self.memtype(pos)
            return Memory(t), pos

        self.m.mems, pos = self.vec(pos, memory)
        return pos

    def tagtype(self, pos):
        """A tag type: the attribute byte 0 (an exception) and a function type index."""
        attribute, pos = byte(self.data, pos)
        if attribute != 0:
            raise MalformedError("malformed tag attribute", pos - 1)
        return u32(self.data, pos)

    def sec_tag(self, pos):
        def tag(pos):
            x, pos = self.tagtype(pos)
            return Tag(x), pos

        self.m.tags, pos = self.vec(pos, tag)
        return pos

    def sec_global(self, pos):
        def global_(pos):
            t, pos = self.globaltype(pos)
            init, pos = self.expr(pos)
            return Global(t, init), pos

        self.m.globals, pos = self.vec(pos, global_)
        return pos

    def sec_export(self, pos):
        def export(pos):
            export_name, pos = name(self.data, pos)
            kind, pos = byte(self.data, pos)
            if kind > (4 if self.features.exceptions else 3):
                raise later.extern_kind_error(kind, pos - 1, exporting=True)
            index, pos = u32(self.data, pos)
            return Export(export_name, EXTERN_KINDS[kind], index), pos

        self.m.exports, pos = self.vec(pos, export)
        return pos

    def sec_start(self, pos):
        self.m.start, pos = u32(self.data, pos)
        return pos

    def sec_element(self, pos):
        self.m.elems, pos = self.vec(pos, self.elem)
        return pos

    def elem(self, pos):
        data = self.data
        start = pos
        flags, pos = u32(data, pos)
        if flags > 7:
            raise MalformedError("malformed elements segment kind", start)
        table = 0
        offset = None
        if flags & 1 == 0:  # active
            if flags & 2:
                table, pos = u32(data, pos)
            offset, pos = self.expr(pos)
            kind = "active"
        else:
            kind = "declarative" if flags & 2 else "passive"
        # function indices: (ref func) in 3.0, as they cannot be null; expressions, and
        # everything in 2.0: funcref
        t = (ref_type(False, "func") if self.features.function_references and not flags & 4
             else ValType.FUNCREF)
        if flags & 3:  # an element kind or reference type is given
            if flags & 4:
                t, pos = read_reftype(data, pos, self.features)
            else:
                b, pos = byte(data, pos)
                if b != 0:
                    raise MalformedError("malformed element kind", pos - 1)
        if flags & 4:
            init, pos = self.vec(pos, self.expr)
        else:
            init, pos = self.vec(pos, self.funcref_init)
        mode = ElemMode(kind, table, offset, explicit_table=flags & 3 == 2)
        return Elem(t, init, mode, indices=not flags & 4), pos

    def funcref_init(self, pos):
        x, pos = u32(self.data, pos)
        return [RefFunc(x)], pos

    def sec_datacount(self, pos):
        self.m.datacount, pos = u32(self.data, pos)
        return pos

    def sec_code(self, pos):
        def code(pos):
            size, body_start = length(self.data, pos)
            func, end = self.func_body(body_start)
            if end != body_start + size:
                raise MalformedError("section size mismatch", body_start)
            func.body_offset = pos
            return func, end

        self.code.uses_data = False  # (constant expressions do not count: GC's array.new_data)
        bodies, pos = self.vec(pos, code)
        self.code_uses_data = self.code.uses_data
        for i, func in enumerate(bodies):
            if i < len(self.func_types):
                func.type = self.func_types[i]
        self.m.funcs = bodies
        return pos

    def func_body(self, pos):
        start = pos
        locals_, pos = self.vec(pos, self.local)
        if sum(loc.count for loc in locals_) >= 1 << 32:
            raise MalformedError("too many locals", start)
        offsets = array("I")
        body, pos = self.code.expr(pos, offsets)
        return Func(-1, locals_, body, offsets), pos

    def local(self, pos):
        n, pos = u32(self.data, pos)
        t, pos = self.valtype(pos)
        return Local(n, t), pos

    def sec_data(self, pos):
        self.m.datas, pos = self.vec(pos, self.data_segment)
        return pos

    def data_segment(self, pos):
        data = self.data
        start = pos
        flags, pos = u32(data, pos)
        if flags > 2:
            raise MalformedError("malformed data segment kind", start)
        if flags == 1:
            mode = DataMode("passive")
        else:
            memory = 0
            if flags == 2:
                memory, pos = u32(data, pos)
            offset, pos = self.expr(pos)
            mode = DataMode("active", memory, offset)
        n, pos = u32(data, pos)
        if pos + n > len(data):  # the spec reports this as running off the end
            raise eof(data)
        return Data(data[pos : pos + n], mode), pos + n


def parse_names(payload: bytes) -> Names:
    """The ``name`` custom section (spec 7.4.1), leniently: a malformed name section is
    not a malformed module, so whatever cannot be read is left out."""
    names = Names()
    pos = 0
    try:
        while pos < len(payload):
            sub_id, pos = byte(payload, pos)
            size, pos = length(payload, pos)
            end = pos + size
            if sub_id == 0:
                names.module, _ = name(payload, pos)
            elif sub_id == 1:
                names.funcs, _ = _name_map(payload, pos)
            elif sub_id == 2:
                n, p = length(payload, pos)
                for _ in range(n):
                    funcidx, p = u32(payload, p)
                    names.locals[funcidx], p = _name_map(payload, p)
            pos = end
    except MalformedError:
        pass
    return names


def _name_map(payload: bytes, pos: int) -> tuple[dict[int, str], int]:
    n, pos = length(payload, pos)
    out = {}
    for _ in range(n):
        idx, pos = u32(payload, pos)
        out[idx], pos = name(payload, pos)
    return out, pos
