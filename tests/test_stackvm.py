"""The learning stack machine (wasmvm.exec.stackvm) and linear memory (wasmvm.exec.memory)."""

from __future__ import annotations

import math

import pytest

from wasmvm.errors import InvalidError, Trap, TrapCode
from wasmvm.exec.memory import MAX_PAGES, PAGE_SIZE, Memory
from wasmvm.exec.stackvm import HANDLERS, StackVM, VMState
from wasmvm.opcodes import OPS
from wasmvm.syntax import (
    Add,
    Block,
    Call,
    Clz,
    Const,
    Convert,
    Demote,
    Div,
    Drop,
    Eq,
    Eqz,
    ExtendI32,
    Ge,
    Gt,
    Le,
    Load,
    LocalGet,
    Lt,
    MemoryCopy,
    MemoryFill,
    MemoryGrow,
    MemorySize,
    Mul,
    Ne,
    Neg,
    Nop,
    Push,
    Reinterpret,
    Rem,
    Select,
    Shl,
    Store,
    Sub,
    TruncF,
    Unreachable,
    f32,
    f64,
    i32,
    i64,
    v128,
)
from wasmvm.syntax.values import f32_from_bits, f32_to_bits, f64_to_bits


def run(*instructions, vm: StackVM | None = None) -> list:
    vm = vm or StackVM()
    vm.instructions = list(instructions)
    vm.run()
    return vm.inspect()


def trap_of(*instructions, vm: StackVM | None = None) -> tuple[Trap, StackVM]:
    vm = vm or StackVM()
    vm.instructions = list(instructions)
    with pytest.raises(Trap) as info:
        vm.run()
    return info.value, vm


# =========================================================================================
# The README examples
# =========================================================================================
def test_readme_add():
    vm = StackVM()
    vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]
    vm.run()
    assert vm.inspect() == [5]
    assert vm.stack == [i32(5)]


def test_readme_observer():
    seen = []
    vm = StackVM()
    vm.add_observer(lambda state: seen.append((state.pc, str(state.instruction), state.stack)))
    vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]
    vm.run()
    assert seen == [
        (0, "i32.const 2", (i32(2),)),
        (1, "i32.const 3", (i32(2), i32(3))),
        (2, "i32.add", (i32(5),)),
    ]


def test_memory_limits_in_the_constructor():
    vm = StackVM(1, 10)
    assert run(MemorySize(), vm=vm) == [1]
    assert vm.memory.max == 10


# =========================================================================================
# Operand order and arithmetic
# =========================================================================================
@pytest.mark.parametrize("instr, expected", [
    (Sub("i32"), 7), (Div("i32"), 3), (Div("i32", signed=False), 3), (Rem("i32"), 1),
    (Lt("i32"), 0), (Gt("i32"), 1), (Le("i32"), 0), (Ge("i32"), 1), (Eq("i32"), 0),
    (Ne("i32"), 1), (Shl("i32"), 10 << 3),
])
def test_operand_order_is_first_pushed_op_second_pushed(instr, expected):
    assert run(Push(i32(10)), Push(i32(3)), instr) == [expected]


@pytest.mark.parametrize("instr, expected", [
    (Sub("f64"), 7.5), (Div("f64"), 4.0), (Lt("f64"), 0), (Gt("f64"), 1), (Le("f64"), 0),
    (Ge("f64"), 1),
])
def test_float_operand_order(instr, expected):
    result = run(Push(f64(10.0)), Push(f64(2.5)), instr)
    assert result == [expected] and type(result[0]) is type(expected)


def test_comparisons_push_one_i32():
    vm = StackVM()
    run(Push(f32(1.0)), Push(f32(2.0)), Lt("f32"), vm=vm)
    assert vm.stack == [i32(1)]


def test_signed_division_truncates():
    assert run(Push(i32(-7)), Push(i32(2)), Div("i32")) == [-3]
    assert run(Push(i32(-7)), Push(i32(2)), Rem("i32")) == [-1]
    assert run(Push(i32(7)), Push(i32(-2)), Rem("i32")) == [1]
    assert run(Push(i64(-7)), Push(i64(2)), Div("i64")) == [-3]


