"""The learning stack machine: run a list of instructions on an operand stack, step by step.

    >>> from wasmvm.exec.stackvm import StackVM
    >>> from wasmvm.syntax import Push, Add, i32
    >>> vm = StackVM()
    >>> vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]
    >>> vm.run()
    >>> vm.inspect()
    [5]

The instructions are the same objects the binary decoder produces. The machine executes
the straight-line subset of WebAssembly: constants, every scalar numeric instruction,
``drop``, ``select``, ``nop``, ``unreachable``, loads and stores of every width, and
``memory.size``, ``memory.grow``, ``memory.fill``, ``memory.copy`` on its own memory.
Other instructions (control flow, locals, calls, SIMD) raise ``InvalidError``
("instruction not supported by StackVM: ...").

Operands are checked like the validator would: popping from an empty stack or finding an
operand of the wrong type raises ``InvalidError`` whose message starts with
"type mismatch" and names the instruction and its pc. A trap raises ``Trap`` with its
``TrapCode`` and the spec's message. After either error the machine is as it was before
the failing instruction: ``pc`` points at it and its operands are still on the stack.

Representation: the stack holds ``(ValType, raw)`` pairs, where ``raw`` is the value in
the representation of ``exec.numerics`` (i32/i64 as unsigned bit patterns, floats as
Python floats with exact NaN payloads). ``vm.stack`` and ``VMState.stack`` show typed
values (``i32(5)``); ``vm.inspect()`` shows plain Python numbers (ints signed).

Dispatch is one dict, ``HANDLERS``, from mnemonic to a handler ``handler(machine, instr)``,
built once at import. Handlers touch the machine only through ``pop_raw(t)``,
``pop_any_raw()``, ``push_raw(t, raw)``, ``memory`` and ``type_mismatch(detail)``, so
another executor that offers these can reuse them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InvalidError, Trap, TrapCode
from ..opcodes import OPS
from ..syntax.instructions import Instruction
from ..syntax.types import ValType
from ..syntax.values import (
    VALUE_CLASSES,
    Value,
    f32_from_bits,
    f32_to_bits,
    f64_from_bits,
    f64_to_bits,
    signed,
)
from . import numerics as num
from .memory import Memory

__all__ = ["StackVM", "VMState", "HANDLERS", "Handler", "to_value", "to_raw", "to_python"]

I32, I64, F32, F64 = ValType.I32, ValType.I64, ValType.F32, ValType.F64
_M32 = 0xFFFFFFFF

Handler = Callable[["StackVM", Instruction], None]

# Between the raw representation and typed values (syntax.values).
_RAW_FROM_BITS: dict[ValType, Callable] = {
    I32: int, I64: int, F32: f32_from_bits, F64: f64_from_bits}
_BITS_FROM_RAW: dict[ValType, Callable] = {
    I32: int, I64: int, F32: f32_to_bits, F64: f64_to_bits}


def to_raw(value: Value) -> int | float:
    """The raw operand for a typed value (``i32(-1)`` -> ``0xFFFFFFFF``)."""
    return _RAW_FROM_BITS[value.type](value.bits)


def to_value(t: ValType, raw: int | float) -> Value:
    """The typed value of a raw operand (``(I32, 0xFFFFFFFF)`` -> ``i32(-1)``)."""
    return VALUE_CLASSES[t].from_bits(_BITS_FROM_RAW[t](raw))


def to_python(t: ValType, raw: int | float) -> int | float:
    """A raw operand as a plain Python number: ints signed, floats as floats."""
    if t is I32:
        return signed(raw, 32)
    if t is I64:
        return signed(raw, 64)
    return raw


@dataclass(frozen=True, slots=True)
class VMState:
    """What an observer sees after each instruction.

    ``pc``           index of the instruction just executed
    ``instruction``  that instruction
    ``stack``        the operand stack after it, bottom to top, as typed values (a snapshot)
    ``memory``       the machine's live Memory (read it; do not change it)
    """

    pc: int
    instruction: Instruction
    stack: tuple[Value, ...]
    memory: Memory

    def inspect(self) -> list[int | float]:
        """The stack as plain Python numbers, like ``StackVM.inspect``."""
        return [v.value for v in self.stack]


class StackVM:
    """A stack machine for learning: set ``instructions``, then ``run()`` or ``step()``.

    ``StackVM(initial_pages=1, max_pages=None)``: the machine's memory starts with
    ``initial_pages`` pages of 64 KiB and may grow to ``max_pages`` (None: up to the
    spec's limit of 65536 pages, as far as the host can allocate).
    """

    def __init__(self, initial_pages: int = 1, max_pages: int | None = None,
                 instructions: list[Instruction] | None = None):
        self._limits = (initial_pages, max_pages)
        self.memory = Memory(initial_pages, max_pages)
        self._stack: list[tuple[ValType, int | float]] = []
        self._observers: list[Callable[[VMState], object]] = []
        self._instructions: list[Instruction] = []
        self.pc = 0
        if instructions is not None:
            self.instructions = instructions

    # -- program ---------------------------------------------------------------------
    @property
    def instructions(self) -> list[Instruction]:
        """The program. Assigning a new list restarts at pc 0 and keeps the stack and memory;
        appending to the list extends the program where it stands."""
        return self._instructions

    @instructions.setter
    def instructions(self, instructions: list[Instruction]) -> None:
        self._instructions = instructions if isinstance(instructions, list) else list(instructions)
        self.pc = 0

    @property
    def done(self) -> bool:
        """True when every instruction has been executed."""
        return self.pc >= len(self._instructions)

    def reset(self) -> None:
        """Empty the stack, go back to pc 0 and start with a fresh memory.

        The instructions and observers stay."""
        self._stack.clear()
        self.pc = 0
        self.memory = Memory(*self._limits)

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        """Execute the instructions from ``pc`` to the end."""
        while self.step():
            pass

    def step(self) -> bool:
        """Execute the instruction at ``pc``. False if there was none left to execute."""
        pc = self.pc
        if pc >= len(self._instructions):
            return False
        instr = self._instructions[pc]
        handler = self._handler(instr)
        stack = self._stack
        base = max(len(stack) - 3, 0)  # no handler pops more than three operands
        saved = stack[base:]
        try:
            handler(self, instr)
        except BaseException:
            stack[base:] = saved  # as before the instruction: inspectable at its pc
            raise
        self.pc = pc + 1
        if self._observers:
            self._notify(pc, instr)
        return True

    def _handler(self, instr) -> Handler:
        op = getattr(instr, "op", None)
        if not isinstance(instr, Instruction) or op is None:
            raise InvalidError(f"not an instruction: {instr!r} (at pc {self.pc})")
        handler = HANDLERS.get(op.name)
        if handler is None:
            raise InvalidError(f"instruction not supported by StackVM: {op.name} (at pc {self.pc})")
        return handler

    # -- looking at it ---------------------------------------------------------------
    @property
    def stack(self) -> list[Value]:
        """The operand stack, bottom to top, as typed values (``[i32(5)]``)."""
        return [to_value(t, raw) for t, raw in self._stack]

    def inspect(self) -> list[int | float]:
        """The operand stack, bottom to top, as plain Python numbers (``[5]``)."""
        return [to_python(t, raw) for t, raw in self._stack]

    def add_observer(self, fn: Callable[[VMState], object]) -> Callable[[VMState], object]:
        """Call ``fn(state)`` after each instruction. Returns ``fn`` (usable as a decorator)."""
        self._observers.append(fn)
        return fn

    def remove_observer(self, fn: Callable[[VMState], object]) -> None:
        """Stop calling ``fn``; ValueError if it was not added."""
        try:
            self._observers.remove(fn)
        except ValueError:
            raise ValueError(f"not an observer of this StackVM: {fn!r}") from None

    def _notify(self, pc: int, instr: Instruction) -> None:
        state = VMState(pc, instr, tuple(self.stack), self.memory)
        for fn in tuple(self._observers):
            fn(state)

    # -- the operand-stack protocol used by the handlers -----------------------------
    def pop_raw(self, t: ValType) -> int | float:
        """Pop an operand that must have type ``t``; its raw value."""
        stack = self._stack
        if not stack:
            raise self.type_mismatch(f"expected {t} but the stack is empty")
        found, raw = stack[-1]
        if found is not t:
            raise self.type_mismatch(f"expected {t} but found {found}")
        stack.pop()
        return raw

    def pop_any_raw(self) -> tuple[ValType, int | float]:
        """Pop an operand of any type; ``(type, raw)``."""
        if not self._stack:
            raise self.type_mismatch("expected an operand but the stack is empty")
        return self._stack.pop()

    def push_raw(self, t: ValType, raw: int | float) -> None:
        self._stack.append((t, raw))

    def type_mismatch(self, detail: str) -> InvalidError:
        """The error for a badly typed operand of the instruction at ``pc``."""
        name = self._instructions[self.pc].op.name
        return InvalidError(f"type mismatch: {name} at pc {self.pc}: {detail}")


# =========================================================================================
# Handlers: mnemonic -> handler(machine, instr)
# =========================================================================================
def _numeric_handler(fn: Callable, params: tuple[str, ...], result: str) -> Handler:
    r = ValType(result)
    if len(params) == 1:
        t = ValType(params[0])

        def unary(m, instr):
            m.push_raw(r, fn(m.pop_raw(t)))

        return unary
    ta, tb = (ValType(p) for p in params)

    def binary(m, instr):
        b = m.pop_raw(tb)
        a = m.pop_raw(ta)
        m.push_raw(r, fn(a, b))

    return binary


def _const(m, instr):
    value = instr.value
    m.push_raw(value.type, to_raw(value))


def _nop(m, instr):
    pass


def _unreachable(m, instr):
    raise Trap(TrapCode.UNREACHABLE)


def _drop(m, instr):
    m.pop_any_raw()


def _select(m, instr):
    """``select``: pop c, then val2, then val1; push val1 if c is not zero, else val2."""
    c = m.pop_raw(I32)
    t2, val2 = m.pop_any_raw()
    t1, val1 = m.pop_any_raw()
    if t1 is not t2:
        raise m.type_mismatch(f"operands are {t1} and {t2}")
    types = getattr(instr, "types", None)
    if types is not None and tuple(types) != (t1,):
        raise m.type_mismatch(f"expected {' '.join(types)} but found {t1}")
    m.push_raw(t1, val1 if c else val2)


# Loads and stores are the opcode table's scalar memory rows (``op.access``: kind, size in
# bytes, value type); what turns memory bits into the raw operand and back depends on the
# value type, and for a narrow signed load on its size.
_FROM_MEMORY: dict[ValType, Callable] = {F32: f32_from_bits, F64: f64_from_bits}
_TO_MEMORY: dict[ValType, Callable] = {F32: f32_to_bits, F64: f64_to_bits}
_SIGN_EXTEND: dict[tuple[ValType, int], Callable] = {
    (I32, 1): num.i32_extend8_s, (I32, 2): num.i32_extend16_s,
    (I64, 1): num.i64_extend8_s, (I64, 2): num.i64_extend16_s, (I64, 4): num.i64_extend32_s,
}


def _load_handler(t: ValType, size: int, convert: Callable | None) -> Handler:
    def load(m, instr):
        ea = m.pop_raw(I32) + instr.offset
        bits = m.memory.load(ea, size)
        m.push_raw(t, bits if convert is None else convert(bits))

    return load


def _store_handler(t: ValType, size: int, convert: Callable | None) -> Handler:
    def store(m, instr):
        raw = m.pop_raw(t)
        ea = m.pop_raw(I32) + instr.offset
        m.memory.store(ea, size, raw if convert is None else convert(raw))

    return store


def _memory_size(m, instr):
    m.push_raw(I32, m.memory.size)


def _memory_grow(m, instr):
    m.push_raw(I32, m.memory.grow(m.pop_raw(I32)) & _M32)


def _memory_fill(m, instr):
    n = m.pop_raw(I32)
    value = m.pop_raw(I32)
    m.memory.fill(m.pop_raw(I32), value, n)


def _memory_copy(m, instr):
    n = m.pop_raw(I32)
    src = m.pop_raw(I32)
    m.memory.copy(m.pop_raw(I32), src, n)


def _build_handlers() -> dict[str, Handler]:
    handlers: dict[str, Handler] = {
        "nop": _nop, "unreachable": _unreachable, "drop": _drop, "select": _select,
        "select_t": _select, "memory.size": _memory_size, "memory.grow": _memory_grow,
        "memory.fill": _memory_fill, "memory.copy": _memory_copy,
    }
    for op in OPS:
        if op.group != "numeric":
            continue
        if op.name.endswith(".const"):
            handlers[op.name] = _const
        else:
            handlers[op.name] = _numeric_handler(num.NUMERIC_OPS[op.name], op.params, op.results[0])
    for op in OPS:
        if op.group != "memory" or op.access is None:
            continue
        t, size = ValType(op.access.type), op.access.size
        if op.access.kind == "store":
            handlers[op.name] = _store_handler(t, size, _TO_MEMORY.get(t))
        elif op.signed:
            handlers[op.name] = _load_handler(t, size, _SIGN_EXTEND[t, size])
        else:
            handlers[op.name] = _load_handler(t, size, _FROM_MEMORY.get(t))
    return handlers


#: Mnemonic -> handler, for every instruction the StackVM executes. Built once.
HANDLERS: dict[str, Handler] = _build_handlers()
