"""``wasmvm run --stats`` and the compiled tier's TranslationStats: functions in the
module, how many were translated, which fell back to the reference tier and why, the time
spent translating, the wall time and the fuel used."""

from __future__ import annotations

import re
import subprocess
import sys

from wasmvm import Config, Engine, Instance, Module, Store

from .test_api import wat
from .test_compile import nested_loops

# _start calls "small" and "deep" (40 nested loops: more than CPython nests, so it takes
# the flat form); "unused" is never called, never translated.
PROGRAM = nested_loops(40).replace('(export "f")', "$deep")[:-1] + """
  (func $small (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $unused (result i32) (i32.const 7))
  (func (export "_start") (drop (i32.add (call $deep) (call $small (i32.const 4))))))"""


def test_compiled_tier_counts_what_it_translates():
    store = Store(Engine(Config(tier="compiled")))
    exports = Instance(store, Module(store.engine, wat(PROGRAM)), []).exports(store)
    stats = store.engine.tier.stats
    assert (stats.translated, stats.flat, stats.fallbacks, stats.seconds) == (0, 0, [], 0.0)
    exports["_start"](store)
    assert stats.translated == 3 and stats.flat == 1  # _start, $small; $deep flat
    assert stats.fallbacks == []
    assert stats.seconds > 0
    exports["_start"](store)  # translated once only
    assert stats.translated == 3 and stats.fallbacks == []


def test_a_fallback_is_counted_with_its_reason(monkeypatch):
    from wasmvm.exec import compile as compile_module

    # an instruction the translator does not know (none in 2.0): made so for the test
    monkeypatch.delitem(compile_module._DISPATCH, "drop")
    store = Store(Engine(Config(tier="compiled")))
    exports = Instance(store, Module(store.engine, wat(PROGRAM)), []).exports(store)
    exports["_start"](store)
    stats = store.engine.tier.stats
    assert stats.fallbacks == [("func[3]", "_Untranslatable: drop")]
    # the callees of the fallback stay compiled: the reference loop calls them in the
    # compiled convention ($deep, flat, and $small)
    assert stats.translated == 2 and stats.flat == 1


def run_stats(tmp_path, *options: str) -> subprocess.CompletedProcess:
    path = tmp_path / "p.wasm"
    path.write_bytes(wat(PROGRAM))
    return subprocess.run([sys.executable, "-m", "wasmvm", "run", "--stats", *options,
                           str(path)], capture_output=True, text=True, timeout=120)


def test_run_stats_on_the_compiled_tier(tmp_path):
    r = run_stats(tmp_path, "--fuel", "100000", "--no-cache")
    assert r.returncode == 0 and r.stdout == ""
    lines = r.stderr.splitlines()
    assert lines[:3] == ["stats: functions in the module: 4 defined + 0 imported",
                         "stats: translated: 3 of 4 (1 in the flat form)",
                         "stats: fallbacks: 0"]
    assert re.fullmatch(r"stats: translation time: \d+\.\d{3} s", lines[3])
    assert re.fullmatch(r"stats: wall time: \d+\.\d{3} s", lines[4])
    fuel = re.fullmatch(r"stats: fuel used: (\d+)", lines[5])
    assert fuel and 0 < int(fuel.group(1)) < 100000
    assert len(lines) == 6


def test_run_stats_on_the_reference_tier(tmp_path):
    r = run_stats(tmp_path, "--tier", "reference")
    assert r.returncode == 0
    lines = r.stderr.splitlines()
    assert lines[:2] == ["stats: functions in the module: 4 defined + 0 imported",
                         "stats: tier: reference (nothing translated)"]
    assert lines[2].startswith("stats: wall time: ") and len(lines) == 3


def test_run_keeps_translations_in_the_cache(tmp_path):
    cache = tmp_path / "cache"
    env = {**__import__("os").environ, "WASMVM_CACHE_DIR": str(cache)}
    path = tmp_path / "p.wasm"
    path.write_bytes(wat(PROGRAM))

    def run():
        r = subprocess.run([sys.executable, "-m", "wasmvm", "run", "--stats", str(path)],
                           capture_output=True, text=True, timeout=120, env=env)
        assert r.returncode == 0, r.stderr
        return r.stderr.splitlines()[1]

    assert run() == "stats: translated: 3 of 4 (1 in the flat form, 0 from the cache)"
    assert len(list(cache.glob("*/*"))) == 3  # one entry per function translated
    assert run() == "stats: translated: 3 of 4 (1 in the flat form, 3 from the cache)"
