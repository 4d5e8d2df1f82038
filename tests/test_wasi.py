"""WASI programs of ours, compiled by clang at -O0 and -O2, run on wasmvm and on wasmtime
with the same argv, environment, stdin and preopened directories: stdout, stderr, the exit
code (or the kind of trap) and every file written must be identical.

The C sources are in tests/c/wasi/; tests/wasi_harness.py compiles them into
.cache/wasi-c/ and runs them. ``python -m tests.test_wasi`` prints the table of times.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.wasi_harness import OPT_LEVELS, Run, Setup, compile_c, run_wasmtime, run_wasmvm, snapshot


@dataclass
class Case:
    id: str
    program: str
    args: list[str] = field(default_factory=list)
    env: list[tuple[str, str]] = field(default_factory=list)
    stdin: bytes = b""
    preopen: Callable[[Path], None] | None = None  # lays out the preopened /data
    expect_exit: int | None = 0
    expect_trap: str | None = None
    expect_out: tuple[str, ...] = ()  # must be in stdout (both engines agreeing is not enough)


def _errno_layout(root: Path) -> None:
    (root / "file.txt").write_text("0123456789")
    (root / "dir").mkdir()


STDIN_TEXT = (b"hello world\nsecond line\n\tthird, with a tab\n12 30 2.5\n"
              b"the rest of it\nspans  several   lines\n\nand ends without a newline")

CASES = [
    Case("hello", "hello", expect_out=("Hello, world!",)),
    Case("printf", "printf", expect_out=("[-42] [42]", "[0x1.999999999999ap-4]", "[-nan]",
                                         "snprintf -> 27")),
    Case("memory", "memory", expect_out=("churn checksum", "big block: first a5 last 01",
                                         "qsort sorted 1")),
    Case("args_env", "args_env",
         args=["one", "two words", "", "\u00fcn\u00efc\u00f6d\u00e9 \u2713", "--flag=x"],
         env=[("HOME", "/home/wasm"), ("GREETING", "hello world"), ("EMPTY", ""),
              ("UNICODE", "\u00f1\u20ac=still value")],
         expect_out=("argc=6", "getenv(GREETING) = [hello world]", "NEW_VAR=new")),
    Case("stdin", "stdin", stdin=STDIN_TEXT,
         expect_out=("line 1 (12 bytes): HELLO WORLD", "scanf got 3: 12 + 30 = 42")),
    Case("stdin-empty", "stdin", expect_out=("scanf got -1",)),
    Case("files", "files", args=["/data"], preopen=lambda root: None,
         expect_out=("listed 91 entries and 2 dot entries", "nlink 2", "create outside: ok")),
    Case("clocks", "clocks", expect_out=("monotonic went backwards 0 times",
                                         "waited 10 ms: 1", "2009-02-13 23:31:30")),
    Case("errno", "errno_cases", preopen=_errno_layout, expect_out=("fd_allocate",)),
    Case("exit-return-0", "exit", ["return", "0"]),
    Case("exit-return-3", "exit", ["return", "3"], expect_exit=3),
    Case("exit-exit-42", "exit", ["exit", "42"], expect_exit=42),
    Case("exit-exit-125", "exit", ["exit", "125"], expect_exit=125),
    Case("exit-_Exit-7", "exit", ["_Exit", "7"], expect_exit=7),
    Case("exit-exit-126", "exit", ["exit", "126"], expect_exit=None,
         expect_trap="INVALID_EXIT_STATUS"),
    Case("exit-return-255", "exit", ["return", "255"], expect_exit=None,
         expect_trap="INVALID_EXIT_STATUS"),
    *(Case(f"trap-{how}", "trap", [how], expect_exit=None, expect_trap=kind,
           expect_out=(f"about to trap by {how}",))
      for how, kind in [("abort", "UNREACHABLE"), ("builtin", "UNREACHABLE"),
                        ("divzero", "INTEGER_DIVISION_BY_ZERO"),
                        ("overflow", "INTEGER_OVERFLOW"), ("oob", "MEMORY_OUT_OF_BOUNDS"),
                        ("nullcall", "INDIRECT_CALL_TO_NULL")]),
]

TIERS = ("compiled", "reference")


def run_both(case: Case, opt: str, tier: str = "compiled") -> tuple[Run, Run, dict, dict]:
    """The case on wasmvm and on wasmtime, each with a fresh copy of its directory."""
    wasm = compile_c(case.program, opt)
    results = []
    with tempfile.TemporaryDirectory() as d:
        for name, runner in (("wasmvm", run_wasmvm), ("wasmtime", run_wasmtime)):
            root = Path(d) / name
            root.mkdir()
            preopens = []
            if case.preopen is not None:
                case.preopen(root)
                preopens = [(str(root), "/data")]
            setup = Setup([case.program, *case.args], case.env, case.stdin, preopens, tier=tier)
            run = runner(wasm, setup)
            results.append((run, snapshot(root)))
    (vm, vm_files), (wt, wt_files) = results
    return vm, wt, vm_files, wt_files


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("opt", OPT_LEVELS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_program_matches_wasmtime(case: Case, opt: str, tier: str):
    vm, wt, vm_files, wt_files = run_both(case, opt, tier)
    assert vm.stdout == wt.stdout
    assert vm.stderr == wt.stderr
    assert (vm.exit_code, vm.trap) == (wt.exit_code, wt.trap)
    assert vm_files == wt_files
    # And what both did is what the program is meant to do.
    assert (vm.exit_code, vm.trap) == (case.expect_exit, case.expect_trap)
    out = vm.stdout.decode("utf-8", "replace")
    for text in case.expect_out:
        assert text in out, f"{text!r} not in the output"
    assert "FAILED" not in out and "WRONG" not in out


def test_files_program_leaves_its_files():
    """The files program's directory afterwards, beyond matching wasmtime's."""
    vm, _, files, _ = run_both(next(c for c in CASES if c.id == "files"), "-O2")
    assert files["dir/renamed.txt"].startswith(b"line 1: odd\n")
    assert files["dir/renamed.txt"].endswith(b"appended\n")
    assert files["dir/symlink.txt"] == ("link", "renamed.txt")
    assert files["dir/posix.txt"] == b"0123+app"
    assert len([k for k in files if k.startswith("many/")]) == 91
    assert "dir/lines.txt" not in files and "dir/sub2" not in files


# -- wasmvm run -------------------------------------------------------------------------------
def wasmvm_run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wasmvm", "run", *args], input=stdin,
                          capture_output=True, timeout=120)


def test_run_hello_world_at_o2():
    r = wasmvm_run(str(compile_c("hello", "-O2")))
    assert (r.returncode, r.stdout, r.stderr) == (0, b"Hello, world!\n", b"")


def test_run_passes_arguments_environment_and_stdin():
    wasm = str(compile_c("args_env", "-O2"))
    r = wasmvm_run("--env", "GREETING=hi there", "--env", "EMPTY=", wasm, "a b", "--not-an-option")
    out = r.stdout.decode()
    assert r.returncode == 0
    assert f"argv[0]=[{wasm}]" in out and "argv[1]=[a b]" in out and "argv[2]=[--not-an-option]" in out
    assert "environ[0]=[GREETING=hi there]" in out and "environ[1]=[EMPTY=]" in out
    r = wasmvm_run(str(compile_c("stdin", "-O2")), stdin=STDIN_TEXT)
    assert "scanf got 3: 12 + 30 = 42" in r.stdout.decode()


def test_run_exit_code_and_atexit():
    r = wasmvm_run(str(compile_c("exit", "-O2")), "exit", "42")
    assert r.returncode == 42
    assert r.stdout == b"exiting by exit with 42 (buffered, no newline)atexit handler one\n"
    assert r.stderr == b"stderr before exit\natexit handler two\n"


def test_run_trap_prints_message_and_named_backtrace():
    r = wasmvm_run(str(compile_c("trap", "-O0")), "divzero")
    assert r.returncode == 134
    assert r.stdout == b"about to trap by divzero\n"
    err = r.stderr.decode()
    assert err.startswith("stderr before the trap\ntrap: integer divide by zero at offset 0x")
    frames = [line.strip() for line in err.splitlines() if line.startswith("  in ")]
    assert frames[:3] == ["in divide", "in crash", "in main"] and frames[-1].startswith("in _start")


def test_run_preopened_directory(tmp_path):
    r = wasmvm_run("--dir", f"{tmp_path}::/data", str(compile_c("files", "-O2")), "/data")
    assert r.returncode == 0 and "FAILED" not in r.stdout.decode()
    assert (tmp_path / "dir" / "posix.txt").read_bytes() == b"0123+app"
    assert not (tmp_path.parent / "escape.txt").exists()
    r = wasmvm_run("--dir", str(tmp_path / "missing"), str(compile_c("hello", "-O2")))
    assert r.returncode == 1 and b"not a directory" in r.stderr


def test_run_invoke_calls_a_reactor_export():
    wasm = str(compile_c("reactor", "-O2"))
    r = wasmvm_run("--env", "BASE=1000", "--invoke", "add", wasm, "1", "2")
    assert (r.returncode, r.stdout) == (0, b"add(1, 2) with base 1000\ni32:1003\n")
    r = wasmvm_run("--invoke", "scale", wasm, "1.5")
    assert r.stdout == b"f64:150.0\n"
    r = wasmvm_run(wasm)
    assert r.returncode == 1
    assert b"exports no _start function" in r.stderr and b"add, scale" in r.stderr


def test_run_with_fuel():
    wasm = str(compile_c("hello", "-O2"))
    r = wasmvm_run("--fuel", "100", wasm)
    assert r.returncode == 134 and b"trap: all fuel consumed by WebAssembly" in r.stderr
    assert wasmvm_run("--fuel", "10000000", wasm).stdout == b"Hello, world!\n"


# -- the embedding API ---------------------------------------------------------------------------
def test_config_streams_files_and_callbacks(tmp_path):
    from wasmvm.api import Linker, Module, Store
    from wasmvm.wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

    (tmp_path / "in.txt").write_bytes(STDIN_TEXT)
    chunks = []
    config = WasiConfig()
    config.argv = ["stdin"]
    config.stdin_file = tmp_path / "in.txt"
    config.stdout_custom = chunks.append
    config.stderr_file = tmp_path / "err.txt"
    store = Store()
    ctx = set_wasi(store, config)
    linker = Linker(store.engine)
    define_wasi(linker, store)
    instance = linker.instantiate(store, Module.from_file(store.engine, compile_c("stdin")))
    instance.exports(store)["_start"](store)
    ctx.close()
    assert b"".join(chunks).startswith(b"line 1 (12 bytes): HELLO WORLD\n")
    assert (tmp_path / "err.txt").read_bytes() == b""
    with pytest.raises(FileNotFoundError):
        config.stdin_file = tmp_path / "missing"
    with pytest.raises(NotADirectoryError):
        config.preopen_dir(tmp_path / "in.txt", "/x")
    with pytest.raises(AttributeError):
        config.stdin_file  # noqa: B018 - write-only, as in wasmtime-py

    config = WasiConfig()
    config.argv = ["exit", "exit", "9"]
    store = Store()
    set_wasi(store, config)  # stdout and stderr discarded
    linker = Linker(store.engine)
    define_wasi(linker, store)
    instance = linker.instantiate(store, Module.from_file(store.engine, compile_c("exit")))
    with pytest.raises(ExitTrap) as e:
        instance.exports(store)["_start"](store)
    assert e.value.code == 9 and "exit status 9" in str(e.value)


def test_wasmtime_style_methods():
    """``linker.define_wasi()`` then ``store.set_wasi(config)``, as with wasmtime-py."""
    from wasmvm.api import Linker, LinkError, Module, Store
    from wasmvm.wasi import WasiConfig

    if not hasattr(Linker, "define_wasi"):
        pytest.skip("Linker.define_wasi and Store.set_wasi are not in wasmvm.api yet")
    module = Module.from_file(None, compile_c("hello", "-O2"))
    linker = Linker()
    linker.define_wasi()
    for _ in range(2):  # one linker, several stores, each with its own config
        out = io.BytesIO()
        config = WasiConfig()
        config.stdout_stream = out
        store = Store(linker.engine)
        store.set_wasi(config)
        linker.instantiate(store, module).exports(store)["_start"](store)
        assert out.getvalue() == b"Hello, world!\n"
    with pytest.raises(LinkError, match="no WASI context"):
        linker.instantiate(Store(linker.engine), module)


def test_wasi_functions_have_the_witx_layouts():
    from wasmvm.wasi import types as t

    assert (t.FDSTAT.size, t.FILESTAT.size, t.DIRENT.size, t.PRESTAT.size,
            t.SUBSCRIPTION.size, t.EVENT.size, t.IOVEC.size) == (24, 64, 24, 8, 48, 32, 8)
    assert len(t.Errno) == 77 and t.Errno.NOTCAPABLE == 76
    assert t.ALL_RIGHTS == (1 << 30) - 1
    assert len(t.FUNCTIONS) == 46


if __name__ == "__main__":  # python -m tests.test_wasi: the table of times
    print(f"{'program':18} {'opt':4} {'compiled':>10} {'reference':>10} {'wasmtime':>9}")
    for case in CASES:
        for opt in OPT_LEVELS:
            times, verdict = [], "identical"
            for tier in TIERS:
                vm, wt, vm_files, wt_files = run_both(case, opt, tier)
                times.append(vm.seconds)
                if (vm.stdout, vm.stderr, vm.exit_code, vm.trap, vm_files) != (
                        wt.stdout, wt.stderr, wt.exit_code, wt.trap, wt_files):
                    verdict = f"DIFFERENT on {tier}"
            print(f"{case.id:18} {opt:4} {times[0] * 1000:8.1f}ms {times[1] * 1000:8.1f}ms "
                  f"{wt.seconds * 1000:7.1f}ms  {verdict}", flush=True)
