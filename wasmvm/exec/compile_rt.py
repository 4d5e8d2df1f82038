"""Run-time support of the compiled tier: the namespace generated code runs in.

Calling convention of compiled code: a WebAssembly function becomes a Python function
``f(*args, d)`` taking raw arguments and the call depth ``d``; it returns ``None`` (no
results), the raw result, or a tuple of raw results. ``callable_for(func, store, tier)``
gives that callable for any function instance: the compiled function (built on first
use), a wrapper of a host function, or — for a function the translator cannot express in
Python — a wrapper that runs it on the tier's fallback (``CompiledTier.fallback``, the
reference tier, handed over through the engine interface, never imported here).
"""

from __future__ import annotations

import math
import struct

from ..errors import NULL_EXCEPTION_REFERENCE, NULL_FUNCTION_REFERENCE, Trap, TrapCode, UncaughtException
from ..syntax.values import f32_from_bits, f32_to_bits
from . import gc, numerics, simd
from .fuel import out_of_fuel
from .memory import NATIVE_VIEWS
from .store import (
    ExnInst,
    FuncInst,
    HostFunc,
    ModuleInst,
    Store,
    Thrown,
    WasmFunc,
    indirect_callee,
    rethrown,
)

M32 = 0xFFFFFFFF
M64 = 0xFFFFFFFFFFFFFFFF

def _trap(code: TrapCode, message: str | None = None):
    def make():
        return Trap(code, message)
    return make


def _call_stack_exhausted():
    return Trap(TrapCode.STACK_OVERFLOW)


#: exec.gc's functions the compiled code calls (as ``_gc_<name>``)
_GC_FUNCTIONS = (
    "ref_eq", "ref_i31", "i31_get_s", "i31_get_u", "any_convert_extern", "extern_convert_any",
    "struct_new", "struct_new_default", "struct_get", "struct_get_s", "struct_set",
    "array_new", "array_new_default", "array_new_fixed", "array_new_data", "array_new_elem",
    "array_get", "array_get_s", "array_set", "array_len", "array_fill", "array_copy",
    "array_init_data", "array_init_elem", "ref_test", "ref_cast")


def f32_kit() -> dict:
    """f32 conversions for compiled code, at half the cost of ``syntax.values``' (a C
    cast through four bytes of their own, viewed as a float and as an unsigned int):
    ``_r32`` rounds a double to the nearest f32 (ties to even; beyond the largest f32,
    infinity), as ``f32_round`` does; ``_b32`` gives an f32's bits and ``_v32`` the f32 of
    bits, as ``f32_to_bits`` and ``f32_from_bits`` do (a NaN takes their exact way: a C
    float widened or narrowed loses a signalling NaN's signal). The bytes are shared by
    the calls of one namespace, so one kit per namespace (a namespace serves one store,
    which runs on one thread at a time)."""
    raw = bytearray(4)
    as_float = memoryview(raw).cast("f")
    as_int = memoryview(raw).cast("I")

    def r32(x: float) -> float:
        as_float[0] = x
        return as_float[0]

    def b32(x: float) -> int:
        if x != x:
            return f32_to_bits(x)
        as_float[0] = x
        return as_int[0]

    def v32(bits: int) -> float:
        as_int[0] = bits
        x = as_float[0]
        return x if x == x else f32_from_bits(bits)
    return {"_r32": r32, "_b32": b32, "_v32": v32}


def namespace(mod: ModuleInst, store: Store, tier) -> dict:
    """The globals of the compiled functions of one module instance, built once (the
    compiled tier's slot of the instance)."""
    if mod.compiled is None:
        mod.compiled = new_namespace(mod, store, tier)
    return mod.compiled


#: each byte value as bytes, for memory.fill (``_FB[v] * n``)
_BYTES = tuple(bytes((v,)) for v in range(256))


