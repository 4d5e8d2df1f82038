"""Stepping through a call, as JSON: the playground's debugger, in both of its modes.

    Stepper(module, export, args, limits)   a live ``observe.Debugger`` behind JSON:
        .snapshot() -> {"state", "done", "results", "trap", "steps" (the step it is at),
                        "history" (the furthest step reached)}
        .move("step" | "over" | "out" | "continue" | "back" | "back_over") -> the same
        .goto(n) -> the same, at step n (back through the history, or forward by running)
    record_steps(module, export, args, limits, max_steps) -> {"steps": [state, ...], ...}

The in-browser mode keeps a ``Stepper`` alive in Pyodide and moves it on every click. The
server cannot keep a paused call per client, so it records the states of a bounded run
(``record_steps``) and the page moves through the recording; "step over" and "step out"
are then found from each state's ``depth``, exactly as ``Debugger`` finds them.

A state (``state_json``) is the machine paused *before* an instruction: function, pc,
byte offset, WAT text, call depth and frames, the operand stack and the locals as typed
text (``"i64:3"``), and the memory: its size, the most recent load or store (address and
bytes) and a 64-byte window of memory around it.
"""

from __future__ import annotations

from .. import Instance, Module, Trap, Val, ValType
from ..api.values import format_value, func_namer
from ..observe import Observer
from ..observe.stepper import Debugger, HistoryError
from ..observe.trace import format_typed, instruction_at, state_namer
from .core import Job, find_func, make_store, parse_args, trap_json, value_json
from .limits import Limits

__all__ = ["Stepper", "record_steps", "state_json", "MOTIONS", "WINDOW"]

MOTIONS = ("step", "over", "out", "continue", "back", "back_over")
#: Bytes of memory shown around the most recent access.
WINDOW = 64


class _Watch(Observer):
    """Remembers the most recent load or store: ``(kind, address, bytes)``."""

    def __init__(self):
        self.access = None

    def after(self, state) -> None:
        access = state.memory_access
        if access is not None:
            self.access = access


def _value_text(value, type_name=None) -> str:
    """A typed value as ``i32:5``; a reference as ``ref:null`` or ``ref:NAME``; a value
    whose type is not known (after a branch) as ``?:raw``."""
    t = getattr(value, "type", None)
    bits = getattr(value, "bits", None)
    if t is not None and bits is not None:
        return format_value(Val.from_bits(ValType(t), bits))
    if value is None:
        return "ref:null"
    name = getattr(value, "name", None)
    return f"ref:{name}" if isinstance(name, str) else format_typed(None, value, type_name)


def state_json(state, names, access=None) -> dict:
    """One paused state as JSON (see the module docstring); ``names`` is the module's
    name section (or None), ``access`` the most recent memory access."""
    local_names = (names.locals.get(state.func_index, {}) if names is not None else {})
    namer = state_namer(state)
    memory = state.memory
    mem_json = None
    if memory is not None:
        data = memory.data
        where = access[1] if access is not None else 0
        start = max(0, min((where & ~15) - 16, len(data) - WINDOW))
        mem_json = {
            "pages": len(data) // 65536,
            "access": None if access is None else {
                "kind": access[0], "address": access[1],
                "bytes": access[2].hex() if isinstance(access[2], bytes) else None},
            "window": {"address": start, "bytes": bytes(data[start:start + WINDOW]).hex()},
        }
    return {
        "function": state.function,
        "func_index": state.func_index,
        "pc": state.pc,
        "offset": state.offset,
        "instruction": instruction_at(state),
        "depth": state.depth,
        "frames": state.frames,
        "stack": [_value_text(v, namer) for v in state.stack],
        "locals": [{"index": i, "name": local_names.get(i), "value": _value_text(v, namer)}
                   for i, v in enumerate(state.locals)],
        "memory": mem_json,
    }


