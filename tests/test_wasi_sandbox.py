"""The capability sandbox: every attempt to get out of a preopened directory fails with
the errno wasmtime gives (EPERM for a path that leads outside) and touches nothing
outside; read-only preopens and rights are honoured; bad arguments trap.

tests/c/wasi/sandbox.c makes the attempts with raw WASI calls; its output is compared
with wasmtime's and with the expected errno of every attempt (EXPECTED below).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.wasi_harness import OPT_LEVELS, Setup, compile_c, run_wasmtime, run_wasmvm, snapshot
from wasmvm.wasi.errors import Fail
from wasmvm.wasi.sandbox import resolve


def layout(root: Path) -> None:
    """The directory tree of sandbox.c's docstring."""
    (root / "outside.txt").write_text("secret\n")
    (root / "outdir").mkdir()
    box = root / "box"
    box.mkdir()
    (box / "inside.txt").write_text("inside\n")
    (box / "sub").mkdir()
    (box / "sub" / "deep.txt").write_text("deep\n")
    os.symlink("../outside.txt", box / "esc_rel")
    os.symlink(str(root / "outside.txt"), box / "esc_abs")
    os.symlink("..", box / "esc_dir")
    os.symlink("../../outside.txt", box / "sub" / "esc_up")
    os.symlink("sub/deep.txt", box / "ok_link")
    os.symlink("loop", box / "loop")
    (root / "ro").mkdir()
    (root / "ro" / "ro.txt").write_text("ro\n")


def normalized(root: Path) -> dict:
    """The tree's snapshot with the root's host path in link targets written ROOT."""
    return {k: ("link", v[1].replace(str(root), "ROOT")) if isinstance(v, tuple) and v[0] == "link"
            else v for k, v in snapshot(root).items()}


def outside(files: dict) -> dict:
    return {k: v for k, v in files.items() if not k.startswith(("box/", "ro/"))}


EXPECTED = """\
open ../outside.txt: PERM
open ..: PERM
open sub/../../outside.txt: PERM
open /etc/passwd: PERM
open absolute host path: PERM
open / : PERM
open esc_rel (follow): PERM
open esc_rel (nofollow): LOOP
open esc_abs (follow): PERM
open esc_dir/outside.txt: PERM
open esc_dir (follow): PERM
open sub/esc_up (follow): PERM
open loop (follow): LOOP
create ../created.txt: PERM
create esc_dir/created.txt: PERM
trunc esc_rel (follow): PERM
trunc esc_abs (follow): PERM
create through esc_rel (nofollow): LOOP
open sub/../inside.txt: SUCCESS
open ./sub//deep.txt: SUCCESS
open ok_link (follow): SUCCESS
open ok_link (nofollow): LOOP
open sub/.. as dir: SUCCESS
open . as dir: SUCCESS
open empty path: NOENT
open inside.txt/ (trailing slash): NOTDIR
open inside.txt as dir: NOTDIR
open missing.txt: NOENT
excl inside.txt: EXIST
open NUL in path: INVAL
open invalid UTF-8: ILSEQ
mkdir NUL in path: INVAL
stat ../outside.txt: PERM
stat esc_rel (follow): PERM
stat esc_rel (nofollow): SUCCESS
  esc_rel is a symlink: 1
stat esc_abs (follow): PERM
stat esc_dir/outside.txt: PERM
mkdir ../newdir: PERM
mkdir esc_dir/newdir: PERM
mkdir /tmp/x: PERM
unlink ../outside.txt: PERM
unlink esc_dir/outside.txt: PERM
rmdir ../outdir: PERM
rmdir esc_dir/outdir: PERM
rename inside.txt -> ../moved.txt: PERM
rename inside.txt -> esc_dir/moved.txt: PERM
rename ../outside.txt -> stolen.txt: PERM
rename esc_dir/outdir -> stolen: PERM
link inside.txt -> ../hard.txt: PERM
link ../outside.txt -> hard.txt: PERM
link esc_rel (follow) -> hard2.txt: INVAL
symlink x -> ../newlink: PERM
symlink x -> esc_dir/newlink: PERM
readlink esc_rel: SUCCESS
  esc_rel -> ../outside.txt
readlink ../x: PERM
readlink esc_dir/box/esc_rel: PERM
utimes ../outside.txt: PERM
utimes esc_rel (follow): PERM
symlink /etc/passwd -> planted_abs: PERM
symlink ../outside.txt -> planted_rel: SUCCESS
symlink ../../.. -> sub/planted_up: SUCCESS
open planted_abs (follow): NOENT
open planted_rel (follow): PERM
open sub/planted_up/outside.txt: PERM
trunc planted_rel (follow): PERM
mkdir sub/planted_up/made: PERM
unlink planted_abs: NOENT
unlink planted_rel: SUCCESS
unlink sub/planted_up: SUCCESS
ro: open ro.txt for reading: SUCCESS
ro: open ro.txt for writing: PERM
ro: create new.txt: PERM
ro: truncate ro.txt: PERM
ro: mkdir d: PERM
ro: unlink ro.txt: PERM
ro: rename ro.txt: PERM
ro: symlink: PERM
ro: link: PERM
ro: rename into /sandbox: PERM
ro: rename from /sandbox: PERM
ro: utimes ro.txt: PERM
ro: rmdir .: PERM
ro: fd_write on a read-only file: BADF
ro: set size: PERM
ro: fd_filestat_set_times: PERM
open inside.txt read-only: SUCCESS
fd_write without FD_WRITE: BADF
fd_pwrite without FD_WRITE: BADF
fd_readdir on a file: BADF
path_open under a file: NOTDIR
mkdir under a file: BADF
fd_prestat_get on a file: BADF
fd_fdstat_get: SUCCESS
  read=1 write=0
open scratch.txt write-only: SUCCESS
fd_read without FD_READ: BADF
fd_pread without FD_READ: BADF
fd_write with FD_WRITE: SUCCESS
fd_read on a directory: BADF
fd_write on a directory: BADF
fd_seek on a directory: BADF
fd_seek on stdout: SPIPE
fd_write on stdin: BADF
fd_read on stdout: BADF
fd_close of a closed fd: BADF
fd_write on fd 99: BADF
path_open on fd 99: BADF
path_open on stdin: BADF
"""


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_escape_attempts_fail_and_touch_nothing(opt):
    wasm = compile_c("sandbox", opt)
    results = {}
    for name, runner in (("wasmvm", run_wasmvm), ("wasmtime", run_wasmtime)):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            layout(root)
            before = normalized(root)
            setup = Setup(["sandbox", str(root)], preopens=[(str(root / "box"), "/sandbox"),
                                                            (str(root / "ro"), "/ro")],
                          readonly={"/ro"})
            run = runner(wasm, setup)
            after = normalized(root)
            assert outside(after) == outside(before), f"{name} changed files outside"
            assert {k: v for k, v in after.items() if k.startswith("ro/")} == {
                k: v for k, v in before.items() if k.startswith("ro/")}, f"{name} changed ro/"
            results[name] = (run.stdout.decode(), run.stderr, run.exit_code, run.trap, after)
    assert results["wasmvm"] == results["wasmtime"]
    assert results["wasmvm"][0] == EXPECTED


