"""The guest's file descriptors: standard streams, open files and directories.

Descriptor numbers are handed out as wasmtime does: 0, 1, 2 for the standard streams,
then the preopened directories in the order they were given, then the highest number
freed by ``fd_close`` (or one past the highest in use).

Rights: ``fd_fdstat_get`` reports the rights wasmtime reports (a fixed set for preopens;
for files and directories everything except what their open mode excludes), so that
wasi-libc computes the same rights for what it opens. Reading and writing are enforced by
the open mode (``EBADF``, as POSIX and wasmtime do); rights a program gives up with
``fd_fdstat_set_rights`` are enforced on every later use (``ENOTCAPABLE``) and are never
inherited by what it opens through that directory.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

from .errors import Fail
from .types import ALL_RIGHTS, Errno, Filetype, Rights

#: wasmtime's fixed rights of a preopened directory, and the rights it lets open files have.
PREOPEN_BASE = (
    Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE
    | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN | Rights.FD_READDIR | Rights.PATH_READLINK
    | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET | Rights.PATH_SYMLINK
    | Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE | Rights.PATH_FILESTAT_GET
    | Rights.PATH_FILESTAT_SET_TIMES | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES
)
PREOPEN_INHERITING = PREOPEN_BASE | (
    Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS
    | Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE
    | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES
    | Rights.POLL_FD_READWRITE
)
_NOT_FOR_DIRS = Rights.FD_SEEK | Rights.FD_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_SIZE


# -- standard streams -------------------------------------------------------------------------
class InputStream:
    """Where ``fd_read`` on stdin reads from."""

    isatty = False

    def read(self, n: int) -> bytes:
        return b""

    def close(self) -> None:
        pass


class BytesInput(InputStream):
    def __init__(self, data: bytes):
        self._data = bytes(data)
        self._pos = 0

    def read(self, n: int) -> bytes:
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return chunk


class StreamInput(InputStream):
    """A binary file object (``read(n)``); ``owned`` ones are closed with the context."""

    def __init__(self, stream: BinaryIO, owned: bool = False):
        self._stream = stream
        self._owned = owned

    def read(self, n: int) -> bytes:
        read1 = getattr(self._stream, "read1", None)
        return bytes((read1 or self._stream.read)(n) or b"")

    def close(self) -> None:
        if self._owned:
            self._stream.close()


class InheritedInput(InputStream):
    """The process's own stdin, looked up at each read (so pytest's capture works)."""

    def __init__(self):
        self.isatty = _isatty(sys.stdin)

    def read(self, n: int) -> bytes:
        if sys.stdin is None:
            return b""
        try:  # unbuffered, so that poll_oneoff's select() sees what is left
            return os.read(sys.stdin.fileno(), n)
        except (AttributeError, ValueError, OSError):  # a replaced stdin (pytest, IDLE)
            pass
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            return sys.stdin.read(n).encode()
        read1 = getattr(stream, "read1", stream.read)
        return read1(n) or b""


class OutputStream:
    """Where ``fd_write`` on stdout or stderr goes (the default discards)."""

    isatty = False

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


class StreamOutput(OutputStream):
    """A binary file object (``write(bytes)``); ``owned`` ones are closed with the context."""

    def __init__(self, stream: BinaryIO, owned: bool = False):
        self._stream = stream
        self._owned = owned

    def write(self, data: bytes) -> None:
        self._stream.write(data)

    def close(self) -> None:
        if self._owned:
            self._stream.close()


class CallbackOutput(OutputStream):
    """wasmtime-py's ``stdout_custom``: ``callback(bytes)`` for every write."""

    def __init__(self, callback):
        self._callback = callback

    def write(self, data: bytes) -> None:
        self._callback(bytes(data))


class InheritedOutput(OutputStream):
    """The process's own stdout or stderr, looked up at each write and flushed."""

    def __init__(self, name: str):
        self._name = name
        self.isatty = _isatty(getattr(sys, name))

    def write(self, data: bytes) -> None:
        stream = getattr(sys, self._name)
        binary = getattr(stream, "buffer", None)
        if binary is None:
            stream.write(data.decode("utf-8", "replace"))
        else:
            stream.flush()  # keep the order of anything Python wrote before
            binary.write(data)
            binary.flush()


def _isatty(stream) -> bool:
    try:
        return bool(stream) and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


# -- descriptors -----------------------------------------------------------------------------
class Descriptor:
    """An open descriptor: its reported rights and the rights given up (``dropped``)."""

    __slots__ = ("rights_base", "rights_inheriting", "dropped_base", "dropped_inheriting")

    def __init__(self, base: int, inheriting: int, dropped_base: int = 0,
                 dropped_inheriting: int = 0):
        self.rights_base = base & ~dropped_base
        self.rights_inheriting = inheriting & ~dropped_inheriting
        self.dropped_base = dropped_base
        self.dropped_inheriting = dropped_inheriting

    def need(self, right: int) -> None:
        """``ENOTCAPABLE`` if the program gave up ``right`` on this descriptor."""
        if self.dropped_base & right:
            raise Fail(Errno.NOTCAPABLE)

    def close(self) -> None:
        pass


