"""Extended constant expressions (WebAssembly 3.0): i32/i64 add, sub and mul, and
global.get of any earlier immutable global, in constant expressions; wrapping arithmetic
at instantiation, on both tiers, as wasmtime computes it."""

from __future__ import annotations

import pytest

from wasmvm import InvalidError, MalformedError
from wasmvm.binary import decode_module
from wasmvm.syntax.features import WASM2, WASM3
from wasmvm.valid import validate_module

from .wasm3_harness import agree, call, to_wasm

GLOBALS = """
(module
  (global $a (import "m" "a") i32)
  (global $b i32 (i32.add (global.get $a) (i32.const 0x7fffffff)))
  (global $c i32 (i32.mul (global.get $b) (i32.const 3)))
  (global $d i64 (i64.sub (i64.const 0) (i64.const 1)))
  (global $e i64 (i64.mul (global.get $d) (i64.const 0x100000000)))
  (global $f i64 (i64.add (i64.const 0x7fffffffffffffff) (i64.const 1)))
  (global $g i32 (i32.sub (i32.const -2147483648) (global.get $a)))
  (memory 1)
  (data (i32.add (global.get $a) (i32.const 8)) "\\2a")
  (table 4 funcref)
  (elem (i32.sub (global.get $a) (i32.const 1)) func $b)
  (func $b (export "b") (result i32) global.get $b)
  (func (export "c") (result i32) global.get $c)
  (func (export "e") (result i64) global.get $e)
  (func (export "f") (result i64) global.get $f)
  (func (export "g") (result i32) global.get $g)
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (type $t (func (result i32)))
  (func (export "elem") (param i32) (result i32) (call_indirect (type $t) (local.get 0)))
)
"""


def _imports(api, store):
    ty = api.GlobalType(api.ValType.i32(), False)
    return [api.Global(store, ty, 2)]


def test_globals_segments_wrap_on_every_engine():
    def script(api, store, inst):
        ex = inst.exports(store)
        return [call(api, store, ex[n]) for n in "bcefg"] + [
            call(api, store, ex["byte"], 10), call(api, store, ex["elem"], 1),
            call(api, store, ex["elem"], 0)]

    got = agree(GLOBALS, script, _imports)
    assert got[:5] == [-2147483647, 2147483651 - 2**32, -(2**32), -(2**63), 2147483646]
    assert got[5:] == [42, -2147483647, "trap"]


def _validate(wat: str, features=WASM3):
    return validate_module(decode_module(to_wasm(wat), features), features)


def test_global_get_sees_earlier_immutable_globals_only():
    _validate("(module (global i32 (i32.const 1)) (global i32 (global.get 0)))")
    for wat, message in [
        ("(module (global i32 (global.get 0)))", "unknown global 0"),
        ("(module (global i32 (global.get 1)) (global i32 (i32.const 0)))", "unknown global 1"),
        ("(module (global (mut i32) (i32.const 0)) (global i32 (global.get 0)))",
         "constant expression required"),
        ("(module (global i32 (i32.add (i32.const 0) (i64.const 0))))", "type mismatch"),
        ("(module (global i64 (i32.add (i32.const 0) (i32.const 0))))", "type mismatch"),
        ("(module (global i32 (i32.add (i32.const 0))))", "type mismatch"),
        ("(module (global i32 (i32.div_s (i32.const 0) (i32.const 1))))",
         "constant expression required"),
    ]:
        with pytest.raises(InvalidError) as info:
            _validate(wat)
        assert info.value.message.startswith(message), (wat, info.value.message)


def test_segments_may_read_module_globals():
    _validate("(module (global i32 (i32.const 1)) (memory 1) (data (global.get 0) \"\"))")


def test_switch_off_rejects_as_webassembly_2():
    for wat, message in [
        ("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
         "constant expression required, found i32.add"),
        ("(module (global i32 (i32.const 1)) (global i32 (global.get 0)))", "unknown global 0"),
    ]:
        with pytest.raises((InvalidError, MalformedError)) as info:
            _validate(wat, WASM2)
        assert info.value.message.startswith(message)
