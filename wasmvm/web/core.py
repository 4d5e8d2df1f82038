"""What the web layer does with a module, as plain functions returning JSON-ready dicts.

    load_module(data, limits) -> Module        decode, validate, check the limits
    describe(data, module, limits) -> dict     sections, imports, exports, disassembly,
                                               details, annotated bytes
    invoke(module, export, args, limits) -> dict
                                               results (typed text and exact bits) or the
                                               trap, fuel used, an optional bounded trace
                                               and an optional profile
    translate(module, limits, func) -> dict    the Python the compiled tier makes of the
                                               functions, each line with its instructions

Nothing here imports FastAPI: the server (``wasmvm.web.app``) runs these functions in
worker threads, and the playground's in-browser mode runs the very same functions inside
the page through Pyodide, so both modes show the same data. Only wasmvm's public API is
used (``wasmvm``, ``wasmvm.api.values``, ``wasmvm.text``, ``wasmvm.observe``).

Errors are wasmvm's own (``MalformedError``, ``InvalidError``, ``LinkError``), a
``LimitError`` for what the limits refuse, and ``RequestError`` for a request that does
not fit the module (an unknown export, arguments of the wrong number or type). A trap is
not an error here: it is the outcome of the call, returned in ``"trap"``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import threading

from .. import Config, Engine, Func, Instance, Module, Store, Trap, TrapCode, Val, ValType
from ..api.values import format_value, func_namer, parse_argument, parse_value, type_text
from ..observe.profile import Profiler
from ..observe.trace import Tracer
from ..observe.translation import translate_module
from ..syntax.instructions import walk
from ..syntax.types import FuncType, GlobalType, MemoryType, TableType
from ..text import format_details, format_disassembly, section_headers
from ..text.annotate import annotate
from ..wat import is_text, wat2wasm
from .limits import LimitError, Limits

__all__ = [
    "Job", "RequestError", "load_module", "check_limits", "describe", "invoke", "make_store",
    "find_func", "parse_args", "value_json", "trap_json", "module_id", "translate",
    "profile_json", "PROFILE_NODES",
]


class RequestError(Exception):
    """The request does not fit the module: ``kind`` is "not_found" (no such export) or
    "bad_request" (arguments)."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        self.message = message
        super().__init__(message)


class Job:
    """The stores of one request's engine work, so that another thread can stop it.

    ``cancel()`` sets every store's fuel to zero: the running call traps OUT_OF_FUEL at its
    next charge (the compiled tier charges at the start of every straight-line segment, the
    reference tier before every instruction). Fuel is the only way into a running call, so
    the stores the web layer makes always consume fuel.
    """

    def __init__(self):
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        self.cancelled = False

    def register(self, store: Store) -> Store:
        with self._lock:
            self._stores.append(store)
            if self.cancelled:
                store.set_fuel(0)
        return store

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            for store in self._stores:
                store.set_fuel(0)


