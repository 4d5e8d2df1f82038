"""The compiled tier's memory accesses through typed views (exec.memory's view tables
W2, W4, W8, WD): the same values and traps as the reference tier for every scalar load
and store, aligned or not, at the bounds; growth during a call; a memory shared by two
instances; trap offsets; and the struct form kept for hosts without native views."""

from __future__ import annotations

import gc
import struct

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode
from wasmvm.exec import compile_rt
from wasmvm.exec import memory as memory_mod
from wasmvm.exec.compile import translate_source
from wasmvm.exec.memory import PAGE_SIZE, Memory

from .test_api import wat

LOADS = [("i32.load", "i32", 4), ("i64.load", "i64", 8), ("f32.load", "f32", 4),
         ("f64.load", "f64", 8), ("i32.load8_u", "i32", 1), ("i32.load8_s", "i32", 1),
         ("i32.load16_u", "i32", 2), ("i32.load16_s", "i32", 2), ("i64.load8_s", "i64", 1),
         ("i64.load16_u", "i64", 2), ("i64.load16_s", "i64", 2), ("i64.load32_u", "i64", 4),
         ("i64.load32_s", "i64", 4)]
STORES = [("i32.store", "i32", 4), ("i64.store", "i64", 8), ("f32.store", "f32", 4),
          ("f64.store", "f64", 8), ("i32.store8", "i32", 1), ("i32.store16", "i32", 2),
          ("i64.store8", "i64", 1), ("i64.store16", "i64", 2), ("i64.store32", "i64", 4)]
OFFSETS = (0, 3, 8)
#: addresses given at run time, and baked in as constants (folded by the translator)
CONST_ADDRS = (0, 1, PAGE_SIZE - 9, PAGE_SIZE - 8, PAGE_SIZE - 5, PAGE_SIZE - 4,
               PAGE_SIZE - 2, PAGE_SIZE - 1, PAGE_SIZE)
U64 = 0xFFFFFFFFFFFFFFFF
BITS = {"i32": "i32", "i64": "i64", "f32": "i32", "f64": "i64"}


def _as_bits(op: str, ty: str) -> str:
    """The instructions after a load of ``ty``: its result as integer bits."""
    return {"f32": "i32.reinterpret_f32", "f64": "i64.reinterpret_f64"}.get(ty, "")


def _from_bits(ty: str) -> str:
    return {"f32": "f32.reinterpret_i32", "f64": "f64.reinterpret_i64"}.get(ty, "")


def access_module(pages: int = 1, max_pages: str = "") -> str:
    """Every scalar load and store, by a parameter address and by constant addresses,
    with several offsets; values as integer bits (f32/f64 reinterpreted: NaN payloads)."""
    funcs = []
    for k, (op, ty, _) in enumerate(LOADS):
        for off in OFFSETS:
            funcs.append(f"""(func (export "l{k}_{off}") (param i32) (result {BITS[ty]})
              local.get 0 {op} offset={off} {_as_bits(op, ty)})""")
        for a in CONST_ADDRS:
            funcs.append(f"""(func (export "lc{k}_{a}") (result {BITS[ty]})
              i32.const {a} {op} offset=4 {_as_bits(op, ty)})""")
    for k, (op, ty, _) in enumerate(STORES):
        for off in OFFSETS:
            funcs.append(f"""(func (export "s{k}_{off}") (param i32 {BITS[ty]})
              local.get 0 local.get 1 {_from_bits(ty)} {op} offset={off})""")
            # the address computed (an add): the view's index needs a temporary
            funcs.append(f"""(func (export "sa{k}_{off}") (param i32 {BITS[ty]})
              local.get 0 i32.const 1 i32.add i32.const 1 i32.sub local.get 1
              {_from_bits(ty)} {op} offset={off})""")
        for a in CONST_ADDRS:
            funcs.append(f"""(func (export "sc{k}_{a}") (param {BITS[ty]})
              i32.const {a} local.get 0 {_from_bits(ty)} {op} offset=4)""")
    return f"""(module (memory (export "mem") {pages} {max_pages})
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      {' '.join(funcs)})"""


