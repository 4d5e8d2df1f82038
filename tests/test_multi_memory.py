"""Multi-memory (WebAssembly 3.0): memory indices in every memory instruction, data
segments, imports and exports of several memories; both tiers against wasmtime, and the
feature switch off rejecting as WebAssembly 2.0 does."""

from __future__ import annotations

import pytest

import wasmvm
from wasmvm import InvalidError, MalformedError
from wasmvm.binary import decode_module
from wasmvm.binary.encode import encode_module
from wasmvm.syntax.features import WASM2, WASM3
from wasmvm.syntax.instructions import Load, MemoryCopy, MemoryInit, MemorySize, VecMemLane
from wasmvm.valid import validate_module

from .wasm3_harness import TIERS, agree, call, run_wasmvm, to_wasm

TWO = """
(module
  (memory $a 1)
  (memory $b 2 4)
  (data (memory $b) (i32.const 8) "\\01\\02\\03\\04")
  (data $p "\\aa\\bb\\cc")
  (func (export "ld_a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "ld_b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "ld8_b") (param i32) (result i64) (i64.load8_s $b offset=1 (local.get 0)))
  (func (export "st_b") (param i32 i32) (i32.store16 $b offset=2 (local.get 0) (local.get 1)))
  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "copy_ab") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_ba") (param i32 i32 i32)
    (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_b") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_b") (param i32 i32 i32)
    (memory.init $b $p (local.get 0) (local.get 1) (local.get 2)))
  (func (export "lane_b") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load64_lane $b 1 (local.get 0) (v128.const i64x2 0 0))))
  (func (export "vst_b") (param i32)
    (v128.store $b (local.get 0) (v128.const i32x4 1 2 3 4)))
  (export "a" (memory $a))
  (export "b" (memory $b))
)
"""
END_B = 2 * 65536


def test_two_memories_on_every_engine():
    def script(api, store, inst):
        ex = inst.exports(store)

        def c(name, *args):
            return call(api, store, ex[name], *args)

        return [
            c("ld_b", 8), c("ld_a", 8), c("ld8_b", 8), c("st_b", 100, 0x1FFFF), c("ld_b", 100),
            c("size_a"), c("size_b"),
            c("ld_b", END_B - 4), c("ld_b", END_B - 3), c("ld_a", 65532), c("ld_a", 65533),
            c("grow_b", 1), c("size_a"), c("size_b"), c("ld_b", END_B), c("grow_b", 2),
            c("copy_ab", 0, 8, 4), c("ld_a", 0), c("copy_ab", 65534, 8, 4),
            c("copy_ba", 3 * 65536 - 2, 0, 2), c("ld_b", 3 * 65536 - 4),
            c("fill_b", 20, 0x7F, 3), c("ld_b", 20), c("fill_b", 3 * 65536 - 1, 1, 2),
            c("init_b", 40, 0, 3), c("ld_b", 40), c("init_b", 40, 1, 3),
            c("lane_b", 8), c("vst_b", 64), c("ld_b", 68), c("vst_b", 3 * 65536 - 15),
            ex["a"].size(store), ex["b"].size(store), ex["b"].data_len(store),
        ]

    got = agree(TWO, script)
    assert got[0] == 0x04030201 and got[1] == 0 and got[7] == 0 and got[8] == "trap"


def test_grow_of_memory_1_is_seen_by_memory_1_only():
    for tier in TIERS:
        def script(api, store, inst):
            ex = inst.exports(store)
            return [ex["grow_b"](store, 1), ex["size_a"](store), ex["size_b"](store),
                    ex["a"].size(store), ex["b"].size(store)]
        assert run_wasmvm(to_wasm(TWO), script, tier) == [2, 1, 3, 1, 3]


SHARED = """
(module
  (import "env" "m0" (memory 1))
  (import "env" "m1" (memory 1 2))
  (func (export "put") (param i32 i32) (i32.store 1 (local.get 0) (local.get 1)))
  (func (export "get") (param i32) (result i32) (i32.load 1 (local.get 0)))
  (func (export "get0") (param i32) (result i32) (i32.load 0 (local.get 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow 1 (local.get 0)))
)
"""


def _two_instances(api, engine, wasm: bytes) -> list:
    """Two instances of SHARED importing the same two memories."""
    store = api.Store(engine)
    m0 = api.Memory(store, api.MemoryType(api.Limits(1, None)))
    m1 = api.Memory(store, api.MemoryType(api.Limits(1, 2)))
    module = api.Module(engine, wasm)
    x = api.Instance(store, module, [m0, m1]).exports(store)
    y = api.Instance(store, module, [m0, m1]).exports(store)
    return [x["put"](store, 16, 0x12345678), y["get"](store, 16), y["get0"](store, 16),
            y["grow"](store, 1), x["get"](store, 65536 + 16), x["put"](store, 65536 + 4, 7),
            y["get"](store, 65536 + 4), x["grow"](store, 1), m1.size(store), m0.size(store)]


