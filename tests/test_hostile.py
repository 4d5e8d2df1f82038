"""Hostile input (issue 15): each case a hostile user found gets a typed error or runs, on
both tiers."""

from __future__ import annotations

from pathlib import Path

import pytest

from wasmvm import Config, Engine, Instance, Module, Store
from wasmvm.errors import Trap

from .test_api import wat

TIERS = ("reference", "compiled")



def _name_section(names: dict[int, bytes]) -> bytes:
    """A custom "name" section naming functions (subsection 1)."""
    body = bytes([len(names)]) + b"".join(bytes([i, len(n)]) + n for i, n in names.items())
    sub = bytes([1, len(body)]) + body
    content = b"\x04name" + sub
    return bytes([0, len(content)]) + content


# two functions named with NUL bytes in the name section
NUL_NAME = wat("""(module (func (export "f") (result i32) i32.const 42)
                          (func (export "g") unreachable))""") + _name_section(
    {0: b"a\0b", 1: b"a\0c"})


@pytest.mark.parametrize("tier", TIERS)
def test_a_function_name_with_a_nul_byte_runs(tier):
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    module = Module(engine, NUL_NAME)
    exports = Instance(store, module, []).exports(store)
    assert exports["f"](store) == 42
    with pytest.raises(Trap) as info:
        exports["g"](store)
    assert [f.name for f in info.value.frames] == ["a\0c"]


# -- calls nesting through host functions (wasm -> host -> wasm -> ...) ---------------------
REENTRANT = """(module (import "env" "h" (func $h (param i32) (result i32)))
  (func (export "f") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $h (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0)))))"""


def _reentrant(tier: str, max_call_depth: int):
    from wasmvm import Func, FuncType, ValType

    engine = Engine(Config(tier=tier, max_call_depth=max_call_depth))
    store = Store(engine)
    exports: dict = {}
    h = Func(store, FuncType([ValType.i32()], [ValType.i32()]),
             lambda x: exports["f"](store, x))
    exports["f"] = Instance(store, Module(engine, wat(REENTRANT)), [h]).exports(store)["f"]
    return store, exports["f"]


