"""The ``fd_*`` functions of WASI preview1.

Each method takes the guest memory and the call's arguments (i32 as unsigned, i64 as
unsigned 64-bit), returns ``None`` for success (or an int result written by the caller)
and raises ``Fail(errno)`` otherwise. Which errno each misuse gets follows wasmtime's
preview1 (``crates/wasi/src/p1.rs``), e.g. ``fd_seek`` on a stream is ``ESPIPE``, on a
directory ``EBADF``.
"""

from __future__ import annotations

import os
import stat
import time

from .errors import Fail
from .fdtable import Dir, FdTable, File, HostFd, Stdio
from .memory import GuestMemory
from .types import (
    DIRENT,
    FDSTAT,
    FILESTAT,
    PREOPENTYPE_DIR,
    PRESTAT,
    Errno,
    Fdflags,
    Filetype,
    Fstflags,
    Rights,
    Whence,
)

_SYNC_FLAGS = Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC
_I64_MAX = (1 << 63) - 1


def filetype_of(mode: int) -> Filetype:
    if stat.S_ISREG(mode):
        return Filetype.REGULAR_FILE
    if stat.S_ISDIR(mode):
        return Filetype.DIRECTORY
    if stat.S_ISLNK(mode):
        return Filetype.SYMBOLIC_LINK
    if stat.S_ISCHR(mode):
        return Filetype.CHARACTER_DEVICE
    if stat.S_ISBLK(mode):
        return Filetype.BLOCK_DEVICE
    if stat.S_ISSOCK(mode):
        return Filetype.SOCKET_STREAM
    return Filetype.UNKNOWN


def write_filestat(mem: GuestMemory, ptr: int, st: os.stat_result) -> None:
    mem.pack(FILESTAT, ptr, 8, st.st_dev & 0xFFFFFFFFFFFFFFFF, st.st_ino & 0xFFFFFFFFFFFFFFFF,
             filetype_of(st.st_mode), st.st_nlink, st.st_size, max(st.st_atime_ns, 0),
             max(st.st_mtime_ns, 0), max(st.st_ctime_ns, 0))


def check_fstflags(flags: int) -> None:
    """``EINVAL`` for a time both given and "now"."""
    if flags & Fstflags.ATIM and flags & Fstflags.ATIM_NOW:
        raise Fail(Errno.INVAL)
    if flags & Fstflags.MTIM and flags & Fstflags.MTIM_NOW:
        raise Fail(Errno.INVAL)


def new_times(st_ns: tuple[int, int], atim: int, mtim: int, flags: int) -> tuple[int, int]:
    """The (atime, mtime) in ns that ``*_set_times`` asks for, given the current ones
    (Python's ``os.utime`` has no UTIME_OMIT or UTIME_NOW)."""
    now = time.time_ns()
    a = atim if flags & Fstflags.ATIM else now if flags & Fstflags.ATIM_NOW else st_ns[0]
    m = mtim if flags & Fstflags.MTIM else now if flags & Fstflags.MTIM_NOW else st_ns[1]
    return a, m


