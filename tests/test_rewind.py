"""Stepping back: ``Debugger.back``, ``back_over``, ``goto`` (``observe.history``,
``exec.rewind``, ``interp.resume_steps``).

- Going back to a step shows exactly the state a fresh run shows at that step (stack,
  locals, frames, pc, globals, memory bytes, tables, fuel): by hand on fixtures, and as a
  property over generated modules (``difftest.generate``) and random motions.
- Host functions are never called twice: going forward again over a host call puts
  back its results and effects (also when it trapped or ended the call).
- Memory growth, table changes, dropped segments and fuel are put back.
- The history stays within its budget: thinned, then started later; going before its
  start raises ``HistoryError``, as does a debugger without history.
"""

from __future__ import annotations

import math
import os
import random
import struct
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from wasmvm import Instance, Module, Store, Trap, TrapCode, Val, ValType
from wasmvm.api import Func, FuncType
from wasmvm.difftest.engines import WasmvmSide
from wasmvm.difftest.generate import FUEL, FUEL_GLOBAL, GenConfig, generate, modules
from wasmvm.difftest.host import HostError
from wasmvm.difftest.values import typical_value
from wasmvm.exec.store import ExternRef
from wasmvm.observe import Observer
from wasmvm.observe.stepper import Debugger, HistoryError
from wasmvm.wat import to_binary

from .wasi_harness import compile_c

ROOT = Path(__file__).resolve().parents[1]


def _norm(v):
    """A raw value, comparable across stores: floats by bits, functions by index."""
    if isinstance(v, float):
        return ("f", struct.pack("<d", v)) if not math.isnan(v) else ("nan", struct.pack("<d", v))
    if v is None or isinstance(v, (int, bytes, str)):
        return v
    index = getattr(v, "index", None)
    if isinstance(index, int):
        return ("func", index)
    if isinstance(v, ExternRef):
        return ("extern", _norm(v.value))
    return type(v).__name__


def snapshot(dbg: Debugger) -> tuple:
    """Everything a step shows: the state, and the store's mutable state."""
    world = dbg.history.world
    state = dbg.state
    machine = None
    if state is not None and not (dbg.done and dbg.trap is None):
        machine = (state.pc, state.offset, state.depth, tuple(state.frames),
                   tuple(map(_norm, state.raw_stack)), tuple(map(_norm, state.raw_locals)),
                   tuple(str(label) for label in state.labels))
    return (dbg.step_count, dbg.done, dbg.trap is not None and dbg.trap.code, machine,
            None if dbg.results is None else repr(dbg.results),
            tuple(_norm(g.value) for g in world.globals),
            tuple(bytes(m.data) for m in world.mems),
            tuple(tuple(map(_norm, t.elements)) for t in world.tables),
            world.fuel)


def debugger(wat: str, export: str, args=(), imports=(), fuel=None, **kw):
    store = Store()
    if fuel is not None:
        store = Store(_fuel_engine())
        store.set_fuel(fuel)
    module = Module(store.engine, to_binary(wat.encode()))
    funcs = [imp(store) for imp in imports]
    inst = Instance(store, module, funcs)
    return Debugger(store, inst.exports(store)[export], list(args), **kw), store


def _fuel_engine():
    from wasmvm import Config, Engine

    return Engine(Config(tier="reference", consume_fuel=True))


def run_all(dbg: Debugger) -> list:
    """Step to the end, keeping the snapshot of every step."""
    snaps = [snapshot(dbg)]
    while not dbg.done:
        try:
            dbg.step()
        except Trap:
            pass
        snaps.append(snapshot(dbg))
    return snaps


def fac(n=4, **kw):
    store = Store()
    module = Module.from_file(store.engine, str(ROOT / "fixtures" / "fac.wasm"))
    f = Instance(store, module, []).exports(store)["fac_rec"]
    return Debugger(store, f, [n], **kw)


