"""wasmtime (through wasmtime-py) behind the engine adapter interface: ``wasmvm spec
--engine wasmtime``.

    adapter = WasmtimeAdapter(WASM2)      # a WebAssembly 2.0 wasmtime, or WASM3 (default)
    inst = adapter.instantiate(adapter.compile(wasm))
    adapter.call(inst, "f", [EValue("f32", bits=0x7fa00000)])

One wasmtime ``Store`` per script, so that the spec's ``spectest`` items (the print
functions, ``global_i32`` and the other globals, ``table``, ``memory``) and the instances a
script registers are shared by all its modules, as the reference interpreter shares them.
Values cross as wasmtime's raw values (``wasmtime_val_t``), never as Python floats, so
NaN payloads and signaling NaNs pass both ways bit for bit. A trap is ``Trapped`` (a stack
overflow is ``exhausted``), an exception no handler caught is ``Uncaught``; a module
wasmtime does not compile is ``Rejected`` (wasmtime does not say whether malformed or
invalid); a failed import is ``Unlinkable``.

Features. wasmtime 50 enables most 3.0 proposals by default. The adapter builds the
``Config`` of the script's feature set (``Script.features``: core-2.0 scripts get a
WebAssembly 2.0 engine): tail calls, multi-memory, memory64, relaxed SIMD, typed function
references, exception handling and GC switched off for 2.0, and the proposals that are in
neither suite (threads, wide arithmetic, custom page sizes, stack switching) always off.
What wasmtime-py 50 cannot switch off: **extended constant expressions** (there is no
``Config.wasm_extended_const``; wasmtime always accepts ``i32.add`` and friends in
constant expressions), so a 2.0 ``assert_invalid`` of such a module fails here.

wasmtime-py has no 64-bit table type and no way to turn a host object into an ``anyref``
or back: ``spectest.table64`` is the table of a small helper module, and the spec's
``ref.host n`` as an ``anyref`` goes through a helper's ``any.convert_extern`` (results
back through ``extern.convert_any``), as the reference interpreter's host references are
internalized externrefs. A non-null reference argument of another kind is
``Unsupported`` (the command is skipped).
"""

from __future__ import annotations

import ctypes

from ..script.adapter import (
    EngineAdapter,
    EngineError,
    EValue,
    Rejected,
    Trapped,
    Uncaught,
    Unlinkable,
    Unsupported,
    spectest_linker,
)
from ..syntax.features import WASM3, Features

__all__ = ["WasmtimeAdapter", "wasmtime_config"]

#: the proposals wasmvm's feature switches name (``Features``) that wasmtime-py can switch
_SWITCHABLE = ("tail_call", "multi_memory", "memory64", "relaxed_simd", "function_references",
               "exceptions", "gc")
#: proposals in neither spec suite: always off
_ALWAYS_OFF = ("wasm_threads", "wasm_wide_arithmetic", "wasm_custom_page_sizes",
               "wasm_stack_switching", "wasm_component_model")
#: wasmtime's raw value kinds (``wasmtime_valkind_t``)
_I32, _I64, _F32, _F64, _V128, _FUNC, _EXTERN, _ANY, _EXN = range(9)
_NUMERIC = {"i32": _I32, "i64": _I64, "f32": _F32, "f64": _F64, "v128": _V128}
_KIND_NAME = {_FUNC: "funcref", _EXTERN: "externref", _ANY: "anyref", _EXN: "exnref"}


def wasmtime_config(features: Features = WASM3):
    """A wasmtime ``Config`` for ``features`` (see the module docstring)."""
    import wasmtime

    c = wasmtime.Config()
    for name in _ALWAYS_OFF:
        if hasattr(c, name):
            setattr(c, name, False)
    for name in _SWITCHABLE:
        setattr(c, "wasm_" + name, getattr(features, name))
    c.parallel_compilation = False
    return c


class _Host:
    """The spec's host reference n (``ref.extern n``), as wasmtime's externref data."""

    __slots__ = ("n",)

    def __init__(self, n: int):
        self.n = n


class _Module:
    """A compiled module and the types of its exported functions (from wasmvm's decoder:
    wasmtime-py cannot show a ``v128`` type)."""

    def __init__(self, module, results: dict[str, int]):
        self.module = module
        self.results = results


