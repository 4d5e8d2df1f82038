"""The command model of a ``.wast`` script: read natively (``wast.py``) or from the JSON
of ``wasm-tools json-from-wast`` (``parse_commands``, below), to the same commands.

Meta-variables: ``cmd`` a command, ``act`` an action, ``v`` a value (an argument or an
expected result). Every command carries the ``line`` of the ``.wast`` file it came from.

    ModuleCommand          (module ...)                   define (and instantiate) a module
    ModuleDefinition       (module definition $M ...)     compile a module, not instantiated
    ModuleInstance         (module instance $I $M)        instantiate a defined module
    Register               (register "as" $name)
    ActionCommand          (invoke ...) / (get ...)       at top level
    AssertReturn           (assert_return action v*)
    AssertTrap             (assert_trap action "text")    (a module that traps on start is
                                                           AssertUninstantiable)
    AssertExhaustion       (assert_exhaustion action "text")
    AssertException        (assert_exception action)      an uncaught WebAssembly exception
    AssertMalformed, AssertInvalid, AssertUnlinkable, AssertUninstantiable
                           (assert_* module "text")

A command names its module by a file name, as json-from-wast names its files
(``i32.3.wasm``; ``i32.4.wat`` for the text of a ``module quote``); ``Script.module_bytes``
gives the binary, from ``Script.modules`` (in memory: bytes, or a ``TextModule`` parsed
when asked) or from the conversion folder, a ``.wat`` file parsed too.
    Unknown                a command this model cannot read: it fails when run, naming
                           its line, and the script goes on

Values keep their exact bits. JSON shapes (wasm-tools 1.262, every one used by core-2.0 and core-3.0):

    {"type": "i32", "value": "-1"}                 decimal, signed or unsigned
    {"type": "f32", "value": "2143289344"}         the unsigned bit pattern, in decimal
    {"type": "f64", "value": "nan:canonical"}      also "nan:arithmetic" (expected only)
    {"type": "v128", "lane_type": "i8", "value": ["0", "-128", ...]}
                                                   lanes i8 i16 i32 i64 (decimal, signed or
                                                   unsigned) or f32 f64 (bits, or a NaN pattern)
    {"type": "funcref", "value": "null"}           also externref; "null" or a host ref number
    {"type": "funcref"}                            (expected) any non-null funcref; also
                                                   anyref, eqref, i31ref, structref,
                                                   arrayref, exnref, externref
    {"type": "anyref", "value": "1"}               a host reference as an anyref (ref.host 1)
    {"type": "refnull"}                            (expected) a null of any type; nullref,
                                                   nullfuncref, nullexternref, nullexnref:
                                                   a null of that hierarchy
    {"type": "either", "values": [v, ...]}         (expected) any one of the values

They become ``i32``/``i64``/``f32``/``f64``/``v128`` from ``wasmvm.syntax.values`` (built with
``from_bits``), ``NanPattern``, ``V128Pattern`` (a v128 with a NaN-pattern lane) or
``RefValue``, ``Either``. A command with a shape the model does not know becomes
``Unknown`` (or, with ``strict``, raises ``ScriptError`` naming ``file:line``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..syntax.features import WASM2, WASM3, Features
from ..syntax.values import F32_EXP, F32_FRAC, F64_EXP, F64_FRAC, Value, f32, f64, i32, i64, v128
from .convert import Converted, convert, display_name

ModuleType = Literal["binary", "text"]
ActionKind = Literal["invoke", "get"]


class ScriptError(ValueError):
    """The JSON of a converted script holds something this model does not understand."""


# -- values ----------------------------------------------------------------------------

_FLOAT_FIELDS = {32: (F32_EXP, F32_FRAC), 64: (F64_EXP, F64_FRAC)}


@dataclass(frozen=True)
class NanPattern:
    """An expected NaN result: ``canonical`` (only the quiet bit set in the payload) or
    ``arithmetic`` (the quiet bit set, any other payload); either sign."""

    width: Literal[32, 64]
    kind: Literal["canonical", "arithmetic"]

    def matches(self, bits: int) -> bool:
        exp, frac_mask = _FLOAT_FIELDS[self.width]
        if bits & exp != exp:
            return False
        frac, quiet = bits & frac_mask, (frac_mask + 1) >> 1  # quiet: the fraction's top bit
        return frac == quiet if self.kind == "canonical" else bool(frac & quiet)

    def __str__(self):
        return f"nan:{self.kind}"


#: Reference types a script names: the 2.0 pair, 3.0's abstract heap types, and
#: ``refnull`` (the expected result ``(ref.null)``: a null of any type).
REF_TYPES = frozenset({
    "funcref", "externref", "exnref", "anyref", "eqref", "i31ref", "structref",
    "arrayref", "nullref", "nullfuncref", "nullexternref", "nullexnref", "refnull"})
#: Types whose only value is null.
_NULL_ONLY = frozenset({"nullref", "nullfuncref", "nullexternref", "nullexnref", "refnull"})


class _AnyNonNull:
    """The value of an expected ``(ref.func)``, ``(ref.struct)``, ...: any non-null
    reference of the type."""

    def __repr__(self):
        return "NON_NULL"


#: RefValue.value of an expected result that is any non-null reference of its type
NON_NULL = _AnyNonNull()


@dataclass(frozen=True)
class RefValue:
    """A reference argument or result: ``value`` None is ``ref.null``; an int is a host
    reference (``ref.extern 2``, or ``ref.host 1`` as an anyref); ``NON_NULL`` (expected
    results only) is any non-null reference of ``type`` (``(ref.func)``, ``(ref.array)``).
    ``type`` is one of ``REF_TYPES``; ``refnull`` is a null of any type."""

    type: str
    value: int | None | _AnyNonNull

    @property
    def is_null(self) -> bool:
        return self.value is None

    @property
    def heap(self) -> str:
        """``func`` of funcref, ``none`` of nullref, ... (``refnull``: any)."""
        if self.type == "refnull":
            return "any"
        if self.type == "nullref":
            return "none"
        if self.type.startswith("null"):
            return "no" + self.type[4:-3]
        return self.type[:-3]

    def __str__(self):
        if self.value is None:
            return "ref.null" if self.type == "refnull" else f"ref.null {self.heap}"
        if self.value is NON_NULL:
            return f"ref.{self.heap}"
        return f"ref.{'host' if self.type == 'anyref' else self.heap} {self.value}"


@dataclass(frozen=True)
class Either:
    """An expected result that may be any of ``alternatives`` (relaxed SIMD's
    implementation-defined results)."""

    alternatives: tuple

    def __str__(self):
        return "(either " + " ".join(str(a) for a in self.alternatives) + ")"


_LANE_BITS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}


@dataclass(frozen=True)
class V128Pattern:
    """An expected v128 with at least one NaN-pattern lane; other lanes are exact bits."""

    lane_type: str
    lanes: tuple[int | NanPattern, ...]

    def matches(self, bits: int) -> bool:
        width = _LANE_BITS[self.lane_type]
        mask = (1 << width) - 1
        for i, lane in enumerate(self.lanes):
            actual = (bits >> (i * width)) & mask
            if not (lane.matches(actual) if isinstance(lane, NanPattern) else lane == actual):
                return False
        return True

    def __str__(self):
        shape = f"{self.lane_type}x{128 // _LANE_BITS[self.lane_type]}"
        return f"v128 {shape} " + " ".join(str(lane) for lane in self.lanes)


Arg = Value | RefValue
Expected = Value | NanPattern | V128Pattern | RefValue | Either

_NUM = {"i32": i32, "i64": i64, "f32": f32, "f64": f64}


def parse_value(v: dict, expected: bool = False) -> Arg | Expected:
    """One JSON value; NaN patterns are allowed only when ``expected``. Raises ValueError."""
    t = v.get("type")
    raw = v.get("value")
    if t in _NUM:
        cls = _NUM[t]
        if isinstance(raw, str) and raw.startswith("nan:"):
            return _nan(raw, cls.width, expected)
        return cls.from_bits(_int(raw) & ((1 << cls.width) - 1))
    if t == "v128":
        return _v128(v.get("lane_type"), raw, expected)
    if t in REF_TYPES:
        if raw == "null" or t in _NULL_ONLY:
            if raw not in (None, "null"):
                raise ValueError(f"a {t} that is not null: {json.dumps(v)}")
            return RefValue(t, None)
        if raw is None:
            if not expected:
                raise ValueError(f"a non-null {t} of no particular value as an argument")
            return RefValue(t, NON_NULL)
        return RefValue(t, _int(raw))
    if t == "either" and expected:
        alternatives = v.get("values")
        if not isinstance(alternatives, list) or not alternatives:
            raise ValueError(f"an either without values: {json.dumps(v)}")
        return Either(tuple(parse_value(a, expected=True) for a in alternatives))
    raise ValueError(f"unknown value shape {json.dumps(v)[:200]}")


def _int(raw) -> int:
    if not isinstance(raw, str):
        raise ValueError(f"expected a decimal string, got {raw!r}")
    return int(raw, 10)


def _nan(raw: str, width: int, expected: bool) -> NanPattern:
    kind = raw[4:]
    if kind not in ("canonical", "arithmetic"):
        raise ValueError(f"unknown NaN pattern {raw!r}")
    if not expected:
        raise ValueError(f"NaN pattern {raw!r} as an argument")
    return NanPattern(width, kind)


def _v128(lane_type, raw, expected: bool) -> v128 | V128Pattern:
    width = _LANE_BITS.get(lane_type)
    if width is None or not isinstance(raw, list) or len(raw) * width != 128:
        raise ValueError(f"bad v128 value: lane_type {lane_type!r}, lanes {raw!r}")
    mask = (1 << width) - 1
    lanes: list[int | NanPattern] = []
    for lane in raw:
        if lane_type[0] == "f" and isinstance(lane, str) and lane.startswith("nan:"):
            lanes.append(_nan(lane, width, expected))
        else:
            lanes.append(_int(lane) & mask)
    if any(isinstance(lane, NanPattern) for lane in lanes):
        return V128Pattern(lane_type, tuple(lanes))
    return v128.from_bits(sum(lane << (i * width) for i, lane in enumerate(lanes)))


# -- commands --------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    line: int


@dataclass(frozen=True)
class ModuleCommand(Command):
    """``(module ...)``. A text module (``module quote``) may come with a binary too."""

    filename: str
    name: str | None = None
    module_type: ModuleType = "binary"
    binary_filename: str | None = None

    @property
    def wasm_filename(self) -> str | None:
        """The file holding the module's binary, or None for a text-only module."""
        return self.filename if self.module_type == "binary" else self.binary_filename