def test_unsigned_division_on_negative_patterns():
    assert run(Push(i32(-7)), Push(i32(2)), Div("i32", signed=False)) == [0x7FFFFFFC]


def test_ints_are_shown_signed():
    assert run(Push(i32(0x7FFFFFFF)), Push(i32(1)), Add("i32")) == [-2147483648]
    assert run(Push(i64(-1)), Clz("i64")) == [0]
    assert run(Push(i32(-1)), ExtendI32(signed=False)) == [0xFFFFFFFF]


def test_f32_sum_is_rounded_to_single_precision():
    vm = StackVM()
    run(Push(f32(0.1)), Push(f32(0.2)), Add("f32"), vm=vm)
    [total] = vm.inspect()
    assert total == f32(0.3).value == 0.30000001192092896
    assert total != f32(0.1).value + f32(0.2).value
    assert vm.stack == [f32.from_bits(0x3E99999A)]


def test_conversions_run_with_their_types():
    vm = StackVM()
    run(Push(i64(-1)), Convert("f32", "i64", signed=False), vm=vm)
    assert vm.stack == [f32(18446744073709551616.0)]
    assert run(Push(f64(-1.9)), TruncF("i32", "f64")) == [-1]
    assert run(Push(f64(1.0e300)), Demote()) == [math.inf]


# =========================================================================================
# Traps
# =========================================================================================
@pytest.mark.parametrize("t, signed", [("i32", True), ("i32", False), ("i64", True), ("i64", False)])
def test_division_by_zero_traps_and_leaves_the_state_inspectable(t, signed):
    value = i32 if t == "i32" else i64
    trap, vm = trap_of(Push(value(1)), Push(value(5)), Push(value(0)), Div(t, signed=signed), Nop())
    assert trap.code is TrapCode.INTEGER_DIVISION_BY_ZERO
    assert trap.message == "integer divide by zero"
    assert vm.pc == 3
    assert vm.inspect() == [1, 5, 0]


def test_int_min_divided_by_minus_one_traps_with_integer_overflow():
    trap, vm = trap_of(Push(i32(-(2**31))), Push(i32(-1)), Div("i32"))
    assert trap.code is TrapCode.INTEGER_OVERFLOW and str(trap) == "integer overflow"
    assert vm.pc == 2 and vm.inspect() == [-(2**31), -1]
    assert run(Push(i32(-(2**31))), Push(i32(-1)), Rem("i32")) == [0]


def test_unreachable_traps():
    trap, vm = trap_of(Push(i32(1)), Unreachable(), Drop())
    assert trap.code is TrapCode.UNREACHABLE and trap.message == "unreachable"
    assert vm.pc == 1 and vm.inspect() == [1]


def test_invalid_conversion_traps():
    trap, _ = trap_of(Push(f32(math.nan)), TruncF("i32", "f32"))
    assert trap.code is TrapCode.BAD_CONVERSION_TO_INTEGER
    assert trap.message == "invalid conversion to integer"
    trap, _ = trap_of(Push(f32(2147483648.0)), TruncF("i32", "f32"))
    assert trap.code is TrapCode.INTEGER_OVERFLOW


def test_a_trapped_vm_runs_on_after_the_stack_is_fixed():
    vm = StackVM()
    vm.instructions = [Push(i32(1)), Push(i32(0)), Div("i32")]
    with pytest.raises(Trap):
        vm.run()
    vm.instructions.insert(2, Eqz("i32"))  # 1 / (0 == 0)
    vm.run()
    assert vm.inspect() == [1]


# =========================================================================================
# Typed errors
# =========================================================================================
def test_type_mismatch_is_a_typed_error_naming_the_instruction_and_pc():
    vm = StackVM()
    vm.instructions = [Push(i32(1)), Push(f64(2.0)), Add("i32")]
    with pytest.raises(InvalidError) as info:
        vm.run()
    assert info.value.message.startswith("type mismatch")
    assert "i32.add" in info.value.message and "pc 2" in info.value.message
    assert "f64" in info.value.message
    assert vm.pc == 2 and vm.inspect() == [1, 2.0]


