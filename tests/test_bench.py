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


# -- the real programs (--real) ----------------------------------------------------------------
REAL = bench.load_real()


def test_the_real_section_has_what_issue_14_asks_for():
    kinds = [p.kind for p in REAL]
    assert len(REAL) >= 8
    assert kinds.count("c") >= 8 and {p.opt for p in REAL if p.kind == "c"} == {"-O0", "-O2"}
    assert kinds.count("package") >= 3
    for p in REAL:
        assert p.title and p.args and p.smoke
        assert p.source is None or p.source.exists(), p.source


def _build_real(p):
    try:
        return bench.build_real(p)
    except bench.Unavailable as err:
        if os.environ.get("CI") and p.kind == "c":
            pytest.fail(f"{p.name}: {err}")
        pytest.skip(f"{p.name}: {err}")


def test_a_different_output_is_marked_wrong():
    entry = {"expected": {"by": "wasmtime", "exit": 0, "summary": "exit 0, 3 bytes",
                          "sha256": __import__("hashlib").sha256(b"ok\n").hexdigest()}}
    e = {"status": "ok", "reason": None, "loads": [], "calls": []}
    bench._record_real(entry, "compiled", e, {"load": 0.1, "call": 0.2, "exit": 0,
                                              "stdout": b"ok\n"}, None)
    assert e["status"] == "ok" and e["calls"] == [0.2]
    bench._record_real(entry, "compiled", e, {"load": 0.1, "call": 0.2, "exit": 0,
                                              "stdout": b"no\n"}, None)
    assert e["status"] == "WRONG" and "wasmtime: exit 0" in e["reason"]
    e = {"status": "ok", "reason": None, "loads": [], "calls": []}
    bench._record_real(entry, "pywasm", e, {"error": "timed out", "timeout": True}, 30.0)
    assert (e["status"], e["reason"]) == ("n/a", "over budget (30 s)")


@pytest.mark.parametrize("names", [["sha256-O2"], ["boolector"]], ids=["c", "package"])
def test_a_small_real_run_measures_checks_and_prints(names):
    progs = bench.load_real(names)
    for p in progs:
        _build_real(p)
    engines = ["compiled", "cached", "reference", "wasmtime"]
    if bench.python_has("wasmtime"):
        engines.remove("wasmtime")
    report = bench.run_real(progs, engines, 2, smoke=True, log=lambda s: None)
    json.dumps(report)
    (entry,) = report["programs"]
    assert entry["expected"] and entry["expected"]["exit"] == 0
    for engine in engines:
        e = entry["engines"][engine]
        assert e["status"] == "ok", e
        assert len(e["calls"]) == 2
    assert entry["functions"] > 10 and 0 < entry["translated"] <= entry["functions"]
    assert entry["translate"] > 0 and isinstance(entry["fallbacks"], list)
    # "cached" ran from a warm translation cache: everything it translated came from there
    assert entry["cached"] == entry["translated"]
    text = bench.render_real(report)
    assert "compiled/reference" in text and "cached/reference" in text
    assert "geomean" in text and "WRONG" not in text