class WasmtimeAdapter(EngineAdapter):
    """wasmtime with ``features`` (WebAssembly 3.0 by default; see the module docstring)."""

    name = "wasmtime"

    def __init__(self, features: Features = WASM3):
        import wasmtime

        self._w = wasmtime
        self.engine = wasmtime.Engine(wasmtime_config(features))
        self.store = wasmtime.Store(self.engine)
        self.registry: dict[str, object] = {}
        self._hosts: dict[int, _Host] = {}
        self._convert: dict = {}
        self.spectest = self._spectest(features)

    def _spectest(self, features: Features) -> dict:
        w, store = self._w, self.store
        vt = {n: getattr(w.ValType, n)() for n in ("i32", "i64", "f32", "f64")}
        items: dict = {}
        for name, params in (("print", ()), ("print_i32", ("i32",)), ("print_i64", ("i64",)),
                             ("print_f32", ("f32",)), ("print_f64", ("f64",)),
                             ("print_i32_f32", ("i32", "f32")),
                             ("print_f64_f64", ("f64", "f64"))):
            items[name] = w.Func(store, w.FuncType([vt[p] for p in params], []),
                                 lambda *args: None)
        for t, value in (("i32", 666), ("i64", 666), ("f32", 666.6), ("f64", 666.6)):
            items[f"global_{t}"] = w.Global(store, w.GlobalType(vt[t], False),
                                            getattr(w.Val, t)(value))
        items["table"] = w.Table(store, w.TableType(w.ValType.funcref(), w.Limits(10, 20)), None)
        items["memory"] = w.Memory(store, w.MemoryType(w.Limits(1, 2)))
        if features.memory64:  # (wasmtime-py makes no 64-bit table type: a module does)
            items["table64"] = self._helper("(table (export \"t\") i64 10 20 funcref)")["t"]
        if features.gc:  # a host reference as an anyref, and back (wasmtime-py has no API)
            helper = self._helper(
                "(func (export \"in\") (param externref) (result anyref)"
                " (any.convert_extern (local.get 0)))"
                "(func (export \"out\") (param anyref) (result externref)"
                " (extern.convert_any (local.get 0)))")
            self._convert = {"in": helper["in"], "out": helper["out"]}
        return items

    def _helper(self, fields: str):
        from ..wat import wat2wasm

        w = self._w
        instance = w.Instance(self.store, w.Module(self.engine, wat2wasm(f"(module {fields})")),
                              [])
        return instance.exports(self.store)

    def _linker(self):
        return spectest_linker(self._w.Linker(self.engine), self.store, self.spectest,
                               self.registry)

    # -- the interface ---------------------------------------------------------------------
    def compile(self, wasm: bytes) -> _Module:
        try:
            module = self._w.Module(self.engine, wasm)
        except self._w.WasmtimeError as e:
            raise Rejected(str(e).splitlines()[0] if str(e) else "rejected") from None
        return _Module(module, _result_counts(wasm, module))

    def instantiate(self, module: _Module):
        w = self._w
        try:
            instance = self._linker().instantiate(self.store, module.module)
        except w.Trap as e:
            raise self._trapped(e) from None
        except w.WasmtimeError as e:
            raise _failed(e, lambda text: Unlinkable(text.splitlines()[0] if text
                                                     else "does not instantiate")) from None
        return (instance, module)

    def register(self, name: str, instance) -> None:
        self.registry[name] = instance[0]

    def call(self, instance, export: str, args: list[EValue]) -> list[EValue]:
        from wasmtime import _ffi as ffi

        w = self._w
        inst, module = instance
        func = inst.exports(self.store).get(export)
        if not isinstance(func, w.Func):
            raise EngineError(f"no exported function {export!r}")
        nresults = module.results.get(export)
        if nresults is None:
            nresults = len(func.type(self.store).results)
        raws = [self._raw(a) for a in args]
        try:
            results = self._call_raw(func, raws, nresults)
        except w.Trap as e:
            raise self._trapped(e) from None
        except w.WasmtimeError as e:
            raise _failed(e, EngineError) from None
        finally:
            for raw, a in zip(raws, args):
                if a.type not in _NUMERIC:
                    ffi.wasmtime_val_unroot(ctypes.byref(raw))
        return [self._evalue(results[i]) for i in range(nresults)]

    def _call_raw(self, func, raws: list, nresults: int):
        from wasmtime import _ffi as ffi
        from wasmtime._func import enter_wasm

        params = (ffi.wasmtime_val_t * max(len(raws), 1))()
        for i, raw in enumerate(raws):
            params[i] = raw
        results = (ffi.wasmtime_val_t * max(nresults, 1))()
        with enter_wasm(self.store) as trap:
            error = ffi.wasmtime_func_call(self.store._context(), ctypes.byref(func._func),
                                           params, len(raws), results, nresults, trap)
            if error:
                raise self._w.WasmtimeError._from_ptr(error)
        return results

    def get(self, instance, export: str) -> EValue:
        from wasmtime import _ffi as ffi

        g = instance[0].exports(self.store).get(export)
        if not isinstance(g, self._w.Global):
            raise EngineError(f"no exported global {export!r}")
        raw = ffi.wasmtime_val_t()
        ffi.wasmtime_global_get(self.store._context(), ctypes.byref(g._global), ctypes.byref(raw))
        return self._evalue(raw)

    # -- values ------------------------------------------------------------------------------
    def _trapped(self, e) -> EngineError:  # (a wasmtime.Trap)
        code = e.trap_code.name if e.trap_code is not None else None
        text = str(e)
        if code is None and "thrown Wasm exception" in text:
            return Uncaught(text)
        line = next((x.split("wasm trap:", 1)[1].strip() for x in text.splitlines()
                     if "wasm trap:" in x), text.splitlines()[0] if text else "trap")
        return Trapped(line, code, code == "STACK_OVERFLOW")

    def _raw(self, v: EValue):
        from wasmtime import _ffi as ffi

        raw = ffi.wasmtime_val_t()
        if v.type in _NUMERIC:
            raw.kind = _NUMERIC[v.type]
            if v.type in ("i32", "f32"):
                raw.of.i32 = v.bits - (1 << 32) if v.bits >> 31 else v.bits
            elif v.type in ("i64", "f64"):
                raw.of.i64 = v.bits - (1 << 64) if v.bits >> 63 else v.bits
            else:
                raw.of.v128[:] = list(v.bits.to_bytes(16, "little"))
            return raw
        hierarchy = _hierarchy(v.type)
        if v.ref is None:  # a null of its hierarchy (a zeroed reference is null)
            raw.kind = hierarchy
            return raw
        if hierarchy in (_EXTERN, _ANY) and isinstance(v.ref, int):
            host = self._hosts.setdefault(v.ref, _Host(v.ref))
            raw = self._w.Val.externref(host)._new_raw(self.store)
            if hierarchy == _EXTERN:
                return raw
            if "in" in self._convert:  # the spec's ref.host n: any.convert_extern of it
                return self._call_raw(self._convert["in"], [raw], 1)[0]
        raise Unsupported(f"a non-null {v.type} argument")

    def _evalue(self, raw) -> EValue:
        from wasmtime import _ffi as ffi

        kind = raw.kind
        if kind == _I32:
            return EValue("i32", bits=raw.of.i32 & 0xFFFFFFFF)
        if kind == _F32:
            return EValue("f32", bits=raw.of.i32 & 0xFFFFFFFF)
        if kind == _I64:
            return EValue("i64", bits=raw.of.i64 & 0xFFFFFFFFFFFFFFFF)
        if kind == _F64:
            return EValue("f64", bits=raw.of.i64 & 0xFFFFFFFFFFFFFFFF)
        if kind == _V128:
            return EValue("v128", bits=int.from_bytes(bytes(raw.of.v128), "little"))
        name = _KIND_NAME.get(kind, "ref")
        try:
            if raw.of.anyref.store_id == 0:  # (every reference kind starts with its store id)
                return EValue(name, ref=None)
            if kind == _ANY and "out" in self._convert:  # a host reference internalized?
                ext = self._call_raw(self._convert["out"], [raw], 1)[0]
                n = self._host_number(ext)
                ffi.wasmtime_val_unroot(ctypes.byref(ext))
                return EValue(name, ref="non-null" if n is None else n)
            if kind == _EXTERN:
                n = self._host_number(raw)
                return EValue(name, ref="non-null" if n is None else n)
            return EValue(name, ref="non-null")
        finally:
            if kind in _KIND_NAME:
                ffi.wasmtime_val_unroot(ctypes.byref(raw))

    def _host_number(self, raw) -> int | None:
        """n if the externref ``raw`` is the spec's host reference n."""
        from wasmtime import _ffi as ffi
        from wasmtime._value import _unintern

        if raw.of.externref.store_id == 0:
            return None
        data = ffi.wasmtime_externref_data(self.store._context(), ctypes.byref(raw.of.externref))
        obj = _unintern(data) if data else None
        return obj.n if isinstance(obj, _Host) else None


def _hierarchy(t: str) -> int:
    """The raw kind of reference type ``t`` (as scripts and wasmvm spell it)."""
    for word, kind in (("func", _FUNC), ("extern", _EXTERN), ("exn", _EXN)):
        if word in t:
            return kind
    return _ANY


def _result_counts(wasm: bytes, module) -> dict[str, int]:
    """How many results each exported function has (wasmvm's decoder; else wasmtime's
    types, for a module our decoder refuses)."""
    try:
        from ..binary import decode_module

        m = decode_module(wasm)
        return {e.name: len(m.func_type(e.index).results) for e in m.exports
                if e.kind == "func"}
    except Exception:  # noqa: BLE001 - fall back to asking wasmtime at the call
        return {}


def _failed(e, otherwise) -> EngineError:
    """A wasmtime error that is not a trap: an exception nothing caught (Uncaught), else
    ``otherwise(text)``."""
    text = str(e)
    return Uncaught(text) if "thrown Wasm exception" in text else otherwise(text)
