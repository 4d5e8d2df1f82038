"""GC values across the API and the learning tools (issue 17): structs, arrays and i31s
seen from Python (``StructRef``, ``ArrayRef``, ``I31Ref`` with typed fields, identity kept
across calls), ``hierarchy`` of concrete GC types, and one text form of them
(``api.values.gc_text``) in ``wasmvm invoke``, the tracer, the stepper and the web API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wasmvm import Instance, Module, Store
from wasmvm.api import Config, Engine, Trap, Val
from wasmvm.api.values import (
    ArrayRef,
    GcRef,
    I31Ref,
    StructRef,
    canonical_type,
    format_value,
    gc_text,
    hierarchy,
    parse_value,
)
from wasmvm.cli import main
from wasmvm.syntax.types import ValType, ref_type

from .test_api import wat3

TIERS = ("compiled", "reference")

GC_WAT = """(module
  (type $point (struct (field $x i32) (field $y (mut i64)) (field $b i8) (field $h (mut i16))))
  (type $node (struct (field $next (mut (ref null $node))) (field $v i32)))
  (type $bytes (array (mut i8)))
  (type $f (func (result i32)))
  (func (export "point") (param i32) (result (ref $point))
    (struct.new $point (local.get 0) (i64.const 2) (i32.const -1) (i32.const 0x12345)))
  (func (export "same") (param (ref $point)) (result (ref $point)) (local.get 0))
  (func (export "x") (param (ref null $point)) (result i32) (struct.get $point $x (local.get 0)))
  (func (export "any") (param anyref) (result anyref) (local.get 0))
  (func (export "eq") (param eqref eqref) (result i32) (ref.eq (local.get 0) (local.get 1)))
  (func (export "cycle") (result (ref $node))
    (local $n (ref null $node))
    (local.set $n (struct.new $node (ref.null $node) (i32.const 7)))
    (struct.set $node $next (local.get $n) (local.get $n))
    (ref.as_non_null (local.get $n)))
  (func (export "chain") (param $k i32) (result (ref null $node))
    (local $n (ref null $node))
    (loop $more
      (local.set $n (struct.new $node (local.get $n) (local.get $k)))
      (br_if $more (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))
    (local.get $n))
  (func (export "bytes") (param i32) (result (ref $bytes))
    (array.new $bytes (i32.const 200) (local.get 0)))
  (func (export "i31") (param i32) (result i31ref) (ref.i31 (local.get 0)))
  (func (export "i31_get") (param i31ref) (result i32) (i31.get_s (local.get 0)))
  (func (export "null") (result structref) (ref.null struct))
)"""


@pytest.fixture(scope="module")
def gc_wasm() -> bytes:
    return wat3(GC_WAT)


def exports(binary: bytes, tier: str):
    store = Store(Engine(Config(tier=tier)))
    return store, Instance(store, Module(store.engine, binary), []).exports(store)


# -- Python's view ----------------------------------------------------------------------------
@pytest.mark.parametrize("tier", TIERS)
def test_struct_fields_are_typed_values(gc_wasm, tier):
    store, ex = exports(gc_wasm, tier)
    p = ex["point"](store, 5)
    assert isinstance(p, StructRef) and isinstance(p, GcRef)
    assert str(p.type) == "(struct (field i32) (field (mut i64)) (field i8) (field (mut i16)))"
    assert len(p) == 4
    # packed fields read as i32 (their stored bits, zero-extended)
    assert p.fields == [Val.i32(5), Val.i64(2), Val.i32(0xFF), Val.i32(0x2345)]
    assert p[0].value == 5 and p[1].type is ValType.I64 and p[-1].value == 0x2345
    assert [v.value for v in p[1:3]] == [2, 255]
    with pytest.raises(IndexError):
        p[4]
    assert repr(p) == "(ref.struct $0 {i32:5, (mut i64):2, i8:255, (mut i16):9029})".replace(
        "$0", f"${p.type_id}")


@pytest.mark.parametrize("tier", TIERS)
def test_identity_survives_the_round_trip(gc_wasm, tier):
    store, ex = exports(gc_wasm, tier)
    p = ex["point"](store, 1)
    back = ex["same"](store, p)
    assert back == p and back._raw is p._raw and hash(back) == hash(p)
    assert ex["any"](store, p) == p
    assert ex["eq"](store, p, back) == 1
    assert ex["eq"](store, p, ex["point"](store, 1)) == 0  # equal fields, another object
    assert ex["x"](store, p) == 1
    with pytest.raises(Trap, match="null structure reference"):
        ex["x"](store, None)
    # the same through Vals
    [v] = ex["same"].call_vals(store, [Val(ref_type(False, p.type_id), p._raw)])
    assert v.value == p and format_value(v) == repr(p)
    assert ex["any"](store, Val.anyref(p)) == p
    # a host object as an anyref comes back as itself; None is null
    obj = object()
    assert ex["any"](store, obj) is obj and ex["any"](store, None) is None
    assert ex["null"](store) is None


@pytest.mark.parametrize("tier", TIERS)
def test_i31_values(gc_wasm, tier):
    store, ex = exports(gc_wasm, tier)
    r = ex["i31"](store, -5)
    assert isinstance(r, I31Ref) and r.signed == -5 and r.unsigned == 0x7FFFFFFB and int(r) == -5
    assert repr(r) == "(ref.i31 -5)"
    assert ex["i31_get"](store, r) == -5
    assert ex["i31_get"](store, 7) == 7  # a plain int for an i31ref parameter
    assert ex["i31_get"](store, Val.i31ref(0x7FFFFFFF)) == -1
    assert ex["any"](store, Val.i31ref(3)) == ex["i31"](store, 3)  # i31s: equal by value
    assert ex["eq"](store, Val.eqref(ex["i31"](store, 9)), ex["i31"](store, 9)) == 1
    with pytest.raises(ValueError):
        Val.i31ref(1 << 31)


@pytest.mark.parametrize("tier", TIERS)
def test_wrong_objects_are_refused(gc_wasm, tier):
    store, ex = exports(gc_wasm, tier)
    node = ex["cycle"](store)
    with pytest.raises(TypeError, match="is not a value of"):
        ex["same"](store, node)  # a $node where a (ref $point) is wanted
    with pytest.raises(TypeError, match="null is not a value"):
        ex["same"](store, None)
    with pytest.raises(TypeError):
        ex["eq"](store, "host", None)  # a host object is an anyref, not an eqref
    with pytest.raises(TypeError):
        Val.structref(ex["bytes"](store, 1))


@pytest.mark.parametrize("tier", TIERS)
def test_arrays_nesting_and_cycles(gc_wasm, tier):
    store, ex = exports(gc_wasm, tier)
    a = ex["bytes"](store, 100)
    assert isinstance(a, ArrayRef) and len(a) == 100 and str(a.type) == "(array (mut i8))"
    assert a[99] == Val.i32(200) and len(a.fields) == 100
    n = a.type_id
    assert repr(a) == f"(ref.array ${n} [" + ", ".join(["i8:200"] * 8) + ", ...] len=100)"
    assert repr(ex["bytes"](store, 0)) == f"(ref.array ${n} [] len=0)"
    c = ex["cycle"](store)
    t = c.type_id
    assert c[0].value == c  # the struct refers to itself
    assert repr(c) == f"(ref.struct ${t} {{(mut (ref null ${t})):(ref.struct ${t} <cycle>), i32:7}})"
    chain = ex["chain"](store, 5)  # 1 -> 2 -> ... -> 5 -> null, shown 3 deep
    assert [chain[1].value, chain[0].value[1].value] == [1, 2]
    assert repr(chain) == (f"(ref.struct ${t} {{(mut (ref null ${t})):(ref.struct ${t} "
                           f"{{(mut (ref null ${t})):(ref.struct ${t} {{(mut (ref null ${t})):"
                           f"(ref.struct ${t} ...), i32:3}}), i32:2}}), i32:1}})")
    assert gc_text(chain._raw, depth=1) == f"(ref.struct ${t} {{(mut (ref null ${t})):" \
                                           f"(ref.struct ${t} ...), i32:1}})"
    long = ex["chain"](store, 10_000)  # deep: the text stays short
    assert len(repr(long)) < 400


def test_hierarchy_of_concrete_gc_types(gc_wasm):
    store, ex = exports(gc_wasm, "compiled")
    ty = canonical_type(ex["same"]._inst)  # (ref $point), $point as its canonical id
    [param] = ty.params
    assert isinstance(param.heap, int) and hierarchy(param) == "any"
    f = ex["cycle"]
    assert hierarchy(canonical_type(f._inst).results[0]) == "any"
    assert hierarchy(ValType.STRUCTREF) == "any" and hierarchy(ValType.I31REF) == "any"
    assert hierarchy(ValType.FUNCREF) == "func" and hierarchy(ValType.I32) is None
    # a concrete function type stays in func
    store2, ex2 = exports(wat3("""(module (type $f (func (result i32)))
      (func $k (type $f) (i32.const 4)) (elem declare func $k)
      (func (export "k") (result (ref $f)) (ref.func $k)))"""), "compiled")
    k = ex2["k"]
    assert hierarchy(canonical_type(k._inst).results[0]) == "func"
    assert k(store2)(store2) == 4


def test_parse_value_for_gc_parameters():
    assert parse_value(ValType.ANYREF, "null") == Val(ValType.ANYREF, None)
    assert format_value(parse_value(ValType.ANYREF, "-5")) == "(ref.i31 -5)"
    assert format_value(parse_value(ValType.EQREF, "i31:0x7fffffff")) == "(ref.i31 -1)"
    assert format_value(parse_value(ref_type(False, "i31"), "3")) == "(ref.i31 3)"
    for t, text in ((ValType.I31REF, "0x80000000"), (ValType.STRUCTREF, "1"),
                    (ref_type(False, "struct"), "null"), (ValType.ANYREF, "x")):
        with pytest.raises(ValueError):
            parse_value(t, text)
    assert format_value(Val(ValType.ANYREF, None)) == "anyref:null"


# -- the learning tools -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def gc_file(gc_wasm, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("gc") / "gc.wasm"
    path.write_bytes(gc_wasm)
    return path


@pytest.mark.parametrize("tier", TIERS)
def test_invoke_prints_objects(gc_file, capsys, tier):
    def invoke(*argv):
        assert main(["invoke", "--tier", tier, str(gc_file), *argv]) == 0
        return capsys.readouterr().out.strip()

    # types are named by their index in the module ($0 is $point, $1 $node, $2 $bytes)
    assert invoke("point", "5") == "(ref.struct $0 {i32:5, (mut i64):2, i8:255, (mut i16):9029})"
    assert invoke("cycle") == "(ref.struct $1 {(mut (ref null $1)):(ref.struct $1 <cycle>), i32:7})"
    assert invoke("bytes", "3") == "(ref.array $2 [i8:200, i8:200, i8:200] len=3)"
    assert invoke("i31", "--", "-5") == "(ref.i31 -5)"
    assert invoke("i31_get", "--", "-3") == "i32:-3"
    assert invoke("any", "null") == "anyref:null"
    assert invoke("any", "42") == "(ref.i31 42)"
    assert main(["invoke", str(gc_file), "x", "null"]) == 1  # traps: null structure reference
    assert "null structure reference" in capsys.readouterr().err


def test_invoke_refuses_what_it_cannot_write(gc_file, capsys):
    assert main(["invoke", str(gc_file), "same", "null"]) == 1
    assert "null is not a value of (ref $0)" in capsys.readouterr().err
    assert main(["invoke", str(gc_file), "x", "7"]) == 1
    assert "can only be null" in capsys.readouterr().err


def test_trace_shows_the_struct(gc_file, capsys):
    assert main(["trace", str(gc_file), "--invoke", "point", "5"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "struct.new" in x)
    assert "[(ref.struct $0 {i32:5, (mut i64):2, i8:255, (mut i16):9029})]" in line, out
    assert out.rstrip().endswith("(ref.struct $0 {i32:5, (mut i64):2, i8:255, (mut i16):9029})")
    assert main(["trace", str(gc_file), "--invoke", "same", "null"]) == 1  # (not nullable)
    capsys.readouterr()
    assert main(["trace", str(gc_file), "--json", "--invoke", "i31_get", "3"]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert records[0]["event"] == "call" and records[0]["args"] == ["(ref.i31 3)"]
    assert records[-1] == {"event": "results", "results": ["i32:3"]}


def test_stepper_states_show_objects(gc_wasm):
    from wasmvm.observe.stepper import Debugger
    from wasmvm.observe.trace import format_typed, state_namer

    store, ex = exports(gc_wasm, "reference")
    dbg = Debugger(store, ex["cycle"], [])
    texts = []
    while not dbg.done:
        state = dbg.state
        texts.append([format_typed(None, v, state_namer(state)) for v in state.raw_stack])
        dbg.step()
    assert ["(ref.struct $1 {(mut (ref null $1)):null, i32:7})"] in texts
    assert isinstance(dbg.results, StructRef) and dbg.results[1].value == 7


def test_web_invoke_and_steps_return_object_text(gc_wasm):
    pytest.importorskip("fastapi")
    pytest.importorskip("multipart")
    from .test_web import b64, make_client

    with make_client() as client:
        r = client.post("/api/invoke", json={"module": b64(gc_wasm), "export": "point",
                                             "args": ["5"]})
        assert r.status_code == 200, r.text
        [result] = r.json()["results"]
        assert result["text"] == "(ref.struct $0 {i32:5, (mut i64):2, i8:255, (mut i16):9029})"
        assert result["bits"] is None and result["type"] == "(ref $0)"
        r = client.post("/api/invoke", json={"module": b64(gc_wasm), "export": "any",
                                             "args": ["-7"], "trace": True})
        body = r.json()
        assert body["trace"][0]["args"] == ["(ref.i31 -7)"]
        assert body["args"] == ["(ref.i31 -7)"] and body["results"][0]["text"] == "(ref.i31 -7)"
        r = client.post("/api/steps", json={"module": b64(gc_wasm), "export": "bytes",
                                            "args": ["2"]})
        body = r.json()
        assert body["results"][0]["text"] == "(ref.array $2 [i8:200, i8:200] len=2)"
        assert body["steps"][-1]["stack"] == ["(ref.array $2 [i8:200, i8:200] len=2)"]
        r = client.post("/api/steps", json={"module": b64(gc_wasm), "export": "cycle", "args": []})
        locals_ = [s["locals"][0]["value"] for s in r.json()["steps"]]
        assert locals_[-1] == "(ref.struct $1 {(mut (ref null $1)):(ref.struct $1 <cycle>), i32:7})"


def test_globals_and_tables_of_concrete_types():
    """A global's or table's (ref $t) is written in its module's indices: its value is
    read by what it is (a Func, a struct), whatever canonical id $t has."""
    store, ex = exports(wat3("""(module
      (type $s (struct (field i32)))
      (type $f (func (result i32)))
      (func $k (type $f) (i32.const 4)) (elem declare func $k)
      (global (export "s") (ref $s) (struct.new $s (i32.const 9)))
      (global (export "f") (ref null $f) (ref.func $k))
      (table (export "t") 2 (ref null $s))
      (func (export "fill") (table.set 0 (i32.const 1) (global.get 0))))"""), "compiled")
    s = ex["s"].value(store)
    assert isinstance(s, StructRef) and s.fields == [Val.i32(9)] and repr(s).endswith("{i32:9})")
    assert ex["f"].value(store)(store) == 4
    ex["fill"](store)
    assert ex["t"].get(store, 0) is None and ex["t"].get(store, 1) == s
