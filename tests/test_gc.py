"""GC instructions (issue 17) on both tiers: i31, structs (packed fields), arrays (bounds,
overlapping copies), ref.eq, casts, extern/any conversions, null traps, and an allocation
loop of short-lived structs."""

from __future__ import annotations

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap
from wasmvm.errors import TrapCode

from .test_api import wat3

TIERS = ["compiled", "reference"]

PROGRAM = r"""
(module
  (type $pt (struct (field $x (mut i32)) (field $b (mut i8)) (field $h i16)))
  (type $sub (sub (struct)))
  (type $sub2 (sub $sub (struct (field i32))))
  (type $arr (array (mut i32)))
  (type $bytes (array (mut i8)))
  (type $node (struct (field $v (mut i32)) (field $next (mut (ref null $node)))))

  (func (export "i31-u") (param i32) (result i32) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "i31-s") (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))
  (func (export "i31-null") (result i32) (i31.get_u (ref.null i31)))

  (func (export "packed") (param i32) (result i32 i32 i32 i32)
    (local $p (ref $pt))
    (local.set $p (struct.new $pt (i32.const 1) (local.get 0) (local.get 0)))
    (struct.get_s $pt $b (local.get $p))
    (struct.get_u $pt $b (local.get $p))
    (struct.get_s $pt $h (local.get $p))
    (struct.get_u $pt $h (local.get $p)))
  (func (export "set-packed") (param i32) (result i32)
    (local $p (ref $pt))
    (local.set $p (struct.new_default $pt))
    (struct.set $pt $b (local.get $p) (local.get 0))
    (struct.get_u $pt $b (local.get $p)))
  (func (export "struct-null") (result i32)
    (struct.get $pt $x (ref.null $pt)))

  (func (export "eq-i31") (param i32 i32) (result i32)
    (ref.eq (ref.i31 (local.get 0)) (ref.i31 (local.get 1))))
  (func (export "eq-struct") (result i32 i32)
    (local $a (ref $pt))
    (local.set $a (struct.new_default $pt))
    (ref.eq (local.get $a) (local.get $a))
    (ref.eq (local.get $a) (struct.new_default $pt)))
  (func (export "eq-null") (result i32)
    (ref.eq (ref.null eq) (ref.null none)))

  (func (export "test-sub") (result i32 i32 i32 i32)
    (ref.test (ref $sub) (struct.new_default $sub2))
    (ref.test (ref $sub2) (struct.new_default $sub))
    (ref.test (ref struct) (ref.i31 (i32.const 0)))
    (ref.test (ref null $sub) (ref.null any)))
  (func (export "cast-ok") (result i32)
    (struct.get $sub2 0 (ref.cast (ref $sub2) (struct.new $sub2 (i32.const 7)))))
  (func (export "cast-fail") (result i32)
    (drop (ref.cast (ref $sub2) (struct.new_default $sub)))
    (i32.const 0))
  (func (export "br-on-cast") (param i32) (result i32)
    (block $is-i31 (result (ref i31))
      (br_on_cast $is-i31 anyref (ref i31)
        (if (result anyref) (local.get 0)
          (then (ref.i31 (i32.const 5)))
          (else (struct.new_default $sub))))
      (drop)
      (return (i32.const -1)))
    (i31.get_u))

  (func (export "array-get") (param i32) (result i32)
    (array.get $arr (array.new $arr (i32.const 3) (i32.const 4)) (local.get 0)))
  (func (export "array-null") (result i32)
    (array.len (ref.null $arr)))
  (func (export "copy-overlap") (param $d i32) (param $s i32) (result i32 i32 i32 i32 i32)
    (local $a (ref $arr))
    (local.set $a (array.new_fixed $arr 5 (i32.const 0) (i32.const 1) (i32.const 2)
                                           (i32.const 3) (i32.const 4)))
    (array.copy $arr $arr (local.get $a) (local.get $d) (local.get $a) (local.get $s)
                (i32.const 3))
    (array.get $arr (local.get $a) (i32.const 0))
    (array.get $arr (local.get $a) (i32.const 1))
    (array.get $arr (local.get $a) (i32.const 2))
    (array.get $arr (local.get $a) (i32.const 3))
    (array.get $arr (local.get $a) (i32.const 4)))
  (func (export "bytes") (result i32 i32)
    (local $b (ref $bytes))
    (local.set $b (array.new $bytes (i32.const 0x1FF) (i32.const 2)))
    (array.get_s $bytes (local.get $b) (i32.const 0))
    (array.get_u $bytes (local.get $b) (i32.const 1)))

  (func (export "extern-round-trip") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "internalized-is-not-eq") (param externref) (result i32)
    (ref.test (ref eq) (any.convert_extern (local.get 0))))

  (func (export "alloc-loop") (param $n i32) (result i32)
    (local $keep (ref null $node))
    (local $i i32)
    (loop $l
      (local.set $keep (struct.new $node (local.get $i) (ref.null $node)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (struct.get $node $v (local.get $keep)))
)
"""