# -- by hand ---------------------------------------------------------------------------------
@pytest.mark.parametrize("every", [1, 3, 1000])
def test_goto_every_step_of_a_recursive_call(every):
    dbg = fac(5, every=every)
    snaps = run_all(dbg)
    assert dbg.results == 120 and dbg.history_length == len(snaps) - 1
    for n in [*range(len(snaps) - 1, -1, -1), 7, 30, 2, len(snaps) - 1]:
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n]
    dbg.goto(0)
    assert run_all(dbg) == snaps  # forward again: the same steps, the same result


def test_back_and_back_over():
    dbg = fac(3)
    snaps = run_all(dbg)
    end = dbg.step_count
    assert dbg.back() is not None and dbg.step_count == end - 1
    assert snapshot(dbg) == snaps[end - 1]
    # from the multiplication after the innermost call returned, back_over goes to the call
    bp = dbg.add_breakpoint(offset=0x43)  # i64.mul
    dbg.goto(0)
    mul = dbg.continue_()
    dbg.remove_breakpoint(bp)
    here = dbg.step_count
    before = dbg.back_over()
    assert before.text.startswith("call") and before.depth == mul.depth
    assert dbg.step_count < here - 1 and snapshot(dbg) == snaps[dbg.step_count]
    # and step_over from there comes back to the multiplication
    assert dbg.step_over().text == "i64.mul" and dbg.step_count == here
    # one step in a callee's first instruction: back_over is back
    dbg.goto(0)
    while dbg.state.depth == 0:
        dbg.step()
    n = dbg.step_count
    assert dbg.back_over() is not None and dbg.step_count == n - 1
    with pytest.raises(HistoryError):
        dbg.goto(-1)
    dbg.goto(0)
    with pytest.raises(HistoryError):
        dbg.back()


def test_goto_forward_runs_and_stops_at_the_end():
    dbg = fac(3)
    assert dbg.goto(10) is not None and dbg.step_count == 10 and dbg.history_length == 10
    assert dbg.goto(10_000) is None and dbg.done and dbg.results == 6
    total = dbg.step_count
    assert dbg.goto(total) is None and dbg.results == 6  # the end again, by replay
    assert dbg.goto(total - 1).text == "end"


def test_no_history():
    dbg = fac(3, history=False)
    dbg.step()
    assert dbg.step_count == 1
    with pytest.raises(HistoryError, match="no history"):
        dbg.back()


def _counter_import(calls: list):
    def make(store):
        def counter(x):
            calls.append(x)
            return len(calls) * 100 + x
        return Func(store, FuncType([ValType.i32()], [ValType.i32()]), counter)
    return make


HOST = """
(module
  (import "h" "counter" (func $c (param i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (table 2 funcref)
  (elem (i32.const 0) $c $sq)
  (type $t (func (param i32) (result i32)))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (i32.store (i32.shl (local.get $i) (i32.const 2)) (call $c (local.get $i)))
      (global.set $g (i32.add (global.get $g)
                              (call_indirect (type $t) (local.get $i)
                                             (i32.and (local.get $i) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (global.get $g) (i32.load (i32.const 4))))
  (func (export "last") (param i32) (result i32) (return_call $c (local.get 0))))
"""


@pytest.mark.parametrize("every", [1, 4, 1000])
def test_host_calls_are_not_run_again(every):
    calls: list = []
    dbg, _ = debugger(HOST, "run", [4], imports=[_counter_import(calls)], every=every)
    snaps = run_all(dbg)
    made = list(calls)
    assert len(made) == 6  # 4 direct calls, 2 through the table
    for n in [len(snaps) - 1, 0, 17, 5, len(snaps) - 2, 33]:
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n]
    dbg.goto(0)
    again = run_all(dbg)
    assert again == snaps and calls == made  # no host call made twice


