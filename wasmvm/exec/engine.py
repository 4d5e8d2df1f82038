"""The engine seam: the interface every execution tier implements, and the one entry point
that runs a call.

Compare wazero's ``wasm.Engine``, "implemented by an interpreter or a compiler". A tier
runs calls of WebAssembly functions, raw values in and out:

    class Tier:
        name: str                                       "reference" or "compiled"
        call(store, func: WasmFunc, args) -> results     traps raise Trap
        ahead_of_validation(module, features, fuel, epoch) -> worker or None
                                   a module was decoded: the compiled tier may start
                                   translating it in a worker (exec.background)

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

import sys
from typing import Protocol

from ..errors import Trap, TrapCode
from .compiled_tier import CompiledTier
from .interp import ReferenceTier, call_host
from .store import MAX_HOST_NESTING, FuncInst, HostFunc, Store, Thrown, WasmFunc, uncaught_of

__all__ = ["Tier", "TIERS", "make_tier", "invoke"]


class Tier(Protocol):
    """An execution tier (see the module docstring)."""

    name: str

    def call(self, store: Store, func: WasmFunc, args: list) -> list:
        ...

    def ahead_of_validation(self, module, features, fuel: bool, epoch: bool):
        ...


#: The reference tier: stateless, so one serves every store (observed calls run on it).
REFERENCE = ReferenceTier()

TIERS = ("reference", "compiled")


def make_tier(name: str, cache=None, parallel: bool = False) -> Tier:
    """The tier called ``name`` (one of ``TIERS``); ``cache`` (an exec.cache
    TranslationCache, or None) is where the compiled tier keeps its translations;
    ``parallel``: it translates big instances ahead in a worker (exec.background)."""
    if name == "reference":
        return REFERENCE
    if name == "compiled":
        return CompiledTier(fallback=REFERENCE, cache=cache, parallel=parallel)
    raise ValueError(f"tier must be one of {TIERS}, got {name!r}")


def invoke(store: Store, func: FuncInst, args: list) -> list:
    """Call ``func`` with raw arguments; return its raw results. Traps raise ``Trap``.

    Calls from host functions back into WebAssembly nest here: their frames count in the
    store's live depth (``Store.depth``, kept by both tiers), and the nesting itself has
    a budget (``MAX_HOST_NESTING``). A WebAssembly exception that no handler caught
    leaves here as ``UncaughtException`` (a Trap); a host function that raises one into
    its WebAssembly caller throws that exception again there (``store.rethrown``).
    Compiled calls are Python calls, and each nesting costs some Python frames: Python's
    recursion limit is raised to fit the store's budgets for the duration of the
    outermost call."""
    if isinstance(func, HostFunc):
        stack = list(args)
        try:
            call_host(None, stack, func)
        except Thrown as thrown:
            raise uncaught_of(thrown) from None
        return stack
    if store.nesting >= MAX_HOST_NESTING:
        raise Trap(TrapCode.STACK_OVERFLOW)
    restore = _raise_recursion_limit(store) if store.nesting == 0 else None
    store.nesting += 1
    try:
        if store.observers:
            return REFERENCE.call(store, func, list(args))
        return store.tier.call(store, func, list(args))
    except Thrown as thrown:  # no handler caught it: the host sees a trap, located
        raise uncaught_of(thrown) from None
    finally:
        store.nesting -= 1
        if restore is not None:  # give the embedding application its own limit back
            sys.setrecursionlimit(restore)


#: Python frames a nesting through a host function takes (the API's call, invoke, the
#: tier's entry, the host function's wrapper; measured 10-12), with room to spare
_FRAMES_PER_NESTING = 16


def _raise_recursion_limit(store: Store) -> int | None:
    """Let Python allow the store's budgets of frames (a compiled function takes one or
    two Python frames, a split flat one a chunk's too); the limit to restore afterwards,
    or None when it was high enough."""
    need = store.max_call_depth * 2 + MAX_HOST_NESTING * _FRAMES_PER_NESTING + 1000
    old = sys.getrecursionlimit()
    if old >= need:
        return None
    sys.setrecursionlimit(need)
    return old
