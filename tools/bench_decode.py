"""Decode throughput and peak memory of wasmvm's decoder (and pywasm's, for comparison).

    python tools/bench_decode.py FILE.wasm [FILE.wasm ...] [--pywasm] [--repeat N] [--json]

Each measurement runs in a fresh subprocess, so peak RSS is that decoder's own. A large
real module to try: esbuild's (npm): `npm pack esbuild-wasm && tar xzf esbuild-wasm-*.tgz`
gives package/esbuild.wasm (14 MB, compiled from Go; its functions nest deeply).
pywasm is optional (`pip install pywasm`); it is only measured with --pywasm.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

_CHILD = r"""
import json, resource, sys, time
path, engine = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
stages = {}
if engine in ("wasmvm", "wasmvm-full"):
    from wasmvm.binary import decode_module
    module = decode_module(data)
    funcs = len(module.funcs)
    stages["decode"] = time.perf_counter() - t
if engine == "wasmvm-full":
    from wasmvm import Func, Global, Instance, Memory, Store, Table
    from wasmvm.api.engine import Module
    from wasmvm.syntax.values import VALUE_CLASSES
    from wasmvm.valid import validate_module
    t1 = time.perf_counter()
    info = validate_module(module)
    stages["validate"] = time.perf_counter() - t1
    store = Store()
    m = object.__new__(Module)
    m.engine, m._module, m._info = store.engine, module, info
    stubs = []
    for imp in m.imports:  # every import stubbed: a function that returns zeros, etc.
        ty = imp.type
        kind = module.imports[len(stubs)].kind
        if kind == "func":
            zeros = tuple(0.0 if r in ("f32", "f64") else (None if r.is_ref else 0)
                          for r in ty.results)
            stubs.append(Func(store, ty, lambda *a, z=zeros: z[0] if len(z) == 1 else (z or None)))
        elif kind == "memory":
            stubs.append(Memory(store, ty))
        elif kind == "table":
            stubs.append(Table(store, ty, None))
        else:
            stubs.append(Global(store, ty, 0.0 if ty.type in ("f32", "f64") else 0))
    t1 = time.perf_counter()
    Instance(store, m, stubs)
    stages["instantiate"] = time.perf_counter() - t1
if engine == "pywasm":
    import io
    from pywasm import core
    module = core.ModuleDesc.from_reader(io.BytesIO(data))
    funcs = len(module.func)
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak / 1024, "funcs": funcs,
                  "stages": stages}))
"""


def measure(path: str, engine: str) -> dict:
    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", _CHILD, path, engine], capture_output=True,
                          text=True, env=env)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    return json.loads(proc.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--pywasm", action="store_true", help="also measure pywasm's decoder")
    ap.add_argument("--full", action="store_true",
                    help="also decode + validate + instantiate (imports stubbed) with wasmvm")
    ap.add_argument("--repeat", type=int, default=3, help="runs per decoder (median kept)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    engines = ["wasmvm"] + (["wasmvm-full"] if args.full else []) + (
        ["pywasm"] if args.pywasm else [])
    results = []
    for path in args.files:
        size = os.path.getsize(path)
        for engine in engines:
            runs = [measure(path, engine) for _ in range(args.repeat if engine == "wasmvm" else 1)]
            ok = [r for r in runs if "error" not in r]
            if not ok:
                results.append({"file": path, "engine": engine, "error": runs[0]["error"]})
                continue
            ok.sort(key=lambda r: r["seconds"])
            r = ok[len(ok) // 2]
            results.append({
                "file": path, "engine": engine, "size_mb": size / 1e6, "seconds": r["seconds"],
                "mb_per_s": size / 1e6 / r["seconds"], "peak_rss_mb": r["peak_rss_mb"],
                "rss_over_size": r["peak_rss_mb"] * 1024 * 1024 / size, "funcs": r["funcs"],
                "stages": r.get("stages", {}),
            })
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'file':<28} {'engine':<11} {'MB':>6} {'s':>7} {'MB/s':>6} {'peak MB':>8} "
          f"{'RSS/size':>8}  stages")
    for r in results:
        name = os.path.basename(r["file"])[:28]
        if "error" in r:
            print(f"{name:<28} {r['engine']:<7} error: {r['error']}")
            continue
        stages = "  ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items())
        print(f"{name:<28} {r['engine']:<11} {r['size_mb']:6.1f} {r['seconds']:7.2f} "
              f"{r['mb_per_s']:6.2f} {r['peak_rss_mb']:8.0f} {r['rss_over_size']:8.1f}  {stages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
