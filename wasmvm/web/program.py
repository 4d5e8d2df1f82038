"""StackVM programs as JSON: build the instructions, run them, record every step.

    build_program(items, limits) -> list[Instruction]     ProgramError for a bad item
    run_program(items, limits, memory_pages=1, max_pages=None) -> dict

An item names its instruction by the spec's mnemonic and gives the immediates by name:

    {"op": "i32.const", "value": "2"}          value: a number, or text as parse_value
                                                reads it ("-7", "0x10", "nan:0x200000")
    {"op": "i32.add"}                           no immediates
    {"op": "i64.load8_u", "offset": 4, "align": 0}
                                                memarg: offset (default 0), align (log2,
                                                default: the natural alignment)
    {"op": "select", "types": ["f64"]}          the typed select (optional)
    {"op": "memory.grow"}                       memory.size/grow/fill/copy: memory 0

The mnemonic is looked up in the opcode table (``wasmvm.opcodes.BY_NAME``) and the
instruction made by that row's maker (``wasmvm.syntax.instructions.maker(op)``) from the
immediates in binary order, so every instruction the StackVM executes can be written,
and nothing else: the StackVM runs straight-line code (constants, numeric instructions,
drop, select, nop, unreachable, loads, stores and memory.size/grow/fill/copy).

A program may also be text (``parse_program(text, limits)``; ``run_program`` takes either):

    Push(i32(2)), Push(i32(3)), Add("i32")      the learning API's own syntax, as in the
    [Push(i64(-7)), Push(i64(2)), Div("i64", signed=True)]       README (a list, or not)
    Push(f32(0.1)), Load("i32", offset=4, bits=8, signed=False), Select(["f64"])
    [{"op": "i32.const", "value": 2}, ...]      or the JSON form above, as text

The syntax is read by a small tokenizer and parser here, never by ``eval``: a program is
instruction calls (the StackVM's instruction classes, ``INSTRUCTIONS``) separated by commas
or new lines, whose arguments are literals (ints, floats, strings, True/False/None, lists)
and values ``i32(2)``, ``i64(-1)``, ``f32(1.5)``, ``f64(float("inf"))``,
``f32.from_bits(0x7fa00000)``. ``vm.instructions = [...]`` and ``#`` comments are allowed,
so lines from the README paste as they are. Anything else is a ``ProgramError`` that says
where (line and column) and what was expected.
"""

from __future__ import annotations

import difflib
import inspect
import json
import re

from .. import InvalidError, StackVM, Trap, Val, ValType, f32, f64, i32, i64, syntax
from ..api.values import format_value, parse_value
from ..exec.stackvm import HANDLERS
from ..opcodes import BY_NAME
from ..syntax.instructions import maker
from .limits import LimitError, Limits

__all__ = ["ProgramError", "build_program", "parse_program", "run_program", "SUPPORTED",
           "INSTRUCTIONS"]

#: The mnemonics a program may use: those the StackVM executes.
SUPPORTED = tuple(sorted(HANDLERS))
_KEYS = {"op", "value", "offset", "align", "types"}


class ProgramError(Exception):
    """An item of the program cannot be made into an instruction (``index`` says which,
    counting from 0; None when the text is wrong before any instruction). For a program
    given as text, ``line`` and ``column`` (from 1) say where."""

    def __init__(self, index: int | None, message: str, line: int | None = None,
                 column: int | None = None):
        self.index = index
        self.line = line
        self.column = column
        if line is None:
            where = "the program" if index is None else f"instruction {index}"
        else:
            where = f"line {line}, column {column}"
            if index is not None:
                where += f" (instruction {index})"
        self.message = f"{where}: {message}"
        super().__init__(self.message)


def _uint(item: dict, key: str, default: int, index: int) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
        raise ProgramError(index, f"{key} must be an integer from 0 to 2^32-1, got {value!r}")
    return value


