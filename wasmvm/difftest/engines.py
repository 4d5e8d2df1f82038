"""One module on one engine: compile, instantiate with the host module, call exports,
read the observable state. ``WasmvmSide`` uses wasmvm's public API; ``WasmtimeSide`` uses
wasmtime-py, going below its value conversion where it would lose bits.

Both sides answer with the same plain data: an ``Outcome`` per step and a ``Snapshot`` of
the exported globals, memories and tables (and the host's imported ones) plus the host
call log. ``compare`` decides whether two of them agree.

Bounds. wasmtime runs with fuel (``Config.consume_fuel``): every step gets ``fuel``
units, and running out is the outcome ``exhausted`` (not a trap to compare). The runner
never calls wasmvm for a step that exhausted wasmtime's fuel, so wasmvm only runs what
wasmtime finished within its budget, under a wall-clock limit (SIGALRM in the main
thread; elsewhere none) in case wasmvm itself loops. In the runner's fuel mode wasmvm
counts fuel too (``WasmvmSide(fuel=...)``), and the counts are compared.

GC references (issue 17). wasmtime-py 50 aborts the process when asked for the type of a
GC reference (``support for non-externref and non-funcref references is not
implemented``) and has no value conversion for them, so in a module with a GC type
(``mentions_gc``) both sides read export types from the binary (the module's own type
indices: wasmvm's API spells concrete types with canonical ids) and wasmtime's values are
read raw, by their kind (``WasmtimeSide._raw_label``). What is compared of a reference
(``gc_label``): null or not; an i31's value; that a non-null any-reference is a struct
or an array (not its fields, its exact type nor its identity: wasmtime-py cannot read
them; the module's own accessors, where exported, compare the contents); "func" for any
non-null function reference (no type: see ``func_label``); for an externref, the host
object passed in or "extern:any" for an anyref made external (``extern.convert_any``);
"any" for a host object made internal (``any.convert_extern``: which object is not
compared). Arguments (``values.ref_arguments``): a null for a nullable reference
parameter and i31 values where the type admits them (any, eq, i31); a function with a
parameter nothing can be passed for (a non-nullable reference to a function, struct,
array or concrete type; exnref) is not called, and counted as inconclusive ("gc-ref
parameter"). Traps compare by kind (wasmtime's ``trap_code``): GC adds NULL_REFERENCE
(struct/array access through null), ARRAY_OUT_OF_BOUNDS, CAST_FAILURE and
ALLOCATION_TOO_LARGE, which both engines name alike.
"""

from __future__ import annotations

import atexit
import ctypes
import dataclasses
import os
import signal
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..syntax.features import Features
from . import host
from .values import REF_TYPES, DiffVal, ExternObj, is_ref_type, ref_heap

__all__ = ["Outcome", "Snapshot", "ExportInfo", "WasmvmSide", "WasmtimeSide", "Timeout",
           "wall_clock_limit", "wasmtime_available"]

#: The outcome kinds. "ok": returned values; "trap": a trap with a TrapCode name;
#: "host-error": a host function raised; "rejected": compile failed (malformed/invalid);
#: "link-error": imports did not match; "exhausted": out of fuel or time (inconclusive);
#: "crash": wasmvm raised something that is not a WasmError (always a wasmvm bug);
#: "exit": a WASI program called proc_exit (the message holds the status);
#: "error": any other embedding error (wasmtime-side).
OUTCOME_KINDS = ("ok", "trap", "host-error", "rejected", "link-error", "exhausted", "crash",
                 "exit", "error")
WASI_MODULE = "wasi_snapshot_preview1"


class _WasiOutput:
    """Files that receive a WASI program's stdout and stderr on one engine."""

    def __init__(self):
        self._dir = tempfile.TemporaryDirectory(prefix="wasmvm-diff-wasi-")
        self.stdout = os.path.join(self._dir.name, "stdout")
        self.stderr = os.path.join(self._dir.name, "stderr")

    def read(self) -> dict[str, bytes]:
        out = {}
        for name in ("stdout", "stderr"):
            try:
                with open(getattr(self, name), "rb") as f:
                    out[name] = f.read()
            except FileNotFoundError:
                out[name] = b""
        return out


@dataclass(frozen=True)
class Outcome:
    kind: str
    values: tuple[DiffVal, ...] = ()
    trap: str | None = None
    message: str = ""

    def same(self, other: Outcome) -> bool:
        """The same outcome, messages aside."""
        return (self.kind, self.values, self.trap) == (other.kind, other.values, other.trap)

    def __str__(self) -> str:
        if self.kind == "ok":
            return ", ".join(str(v) for v in self.values) if self.values else "(no results)"
        if self.kind == "trap":
            return f"trap {self.trap} ({self.message.splitlines()[0] if self.message else ''})"
        first = self.message.splitlines()[0] if self.message else ""
        return f"{self.kind}: {first}"


