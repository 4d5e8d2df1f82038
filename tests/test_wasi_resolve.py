"""``sandbox.resolve`` itself, on the edges a program's escape attempts do not reach: the
exact symlink budget, descriptors it opens and must close (on success and on refusal),
a missing directory in the middle of a path, the final name's own status, and the host
check that decides whether preopened directories can be confined at all.

Found by ``tools/mutate.py`` (issue 21): each test kills mutants of ``wasi/sandbox.py``
that the WASI programs' tests left alive.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from wasmvm.wasi import sandbox
from wasmvm.wasi.errors import Fail
from wasmvm.wasi.sandbox import MAX_SYMLINK_EXPANSIONS, resolve
from wasmvm.wasi.types import Errno

pytestmark = pytest.mark.skipif(not sandbox.supported(), reason="needs openat and O_NOFOLLOW")


@pytest.fixture
def box(tmp_path):
    root = tmp_path / "box"
    root.mkdir()
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f.txt").write_text("f")
    (root / "outside_target").write_text("t")
    os.symlink("../outside.txt", root / "esc")
    (tmp_path / "outside.txt").write_text("secret")
    os.symlink("a/b", root / "to_b")
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    yield root, fd
    os.close(fd)


def _errno(fd: int, path: str, follow: bool) -> Errno | None:
    try:
        with resolve(fd, path, follow):
            return None
    except Fail as e:
        return e.errno


def test_the_symlink_budget_is_exactly_forty(box):
    """40 expansions resolve; the 41st is ELOOP (cap-std's limit, Linux's MAXSYMLINKS)."""
    root, fd = box
    assert MAX_SYMLINK_EXPANSIONS == 40
    n = MAX_SYMLINK_EXPANSIONS
    for i in range(n + 1):  # chain{i} -> chain{i+1}; the last names a file
        target = f"chain{i + 1}" if i < n else "a/b/f.txt"
        os.symlink(target, root / f"chain{i}")
    # chain1 .. chain40: 40 links; chain0 .. chain40: 41
    with resolve(fd, "chain1", True) as r:
        assert r.name == "f.txt" and stat.S_ISREG(r.lstat().st_mode)
    assert _errno(fd, "chain0", True) is Errno.LOOP
    # the budget counts every link of the walk, intermediate ones too
    os.symlink("chain2", root / "dir_chain")  # 40 links to f.txt via chain2..chain40: 39
    assert _errno(fd, "dir_chain", True) is None
    os.symlink("chain0", root / "one_more")
    assert _errno(fd, "one_more", True) is Errno.LOOP


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_resolve_closes_every_directory_it_opened(box):
    """The intermediate directories opened on the way are closed when the result is
    closed, and when resolution fails part way: no descriptor leaks, whatever the path."""
    root, fd = box
    root_stat = os.stat(root)
    before = _open_fds()
    for _ in range(20):
        for path, follow in (("a/b/f.txt", False), ("a/b/f.txt", True), ("to_b/f.txt", True),
                             ("a/b/new", True), ("a/b/../b/f.txt", False), ("a/b/", False),
                             ("a/b/..", False), ("a/b/.", True), ("to_b/..", True), (".", False)):
            with resolve(fd, path, follow) as r:
                assert r.name in ("f.txt", "new", ".", "b")
            # the base descriptor is the caller's: never closed (a closed number would be
            # reused by the next open, so check what it is, not only how many are open)
            assert os.path.samestat(os.fstat(fd), root_stat), path
        for path in ("a/b/../../..", "esc/x", "a/b/f.txt/x", "a/missing/x", "a/../../x"):
            with pytest.raises(Fail):
                resolve(fd, path, True)
    assert _open_fds() == before


def test_a_missing_directory_in_the_middle_is_enoent_not_a_name(box):
    """Only the last component may be missing (it is then the name to create); a missing
    directory before it is ENOENT, with or without following links."""
    root, fd = box
    for follow in (False, True):
        assert _errno(fd, "missing/new.txt", follow) is Errno.NOENT
        assert _errno(fd, "a/missing/new.txt", follow) is Errno.NOENT
        with resolve(fd, "a/new.txt", follow) as r:  # a new last name resolves
            assert r.name == "new.txt" and r.lstat() is None
    assert sorted(os.listdir(root / "a")) == ["b"]


def test_lstat_is_the_final_names_own_status(box):
    """``Resolved.lstat`` never follows a link (a rename or unlink acts on the link, and
    reading the target's status would look outside); a missing name is None."""
    root, fd = box
    with resolve(fd, "esc", False) as r:
        st = r.lstat()
        assert st is not None and stat.S_ISLNK(st.st_mode)
    with resolve(fd, "to_b", False) as r:
        assert stat.S_ISLNK(r.lstat().st_mode)
    with resolve(fd, "a/b/f.txt", False) as r:
        assert stat.S_ISREG(r.lstat().st_mode) and r.lstat().st_size == 1
    with resolve(fd, "a/nothing", False) as r:
        assert r.lstat() is None


def test_a_trailing_slash_asks_for_a_directory(box):
    """``d/`` and ``d/.`` must name a directory: a file there is ENOTDIR, a directory
    resolves with ``must_be_dir``; without the slash nothing is required."""
    root, fd = box
    assert _errno(fd, "a/b/f.txt/", False) is Errno.NOTDIR
    assert _errno(fd, "a/b/f.txt/.", True) is Errno.NOTDIR
    with resolve(fd, "a/b/", False) as r:
        assert r.must_be_dir and r.name == "b"
    for path, where in (("a/b/..", "a"), (".", "."), ("to_b/../..", "."), ("to_b/..", "a")):
        with resolve(fd, path, True) as r:  # the directory itself: "." in it
            assert r.must_be_dir and r.name == "."
            assert os.path.samestat(os.fstat(r.dir_fd), os.stat(root / where)), path
    with resolve(fd, "a/b/f.txt", True) as r:
        assert not r.must_be_dir


def test_supported_needs_every_confining_call(monkeypatch):
    """Preopens are confined only with O_NOFOLLOW, O_DIRECTORY and the ``dir_fd`` form of
    every call the path functions make; lacking any one, ``supported()`` says no."""
    assert sandbox.supported()
    for flag in ("O_NOFOLLOW", "O_DIRECTORY"):
        with monkeypatch.context() as m:
            m.delattr(os, flag)
            assert not sandbox.supported(), flag
    for fn in (os.link, os.utime, os.open):
        with monkeypatch.context() as m:
            m.setattr(os, "supports_dir_fd", os.supports_dir_fd - {fn})
            assert not sandbox.supported(), fn
