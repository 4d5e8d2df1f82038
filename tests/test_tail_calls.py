"""Tail calls (``return_call``, ``return_call_indirect``) on both tiers.

A tail call replaces the caller's frame: a chain of a million of them runs in constant
stack (no call depth, no Python recursion, no growing frame list), the callee's results
are the caller's, and fuel is charged as wasmtime charges it (1 for the instruction, 1 for
entering the callee). Observers see the caller leave and the callee enter.
"""

from __future__ import annotations

import tracemalloc

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode
from wasmvm.api import Func, FuncType
from wasmvm.exec.events import Observer
from wasmvm.syntax.types import ValType

from .test_api import wat

TIERS = ("reference", "compiled")

EVEN_ODD = """(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (type $t (func (param i64) (result i32)))
  (type $pair (func (param i32) (result i32 i64)))
  (table 4 funcref)
  (elem (i32.const 0) $even $odd $inc $pair)
  (func $even (export "even") (param i64) (result i32)
    local.get 0 i64.eqz
    if (result i32) i32.const 44
    else local.get 0 i64.const 1 i64.sub return_call $odd end)
  (func $odd (export "odd") (param i64) (result i32)
    local.get 0 i64.eqz
    if (result i32) i32.const 99
    else local.get 0 i64.const 1 i64.sub i32.const 0 return_call_indirect (type $t) end)
  (func $count (export "count") (param i64 i64) (result i64)
    local.get 0 i64.eqz
    if (result i64) local.get 1
    else local.get 0 i64.const 1 i64.sub local.get 1 i64.const 3 i64.add
         return_call $count end)
  (func (export "to_host") (param i32) (result i32)
    local.get 0 return_call $inc)
  (func (export "to_host_indirect") (param i32) (result i32)
    local.get 0 i32.const 2 return_call_indirect (param i32) (result i32))
  (func $pair (param i32) (result i32 i64)
    local.get 0 local.get 0 i64.extend_i32_u i64.const 10 i64.mul)
  (func (export "pair") (param i32) (result i32 i64)
    local.get 0 i32.const 1 i32.add return_call $pair)
  (func (export "pair_indirect") (param i32) (result i32 i64)
    local.get 0 i32.const 3 return_call_indirect (type $pair))
  (func (export "mismatch") (result i32)
    i64.const 5 i32.const 3 return_call_indirect (type $t))
  (func (export "null") (result i32)
    i64.const 5 i32.const 9 return_call_indirect (type $t))
  (func $boom (param i32) (result i32) unreachable)
  (func (export "trap_in_callee") (param i32) (result i32)
    local.get 0 return_call $boom)
)"""


def _instance(tier: str, **config):
    store = Store(Engine(Config(tier=tier, **config)))
    inc = Func(store, FuncType([ValType.I32], [ValType.I32]), lambda x: x + 1)
    module = Module(store.engine, wat(EVEN_ODD))
    return store, Instance(store, module, [inc]).exports(store)


@pytest.mark.parametrize("tier", TIERS)
def test_a_million_deep_mutual_tail_recursion_completes(tier):
    """even/odd through return_call and return_call_indirect, 1,000,000 hops, with a
    call-depth budget of 50: no hop takes depth (and on the compiled tier no Python
    frame: CPython's recursion limit is 1,000)."""
    store, ex = _instance(tier, max_call_depth=50)
    assert ex["even"](store, 1_000_000) == 44
    assert ex["even"](store, 1_000_001) == 99
    assert ex["count"](store, 1_000_000, 0) == 3_000_000


@pytest.mark.parametrize("tier", TIERS)
def test_a_long_chain_runs_in_bounded_memory(tier):
    """The memory a chain holds at its peak does not grow with its length."""
    store, ex = _instance(tier)
    ex["count"](store, 10, 0)  # translated, prepared

    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            ex["count"](store, n, 0)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    small, big = peak(1_000), peak(50_000)
    assert big < small + 64 * 1024, (small, big)


@pytest.mark.parametrize("tier", TIERS)
def test_results_and_multiple_values(tier):
    store, ex = _instance(tier)
    assert ex["pair"](store, 4) == (5, 50)
    assert ex["pair_indirect"](store, 7) == (7, 70)
    assert ex["odd"](store, 3) == 44


@pytest.mark.parametrize("tier", TIERS)
def test_tail_call_to_a_host_function(tier):
    store, ex = _instance(tier)
    assert ex["to_host"](store, 41) == 42
    assert ex["to_host_indirect"](store, 1) == 2


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name, code", [("mismatch", TrapCode.BAD_SIGNATURE),
                                        ("null", TrapCode.TABLE_OUT_OF_BOUNDS)])
def test_return_call_indirect_checks_as_call_indirect(tier, name, code):
    store, ex = _instance(tier)
    with pytest.raises(Trap) as info:
        ex[name](store)
    assert info.value.code is code