class FdCalls:
    fds: FdTable

    # -- reading and writing ----------------------------------------------------------------
    def fd_read(self, mem: GuestMemory, fd, iovs, iovs_len, nread_ptr):
        buf, n = mem.first_buffer(iovs, iovs_len)
        desc = self.fds.get(fd)
        if isinstance(desc, File):
            desc.need(Rights.FD_READ)
            if not desc.readable:
                raise Fail(Errno.BADF)
            if desc.position > _I64_MAX:  # seekable to, not readable at (as pread)
                raise Fail(Errno.INVAL)
            data = os.pread(desc.host_fd, n, desc.position)
            desc.position += len(data)
        elif isinstance(desc, Stdio) and desc.readable:
            data = desc.stream.read(n)[:n]
        else:
            raise Fail(Errno.BADF)
        mem.write(buf, data)
        mem.set_u32(nread_ptr, len(data))

    def fd_pread(self, mem: GuestMemory, fd, iovs, iovs_len, offset, nread_ptr):
        buf, n = mem.first_buffer(iovs, iovs_len)
        desc = self.fds.get(fd)
        if isinstance(desc, Stdio) and desc.readable:
            raise Fail(Errno.SPIPE)
        if not isinstance(desc, File):
            raise Fail(Errno.BADF)
        desc.need(Rights.FD_READ | Rights.FD_SEEK)
        if not desc.readable:
            raise Fail(Errno.BADF)
        if offset > _I64_MAX:
            raise Fail(Errno.INVAL)
        data = os.pread(desc.host_fd, n, offset)
        mem.write(buf, data)
        mem.set_u32(nread_ptr, len(data))

    def fd_write(self, mem: GuestMemory, fd, iovs, iovs_len, nwritten_ptr):
        mem.set_u32(nwritten_ptr, self._write(mem, fd, iovs, iovs_len, None))

    def fd_pwrite(self, mem: GuestMemory, fd, iovs, iovs_len, offset, nwritten_ptr):
        mem.set_u32(nwritten_ptr, self._write(mem, fd, iovs, iovs_len, offset))

    def _write(self, mem: GuestMemory, fd, iovs, iovs_len, offset) -> int:
        buf, n = mem.first_buffer(iovs, iovs_len)
        data = mem.read(buf, n)
        desc = self.fds.get(fd)
        if isinstance(desc, Stdio) and not desc.readable:
            if offset is not None:
                raise Fail(Errno.SPIPE)
            desc.stream.write(data)
            return n
        if not isinstance(desc, File):
            raise Fail(Errno.BADF)
        desc.need(Rights.FD_WRITE if offset is None else Rights.FD_WRITE | Rights.FD_SEEK)
        if not desc.writable:
            raise Fail(Errno.BADF)
        if desc.append:  # Linux pwrite semantics: appending ignores the offset
            os.lseek(desc.host_fd, 0, os.SEEK_END)
            written = os.write(desc.host_fd, data)
            if offset is None:
                desc.position = os.fstat(desc.host_fd).st_size
            return written
        pos = desc.position if offset is None else offset
        if pos > _I64_MAX:
            raise Fail(Errno.INVAL)
        written = os.pwrite(desc.host_fd, data, pos)
        if offset is None:
            desc.position = pos + written
        return written

    def fd_seek(self, mem: GuestMemory, fd, offset, whence, newoffset_ptr):
        desc = self.fds.seekable(fd)
        desc.need(Rights.FD_TELL if offset == 0 and whence == Whence.CUR else Rights.FD_SEEK)
        delta = offset - (1 << 64) if offset >> 63 else offset  # filedelta is signed
        if whence == Whence.SET:
            pos = delta
        elif whence == Whence.CUR:
            pos = desc.position + delta
        elif whence == Whence.END:
            pos = os.fstat(desc.host_fd).st_size + delta
        else:
            raise Fail(Errno.INVAL)
        if not 0 <= pos <= 0xFFFFFFFFFFFFFFFF:
            raise Fail(Errno.INVAL)
        desc.position = pos
        mem.set_u64(newoffset_ptr, pos)

    def fd_tell(self, mem: GuestMemory, fd, offset_ptr):
        desc = self.fds.seekable(fd)
        desc.need(Rights.FD_TELL)
        mem.set_u64(offset_ptr, desc.position)

    # -- the descriptor itself --------------------------------------------------------------
    def fd_close(self, mem: GuestMemory, fd):
        self.fds.remove(fd).close()

    def fd_renumber(self, mem: GuestMemory, fd, to):
        self.fds.renumber(fd, to)

    def fd_fdstat_get(self, mem: GuestMemory, fd, ptr):
        desc = self.fds.get(fd)
        flags = 0
        if isinstance(desc, Stdio):
            filetype = desc.filetype
        elif isinstance(desc, Dir):
            filetype = Filetype.DIRECTORY
        else:
            filetype = filetype_of(os.fstat(desc.host_fd).st_mode)
            flags = (Fdflags.APPEND if desc.append else 0) | (
                Fdflags.NONBLOCK if desc.nonblock else 0)
        mem.pack(FDSTAT, ptr, 8, filetype, flags, desc.rights_base, desc.rights_inheriting)

    def fd_fdstat_set_flags(self, mem: GuestMemory, fd, flags):
        desc = self.fds.file(fd)
        desc.need(Rights.FD_FDSTAT_SET_FLAGS)
        if flags & _SYNC_FLAGS:
            raise Fail(Errno.INVAL)
        desc.append = bool(flags & Fdflags.APPEND)
        desc.nonblock = bool(flags & Fdflags.NONBLOCK)

    def fd_fdstat_set_rights(self, mem: GuestMemory, fd, base, inheriting):
        """Give up rights (never gain them). wasmtime answers ``ENOTSUP`` here; wasmvm
        does what the spec says, and enforces what was given up. The standard streams
        have no rights to give up (``EBADF``, as in wasmtime)."""
        desc = self.fds.host(fd)
        if base & ~desc.rights_base or inheriting & ~desc.rights_inheriting:
            raise Fail(Errno.NOTCAPABLE)
        desc.dropped_base |= desc.rights_base & ~base
        desc.dropped_inheriting |= desc.rights_inheriting & ~inheriting
        desc.rights_base = base
        desc.rights_inheriting = inheriting

    def fd_prestat_get(self, mem: GuestMemory, fd, ptr):
        desc = self.fds.get(fd)
        if not isinstance(desc, Dir) or desc.preopen is None:
            raise Fail(Errno.BADF)
        mem.pack(PRESTAT, ptr, 4, PREOPENTYPE_DIR, len(desc.preopen.encode()))

    def fd_prestat_dir_name(self, mem: GuestMemory, fd, path, path_len):
        desc = self.fds.get(fd)
        if not isinstance(desc, Dir) or desc.preopen is None:
            raise Fail(Errno.NOTDIR)
        name = desc.preopen.encode()
        if len(name) > path_len:
            raise Fail(Errno.NAMETOOLONG)
        mem.write(path, name)

    # -- file data and metadata -------------------------------------------------------------
    def fd_sync(self, mem: GuestMemory, fd):
        desc = self.fds.file(fd)
        desc.need(Rights.FD_SYNC)
        os.fsync(desc.host_fd)

    def fd_datasync(self, mem: GuestMemory, fd):
        desc = self.fds.file(fd)
        desc.need(Rights.FD_DATASYNC)
        getattr(os, "fdatasync", os.fsync)(desc.host_fd)

    def fd_advise(self, mem: GuestMemory, fd, offset, length, advice):
        desc = self.fds.file(fd)
        desc.need(Rights.FD_ADVISE)
        # Advice only; the argument's validity was checked with the call's types.

    def fd_allocate(self, mem: GuestMemory, fd, offset, length):
        self.fds.file(fd).need(Rights.FD_ALLOCATE)
        raise Fail(Errno.NOTSUP)  # as wasmtime: preview2 has no fallocate

    def fd_filestat_get(self, mem: GuestMemory, fd, ptr):
        desc = self.fds.get(fd)
        if isinstance(desc, Stdio):
            mem.pack(FILESTAT, ptr, 8, 0, 0, desc.filetype, 0, 0, 0, 0, 0)
            return
        desc.need(Rights.FD_FILESTAT_GET)
        write_filestat(mem, ptr, os.fstat(desc.host_fd))

    def fd_filestat_set_size(self, mem: GuestMemory, fd, size):
        desc = self.fds.file(fd)
        desc.need(Rights.FD_FILESTAT_SET_SIZE)
        if not desc.mutable:
            raise Fail(Errno.PERM)
        if size > _I64_MAX:
            raise Fail(Errno.INVAL)
        os.ftruncate(desc.host_fd, size)

    def fd_filestat_set_times(self, mem: GuestMemory, fd, atim, mtim, flags):
        check_fstflags(flags)
        desc = self.fds.host(fd)
        desc.need(Rights.FD_FILESTAT_SET_TIMES)
        if not desc.mutable:
            raise Fail(Errno.PERM)
        st = os.fstat(desc.host_fd)
        os.utime(desc.host_fd, ns=new_times((st.st_atime_ns, st.st_mtime_ns), atim, mtim, flags))

    # -- directories ------------------------------------------------------------------------
    def fd_readdir(self, mem: GuestMemory, fd, buf, buf_len, cookie, bufused_ptr):
        desc = self.fds.dir(fd)
        desc.need(Rights.FD_READDIR)
        entries = self._dir_entries(desc)
        out = bytearray()
        for i in range(min(cookie, len(entries)), len(entries)):
            next_cookie, ino, filetype, name = entries[i]
            out += DIRENT.pack(next_cookie, ino, len(name), filetype)
            out += name
            if len(out) >= buf_len:
                break
        out = out[:buf_len]
        mem.write(buf, bytes(out))
        mem.set_u32(bufused_ptr, len(out))

    @staticmethod
    def _dir_entries(desc: HostFd) -> list[tuple[int, int, int, bytes]]:
        """``.``, ``..`` and the directory's entries in the host's order, as wasmtime lists
        them: (d_next, d_ino, d_type, name)."""
        ino = os.fstat(desc.host_fd).st_ino
        out = [(1, ino, Filetype.DIRECTORY, b"."), (2, ino, Filetype.DIRECTORY, b"..")]
        os.lseek(desc.host_fd, 0, os.SEEK_SET)
        with os.scandir(desc.host_fd) as it:
            for i, entry in enumerate(it, start=3):
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:
                    mode = 0
                out.append((i, entry.inode(), filetype_of(mode), os.fsencode(entry.name)))
        os.lseek(desc.host_fd, 0, os.SEEK_SET)
        return out
