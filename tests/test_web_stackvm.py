"""StackVM programs as text (wasmvm.web.program.parse_program): the learning API's own
syntax, ``Push(i32(2)), Push(i32(3)), Add("i32")``, read by a tokenizer and parser that
never evaluate anything, in both the server's /api/stackvm and the in-browser bridge."""

from __future__ import annotations

import builtins
import json
import math
import os
import time
from pathlib import Path

import pytest

from wasmvm import StackVM, Trap
from wasmvm.exec.stackvm import HANDLERS
from wasmvm.opcodes import BY_NAME
from wasmvm.syntax import (
    Add,
    Convert,
    Div,
    Drop,
    ExtendI32,
    Load,
    MemoryGrow,
    Mul,
    Push,
    Select,
    Shr,
    SignExtend,
    Store,
    Sub,
    ValType,
    f32,
    f64,
    i32,
    i64,
)
from wasmvm.syntax.instructions import maker
from wasmvm.web import browser
from wasmvm.web.limits import LimitError, Limits
from wasmvm.web.program import INSTRUCTIONS, ProgramError, build_program, parse_program, run_program

ROOT = Path(__file__).resolve().parent.parent
LIMITS = Limits()


def parse(text: str) -> list:
    return parse_program(text, LIMITS)


def error(text: str) -> ProgramError:
    with pytest.raises(ProgramError) as info:
        parse(text)
    return info.value


# -- the seed syntax ----------------------------------------------------------------------------
def test_the_readme_program_is_the_same_instructions():
    assert parse('Push(i32(2)), Push(i32(3)), Add("i32")') == [Push(i32(2)), Push(i32(3)), Add("i32")]
    # as a list, as an assignment pasted from the README, with comments and new lines
    for text in ('[Push(i32(2)), Push(i32(3)), Add("i32")]',
                 'vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]\n',
                 '# two and three\nPush(i32(2))\nPush(i32(3))   # no commas: one a line\nAdd("i32")',
                 'Push(i32(2)),\n    Push(i32(3)),\n    Add("i32"),\n'):
        assert parse(text) == [Push(i32(2)), Push(i32(3)), Add("i32")], text
    assert parse("") == parse("  # nothing\n") == parse("[]") == []


def test_keyword_arguments_and_every_value_type():
    assert parse('Div("i32", signed=True), Div("i64", signed=False), Shr("i32", signed=False)') == [
        Div("i32", signed=True), Div("i64", signed=False), Shr("i32", signed=False)]
    assert parse('Load("i32", offset=4), Load("i64", offset=8, bits=8, signed=False), '
                 'Store("i32", offset=4, bits=16), Store("f64", align=0)') == [
        Load("i32", offset=4), Load("i64", offset=8, bits=8, signed=False),
        Store("i32", offset=4, bits=16), Store("f64", align=0)]
    assert parse('Select(["f64"]), Select(types=("i32",)), Select(), Select(None)') == [
        Select(["f64"]), Select(["i32"]), Select(), Select()]
    assert parse('SignExtend("i64", 32), ExtendI32(signed=False), Convert("f32", "i64", False)') == [
        SignExtend("i64", 32), ExtendI32(False), Convert("f32", "i64", signed=False)]
    values = parse('Push(i32(-7)), Push(i64(-0x8000_0000_0000_0000)), Push(f32(0.1)), '
                   'Push(f64(-1.5e-3)), Push(f64(.5)), Push(f64(2.)), Push(f32(float("inf"))), '
                   'Push(f64(-float("inf"))), Push(f32.from_bits(0x7fa00000)), Push("i32", 0b101), '
                   'Push(i32(0o17)), Push(f64(1_000.25)), Const(i64(1))')
    assert [c.value for c in values] == [
        i32(-7), i64(-(1 << 63)), f32(0.1), f64(-1.5e-3), f64(0.5), f64(2.0), f32(math.inf),
        f64(-math.inf), f32.from_bits(0x7FA00000), i32(5), i32(15), f64(1000.25), i64(1)]
    assert values[8].value.bits == 0x7FA00000  # a signalling NaN keeps its payload