def new_namespace(mod: ModuleInst, store: Store, tier) -> dict:
    """A namespace for ``mod``'s compiled code, not kept (see ``namespace``)."""
    ns: dict = {
        "__builtins__": {"len": len, "float": float, "int": int, "IndexError": IndexError,
                         "OverflowError": OverflowError},
        "Trap": Trap,
        "_oob": _trap(TrapCode.MEMORY_OUT_OF_BOUNDS),
        "_FB": _BYTES,
        "_unreachable": _trap(TrapCode.UNREACHABLE),
        "_exhausted": _call_stack_exhausted,
        "_struct_error": struct.error,
        "_LIMIT": store.max_call_depth,
        "_f32_bits": f32_to_bits,
        "_f32_val": f32_from_bits,
        **f32_kit(),
        "_call_indirect": _indirect_caller(mod, store, tier),
        "_call_ref": _ref_caller(mod, store, tier),
        "_non_null": _non_null,
        "_F": store.fuel,  # [remaining] when fuel is on, else None
        "_sqrt": math.sqrt,
        "_WasmFunc": WasmFunc,
        "_Thrown": Thrown,
        "_throw": _throw,
        "_throw_ref": _throw_ref,
        "_TC": TailCall,
    }
    if store.epoch is not None:
        ns["_EH"] = store.epoch_reached
        ns["_interrupt"] = _trap(TrapCode.INTERRUPT)
    if store.fuel is not None:
        cell = store.fuel

        def charge_failed():
            raise out_of_fuel(cell)
        ns["_out_of_fuel"] = charge_failed
    for name, fn in numerics.NUMERIC_OPS.items():
        ns["n_" + name.replace(".", "_")] = fn
    for name, fn in simd.SIMD_OPS.items():
        ns["v_" + name.replace(".", "_")] = fn
    if mod.relaxed_simd_deterministic:  # the store's choice (exec.relaxed_simd)
        for name, fn in simd.RELAXED_DETERMINISTIC.items():
            ns["v_" + name.replace(".", "_")] = fn
    for name in _GC_FUNCTIONS:
        ns["_gc_" + name] = getattr(gc, name)
    ns["_shuffle"] = simd.shuffle
    ns["_load_lane"] = simd.load_lane
    ns["_store_lane"] = simd.store_lane
    for size, fmt in ((2, "H"), (4, "I"), (8, "Q")):
        s = struct.Struct("<" + fmt)
        ns[f"_L{size}"] = s.unpack_from
        ns[f"_S{size}"] = s.pack_into
    sd = struct.Struct("<d")
    ns["_Ld"] = sd.unpack_from
    ns["_Sd"] = sd.pack_into
    if mod.mems:
        mem = mod.mems[0]
        ns["_mem"] = mem
        ns["M"] = mem.data  # grows in place: the same bytearray or mmap for the instance's life
        if NATIVE_VIEWS:  # W2, W4, W8, WD: typed views, renewed by the memory as it grows
            mem.attach(ns)
    for k, mem in enumerate(mod.mems[1:], 1):  # multi-memory: memory k is _memk, data Mk
        ns[f"_mem{k}"] = mem
        ns[f"M{k}"] = mem.data
    for i, g in enumerate(mod.globals):
        ns[f"g{i}"] = g
    for i, t in enumerate(mod.tables):
        ns[f"T{i}"] = t
    for i, f in enumerate(mod.funcs):
        if isinstance(f, HostFunc):  # its caller is this instance
            ns[f"F{i}"] = host_callable(f, mod, store)
        else:
            ns[f"F{i}"] = _lazy(ns, f"F{i}", f, store, tier)
        ns[f"R{i}"] = f  # the instance itself, for ref.func
    for i, tag in enumerate(mod.tags):
        ns[f"X{i}"] = tag
    for i, seg in enumerate(mod.datas):
        ns[f"D{i}"] = seg
    for i, seg in enumerate(mod.elems):
        ns[f"E{i}"] = seg
    for i, t in enumerate(mod.type_ids):
        ns[f"TY{i}"] = t  # canonical type ids
    return ns


def _lazy(ns: dict, name: str, func, store: Store, tier):
    """A stand-in that builds the real callable on the first call and replaces itself."""
    def first_call(*args):
        fn = ns[name] = callable_for(func, store, tier)
        return fn(*args)
    return first_call


def callable_for(func: WasmFunc, store: Store, tier):
    """The compiled-convention callable of a WebAssembly function (built once, kept in
    the function's ``compiled`` slot)."""
    fn = func.compiled
    if fn is None:
        fn = func.compiled = tier.translate(func, store)
    return fn


def compiled_convention(call_raw, nparams: int, nresults: int, store: Store):
    """``call_raw(args) -> list of raw results`` as a compiled-convention callable: it
    takes the raw arguments and the call depth ``d``, and returns None, the one raw
    result or a tuple of them. While ``call_raw`` runs, the store's live depth is its
    caller's (``d - 1``), so that WebAssembly called from there counts its frames on from
    it, as on the reference tier. Host functions and fallback functions are called
    through this."""
    def call(*args):
        outer = store.depth
        store.depth = args[nparams] - 1
        try:
            results = call_raw(args[:nparams])
        finally:
            store.depth = outer
        if nresults == 1:
            return results[0]
        return tuple(results) if nresults else None
    return call


