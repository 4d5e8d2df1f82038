"""Differential runs across engines (``wasmvm.difftest.multi``, ``wasmvm diff --engines``):
grouping outcomes into a majority and a minority, the calls planned, WABT as a checker,
reduction, the report and the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm.difftest.adapters import EngineMissing, find_pywasm_python
from wasmvm.difftest.engines import ExportInfo, Outcome
from wasmvm.difftest.multi import (
    Campaign,
    _compare,
    _wabt_check,
    campaign_report,
    plan_multi,
    reduce_divergence,
    run_module,
    sparse_int,
)
from wasmvm.difftest.run import Call
from wasmvm.difftest.values import DiffVal
from wasmvm.wat import wat2wasm

ROOT = Path(__file__).resolve().parent.parent
MIN = '(module (func (export "min") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1))))'
COUNTER = """(module
  (global $g (export "g") (mut i32) (i32.const 0))
  (func (export "inc") (result i32)
    (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"""


def _need_pywasm():
    try:
        find_pywasm_python()
    except EngineMissing as e:
        pytest.skip(str(e))


def test_the_majority_and_the_minority():
    ok1 = Outcome("ok", (DiffVal("i32", 1),))
    ok2 = Outcome("ok", (DiffVal("i32", 2),))
    trap = Outcome("trap", trap="UNREACHABLE", message="unreachable")
    [d] = _compare("m", "call f()", {"wasmtime": ok1, "wasmvm": ok1, "pywasm": ok2}, True)
    assert d.minority == ("pywasm",) and d.kind == "value"
    # a tie goes to the group wasmtime is in
    [d] = _compare("m", "call f()", {"wasmtime": trap, "pywasm": ok1}, True)
    assert d.minority == ("pywasm",) and d.kind == "ok where the others trap"
    # traps of different kinds are one outcome (engines name them differently)
    other = Outcome("trap", trap="?", message="Exception: x")
    assert _compare("m", "s", {"wasmtime": trap, "pywasm": other}, True) == []
    # NaNs from arithmetic compare as a class unless the module is NaN-exact
    n1 = Outcome("ok", (DiffVal("f32", 0x7FC00000),))
    n2 = Outcome("ok", (DiffVal("f32", 0x7FE00000),))
    assert _compare("m", "s", {"wasmtime": n1, "pywasm": n2}, False) == []
    assert len(_compare("m", "s", {"wasmtime": n1, "pywasm": n2}, True)) == 1


def test_the_calls_cross_special_values_and_sparse_integers():
    exports = [ExportInfo("min", "func", ("f32", "f32"), ("f32",)),
               ExportInfo("cvt", "func", ("i64",), ("f32",))]
    calls = plan_multi(exports, seed=3)
    assert Call("min", (DiffVal("f32", 0), DiffVal("f32", 0x80000000))) in calls
    assert Call("min", (DiffVal("f32", 0x80000000), DiffVal("f32", 0))) in calls
    cvt = [c for c in calls if c.func == "cvt"]
    assert sum(bin(c.args[0].bits).count("1") <= 4 for c in cvt) >= 6
    assert max(sum(1 for c in calls if c.func == f) for f in ("min", "cvt")) <= 64
    import random

    rng = random.Random(0)
    for _ in range(200):
        v = sparse_int(64, rng)
        assert 0 < v < 1 << 64 and bin(v).count("1") <= 5


def test_engines_that_agree_agree():
    wasm = wat2wasm(COUNTER)
    r = run_module(wasm, ["wasmtime", "wasmvm", "wasmvm-reference", "wasm-interp"], name="c")
    assert r.status == "ok" and r.divergences == []
    assert r.steps_compared > 20  # compile, instantiate, calls and the global after each


def test_pywasm_is_in_the_minority_on_signed_zeros():
    _need_pywasm()
    r = run_module(wat2wasm(MIN), ["wasmtime", "wasmvm", "pywasm"], name="min")
    kinds = {(d.minority, d.kind) for d in r.divergences}
    assert kinds == {(("pywasm",), "value")}
    d = r.divergences[0]
    assert d.outcomes["wasmtime"] == d.outcomes["wasmvm"] != d.outcomes["pywasm"]
    assert "0x80000000" in d.outcomes["wasmtime"]


def test_a_rejecting_minority():
    _need_pywasm()
    # (func (result i32) (i64.const 0)): an i64 where an i32 is due
    invalid = bytes.fromhex("0061736d01000000" "010501600001" "7f" "03020100" "0a0601040042000b")
    r = run_module(invalid, ["wasmtime", "wasmvm", "pywasm"], name="bad")
    assert [(d.step, d.minority, d.kind) for d in r.divergences] == [
        ("compile", ("pywasm",), "ok where the others rejected (invalid)")]


def test_wabt_is_checked_against_the_reference():
    wasm = wat2wasm(COUNTER)
    call = Call("inc", ())
    right = [(call, Outcome("ok", (DiffVal("i32", 1),)))]
    assert _wabt_check(wasm, "c", right, "wasmtime", True) == []
    wrong = [(call, Outcome("ok", (DiffVal("i32", 7),)))]
    [d] = _wabt_check(wasm, "c", wrong, "wasmtime", True)
    assert d.minority == ("wasm-interp",) and "got i32:1" in d.outcomes["wasm-interp"]
    trap = [(Call("div", (DiffVal("i32", 1), DiffVal("i32", 1))), Outcome("trap", trap="X"))]
    [d] = _wabt_check(wasm, "c", trap, "wasmtime", True)
    assert d.kind == "ok where the others trap"


def test_reduction_keeps_the_divergence_and_prints_wat():
    _need_pywasm()
    padded = MIN.replace("(module", '(module (memory 1) (global (mut i64) (i64.const 5))'
                         ' (func (export "pad") (result i32) (i32.const 42))')
    wasm = wat2wasm(padded)
    r = run_module(wasm, ["wasmtime", "pywasm"], name="padded")
    d = r.divergences[0]
    out = reduce_divergence(wasm, d, attempts=8)
    assert out["after"] <= out["before"] == len(wasm)
    assert "f32.min" in out["wat"] and out["calls"]
    camp = Campaign(["wasmtime", "pywasm"], modules=[r], reductions=[out], source="files")
    report = campaign_report(camp)
    assert "| pywasm: value |" in report and "```wat" in report and "reduced to" in report


def test_cli_diff_engines(tmp_path):
    src = tmp_path / "c.wat"
    src.write_text(COUNTER)
    r = subprocess.run([sys.executable, "-m", "wasmvm", "diff", "--engines",
                        "wasmtime,wasmvm,wasm-interp", str(src), "--report",
                        str(tmp_path / "r.md")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "0 divergence(s)" in r.stdout
    assert (tmp_path / "r.md").read_text().startswith("# Differential campaign")
    bad = subprocess.run([sys.executable, "-m", "wasmvm", "diff", "--engines", "wasmtime,nope",
                          str(src)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1 and "unknown: nope" in bad.stderr and "Traceback" not in bad.stderr


PYWASM_CASES = sorted((ROOT / "fixtures/engines/pywasm").glob("*.wasm"))
KIND = {"accepts-invalid": "ok where the others rejected (invalid)"}


@pytest.mark.parametrize("path", PYWASM_CASES, ids=lambda p: p.stem)
def test_pywasm_regressions_still_diverge(path):
    """The reduced reproducers campaigns found (fixtures/engines/pywasm/README.md): each
    still puts pywasm 2.2.3 (pinned in the test extras) in the minority, the same way."""
    _need_pywasm()
    assert path.stat().st_size < 200
    r = run_module(path.read_bytes(), ["wasmtime", "pywasm"], name=path.stem)
    kinds = {(d.minority, d.kind) for d in r.divergences}
    assert (("pywasm",), KIND.get(path.stem, "value")) in kinds, kinds