def instantiate(text_or_wasm, tier: str, imports=(), store=None):
    store = store or Store(Engine(Config(tier=tier)))
    wasm = wat(text_or_wasm) if isinstance(text_or_wasm, str) else text_or_wasm
    inst = Instance(store, Module(store.engine, wasm), list(imports))
    return store, inst, inst.exports(store)


def outcome(fn, store, *args):
    try:
        return fn(store, *args)
    except Trap as trap:
        assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS, trap
        return ("trap", trap.offset)


@pytest.fixture(params=["lazy", "bytearray"])
def backing(request, monkeypatch):
    if request.param == "bytearray":
        monkeypatch.setattr(memory_mod, "LAZY_FLAGS", None)
    elif memory_mod.LAZY_FLAGS is None:
        pytest.skip("no lazy memory on this platform")
    return request.param


@pytest.fixture(scope="module")
def access_wasm():
    return wat(access_module(1, "3"))


#: addresses given at run time: at the start, around the end of the first page and past it
ADDRS = (0, 1, 2, 3, 5, PAGE_SIZE - 17, PAGE_SIZE - 16, PAGE_SIZE - 12, PAGE_SIZE - 11,
         PAGE_SIZE - 9, PAGE_SIZE - 8, PAGE_SIZE - 7, PAGE_SIZE - 5, PAGE_SIZE - 4,
         PAGE_SIZE - 3, PAGE_SIZE - 2, PAGE_SIZE - 1, PAGE_SIZE, 0xFFFFFFF8, 0xFFFFFFFF)
#: values that exercise each width: a pattern, all ones, signalling NaN payloads as bits
VALUES = {"i32": (0x89ABCDEF, 0xFFFFFFFF, 0x7FA00001), "i64": (
    0x0123456789ABCDEF, 0xFFFFFFFFFFFFFFFF, 0x7FF0000000000001, 0xFFF4000000000123)}


def _trace(access_wasm, tier: str, pages_after: int = 0) -> list:
    """What every access does on ``tier``: results, traps (with offsets), and the bytes
    each store leaves (read back through a load of the store's width)."""
    store, _, ex = instantiate(access_wasm, tier)
    if pages_after:
        assert ex["grow"](store, pages_after) == 1
    end = (1 + pages_after) * PAGE_SIZE
    addrs = sorted({a if a < PAGE_SIZE - 64 or a >= 0xFFFF0000 else a - PAGE_SIZE + end
                    for a in ADDRS})
    seen = []
    mem = ex["mem"]
    for k, (op, ty, size) in enumerate(STORES):
        for off in OFFSETS:
            for a in addrs:
                for v in VALUES[BITS[ty]]:
                    for kind in ("s", "sa"):
                        seen.append((kind, op, off, a, v, outcome(ex[f"{kind}{k}_{off}"], store, a, v)))
                        if a + off + size <= end:
                            seen.append(bytes(mem.read(store, a + off, a + off + size)))
        for a in CONST_ADDRS:
            seen.append(("sc", op, a, outcome(ex[f"sc{k}_{a}"], store, VALUES[BITS[ty]][0])))
    for k, (op, _, _) in enumerate(LOADS):
        for off in OFFSETS:
            for a in addrs:
                seen.append(("l", op, off, a, outcome(ex[f"l{k}_{off}"], store, a)))
        for a in CONST_ADDRS:
            seen.append(("lc", op, a, outcome(ex[f"lc{k}_{a}"], store)))
    return seen


@pytest.mark.parametrize("pages_after", [0, 1])
def test_every_scalar_access_matches_the_reference_tier_at_the_bounds(access_wasm, backing,
                                                                       pages_after):
    """Loads and stores of every width, aligned and not, by run-time and constant
    addresses, at the end of memory (before and after a growth): the compiled tier's
    values, stored bytes and traps (with their offsets) are the reference tier's."""
    compiled = _trace(access_wasm, "compiled", pages_after)
    assert compiled == _trace(access_wasm, "reference", pages_after)
    assert sum(1 for x in compiled if isinstance(x, tuple) and isinstance(x[-1], tuple)) > 100


#: a load and a store through a constant offset, and an f64 load: one of each view form
_VIEWS_SAMPLE = """(module (memory 1)
  (func (export "f") (param i32) (result f64)
    local.get 0 local.get 0 i32.load offset=8 i32.store16
    local.get 0 f64.load offset=16))"""


