"""memory64 and table64 (WebAssembly 3.0): i64 addresses and indices, u64 offsets,
bounds checks at 64-bit width that never wrap, memory.size/grow in i64; both tiers
against wasmtime, and the feature switch off rejecting as WebAssembly 2.0 does."""

from __future__ import annotations

import pytest

import wasmvm
from wasmvm import InvalidError, MalformedError
from wasmvm.binary import decode_module
from wasmvm.binary.encode import encode_module
from wasmvm.syntax.features import WASM2
from wasmvm.valid import validate_module

from .wasm3_harness import TIERS, agree, call, run_wasmvm, to_wasm

M64 = (1 << 64) - 1
MEM = """
(module
  (memory $m i64 1 3)
  (memory $n 1)
  (data (memory $m) (i64.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08")
  (data $p "\\aa\\bb\\cc")
  (func (export "ld") (param i64) (result i32) (i32.load (local.get 0)))
  (func (export "ld8") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "ld_big_offset") (param i64) (result i32)
    (i32.load8_u offset=0x100000000 (local.get 0)))
  (func (export "ld_max_offset") (param i64) (result i64)
    (i64.load offset=0xFFFFFFFFFFFFFFFF (local.get 0)))
  (func (export "st") (param i64 i64) (i64.store offset=4 (local.get 0) (local.get 1)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_to32") (param i32 i64 i32)
    (memory.copy $n $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "ld32") (param i32) (result i32) (i32.load $n (local.get 0)))
  (func (export "init") (param i64 i32 i32) (memory.init $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "vld") (param i64) (result i64) (i64x2.extract_lane 0 (v128.load (local.get 0))))
)
"""


def _int64(x: int) -> int:
    """An i64 argument as the embedding APIs take it: signed."""
    return x - (1 << 64) if x >= 1 << 63 else x


def test_addresses_near_2_to_the_64_trap_and_never_wrap():
    def script(api, store, inst):
        ex = inst.exports(store)

        def c(name, *args):
            return call(api, store, ex[name], *[_int64(a) if isinstance(a, int) and a >= 1 << 63
                                                  else a for a in args])

        return [
            c("ld", 16), c("ld", 65532), c("ld", 65533), c("ld", M64), c("ld", M64 - 2),
            c("ld", 1 << 32), c("ld8", 1 << 63), c("ld_big_offset", 0), c("ld_big_offset", M64),
            c("ld_max_offset", 0), c("ld_max_offset", 1), c("ld_max_offset", M64),
            c("st", 65528, -1), c("st", 65529, 1), c("st", M64 - 3, 1), c("ld", 65532),
            c("vld", 16), c("vld", 65520), c("vld", 65521), c("vld", M64),
        ]

    got = agree(MEM, script)
    assert got[0] == 0x04030201 and got[2] == got[3] == got[4] == "trap"


def test_size_grow_fill_copy_init_in_i64():
    def script(api, store, inst):
        ex = inst.exports(store)

        def c(name, *args):
            return call(api, store, ex[name], *args)

        return [
            c("size"), c("grow", 1), c("size"), c("grow", 2), c("grow", -1), c("grow", 1 << 40),
            c("size"), c("grow", 0), c("size"), c("fill", 100, 9, 4), c("ld", 100),
            c("fill", 2 * 65536 - 2, 9, 3), c("fill", -1, 9, 2), c("fill", 2 * 65536, 1, 0),
            c("copy", 200, 16, 8), c("ld", 204), c("copy", 16, -8, 8),
            c("copy_to32", 0, 16, 4), c("ld32", 0), c("copy_to32", 65534, 16, 4),
            c("init", 300, 0, 3), c("ld8", 302), c("init", -2, 0, 1), c("init", 300, 2, 2),
        ]

    got = agree(MEM, script)
    assert got[:6] == [1, 1, 2, -1, -1, -1]


def test_a_large_maximum_allocates_only_the_minimum():
    wasm = to_wasm("(module (memory (export \"m\") i64 1 0x1000000000000))")
    for tier in TIERS:
        def script(api, store, inst):
            m = inst.exports(store)["m"]
            return [m.size(store), m.data_len(store), m.type(store).is_64,
                    m.type(store).limits.max]
        assert run_wasmvm(wasm, script, tier) == [1, 65536, True, 1 << 48]


TABLE = """
(module
  (type $t (func (result i32)))
  (table $a i64 2 10 funcref)
  (table $b 3 funcref)
  (elem (table $a) (i64.const 1) func $one)
  (func $one (result i32) (i32.const 1))
  (func (export "call") (param i64) (result i32) (call_indirect $a (type $t) (local.get 0)))
  (func (export "size") (result i64) (table.size $a))
  (func (export "grow") (param i64) (result i64) (table.grow $a (ref.null func) (local.get 0)))
  (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $a (local.get 0))))
  (func (export "fill") (param i64 i64) (table.fill $a (local.get 0) (ref.func $one) (local.get 1)))
  (func (export "copy_mixed") (param i32 i64 i32)
    (table.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call_b") (param i32) (result i32) (call_indirect $b (type $t) (local.get 0)))
)
"""