class Stdio(Descriptor):
    __slots__ = ("stream", "readable")

    def __init__(self, stream, readable: bool):
        right = Rights.FD_READ if readable else Rights.FD_WRITE
        super().__init__(right, right)
        self.stream = stream
        self.readable = readable

    @property
    def filetype(self) -> Filetype:
        return Filetype.CHARACTER_DEVICE if self.stream.isatty else Filetype.UNKNOWN

    def close(self) -> None:
        self.stream.close()  # closes only files the context opened itself


class HostFd(Descriptor):
    """A file or directory open on the host (``host_fd``), reached through a preopen;
    ``mutable`` is false under a read-only preopen."""

    __slots__ = ("host_fd", "mutable")

    def __init__(self, host_fd: int, mutable: bool, base: int, inheriting: int,
                 dropped_base: int = 0, dropped_inheriting: int = 0):
        super().__init__(base, inheriting, dropped_base, dropped_inheriting)
        self.host_fd = host_fd
        self.mutable = mutable

    def close(self) -> None:
        if self.host_fd >= 0:
            fd, self.host_fd = self.host_fd, -1
            try:
                os.close(fd)
            except OSError:
                pass


class File(HostFd):
    __slots__ = ("readable", "writable", "position", "append", "nonblock")

    def __init__(self, host_fd: int, mutable: bool, readable: bool, writable: bool,
                 append: bool, nonblock: bool, dropped: int = 0):
        rights = ALL_RIGHTS
        if not readable:
            rights &= ~(Rights.FD_READ | Rights.FD_READDIR)
        if not writable:
            rights &= ~Rights.FD_WRITE
        super().__init__(host_fd, mutable, rights, rights, dropped, dropped)
        self.readable = readable
        self.writable = writable
        self.position = 0
        self.append = append
        self.nonblock = nonblock


class Dir(HostFd):
    """A directory; ``preopen`` is its guest path when it was preopened."""

    __slots__ = ("preopen",)

    def __init__(self, host_fd: int, mutable: bool, preopen: str | None = None,
                 readable: bool = True, writable: bool = False, dropped: int = 0):
        if preopen is not None:
            base, inheriting = PREOPEN_BASE, PREOPEN_INHERITING
        else:
            base = ALL_RIGHTS & ~_NOT_FOR_DIRS
            if not readable:
                base &= ~(Rights.FD_READ | Rights.FD_READDIR)
            if not writable:
                base &= ~Rights.FD_WRITE
            inheriting = base
        super().__init__(host_fd, mutable, base, inheriting, dropped, dropped)
        self.preopen = preopen


# -- the table -------------------------------------------------------------------------------
class FdTable:
    """Descriptor numbers -> descriptors."""

    def __init__(self):
        self.used: dict[int, Descriptor] = {}
        self.free: set[int] = set()

    def push(self, desc: Descriptor) -> int:
        if self.free:
            fd = max(self.free)
            self.free.remove(fd)
        else:
            fd = max(self.used) + 1 if self.used else 0
            if fd > 0xFFFFFFFF:
                raise Fail(Errno.MFILE)
        self.used[fd] = desc
        return fd

    def get(self, fd: int) -> Descriptor:
        desc = self.used.get(fd)
        if desc is None:
            raise Fail(Errno.BADF)
        return desc

    def file(self, fd: int) -> File:
        desc = self.used.get(fd)
        if not isinstance(desc, File):
            raise Fail(Errno.BADF)
        return desc

    def dir(self, fd: int) -> Dir:
        desc = self.used.get(fd)
        if not isinstance(desc, Dir):
            raise Fail(Errno.BADF)
        return desc

    def host(self, fd: int) -> HostFd:
        desc = self.used.get(fd)
        if not isinstance(desc, HostFd):
            raise Fail(Errno.BADF)
        return desc

    def seekable(self, fd: int) -> File:
        """A file, for fd_seek and fd_tell: ``ESPIPE`` for a stream, ``EBADF`` otherwise."""
        desc = self.get(fd)
        if isinstance(desc, Stdio):
            raise Fail(Errno.SPIPE)
        if not isinstance(desc, File):
            raise Fail(Errno.BADF)
        return desc

    def remove(self, fd: int) -> Descriptor:
        desc = self.get(fd)
        del self.used[fd]
        self.free.add(fd)
        return desc

    def renumber(self, fd: int, to: int) -> None:
        if to not in self.used or fd not in self.used:
            raise Fail(Errno.BADF)
        if fd != to:
            old = self.used[to]
            self.used[to] = self.used.pop(fd)
            self.free.add(fd)
            old.close()

    def close_all(self) -> None:
        for desc in self.used.values():
            desc.close()
        self.used.clear()
        self.free.clear()
