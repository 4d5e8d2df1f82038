"""The spec-script runner (wasmvm.script.runner), the spectest host module and the
``wasmvm spec`` report, on small hand-written .wast scripts, read natively
(wasmvm.script.wast) and converted with wasm-tools (the JSON path)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from wasmvm import Val, ValType
from wasmvm.errors import InternalError
from wasmvm.script import load_converted
from wasmvm.script import runner as runner_module
from wasmvm.script.commands import NanPattern, RefValue, V128Pattern
from wasmvm.script.convert import SpecSetupError, convert, find_wasm_tools
from wasmvm.script.report import _ranges, select_scripts, spec_main
from wasmvm.script.runner import (
    HostRef,
    execution_skip_reason,
    match_result,
    run_script,
)
from wasmvm.script.spectest import spectest_items
from wasmvm.script.wast import read_wast
from wasmvm.syntax.values import f32, i32, v128

try:
    find_wasm_tools()
except SpecSetupError as e:
    pytest.skip(str(e), allow_module_level=True)


def write(tmp_path: Path, text: str, name: str = "t.wast") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def load(tmp_path: Path, text: str, name: str = "t.wast", converter: str = "wasm-tools"):
    """The script of ``text``: read natively, or converted with wasm-tools."""
    if converter == "native":
        return read_wast(text, name)
    wast = write(tmp_path, text, name)
    return load_converted(convert(wast, cache=tmp_path / "cache"), name)


def run(tmp_path: Path, text: str, lines=None, converter: str = "wasm-tools", **kwargs):
    """Run ``text``; the results by line (the line's last result if it has several)."""
    script = load(tmp_path, text, converter=converter)
    kwargs.setdefault("skips", lambda name: None)
    results = run_script(script, lines, **kwargs)
    return {int(r.where.rsplit(":", 1)[1]): r for r in results}


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``text`` containing ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return hits[nth - 1]


GOOD = r"""
(module $M
  (import "spectest" "print_i32" (func $print (param i32)))
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "table" (table 10 funcref))
  (import "spectest" "memory" (memory 1))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "g666") (result i32) (global.get $g))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan-payload") (result f32) (f32.const nan:0x200001))
  (func (export "zero-div") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "neg") (param f64) (result f64) (f64.neg (local.get 0)))
  (func (export "trap") (unreachable))
  (func $loop (export "loop") (call $loop))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "null") (result funcref) (ref.null func))
  (func (export "two") (result i32 i64) (i32.const 1) (i64.const -1))
  (func (export "print") (call $print (i32.const 42)))
  (func (export "bump") (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
)
(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const -1) (i32.const 0)) (i32.const 0xffffffff))
(assert_return (invoke "g666") (i32.const 666))
(assert_return (invoke "nan-payload") (f32.const nan:0x200001))
(assert_return (invoke "zero-div") (f32.const nan:canonical))
(assert_return (invoke "neg" (f64.const nan:0x4000000000001)) (f64.const -nan:0x4000000000001))
(assert_return (invoke "neg" (f64.const nan:0x8000000000001)) (f64.const nan:arithmetic))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide")
(assert_trap (invoke "trap") "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_return (invoke "id" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null") (ref.null func))
(assert_return (invoke "two") (i32.const 1) (i64.const -1))
(invoke "print")
(invoke "bump")
(assert_return (get "counter") (i32.const 1))
(register "m" $M)
(module $N
  (import "m" "add" (func $add (param i32 i32) (result i32)))
  (import "m" "counter" (global (mut i32)))
  (func (export "add3") (param i32) (result i32) (call $add (local.get 0) (i32.const 3))))
(assert_return (invoke "add3" (i32.const 4)) (i32.const 7))
(assert_return (invoke $M "add" (i32.const 4) (i32.const 4)) (i32.const 8))
(assert_return (get $M "counter") (i32.const 1))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm" "\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(memory 1) (func (drop (i32.load align=3 (i32.const 0))))")
  "alignment must be a power of two")
(assert_unlinkable (module (import "m" "nope" (func))) "unknown import")
(assert_unlinkable (module (import "m" "add" (func (param i64)))) "incompatible import type")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
"""


@pytest.mark.parametrize("converter", ["native", "wasm-tools"])
def test_every_kind_of_command_passes(tmp_path, converter):
    """Text-form assert_malformed (module quote) run too: the parser's message matches."""
    results = run(tmp_path, GOOD, converter=converter)
    assert len(results) == GOOD.count("\n(")  # one result per command
    assert [f"{r.where}: {r.reason}" for r in results.values() if r.outcome != "passed"] == []
    assert f"t.wast:{line_of(GOOD, 'module quote')}" in {r.where for r in results.values()}


BAD = r"""
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "wide") (result i64) (i64.const 1))
  (func (export "payload") (result f32) (f32.const nan:0x200001))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "div") (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $f (export "deep") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $f (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 0))))
)
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "wide") (i32.const 1))
(assert_return (invoke "one"))
(assert_return (invoke "payload") (f32.const nan:canonical))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
(assert_return (invoke "id" (ref.extern 1)) (ref.null extern))
(assert_return (invoke "div" (i32.const 0)) (i32.const 0))
(assert_return (invoke "nothing"))
(assert_trap (invoke "div" (i32.const 0)) "integer overflow")
(assert_trap (invoke "one") "unreachable")
(assert_exhaustion (invoke "div" (i32.const 0)) "call stack exhausted")
(assert_exhaustion (invoke "deep" (i32.const 10)) "call stack exhausted")
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_invalid (module binary "\00asm" "\02\00\00\00") "type mismatch")
(assert_malformed (module binary "\00asm" "\01\00\00\00") "unexpected end")
(assert_unlinkable (module) "unknown import")
(assert_trap (module) "unreachable")
(assert_return (invoke "one") (i32.const 1))
"""


@pytest.mark.parametrize("converter", ["native", "wasm-tools"])
def test_failures_say_why_and_the_script_goes_on(tmp_path, converter):
    results = run(tmp_path, BAD, converter=converter)

    def reason(needle: str, nth: int = 1) -> str:
        r = results[line_of(BAD, needle, nth)]
        assert r.outcome == "failed", r
        return r.reason

    assert reason('(invoke "one") (i32.const 2)') == "expected (i32 2), got (i32 1)"
    assert reason('(invoke "wide")') == "expected (i32 1), got (i64 1)"
    assert reason('(assert_return (invoke "one"))') == "expected (), got (i32 1)"
    assert reason('(invoke "payload")') == "expected (f32 nan:canonical), got (f32 nan:0x200001)"
    assert reason("(ref.extern 2)") == "expected (ref.extern 2), got (ref.extern 1)"
    assert reason("(ref.null extern)") == "expected (ref.null extern), got (ref.extern 1)"
    assert reason('(assert_return (invoke "div"').startswith("Trap: integer divide by zero")
    assert reason('"nothing"') == "no export 'nothing'"
    assert reason('"integer overflow"') == \
        "expected trap 'integer overflow', got trap 'integer divide by zero'"
    assert reason('(assert_trap (invoke "one")') == "expected trap 'unreachable', got (i32 1)"
    assert reason('(assert_exhaustion (invoke "div"') == (
        "expected trap STACK_OVERFLOW 'call stack exhausted', "
        "got trap INTEGER_DIVISION_BY_ZERO 'integer divide by zero'")
    assert reason('(invoke "deep"') == "expected trap STACK_OVERFLOW 'call stack exhausted', got (i32 0)"
    assert reason("(assert_invalid (module (func") == \
        "expected InvalidError 'type mismatch', but the module validated"
    assert reason("(assert_invalid (module binary").startswith(
        "expected InvalidError 'type mismatch', got MalformedError: ")
    assert reason("(assert_malformed") == \
        "expected MalformedError 'unexpected end', but the module decoded"
    assert reason("(assert_unlinkable") == \
        "expected LinkError 'unknown import', but the module instantiated"
    assert reason("(assert_trap (module)") == \
        "expected Trap 'unreachable', but the module instantiated"
    last = results[line_of(BAD, '(invoke "one") (i32.const 1)')]
    assert last.outcome == "passed"


BROKEN = r"""
(module $A (func (export "f") (result i32) (i32.const 1)))
(module $B (import "nowhere" "g" (func)) (func (export "f") (result i32) (i32.const 2)))
(assert_return (invoke "f") (i32.const 2))
(register "b" $B)
(assert_return (invoke $A "f") (i32.const 1))
(assert_return (invoke $B "f") (i32.const 2))
(module (func (export "f") (result i32) (i32.const 3)))
(assert_return (invoke "f") (i32.const 3))
(assert_return (invoke $Z "f") (i32.const 3))
"""


def test_a_failed_module_fails_the_commands_that_use_it(tmp_path):
    results = run(tmp_path, BROKEN)
    b = line_of(BROKEN, "(module $B")
    assert results[b].outcome == "failed"
    assert results[b].reason == "module does not instantiate: LinkError: unknown import: nowhere.g"
    for needle in ('(invoke "f") (i32.const 2)', "(register", '(invoke $B "f")'):
        r = results[line_of(BROKEN, needle)]
        assert (r.outcome, r.reason) == ("failed", f"module at line {b} failed")
    assert results[line_of(BROKEN, '(invoke $A "f")')].outcome == "passed"
    assert results[line_of(BROKEN, '(invoke "f") (i32.const 3)')].outcome == "passed"
    assert results[line_of(BROKEN, "$Z")].reason == "no module named $Z"


def test_a_module_that_does_not_decode_or_validate(tmp_path):
    text = '(module binary "\\00asm" "\\01\\00\\00\\00" "\\01")\n(module (func (result i32)))\n'
    results = run(tmp_path, text)
    assert results[1].reason.startswith("module does not compile: MalformedError: ")
    assert results[2].reason.startswith("module does not compile: InvalidError: type mismatch")


REGISTER_AGAIN = r"""
(module $A (func (export "f")) (func (export "g")))
(module $B (func (export "f")))
(register "m" $A)
(register "m" $B)
(assert_unlinkable (module (import "m" "g" (func))) "unknown import")
(module (import "m" "f" (func)))
"""


def test_registering_a_name_again_replaces_the_whole_module(tmp_path):
    results = run(tmp_path, REGISTER_AGAIN)
    assert all(r.outcome == "passed" for r in results.values()), results


STATEFUL = r"""
(module
  (global $n (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))
(assert_return (invoke "bump") (i32.const 1))
(invoke "bump")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_return (invoke "bump") (i32.const 3))
(assert_return (invoke "bump") (i32.const 99))
"""


def test_selected_lines_see_the_state_of_a_full_run(tmp_path):
    three = line_of(STATEFUL, "(i32.const 3)")
    results = run(tmp_path, STATEFUL, lines={three})
    assert list(results) == [three]
    assert results[three].outcome == "passed"
    wrong = line_of(STATEFUL, "(i32.const 99)")
    results = run(tmp_path, STATEFUL, lines={2, wrong})
    assert [(line, r.outcome) for line, r in results.items()] == [(2, "passed"), (wrong, "failed")]


def test_selected_lines_do_not_run_unselected_module_checks(tmp_path, monkeypatch):
    script = load(tmp_path, STATEFUL)
    built = []
    real = runner_module.Module
    monkeypatch.setattr(runner_module, "Module", lambda engine, data: built.append(1) or real(engine, data))
    run_script(script, {line_of(STATEFUL, "(i32.const 3)")})
    assert len(built) == 1  # the module, not the assert_invalid


def test_execution_commands_can_be_skipped_with_a_reason(tmp_path):
    script = load(tmp_path, GOOD)
    results = run_script(script, skips=lambda name: "no execution today")
    by_kind: dict[str, set] = {}
    for cmd, r in zip(script.commands, results):
        by_kind.setdefault(type(cmd).__name__, set()).add((r.outcome, r.reason))
    for kind in ("AssertReturn", "AssertTrap", "AssertExhaustion", "ActionCommand"):
        assert by_kind[kind] == {("skipped", "no execution today")}, kind
    for kind in ("ModuleCommand", "Register", "AssertInvalid", "AssertUnlinkable",
                 "AssertUninstantiable"):
        assert by_kind[kind] == {("passed", "")}, kind


def test_every_script_runs_its_execution_commands():
    assert execution_skip_reason("core-2.0/simd/simd_const.wast") is None
    assert execution_skip_reason("/x/core-2.0/simd/simd_lane.wast") is None
    assert execution_skip_reason("core-2.0/i32.wast") is None


def test_python_exceptions_are_failures_with_type_and_place(tmp_path, monkeypatch):
    from wasmvm.api import Func

    def broken(self, store, args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(Func, "call_vals", broken)
    text = ('(module (func (export "f") (result i32) (i32.const 1)))\n'
            '(assert_return (invoke "f") (i32.const 1))\n'
            '(assert_trap (invoke "f") "unreachable")\n'
            '(assert_exhaustion (invoke "f") "call stack exhausted")\n'
            '(invoke "f")\n')
    results = run(tmp_path, text)
    assert results[1].outcome == "passed"
    at = "ZeroDivisionError: boom (at test_runner.py:"
    assert results[2].reason.startswith(at)
    assert results[3].reason.startswith(f"expected trap 'unreachable', got {at}")
    assert results[4].reason.startswith(f"expected trap STACK_OVERFLOW 'call stack exhausted', got {at}")
    assert results[5].reason.startswith(at)


def test_internal_errors_never_pass_an_assertion(tmp_path, monkeypatch):
    def crash(engine, data):
        raise InternalError("validator crashed")

    monkeypatch.setattr(runner_module, "Module", crash)
    text = ('(assert_invalid (module (func (result i32))) "type mismatch")\n'
            '(assert_malformed (module binary "") "unexpected end")\n'
            '(module)\n')
    results = run(tmp_path, text)
    got = "got InternalError: validator crashed"
    assert results[1].reason == f"expected InvalidError 'type mismatch', {got}"
    assert results[2].reason == f"expected MalformedError 'unexpected end', {got}"
    assert results[3].reason == "module does not compile: InternalError: validator crashed"


# -- values ----------------------------------------------------------------------------


def test_match_result_numbers_by_bits():
    assert match_result(i32(-1), Val.i32(-1))
    assert not match_result(i32(1), Val.i64(1))
    assert match_result(f32.from_bits(0x7FA00000), Val.from_bits(ValType.F32, 0x7FA00000))
    assert not match_result(f32.from_bits(0x7FA00000), Val.from_bits(ValType.F32, 0x7FC00000))
    assert not match_result(f32(0.0), Val.f32(-0.0))


@pytest.mark.parametrize("bits, canonical, arithmetic", [
    (0x7FC00000, True, True), (0xFFC00000, True, True), (0x7FC00001, False, True),
    (0x7FA00000, False, False), (0x7F800000, False, False), (0x3F800000, False, False),
])
def test_match_result_nan_patterns(bits, canonical, arithmetic):
    val = Val.from_bits(ValType.F32, bits)
    assert match_result(NanPattern(32, "canonical"), val) is canonical
    assert match_result(NanPattern(32, "arithmetic"), val) is arithmetic
    assert not match_result(NanPattern(64, "arithmetic"), val)  # wrong type


def test_match_result_v128_per_lane():
    lanes = (0x3F800000, NanPattern(32, "canonical"), NanPattern(32, "arithmetic"), 0)
    pattern = V128Pattern("f32", lanes)
    good = 0x3F800000 | 0xFFC00000 << 32 | 0x7FC00123 << 64
    assert match_result(pattern, Val.v128(good))
    assert not match_result(pattern, Val.v128(good | 1 << 96))
    assert not match_result(pattern, Val.v128(good ^ 1 << 32))  # canonical lane now has a payload
    assert match_result(v128(good), Val.v128(good))
    assert not match_result(v128(good), Val.i32(0))


def test_match_result_references():
    assert match_result(RefValue("externref", None), Val.externref(None))
    assert not match_result(RefValue("externref", None), Val.externref(HostRef(1)))
    assert match_result(RefValue("externref", 1), Val.externref(HostRef(1)))
    assert not match_result(RefValue("externref", 1), Val.externref(HostRef(2)))
    assert not match_result(RefValue("externref", 1), Val.externref(object()))
    assert not match_result(RefValue("funcref", None), Val.externref(None))
    assert match_result(RefValue("funcref", None), Val.funcref(None))


# -- spectest --------------------------------------------------------------------------


def test_spectest_items():
    from wasmvm import Store

    store = Store()
    items = spectest_items(store)
    assert items["global_i32"].value(store) == 666
    assert items["global_i64"].value(store) == 666
    assert items["global_f32"].get_val(store).bits == f32(666.6).bits
    assert items["global_f64"].value(store) == 666.6
    assert not items["global_i32"].type(store).mutable
    assert (items["table"].size(store), items["table"].type(store).limits.max) == (10, 20)
    assert items["table"].type(store).elem == "funcref"
    assert (items["memory"].size(store), items["memory"].type(store).limits.max) == (1, 2)
    assert items["print_f64_f64"](store, 1.0, 2.0) is None


def test_spectest_prints_when_verbose(tmp_path):
    text = r"""
(module
  (import "spectest" "print_i32" (func $i (param i32)))
  (import "spectest" "print_f64_f64" (func $d (param f64 f64)))
  (import "spectest" "print" (func $p))
  (func (export "go") (call $i (i32.const -42)) (call $d (f64.const 1.5) (f64.const -0)) (call $p)))
(invoke "go")
"""
    quiet, loud = io.StringIO(), io.StringIO()
    run(tmp_path, text, out=quiet)
    run(tmp_path, text, out=loud, verbose=True)
    assert quiet.getvalue() == ""
    assert loud.getvalue() == "-42 : i32\n1.5 : f64\n-0.0 : f64\n"


def test_each_script_gets_fresh_spectest_state(tmp_path):
    text = r"""
(module
  (import "spectest" "memory" (memory 1))
  (func (export "swap") (result i32) (i32.load (i32.const 0)) (i32.store (i32.const 0) (i32.const 5))))
(assert_return (invoke "swap") (i32.const 0))
(assert_return (invoke "swap") (i32.const 5))
"""
    for _ in range(2):
        assert all(r.outcome == "passed" for r in run(tmp_path, text).values())


# -- the report ------------------------------------------------------------------------


@pytest.mark.parametrize("converter", ["native", "wasm-tools"])
def test_spec_main_table_and_last_line(tmp_path, converter):
    good = write(tmp_path, GOOD, "good.wast")
    out = io.StringIO()
    assert spec_main([str(good)], out=out, converter=converter) == 0
    lines = out.getvalue().splitlines()
    n = GOOD.count("\n(")
    assert lines[-1] == f"{n} passed, 0 failed, 0 skipped"
    assert lines[0].split() == ["file", "passed", "failed", "skipped", "seconds"]
    assert lines[1].split()[:4] == [str(good), str(n), "0", "0"]


def test_spec_main_lists_failures_and_how_to_rerun_them(tmp_path):
    good = write(tmp_path, GOOD, "good.wast")
    bad = write(tmp_path, BAD, "bad.wast")
    out = io.StringIO()
    assert spec_main([str(good), str(bad)], out=out, jobs=2) == 1
    text = out.getvalue()
    first = line_of(BAD, '(invoke "one") (i32.const 2)')
    assert f"{bad}:{first}: expected (i32 2), got (i32 1)" in text
    failing = [line_of(BAD, "(assert_", k) for k in range(1, 18)]
    assert f"  wasmvm spec {bad}:{_ranges([str(x) for x in failing])}\n" in text
    assert text.splitlines()[-1] == f"{GOOD.count(chr(10) + '(') + 2} passed, 17 failed, 0 skipped"

    out = io.StringIO()
    assert spec_main([f"{bad}:{first}"], out=out) == 1
    assert out.getvalue().splitlines()[-1] == "0 passed, 1 failed, 0 skipped"
    out = io.StringIO()
    assert spec_main([str(bad)], lines=str(line_of(BAD, '(invoke "one") (i32.const 1)')), out=out) == 0
    assert out.getvalue().splitlines()[-1] == "1 passed, 0 failed, 0 skipped"


def test_spec_main_limits_the_failure_list_unless_verbose(tmp_path):
    bad = write(tmp_path, BAD, "bad.wast")
    out = io.StringIO()
    spec_main([str(bad)], out=out, failure_limit=3)
    assert "... and 14 more (--verbose lists all)" in out.getvalue()
    out = io.StringIO()
    spec_main([str(bad)], out=out, failure_limit=3, verbose=True)
    assert "more (--verbose" not in out.getvalue()


def test_spec_main_bad_arguments(tmp_path):
    err = io.StringIO()
    assert spec_main([str(tmp_path / "missing.wast")], out=io.StringIO(), err=err) == 1
    assert err.getvalue().startswith("error: no such file or folder")
    err = io.StringIO()
    assert spec_main([str(write(tmp_path, GOOD))], lines="x", out=io.StringIO(), err=err) == 1
    assert "bad line selection" in err.getvalue()


def test_select_scripts_folders_and_line_suffixes(tmp_path):
    (tmp_path / "sub").mkdir()
    a = write(tmp_path, "(module)", "sub/a.wast")
    b = write(tmp_path, "(module)", "sub/b.wast")
    assert select_scripts([str(tmp_path / "sub")]) == [(a.resolve(), None), (b.resolve(), None)]
    assert select_scripts([f"{a}:1-2,5"], lines="9") == [(a.resolve(), frozenset({1, 2, 5}))]
    assert select_scripts([str(a)], lines="9") == [(a.resolve(), frozenset({9}))]


def test_ranges():
    assert _ranges(["9", "3", "4", "5", "12"]) == "3-5,9,12"
    assert _ranges(["1"]) == "1"


MODULE_DEFINITIONS = r"""
(module definition $M
  (global (export "g") (mut i32) (i32.const 0))
  (func (export "bump") (result i32)
    (global.set 0 (i32.add (global.get 0) (i32.const 1))) (global.get 0)))
(module instance $I1 $M)
(module instance $I2 $M)
(assert_return (invoke $I1 "bump") (i32.const 1))
(assert_return (invoke $I1 "bump") (i32.const 2))
(assert_return (invoke $I2 "bump") (i32.const 1))
(assert_return (invoke "bump") (i32.const 2))
(module instance $I3 $Nope)
(assert_return (invoke $I3 "bump") (i32.const 1))
"""


def test_module_definitions_instantiate_separately(tmp_path):
    """``module definition`` compiles once; each ``module instance`` is a fresh instance
    and becomes the current module."""
    results = run(tmp_path, MODULE_DEFINITIONS)
    text = MODULE_DEFINITIONS
    for line in (2, 6, 7, 8, 9, 10, 11):
        assert results[line].outcome == "passed", (line, results[line])
    nope = line_of(text, "$I3 $Nope")
    assert results[nope].outcome == "failed" and "$Nope" in results[nope].reason
    after = line_of(text, '$I3 "bump"')
    assert results[after].reason == f"module at line {nope} failed"


def test_unknown_constructs_fail_one_command_and_the_script_goes_on(tmp_path):
    """A command the model cannot read (here an expected value of a shape it does not
    know, edited into the converted JSON) fails alone, naming its line."""
    import json

    text = ('(module (func (export "f") (result i32) (i32.const 1)))\n'
            '(assert_return (invoke "f") (i32.const 1))\n'
            '(assert_return (invoke "f") (i32.const 1))\n')
    wast = write(tmp_path, text)
    converted = convert(wast, cache=tmp_path / "cache")
    data = json.loads(converted.json_path.read_text())
    data["commands"][1]["expected"] = [{"type": "i128", "value": "1"}]
    converted.json_path.write_text(json.dumps(data))
    results = run_script(load_converted(converted, "t.wast"), skips=lambda name: None)
    assert [r.outcome for r in results] == ["passed", "failed", "passed"]
    assert results[1].where == "t.wast:2" and "unknown value shape" in results[1].reason


def test_either_and_reference_shapes_match():
    from wasmvm.script.commands import NON_NULL, Either

    one_of = Either((i32(1), i32(2)))
    assert match_result(one_of, Val.i32(2)) and not match_result(one_of, Val.i32(3))
    assert match_result(RefValue("refnull", None), Val.externref(None))
    assert match_result(RefValue("refnull", None), Val.funcref(None))
    assert not match_result(RefValue("refnull", None), Val.i32(0))
    assert match_result(RefValue("nullexternref", None), Val.externref(None))
    assert not match_result(RefValue("nullfuncref", None), Val.externref(None))
    assert not match_result(RefValue("funcref", NON_NULL), Val.funcref(None))
    assert not match_result(RefValue("externref", NON_NULL), Val.funcref(None))


@pytest.mark.parametrize("converter", ["native", "wasm-tools"])
def test_spec_main_always_ends_with_its_summary(tmp_path, converter):
    """A script that cannot be read (natively: an unclosed form, one Unknown command at
    its line) or converted (wasm-tools: the whole script, at line 0) is one failure; the
    others run and the report ends with the summary line."""
    write(tmp_path, '(module (func (export "f") (result i32) (i32.const 1)))\n'
                    '(assert_return (invoke "f") (i32.const 1))\n', "good.wast")
    write(tmp_path, "(module (func (this is not wat\n", "bad.wast")
    out, err = io.StringIO(), io.StringIO()
    status = spec_main([str(tmp_path)], out=out, err=err, jobs=1, converter=converter)
    lines = out.getvalue().splitlines()
    assert status == 1
    assert lines[-1] == "2 passed, 1 failed, 0 skipped"  # module + assert_return; bad.wast
    where = "bad.wast:1: cannot read this command: unclosed" if converter == "native" \
        else "bad.wast:0: script not run"
    assert any(where in line for line in lines)