def test_a_host_call_that_ends_the_call_or_traps_is_kept():
    calls: list = []
    dbg, _ = debugger(HOST, "last", [7], imports=[_counter_import(calls)])
    snaps = run_all(dbg)
    assert dbg.results == 107 and calls == [7]
    dbg.goto(0)
    assert run_all(dbg) == snaps and calls == [7]

    def failing(store):
        def counter(x):
            calls.append(x)
            raise Trap(TrapCode.UNREACHABLE, "host broke")
        return Func(store, FuncType([ValType.i32()], [ValType.i32()]), counter)

    calls.clear()
    dbg, _ = debugger(HOST, "last", [7], imports=[failing])
    dbg.step()
    with pytest.raises(Trap, match="host broke"):
        dbg.step()
    trapped = snapshot(dbg)
    assert dbg.back().text == "local.get 0"
    dbg.step()
    with pytest.raises(Trap, match="host broke"):
        dbg.step()
    assert calls == [7] and snapshot(dbg) == trapped


def test_memory_growth_tables_segments_and_fuel_are_put_back():
    wat = """
    (module
      (memory 1 4)
      (table $t 1 10 funcref)
      (global $g (mut i64) (i64.const 5))
      (data $d "hello")
      (elem $e func $f)
      (func $f)
      (func (export "go") (result i32)
        (drop (memory.grow (i32.const 2)))
        (memory.init $d (i32.const 70000) (i32.const 0) (i32.const 5))
        (data.drop $d)
        (drop (table.grow $t (ref.null func) (i32.const 3)))
        (table.init $t $e (i32.const 2) (i32.const 0) (i32.const 1))
        (elem.drop $e)
        (memory.fill (i32.const 100) (i32.const 0xab) (i32.const 9000))
        (global.set $g (i64.const -1))
        (memory.size)))
    """
    dbg, store = debugger(wat, "go", fuel=10_000, every=2)
    snaps = run_all(dbg)
    assert dbg.results == 3
    for n in range(len(snaps) - 1, -1, -1):
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n], n
    assert len(snaps[0][6][0]) == 65536 and len(snaps[-1][6][0]) == 3 * 65536


def test_a_trap_and_going_back_from_it():
    wat = """
    (module
      (func $inner (param i32) (result i32) (i32.div_u (i32.const 10) (local.get 0)))
      (func (export "go") (param i32) (result i32)
        (i32.add (call $inner (local.get 0)) (i32.const 1))))
    """
    dbg, _ = debugger(wat, "go", [0])
    snaps = run_all(dbg)
    assert dbg.trap is not None and dbg.state.text == "i32.div_u"
    k = dbg.step_count
    assert dbg.history_length == k
    assert dbg.back().text != "i32.div_u" and not dbg.done and dbg.step_count == k - 1
    assert dbg.step().text == "i32.div_u"
    with pytest.raises(Trap):
        dbg.step()
    assert snapshot(dbg) == snaps[-1]
    dbg.goto(k)  # before the trapping instruction: live again
    assert not dbg.done and dbg.state.text == "i32.div_u"
    assert dbg.back_over().depth == 1 and dbg.step_count == k - 1


def test_observers_keep_seeing_paired_events():
    class Pairs(Observer):
        def __init__(self):
            self.open = 0
            self.max = 0

        def enter(self, state):
            self.open += 1

        def leave(self, state):
            self.open -= 1
            assert self.open >= 0

    pairs = Pairs()
    dbg = fac(4)
    dbg.history.world.store.observers.append(pairs)
    run_all(dbg)
    dbg.goto(12)
    dbg.goto(5)
    while not dbg.done:
        dbg.step()
    assert dbg.results == 24


def test_the_budget_thins_then_drops_the_oldest():
    wat = """
    (module (memory 1)
      (func (export "spin") (param $n i32) (local $i i32)
        (loop $l
          (i32.store (i32.shl (i32.and (local.get $i) (i32.const 0x3fff)) (i32.const 2))
                     (local.get $i))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
    """
    dbg, _ = debugger(wat, "spin", [3000], every=10, budget=400_000)
    snaps = run_all(dbg)
    history = dbg.history
    assert history.nbytes <= 400_000 and history.start > 0
    points = history.checkpoints
    assert any(b - a > 10 for a, b in zip(points, points[1:]))  # thinned
    with pytest.raises(HistoryError, match="before the history kept"):
        dbg.goto(history.start - 1)
    for n in (history.start, history.start + 5, len(snaps) - 3):
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n]