def build_instruction(item, index: int):
    if not isinstance(item, dict) or not isinstance(item.get("op"), str):
        raise ProgramError(index, 'expected an object such as {"op": "i32.add"}')
    extra = set(item) - _KEYS
    if extra:
        raise ProgramError(index, f"unknown field(s) {', '.join(sorted(extra))}")
    name = item["op"]
    if name == "select" and item.get("types") is not None:
        name = "select_t"
    op = BY_NAME.get(name)
    if op is None:
        raise ProgramError(index, f"unknown instruction {name!r}")
    if name not in HANDLERS:
        raise ProgramError(index, f"{name} is not supported by the StackVM (it runs "
                           "straight-line code: constants, numeric instructions, drop, select, "
                           "nop, unreachable, loads, stores, memory.size/grow/fill/copy)")
    make = maker(op)
    try:
        if name.endswith(".const"):
            if "value" not in item:
                raise ProgramError(index, f"{name} needs a value")
            value = item["value"]
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ProgramError(index, f"value must be a number or a string, got {value!r}")
            return make(parse_value(ValType(op.results[0]), str(value)).bits)
        if op.imm == ("memarg",):
            return make(_uint(item, "align", op.natural_alignment, index),
                        _uint(item, "offset", 0, index))
        if name == "select_t":
            types = item["types"]
            if not isinstance(types, list) or len(types) != 1:
                raise ProgramError(index, 'types must list one value type, such as ["i32"]')
            return make([ValType(t) for t in types])
        return make(*(0 for _ in op.imm))  # no immediates, or memory index 0
    except (ValueError, KeyError) as e:
        raise ProgramError(index, str(e.args[0]) if e.args else repr(e)) from None


def build_program(items, limits: Limits) -> list:
    if not isinstance(items, list):
        raise ProgramError(0, "a program is a list of instructions")
    if len(items) > limits.max_stackvm_instructions:
        raise LimitError("max_stackvm_instructions", f"the program has {len(items)} "
                         f"instructions; this service runs at most {limits.max_stackvm_instructions}")
    return [build_instruction(item, i) for i, item in enumerate(items)]


def _text(value) -> str:
    return format_value(Val.from_bits(ValType(value.type), value.bits))


def run_program(items, limits: Limits, memory_pages: int = 1, max_pages: int | None = None) -> dict:
    """Run a StackVM program (JSON items, or text for ``parse_program``) and record the
    state after every instruction: ``{"steps": [{pc, instruction, stack, memory_access}],
    "stack", "error", "memory"}``. A trap or a type error stops the run; ``error`` says
    which instruction and why, the steps before it stand."""
    most = limits.max_stackvm_pages
    if max_pages is None:
        max_pages = most
    if not 0 <= memory_pages <= max_pages or max_pages > most:
        raise LimitError("max_stackvm_pages", f"memory of {memory_pages} page(s), at most "
                         f"{max_pages}: this service allows 0 <= pages <= max <= {most}")
    program = parse_program(items, limits) if isinstance(items, str) else build_program(items, limits)
    vm = StackVM(memory_pages, max_pages)
    vm.instructions = program
    steps: list[dict] = []
    error = None
    last = None
    while not vm.done:
        instr = vm.instructions[vm.pc]
        access = _address(vm, instr)
        try:
            vm.step()
        except (Trap, InvalidError) as e:
            error = {"kind": "trap" if isinstance(e, Trap) else "invalid",
                     "code": e.code.name if isinstance(e, Trap) else None,
                     "message": e.message, "pc": vm.pc, "instruction": str(instr)}
            break
        record = {"pc": vm.pc - 1, "instruction": str(instr),
                  "stack": [_text(v) for v in vm.stack], "memory_access": None}
        if access is not None:
            kind, address, size = access
            data = bytes(vm.memory.data[address:address + size])
            record["memory_access"] = last = {"kind": kind, "address": address, "bytes": data.hex()}
        steps.append(record)
    data = vm.memory.data
    start = 0 if last is None else max(0, min((last["address"] & ~15) - 16, len(data) - 64))
    return {"steps": steps, "stack": [_text(v) for v in vm.stack], "error": error,
            "memory": {"pages": len(data) // 65536, "window": {
                "address": start, "bytes": bytes(data[start:start + 64]).hex()}}}


def _address(vm: StackVM, instr) -> tuple[str, int, int] | None:
    """Where a load or store is about to go: ``(kind, address, size)``."""
    op = instr.op
    if op.access is None:
        return None
    stack = vm.inspect()
    k = len(op.params)  # the address is the first operand
    if len(stack) < k or not isinstance(stack[-k], int):
        return None
    return (op.access.kind, (stack[-k] & 0xFFFFFFFF) + instr.offset, op.access.size)


