"""Read a ``.wast`` script itself, with no external tool, into the command model of
``commands`` (the one ``wasm-tools json-from-wast`` JSON is read into), so that the runner
runs either source unchanged.

    read_wast(source, name) -> Script          the text (str or UTF-8 bytes) of a script
    load_wast(path, name=None) -> Script       a file

The script is tokenized once (``wasmvm.wat.lexer``: comments dropped, annotations kept as
tokens), parentheses are matched in one pass over the tokens with a stack, and each
top-level form becomes one command. Module bodies are not parsed here: a text module is
the span of its ``(module ...)`` form, parsed by ``wasmvm.wat.parser.wat2wasm`` when a
command needs its binary (``TextModule``), so that a malformed module fails its own
command and the others run. Only the script's own forms (commands, actions, values,
``either``) are read by recursive descent, so the depth of recursion is that of the
script's structure, never that of a module's body.

Every command keeps the line the JSON gives it: that of its keyword (``(`` and ``module``
may be on different lines), or, for an assertion, that of its action's or module's
keyword. Modules are named
as ``json-from-wast`` names its files, ``{stem}.{n}.wasm`` (``.wat`` for ``module
quote``), numbered in order, and kept in ``Script.modules``: bytes for ``module binary``,
a ``TextModule`` for text. As in the JSON, ``module_type`` is ``text`` only for ``module
quote`` (its binary, for a ``module`` command, is ``binary_filename``): a ``(module ...)``
written in text is ``binary``, its bytes those of its text. Annotations (``(@name ...)``)
are skipped wherever a command may hold one. A form this reader does not know becomes an
``Unknown`` command naming its line; a script whose text cannot be tokenized at all is one
``Unknown`` at the line of the lexical error.
"""

from __future__ import annotations

from pathlib import Path

from ..syntax.values import f32, f64, i32, i64, v128
from ..wat.lexer import Source, TextError, Token, tokenize
from ..wat.numbers import float_bits, integer
from .commands import (
    NON_NULL,
    Action,
    ActionCommand,
    AssertException,
    AssertExhaustion,
    AssertInvalid,
    AssertMalformed,
    AssertReturn,
    AssertTrap,
    AssertUninstantiable,
    AssertUnlinkable,
    Command,
    Either,
    ModuleCommand,
    ModuleDefinition,
    ModuleInstance,
    NanPattern,
    RefValue,
    Register,
    Script,
    TextModule,
    Unknown,
    V128Pattern,
)

__all__ = ["read_wast", "load_wast", "WastError"]


class WastError(ValueError):
    """A form of the script this reader does not understand (it becomes ``Unknown``)."""


_NUM = {"i32.const": i32, "i64.const": i64, "f32.const": f32, "f64.const": f64}
_SHAPES = {"i8x16": ("i8", 8), "i16x8": ("i16", 16), "i32x4": ("i32", 32),
           "i64x2": ("i64", 64), "f32x4": ("f32", 32), "f64x2": ("f64", 64)}
#: ``(ref.null ht)``: the reference type the JSON names
_NULL_TYPES = {"func": "funcref", "extern": "externref", "exn": "exnref", "any": "anyref",
               "eq": "eqref", "i31": "i31ref", "struct": "structref", "array": "arrayref",
               "none": "nullref", "nofunc": "nullfuncref", "noextern": "nullexternref",
               "noexn": "nullexnref"}
#: ``(ref.struct)`` and the like: any non-null reference of that type (expected only)
_NON_NULL_TYPES = {"ref.func": "funcref", "ref.extern": "externref", "ref.struct": "structref",
                   "ref.array": "arrayref", "ref.i31": "i31ref", "ref.eq": "eqref",
                   "ref.any": "anyref", "ref.exn": "exnref"}
#: the first form of a script of bare module fields
_MODULE_FIELDS = frozenset({"type", "rec", "import", "func", "table", "memory", "global",
                            "export", "start", "elem", "data", "tag"})
_MODULE_ASSERTIONS = {"assert_malformed": AssertMalformed, "assert_invalid": AssertInvalid,
                      "assert_unlinkable": AssertUnlinkable,
                      "assert_uninstantiable": AssertUninstantiable}


