"""StackVM programs as JSON: build the instructions, run them, record every step.

    build_program(items, limits) -> list[Instruction]     ProgramError for a bad item
    run_program(items, limits, memory_pages=1, max_pages=None) -> dict

An item names its instruction by the spec's mnemonic and gives the immediates by name:

    {"op": "i32.const", "value": "2"}          value: a number, or text as parse_value
                                                reads it ("-7", "0x10", "nan:0x200000")
    {"op": "i32.add"}                           no immediates
    {"op": "i64.load8_u", "offset": 4, "align": 0}
                                                memarg: offset (default 0), align (log2,
                                                default: the natural alignment)
    {"op": "select", "types": ["f64"]}          the typed select (optional)
    {"op": "memory.grow"}                       memory.size/grow/fill/copy: memory 0

The mnemonic is looked up in the opcode table (``wasmvm.opcodes.BY_NAME``) and the
instruction made by that row's maker (``wasmvm.syntax.instructions.maker(op)``) from the
immediates in binary order, so every instruction the StackVM executes can be written,
and nothing else: the StackVM runs straight-line code (constants, numeric instructions,
drop, select, nop, unreachable, loads, stores and memory.size/grow/fill/copy).
"""

from __future__ import annotations

from .. import InvalidError, StackVM, Trap, Val, ValType
from ..api.values import format_value, parse_value
from ..exec.stackvm import HANDLERS
from ..opcodes import BY_NAME
from ..syntax.instructions import maker
from .limits import LimitError, Limits

__all__ = ["ProgramError", "build_program", "run_program", "SUPPORTED"]

#: The mnemonics a program may use: those the StackVM executes.
SUPPORTED = tuple(sorted(HANDLERS))
_KEYS = {"op", "value", "offset", "align", "types"}
_NATURAL = {"8": 0, "16": 1, "32": 2}


class ProgramError(Exception):
    """An item of the program cannot be made into an instruction (``index`` says which)."""

    def __init__(self, index: int, message: str):
        self.index = index
        self.message = f"instruction {index}: {message}"
        super().__init__(self.message)


def _natural_align(name: str) -> int:
    t, _, rest = name.partition(".")
    for bits, align in _NATURAL.items():
        if rest.startswith(("load" + bits, "store" + bits)):
            return align
    return 3 if t in ("i64", "f64") else 2


def _uint(item: dict, key: str, default: int, index: int) -> int:
    value = item.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFFFFFF:
        raise ProgramError(index, f"{key} must be an integer from 0 to 2^32-1, got {value!r}")
    return value


def build_instruction(item, index: int):
    if not isinstance(item, dict) or not isinstance(item.get("op"), str):
        raise ProgramError(index, 'expected an object such as {"op": "i32.add"}')
    extra = set(item) - _KEYS
    if extra:
        raise ProgramError(index, f"unknown field(s) {', '.join(sorted(extra))}")
    name = item["op"]
    if name == "select" and item.get("types") is not None:
        name = "select_t"
    op = BY_NAME.get(name)
    if op is None:
        raise ProgramError(index, f"unknown instruction {name!r}")
    if name not in HANDLERS:
        raise ProgramError(index, f"{name} is not supported by the StackVM (it runs "
                           "straight-line code: constants, numeric instructions, drop, select, "
                           "nop, unreachable, loads, stores, memory.size/grow/fill/copy)")
    make = maker(op)
    try:
        if name.endswith(".const"):
            if "value" not in item:
                raise ProgramError(index, f"{name} needs a value")
            value = item["value"]
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise ProgramError(index, f"value must be a number or a string, got {value!r}")
            return make(parse_value(ValType(name[:3]), str(value)).bits)
        if op.imm == ("memarg",):
            return make(_uint(item, "align", _natural_align(name), index),
                        _uint(item, "offset", 0, index))
        if name == "select_t":
            types = item["types"]
            if not isinstance(types, list) or len(types) != 1:
                raise ProgramError(index, 'types must list one value type, such as ["i32"]')
            return make([ValType(t) for t in types])
        return make(*(0 for _ in op.imm))  # no immediates, or memory index 0
    except (ValueError, KeyError) as e:
        raise ProgramError(index, str(e.args[0]) if e.args else repr(e)) from None


def build_program(items, limits: Limits) -> list:
    if not isinstance(items, list):
        raise ProgramError(0, "a program is a list of instructions")
    if len(items) > limits.max_stackvm_instructions:
        raise LimitError("max_stackvm_instructions", f"the program has {len(items)} "
                         f"instructions; this service runs at most {limits.max_stackvm_instructions}")
    return [build_instruction(item, i) for i, item in enumerate(items)]


def _text(value) -> str:
    return format_value(Val.from_bits(ValType(value.type), value.bits))


def run_program(items, limits: Limits, memory_pages: int = 1, max_pages: int | None = None) -> dict:
    """Run a StackVM program and record the state after every instruction: ``{"steps":
    [{pc, instruction, stack, memory_access}], "stack", "error", "memory"}``. A trap or a
    type error stops the run; ``error`` says which instruction and why, the steps before
    it stand."""
    most = limits.max_memory_pages
    if max_pages is None:
        max_pages = most
    if not 0 <= memory_pages <= max_pages or max_pages > most:
        raise LimitError("max_memory_pages", f"memory of {memory_pages} page(s), at most "
                         f"{max_pages}: this service allows 0 <= pages <= max <= {most}")
    program = build_program(items, limits)
    vm = StackVM(memory_pages, max_pages)
    vm.instructions = program
    steps: list[dict] = []
    error = None
    last = None
    while not vm.done:
        instr = vm.instructions[vm.pc]
        access = _address(vm, instr)
        try:
            vm.step()
        except (Trap, InvalidError) as e:
            error = {"kind": "trap" if isinstance(e, Trap) else "invalid",
                     "code": e.code.name if isinstance(e, Trap) else None,
                     "message": e.message, "pc": vm.pc, "instruction": str(instr)}
            break
        record = {"pc": vm.pc - 1, "instruction": str(instr),
                  "stack": [_text(v) for v in vm.stack], "memory_access": None}
        if access is not None:
            kind, address, size = access
            data = bytes(vm.memory.data[address:address + size])
            record["memory_access"] = last = {"kind": kind, "address": address, "bytes": data.hex()}
        steps.append(record)
    data = vm.memory.data
    start = 0 if last is None else max(0, min((last["address"] & ~15) - 16, len(data) - 64))
    return {"steps": steps, "stack": [_text(v) for v in vm.stack], "error": error,
            "memory": {"pages": len(data) // 65536, "window": {
                "address": start, "bytes": bytes(data[start:start + 64]).hex()}}}


def _address(vm: StackVM, instr) -> tuple[str, int, int] | None:
    """Where a load or store is about to go: ``(kind, address, size)``."""
    name = instr.op.name
    if ".load" not in name and ".store" not in name:
        return None
    stack = vm.inspect()
    k = 2 if ".store" in name else 1
    if len(stack) < k or not isinstance(stack[-k], int):
        return None
    bits = getattr(instr, "bits", None) or (64 if name[:3] in ("i64", "f64") else 32)
    return ("store" if k == 2 else "load", (stack[-k] & 0xFFFFFFFF) + instr.offset, bits // 8)
