"""Runtime structure (spec 4.2): the store and the instances in it.

Meta-variables: ``F`` a frame, ``S`` the store, ``a`` an address (here: the instance object
itself; Python references are the addresses).

Values at run time are "raw": i32/i64 as unsigned ints, floats as Python floats (see
``exec.numerics``), v128 as an unsigned 128-bit int, references as the referenced
``FuncInst`` / ``ExternRef`` or ``None`` for null.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ResourceLimitError, Trap, TrapCode, UncaughtException
from ..syntax.module import Func
from ..syntax.types import FuncType, GlobalType, Limits, TableType, ValType
from ..valid.canon import TYPES
from .memory import Memory as MemInst

__all__ = [
    "FuncInst", "WasmFunc", "HostFunc", "TableInst", "MemInst", "GlobalInst", "ElemInst",
    "DataInst", "ModuleInst", "ExternRef", "Store", "StoreLimits", "DEFAULT_MAX_CALL_DEPTH",
    "MAX_TABLE_SIZE", "default_value", "TagInst", "ExnInst", "Thrown", "uncaught", "uncaught_of",
    "rethrown",
]

#: Frames of WebAssembly functions that may be live at once (wasmtime's default stack
#: of 512 KiB holds roughly as many small frames). Set per store with Config.
DEFAULT_MAX_CALL_DEPTH = 10_000
#: How deep calls may nest through host functions (wasm -> host -> wasm -> ...): each
#: level costs Python's C stack, not only its frames, so it has a budget of its own,
#: which a runaway re-entry meets as "call stack exhausted" long before the process's
#: stack ends (CPython 3.11 crashes somewhere past 3,000 levels).
MAX_HOST_NESTING = 1_000

#: Elements a table may have (80 MB of references): a table.grow beyond this fails
#: (returns -1) and a table whose minimum is over it is refused (ResourceLimitError).
MAX_TABLE_SIZE = 10_000_000


@dataclass
class StoreLimits:
    """The resource limits of a store (wasmtime's ``StoreLimits``; ``Store.set_limits``).
    None is no limit. ``memory_size`` (bytes) and ``table_elements`` bound each memory and
    table: creating one whose minimum is over the limit raises ``ResourceLimitError``,
    growing one past it fails (-1). ``instances``, ``tables`` and ``memories`` bound how
    many a store's instantiations create (imports are not counted; neither are memories
    and tables made from the API, which obey the size limits)."""

    memory_size: int | None = None
    table_elements: int | None = None
    instances: int | None = None
    tables: int | None = None
    memories: int | None = None


class FuncInst:
    """A function instance: WebAssembly code of a module instance, or a host function.

    Each execution tier owns one slot for what it builds of a function, once, on the
    function's first call there: ``reference`` (the reference tier's ``interp.Prepared``:
    flat handler list, fuel costs, what observers need) and ``compiled`` (the compiled
    tier's Python callable, see ``compile_rt``). Nothing else of a tier lives here.
    """

    __slots__ = ("type", "type_id", "compiled")
    type: FuncType
    #: the canonical id of its type (``valid.canon.TYPES``): what call_indirect, casts
    #: and import matching compare, across modules
    type_id: int
    compiled: object


class WasmFunc(FuncInst):
    """``{type, module, code}``; ``index`` is its index in its module's function index
    space; ``info`` the validator's facts about its body (local types, stack heights)."""

    __slots__ = ("module", "code", "info", "index", "reference", "nparams", "zero_locals",
                 "nresults")

    def __init__(self, functype: FuncType, module: ModuleInst, code: Func, info, index: int,
                 type_id: int | None = None):
        self.type = functype
        self.type_id = TYPES.intern_func(functype) if type_id is None else type_id
        self.module = module
        self.code = code
        self.info = info
        self.index = index
        self.reference = None
        self.compiled = None
        self.nparams = len(functype.params)
        self.nresults = len(functype.results)
        self.zero_locals = [default_value(t) for t in info.local_types[self.nparams:]]

    @property
    def name(self) -> str:
        name = self.module.names.funcs.get(self.index) if self.module.names else None
        return name if name is not None else f"func[{self.index}]"

    def __repr__(self) -> str:
        return f"<WasmFunc {self.name} {self.type}>"


class HostFunc(FuncInst):
    """A function given by the embedder: ``fn(*raw_args) -> list of raw results``.

    With ``takes_caller``, ``fn(caller, *raw_args)`` also gets the calling ``ModuleInst``
    (None when called directly from Python): WASI reads the caller's memory this way.
    The public API wraps Python callables into this form.
    """

    __slots__ = ("fn", "name", "takes_caller")

    def __init__(self, functype: FuncType, fn, name: str = "host", takes_caller: bool = False):
        self.type = functype
        self.type_id = TYPES.intern_func(functype)
        self.fn = fn
        self.name = name
        self.takes_caller = takes_caller
        self.compiled = None

    def __repr__(self) -> str:
        return f"<HostFunc {self.name} {self.type}>"


class ExternRef:
    """A non-null ``externref``: wraps any host object."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __eq__(self, other):
        return isinstance(other, ExternRef) and other.value is self.value

    def __hash__(self):
        return id(self.value)

    def __repr__(self):
        return f"ExternRef({self.value!r})"


class TagInst:
    """A tag instance (exception handling): ``type`` is a function type whose parameters
    are the payload. Tags are compared by identity: two tags of one type are different
    tags, and an imported tag is the exporter's object."""

    __slots__ = ("type", "name", "type_id")

    def __init__(self, functype: FuncType, name: str = "tag", type_id: int | None = None):
        self.type = functype
        self.name = name
        self.type_id = TYPES.intern_func(functype) if type_id is None else type_id

    def __repr__(self) -> str:
        return f"<TagInst {self.name} {self.type}>"


class ExnInst:
    """An exception instance: what a non-null ``exnref`` refers to. ``payload`` holds
    the raw values ``throw`` popped (a tuple, in parameter order)."""

    __slots__ = ("tag", "payload")

    def __init__(self, tag: TagInst, payload: tuple):
        self.tag = tag
        self.payload = payload

    def __repr__(self) -> str:
        return f"<ExnInst {self.tag.name} {self.payload!r}>"


class Thrown(Exception):
    """A WebAssembly exception in flight through Python frames (both tiers). A fresh
    carrier is raised for every throw and rethrow (so tracebacks do not pile up on one
    object); its ``exn`` keeps the exception's identity. Deliberately not a Trap: traps,
    call-stack exhaustion, fuel and interrupts pass through every try_table handler. At
    the host boundary (``exec.engine.invoke``) it becomes ``UncaughtException``."""

    __slots__ = ("exn", "trap")

    def __init__(self, exn: ExnInst):
        super().__init__()
        self.exn = exn
        self.trap = None  # the UncaughtException, once a tier has located it

    def located(self) -> UncaughtException:
        """The trap the host sees for this exception if no handler catches it, where the
        tiers record its wasm backtrace and the byte offset of the throw (made on the
        first call: an exception that is caught never needs one)."""
        if self.trap is None:
            self.trap = uncaught(self.exn)
        return self.trap


def uncaught(exn: ExnInst) -> UncaughtException:
    """The trap the host sees for an exception no handler caught."""
    return UncaughtException(exn.tag, exn.payload, exn)


def uncaught_of(thrown: Thrown) -> UncaughtException:
    """The trap the host sees for ``thrown``, which no handler caught: located by the
    tiers it went through (frames and offset of the throw), when they did."""
    return thrown.trap if thrown.trap is not None else uncaught(thrown.exn)


def rethrown(e: UncaughtException) -> Exception:
    """What a host function raising ``UncaughtException`` (typically one it got from a
    call back into WebAssembly, re-raised or not caught) raises into its WebAssembly
    caller: the same WebAssembly exception again, catchable there, identity kept. An
    UncaughtException made by hand with a ``TagInst`` and a payload becomes a new
    exception of that tag; one without a tag stays a trap."""
    if e.exn is not None:
        return Thrown(e.exn)
    if isinstance(e.tag, TagInst):
        return Thrown(ExnInst(e.tag, tuple(e.payload)))
    return e


class TableInst:
    """``{type, elem}``: a list of references (FuncInst, ExternRef or None). ``limits``
    is the store's ``StoreLimits`` (``table_elements`` bounds creation and growth) or
    None; a minimum over it or over ``MAX_TABLE_SIZE`` raises ``ResourceLimitError``."""

    __slots__ = ("elem_type", "elements", "max", "limits", "is_64")

    def __init__(self, tabletype: TableType, init=None, limits: StoreLimits | None = None):
        n = tabletype.limits.min
        cap = None if limits is None else limits.table_elements
        if cap is not None and n > cap:
            raise ResourceLimitError(f"table minimum size of {n} elements exceeds table "
                                     f"limits ({cap:,} elements)")
        if n > MAX_TABLE_SIZE:
            raise ResourceLimitError(f"table minimum size of {n} elements exceeds wasmvm's "
                                     f"limit of {MAX_TABLE_SIZE:,} elements")
        self.elem_type = tabletype.elem
        try:
            self.elements = [init] * n
        except MemoryError:
            raise ResourceLimitError(f"cannot allocate a table of {n} elements") from None
        self.max = tabletype.limits.max
        self.limits = limits
        self.is_64 = tabletype.is_64  # table64: i64 indices

    @property
    def type(self) -> TableType:
        return TableType(self.elem_type, Limits(len(self.elements), self.max), self.is_64)

    # The table instructions' semantics, shared by both tiers and by instantiation.
    def get(self, i: int):
        """``table.get``"""
        if i >= len(self.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        return self.elements[i]

    def set(self, i: int, ref) -> None:
        """``table.set``"""
        if i >= len(self.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        self.elements[i] = ref

    def fill(self, i: int, ref, n: int) -> None:
        """``table.fill``: traps before writing anything if the range is out of bounds."""
        if i + n > len(self.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        self.elements[i : i + n] = [ref] * n

    def copy(self, d: int, src: TableInst, s: int, n: int) -> None:
        """``table.copy`` from ``src`` (may be this table; ranges may overlap)."""
        if s + n > len(src.elements) or d + n > len(self.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        self.elements[d : d + n] = src.elements[s : s + n]

    def init(self, d: int, refs: list, s: int, n: int) -> None:
        """``table.init`` from an element segment's references (also active segments)."""
        if s + n > len(refs) or d + n > len(self.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        self.elements[d : d + n] = refs[s : s + n]

    def grow(self, delta: int, init) -> int:
        """``table.grow``: the old size, or -1 (never raises)."""
        old = len(self.elements)
        limit = MAX_TABLE_SIZE if self.max is None else min(self.max, MAX_TABLE_SIZE)
        if delta < 0 or old + delta > limit or (old + delta > 0xFFFFFFFF and not self.is_64):
            return -1
        cap = None if self.limits is None else self.limits.table_elements
        if delta and cap is not None and old + delta > cap:
            return -1
        try:
            self.elements.extend([init] * delta)
        except MemoryError:
            return -1
        return old


class GlobalInst:
    """``{type, value}`` with a raw value."""

    __slots__ = ("type", "value")

    def __init__(self, globaltype: GlobalType, value):
        self.type = globaltype
        self.value = value


class ElemInst:
    """An element segment at run time: its reference type and references (empty once
    dropped)."""

    __slots__ = ("type", "elements")

    def __init__(self, t: ValType, elements: list):
        self.type = t
        self.elements = elements


class DataInst:
    """A data segment at run time: its bytes (empty once dropped)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes):
        self.data = data


@dataclass(eq=False)
class ModuleInst:
    """A module instance: its types and the instances its index spaces refer to."""

    types: list[FuncType] = field(default_factory=list)
    #: the canonical id of each type index (``valid.canon.TYPES``)
    type_ids: list[int] = field(default_factory=list)
    funcs: list[FuncInst] = field(default_factory=list)
    tables: list[TableInst] = field(default_factory=list)
    mems: list[MemInst] = field(default_factory=list)
    globals: list[GlobalInst] = field(default_factory=list)
    tags: list[TagInst] = field(default_factory=list)
    elems: list[ElemInst] = field(default_factory=list)
    datas: list[DataInst] = field(default_factory=list)
    exports: dict[str, tuple[str, object]] = field(default_factory=dict)
    names: object = None  # syntax.Names of the module, for backtraces
    syntax: object = None  # the decoded syntax.Module it was instantiated from
    #: What each tier builds once per instance: the reference tier's handlers (shared by
    #: the functions of this instance), the compiled tier's namespace (None until used).
    reference: dict = field(default_factory=dict)
    compiled: dict | None = None
    #: the compiled tier's worker translating this instance's functions ahead
    #: (``exec.background.Background``), False when it has none, None until it decides
    background: object = None
    #: its store's ``[epoch deadline reached]`` when the store interrupts by epoch, else None
    epoch: list | None = None
    #: its store's choice of relaxed SIMD results (``Store.relaxed_simd_deterministic``)
    relaxed_simd_deterministic: bool = False


class Store:
    """The store: global execution state shared by the instances made in it.

    Python's garbage collector owns the instances; the store keeps the execution budgets
    (call depth, fuel), the live call depth across nested invocations, the observers, and
    the tier that runs its calls (an ``exec.engine.Tier``, chosen once by the embedder;
    see ``exec.engine.invoke``).
    """

    def __init__(self, tier, max_call_depth: int = DEFAULT_MAX_CALL_DEPTH,
                 consume_fuel: bool = False, epoch: list[int] | None = None):
        self.max_call_depth = max_call_depth
        self.tier = tier
        #: ``[remaining]`` when fuel is on (one cell that compiled code updates), else None
        self.fuel: list[int] | None = [0] if consume_fuel else None
        self.observers: list = []
        self.depth = 0  # wasm frames live across nested invocations (host -> wasm -> ...)
        self.nesting = 0  # invocations live at once (MAX_HOST_NESTING)
        #: epoch interruption: the engine's ``[epoch]`` (None: off), this store's
        #: ``[deadline]``, and ``[epoch >= deadline]``, which ``note_epoch`` recomputes
        #: whenever either changes: code checks that one cell on entering a function and
        #: at each loop iteration, and traps INTERRUPT (wasmtime's model; the deadline
        #: starts at 0, so it starts reached)
        self.epoch = epoch
        self.epoch_deadline = [0]
        self.epoch_reached = [True]
        self.data = None  # user data, as wasmtime's Store(engine, data)
        #: relaxed SIMD gives the CPU-independent results (``exec.relaxed_simd``)
        self.relaxed_simd_deterministic = False
        self.limits = StoreLimits()  # one object: memories and tables keep a reference
        #: what instantiations in this store created so far: instances, tables, memories
        self.created = [0, 0, 0]

    def note_epoch(self) -> None:
        """The epoch or the deadline changed: is the deadline reached?"""
        if self.epoch is not None:
            self.epoch_reached[0] = self.epoch[0] >= self.epoch_deadline[0]

    def count_instance(self, tables: int, memories: int) -> None:
        """Count an instantiation that defines ``tables`` and ``memories``, or raise
        ``ResourceLimitError`` (counting nothing) if it would exceed the store's limits."""
        created = self.created
        limits = self.limits
        wanted = (created[0] + 1, created[1] + tables, created[2] + memories)
        for what, n, cap in zip(("instance", "table", "memory"), wanted,
                                (limits.instances, limits.tables, limits.memories)):
            if cap is not None and n > cap:
                raise ResourceLimitError(f"resource limit exceeded: {what} count too high "
                                         f"at {n}")
        self.created[:] = wanted


def default_value(t: ValType):
    """The zero value of a type, raw: 0, 0.0, or a null reference."""
    if t is ValType.F32 or t is ValType.F64:
        return 0.0
    if t.is_ref:
        return None
    return 0


def indirect_callee(table: TableInst, i: int, expected: int) -> FuncInst:
    """``call_indirect``'s checks, for both tiers: element ``i`` of ``table`` exists, is
    not null and its type is the expected type (a canonical id) or a subtype of it."""
    elements = table.elements
    if i >= len(elements):
        raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS, f"undefined element {i}")
    callee = elements[i]
    if callee is None:
        raise Trap(TrapCode.INDIRECT_CALL_TO_NULL, f"uninitialized element {i}")
    ty = callee.type_id
    if ty != expected and not TYPES.is_sub(ty, expected):
        raise Trap(TrapCode.BAD_SIGNATURE)
    return callee
