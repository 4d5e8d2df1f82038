"""Resource limits (issue 15, items 1 and 2): ``Store.set_limits`` as in wasmtime-py, lazy
linear memory (pages cost nothing until touched) and typed errors, never a bare
MemoryError, for memories and tables too large to allocate."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from wasmvm import (
    Config,
    Engine,
    Instance,
    Limits,
    LinkError,
    Memory,
    MemoryType,
    Module,
    ResourceLimitError,
    Store,
    Table,
    TableType,
    Trap,
    ValType,
)
from wasmvm.exec import memory as memory_mod
from wasmvm.exec.memory import PAGE_SIZE
from wasmvm.exec.memory import Memory as MemInst
from wasmvm.exec.store import MAX_TABLE_SIZE, StoreLimits, TableInst

from .test_api import wat

TIERS = ("reference", "compiled")
ROOT = Path(__file__).resolve().parent.parent


def memory_module(pages: int, max_pages: int | None = None) -> bytes:
    """A module with one memory of ``pages`` pages and functions to size, grow, store and
    load it (8-bit and 32-bit), and to fill and copy ranges."""
    limits = f"{pages}" if max_pages is None else f"{pages} {max_pages}"
    return wat(f"""(module
      (memory (export "mem") {limits})
      (func (export "size") (result i32) memory.size)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "store8") (param i32 i32) local.get 0 local.get 1 i32.store8)
      (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u)
      (func (export "store32") (param i32 i32) local.get 0 local.get 1 i32.store)
      (func (export "load32") (param i32) (result i32) local.get 0 i32.load)
      (func (export "fill") (param i32 i32 i32)
        local.get 0 local.get 1 local.get 2 memory.fill)
      (func (export "copy") (param i32 i32 i32)
        local.get 0 local.get 1 local.get 2 memory.copy))""")


def table_module(elements: int, max_elements: int | None = None) -> bytes:
    limits = f"{elements}" if max_elements is None else f"{elements} {max_elements}"
    return wat(f"""(module
      (table (export "t") {limits} funcref)
      (func (export "size") (result i32) table.size 0)
      (func (export "grow") (param i32) (result i32) ref.null func local.get 0 table.grow 0))""")


def instantiate(wasm: bytes, tier: str, limits: dict | None = None):
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    if limits is not None:
        store.set_limits(**limits)
    return store, Instance(store, Module(engine, wasm), []).exports(store)


# -- lazy memory: large memories in a fresh process, timed and measured ---------------------

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from wasmvm import Config, Engine, Instance, Module, Store, WasmError
    def peak_mb():
        # VmHWM: this process's own peak; ru_maxrss on Linux keeps the peak of the
        # process that exec'd us (pytest, when spawned by vfork)
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tier, path = sys.argv[1], sys.argv[2]
    wasm = open(path, "rb").read()
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    module = Module(engine, wasm)
    rss0 = peak_mb()
    t0 = time.perf_counter()
    out = {}
    try:
        ex = Instance(store, module, []).exports(store)
        out["size"] = ex["size"](store)
        if "store8" in ex:  # touch the last byte of the memory
            last = out["size"] * 65536 - 1
            ex["store8"](store, last, 0xAB)
            out["last"] = ex["load8"](store, last)
            out["grow"] = ex["grow"](store, 1)
    except WasmError as e:
        out["error"] = type(e).__name__
        out["message"] = e.message
    out["seconds"] = time.perf_counter() - t0
    out["rss_mb"] = peak_mb()  # the whole process: Python, wasmvm and the instance
    out["rss0_mb"] = rss0
    print(json.dumps(out))
""")