@pytest.mark.parametrize("tier", TIERS)
def test_a_trap_in_the_callee_has_the_callee_in_place_of_the_caller(tier):
    store, ex = _instance(tier)
    with pytest.raises(Trap) as info:
        ex["trap_in_callee"](store, 1)
    trap = info.value
    assert trap.code is TrapCode.UNREACHABLE
    assert [f.name for f in trap.frames] == ["boom"]


@pytest.mark.parametrize("tier", TIERS)
def test_the_call_depth_budget_still_holds_for_plain_calls(tier):
    src = """(module (func $f (export "f") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
      local.get 0 i32.const 1 i32.sub call $f end))"""
    store = Store(Engine(Config(tier=tier, max_call_depth=100)))
    ex = Instance(store, Module(store.engine, wat(src)), []).exports(store)
    assert ex["f"](store, 50) == 0
    with pytest.raises(Trap) as info:
        ex["f"](store, 500)
    assert info.value.code is TrapCode.STACK_OVERFLOW


class _Events(Observer):
    def __init__(self):
        self.seen = []

    def enter(self, state):
        self.seen.append(("enter", state.function, state.depth))

    def leave(self, state):
        self.seen.append(("leave", state.function, state.depth))


def test_observers_see_the_caller_leave_and_the_callee_enter():
    store, ex = _instance("reference")
    events = _Events()
    store.add_observer(events)
    assert ex["even"](store, 2) == 44
    assert events.seen == [("enter", "even", 0), ("leave", "even", 0), ("enter", "odd", 0),
                           ("leave", "odd", 0), ("enter", "even", 0), ("leave", "even", 0)]


# -- fuel, judged by wasmtime -------------------------------------------------------------------
FUEL_CASES = [("even", (5,)), ("odd", (6,)), ("count", (20, 1)), ("to_host", (3,)),
              ("to_host_indirect", (3,)), ("pair", (2,)), ("pair_indirect", (2,))]


def _wasmtime_fuel(name: str, args) -> tuple[object, int]:
    wasmtime = pytest.importorskip("wasmtime")
    config = wasmtime.Config()
    config.consume_fuel = True
    config.wasm_tail_call = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    store.set_fuel(1_000_000)
    i32 = wasmtime.ValType.i32()
    inc = wasmtime.Func(store, wasmtime.FuncType([i32], [i32]), lambda x: x + 1)
    inst = wasmtime.Instance(store, wasmtime.Module(engine, wat(EVEN_ODD)), [inc])
    result = inst.exports(store)[name](store, *args)
    return result, 1_000_000 - store.get_fuel()


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name, args", FUEL_CASES, ids=[c[0] for c in FUEL_CASES])
def test_fuel_agrees_with_wasmtime(tier, name, args):
    theirs, spent = _wasmtime_fuel(name, args)
    store, ex = _instance(tier, consume_fuel=True)
    store.set_fuel(1_000_000)
    ours = ex[name](store, *args)
    assert (tuple(theirs) if isinstance(theirs, list) else theirs) == ours
    assert 1_000_000 - store.get_fuel() == spent


# -- a C program: clang's musttail ---------------------------------------------------------------
@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("opt", ["-O0", "-O2"])
def test_c_musttail_program_runs_as_on_wasmtime(tier, opt):
    from .wasi_harness import Setup, compile_c, run_wasmtime, run_wasmvm

    wasm = compile_c("tailcall", opt)
    assert b"\x12" in wasm.read_bytes()  # (a cheap sign; the spec suite tests decoding)
    # far deeper than the call-depth budget and CPython's recursion limit (the reference
    # tier runs fewer: it is slow at -O0)
    n = "300000" if tier == "compiled" else "100000"
    setup = Setup(["tailcall", n], tier=tier)
    vm, wt = run_wasmvm(wasm, setup), run_wasmtime(wasm, setup)
    assert (vm.stdout, vm.stderr, vm.exit_code, vm.trap) == (
        wt.stdout, wt.stderr, wt.exit_code, wt.trap)
    assert f"even({n}) -> ".encode() in vm.stdout
    assert vm.exit_code == -13 & 0x3F  # is_odd(0, 13)


# -- observability ------------------------------------------------------------------------------
TRACED = """(module
  (func $even (export "even") (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 1
    else local.get 0 i32.const 1 i32.sub return_call $odd end)
  (func $odd (param i32) (result i32)
    local.get 0 i32.eqz if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub return_call $even end)
  (func (export "main") (result i32) i32.const 2 call $even i32.const 10 i32.add))"""


def _traced():
    store = Store(Engine(Config(tier="reference")))
    inst = Instance(store, Module(store.engine, wat(TRACED)), [])
    return store, inst.exports(store)