def test_type_mismatch_on_the_second_operand_leaves_the_stack_unchanged():
    vm = StackVM()
    vm.instructions = [Push(f64(2.0)), Push(i32(1)), Sub("i32")]
    with pytest.raises(InvalidError, match="type mismatch"):
        vm.run()
    assert vm.stack == [f64(2.0), i32(1)]


@pytest.mark.parametrize("program", [
    [Add("i32")], [Push(i32(1)), Add("i32")], [Drop()], [Push(i32(1)), Select()],
    [Neg("f32")], [MemoryGrow()],
])
def test_stack_underflow_is_a_type_mismatch_not_an_index_error(program):
    vm = StackVM()
    vm.instructions = program
    with pytest.raises(InvalidError, match=r"^type mismatch: .* at pc \d+: .*empty"):
        vm.run()


def test_select_operands_must_have_one_type():
    vm = StackVM()
    vm.instructions = [Push(i32(1)), Push(f32(2.0)), Push(i32(1)), Select()]
    with pytest.raises(InvalidError, match="type mismatch"):
        vm.run()
    vm.reset()
    vm.instructions = [Push(i32(1)), Push(i32(2)), Push(i32(1)), Select(["i64"])]
    with pytest.raises(InvalidError, match="type mismatch"):
        vm.run()
    assert vm.inspect() == [1, 2, 1]


@pytest.mark.parametrize("instr, name", [
    (Block(None, []), "block"), (LocalGet(0), "local.get"), (Call(0), "call"),
    (Const(v128(0)), "v128.const"),
])
def test_unsupported_instructions_raise_invalid_error(instr, name):
    vm = StackVM()
    vm.instructions = [Push(i32(1)), instr]
    with pytest.raises(InvalidError, match=f"instruction not supported by StackVM: {name}"):
        vm.run()
    assert vm.pc == 1 and vm.inspect() == [1]


def test_something_that_is_not_an_instruction():
    vm = StackVM()
    vm.instructions = [Push(i32(1)), "i32.add"]
    with pytest.raises(InvalidError, match="not an instruction"):
        vm.run()


# =========================================================================================
# Parametric
# =========================================================================================
def test_drop_select_nop():
    assert run(Push(i32(1)), Push(i32(2)), Drop(), Nop()) == [1]
    assert run(Push(f64(1.5)), Push(f64(2.5)), Push(i32(7)), Select()) == [1.5]
    assert run(Push(f64(1.5)), Push(f64(2.5)), Push(i32(0)), Select()) == [2.5]
    assert run(Push(i64(1)), Push(i64(2)), Push(i32(0)), Select(["i64"])) == [2]


def test_select_keeps_nan_payloads():
    vm = StackVM()
    snan = f32.from_bits(0x7FA00001)
    run(Push(snan), Push(f32(0.0)), Push(i32(1)), Select(), vm=vm)
    assert vm.stack == [snan]


# =========================================================================================
# Stepping, observers, reset
# =========================================================================================
def test_step_executes_one_instruction_at_a_time():
    vm = StackVM(instructions=[Push(i32(4)), Push(i32(5)), Mul("i32")])
    assert vm.step() is True and vm.inspect() == [4] and vm.pc == 1
    assert vm.step() is True and vm.inspect() == [4, 5]
    assert vm.step() is True and vm.inspect() == [20] and vm.done
    assert vm.step() is False and vm.pc == 3


def test_observers_see_each_instruction_after_it_runs():
    states: list[VMState] = []
    vm = StackVM()
    vm.add_observer(states.append)
    program = [Push(i32(6)), Push(i32(7)), Mul("i32"), Push(i32(2)), Sub("i32")]
    vm.instructions = program
    vm.run()
    assert [s.pc for s in states] == [0, 1, 2, 3, 4]
    assert [s.instruction for s in states] == program
    assert all(s.instruction is instr for s, instr in zip(states, program))
    assert [s.stack for s in states] == [
        (i32(6),), (i32(6), i32(7)), (i32(42),), (i32(42), i32(2)), (i32(40),)]
    assert states[-1].inspect() == [40]
    assert all(s.memory is vm.memory for s in states)


