"""The engine seam: the interface every execution tier implements, and the one entry point
that runs a call.

Compare wazero's ``wasm.Engine``, "implemented by an interpreter or a compiler". A tier
runs calls of WebAssembly functions, raw values in and out:

    class Tier:
        name: str                                       "reference" or "compiled"
        call(store, func: WasmFunc, args) -> results     traps raise Trap

The compiled tier also has ``callable(store, func)``: the function in the compiled
convention (``compile_rt``), through which the reference tier, running a function as its
fallback, calls that function's callees, so that they stay compiled.

What a tier builds of a function it keeps in its own slot of the function instance
(``WasmFunc.reference``, ``FuncInst.compiled``) and of the module instance
(``ModuleInst.reference``, ``ModuleInst.compiled``); nothing else of it is hung on them.

The tier is chosen once, when the embedder makes a store (``make_tier``, from
``api.Config.tier``). The compiled tier is handed the reference tier as its fallback for
the functions it does not translate. ``invoke`` is how every layer above calls
WebAssembly: a host function directly, an observed call on the reference tier (observers
watch its instructions, ``exec.events``), any other call on the store's tier.
"""

from __future__ import annotations

from typing import Protocol

from .compile import CompiledTier
from .interp import ReferenceTier, call_host
from .store import FuncInst, HostFunc, Store, WasmFunc

__all__ = ["Tier", "TIERS", "make_tier", "invoke"]


class Tier(Protocol):
    """An execution tier (see the module docstring)."""

    name: str

    def call(self, store: Store, func: WasmFunc, args: list) -> list:
        ...


#: The reference tier: stateless, so one serves every store (observed calls run on it).
REFERENCE = ReferenceTier()

TIERS = ("reference", "compiled")


def make_tier(name: str, cache=None) -> Tier:
    """The tier called ``name`` (one of ``TIERS``); ``cache`` (an exec.cache
    TranslationCache, or None) is where the compiled tier keeps its translations."""
    if name == "reference":
        return REFERENCE
    if name == "compiled":
        return CompiledTier(fallback=REFERENCE, cache=cache)
    raise ValueError(f"tier must be one of {TIERS}, got {name!r}")


def invoke(store: Store, func: FuncInst, args: list) -> list:
    """Call ``func`` with raw arguments; return its raw results. Traps raise ``Trap``."""
    if isinstance(func, HostFunc):
        stack = list(args)
        call_host(None, stack, func)
        return stack
    if store.observers:
        return REFERENCE.call(store, func, list(args))
    return store.tier.call(store, func, list(args))