RIGHTS_EXPECTED = """\
open file.txt rw: 0
drop FD_WRITE and FD_SEEK: 0
write right now 0
fd_write: 76
fd_seek: 76
fd_tell (kept): 0
fd_filestat_get (kept): 0
take FD_WRITE back: 76
drop FD_FILESTAT_GET: 0
fd_filestat_get: 76
stdout has no rights to give up: 8
open . as a second dir: 0
its children lose FD_READ only: 0
open file.txt write-only there: 0
open file.txt for reading there: 76
preopen: drop PATH_CREATE_FILE, PATH_UNLINK_FILE; children lose FD_WRITE: 0
create new.txt: 76
unlink file.txt: 76
open file.txt for writing: 76
open file.txt for reading: 0
child's write right 0
child cannot take FD_WRITE: 76
mkdir (kept): 0
open made as dir: 0
create in the child dir (no FD_WRITE inherited): 76
drop PATH_OPEN: 0
open anything: 76
readdir: 76
"""


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_rights_given_up_are_enforced(opt):
    """fd_fdstat_set_rights narrows, as the spec says (wasmtime answers ENOTSUP, so this
    is wasmvm alone); 76 is ENOTCAPABLE."""
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "file.txt").write_text("data")
        run = run_wasmvm(compile_c("rights", opt), Setup(["rights"], preopens=[(d, "/d")]))
        assert run.stdout.decode() == RIGHTS_EXPECTED
        assert sorted(os.listdir(d)) == ["file.txt", "made"]
        assert (Path(d) / "file.txt").read_text() == "data"


