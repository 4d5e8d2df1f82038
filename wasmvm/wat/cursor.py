"""Walking the tokens of a WAT text: a cursor with the spec's error messages.

    Cursor(tokens, source)      position ``i`` over the token list
    cur.error(message, i?)      a TextError at a token (default: the current one)

The parser reads s-expressions by hand: ``lparen(keyword)`` opens ``(keyword``,
``rparen()`` closes it. ``close[i]`` is the index of the ``)`` matching the ``(`` at
``i``, computed once in a linear pass (``match_parens``), so a field can be skipped or
scanned (``fields``) without parsing it, and nothing recurses.

Messages follow the reference interpreter: any token that is no valid token of the text
format ("reserved": ``0x``, ``1x``, ``$`` alone, ...) is an "unknown operator" wherever
it stands; a valid token where the grammar wants another is an "unexpected token"; an
unbalanced parenthesis is "unexpected end of input" / "unexpected token".
"""

from __future__ import annotations

from .. import opcodes
from .lexer import Source, TextError, Token
from .numbers import NotANumber, OutOfRange, unsigned

#: Every keyword of the text format (and of scripts): the instruction mnemonics and the
#: words of the grammar. A keyword token that is none of them is an "unknown operator"
#: wherever it stands (the reference lexer rejects it before parsing); one of them in the
#: wrong place is an "unexpected token".
KEYWORDS = frozenset({op.name for op in opcodes.OPS} | set("""
    module type func param result local import export table memory global tag elem data
    start offset item declare mut rec sub final struct array field ref null i8 i16
    i32 i64 f32 f64 v128 funcref externref exnref anyref eqref i31ref structref arrayref
    nullref nullfuncref nullexternref nullexnref extern exn noexn any eq i31 none nofunc
    noextern block loop if then else end try_table catch catch_ref catch_all catch_all_ref
    select ref.test ref.cast i8x16 i16x8 i32x4 i64x2 f32x4 f64x2 binary quote definition
    instance register invoke get assert_return assert_trap assert_exhaustion
    assert_exception assert_malformed assert_invalid assert_unlinkable
    assert_uninstantiable either nan:canonical nan:arithmetic ref.extern ref.host
    ref.struct ref.array ref.eq ref.any before after first last code datacount""".split()))


def known_keyword(text: str) -> bool:
    return text in KEYWORDS or text.startswith(("offset=", "align="))

_END = Token("eof", "", -1)


def strip_annotations(tokens: list[Token], src: Source) -> tuple[list[Token], list[tuple[int, list[Token]]]]:
    """The tokens without annotations ``(@id ...)``, which the text format lets appear
    anywhere and which mean nothing to the module, and the ``(@custom ...)`` ones (as
    ``(index in the kept tokens, their tokens)``): those are custom sections."""
    if not any(tok.kind in ("annot", "badannot") for tok in tokens):
        return tokens, []
    kept: list[Token] = []
    customs: list[tuple[int, list[Token]]] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if tok.kind == "badannot":  # "(@" and no id, outside any annotation
            raise src.error("empty annotation id", tok.start)
        if tok.kind != "annot":
            kept.append(tok)
            i += 1
            continue
        depth, j = 1, i + 1
        while depth:
            if j >= n:
                raise src.error("unclosed annotation", tok.start)
            k = tokens[j].kind
            if k in ("(", "annot", "badannot"):  # (inside one, "(@)" is just a "(")
                depth += 1
            elif k == ")":
                depth -= 1
            j += 1
        if tok.text == "custom":
            customs.append((len(kept), tokens[i:j]))
        i = j
    return kept, customs


def match_parens(tokens: list[Token]) -> tuple[list[int], int | None]:
    """``close[i]``: for each ``(`` the index of its ``)`` (``len(tokens)`` when it is
    never closed: the parser meets the end of input there); -1 for the other tokens.
    Also the index of the first ``)`` that closes nothing (None if none). Nothing is
    raised here: the parser reports errors in the order of the text, as the reference
    parser does (a malformed instruction before a stray ``)`` is the error)."""
    n = len(tokens)
    close = [-1] * n
    stack: list[int] = []
    stray = None
    for i, tok in enumerate(tokens):
        k = tok.kind
        if k == "(":
            stack.append(i)
        elif k == ")":
            if stack:
                close[stack.pop()] = i
            elif stray is None:
                stray = i
    for i in stack:
        close[i] = n
    return close, stray


