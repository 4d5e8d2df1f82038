"""The engine adapter interface: run the spec suite (and, in ``wasmvm.difftest``,
differential campaigns) on any WebAssembly engine, not only wasmvm.

An engine is wrapped in an ``EngineAdapter``: a small stateful object that compiles
binaries, instantiates them (imports come from the spec's ``spectest`` module and from
instances registered by name), calls exports with exact values, reads globals, and
says what went wrong with one of a few typed errors. Everything crosses the interface as
plain data (``EValue``: a type name and exact bits, or a reference), so an adapter can
be a Python class calling an engine in this process, or a proxy for an engine in another
process or language (``difftest.adapters.SubprocessAdapter`` and its JSON-lines
protocol).

    class MyEngine(EngineAdapter):
        name = "my-engine"
        def compile(self, wasm: bytes) -> object: ...          # or raise Rejected
        def instantiate(self, module) -> object: ...            # or Unlinkable / Trapped
        def register(self, name: str, instance) -> None: ...
        def call(self, instance, export, args) -> list[EValue]: ...   # or Trapped, ...
        def get(self, instance, export) -> EValue: ...

``AdapterRunner`` runs a parsed script (``script.commands``) on an adapter, one result
per command, as ``ScriptRunner`` does for wasmvm. It judges **outcomes, not wording**:
other engines word their errors differently, so ``assert_malformed`` and
``assert_invalid`` pass when the module is rejected (for any reason), ``assert_trap`` and
``assert_exhaustion`` when the call traps, ``assert_unlinkable`` and
``assert_uninstantiable`` when instantiation fails; results compare bit for bit (NaN
patterns as the script allows). ``assert_malformed`` of a text module tests a text
parser, not an engine, and is skipped; so is what an adapter says it cannot do
(``Unsupported``), with its reason.

``WasmvmAdapter`` adapts wasmvm itself (either tier): ``wasmvm spec --engine wasmvm``
checks the adapter runner against the native one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection
from dataclasses import dataclass

from ..api import Config, Engine, Func, Global, Linker, Module, Store, Trap, Val, ValType
from ..api.values import to_raw
from ..errors import InvalidError, LinkError, MalformedError, TrapCode, UncaughtException
from ..syntax.values import VALUE_CLASSES
from . import CheckResult
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
    Unknown,
    V128Pattern,
)
from .runner import run_selected
from .spectest import spectest_items

__all__ = ["EValue", "EngineAdapter", "EngineError", "Rejected", "Unlinkable", "Trapped",
           "Uncaught", "Unsupported", "AdapterRunner", "WasmvmAdapter", "run_script_on",
           "NUMERIC_TYPES", "spectest_linker"]

NUMERIC_TYPES = ("i32", "i64", "f32", "f64", "v128")


@dataclass(frozen=True)
class EValue:
    """A value crossing the adapter interface. Numbers and vectors: ``type`` ("i32",
    "i64", "f32", "f64", "v128") and ``bits`` (unsigned, exact: NaN payloads kept).
    References: ``type`` is the reference type ("funcref", "externref", "anyref", ...)
    and ``ref`` is None for null, an int n for the spec's host reference n
    (``ref.extern n``), or "non-null" for any other non-null reference."""

    type: str
    bits: int | None = None
    ref: int | str | None = None

    def __str__(self) -> str:
        if self.type in NUMERIC_TYPES:
            if self.type == "v128":
                return f"v128:0x{self.bits:032x}"
            return f"{self.type}:{VALUE_CLASSES[ValType(self.type)].from_bits(self.bits)}"
        return f"{self.type}:{'null' if self.ref is None else self.ref}"

    def to_json(self) -> list:
        return [self.type, self.bits if self.type in NUMERIC_TYPES else self.ref]

    @classmethod
    def from_json(cls, item) -> EValue:
        t, v = item
        return cls(t, bits=v) if t in NUMERIC_TYPES else cls(t, ref=v)


class EngineError(Exception):
    """What an engine reported, in its own words (``message``)."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class Rejected(EngineError):
    """The module did not compile: ``kind`` "malformed", "invalid" or None (the engine
    does not say which)."""

    def __init__(self, message: str = "", kind: str | None = None):
        super().__init__(message)
        self.kind = kind


class Unlinkable(EngineError):
    """Instantiation failed before running anything: an import is missing or does not
    match."""


class Trapped(EngineError):
    """The call (or a start function) trapped. ``code``: wasmtime's TrapCode name when
    the engine says which (else None); ``exhausted``: the call stack ran out."""

    def __init__(self, message: str = "", code: str | None = None, exhausted: bool = False):
        super().__init__(message)
        self.code = code
        self.exhausted = exhausted


