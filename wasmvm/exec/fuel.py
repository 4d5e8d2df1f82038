"""Fuel: a budget of work, counted the way wasmtime counts it.

Measured against wasmtime 50 (``Config.consume_fuel``): entering a function costs 1;
every instruction costs 1 except ``nop``, ``drop``, ``block``, ``loop``, ``else``,
``end``, ``unreachable`` and ``return``, which are free. The bulk instructions
(``memory.fill/copy/init``, ``table.fill/copy/init``, and GC's ``array.new``,
``array.new_default/_data/_elem``, ``array.fill/copy``, ``array.init_data/_elem``) also
cost their length, charged after they ran (a trapping one costs only 1); ``memory.grow``
and ``table.grow`` also cost their delta once they succeeded. Running out raises ``Trap(OUT_OF_FUEL)``.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode
from ..opcodes import OPS

FUNCTION_ENTRY = 1
FREE = frozenset({"nop", "drop", "block", "loop", "unreachable", "return"})
#: Instructions that also cost their length operand (the stack top when they run),
#: charged after they completed.
BULK = frozenset({"memory.fill", "memory.copy", "memory.init", "table.fill", "table.copy",
                  "table.init",
                  # GC: the instructions that make or write n array elements (n is their
                  # last operand), measured against wasmtime 50 (issue 17)
                  "array.new", "array.new_default", "array.new_data", "array.new_elem",
                  "array.fill", "array.copy", "array.init_data", "array.init_elem"})
#: Instructions that also cost their delta operand (the stack top), if they succeeded.
GROW = frozenset({"memory.grow", "table.grow"})
VARIABLE = BULK | GROW
#: what a grow that failed returns: -1 as an i32, or as an i64 (memory64, table64)
GROW_FAILED = (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF)

COST: dict[str, int] = {op.name: 0 if op.name in FREE else 1 for op in OPS}


def cost_of_event(event: str, instr) -> int:
    """The static cost of one ``walk`` event (``else`` and ``end`` are free)."""
    if event != "instr":
        return 0
    return COST[instr.op.name]


def out_of_fuel(fuel: list) -> Trap:
    """The trap for an exhausted budget; the store's remaining fuel reads 0, as wasmtime's."""
    fuel[0] = 0
    return Trap(TrapCode.OUT_OF_FUEL)


def charge_before(fuel: list, cost: int, stack: list):
    """Charge an instruction's fuel before it runs. For bulk (cost -1) and grow (-2)
    instructions charge 1 and return what to charge once it ran (see ``charge_after``)."""
    variable = None
    if cost < 0:
        variable = (cost, stack[-1])
        cost = 1
    fuel[0] -= cost
    if fuel[0] < 0:
        raise out_of_fuel(fuel)
    return variable


def charge_after(fuel: list, variable: tuple, stack: list) -> None:
    """A bulk instruction's length, or a successful grow's delta (wasmtime charges these
    once the instruction has run)."""
    kind, amount = variable
    if kind == -2 and stack[-1] in GROW_FAILED:
        return
    fuel[0] -= amount
    if fuel[0] < 0:
        raise out_of_fuel(fuel)
