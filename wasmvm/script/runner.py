"""The spec-script runner: runs every command of a converted ``.wast`` script against the
public embedding API (``wasmvm.api``), as the spec's reference runner (``script/run.ml``)
does, and yields one ``CheckResult`` per command, named ``file:line``.

    run_script(script) -> [CheckResult]          fresh Store and Linker per script
    ScriptRunner(script).run(lines)              the same, step by step

Meta-variables: ``cmd`` a command, ``act`` an action, ``v`` an expected or argument value,
``val`` a ``Val`` the engine returned.

What each command must do to pass (the expected text is always a *prefix* of the error's
``message``, as in the reference runner's ``assert_message``):

    module                  decodes, validates and instantiates through a Linker holding
                            ``spectest`` and every registered instance; it becomes the
                            current module (and ``$name``'s, if named)
    register "as" $name     that instance's exports become importable as ``as``
    action / assert_return  invoke an export with exact-bit arguments (or get a global);
                            results compare by bits, NaN patterns per lane, references by
                            null-ness and host-reference number
    assert_trap             the action raises ``Trap``
    assert_exhaustion       the action raises ``Trap`` with code STACK_OVERFLOW
    assert_invalid          ``Module(...)`` raises ``InvalidError``
    assert_malformed        ``Module(...)`` raises ``MalformedError``; a text module
                            (``module quote``): parsing it (``wasmvm.wat``) raises
                            ``TextError``, a MalformedError, with the spec's message
    assert_unlinkable       instantiating raises ``LinkError``
    assert_uninstantiable   instantiating raises ``Trap`` (start function, segments)

Any other exception (``InternalError``, a Python exception) fails the command and is
reported with its type and where it was raised. A failing command does not stop the
script; a module that failed makes each later command that uses it fail with
"module at line N failed". Every skip carries its reason (``execution_skip_reason``).

Selecting lines (``run(lines)``): only commands on those lines are reported, but every
command up to the last selected line still runs (apart from assert_invalid and
assert_malformed, which change nothing), so a selected command sees the same state as in
a full run.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from ..api import Config, Engine, Func, Global, Instance, Linker, Module, Store, Val
from ..api.values import ArrayRef as Array
from ..api.values import GcRef, to_raw
from ..api.values import I31Ref as I31
from ..api.values import StructRef as Struct
from ..errors import (
    InvalidError,
    LinkError,
    MalformedError,
    Trap,
    TrapCode,
    UncaughtException,
    WasmError,
)
from ..syntax.features import WASM3
from ..syntax.types import FUNCREF, V128, ValType
from ..syntax.values import VALUE_CLASSES, Value
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
    Expected,
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
from .spectest import spectest_items

__all__ = [
    "ScriptRunner", "run_script", "execution_skip_reason", "HostRef", "match_result",
    "EXECUTION_COMMANDS", "script_config",
]

#: Commands that execute code; ``execution_skip_reason`` may skip these for a script.
EXECUTION_COMMANDS = (AssertReturn, AssertTrap, AssertExhaustion, AssertException,
                      ActionCommand)


def execution_skip_reason(script_name: str) -> str | None:
    """Why the execution commands of this script are skipped, or None to run them.

    Every script of core-2.0 runs (``simd/`` included); the hook stays for callers that
    pass their own ``skips`` to ``run_script``.
    """
    return None


# -- values ----------------------------------------------------------------------------


class HostRef:
    """The host reference ``ref.extern N`` of a script: equal to another of the same N."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n

    def __eq__(self, other):
        return isinstance(other, HostRef) and other.n == self.n

    def __hash__(self):
        return hash(("ref.extern", self.n))

    def __repr__(self):
        return f"ref.extern {self.n}"


def match_result(v: Expected, val: Val) -> bool:
    """Whether the engine's ``val`` is what the script expects (``v``)."""
    if isinstance(v, NanPattern):
        want = ValType.F32 if v.width == 32 else ValType.F64
        return val.type is want and v.matches(val.bits)
    if isinstance(v, V128Pattern):
        return val.type is V128 and v.matches(val.bits)
    if isinstance(v, Either):
        return any(match_result(a, val) for a in v.alternatives)
    if isinstance(v, RefValue):
        if not val.type.is_ref:
            return False
        actual = val.value
        if v.type != "refnull" and _FAMILY.get(v.heap) != _family(val.type, actual):
            return False
        if v.is_null or actual is None:
            return v.is_null and actual is None
        if v.value is NON_NULL:
            return _KIND_CHECK.get(v.heap, _any_ref)(actual)
        return actual == HostRef(v.value)
    return val.type == v.type and val.bits == v.bits