class _Form:
    """The tokens of one parenthesized form, ``toks[open]`` to its ``)`` at ``close``,
    read left to right (``pos``), annotations skipped."""

    __slots__ = ("reader", "open", "close", "pos")

    def __init__(self, reader: _Reader, open_: int):
        self.reader = reader
        self.open = open_
        self.close = reader.match[open_]
        self.pos = open_ + 1
        self._skip()

    def _skip(self) -> None:
        toks, match = self.reader.toks, self.reader.match
        while self.pos < self.close and toks[self.pos].kind == "annot":
            self.pos = match[self.pos] + 1

    @property
    def done(self) -> bool:
        return self.pos >= self.close

    def peek(self) -> Token | None:
        return None if self.done else self.reader.toks[self.pos]

    def next(self, what: str) -> Token:
        tok = self.peek()
        if tok is None:
            raise WastError(f"expected {what}, found the end of the form")
        self.pos = self.reader.match[self.pos] + 1 if tok.kind == "(" else self.pos + 1
        self._skip()
        return tok

    def keyword(self, what: str = "a keyword") -> str:
        tok = self.next(what)
        if tok.kind != "keyword":
            raise WastError(f"expected {what}, found {_show(tok)}")
        return tok.text

    def maybe(self, kind: str) -> Token | None:
        tok = self.peek()
        if tok is not None and tok.kind == kind:
            return self.next(kind)
        return None

    def string(self, what: str = "a string") -> str:
        tok = self.next(what)
        if tok.kind != "string":
            raise WastError(f"expected {what}, found {_show(tok)}")
        try:
            return tok.value.decode("utf-8")
        except UnicodeDecodeError:
            raise WastError(f"{what} is not UTF-8") from None

    def sub(self, what: str) -> _Form:
        """The next token must open a form: that form (and this one moves past it)."""
        tok = self.peek()
        if tok is None or tok.kind != "(":
            raise WastError(f"expected {what}, found "
                            f"{'the end of the form' if tok is None else _show(tok)}")
        form = _Form(self.reader, self.pos)
        self.next(what)
        return form

    def head(self) -> str | None:
        """The keyword right after this form's ``(``, without consuming it."""
        tok = self.peek()
        return tok.text if tok is not None and tok.kind == "keyword" else None

    def end(self) -> None:
        tok = self.peek()
        if tok is not None:
            raise WastError(f"unexpected {_show(tok)}")


def _show(tok: Token) -> str:
    if tok.kind == "(":
        return "a form"
    if tok.kind == "string":
        return "a string"
    return repr(("$" if tok.kind == "id" else "") + tok.text)


