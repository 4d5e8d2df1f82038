"""The capability sandbox: resolving a guest path under a directory descriptor without
ever leaving it.

The host's own path resolution is never trusted with a guest path. ``resolve`` walks the
path one component at a time from the directory's open host descriptor, opening each
intermediate directory with ``O_NOFOLLOW | O_DIRECTORY`` relative to the previous one
(``openat``) and expanding symbolic links itself, then hands the operation one final
name (no slash) and the open directory it is in; the operation uses ``dir_fd`` and never
follows a symbolic link at that name (``O_NOFOLLOW``, ``follow_symlinks=False``). So:

- an absolute path, or a symbolic link to one, is refused;
- ``..`` that would climb above the starting directory is refused, even transiently
  (``sub/../..``, a link to ``..``), as cap-std (wasmtime's sandbox) refuses it;
- a link swapped in after the walk looked is not followed: ``O_NOFOLLOW`` fails.

This needs a POSIX host (``sandbox.supported()``); elsewhere a config with preopened
directories is refused rather than run unconfined.

Refusals are ``EPERM``, the errno wasmtime gives for a path that leads outside. A path
with a NUL byte is ``EINVAL``; an empty one ``ENOENT``; more than 40 link expansions
``ELOOP``.
"""

from __future__ import annotations

import os
import stat

from .errors import Fail
from .types import Errno

MAX_SYMLINK_EXPANSIONS = 40


def supported() -> bool:
    """Whether this host can confine paths: POSIX ``openat`` and friends (``dir_fd``) and
    ``O_NOFOLLOW``. Without them (Windows) WASI runs without preopened directories."""
    needed = (os.open, os.stat, os.mkdir, os.rmdir, os.unlink, os.rename, os.readlink,
              os.symlink, os.link, os.utime)
    return (hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
            and all(f in os.supports_dir_fd for f in needed))


class Resolved:
    """Where a path leads: the final ``name`` inside the open directory ``dir_fd``.

    ``name`` is ``"."`` when the path names the directory itself (``sub/..``); ``must_be_dir``
    is set when the path ended in ``/`` or ``/.``. Use as a context manager: the
    intermediate directories it opened are closed on exit."""

    __slots__ = ("dir_fd", "name", "must_be_dir", "_owned")

    def __init__(self, dir_fd: int, name: str, must_be_dir: bool, owned: list[int]):
        self.dir_fd = dir_fd
        self.name = name
        self.must_be_dir = must_be_dir
        self._owned = owned

    def __enter__(self) -> Resolved:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        owned, self._owned = self._owned, []
        for fd in owned:
            try:
                os.close(fd)
            except OSError:
                pass

    def lstat(self) -> os.stat_result | None:
        """The final component's status without following a link, or None if absent."""
        try:
            return os.stat(self.name, dir_fd=self.dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            return None


def resolve(base_fd: int, path: str, follow: bool) -> Resolved:
    """Walk ``path`` from the directory ``base_fd`` (see the module docstring); ``follow``
    says whether a symbolic link as the last component is followed."""
    if not path:
        raise Fail(Errno.NOENT)
    if "\0" in path:
        raise Fail(Errno.INVAL)
    if path.startswith("/"):
        raise Fail(Errno.PERM)
    todo = path.split("/")[::-1]  # pop() gives the next component
    dirs = [base_fd]
    expansions = 0
    try:
        while todo:
            c = todo.pop()
            if c in ("", "."):
                continue
            if c == "..":
                if len(dirs) == 1:
                    raise Fail(Errno.PERM)
                os.close(dirs.pop())
                continue
            last = all(x in ("", ".") for x in todo)
            must_be_dir = bool(todo)  # (read when last: the path ends in "/" or "/.")
            d = dirs[-1]
            if last and not follow and not must_be_dir:
                return Resolved(d, c, False, dirs[1:])
            try:
                st = os.stat(c, dir_fd=d, follow_symlinks=False)
            except FileNotFoundError:
                if last:
                    return Resolved(d, c, must_be_dir, dirs[1:])
                raise Fail(Errno.NOENT) from None
            if stat.S_ISLNK(st.st_mode):
                expansions += 1
                if expansions > MAX_SYMLINK_EXPANSIONS:
                    raise Fail(Errno.LOOP)
                target = os.readlink(c, dir_fd=d)
                if not target:
                    raise Fail(Errno.NOENT)
                if target.startswith("/"):
                    raise Fail(Errno.PERM)
                todo.extend(target.split("/")[::-1])
                continue
            if last:
                if must_be_dir and not stat.S_ISDIR(st.st_mode):
                    raise Fail(Errno.NOTDIR)
                return Resolved(d, c, must_be_dir, dirs[1:])
            if not stat.S_ISDIR(st.st_mode):
                raise Fail(Errno.NOTDIR)
            # read-only (0); close-on-exec as every descriptor Python opens (PEP 446);
            # resolve runs only where supported() found these flags
            dirs.append(os.open(c, os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=d))
        return Resolved(dirs[-1], ".", True, dirs[1:])
    except BaseException:
        for fd in dirs[1:]:
            os.close(fd)
        raise
