"""Attacks on the WASI sandbox that a single escape attempt does not show: a name made
inside that would lead outside if one host call followed a link it must not, times set
through a link, the read-only preopen lending its files to the writable one, ``..`` at
the end of a path, rights given up one at a time, and a directory swapped for a link
between the walk and the open.

Each test here was checked by hand against the mutation of the sandbox it names: with
the mutation applied, the test fails.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest

from tests.test_wasi_sandbox import layout, normalized
from tests.wasi_harness import OPT_LEVELS, Setup, compile_c, run_wasmtime, run_wasmvm


def attack_layout(root: Path) -> None:
    """sandbox.c's tree plus what attacks.c's docstring adds."""
    layout(root)
    box = root / "box"
    (box / "sub" / "sub2").mkdir()
    os.symlink("../..", box / "sub" / "sub2" / "up")
    os.symlink("sub/sub2/..", box / "up2")


def times(path: Path) -> tuple[int, int]:
    st = os.stat(path, follow_symlinks=True)
    return st.st_atime_ns, st.st_mtime_ns


def outside_times(root: Path) -> dict[str, tuple[int, int]]:
    """The times of everything a link in the box points at outside it (ROOT itself is
    esc_dir's target)."""
    return {name: times(root / name) for name in ("outside.txt", "outdir", "ro/ro.txt", ".")}


ATTACKS_EXPECTED = """\
link esc_rel -> hl_rel: SUCCESS
link esc_abs -> hl_abs: SUCCESS
link sub/esc_up -> sub/hl_up: SUCCESS
link esc_dir -> hl_dir: SUCCESS
  hl_rel is a symlink: 1
  hl_abs is a symlink: 1
  sub/hl_up is a symlink: 1
readlink hl_rel: SUCCESS
  hl_rel -> ../outside.txt
write hl_rel (nofollow): LOOP
write hl_rel (follow): PERM
trunc hl_rel (nofollow): LOOP
trunc hl_rel (follow): PERM
write hl_abs (nofollow): LOOP
write hl_abs (follow): PERM
write sub/hl_up (nofollow): LOOP
write sub/hl_up (follow): PERM
create hl_dir/made.txt: PERM
utimes esc_rel (nofollow): SUCCESS
utimes esc_abs (nofollow): SUCCESS
utimes sub/esc_up (nofollow): SUCCESS
utimes esc_dir (nofollow): SUCCESS
utimes esc_rel now (nofollow): SUCCESS
utimes esc_abs now (nofollow): SUCCESS
utimes esc_rel (follow): PERM
utimes esc_abs (follow): PERM
utimes esc_dir/outside.txt: PERM
utimes inside.txt (control): SUCCESS
stat inside.txt: SUCCESS
  mtim 1000000000 atim 1000000000
link ro.txt (ro) -> stolen.txt (box): PERM
write stolen.txt: NOENT
link inside.txt (box) -> planted.txt (ro): PERM
rename ro.txt (ro) -> taken.txt (box): PERM
write taken.txt: NOENT
rename inside.txt (box) -> planted.txt (ro): PERM
write ro.txt (ro): PERM
create sub/sub2/../new1.txt: SUCCESS
  write through it: SUCCESS
  stat sub/new1.txt: SUCCESS
  stat new1.txt: NOENT
create sub/../new2.txt: SUCCESS
  write through it: SUCCESS
  stat new2.txt: SUCCESS
create sub/../sub/../new3.txt: SUCCESS
  write through it: SUCCESS
  stat new3.txt: SUCCESS
create sub/sub2/../../new4.txt: SUCCESS
  write through it: SUCCESS
  stat new4.txt: SUCCESS
create sub/sub2/up/new5.txt: SUCCESS
  write through it: SUCCESS
  stat new5.txt: SUCCESS
create up2/new6.txt: SUCCESS
  write through it: SUCCESS
  stat sub/new6.txt: SUCCESS
create sub/sub2/../../sub/sub2/new7.txt: SUCCESS
  write through it: SUCCESS
  stat sub/sub2/new7.txt: SUCCESS
mkdir sub/sub2/../mk1: SUCCESS
  stat sub/mk1: SUCCESS
mkdir sub/sub2/../../mk2: SUCCESS
  stat mk2: SUCCESS
open sub/.. as dir: SUCCESS
  create rel1.txt there: SUCCESS
  stat inside.txt: SUCCESS
  stat ..: PERM
open sub/sub2/.. as dir: SUCCESS
  create rel2.txt there: SUCCESS
  stat deep.txt: SUCCESS
  stat ..: PERM
open sub/../sub/.. as dir: SUCCESS
  create rel3.txt there: SUCCESS
  stat inside.txt: SUCCESS
  stat ..: PERM
open sub/sub2/../.. as dir: SUCCESS
  create rel4.txt there: SUCCESS
  stat inside.txt: SUCCESS
  stat ..: PERM
open sub/sub2/up/sub/sub2/.. as dir: SUCCESS
  create rel5.txt there: SUCCESS
  stat deep.txt: SUCCESS
  stat ..: PERM
open up2 as dir (follow): SUCCESS
  create rel6.txt there: SUCCESS
  stat deep.txt: SUCCESS
  stat ..: PERM
open up2/.. as dir: SUCCESS
  create rel7.txt there: SUCCESS
  stat inside.txt: SUCCESS
  stat ..: PERM
open sub/sub2/up as dir (follow): SUCCESS
  create rel8.txt there: SUCCESS
  stat inside.txt: SUCCESS
  stat ..: PERM
open sub/sub2/../../.. as dir: PERM
open sub/sub2/up/.. as dir: PERM
open up2/../.. as dir: PERM
open .. as dir: PERM
create sub/sub2/../../../esc5.txt: PERM
create up2/../../esc6.txt: PERM
mkdir sub/../../esc7: PERM
ro: create new_r.txt asking only to read: PERM
open sub O_DIRECTORY|O_EXCL: INVAL
create nf/ (a new name with a slash): ISDIR
  stat nf: NOENT
create sub/ (a directory, with a slash): ISDIR
create sub (a directory): ISDIR
create newf.txt (follow): SUCCESS
  write through it: SUCCESS
create sub/missing/x.txt (follow): NOENT
utimes esc_rel (nofollow): SUCCESS
utimes esc_rel mtim only (nofollow): SUCCESS
stat esc_rel (nofollow): SUCCESS
  mtim 2000000000 atim 1000000000
symlink sub/sub2 -> to_sub2: SUCCESS
rmdir to_sub2 (a link to a directory): NOTDIR
  stat sub/sub2: SUCCESS
symlink made_by_link -> dangling: SUCCESS
mkdir dangling (a link to nothing): EXIST
  stat made_by_link: NOENT
link inside.txt -> dangling: EXIST
symlink x -> dangling: EXIST
  stat made_by_link: NOENT
symlink inside.txt -> lnk: SUCCESS
rename newf.txt -> lnk (a link): SUCCESS
  stat inside.txt: SUCCESS
  lnk is a symlink: 0
symlink sub/sub2 -> to_sub2b: SUCCESS
rename to_sub2b -> moved_link: SUCCESS
  moved_link is a symlink: 1
  stat sub/sub2: SUCCESS
unlink moved_link: SUCCESS
rename missing/ -> y: NOENT
rename missing -> y/: NOENT
symlink with a NUL in its contents: INVAL
  stat nul_link: NOENT
unlink sub/ (a directory, with a slash): ISDIR
unlink missing/: NOENT
unlink to_sub2/ (a link to a directory): ISDIR
unlink to_sub2: SUCCESS
unlink dangling: SUCCESS
"""


def run_attacks(opt: str):
    wasm = compile_c("attacks", opt)
    results = {}
    for name, runner in (("wasmvm", run_wasmvm), ("wasmtime", run_wasmtime)):
        with tempfile.TemporaryDirectory() as d:
            root = Path(d)
            attack_layout(root)
            before = normalized(root)
            times_before = outside_times(root)
            setup = Setup(["attacks"], preopens=[(str(root / "box"), "/sandbox"),
                                                 (str(root / "ro"), "/ro")],
                          readonly={"/ro"})
            run = runner(wasm, setup)
            times_after = outside_times(root)  # before anything else reads a file
            after = normalized(root)
            modes = {k: stat.S_IMODE(os.lstat(root / k).st_mode) for k in ATTACKS_ADDED
                     if (root / k).exists() and not (root / k).is_symlink()}
            results[name] = dict(modes=modes, stdout=run.stdout.decode(), stderr=run.stderr,
                                 exit_code=run.exit_code, trap=run.trap, before=before,
                                 after=after, times_before=times_before,
                                 times_after=times_after)
    return results


def outside_or_ro(files: dict) -> dict:
    return {k: v for k, v in files.items() if not k.startswith("box/")}


#: What attacks.c adds to the box: links that are links, and files exactly where "..".
#: (popping one directory, never the box) puts them.
ATTACKS_ADDED = {
    "box/hl_rel": ("link", "../outside.txt"),
    "box/hl_abs": ("link", "ROOT/outside.txt"),
    "box/hl_dir": ("link", ".."),
    "box/sub/hl_up": ("link", "../../outside.txt"),
    "box/sub/new1.txt": b"PWNED\n",
    "box/new2.txt": b"PWNED\n",
    "box/new3.txt": b"PWNED\n",
    "box/new4.txt": b"PWNED\n",
    "box/new5.txt": b"PWNED\n",
    "box/sub/new6.txt": b"PWNED\n",
    "box/sub/sub2/new7.txt": b"PWNED\n",
    "box/sub/mk1": ("dir",),
    "box/mk2": ("dir",),
    "box/rel1.txt": b"",
    "box/sub/rel2.txt": b"",
    "box/rel3.txt": b"",
    "box/rel4.txt": b"",
    "box/sub/rel5.txt": b"",
    "box/sub/rel6.txt": b"",
    "box/rel7.txt": b"",
    "box/rel8.txt": b"",
    "box/lnk": b"PWNED\n",  # newf.txt, renamed over the link lnk
}


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_attacks_change_nothing_outside(opt):
    """attacks.c, on wasmvm and on wasmtime: the same lines, the expected lines, and
    nothing outside the box (nor in the read-only preopen) changed, times included.

    Guards, in path_calls: ``os.link(..., follow_symlinks=False)`` in path_link (with True
    hl_rel is a hard link to outside.txt and the write changes it); ``os.utime(...,
    follow_symlinks=False)`` in path_filestat_set_times (with True outside.txt's and
    ROOT's times change); ``_mutable(old_dir)`` and ``_mutable(new_dir)`` in path_link
    and path_rename (ro/ro.txt linked or moved into the box and written); in sandbox:
    the ``..`` handling of ``resolve`` (each created file is looked for where it must
    be, and ``..`` above the box is PERM)."""
    results = run_attacks(opt)
    for name, r in results.items():
        assert outside_or_ro(r["after"]) == outside_or_ro(r["before"]), f"{name} changed files"
        assert r["times_after"] == r["times_before"], f"{name} changed times outside"
        added = {k: v for k, v in r["after"].items() if k not in r["before"]}
        changed = {k for k in r["before"] if r["after"].get(k) != r["before"][k]}
        assert (added, changed) == (ATTACKS_ADDED, set()), name
        assert (r["exit_code"], r["trap"], r["stderr"]) == (0, None, b""), name
    assert results["wasmvm"]["stdout"] == results["wasmtime"]["stdout"]
    assert results["wasmvm"]["stdout"] == ATTACKS_EXPECTED
    # files and directories are made with the modes wasmtime gives them (0o666 and
    # 0o777 less the umask)
    assert results["wasmvm"]["modes"] == results["wasmtime"]["modes"]


# -- rights, one at a time ----------------------------------------------------------------
#: rights_each.c's calls -> the rights of the directory descriptor D each needs. ("link>"
#: links from D into the preopen, "link<" from the preopen into D; likewise rename.)
NEEDS = {
    "open": {"PATH_OPEN"},
    "creat": {"PATH_OPEN", "PATH_CREATE_FILE"},
    "mkdir": {"PATH_CREATE_DIRECTORY"},
    "stat": {"PATH_FILESTAT_GET"},
    "utimes": {"PATH_FILESTAT_SET_TIMES"},
    "link": {"PATH_LINK_SOURCE", "PATH_LINK_TARGET"},
    "link>": {"PATH_LINK_SOURCE"},
    "link<": {"PATH_LINK_TARGET"},
    "readlink": {"PATH_READLINK"},
    "rename": {"PATH_RENAME_SOURCE", "PATH_RENAME_TARGET"},
    "rename>": {"PATH_RENAME_SOURCE"},
    "rename<": {"PATH_RENAME_TARGET"},
    "symlink": {"PATH_SYMLINK"},
    "unlink": {"PATH_UNLINK_FILE"},
    "rmdir": {"PATH_REMOVE_DIRECTORY"},
    "readdir": {"FD_READDIR"},
}
#: The calls whose effect the program looks for afterwards ("c?": does c exist).
EFFECTS = {"creat": "c?", "mkdir": "m?", "unlink": "u?", "rmdir": "d?"}


def rights_each_expected() -> str:
    from wasmvm.wasi.types import Rights

    lines = []
    for name in ["(none)"] + [r.name for r in sorted(Rights, key=lambda r: r.value)]:
        fields = []
        for call, needs in NEEDS.items():
            refused = name in needs
            fields.append(f"{call}={76 if refused else 0}")
            if call in EFFECTS:
                # made: creat, mkdir; gone: unlink, rmdir
                present = refused if call in ("unlink", "rmdir") else not refused
                fields.append(f"{EFFECTS[call]}={int(present)}")
        lines.append(f"{name}: " + " ".join(fields))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("opt", OPT_LEVELS)
def test_each_right_given_up_stops_exactly_its_calls(opt):
    """rights_each.c: a directory descriptor that gave up one right (and only it) gets
    ENOTCAPABLE from exactly the calls needing that right, and the refused call changed
    nothing (no file made by a refused O_CREAT, nothing removed by a refused unlink).
    Guards every rights check of path_calls: ``Rights.PATH_CREATE_FILE if oflags &
    Oflags.CREAT`` in path_open's ``desc.need``, and each ``_dir(fd, Rights.X)`` (one for
    the source and one for the target of path_link and path_rename). wasmvm alone:
    wasmtime answers ENOTSUP to fd_fdstat_set_rights."""
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "f").write_text("data")
        os.symlink("f", Path(d) / "s")
        run = run_wasmvm(compile_c("rights_each", opt), Setup(["rights_each"], preopens=[(d, "/d")]))
        assert (run.exit_code, run.trap, run.stderr) == (0, None, b"")
        assert run.stdout.decode() == rights_each_expected()
        assert sorted(os.listdir(d)) == ["f", "s"]
        assert (Path(d) / "f").read_text() == "data"