def test_every_instruction_the_stackvm_runs_can_be_written():
    """Each instruction's repr is the syntax: it reads back as the same instruction."""
    for name in sorted(HANDLERS):
        op = BY_NAME[name]
        make = maker(op)
        if name.endswith(".const"):
            bits = {"i32": 0xFFFFFFFD, "i64": 3, "f32": 0x7FA00000, "f64": 0x400921FB54442D18}
            instr = make(bits[name[:3]])
        elif op.imm == ("memarg",):
            instr = make(0, 4)
        elif name == "select_t":
            instr = make([ValType.F64])
        else:
            instr = make(*(0 for _ in op.imm))
        assert parse(repr(instr)) == [instr], repr(instr)
        assert parse(f"[{instr!r},]") == [instr]
    assert {type(cls) for cls in INSTRUCTIONS.values()} == {type}


def test_programs_run_as_the_python_objects_do():
    programs = [
        [Push(i32(10)), Push(i32(3)), Sub("i32"), Push(i32(4)), Mul("i32")],
        [Push(i32(-7)), Push(i32(2)), Div("i32", signed=True)],
        [Push(i64(-7)), Push(i64(2)), Div("i64", signed=False)],
        [Push(f32(0.1)), Push(f32(0.2)), Add("f32")],
        [Push(i32(0)), Push(i32(0x01020304)), Store("i32", offset=4), Push(i32(0)),
         Load("i32", offset=5, bits=8, signed=False), Push(i32(1)), MemoryGrow(), Drop()],
    ]
    for program in programs:
        vm = StackVM()
        vm.instructions = program
        vm.run()
        text = ", ".join(repr(i) for i in program)
        assert parse(text) == program
        assert run_program(text, LIMITS)["stack"] == [f"{v.type}:{v}" for v in vm.stack]
    assert run_program('Push(i32(-7)), Push(i32(2)), Div("i32", signed=True)', LIMITS)["stack"] == ["i32:-3"]
    assert run_program('Push(f32(0.1)), Push(f32(0.2)), Add("f32")', LIMITS)["stack"] == ["f32:0.3"]
    trap = run_program('Push(i32(1)), Push(i32(0)), Div("i32")', LIMITS)
    assert trap["error"]["code"] == "INTEGER_DIVISION_BY_ZERO" and trap["error"]["pc"] == 2
    with pytest.raises(Trap):
        vm = StackVM()
        vm.instructions = parse('Push(i32(1)), Push(i32(0)), Div("i32")')
        vm.run()


def test_json_is_still_accepted_as_text():
    items = [{"op": "i32.const", "value": 2}, {"op": "i32.const", "value": "3"},
             {"op": "i32.add"}, {"op": "i64.load8_u", "offset": 4}, {"op": "select", "types": ["f64"]}]
    assert parse(json.dumps(items, indent=2)) == build_program(items, LIMITS)
    assert parse(json.dumps(items[:3])) == [Push(i32(2)), Push(i32(3)), Add("i32")]
    e = error('[\n  {"op": "i32.const", "value": 2},\n  {"op": "i32.add"},\n]')
    assert (e.line, e.column) == (4, 1) and "not valid JSON" in e.message
    assert error('[{"op": "i32.add"}, {"op": "call"}]').index == 1
    assert "nested too deeply" in error('[{"a": ' * 100_000).message


# -- hostile and broken input ---------------------------------------------------------------------
def test_nothing_is_evaluated(monkeypatch):
    called = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, lambda *a, _n=name, **k: pytest.fail(f"{_n} called"))
    hostile = [
        '__import__("os").system("x")',
        'Push(__import__("os").system("x"))',
        'Push(i32(2)).__class__.__base__',
        'Push(i32.__class__)',
        'Push(i32(1).__init__)',
        'Push(f32.from_bits.__globals__)',
        'Push(i32(2)); import os',
        'lambda: os.system("x")',
        'Push(lambda: 1)',
        'Push(i32((lambda: 1)()))',
        '[x for x in ().__class__.__bases__[0].__subclasses__()]',
        'open("/etc/passwd")',
        'Push(i32(open("/etc/passwd")))',
        'exec("1")',
        'Push(eval("1"))',
        'Push(i32(2 + 3))',
        'Push(i32(2**100000))',
        'Push(i32(f"{1}"))',
        'Push(i32(b"x"))',
        'Push(i32(1 if True else 2))',
        'Push(i32(*[1]))',
        'Push(i32(**{"n": 1}))',
        'Add(t := "i32")',
        'globals()',
        'Push(Add("i32"))',
        'Block(None, [Nop()])',
        'Call(0)',
    ]
    for text in hostile:
        e = error(text)
        assert e.line is not None and e.column is not None, text
        assert e.message.startswith(f"line {e.line}, column {e.column}"), e.message
    assert called == []