class ModuleDefinition(ModuleCommand):
    """``(module definition $name ...)``: compile a module without instantiating it."""


@dataclass(frozen=True)
class ModuleInstance(Command):
    """``(module instance $instance $module)``: instantiate a defined module; the
    instance becomes the current module (and ``$instance``'s)."""

    instance: str | None
    module: str | None


@dataclass(frozen=True)
class Register(Command):
    """``(register "as" $name)``: exports of module ``name`` (None: the latest) become
    importable under the module name ``as_name``."""

    as_name: str
    name: str | None = None


@dataclass(frozen=True)
class Action:
    """``(invoke $module "field" args*)`` or ``(get $module "field")``; ``module`` None is
    the latest module defined."""

    kind: ActionKind
    field: str
    module: str | None = None
    args: tuple[Arg, ...] = ()


@dataclass(frozen=True)
class ActionCommand(Command):
    action: Action


@dataclass(frozen=True)
class AssertReturn(Command):
    action: Action
    expected: tuple[Expected, ...]


@dataclass(frozen=True)
class AssertTrap(Command):
    action: Action
    text: str


@dataclass(frozen=True)
class AssertExhaustion(Command):
    action: Action
    text: str


@dataclass(frozen=True)
class AssertException(Command):
    """``(assert_exception action)``: the action throws a WebAssembly exception that no
    handler catches."""

    action: Action


