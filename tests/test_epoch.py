"""Epoch interruption as in wasmtime (issue 15 item 3): Config(epoch_interruption=True),
Engine.increment_epoch(), Store.set_epoch_deadline(ticks); code checks on entering a
function and at each loop iteration, on both tiers, in host re-entry too."""

from __future__ import annotations

import threading
import time

import pytest

from wasmvm import Config, Engine, Func, FuncType, Instance, Module, Store
from wasmvm.errors import Trap, TrapCode, WasmError

from .test_api import wat

TIERS = ("reference", "compiled")

PROGRAM = wat("""(module
  (import "env" "tick" (func $tick))
  (func $spin (export "spin") (loop $l (br $l)))
  (func $count (export "count") (param i32) (result i32) (local i32)
    (loop $l
      (call $tick)
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (local.get 1))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))""")


def setup(tier: str, on: bool = True, tick=None):
    engine = Engine(Config(tier=tier, epoch_interruption=on))
    store = Store(engine)
    host = Func(store, FuncType([], []), tick or (lambda: None))
    exports = Instance(store, Module(engine, PROGRAM), [host]).exports(store)
    return engine, store, exports


@pytest.mark.parametrize("tier", TIERS)
def test_the_deadline_starts_at_zero_as_in_wasmtime(tier):
    engine, store, exports = setup(tier)
    with pytest.raises(Trap) as info:
        exports["add"](store, 1, 2)
    assert info.value.code is TrapCode.INTERRUPT and str(info.value).startswith("interrupt")
    store.set_epoch_deadline(1)
    assert exports["add"](store, 1, 2) == 3


@pytest.mark.parametrize("tier", TIERS)
def test_a_loop_traps_when_the_epoch_reaches_the_deadline(tier):
    ticks = []
    engine = None

    def tick():  # the host advances the epoch at the 100th iteration
        ticks.append(1)
        if len(ticks) == 100:
            engine.increment_epoch()

    engine, store, exports = setup(tier, tick=tick)
    store.set_epoch_deadline(1)
    with pytest.raises(Trap) as info:
        exports["count"](store, 1000)
    assert info.value.code is TrapCode.INTERRUPT
    assert len(ticks) == 100  # the next loop iteration checked and trapped
    store.set_epoch_deadline(1)  # a new deadline: it runs again
    ticks.clear()
    assert exports["count"](store, 50) == 50


@pytest.mark.parametrize("tier", TIERS)
def test_another_thread_interrupts_an_infinite_loop(tier):
    engine, store, exports = setup(tier)
    store.set_epoch_deadline(1)
    timer = threading.Timer(0.2, engine.increment_epoch)
    timer.start()
    started = time.perf_counter()
    with pytest.raises(Trap) as info:
        exports["spin"](store)
    assert info.value.code is TrapCode.INTERRUPT
    assert 0.15 < time.perf_counter() - started < 5
    assert [f.name for f in info.value.frames] == ["spin"]


@pytest.mark.parametrize("tier", TIERS)
def test_a_host_function_calling_back_is_interrupted_too(tier):
    engine = Engine(Config(tier=tier, epoch_interruption=True))
    store = Store(engine)
    exports: dict = {}

    def tick():  # re-enters: calls add, after the epoch moved past the deadline
        engine.increment_epoch()
        exports["add"](store, 1, 1)

    host = Func(store, FuncType([], []), tick)
    exports.update((k, v) for k, v in
                   Instance(store, Module(engine, PROGRAM), [host]).exports(store).items())
    store.set_epoch_deadline(1)
    with pytest.raises(Trap) as info:
        exports["count"](store, 10)
    assert info.value.code is TrapCode.INTERRUPT


@pytest.mark.parametrize("tier", TIERS)
def test_off_by_default_and_the_deadline_needs_it(tier):
    engine, store, exports = setup(tier, on=False)
    for _ in range(3):
        engine.increment_epoch()
    assert exports["count"](store, 100) == 100
    with pytest.raises(WasmError, match="epoch_interruption"):
        store.set_epoch_deadline(5)


def test_the_compiled_tier_checks_only_when_on():
    from wasmvm.exec.compile import EPOCH_CHECK, translate_source

    for on in (False, True):
        engine, store, exports = setup("compiled", on=on)
        func = exports["count"]._inst
        source = translate_source(func, store._store)
        assert source.count(EPOCH_CHECK) == (2 if on else 0)  # entry, loop head


@pytest.mark.parametrize("tier", TIERS)
def test_each_store_has_its_own_deadline(tier):
    engine = Engine(Config(tier=tier, epoch_interruption=True))
    stores = [Store(engine), Store(engine)]
    calls = [Instance(s, Module(engine, PROGRAM), [Func(s, FuncType([], []), lambda: None)])
             .exports(s)["add"] for s in stores]
    stores[0].set_epoch_deadline(1)
    stores[1].set_epoch_deadline(3)
    engine.increment_epoch()
    with pytest.raises(Trap):
        calls[0](stores[0], 1, 1)
    assert calls[1](stores[1], 1, 1) == 2
    engine.increment_epoch()
    engine.increment_epoch()
    with pytest.raises(Trap):
        calls[1](stores[1], 1, 1)


def test_translating_a_big_function_stops_at_the_deadline():
    # the epoch passes while the compiled tier translates (a host function called first
    # moves it): the translation stops with INTERRUPT instead of running on
    from .test_lowering import module, nested_ifs

    engine = Engine(Config(tier="compiled", epoch_interruption=True))
    engine.tier.defer_instructions = None  # translate at the first call
    store = Store(engine)
    f = Instance(store, Module(engine, module(nested_ifs(20_000))), []).exports(store)["f"]
    store.set_epoch_deadline(1)
    timer = threading.Timer(0.05, engine.increment_epoch)
    timer.start()
    started = time.perf_counter()
    with pytest.raises(Trap) as info:
        f(store, 3)
    assert info.value.code is TrapCode.INTERRUPT
    assert time.perf_counter() - started < 1.0  # translating it takes several seconds
    assert engine.tier.stats.translated == 0