def _any_ref(actual) -> bool:
    return True


#: expected ``(ref.struct)``, ``(ref.i31)``, ...: what the non-null reference must be
_KIND_CHECK = {
    "struct": lambda a: isinstance(a, Struct), "array": lambda a: isinstance(a, Array),
    "i31": lambda a: isinstance(a, I31),
    "eq": lambda a: isinstance(a, GcRef),
}


#: the hierarchy each heap type belongs to: references of one hierarchy compare
_FAMILY = {"func": "func", "nofunc": "func", "extern": "extern", "noextern": "extern",
           "exn": "exn", "noexn": "exn", "any": "any", "eq": "any", "i31": "any",
           "struct": "any", "array": "any", "none": "any"}


def _family(t, actual=None) -> str | None:
    """The hierarchy of a reference type the API reports (``funcref`` -> ``func``); a
    GC value of a concrete type (``(ref $s)``) is in ``any``."""
    heap = getattr(t, "heap", None)  # a typed reference type
    if isinstance(heap, int) and isinstance(actual, GcRef):
        return "any"
    if heap is None:
        heap = str(t)[:-3] if str(t).endswith("ref") else None
    return _FAMILY.get(heap, "func" if isinstance(heap, int) else None)


_LANE_WIDTHS = {"i8": 8, "i16": 16, "i32": 32, "i64": 64, "f32": 32, "f64": 64}


