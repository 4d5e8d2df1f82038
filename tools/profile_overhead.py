#!/usr/bin/env python3
"""What profiling costs: each benchmark of tools/bench/ called with and without a
``wasmvm.observe.profile.Profiler`` on, on both tiers, interleaved, medians.

    python tools/profile_overhead.py                 every benchmark, 3 repetitions
    python tools/profile_overhead.py -b fib,qsort -r 5

The compiled tier is called once before timing (its translation is not measured); the
reference tier runs a tenth of the benchmark's work (``Benchmark.scaled``: its
instrumented loop is slow). The ratio is profiled time / plain time, in this process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench  # noqa: E402

from wasmvm import Config, Engine, Instance, Module, Store  # noqa: E402
from wasmvm.observe.profile import Profiler  # noqa: E402


def once(data: bytes, tier: str, n: int, profiled: bool) -> tuple[float, int]:
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    run = Instance(store, Module(engine, data), []).exports(store)["run"]
    run(store, 1)  # translated (compiled tier) before the timing
    started = time.perf_counter()
    if profiled:
        with Profiler(store) as prof:
            run(store, n)
        calls = sum(f.calls for f in prof.functions())
    else:
        run(store, n)
        calls = 0
    return time.perf_counter() - started, calls


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-b", "--benchmarks", help="comma-separated names (default: all)")
    ap.add_argument("-r", "--reps", type=int, default=3)
    args = ap.parse_args(argv)
    benches = bench.load_benchmarks(args.benchmarks.split(",") if args.benchmarks else None)
    print(f"{'benchmark':<11} {'tier':<9} {'calls':>9} {'plain s':>8} {'profiled s':>10} "
          f"{'ratio':>6}")
    ratios: dict[str, list[float]] = {"compiled": [], "reference": []}
    for b in benches:
        data = bench.build(b).read_bytes()
        for tier in ("compiled", "reference"):
            n = b.n if tier == "compiled" else b.scaled(0.1)
            plain, prof = [], []
            calls = 0
            for _ in range(args.reps):
                plain.append(once(data, tier, n, False)[0])
                t, calls = once(data, tier, n, True)
                prof.append(t)
            p, q = statistics.median(plain), statistics.median(prof)
            ratios[tier].append(q / p)
            print(f"{b.name:<11} {tier:<9} {calls:9,} {p:8.3f} {q:10.3f} {q / p:5.2f}x")
    for tier, rs in ratios.items():
        if rs:
            print(f"geomean {tier}: {statistics.geometric_mean(rs):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
