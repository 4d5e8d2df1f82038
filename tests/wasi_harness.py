"""Shared by the WASI tests: compile our C programs for wasm32-wasi (cached) and run a
binary on wasmvm and on wasmtime with the same argv, environment, stdin and preopened
directories, capturing everything a comparison needs.

The C toolchain is Debian's clang + lld + wasi-libc + libclang-rt-dev-wasm32
(``tools/setup-toolchain.sh``). Without it the C tests skip with the reason, except
under ``CI=true``, where they fail: CI installs the toolchain, so a missing one is a bug.

Compiled binaries go to ``<repo>/.cache/wasi-c/`` (never into git), named by a hash of
the source, the flags and the compiler's version, so an edited program compiles again
and an unchanged one costs one hash.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
C_DIR = ROOT / "tests" / "c" / "wasi"
CACHE = ROOT / ".cache" / "wasi-c"

#: -mno-simd128: wasmvm does not execute SIMD yet, and clang -O2 would vectorise loops.
BASE_FLAGS = ("--target=wasm32-wasi", "-mno-simd128", "-Wall", "-Werror")
OPT_LEVELS = ("-O0", "-O2")


# -- the toolchain ---------------------------------------------------------------------
@functools.cache
def toolchain_problem() -> str | None:
    """None when clang can build wasm32-wasi programs here, else why not."""
    clang = shutil.which("clang")
    if clang is None:
        return ("clang is not installed (Debian: apt-get install clang lld wasi-libc "
                "libclang-rt-dev-wasm32; tools/setup-toolchain.sh does it as root)")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "t.c"
        src.write_text("int main(void) { return 0; }\n")
        r = subprocess.run([clang, *BASE_FLAGS, str(src), "-o", str(Path(d) / "t.wasm")],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return ("clang cannot build wasm32-wasi programs (need lld, wasi-libc, "
                    f"libclang-rt-dev-wasm32): {r.stderr.strip()[:400]}")
    return None


def require_toolchain() -> None:
    problem = toolchain_problem()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the C toolchain is missing: {problem}")
    pytest.skip(problem)


@functools.cache
def _clang_version() -> str:
    return subprocess.run(["clang", "--version"], capture_output=True, text=True).stdout


def extra_flags(source: str) -> tuple[str, ...]:
    """Flags a program asks for in a comment line ``cflags: ...`` near its top (libraries
    such as ``-lc-printscan-long-double``)."""
    for line in source.splitlines()[:30]:
        _, sep, rest = line.partition("cflags:")
        if sep:
            return tuple(rest.split())
    return ()


def compile_c(name: str, opt: str = "-O2") -> Path:
    """``tests/c/wasi/<name>.c`` compiled at ``opt``; the cached .wasm's path."""
    require_toolchain()
    src = C_DIR / f"{name}.c"
    flags = (*BASE_FLAGS, opt)
    libs = extra_flags(src.read_text())
    key = hashlib.sha256(src.read_bytes() + repr(flags + libs).encode()
                         + _clang_version().encode())
    out = CACHE / f"{name}{opt}-{key.hexdigest()[:16]}.wasm"
    if out.exists():
        return out
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=CACHE, suffix=".tmp", delete=False) as tmp:
        tmp_path = Path(tmp.name)
    try:
        r = subprocess.run(["clang", *flags, str(src), *libs, "-o", str(tmp_path)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            pytest.fail(f"clang {' '.join(flags)} {src.name} failed:\n{r.stderr}")
        os.replace(tmp_path, out)  # atomic: parallel runs never see half a file
    finally:
        tmp_path.unlink(missing_ok=True)
    return out


# -- one run -----------------------------------------------------------------------------
#: Phrases of wasmtime's trap messages -> wasmvm's TrapCode names.
WASMTIME_TRAPS = {
    "unreachable": "UNREACHABLE",
    "integer divide by zero": "INTEGER_DIVISION_BY_ZERO",
    "integer overflow": "INTEGER_OVERFLOW",
    "out of bounds memory access": "MEMORY_OUT_OF_BOUNDS",
    "uninitialized element": "INDIRECT_CALL_TO_NULL",
    "undefined element": "TABLE_OUT_OF_BOUNDS",
    "indirect call type mismatch": "BAD_SIGNATURE",
    "call stack exhausted": "STACK_OVERFLOW",
    "invalid exit status": "INVALID_EXIT_STATUS",
    "Invalid enum value": "INVALID_ARGUMENT",
    "Invalid flag value": "INVALID_ARGUMENT",
    "Pointer out of bounds": "MEMORY_OUT_OF_BOUNDS",
    "Pointer not aligned": "HEAP_MISALIGNED",
}


def wasmvm_trap_kind(trap) -> str:
    if "exit status outside" in trap.message:
        return "INVALID_EXIT_STATUS"
    if trap.message.startswith("invalid WASI argument"):
        return "INVALID_ARGUMENT"
    return trap.code.name


def wasmtime_trap_kind(text: str) -> str:
    for phrase, kind in WASMTIME_TRAPS.items():
        if phrase in text:
            return kind
    return text

@dataclass
class Run:
    """What a program did: its output, how it ended and how long it took."""

    stdout: bytes
    stderr: bytes
    exit_code: int | None  # None when it trapped
    trap: str | None = None  # why it trapped: a wasmvm TrapCode name
    seconds: float = 0.0
    extra: dict = field(default_factory=dict)


@dataclass
class Setup:
    """The inputs of a run; ``preopens`` are (host_dir, guest_path)."""

    argv: list[str]
    env: list[tuple[str, str]] = field(default_factory=list)
    stdin: bytes = b""
    preopens: list[tuple[str, str]] = field(default_factory=list)
    readonly: set[str] = field(default_factory=set)  # guest paths preopened read-only
    tier: str = "compiled"  # wasmvm's execution tier


def run_wasmvm(wasm: Path, setup: Setup) -> Run:
    from wasmvm.api import Config, Engine, Linker, Module, Store
    from wasmvm.errors import Trap
    from wasmvm.wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

    out, err = io.BytesIO(), io.BytesIO()
    config = WasiConfig()
    config.argv = setup.argv
    config.env = setup.env
    config.stdin_bytes = setup.stdin
    config.stdout_stream = out
    config.stderr_stream = err
    for host, guest in setup.preopens:
        config.preopen_dir(host, guest, fs_mutable=guest not in setup.readonly)
    start = time.perf_counter()
    store = Store(Engine(Config(tier=setup.tier)))
    ctx = set_wasi(store, config)
    linker = Linker(store.engine)
    define_wasi(linker, store)
    module = Module(store.engine, wasm.read_bytes())
    code, trap = 0, None
    try:
        linker.instantiate(store, module).exports(store)["_start"](store)
    except ExitTrap as e:
        code = e.code
    except Trap as e:
        code, trap = None, wasmvm_trap_kind(e)
    finally:
        ctx.close()
    return Run(out.getvalue(), err.getvalue(), code, trap, time.perf_counter() - start)


@functools.cache
def _wasmtime_module(wasm: Path):
    import wasmtime

    engine = _wasmtime_engine()
    return engine, wasmtime.Module.from_file(engine, str(wasm))


@functools.cache
def _wasmtime_engine():
    import wasmtime

    return wasmtime.Engine()


def run_wasmtime(wasm: Path, setup: Setup) -> Run:
    """The reference run (its module compiled once per binary and cached; the time
    reported is instantiation and execution)."""
    import wasmtime

    engine, module = _wasmtime_module(wasm)

    with tempfile.TemporaryDirectory() as d:
        stdin = Path(d) / "stdin"
        stdin.write_bytes(setup.stdin)
        stdout, stderr = Path(d) / "stdout", Path(d) / "stderr"
        config = wasmtime.WasiConfig()
        config.argv = setup.argv
        config.env = setup.env
        config.stdin_file = str(stdin)
        config.stdout_file = str(stdout)
        config.stderr_file = str(stderr)
        for host, guest in setup.preopens:
            config.preopen_dir(host, guest, guest not in setup.readonly)
        start = time.perf_counter()
        store = wasmtime.Store(engine)
        store.set_wasi(config)
        linker = wasmtime.Linker(engine)
        linker.define_wasi()
        code, trap = 0, None
        try:
            linker.instantiate(store, module).exports(store)["_start"](store)
        except wasmtime.ExitTrap as e:
            code = e.code
        except (wasmtime.Trap, wasmtime.WasmtimeError) as e:
            code, trap = None, wasmtime_trap_kind(str(e))
        seconds = time.perf_counter() - start
        del store  # closes the stdio files before they are read
        return Run(stdout.read_bytes(), stderr.read_bytes(), code, trap, seconds)


# -- files ---------------------------------------------------------------------------------
def snapshot(root: Path) -> dict[str, object]:
    """Everything under ``root`` by relative path: file bytes, ("dir",) or ("link", target).
    Timestamps and inode numbers are left out: they differ between any two runs."""
    out: dict[str, object] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                out[rel] = ("link", os.readlink(p))
            elif p.is_dir():
                out[rel] = ("dir",)
            else:
                out[rel] = p.read_bytes()
    return out
