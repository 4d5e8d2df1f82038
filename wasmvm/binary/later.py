"""Encodings of known later proposals, so that rejecting them names what they are.

wasmvm decodes WebAssembly 2.0. A module built for WebAssembly 3.0 (tail calls, exception
handling, typed function references, GC, memory64, multi-memory, relaxed SIMD) or for a
later proposal (threads) uses bytes that 2.0 leaves undefined. The decoder still rejects
them, but with an ``UnsupportedFeatureError`` that says which feature the bytes belong to
("tail calls (WebAssembly 3.0) are disabled (Config.wasm_tail_call=False): return_call at
offset 0x20"; "threads (...) are not supported yet: ..." for a proposal wasmvm does not
implement) and keeps the message a 2.0 decoder gives as its ``spec_message``, which the
spec-test runner matches. As each feature lands, its rows leave this module, or, where a
2.0 engine must still reject its bytes (``syntax.features``: the switch is off), stay here
for that case only: multi-memory's memory indices, memory64's limits flags and extended
constant expressions are read and accepted when their switches are on.
"""

from __future__ import annotations

from .. import opcodes
from ..errors import MalformedError, UnsupportedFeatureError
from . import reader

WASM3 = "WebAssembly 3.0"

TAIL_CALLS = ("tail calls", WASM3)
EXCEPTIONS = ("exception handling", WASM3)
LEGACY_EXCEPTIONS = ("legacy exception handling", "a proposal not in WebAssembly 3.0")
FUNCTION_REFERENCES = ("typed function references", WASM3)
GC = ("garbage collection", WASM3)
MULTI_MEMORY = ("multi-memory", WASM3)
MEMORY64 = ("memory64", WASM3)
RELAXED_SIMD = ("relaxed SIMD", WASM3)
THREADS = ("threads", "a proposal after WebAssembly 3.0")
CUSTOM_PAGE_SIZES = ("custom page sizes", "a proposal after WebAssembly 3.0")
EXTENDED_CONST = ("extended constant expressions", WASM3)

#: instructions that extended constant expressions allow in a constant expression
EXTENDED_CONST_INSTRUCTIONS = frozenset(
    {"i32.add", "i32.sub", "i32.mul", "i64.add", "i64.sub", "i64.mul"})


def not_supported(feature: tuple[str, str]) -> str:
    """ "multi-memory (WebAssembly 3.0) is disabled (Config.wasm_multi_memory=False)",
    for validation messages """
    return UnsupportedFeatureError.phrase(*feature, switch_of(feature))


def switch_of(feature: tuple[str, str]) -> str | None:
    """The ``Features`` switch that turns ``feature`` on (``Config.wasm_<switch>``), or
    None for a feature wasmvm does not implement (threads, legacy exceptions)."""
    for switch, f in SWITCHED.items():
        if f == feature:
            return switch
    return None

#: one-byte opcodes: byte -> (mnemonic, feature)
OPCODES: dict[int, tuple[str, tuple[str, str]]] = {
    0x06: ("try", LEGACY_EXCEPTIONS),
    0x07: ("catch", LEGACY_EXCEPTIONS),
    0x08: ("throw", EXCEPTIONS),
    0x09: ("rethrow", LEGACY_EXCEPTIONS),
    0x0A: ("throw_ref", EXCEPTIONS),
    0x14: ("call_ref", FUNCTION_REFERENCES),
    0x15: ("return_call_ref", TAIL_CALLS),
    0x18: ("delegate", LEGACY_EXCEPTIONS),
    0x19: ("catch_all", LEGACY_EXCEPTIONS),
    0x1F: ("try_table", EXCEPTIONS),
    0xD4: ("ref.as_non_null", FUNCTION_REFERENCES),
    0xD5: ("br_on_null", FUNCTION_REFERENCES),
    0xD6: ("br_on_non_null", FUNCTION_REFERENCES),
}

#: the feature of each ``syntax.features.Features`` switch that gates rows of the opcode
#: table (``Op.feature``): with the switch off, such a row is rejected as above
SWITCHED: dict[str, tuple[str, str]] = {
    "tail_call": TAIL_CALLS, "function_references": FUNCTION_REFERENCES,
    "exceptions": EXCEPTIONS, "relaxed_simd": RELAXED_SIMD, "multi_memory": MULTI_MEMORY,
    "memory64": MEMORY64, "extended_const": EXTENDED_CONST, "gc": GC}

#: prefixed opcodes: (prefix, sub-opcode) -> (mnemonic, feature); the rows of the opcode
#: table (relaxed SIMD's) are named from the table when their switch is off
PREFIXED: dict[tuple[int, int], tuple[str, tuple[str, str]]] = {}

#: whole prefixes of a later proposal: prefix -> (what, feature)
PREFIXES: dict[int, tuple[str, tuple[str, str]]] = {
    0xFE: ("an atomic instruction", THREADS),
}

#: value and reference type bytes -> (text, feature)
TYPES: dict[int, tuple[str, tuple[str, str]]] = {
    0x64: ("(ref $t)", FUNCTION_REFERENCES),
    0x63: ("(ref null $t)", FUNCTION_REFERENCES),
    0x69: ("exnref", EXCEPTIONS),
    0x74: ("nullexnref", EXCEPTIONS),
    0x6E: ("anyref", GC),
    0x6D: ("eqref", GC),
    0x6C: ("i31ref", GC),
    0x6B: ("structref", GC),
    0x6A: ("arrayref", GC),
    0x71: ("nullref", GC),
    0x72: ("nullexternref", GC),
    0x73: ("nullfuncref", GC),
}

