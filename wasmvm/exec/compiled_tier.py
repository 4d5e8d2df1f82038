"""The compiled tier, as an ``exec.engine.Tier``: each function is translated to Python
(``exec.compile``'s Translator) on its first call, or taken from the translation cache
(``exec.cache``) or from the worker translating ahead (``exec.background``), installed
in its instance's namespace (``install``), and called in the compiled convention
(``compile_rt``). A function the translator cannot take runs on the tier's fallback (the
reference tier); a very big one is translated at its second call (DEFER_INSTRUCTIONS).
What it did is counted in ``TranslationStats``.
"""

from __future__ import annotations

import time
import weakref

from ..errors import Trap, TrapCode
from ..syntax.gcpause import paused_gc
from . import background, backtrace, compile_rt
from .compile import Translator, _limit_or_bug, _TooDeep, _units, _Untranslatable
from .compile_survey import size_of, too_big
from .store import Store, Thrown, WasmFunc


class CompiledTier:
    """The compiled tier, as an ``exec.engine.Tier``: translates each function to Python
    on its first call; ``fallback`` (a Tier) runs the functions it cannot translate."""

    name = "compiled"

    def __init__(self, fallback, cache=None, defer_instructions: int | None = None,
                 parallel: bool = False):
        self.fallback = fallback
        self.cache = cache  # an exec.cache.TranslationCache, or None
        #: translate big instances' functions ahead in a worker process (exec.background)
        self.parallel = parallel
        #: DEFER_INSTRUCTIONS, unless given (None: never defer)
        self.defer_instructions = (self.DEFER_INSTRUCTIONS if defer_instructions is None
                                   else defer_instructions or None)
        self.stats = TranslationStats()
        #: the workers started for decoded modules (``ahead_of_validation``), by the id
        #: of the module: (a weak reference to it, its worker)
        self._ahead: dict[int, tuple] = {}

    def call(self, store: Store, func: WasmFunc, args: list) -> list:
        """Call ``func`` with raw arguments; its raw results as a list."""
        fn = func.compiled or compile_rt.callable_for(func, store, self)
        try:
            out = fn(*args, store.depth + 1)
        except RecursionError:
            raise Trap(TrapCode.STACK_OVERFLOW) from None
        except Trap as trap:
            backtrace.locate_trap(trap)
            raise
        except Thrown as thrown:  # uncaught: its backtrace, as a trap's
            backtrace.locate_thrown(thrown)
            raise
        if func.nresults == 0:
            return []
        if func.nresults == 1:
            return [out]
        return list(out)

    def callable(self, store: Store, func: WasmFunc):
        """``func`` in the compiled convention (compile_rt): how the fallback tier calls
        the callees of the functions it runs, so that they stay compiled."""
        return func.compiled or compile_rt.callable_for(func, store, self)

    #: A function of more instructions than this is translated on its second call, not its
    #: first: translating costs some microseconds per instruction, far more than running
    #: the instructions once, and a function this big (10x the largest of the real
    #: programs measured) is usually a generated one run once, or a bomb. Its first call
    #: runs on the fallback tier, its callees compiled.
    DEFER_INSTRUCTIONS = 100_000

    def translate(self, func: WasmFunc, store: Store):
        """The compiled-convention callable for ``func`` (see compile_rt): its translation
        (``translate_now``), or for a very big function (DEFER_INSTRUCTIONS) one that
        runs it on the fallback tier once and translates it on its second call."""
        if self.defer_instructions is not None and size_of(func) > self.defer_instructions:
            self.stats.deferred += 1
            return compile_rt.deferred_callable(func, store, self)
        return self.translate_now(func, store)

    def translate_now(self, func: WasmFunc, store: Store):
        """``func`` translated, from the cache when it has the function; counted, with the
        time it took, in ``self.stats``."""
        started = time.perf_counter()
        try:
            with paused_gc():
                fn, entry, reason = self._translate_or_load(func, store)
        finally:
            self.stats.seconds += time.perf_counter() - started
        if reason is None:
            self.stats.translated += 1
            self.stats.flat += entry[3]
        else:
            self.stats.fallbacks.append((func.name, reason))
        return fn

    def _translate_or_load(self, func: WasmFunc, store: Store):
        """(callable, cache entry, None), or (fallback callable, None, why)."""
        ns = compile_rt.namespace(func.module, store, self)
        key = entry = None
        cache = self.cache
        worker = self._worker(func, store) if self.parallel else None
        if worker is not None:
            cache = worker.cache
            worker.hint(func)
        if cache is not None:
            key = cache.key(func, ns["_F"] is not None, "_EH" in ns)
            entry = cache.load(key) if key is not None else None
        if entry is not None:
            if worker is not None and worker.private is not None:
                self.stats.ahead += 1
            else:
                self.stats.cached += 1
            reason = None
        else:
            entry, reason = self._translate(func, ns, store)
            if key is not None and reason is None and (worker is None or worker.private is None):
                cache.store(key, entry)  # (a worker's private cache only holds its own)
        if reason is not None:
            return entry, None, reason
        return install(entry, func, ns), entry, None

    def _worker(self, func: WasmFunc, store: Store):
        """The background worker of ``func``'s instance (exec.background): the one
        started when its module was decoded (``ahead_of_validation``), else one started
        now when the instance is big enough and the process can fork; else None."""
        mod = func.module
        if mod.background is None:
            mod.background = False
            ahead = self._ahead.get(id(mod.syntax))
            flags = (store.fuel is not None, store.epoch is not None)
            if ahead is not None and ahead[0]() is mod.syntax and ahead[1].flags == flags:
                mod.background = ahead[1]
            elif background.available() and background.big_enough(mod.syntax):
                try:
                    mod.background = background.Background.for_instance(
                        self, mod, store, func, self.cache)
                    self.stats.workers += 1
                except OSError:  # (no fork after all, no temporary folder): no worker
                    pass
        return mod.background or None

    def ahead_of_validation(self, module, features, fuel: bool, epoch: bool):
        """Start translating the decoded ``module`` (a syntax.Module, not validated yet)
        ahead in a worker (exec.background), when this tier translates in parallel, the
        module is big enough and the process can fork; its instances' calls then take
        the translations it makes. ``fuel``/``epoch``: the flags of the stores that will
        run it. The worker (None when not started): stop it if ``module`` is invalid."""
        if not (self.parallel and background.available() and background.big_enough(module)):
            return None
        try:
            worker = background.Background.for_module(self, module, features, fuel, epoch,
                                                      self.cache)
        except OSError:  # (no fork after all, no temporary folder): no worker
            return None
        self.stats.workers += 1
        key = id(module)
        self._ahead[key] = (weakref.ref(module), worker)
        weakref.finalize(module, self._ahead.pop, key, None)
        return worker

    def entry_for(self, func: WasmFunc, ns: dict, store: Store):
        """``func``'s translation entry (see ``install``), made with no epoch deadline
        (for a worker translating ahead, exec.background); None when it is not
        translated (its call will say why)."""
        entry, reason = self._translate(func, ns, store, for_call=False)
        return entry if reason is None else None

    def _translate(self, func: WasmFunc, ns: dict, store: Store, for_call: bool = True):
        """(translation entry, None), or (fallback callable, why) for a function not
        translated."""
        prepare = _for_call if for_call else (lambda translator: translator)
        try:
            try:
                if too_big(func):  # for CPython's compiler: flat, split into chunks
                    raise _TooDeep("too big")
                return _build(prepare(Translator(func, ns)), func), None
            except (_TooDeep, SyntaxError, RecursionError, MemoryError) as e:
                # CPython's own limits (loop nesting, indentation, size): the flat form
                _limit_or_bug(e, func)
                from .compile_flat import FlatTranslator  # it subclasses Translator

                return _build(prepare(FlatTranslator(func, ns)), func, flat=True), None
        except (_Untranslatable, SyntaxError, RecursionError, MemoryError) as why:
            # an instruction this translator does not know, or (a last resort) a flat
            # form too big for CPython's compiler
            _limit_or_bug(why, func)
            return (compile_rt.fallback_callable(func, store, self.fallback),
                    f"{type(why).__name__}: {why}")