@dataclass(frozen=True)
class Unknown(Command):
    """A command this model cannot read (a new construct, or a value shape it does not
    know): running it fails with ``why``, and the script goes on."""

    why: str


@dataclass(frozen=True)
class ModuleAssertion(Command):
    """An assertion about a module file: decoding, validating or instantiating it fails."""

    filename: str
    module_type: ModuleType
    text: str

    @property
    def wasm_filename(self) -> str | None:
        """The file holding the module's binary, or None for a text module."""
        return self.filename if self.module_type == "binary" else None


class AssertMalformed(ModuleAssertion):
    """Decoding fails (``module_type`` text: parsing the WAT fails)."""


class AssertInvalid(ModuleAssertion):
    """Validation fails."""


class AssertUnlinkable(ModuleAssertion):
    """Instantiation fails to link the imports."""


class AssertUninstantiable(ModuleAssertion):
    """Instantiation traps (the start function, or a segment out of bounds)."""


_MODULE_ASSERTIONS: dict[str, type[ModuleAssertion]] = {
    "assert_malformed": AssertMalformed,
    "assert_invalid": AssertInvalid,
    "assert_unlinkable": AssertUnlinkable,
    "assert_uninstantiable": AssertUninstantiable,
}


def _module_type(raw) -> ModuleType:
    if raw not in ("binary", "text"):
        raise ValueError(f"unknown module_type {raw!r}")
    return raw