def run_child(wasm: bytes, tier: str, tmp_path) -> dict:
    """Instantiate ``wasm`` in a fresh process; its outcome, time and peak RSS."""
    path = tmp_path / "m.wasm"
    path.write_bytes(wasm)
    done = subprocess.run([sys.executable, "-c", _CHILD, tier, str(path)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("tier", TIERS)
def test_a_4_gib_memory_instantiates_fast_and_small(tier, tmp_path):
    """65,536 pages (4 GiB) declared: under 1 s and under 100 MB (wasmtime: 0.1 s, 27 MB);
    the last byte is usable and the memory cannot grow past 4 GiB."""
    if memory_mod.LAZY_FLAGS is None:
        pytest.skip("no lazy memory on this platform (mmap with in-place resize)")
    out = run_child(memory_module(65536), tier, tmp_path)
    assert out.get("error") is None, out
    assert out["size"] == 65536
    assert out["last"] == 0xAB
    assert out["grow"] == -1
    assert out["seconds"] < 1.0, out
    assert out["rss_mb"] < 100, out


@pytest.mark.parametrize("tier", TIERS)
def test_a_49154_page_memory_runs(tier, tmp_path):
    """3 GiB declared: it runs in under 2 s and 300 MB (it was a bare MemoryError)."""
    if memory_mod.LAZY_FLAGS is None:
        pytest.skip("no lazy memory on this platform (mmap with in-place resize)")
    out = run_child(memory_module(49154), tier, tmp_path)
    assert out.get("error") is None, out
    assert (out["size"], out["last"], out["grow"]) == (49154, 0xAB, 49154)
    assert out["rss_mb"] < 300, out
    assert out["seconds"] < 2.0, out


@pytest.mark.parametrize("tier", TIERS)
def test_a_table_of_2_32_minus_1_elements_is_a_typed_error(tier, tmp_path):
    out = run_child(table_module(0xFFFFFFFF), tier, tmp_path)
    assert out["error"] == "ResourceLimitError", out
    assert "table minimum size of 4294967295 elements" in out["message"]
    assert out["seconds"] < 2.0, out
    assert out["rss_mb"] < 300, out


@pytest.mark.parametrize("tier", TIERS)
def test_a_table_at_wasmvms_limit_instantiates_and_one_more_is_refused(tier):
    store, ex = instantiate(table_module(MAX_TABLE_SIZE), tier)
    assert ex["size"](store) == MAX_TABLE_SIZE
    assert ex["grow"](store, 1) == -1
    with pytest.raises(ResourceLimitError, match="exceeds wasmvm's limit"):
        instantiate(table_module(MAX_TABLE_SIZE + 1), tier)


def test_resource_limit_error_is_a_link_error():
    """What instantiation raises for imports that do not fit, so code catching LinkError
    around instantiation (as wasmtime-py users catch its one error type) sees it."""
    assert issubclass(ResourceLimitError, LinkError)


# -- lazy memory in process: the data object, bounds, identity -------------------------------

@pytest.fixture(params=["lazy", "bytearray"])
def backing(request, monkeypatch):
    """Run a test on both backings of linear memory: the lazy mmap one (where the platform
    has it) and the bytearray fallback (Pyodide's), forced by the module switch."""
    if request.param == "bytearray":
        monkeypatch.setattr(memory_mod, "LAZY_FLAGS", None)
    elif memory_mod.LAZY_FLAGS is None:
        pytest.skip("no lazy memory on this platform")
    return request.param


@pytest.mark.parametrize("tier", TIERS)
def test_memory_access_grow_and_bounds_on_both_backings(tier, backing):
    store, ex = instantiate(memory_module(1, 4), tier)
    mem = ex["mem"]._inst
    data = mem.data
    assert type(data).__name__ == ("mmap" if backing == "lazy" else "bytearray")
    assert len(data) == PAGE_SIZE
    ex["store32"](store, PAGE_SIZE - 4, 0x1EADBEEF)
    assert ex["load32"](store, PAGE_SIZE - 4) == 0x1EADBEEF
    for bad in (PAGE_SIZE - 3, PAGE_SIZE):
        with pytest.raises(Trap, match="out of bounds memory access"):
            ex["load32"](store, bad)
    with pytest.raises(Trap, match="out of bounds memory access"):
        ex["store8"](store, PAGE_SIZE, 1)
    assert ex["grow"](store, 2) == 1
    assert mem.data is data  # the compiled tier's M: grown in place
    assert len(data) == 3 * PAGE_SIZE
    assert ex["load8"](store, 3 * PAGE_SIZE - 1) == 0  # new pages are zero
    ex["store8"](store, 3 * PAGE_SIZE - 1, 9)
    assert ex["load8"](store, 3 * PAGE_SIZE - 1) == 9
    with pytest.raises(Trap, match="out of bounds memory access"):
        ex["load8"](store, 3 * PAGE_SIZE)
    ex["fill"](store, 10, 0x5A, 100)
    ex["copy"](store, 2 * PAGE_SIZE, 5, 200)
    assert ex["mem"].read(store, 2 * PAGE_SIZE + 5, 2 * PAGE_SIZE + 105) == b"\x5a" * 100
    with pytest.raises(Trap, match="out of bounds memory access"):
        ex["fill"](store, 3 * PAGE_SIZE - 10, 1, 11)
    assert ex["grow"](store, 2) == -1  # over the maximum of 4
    assert ex["grow"](store, 1) == 3
    assert ex["size"](store) == 4 and mem.data is data


@pytest.mark.parametrize("tier", TIERS)
def test_a_live_buffer_blocks_growth_on_both_backings(tier, backing):
    store, ex = instantiate(memory_module(1), tier)
    view = ex["mem"].buffer(store)
    assert ex["grow"](store, 1) == -1  # never an exception
    view.release()
    assert ex["grow"](store, 1) == 1


def test_a_memory_of_zero_pages_is_a_bytearray_that_grows():
    mem = MemInst(0)
    data = mem.data
    assert isinstance(data, bytearray) and len(data) == 0
    assert mem.grow(2) == 0 and mem.data is data and len(data) == 2 * PAGE_SIZE


def test_a_memory_the_host_cannot_allocate_is_a_typed_error(monkeypatch):
    def refuse(nbytes):
        raise MemoryError
    monkeypatch.setattr(memory_mod, "allocate", refuse)
    with pytest.raises(ResourceLimitError, match="cannot allocate a memory of 3 pages"):
        MemInst(3)
    with pytest.raises(ResourceLimitError):
        Memory(Store(), MemoryType(Limits(3)))


def test_growth_the_host_cannot_give_is_minus_one():
    class Refusing(bytearray):
        def extend(self, more):
            raise MemoryError
    mem = MemInst(0)
    mem.data = Refusing()
    assert mem.grow(1) == -1


# -- Store.set_limits ---------------------------------------------------------------------

@pytest.mark.parametrize("tier", TIERS)
def test_memory_growth_past_memory_size_fails_with_minus_one(tier):
    store, ex = instantiate(memory_module(1), tier, {"memory_size": 3 * PAGE_SIZE})
    assert ex["grow"](store, 2) == 1
    assert ex["grow"](store, 1) == -1
    assert ex["size"](store) == 3
    with pytest.raises(ValueError):  # the API's grow raises, as wasmtime-py's does
        ex["mem"].grow(store, 1)
    store.set_limits()  # every limit off again
    assert ex["grow"](store, 1) == 3


@pytest.mark.parametrize("tier", TIERS)
def test_a_memory_over_memory_size_is_refused_at_instantiation(tier):
    with pytest.raises(ResourceLimitError,
                       match="memory minimum size of 4 pages exceeds memory limits"):
        instantiate(memory_module(4), tier, {"memory_size": 3 * PAGE_SIZE})
    store, ex = instantiate(memory_module(3), tier, {"memory_size": 3 * PAGE_SIZE})
    assert ex["size"](store) == 3


@pytest.mark.parametrize("tier", TIERS)
def test_table_growth_past_table_elements_fails_with_minus_one(tier):
    store, ex = instantiate(table_module(2), tier, {"table_elements": 5})
    assert ex["grow"](store, 3) == 2
    assert ex["grow"](store, 1) == -1
    assert ex["size"](store) == 5
    with pytest.raises(ResourceLimitError, match="table minimum size of 6 elements"):
        instantiate(table_module(6), tier, {"table_elements": 5})


def test_instances_tables_and_memories_are_counted():
    mod = memory_module(1)
    store, _ = instantiate(mod, "compiled", {"instances": 2})
    Instance(store, Module(store.engine, mod), [])
    with pytest.raises(ResourceLimitError, match="instance count too high at 3"):
        Instance(store, Module(store.engine, mod), [])

    store, _ = instantiate(mod, "reference", {"memories": 1})
    with pytest.raises(ResourceLimitError, match="memory count too high at 2"):
        Instance(store, Module(store.engine, mod), [])
    Instance(store, Module(store.engine, wat("(module)")), [])  # no memory: fine

    store, _ = instantiate(table_module(1), "reference", {"tables": 1})
    with pytest.raises(ResourceLimitError, match="table count too high at 2"):
        Instance(store, Module(store.engine, table_module(1)), [])


def test_the_default_is_no_limit_and_negative_means_none():
    store = Store()
    assert store._store.limits == StoreLimits()
    store.set_limits(memory_size=PAGE_SIZE, instances=-1)
    assert store._store.limits == StoreLimits(memory_size=PAGE_SIZE)
    store.set_limits(tables=3)  # each call sets all five, as in wasmtime-py
    assert store._store.limits == StoreLimits(tables=3)
    with pytest.raises(TypeError):
        store.set_limits(memory_size=1.5)
    with pytest.raises(TypeError):
        store.set_limits(instances=True)


def test_memories_and_tables_made_from_the_api_obey_the_size_limits():
    store = Store()
    store.set_limits(memory_size=2 * PAGE_SIZE, table_elements=10)
    with pytest.raises(ResourceLimitError):
        Memory(store, MemoryType(Limits(3)))
    mem = Memory(store, MemoryType(Limits(1)))
    assert mem.grow(store, 1) == 1
    with pytest.raises(ValueError):
        mem.grow(store, 1)
    with pytest.raises(ResourceLimitError):
        Table(store, TableType(ValType.funcref(), Limits(11)), None)
    table = Table(store, TableType(ValType.funcref(), Limits(10)), None)
    with pytest.raises(ValueError):
        table.grow(store, 1, None)


def test_limits_set_after_creation_bound_later_growth():
    store = Store()
    mem = Memory(store, MemoryType(Limits(1)))
    store.set_limits(memory_size=PAGE_SIZE)
    with pytest.raises(ValueError):
        mem.grow(store, 1)


def test_exec_level_table_limits():
    limits = StoreLimits(table_elements=4)
    t = TableInst(TableType(ValType.funcref(), Limits(4)), None, limits)
    assert t.grow(1, None) == -1
    limits.table_elements = None
    assert t.grow(1, None) == 4


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


@pytest.mark.parametrize("tier", TIERS)
def test_growing_one_page_to_4_gib_is_lazy(tier):
    """(memory 1) then memory.grow 65535: the same lazy object grows in place, at once."""
    if memory_mod.LAZY_FLAGS is None or _rss_mb() is None:
        pytest.skip("no lazy memory (or no /proc) on this platform")
    store, ex = instantiate(memory_module(1), tier)
    data = ex["mem"]._inst.data
    before = _rss_mb()
    t0 = time.perf_counter()
    assert ex["grow"](store, 65535) == 1
    last = 65536 * PAGE_SIZE - 1
    ex["store8"](store, last, 7)
    assert ex["load8"](store, last) == 7
    assert time.perf_counter() - t0 < 1.0
    assert _rss_mb() - before < 50
    assert ex["mem"]._inst.data is data and len(data) == 65536 * PAGE_SIZE
