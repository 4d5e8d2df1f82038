"""One request's engine work, as data in and data out, and the worker process that does it.

    handle(request, limits, modules) -> (status, body)

``request`` is a plain dict (``{"op": "describe", "data": b"..."}``, ``"invoke"``,
``"steps"``, ``"stackvm"``), the answer the status and JSON-ready body the server sends.
Both pickle, so the server (``runner.ProcessRunner``) hands requests to worker processes
through pipes; ``serve`` is such a process's main loop. It runs under an address-space
limit (``RLIMIT_AS``, ``limits.worker_memory_mb``): a request that runs past it gets a
422 (limit ``worker_memory_mb``), and the process exits after answering so that the
server starts a fresh one. A request that runs past its time is not this module's
business: the server kills the process.

Nothing here imports FastAPI. Without processes (``process_workers=0``) the server calls
``handle`` in threads, with a ``core.Job`` that stops a run through fuel.
"""

from __future__ import annotations

import gc
import signal
import threading
from collections import OrderedDict

from . import core, program, steps
from .limits import Limits
from .outcome import error_body, error_json, invoke_outcome

__all__ = ["Modules", "handle", "serve", "memory_answer", "WORKER_CACHE_BYTES"]

#: The bytes of the modules a worker process keeps decoded (the server keeps all bytes).
WORKER_CACHE_BYTES = 2 * 1024 * 1024


class Modules:
    """Decoded and validated modules by id (SHA-256), least recently used first out when
    the total size of their bytes passes ``most_bytes`` (``limits.module_cache_bytes``)."""

    def __init__(self, limits: Limits, growth_bounded: bool = False, most_bytes: int | None = None):
        self.limits = limits
        self.growth_bounded = growth_bounded
        self.most_bytes = limits.module_cache_bytes if most_bytes is None else most_bytes
        self._items: OrderedDict[str, tuple[int, object]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def load(self, data: bytes):
        key = core.module_id(data)
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
                return item[1]
        module = core.load_module(data, self.limits, growth_bounded=self.growth_bounded)
        with self._lock:
            if key not in self._items:
                self._items[key] = (len(data), module)
                self._size += len(data)
            while self._size > self.most_bytes and len(self._items) > 1:
                _, (size, _) = self._items.popitem(last=False)
                self._size -= size
        return module

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0


def _work(request: dict, limits: Limits, modules: Modules, job) -> tuple[int, dict]:
    op = request["op"]
    if op == "stackvm":
        return 200, program.run_program(request["program"], limits, request.get("memory_pages", 1),
                                        request.get("max_pages"))
    if op == "describe":
        data = core.compile_text(request["data"], limits)
        module = modules.load(data)
        return 200, core.describe(data, module, limits,
                                  None if data is request["data"] else request["data"])
    module = modules.load(request["data"])  # (a WAT upload compiles on load, once)
    if op == "invoke":
        result = core.invoke(module, request["export"], request.get("args", []), limits,
                             fuel=request.get("fuel"), trace=bool(request.get("trace")),
                             trace_limit=request.get("trace_limit"), job=job,
                             profile=bool(request.get("profile")))
        return invoke_outcome(result)
    if op == "translate":
        return 200, core.translate(module, limits, request.get("func"),
                                   bool(request.get("fuel")))
    if op == "steps":
        return 200, steps.record_steps(module, request["export"], request.get("args", []), limits,
                                       max_steps=request.get("max_steps"), fuel=request.get("fuel"),
                                       job=job)
    raise core.RequestError("bad_request", f"unknown operation {op!r}")


def handle(request: dict, limits: Limits, modules: Modules, job=None) -> tuple[int, dict]:
    """The status and body answering ``request``. A ``MemoryError`` is not caught: the
    caller decides (a worker process answers ``memory_answer`` and exits)."""
    try:
        return _work(request, limits, modules, job)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - every answer is JSON
        known = error_json(e)
        return known if known is not None else error_body("internal", repr(e))


def memory_answer(limits: Limits) -> tuple[int, dict]:
    return error_body("limit", f"the request needed more than {limits.worker_memory_mb} MiB, "
                      f"the memory limit of this service's workers; its worker was replaced",
                      limit="worker_memory_mb")


def limit_memory(megabytes: int) -> bool:
    """Set this process's address-space limit; False where that cannot be done."""
    try:
        import resource

        most = megabytes * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            most = min(most, hard)
        resource.setrlimit(resource.RLIMIT_AS, (most, hard))
        return True
    except (ImportError, AttributeError, ValueError, OSError):
        return False


def serve(conn, limits: Limits) -> None:
    """A worker process: answer requests from ``conn`` until it closes, or until a
    request runs out of memory (answered, then the process exits to be replaced)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server
    bounded = limit_memory(limits.worker_memory_mb)
    # a decoded module takes ~100 times its size: keep what fits a worker's memory
    modules = Modules(limits, growth_bounded=bounded,
                      most_bytes=min(limits.module_cache_bytes, WORKER_CACHE_BYTES))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = handle(request, limits, modules)
        except MemoryError:
            answer = None
        if answer is not None:
            try:
                conn.send(answer)
                continue
            except MemoryError:
                pass
            except (BrokenPipeError, OSError):
                return
        del answer, request
        modules.clear()
        gc.collect()
        try:
            conn.send(memory_answer(limits))
        except (MemoryError, OSError):
            pass
        return