class Cursor:
    """A position in a token list, with lookahead and the spec's messages."""

    __slots__ = ("tokens", "src", "i", "close", "n")

    def __init__(self, tokens: list[Token], src: Source, close: list[int]):
        self.tokens = tokens
        self.src = src
        self.close = close
        self.i = 0
        self.n = len(tokens)

    # -- looking ---------------------------------------------------------------------
    def peek(self, k: int = 0) -> Token:
        j = self.i + k
        return self.tokens[j] if j < self.n else _END

    def at_lparen(self, keyword: str | None = None) -> bool:
        """Is the next token ``(`` (followed by ``keyword``, if given)?"""
        if self.peek().kind != "(":
            return False
        if keyword is None:
            return True
        nxt = self.peek(1)
        return nxt.kind == "keyword" and nxt.text == keyword

    def at_lparen_any(self, keywords) -> str | None:
        """The keyword after the next ``(`` when it is one of ``keywords``."""
        if self.peek().kind != "(":
            return None
        nxt = self.peek(1)
        if nxt.kind == "keyword" and nxt.text in keywords:
            return nxt.text
        return None

    def at_keyword(self, text: str | None = None) -> bool:
        tok = self.peek()
        return tok.kind == "keyword" and (text is None or tok.text == text)

    def at_rparen(self) -> bool:
        return self.peek().kind == ")"

    # -- errors ----------------------------------------------------------------------
    def error(self, message: str, i: int | None = None) -> TextError:
        j = self.i if i is None else i
        if j < self.n:
            return self.src.error(message, self.tokens[j].start)
        return self.src.error(message, len(self.src.text))

    def unexpected(self, i: int | None = None) -> TextError:
        """The error for a token that does not fit: "unknown operator" for a reserved
        token (not a token of the text format at all), else "unexpected token"."""
        j = self.i if i is None else i
        if j >= self.n:
            return self.error("unexpected end of input", j)
        tok = self.tokens[j]
        if tok.kind == "reserved":
            return self.error("unknown operator", j)
        if tok.kind == "keyword" and not known_keyword(tok.text):
            return self.error(f"unknown operator {tok.text}", j)
        return self.error("unexpected token", j)

    # -- consuming -------------------------------------------------------------------
    def next(self) -> Token:
        tok = self.peek()
        if tok is _END:
            raise self.error("unexpected end of input")
        self.i += 1
        return tok

    def lparen(self, keyword: str | None = None) -> None:
        """Consume ``(`` and, if given, the keyword after it."""
        if self.peek().kind != "(":
            raise self.unexpected()
        self.i += 1
        if keyword is not None:
            self.keyword(keyword)

    def rparen(self) -> None:
        if self.peek().kind != ")":
            raise self.unexpected()
        self.i += 1

    def keyword(self, text: str | None = None) -> str:
        tok = self.peek()
        if tok.kind != "keyword" or (text is not None and tok.text != text):
            raise self.unexpected()
        self.i += 1
        return tok.text

    def string(self) -> bytes:
        tok = self.peek()
        if tok.kind != "string":
            raise self.unexpected()
        self.i += 1
        return tok.value

    def name(self) -> str:
        """A string that must be UTF-8 (an import or export name)."""
        start = self.i
        data = self.string()
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise self.error("malformed UTF-8 encoding", start) from None

    def opt_id(self) -> str | None:
        tok = self.peek()
        if tok.kind == "id":
            self.i += 1
            return tok.text
        return None

    def u32(self) -> int:
        return self.unsigned(32)

    def unsigned(self, bits: int, what: str = "constant") -> int:
        return self.number(unsigned, bits, what)

    def number(self, read, bits: int, what: str = "constant") -> int:
        """A number token read by ``read(text, bits)`` (``numbers.unsigned``, ``integer``
        or ``float_bits``): "unexpected token" if it is no number of that form, "<what>
        out of range" if the type cannot hold it."""
        tok = self.peek()
        if tok.kind != "num":
            raise self.unexpected()
        try:
            value = read(tok.text, bits)
        except NotANumber:
            raise self.error("unexpected token") from None
        except OutOfRange:
            raise self.error(f"{what} out of range") from None
        self.i += 1
        return value