def _action(a: dict) -> Action:
    kind = a.get("type")
    if kind not in ("invoke", "get"):
        raise ValueError(f"unknown action type {kind!r}")
    args = tuple(parse_value(v) for v in a.get("args", ()))
    return Action(kind, a["field"], a.get("module"), args)


def parse_command(c: dict) -> Command:
    """One JSON command. Raises ValueError or KeyError on shapes it does not know."""
    t, line = c.get("type"), c["line"]
    if t == "module":
        return ModuleCommand(line, c["filename"], c.get("name"), _module_type(c["module_type"]),
                             c.get("binary_filename"))
    if t in _MODULE_ASSERTIONS:
        return _MODULE_ASSERTIONS[t](line, c["filename"], _module_type(c["module_type"]), c["text"])
    if t == "assert_return":
        expected = tuple(parse_value(v, expected=True) for v in c["expected"])
        return AssertReturn(line, _action(c["action"]), expected)
    if t == "assert_trap":
        return AssertTrap(line, _action(c["action"]), c["text"])
    if t == "assert_exhaustion":
        return AssertExhaustion(line, _action(c["action"]), c["text"])
    if t == "action":
        return ActionCommand(line, _action(c["action"]))
    if t == "register":
        return Register(line, c["as"], c.get("name"))
    if t == "module_definition":
        return ModuleDefinition(line, c["filename"], c.get("name"),
                                _module_type(c["module_type"]), c.get("binary_filename"))
    if t == "module_instance":
        return ModuleInstance(line, c.get("instance"), c.get("module"))
    if t == "assert_exception":
        return AssertException(line, _action(c["action"]))
    raise ValueError(f"unknown command type {t!r}")


def parse_commands(data: dict, source: str, strict: bool = False) -> list[Command]:
    """All commands of a converted script. A command this model cannot read becomes an
    ``Unknown`` command (which fails when run, naming its line), so that one new
    construct never stops a whole script; ``strict`` raises ``ScriptError`` naming
    ``source:line`` instead."""
    commands: list[Command] = []
    for c in data.get("commands", ()):
        try:
            commands.append(parse_command(c))
        except (ValueError, KeyError, TypeError) as e:
            what = f"missing key {e}" if isinstance(e, KeyError) else str(e)
            line = c.get("line") if isinstance(c, dict) else None
            if strict or not isinstance(line, int):
                raise ScriptError(f"{source}:{line if line is not None else '?'}: {what}") from e
            commands.append(Unknown(line, f"cannot read this command: {what}"))
    return commands


