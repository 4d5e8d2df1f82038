"""The engine adapter interface (``wasmvm.script.adapter``) and the engines behind it
(``wasmvm.difftest.adapters``): ``wasmvm spec --engine NAME``.

wasmvm behind the interface must pass what the native runner passes (the adapter runner
judges outcomes, so it cannot be stricter); pywasm behind it must show the pitfalls
known of it (no validator, signed zeros lost by min/max/floor/ceil) and pass the rest;
WABT's interpreter runs whole scripts through spectest-interp."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm.difftest.adapters import (
    EngineMissing,
    SubprocessAdapter,
    find_pywasm_python,
    make_adapter,
    script_runner,
)
from wasmvm.script.adapter import (
    AdapterRunner,
    EngineAdapter,
    EValue,
    Rejected,
    Trapped,
    Unlinkable,
    WasmvmAdapter,
    matches,
)
from wasmvm.script.commands import NanPattern, RefValue
from wasmvm.script.runner import run_script, script_config
from wasmvm.script.wast import load_wast
from wasmvm.syntax.values import f32, i32

ROOT = Path(__file__).resolve().parent.parent
SUITE = Path(__import__("os").environ.get("WASMVM_TESTSUITE", ROOT.parent / "shared/wasm-testsuite"))
CORE2 = SUITE / "core-2.0"
SCRIPTS = ["i32.wast", "f64.wast", "linking.wast", "imports.wast", "call_indirect.wast",
           "memory_grow.wast", "ref_func.wast", "select.wast", "binary.wast", "exports.wast"]

needs_suite = pytest.mark.skipif(not CORE2.is_dir(), reason=f"no spec testsuite at {SUITE}")


def _pywasm():
    try:
        return find_pywasm_python()
    except EngineMissing as e:
        pytest.skip(str(e))  # (the test extras install pywasm: only bare checkouts skip)


def _counts(results) -> dict[str, int]:
    out = {"passed": 0, "failed": 0, "skipped": 0}
    for r in results:
        out[r.outcome] += 1
    return out


@needs_suite
@pytest.mark.parametrize("name", SCRIPTS)
@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_wasmvm_behind_the_interface_passes_what_the_native_runner_passes(name, tier):
    script = load_wast(CORE2 / name)
    native = _counts(run_script(script, config=script_config(script, tier)))
    with WasmvmAdapter(tier, script_config(script, tier)) as adapter:
        results = AdapterRunner(script, adapter).run()
    got = _counts(results)
    assert got["failed"] == 0, [r for r in results if r.outcome == "failed"][:3]
    assert native["failed"] == 0
    # what it skips: malformed text modules (they test a text parser)
    assert got["passed"] + got["skipped"] == native["passed"] + native["skipped"]
    assert all("text parser" in r.reason for r in results if r.outcome == "skipped")


def test_the_adapter_runner_judges_what_it_is_told(tmp_path):
    """A fake engine that gets everything wrong fails every kind of assertion."""

    class Wrong(EngineAdapter):
        name = "wrong"

        def compile(self, wasm):
            return wasm

        def instantiate(self, module):
            return module

        def register(self, name, instance):
            pass

        def call(self, instance, export, args):
            return [EValue("i32", bits=12345)]

        def get(self, instance, export):
            raise Trapped("no globals here")

    wast = tmp_path / "t.wast"
    wast.write_text('(module (func (export "f") (result i32) (i32.const 1)))\n'
                    '(assert_return (invoke "f") (i32.const 1))\n'
                    '(assert_trap (invoke "f") "unreachable")\n'
                    '(assert_invalid (module (func (result i32))) "type mismatch")\n'
                    '(assert_malformed (module binary "\\00asm") "unexpected end")\n'
                    '(assert_malformed (module quote "(func") "unexpected token")\n')
    script = load_wast(wast)
    results = AdapterRunner(script, Wrong()).run()
    assert [r.outcome for r in results] == ["passed", "failed", "failed", "failed", "failed",
                                            "skipped"]
    assert "expected (i32 1), got i32:12345" in results[1].reason or "12345" in results[1].reason


def test_matching_is_bit_exact():
    assert matches(i32.from_bits(1), EValue("i32", bits=1))
    assert not matches(i32.from_bits(1), EValue("i64", bits=1))
    nan = NanPattern(32, "canonical")
    assert matches(nan, EValue("f32", bits=0x7FC00000))
    assert not matches(nan, EValue("f32", bits=0x7FC00001))
    assert not matches(f32.from_bits(0x80000000), EValue("f32", bits=0))  # -0 is not +0
    assert matches(RefValue("externref", 3), EValue("externref", ref=3))
    assert not matches(RefValue("externref", None), EValue("externref", ref=3))


@needs_suite
def test_pywasm_behind_the_subprocess_protocol_shows_its_pitfalls():
    _pywasm()
    script = load_wast(CORE2 / "f32.wast")
    results = script_runner("pywasm")(script, CORE2 / "f32.wast", None)
    failed = {int(r.where.rsplit(":", 1)[1]): r.reason for r in results if r.outcome == "failed"}
    counts = _counts(results)
    assert counts["passed"] > 2400
    lines = (CORE2 / "f32.wast").read_text().splitlines()
    # min(+0, -0) must be -0 and floor(-0) must stay -0: pywasm loses the sign
    assert 1621 in failed and "(invoke \"min\"" in lines[1620]
    assert 2439 in failed and "(invoke \"floor\"" in lines[2438]
    # no validator: a module that does not type-check is accepted
    assert any("rejected (invalid" in reason for reason in failed.values())


@needs_suite
def test_pywasm_keeps_working_after_a_trap():
    _pywasm()
    script = load_wast(CORE2 / "i32.wast")
    with make_adapter("pywasm", script) as adapter:
        results = AdapterRunner(script, adapter).run()
    failed = [r for r in results if r.outcome == "failed"]
    # only the modules it should have rejected: every call after a trap still works
    assert failed and all("rejected (invalid" in r.reason for r in failed)


def test_a_subprocess_engine_that_hangs_is_stopped(tmp_path):
    driver = tmp_path / "slow.py"
    driver.write_text("import json, sys, time\n"
                      "print(json.dumps({'ok': True, 'engine': 'slow'}), flush=True)\n"
                      "for line in sys.stdin:\n"
                      "    req = json.loads(line)\n"
                      "    if req['op'] == 'compile':\n"
                      "        print(json.dumps({'error': 'rejected', 'message': 'no'}), flush=True)\n"
                      "    else:\n"
                      "        time.sleep(60)\n")
    adapter = SubprocessAdapter("slow", [sys.executable, str(driver)], timeout=1.0)
    with pytest.raises(Rejected, match="no"):
        adapter.compile(b"\0asm")
    with pytest.raises(Exception, match="no answer within 1 s"):
        adapter.instantiate(1)
    with pytest.raises(Exception, match="stopped earlier"):
        adapter.instantiate(1)
    assert adapter.proc.poll() is not None


def test_unknown_engines_and_missing_ones_say_so():
    with pytest.raises(EngineMissing, match="unknown engine 'nope'"):
        script_runner("nope")
    r = subprocess.run([sys.executable, "-m", "wasmvm", "spec", "--engine", "nope", "x.wast"],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 1 and "unknown engine 'nope'" in r.stderr
    assert "Traceback" not in r.stderr


def test_wasmvm_adapter_errors_are_typed():
    with WasmvmAdapter("compiled") as a:
        with pytest.raises(Rejected) as e:
            a.compile(b"\0asm\1\0\0\0\x01")
        assert e.value.kind == "malformed"
        module = a.compile(_wat('(module (import "m" "f" (func)))'))
        with pytest.raises(Unlinkable):
            a.instantiate(module)
        inst = a.instantiate(a.compile(_wat('(module (func (export "u") unreachable))')))
        with pytest.raises(Trapped) as t:
            a.call(inst, "u", [])
        assert t.value.code == "UNREACHABLE"


def _wat(text: str) -> bytes:
    from wasmvm.wat import wat2wasm

    return wat2wasm(text)


@needs_suite
def test_cli_spec_engine_prints_a_conformance_table():
    _pywasm()
    r = subprocess.run([sys.executable, "-m", "wasmvm", "spec", "--engine", "pywasm",
                        str(CORE2 / "i32.wast"), str(CORE2 / "f32_cmp.wast")],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert "engine: pywasm" in r.stdout
    assert "pywasm: " in r.stdout and "% of the counted commands pass" in r.stdout
    assert r.stdout.strip().splitlines()[-1].endswith("skipped")


@needs_suite
def test_wasm_interp_runs_whole_scripts(tmp_path):
    try:
        runner = script_runner("wasm-interp")
    except EngineMissing as e:
        pytest.skip(str(e))
    script = load_wast(CORE2 / "address.wast")
    counts = _counts(runner(script, CORE2 / "address.wast", None))
    assert counts["passed"] > 200 and counts["failed"] == 0
    # a result it gets "wrong" is a failure at that command's line
    wast = tmp_path / "t.wast"
    wast.write_text('(module (func (export "f") (result i32) (i32.const 1)))\n'
                    '(assert_return (invoke "f") (i32.const 2))\n'
                    '(assert_return (invoke "f") (i32.const 1))\n')
    results = runner(load_wast(wast), wast, None)
    failed = [r for r in results if r.outcome == "failed"]
    assert [r.where.rsplit(":", 1)[1] for r in failed] == ["2"]
    assert "expected i32:2, got i32:1" in failed[0].reason
    assert _counts(results)["passed"] == 2


def _wasmtime(features=None):
    try:
        from wasmvm.difftest.wasmtime_adapter import WasmtimeAdapter
    except ImportError as e:  # pragma: no cover - wasmtime-py is a test extra
        pytest.skip(f"wasmtime-py is not installed: {e}")
    return WasmtimeAdapter() if features is None else WasmtimeAdapter(features)


def test_wasmtime_behind_the_interface_passes_the_adapter_script():
    """fixtures/engines/adapter-check.wast: spectest imports, register, exact bits, traps,
    exhaustion, rejection and failed links, through WasmtimeAdapter."""
    _wasmtime()
    script = load_wast(ROOT / "fixtures/engines/adapter-check.wast")
    results = script_runner("wasmtime")(script, None, None)
    assert _counts(results) == {"passed": 27, "failed": 0, "skipped": 0}, \
        [r for r in results if r.outcome != "passed"]


def test_wasmtime_adapter_values_and_errors_are_exact_and_typed():
    from wasmvm.syntax.features import WASM2

    with _wasmtime() as a:
        inst = a.instantiate(a.compile(_wat(
            '(module (func (export "id") (param f32) (result f32) local.get 0)'
            ' (func (export "u") unreachable) (global (export "g") f64 (f64.const -0.0)))')))
        # a signaling NaN passes through bit for bit (not through a Python float)
        assert a.call(inst, "id", [EValue("f32", bits=0x7FA00001)]) == [EValue("f32", bits=0x7FA00001)]
        assert a.get(inst, "g") == EValue("f64", bits=1 << 63)
        with pytest.raises(Trapped) as t:
            a.call(inst, "u", [])
        assert t.value.code == "UNREACHABLE"
        with pytest.raises(Rejected):
            a.compile(b"\0asm\1\0\0\0\x01")
        with pytest.raises(Unlinkable):
            a.instantiate(a.compile(_wat('(module (import "m" "f" (func)))')))
    # a 2.0 wasmtime rejects what 3.0 accepts (tail calls here)
    tail = _wat('(module (func $f (return_call $f)))')
    with _wasmtime() as a3:
        a3.compile(tail)
    with _wasmtime(WASM2) as a2, pytest.raises(Rejected):
        a2.compile(tail)


def test_node_behind_the_subprocess_protocol():
    """Node's WebAssembly (V8) through drivers/node_driver.js: the adapter script passes,
    values cross exactly (a signaling NaN and a v128 through the driver's trampoline), and
    Node is an engine of ``diff --engines``."""
    import shutil

    if shutil.which("node") is None:
        pytest.skip("node is not installed (Debian: apt-get install nodejs)")
    script = load_wast(ROOT / "fixtures/engines/adapter-check.wast")
    results = script_runner("node")(script, None, None)
    assert _counts(results) == {"passed": 27, "failed": 0, "skipped": 0}, \
        [r for r in results if r.outcome != "passed"]
    with make_adapter("node") as a:
        inst = a.instantiate(a.compile(_wat(
            '(module (func (export "id") (param f32 v128) (result v128 f32)'
            ' local.get 1 local.get 0) (global (export "g") (mut f64) (f64.const -0.0)))')))
        v = EValue("v128", bits=(1 << 127) | 5)
        assert a.call(inst, "id", [EValue("f32", bits=0x7FA00001), v]) == [
            v, EValue("f32", bits=0x7FA00001)]
        assert a.get(inst, "g") == EValue("f64", bits=1 << 63)
        with pytest.raises(Rejected):
            a.compile(b"\0asm\1\0\0\0\x01")
    from wasmvm.difftest.multi import run_module

    wasm = _wat('(module (func (export "min") (param f32 f32) (result f32)'
                ' (f32.min (local.get 0) (local.get 1))))')
    r = run_module(wasm, ["wasmtime", "wasmvm", "node"], name="min")
    assert r.status == "ok" and r.divergences == [] and r.steps_compared > 20