class Uncaught(EngineError):
    """A WebAssembly exception no handler caught reached the host."""


class Unsupported(EngineError):
    """The adapter cannot do this (a value kind, a feature): the command is skipped."""


class EngineAdapter(ABC):
    """One engine, for one script or one module at a time (see the module docstring).
    ``close()`` frees what it holds (a child process); adapters are context managers."""

    name = "engine"

    @abstractmethod
    def compile(self, wasm: bytes) -> object:
        """A compiled module (any object the adapter understands), or ``Rejected``."""

    @abstractmethod
    def instantiate(self, module) -> object:
        """An instance of ``module``, its imports from ``spectest`` and the registered
        instances; ``Unlinkable`` or ``Trapped`` (a trapping start function or segment)."""

    @abstractmethod
    def register(self, name: str, instance) -> None:
        """Make ``instance``'s exports importable as module ``name``."""

    @abstractmethod
    def call(self, instance, export: str, args: list[EValue]) -> list[EValue]:
        """Call an exported function: its results, or ``Trapped``/``Uncaught``."""

    @abstractmethod
    def get(self, instance, export: str) -> EValue:
        """The value of an exported global."""

    def close(self) -> None:  # noqa: B027 - most adapters hold nothing to free
        """Free what the adapter holds (a child process); nothing by default."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- running a script on an adapter ------------------------------------------------------------
class _Failure(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Skip(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class _Broken:
    def __init__(self, line: int):
        self.line = line


class AdapterRunner:
    """Runs one script on one adapter: ``run(lines)`` gives a ``CheckResult`` per
    command, as ``ScriptRunner.run`` does."""

    def __init__(self, script: Script, adapter: EngineAdapter):
        self.script = script
        self.adapter = adapter
        self.current = None
        self.named: dict = {}
        self.defined: dict = {}
        self._handlers: dict[type, Callable[[Command], None]] = {
            ModuleCommand: self._module, ModuleDefinition: self._module_definition,
            ModuleInstance: self._module_instance, Register: self._register,
            ActionCommand: self._action, AssertReturn: self._assert_return,
            AssertTrap: self._assert_trap, AssertExhaustion: self._assert_exhaustion,
            AssertException: self._assert_exception, AssertMalformed: self._assert_rejected,
            AssertInvalid: self._assert_rejected, AssertUnlinkable: self._assert_not_instantiated,
            AssertUninstantiable: self._assert_not_instantiated, Unknown: self._unknown,
        }

    def run(self, lines: Collection[int] | None = None) -> list[CheckResult]:
        return run_selected(self.script, lines, self.run_command)

    def run_command(self, cmd: Command) -> CheckResult:
        where = self.script.where(cmd)
        try:
            self._handlers[type(cmd)](cmd)
        except _Skip as s:
            return CheckResult(where, "skipped", s.reason)
        except _Failure as f:
            return CheckResult(where, "failed", f.reason)
        except Unsupported as u:
            return CheckResult(where, "skipped", f"{self.adapter.name}: {u.message}")
        except EngineError as e:
            return CheckResult(where, "failed", f"{type(e).__name__}: {e.message}")
        except Exception as e:  # noqa: BLE001 - the adapter's own bug: this command fails
            return CheckResult(where, "failed", f"adapter error: {type(e).__name__}: {e}")
        return CheckResult(where, "passed")

    # -- modules -----------------------------------------------------------------------
    def _binary(self, filename: str) -> bytes:
        try:
            return self.script.module_bytes(filename)
        except Exception as e:  # noqa: BLE001 - our text parser refused it
            raise _Skip(f"the text module does not parse here: {e}") from None

    def _compile(self, filename: str):
        try:
            return self.adapter.compile(self._binary(filename))
        except Rejected as e:
            raise _Failure(f"module does not compile: {e.message}") from None

    def _bind(self, name, slot) -> None:
        self.current = slot
        if name is not None:
            self.named[name] = slot

    def _instance(self, name):
        slot = self.current if name is None else self.named.get(name)
        if slot is None:
            raise _Failure("no module defined yet" if name is None else f"no module named ${name}")
        if isinstance(slot, _Broken):
            raise _Failure(f"module at line {slot.line} failed")
        return slot

    def _instantiate(self, module):
        try:
            return self.adapter.instantiate(module)
        except (Unlinkable, Trapped) as e:
            raise _Failure(f"module does not instantiate: {e.message}") from None

    def _module(self, cmd: ModuleCommand) -> None:
        try:
            instance = self._instantiate(self._compile(cmd.wasm_filename or cmd.filename))
        except (_Failure, _Skip, EngineError):
            self._bind(cmd.name, _Broken(cmd.line))
            raise
        self._bind(cmd.name, instance)

    def _module_definition(self, cmd: ModuleDefinition) -> None:
        try:
            self.defined[cmd.name] = self._compile(cmd.wasm_filename or cmd.filename)
        except (_Failure, _Skip, EngineError):
            self.defined[cmd.name] = _Broken(cmd.line)
            raise

    def _module_instance(self, cmd: ModuleInstance) -> None:
        module = self.defined.get(cmd.module)
        if module is None or isinstance(module, _Broken):
            self._bind(cmd.instance, _Broken(cmd.line))
            raise _Failure(f"no module definition ${cmd.module}" if module is None
                           else f"module definition at line {module.line} failed")
        try:
            self._bind(cmd.instance, self._instantiate(module))
        except (_Failure, EngineError):
            self._bind(cmd.instance, _Broken(cmd.line))
            raise

    def _register(self, cmd: Register) -> None:
        self.adapter.register(cmd.as_name, self._instance(cmd.name))

    def _unknown(self, cmd: Unknown) -> None:
        raise _Failure(cmd.why)

    # -- actions ---------------------------------------------------------------------------
    def _perform(self, act: Action) -> list[EValue]:
        instance = self._instance(act.module)
        if act.kind == "get":
            return [self.adapter.get(instance, act.field)]
        return self.adapter.call(instance, act.field, [_argument(v) for v in act.args])

    def _action(self, cmd: ActionCommand) -> None:
        try:
            self._perform(cmd.action)
        except (Trapped, Uncaught) as e:
            raise _Failure(f"{type(e).__name__}: {e.message}") from None

    def _assert_return(self, cmd: AssertReturn) -> None:
        try:
            vals = self._perform(cmd.action)
        except (Trapped, Uncaught) as e:
            raise _Failure(f"expected a return, got {type(e).__name__.lower()}: "
                           f"{e.message}") from None
        ok = len(vals) == len(cmd.expected) and all(
            matches(v, val) for v, val in zip(cmd.expected, vals))
        if not ok:
            want = " ".join(str(v) for v in cmd.expected) or "()"
            raise _Failure(f"expected {want}, got {' '.join(map(str, vals)) or '()'}")

    def _expect_trap(self, act: Action, text: str) -> None:
        try:
            vals = self._perform(act)
        except Trapped:
            return
        except Uncaught as e:
            raise _Failure(f"expected trap {text!r}, got an uncaught exception: {e.message}") from None
        raise _Failure(f"expected trap {text!r}, got {' '.join(map(str, vals)) or '()'}")

    def _assert_trap(self, cmd: AssertTrap) -> None:
        self._expect_trap(cmd.action, cmd.text)

    def _assert_exhaustion(self, cmd: AssertExhaustion) -> None:
        self._expect_trap(cmd.action, cmd.text)

    def _assert_exception(self, cmd: AssertException) -> None:
        try:
            vals = self._perform(cmd.action)
        except Uncaught:
            return
        except Trapped as e:
            raise _Failure(f"expected an uncaught exception, got trap: {e.message}") from None
        raise _Failure(f"expected an uncaught exception, got {' '.join(map(str, vals)) or '()'}")

    # -- module assertions --------------------------------------------------------------
    def _assert_rejected(self, cmd) -> None:
        if isinstance(cmd, AssertMalformed) and cmd.module_type == "text":
            raise _Skip("a malformed text module tests a text parser, not the engine")
        try:
            self.adapter.compile(self._binary(cmd.filename))
        except Rejected:
            return
        what = "malformed" if isinstance(cmd, AssertMalformed) else "invalid"
        raise _Failure(f"expected the module to be rejected ({what}: {cmd.text!r}), "
                       "but it compiled")

    def _assert_not_instantiated(self, cmd) -> None:
        module = self._compile(cmd.filename)
        try:
            self.adapter.instantiate(module)
        except (Unlinkable, Trapped):
            return
        what = "unlinkable" if isinstance(cmd, AssertUnlinkable) else "uninstantiable"
        raise _Failure(f"expected the module to be {what} ({cmd.text!r}), but it instantiated")


def _argument(v) -> EValue:
    if isinstance(v, RefValue):
        if v.is_null:
            return EValue(v.type if v.type != "refnull" else "funcref", ref=None)
        if isinstance(v.value, int):
            return EValue(v.type, ref=v.value)
        raise Unsupported(f"a script argument {v}")
    return EValue(str(v.type), bits=v.bits)


def matches(expected, val: EValue) -> bool:
    """Whether an adapter's result is what the script expects (bit-exact; NaN patterns
    and ``either`` as the script allows; references by null, host number or non-null)."""
    if isinstance(expected, Either):
        return any(matches(a, val) for a in expected.alternatives)
    if isinstance(expected, NanPattern):
        return val.type == f"f{expected.width}" and expected.matches(val.bits)
    if isinstance(expected, V128Pattern):
        return val.type == "v128" and expected.matches(val.bits)
    if isinstance(expected, RefValue):
        if val.type in NUMERIC_TYPES:
            return False
        if expected.is_null or val.ref is None:
            return expected.is_null and val.ref is None
        if expected.value is NON_NULL:
            return True
        return val.ref == expected.value
    return val.type == str(expected.type) and val.bits == expected.bits


def run_script_on(script: Script, make_adapter: Callable[[Script], EngineAdapter],
                  lines: Collection[int] | None = None) -> list[CheckResult]:
    """Run ``script`` on a fresh adapter from ``make_adapter(script)`` (closed after)."""
    with make_adapter(script) as adapter:
        return AdapterRunner(script, adapter).run(lines)


# -- wasmvm itself, as an adapter ------------------------------------------------------------
def spectest_linker(linker, store, spectest: dict, registry: dict):
    """``linker`` (wasmvm's or wasmtime-py's: the same API) given the ``spectest`` items
    and the instances registered by name, later definitions shadowing earlier ones."""
    linker.allow_shadowing = True
    for name, item in spectest.items():
        linker.define(store, "spectest", name, item)
    for as_name, instance in registry.items():
        linker.define_instance(store, as_name, instance)
    return linker


class WasmvmAdapter(EngineAdapter):
    """wasmvm through its public API, on one tier, with the script's feature switches."""

    def __init__(self, tier: str = "compiled", config: Config | None = None):
        self.name = f"wasmvm-{tier}"
        self.engine = Engine(config or Config(tier=tier))
        self.store = Store(self.engine)
        self.spectest = spectest_items(self.store, False, None)
        self.registry: dict[str, object] = {}
        self._hosts: dict[int, object] = {}

    def _linker(self) -> Linker:
        return spectest_linker(Linker(self.engine), self.store, self.spectest, self.registry)

    def compile(self, wasm: bytes):
        try:
            return Module(self.engine, wasm)
        except MalformedError as e:
            raise Rejected(e.message, "malformed") from None
        except InvalidError as e:
            raise Rejected(e.message, "invalid") from None

    def instantiate(self, module):
        try:
            return self._linker().instantiate(self.store, module)
        except LinkError as e:
            raise Unlinkable(e.message) from None
        except Trap as e:
            raise Trapped(e.message, e.code.name if e.code else None) from None

    def register(self, name: str, instance) -> None:
        self.registry[name] = instance

    def _host(self, n: int):
        return self._hosts.setdefault(n, _HostRef(n))

    def _val(self, v: EValue) -> Val:
        if v.type in NUMERIC_TYPES:
            return Val.from_bits(v.type, v.bits)
        t = ValType(v.type)
        if v.ref is None:
            return Val(t, None)
        if isinstance(v.ref, int):
            if t == ValType.EXTERNREF:
                return Val.externref(self._host(v.ref))
            return Val(t, to_raw(t, self._host(v.ref)))
        raise Unsupported(f"cannot pass {v}")

    def _evalue(self, val: Val) -> EValue:
        t = val.type
        if not t.is_ref:
            return EValue(str(t), bits=val.bits)
        actual = val.value
        name = str(t) if str(t).endswith("ref") else "ref"
        if actual is None:
            return EValue(name, ref=None)
        inner = getattr(actual, "value", actual)
        return EValue(name, ref=inner.n if isinstance(inner, _HostRef) else "non-null")

    def call(self, instance, export: str, args: list[EValue]) -> list[EValue]:
        func = instance.exports(self.store).get(export)
        if not isinstance(func, Func):
            raise EngineError(f"no exported function {export!r}")
        try:
            return [self._evalue(v) for v in func.call_vals(self.store, [self._val(a) for a in args])]
        except UncaughtException as e:
            raise Uncaught(e.message) from None
        except Trap as e:
            raise Trapped(e.message, e.code.name if e.code else None,
                          e.code is TrapCode.STACK_OVERFLOW) from None

    def get(self, instance, export: str) -> EValue:
        g = instance.exports(self.store).get(export)
        if not isinstance(g, Global):
            raise EngineError(f"no exported global {export!r}")
        return self._evalue(g.get_val(self.store))


class _HostRef:
    """The spec's host reference n (``ref.extern n``)."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n

    def __eq__(self, other):
        return isinstance(other, _HostRef) and other.n == self.n

    def __hash__(self):
        return hash(("host", self.n))