def test_an_imported_second_memory_is_shared_by_two_instances():
    import wasmtime

    wasm = to_wasm(SHARED)
    expected = _two_instances(wasmtime, wasmtime.Engine(), wasm)
    assert expected == [None, 0x12345678, 0, 1, 0, None, 7, -1, 2, 1]
    for tier in TIERS:
        engine = wasmvm.Engine(wasmvm.Config(tier=tier))
        assert _two_instances(wasmvm, engine, wasm) == expected, tier


def test_unknown_memory_is_invalid():
    for wat, message in [
        ("(module (memory 1) (func (drop (i32.load 1 (i32.const 0)))))", "unknown memory 1"),
        ("(module (memory 1) (func (drop (memory.size 2))))", "unknown memory 2"),
        ("(module (memory 1) (func (memory.copy 0 1 (i32.const 0) (i32.const 0) "
         "(i32.const 0))))", "unknown memory 1"),
        ("(module (memory 1) (data (memory 1) (i32.const 0) \"\"))", "unknown memory 1"),
    ]:
        wasm = _unchecked(wat)
        with pytest.raises(InvalidError) as info:
            validate_module(decode_module(wasm))
        assert info.value.message.startswith(message)


def _unchecked(wat: str) -> bytes:
    """WAT to binary without validation (wasm-tools would refuse an invalid module)."""
    import subprocess
    import sys
    from pathlib import Path

    tool = Path(sys.executable).parent / "wasm-tools"
    return subprocess.run([str(tool), "parse", "-"], input=wat.encode(), check=True,
                          capture_output=True).stdout


def test_memory_indices_round_trip_through_the_encoder_and_print():
    module = decode_module(to_wasm(TWO))
    again = decode_module(encode_module(module))
    assert [f.body for f in again.funcs] == [f.body for f in module.funcs]
    body = module.funcs[1].body
    assert body[1] == Load("i32", memory=1) and str(body[1]) == "i32.load 1"
    assert str(MemoryCopy(0, 1)) == "memory.copy 0 1" and str(MemoryCopy()) == "memory.copy"
    assert str(MemoryInit(3, 1)) == "memory.init 1 3" and str(MemorySize(1)) == "memory.size 1"
    assert str(VecMemLane("v128.load8_lane", 4, 0, 2, memory=1)) == \
        "v128.load8_lane 1 offset=4 2"


def test_dump_shows_memory_indices(tmp_path):
    from wasmvm.text.annotate import annotate

    text = "\n".join(str(a) for a in annotate(to_wasm(TWO)))
    assert "memarg memory index" in text and "a memory index follows" in text


def test_switch_off_rejects_as_webassembly_2():
    wasm = to_wasm(TWO)
    with pytest.raises(MalformedError) as info:
        decode_module(wasm, WASM2.with_(extended_const=True))
    assert info.value.spec_message in ("zero byte expected", "malformed memop flags")
    two = to_wasm("(module (memory 1) (memory 1))")
    validate_module(decode_module(two, WASM3), WASM3)
    with pytest.raises(InvalidError, match="multiple memories"):
        validate_module(decode_module(two, WASM2), WASM2)
    engine = wasmvm.Engine(wasmvm.Config(wasm_multi_memory=False))
    with pytest.raises((MalformedError, InvalidError)):
        wasmvm.Module(engine, two)


def test_trace_notes_read_the_instruction_s_memory():
    wasm = to_wasm(TWO)
    engine = wasmvm.Engine()
    store = wasmvm.Store(engine)
    ex = wasmvm.Instance(store, wasmvm.Module(engine, wasm), []).exports(store)
    notes = []
    store.add_observer(lambda state: notes.append(state.memory_access)
                       if state.memory_access else None)
    ex["st_b"](store, 100, 0xBEEF)
    assert ex["ld_b"](store, 8) == 0x04030201
    assert notes == [("store", 102, b"\xef\xbe"), ("load", 8, b"\x01\x02\x03\x04")]


def test_notes_and_traces_name_a_memory_other_than_0():
    from wasmvm.observe.trace import Tracer, format_record

    wasm = to_wasm(TWO)
    engine = wasmvm.Engine()
    store = wasmvm.Store(engine)
    ex = wasmvm.Instance(store, wasmvm.Module(engine, wasm), []).exports(store)
    notes = []
    store.add_observer(lambda state: notes.append(state.memory_access)
                       if state.memory_access else None)
    records = []
    store.add_observer(Tracer(records.append))
    ex["st_b"](store, 100, 0xBEEF)
    ex["ld_a"](store, 4)
    assert [n.memory for n in notes] == [1, 0]
    assert notes[0].kind == "store" and notes[0].address == 102 and notes[0].data == b"\xef\xbe"
    memory = [r["memory"] for r in records if "memory" in r]
    assert [(m["access"], m["address"], m["index"]) for m in memory] == [
        ("store", 102, 1), ("load", 4, 0)]
    lines = [format_record(r) for r in records]
    assert any(line.endswith(";; mem1[0x66] <- ef be") for line in lines), lines
    assert any(line.endswith(";; mem[0x4] -> 00 00 00 00") for line in lines), lines