def host_callable(func: HostFunc, caller: ModuleInst | None, store: Store):
    """A host function in the compiled convention, called from ``caller``."""
    fn = func.fn
    takes_caller = func.takes_caller

    def raw(args):
        try:
            return fn(caller, *args) if takes_caller else fn(*args)
        except UncaughtException as e:  # the wasm exception again (store.rethrown)
            raise rethrown(e) from None
    return compiled_convention(raw, len(func.type.params), len(func.type.results), store)


def fallback_callable(func: WasmFunc, store: Store, fallback):
    """Run one function on the ``fallback`` tier (an ``exec.engine.Tier``) from compiled
    code; the functions the fallback calls that are compiled run compiled (``exec.interp``
    calls them in this convention). The callable is marked (``is_fallback``)."""
    call = compiled_convention(lambda args: fallback.call(store, func, list(args)),
                               func.nparams, func.nresults, store)
    call.fallback = True
    return call


def deferred_callable(func: WasmFunc, store: Store, tier):
    """A very big function (``CompiledTier.DEFER_INSTRUCTIONS``) in the compiled
    convention: its first call runs on the tier's fallback (as ``fallback_callable``);
    its second translates it (``tier.translate_now``), which from then on is its callable
    everywhere (``FuncInst.compiled`` and its instance's namespace)."""
    once = fallback_callable(func, store, tier.fallback)
    calls = [0]

    def call(*args):
        if calls[0]:
            fn = func.compiled = tier.translate_now(func, store)
            namespace(func.module, store, tier)[f"F{func.index}"] = fn
            return fn(*args)
        calls[0] += 1
        return once(*args)
    return call


class TailCall:
    """A tail-call request: what the body of a function containing ``return_call*``
    returns to call ``fn`` (a compiled-convention callable) with ``args`` (the call depth
    last) in its place (see ``tail_entry``)."""

    __slots__ = ("fn", "args")

    def __init__(self, fn, args: tuple):
        self.fn = fn
        self.args = args


def tail_entry(body):
    """The compiled-convention callable of a function whose translation ``body`` makes
    tail calls: it runs ``body``, then each tail-call request in turn, in this one Python
    frame: a callee that makes requests itself has its ``tail_body`` called, so that its
    requests come back here, and the Python stack stays as deep as the first call,
    however long the chain. No request ever leaves this function."""
    def entry(*args):
        out = body(*args)
        while out.__class__ is TailCall:
            fn = out.fn
            out = getattr(fn, "tail_body", fn)(*out.args)
        return out
    entry.tail_body = body
    return entry


def is_fallback(fn) -> bool:
    """Does ``fn`` run its function on the fallback tier rather than as a translation?"""
    return getattr(fn, "fallback", False)


def _throw(tag, payload: tuple):
    """throw: a new exception of ``tag`` (a TagInst) with ``payload``."""
    return Thrown(ExnInst(tag, payload))


def _throw_ref(exn):
    """throw_ref: the same exception again, in a fresh carrier; a trap for null."""
    if exn is None:
        return Trap(TrapCode.NULL_REFERENCE, NULL_EXCEPTION_REFERENCE)
    return Thrown(exn)


def _non_null(ref):
    """ref.as_non_null"""
    if ref is None:
        raise Trap(TrapCode.NULL_REFERENCE)
    return ref


def _ref_caller(caller: ModuleInst, store: Store, tier):
    """``_call_ref(f)`` for the code of ``caller``: the callable of function reference
    ``f`` (call_ref; validation guarantees its type), a trap for null."""
    def call_ref(func):
        if func is None:
            raise Trap(TrapCode.NULL_REFERENCE, NULL_FUNCTION_REFERENCE)
        if isinstance(func, HostFunc):
            return host_callable(func, caller, store)
        return func.compiled or callable_for(func, store, tier)
    return call_ref


def _indirect_caller(caller: ModuleInst, store: Store, tier):
    """``_call_indirect(table, i, expected)`` for the code of ``caller``: the callable for
    element ``i`` of ``table``, checked as call_indirect must (``store.indirect_callee``)."""
    def call_indirect(table, i: int, expected):
        func: FuncInst = indirect_callee(table, i, expected)
        if isinstance(func, HostFunc):
            return host_callable(func, caller, store)
        return func.compiled or callable_for(func, store, tier)
    return call_indirect