# -- a directory or file swapped for a link while a call runs ----------------------------
class RacingOs:
    """What ``wasmvm.wasi.sandbox`` sees as ``os``: the real one, except that right
    after ``os.stat`` has looked at ``name`` (the first time), ``swap`` runs, so the
    caller acts on a status that is no longer true: the race of a program (or another
    process) replacing a path component between the walk's look and its open."""

    def __init__(self, name: str, swap):
        self._name, self._swap, self.swapped = name, swap, False

    def __getattr__(self, attr):
        return getattr(os, attr)

    @property
    def supports_dir_fd(self):  # sandbox.supported() looks for its stat there
        return os.supports_dir_fd | {self.stat}

    def stat(self, path, *args, **kwargs):
        st = os.stat(path, *args, **kwargs)
        if path == self._name and not self.swapped:
            self.swapped = True
            self._swap()
        return st


def race_layout(root: Path) -> Path:
    (root / "outside.txt").write_text("secret\n")
    (root / "outdir").mkdir()
    (root / "outdir" / "o.txt").write_text("o\n")
    box = root / "box"
    box.mkdir()
    (box / "sub").mkdir()
    (box / "f.txt").write_text("f\n")
    return box


def swapper(box: Path, name: str, kind: str):
    """Moves box/name away and puts in its place a link out of the box ("link_dir" to
    ../outdir, "link_file" to ../outside.txt) or a regular file ("file")."""
    def swap():
        os.rename(box / name, box / f"{name}.away")
        if kind == "file":
            (box / name).write_text("a file now\n")
        else:
            os.symlink("../outdir" if kind == "link_dir" else "../outside.txt", box / name)
    return swap


