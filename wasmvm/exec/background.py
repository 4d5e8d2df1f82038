"""Translating ahead on another CPU (``Config.parallel_compilation``).

The compiled tier translates a function on its first call: Python source, then CPython's
compiler, some microseconds per instruction. A large program reaches hundreds of
functions, so a cold start spends more time translating than running (Boolector: 1.3 s
of translation in a 2.2 s run). Python cannot translate on a second thread (the GIL), but
it can in a second process: wasmtime compiles functions in parallel for the same reason.

When the compiled tier first translates a function of a big module instance (at least
``MIN_INSTRUCTIONS`` in its defined functions), it forks a worker. The worker translates
the functions the program will probably call next into a translation cache
(``exec.cache``): the store's own cache when it has one, else a private temporary
directory removed when the instance goes away. The calling process looks each function
up in that cache before translating it: a function the worker has done is installed from
there (marshal, about 0.2 ms); one it has not reached yet is translated by the caller,
who tells the worker (a pipe); so does a caller installing one. The worker then skips it
and turns to the functions it calls directly (depth first, the caller's latest first, and
its first callee last: the caller calls that one at once and would be translating it
too; when nothing is left there, the functions called by those it translated itself,
then the functions the tables hold): the worker follows the run. A translation depends
only on the module, the function and the fuel and epoch flags (the cache key), never on
who made it: the code run is the same either way. (tools/bench.py --real, 2 cores: resvg
gets about 250 of its 615 functions from the worker, and its run takes 1.9 s instead of
2.2 s.)

The worker is a fork of the calling process taken at that moment, so it has the decoded
and validated module and the instance's namespace without loading anything. It runs at a
lower priority, keeps no file of the caller open but the cache's, writes nothing else,
waits for hints when it has nothing left to translate, ends when the caller exits (it
checks its parent between functions, and sees the hints' pipe close; a private cache goes
with it) or when the instance is collected (the caller kills it),
and never reports an error (a failed translation is left to the caller, who will meet
it again and report it).

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

from ..syntax.instructions import walk
from .cache import TranslationCache
from .compile_survey import size_of
from .store import WasmFunc

#: A module instance whose defined functions hold fewer instructions than this is never
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


def big_enough(mod) -> bool:
    """Does module instance ``mod`` define functions of MIN_INSTRUCTIONS or more?"""
    total = 0
    for f in mod.funcs:
        if isinstance(f, WasmFunc) and f.module is mod:
            total += size_of(f)
            if total >= MIN_INSTRUCTIONS:
                return True
    return False


def _callees(mod, func: WasmFunc) -> list[WasmFunc]:
    """The functions of ``mod`` that ``func`` calls directly, in the order written."""
    out = []
    for event, instr in walk(func.code.body):
        if event == "instr" and instr.op.name in ("call", "return_call"):
            callee = mod.funcs[instr.func]
            if isinstance(callee, WasmFunc) and callee.module is mod:
                out.append(callee)
    return out


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
    """The worker translating module instance ``mod``'s functions ahead into ``cache``
    (a TranslationCache; None: a private temporary one), started at the first call of
    ``first`` (see the module docstring). The caller tells it each function it is about
    to translate itself (``hint``); ``stop()`` ends it."""

    def __init__(self, tier, mod, store, first: WasmFunc, cache: TranslationCache | None):
        self.private = None
        if cache is None:
            self.private = tempfile.mkdtemp(prefix="wasmvm-translations-")
            cache = TranslationCache(self.private)
        self.cache = cache
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
                _work(tier, mod, store, first, cache, parent, hints, self.private is not None)
            finally:
                os._exit(0)
        os.close(hints)
        os.set_blocking(self._hints, False)
        self.pid = pid
        self._finalizer = weakref.finalize(mod, _stop, pid, self.private, self._hints)

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


def _work(tier, mod, store, first, cache: TranslationCache, parent: int, hints: int,
          private: bool) -> None:
    """The worker's whole life (in the forked process; it ends with os._exit).

    Its next function is the top of a stack: the functions called directly by the one
    the caller was last seen translating (the caller's hints, read between
    translations), then by the one the worker translated last, depth first; when the
    stack runs out, the functions the tables hold."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # it writes nothing but cache entries
            os.dup2(null, fd)
        for lo, hi in sorted([(3, min(hints, null)), (min(hints, null) + 1, max(hints, null)),
                              (max(hints, null) + 1, 1 << 16)]):
            os.closerange(lo, hi)  # (no pipe or socket of the caller's held open by it)
        os.set_blocking(hints, False)
        os.nice(NICENESS)
        ns = mod.compiled
        fuel, epoch = ns["_F"] is not None, "_EH" in ns
        done = {first.index}
        near: list[WasmFunc] = []  # called by the functions the caller has reached
        far: list[WasmFunc] = []  # called by those the worker has translated

        def undone_callees(func: WasmFunc) -> list[WasmFunc]:
            return [f for f in _callees(mod, func) if f.index not in done]

        _push_hinted(near, undone_callees(first))
        tables = iter([f for t in mod.tables for f in t.elements
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
            func = near.pop() if near else far.pop() if far else next(tables, None)
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
