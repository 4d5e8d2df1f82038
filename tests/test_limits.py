"""Resource limits (issue 15, item 1): ``Store.set_limits`` as in wasmtime-py, and typed
errors, never a bare MemoryError, for memories and tables too large to allocate."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
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


# -- large memories and tables in a fresh process, timed and measured -----------------------

_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from wasmvm import Config, Engine, Instance, Module, Store, WasmError
    tier, path = sys.argv[1], sys.argv[2]
    wasm = open(path, "rb").read()
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    module = Module(engine, wasm)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["rss0_mb"] = rss0 / 1024
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
