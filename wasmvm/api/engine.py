"""Engine, Config, Store and Module, modelled on wasmtime-py."""

from __future__ import annotations

import dataclasses
import os
import weakref
from dataclasses import dataclass

from ..binary.decode import decode_module
from ..errors import WasmError
from ..exec.cache import TranslationCache
from ..exec.engine import TIERS, make_tier
from ..exec.events import as_observer
from ..exec.store import DEFAULT_MAX_CALL_DEPTH
from ..exec.store import Store as ExecStore
from ..syntax.features import Features
from ..syntax.types import FuncType, GlobalType, MemoryType, TableType
from ..wat import to_binary
from . import hosts


@dataclass
class Config:
    """Engine settings.

    ``max_call_depth``: WebAssembly frames allowed at once before a call traps with
    "call stack exhausted". ``tier``: "compiled" translates each function to Python once
    (fast); "reference" executes the instruction model one instruction at a time (the one
    observers and stepping use).
    """

    max_call_depth: int = DEFAULT_MAX_CALL_DEPTH
    tier: str = "compiled"
    #: Count fuel as wasmtime does (``store.set_fuel``); running out traps OUT_OF_FUEL.
    consume_fuel: bool = False
    #: Keep the compiled tier's translations on disk, so that the next process running
    #: the same module skips translating (``exec.cache``): False (the default), True (in
    #: $WASMVM_CACHE_DIR, else ~/.cache/wasmvm/translations) or a directory.
    cache: bool | str | os.PathLike = False
    #: Translate ahead on another CPU, as wasmtime compiles in parallel: a big module's
    #: functions are translated by a worker process, from when ``Module`` has decoded it
    #: (while it validates and instantiates) and while the program runs
    #: (``exec.background``: only where the process can fork, has two CPUs or more and
    #: runs no other thread; the code run is the same either way).
    parallel_compilation: bool = True
    #: Interrupt by epoch, as wasmtime does: code checks its store's deadline on entering
    #: a function and at each loop iteration, and traps INTERRUPT once the engine's epoch
    #: (``Engine.increment_epoch()``, from any thread) reaches it
    #: (``Store.set_epoch_deadline(ticks)``; the deadline starts at 0, as in wasmtime).
    epoch_interruption: bool = False
    #: WebAssembly 3.0 proposals, each on by default as in wasmtime; a module using one
    #: that is off is rejected as a 2.0 engine rejects it (``syntax.features``).
    wasm_tail_call: bool = True
    wasm_extended_const: bool = True
    wasm_multi_memory: bool = True
    wasm_memory64: bool = True
    wasm_relaxed_simd: bool = True
    wasm_function_references: bool = True
    wasm_exceptions: bool = True
    wasm_gc: bool = True
    #: Relaxed SIMD results that depend on no CPU, as wasmtime's switch of the same name
    #: gives them; off (the default), wasmvm gives wasmtime's default results on x86-64
    #: (``exec.relaxed_simd`` has both tables).
    wasm_relaxed_simd_deterministic: bool = False

    def features(self) -> Features:
        """The proposals modules compiled under this Config may use."""
        return Features(**{f.name: getattr(self, "wasm_" + f.name)
                           for f in dataclasses.fields(Features)})

    def __post_init__(self):
        if self.tier not in TIERS:
            raise ValueError(f"tier must be one of {TIERS}, got {self.tier!r}")


class Engine:
    """Holds a Config, and the execution tier it chose (``exec.engine.make_tier``): every
    store of this engine runs its calls on that tier."""

    def __init__(self, config: Config | None = None):
        self.config = config or Config()
        cache = self.config.cache
        if cache is not False and cache is not None:
            cache = TranslationCache(None if cache is True else cache)
        else:
            cache = None
        self.tier = make_tier(self.config.tier, cache, self.config.parallel_compilation)
        self._epoch = [0]  # the engine's epoch, shared with its stores
        self._epoch_stores: weakref.WeakSet = weakref.WeakSet()  # (exec stores)

    def increment_epoch(self) -> None:
        """Advance the epoch by one (safe from another thread, e.g. a timer): code of a
        store whose deadline it reaches traps INTERRUPT at its next check."""
        self._epoch[0] += 1
        for store in list(self._epoch_stores):
            store.note_epoch()