def test_observer_snapshots_do_not_change_later():
    states = []
    vm = StackVM()
    vm.add_observer(states.append)
    run(Push(i32(1)), Drop(), vm=vm)
    assert states[0].stack == (i32(1),) and states[1].stack == ()


def test_observers_are_not_called_for_a_trapping_instruction_and_can_be_removed():
    calls = []

    def observer(state):
        calls.append(state.pc)

    vm = StackVM()
    assert vm.add_observer(observer) is observer
    with pytest.raises(Trap):
        run(Push(i32(1)), Unreachable(), vm=vm)
    assert calls == [0]
    vm.remove_observer(observer)
    run(Push(i32(1)), vm=vm)
    assert calls == [0]
    with pytest.raises(ValueError):
        vm.remove_observer(observer)


def test_observers_see_memory():
    sizes = []
    vm = StackVM(1, 3)
    vm.add_observer(lambda s: sizes.append(s.memory.size))
    run(Push(i32(1)), MemoryGrow(), Drop(), vm=vm)
    assert sizes == [1, 2, 2]


def test_reset_clears_stack_pc_and_memory_but_keeps_the_program():
    vm = StackVM(1, 4)
    program = [Push(i32(0)), Push(i32(99)), Store("i32"), Push(i32(2)), MemoryGrow()]
    vm.instructions = program
    vm.run()
    assert vm.memory.size == 3 and vm.inspect() == [1]
    vm.reset()
    assert vm.inspect() == [] and vm.pc == 0 and vm.memory.size == 1
    assert vm.memory.load(0, 4) == 0 and vm.instructions is program
    vm.run()
    assert vm.inspect() == [1]


def test_assigning_new_instructions_restarts_at_zero_and_keeps_the_stack():
    vm = StackVM()
    run(Push(i32(5)), vm=vm)
    vm.instructions = [Push(i32(1)), Add("i32")]
    vm.run()
    assert vm.inspect() == [6]


# =========================================================================================
# Loads and stores
# =========================================================================================
@pytest.mark.parametrize("load, expected", [
    (Load("i32"), 0x87654321 - 2**32), (Load("i64"), 0x0102030487654321),
    (Load("i32", bits=8, signed=True), 0x21), (Load("i32", offset=3, bits=8), 0x87 - 0x100),
    (Load("i32", offset=3, bits=8, signed=False), 0x87),
    (Load("i32", offset=2, bits=16), 0x8765 - 0x10000),
    (Load("i32", offset=2, bits=16, signed=False), 0x8765),
    (Load("i64", offset=3, bits=8), 0x87 - 0x100), (Load("i64", offset=3, bits=8, signed=False), 0x87),
    (Load("i64", offset=2, bits=16), 0x8765 - 0x10000),
    (Load("i64", offset=2, bits=16, signed=False), 0x8765),
    (Load("i64", bits=32), 0x87654321 - 2**32), (Load("i64", bits=32, signed=False), 0x87654321),
])
def test_loads_of_every_width_and_signedness(load, expected):
    vm = StackVM()
    vm.memory.write(0, bytes([0x21, 0x43, 0x65, 0x87, 0x04, 0x03, 0x02, 0x01]))
    assert run(Push(i32(0)), load, vm=vm) == [expected]


@pytest.mark.parametrize("store, value, stored", [
    (Store("i32"), i32(-2), b"\xfe\xff\xff\xff"), (Store("i32", bits=8), i32(0x1234), b"\x34"),
    (Store("i32", bits=16), i32(-2), b"\xfe\xff"), (Store("i64"), i64(1 << 56), b"\0" * 7 + b"\1"),
    (Store("i64", bits=8), i64(-1), b"\xff"), (Store("i64", bits=16), i64(0x10203), b"\x03\x02"),
    (Store("i64", bits=32), i64(0x1_0000_0002), b"\x02\0\0\0"),
    (Store("f32"), f32(1.0), b"\0\0\x80\x3f"), (Store("f64"), f64(-2.0), b"\0" * 7 + b"\xc0"),
])
def test_stores_of_every_width(store, value, stored):
    vm = StackVM()
    vm.memory.write(0, b"\xaa" * 16)
    run(Push(i32(4)), Push(value), store, vm=vm)
    assert vm.memory.read(4, len(stored)) == stored
    assert vm.memory.read(4 + len(stored), 1) == b"\xaa"
    assert vm.inspect() == []