_MODULES: dict = {}


def instance(tier: str):
    if "wasm" not in _MODULES:
        _MODULES["wasm"] = wat3(PROGRAM)
    store = Store(Engine(Config(tier=tier)))
    return store, Instance(store, Module(store.engine, _MODULES["wasm"]), []).exports(store)


def trap(fn, *args) -> Trap:
    with pytest.raises(Trap) as info:
        fn(*args)
    return info.value


@pytest.mark.parametrize("tier", TIERS)
def test_i31_wraps_and_sign_extends(tier):
    store, ex = instance(tier)
    assert ex["i31-u"](store, 0x7FFFFFFF) == 0x7FFFFFFF
    assert ex["i31-u"](store, -1) == 0x7FFFFFFF  # the top bit is dropped
    assert ex["i31-s"](store, -1) == -1  # sign-extended from bit 30
    assert ex["i31-s"](store, 0x40000000) == -0x40000000
    assert ex["i31-s"](store, 0x3FFFFFFF) == 0x3FFFFFFF
    assert ex["i31-u"](store, 0x80000005) == 5
    t = trap(ex["i31-null"], store)
    assert t.code is TrapCode.NULL_REFERENCE and t.message == "null i31 reference"


@pytest.mark.parametrize("tier", TIERS)
def test_packed_fields(tier):
    store, ex = instance(tier)
    assert ex["packed"](store, 0x1FF80) == (-128, 0x80, -128, 0xFF80)
    assert ex["packed"](store, 0x7F) == (0x7F, 0x7F, 0x7F, 0x7F)
    assert ex["set-packed"](store, 0x12345) == 0x45
    assert ex["bytes"](store) == (-1, 0xFF)


@pytest.mark.parametrize("tier", TIERS)
def test_null_struct_and_array_traps(tier):
    store, ex = instance(tier)
    t = trap(ex["struct-null"], store)
    assert t.code is TrapCode.NULL_REFERENCE and t.message == "null structure reference"
    t = trap(ex["array-null"], store)
    assert t.code is TrapCode.NULL_REFERENCE and t.message == "null array reference"


@pytest.mark.parametrize("tier", TIERS)
def test_ref_eq(tier):
    store, ex = instance(tier)
    assert ex["eq-i31"](store, 5, 5) == 1  # by value
    assert ex["eq-i31"](store, 5, 6) == 0
    assert ex["eq-i31"](store, -1, 0x7FFFFFFF) == 1  # the same 31 bits
    assert ex["eq-struct"](store) == (1, 0)  # by identity
    assert ex["eq-null"](store) == 1


@pytest.mark.parametrize("tier", TIERS)
def test_casts(tier):
    store, ex = instance(tier)
    assert ex["test-sub"](store) == (1, 0, 0, 1)
    assert ex["cast-ok"](store) == 7
    t = trap(ex["cast-fail"], store)
    assert t.code is TrapCode.CAST_FAILURE and t.message == "cast failure"
    assert ex["br-on-cast"](store, 1) == 5
    assert ex["br-on-cast"](store, 0) == -1


@pytest.mark.parametrize("tier", TIERS)
def test_array_bounds_and_overlapping_copy(tier):
    store, ex = instance(tier)
    assert ex["array-get"](store, 3) == 3
    t = trap(ex["array-get"], store, 4)
    assert t.code is TrapCode.ARRAY_OUT_OF_BOUNDS and t.message == "out of bounds array access"
    assert ex["copy-overlap"](store, 1, 0) == (0, 0, 1, 2, 4)  # forward overlap: memmove
    assert ex["copy-overlap"](store, 0, 1) == (1, 2, 3, 3, 4)  # backward overlap
    t = trap(ex["copy-overlap"], store, 3, 0)
    assert t.code is TrapCode.ARRAY_OUT_OF_BOUNDS


@pytest.mark.parametrize("tier", TIERS)
def test_extern_any_round_trip(tier):
    store, ex = instance(tier)
    host = object()
    assert ex["extern-round-trip"](store, host) is host
    assert ex["extern-round-trip"](store, None) is None
    assert ex["internalized-is-not-eq"](store, host) == 0


@pytest.mark.parametrize("tier", TIERS)
def test_a_million_short_lived_structs(tier):
    store, ex = instance(tier)
    n = 1_000_000
    assert ex["alloc-loop"](store, n) == n - 1