def test_errors_say_where_and_what_was_expected():
    cases = [
        ('Push(i32(2)),\n  Add("i32"),\n  Mul("i32" ;)', 3, 13, "expected ',' or ')', found ';'"),
        ('Push(i32(2)) Add("i32")', 1, 14, "expected ',' or a new line"),
        ('Push(i32(2)), Add("i32"', 1, 24, "expected ',' or ')', found the end of the program"),
        ("Push('i32)", 1, 6, "unterminated string"),
        ('Push(i32(2$))', 1, 11, "found '$'"),
        ('__import__("os").system("x")', 1, 1, "unknown instruction '__import__'"),
        ('add("i32")', 1, 1, "unknown instruction 'add' (did you mean Add?)"),
        ('Push(i32(2)).__class__', 1, 13, "attribute access is not allowed"),
        ('Push(f32.real)', 1, 10, "expected from_bits after f32."),
        ('lambda: 0', 1, 1, "unknown instruction 'lambda'"),
        ('Push(lambda: 1)', 1, 6, "unknown name 'lambda'"),
        ('Push(i32(010))', 1, 10, "not a number: '010'"),
        ('Push(f64(1.5j))', 1, 10, "not a number: '1.5j'"),
        ('Push(i32(--1))', 1, 11, "expected a number after '-'"),
        ('Push(i32(99999999999))', 1, 6, "i32(x): 99999999999 does not fit in i32"),
        ('Push(i32(1.5))', 1, 6, "i32(x): needs an int, got 1.5"),
        ('Push(2)', 1, 1, "not a value type: 2 (write Push(i32(2))"),
        ('i32(2)', 1, 1, "i32(...) is a value, not an instruction"),
        ('Div("f32", signed=True)', 1, 1, "Div(t, signed=None): f32.div has no signedness"),
        ('Add()', 1, 1, "Add(t): missing a required argument: 't'"),
        ('Add("i32", x=1)', 1, 1, "got an unexpected keyword argument 'x'"),
        ('Add("i32", t="i64")', 1, 1, "multiple values for argument 't'"),
        ('Load("i32", offset=-1)', 1, 1, "Load.offset must be a u64, got -1"),
        ('Load("i32", offset=4, offset=5)', 1, 23, "keyword argument offset given twice"),
        ('Add(t="i32", "x")', 1, 14, "a positional argument after keyword arguments"),
        ('Drop', 1, 5, "expected '(' after Drop"),
        ('Nop(),\n\nBlock()', 3, 1, "unknown instruction 'Block'"),
        ('[Nop()] Nop()', 1, 9, "expected the end of the program after ']'"),
        ('Push(float("x"))', 1, 6, "float(x): could not convert string to float"),
        ('Push(i32.from_bits(-1))', 1, 6, "i32 bits out of range"),
    ]
    for text, line, column, expected in cases:
        e = error(text)
        assert (e.line, e.column) == (line, column), (text, e.message)
        assert expected in e.message, (text, e.message)
        assert e.message.startswith(f"line {line}, column {column}")
    assert error('Nop(), Nop(), Add()').index == 2


def test_huge_nesting_and_huge_input_are_refused_quickly():
    start = time.perf_counter()
    for text in ("Push(" + "i32(" * 100_000 + "1" + ")" * 100_001,
                 "Select(" + "[" * 100_000 + "]" * 100_000 + ")",
                 "Push(i32(" + "(" * 100_000 + "1" + ")" * 100_002,
                 "Push(i32(" + "-" * 100_000 + "1))"):
        e = error(text)
        assert "nested too deeply" in e.message or "expected a number after '-'" in e.message
    assert "nested too deeply" in error("Push(i32(" + "(" * 15 + "1" + ")" * 17).message
    assert parse("Push(i32(" + "(" * 14 + "1" + ")" * 16) == [Push(i32(1))]
    e = error("[" * 100_000)
    assert (e.line, e.column) == (1, 2)
    assert "not a number" in error("Push(i32(1" + "0" * 5000 + "))").message
    assert "int too large to convert to float" in error("Push(f32(1" + "0" * 400 + "))").message
    with pytest.raises(LimitError) as info:
        parse("Nop(), " * 200_000)  # stops reading at the limit
    assert info.value.limit == "max_stackvm_instructions"
    assert len(parse("Nop(), " * LIMITS.max_stackvm_instructions)) == LIMITS.max_stackvm_instructions
    assert time.perf_counter() - start < 10