#: The swap -> the errno of the open of the swapped name with O_NOFOLLOW | O_DIRECTORY.
#: Linux checks O_DIRECTORY first: the link itself is not a directory, so ENOTDIR, not
#: ELOOP, even for a link to a directory.
SWAPS = {"link_dir": errno.ENOTDIR, "link_file": errno.ENOTDIR, "file": errno.ENOTDIR}


@pytest.mark.parametrize("follow", [False, True])
@pytest.mark.parametrize("kind", SWAPS)
def test_resolve_refuses_an_intermediate_directory_swapped(monkeypatch, tmp_path, kind, follow):
    """resolve("sub/x") after "sub" was looked at as a directory and then replaced by a
    link out of the box or by a file: the open of "sub" fails (ENOTDIR: with
    O_NOFOLLOW a link is not a directory) instead of walking on outside or treating a file as a
    directory. Guards ``O_NOFOLLOW`` and ``O_DIRECTORY`` in the directory opens of sandbox.resolve."""
    from wasmvm.wasi import sandbox

    box = race_layout(tmp_path)
    before = normalized(tmp_path)
    racing = RacingOs("sub", swapper(box, "sub", kind))
    monkeypatch.setattr(sandbox, "os", racing)
    fd = os.open(box, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with pytest.raises(OSError) as caught:
            sandbox.resolve(fd, "sub/x", follow).close()
    finally:
        os.close(fd)
    assert racing.swapped
    assert caught.value.errno == SWAPS[kind]
    after = normalized(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("box/")} == {
        k: v for k, v in before.items() if not k.startswith("box/")}


#: race.c's operation, the name swapped while it runs, the swap -> its output.
RACES = {
    ("mkdir", "sub", "link_dir"): "mkdir sub/x: 54\n",
    ("mkdir", "sub", "link_file"): "mkdir sub/x: 54\n",
    ("mkdir", "sub", "file"): "mkdir sub/x: 54\n",
    ("create", "sub", "link_dir"): "create sub/y.txt: 54\n",
    ("create", "sub", "file"): "create sub/y.txt: 54\n",
    ("open", "f.txt", "link_file"): "open f.txt (follow): 32\n",
    ("opendir", "sub", "link_dir"): "open sub as dir (follow): 54\n",
}


@pytest.mark.parametrize("op,name,kind", list(RACES))
def test_wasi_calls_refuse_a_path_swapped_while_they_run(monkeypatch, tmp_path, op, name, kind):
    """A real WASI call (race.c) whose path has a component swapped for a link out of
    the box (or a file) between the sandbox's look at it and its open: the call fails
    with ENOTDIR (54: opened with O_DIRECTORY | O_NOFOLLOW, a link is not a directory)
    or ELOOP (32: a file opened with O_NOFOLLOW) and nothing outside changes. An intermediate
    directory is opened by sandbox.resolve (guards its ``O_NOFOLLOW``); the
    last component of a followed path_open is opened by path_open (guards its
    ``O_NOFOLLOW``: without it, f.txt swapped for a link opens outside.txt for writing)."""
    from wasmvm.wasi import sandbox

    box = race_layout(tmp_path)
    before = normalized(tmp_path)
    racing = RacingOs(name, swapper(box, name, kind))
    monkeypatch.setattr(sandbox, "os", racing)
    run = run_wasmvm(compile_c("race", "-O2"), Setup(["race", op], preopens=[(str(box), "/b")]))
    monkeypatch.undo()
    assert racing.swapped
    assert (run.exit_code, run.trap, run.stderr) == (0, None, b"")
    assert run.stdout.decode() == RACES[op, name, kind]
    after = normalized(tmp_path)
    assert {k: v for k, v in after.items() if not k.startswith("box/")} == {
        k: v for k, v in before.items() if not k.startswith("box/")}