# -- a whole script --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class TextModule:
    """A module in the text format, parsed (``wasmvm.wat.parser.wat2wasm``) only when a
    command asks for its binary, so that a malformed one fails its own command.

    ``source`` is the script's text, of which ``start:end`` is the module's ``(module
    ...)`` form, with the ``blanks`` ranges (``definition``) written as spaces so that
    offsets in the span stay those of the script; or the bytes of a ``module quote`` (its
    strings joined with spaces), which must be UTF-8."""

    source: str | bytes
    start: int = 0
    end: int | None = None
    blanks: tuple[tuple[int, int], ...] = ()

    def text(self) -> str:
        """The module's text; raises ``TextError`` if quoted bytes are not UTF-8."""
        if isinstance(self.source, bytes):
            from ..wat.lexer import decode

            return decode(self.source)
        end = len(self.source) if self.end is None else self.end
        parts, at = [], self.start
        for lo, hi in self.blanks:
            parts += [self.source[at:lo], " " * (hi - lo)]
            at = hi
        parts.append(self.source[at:end])
        return "".join(parts)

    def binary(self, features: Features = WASM3) -> bytes:
        """The module's binary; raises ``TextError`` (a MalformedError) for malformed text.
        ``features``: the script's (2.0's text has u32 bounds and offsets)."""
        from ..wat.parser import wat2wasm

        return wat2wasm(self.text(), features=features)


@dataclass
class Script:
    """A ``.wast`` file: its commands and where its modules are.

    ``name`` is how reports name the file (``core-2.0/simd/simd_const.wast``), so that
    ``f"{script.name}:{cmd.line}"`` points at the command in the testsuite. A command names
    its module by a file name (``binary.2.wasm``, ``binary.5.wat`` for text):
    ``modules`` holds them in memory (a script read by ``wasmvm.script.wast``: bytes, or
    a ``TextModule``), else they are files in ``converted.wasm_dir`` (a script converted
    by ``wasm-tools json-from-wast``).
    """

    name: str
    converted: Converted | None
    commands: list[Command]
    modules: dict[str, bytes | TextModule] = field(default_factory=dict)

    @property
    def features(self) -> Features:
        """The proposals its modules may use: a script of ``core-2.0`` tests a
        WebAssembly 2.0 engine (every 3.0 proposal off, so that 2.0's malformed and
        invalid modules are rejected as 2.0 rejects them); any other, the defaults."""
        return suite_features(self.name)

    def where(self, cmd: Command) -> str:
        return f"{self.name}:{cmd.line}"

    def module_bytes(self, filename: str) -> bytes:
        """The binary of the module ``filename``: a text module (``.wat``, or a
        ``TextModule``) is parsed now, and raises ``TextError`` if it is malformed."""
        module = self.modules.get(filename)
        if module is None:
            if self.converted is None:
                raise KeyError(f"{self.name}: no module {filename}")
            data = (self.converted.wasm_dir / filename).read_bytes()
            module = TextModule(data) if filename.endswith(".wat") else data
        return module if isinstance(module, bytes) else module.binary(self.features)


def suite_features(name: str) -> Features:
    """See ``Script.features``; ``name`` as reports name a script."""
    if name.startswith("core-2.0/") or "/core-2.0/" in name:
        return WASM2
    return WASM3


def load_converted(converted: Converted, name: str | None = None) -> Script:
    name = name or display_name(converted.wast)
    with open(converted.json_path, encoding="utf-8") as f:
        data = json.load(f)
    return Script(name, converted, parse_commands(data, name))


def load_script(wast: str | Path, name: str | None = None) -> Script:
    """Convert (cached) and parse one ``.wast`` file."""
    return load_converted(convert(wast), name)
