"""The rest of WASI preview1: arguments, environment, clocks, randomness, ``poll_oneoff``,
``proc_exit``, ``sched_yield``, and the socket calls (which, as in wasmtime, only say
that no descriptor is a socket)."""

from __future__ import annotations

import os
import select
import sys
import time

from .errors import ExitTrap, Fail, invalid_argument
from .fdtable import FdTable, File, InheritedInput, Stdio
from .memory import GuestMemory
from .types import (
    EVENT,
    FD_READWRITE_HANGUP,
    SUBSCRIPTION,
    SUBSCRIPTION_CLOCK,
    SUBSCRIPTION_CLOCK_ABSTIME,
    Clockid,
    Errno,
    Eventtype,
    Rights,
)


def _strings(mem: GuestMemory, ptrs: int, buf: int, items: list[bytes]) -> None:
    """``argv``-style: a pointer per item at ``ptrs``, the NUL-terminated items at ``buf``."""
    for i, item in enumerate(items):
        mem.set_u32(ptrs + 4 * i, buf)
        mem.write(buf, item + b"\0")
        buf += len(item) + 1


def _sizes(mem: GuestMemory, count_ptr: int, size_ptr: int, items: list[bytes]) -> None:
    mem.set_u32(count_ptr, len(items))
    mem.set_u32(size_ptr, sum(len(x) + 1 for x in items))


def now(clock: int) -> int:
    """The time in ns of a clock WASI programs may read (``EBADF`` for the CPU-time clocks,
    which wasmtime does not offer either; ``EINVAL`` for an unknown clock)."""
    if clock == Clockid.REALTIME:
        return time.time_ns()
    if clock == Clockid.MONOTONIC:
        return time.monotonic_ns()
    if clock in (Clockid.PROCESS_CPUTIME_ID, Clockid.THREAD_CPUTIME_ID):
        raise Fail(Errno.BADF)
    raise Fail(Errno.INVAL)