class Stepper:
    """A call of ``export`` paused before its first instruction, moved by ``move``.

    Raises what instantiation raises (LinkError; a trap in the start function is
    returned by ``snapshot`` as the trap) and ``RequestError`` for a bad export or
    arguments. Runs on the reference tier with the service's ``observed_fuel``."""

    def __init__(self, module: Module, export: str, args: list, limits: Limits, *,
                 fuel: int | None = None, job: Job | None = None):
        self.store, self.budget, _ = make_store(limits, observed=True, fuel=fuel, job=job)
        self._names = module.syntax.names
        self._watch = self.store.add_observer(_Watch())
        self.dbg = None
        self.trap = None
        self.args: list[str] = []
        self._namer = None
        try:
            instance = Instance(self.store, module, [])
        except Trap as trap:
            self.trap = trap
            return
        func = find_func(instance, self.store, export)
        vals = parse_args(func, self.store, export, args)
        self._namer = func_namer(func)
        self.args = [format_value(v, self._namer) for v in vals]
        try:
            self.dbg = Debugger(self.store, func, vals)
        except Trap as trap:
            self.trap = trap

    @property
    def steps(self) -> int:
        """The step the call is at: instructions run to get there (a trapping one
        included; after going back, the step gone back to)."""
        if self.dbg is None:
            return 0
        return self.dbg.step_count + (1 if self.dbg.trap is not None else 0)

    @property
    def done(self) -> bool:
        return self.dbg is None or self.dbg.done

    def snapshot(self) -> dict:
        dbg = self.dbg
        state = None
        if dbg is not None and dbg.state is not None and (not dbg.done or dbg.trap is not None):
            state = state_json(dbg.state, self._names, self._watch.access)
        trap = self.trap if self.trap is not None else (dbg.trap if dbg is not None else None)
        results = None
        if dbg is not None and dbg.result_vals is not None:
            results = [value_json(v, self._namer) for v in dbg.result_vals]
        return {"state": state, "done": self.done, "results": results,
                "trap": None if trap is None else trap_json(trap), "steps": self.steps,
                "history": 0 if dbg is None else dbg.history_length,
                "fuel_consumed": self.budget - self.store.get_fuel()}

    def move(self, how: str = "step") -> dict:
        """Run one motion of the debugger (see ``MOTIONS``) and return the snapshot."""
        if how not in MOTIONS:
            raise ValueError(f"unknown motion {how!r}: one of {', '.join(MOTIONS)}")
        if how in ("back", "back_over"):
            if self.dbg is not None and self.dbg.step_count > 0:
                self._watch.access = None  # (the replay to there sees its own accesses)
                try:
                    self.dbg.back() if how == "back" else self.dbg.back_over()
                except HistoryError:
                    pass  # before what the history keeps: stay
            return self.snapshot()
        if not self.done:
            dbg = self.dbg
            try:
                if how == "step":
                    dbg.step()
                elif how == "over":
                    dbg.step_over()
                elif how == "out":
                    dbg.step_out()
                else:
                    dbg.continue_()
            except Trap:
                pass  # dbg.trap has it; the state stays at the trapping instruction
        return self.snapshot()

    def goto(self, n: int) -> dict:
        """Go to step ``n``: back through the history, or forward by running (at most to
        the end of the call); the snapshot there."""
        if self.dbg is not None and n != self.dbg.step_count:
            if n < self.dbg.step_count:
                self._watch.access = None
            try:
                self.dbg.goto(max(0, n))
            except HistoryError:
                pass
            except Trap:
                pass  # dbg.trap has it
        return self.snapshot()

    def close(self) -> None:
        if self.dbg is not None and not self.dbg.done:
            self.dbg.close()


def record_steps(module: Module, export: str, args: list, limits: Limits, *,
                 max_steps: int | None = None, fuel: int | None = None,
                 job: Job | None = None) -> dict:
    """Run the call one instruction at a time and record every state, up to
    ``max_steps`` (never more than the service allows)."""
    most = limits.max_steps if max_steps is None else max(1, min(max_steps, limits.max_steps))
    stepper = Stepper(module, export, args, limits, fuel=fuel, job=job)
    snap = stepper.snapshot()
    states = []
    # After a trap the debugger stays at the trapping instruction: the state last recorded.
    while snap["state"] is not None and len(states) < most and snap["trap"] is None:
        states.append(snap["state"])
        if snap["done"]:
            break
        snap = stepper.move("step")
    truncated = not stepper.done
    stepper.close()
    return {"export": export, "args": stepper.args, "steps": states, "done": not truncated,
            "truncated": truncated, "results": snap["results"], "trap": snap["trap"],
            "fuel": {"budget": stepper.budget, "consumed": snap["fuel_consumed"]}}
