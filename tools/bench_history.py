"""Measure the Debugger's history (issue 19's acceptance): the memory that a million
steps of history take for a loop-heavy program, and the time to go back a million steps.

    PYTHONPATH=. python tools/bench_history.py [--steps N] [--tracemalloc]

The program is a loop that writes memory and a global on every iteration (14
instructions per iteration, 4 bytes stored each time, in a 64 KiB memory): by default
at consecutive addresses (each checkpoint has a chunk of memory of its own), with
``--scatter`` 4,660 bytes apart (every checkpoint has all 16 chunks of the page: the
worst case of a one-page memory). It steps the call ``--steps`` times
(``Debugger.step``), then reports:

- the memory the history holds: the growth of the process's resident set size (RSS,
  from /proc/self/statm) over the stepping, the peak traced by ``tracemalloc`` when
  ``--tracemalloc`` is given (slower: every allocation is traced), and the history's
  own estimate (``History.nbytes``);
- the time of ``goto(step_count - N)`` (going back N steps, from the end), and of
  ``back()`` at random steps (each restores a checkpoint and re-runs up to ``every``
  steps), with a check that the state there is the one recorded on the way.

Figures are printed, never asserted: tests never time anything.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wasmvm import Instance, Module, Store  # noqa: E402
from wasmvm.observe.stepper import Debugger  # noqa: E402
from wasmvm.wat import to_binary  # noqa: E402

LOOP = """
(module
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $acc i32)
    (loop $l
      (i32.store (i32.and (i32.mul (local.get $i) (i32.const STRIDE)) (i32.const 0xfffc))
                 (local.get $acc))
      (local.set $acc (i32.add (local.get $acc) (local.get $i)))
      (global.set $g (local.get $acc))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))
"""


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--back", type=int, default=None, help="steps to go back (default: --steps)")
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--samples", type=int, default=50)
    ap.add_argument("--scatter", action="store_true", help="store 4,660 bytes apart")
    args = ap.parse_args()
    back = args.steps if args.back is None else args.back

    store = Store()
    stride = 0x1234 if args.scatter else 4
    module = Module(store.engine, to_binary(LOOP.replace("STRIDE", str(stride)).encode()))
    func = Instance(store, module, []).exports(store)["loop"]
    dbg = Debugger(store, func, [10**9])
    gc.collect()
    if args.tracemalloc:
        tracemalloc.start()
    rss0 = rss()
    probes = set(random.Random(1).sample(range(args.steps), args.samples))
    seen = {}
    t0 = time.perf_counter()
    while dbg.step_count < args.steps:
        if dbg.step_count in probes:
            s = dbg.state
            seen[dbg.step_count] = (s.pc, s.raw_stack, s.raw_locals, dbg.history.world.fuel)
        dbg.step()
    t_record = time.perf_counter() - t0
    gc.collect()
    grown = rss() - rss0
    traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    if args.tracemalloc:
        tracemalloc.stop()
    h = dbg.history
    print(f"program: a loop of 14 instructions writing memory ({stride} bytes apart) and a "
          f"global; "
          f"{args.steps:,} steps recorded in {t_record:.1f} s "
          f"({t_record / args.steps * 1e6:.1f} us/step)")
    print(f"checkpoints: {len(h.checkpoints):,} (every {h.every} steps), history starts "
          f"at step {h.start:,}")
    print(f"memory: RSS grew {grown / 2**20:.1f} MiB; history estimate "
          f"{h.nbytes / 2**20:.1f} MiB" + (f"; tracemalloc peak {traced / 2**20:.1f} MiB"
                                           if traced is not None else ""))

    target = dbg.step_count - back
    t0 = time.perf_counter()
    dbg.goto(target)
    t_back = time.perf_counter() - t0
    print(f"goto({target:,}) from step {target + back:,} (back {back:,} steps): "
          f"{t_back * 1000:.1f} ms")

    worst = 0.0
    total = 0.0
    bad = 0
    for n in sorted(probes):
        dbg.goto(n + 1)
        t0 = time.perf_counter()
        s = dbg.back()
        dt = time.perf_counter() - t0
        total += dt
        worst = max(worst, dt)
        if (s.pc, s.raw_stack, s.raw_locals, dbg.history.world.fuel) != seen[n]:
            bad += 1
    print(f"back() at {len(probes)} random steps: mean {total / len(probes) * 1000:.1f} ms, "
          f"worst {worst * 1000:.1f} ms; states differing from the recorded ones: {bad}")


if __name__ == "__main__":
    main()
