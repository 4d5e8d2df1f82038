"""The WebAssembly text format (WAT), read in pure Python (issue 18).

    wat2wasm(text) -> bytes          the binary format of a module in text (wasmtime-py's
                                     ``wat2wasm``), a ``TextError`` with line:column if not
    parse_module(text) -> Module     the same module as ``wasmvm.syntax.Module``
    to_binary(data) -> bytes         binary modules as they are, text compiled: what
                                     ``Module(engine, ...)`` and every CLI command accept

    lexer.tokenize(source)           tokens with positions (spec 6.2)
    numbers.integer / float_bits     numeric literals, exactly (spec 6.3)
    typetext, instrs, parser         types, instructions, modules (spec 6.4-6.6)
    printer.print_module(module, folded=, offsets=) -> str
                                     a decoded module as WAT (``wasmvm print``)

It sits just above ``binary`` (it builds the same ``syntax.Module`` the decoder builds,
and encodes it with ``binary.encode``) and below ``api``, so that ``Module(engine, text)``
can accept text as wasmtime-py does.
"""

from __future__ import annotations

from ..binary.encode import MAGIC
from .lexer import TextError
from .parser import parse_module, wat2wasm

__all__ = ["wat2wasm", "parse_module", "to_binary", "is_text", "TextError"]


def is_text(data: bytes | bytearray | memoryview | str) -> bool:
    """Is this the text format rather than a binary module? A ``str`` always is; bytes
    are when they do not start with the binary's magic and their first character that
    is no whitespace opens an s-expression or a comment (``(`` or ``;``)."""
    if isinstance(data, str):
        return True
    head = bytes(data[:4096])
    if head.startswith(MAGIC):
        return False
    stripped = head.lstrip(b" \t\r\n")
    return stripped[:1] in (b"(", b";")


def to_binary(data: bytes | bytearray | memoryview | str) -> bytes | bytearray | memoryview:
    """``data`` itself when it is a binary module (or not text at all: the decoder will
    say what is wrong with it), else ``wat2wasm(data)``."""
    return wat2wasm(data) if is_text(data) else data