def _lanes(bits: int, lane_type: str) -> list[str]:
    width = _LANE_WIDTHS[lane_type]
    mask = (1 << width) - 1
    lanes = [(bits >> (i * width)) & mask for i in range(128 // width)]
    if lane_type[0] == "f":
        cls = VALUE_CLASSES[ValType(lane_type)]
        return [str(cls.from_bits(lane)) for lane in lanes]
    return [str(lane) for lane in lanes]


def format_expected(v: Expected) -> str:
    if isinstance(v, NanPattern):
        return f"(f{v.width} {v})"
    if isinstance(v, V128Pattern):
        width = _LANE_WIDTHS[v.lane_type]
        lanes = [str(lane) if isinstance(lane, NanPattern) else _lanes(lane, v.lane_type)[0]
                 for lane in v.lanes]
        return f"(v128 {v.lane_type}x{128 // width} {' '.join(lanes)})"
    if isinstance(v, RefValue | Either):
        return f"({v})" if isinstance(v, RefValue) else str(v)
    return f"({v.type} {v})"


def format_val(val: Val, lane_type: str | None = None) -> str:
    t = val.type
    if t.is_ref:
        actual = val.value
        if actual is None:
            return f"(ref.null {t.value[:-3]})"
        return "(ref.func)" if t is FUNCREF else f"(ref.extern {getattr(actual, 'n', actual)!r})"
    if t is V128 and lane_type:
        return f"(v128 {lane_type}x{128 // _LANE_WIDTHS[lane_type]} {' '.join(_lanes(val.bits, lane_type))})"
    return f"({t.value} {VALUE_CLASSES[t].from_bits(val.bits)})"


def _format_results(expected: tuple, vals: list[Val]) -> str:
    out = []
    for i, val in enumerate(vals):
        v = expected[i] if i < len(expected) else None
        out.append(format_val(val, v.lane_type if isinstance(v, V128Pattern) else None))
    return " ".join(out) or "()"


def describe(e: BaseException) -> str:
    """``Trap: integer divide by zero`` for wasmvm's errors; Python exceptions also say
    where they were raised: ``IndexError: ... (at interp.py:40 in run)``."""
    if isinstance(e, WasmError):
        return f"{type(e).__name__}: {e}"
    msg = str(e)
    if len(msg) > 200:
        msg = msg[:200] + "..."
    frames = traceback.extract_tb(e.__traceback__)
    at = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""
    return f"{type(e).__name__}: {msg}{at}"


# -- the runner ------------------------------------------------------------------------


class _Failure(Exception):
    """A command failed; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def run_selected(script: Script, lines: Collection[int] | None,
                 run_command: Callable[[Command], CheckResult]) -> list[CheckResult]:
    """Run a script's commands with ``run_command`` and keep the results of those on
    ``lines`` (all when None). The commands before the last selected line run too (the
    state the selected ones need), except module assertions, which change nothing."""
    last = max(lines, default=0) if lines is not None else None
    results = []
    for cmd in script.commands:
        if last is not None and cmd.line > last:
            break
        selected = lines is None or cmd.line in lines
        if not selected and isinstance(cmd, AssertInvalid | AssertMalformed):
            continue
        result = run_command(cmd)
        if selected:
            results.append(result)
    return results


@dataclass(frozen=True)
class _Broken:
    """A module that failed to decode, validate or instantiate (or had no binary)."""

    line: int


class ScriptRunner:
    """Runs one script in its own Store and Linker. ``skip_execution``: a reason to skip
    the execution commands (``EXECUTION_COMMANDS``), or None to run them."""

    def __init__(self, script: Script, *, skip_execution: str | None = None,
                 verbose: bool = False, out: TextIO | None = None, config: Config | None = None):
        self.script = script
        self.skip_execution = skip_execution
        self.engine = Engine(config)
        self.store = Store(self.engine)
        self.spectest = spectest_items(self.store, verbose, out or sys.stdout)
        self.current: Instance | _Broken | None = None
        self.named: dict[str, Instance | _Broken] = {}
        self.registry: dict[str, Instance] = {}
        self._linker: Linker | None = None
        self._host_refs: dict[int, HostRef] = {}
        self._handlers: dict[type, Callable[[Command], str | None]] = {
            ModuleCommand: self._module,
            Register: self._register,
            ActionCommand: self._action,
            AssertReturn: self._assert_return,
            AssertTrap: self._assert_trap,
            AssertExhaustion: self._assert_exhaustion,
            AssertInvalid: self._assert_invalid,
            AssertMalformed: self._assert_malformed,
            AssertUnlinkable: self._assert_unlinkable,
            AssertUninstantiable: self._assert_uninstantiable,
            ModuleDefinition: self._module_definition,
            ModuleInstance: self._module_instance,
            AssertException: self._assert_exception,
            Unknown: self._unknown,
        }
        self.defined: dict[str | None, Module | _Broken] = {}

    def run(self, lines: Collection[int] | None = None) -> list[CheckResult]:
        """One result per command (or per command on ``lines``; see the module doc)."""
        return run_selected(self.script, lines, self.run_command)

    def run_command(self, cmd: Command) -> CheckResult:
        where = self.script.where(cmd)
        if self.skip_execution and isinstance(cmd, EXECUTION_COMMANDS):
            return CheckResult(where, "skipped", self.skip_execution)
        try:
            skipped = self._handlers[type(cmd)](cmd)
        except _Failure as f:
            return CheckResult(where, "failed", f.reason)
        except Exception as e:  # noqa: BLE001 - a bug: in the runner or escaping the API
            return CheckResult(where, "failed", f"runner error: {describe(e)}")
        if skipped:
            return CheckResult(where, "skipped", skipped)
        return CheckResult(where, "passed")

    # -- modules and instances -------------------------------------------------------

    def linker(self) -> Linker:
        """``spectest`` and every registered instance (rebuilt after each register, so a
        name registered again is replaced whole, as in the reference runner)."""
        if self._linker is None:
            linker = Linker(self.engine)
            linker.allow_shadowing = True
            for name, item in self.spectest.items():
                linker.define(self.store, "spectest", name, item)
            for as_name, instance in self.registry.items():
                linker.define_instance(self.store, as_name, instance)
            self._linker = linker
        return self._linker

    def _compile(self, filename: str) -> Module:
        try:
            return self._load(filename)
        except Exception as e:  # noqa: BLE001
            raise _Failure(f"module does not compile: {describe(e)}") from None

    def _bind(self, name: str | None, slot: Instance | _Broken) -> None:
        self.current = slot
        if name is not None:
            self.named[name] = slot

    def _instance(self, name: str | None) -> Instance:
        slot = self.current if name is None else self.named.get(name)
        if slot is None:
            raise _Failure("no module defined yet" if name is None else f"no module named ${name}")
        if isinstance(slot, _Broken):
            raise _Failure(f"module at line {slot.line} failed")
        return slot

    def _module(self, cmd: ModuleCommand) -> str | None:
        try:
            module = self._compile(cmd.wasm_filename or cmd.filename)
            try:
                instance = self.linker().instantiate(self.store, module)
            except Exception as e:  # noqa: BLE001
                raise _Failure(f"module does not instantiate: {describe(e)}") from None
        except _Failure:
            self._bind(cmd.name, _Broken(cmd.line))
            raise
        self._bind(cmd.name, instance)
        return None

    def _module_definition(self, cmd: ModuleDefinition) -> str | None:
        try:
            self.defined[cmd.name] = self._compile(cmd.wasm_filename or cmd.filename)
        except _Failure:
            self.defined[cmd.name] = _Broken(cmd.line)
            raise
        return None

    def _module_instance(self, cmd: ModuleInstance) -> None:
        module = self.defined.get(cmd.module)
        if module is None:
            self._bind(cmd.instance, _Broken(cmd.line))
            raise _Failure(f"no module definition ${cmd.module}")
        if isinstance(module, _Broken):
            self._bind(cmd.instance, _Broken(cmd.line))
            raise _Failure(f"module definition at line {module.line} failed")
        try:
            instance = self.linker().instantiate(self.store, module)
        except Exception as e:  # noqa: BLE001
            self._bind(cmd.instance, _Broken(cmd.line))
            raise _Failure(f"module does not instantiate: {describe(e)}") from None
        self._bind(cmd.instance, instance)

    def _unknown(self, cmd: Unknown) -> None:
        raise _Failure(cmd.why)

    def _register(self, cmd: Register) -> None:
        self.registry[cmd.as_name] = self._instance(cmd.name)
        self._linker = None

    # -- actions ---------------------------------------------------------------------

    def host_ref(self, n: int) -> HostRef:
        """The host object standing for ``ref.extern n`` (the same object each time)."""
        ref = self._host_refs.get(n)
        if ref is None:
            ref = self._host_refs[n] = HostRef(n)
        return ref

    def _arg(self, v) -> Val:
        if isinstance(v, RefValue):
            if v.is_null and v.type in ("funcref", "externref"):
                return Val.funcref(None) if v.type == "funcref" else Val.externref(None)
            if v.type == "externref":
                return Val.externref(self.host_ref(v.value))
            if v.is_null and v.type != "refnull":
                return Val(ValType(v.type), None)
            if v.type == "anyref" and isinstance(v.value, int):  # ref.host n
                return Val(ValType.ANYREF, to_raw(ValType.ANYREF, self.host_ref(v.value)))
            raise _Failure(f"a script cannot pass {v} as an argument")
        if isinstance(v, Value):
            return Val.from_bits(v.type, v.bits)
        raise _Failure(f"unexpected argument {v!r}")

    def _perform(self, act: Action) -> list[Val]:
        """Run an action; its exceptions propagate (the runner's own problems are
        ``_Failure``)."""
        instance = self._instance(act.module)
        item = instance.exports(self.store).get(act.field)
        if item is None:
            raise _Failure(f"no export {act.field!r}")
        if act.kind == "get":
            if not isinstance(item, Global):
                raise _Failure(f"export {act.field!r} is not a global")
            return [item.get_val(self.store)]
        if not isinstance(item, Func):
            raise _Failure(f"export {act.field!r} is not a function")
        args = [self._arg(v) for v in act.args]
        return item.call_vals(self.store, args)

    def _try(self, act: Action) -> list[Val]:
        try:
            return self._perform(act)
        except _Failure:
            raise
        except Exception as e:  # noqa: BLE001
            raise _Failure(describe(e)) from None

    def _action(self, cmd: ActionCommand) -> None:
        self._try(cmd.action)

    def _assert_return(self, cmd: AssertReturn) -> None:
        vals = self._try(cmd.action)
        ok = len(vals) == len(cmd.expected) and all(
            match_result(v, val) for v, val in zip(cmd.expected, vals))
        if not ok:
            want = " ".join(format_expected(v) for v in cmd.expected) or "()"
            raise _Failure(f"expected {want}, got {_format_results(cmd.expected, vals)}")

    def _expect_trap(self, act: Action, text: str, code: TrapCode | None = None) -> None:
        what = "trap" if code is None else f"trap {code.name}"
        try:
            vals = self._perform(act)
        except _Failure:
            raise
        except Trap as e:
            if code is not None and e.code is not code:
                raise _Failure(f"expected {what} {text!r}, got trap {e.code.name} {e.message!r}") from None
            if not e.message.startswith(text):
                raise _Failure(f"expected {what} {text!r}, got trap {e.message!r}") from None
            return
        except Exception as e:  # noqa: BLE001
            raise _Failure(f"expected {what} {text!r}, got {describe(e)}") from None
        raise _Failure(f"expected {what} {text!r}, got {_format_results((), vals)}")

    def _assert_exception(self, cmd: AssertException) -> None:
        try:
            vals = self._perform(cmd.action)
        except _Failure:
            raise
        except UncaughtException:
            return
        except Exception as e:  # noqa: BLE001
            raise _Failure(f"expected an uncaught exception, got {describe(e)}") from None
        raise _Failure(f"expected an uncaught exception, got {_format_results((), vals)}")

    def _assert_trap(self, cmd: AssertTrap) -> None:
        self._expect_trap(cmd.action, cmd.text)

    def _assert_exhaustion(self, cmd: AssertExhaustion) -> None:
        self._expect_trap(cmd.action, cmd.text, TrapCode.STACK_OVERFLOW)

    # -- module assertions -----------------------------------------------------------

    @staticmethod
    def _expect_error(thunk: Callable[[], object], cls: type[WasmError], text: str,
                      otherwise: str) -> None:
        try:
            thunk()
        except cls as e:
            if e.matches(text):
                return
            raise _Failure(f"expected {cls.__name__} {text!r}, got {e.message!r}") from None
        except Exception as e:  # noqa: BLE001
            raise _Failure(f"expected {cls.__name__} {text!r}, got {describe(e)}") from None
        raise _Failure(f"expected {cls.__name__} {text!r}, but {otherwise}")

    def _load(self, filename: str) -> Module:
        """Parse (a text module), decode and validate: the errors propagate."""
        return Module(self.engine, self.script.module_bytes(filename))

    def _assert_malformed(self, cmd: AssertMalformed) -> None:
        self._expect_error(lambda: self._load(cmd.filename), MalformedError, cmd.text,
                           "the module parsed" if cmd.module_type == "text"
                           else "the module decoded")

    def _assert_invalid(self, cmd: AssertInvalid) -> None:
        self._expect_error(lambda: self._load(cmd.filename), InvalidError, cmd.text,
                           "the module validated")

    def _assert_instantiation(self, cmd, cls: type[WasmError]) -> None:
        module = self._compile(cmd.filename)
        self._expect_error(lambda: self.linker().instantiate(self.store, module), cls,
                           cmd.text, "the module instantiated")

    def _assert_unlinkable(self, cmd: AssertUnlinkable) -> None:
        self._assert_instantiation(cmd, LinkError)

    def _assert_uninstantiable(self, cmd: AssertUninstantiable) -> None:
        self._assert_instantiation(cmd, Trap)


def script_config(script: Script, tier: str = "compiled") -> Config:
    """The Config a script runs with: ``tier``, and the feature switches of the suite it
    belongs to (``Script.features``: core-2.0 scripts run on a 2.0 engine)."""
    on = script.features.names()
    return Config(tier=tier, **{"wasm_" + f: False for f in WASM3.names() if f not in on})


def run_script(script: Script, lines: Collection[int] | None = None, *,
               skips: Callable[[str], str | None] = execution_skip_reason,
               verbose: bool = False, out: TextIO | None = None,
               config: Config | None = None) -> list[CheckResult]:
    """Run ``script`` (all commands, or those on ``lines``) in a fresh Store and Linker.
    ``skips(script.name)`` gives the reason to skip its execution commands, if any."""
    runner = ScriptRunner(script, skip_execution=skips(script.name), verbose=verbose,
                          out=out, config=config)
    return runner.run(lines)
