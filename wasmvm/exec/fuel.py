"""Fuel: a budget of work, counted the way wasmtime counts it.

Measured against wasmtime 50 (``Config.consume_fuel``): entering a function costs 1;
every instruction costs 1 except ``nop``, ``drop``, ``block``, ``loop``, ``else``,
``end``, ``unreachable`` and ``return``, which are free; the bulk instructions
(``memory.fill/copy/init``, ``table.fill/copy/init``) cost 1 more per byte or element
they touch. Running out raises ``Trap(OUT_OF_FUEL)``.
"""

from __future__ import annotations

from ..opcodes import OPS

FUNCTION_ENTRY = 1
FREE = frozenset({"nop", "drop", "block", "loop", "unreachable", "return"})
#: Instructions that also cost their length operand (the stack top when they run).
BULK = frozenset({"memory.fill", "memory.copy", "memory.init", "table.fill", "table.copy",
                  "table.init"})

COST: dict[str, int] = {op.name: 0 if op.name in FREE else 1 for op in OPS}


def cost_of_event(event: str, instr) -> int:
    """The static cost of one ``walk`` event (``else`` and ``end`` are free)."""
    if event != "instr":
        return 0
    return COST[instr.op.name]
