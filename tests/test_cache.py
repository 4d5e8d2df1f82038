"""The compiled tier's translation cache (exec.cache): a function translated by one
engine is loaded from disk by the next, and behaves the same — results, NaN bits, traps
with their offsets and backtraces, the flat form's chunks, fuel; a bad entry is ignored."""

from __future__ import annotations

import pytest

from wasmvm import Config, Engine, Instance, Module, Store
from wasmvm.errors import Trap, TrapCode
from wasmvm.exec import compile_flat, compile_survey

from .test_api import wat

PROGRAM = wat("""(module (memory 1)
  (func $nan (export "nan") (result i64)
    (i64.reinterpret_f64 (f64.const nan:0x4000000000001)))
  (func $load (export "load") (param i32) (result i32)
    (i32.add (i32.const 1) (i32.load offset=4 (local.get 0))))
  (func (export "outer") (param i32) (result i32)
    (call $load (local.get 0)))
  (func (export "loop") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1)))""")


def run_all(cache_dir, fuel=False):
    engine = Engine(Config(cache=str(cache_dir), consume_fuel=fuel))
    store = Store(engine)
    if fuel:
        store.set_fuel(10_000)
    exports = Instance(store, Module(engine, PROGRAM), []).exports(store)
    out = [exports["nan"](store), exports["loop"](store, 100), exports["outer"](store, 8)]
    with pytest.raises(Trap) as info:
        exports["outer"](store, 65533)
    trap = info.value
    out.append((trap.code, trap.offset, [f.name for f in trap.frames]))
    if fuel:
        out.append(store.get_fuel())
    return out, engine.tier


def test_a_cached_translation_behaves_as_a_fresh_one(tmp_path):
    first, tier = run_all(tmp_path)
    assert tier.stats.cached == 0 and tier.stats.translated == 4
    assert tier.cache.writes == 4 and len(list(tmp_path.glob("*/*"))) == 4
    again, tier = run_all(tmp_path)
    assert tier.stats.cached == 4 and tier.stats.translated == 4 and tier.cache.writes == 0
    assert again == first
    assert first[0] == 0x7FF4000000000001  # the NaN's payload, kept through marshal
    code, offset, frames = first[3]
    assert code is TrapCode.MEMORY_OUT_OF_BOUNDS and PROGRAM[offset] == 0x28  # i32.load
    assert frames == ["func[2]", "load"]


def test_fuel_and_no_fuel_are_different_entries(tmp_path):
    plain, _ = run_all(tmp_path)
    counted, tier = run_all(tmp_path, fuel=True)
    assert tier.stats.cached == 0  # the fuel-counting translation is another one
    counted_again, tier = run_all(tmp_path, fuel=True)
    assert tier.stats.cached == 4 and counted_again == counted
    assert counted[:4] == plain and 0 < counted[4] < 10_000


def test_a_split_flat_function_comes_back_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(compile_survey, "SPLIT_INSTRUCTIONS", 0)  # every function splits
    monkeypatch.setattr(compile_flat, "CHUNK_LINES", 2)
    first, tier = run_all(tmp_path)
    assert tier.stats.flat == 4
    again, tier = run_all(tmp_path)
    assert tier.stats.cached == 4 and tier.stats.flat == 4 and again == first


def test_a_broken_entry_is_ignored_and_rewritten(tmp_path):
    first, _ = run_all(tmp_path)
    for entry in tmp_path.glob("*/*"):
        entry.write_bytes(b"\x00garbage")
    again, tier = run_all(tmp_path)
    assert again == first and tier.stats.cached == 0 and tier.cache.writes == 4
    _, tier = run_all(tmp_path)
    assert tier.stats.cached == 4


def test_an_unwritable_cache_costs_nothing_but_the_cache(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    first, tier = run_all(blocker)
    assert tier.cache.writes == 0 and tier.stats.translated == 4
    assert first == run_all(tmp_path / "ok")[0]


def test_the_cache_is_off_by_default():
    assert Engine().tier.cache is None
    assert Engine(Config(cache=True)).tier.cache is not None