def test_the_trace_shows_a_tail_call_as_a_return_and_a_call_at_one_depth():
    from wasmvm.observe import Tracer
    from wasmvm.observe.trace import format_record

    store, ex = _traced()
    tracer = Tracer()
    store.add_observer(tracer)
    assert ex["main"](store) == 11
    calls = [(r["event"], r["function"], r["depth"], r.get("tail_call", False))
             for r in tracer.records if r["event"] != "instr"]
    assert calls == [("call", "func[2]", 0, False), ("call", "even", 1, False),
                     ("return", "even", 1, True), ("call", "odd", 1, False),
                     ("return", "odd", 1, True), ("call", "even", 1, False),
                     ("return", "even", 1, False), ("return", "func[2]", 0, False)]
    lines = [format_record(r) for r in tracer.records]
    assert "  return even (tail call)" in lines
    assert any(line.strip().startswith("000050: return_call 0 <even>") for line in lines)
    # the return the caller waited for is the last callee's, with the caller's stack
    last = next(r for r in reversed(tracer.records) if r["function"] == "even")
    assert last["results"] == ["i32:1"] and last["stack"] == ["i32:1"]


def test_the_debugger_steps_from_a_tail_call_into_the_callee():
    from wasmvm.observe import Debugger

    store, ex = _traced()
    dbg = Debugger(store, ex["even"], [1])
    state = dbg.state
    while state.instruction.op.name != "return_call":
        state = dbg.step()
    assert (state.function, state.depth) == ("even", 0)
    state = dbg.step_over()  # the caller is gone: it stops in the callee, at its depth
    assert (state.function, state.pc, state.depth) == ("odd", 0, 0)
    assert dbg.continue_() is None and dbg.results == 0  # odd(0)


def test_dump_disassembles_and_annotates_tail_calls(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "t.wasm"
    path.write_bytes(wat(TRACED))
    run = [sys.executable, "-m", "wasmvm", "dump"]
    out = subprocess.run([*run, "-d", str(path)], capture_output=True, text=True,
                         timeout=60).stdout
    assert "12 01                   |   return_call 1 <odd>" in out
    out = subprocess.run([*run, "-a", str(path)], capture_output=True, text=True,
                         timeout=60).stdout
    assert "00003d: 12                             return_call" in out
    assert "00003e: 01                             function index: 1 <odd>" in out


def test_with_the_switch_off_a_module_using_tail_calls_is_rejected_as_in_2_0():
    from wasmvm import UnsupportedFeatureError

    engine = Engine(Config(wasm_tail_call=False))
    with pytest.raises(UnsupportedFeatureError) as info:
        Module(engine, wat(TRACED))
    assert info.value.spec_message == "illegal opcode 0x12"


SPIN = """(module
  (type $v (func))
  (table 1 funcref) (elem (i32.const 0) $ping)
  (func $self (export "self") return_call $self)
  (func $ping (export "ping") return_call $pong)
  (func $pong i32.const 0 return_call_indirect (type $v)))"""


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", ["self", "ping"])
def test_an_endless_tail_recursion_runs_out_of_fuel(tier, name):
    store = Store(Engine(Config(tier=tier, consume_fuel=True)))
    ex = Instance(store, Module(store.engine, wat(SPIN)), []).exports(store)
    store.set_fuel(10_000)
    with pytest.raises(Trap) as info:
        ex[name](store)
    assert info.value.code is TrapCode.OUT_OF_FUEL


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("name", ["self", "ping"])
def test_an_endless_tail_recursion_stops_at_the_epoch_deadline(tier, name):
    import threading

    engine = Engine(Config(tier=tier, epoch_interruption=True))
    store = Store(engine)
    ex = Instance(store, Module(engine, wat(SPIN)), []).exports(store)
    store.set_epoch_deadline(1)
    timer = threading.Timer(0.2, engine.increment_epoch)
    timer.start()
    try:
        with pytest.raises(Trap) as info:
            ex[name](store)
    finally:
        timer.cancel()
    assert info.value.code is TrapCode.INTERRUPT


SELF = """(module
  (func $top (export "top") (param i32 i32) (result i32)
    local.get 0 i32.eqz if (result i32) local.get 1
    else local.get 0 i32.const 1 i32.sub local.get 1 i32.const 2 i32.add return_call $top end)
  (func $nested (export "nested") (param i32 i32) (result i32)
    block $out
      block
        local.get 0 i32.eqz br_if $out
      end
      local.get 0 i32.const 1 i32.sub local.get 1 i32.const 2 i32.add return_call $nested
    end
    local.get 1))"""


@pytest.mark.parametrize("tier", TIERS)
def test_self_tail_calls_at_the_top_and_inside_python_loops(tier):
    """On the compiled tier a self tail call outside any Python loop is a jump to the top
    of the function (its body runs in a ``while True``); inside one it is a request."""
    from wasmvm.exec.compile import translate_source

    store = Store(Engine(Config(tier=tier, max_call_depth=50)))
    inst = Instance(store, Module(store.engine, wat(SELF)), [])
    ex = inst.exports(store)
    assert ex["top"](store, 100_000, 1) == 200_001
    assert ex["nested"](store, 100_000, 1) == 200_001
    top = translate_source(inst._inst.exports["top"][1], store._store)
    nested = translate_source(inst._inst.exports["nested"][1], store._store)
    assert "while True:" in top and "continue" in top and "_TC" not in top
    assert "_TC(" in nested