def _deepest(store, f, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            f(store, mid)
            lo = mid
        except Trap as trap:
            assert trap.code.name == "STACK_OVERFLOW"
            hi = mid - 1
    return lo


@pytest.mark.parametrize("tier", TIERS)
def test_frames_count_across_host_functions(tier):
    # each level is one wasm frame ($f) and one host function: with a budget of 50
    # frames, 50 levels run and the 51st traps, on both tiers
    store, f = _reentrant(tier, 50)
    assert _deepest(store, f, 200) == 49


@pytest.mark.parametrize("tier", TIERS)
def test_nesting_through_host_functions_has_a_budget(tier):
    from wasmvm.exec.store import MAX_HOST_NESTING

    store, f = _reentrant(tier, 100_000)
    assert _deepest(store, f, 5 * MAX_HOST_NESTING) == MAX_HOST_NESTING - 1
    assert store._store.nesting == 0 and store._store.depth == 0


@pytest.mark.parametrize("tier", TIERS)
def test_a_runaway_reentry_traps_quickly_and_never_crashes(tier):
    # even with Python's recursion limit raised by the application (which let CPython
    # run off its C stack, a segmentation fault, before the nesting budget)
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import sys, time
        sys.setrecursionlimit(1_000_000)
        from tests.test_hostile import _reentrant
        store, f = _reentrant({tier!r}, 1_000_000)
        started = time.perf_counter()
        try:
            f(store, 20_000)
        except Exception as e:
            print(type(e).__name__, e.code.name, round(time.perf_counter() - started, 2))
        """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=60, cwd=str(__import__("pathlib").Path(__file__).parent.parent))
    assert r.returncode == 0, r.stderr[-2000:]
    name, code, seconds = r.stdout.split()
    assert (name, code) == ("Trap", "STACK_OVERFLOW") and float(seconds) < 2


# -- mutation fuzzing (tools/fuzz.py --source mutate) ----------------------------------------
HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile"


def test_every_failure_the_mutation_fuzzer_found_is_fixed():
    # fixtures/hostile/ holds each distinct failure tools/fuzz.py --source mutate saved;
    # replayed as the fuzzer ran them: in a process capped at 2 GiB of address space
    import json
    import subprocess
    import sys

    paths = sorted(str(p) for p in HOSTILE.glob("*.wasm"))
    assert paths  # (at least the MemoryError found in the first million mutants)
    script = (
        "import json, resource, sys\n"
        "cap = 2048 * 1024 * 1024\n"
        "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
        "from wasmvm.difftest.mutate import exercise\n"
        "print(json.dumps([[p, t, *exercise(open(p, 'rb').read(), t)] for p in sys.argv[1:]\n"
        "                  for t in ('reference', 'compiled')]))\n")
    r = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    from wasmvm.difftest.mutate import OUTCOMES

    for path, tier, outcome, what in json.loads(r.stdout):
        assert outcome in OUTCOMES, f"{path} on {tier}: {what}"


def test_exercise_tells_how_far_an_input_got():
    from wasmvm.difftest.mutate import exercise

    good = wat('(module (func (export "f") (param i32) (result i32) local.get 0))')
    assert exercise(good, "compiled") == ("ran", None)
    assert exercise(good[:-3], "compiled") == ("malformed", None)
    invalid = wat('(module (func (export "f") (result i32) i32.const 1))')
    invalid = invalid.replace(b"\x41\x01", b"\x42\x01")  # i64.const where i32 is due
    assert exercise(invalid, "reference") == ("invalid", None)
    spin = wat('(module (import "m" "g" (global i64)) (memory (import "m" "mem") 1) '
               '(func (export "f") (loop (br 0))))')  # stub imports; fuel ends the loop
    assert exercise(spin, "compiled") == ("ran", None)


def test_mutants_are_reproducible_and_vary():
    import random

    from wasmvm.difftest.mutate import mutate, sections

    seed = NUL_NAME
    assert [start for start, _, _ in sections(seed)][0] == 8
    a = [mutate(seed, random.Random(f"x:{i}")) for i in range(50)]
    assert a == [mutate(seed, random.Random(f"x:{i}")) for i in range(50)]
    assert len(set(a)) > 40 and seed not in a


def test_the_mutation_fuzzer_runs_and_finds_nothing():
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, str(root / "tools" / "fuzz.py"), "--source", "mutate",
                        "--modules", "600", "--jobs", "1", "--seed", "3"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert "mutants: 600 (" in r.stdout and "0 neither success nor a typed error" in r.stdout


# -- a nesting bomb: 59,000 nested ifs in a 295 KB module -------------------------------------
def _nesting_bomb() -> bytes:
    from .test_lowering import module

    n = 59_000
    return module(b"\x20\x00\x04\x40" * n + b"\x0b" * n + b"\x20\x00")


@pytest.mark.parametrize("tier", TIERS)
def test_a_nesting_bomb_runs_in_bounds(tier):
    # decoded, validated and run in under 2 s and 300 MB (measured in a fresh process);
    # the compiled tier runs such a function's first call on the reference tier, as
    # translating 177,000 instructions costs more than running them once
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import resource, time
        from tests.test_hostile import _nesting_bomb
        from wasmvm import Config, Engine, Instance, Module, Store
        data = _nesting_bomb()
        started = time.perf_counter()
        engine = Engine(Config(tier={tier!r}))
        store = Store(engine)
        f = Instance(store, Module(engine, data), []).exports(store)["f"]
        result = f(store, 3)
        seconds = time.perf_counter() - started
        stats = getattr(engine.tier, "stats", None)
        peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) // 1024
        print(len(data), result, round(seconds, 2), peak, stats and stats.deferred)
        """)
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       timeout=120, cwd=str(root))
    assert r.returncode == 0, r.stderr[-2000:]
    size, result, seconds, peak, deferred = r.stdout.split()
    assert int(size) < 300_000 and result == "3"
    assert float(seconds) < 2 and int(peak) < 300, r.stdout
    assert deferred == ("1" if tier == "compiled" else "None")


def test_a_deferred_function_is_translated_on_its_second_call():
    from wasmvm.exec import compile_rt

    engine = Engine(Config(tier="compiled"))
    engine.tier.defer_instructions = 5  # (a small function stands for a big one)
    store = Store(engine)
    f = Instance(store, Module(engine, wat(
        '(module (func (export "f") (param i32) (result i32) (local.get 0) (i32.const 1) '
        'i32.add i32.const 2 i32.mul i32.const 3 i32.sub i32.const 4 i32.xor))')), []
        ).exports(store)["f"]
    assert f(store, 5) == ((5 + 1) * 2 - 3) ^ 4
    stats = engine.tier.stats
    assert (stats.deferred, stats.translated) == (1, 0)
    assert f(store, 6) == ((6 + 1) * 2 - 3) ^ 4
    assert (stats.deferred, stats.translated) == (1, 1)
    assert not compile_rt.is_fallback(f._inst.compiled)
    assert f(store, 7) == ((7 + 1) * 2 - 3) ^ 4 and stats.translated == 1
