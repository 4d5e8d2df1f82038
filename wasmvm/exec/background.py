"""Translating ahead on another CPU (``Config.parallel_compilation``).

The compiled tier translates a function on its first call: Python source, then CPython's
compiler, some microseconds per instruction. A large program reaches hundreds of
functions, so a cold start spends more time translating than running (Boolector: 1.3 s
of translation in a 2.2 s run). Python cannot translate on a second thread (the GIL), but
it can in a second process: wasmtime compiles functions in parallel for the same reason.

A worker starts as soon as a big module (at least ``MIN_INSTRUCTIONS`` in its defined
functions) is decoded by the API's ``Module``, so that it works while the caller
validates and instantiates (for resvg, 0.3 s of the 0.7 s load: about 90 functions
translated before the first call). For a module instance made otherwise, it starts when
the compiled tier first translates one of its functions. The worker translates the
functions the program will probably call next into a translation cache (``exec.cache``):
the store's own cache when it has one, else a private temporary directory removed when
the worker stops. The calling process looks each function up in that cache before
translating it: a function the worker has done is installed from there (marshal, about
0.2 ms); one it has not reached yet is translated by the caller, who tells the worker (a
pipe); so does a caller installing one. The worker then skips it and turns to the
functions it calls directly (depth first, the caller's latest first, and its first
callee last: the caller calls that one at once and would be translating it too; when
nothing is left there, the functions called by those it translated itself, then the
functions the tables hold, and last the functions called only on the way to a trap,
such as Rust's panics): the worker follows the run. Before the first call it has no
hint, and starts from the module's entry points (its start function, ``_start``, its
exports) and the functions whose table slots they store as constants (Rust's entry code
stores a pointer to the program's ``main``, which its runtime calls through the table).
A translation depends only on the module, the function and the fuel and epoch flags (the
cache key), never on who made it: the code run is the same either way.
(tools/bench.py --real, 2 cores: resvg gets about 280 of its 615 functions from the
worker, and its run takes 1.65 s instead of 2.1 s.)

The worker is a fork of the calling process. Started for a decoded module, it has the
module but not the validator's facts: it allocates the module with stand-ins for its
imports (as ``wasmvm translate`` does) and validates each body before translating it (a
body that does not validate is skipped; the caller's validation reports it, and stops
the worker). Started at a first call, it has the validated module and the instance's
namespace. It runs at a lower priority, keeps no file of the caller open but the
cache's, writes nothing else, waits for hints when it has nothing left to translate,
ends when the caller exits (it checks its parent between functions, and sees the hints'
pipe close; a private cache goes with it) or when its module (or instance) is collected
(the caller kills it), and never reports an error (a failed translation is left to the
caller, who will meet it again and report it).

Not used where the worker could not help or could not be made safely: no ``os.fork``
(Windows, Pyodide), fewer than two CPUs available, or other threads running in the
process (a fork copies only the calling thread, and locks other threads hold would stay
held in the child: the web service runs calls on threads, so it never forks).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import weakref
from array import array

from ..syntax.instructions import walk
from ..valid import FuncInfo, module_context, validate_func
from . import compile_rt
from .cache import TranslationCache, _source_digest
from .compile_survey import at_least
from .store import Store, WasmFunc

#: A module whose defined functions hold fewer instructions than this is never
#: translated in the background (forking costs some milliseconds; small programs are
#: translated in less)
MIN_INSTRUCTIONS = 100_000

#: How much lower the worker's priority is than the caller's (``os.nice``)
NICENESS = 5


def available() -> bool:
    """Can this process translate in the background now?"""
    return (hasattr(os, "fork") and threading.active_count() == 1 and _cpus() >= 2)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # (not Linux)
        return os.cpu_count() or 1


def big_enough(module) -> bool:
    """Does ``module`` (a syntax.Module) define functions of MIN_INSTRUCTIONS or more?"""
    return at_least(module, MIN_INSTRUCTIONS)


def _callees(mod, func: WasmFunc) -> tuple[list[WasmFunc], list[WasmFunc]]:
    """The functions of ``mod`` that ``func`` calls directly, in the order written:
    (likely, unlikely). Unlikely: called only just before an ``unreachable``, the shape
    of a call that does not return (Rust's panics, C's abort and failed assertions):
    run only when the program fails."""
    calls: list[tuple[WasmFunc, bool]] = []  # (callee, its call is followed by unreachable)
    after_call = False
    for event, instr in walk(func.code.body):
        if event == "instr":
            name = instr.op.name
            if after_call and name == "unreachable":
                calls[-1] = (calls[-1][0], True)
            after_call = False
            if name in ("call", "return_call"):
                callee = mod.funcs[instr.func]
                if isinstance(callee, WasmFunc) and callee.module is mod:
                    calls.append((callee, False))
                    after_call = True
        else:
            after_call = False
    likely = [f for f, fails in calls if not fails]
    warm = {f.index for f in likely}
    unlikely = {f.index: f for f, fails in calls if fails and f.index not in warm}
    return likely, list(unlikely.values())


def _push_hinted(near: list, callees: list) -> None:
    """Put the callees of the function the caller is at on the worker's stack ``near``
    (its next function is ``near.pop()``): first written first, but the very first goes
    to the bottom. The caller calls that one at once, sooner than the worker could
    translate it, and translates it itself: both would (resvg: 85 such duplicates a run;
    45 since, and about 250 functions from the worker instead of 210)."""
    if callees:
        near.insert(0, callees[0])
        near.extend(reversed(callees[1:]))


class Background:
    """A worker translating a module's functions ahead into ``cache`` (a
    TranslationCache; None: a private temporary one), see the module docstring: started
    by ``for_instance`` at the first call of a big instance's function, or by
    ``for_module`` once a big module is decoded. The caller tells it each function it is
    about to translate itself (``hint``); ``stop()`` ends it, and so does the collection
    of ``owner`` (the instance, or the decoded module)."""

    #: (fuel, epoch): the flags of the translations it makes (for_module), else None
    flags = None

    def __init__(self, owner, cache: TranslationCache | None, work):
        self.private = None
        if cache is None:
            self.private = tempfile.mkdtemp(prefix="wasmvm-translations-")
            cache = TranslationCache(self.private)
        self.cache = cache
        _source_digest()  # (once, in the caller: the worker's keys are the caller's)
        parent = os.getpid()
        hints, self._hints = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(hints)
            os.close(self._hints)
            if self.private is not None:
                shutil.rmtree(self.private, ignore_errors=True)
            raise
        if pid == 0:  # the worker
            try:
                work(cache, parent, hints, self.private is not None)
            finally:
                os._exit(0)
        os.close(hints)
        os.set_blocking(self._hints, False)
        self.pid = pid
        self._finalizer = weakref.finalize(owner, _stop, pid, self.private, self._hints)

    @classmethod
    def for_instance(cls, tier, mod, store, first: WasmFunc,
                     cache: TranslationCache | None) -> Background:
        """A worker forked at the first call of ``first``, a function of module instance
        ``mod``: it has the instance and its namespace as they are now."""
        def work(*how):
            _work(tier, lambda: (mod, store, None), *how, first=first)

        return cls(mod, cache, work)

    @classmethod
    def for_module(cls, tier, module, features, fuel: bool, epoch: bool,
                   cache: TranslationCache | None) -> Background:
        """A worker forked once ``module`` (a syntax.Module) is decoded, before it is
        validated (validating takes about as long as decoding): it allocates the module
        with stand-ins for its imports (``instantiate.allocate``, as ``wasmvm translate``
        does: a translation depends on no import) and validates each body it translates
        (a body that does not validate is skipped: the caller's validation reports it).
        The instances that the caller makes of ``module`` use it (``CompiledTier``)."""
        def work(*how):
            _work(tier, lambda: _stand_in(tier, module, features, fuel, epoch), *how)

        worker = cls(module, cache, work)
        worker.flags = (fuel, epoch)
        return worker

    def hint(self, func: WasmFunc) -> None:
        """The caller is translating ``func`` now: the worker skips it, and turns to the
        functions it calls (a hint the worker cannot take now is dropped)."""
        try:
            os.write(self._hints, func.index.to_bytes(4, "little"))
        except OSError:  # (full, or the worker has ended)
            pass

    def stop(self) -> None:
        """Kill the worker (if it still runs) and remove a private cache."""
        self._finalizer()


def _stop(pid: int, private: str | None, hints: int) -> None:
    for step in (lambda: os.close(hints), lambda: os.kill(pid, 9), lambda: os.waitpid(pid, 0)):
        try:
            step()
        except OSError:  # (closed already; the worker has ended, or was reaped)
            pass
    if private is not None:
        shutil.rmtree(private, ignore_errors=True)


def _stand_in(tier, module, features, fuel: bool, epoch: bool):
    """(module instance, store, prepare) for a worker forked before ``module`` was
    validated (``Background.for_module``): the instance is allocated with stand-ins for
    its imports, its functions' validation facts stand-ins too until ``prepare(func)``
    validates the body (False: it does not validate; when the module's context does
    not, ``module_context`` raises before anything is allocated)."""
    from .instantiate import allocate  # (instantiate imports the tiers: not at load)

    ctx = module_context(module, features)
    info = ctx.info()
    imported = ctx.num_imported_funcs
    for i in range(len(module.funcs)):
        ft = ctx.funcs[imported + i]  # (the parameters only, until validated)
        info.funcs.append(FuncInfo(ft, tuple(ft.params), array("i"), 0))
    store = Store(tier, consume_fuel=fuel, epoch=[0] if epoch else None)
    mod = allocate(store, module, info)
    compile_rt.namespace(mod, store, tier)

    def prepare(func: WasmFunc) -> bool:
        try:
            func.info = validate_func(ctx, func.code, ctx.funcs[func.index])
        except Exception:  # noqa: BLE001 - invalid: the caller's validation says why
            return False
        return True

    return mod, store, prepare


def _entry_points(mod) -> list[WasmFunc]:
    """The functions of ``mod`` called from outside first: the start function, the WASI
    entry points ``_initialize`` and ``_start``, then the other exported functions."""
    exported = [f for kind, f in mod.exports.values() if kind == "func"]
    named = [mod.exports[n][1] for n in ("_initialize", "_start")
             if mod.exports.get(n, ("",))[0] == "func"]
    start = [mod.funcs[mod.syntax.start]] if mod.syntax.start is not None else []
    out: dict[int, WasmFunc] = {}
    for f in start + named + exported:
        if isinstance(f, WasmFunc) and f.module is mod:
            out.setdefault(f.index, f)
    return list(out.values())


def _table_slots(mod) -> dict[int, WasmFunc]:
    """The functions of ``mod`` its active segments put in table 0 at constant offsets,
    by slot (read from the segments: an allocated instance's tables are empty)."""
    slots: dict[int, WasmFunc] = {}
    for seg, inst in zip(mod.syntax.elems, mod.elems):
        mode = seg.mode
        if (mode.kind == "active" and mode.table == 0 and len(mode.offset) == 1
                and mode.offset[0].op.name in ("i32.const", "i64.const")):
            base = mode.offset[0].value.value
            for k, f in enumerate(inst.elements):
                if isinstance(f, WasmFunc) and f.module is mod:
                    slots[base + k] = f
    return slots


def _stored_pointers(func: WasmFunc, slots: dict[int, WasmFunc]) -> list[WasmFunc]:
    """The functions whose table slot ``func`` stores to memory as a constant
    (``i32.const k`` then a store): function pointers, which it or its callees will
    probably call through ``call_indirect``. Rust's ``main`` is reached so: the entry
    code stores a pointer to the program's ``main`` for the runtime to call."""
    out = []
    previous = None
    for event, instr in walk(func.code.body):
        if event != "instr":
            previous = None
            continue
        if (previous is not None and instr.op.name.endswith("store")
                and previous in slots):
            out.append(slots[previous])
        previous = instr.value.value if instr.op.name in ("i32.const", "i64.const") else None
    return out


def _first_guesses(mod) -> list[WasmFunc]:
    """What a worker forked before any call translates first: the module's entry points
    (``_entry_points``), then the functions whose pointers they or their direct callees
    store (``_stored_pointers``)."""
    entries = _entry_points(mod)
    slots = _table_slots(mod)
    out = {f.index: f for f in entries}
    for f in [*entries, *(c for e in entries for c in _callees(mod, e)[0])]:
        for target in _stored_pointers(f, slots):
            out.setdefault(target.index, target)
    return list(out.values())


def _work(tier, setup, cache: TranslationCache, parent: int, hints: int, private: bool,
          first: WasmFunc | None = None) -> None:
    """The worker's whole life (in the forked process; it ends with os._exit), once
    ``setup()`` has given it (module instance, store, prepare or None).

    Its next function is the top of a stack: the functions called directly by the one
    the caller was last seen translating (the caller's hints, read between
    translations; before the first, ``first``'s callees, or with no ``first`` the
    ``_first_guesses``), then by the one the worker translated last, depth first;
    when the stack runs out, the functions the tables and element segments hold, then
    those called only on the way to a trap. ``prepare(func)``: called before
    translating ``func``; False skips it."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # it writes nothing but cache entries
            os.dup2(null, fd)
        for lo, hi in sorted([(3, min(hints, null)), (min(hints, null) + 1, max(hints, null)),
                              (max(hints, null) + 1, 1 << 16)]):
            os.closerange(lo, hi)  # (no pipe or socket of the caller's held open by it)
        os.set_blocking(hints, False)
        os.nice(NICENESS)
        mod, store, prepare = setup()  # (at the worker's priority, with its files only)
        ns = mod.compiled
        fuel, epoch = ns["_F"] is not None, "_EH" in ns
        done: set[int] = set()
        near: list[WasmFunc] = []  # called by the functions the caller has reached
        far: list[WasmFunc] = []  # called by those the worker has translated
        unlikely: list[WasmFunc] = []  # called only on the way to a trap

        def undone_callees(func: WasmFunc) -> list[WasmFunc]:
            likely, failing = _callees(mod, func)
            unlikely.extend(f for f in reversed(failing) if f.index not in done)
            return [f for f in likely if f.index not in done]

        if first is not None:
            done.add(first.index)
            _push_hinted(near, undone_callees(first))
        else:
            near.extend(reversed(_first_guesses(mod)))
        # (an allocated instance's tables are empty: its active segments are not applied)
        tables = iter([f for space in (*mod.tables, *mod.elems) for f in space.elements
                       if isinstance(f, WasmFunc) and f.module is mod])
        pending = b""
        while True:
            if os.getppid() != parent:  # the caller has exited without stopping it
                if private:
                    shutil.rmtree(cache.directory, ignore_errors=True)
                return
            try:
                pending += os.read(hints, 1 << 16)
            except BlockingIOError:
                pass
            if pending:
                whole = len(pending) - len(pending) % 4
                for k in range(0, whole, 4):
                    func = mod.funcs[int.from_bytes(pending[k:k + 4], "little")]
                    done.add(func.index)
                    _push_hinted(near, undone_callees(func))
                pending = pending[whole:]
            func = (near.pop() if near else far.pop() if far else next(tables, None)
                    or (unlikely.pop() if unlikely else None))
            if func is None:  # nothing left: wait for a hint, or for the caller's end
                os.set_blocking(hints, True)
                more = os.read(hints, 1 << 16)
                os.set_blocking(hints, False)
                if not more:  # the caller has closed its end: it has exited or stops us
                    if private:
                        shutil.rmtree(cache.directory, ignore_errors=True)
                    return
                pending += more
                continue
            if func.index in done:
                continue
            done.add(func.index)
            if prepare is not None and not prepare(func):
                continue
            key = cache.key(func, fuel, epoch)
            if key is None:
                return
            if not cache.has(key):
                entry = tier.entry_for(func, ns, store)
                if entry is not None:
                    cache.store(key, entry)
            far.extend(reversed(undone_callees(func)))
    except BaseException:  # noqa: BLE001 - the caller translates what the worker did not
        return
