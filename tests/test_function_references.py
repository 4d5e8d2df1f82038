"""Typed function references (WebAssembly 3.0): ``(ref $t)`` and ``(ref null $t)`` types,
``call_ref``, ``ref.as_non_null``, ``br_on_null``, ``br_on_non_null``, non-nullable locals
and tables with an initializer, on both tiers, against wasmtime where it can run them."""

from __future__ import annotations

import pytest

from wasmvm import Config, Engine, Instance, InvalidError, Module, Store, Trap, Val
from wasmvm.binary import decode_module, encode_module
from wasmvm.errors import TrapCode, UnsupportedFeatureError
from wasmvm.syntax.features import WASM2
from wasmvm.syntax.types import RefType, ref_type

from .test_api import wat3

TIERS = ["compiled", "reference"]

PROGRAM = r"""
(module
  (type $binop (func (param i32 i32) (result i32)))
  (type $unop (func (param i32) (result i32)))
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $twice (param $f (ref $unop)) (param $x i32) (result i32)
    (call_ref $unop (call_ref $unop (local.get $x) (local.get $f)) (local.get $f)))
  (func $inc (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $add $sub $inc)
  (table $ops 2 (ref $binop) (ref.func $add))
  (global $op (mut (ref null $binop)) (ref.null $binop))

  (func (export "apply") (param i32 i32 i32) (result i32)
    (call_ref $binop (local.get 1) (local.get 2)
      (table.get $ops (local.get 0))))
  (func (export "set-sub")
    (table.set $ops (i32.const 1) (ref.func $sub)))
  (func (export "twice-inc") (param i32) (result i32)
    (call $twice (ref.func $inc) (local.get 0)))
  (func (export "call-null") (result i32)
    (call_ref $binop (i32.const 1) (i32.const 2) (global.get $op)))
  (func (export "as-non-null-null") (result i32)
    (ref.is_null (ref.as_non_null (global.get $op))))
  (func (export "on-null") (param i32) (result i32)
    (block $null (result i32)
      (i32.const -1)
      (if (local.get 0) (then (global.set $op (ref.func $add))))
      (br_on_null $null (global.get $op))
      (drop)
      (call_ref $binop (i32.const 20) (i32.const 22) (global.get $op))
      (global.set $op (ref.null $binop))
      (return)))
  (func (export "on-non-null") (param i32) (result i32)
    (local $f (ref null $binop))
    (local.set $f
      (block $some (result (ref $binop))
        (if (local.get 0) (then (global.set $op (ref.func $sub))))
        (br_on_non_null $some (global.get $op))
        (return (i32.const -7))))
    (global.set $op (ref.null $binop))
    (call_ref $binop (i32.const 50) (i32.const 8) (local.get $f)))
  (func (export "local-init") (result i32)
    (local $f (ref $binop))
    (local.set $f (ref.func $add))
    (call_ref $binop (i32.const 2) (i32.const 3) (local.get $f)))
  (func (export "returns-ref") (result (ref $unop)) (ref.func $inc))
  (func (export "takes-ref") (param (ref $unop)) (param i32) (result i32)
    (call_ref $unop (local.get 1) (local.get 0)))
)
"""


def instance(tier: str, text: str = PROGRAM):
    store = Store(Engine(Config(tier=tier)))
    return store, Instance(store, Module(store.engine, wat3(text)), []).exports(store)


@pytest.mark.parametrize("tier", TIERS)
def test_calls_through_typed_references(tier):
    store, ex = instance(tier)
    assert ex["apply"](store, 0, 40, 2) == 42
    with pytest.raises(Trap) as info:  # element 1 is $add too (the table's initializer)
        ex["apply"](store, 2, 1, 1)
    assert info.value.code is TrapCode.TABLE_OUT_OF_BOUNDS
    assert ex["apply"](store, 1, 40, 2) == 42
    ex["set-sub"](store)
    assert ex["apply"](store, 1, 40, 2) == 38
    assert ex["twice-inc"](store, 5) == 7
    assert ex["local-init"](store) == 5


@pytest.mark.parametrize("tier", TIERS)
def test_null_references_trap_with_the_spec_messages(tier):
    store, ex = instance(tier)
    with pytest.raises(Trap) as info:
        ex["call-null"](store)
    assert info.value.code is TrapCode.NULL_REFERENCE  # as wasmtime names it
    assert info.value.message == "null function reference"  # the spec's message
    with pytest.raises(Trap) as info:
        ex["as-non-null-null"](store)
    assert info.value.message == "null reference"


@pytest.mark.parametrize("tier", TIERS)
def test_branches_on_null_and_non_null(tier):
    store, ex = instance(tier)
    assert ex["on-null"](store, 0) == -1  # null: branch, carrying -1
    assert ex["on-null"](store, 1) == 42  # not null: the reference stays, non-null
    assert ex["on-non-null"](store, 0) == -7
    assert ex["on-non-null"](store, 1) == 42  # carried out of the block: 50 - 8