def test_nan_payloads_survive_store_and_load():
    vm = StackVM()
    snan32, snan64 = f32.from_bits(0x7FA00001), f64.from_bits(0xFFF4000000000123)
    run(Push(i32(0)), Push(snan32), Store("f32"), Push(i32(8)), Push(snan64), Store("f64"),
        Push(i32(0)), Load("f32"), Push(i32(8)), Load("f64"), vm=vm)
    assert vm.memory.read(0, 4) == (0x7FA00001).to_bytes(4, "little")
    assert vm.stack == [snan32, snan64]
    assert f32_to_bits(vm.memory.load_f32(0)) == 0x7FA00001
    assert f64_to_bits(vm.memory.load_f64(8)) == 0xFFF4000000000123


def test_nan_payloads_survive_neg_and_reinterpret():
    vm = StackVM()
    run(Push(i32(0x7FA00001)), Reinterpret("f32"), Neg("f32"), Reinterpret("i32"), vm=vm)
    assert vm.stack == [i32.from_bits(0xFFA00001)]


@pytest.mark.parametrize("addr, offset, size", [
    (65533, 0, 4), (65536, 0, 1), (0, 65535, 2), (2**32 - 1, 0, 1),
    (2**32 - 1, 1, 1),             # wraps to 0 in 32 bits: must trap, not read address 0
    (2**32 - 1, 2**32 - 1, 4),     # the effective address exceeds 2**32
    (1, 2**32 - 1, 8),
])
def test_out_of_bounds_accesses_trap(addr, offset, size):
    bits = {1: 8, 2: 16, 4: None, 8: None}[size]
    t = "i64" if size == 8 else "i32"
    value = i64(1) if t == "i64" else i32(1)
    trap, vm = trap_of(Push(i32.from_bits(addr)), Load(t, offset=offset, bits=bits))
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert trap.message == "out of bounds memory access"
    assert vm.inspect() == [i32.from_bits(addr).value]
    trap, vm = trap_of(Push(i32.from_bits(addr)), Push(value), Store(t, offset=offset, bits=bits))
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert vm.memory.data == bytearray(PAGE_SIZE)


def test_the_last_bytes_of_memory_are_accessible():
    vm = StackVM()
    assert run(Push(i32(65532)), Push(i32(-1)), Store("i32"), Push(i32(65535)),
               Load("i32", bits=8, signed=False), vm=vm) == [255]
    assert run(Push(i32(0)), Load("i32", offset=65532), vm=StackVM()) == [0]


# =========================================================================================
# memory.size, memory.grow, memory.fill, memory.copy
# =========================================================================================
def test_memory_grow_returns_the_old_size_or_minus_one():
    vm = StackVM(1, 3)
    assert run(Push(i32(1)), MemoryGrow(), vm=vm) == [1]
    assert run(Push(i32(2)), MemoryGrow(), vm=vm) == [1, -1]
    assert run(Push(i32(1)), MemoryGrow(), MemorySize(), vm=vm) == [1, -1, 2, 3]
    assert run(Push(i32(0)), MemoryGrow(), vm=vm) == [1, -1, 2, 3, 3]
    assert run(Push(i32(-1)), MemoryGrow(), vm=vm)[-1] == -1
    assert len(vm.memory.data) == 3 * PAGE_SIZE


def test_grown_memory_is_zeroed_and_addressable():
    vm = StackVM(0)
    trap, _ = trap_of(Push(i32(0)), Load("i32", bits=8), vm=vm)
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    vm.reset()
    assert run(Push(i32(1)), MemoryGrow(), Drop(), Push(i32(65535)), Load("i32", bits=8),
               vm=vm) == [0]