BAD_ARGUMENTS = [
    "INVALID_ARGUMENT",  # 0 fd_seek whence 7
    "INVALID_ARGUMENT",  # 1 fd_advise advice 9
    "INVALID_ARGUMENT",  # 2 clock_time_get clock 9
    "INVALID_ARGUMENT",  # 3 path_open oflags 0x10
    "INVALID_ARGUMENT",  # 4 path_open lookupflags 2
    "INVALID_ARGUMENT",  # 5 path_open fdflags 0x20
    "INVALID_ARGUMENT",  # 6 fd_filestat_set_times fstflags 0x10
    "INVALID_ARGUMENT",  # 7 path_open rights bit 40
    "INVALID_ARGUMENT",  # 8 sock_shutdown sdflags 9
    "MEMORY_OUT_OF_BOUNDS",  # 9 fd_write iovecs at 0xfffffff0
    "HEAP_MISALIGNED",  # 10 fd_write iovecs at 2
    "HEAP_MISALIGNED",  # 11 fd_tell result at 4 (a u64)
    "MEMORY_OUT_OF_BOUNDS",  # 12 random_get past the end
    "INVALID_EXIT_STATUS",  # 13 proc_exit(126)
    "MEMORY_OUT_OF_BOUNDS",  # 14 path_open's result at 0xfffffffe (the file was opened)
    "INVALID_ARGUMENT",  # 15 path_filestat_set_times fstflags 0x10
]


@pytest.mark.parametrize("case", range(len(BAD_ARGUMENTS)))
def test_bad_arguments_trap_as_on_wasmtime(case):
    wasm = compile_c("badargs", "-O2")
    runs = []
    for runner in (run_wasmvm, run_wasmtime):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "f").write_text("data")
            runs.append(runner(wasm, Setup(["badargs", str(case)], preopens=[(d, "/d")])))
    vm, wt = runs
    assert (vm.stdout, vm.exit_code, vm.trap) == (wt.stdout, wt.exit_code, wt.trap)
    assert (vm.exit_code, vm.trap) == (None, BAD_ARGUMENTS[case])


def test_a_trapped_path_open_leaves_no_descriptor_behind(tmp_path):
    """The fd a trapping path_open allocated is taken back, so the guest cannot reach the
    file through a number it never received: after the trap, the next open gets the
    same number (fds are allocated lowest first)."""
    from tests.test_api import wat
    from wasmvm.api import Linker, Module, Store
    from wasmvm.errors import Trap
    from wasmvm.wasi import WasiConfig, define_wasi, set_wasi

    (tmp_path / "f").write_text("data")
    module = wat("""(module
      (import "wasi_snapshot_preview1" "path_open" (func $open
        (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "f")
      (func (export "open_to") (param $result i32) (result i32)
        (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 0)
                    (i64.const 2) (i64.const 0) (i32.const 0) (local.get $result)))
      (func (export "fd_at_0") (result i32) (i32.load (i32.const 0))))""")
    config = WasiConfig()
    config.preopen_dir(tmp_path, "/d")
    store = Store()
    ctx = set_wasi(store, config)
    linker = Linker(store.engine)
    define_wasi(linker, store)
    exports = linker.instantiate(store, Module(store.engine, module)).exports(store)
    with pytest.raises(Trap):
        exports["open_to"](store, 0xFFFFFFFE)
    assert exports["open_to"](store, 0) == 0
    assert exports["fd_at_0"](store) == 4  # 3 is the preopen; 4 was freed by the trap
    ctx.close()


# -- the resolver itself, on random paths (no compiler needed) ------------------------------
COMPONENTS = ["..", ".", "", "sub", "deep.txt", "esc_rel", "esc_dir", "esc_abs", "ok_link",
              "loop", "inside.txt", "missing", "sub2", "up"]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("sandbox")
    layout(root)
    box = root / "box"
    (box / "sub" / "sub2").mkdir()
    os.symlink("../..", box / "sub" / "sub2" / "up")  # back to box: allowed
    os.symlink("../../..", box / "sub" / "up")  # out of box
    fd = os.open(box, os.O_RDONLY | os.O_DIRECTORY)
    yield box, fd
    os.close(fd)


def _inside(box: Path, dir_fd: int) -> bool:
    real = Path(os.readlink(f"/proc/self/fd/{dir_fd}"))
    return real == box.resolve() or box.resolve() in real.parents


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
@settings(max_examples=400, deadline=None)
@given(parts=st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=7),
       absolute=st.booleans(), follow=st.booleans())
def test_resolve_never_leaves_the_directory(tree, parts, absolute, follow):
    box, fd = tree
    path = ("/" if absolute else "") + "/".join(parts)
    try:
        target = resolve(fd, path, follow)
    except Fail:
        return
    with target:
        assert "/" not in target.name and target.name != ".."
        assert _inside(box, target.dir_fd), path
        final = Path(os.readlink(f"/proc/self/fd/{target.dir_fd}")) / target.name
        if follow and target.name != "." and final.is_symlink():
            raise AssertionError(f"{path}: followed resolution ended on a link")
