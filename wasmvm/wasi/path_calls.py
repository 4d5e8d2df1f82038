"""The ``path_*`` functions of WASI preview1: every path goes through ``sandbox.resolve``.

Under a read-only preopen (``fs_mutable=False``) anything that would change the file
system fails with ``EPERM`` before the path is looked at, as in wasmtime.
"""

from __future__ import annotations

import os
import stat

from .errors import Fail
from .fd_calls import check_fstflags, new_times, write_filestat
from .fdtable import Dir, FdTable, File, HostFd
from .memory import GuestMemory
from .sandbox import resolve
from .types import Errno, Fdflags, Lookupflags, Oflags, Rights

_SYNC_FLAGS = Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC


def _mutable(desc: HostFd) -> None:
    if not desc.mutable:
        raise Fail(Errno.PERM)


class PathCalls:
    fds: FdTable

    def _dir(self, fd: int, right: int) -> Dir:
        desc = self.fds.dir(fd)
        desc.need(right)
        return desc

    # -- opening ----------------------------------------------------------------------------
    def path_open(self, mem: GuestMemory, fd, dirflags, path, path_len, oflags, base,
                  inheriting, fdflags, opened_ptr):
        name = mem.string(path, path_len)
        desc = self.fds.get(fd)
        if isinstance(desc, File):
            raise Fail(Errno.NOTDIR)
        if not isinstance(desc, Dir):
            raise Fail(Errno.BADF)
        desc.need(Rights.PATH_OPEN | (Rights.PATH_CREATE_FILE if oflags & Oflags.CREAT else 0))
        read = bool(base & Rights.FD_READ)
        write = bool(base & Rights.FD_WRITE)
        if (read and desc.dropped_inheriting & Rights.FD_READ) or (
                write and desc.dropped_inheriting & Rights.FD_WRITE):
            raise Fail(Errno.NOTCAPABLE)
        if not desc.mutable and (oflags & (Oflags.CREAT | Oflags.TRUNC) or write):
            raise Fail(Errno.PERM)
        if fdflags & _SYNC_FLAGS:
            raise Fail(Errno.NOTSUP)  # as wasmtime: cap-std has no O_SYNC
        if oflags & Oflags.DIRECTORY and oflags & (Oflags.CREAT | Oflags.EXCL | Oflags.TRUNC):
            raise Fail(Errno.INVAL)
        follow = bool(dirflags & Lookupflags.SYMLINK_FOLLOW)
        with resolve(desc.host_fd, name, follow) as target:
            if oflags & Oflags.CREAT and target.must_be_dir:
                raise Fail(Errno.ISDIR)  # "name/" is never created as a file (open(2), wasmtime)
            # The host descriptor may write when creating or truncating (as wasmtime's
            # does); the guest may write only with FD_WRITE.
            host_write = write or oflags & (Oflags.CREAT | Oflags.TRUNC)
            flags = os.O_NOFOLLOW  # (close-on-exec: Python's default, PEP 446)
            flags |= (os.O_RDWR if read else os.O_WRONLY) if host_write else os.O_RDONLY
            if oflags & Oflags.CREAT:
                flags |= os.O_CREAT | (os.O_EXCL if oflags & Oflags.EXCL else 0)
            if oflags & Oflags.TRUNC:
                flags |= os.O_TRUNC
            if oflags & Oflags.DIRECTORY or target.must_be_dir:
                flags |= os.O_DIRECTORY
            host_fd = os.open(target.name, flags, 0o666, dir_fd=target.dir_fd)
        try:
            if stat.S_ISDIR(os.fstat(host_fd).st_mode):
                new = Dir(host_fd, desc.mutable, readable=read, writable=write,
                          dropped=desc.dropped_inheriting)
            else:
                new = File(host_fd, desc.mutable, read, write, bool(fdflags & Fdflags.APPEND),
                           bool(fdflags & Fdflags.NONBLOCK), dropped=desc.dropped_inheriting)
        except BaseException:
            os.close(host_fd)
            raise
        opened = self.fds.push(new)
        try:
            mem.set_u32(opened_ptr, opened)
        except BaseException:  # a bad result pointer traps: the guest never saw this fd
            self.fds.remove(opened).close()
            raise

    # -- metadata ---------------------------------------------------------------------------
    def path_filestat_get(self, mem: GuestMemory, fd, flags, path, path_len, ptr):
        desc = self._dir(fd, Rights.PATH_FILESTAT_GET)
        name = mem.string(path, path_len)
        with resolve(desc.host_fd, name, bool(flags & Lookupflags.SYMLINK_FOLLOW)) as target:
            st = os.stat(target.name, dir_fd=target.dir_fd, follow_symlinks=False)
        write_filestat(mem, ptr, st)

    def path_filestat_set_times(self, mem: GuestMemory, fd, flags, path, path_len, atim, mtim,
                                fst_flags):
        check_fstflags(fst_flags)
        desc = self._dir(fd, Rights.PATH_FILESTAT_SET_TIMES)
        name = mem.string(path, path_len)
        _mutable(desc)
        with resolve(desc.host_fd, name, bool(flags & Lookupflags.SYMLINK_FOLLOW)) as target:
            st = os.stat(target.name, dir_fd=target.dir_fd, follow_symlinks=False)
            times = new_times((st.st_atime_ns, st.st_mtime_ns), atim, mtim, fst_flags)
            os.utime(target.name, ns=times, dir_fd=target.dir_fd, follow_symlinks=False)

    # -- directories ------------------------------------------------------------------------
    def path_create_directory(self, mem: GuestMemory, fd, path, path_len):
        desc = self._dir(fd, Rights.PATH_CREATE_DIRECTORY)
        name = mem.string(path, path_len)
        _mutable(desc)
        with resolve(desc.host_fd, name, False) as target:
            os.mkdir(target.name, 0o777, dir_fd=target.dir_fd)

    def path_remove_directory(self, mem: GuestMemory, fd, path, path_len):
        desc = self._dir(fd, Rights.PATH_REMOVE_DIRECTORY)
        name = mem.string(path, path_len)
        _mutable(desc)
        # As rmdir(2) and wasmtime (since 51): trailing slashes are dropped ("d/" removes
        # d; "lnk/" is the link, not a directory: ENOTDIR). A path whose last component
        # is "." or ".." ("d/.", "d/..", ".") is resolved, so a missing or non-directory
        # parent is reported first, and then refused with EINVAL.
        stripped = name.rstrip("/") or name
        if stripped.rpartition("/")[2] in (".", ".."):
            with resolve(desc.host_fd, stripped, True) as target:
                if target.lstat() is None:
                    raise Fail(Errno.NOENT)
                raise Fail(Errno.INVAL)
        with resolve(desc.host_fd, stripped, False) as target:
            os.rmdir(target.name, dir_fd=target.dir_fd)

    def path_unlink_file(self, mem: GuestMemory, fd, path, path_len):
        desc = self._dir(fd, Rights.PATH_UNLINK_FILE)
        name = mem.string(path, path_len)
        _mutable(desc)
        with resolve(desc.host_fd, name, False) as target:
            if target.must_be_dir:  # "file/" is not a directory; "dir/" is one
                raise Fail(Errno.ISDIR if target.lstat() is not None else Errno.NOENT)
            os.unlink(target.name, dir_fd=target.dir_fd)

    def path_rename(self, mem: GuestMemory, fd, old_path, old_len, new_fd, new_path, new_len):
        old_dir = self._dir(fd, Rights.PATH_RENAME_SOURCE)
        new_dir = self._dir(new_fd, Rights.PATH_RENAME_TARGET)
        old_name = mem.string(old_path, old_len)
        new_name = mem.string(new_path, new_len)
        _mutable(old_dir)
        _mutable(new_dir)
        with resolve(old_dir.host_fd, old_name, False) as src, \
                resolve(new_dir.host_fd, new_name, False) as dst:
            if src.must_be_dir or dst.must_be_dir:
                st = src.lstat()
                if st is None:
                    raise Fail(Errno.NOENT)
                if not stat.S_ISDIR(st.st_mode):
                    raise Fail(Errno.NOTDIR)
            os.rename(src.name, dst.name, src_dir_fd=src.dir_fd, dst_dir_fd=dst.dir_fd)

    # -- links ------------------------------------------------------------------------------
    def path_link(self, mem: GuestMemory, old_fd, old_flags, old_path, old_len, new_fd,
                  new_path, new_len):
        old_dir = self._dir(old_fd, Rights.PATH_LINK_SOURCE)
        new_dir = self._dir(new_fd, Rights.PATH_LINK_TARGET)
        old_name = mem.string(old_path, old_len)
        new_name = mem.string(new_path, new_len)
        if old_flags & Lookupflags.SYMLINK_FOLLOW:
            raise Fail(Errno.INVAL)  # as wasmtime: links are made to the name itself
        _mutable(old_dir)
        _mutable(new_dir)
        with resolve(old_dir.host_fd, old_name, False) as src, \
                resolve(new_dir.host_fd, new_name, False) as dst:
            if dst.must_be_dir:  # a new name "l/" asks for a directory: links are not
                raise Fail(Errno.NOENT if dst.lstat() is None else Errno.EXIST)
            os.link(src.name, dst.name, src_dir_fd=src.dir_fd, dst_dir_fd=dst.dir_fd,
                    follow_symlinks=False)

    def path_symlink(self, mem: GuestMemory, old_path, old_len, fd, new_path, new_len):
        desc = self._dir(fd, Rights.PATH_SYMLINK)
        contents = mem.string(old_path, old_len)
        name = mem.string(new_path, new_len)
        _mutable(desc)
        if "\0" in contents:
            raise Fail(Errno.INVAL)
        if contents.startswith("/"):  # as cap-std: a link could only ever lead outside
            raise Fail(Errno.PERM)
        with resolve(desc.host_fd, name, False) as target:
            if target.must_be_dir:
                raise Fail(Errno.NOENT if target.lstat() is None else Errno.EXIST)
            os.symlink(contents, target.name, dir_fd=target.dir_fd)

    def path_readlink(self, mem: GuestMemory, fd, path, path_len, buf, buf_len, bufused_ptr):
        desc = self._dir(fd, Rights.PATH_READLINK)
        name = mem.string(path, path_len)
        with resolve(desc.host_fd, name, False) as target:
            contents = os.fsencode(os.readlink(target.name, dir_fd=target.dir_fd))
        contents = contents[:buf_len]
        mem.write(buf, contents)
        mem.set_u32(bufused_ptr, len(contents))

