"""The WASI context of a store, and how its functions become imports.

``set_wasi(store, config)`` opens what the config describes (preopened directories,
stdio files) into a ``WasiCtx`` kept on the store. ``define_wasi(linker, store)`` defines
the ``wasi_snapshot_preview1`` functions of that context in a linker; with no store, it
tells the linker to make them for whichever store instantiates (the wasmtime-py way:
``linker.define_wasi()`` then ``store.set_wasi(config)``), which needs the lines in
``Linker.instantiate`` that call ``wasi_import``.

Each function is a ``Func`` taking its caller (``access_caller=True``): it finds the
calling instance's exported ``memory``, converts the arguments to unsigned ints, runs the
``WasiCtx`` method of the same name and returns its errno.
"""

from __future__ import annotations

import os
import weakref

from ..api.extern import Func, Memory
from ..errors import LinkError, Trap, TrapCode
from ..syntax.types import FuncType
from .config import WasiConfig
from .errors import Fail, errno_of, invalid_argument
from .fd_calls import FdCalls
from .fdtable import (
    BytesInput,
    CallbackOutput,
    Dir,
    FdTable,
    InheritedInput,
    InheritedOutput,
    InputStream,
    OutputStream,
    Stdio,
    StreamInput,
    StreamOutput,
)
from .memory import GuestMemory
from .misc_calls import MiscCalls
from .path_calls import PathCalls
from .sandbox import supported as sandbox_supported
from .types import CORE_TYPES, ENUM_SIZES, FLAG_MASKS, FUNCTIONS, Errno

MODULE = "wasi_snapshot_preview1"


class WasiCtx(FdCalls, PathCalls, MiscCalls):
    """The state of one WASI program: arguments, environment and descriptors."""

    def __init__(self, config: WasiConfig):
        self.args = [a.encode("utf-8", "surrogateescape") for a in config.argv]
        self.environ = [f"{k}={v}".encode("utf-8", "surrogateescape") for k, v in config.env]
        self.fds = FdTable()
        self._finalizer = weakref.finalize(self, self.fds.close_all)
        try:
            self.fds.push(Stdio(_input(config.stdin), readable=True))
            self.fds.push(Stdio(_output(config.stdout, "stdout"), readable=False))
            self.fds.push(Stdio(_output(config.stderr, "stderr"), readable=False))
            if config.preopens and not sandbox_supported():
                raise OSError(f"cannot preopen {config.preopens[0].host!r}: this host has no "
                              f"openat()/O_NOFOLLOW to confine paths with")
            for p in config.preopens:
                flags = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
                self.fds.push(Dir(os.open(p.host, flags), p.mutable, preopen=p.guest))
        except BaseException:
            self.close()
            raise
        self._funcs: dict[str, Func] = {}

    def close(self) -> None:
        """Close every descriptor (files the config named are closed too)."""
        self.fds.close_all()

    def func(self, name: str) -> Func | None:
        """The import ``wasi_snapshot_preview1.<name>`` of this context, or None."""
        func = self._funcs.get(name)
        if func is None and name in FUNCTIONS:
            func = self._funcs[name] = _make_func(self, name)
        return func


def _make_func(ctx: WasiCtx, name: str) -> Func:
    params, results = FUNCTIONS[name]
    core = [CORE_TYPES.get(k, "i32") for k in params]
    ty = FuncType(tuple(core), tuple(CORE_TYPES.get(k, "i32") for k in results))
    method = getattr(ctx, name)
    masks = tuple(0xFFFFFFFFFFFFFFFF if t == "i64" else 0xFFFFFFFF for t in core)
    checks = [(i, k) for i, k in enumerate(params) if k in ENUM_SIZES or k in FLAG_MASKS]

    def call(caller, *args):
        memory = caller.get("memory") if caller is not None else None
        if not isinstance(memory, Memory):
            raise Trap(TrapCode.MEMORY_OUT_OF_BOUNDS,
                       f"{MODULE}.{name}: the calling module exports no memory named \"memory\"")
        args = [a & m for a, m in zip(args, masks)]
        for i, kind in checks:
            _check_value(name, kind, args[i])
        view = memory.buffer()
        try:
            method(GuestMemory(view), *args)
            errno = Errno.SUCCESS
        except Fail as e:
            errno = e.errno
        except OSError as e:
            errno = errno_of(e)
        finally:
            view.release()
        return int(errno) if results else None

    call.__name__ = name
    return Func(None, ty, call, access_caller=True)


def _check_value(func: str, kind: str, value: int) -> None:
    size = ENUM_SIZES.get(kind)
    if size is not None:
        if value >= size:
            raise invalid_argument(f"{func}: {value} is not a {kind}")
    elif value & ~FLAG_MASKS[kind]:
        raise invalid_argument(f"{func}: {value:#x} sets bits undefined in {kind}")


def _input(spec) -> InputStream:
    if spec is None:
        return InputStream()
    kind, value = spec
    if kind == "bytes":
        return BytesInput(value)
    if kind == "file":
        return StreamInput(open(value, "rb", buffering=0), owned=True)
    if kind == "stream":
        return StreamInput(value)
    return InheritedInput()


def _output(spec, name: str) -> OutputStream:
    if spec is None:
        return OutputStream()
    kind, value = spec
    if kind == "file":
        return StreamOutput(open(value, "wb", buffering=0), owned=True)
    if kind == "stream":
        return StreamOutput(value)
    if kind == "custom":
        return CallbackOutput(value)
    return InheritedOutput(name)


# -- the API glue -----------------------------------------------------------------------------
def set_wasi(store, config: WasiConfig) -> WasiCtx:
    """Give ``store`` a WASI context made from ``config`` (``Store.set_wasi``); replaces
    and closes any earlier one. Returns the context (``ctx.close()`` closes its files)."""
    old = getattr(store, "_wasi", None)
    ctx = WasiCtx(config)
    store._wasi = ctx
    if old is not None:
        old.close()
    return ctx


def wasi_ctx(store) -> WasiCtx | None:
    return getattr(store, "_wasi", None)


def wasi_import(store, module: str, name: str) -> Func | None:
    """The WASI function ``module.name`` of ``store``'s context, or None if it is not one.
    ``LinkError`` if it is one but the store has no context."""
    if module != MODULE or name not in FUNCTIONS:
        return None
    ctx = wasi_ctx(store)
    if ctx is None:
        raise LinkError(f"{module}.{name}: the store has no WASI context "
                        f"(call set_wasi(store, config) first)")
    return ctx.func(name)


def define_wasi(linker, store=None) -> None:
    """Define the ``wasi_snapshot_preview1`` functions in ``linker``.

    With a store: that store's context's functions, defined now. Without: the linker
    makes them for the store that instantiates (needs ``Linker.instantiate`` to ask
    ``wasi_import`` for names it has no definition of)."""
    if store is None:
        linker.define_wasi()
        return
    ctx = wasi_ctx(store)
    if ctx is None:
        raise LinkError("the store has no WASI context (call set_wasi(store, config) first)")
    for name in FUNCTIONS:
        linker.define(store, MODULE, name, ctx.func(name))