def _for_call(translator: Translator) -> Translator:
    """A translator working for a call: it respects the store's epoch deadline."""
    translator.deadline = translator.ns.get("_EH")
    return translator


def _build(translator: Translator, func: WasmFunc, flat: bool = False) -> tuple:
    """Translate and compile one function: its translation entry (see ``install``)."""
    filename = f"<wasm {func.name}>".replace("\0", "\\0")  # (compile() refuses NUL)
    units = _units(translator, func)
    chunks = tuple(translator.chunk_of_state) if len(units) > 1 else None
    # (when split, the chunks stand for the function in backtraces)
    compiled = tuple((name, compile(source, filename, "exec"), pc_of_line)
                     for name, source, pc_of_line in units)
    consts = {name: translator.ns[name] for name in translator.consts.values()}
    return compiled, chunks, consts, flat


def install(entry: tuple, func: WasmFunc, ns: dict):
    """Define a translated function in its instance's namespace ``ns``; its callable.
    ``entry`` is (units, chunks, consts, flat): units are (name, code object, line table
    or None) run in order (a split function's chunks, then the function), ``chunks`` the
    chunk of each state of a split function (else None), ``consts`` the values of the
    names the source uses for constants Python cannot write as literals."""
    units, chunks, consts, _ = entry
    ns.update(consts)
    for name, code, pc_of_line in units:
        exec(code, ns)
        if pc_of_line is not None:
            backtrace.register(ns, ns[name].__code__, func, pc_of_line)
    index = func.index
    if chunks is not None:
        ns[f"CH{index}"] = tuple(ns[f"f{index}_c{k}"] for k in chunks)
    fn = ns[f"f{index}"]
    if any("_TC" in ns[name].__code__.co_names for name, _, _ in units):  # tail calls
        fn = compile_rt.tail_entry(fn)
    fn.wasm_func = func
    return fn


class TranslationStats:
    """What a CompiledTier has translated: ``translated`` functions (``flat`` of them in
    the flat form, see compile_flat; ``cached`` of them taken from the translation cache,
    see exec.cache; ``ahead`` of them made by a worker process, see exec.background),
    ``fallbacks`` as (function name, reason) for those run on the fallback tier, and
    ``seconds`` spent translating (Python source, compile and exec, or reading the
    cache)."""

    __slots__ = ("translated", "flat", "cached", "ahead", "workers", "deferred", "fallbacks",
                 "seconds")

    def __init__(self):
        self.translated = 0
        self.flat = 0  # of those translated: in the flat (state machine) form
        self.cached = 0  # of those translated: taken from the translation cache
        self.ahead = 0  # of those translated: made by a worker ahead (exec.background)
        self.workers = 0  # workers started (one per big instance): they fill a store's
        # own cache too, and what they put there counts as ``cached``
        self.deferred = 0  # very big functions whose first call ran on the fallback tier
        self.fallbacks: list[tuple[str, str]] = []
        self.seconds = 0.0