def test_table64_indices_on_every_engine():
    def script(api, store, inst):
        ex = inst.exports(store)

        def c(name, *args):
            return call(api, store, ex[name], *args)

        return [
            c("call", 1), c("call", 0), c("call", 2), c("call", -1), c("call", 1 << 32),
            c("size"), c("grow", 3), c("size"), c("grow", 100), c("grow", -1), c("is_null", 4),
            c("is_null", 5), c("fill", 3, 2), c("call", 4), c("fill", 4, 2),
            c("copy_mixed", 0, 1, 2), c("call_b", 0), c("call_b", 1), c("copy_mixed", 2, 4, 2),
        ]

    got = agree(TABLE, script)
    assert got[:6] == [1, "trap", "trap", "trap", "trap", 2]


def test_validation_messages():
    for wat, message in [
        ("(module (memory i64 1) (func (drop (i32.load (i32.const 0)))))", "type mismatch"),
        ("(module (memory 1) (func (drop (i32.load (i64.const 0)))))", "type mismatch"),
        ("(module (memory 1) (func (drop (i32.load offset=0x100000000 (i32.const 0)))))",
         "offset out of range"),
        ("(module (memory i64 0x1000000000001))", "memory size"),
        ("(module (memory 1) (memory i64 1) (func (memory.copy 0 1 (i32.const 0) "
         "(i64.const 0) (i64.const 0))))", "type mismatch"),
        ("(module (table i64 1 funcref) (func (drop (table.get 0 (i32.const 0)))))",
         "type mismatch"),
    ]:
        from .test_multi_memory import _unchecked

        with pytest.raises(InvalidError) as info:
            validate_module(decode_module(_unchecked(wat)))
        assert info.value.message.startswith(message), (wat, info.value.message)


def test_encoder_round_trip():
    module = decode_module(to_wasm(MEM))
    again = decode_module(encode_module(module))
    assert again.mems == module.mems and module.mems[0].type.is_64
    assert [f.body for f in again.funcs] == [f.body for f in module.funcs]
    assert module.funcs[3].body[1].offset == (1 << 64) - 1
    table = decode_module(to_wasm(TABLE))
    assert decode_module(encode_module(table)).tables == table.tables
    assert table.tables[0].type.is_64


def test_switch_off_rejects_as_webassembly_2():
    wasm = to_wasm("(module (memory i64 1))")
    with pytest.raises(MalformedError) as info:
        decode_module(wasm, WASM2)
    assert info.value.spec_message == "integer too large"
    engine = wasmvm.Engine(wasmvm.Config(wasm_memory64=False))
    with pytest.raises(MalformedError):
        wasmvm.Module(engine, wasm)
    table = to_wasm("(module (table i64 1 funcref))")
    with pytest.raises(MalformedError):
        decode_module(table, WASM2)


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_a_failed_64_bit_grow_costs_no_delta(tier):
    """A memory64 or table64 grow that fails returns i64 -1 and costs only itself, as on
    wasmtime 50 (a grow of 2**48 pages once cost 2**48 fuel: out of fuel)."""
    import wasmtime

    text = """(module (memory i64 1) (table $t i64 1 4 funcref)
      (func (export "mem") (param i64) (result i64) (memory.grow (local.get 0)))
      (func (export "tab") (param i64) (result i64)
        (table.grow $t (ref.null func) (local.get 0))))"""
    wasm = to_wasm(text)
    cfg = wasmtime.Config()
    cfg.consume_fuel = True
    cfg.wasm_memory64 = True
    engine = wasmtime.Engine(cfg)
    store = wasmvm.Store(wasmvm.Engine(wasmvm.Config(tier=tier, consume_fuel=True)))
    ex = wasmvm.Instance(store, wasmvm.Module(store.engine, wasm), []).exports(store)
    for name, delta in (("mem", 1 << 48), ("mem", (1 << 63) - 1), ("tab", 1 << 40), ("mem", 2)):
        wt = wasmtime.Store(engine)
        wt.set_fuel(1 << 40)
        expected = wasmtime.Instance(wt, wasmtime.Module(engine, wasm), []).exports(wt)[name](
            wt, delta)
        store.set_fuel(1 << 40)
        assert ex[name](store, delta) == expected
        assert (1 << 40) - store.get_fuel() == (1 << 40) - wt.get_fuel(), (name, delta)