#: the type section's composite and recursive type forms -> (text, feature)
TYPE_FORMS: dict[int, tuple[str, tuple[str, str]]] = {
    0x4E: ("a recursive type group (rec)", GC),
    0x50: ("a subtype (sub)", GC),
    0x4F: ("a final subtype (sub final)", GC),
    0x5F: ("a struct type", GC),
    0x5E: ("an array type", GC),
}

#: section ids -> (what, feature), and the sections' short names (for dumps)
SECTIONS: dict[int, tuple[str, tuple[str, str]]] = {13: ("the tag section", EXCEPTIONS)}
SECTION_NAMES = {13: "tag"}

#: import and export kinds -> (what, feature)
EXTERN_KINDS: dict[int, tuple[str, tuple[str, str]]] = {4: ("a tag", EXCEPTIONS)}


def _limits_feature(flags: int) -> tuple[str, tuple[str, str]] | None:
    """What a limits flags byte beyond 2.0's 0 and 1 asks for."""
    if flags & ~0x0F:
        return None
    if flags & 0x08:
        return (f"limits flags 0x{flags:02x} (a page size)", CUSTOM_PAGE_SIZES)
    if flags & 0x04:
        return (f"limits flags 0x{flags:02x} (64-bit addresses)", MEMORY64)
    if flags & 0x02:
        return (f"limits flags 0x{flags:02x} (shared)", THREADS)
    return None


def unsupported(what: str, feature: tuple[str, str], offset: int | None,
                spec_message: str) -> UnsupportedFeatureError:
    """The error for ``what`` (a mnemonic or a description) of a later ``feature``; a
    2.0 decoder's own message for the same bytes is ``spec_message``."""
    name, version = feature
    return UnsupportedFeatureError(name, version, what, offset, spec_message,
                                   switch_of(feature))


def illegal_opcode(b: int, n: int | None, start: int) -> MalformedError:
    """The error for an opcode 2.0 does not define: byte ``b`` (with sub-opcode ``n`` after
    a prefix, when it was read) at offset ``start``."""
    spec = f"illegal opcode 0x{b:02x}" if n is None else f"illegal opcode 0x{b:02x} 0x{n:02x}"
    known = OPCODES.get(b) if n is None else PREFIXED.get((b, n)) or PREFIXES.get(b)
    if known is None:
        row = opcodes.SINGLE[b] if n is None else opcodes.PREFIXED.get(b, {}).get(n)
        if row is not None and row.feature is not None:  # implemented, but switched off
            known = (row.name, SWITCHED[row.feature])
    if known is None:
        error = MalformedError(spec, start)
        # the reference interpreter's own spelling, which 3.0's tests match
        error.spec_message = (f"illegal opcode {b:x}" if n is None
                              else f"illegal opcode {b:x} {n:x}")
        return error
    what, feature = known
    return unsupported(what, feature, start, spec)


# -- the checks the decoder and the annotator share (text.annotate fails exactly where and
# -- how binary.decode does) -------------------------------------------------------------
def section_id_error(section_id: int, pos: int) -> MalformedError:
    """A section id 2.0 does not define."""
    if section_id in SECTIONS:
        return unsupported(*SECTIONS[section_id], pos, "malformed section id")
    return MalformedError("malformed section id", pos)


def type_form_error(data: bytes, pos: int) -> MalformedError:
    """A type section entry that is not ``0x60`` (a function type)."""
    form = TYPE_FORMS.get(data[pos])
    if form is not None:
        return unsupported(*form, pos, "malformed function type")
    return MalformedError("malformed function type", pos)


def limits_flags(data: bytes, pos: int) -> tuple[int, int]:
    """The limits flags (0: min only, 1: min and max), naming the flags of later
    proposals (64-bit addresses, shared memories, page sizes)."""
    try:
        return reader.uleb(data, pos, 1)
    except MalformedError as e:
        known = _limits_feature(data[pos]) if pos < len(data) else None
        if known is None:
            raise
        raise unsupported(*known, pos, e.message) from None


def limits_flags_64(data: bytes, pos: int) -> int:
    """With memory64 (3.0): the limits flags byte, one of 0x00, 0x01 (a maximum), 0x04 and
    0x05 (64-bit), whose bounds are then u64 whatever the address type; anything else is
    "malformed limits flags", naming the proposal it belongs to when there is one."""
    if pos >= len(data):
        raise reader.eof(data)
    flags = data[pos]
    if flags not in (0x00, 0x01, 0x04, 0x05):
        known = _limits_feature(flags)
        if known is not None and not flags & 0x80:
            raise unsupported(*known, pos, "malformed limits flags")
        raise MalformedError("malformed limits flags", pos)
    return flags


def extern_kind_error(kind: int, pos: int, exporting: bool) -> MalformedError:
    """An import or export kind beyond func, table, memory and global."""
    spec = "malformed export kind" if exporting else "malformed import kind"
    if kind in EXTERN_KINDS:
        what, feature = EXTERN_KINDS[kind]
        return unsupported(f"{'exporting' if exporting else 'importing'} {what}", feature, pos,
                           spec)
    return MalformedError(spec, pos)


def check_table_entry(data: bytes, pos: int) -> None:
    """A table section entry ``0x40 0x00``: a table with an initializer expression."""
    if data[pos : pos + 2] == b"\x40\x00":
        raise unsupported("a table with an initializer expression", FUNCTION_REFERENCES, pos,
                          "malformed reference type")