RECURSIVE = """
(module
  (func $walk (export "walk") (param $n i32) (result i32)
    (local $a i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 1))))
    (local.set $a (call $walk (i32.sub (local.get $n) (i32.const 1))))
    (local.set $a (i32.add (local.get $a) (local.get $n)))
    (i32.add (local.get $a)
             (call $walk (i32.shr_u (local.get $n) (i32.const 1))))))
"""


@pytest.mark.parametrize("every", [1, 2, 7, 50])
def test_callers_that_run_again_between_checkpoints(every):
    """A caller's frame is shared between checkpoints only while it has not run: here
    callers change their locals between two calls."""
    dbg, _ = debugger(RECURSIVE, "walk", [9], every=every)
    snaps = run_all(dbg)
    for n in range(len(snaps) - 1, -1, -1):
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n], n


def test_deep_frames_are_shared_between_checkpoints():
    wat = """
    (module
      (func $down (export "down") (param $n i32) (result i32)
        (local $i i32)
        (if (result i32) (local.get $n)
          (then (call $down (i32.sub (local.get $n) (i32.const 1))))
          (else (loop $l
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br_if $l (i32.lt_u (local.get $i) (i32.const 20000))))
                (local.get $i)))))
    """
    dbg, _ = debugger(wat, "down", [300], every=100)
    dbg.goto(60_000)
    history = dbg.history
    assert dbg.state.depth == 300 and len(history.checkpoints) > 500
    # 300 frames imaged once, then per checkpoint the innermost one and a tuple of 300
    # references (copying every frame would be over 300 * 100 bytes a checkpoint)
    assert history.nbytes < len(history.checkpoints) * (300 * 8 + 1000)
    snap = snapshot(dbg)
    dbg.goto(10_000)
    dbg.goto(60_000)
    assert snapshot(dbg) == snap


def test_exceptions_thrown_through_frames():
    wat = """
    (module
      (tag $e (param i32))
      (global $g (mut i32) (i32.const 0))
      (func $thrower (param i32)
        (global.set $g (i32.add (global.get $g) (local.get 0)))
        (if (i32.gt_u (local.get 0) (i32.const 2)) (then (throw $e (local.get 0))))
        (call $thrower (i32.add (local.get 0) (i32.const 1))))
      (func (export "go") (result i32)
        (block $h (result i32)
          (try_table (catch $e $h) (call $thrower (i32.const 0)))
          (i32.const -1))
        (i32.add (global.get $g))))
    """
    dbg, _ = debugger(wat, "go", every=3)
    snaps = run_all(dbg)
    assert dbg.results == 3 + 6
    for n in range(len(snaps) - 1, -1, -1):
        dbg.goto(n)
        assert snapshot(dbg) == snaps[n], n
    dbg.goto(0)
    assert run_all(dbg) == snaps


def test_a_wasi_program_reads_and_writes_once():
    """stdin is read and stdout written by host calls: going back and running again
    reads no more input and writes no more output."""
    from wasmvm.api import Config, Engine, Linker
    from wasmvm.wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

    path = compile_c("stdin")

    with tempfile.TemporaryDirectory() as tmp:
        stdin = Path(tmp) / "in.txt"
        stdin.write_bytes(b"first\nsecond line\n3 4 1.5\nthe end")
        out: list = []
        config = WasiConfig()
        config.argv = ["stdin"]
        config.stdin_file = stdin
        config.stdout_custom = out.append
        store = Store(Engine(Config(tier="reference")))
        ctx = set_wasi(store, config)
        linker = Linker(store.engine)
        define_wasi(linker, store)
        instance = linker.instantiate(store, Module.from_file(store.engine, str(path)))
        dbg = Debugger(store, instance.exports(store)["_start"], [], every=500)
        marks = {}
        while not dbg.done:
            if dbg.step_count % 911 == 0:
                marks[dbg.step_count] = snapshot(dbg)
            try:
                dbg.step()
            except ExitTrap:
                break
        written = b"".join(out)
        assert written.startswith(b"line 1 (6 bytes): FIRST\n") and dbg.history.hosts
        for n in sorted(marks, reverse=True):
            dbg.goto(n)
            assert snapshot(dbg) == marks[n], n
        try:
            dbg.continue_()
        except ExitTrap:
            pass
        assert dbg.done and b"".join(out) == written
        ctx.close()