# -- programs as text: the learning API's own syntax ----------------------------------------
#: The names a program may call as instructions: the StackVM's instruction classes.
INSTRUCTIONS = {name: getattr(syntax, name) for name in (
    "Push", "Const", "Add", "Sub", "Mul", "Div", "Rem", "Eq", "Ne", "Eqz", "Lt", "Le", "Gt",
    "Ge", "And", "Or", "Xor", "Shl", "Shr", "Rotl", "Rotr", "Clz", "Ctz", "Popcnt", "Abs",
    "Neg", "Sqrt", "Ceil", "Floor", "Trunc", "Nearest", "Min", "Max", "Copysign", "Drop",
    "Select", "Nop", "Unreachable", "Load", "Store", "MemorySize", "MemoryGrow", "MemoryFill",
    "MemoryCopy", "Wrap", "ExtendI32", "SignExtend", "TruncF", "TruncSat", "Convert", "Demote",
    "Promote", "Reinterpret")}
_VALUES = {"i32": i32, "i64": i64, "f32": f32, "f64": f64}
_CONSTANTS = {"True": True, "False": False, "None": None}
#: How deep calls, lists and tuples may nest (``Push(i32(2))`` is 2 deep).
MAX_DEPTH = 16

_TOKEN = re.compile(r"""
    (?P<space> [ \t\r\f\v]+ | \#[^\n]* | \\\n )
  | (?P<newline> \n )
  | (?P<number> (?:\d|\.\d) (?:[eE][+-]?|[0-9A-Za-z_.])* )
  | (?P<string> "[^"\\\n]*" | '[^'\\\n]*' )
  | (?P<name> [A-Za-z_][A-Za-z0-9_]* )
  | (?P<punct> [()\[\],=.\-] )
""", re.VERBOSE)
_INT = re.compile(r"0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?\d)*|0(?:_?0)*")
_DIGITS = r"\d(?:_?\d)*"
_FLOAT = re.compile(rf"(?:{_DIGITS}\.(?:{_DIGITS})?|\.{_DIGITS}|{_DIGITS}(?=[eE]))"
                    rf"(?:[eE][+-]?{_DIGITS})?")
_END = "end"


def _looks_like_json(text: str) -> bool:
    s = text.lstrip()
    return s.startswith("{") or (s.startswith("[") and s[1:].lstrip()[:1] in ("{", "]", ""))


def parse_program(text: str, limits: Limits) -> list:
    """The instructions of a program given as text: the learning API's syntax
    (``Push(i32(2)), Add("i32")``) or the JSON form. ``ProgramError`` (with line and
    column) for text that is neither; ``LimitError`` for too many instructions."""
    if _looks_like_json(text):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as e:
            raise ProgramError(None, f"not valid JSON: {e.msg}", e.lineno, e.colno) from None
        except RecursionError:
            raise ProgramError(None, "not valid JSON: nested too deeply") from None
        return build_program(items, limits)
    return _Parser(text, limits).program()


