"""Handlers of the reference tier for every vector (SIMD) instruction.

Same shape as ``exec.ops``: a factory ``factory(instr, module_inst) -> h(F, pc) -> next
pc`` per mnemonic, run once per instruction occurrence, binding immediates and the memory.
The semantics are the pure functions of ``exec.simd``; this module only moves operands
between the stack, memory and those functions. ``register(FACTORIES)`` adds a factory for
every row of the opcode table's "vector" group (``exec.ops`` calls it once, at its end).

Operand order is the table's stack signature: ``v128 i32 -> v128`` (shifts,
``replace_lane``) has the i32 on top; ``i32 v128 -> v128`` (``loadN_lane``) has the
v128 on top and the address under it.
"""

from __future__ import annotations

from collections.abc import Callable

from ..opcodes import OPS
from . import simd


# -- no immediates: the functions of simd.SIMD_OPS, by arity -----------------------------------
def _unary(fn: Callable) -> Callable:
    def make(instr, mod):
        def h(F, pc):
            s = F.stack
            s[-1] = fn(s[-1])
            return pc + 1
        return h
    return make


def _binary(fn: Callable) -> Callable:
    def make(instr, mod):
        def h(F, pc):
            s = F.stack
            b = s.pop()
            s[-1] = fn(s[-1], b)
            return pc + 1
        return h
    return make


def _ternary(fn: Callable) -> Callable:
    def make(instr, mod):
        def h(F, pc):
            s = F.stack
            c = s.pop()
            b = s.pop()
            s[-1] = fn(s[-1], b, c)
            return pc + 1
        return h
    return make


_BY_ARITY = {1: _unary, 2: _binary, 3: _ternary}


def _relaxed(name: str, arity: int) -> Callable:
    """A relaxed SIMD row: the function its instance's store chose (``exec.relaxed_simd``)."""
    default = _BY_ARITY[arity](simd.SIMD_OPS[name])
    deterministic = _BY_ARITY[arity](simd.RELAXED_DETERMINISTIC[name])

    def make(instr, mod):
        return (deterministic if mod.relaxed_simd_deterministic else default)(instr, mod)
    return make


# -- constants, shuffles, lanes ------------------------------------------------------------
def _const(instr, mod):
    bits = instr.value.bits

    def h(F, pc):
        F.stack.append(bits)
        return pc + 1
    return h


def _shuffle(instr, mod):
    selection = bytes(instr.lanes)
    shuffle = simd.shuffle

    def h(F, pc):
        s = F.stack
        b = s.pop()
        s[-1] = shuffle(s[-1], b, selection)
        return pc + 1
    return h


def _extract_lane(name: str) -> Callable:
    fn = simd.extract_lane(name)

    def make(instr, mod):
        lane = instr.lane

        def h(F, pc):
            s = F.stack
            s[-1] = fn(s[-1], lane)
            return pc + 1
        return h
    return make


def _replace_lane(name: str) -> Callable:
    fn = simd.replace_lane(name)

    def make(instr, mod):
        lane = instr.lane

        def h(F, pc):
            s = F.stack
            x = s.pop()
            s[-1] = fn(s[-1], lane, x)
            return pc + 1
        return h
    return make


# -- memory (the memory instance's read/write do the bounds checks) -----------------------
def _load(op) -> Callable:
    size, fn = op.access.size, simd.LOADS[op.name]

    def make(instr, mod):
        read = mod.mems[instr.memory].read
        offset = instr.offset

        def h(F, pc):
            s = F.stack
            s[-1] = fn(read(s[-1] + offset, size))
            return pc + 1
        return h
    return make


def _store(instr, mod):
    write = mod.mems[instr.memory].write
    offset = instr.offset

    def h(F, pc):
        s = F.stack
        v = s.pop()
        write(s.pop() + offset, v.to_bytes(16, "little"))
        return pc + 1
    return h


def _load_lane(op) -> Callable:
    size = op.access.size
    w = size * 8
    load_lane = simd.load_lane

    def make(instr, mod):
        read = mod.mems[instr.memory].read
        offset, lane = instr.offset, instr.lane

        def h(F, pc):
            s = F.stack
            v = s.pop()
            s[-1] = load_lane(v, w, lane, read(s[-1] + offset, size))
            return pc + 1
        return h
    return make


def _store_lane(op) -> Callable:
    w = op.access.size * 8
    store_lane = simd.store_lane

    def make(instr, mod):
        write = mod.mems[instr.memory].write
        offset, lane = instr.offset, instr.lane

        def h(F, pc):
            s = F.stack
            v = s.pop()
            write(s.pop() + offset, store_lane(v, w, lane))
            return pc + 1
        return h
    return make


# -- the table -------------------------------------------------------------------------------
def factory_for(op) -> Callable:
    """The handler factory of one vector row."""
    name = op.name
    if op.feature == "relaxed_simd":
        return _relaxed(name, len(op.params))
    if not op.imm:
        return _BY_ARITY[len(op.params)](simd.SIMD_OPS[name])
    if name == "v128.const":
        return _const
    if name == "i8x16.shuffle":
        return _shuffle
    if op.imm == ("laneidx",):
        return _extract_lane(name) if "extract_lane" in name else _replace_lane(name)
    if op.imm == ("memarg",):
        return _store if op.access.kind == "store" else _load(op)
    if op.access.kind == "load":
        return _load_lane(op)
    return _store_lane(op)


def register(factories: dict) -> None:
    """Add a handler factory for every vector row of the opcode table to ``factories``."""
    for op in OPS:
        if op.group == "vector":
            factories[op.name] = factory_for(op)


__all__ = ["factory_for", "register"]
