"""Run one module on wasmvm's two tiers and on wasmtime-py and compare (the 3.0 feature
tests: test_extended_const, test_multi_memory, test_memory64).

``outcomes(wat_or_wasm, script)`` instantiates the module on each engine and runs
``script(api, store, instance) -> list`` there; ``api`` is the module ``wasmvm`` or
``wasmtime``, whose embedding APIs have the same shape. A call that traps gives "trap".
"""

from __future__ import annotations

import pytest

import wasmvm

wasmtime = pytest.importorskip("wasmtime")

TIERS = ("compiled", "reference")


def to_wasm(source: str | bytes) -> bytes:
    return wasmtime.wat2wasm(source) if isinstance(source, str) else bytes(source)


def call(api, store, func, *args):
    """``func(store, *args)``, or "trap" when it traps."""
    try:
        return func(store, *args)
    except (wasmvm.Trap, wasmtime.Trap):
        return "trap"


def run_wasmvm(wasm: bytes, script, tier: str, imports=None, **switches):
    engine = wasmvm.Engine(wasmvm.Config(tier=tier, **switches))
    store = wasmvm.Store(engine)
    module = wasmvm.Module(engine, wasm)
    inst = wasmvm.Instance(store, module, imports(wasmvm, store) if imports else [])
    return script(wasmvm, store, inst)


def run_wasmtime(wasm: bytes, script, imports=None):
    config = wasmtime.Config()
    for name in ("wasm_multi_memory", "wasm_memory64"):
        if hasattr(config, name):
            setattr(config, name, True)
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    module = wasmtime.Module(engine, wasm)
    inst = wasmtime.Instance(store, module, imports(wasmtime, store) if imports else [])
    return script(wasmtime, store, inst)


def outcomes(source, script, imports=None) -> dict:
    """The script's results per engine: {"wasmtime": ..., "compiled": ..., "reference": ...}"""
    wasm = to_wasm(source)
    got = {"wasmtime": run_wasmtime(wasm, script, imports)}
    for tier in TIERS:
        got[tier] = run_wasmvm(wasm, script, tier, imports)
    return got


def agree(source, script, imports=None):
    """Assert that every engine gives the same results; return them."""
    got = outcomes(source, script, imports)
    expected = got["wasmtime"]
    for tier in TIERS:
        assert got[tier] == expected, f"{tier}: {got[tier]!r} != wasmtime's {expected!r}"
    return expected