class _Parser:
    """Recursive descent over tokens ``(kind, text, offset, newline_before)``, read one at a
    time; every value it makes is a literal or comes from INSTRUCTIONS or _VALUES."""

    def __init__(self, text: str, limits: Limits):
        self.text = text
        self.limits = limits
        self.pos = 0          # where the tokenizer is
        self.ahead: list[tuple] = []
        self.depth = 0
        self.index: int | None = None   # the instruction being read

    # -- tokens --------------------------------------------------------------------------
    def _read(self) -> tuple:
        text, newline = self.text, False
        while True:
            if self.pos >= len(text):
                return (_END, "", len(text), newline)
            m = _TOKEN.match(text, self.pos)
            if m is None:  # an error where the parser meets it, saying what it expected
                self.pos += 1
                return ("bad", text[self.pos - 1], self.pos - 1, newline)
            self.pos = m.end()
            kind = m.lastgroup
            if kind == "newline":
                newline = True
            elif kind != "space":
                return (kind, m.group(), m.start(), newline)

    def peek(self, k: int = 0) -> tuple:
        while len(self.ahead) <= k:
            self.ahead.append(self._read())
        return self.ahead[k]

    def next(self) -> tuple:
        token = self.peek()
        self.ahead.pop(0)
        return token

    def at(self, text: str, k: int = 0) -> bool:
        kind, value = self.peek(k)[:2]
        return kind in ("punct", "name") and value == text

    def expect(self, text: str, what: str) -> tuple:
        if not self.at(text):
            raise self.unexpected(what)
        return self.next()

    # -- errors --------------------------------------------------------------------------
    def error(self, message: str, offset: int) -> ProgramError:
        line = self.text.count("\n", 0, offset) + 1
        column = offset - self.text.rfind("\n", 0, offset)
        return ProgramError(self.index, message, line, column)

    def unexpected(self, expected: str) -> ProgramError:
        kind, text, offset, _ = self.peek()
        if kind == _END:
            found = "the end of the program"
        elif kind == "bad" and text in "\"'":
            found = "an unterminated string (strings are one line, without backslashes)"
        elif kind == "bad":
            found = f"{text!r} (not part of this syntax)"
        elif text == ".":
            return self.error(f"expected {expected}, found '.': attribute access is not "
                              "allowed (only i32/i64/f32/f64.from_bits)", offset)
        else:
            found = repr(text if len(text) <= 30 else text[:27] + "...")
        return self.error(f"expected {expected}, found {found}", offset)

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested too deeply (at most {MAX_DEPTH} levels of calls, "
                             "lists and parentheses)", offset)

    # -- the grammar ---------------------------------------------------------------------
    def program(self) -> list:
        """``[target.instructions =] [ '[' ] call (',' | newline) call ... [ ']' ]``"""
        if self.peek()[0] == "name" and self.at(".", 1) and self.at("instructions", 2) \
                and self.at("=", 3):
            for _ in range(4):
                self.next()
        bracket = self.at("[")
        if bracket:
            self.next()
        close, end = ("]", "']'") if bracket else (None, "the end of the program")
        out: list = []
        while not (self.at("]") if bracket else self.peek()[0] == _END):
            self.index = len(out)
            if self.index >= self.limits.max_stackvm_instructions:
                raise LimitError("max_stackvm_instructions", f"the program has more than "
                                 f"{self.limits.max_stackvm_instructions} instructions; this "
                                 "service runs at most that many")
            out.append(self.instruction())
            if self.at(","):
                self.next()
            elif not (self.peek()[3] and self.peek()[0] == "name") and \
                    not (self.at("]") if bracket else self.peek()[0] == _END):
                raise self.unexpected(f"',' or a new line, then the next instruction, or {end}")
        self.index = None
        if bracket:
            self.expect(close, "']'")
            if self.peek()[0] != _END:
                raise self.unexpected("the end of the program after ']'")
        return out

    def instruction(self):
        kind, name, offset, _ = self.peek()
        example = 'an instruction such as Push(i32(2)) or Add("i32")'
        if kind != "name":
            raise self.unexpected(example)
        cls = INSTRUCTIONS.get(name)
        if cls is None:
            if name in _VALUES:
                raise self.error(f"{name}(...) is a value, not an instruction: push it with "
                                 f"Push({name}(...))", offset)
            close = difflib.get_close_matches(name, INSTRUCTIONS, 1) or \
                [n for n in INSTRUCTIONS if n.lower() == name.lower()]
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise self.error(f"unknown instruction {name!r}{hint}: expected {example}; the "
                             f"StackVM's are {', '.join(INSTRUCTIONS)}", offset)
        self.next()
        if not self.at("("):
            raise self.unexpected(f"'(' after {name} (write {name}(...), as in Python)")
        args, kwargs = self.arguments()
        signature = _signature(name, cls)
        try:
            inspect.signature(cls).bind(*args, **kwargs)
        except TypeError as e:
            raise self.error(f"{signature}: {e}", offset) from None
        try:
            instr = cls(*args, **kwargs)
        except (TypeError, ValueError, KeyError, OverflowError, AttributeError, IndexError) as e:
            hint = " (write Push(i32(2)) or Push(f64(1.5)))" if cls is syntax.Const else ""
            raise self.error(f"{signature}: {e}{hint}", offset) from None
        if instr.op.name not in HANDLERS:
            raise self.error(f"{instr} is not supported by the StackVM", offset)
        return instr

    def arguments(self) -> tuple[list, dict]:
        """``'(' [value (',' value)*] [name '=' value (',' name '=' value)*] [','] ')'``"""
        _, _, offset, _ = self.next()  # (
        self.enter(offset)
        args: list = []
        kwargs: dict = {}
        while not self.at(")"):
            kind, text, offset, _ = self.peek()
            if kind == "name" and self.at("=", 1):
                self.next()
                self.next()
                if text in kwargs:
                    raise self.error(f"keyword argument {text} given twice", offset)
                kwargs[text] = self.value()
            elif kwargs:
                raise self.error("a positional argument after keyword arguments", offset)
            else:
                args.append(self.value())
            if self.at(","):
                self.next()
            elif not self.at(")"):
                raise self.unexpected("',' or ')'")
        self.next()
        self.depth -= 1
        return args, kwargs

    def value(self):
        """A literal, a list or tuple of values, ``i32(2)``, ``f32.from_bits(n)``, ``float("inf")``."""
        kind, text, offset, _ = self.peek()
        what = 'a value such as 2, -1.5, "i32", True or i32(2)'
        if kind == "number":
            self.next()
            return self.number(text, offset)
        if kind == "string":
            self.next()
            return text[1:-1]
        if self.at("-"):
            self.next()
            if self.peek()[0] == "number":
                _, digits, at, _ = self.next()
                return -self.number(digits, at)
            if self.at("float"):
                return -self.value()
            raise self.unexpected("a number after '-'")
        if self.at("[") or self.at("("):
            return self.sequence()
        if kind != "name":
            raise self.unexpected(what)
        if text in _CONSTANTS:
            self.next()
            return _CONSTANTS[text]
        if text == "float":
            self.next()
            return self.call("float(x)", offset, _float)
        cls = _VALUES.get(text)
        if cls is not None:
            self.next()
            if self.at("."):
                self.next()
                if not self.at("from_bits"):
                    raise self.unexpected(f"from_bits after {text}. (the only attribute allowed)")
                self.next()
                return self.call(f"{text}.from_bits(bits)", offset, lambda n: _from_bits(cls, n))
            return self.call(f"{text}(x)", offset, lambda x: _value(cls, x))
        if text in INSTRUCTIONS:
            raise self.error(f"an instruction ({text}) cannot be an argument: separate "
                             "instructions with commas", offset)
        raise self.error(f"unknown name {text!r}: expected {what}", offset)

    def call(self, signature: str, offset: int, make):
        """``'(' value ')'`` given to ``make``; its ValueError or TypeError is an error here."""
        if not self.at("("):
            raise self.unexpected(f"'(' for {signature}")
        args, kwargs = self.arguments()
        if len(args) != 1 or kwargs:
            raise self.error(f"{signature} takes one argument", offset)
        try:
            return make(args[0])
        except (TypeError, ValueError, OverflowError) as e:
            raise self.error(f"{signature}: {e}", offset) from None

    def sequence(self):
        """``[a, b]`` (a list) or ``(a, b)`` (a tuple; ``(a)`` is just ``a``)."""
        _, opening, offset, _ = self.next()
        self.enter(offset)
        close = "]" if opening == "[" else ")"
        items: list = []
        comma = False
        while not self.at(close):
            items.append(self.value())
            if self.at(","):
                self.next()
                comma = True
            elif not self.at(close):
                raise self.unexpected(f"',' or '{close}'")
        self.next()
        self.depth -= 1
        if opening == "[":
            return items
        return items[0] if len(items) == 1 and not comma else tuple(items)

    def number(self, text: str, offset: int) -> int | float:
        try:
            if _INT.fullmatch(text):
                return int(text, 0)
            if _FLOAT.fullmatch(text):
                return float(text)
        except ValueError as e:  # more digits than int() converts (sys.get_int_max_str_digits)
            raise self.error(f"not a number: {e}", offset) from None
        raise self.error(f"not a number: {text!r} (write 12, -3, 0x1f, 0o17, 1.5 or 2e-3; "
                         "no leading zeros)", offset)


def _signature(name: str, cls) -> str:
    params = []
    for p in inspect.signature(cls).parameters.values():
        params.append(p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}")
    return f"{name}({', '.join(params)})"


def _value(cls, x):
    if isinstance(x, bool) or not isinstance(x, (int, float, str)) or \
            (cls in (i32, i64) and not isinstance(x, int)):
        kind = "an int" if cls in (i32, i64) else "a number"
        raise TypeError(f"needs {kind}, got {x!r}")
    return cls(x)


def _from_bits(cls, n):
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"needs an int, got {n!r}")
    return cls.from_bits(n)


def _float(x):
    if isinstance(x, bool) or not isinstance(x, (int, float, str)):
        raise TypeError(f"needs a number or a string such as \"inf\", got {x!r}")
    return float(x)
