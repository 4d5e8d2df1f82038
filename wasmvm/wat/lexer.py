"""The text format's tokens (spec 6.2 "Lexical Format"), in one linear pass.

    tokenize(source) -> list[Token]

``source`` is a ``str``, or ``bytes`` that must be UTF-8 ("malformed UTF-8 encoding",
at the first bad byte). Whitespace and comments (``;; ...`` to the end of the line,
``(; ... ;)`` nested) separate tokens and are dropped. A token is

    "("  ")"        parentheses
    "annot"         ``(@name`` (or ``(@"name"``): the start of an annotation; ``text``
                    is the name (the parser skips or reads what follows up to its ``)``)
    "keyword"       a run of idchars starting with a letter a-z: ``module``, ``i32.add``,
                    ``offset=8`` (immediates written ``key=value`` are keywords too)
    "id"            ``$name`` or ``$"name"``: ``text`` is the name without ``$``
    "num"           a run of idchars that is a number (``12``, ``-0x1p-3``, ``inf``,
                    ``nan:0x200000``); ``numbers`` reads its value for a given type
    "string"        ``"..."``: ``value`` is its bytes, escapes decoded
    "reserved"      any other run of idchars and strings: never valid; the parser says
                    "unknown operator" or "unexpected token" where it meets one

Every token keeps its ``start`` offset in the source, and ``Source.where(offset)`` gives
``line:column`` (1-based) for messages, by bisection over the line starts, so errors cost
nothing until one is raised. The pass is one compiled regular expression applied at
increasing positions (block comments, which nest, are counted by hand), so lexing is
linear in the size of the source, and nothing recurses.

Messages are the reference interpreter's: "unclosed string", "illegal character",
"illegal escape", "malformed UTF-8 encoding", "unclosed comment", "empty identifier",
"empty annotation id".
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..errors import MalformedError

_IDCHARS = r"0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~"
_STRING = r'"(?:[^"\\\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f])*"'
_TOKEN = re.compile(
    r"(?P<ws>[ \t\n\r]+)"
    r"|(?P<line>;;[^\n\r]*)"
    r"|(?P<block>\(;)"
    r"|(?P<annot>\(@)"
    r"|(?P<lp>\()"
    r"|(?P<rp>\))"
    rf"|(?P<atom>(?:[{_IDCHARS}]|{_STRING}|[,\[\]{{}}]|;(?!;))+)"
)
_IDRUN = re.compile(rf"[{_IDCHARS}]+\Z")
_NUMBER = re.compile(
    r"[+-]?(?:"
    r"[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?"
    r"|0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*(?:\.(?:[0-9A-Fa-f](?:_?[0-9A-Fa-f])*)?)?"
    r"(?:[pP][+-]?[0-9](?:_?[0-9])*)?"
    r"|inf|nan|nan:0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*"
    r")\Z")
_ESCAPE = re.compile(r"\\(?:([tnr\"'\\])|([0-9A-Fa-f]{2})|u\{([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)\}|(.?))",
                     re.S)
_SIMPLE = {"t": b"\t", "n": b"\n", "r": b"\r", '"': b'"', "'": b"'", "\\": b"\\"}


class TextError(MalformedError):
    """Malformed text: the reference interpreter's ``message``, and where it is
    (``line`` and ``column``, 1-based; ``offset`` the character offset)."""

    def __init__(self, message: str, offset: int, line: int, column: int):
        super().__init__(message, offset)
        self.line = line
        self.column = column

    def _text(self) -> str:
        return f"{self.line}:{self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    start: int
    #: a string's bytes; None for the other kinds
    value: bytes | None = None


class Source:
    """The text being parsed, for positions in messages."""

    def __init__(self, text: str):
        self.text = text
        self._lines: list[int] | None = None

    def where(self, offset: int) -> tuple[int, int]:
        """``(line, column)`` of a character offset, both 1-based."""
        if self._lines is None:
            self._lines = [0] + [m.end() for m in re.finditer("\n", self.text)]
        i = bisect.bisect_right(self._lines, offset) - 1
        return i + 1, offset - self._lines[i] + 1

    def error(self, message: str, offset: int) -> TextError:
        line, column = self.where(offset)
        return TextError(message, offset, line, column)


def decode(source: str | bytes) -> str:
    """The source as text: bytes must be UTF-8."""
    if isinstance(source, str):
        return source
    try:
        return bytes(source).decode("utf-8")
    except UnicodeDecodeError as e:
        text = bytes(source[:e.start]).decode("utf-8")
        raise Source(text + " ").error("malformed UTF-8 encoding", len(text)) from None


def tokenize(source: str | bytes) -> list[Token]:
    text = decode(source)
    src = Source(text)
    tokens: list[Token] = []
    append = tokens.append
    match = _TOKEN.match
    pos, end = 0, len(text)
    while pos < end:
        m = match(text, pos)
        if m is None:
            raise _bad_character(src, text, pos)
        kind = m.lastgroup
        if kind == "ws" or kind == "line":
            pos = m.end()
        elif kind == "block":
            pos = _skip_block_comment(src, text, pos)
        elif kind == "lp":
            append(Token("(", "(", pos))
            pos += 1
        elif kind == "rp":
            append(Token(")", ")", pos))
            pos += 1
        elif kind == "annot":
            pos = _annotation_start(src, text, pos, append)
        else:
            atom = m.group()
            append(_classify(src, atom, pos))
            pos = m.end()
    return tokens


def _bad_character(src: Source, text: str, pos: int) -> TextError:
    if text[pos] == '"':
        return _bad_string(src, text, pos)
    return src.error("illegal character", pos)


def _bad_string(src: Source, text: str, pos: int) -> TextError:
    """Why the string starting at ``pos`` did not lex."""
    i = pos + 1
    while i < len(text):
        c = text[i]
        if c == '"':
            break
        if c == "\\":
            if i + 1 >= len(text):
                break
            if ord(text[i + 1]) < 0x20 or text[i + 1] == "\x7f":
                return src.error("illegal escape", i)
            i += 2
            continue
        if ord(c) < 0x20 or c == "\x7f":
            if c == "\n":
                return src.error("unclosed string", pos)
            return src.error("illegal character", i)
        i += 1
    return src.error("unclosed string", pos)


def _skip_block_comment(src: Source, text: str, pos: int) -> int:
    """Past the ``;)`` closing the block comment opened at ``pos`` (they nest)."""
    depth = 0
    i = pos
    while True:
        j = text.find(";", i)
        k = text.find("(;", i)
        if j < 0:
            raise src.error("unclosed comment", pos)
        if 0 <= k < j:  # an inner comment opens first
            depth += 1
            i = k + 2
            continue
        if text.startswith(";)", j):
            depth -= 1
            i = j + 2
            if depth == 0:
                return i
        else:
            i = j + 1


def _annotation_start(src: Source, text: str, pos: int, append) -> int:
    """``(@name``: the name is a run of idchars or a string, right after the ``@``. A
    ``(@`` with no name is a "badannot" token: "empty annotation id" where it stands,
    except inside another annotation, whose body is any balanced tokens (there it is a
    parenthesis, and the ``@...`` after it a token of its own)."""
    if text.startswith('"', pos + 2):  # (@"name": a string that must be a name
        m = _TOKEN.match(text, pos + 2)
        tok = _classify(src, m.group(), pos + 2) if m is not None and m.lastgroup == "atom" else None
        name = _utf8(src, tok.value, pos + 2) if tok is not None and tok.kind == "string" else ""
        if not name:
            raise src.error("empty annotation id", pos)
        append(Token("annot", name, pos))
        return m.end()
    m = _TOKEN.match(text, pos + 2)
    name = None
    if m is not None and m.lastgroup == "atom" and _IDRUN.match(m.group()):
        name = m.group()
    if not name:
        append(Token("badannot", "", pos))
        return pos + 1
    append(Token("annot", name, pos))
    return m.end()


def _classify(src: Source, atom: str, pos: int) -> Token:
    if _IDRUN.match(atom):
        c = atom[0]
        if c == "$":
            if len(atom) == 1:
                raise src.error("empty identifier", pos)
            return Token("id", atom[1:], pos)
        if _NUMBER.match(atom):  # (before keywords: inf, nan and nan:0x... are numbers)
            return Token("num", atom, pos)
        if "a" <= c <= "z":
            return Token("keyword", atom, pos)
        return Token("reserved", atom, pos)
    if atom[0] == '"' and _string_end(atom) == len(atom):
        return Token("string", atom, pos, _string_bytes(src, atom, pos))
    if atom.startswith('$"') and _string_end(atom, 1) == len(atom):
        name = _utf8(src, _string_bytes(src, atom[1:], pos + 1), pos + 1)
        if not name:
            raise src.error("empty identifier", pos)
        return Token("id", name, pos)
    if atom == "$":
        raise src.error("empty identifier", pos)
    return Token("reserved", atom, pos)


def _string_end(atom: str, start: int = 0) -> int:
    """The offset just past the string starting at ``atom[start]``."""
    i = start + 1
    while atom[i] != '"':
        i += 2 if atom[i] == "\\" else 1
    return i + 1


def _string_bytes(src: Source, atom: str, pos: int) -> bytes:
    """A string token's bytes: characters as UTF-8, escapes decoded."""
    body = atom[1:-1]
    if "\\" not in body:
        return body.encode("utf-8")
    out = bytearray()
    i = 0
    for m in _ESCAPE.finditer(body):
        out += body[i:m.start()].encode("utf-8")
        simple, hexbyte, code, other = m.groups()
        if simple is not None:
            out += _SIMPLE[simple]
        elif hexbyte is not None:
            out.append(int(hexbyte, 16))
        elif code is not None:
            n = int(code.replace("_", ""), 16)
            if n >= 0x110000 or 0xD800 <= n < 0xE000:
                raise src.error("malformed UTF-8 encoding", pos + 1 + m.start())
            out += chr(n).encode("utf-8")
        else:
            raise src.error("illegal escape", pos + 1 + m.start())
        i = m.end()
    out += body[i:].encode("utf-8")
    return bytes(out)


def _utf8(src: Source, data: bytes, pos: int) -> str:
    """A name: the string's bytes must be UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise src.error("malformed UTF-8 encoding", pos) from None