@pytest.mark.parametrize("tier", TIERS)
def test_typed_references_cross_the_api(tier):
    store, ex = instance(tier)
    inc = ex["returns-ref"](store)
    assert inc(store, 1) == 2
    assert ex["takes-ref"](store, inc, 41) == 42
    assert ex["takes-ref"](store, Val.funcref(inc), 9) == 10
    with pytest.raises(TypeError, match="null"):  # (ref $unop) is not nullable
        ex["takes-ref"](store, None, 1)


def test_same_results_as_wasmtime():
    wasmtime = pytest.importorskip("wasmtime")
    data = bytes(wat3(PROGRAM))
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    theirs = wasmtime.Instance(store, wasmtime.Module(engine, data), []).exports(store)
    calls = [("apply", (0, 40, 2)), ("twice-inc", (5,)), ("local-init", ()),
             ("on-null", (0,)), ("on-null", (1,)), ("on-non-null", (0,)),
             ("on-non-null", (1,))]
    expected = [theirs[name](store, *args) for name, args in calls]
    for tier in TIERS:
        ours_store, ours = instance(tier)
        assert [ours[name](ours_store, *args) for name, args in calls] == expected, tier


@pytest.mark.parametrize("body, message", [
    ("(local $f (ref func)) (drop (local.get $f))", "uninitialized local"),
    # a set inside a block does not outlive it
    ("(local $f (ref func)) (block (local.set $f (ref.func $g))) (drop (local.get $f))",
     "uninitialized local"),
    ("(drop (call_ref $t (ref.null func)))", "type mismatch"),
    ("(drop (ref.as_non_null (i32.const 1)))", "type mismatch"),
    ("(block (result i32) (br_on_non_null 0 (ref.null func)) (i32.const 0))", "type mismatch"),
])
def test_invalid_uses(body, message):
    text = f"(module (type $t (func)) (func $g) (elem declare func $g) (func {body}))"
    with pytest.raises(InvalidError) as info:
        Module(Engine(), wat3(text))
    assert info.value.message.startswith(message)


def test_tables_of_non_nullable_type_need_an_initializer():
    with pytest.raises(InvalidError, match="type mismatch"):
        Module(Engine(), wat3("(module (table 1 (ref func)))"))
    Module(Engine(), wat3("(module (func $f) (table 1 (ref func) (ref.func $f)))"))


def test_types_round_trip_through_the_encoder():
    module = decode_module(wat3(PROGRAM))
    assert decode_module(encode_module(module)) == module
    twice = module.types[module.funcs[2].type]
    assert twice.params[0] == ref_type(False, 1) and isinstance(twice.params[0], RefType)
    assert str(twice.params[0]) == "(ref $1)"


def test_switched_off_it_is_rejected_as_2_0_rejects_it():
    data = wat3("(module (type $t (func)) (func (param (ref null $t)) (call_ref $t "
                "(local.get 0))))")
    with pytest.raises(UnsupportedFeatureError) as info:
        decode_module(data, WASM2)
    assert info.value.spec_message == "malformed value type"
    with pytest.raises(UnsupportedFeatureError):
        Module(Engine(Config(wasm_function_references=False)), data)
    Module(Engine(), data)  # on by default


def test_invoke_takes_a_function_reference_by_name_or_index(tmp_path):
    """``wasmvm invoke`` passes a non-nullable typed reference as ref.func:NAME (an
    exported function) or ref.func:N (a function index); a function of another type, an
    unknown name or a null is refused with a message, never a traceback."""
    import subprocess
    import sys

    from .test_api import wat3

    text = """(module
      (type $t (func (param i32) (result i32)))
      (func $double (export "double") (type $t) (i32.mul (local.get 0) (i32.const 2)))
      (func $neg (type $t) (i32.sub (i32.const 0) (local.get 0)))
      (func $other (export "other") (param i64) (result i64) (local.get 0))
      (func (export "apply") (param (ref $t)) (param i32) (result i32)
        (call_ref $t (local.get 1) (local.get 0)))
      (func (export "any") (param funcref) (result i32) (ref.is_null (local.get 0))))"""
    path = tmp_path / "apply.wasm"
    path.write_bytes(wat3(text))

    def invoke(*args):
        return subprocess.run([sys.executable, "-m", "wasmvm", "invoke", str(path), *args],
                              capture_output=True, text=True, check=False)

    for ref, want in (("ref.func:double", "i32:42"), ("ref.func:0", "i32:42"),
                      ("ref.func:1", "i32:-21")):
        out = invoke("apply", ref, "21")
        assert (out.returncode, out.stdout.strip()) == (0, want), out.stderr
    assert invoke("any", "ref.func:other").stdout.strip() == "i32:0"
    for ref, message in (("ref.func:other", "not a value of (ref $0)"),
                         ("ref.func:nope", "no exported function 'nope'"),
                         ("ref.func:9", "the module has 5 functions"),
                         ("null", "null is not a value of (ref $0)")):
        out = invoke("apply", ref, "1")
        assert out.returncode != 0 and message in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
