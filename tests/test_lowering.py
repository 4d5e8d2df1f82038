"""The compiled tier's control-flow lowering translates every function, whatever its
nesting: deep nests of blocks, ifs and loops take the flat form (exec/compile_flat.py)
and give the reference tier's results and traps; br_table dispatches by a tree."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap
from wasmvm.exec import compile_flat, compile_rt, compile_survey
from wasmvm.exec.compile import Translator, translate_source
from wasmvm.exec.compile_flat import FlatTranslator
from wasmvm.exec.compiled_tier import CompiledTier
from wasmvm.exec.engine import REFERENCE

HEADER = b"\x00asm\x01\x00\x00\x00"
I32 = b"\x7f"


def uleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def section(sid: int, content: bytes) -> bytes:
    return bytes([sid]) + uleb(len(content)) + content


def module(body: bytes) -> bytes:
    """``(func (export "f") (param i32) (result i32) (local i32) body)``."""
    functype = b"\x60\x01" + I32 + b"\x01" + I32
    code = b"\x01\x01" + I32 + body + b"\x0b"
    return (HEADER + section(1, b"\x01" + functype) + section(3, b"\x01\x00")
            + section(7, b"\x01\x01f\x00\x00")
            + section(10, b"\x01" + uleb(len(code)) + code))


GET0, GET1, SET1 = b"\x20\x00", b"\x20\x01", b"\x21\x01"
INC1 = GET1 + b"\x41\x01\x6a" + SET1  # l1 += 1


def const(n: int) -> bytes:
    return b"\x41" + sleb(n)


def trap_if_param_is(k: int) -> bytes:
    """``if (l0 == k) unreachable``: a trap with an offset, deep inside."""
    return GET0 + const(k) + b"\x46\x04\x40\x00\x0b"


def nested_blocks(n: int) -> bytes:
    """n nested blocks; the innermost leaves ``l0 % n`` of them early (br_if), and each
    block left normally counts itself."""
    inner = trap_if_param_is(7) + GET0 + b"\x0d" + uleb(n // 2)
    return b"\x02\x40" * n + inner + (b"\x0b" + INC1) * n + GET1


def nested_ifs(n: int) -> bytes:
    """n nested ifs on ``l0 > i``, each else arm counting, the then arms going deeper."""
    out = bytearray()
    for i in range(n):
        out += GET0 + const(i) + b"\x4b\x04\x40"  # i32.gt_u, if
    out += trap_if_param_is(n + 1) + INC1
    out += (b"\x05" + INC1 + INC1 + b"\x0b") * n
    return bytes(out + GET1)


def nested_loops(n: int) -> bytes:
    """n nested loops; the innermost repeats loop ``n // 3`` (counting up to 5 + l0)."""
    inner = trap_if_param_is(7) + INC1 + GET1 + GET0 + const(5) + b"\x6a\x49"  # lt_u
    inner += b"\x0d" + uleb(n // 3)
    return b"\x03\x40" * n + inner + (b"\x0b" + INC1) * n + GET1


def mixed(n: int) -> bytes:
    """Loops, blocks and ifs interleaved, branches to every kind at several depths."""
    out = bytearray()
    for i in range(n):
        kind = i % 3
        if kind == 0:
            out += b"\x02\x40"  # block
        elif kind == 1:
            out += b"\x03\x40"  # loop
        else:
            out += GET0 + const(i) + b"\x4b\x04\x40"  # if
    out += INC1 + GET1 + const(3) + b"\x49" + b"\x0d" + uleb(min(n - 1, 4))
    out += trap_if_param_is(7)
    for i in reversed(range(n)):
        kind = i % 3
        if kind == 2:
            out += b"\x05" + INC1 + b"\x0b"
        else:
            out += b"\x0b"
        if i:  # leave one of the enclosing constructs once l1 is large
            out += INC1 + GET1 + const(20) + b"\x4b" + b"\x0d" + uleb(min(i - 1, 2))
    return bytes(out + GET1)


def stacked(n: int) -> bytes:
    """Blocks and ifs, each entered with one more value on the stack (n values deep at
    the innermost), a local.set there, and each value added to l1 after its construct."""
    out = bytearray()
    for i in range(n):
        out += GET0
        out += b"\x02\x40" if i % 2 == 0 else GET0 + const(i) + b"\x4b\x04\x40"
    out += trap_if_param_is(7) + GET0 + SET1
    for i in reversed(range(n)):
        out += b"\x0b" if i % 2 == 0 else b"\x05" + INC1 + b"\x0b"
        out += GET1 + b"\x6a" + SET1
    return bytes(out + GET1)


def big_br_table(n: int) -> bytes:
    """n nested blocks left by a br_table of n targets (reversed, default 0); each block
    end adds its level to l1."""
    out = bytearray(b"\x02\x40" * n)
    out += GET0 + b"\x0e" + uleb(n) + b"".join(uleb(n - 1 - k) for k in range(n)) + b"\x00"
    for i in range(n):
        out += b"\x0b" + GET1 + const(i + 1) + b"\x6a" + SET1
    return bytes(out + GET1)


def table_of_runs(n: int) -> bytes:
    """A br_table of n targets over 4 blocks (runs of equal targets)."""
    out = bytearray(b"\x02\x40" * 4)
    out += GET0 + b"\x0e" + uleb(n) + b"".join(uleb((k * 7 // n) % 4) for k in range(n))
    out += b"\x03"
    for i in range(4):
        out += b"\x0b" + GET1 + const(10 ** i) + b"\x6a" + SET1
    return bytes(out + GET1)


def run(data: bytes, tier, args):
    """Results (or the trap's message and offset) of ``f`` on each argument."""
    store = Store(Engine(Config(tier="compiled")))
    store._store.tier = tier
    mod = Module(store.engine, data)
    inst = Instance(store, mod, [])
    f = inst.exports(store)["f"]
    out = []
    for a in args:
        try:
            out.append(f(store, a))
        except Trap as trap:
            out.append((str(trap.code), trap.offset))
    return out, f._inst


def check(data: bytes, args, flat: bool | None = True):
    tier = CompiledTier(fallback=REFERENCE, defer_instructions=0)  # translate at once
    got, func = run(data, tier, args)
    assert not compile_rt.is_fallback(func.compiled)
    if flat is not None:
        assert func.compiled.__code__.co_varnames.count("st") == int(flat)
    want, ref = run(data, REFERENCE, args)
    assert ref.compiled is None  # that ran on the reference tier
    assert got == want
    return got


SHAPES = {"blocks": nested_blocks, "ifs": nested_ifs, "loops": nested_loops,
          "mixed": mixed, "stacked": stacked}
ARGS = [0, 1, 2, 3, 7, 50, 999, 5000]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n", [1, 3, 17, 25, 1000])
def test_nested_shapes_match_the_reference_tier(shape, n):
    flat = None if n < 1000 else True  # the structured form where CPython takes it
    if shape == "blocks":
        flat = None  # blocks nobody targets need no Python construct
    check(module(SHAPES[shape](n)), ARGS, flat)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n", [10_000, 100_000])
def test_deep_nesting_translates_without_fallback(shape, n):
    check(module(SHAPES[shape](n)), [0, 7, 3, 20], flat=None)


@pytest.mark.parametrize("shape", [*SHAPES, "table"])
def test_split_into_chunks_matches_the_reference_tier(shape, monkeypatch):
    # small limits, so that small functions are split into many chunks
    monkeypatch.setattr(compile_survey, "SPLIT_INSTRUCTIONS", 50)
    monkeypatch.setattr(compile_flat, "CHUNK_LINES", 7)
    make = SHAPES.get(shape, big_br_table)
    data = module(make(200))
    tier = CompiledTier(fallback=REFERENCE)
    got, func = run(data, tier, ARGS)
    assert f"CH{func.index}" in func.compiled.__code__.co_names
    want, _ = run(data, REFERENCE, ARGS)
    assert got == want


def test_a_trap_deep_inside_has_its_offset():
    data = module(nested_ifs(500))
    got = check(data, [501])
    assert got[0][0] == "TrapCode.UNREACHABLE" and got[0][1] is not None


def test_br_table_with_1000_targets():
    data = module(big_br_table(1000))
    check(data, [0, 1, 2, 500, 998, 999, 1000, 2**31, 2**32 - 1])


@pytest.mark.parametrize("n", [1, 2, 5, 1000])
def test_br_table_dispatches_by_a_tree(n):
    data = module(table_of_runs(n))
    check(data, list(range(n + 2)) + [2**32 - 1], flat=False)
    store = Store(Engine(Config(tier="compiled")))
    func = Instance(store, Module(store.engine, data), []).exports(store)["f"]._inst
    source = translate_source(func)
    assert source.count("_i < ") <= 2 * (8 * 4)  # runs, not targets


def test_translate_source_shows_the_flat_form():
    store = Store(Engine(Config(tier="compiled")))
    mod = Module(store.engine, module(nested_loops(30)))
    func = Instance(store, mod, []).exports(store)["f"]._inst
    assert "while True:" in translate_source(func) and "st = " in translate_source(func)


def measure(data: bytes, trace: bool) -> float:
    """Seconds (trace False) or peak MiB by tracemalloc (trace True, which is slower) of
    translating and compiling ``f``."""
    store = Store(Engine(Config(tier="compiled")))
    func = Instance(store, Module(store.engine, data), []).exports(store)["f"]._inst
    tier = CompiledTier(fallback=REFERENCE)
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    fn = tier.translate_now(func, store._store)
    seconds = time.perf_counter() - t0
    assert not compile_rt.is_fallback(fn)
    if not trace:
        return seconds
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


SIZES = (1_000, 10_000, 100_000)


def test_translation_grows_linearly(capsys):
    """A measurement, printed (no assertion on time): seconds and peak memory of the
    translation of each shape at 1k, 10k and 100k levels of nesting."""
    rows = []
    for shape, make in SHAPES.items():
        for n in SIZES:
            data = module(make(n))
            seconds = measure(data, False)
            mib = measure(data, True) if n < 100_000 else float("nan")
            rows.append(f"{shape:7} {n:>7}: {seconds:7.2f} s {mib:8.1f} MiB peak")
    with capsys.disabled():
        print("\ntranslation (structured or flat form, compile() included; peak memory by "
              "tracemalloc, not measured at 100k here but by the test below for ifs):")
        print("\n".join(rows))


def test_100k_nested_ifs_translate_in_bounds():
    data = module(nested_ifs(100_000))
    assert measure(data, False) < 30
    assert measure(data, True) < 500


def test_both_translators_are_used():
    assert issubclass(FlatTranslator, Translator)


def fuel_left(data: bytes, tier: str, arg: int, fuel: int, split: bool, monkeypatch):
    if split:
        monkeypatch.setattr(compile_survey, "SPLIT_INSTRUCTIONS", 50)
        monkeypatch.setattr(compile_flat, "CHUNK_LINES", 7)
    store = Store(Engine(Config(tier=tier, consume_fuel=True)))
    f = Instance(store, Module(store.engine, data), []).exports(store)["f"]
    store.set_fuel(fuel)
    try:
        out = f(store, arg)
    except Trap as trap:
        out = str(trap.code)
    return out, store.get_fuel()


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_the_flat_form_charges_fuel_as_the_reference_tier(shape, split, monkeypatch):
    data = module(SHAPES[shape](300))
    for arg, fuel in ((3, 100_000), (50, 100_000), (3, 900), (50, 1_500)):
        want = fuel_left(data, "reference", arg, fuel, False, monkeypatch)
        assert fuel_left(data, "compiled", arg, fuel, split, monkeypatch) == want