# -- the API and the in-browser bridge ------------------------------------------------------------
fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from wasmvm.web.app import create_app  # noqa: E402
from wasmvm.web.assets import STATIC, Settings  # noqa: E402


@pytest.fixture(scope="module")
def client():
    settings = Settings(limits=Limits(), pyodide_dir=None, fixtures_dir=ROOT / "fixtures")
    with TestClient(create_app(settings)) as c:
        yield c


def test_the_api_runs_text_programs(client):
    text = 'Push(i32(2)), Push(i32(3)), Add("i32")'
    items = [{"op": "i32.const", "value": 2}, {"op": "i32.const", "value": 3}, {"op": "i32.add"}]
    r = client.post("/api/stackvm", json={"program": text})
    assert r.status_code == 200
    assert r.json() == client.post("/api/stackvm", json={"program": items}).json()
    assert r.json()["stack"] == ["i32:5"]
    assert [s["instruction"] for s in r.json()["steps"]] == ["i32.const 2", "i32.const 3", "i32.add"]
    r = client.post("/api/stackvm", json={"program": json.dumps(items)})  # JSON as text
    assert r.status_code == 200 and r.json()["stack"] == ["i32:5"]
    body = client.post("/api/stackvm", json={"program": 'Push(i32(0)), Push(i64(-1)), '
                                             'Store("i64", offset=8), Push(i32(8)), '
                                             'Load("i32", offset=4, bits=16, signed=True)'}).json()
    assert body["stack"] == ["i32:-1"] and body["error"] is None
    assert body["steps"][2]["memory_access"] == {"kind": "store", "address": 8, "bytes": "ff" * 8}
    body = client.post("/api/stackvm", json={"program": 'Push(i32(1)), Push(i32(0)), Div("i32")'}).json()
    assert body["error"]["code"] == "INTEGER_DIVISION_BY_ZERO"
    spec = client.get("/openapi.json").json()
    program = spec["components"]["schemas"]["ProgramRequest"]["properties"]["program"]
    assert {"type": "string"} in program["anyOf"]


def test_the_api_answers_bad_text_with_400_and_where(client):
    for text, where in (('__import__("os").system("x")', "line 1, column 1"),
                        ('Push(i32(2)),\nAdd("i32"', "line 2, column 10"),
                        ('Push(i32(2)).__class__', "line 1, column 13"),
                        ("Push(" + "i32(" * 10_000, "line 1, column "),
                        ('[{"op": "i32.add"},]', "line 1, column 20")):
        r = client.post("/api/stackvm", json={"program": text})
        assert r.status_code == 400, text
        body = r.json()
        assert body["error"] == "bad_program" and body["message"].startswith(where), body
        assert "Traceback" not in r.text
    r = client.post("/api/stackvm", json={"program": "Nop(), " * 501})
    assert r.status_code == 422 and r.json()["limit"] == "max_stackvm_instructions"


def test_the_browser_bridge_reads_text_as_the_server_does(client):
    for text in ('Push(i64(-7)), Push(i64(2)), Div("i64", signed=True)',
                 'Push(f64(1.5)), Push(f64(-float("inf"))), Push(i32(0)), Select(["f64"])',
                 '__import__("os").system("x")',
                 'Push(i32(1)),\nAdd("i32"'):
        request = {"program": text}
        served = client.post("/api/stackvm", json=request)
        answer = json.loads(browser.stackvm(json.dumps(request)))
        assert answer == {"status": served.status_code, "body": served.json()}, text


def test_the_playgrounds_default_program_is_the_seed_syntax(client):
    page = (STATIC / "index.html").read_text()
    text = page.split('<textarea id="program"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    assert 'Push(i32(2)), Push(i32(3)), Add("i32")' in text and '"op"' not in text
    body = client.post("/api/stackvm", json={"program": text}).json()
    assert body["stack"] == ["i32:35"] and body["error"] is None