def module_id(data: bytes) -> str:
    """A module's id: the SHA-256 of its bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


# -- loading -------------------------------------------------------------------------------
def service_config(**settings) -> Config:
    """The service's engine settings with ``settings``: never a translation worker
    (``Config.parallel_compilation``): a request's work stays in the process or thread
    that the service runs it in, under that one's budgets (a worker process would
    outlive the request with the module it keeps in a cache, outside its memory limit)."""
    return Config(parallel_compilation=False, **settings)


def load_module(data: bytes, limits: Limits, engine: Engine | None = None, *,
                growth_bounded: bool = False) -> Module:
    """Decode and validate ``data`` (MalformedError, InvalidError), then check it against
    the limits (LimitError). ``growth_bounded``: something else bounds what memories and
    tables grow to (a worker process's memory limit), see ``check_limits``."""
    if len(data) > limits.max_module_bytes:
        raise LimitError("max_module_bytes", f"the module has {len(data)} bytes; this service "
                         f"takes modules of at most {limits.max_module_bytes} bytes")
    module = Module(engine or Engine(service_config()), data)
    check_limits(module, limits, growth_bounded=growth_bounded)
    return module


def _grows(syntax, name: str) -> bool:
    for func in syntax.funcs:
        for event, instr in walk(func.body):
            if event == "instr" and instr.op.name == name:
                return True
    return False


def check_limits(module: Module, limits: Limits, *, growth_bounded: bool = False) -> None:
    """Refuse memories and tables that start beyond the limits, and, unless
    ``growth_bounded``, those that may grow beyond them."""
    syntax = module.syntax
    checks = (
        ("memory", [m.type.limits for m in syntax.mems], "memory.grow", limits.max_memory_pages,
         "max_memory_pages", "pages of 64 KiB"),
        ("table", [t.type.limits for t in syntax.tables], "table.grow", limits.max_table_elements,
         "max_table_elements", "elements"),
    )
    for kind, all_limits, grow, most, field, unit in checks:
        if not all_limits:
            continue
        imported = len(syntax.imported(kind))
        grows = None  # computed only when needed
        for i, lim in enumerate(all_limits, start=imported):
            if lim.min > most:
                raise LimitError(field, f"{kind} {i} starts with {lim.min} {unit}; this service "
                                 f"allows at most {most}")
            if growth_bounded or (lim.max is not None and lim.max <= most):
                continue
            if grows is None:
                grows = _grows(syntax, grow)
            if grows:
                bound = "has no maximum" if lim.max is None else f"has a maximum of {lim.max}"
                raise LimitError(field, f"{kind} {i} {bound} and the module uses {grow}; this "
                                 f"service allows at most {most} {unit}: declare a maximum "
                                 f"of at most {most}")


# -- describing ------------------------------------------------------------------------------
_LINE = re.compile(r"^ ([0-9a-f]+): ([0-9a-f ]*?) *\|(?: (.*))?$")


def _type_json(t) -> dict:
    if isinstance(t, FuncType):
        return {"kind": "func", "text": str(t), "params": [str(p) for p in t.params],
                "results": [str(r) for r in t.results]}
    kind = {MemoryType: "memory", TableType: "table", GlobalType: "global"}[type(t)]
    return {"kind": kind, "text": f"({kind} {t})"}


def _disassembly(data: bytes, syntax, most: int) -> tuple[list[dict], bool]:
    """``wasmvm dump -d`` as records: each line's text, and for instruction lines the
    offset and length of the bytes it shows (continuation lines fold into their line)."""
    out: list[dict] = []
    for line in format_disassembly(data, syntax):
        m = _LINE.match(line)
        if m is None:
            if len(out) >= most:
                return out, True
            out.append({"offset": None, "length": 0, "bytes": "", "text": line})
            continue
        offset, raw, text = int(m.group(1), 16), m.group(2).replace(" ", ""), m.group(3)
        if text is None and out and out[-1]["offset"] is not None:  # a continuation line
            out[-1]["bytes"] += raw
            out[-1]["length"] += len(raw) // 2
            continue
        if len(out) >= most:
            return out, True
        out.append({"offset": offset, "length": len(raw) // 2, "bytes": raw, "text": text or ""})
    return out, False


def compile_text(data: bytes, limits: Limits) -> bytes:
    """The binary of an upload: itself, or for WAT text what it compiles to (a
    TextError with line and column when it is malformed)."""
    if not is_text(data):
        return data
    if len(data) > limits.max_module_bytes:
        raise LimitError("max_module_bytes", f"the text has {len(data)} bytes; this service "
                         f"takes modules of at most {limits.max_module_bytes} bytes")
    return wat2wasm(data)


def describe(data: bytes, module: Module, limits: Limits, source: bytes | None = None) -> dict:
    """Everything the playground shows about a module (see ``schemas.ModuleInfo``).
    ``data`` is the binary; ``source`` the WAT text it was compiled from, if it was: the
    module is then known by the text's id, and the answer carries the binary (base64)."""
    syntax = module.syntax
    records = annotate(data)
    disassembly, cut = _disassembly(data, syntax, limits.max_disassembly_lines)
    details = []
    for line in format_details(data, syntax):
        if len(details) >= limits.max_disassembly_lines:
            break
        details.append(line)
    names = syntax.names
    return {
        "id": module_id(data if source is None else source),
        "wasm": None if source is None else base64.b64encode(data).decode("ascii"),
        "size": len(data),
        "name": getattr(names, "module", None) if names is not None else None,
        "sections": [{"id": h.id, "name": h.name, "offset": h.offset, "start": h.start,
                      "end": h.end, "size": h.size, "count": h.count,
                      "custom_name": h.custom_name} for h in section_headers(data)],
        "imports": [{"module": i.module, "name": i.name, "type": _type_json(i.type)}
                    for i in module.imports],
        "exports": [{"name": e.name, "type": _type_json(e.type)} for e in module.exports],
        "disassembly": disassembly,
        "disassembly_truncated": cut,
        "details": details,
        "annotations": [r.to_json() for r in records[: limits.max_annotations]],
        "annotations_truncated": len(records) > limits.max_annotations,
    }


# -- running ---------------------------------------------------------------------------------
def make_store(limits: Limits, *, observed: bool, fuel: int | None = None,
               job: Job | None = None) -> tuple[Store, int, bool]:
    """A store that always counts fuel: ``(store, budget, service_budget)``. The budget is
    the client's ``fuel`` when it asked for no more than the service allows."""
    most = limits.observed_fuel if observed else limits.fuel
    client = fuel is not None and 0 <= fuel < most
    budget = fuel if client else most
    tier = "reference" if observed else "compiled"
    store = Store(Engine(service_config(tier=tier, consume_fuel=True,
                                        max_call_depth=limits.max_call_depth)))
    store.set_fuel(budget)
    if job is not None:
        job.register(store)
    return store, budget, not client


def find_func(instance: Instance, store: Store, export: str) -> Func:
    exports = instance.exports(store)
    func = exports.get(export)
    if not isinstance(func, Func):
        names = ", ".join(n for n in exports if isinstance(exports[n], Func)) or "none"
        raise RequestError("not_found", f"no exported function {export!r} "
                           f"(exported functions: {names})")
    return func


def parse_args(func: Func, store: Store, export: str, texts: list) -> list[Val]:
    """The arguments as typed values: ``"20"``, ``"-1.5"``, ``"nan:0x200000"``, ``"null"``."""
    params = func.type(store).params
    if len(texts) != len(params):
        raise RequestError("bad_request", f"{export} takes {len(params)} argument(s) "
                           f"({', '.join(str(p) for p in params) or 'none'}), got {len(texts)}")
    vals = []
    for i, (t, text) in enumerate(zip(params, texts)):
        if not isinstance(text, str):
            text = str(text)
        try:
            vals.append(parse_argument(func, i, text) if t.is_ref else parse_value(ValType(t), text))
        except (ValueError, IndexError) as e:
            raise RequestError("bad_request", f"argument {i} of {export}: {e}") from None
    return vals


def value_json(v: Val, type_name=None) -> dict:
    """``{"type": "i64", "text": "i64:120", "bits": "0x0000000000000078"}`` (bits: None
    for references; a struct, array or i31's text is ``api.values.gc_text``'s,
    ``(ref.struct $0 {i32:1, (mut i64):2})``, ``type_name`` naming its types). Bits are
    hex strings: JSON numbers lose i64 precision in JavaScript."""
    t = v.type
    bits = None
    if not t.is_ref:
        width = {"i32": 8, "f32": 8, "i64": 16, "f64": 16, "v128": 32}[str(t)]
        bits = f"0x{v.bits:0{width}x}"
    return {"type": type_text(t, type_name), "text": format_value(v, type_name), "bits": bits}


def trap_json(trap: Trap) -> dict:
    return {"code": trap.code.name, "message": trap.message, "offset": trap.offset,
            "backtrace": trap.backtrace(),
            "frames_elided": trap.frames_elided}


class _BoundedTrace:
    """Collects Tracer records up to ``most``, then stops tracing (the call runs on)."""

    def __init__(self, most: int):
        self.most = most
        self.records: list[dict] = []
        self.truncated = False

    def emit(self, record: dict) -> None:
        if len(self.records) < self.most:
            self.records.append(record)
        else:
            self.truncated = True


class _Bounded(Tracer):
    def __init__(self, sink: _BoundedTrace):
        super().__init__(sink.emit)
        self._sink = sink

    def _live(self) -> bool:
        return not self._sink.truncated

    def enter(self, state):
        if self._live():
            super().enter(state)

    def leave(self, state):
        if self._live():
            super().leave(state)

    def before(self, state):
        if self._live():
            super().before(state)

    def after(self, state):
        if self._live():
            super().after(state)

    def trap(self, state, trap):
        if self._live():
            super().trap(state, trap)


def invoke(module: Module, export: str, args: list, limits: Limits, *, fuel: int | None = None,
           trace: bool = False, trace_limit: int | None = None, job: Job | None = None,
           profile: bool = False) -> dict:
    """Instantiate ``module`` (no imports), call ``export`` with ``args`` (texts) and
    return the results or the trap. With ``trace``, also the Tracer's records (at most
    ``trace_limit``, and never more than the service allows); with ``profile``, the
    call's profile (``profile_json``)."""
    store, budget, service = make_store(limits, observed=trace, fuel=fuel, job=job)
    result: dict = {"export": export, "args": [], "results": None, "trap": None,
                    "phase": "instantiate", "tier": "reference" if trace else "compiled",
                    "fuel": {"budget": budget, "consumed": 0, "service_budget": service},
                    "trace": None, "trace_truncated": False, "profile": None}
    sink = None
    if trace:
        most = limits.max_trace_records if trace_limit is None else min(trace_limit,
                                                                        limits.max_trace_records)
        sink = _BoundedTrace(max(most, 0))
        store.add_observer(_Bounded(sink))
    profiler = None
    try:
        instance = Instance(store, module, [])
        result["phase"] = "call"
        func = find_func(instance, store, export)
        vals = parse_args(func, store, export, args)
        result["args"] = [format_value(v) for v in vals]
        namer = func_namer(func)
        if profile:
            profiler = Profiler(store).start()
        try:
            out = func.call_vals(store, vals)
        finally:
            if profiler is not None:
                profiler.stop()
        result["results"] = [value_json(v, namer) for v in out]
    except Trap as trap:
        result["trap"] = trap_json(trap)
    finally:
        result["fuel"]["consumed"] = budget - store.get_fuel()
        if profiler is not None:
            result["profile"] = profile_json(profiler)
        if sink is not None:
            result["trace"] = sink.records
            result["trace_truncated"] = sink.truncated
    return result


def out_of_service_fuel(result: dict) -> bool:
    """True when a call ran out of the service's own fuel budget (not one it asked for):
    it probably does not terminate."""
    trap = result.get("trap")
    return (trap is not None and trap["code"] == TrapCode.OUT_OF_FUEL.name
            and result["fuel"]["service_budget"])


# -- profiling and translating ---------------------------------------------------------------
#: Calling contexts a profile answer holds at most (the biggest, by total time, are kept)
PROFILE_NODES = 2000


def profile_json(prof: Profiler) -> dict:
    """A profile for the playground: per function calls, self and total time (seconds)
    and fuel, and the calling-context tree for its flame graph (``{name, calls, self,
    total, fuel, children}``), pruned to ``PROFILE_NODES`` nodes by total time."""
    keep = sorted((n for n in prof.tree.walk() if n is not prof.tree),
                  key=lambda n: -n.total_time)[:PROFILE_NODES]
    kept = set(map(id, keep))

    def node(n) -> dict:
        return {"name": n.name, "calls": n.calls, "self": n.self_time, "total": n.total_time,
                "fuel": n.total_fuel,
                "children": [node(c) for c in n.children.values() if id(c) in kept]}

    top = [node(c) for c in prof.tree.children.values() if id(c) in kept]
    return {
        "tier": prof.tier,
        "functions": [{"name": f.name, "calls": f.calls, "self": f.self_time,
                       "total": f.total_time, "fuel": f.self_fuel}
                      for f in prof.functions(translating=True)],
        "tree": {"name": "(all)", "calls": 1, "self": 0.0,
                 "total": sum(c["total"] for c in top), "fuel": sum(c["fuel"] for c in top),
                 "children": top},
        "nodes_truncated": len(kept) < sum(1 for _ in prof.tree.walk()) - 1,
    }


def translate(module: Module, limits: Limits, func: str | None = None,
              fuel: bool = False) -> dict:
    """What ``wasmvm translate`` prints, as records: for each function defined in the
    module (or ``func``: its name, export name or index), its Python lines, each with the
    byte offsets and text of the instructions it came from; at most
    ``max_disassembly_lines`` lines in all. ``fuel``: the code made for a store that counts
    fuel (as this service's calls run), else as ``wasmvm run`` makes it."""
    store = Store(Engine(service_config(tier="compiled", consume_fuel=fuel,
                                max_call_depth=limits.max_call_depth)))
    if fuel:
        store.set_fuel(limits.fuel)
    try:
        found = translate_module(store, module, func)
    except ValueError as e:
        raise RequestError("not_found", str(e)) from None
    out, lines, cut = [], 0, False
    for t in found:
        if lines >= limits.max_disassembly_lines:
            cut = True
            break
        rows = []
        for line in t.lines:
            if lines >= limits.max_disassembly_lines:
                cut = True
                break
            rows.append({"text": line.text, "offsets": list(line.offsets),
                         "instructions": list(line.instructions)})
            lines += 1
        out.append({"index": t.index, "name": t.name, "type": t.type, "form": t.form,
                    "lines": rows, "unreachable": len(t.unreachable)})
    return {"functions": out, "truncated": cut, "fuel": fuel}