def test_accesses_are_translated_to_views():
    _, inst, _ = instantiate(_VIEWS_SAMPLE, "compiled")
    source = translate_source(inst._inst.funcs[0])
    assert "W2[l0 & 1][(l0 >> 1) + 0]" not in source  # (no "+ 0")
    assert "W4[l0 & 3][(l0 >> 2) + 2]" in source and "W2[l0 & 1][l0 >> 1] = " in source
    assert "WD[l0 & 7][(l0 >> 3) + 2]" in source
    assert "_L4(" not in source and "_Ld(" not in source


def test_nan_payloads_survive_the_views():
    text = """(module (memory 1)
      (func (export "f64") (param i64) (result i64)
        i32.const 8 local.get 0 f64.reinterpret_i64 f64.store
        i32.const 8 f64.load i64.reinterpret_f64)
      (func (export "f32") (param i32) (result i32)
        i32.const 4 local.get 0 f32.reinterpret_i32 f32.store
        i32.const 4 f32.load i32.reinterpret_f32))"""
    for tier in ("compiled", "reference"):
        store, _, ex = instantiate(text, tier)
        for bits in (0x7FF0000000000001, 0xFFF4000000000123, 0x7FF8000000000000):
            assert ex["f64"](store, bits) & 0xFFFFFFFFFFFFFFFF == bits
        for bits in (0x7F800001, 0xFFA00123, 0x7FC00000):
            assert ex["f32"](store, bits) & 0xFFFFFFFF == bits


GROW_THEN_LOAD = """(module (memory (export "mem") 1 4)
  (func (export "f") (param i32) (result i64)
    ;; store, grow by one page, then store and load past the old end, in one frame
    i32.const 65528 i64.const 0x1122334455667788 i64.store
    (drop (memory.grow (i32.const 1)))
    local.get 0 i64.const 0x0102030405060708 i64.store
    local.get 0 i64.load
    i32.const 65528 i64.load
    i64.add)
  (func (export "size") (result i32) memory.size))"""


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_a_function_that_grows_memory_then_accesses_past_the_old_end(tier, backing):
    store, _, ex = instantiate(GROW_THEN_LOAD, tier)
    assert ex["f"](store, PAGE_SIZE + 3) == 0x1122334455667788 + 0x0102030405060708
    assert ex["size"](store) == 2
    with pytest.raises(Trap) as info:
        ex["f"](store, 3 * PAGE_SIZE - 7)  # grows to 3 pages; 8 bytes there do not fit
    assert info.value.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert ex["f"](store, 3 * PAGE_SIZE - 8) > 0 and ex["size"](store) == 4


SHARED_USER = """(module (import "env" "mem" (memory 1))
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "store") (param i32 i64) local.get 0 local.get 1 i64.store)
  (func (export "load") (param i32) (result i64) local.get 0 i64.load)
  (func (export "loadf") (param i32) (result f64) local.get 0 f64.load offset=1)
  (func (export "load32") (param i32) (result i32) local.get 0 i32.load))"""


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_a_shared_memory_grown_by_one_instance_is_seen_by_the_other(tier, backing):
    store, owner, ex_a = instantiate(SHARED_USER.replace(
        '(import "env" "mem" (memory 1))', '(memory (export "mem") 1)'), tier)
    _, _, ex_b = instantiate(SHARED_USER, tier, [ex_a["mem"]], store)
    # both have run (their namespaces, with the views, exist) before the growth
    ex_a["store"](store, 8, 1)
    assert ex_b["load"](store, 8) == 1
    with pytest.raises(Trap):
        ex_b["load"](store, PAGE_SIZE)
    assert ex_a["grow"](store, 1) == 1
    ex_b["store"](store, 2 * PAGE_SIZE - 8, 0xAABBCCDD11223344)
    assert ex_a["load"](store, 2 * PAGE_SIZE - 8) & U64 == 0xAABBCCDD11223344
    assert ex_b["load32"](store, 2 * PAGE_SIZE - 4) & 0xFFFFFFFF == 0xAABBCCDD
    assert ex_b["grow"](store, 2) == 2
    ex_a["store"](store, 4 * PAGE_SIZE - 9, 0x3FF0000000000000)
    assert ex_b["loadf"](store, 4 * PAGE_SIZE - 10) == 1.0
    assert ex_b["load"](store, 4 * PAGE_SIZE - 8) == 0x003FF00000000000
    with pytest.raises(Trap):
        ex_a["load"](store, 4 * PAGE_SIZE - 7)
    with pytest.raises(Trap):
        ex_b["loadf"](store, 4 * PAGE_SIZE - 8)


