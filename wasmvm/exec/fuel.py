"""Fuel: a budget of work, counted the way wasmtime counts it.

Measured against wasmtime 50 (``Config.consume_fuel``): entering a function costs 1;
every instruction costs 1 except ``nop``, ``drop``, ``block``, ``loop``, ``else``,
``end``, ``unreachable`` and ``return``, which are free. The bulk instructions
(``memory.fill/copy/init``, ``table.fill/copy/init``) also cost their length, charged
after they ran (a trapping one costs only 1); ``memory.grow`` and ``table.grow`` also cost
their delta once they succeeded. Running out raises ``Trap(OUT_OF_FUEL)``.
"""

from __future__ import annotations

from ..opcodes import OPS

FUNCTION_ENTRY = 1
FREE = frozenset({"nop", "drop", "block", "loop", "unreachable", "return"})
#: Instructions that also cost their length operand (the stack top when they run),
#: charged after they completed.
BULK = frozenset({"memory.fill", "memory.copy", "memory.init", "table.fill", "table.copy",
                  "table.init"})
#: Instructions that also cost their delta operand (the stack top), if they succeeded.
GROW = frozenset({"memory.grow", "table.grow"})
VARIABLE = BULK | GROW
GROW_FAILED = 0xFFFFFFFF  # -1 as an i32

COST: dict[str, int] = {op.name: 0 if op.name in FREE else 1 for op in OPS}


def cost_of_event(event: str, instr) -> int:
    """The static cost of one ``walk`` event (``else`` and ``end`` are free)."""
    if event != "instr":
        return 0
    return COST[instr.op.name]