# -- the property ----------------------------------------------------------------------------
MOTIONS = st.lists(st.tuples(st.sampled_from(["step", "over", "out", "back", "back_over",
                                              "goto", "ahead"]), st.floats(0, 1)),
                   min_size=1, max_size=12)
NUMERIC = ("i32", "i64", "f32", "f64", "v128")


def _side_debugger(gen, every: int):
    """A debugger of the first exported function with numeric parameters, in a fresh
    store with the difftest host (whose counter and log are stateful), or None."""
    side = WasmvmSide(timeout=None, tier="reference", fuel=200_000)
    if side.compile(gen.wasm).kind != "ok" or side.instantiate().kind != "ok":
        return None, None
    exports = side.exports()
    if any(e.name == FUEL_GLOBAL for e in exports):
        side.set_global(FUEL_GLOBAL, typical_value("i32")._replace(bits=FUEL))
    for e in exports:
        if e.kind == "func" and all(p in NUMERIC for p in e.params):
            func = side.instance.exports(side.store)[e.name]
            args = [Val.from_bits(ValType(p), typical_value(p).bits) for p in e.params]
            try:
                return Debugger(side.store, func, args, every=every), side
            except Trap:
                return None, None
    return None, None


def _move(dbg: Debugger, how: str, x: float) -> None:
    try:
        if how == "step":
            dbg.step()
        elif how == "over":
            dbg.step_over()
        elif how == "out":
            dbg.step_out()
        elif how == "back":
            dbg.back()
        elif how == "back_over":
            dbg.back_over()
        elif how == "ahead":
            dbg.goto(dbg.step_count + int(x * 1000))
        else:
            dbg.goto(int(x * (dbg.history_length + 5)))
    except (Trap, HostError, HistoryError, RuntimeError):
        pass  # a trap or a host's error (the state stays), before step 0, or it ended


@settings(max_examples=int(os.environ.get("REWIND_EXAMPLES", 80)), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(gen=st.one_of(modules(GenConfig(max_funcs=3, max_stmts=4)),
                     st.integers(0, 2**32).map(lambda seed: generate(random.Random(seed)))),
       motions=MOTIONS, every=st.sampled_from([1, 2, 5, 1000]))
def test_going_back_equals_a_fresh_run(gen, motions, every):
    """Generated modules (shrinking ones, and seeded ones of full size) and random
    motions: after each motion the state is the one a fresh run reaches at that step,
    and the host functions were called as often as in a run to the furthest step."""
    dbg, side = _side_debugger(gen, every)
    if dbg is None:
        event("no export with numeric parameters")
        return
    for how, x in motions:
        _move(dbg, how, x)
        here = snapshot(dbg)
        log = list(side.host_state.log)
        fresh, fresh_side = _side_debugger(gen, every)
        while not fresh.done and (fresh.step_count < dbg.step_count or dbg.done):
            try:
                fresh.step()
            except Exception:  # noqa: BLE001 - a trap or a host error: it stays there
                break
        assert snapshot(fresh) == here
        # host calls were made once each: the fresh run to the furthest step made them all
    # host calls were made once each: a fresh run to the furthest step made the same
    fresh, fresh_side = _side_debugger(gen, every)
    ended = dbg.history.outcome is not None  # the furthest step is the end
    while not fresh.done and (fresh.step_count < dbg.history_length or ended):
        try:
            fresh.step()
        except Exception:  # noqa: BLE001
            break
    assert log == fresh_side.host_state.log
    event(f"history of {'< 50' if dbg.history_length < 50 else '>= 50'} steps")