class MiscCalls:
    fds: FdTable
    args: list[bytes]
    environ: list[bytes]

    # -- arguments and environment ----------------------------------------------------------
    def args_sizes_get(self, mem: GuestMemory, count_ptr, size_ptr):
        _sizes(mem, count_ptr, size_ptr, self.args)

    def args_get(self, mem: GuestMemory, argv, argv_buf):
        _strings(mem, argv, argv_buf, self.args)

    def environ_sizes_get(self, mem: GuestMemory, count_ptr, size_ptr):
        _sizes(mem, count_ptr, size_ptr, self.environ)

    def environ_get(self, mem: GuestMemory, environ, environ_buf):
        _strings(mem, environ, environ_buf, self.environ)

    # -- clocks and randomness --------------------------------------------------------------
    def clock_res_get(self, mem: GuestMemory, clock, res_ptr):
        now(clock)
        mem.set_u64(res_ptr, 1)

    def clock_time_get(self, mem: GuestMemory, clock, precision, time_ptr):
        mem.set_u64(time_ptr, now(clock))

    def random_get(self, mem: GuestMemory, buf, buf_len):
        mem.check(buf, buf_len)  # before asking the host for that many bytes
        mem.write(buf, os.urandom(buf_len))

    def sched_yield(self, mem: GuestMemory):
        time.sleep(0)

    # -- poll_oneoff ------------------------------------------------------------------------
    def poll_oneoff(self, mem: GuestMemory, in_ptr, out_ptr, nsubscriptions, nevents_ptr):
        """Wait until a subscription is ready: a clock has expired, or a descriptor can be
        read or written without blocking (files always can; so can stdin unless it is the
        process's own stdin with nothing to read yet). Report the ready ones in order."""
        if nsubscriptions == 0:
            raise Fail(Errno.INVAL)  # waiting forever is not supported (as wasmtime)
        mem.check(in_ptr, SUBSCRIPTION.size * nsubscriptions, 8)
        mem.check(out_ptr, EVENT.size, 8)
        subs = [mem.unpack(SUBSCRIPTION, in_ptr + 48 * i, 8) for i in range(nsubscriptions)]
        start = time.monotonic_ns()
        deadlines: dict[int, int] = {}
        fd_ready: dict[int, tuple[int, int]] = {}  # index -> (nbytes, flags)
        waiting_on_stdin = []
        for i, (_, tag, body) in enumerate(subs):
            if tag == Eventtype.CLOCK:
                deadlines[i] = self._deadline(body, start)
            elif tag in (Eventtype.FD_READ, Eventtype.FD_WRITE):
                fd = int.from_bytes(body[:4], "little")
                ready, fileno = self._fd_readiness(fd, tag)
                if ready is None:
                    waiting_on_stdin.append((i, fileno))
                else:
                    fd_ready[i] = ready
            else:
                raise Fail(Errno.INVAL)
        if not fd_ready:
            self._wait(deadlines, waiting_on_stdin, fd_ready)
        now_ns = time.monotonic_ns()
        events = []
        for i, (userdata, tag, _) in enumerate(subs):
            if i in fd_ready:
                nbytes, flags = fd_ready[i]
                events.append((userdata, Errno.SUCCESS, tag, nbytes, flags))
            elif i in deadlines and deadlines[i] <= now_ns:
                events.append((userdata, Errno.SUCCESS, tag, 0, 0))
        for k, event in enumerate(events):
            mem.pack(EVENT, out_ptr + 32 * k, 8, *event)
        mem.set_u32(nevents_ptr, len(events))

    @staticmethod
    def _deadline(body: bytes, start: int) -> int:
        clock, timeout, _precision, flags = SUBSCRIPTION_CLOCK.unpack(body)
        if flags & ~SUBSCRIPTION_CLOCK_ABSTIME:
            raise Fail(Errno.INVAL)
        if clock == Clockid.MONOTONIC:
            if flags & SUBSCRIPTION_CLOCK_ABSTIME:
                return timeout
            return start + timeout
        if clock == Clockid.REALTIME:
            if flags & SUBSCRIPTION_CLOCK_ABSTIME:
                return start + max(0, timeout - time.time_ns())
            return start + timeout
        raise Fail(Errno.INVAL)

    def _fd_readiness(self, fd: int, tag: int) -> tuple[tuple[int, int] | None, int | None]:
        """``((nbytes, flags), None)`` for a ready descriptor; ``(None, fileno)`` for the
        process's own stdin, to wait on with select()."""
        desc = self.fds.get(fd)
        if isinstance(desc, Stdio):
            if desc.readable != (tag == Eventtype.FD_READ):
                raise Fail(Errno.BADF)
            fileno = _selectable(desc.stream) if desc.readable else None
            return (None, fileno) if fileno is not None else ((1, 0), None)
        if not isinstance(desc, File):
            raise Fail(Errno.BADF)
        desc.need(Rights.POLL_FD_READWRITE)
        if tag == Eventtype.FD_READ:
            left = max(0, os.fstat(desc.host_fd).st_size - desc.position)
            return (1, 0 if left else FD_READWRITE_HANGUP), None
        return (1, 0), None

    @staticmethod
    def _wait(deadlines: dict[int, int], waiting: list[tuple[int, int]], ready: dict) -> None:
        """Sleep until the earliest deadline, or until stdin has input."""
        first = min(deadlines.values(), default=None)
        if not waiting:
            if first is not None:
                _sleep_until(first)
            return
        timeout = None if first is None else max(0, first - time.monotonic_ns()) / 1e9
        readable, _, _ = select.select(sorted({f for _, f in waiting}), [], [], timeout)
        for i, fileno in waiting:
            if fileno in readable:
                ready[i] = (1, 0)

    # -- the process ------------------------------------------------------------------------
    def proc_exit(self, mem: GuestMemory, code):
        if code >= 126:  # wasmtime refuses these rather than pass them to the host
            raise invalid_argument(f"proc_exit({code}): exit status outside of [0..126)")
        raise ExitTrap(code)

    def proc_raise(self, mem: GuestMemory, sig):
        raise Fail(Errno.NOTSUP)

    # -- sockets: no descriptor is one -----------------------------------------------------
    def sock_accept(self, mem: GuestMemory, fd, flags, fd_ptr):
        self.fds.get(fd)
        raise Fail(Errno.NOTSOCK)

    def sock_recv(self, mem: GuestMemory, fd, ri_data, ri_data_len, ri_flags, size_ptr, flags_ptr):
        self.fds.get(fd)
        raise Fail(Errno.NOTSOCK)

    def sock_send(self, mem: GuestMemory, fd, si_data, si_data_len, si_flags, size_ptr):
        self.fds.get(fd)
        raise Fail(Errno.NOTSOCK)

    def sock_shutdown(self, mem: GuestMemory, fd, how):
        self.fds.get(fd)
        raise Fail(Errno.NOTSOCK)


def _selectable(stream) -> int | None:
    """The host descriptor of an inherited stdin that is a terminal or pipe, else None."""
    if not isinstance(stream, InheritedInput) or os.name == "nt":
        return None
    try:
        return sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):
        return None


def _sleep_until(deadline_ns: int) -> None:
    while True:
        left = deadline_ns - time.monotonic_ns()
        if left <= 0:
            return
        time.sleep(left / 1e9)
