"""The server's machinery around the engine: worker threads with a wall-time limit, a
cache of uploaded modules, and a cap on request size.

Engine work runs in a pool of ``limits.workers`` threads so that the event loop stays
free to answer other requests. Every call counts fuel, which bounds it; on top of that a
request whose work takes longer than ``limits.timeout_seconds`` is answered 408 at once,
and its run is stopped by setting its stores' fuel to zero (``core.Job.cancel``), which
makes the running call trap at its next fuel charge. Threads rather than processes: a
thread cannot be killed, but fuel reaches into the running call, and modules stay cached
in memory beside the threads that run them.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from starlette.exceptions import HTTPException

from .core import Job, load_module, module_id
from .limits import LimitError, Limits

__all__ = ["Runner", "ModuleCache", "BodySizeLimit"]


class Runner:
    def __init__(self, limits: Limits):
        self.limits = limits
        self._pool = ThreadPoolExecutor(limits.workers, thread_name_prefix="wasmvm-web")
        self._cancelling: set[asyncio.Task] = set()

    async def run(self, fn, *args, **kwargs):
        """``fn(*args, job=job, **kwargs)`` in a worker thread, within the time limit."""
        job = Job()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._pool, partial(_unless_cancelled, fn, job, args, kwargs))
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.limits.timeout_seconds)
        except TimeoutError:
            job.cancel()
            task = asyncio.create_task(_keep_cancelling(job, future))
            self._cancelling.add(task)
            task.add_done_callback(self._cancelling.discard)
            raise LimitError("time", f"the request took longer than {self.limits.timeout_seconds:g} s, "
                             f"the limit of this service; its run was stopped") from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _unless_cancelled(fn, job: Job, args, kwargs):
    if job.cancelled:  # timed out while it waited for a worker
        return None
    return fn(*args, job=job, **kwargs)


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
    """Uploaded modules by id (SHA-256), decoded and validated, least recently used first
    out when their total size passes ``limits.module_cache_bytes``."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._items: OrderedDict[str, tuple[bytes, object]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def load(self, data: bytes, job: Job | None = None):
        """``(id, module)``, decoding and validating only what is not cached yet."""
        key = module_id(data)
        item = self.get(key)
        if item is not None:
            return key, item[1]
        module = load_module(data, self.limits)
        with self._lock:
            if key not in self._items:
                self._items[key] = (data, module)
                self._size += len(data)
            while self._size > self.limits.module_cache_bytes and len(self._items) > 1:
                _, (old, _) = self._items.popitem(last=False)
                self._size -= len(old)
        return key, module


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