class _Reader:
    def __init__(self, text: str, name: str):
        self.text = text
        self.source = Source(text)
        self.stem = Path(name).stem
        self.toks: list[Token] = []
        self.match: dict[int, int] = {}
        self.modules: dict[str, bytes | TextModule] = {}
        self.count = 0

    def line(self, index: int) -> int:
        return self.source.where(self.toks[index].start)[0]

    def head_line(self, form: _Form) -> int:
        """The line of a form's keyword (as the JSON gives it: ``(`` and ``module`` may be
        on different lines)."""
        return self.line(form.pos if not form.done else form.open)

    # -- structure -----------------------------------------------------------------

    def commands(self) -> list[Command]:
        try:
            self.toks = tokenize(self.text)
        except TextError as e:
            return [Unknown(e.line, f"cannot read this script: {e}")]
        toks, match = self.toks, self.match
        stack: list[int] = []
        out: list[Command] = []
        tops: list[int] = []
        stray: list[tuple[int, str]] = []
        for i, tok in enumerate(toks):
            kind = tok.kind
            if kind == "(" or kind == "annot" or kind == "badannot":  # ("(@" with no id)
                if not stack and kind == "(":
                    tops.append(i)
                stack.append(i)
            elif kind == ")":
                if not stack:
                    stray.append((i, "unexpected ')'"))
                else:
                    match[stack.pop()] = i
            elif not stack:
                stray.append((i, f"unexpected {_show(tok)} outside a command"))
        if stack:  # unclosed: the form reaches the end of the script
            stray.append((stack[0], "unclosed '(' (the script ends inside this form)"))
            for i in stack:
                match[i] = len(toks)
        if tops and not stray and self._head(tops[0]) in _MODULE_FIELDS:
            # a script of bare module fields is one module (spec: an inline module)
            self.modules[f"{self.stem}.0.wasm"] = TextModule(self.text, toks[0].start)
            return [ModuleCommand(self.line(0), f"{self.stem}.0.wasm")]
        events = sorted([(i, None) for i in tops] + stray, key=lambda e: e[0])
        for i, why in events:
            if why is not None:
                out.append(Unknown(self.line(i), f"cannot read this command: {why}"))
                continue
            if match.get(i) == len(toks):
                continue  # reported as unclosed
            try:
                out.append(self.command(_Form(self, i)))
            except (WastError, TextError, ValueError) as e:
                out.append(Unknown(self.line(i), f"cannot read this command: {e}"))
        return out

    def _head(self, i: int) -> str | None:
        return _Form(self, i).head()

    # -- commands ------------------------------------------------------------------

    def command(self, form: _Form) -> Command:
        line = self.head_line(form)
        head = form.keyword("a command")
        if head == "module":
            return self.module_command(form, line)
        if head == "register":
            as_name = form.string("the name to register as")
            name = form.maybe("id")
            form.end()
            return Register(line, as_name, name.text if name else None)
        if head in ("invoke", "get"):
            return ActionCommand(line, self.action_rest(form, head))
        if head == "assert_return":
            line, act = self.action(form)
            expected = []
            while not form.done:
                expected.append(self.value(form.sub("a result"), expected=True))
            return AssertReturn(line, act, tuple(expected))
        if head == "assert_trap":
            inner = form.sub("an action or a module")
            line = self.head_line(inner)
            if inner.head() == "module":
                filename, module_type = self.assertion_module(inner)
                text = form.string("the expected message")
                form.end()
                return AssertUninstantiable(line, filename, module_type, text)
            act = self.action_form(inner)
            text = form.string("the expected message")
            form.end()
            return AssertTrap(line, act, text)
        if head == "assert_exhaustion":
            line, act = self.action(form)
            text = form.string("the expected message")
            form.end()
            return AssertExhaustion(line, act, text)
        if head == "assert_exception":
            line, act = self.action(form)
            form.end()
            return AssertException(line, act)
        if head in _MODULE_ASSERTIONS:
            inner = form.sub("a module")
            line = self.head_line(inner)
            filename, module_type = self.assertion_module(inner)
            text = form.string("the expected message")
            form.end()
            return _MODULE_ASSERTIONS[head](line, filename, module_type, text)
        raise WastError(f"unknown command {head!r}")

    def module_command(self, form: _Form, line: int) -> Command:
        tok = form.peek()
        if tok is not None and tok.kind == "keyword" and tok.text == "instance":
            form.next("instance")
            instance, module = form.maybe("id"), form.maybe("id")
            form.end()
            return ModuleInstance(line, instance.text if instance else None,
                                  module.text if module else None)
        definition, name, filename, module_type = self.module(form)
        binary = filename[:-4] + ".wasm" if module_type == "text" else None
        if binary is not None:
            self.modules[binary] = self.modules[filename]
        cls = ModuleDefinition if definition else ModuleCommand
        return cls(line, filename, name, module_type, binary)

    def assertion_module(self, form: _Form) -> tuple[str, str]:
        if form.keyword("module") != "module":
            raise WastError("expected a module")
        _, _, filename, module_type = self.module(form)
        return filename, module_type

    def module(self, form: _Form) -> tuple[bool, str | None, str, str]:
        """After ``(module``: ``(definition?, name, filename, module_type)``; the module
        goes into ``self.modules``."""
        start = self.toks[form.open].start
        blanks: tuple[tuple[int, int], ...] = ()
        tok = form.peek()
        definition = tok is not None and tok.kind == "keyword" and tok.text == "definition"
        if definition:
            form.next("definition")
            blanks = ((tok.start, tok.start + len(tok.text)),)
        name_tok = form.maybe("id")
        name = name_tok.text if name_tok else None
        tok = form.peek()
        kind = tok.text if tok is not None and tok.kind == "keyword" else None
        n = self.count
        self.count += 1
        if kind in ("binary", "quote"):
            form.next(kind)
            parts = []
            while not form.done:
                s = form.next("a string")
                if s.kind != "string":
                    raise WastError(f"expected a string in a module {kind}, found {_show(s)}")
                parts.append(s.value)
            if kind == "binary":
                filename = f"{self.stem}.{n}.wasm"
                self.modules[filename] = b"".join(parts)
                return definition, name, filename, "binary"
            filename = f"{self.stem}.{n}.wat"
            self.modules[filename] = TextModule(b" ".join(parts))
            return definition, name, filename, "text"
        end = self.toks[form.close].start + 1
        filename = f"{self.stem}.{n}.wasm"
        self.modules[filename] = TextModule(self.text, start, end, blanks)
        form.pos = form.close
        return definition, name, filename, "binary"

    # -- actions and values ----------------------------------------------------------

    def action(self, form: _Form) -> tuple[int, Action]:
        """The action form next in ``form``, and its line (the line of the command)."""
        inner = form.sub("an action")
        return self.head_line(inner), self.action_form(inner)

    def action_form(self, form: _Form) -> Action:
        kind = form.keyword("invoke or get")
        if kind not in ("invoke", "get"):
            raise WastError(f"unknown action {kind!r}")
        return self.action_rest(form, kind)

    def action_rest(self, form: _Form, kind: str) -> Action:
        module = form.maybe("id")
        field = form.string("an export name")
        args = []
        if kind == "invoke":
            while not form.done:
                args.append(self.value(form.sub("an argument"), expected=False))
        form.end()
        return Action(kind, field, module.text if module else None, tuple(args))

    def value(self, form: _Form, expected: bool):
        head = form.keyword("a value")
        if head in _NUM:
            cls = _NUM[head]
            tok = form.next("a number")
            form.end()
            if head[0] == "f":
                if tok.kind == "keyword" and tok.text in ("nan:canonical", "nan:arithmetic"):
                    return self.nan(tok.text, cls.width, expected)
                return cls.from_bits(self.number(tok, float_bits, cls.width))
            return cls.from_bits(self.number(tok, integer, cls.width))
        if head == "v128.const":
            return self.v128(form, expected)
        if head == "ref.null":
            tok = form.peek()
            if tok is None:
                return RefValue("refnull", None)
            ht = form.keyword("a heap type")
            form.end()
            if ht not in _NULL_TYPES:
                raise WastError(f"unknown heap type {ht!r} in ref.null")
            return RefValue(_NULL_TYPES[ht], None)
        if head in ("ref.extern", "ref.host"):
            tok = form.peek()
            if tok is None and head == "ref.extern" and expected:
                return RefValue("externref", NON_NULL)
            n = self.number(form.next("a host reference number"), integer, 32)
            form.end()
            return RefValue("externref" if head == "ref.extern" else "anyref", n)
        if head in _NON_NULL_TYPES:
            form.end()
            if not expected:
                raise WastError(f"({head}) as an argument")
            return RefValue(_NON_NULL_TYPES[head], NON_NULL)
        if head == "either" and expected:
            alternatives = []
            while not form.done:
                alternatives.append(self.value(form.sub("a value"), expected=True))
            if not alternatives:
                raise WastError("an either without values")
            return Either(tuple(alternatives))
        raise WastError(f"unknown value {head!r}")

    @staticmethod
    def number(tok: Token, read, bits: int) -> int:
        if tok.kind != "num":
            raise WastError(f"expected a number, found {_show(tok)}")
        try:
            return read(tok.text, bits)
        except ValueError as e:
            raise WastError(f"bad number {tok.text!r}: {e}") from None

    @staticmethod
    def nan(text: str, width: int, expected: bool) -> NanPattern:
        if not expected:
            raise WastError(f"NaN pattern {text!r} as an argument")
        return NanPattern(width, text[4:])

    def v128(self, form: _Form, expected: bool):
        shape = form.keyword("a v128 shape")
        if shape not in _SHAPES:
            raise WastError(f"unknown v128 shape {shape!r}")
        lane_type, width = _SHAPES[shape]
        lanes: list[int | NanPattern] = []
        for _ in range(128 // width):
            tok = form.next("a lane")
            if lane_type[0] == "f" and tok.kind == "keyword" and tok.text.startswith("nan:"):
                if tok.text not in ("nan:canonical", "nan:arithmetic"):
                    raise WastError(f"unknown NaN pattern {tok.text!r}")
                lanes.append(self.nan(tok.text, width, expected))
            else:
                read = float_bits if lane_type[0] == "f" else integer
                lanes.append(self.number(tok, read, width))
        form.end()
        if any(isinstance(lane, NanPattern) for lane in lanes):
            return V128Pattern(lane_type, tuple(lanes))
        return v128.from_bits(sum(lane << (i * width) for i, lane in enumerate(lanes)))


def read_wast(source: str | bytes, name: str) -> Script:
    """The commands of a ``.wast`` script's text; ``name`` is how reports name the file
    (``core-2.0/i32.wast``) and gives the stem of its module names."""
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as e:
            line = source[:e.start].count(b"\n") + 1
            return Script(name, None, [Unknown(line, "cannot read this script: "
                                                     "malformed UTF-8 encoding")])
    reader = _Reader(source, name)
    commands = reader.commands()
    return Script(name, None, commands, reader.modules)


def load_wast(path: str | Path, name: str | None = None) -> Script:
    """Read one ``.wast`` file natively (no conversion, no cache)."""
    from .convert import display_name

    path = Path(path)
    return read_wast(path.read_bytes(), name or display_name(path))