def test_a_host_view_still_blocks_growth_and_the_views_survive_the_failure(backing):
    store, _, ex = instantiate(SHARED_USER.replace(
        '(import "env" "mem" (memory 1))', '(memory (export "mem") 1)'), "compiled")
    ex["store"](store, 0, 5)
    view = ex["mem"].buffer(store)
    assert ex["grow"](store, 1) == -1
    assert ex["load"](store, 0) == 5  # the views were made again after the failure
    view.release()
    assert ex["grow"](store, 1) == 1
    assert ex["load"](store, PAGE_SIZE) == 0


TRAPPING = """(module (memory 1)
  (func $inner (export "inner") (param i32) (result i64)
    nop nop
    local.get 0
    i64.load offset=5)
  (func (export "outer") (param i32) (result i64)
    local.get 0 call $inner i32.const 0 f64.load drop))"""


def test_an_out_of_bounds_view_access_is_located_like_the_reference_tiers():
    traps = {}
    for tier in ("compiled", "reference"):
        store, _, ex = instantiate(TRAPPING, tier)
        with pytest.raises(Trap) as info:
            ex["outer"](store, PAGE_SIZE - 12)
        traps[tier] = info.value
        assert ex["outer"](store, PAGE_SIZE - 13) == 0
    compiled, reference = traps["compiled"], traps["reference"]
    assert compiled.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert compiled.offset is not None and compiled.offset == reference.offset
    assert [f.name for f in compiled.frames] == [f.name for f in reference.frames]
    assert str(compiled) == str(reference)


def test_a_memory_of_zero_pages():
    text = """(module (memory (export "mem") 0)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "load") (param i32) (result i64) local.get 0 i64.load)
      (func (export "load16") (param i32) (result i32) local.get 0 i32.load16_u))"""
    for tier in ("compiled", "reference"):
        store, _, ex = instantiate(text, tier)
        for fn in ("load", "load16"):
            with pytest.raises(Trap):
                ex[fn](store, 0)
        assert ex["grow"](store, 1) == 0
        assert ex["load"](store, PAGE_SIZE - 8) == 0 and ex["load16"](store, PAGE_SIZE - 3) == 0
        with pytest.raises(Trap):
            ex["load16"](store, PAGE_SIZE - 1)