def test_memory_fill():
    vm = StackVM()
    run(Push(i32(10)), Push(i32(0x1AB)), Push(i32(5)), MemoryFill(), vm=vm)
    assert vm.memory.read(9, 7) == b"\0" + b"\xab" * 5 + b"\0"
    trap, vm = trap_of(Push(i32(65530)), Push(i32(1)), Push(i32(7)), MemoryFill())
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS
    assert vm.memory.data == bytearray(PAGE_SIZE)  # nothing written
    assert run(Push(i32(65536)), Push(i32(1)), Push(i32(0)), MemoryFill()) == []


def test_memory_copy_handles_overlap_and_bounds():
    vm = StackVM()
    vm.memory.write(0, b"abcdef")
    run(Push(i32(2)), Push(i32(0)), Push(i32(4)), MemoryCopy(), vm=vm)  # dst 2, src 0, n 4
    assert vm.memory.read(0, 6) == b"ababcd"
    run(Push(i32(0)), Push(i32(1)), Push(i32(5)), MemoryCopy(), vm=vm)
    assert vm.memory.read(0, 6) == b"babcdd"
    trap, vm = trap_of(Push(i32(0)), Push(i32(65535)), Push(i32(2)), MemoryCopy())
    assert trap.code is TrapCode.MEMORY_OUT_OF_BOUNDS


# =========================================================================================
# Memory on its own
# =========================================================================================
def test_memory_grow_never_raises():
    mem = Memory(0)
    assert mem.grow(MAX_PAGES + 1) == -1
    assert mem.grow(-1) == -1
    assert mem.size == 0
    assert Memory(1, 1).grow(1) == -1
    assert Memory(1, 1).grow(0) == 1


def test_memory_grow_fails_softly_when_the_buffer_cannot_resize():
    mem = Memory(1)
    view = memoryview(mem.data)
    assert mem.grow(1) == -1
    view.release()
    assert mem.grow(1) == 1 and mem.size == 2


def test_memory_grow_keeps_the_bytearray():
    mem = Memory(1)
    data = mem.data
    mem.grow(2)
    assert mem.data is data and len(data) == 3 * PAGE_SIZE


def test_memory_limits_are_checked():
    with pytest.raises(InvalidError, match="size minimum must not be greater than maximum"):
        Memory(2, 1)
    with pytest.raises(InvalidError, match="memory size must be at most 65536 pages"):
        Memory(1, MAX_PAGES + 1)
    assert Memory(0, MAX_PAGES).max == MAX_PAGES


def test_memory_load_store_widths():
    mem = Memory(1)
    mem.store(100, 16, (1 << 128) - 2)
    assert mem.load(100, 16) == (1 << 128) - 2
    assert mem.load(100, 8) == (1 << 64) - 2
    mem.store(0, 2, -1)
    assert mem.load(0, 2) == 0xFFFF and mem.load(2, 1) == 0
    mem.store_f32(4, f32_from_bits(0xFF800001))
    assert mem.load(4, 4) == 0xFF800001
    with pytest.raises(Trap):
        mem.load(PAGE_SIZE - 15, 16)


# =========================================================================================
# Dispatch coverage
# =========================================================================================
def test_handlers_cover_every_scalar_numeric_parametric_and_memory_row():
    expected = {
        op.name for op in OPS
        if op.group == "numeric" or op.group == "parametric"
        or (op.group == "memory" and op.name not in ("memory.init", "data.drop"))
    } | {"nop", "unreachable"}
    assert set(HANDLERS) == expected


def test_every_numeric_instruction_runs_on_the_vm():
    """One run per numeric row, with operands of the row's types."""
    from wasmvm.syntax.instructions import maker

    samples = {"i32": i32(7), "i64": i64(7), "f32": f32(1.5), "f64": f64(1.5)}
    for op in OPS:
        if op.group != "numeric" or op.name.endswith(".const"):
            continue
        vm = StackVM()
        vm.instructions = [Push(samples[p]) for p in op.params] + [maker(op)()]
        vm.run()
        [result] = vm.stack
        assert result.type == op.results[0], op.name


def test_f64_values_keep_their_bits_on_the_stack():
    vm = StackVM()
    run(Push(f64(-0.0)), vm=vm)
    assert f64_to_bits(vm.inspect()[0]) == 1 << 63
    assert vm.stack == [f64(-0.0)] and vm.stack != [f64(0.0)]
