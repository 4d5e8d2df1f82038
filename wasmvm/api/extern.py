"""Functions, memories, tables and globals as the embedder sees them (wasmtime-py style).

Each object is a handle on an instance in the engine (``_inst``); the ``store`` argument
that every method takes is the store the call runs in (its call-depth budget).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import Trap, TrapCode
from ..exec.engine import invoke
from ..exec.store import GlobalInst, HostFunc, MemInst, TableInst, TagInst
from ..syntax.types import FuncType, GlobalType, MemoryType, TableType, ValType
from .values import Val, canonical_type, to_python, to_raw


class _Extern:
    """A handle on an engine instance (``_inst``); equal when the instance is the same."""

    __slots__ = ("_inst",)

    @classmethod
    def _wrap(cls, inst):
        obj = object.__new__(cls)
        obj._inst = inst
        return obj

    def __eq__(self, other):
        return type(other) is type(self) and other._inst is self._inst

    def __hash__(self):
        return id(self._inst)


class Func(_Extern):
    """A function: ``Func(store, FuncType, callable)`` makes a host function; exported
    WebAssembly functions come from ``instance.exports(store)``.

    Calling: ``func(store, 1, 2)`` takes and returns Python values (``None`` for no
    results, a tuple for several); ``func.call_vals(store, [Val, ...])`` takes and returns
    ``Val`` lists, exact to the bit. A host function's exception reaches the caller of the
    outermost WebAssembly call unchanged.
    """

    __slots__ = ()

    def __init__(self, store, ty: FuncType, fn: Callable, access_caller: bool = False):
        if not isinstance(ty, FuncType):
            raise TypeError("Func needs a FuncType")
        params, results = ty.params, ty.results
        name = getattr(fn, "__name__", "host")
        if access_caller:
            def host(caller_inst, *raw_args):
                args = [to_python(t, a) for t, a in zip(params, raw_args)]
                return _results_to_raw(results, fn(Caller(caller_inst, store), *args))
        else:
            def host(*raw_args):
                args = [to_python(t, a) for t, a in zip(params, raw_args)]
                return _results_to_raw(results, fn(*args))
        self._inst = HostFunc(ty, host, name, takes_caller=access_caller)


    def __repr__(self):
        return f"<Func {getattr(self._inst, 'name', '?')} {self._inst.type}>"

    def type(self, store=None) -> FuncType:
        return self._inst.type

    @property
    def param_arity(self) -> int:
        return len(self._inst.type.params)

    @property
    def result_arity(self) -> int:
        return len(self._inst.type.results)

    def __call__(self, store, *args):
        ty = canonical_type(self._inst)
        _check_arity(ty, len(args))
        raw = [to_raw(t, a) for t, a in zip(ty.params, args)]
        out = invoke(_exec_store(store), self._inst, raw)
        if not ty.results:
            return None
        values = [to_python(t, r) for t, r in zip(ty.results, out)]
        return values[0] if len(values) == 1 else tuple(values)

    def call_vals(self, store, args: Sequence[Val]) -> list[Val]:
        ty = canonical_type(self._inst)
        _check_arity(ty, len(args))
        raw = [to_raw(t, a) for t, a in zip(ty.params, args)]
        out = invoke(_exec_store(store), self._inst, raw)
        return [Val(t, r) for t, r in zip(ty.results, out)]



class Caller:
    """What a host function made with ``access_caller=True`` gets first: the calling
    instance's exports (``caller.get("memory")``) and the store."""

    __slots__ = ("_inst", "store")

    def __init__(self, inst, store):
        self._inst = inst
        self.store = store

    def get(self, name: str):
        """The caller's export ``name`` (Func, Memory, Table or Global), or None."""
        if self._inst is None or name not in self._inst.exports:
            return None
        kind, item = self._inst.exports[name]
        return wrap_extern(kind, item)

    def __getitem__(self, name: str):
        item = self.get(name)
        if item is None:
            raise KeyError(name)
        return item


def _check_arity(ty: FuncType, n: int) -> None:
    if n != len(ty.params):
        raise TypeError(f"function {ty} takes {len(ty.params)} argument(s), got {n}")


def _results_to_raw(results: tuple, out) -> list:
    if not results:
        if out is not None:
            raise TypeError("host function returned a value but its type has no results")
        return []
    if len(results) == 1:
        return [to_raw(results[0], out)]
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f"host function must return {len(results)} values")
    return [to_raw(t, v) for t, v in zip(results, out)]


def _limits(store):
    """The store's ``StoreLimits`` for a memory or table made from the API (None when
    ``store`` is not a Store: no limits)."""
    return getattr(getattr(store, "_store", None), "limits", None)


def _exec_store(store):
    from .engine import Store
    if isinstance(store, Store):
        return store._store
    raise TypeError("expected a wasmvm Store")