def test_view_tables_index_exactly_the_bytes_in_bounds():
    mem = Memory(1)
    ns: dict = {}
    mem.attach(ns)
    mem.data[PAGE_SIZE - 11 : PAGE_SIZE] = bytes(range(1, 12))
    for name, size, fmt in memory_mod.VIEW_TABLES:
        table = ns[name]
        assert len(table) == size
        for ea in range(PAGE_SIZE - 2 * size - 3, PAGE_SIZE + 2):
            view = table[ea % size]
            if ea + size <= PAGE_SIZE:
                assert view[ea // size] == struct.unpack_from("<" + fmt, mem.data, ea)[0]
            else:
                with pytest.raises(IndexError):
                    view[ea // size]


def test_the_memory_does_not_keep_an_attached_namespace_alive():
    mem = Memory(1)
    ns: dict = {}
    mem.attach(ns)
    ns2: dict = {}
    mem.attach(ns2)
    assert len(mem._attached) == 2
    del ns
    gc.collect()
    assert len(mem._attached) == 1
    assert mem.grow(1) == 1
    assert len(ns2["W4"][0]) == 2 * PAGE_SIZE // 4


def test_hosts_without_native_views_use_struct(monkeypatch, access_wasm):
    """A big-endian host has no usable casts: the namespace has no view tables and the
    translator writes struct calls, with the same results."""
    monkeypatch.setattr(compile_rt, "NATIVE_VIEWS", False)
    _, inst, _ = instantiate(_VIEWS_SAMPLE, "compiled")
    source = translate_source(inst._inst.funcs[0])
    assert "_L4(M, l0 + 8)[0]" in source and "W4" not in source
    assert _trace(access_wasm, "compiled") == _trace(access_wasm, "reference")


@pytest.mark.parametrize("tier", ["reference", "compiled"])
def test_each_access_takes_its_own_address_from_the_top_of_the_stack(tier):
    """Every load and store reads its address (and value) from the top of the operand
    stack, whatever lies below: here another address (64 or 200), which must not be
    used, and stays on the stack."""
    loads = "\n".join(
        f'(func (export "{op}") (param i32) (result i32 {ty}) '
        f"(i32.const 64) (local.get 0) ({op}))" for op, ty, _size in LOADS)
    stores = "\n".join(
        f'(func (export "{op}") (param i32) (result i32) '
        f"(i32.const 200) (local.get 0) ({ty}.const 7) ({op}))" for op, ty, _size in STORES)
    module = wat(f'(module (memory (export "mem") 1) '
                 f'(data (i32.const 8) "\\81\\82\\83\\84\\85\\86\\87\\88") {loads} {stores})')
    store = Store(Engine(Config(tier=tier)))
    exports = Instance(store, Module(store.engine, module), []).exports(store)
    data = bytes(range(0x81, 0x89))
    for op, ty, size in LOADS:
        below, value = exports[op](store, 8)
        assert below == 64, op
        raw = data[:size]
        if ty in ("f32", "f64"):
            expected = struct.unpack("<f" if ty == "f32" else "<d", raw)[0]
        else:
            expected = int.from_bytes(raw, "little", signed=op.endswith("_s"))
            half = 1 << (31 if ty == "i32" else 63)  # the API gives integers signed
            expected = (expected + half) % (2 * half) - half
        assert value == expected or (value != value and expected != expected), op
    mem = exports["mem"]
    for op, ty, size in STORES:
        assert exports[op](store, 128) == 200, op
        want = {"f32": struct.pack("<f", 7.0), "f64": struct.pack("<d", 7.0)}.get(
            ty, (7).to_bytes(size, "little"))
        assert mem.read(store, 128, 128 + size) == want, op
        assert mem.read(store, 200, 208) == bytes(8), op


def test_every_memory_method_checks_its_range():
    """Memory's own accesses (the stack machine's loads and stores, the host's reads and
    writes, the bulk operations and segment initialisation) trap out of bounds, negative
    addresses and lengths included (Python would index from the end), and write nothing
    when they trap."""
    m = Memory(1)
    end = PAGE_SIZE
    m.store(end - 4, 4, 0x01020304)
    assert m.load(end - 4, 4) == 0x01020304 and m.load(end - 1, 1) == 0x01
    m.store(0, 16, 1 << 120)
    assert m.load(0, 16) == 1 << 120
    for ea, size in ((-1, 1), (-4, 4), (end - 3, 4), (end, 1), (end - 15, 16)):
        with pytest.raises(Trap):
            m.load(ea, size)
        with pytest.raises(Trap):
            m.store(ea, size, 0)
    assert m.read(end - 2, 2) == b"\x02\x01" and m.read(end, 0) == b""
    for ea, n in ((-1, 1), (0, -1), (end - 1, 2), (end + 1, 0)):
        with pytest.raises(Trap):
            m.read(ea, n)
        with pytest.raises(Trap):
            m.fill(ea, 0xAA, n)
        with pytest.raises(Trap):
            m.copy(ea, 0, n)
        with pytest.raises(Trap):
            m.copy(0, ea, n)
    with pytest.raises(Trap):
        m.write(end - 1, b"ab")
    with pytest.raises(Trap):
        m.write(-1, b"a")
    with pytest.raises(Trap):
        m.init(end - 1, b"abc", 0, 2)  # past the memory
    with pytest.raises(Trap):
        m.init(0, b"abc", 2, 2)  # past the segment
    m.init(end - 2, b"abc", 1, 2)
    assert m.read(end - 2, 2) == b"bc"
    assert len(m.data) == end and m.read(0, 4) == bytes(4)  # nothing grew, nothing written
