"""tools/bench.py: every benchmark's wasm gives its plain-Python result (at a small n, on
the reference tier and on wasmtime), and one small run of the harness measures, checks
results and prints its tables."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_tool():
    spec = importlib.util.spec_from_file_location("_wasmvm_bench_tool", ROOT / "tools" / "bench.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load_tool()
BENCHMARKS = bench.load_benchmarks()


def _build(b):
    try:
        return bench.build(b)
    except bench.Unavailable as err:
        if os.environ.get("CI"):
            pytest.fail(f"{b.name}: {err}")
        pytest.skip(str(err))


def test_the_suite_has_what_issue_6_asks_for():
    names = {b.name for b in BENCHMARKS}
    assert {"fib", "sum", "collatz", "sieve", "mandelbrot", "hash", "dispatch", "bulk"} <= names
    assert sum(b.source.suffix == ".c" for b in BENCHMARKS) >= 2
    for b in BENCHMARKS:
        assert b.source.exists(), b.source
        assert b.result in bench.MASKS
        assert 0 < b.smoke_n < b.n
        count, unit = b.work(b.n)
        assert count > 0 and unit
        assert b.title


@pytest.mark.parametrize("b", BENCHMARKS, ids=lambda b: b.name)
def test_wasm_result_equals_plain_python(b):
    data = _build(b).read_bytes()
    n = b.smoke_n
    expected = b.module.run(n)
    assert expected == bench.normalize(expected, b.result)
    for tier in ("reference", "compiled"):
        _, _, got = bench.run_wasmvm(data, n, tier)
        assert bench.normalize(got, b.result) == expected, tier
    pytest.importorskip("wasmtime")
    _, _, got = bench.run_wasmtime(data, n)
    assert bench.normalize(got, b.result) == expected


def test_a_wrong_result_is_marked_wrong_and_not_timed():
    e = {"status": "ok", "reason": None, "loads": [], "calls": [], "result": None}
    bench.record(e, {"load": 0.1, "call": 0.2, "result": 7}, 7)
    assert e["status"] == "ok" and e["calls"] == [0.2]
    bench.record(e, {"load": 0.1, "call": 0.2, "result": 8}, 7)
    assert e["status"] == "WRONG" and "plain Python 7" in e["reason"] and e["calls"] == [0.2]
    e = {"status": "ok", "reason": None, "loads": [], "calls": [], "result": None}
    bench.record(e, {"error": "RuntimeError: no"}, 7)
    assert e["status"] == "n/a" and e["reason"] == "RuntimeError: no"


def test_a_small_run_measures_checks_and_prints(tmp_path):
    benches = bench.load_benchmarks(["sum", "fib"])
    ns = {b.name: b.smoke_n for b in benches}
    for b in benches:
        _build(b)
    engines = ["reference", "python", "wasm-interp"]
    report = bench.run_suite(benches, engines, 2, ns, cache=tmp_path, log=lambda s: None)
    json.dumps(report)
    for entry in report["benchmarks"]:
        assert entry["expected"] == bench.load_benchmarks([entry["name"]])[0].module.run(entry["n"])
        assert entry["instructions"] and entry["instructions"] > 0
        for engine in ("reference", "python"):
            e = entry["engines"][engine]
            assert e["status"] == "ok", e
            assert len(e["calls"]) == 2 and e["result"] == entry["expected"]
        interp = entry["engines"]["wasm-interp"]
        assert interp["status"] == "ok" or interp["status"] == "n/a" and interp["reason"]
    assert report["geomeans"]["reference/python"]["over"] == 2
    text = bench.render(report)
    assert "reference/python" in text and "geomean" in text and "WRONG" not in text
