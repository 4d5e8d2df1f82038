"""Issue 17's memory acceptance: a loop that allocates short-lived structs runs in bounded
memory. Each run is a fresh process (so its peak RSS is its own): it loops N times doing
``struct.new`` and keeps only the last struct in a local, on the compiled tier, and
reports the peak RSS (``ru_maxrss``) and the time.

    python tools/gc_memory.py                    # 1,000,000 and 10,000,000 iterations
    python tools/gc_memory.py --counts 100000    # other counts
    python tools/gc_memory.py --tier reference

Peak RSS should be about the same for every count: the structs die young and Python's
reference counting frees each one when the local is overwritten.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

WAT = """(module
  (type $pair (struct (field (mut i32)) (field i64)))
  (func (export "churn") (param $n i32) (result i32)
    (local $last (ref null $pair))
    (loop $again
      (local.set $last (struct.new $pair (local.get $n) (i64.const 7)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (struct.get $pair 0 (local.get $last))))
"""


def run_one(count: int, tier: str) -> dict:
    """In this process: the loop of ``count`` iterations; peak RSS in MiB and seconds."""
    import resource
    import tempfile
    from pathlib import Path

    from wasmvm import Instance, Module, Store
    from wasmvm.api import Config, Engine
    from wasmvm.script.convert import find_wasm_tools

    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "churn.wat"
        src.write_text(WAT)
        out = Path(d) / "churn.wasm"
        subprocess.run([str(find_wasm_tools()), "parse", str(src), "-o", str(out)], check=True)
        binary = out.read_bytes()
    store = Store(Engine(Config(tier=tier)))
    churn = Instance(store, Module(store.engine, binary), []).exports(store)["churn"]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    last = churn(store, count)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    assert last == 1, last
    return {"iterations": count, "tier": tier, "seconds": round(seconds, 2),
            "peak_rss_mib": round(peak / 1024, 1), "rss_before_loop_mib": round(before / 1024, 1),
            "per_iteration_ns": round(seconds / count * 1e9)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--counts", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--tier", choices=("compiled", "reference"), default="compiled")
    p.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's own run
    args = p.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.tier)))
        return 0
    for count in args.counts:
        out = subprocess.run([sys.executable, __file__, "--one", str(count), "--tier", args.tier],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        print(f"{r['iterations']:>11,} iterations ({r['tier']}): {r['seconds']:7.2f} s, "
              f"{r['per_iteration_ns']} ns each; peak RSS {r['peak_rss_mib']} MiB "
              f"({r['rss_before_loop_mib']} MiB before the loop)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