class Memory(_Extern):
    """A linear memory: ``Memory(store, MemoryType(Limits(1, 2)))`` or an export."""

    __slots__ = ()

    def __init__(self, store, ty: MemoryType):
        self._inst = MemInst.from_type(ty, _limits(store))


    def type(self, store=None) -> MemoryType:
        from ..syntax.types import Limits
        return MemoryType(Limits(self._inst.size, self._inst.max), self._inst.is_64)

    def size(self, store=None) -> int:
        """The size in pages of 64 KiB."""
        return self._inst.size

    def data_len(self, store=None) -> int:
        """The size in bytes."""
        return len(self._inst.data)

    def grow(self, store, delta: int) -> int:
        """Grow by ``delta`` pages; the old size. Raises if it cannot grow."""
        old = self._inst.grow(delta)
        if old < 0:
            raise ValueError(f"failed to grow memory by {delta} pages")
        return old

    def read(self, store, start: int = 0, stop: int | None = None) -> bytearray:
        """Bytes ``[start, stop)`` (a copy), like wasmtime-py's ``Memory.read``."""
        data = self._inst.data
        stop = len(data) if stop is None else stop
        if not 0 <= start <= stop <= len(data):
            raise IndexError(f"memory range {start}..{stop} out of bounds ({len(data)} bytes)")
        return bytearray(data[start:stop])

    def write(self, store, value: bytes, start: int = 0) -> int:
        """Write ``value`` at ``start``; the number of bytes written."""
        data = self._inst.data
        if not 0 <= start <= start + len(value) <= len(data):
            raise IndexError(f"memory write at {start} of {len(value)} bytes out of bounds")
        data[start : start + len(value)] = value
        return len(value)

    def buffer(self, store=None) -> memoryview:
        """A live view of the memory's bytes. While a view is alive the memory cannot
        grow (``memory.grow`` returns -1), so release it (``del`` or ``with``) soon."""
        return memoryview(self._inst.data)


class Table(_Extern):
    """A table of references: ``Table(store, TableType(ValType.funcref(), Limits(1)), None)``."""

    __slots__ = ()

    def __init__(self, store, ty: TableType, init=None):
        self._inst = TableInst(ty, to_raw(ty.elem, init), _limits(store))


    def type(self, store=None) -> TableType:
        return self._inst.type

    def size(self, store=None) -> int:
        return len(self._inst.elements)

    def get(self, store, index: int):
        if not 0 <= index < len(self._inst.elements):
            return None
        return to_python(self._inst.elem_type, self._inst.elements[index])

    def set(self, store, index: int, value) -> None:
        if not 0 <= index < len(self._inst.elements):
            raise Trap(TrapCode.TABLE_OUT_OF_BOUNDS)
        self._inst.elements[index] = to_raw(self._inst.elem_type, value)

    def grow(self, store, delta: int, init=None) -> int:
        old = self._inst.grow(delta, to_raw(self._inst.elem_type, init))
        if old < 0:
            raise ValueError(f"failed to grow table by {delta} elements")
        return old


class Global(_Extern):
    """A global: ``Global(store, GlobalType(ValType.i32(), True), 42)``."""

    __slots__ = ()

    def __init__(self, store, ty: GlobalType, value):
        self._inst = GlobalInst(ty, to_raw(ty.type, value))


    def type(self, store=None) -> GlobalType:
        return self._inst.type

    def value(self, store=None):
        return to_python(self._inst.type.type, self._inst.value)

    def get_val(self, store=None) -> Val:
        return Val(self._inst.type.type, self._inst.value)

    def set_value(self, store, value) -> None:
        if not self._inst.type.mutable:
            raise TypeError("global is immutable")
        self._inst.value = to_raw(self._inst.type.type, value)


class TagType:
    """The type of an exception tag (wasmtime's ``TagType(functype)``): a function type
    whose parameters are the exception's payload; it has no results."""

    __slots__ = ("functype",)

    def __init__(self, functype: FuncType):
        if not isinstance(functype, FuncType):
            raise TypeError("TagType needs a FuncType")
        self.functype = functype

    def __eq__(self, other):
        return isinstance(other, TagType) and other.functype == self.functype

    def __hash__(self):
        return hash(self.functype)

    def __repr__(self):
        return f"TagType({self.functype!r})"


class Tag(_Extern):
    """An exception tag: ``Tag(store, TagType(FuncType([ValType.i32()], [])))`` makes a new
    one (a new identity: two tags of one type are different tags); exported tags come from
    ``instance.exports(store)``. ``UncaughtException.tag`` is the engine's instance of the
    tag (compare it with ``tag.is_tag_of(exc)``)."""

    __slots__ = ()

    def __init__(self, store, ty: TagType):
        if not isinstance(ty, TagType):
            raise TypeError("Tag needs a TagType")
        if ty.functype.results:
            raise ValueError("a tag type has no results")
        self._inst = TagInst(ty.functype)

    def type(self, store=None) -> TagType:
        return TagType(self._inst.type)

    def is_tag_of(self, exc) -> bool:
        """Was the uncaught exception ``exc`` (an ``UncaughtException``, or an ``ExnRef``)
        thrown with this tag?"""
        raw = getattr(exc, "_raw", None)
        if raw is not None:
            return getattr(raw, "tag", None) is self._inst
        return getattr(exc, "tag", None) is self._inst

    def __repr__(self):
        return f"<Tag {self._inst.type}>"


def wrap_extern(kind: str, inst):
    """The API object for an engine instance of an export or import kind."""
    return {"func": Func, "table": Table, "memory": Memory, "global": Global,
            "tag": Tag}[kind]._wrap(inst)


def unwrap_extern(obj):
    """The engine instance behind an API object (Func, Table, Memory, Global)."""
    inst = getattr(obj, "_inst", None)
    if inst is None:
        raise TypeError(f"not an extern: {obj!r}")
    return inst


ValType = ValType