class Store:
    """Execution state for instances: budgets and user data (``Store(engine, data)``)."""

    def __init__(self, engine: Engine | None = None, data=None):
        self.engine = engine or Engine()
        config = self.engine.config
        self._store = ExecStore(self.engine.tier, config.max_call_depth, config.consume_fuel,
                                self.engine._epoch if config.epoch_interruption else None)
        self._store.relaxed_simd_deterministic = config.wasm_relaxed_simd_deterministic
        if config.epoch_interruption:
            self.engine._epoch_stores.add(self._store)
        self.data = data

    def set_wasi(self, config) -> None:
        """Give this store's programs WASI as ``config`` (a ``wasmvm.wasi.WasiConfig``)."""
        hosts.wasi().set_wasi(self, config)

    # -- resource limits (wasmtime's API) --------------------------------------------------
    def set_limits(self, memory_size: int = -1, table_elements: int = -1, instances: int = -1,
                   tables: int = -1, memories: int = -1) -> None:
        """Limit the resources of this store, as wasmtime-py's ``Store.set_limits``:
        ``memory_size`` in bytes per memory, ``table_elements`` per table, and how many
        ``instances``, ``tables`` and ``memories`` its instantiations may create. A
        negative value (the default) means no limit; each call sets all five.

        Growing a memory or table past its limit fails as in wasmtime: ``memory.grow`` and
        ``table.grow`` return -1 (``Memory.grow`` / ``Table.grow`` raise ValueError).
        Instantiating past a limit — a memory or table whose minimum is over it, or one
        instance, table or memory too many — raises ``ResourceLimitError`` (a
        ``LinkError``). wasmtime's defaults for the three counts are 10,000; wasmvm's
        are no limit."""
        values = (memory_size, table_elements, instances, tables, memories)
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int):
                raise TypeError(f"a limit must be an int, got {v!r}")
        limits = self._store.limits  # mutated in place: existing memories and tables see it
        (limits.memory_size, limits.table_elements, limits.instances, limits.tables,
         limits.memories) = (None if v < 0 else v for v in values)

    # -- fuel (wasmtime's API) ------------------------------------------------------------
    def set_fuel(self, fuel: int) -> None:
        """Set the fuel left; needs ``Config(consume_fuel=True)``."""
        if self._store.fuel is None:
            raise WasmError("fuel is not enabled: use Config(consume_fuel=True)")
        if isinstance(fuel, bool) or not isinstance(fuel, int) or fuel < 0:
            raise ValueError("fuel must be a non-negative int")
        self._store.fuel[0] = fuel

    def get_fuel(self) -> int:
        """The fuel left."""
        if self._store.fuel is None:
            raise WasmError("fuel is not enabled: use Config(consume_fuel=True)")
        return self._store.fuel[0]

    # -- epoch interruption (wasmtime's API) -------------------------------------------------
    def set_epoch_deadline(self, ticks_beyond_current: int) -> None:
        """Trap INTERRUPT once the engine's epoch is ``ticks_beyond_current`` past its
        current value; needs ``Config(epoch_interruption=True)``."""
        if self._store.epoch is None:
            raise WasmError("epoch interruption is not enabled: use "
                            "Config(epoch_interruption=True)")
        if isinstance(ticks_beyond_current, bool) or not isinstance(ticks_beyond_current, int) \
                or ticks_beyond_current < 0:
            raise ValueError("ticks_beyond_current must be a non-negative int")
        self._store.epoch_deadline[0] = self.engine._epoch[0] + ticks_beyond_current
        self._store.note_epoch()

    # -- observers ----------------------------------------------------------------------------
    def add_observer(self, observer):
        """Watch every instruction: an ``observe.Observer`` (paired events) or a function
        called with an ``ExecState`` after each instruction. While any is attached, calls
        run on the reference tier's instrumented loop. Returns ``observer``."""
        as_observer(observer)  # type check now, not at the first instruction
        self._store.observers.append(observer)
        return observer

    def remove_observer(self, observer) -> None:
        self._store.observers.remove(observer)


@dataclass(frozen=True)
class ImportType:
    module: str
    name: str
    type: FuncType | TableType | MemoryType | GlobalType


@dataclass(frozen=True)
class ExportType:
    name: str
    type: FuncType | TableType | MemoryType | GlobalType


class Module:
    """A decoded and validated module: ``Module(engine, wasm)``, where ``wasm`` is the
    binary format or, as in wasmtime-py, the text format (a ``str``, or bytes of text).

    Raises ``MalformedError`` for a broken binary (``wasmvm.wat.TextError``, with line
    and column, for malformed text) and ``InvalidError`` for one that does not validate,
    each with the spec's message and the byte offset.
    """

    def __init__(self, engine: Engine | None, wasm: bytes | bytearray | memoryview | str):
        from ..valid import validate_module

        wasm = to_binary(wasm)
        self.engine = engine or Engine()
        features = self.engine.config.features()
        self._module = decode_module(wasm, features)
        config = self.engine.config
        # (the compiled tier may start translating in a worker while this validates)
        worker = self.engine.tier.ahead_of_validation(self._module, features,
                                                      config.consume_fuel,
                                                      config.epoch_interruption)
        try:
            self._info = validate_module(self._module, features)
        except BaseException:
            if worker:
                worker.stop()
            raise

    @classmethod
    def from_file(cls, engine: Engine | None, path: str | os.PathLike) -> Module:
        with open(path, "rb") as f:
            return cls(engine, f.read())

    @staticmethod
    def validate(engine: Engine | None, wasm: bytes) -> None:
        """Raise MalformedError or InvalidError if ``wasm`` is not a valid module."""
        from ..valid import validate_module

        features = (engine or Engine()).config.features()
        validate_module(decode_module(to_binary(wasm), features), features)

    @property
    def syntax(self):
        """The decoded module (``wasmvm.syntax.Module``): the instruction model."""
        return self._module

    @property
    def imports(self) -> list[ImportType]:
        m = self._module
        return [ImportType(i.module, i.name, m.types[i.desc] if i.kind == "func" else
                           _tag_type(m.types[i.desc]) if i.kind == "tag" else i.desc)
                for i in m.imports]

    @property
    def exports(self) -> list[ExportType]:
        info = self._info
        out = []
        for e in self._module.exports:
            if e.kind == "func":
                ty = info.func_types[e.index]
            else:
                ty = _export_type(self._module, e.kind, e.index)
            out.append(ExportType(e.name, ty))
        return out


def _tag_type(functype):
    from .extern import TagType
    return TagType(functype)


def _export_type(m, kind: str, index: int):
    if kind == "tag":
        return _tag_type(m.tag_type(index))
    imported = m.imported(kind)
    if index < len(imported):
        return imported[index].desc
    index -= len(imported)
    if kind == "table":
        return m.tables[index].type
    if kind == "memory":
        return m.mems[index].type
    return m.globals[index].type
