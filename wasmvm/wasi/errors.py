"""How WASI calls end other than with success: an errno, an exit, or a trap.

``Fail(errno)`` is raised inside the host functions and becomes the call's return value;
it never leaves wasmvm. ``ExitTrap`` is ``proc_exit``: it unwinds the whole WebAssembly
call stack to the embedder, like wasmtime-py's ``ExitTrap``.
"""

from __future__ import annotations

import errno as _host

from ..errors import Trap, TrapCode, WasmError
from .types import Errno


class ExitTrap(WasmError):
    """The program called ``proc_exit(code)``; ``code`` is its exit status.

    Like wasmtime-py's ``ExitTrap``, it is a sibling of ``Trap``, not a kind of it: a
    program that exits has not trapped, and ``except Trap`` should not catch an exit."""

    def __init__(self, code: int):
        self.code = code
        super().__init__(f"exited with i32 exit status {code}")


class Fail(Exception):
    """A WASI call fails with ``errno`` (returned to the guest; never seen outside)."""

    def __init__(self, errno: Errno):
        super().__init__(errno.name)
        self.errno = errno


def out_of_bounds() -> Trap:
    """A WASI argument points outside the memory: the call traps (as the witx docs and
    wasmtime say) instead of returning ``EFAULT``."""
    return Trap(TrapCode.MEMORY_OUT_OF_BOUNDS, "out of bounds memory access (WASI argument)")


def invalid_argument(message: str) -> Trap:
    """An argument that is not a value of its witx type (an enum out of range, an
    undefined flag bit): the call traps, as in wasmtime. The trap code is UNREACHABLE
    for want of one for host errors; the message says what happened."""
    return Trap(TrapCode.UNREACHABLE, f"invalid WASI argument: {message}")


def misaligned(address: int, align: int) -> Trap:
    return Trap(TrapCode.HEAP_MISALIGNED,
                f"misaligned pointer {address:#x} passed to WASI (needs {align}-byte alignment)")


#: Host errno (the ``errno`` module's numbers) -> WASI errno, by name.
_FROM_HOST: dict[int, Errno] = {}
for _e in Errno:
    _name = "E2BIG" if _e is Errno.TOOBIG else "E" + _e.name
    _code = getattr(_host, _name, None)
    if _code is not None:
        _FROM_HOST.setdefault(_code, _e)
for _alias, _e in (("EWOULDBLOCK", Errno.AGAIN), ("EOPNOTSUPP", Errno.NOTSUP)):
    if hasattr(_host, _alias):
        _FROM_HOST.setdefault(getattr(_host, _alias), _e)


def errno_of(e: OSError) -> Errno:
    """The WASI errno for a host ``OSError`` (``EIO`` for one WASI has no name for)."""
    return _FROM_HOST.get(e.errno or 0, Errno.IO)
