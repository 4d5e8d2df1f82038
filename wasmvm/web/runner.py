"""The server's machinery around the engine: worker processes with a deadline and a
memory limit, a cache of uploaded modules, and bounds on request bodies (size and time).

Engine work (decoding, validating, describing, instantiating, translating, running) runs
in a pool of ``limits.workers`` worker processes (``worker.serve``), so that the event
loop stays free to answer other requests and nothing a request does can take the server
down. Each worker runs under an address-space limit (``limits.worker_memory_mb``): a
request that runs past it is answered 422 and its worker replaced. A request whose work
takes longer than ``limits.timeout_seconds`` is answered 408 at once and its worker is
killed (SIGKILL) and replaced: whatever it was doing, decoding or translating included,
stops. A worker that dies some other way is replaced too (500). Requests wait for a free
worker at most ``limits.queue_timeout_seconds`` (then 503), in both runners: a
request waits on a semaphore of the event loop, never holding a thread while it waits.

With ``limits.process_workers = 0`` the work runs in threads of the server's process
(``ThreadRunner``): a run is stopped through fuel (``core.Job.cancel``), but decoding and
translation run on after a 408 and memory is not bounded. The in-browser mode has no
processes either; it calls ``core`` directly (``browser.py``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

from starlette.exceptions import HTTPException

from . import worker
from .core import Job, module_id
from .limits import Limits
from .outcome import error_body

__all__ = ["Runner", "ProcessRunner", "ThreadRunner", "ModuleCache", "BodySizeLimit",
           "BodyTimeout", "make_runner"]


def make_runner(limits: Limits):
    """A ``ProcessRunner``, or a ``ThreadRunner`` when ``limits.process_workers`` is 0."""
    return ProcessRunner(limits) if limits.process_workers else ThreadRunner(limits)


def _timeout_answer(limits: Limits) -> tuple[int, dict]:
    return error_body("timeout", f"the request took longer than {limits.timeout_seconds:g} s, "
                      f"the limit of this service; its run was stopped", limit="time")


def _busy_answer(limits: Limits) -> tuple[int, dict]:
    return error_body("busy", f"every worker of this service was busy for "
                      f"{limits.queue_timeout_seconds:g} s: try again later",
                      limit="queue_timeout_seconds")


async def _admitted(free: asyncio.Semaphore, limits: Limits) -> bool:
    """Wait for a free worker at most ``queue_timeout_seconds``; False if none came."""
    try:
        await asyncio.wait_for(free.acquire(), limits.queue_timeout_seconds)
    except TimeoutError:
        return False
    return True


# -- processes --------------------------------------------------------------------------------
def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:  # a fresh worker in milliseconds, from a clean process
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["wasmvm.web.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, ctx, limits: Limits):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker.serve, args=(child, limits), daemon=True,
                                   name="wasmvm-web-worker")
        self.process.start()
        child.close()
        self.served = 0

    def exchange(self, request: dict, timeout: float):
        """``(status, body)``, or "timeout", or "died"."""
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout):
                return "timeout"
            return self.conn.recv()
        except (EOFError, OSError):
            return "died"

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class ProcessRunner:
    """A pool of ``limits.workers`` worker processes; ``await run(request)`` answers
    ``(status, body)`` (see ``worker.handle``)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.RLock()
        self._started = False
        self._generation = 0
        self._ctx = None
        self._threads = self._spawner = None
        self.replaced = 0
        self._free: asyncio.Semaphore | None = None

    def start(self) -> None:
        """Start the workers (the first request does it if nobody did; again after
        ``shutdown``, as a test client's lifespan does)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            self._generation += 1
            self._ctx = self._ctx or _context()
            self._idle = queue.Queue()
            # a request waits here, not in a thread, so its wait is bounded by the queue
            # timeout (a thread of ``_threads`` is taken only once a worker is about free)
            self._free = asyncio.Semaphore(self.limits.workers)
            # one thread per worker holds it for a request; one more starts replacements
            self._threads = ThreadPoolExecutor(self.limits.workers, thread_name_prefix="wasmvm-web")
            self._spawner = ThreadPoolExecutor(1, thread_name_prefix="wasmvm-web-spawn")
            for _ in range(self.limits.workers):
                self._add(self._generation)

    def _add(self, generation: int) -> None:
        w = _Worker(self._ctx, self.limits)
        with self._lock:
            if generation != self._generation or not self._started:
                w.stop()
                return
            self._all.add(w)
            self._idle.put(w)

    def _replace(self, w: _Worker) -> None:
        with self._lock:
            self._all.discard(w)
            self.replaced += 1
            generation, spawner = self._generation, self._spawner
        w.stop()
        try:
            spawner.submit(self._add, generation)
        except RuntimeError:  # shut down meanwhile
            pass

    async def run(self, request: dict) -> tuple[int, dict]:
        self.start()
        queued, free = time.monotonic(), self._free
        if not await _admitted(free, self.limits):
            return _busy_answer(self.limits)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._threads, self._run, self._idle, request,
                                              queued)
        finally:
            free.release()

    def _run(self, idle: queue.Queue, request: dict, queued: float) -> tuple[int, dict]:
        limits = self.limits
        for _attempt in range(2):
            wait = limits.queue_timeout_seconds - (time.monotonic() - queued)
            try:
                w = idle.get(timeout=max(wait, 0.001))
            except queue.Empty:
                return _busy_answer(limits)
            if not w.alive():  # died while idle (killed from outside): never mind it
                self._replace(w)
                continue
            answer = w.exchange(request, limits.timeout_seconds)
            if answer == "timeout":
                self._replace(w)
                return _timeout_answer(limits)
            if answer == "died":
                code = w.process.exitcode
                self._replace(w)
                return error_body("internal", f"the worker process running this request stopped "
                                  f"(exit code {code}); it was replaced")
            w.served += 1
            status, body = answer
            if body.get("limit") == "worker_memory_mb":  # it exits: replace it
                self._replace(w)
            else:
                idle.put(w)
            return status, body
        return error_body("internal", "no worker process could take this request")

    def pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def shutdown(self) -> None:
        with self._lock:
            if not self._started:
                return
            self._started = False
            self._generation += 1
            workers = list(self._all)
            self._all.clear()
            threads, spawner = self._threads, self._spawner
        for w in workers:
            w.stop()
        threads.shutdown(wait=False, cancel_futures=True)
        spawner.shutdown(wait=False, cancel_futures=True)


# -- threads ----------------------------------------------------------------------------------
class ThreadRunner:
    """Worker threads in the server's process (``limits.process_workers = 0``): the
    former way, for platforms without processes. A 408 stops the run through fuel."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._pool = None
        self._modules = worker.Modules(limits)
        self._cancelling: set[asyncio.Task] = set()
        self._free: asyncio.Semaphore | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.limits.workers, thread_name_prefix="wasmvm-web")
            # one per worker thread, held until the thread is free again (after a 408 too:
            # a cancelled run holds its thread until fuel stops it)
            self._free = asyncio.Semaphore(self.limits.workers)

    def pids(self) -> list[int]:
        return []

    async def run(self, request: dict) -> tuple[int, dict]:
        self.start()
        free = self._free
        if not await _admitted(free, self.limits):
            return _busy_answer(self.limits)
        job = Job()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, self._run, request, job)
        future.add_done_callback(lambda _: free.release())
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.limits.timeout_seconds)
        except TimeoutError:
            job.cancel()
            task = asyncio.create_task(_keep_cancelling(job, future))
            self._cancelling.add(task)
            task.add_done_callback(self._cancelling.discard)
            return _timeout_answer(self.limits)

    def _run(self, request: dict, job: Job):
        if job.cancelled:  # timed out while it waited for a worker
            return None
        try:
            return worker.handle(request, self.limits, self._modules, job=job)
        except MemoryError:
            self._modules.clear()
            return worker.memory_answer(self.limits)

    def shutdown(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


Runner = ThreadRunner  # the name of old


async def _keep_cancelling(job: Job, future) -> None:
    """Setting fuel to zero can race with the running thread's own fuel update (read,
    subtract, write): repeat it until the run has stopped (bounded)."""
    for _ in range(400):
        if future.done():
            break
        job.cancel()
        await asyncio.sleep(0.05)
    try:
        await future
    except Exception:  # noqa: BLE001 - the client has its 408 already
        pass


class ModuleCache:
    """The bytes of uploaded modules by id (SHA-256), least recently used first out when
    their total size passes ``limits.module_cache_bytes``. (Workers keep decoded modules
    of their own.)"""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, data: bytes) -> str:
        key = module_id(data)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return key
            self._items[key] = data
            self._size += len(data)
            while self._size > self.limits.module_cache_bytes and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._size -= len(old)
        return key


class BodyTimeout:
    """ASGI middleware: a request's body must arrive within ``seconds`` of its headers;
    else 408, and the connection is closed (a client that sends half a body, or trickles
    it, holds a connection no longer than that)."""

    def __init__(self, app, seconds: float):
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        deadline = time.monotonic() + self.seconds
        done = False

        async def timed():
            nonlocal done
            if done:  # the body is in: what is left is waiting for a disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0.001))
            except TimeoutError:
                raise HTTPException(408, f"the request body did not arrive within "
                                         f"{self.seconds:g} s") from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                done = True
            return message

        await self.app(scope, timed, send)


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``limit`` bytes with 413, from the
    Content-Length header when there is one and while reading the body when there is not."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = 0
                if length > self.limit:
                    await _send_413(send, self.limit, length)
                    return
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, _too_large(self.limit, None))
            return message

        await self.app(scope, limited, send)


def _too_large(limit: int, length: int | None) -> str:
    size = f" of {length} bytes" if length is not None else ""
    return f"request body{size} too large: this service takes at most {limit} bytes"


async def _send_413(send, limit: int, length: int) -> None:
    import json

    body = json.dumps({"error": "too_large", "message": _too_large(limit, length),
                       "limit": "max_request_bytes", "offset": None}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