@dataclass
class Snapshot:
    """What a call may change and the embedder can see."""

    globals: dict[str, DiffVal] = field(default_factory=dict)
    memories: dict[str, bytes] = field(default_factory=dict)
    tables: dict[str, tuple] = field(default_factory=dict)
    host_log: tuple = ()
    #: a WASI program's stdout and stderr so far
    output: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportInfo:
    """An export's kind and type, spelled the same for both engines: for a function
    ``("i32", "f64") -> ("i32",)``, for a global ``("mut", "i32")`` or ``("const", "i32")``."""

    name: str
    kind: str
    params: tuple[str, ...] = ()
    results: tuple[str, ...] = ()


class Timeout(BaseException):
    """Raised by SIGALRM inside a wasmvm call that ran out of wall-clock time. A
    BaseException so that nothing in between catches it as an ordinary error."""


@contextmanager
def wall_clock_limit(seconds: float | None):
    """Raise ``Timeout`` in the block after ``seconds``; no limit where SIGALRM cannot be
    used (not the main thread, not POSIX) or when ``seconds`` is None."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _NoExit(Exception):
    """Stands for wasmvm.wasi.ExitTrap where there is no WASI host."""


def _wasmvm_exit_trap() -> type:
    try:
        from ..wasi import ExitTrap
    except ImportError:
        return _NoExit
    return ExitTrap


def func_label(params, results, typed: bool = True) -> str:
    """How a non-null funcref is shown and compared: by its function type (just "func" in
    a module with v128 in a signature: wasmtime-py 50 aborts the process when asked for
    such a type, so neither side looks)."""
    if not typed:
        return "func"
    return f"func[{' '.join(params)} -> {' '.join(results)}]"


def mentions_v128(module) -> bool:
    """Whether any function type or global of a ``wasmvm.syntax.Module`` has v128."""
    if module is None:
        return True
    if any("v128" in getattr(ft, "params", ()) + getattr(ft, "results", ())
           for ft in module.types):
        return True
    globals_ = [g.type for g in module.globals] + [i.desc for i in module.imports
                                                   if i.kind == "global"]
    return any(g.type == "v128" for g in globals_)


def _extern_label(obj) -> str:
    return obj.label if isinstance(obj, ExternObj) else f"extern:{type(obj).__name__}"


def mentions_gc(module) -> bool:
    """Whether a ``wasmvm.syntax.Module`` declares a struct or array type or has a
    reference type other than funcref and externref in a function type, global or table:
    wasmtime-py 50 aborts the process when asked for such a type (``support for
    non-externref and non-funcref references is not implemented``), so export types are
    read from the binary and function references are labelled just "func" on both sides."""
    if module is None:
        return True
    from ..syntax.types import FuncType

    def gc_type(t) -> bool:
        return is_ref_type(str(t)) and str(t) not in REF_TYPES

    for ct in module.types:
        if not isinstance(ct, FuncType) or any(map(gc_type, ct.params + ct.results)):
            return True
    globals_ = [g.type for g in module.globals] + [i.desc for i in module.imports
                                                   if i.kind == "global"]
    tables = [t.type for t in module.tables] + [i.desc for i in module.imports
                                                if i.kind == "table"]
    return any(gc_type(g.type) for g in globals_) or any(gc_type(t.elem) for t in tables)


def typed_funcrefs(module) -> bool:
    """Whether non-null funcrefs are labelled with their function type (``func_label``)."""
    return not mentions_gc(module) and not mentions_v128(module)


def ref_hierarchy(t: str, module) -> str:
    """The hierarchy (func, extern, exn, any) of reference type ``t`` (wasmvm's spelling)
    in ``module`` (a ``wasmvm.syntax.Module``, for concrete types ``(ref null $3)``)."""
    from ..syntax.types import TOP, comp_kind

    _, heap = ref_heap(t)
    if heap.startswith("$"):
        return "func" if comp_kind(module.types[int(heap[1:])]) == "func" else "any"
    return TOP[heap]


def gc_label(raw) -> str | None:
    """How a wasmvm reference of the any hierarchy (raw) is compared: None (null),
    ``"i31:N"`` (N unsigned), ``"struct"``, ``"array"``, or ``"any"`` (a host object
    internalized by any.convert_extern: wasmtime-py cannot see which object). Structs and
    arrays are compared by kind only: wasmtime-py 50 has no way to read their fields (what
    they hold is compared through the module's own accessors, where exported)."""
    from ..exec.gc import I31, Array, Struct

    if raw is None:
        return None
    if raw.__class__ is I31:
        return f"i31:{raw.value & 0x7FFFFFFF}"
    if raw.__class__ is Struct:
        return "struct"
    if raw.__class__ is Array:
        return "array"
    return "any"


# ---------------------------------------------------------------------------------------
# wasmvm
# ---------------------------------------------------------------------------------------
class WasmvmSide:
    """wasmvm on one tier ("compiled", the default, or "reference")."""

    def __init__(self, timeout: float | None = 10.0, max_call_depth: int | None = None,
                 tier: str = "compiled", fuel: int | None = None,
                 wasi_argv: list[str] | None = None):
        from .. import api

        self._api = api
        config = api.Config(tier=tier, consume_fuel=fuel is not None, **feature_switches())
        if max_call_depth is not None:
            config.max_call_depth = max_call_depth
        self.name = f"wasmvm ({tier})"
        self.tier = tier
        self.typed_funcrefs = True
        self.wasi_argv = wasi_argv or ["main.wasm"]
        self.wasi_output: _WasiOutput | None = None
        self.fuel = fuel
        self.store = api.Store(api.Engine(config))
        self.timeout = timeout
        self.module = None
        self.instance = None
        self.host_state = host.HostState()
        self._imports: dict[tuple[str, str], object] = {}
        self._externs: dict[str, ExternObj] = {}

    def reset(self) -> None:
        """A new store and host state, so that ``instantiate`` starts afresh."""
        self.store = self._api.Store(self.store.engine)
        self.instance = None
        self.host_state = host.HostState()
        self._imports.clear()

    # -- steps -----------------------------------------------------------------------
    def compile(self, wasm: bytes) -> Outcome:
        from ..errors import InvalidError, MalformedError

        try:
            self.module = self._api.Module(self.store.engine, wasm)
        except (MalformedError, InvalidError) as e:
            return Outcome("rejected", message=str(e))
        except Exception as e:  # noqa: BLE001 - anything else is a wasmvm bug
            return Outcome("crash", message=f"{type(e).__name__}: {e}")
        self.typed_funcrefs = typed_funcrefs(self.module.syntax)
        return Outcome("ok")

    def instantiate(self) -> Outcome:
        from ..errors import LinkError, Trap, WasmError

        api = self._api
        imports = []
        wasi = any(imp.module == WASI_MODULE for imp in self.module.imports)
        for imp in self.module.imports:
            item = None if imp.module == WASI_MODULE else self._host_item(imp.module, imp.name,
                                                                          imp.type)
            if item is None and imp.module != WASI_MODULE:
                return Outcome("link-error", message=f"unknown import: {imp.module}.{imp.name}")
            imports.append(item)
        self._refuel()
        try:
            with wall_clock_limit(self.timeout):
                if wasi:
                    self.instance = self._instantiate_wasi()
                else:
                    self.instance = api.Instance(self.store, self.module, imports)
        except ImportError:
            return Outcome("link-error", message="wasmvm has no WASI host (wasmvm.wasi)")
        except Timeout:
            return Outcome("exhausted", message="wasmvm: wall-clock limit")
        except host.HostError as e:
            return Outcome("host-error", message=str(e))
        except Trap as e:
            return self._trap(e)
        except _wasmvm_exit_trap() as e:
            return Outcome("exit", message=f"exit status {e.code}")
        except LinkError as e:
            return Outcome("link-error", message=str(e))
        except WasmError as e:
            return Outcome("crash", message=f"{type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001
            return Outcome("crash", message=f"{type(e).__name__}: {e}")
        return Outcome("ok")

    def _instantiate_wasi(self):
        from ..wasi import WasiConfig, define_wasi, set_wasi

        api = self._api
        self.wasi_output = out = _WasiOutput()
        config = WasiConfig()
        config.argv = self.wasi_argv
        config.stdout_file = out.stdout
        config.stderr_file = out.stderr
        set_wasi(self.store, config)
        linker = api.Linker(self.store.engine)
        define_wasi(linker, self.store)
        for (m, n), item in self._imports.items():
            linker.define(self.store, m, n, item)
        return linker.instantiate(self.store, self.module)

    @property
    def is_wasi(self) -> bool:
        return any(imp.module == WASI_MODULE for imp in self.module.imports)

    def exports(self) -> list[ExportInfo]:
        if not self.typed_funcrefs:  # the module's own type indices (the API's are canonical)
            return _exports_from_syntax(self.module.syntax)
        out = []
        for e in self.module.exports:
            t = e.type
            if isinstance(t, self._api.FuncType):
                out.append(ExportInfo(e.name, "func", tuple(str(p) for p in t.params),
                                      tuple(str(r) for r in t.results)))
            elif isinstance(t, self._api.GlobalType):
                out.append(ExportInfo(e.name, "global", ("mut" if t.mutable else "const",),
                                      (str(t.type),)))
            elif isinstance(t, self._api.MemoryType):
                out.append(ExportInfo(e.name, "memory"))
            else:
                out.append(ExportInfo(e.name, "table", (), (str(t.elem),)))
        return out

    def call(self, name: str, args: tuple[DiffVal, ...]) -> Outcome:
        from ..errors import Trap, WasmError

        func = self.instance.exports(self.store)[name]
        ptypes = func.type(self.store).params
        vals = [self._to_val(a, t) for a, t in zip(args, ptypes)]
        self._refuel()
        exit_trap = _wasmvm_exit_trap()
        try:
            with wall_clock_limit(self.timeout):
                results = func.call_vals(self.store, vals)
        except Timeout:
            return Outcome("exhausted", message="wasmvm: wall-clock limit")
        except exit_trap as e:
            return Outcome("exit", message=f"exit status {e.code}")
        except host.HostError as e:
            return Outcome("host-error", message=str(e))
        except Trap as e:
            return self._trap(e)
        except WasmError as e:
            return Outcome("crash", message=f"{type(e).__name__}: {e}")
        except Exception as e:  # noqa: BLE001
            return Outcome("crash", message=f"{type(e).__name__}: {e}")
        declared = next(e.results for e in self.exports() if e.name == name)
        return Outcome("ok", tuple(self._from_val(v, t) for v, t in zip(results, declared)))

    def _refuel(self) -> None:
        if self.fuel is not None:
            self.store.set_fuel(self.fuel)

    def fuel_used(self) -> int | None:
        """Fuel consumed by the last step (None without fuel)."""
        return None if self.fuel is None else self.fuel - self.store.get_fuel()

    def _trap(self, e) -> Outcome:
        if e.code.name == "OUT_OF_FUEL":
            return Outcome("exhausted", message="wasmvm: out of fuel")
        return Outcome("trap", trap=e.code.name, message=e.message)

    def set_global(self, name: str, value: DiffVal) -> None:
        g = self.instance.exports(self.store)[name]
        g.set_value(self.store, self._to_val(value))

    def snapshot(self) -> Snapshot:
        api, store = self._api, self.store
        snap = Snapshot(host_log=tuple(self.host_state.log))
        if self.wasi_output is not None:
            snap.output = self.wasi_output.read()
        global_types = {e.name: e.results[0] for e in self.exports() if e.kind == "global"}
        items = [(name, item) for name, item in self.instance.exports(store).items()]
        items += [(f"{m}.{n}", item) for (m, n), item in self._imports.items()
                  if not isinstance(item, api.Func)]
        for name, item in items:
            if isinstance(item, api.Global):
                snap.globals[name] = self._from_val(item.get_val(store), global_types.get(name))
            elif isinstance(item, api.Memory):
                snap.memories[name] = bytes(item.read(store))
            elif isinstance(item, api.Table):
                elem = item.type(store).elem
                if self.typed_funcrefs:
                    snap.tables[name] = tuple(self._ref_label(str(elem), item.get(store, i))
                                              for i in range(item.size(store)))
                else:
                    snap.tables[name] = tuple(self._raw_label(raw) for raw in item._inst.elements)
        return snap

    # -- values ----------------------------------------------------------------------
    def _to_val(self, v: DiffVal, t=None):
        Val, ValType = self._api.Val, self._api.ValType
        if is_ref_type(v.type) and v.type not in REF_TYPES:
            # a GC reference parameter: null, or an i31 ("i31:N"), given bare: ``t`` is
            # the binary's type (module indices), which the API, typing its checks with
            # canonical ids, would not recognise in a Val
            from ..exec.gc import I31

            return None if v.bits is None else I31(int(v.bits.split(":")[1]))
        if v.type == "funcref":
            if v.bits is not None:
                raise ValueError("only null funcref arguments can be passed")
            return Val.funcref(None)
        if v.type == "externref":
            if v.bits is None:
                return Val.externref(None)
            obj = self._externs.setdefault(v.bits, ExternObj(int(v.bits.split(":")[1])))
            return Val.externref(obj)
        return Val.from_bits(ValType(v.type), v.bits)

    def _from_val(self, v, t: str | None = None) -> DiffVal:
        """``t``: the type as the module declares it (default: the value's)."""
        t = t or str(v.type)
        if t in REF_TYPES and self.typed_funcrefs:
            return DiffVal(t, self._ref_label(t, v.value))
        if is_ref_type(t):
            return DiffVal(t, self._raw_label(v._raw))
        return DiffVal(t, v.bits)

    def _raw_label(self, raw) -> str | None:
        """The label of a raw reference (see ``gc_label``), by what it is: the API spells
        concrete types with canonical ids, not the module's type indices."""
        from ..exec.gc import Externalized
        from ..exec.store import ExternRef, FuncInst

        if raw is None:
            return None
        if isinstance(raw, FuncInst):  # (typed labels only where typed_funcrefs)
            return func_label((), (), typed=False)
        if isinstance(raw, Externalized):
            return "extern:any"
        if isinstance(raw, ExternRef):
            return _extern_label(raw.value)
        label = gc_label(raw)
        return "exn" if label == "any" and type(raw).__name__ == "ExnInst" else label

    def _ref_label(self, t: str, value) -> str | None:
        if value is None:
            return None
        if t == "funcref":
            ft = value.type(self.store)
            return func_label(ft.params, ft.results, self.typed_funcrefs)
        return _extern_label(value)

    # -- host ------------------------------------------------------------------------
    def _host_item(self, module: str, name: str, ty):
        api, store = self._api, self.store
        key = (module, name)
        if key in self._imports:
            return self._imports[key]
        if module != host.MODULE:
            return None
        item = None
        if name in host.FUNCS_BY_NAME:
            f = host.FUNCS_BY_NAME[name]
            item = api.Func(store, api.FuncType(f.params, f.results), host.bind(f.fn, self.host_state))
        elif name in host.GLOBALS_BY_NAME:
            g = host.GLOBALS_BY_NAME[name]
            t = api.ValType(g.type)
            item = api.Global(store, api.GlobalType(t, g.mutable), api.Val.from_bits(t, g.bits))
        elif name == "memory":
            item = api.Memory(store, api.MemoryType(api.Limits(*host.MEMORY_LIMITS)))
        elif name == "table":
            item = api.Table(store, api.TableType(api.ValType.funcref(),
                                                  api.Limits(*host.TABLE_LIMITS)), None)
        if item is not None:
            self._imports[key] = item
        return item


# ---------------------------------------------------------------------------------------
# wasmtime
# ---------------------------------------------------------------------------------------
def _exports_from_syntax(m) -> list[ExportInfo]:
    """Export kinds and types read from the decoded module (``wasmvm.syntax.Module``)."""
    out = []
    for e in m.exports:
        if e.kind == "func":
            ft = m.func_type(e.index)
            out.append(ExportInfo(e.name, "func", tuple(map(str, ft.params)),
                                  tuple(map(str, ft.results))))
            continue
        imported = m.imported(e.kind)
        if e.index < len(imported):
            desc = imported[e.index].desc
        else:
            own = {"global": m.globals, "table": m.tables, "memory": m.mems}[e.kind]
            desc = own[e.index - len(imported)].type
        if e.kind == "global":
            out.append(ExportInfo(e.name, "global", ("mut" if desc.mutable else "const",),
                                  (str(desc.type),)))
        elif e.kind == "memory":
            out.append(ExportInfo(e.name, "memory"))
        else:
            out.append(ExportInfo(e.name, "table", (), (str(desc.elem),)))
    return out


def wasmtime_available() -> bool:
    try:
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


_ENGINES: dict[tuple, object] = {}


#: The WebAssembly 3.0 proposals compared: switched on in both engines, the others off in
#: both (a proposal joins this list once wasmvm implements it).
COMPARED_FEATURES = ("function_references", "multi_memory", "memory64", "extended_const",
                     "tail_call", "relaxed_simd", "exceptions", "gc")


def feature_switches() -> dict[str, bool]:
    """wasmvm's Config switches for the compared feature set."""
    return {"wasm_" + f.name: f.name in COMPARED_FEATURES for f in dataclasses.fields(Features)}


def wasmtime_engine(simd: bool = True):
    """A wasmtime Engine with fuel and the feature set compared: WebAssembly 2.0 and the
    3.0 proposals of ``COMPARED_FEATURES`` (the others, which wasmtime enables by
    default, are switched off). One per process. Relaxed SIMD (with SIMD only) keeps
    wasmtime's default results (``wasm_relaxed_simd_deterministic`` off): wasmvm gives
    those of x86-64 (``exec.relaxed_simd``)."""
    import wasmtime

    key = (simd,)
    if key not in _ENGINES:
        c = wasmtime.Config()
        c.consume_fuel = True
        c.wasm_simd = simd
        c.wasm_relaxed_simd = False
        switches = {name: False for name in (
            "wasm_threads", "wasm_tail_call", "wasm_multi_memory", "wasm_memory64",
            "wasm_exceptions", "wasm_function_references", "wasm_gc",
            "wasm_wide_arithmetic", "wasm_custom_page_sizes", "wasm_stack_switching")}
        switches.update({"wasm_" + f: True for f in COMPARED_FEATURES})
        switches["wasm_relaxed_simd"] = simd  # relaxed SIMD needs SIMD
        for name, on in switches.items():
            try:
                setattr(c, name, on)
            except (AttributeError, Exception):  # noqa: BLE001 - older wasmtime-py
                pass
        c.parallel_compilation = False
        _ENGINES[key] = wasmtime.Engine(c)
    return _ENGINES[key]


#: wasmtime's raw value kinds (``wasmtime_valkind_t``) of each reference hierarchy
_RAW_KIND = {"func": 5, "extern": 6, "any": 7, "exn": 8}


def _wt_type(vt) -> str:
    import wasmtime

    for name in ("i32", "i64", "f32", "f64", "funcref", "externref"):
        if vt == getattr(wasmtime.ValType, name)():
            return name
    return str(vt)


class WasmtimeSide:
    name = "wasmtime"

    def __init__(self, fuel: int = 10_000_000, simd: bool = True,
                 wasi_argv: list[str] | None = None):
        import wasmtime

        self._w = wasmtime
        self.wasi_argv = wasi_argv or ["main.wasm"]
        self.wasi_output: _WasiOutput | None = None
        self.engine = wasmtime_engine(simd)
        self.store = wasmtime.Store(self.engine)
        self.fuel = fuel
        self.module = None
        self.instance = None
        self.host_state = host.HostState()
        self._imports: dict[tuple[str, str], object] = {}
        self._exports: dict[str, object] = {}
        self._externs: dict[str, ExternObj] = {}
        self._syntax = None
        self._export_info: list[ExportInfo] | None = None
        self.typed_funcrefs = True

    def reset(self) -> None:
        """A new store and host state, so that ``instantiate`` starts afresh."""
        self.store = self._w.Store(self.engine)
        self.instance = None
        self.host_state = host.HostState()
        self._imports.clear()
        self._exports = {}

    def compile(self, wasm: bytes) -> Outcome:
        try:
            self.module = self._w.Module(self.engine, wasm)
        except self._w.WasmtimeError as e:
            return Outcome("rejected", message=str(e))
        try:  # wasmtime-py cannot show v128 types (it aborts): read them from the binary
            from ..binary import decode_module

            self._syntax = decode_module(wasm)
        except Exception:  # noqa: BLE001 - the comparison of compile outcomes reports it
            self._syntax = None
        self.typed_funcrefs = typed_funcrefs(self._syntax)
        return Outcome("ok")

    def instantiate(self) -> Outcome:
        w = self._w
        imports = []
        for imp in self.module.imports:
            item = None if imp.module == WASI_MODULE else self._host_item(imp.module, imp.name)
            if item is None and imp.module != WASI_MODULE:
                return Outcome("link-error", message=f"unknown import: {imp.module}.{imp.name}")
            imports.append(item)
        self.store.set_fuel(self.fuel)
        try:
            if self.is_wasi:
                self.instance = self._instantiate_wasi()
            else:
                self.instance = w.Instance(self.store, self.module, imports)
        except host.HostError as e:
            return Outcome("host-error", message=str(e))
        except w.Trap as e:
            return self._trap(e)
        except w.ExitTrap as e:
            return Outcome("exit", message=f"exit status {e.code}")
        except w.WasmtimeError as e:
            text = str(e)
            if "incompatible import type" in text or "unknown import" in text:
                return Outcome("link-error", message=text)
            return Outcome("error", message=text)
        exports = self.instance.exports(self.store)
        self._exports = {name: exports[name] for name in (e.name for e in self.module.exports)}
        return Outcome("ok")

    @property
    def is_wasi(self) -> bool:
        return any(imp.module == WASI_MODULE for imp in self.module.imports)

    def _instantiate_wasi(self):
        w = self._w
        self.wasi_output = out = _WasiOutput()
        config = w.WasiConfig()
        config.argv = self.wasi_argv
        config.stdout_file = out.stdout
        config.stderr_file = out.stderr
        self.store.set_wasi(config)
        linker = w.Linker(self.engine)
        linker.define_wasi()
        for (m, n), item in self._imports.items():
            linker.define(self.store, m, n, item)
        return linker.instantiate(self.store, self.module)

    def exports(self) -> list[ExportInfo]:
        if self._export_info is None:
            self._export_info = (self._exports_from_wasmtime() if self.typed_funcrefs
                                 else _exports_from_syntax(self._syntax))
        return self._export_info

    def _exports_from_wasmtime(self) -> list[ExportInfo]:
        w = self._w
        out = []
        for e in self.module.exports:
            t = e.type
            if isinstance(t, w.FuncType):
                out.append(ExportInfo(e.name, "func", tuple(_wt_type(p) for p in t.params),
                                      tuple(_wt_type(r) for r in t.results)))
            elif isinstance(t, w.GlobalType):
                out.append(ExportInfo(e.name, "global", ("mut" if t.mutable else "const",),
                                      (_wt_type(t.content),)))
            elif isinstance(t, w.MemoryType):
                out.append(ExportInfo(e.name, "memory"))
            else:
                out.append(ExportInfo(e.name, "table", (), (_wt_type(t.element),)))
        return out

    def call(self, name: str, args: tuple[DiffVal, ...]) -> Outcome:
        from wasmtime import _ffi as ffi
        from wasmtime._func import enter_wasm

        w = self._w
        func = self._exports[name]
        result_types = next(e.results for e in self.exports() if e.name == name)
        params = (ffi.wasmtime_val_t * max(len(args), 1))()
        for i, a in enumerate(args):
            params[i] = self._to_raw(a)
        results = (ffi.wasmtime_val_t * max(len(result_types), 1))()
        self.store.set_fuel(self.fuel)
        try:
            with enter_wasm(self.store) as trap:
                error = ffi.wasmtime_func_call(self.store._context(), ctypes.byref(func._func),
                                               params, len(args), results, len(result_types),
                                               trap)
                if error:
                    raise w.WasmtimeError._from_ptr(error)
        except host.HostError as e:
            return Outcome("host-error", message=str(e))
        except w.Trap as e:
            return self._trap(e)
        except w.ExitTrap as e:
            return Outcome("exit", message=f"exit status {e.code}")
        except w.WasmtimeError as e:
            return Outcome("error", message=str(e))
        finally:
            for i, a in enumerate(args):
                if is_ref_type(a.type):
                    ffi.wasmtime_val_unroot(ctypes.byref(params[i]))
        return Outcome("ok", tuple(self._from_raw(t, results[i])
                                   for i, t in enumerate(result_types)))

    def fuel_used(self) -> int:
        """Fuel consumed by the last step."""
        return self.fuel - self.store.get_fuel()

    def set_global(self, name: str, value: DiffVal) -> None:
        from wasmtime import _ffi as ffi

        g = self._exports[name]
        raw = self._to_raw(value)
        error = ffi.wasmtime_global_set(self.store._context(), ctypes.byref(g._global),
                                        ctypes.byref(raw))
        if error:
            raise self._w.WasmtimeError._from_ptr(error)

    def snapshot(self) -> Snapshot:
        from wasmtime import _ffi as ffi

        w, store = self._w, self.store
        snap = Snapshot(host_log=tuple(self.host_state.log))
        if self.wasi_output is not None:
            snap.output = self.wasi_output.read()
        items = list(self._exports.items())
        items += [(f"{m}.{n}", item) for (m, n), item in self._imports.items()
                  if not isinstance(item, w.Func)]
        global_types = {e.name: e.results[0] for e in self.exports() if e.kind == "global"}
        for name, item in items:
            if isinstance(item, w.Global):
                t = global_types.get(name) or _wt_type(item.type(store).content)
                raw = ffi.wasmtime_val_t()
                ffi.wasmtime_global_get(store._context(), ctypes.byref(item._global),
                                        ctypes.byref(raw))
                snap.globals[name] = self._from_raw(t, raw)
            elif isinstance(item, w.Memory):
                n = item.data_len(store)
                snap.memories[name] = ctypes.string_at(item.data_ptr(store), n) if n else b""
            elif isinstance(item, w.Table):
                if not self.typed_funcrefs:  # GC: read the raw values (see mentions_gc)
                    labels = []
                    for i in range(item.size(store)):
                        raw = ffi.wasmtime_val_t()
                        ffi.wasmtime_table_get(store._context(), ctypes.byref(item._table), i,
                                               ctypes.byref(raw))
                        labels.append(self._raw_label(raw))
                    snap.tables[name] = tuple(labels)
                    continue
                elem = _wt_type(item.type(store).element)
                labels = []
                for i in range(item.size(store)):
                    v = item.get(store, i)
                    if isinstance(v, w.Val):
                        v = v.value
                    labels.append(self._ref_label(elem, v))
                snap.tables[name] = tuple(labels)
        return snap

    # -- values ----------------------------------------------------------------------
    def _trap(self, e) -> Outcome:
        code = e.trap_code
        name = code.name if code is not None else None
        if name == "OUT_OF_FUEL":
            return Outcome("exhausted", message="wasmtime: out of fuel")
        if name is None and "thrown Wasm exception" in str(e):
            # an exception no handler caught: wasmtime has no trap code for it; wasmvm's
            # UncaughtException is TrapCode.UNCAUGHT_EXCEPTION
            return Outcome("trap", trap="UNCAUGHT_EXCEPTION", message="thrown Wasm exception")
        if name is None:
            return Outcome("error", message=str(e))
        lines = e.message.splitlines()
        text = next((line.split("wasm trap:", 1)[1].strip() for line in lines
                     if "wasm trap:" in line), lines[0] if lines else "")
        return Outcome("trap", trap=name, message=text)

    def _to_raw(self, v: DiffVal):
        from wasmtime import _ffi as ffi

        w = self._w
        t = v.type
        if is_ref_type(t) and t not in REF_TYPES:
            # a GC reference argument: a null of t's hierarchy, or an i31 ("i31:N")
            raw = ffi.wasmtime_val_t()
            raw.kind = _RAW_KIND[ref_hierarchy(t, self._syntax)]
            if v.bits is not None:
                ffi.wasmtime_anyref_from_i31(self.store._context(), int(v.bits.split(":")[1]),
                                             ctypes.byref(raw.of.anyref))
            return raw
        if t in REF_TYPES:
            if t == "funcref":
                if v.bits is not None:
                    raise ValueError("only null funcref arguments can be passed")
                return w.Val.funcref(None)._new_raw(self.store)
            obj = None
            if v.bits is not None:
                obj = self._externs.setdefault(v.bits, ExternObj(int(v.bits.split(":")[1])))
            return w.Val.externref(obj)._new_raw(self.store)
        raw = ffi.wasmtime_val_t()
        if t in ("i32", "f32"):
            raw.kind = (ffi.WASMTIME_I32 if t == "i32" else ffi.WASMTIME_F32).value
            raw.of.i32 = v.bits - (1 << 32) if v.bits >> 31 else v.bits  # f32 bits, exactly
        elif t in ("i64", "f64"):
            raw.kind = (ffi.WASMTIME_I64 if t == "i64" else ffi.WASMTIME_F64).value
            raw.of.i64 = v.bits - (1 << 64) if v.bits >> 63 else v.bits
        elif t == "v128":
            raw.kind = ffi.WASMTIME_V128.value
            raw.of.v128[:] = list(v.bits.to_bytes(16, "little"))
        else:
            raise ValueError(f"no raw form for {t}")
        return raw

    def _from_raw(self, t: str, raw) -> DiffVal:
        if t in ("i32", "f32"):
            return DiffVal(t, raw.of.i32 & 0xFFFFFFFF)
        if t in ("i64", "f64"):
            return DiffVal(t, raw.of.i64 & 0xFFFFFFFFFFFFFFFF)
        if t == "v128":
            return DiffVal(t, int.from_bytes(bytes(raw.of.v128), "little"))
        if t in REF_TYPES and self.typed_funcrefs:
            v = self._w.Val._from_raw(self.store, raw).value
            return DiffVal(t, self._ref_label(t, v))
        if is_ref_type(t):
            return DiffVal(t, self._raw_label(raw))
        raise ValueError(f"cannot read a {t} result")

    def _raw_label(self, raw) -> str | None:
        """The label of a raw reference (``gc_label``), read by its kind; unroots it."""
        from wasmtime import _ffi as ffi
        from wasmtime._value import _unintern

        ctx = self.store._context()
        kind = raw.kind
        try:
            if raw.of.anyref.store_id == 0:  # every reference kind starts with its store id
                return None
            if kind == _RAW_KIND["func"]:
                return func_label((), (), typed=False)
            if kind == _RAW_KIND["extern"]:
                data = ffi.wasmtime_externref_data(ctx, ctypes.byref(raw.of.externref))
                # no host data: an anyref externalized by extern.convert_any
                return _extern_label(_unintern(data)) if data else "extern:any"
            if kind == _RAW_KIND["any"]:
                ref = ctypes.byref(raw.of.anyref)
                n = ctypes.c_uint32()
                # (wasmtime_anyref_is_i31 answers True for structs too: ask for the value)
                if ffi.wasmtime_anyref_i31_get_u(ctx, ref, ctypes.byref(n)):
                    return f"i31:{n.value & 0x7FFFFFFF}"
                if ffi.wasmtime_anyref_is_struct(ctx, ref):
                    return "struct"
                if ffi.wasmtime_anyref_is_array(ctx, ref):
                    return "array"
                return "any"
            return "exn"
        finally:
            ffi.wasmtime_val_unroot(ctypes.byref(raw))

    def _ref_label(self, t: str, value) -> str | None:
        if value is None:
            return None
        if t == "funcref":
            if not self.typed_funcrefs:
                return func_label((), (), typed=False)
            ft = value.type(self.store)
            return func_label([_wt_type(p) for p in ft.params], [_wt_type(r) for r in ft.results])
        return _extern_label(value)

    def _host_item(self, module: str, name: str):
        w, store = self._w, self.store
        key = (module, name)
        if key in self._imports:
            return self._imports[key]
        if module != host.MODULE:
            return None
        vt = {n: getattr(w.ValType, n)() for n in ("i32", "i64", "f32", "f64")}
        item = None
        if name in host.FUNCS_BY_NAME:
            f = host.FUNCS_BY_NAME[name]
            ft = w.FuncType([vt[p] for p in f.params], [vt[r] for r in f.results])
            fn = host.bind(f.fn, self.host_state)
            if len(f.results) > 1:
                inner = fn

                def fn(*args, _inner=inner):
                    return list(_inner(*args))
            item = w.Func(store, ft, fn)
        elif name in host.GLOBALS_BY_NAME:
            g = host.GLOBALS_BY_NAME[name]
            item = w.Global(store, w.GlobalType(vt[g.type], g.mutable), self._w_val(g.type, g.bits))
        elif name == "memory":
            item = w.Memory(store, w.MemoryType(w.Limits(*host.MEMORY_LIMITS)))
        elif name == "table":
            item = w.Table(store, w.TableType(w.ValType.funcref(), w.Limits(*host.TABLE_LIMITS)),
                           None)
        if item is not None:
            self._imports[key] = item
        return item

    def _w_val(self, t: str, bits: int):
        import struct

        w = self._w
        if t == "i32":
            return w.Val.i32(bits - (1 << 32) if bits >> 31 else bits)
        if t == "i64":
            return w.Val.i64(bits - (1 << 64) if bits >> 63 else bits)
        if t == "f64":
            return w.Val.f64(struct.unpack("<d", struct.pack("<Q", bits))[0])
        raise ValueError(f"no host global of type {t}")


def _release_engines() -> None:
    """Free the cached wasmtime engines before the interpreter tears wasmtime's bindings
    down (their finalizers need them)."""
    _ENGINES.clear()


atexit.register(_release_engines)
