#!/usr/bin/env python3
"""Differential fuzzer: wasmvm (both tiers) against wasmtime, for as long as you like.

    python tools/fuzz.py --modules 20000                 # smith and generated, alternately
    python tools/fuzz.py --seconds 3600 --jobs 4 --source smith
    python tools/fuzz.py --modules 5000 --source generate --seed 7
    python tools/fuzz.py --source mutate --modules 1000000 --jobs 2   # robustness

Modules come from ``wasm-tools smith`` (wasmvm/difftest/smith.py) and from our own
generator (wasmvm/difftest/generate.py, driven by a seeded RNG): module ``i`` of a run
with ``--seed S`` is the same on every machine, so any finding is reproducible with
``--seed S --first i --modules 1``. Each module runs on wasmtime and on wasmvm's tiers
(wasmvm/difftest/run.py); a progress bar on stderr shows modules, calls and divergences.

A divergence that no known bug explains (wasmvm/difftest/known.py) is reduced: first the
calls (the fewest that still diverge), then the module with ``wasm-tools shrink`` under the
same predicate; the result is saved as fixtures/regressions/fuzz-SOURCE-SEED-I.{wasm,json}
(status "open": a strict xfail in tests/test_regressions.py until fixed). At most one
regression per kind of divergence is saved per run (``--max-saved``). Exit status 1 when a
new divergence was found.

``--source mutate`` fuzzes robustness instead (wasmvm/difftest/mutate.py): mutants of the
valid modules among the fixtures and the converted spec tests (.cache/spectest, present
once the spec tests ran) — bit flips, insertions, deletions, truncations, stretched
LEB128s, broken section sizes, sections swapped, dropped or repeated — each decoded,
validated, instantiated with stub imports and every export called under fuel, on the
reference and compiled tiers alternately, in worker processes with a memory cap
(--memory-mb) and a time limit per input (--input-seconds). Anything but success or a
typed wasmvm error is a bug, and so is a hang or a crashed worker; each distinct one is
saved as fixtures/hostile/mutate-SEED-I.{wasm,json}, which tests/test_hostile.py replays.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wasmvm.difftest.compare import Figures  # noqa: E402
from wasmvm.difftest.run import TIERS, DiffOptions  # noqa: E402

SOURCES = ("smith", "generate")
HOSTILE = ROOT / "fixtures" / "hostile"

# -- in the worker processes ---------------------------------------------------------------
_smith = None


def _init_worker() -> None:
    global _smith
    from wasmvm.difftest.smith import Smith, find_wasm_tools

    if find_wasm_tools() is not None:
        _smith = Smith()


def _options(args, reset_global=None) -> DiffOptions:
    return DiffOptions(fuel=args["fuel"], timeout=args["timeout"], tiers=args["tiers"],
                       reset_global=reset_global, fuel_mode=args["fuel_mode"])


def make_module(source: str, base: int, i: int):
    """(wasm, reset_global) of module ``i`` of a run with seed ``base``; wasm None if
    smith could not use its seed."""
    rng = random.Random(f"{base}:{i}")
    if source == "smith":
        from wasmvm.difftest.smith import seed_bytes

        return _smith.module(seed_bytes(rng)), None
    from wasmvm.difftest.generate import generate

    g = generate(rng)
    return g.wasm, g.reset_global


def run_one(task):
    """Worker: one module. Returns (source, i, Figures, divergence info or None)."""
    from wasmvm.difftest.known import triage
    from wasmvm.difftest.run import diff_module

    source, base, i, args = task
    fig = Figures(source)
    try:
        wasm, reset = make_module(source, base, i)
    except Exception as e:  # noqa: BLE001 - report, keep fuzzing
        return source, i, fig, {"error": f"generating: {type(e).__name__}: {e}"}
    if wasm is None:
        return source, i, fig, None
    options = _options(args, reset)
    report = diff_module(wasm, options=options, per_func=args["per_func"], seed=i,
                         name=f"{source} {base}:{i}")
    if not args["include_known"]:
        triage(report, wasm)
    fig.add(report)
    if report.status == "rejected" and source == "generate":
        return source, i, fig, {"error": "the generator made a module both engines reject"}
    if not report.divergences:
        return source, i, fig, None
    return source, i, fig, {"wasm": wasm, "reset": reset, "text": report.format(),
                            "kinds": sorted({(d.kind, d.side) for d in report.divergences})}


# -- robustness (--source mutate), in the worker processes ----------------------------------
_seeds: list[bytes] = []


class _Hang(Exception):
    pass


def _init_mutate_worker(memory_mb: int) -> None:
    import glob
    import resource

    from wasmvm.difftest.mutate import valid_seeds

    if memory_mb:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    paths = sorted(glob.glob(str(ROOT / "fixtures" / "**" / "*.wasm"), recursive=True))
    paths += sorted(glob.glob(str(ROOT / ".cache" / "spectest" / "*" / "*.wasm")))
    _seeds.extend(valid_seeds(paths))


def mutant(base: int, i: int) -> bytes:
    from wasmvm.difftest.mutate import mutate

    rng = random.Random(f"mutate:{base}:{i}")
    return mutate(rng.choice(_seeds), rng)


def run_mutants(task):
    """Worker: inputs first..end-1 of the run. Returns (counts, [(i, tier, what)])."""
    import signal

    from wasmvm.difftest.mutate import exercise

    base, first, end, seconds = task
    counts: dict[str, int] = {}
    bugs = []

    def alarm(signum, frame):
        raise _Hang()
    signal.signal(signal.SIGALRM, alarm)
    for i in range(first, end):
        tier = ("reference", "compiled")[i % 2]
        data = mutant(base, i)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            outcome, what = exercise(data, tier)
        except _Hang:
            outcome, what = "hang", f"hang: over {seconds:g} s"
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if what is not None:
            outcome = "bug" if outcome != "hang" else outcome
            bugs.append((i, tier, what))
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts, bugs


def main_mutate(a) -> int:
    """--source mutate: see the module docstring."""
    import json
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    total = None if a.seconds else (a.modules if a.modules is not None else 10_000)
    end_of_run = None if total is None else a.first + total
    batch = 250
    counts: dict[str, int] = {}
    found: dict[str, tuple[int, str, str]] = {}  # kind of failure -> first (i, tier, what)
    progress = Progress(total, a.seconds, ("mutants", "ran", "failures"))
    deadline = time.monotonic() + a.seconds if a.seconds else None
    done = 0
    nxt = a.first  # the first input not handed out yet

    def take():
        nonlocal nxt
        if end_of_run is not None and nxt >= end_of_run:
            return None
        if deadline is not None and time.monotonic() >= deadline:
            return None
        first, nxt = nxt, nxt + batch if end_of_run is None else min(nxt + batch, end_of_run)
        return first, nxt

    def record(result, first: int, end: int) -> None:
        nonlocal done
        batch_counts, bugs = result
        for k, n in batch_counts.items():
            counts[k] = counts.get(k, 0) + n
        for i, tier, what in bugs:
            found.setdefault(what[:80], (i, tier, what))
        done += end - first
        progress.update(done, counts.get("ran", 0), len(found))

    ctx = multiprocessing.get_context("spawn")
    while True:
        in_flight: dict = {}
        try:
            with ProcessPoolExecutor(a.jobs, mp_context=ctx, initializer=_init_mutate_worker,
                                     initargs=(a.memory_mb,)) as pool:
                while True:
                    while len(in_flight) < a.jobs * 4 and (span := take()) is not None:
                        task = (a.seed, *span, a.input_seconds)
                        in_flight[pool.submit(run_mutants, task)] = span
                    if not in_flight:
                        break
                    fut = next(iter(in_flight))
                    result = fut.result()
                    record(result, *in_flight.pop(fut))
            break
        except BrokenProcessPool:
            # a worker died (a crash, or killed at the memory cap): run each batch that was
            # in flight in a process of its own, and the one that dies input by input
            for first, end in in_flight.values():
                record(_bisect(a, first, end), first, end)
    progress.update(done, counts.get("ran", 0), len(found), final=True)
    bad = sum(n for k, n in counts.items() if k in ("bug", "hang", "crash"))
    print(f"mutants: {done:,} ({', '.join(f'{k} {n:,}' for k, n in sorted(counts.items()))}); "
          f"{bad} neither success nor a typed error, {len(found)} distinct")
    if found and not _seeds:
        _init_mutate_worker(0)
    for i, tier, what in found.values():
        HOSTILE.mkdir(parents=True, exist_ok=True)
        name = f"mutate-{a.seed}-{i}"
        (HOSTILE / f"{name}.wasm").write_bytes(mutant(a.seed, i))
        (HOSTILE / f"{name}.json").write_text(json.dumps(
            {"found_by": f"tools/fuzz.py --source mutate --seed {a.seed} --first {i} "
                         "--modules 1", "tier": tier, "what": what}, indent=1) + "\n")
        print(f"  {what}  (input {i}, {tier}; saved fixtures/hostile/{name}.wasm)")
    return 1 if found else 0


def _bisect(a, first: int, end: int):
    """run_mutants' result for inputs first..end-1, run in fresh processes: halves of a
    range whose process dies are run again, down to the inputs that kill it (counted as
    "crash")."""
    result = _isolated(a, first, end)
    if not isinstance(result, str):
        return result
    if end - first == 1:
        return {"crash": 1}, [(first, ("reference", "compiled")[first % 2], result)]
    mid = (first + end) // 2
    counts: dict[str, int] = {}
    bugs: list = []
    for part in (_bisect(a, first, mid), _bisect(a, mid, end)):
        for k, n in part[0].items():
            counts[k] = counts.get(k, 0) + n
        bugs += part[1]
    return counts, bugs


def _isolated(a, first: int, end: int):
    """Inputs first..end-1 in a fresh process: run_mutants' result, or (a str) how the
    process died."""
    import json
    import subprocess

    code = (f"import sys, json; sys.argv = ['fuzz']; import runpy; "
            f"m = runpy.run_path({str(Path(__file__).resolve())!r}); "
            f"m['_init_mutate_worker']({a.memory_mb}); "
            f"print(json.dumps(m['run_mutants'](({a.seed}, {first}, {end}, "
            f"{a.input_seconds}))))")
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=a.input_seconds * (end - first) + 120)
    except subprocess.TimeoutExpired:
        return "hang: the process did not end"
    if r.returncode != 0:
        return f"crash: exit status {r.returncode}: {r.stderr.strip()[-200:]}"
    return json.loads(r.stdout.strip().splitlines()[-1])


# -- in the parent ---------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on stderr (a line every 10 s when stderr is not a terminal)."""

    def __init__(self, total: int | None, seconds: float | None,
                 words: tuple[str, str, str] = ("modules", "calls", "divergent")):
        self.total, self.seconds, self.words = total, seconds, words
        self.start = time.monotonic()
        self.last = 0.0
        self.tty = sys.stderr.isatty()

    def update(self, done: int, calls: int, divergences: int, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last < (0.2 if self.tty else 10):
            return
        self.last = now
        elapsed = now - self.start
        frac = (done / self.total if self.total else
                min(elapsed / self.seconds, 1.0) if self.seconds else 0.0)
        bar = "=" * int(frac * 30)
        bar = (bar + ">").ljust(30)[:30]
        rate = done / elapsed if elapsed else 0.0
        items, runs, bad = self.words
        line = (f"[{bar}] {done:,}{'/' + format(self.total, ',') if self.total else ''} {items}"
                f"  {calls:,} {runs}  {divergences} {bad}  {rate:.1f}/s  "
                f"{int(elapsed) // 60}:{int(elapsed) % 60:02d}")
        if self.tty:
            sys.stderr.write("\r" + line + ("\n" if final else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def reduce_and_save(source: str, base: int, i: int, info: dict, args: dict, out: Path) -> Path:
    from wasmvm.difftest.reduce import minimize_calls, save_regression, shrink, still_diverges
    from wasmvm.difftest.run import diff_module, plan_calls

    wasm = info["wasm"]
    options = _options(args, info["reset"])
    kind = info["kinds"][0][0]
    first = diff_module(wasm, options=options, per_func=args["per_func"], seed=i)
    calls = plan_calls(first.exports, per_func=args["per_func"], seed=i)
    known = not args["include_known"]
    calls = minimize_calls(wasm, calls, kind, options, known)
    small = shrink(wasm, calls, kind, options, known=known) if not args["no_shrink"] else wasm
    report = (still_diverges(small, calls, kind, options, known)
              or still_diverges(wasm, calls, kind, options, known))
    if report is None or not report.divergences:
        small, report = wasm, first
    return save_regression(f"fuzz-{source}-{base}-{i}", small, calls, report,
                           found_by=f"tools/fuzz.py --source {source} --seed {base} --first {i} "
                                    f"--modules 1", options=options, directory=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument("--modules", type=int, help="how many modules (default 1000)")
    limit.add_argument("--seconds", type=float, help="run for this long instead")
    parser.add_argument("--source", choices=(*SOURCES, "both", "mutate"), default="both")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--first", type=int, default=0, help="index of the first module")
    parser.add_argument("--per-func", type=int, default=4, help="calls per exported function")
    parser.add_argument("--fuel", type=int, default=1_000_000, help="wasmtime fuel per call")
    parser.add_argument("--timeout", type=float, default=30.0, help="wasmvm seconds per call")
    parser.add_argument("--tier", choices=(*TIERS, "both"), default="both")
    parser.add_argument("--fuel-mode", action="store_true", help="compare fuel accounting too")
    parser.add_argument("--no-reduce", action="store_true", help="report, do not reduce or save")
    parser.add_argument("--include-known", action="store_true",
                        help="count divergences that known bugs explain (wasmvm/difftest/known.py)")
    parser.add_argument("--no-shrink", action="store_true", help="reduce the calls only")
    parser.add_argument("--max-saved", type=int, default=1,
                        help="regressions saved per kind of divergence (default 1)")
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures" / "regressions",
                        help="where regressions go")
    parser.add_argument("--memory-mb", type=int, default=2048,
                        help="--source mutate: address-space cap of each worker (0: none)")
    parser.add_argument("--input-seconds", type=float, default=10.0,
                        help="--source mutate: time limit per input")
    a = parser.parse_args(argv)
    if a.source == "mutate":
        return main_mutate(a)
    total = None if a.seconds else (a.modules if a.modules is not None else 1000)
    sources = SOURCES if a.source == "both" else (a.source,)
    args = {"fuel": a.fuel, "timeout": a.timeout, "per_func": a.per_func,
            "tiers": TIERS if a.tier == "both" else (a.tier,), "fuel_mode": a.fuel_mode,
            "no_shrink": a.no_shrink, "include_known": a.include_known}

    def tasks():
        i = a.first
        while total is None or i < a.first + total:
            yield sources[i % len(sources)], a.seed, i, args
            i += 1

    figures = {s: Figures(s) for s in sources}
    found: list[tuple[str, int, dict]] = []
    errors: list[str] = []
    progress = Progress(total, a.seconds)
    deadline = time.monotonic() + a.seconds if a.seconds else None
    done = 0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(a.jobs, initializer=_init_worker) as pool:
        try:
            for source, i, fig, info in pool.imap_unordered(run_one, tasks(), chunksize=4):
                done += 1
                figures[source].merge(fig)
                if info is not None and "error" in info:
                    errors.append(f"{source} {a.seed}:{i}: {info['error']}")
                elif info is not None:
                    found.append((source, i, info))
                    sys.stderr.write(f"\n{info['text']}\n")
                progress.update(done, sum(f.calls for f in figures.values()), len(found))
                if deadline is not None and time.monotonic() >= deadline:
                    pool.terminate()
                    break
        except KeyboardInterrupt:
            pool.terminate()
            sys.stderr.write("\ninterrupted\n")
    progress.update(done, sum(f.calls for f in figures.values()), len(found), final=True)

    for fig in figures.values():
        print(fig.summary())
    for e in errors[:20]:
        print(f"error: {e}")
    saved: dict[tuple, int] = {}
    for source, i, info in found:
        key = tuple(info["kinds"])
        print(f"divergence: {source} module {i} (rerun: tools/fuzz.py --source {source} "
              f"--seed {a.seed} --first {i} --modules 1): {', '.join(k for k, _ in info['kinds'])}")
        if a.no_reduce or saved.get(key, 0) >= a.max_saved:
            continue
        path = reduce_and_save(source, a.seed, i, info, args, a.out)
        saved[key] = saved.get(key, 0) + 1
        print(f"  reduced and saved: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 1 if found or errors else 0


if __name__ == "__main__":
    sys.exit(main())
