"""Stepping: run a call one instruction at a time, with breakpoints, and look around.

    >>> from wasmvm import Store, Module, Instance
    >>> from wasmvm.observe.stepper import Debugger
    >>> store = Store()
    >>> module = Module.from_file(store.engine, "fixtures/fac.wasm")
    >>> fac = Instance(store, module, []).exports(store)["fac_rec"]
    >>> dbg = Debugger(store, fac, [3])
    >>> dbg.state.text, dbg.state.stack
    ('local.get 0', [])
    >>> dbg.step().stack                  # local.get ran; the next is i64.eqz
    [i64(3)]
    >>> bp = dbg.add_breakpoint(offset=0x43)  # i64.mul, after the recursive call
    >>> dbg.continue_().frames                # the innermost multiplication comes first
    ['fac_rec', 'fac_rec', 'fac_rec']
    >>> dbg.step_out()                        # back in its caller, at its multiplication
    <ExecState fac_rec pc=10 'i64.mul' stack=[i64(2), i64(1)]>
    >>> dbg.remove_breakpoint(bp)
    >>> dbg.continue_() is None, dbg.done, dbg.results
    (True, True, 6)

It goes back too: to any step it passed, with the state it had there.

    >>> dbg.step_count, dbg.history_length   # 39 instructions ran
    (39, 39)
    >>> dbg.back()                            # the function's final end
    <ExecState fac_rec pc=12 'end' stack=[i64(6)]>
    >>> dbg.goto(30)                          # the innermost multiplication again
    <ExecState fac_rec pc=10 'i64.mul' stack=[i64(1), i64(1)]>
    >>> dbg.back_over()                       # back over the call it came from
    <ExecState fac_rec pc=9 'call 0' stack=[i64(1), i64(0)]>
    >>> dbg.step_count, dbg.state.frames
    (23, ['fac_rec', 'fac_rec', 'fac_rec'])

A ``Debugger`` is paused before an instruction: ``dbg.state`` is an ``ExecState`` of the
instruction about to run (its function, pc, byte offset, WAT text, typed stack, locals,
frames, labels, memory). Every motion runs at least one instruction and returns the new
state, or None once the call has returned:

    step()       run one instruction (a call steps into its callee)
    step_over()  run one instruction; a call runs to completion
    step_out()   run until the current function has returned to its caller
    continue_()  run until a breakpoint or the end

Going back (``observe.history``: checkpoints every ``every`` steps, re-run from the
nearest; host functions are never called twice) moves to a step of the history and
returns its state (None for the end of the call); ``step_count`` is the step the call
is at (the instructions run to get there), ``history_length`` the furthest one reached:

    back()       go back one step
    back_over()  go back one step at this call depth: from the instruction after a call,
                 to the call (the mirror of step_over)
    goto(n)      go to step n (also ``back_to(n)``): back, or forward by running

Going forward again after going back (any motion) re-runs the instructions from there,
and observers see them again; what a host function returned, wrote or raised is put
back rather than called again. ``HistoryError`` says a step is not in the history: before
step 0, or dropped to stay within the ``budget`` (bytes; then ``history_start`` is
the earliest step kept), or ``Debugger(..., history=False)``.

A motion also stops at a breakpoint (``dbg.hit`` says which): ``add_breakpoint(function=
NAME_OR_INDEX)`` stops on entering that function, ``add_breakpoint(offset=N)`` before the
instruction at byte offset N of the module's file (both: that offset, in that function).
When the call returns, ``dbg.done`` is True and ``dbg.results`` holds what the function
returned (as ``func(store, ...)`` would: None, a value or a tuple; ``dbg.result_vals`` as
``Val``s). A trap raises ``Trap`` from the motion that ran into it; ``dbg.trap`` keeps it
and ``dbg.state`` stays at the trapping instruction, with its stack and locals.

The debugger needs no threads (the web playground drives it from JavaScript): the call
runs in the reference tier's loop driver (``exec.interp.steps``), which yields before
each instruction when stepping. The store's fuel is charged and its observers see their
events, as in any call on the reference tier.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..api.extern import Func
from ..api.values import Val, canonical_type, to_raw
from ..errors import Trap
from ..exec.engine import invoke
from ..exec.events import ExecState
from ..exec.interp import resume_steps, steps
from ..exec.store import Thrown, WasmFunc, uncaught_of
from .history import DEFAULT_BUDGET, DEFAULT_EVERY, History, HistoryError

__all__ = ["Debugger", "Breakpoint", "HistoryError"]


@dataclass(frozen=True)
class Breakpoint:
    """Where to stop: on entering ``func``, or before the instruction at ``offset`` (in
    ``func``). Made by ``Debugger.add_breakpoint``."""

    func: WasmFunc
    offset: int | None = None

    def matches(self, state: ExecState) -> bool:
        if state.func is not self.func:
            return False
        return state.pc == 0 if self.offset is None else state.offset == self.offset

    def __repr__(self) -> str:
        where = f" at 0x{self.offset:x}" if self.offset is not None else ""
        return f"<Breakpoint {self.func.name}{where}>"


class Debugger:
    """``Debugger(store, func, args)``: a call of ``func`` (an exported ``Func``) with
    ``args`` (Python values or ``Val``s), paused before its first instruction.

    Its history (``self.history``, an ``observe.history.History``) takes a checkpoint
    every ``every`` steps and holds at most about ``budget`` bytes; ``history=False``
    keeps none (then going back raises ``HistoryError``)."""

    def __init__(self, store, func: Func, args=(), *, history: bool = True,
                 every: int = DEFAULT_EVERY, budget: int = DEFAULT_BUDGET):
        self._store = store._store
        self._func = func._inst
        ty = canonical_type(self._func)
        args = list(args)
        if len(args) != len(ty.params):
            raise TypeError(f"function {ty} takes {len(ty.params)} argument(s), got {len(args)}")
        raw = [to_raw(t, a) for t, a in zip(ty.params, args)]
        self.breakpoints: list[Breakpoint] = []
        self.state: ExecState | None = None
        self.hit: Breakpoint | None = None
        self.done = False
        self.trap: Trap | None = None
        self.result_vals: list[Val] | None = None
        self._trap_state = None
        self._raw_results = None
        self._step = 0
        self.history: History | None = None
        self._base = self._store.depth  # the live wasm depth this call starts from
        if not isinstance(self._func, WasmFunc):  # a host function: nothing to step
            self._gen = None
            self._finish(invoke(self._store, self._func, raw))
            return
        if history:
            self.history = History(self._store, self._func.module, every, budget)
        self._gen = steps(self._store, self._func, raw, self._base, self._trapped_at)
        self._resume()
        if self.history is not None and self.state is not None:
            self.history.begin(self.state)

    # -- results --------------------------------------------------------------------------
    @property
    def results(self):
        """What the call returned, as ``func(store, ...)`` returns it; None until done."""
        if self.result_vals is None:
            return None
        values = [v.value for v in self.result_vals]
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)

    # -- breakpoints --------------------------------------------------------------------
    def add_breakpoint(self, function: str | int | None = None,
                       offset: int | None = None) -> Breakpoint:
        """Stop on entering ``function`` (its name or index in the module of the function
        being debugged), or before the instruction at byte ``offset`` of that module."""
        if function is None and offset is None:
            raise ValueError("a breakpoint needs a function or an offset")
        module = self._func.module if isinstance(self._func, WasmFunc) else None
        funcs = [f for f in (module.funcs if module else ()) if isinstance(f, WasmFunc)]
        if function is not None:
            funcs = [f for f in funcs if (f.index if isinstance(function, int) else f.name)
                     == function]
            if not funcs:
                raise ValueError(f"no function {function!r} defined in this module")
        if offset is not None:
            funcs = [f for f in funcs if f.code.offsets is not None and offset in f.code.offsets]
            if not funcs:
                raise ValueError(f"no instruction at offset 0x{offset:x}"
                                 + (f" in {function}" if function is not None else ""))
        bp = Breakpoint(funcs[0], offset)
        self.breakpoints.append(bp)
        return bp

    def remove_breakpoint(self, bp: Breakpoint) -> None:
        self.breakpoints.remove(bp)

    # -- motions ----------------------------------------------------------------------------
    def step(self) -> ExecState | None:
        """Run one instruction; stop before the next (in a callee, for a call)."""
        self._check_running()
        self.hit = None
        return self._advance()

    def step_over(self) -> ExecState | None:
        """Run one instruction; a call runs to its return (unless a breakpoint stops it)."""
        depth = self._check_running().depth
        return self._run_until(lambda s: s.depth <= depth)

    def step_out(self) -> ExecState | None:
        """Run until the current function returns (unless a breakpoint stops it)."""
        depth = self._check_running().depth
        return self._run_until(lambda s: s.depth < depth)

    def continue_(self) -> ExecState | None:
        """Run until a breakpoint or the end."""
        self._check_running()
        return self._run_until(lambda s: False)

    # -- going back ---------------------------------------------------------------------
    @property
    def step_count(self) -> int:
        """The step the call is at: how many instructions it ran to get here (0 before
        the first; after a trap, the trapping instruction's step)."""
        return self._step

    @property
    def history_length(self) -> int:
        """The furthest step reached: ``goto`` goes to any step from ``history_start``
        to this one (and further, by running)."""
        return self.history.end if self.history is not None else self._step

    @property
    def history_start(self) -> int:
        """The earliest step the history still has (0 unless its budget dropped some)."""
        return self.history.start if self.history is not None else self._step

    def back(self) -> ExecState | None:
        """Go back one step: the state before the instruction that ran last."""
        return self.goto(self._step - 1)

    def back_over(self) -> ExecState | None:
        """Go back one step at this call depth, as ``step_over`` goes forward: when the
        step before this one returned from a call, to the call instruction."""
        history = self._need_history()
        if self.state is None or (self.done and self.trap is None):
            return self.back()  # at the end: the last instruction (the function's end)
        return self.goto(history.back_over_target(self._step, self.state.depth))

    def goto(self, step: int) -> ExecState | None:
        """Go to step ``step`` (``step_count`` counts them): back to any step of the
        history, re-run from its nearest checkpoint, or forward by running (then a
        breakpoint does not stop it; the end of the call does). The state there, or None
        if the call returned on the way."""
        history = self._need_history()
        if step < 0:
            raise HistoryError(f"step {step}: steps count from 0")
        self.hit = None
        point = None if step > history.end else history.checkpoint_before(step)
        running = not self.done and self.state is not None
        if point is not None and not (running and point.step <= self._step <= step):
            self._restore(point)
        while self._step < step:
            if self.done:
                return None
            if self._advance() is None:
                return None
        return self.state

    back_to = goto

    def _need_history(self) -> History:
        if self.history is None:
            raise HistoryError("this debugger keeps no history" if self._gen is not None
                               else "a host function has no steps")
        return self.history

    def _restore(self, point) -> None:
        """Put the call back at checkpoint ``point``."""
        self._gen.close()
        self.history.world.restore(point.image)
        self.done, self.trap, self.result_vals = False, None, None
        self._trap_state = self._raw_results = None
        self._gen = resume_steps(self._store, point.machine.frames(), self._base,
                                 self._trapped_at)
        self._step = point.step
        self._resume()

    def close(self) -> None:
        """Abandon the call (nothing more runs)."""
        if self._gen is not None:
            self._gen.close()
        self.done = True

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- machinery ------------------------------------------------------------------------
    def _check_running(self) -> ExecState:
        if self.done:
            raise RuntimeError("the call has finished" if self.trap is None else
                               f"the call trapped: {self.trap.message}")
        return self.state

    def _run_until(self, stop) -> ExecState | None:
        self.hit = None
        while True:
            state = self._advance()
            if state is None:
                return None
            for bp in self.breakpoints:
                if bp.matches(state):
                    self.hit = bp
                    return state
            if stop(state):
                return state

    def _advance(self) -> ExecState | None:
        """Run one instruction: the step after this one (None once the call returned).
        At the history's frontier the step is recorded; behind it, a step that called a
        host function is not run again but restored (see ``observe.history``)."""
        history = self.history
        if history is None:
            state = self._resume()
            if state is not None:
                self._step += 1
            return state
        k = self._step
        if k in history.hosts:
            return self._replay_host(k)
        before = self.state
        frontier = k == history.end
        maybe_host = frontier and history.may_call_host(before)
        try:
            state = self._resume()
        except Exception as error:  # a trap, or what a host function raised
            if frontier:
                kind = "trap" if isinstance(error, Trap) else "error"
                history.ended(k, kind, self.trap or error, self.state, maybe_host)
            raise
        self._step = k + 1
        if state is None:
            if frontier:
                history.ended(k, "done", self._raw_results, self.state, maybe_host)
            return None
        if frontier:
            history.record(before, state, maybe_host)
        return state

    def _replay_host(self, k: int) -> ExecState | None:
        """Step ``k`` called a host function: put back what it did."""
        history = self.history
        outcome = history.outcome
        if history.has_checkpoint(k + 1):
            self._restore(history.checkpoint_before(k + 1))
            return self.state
        if outcome is None or outcome[0] != k:  # pragma: no cover - kept by History
            raise HistoryError(f"the history lost what step {k} did")
        _, kind, value, state, image = outcome
        self._gen.close()
        history.world.restore(image)
        self.done, self.state = True, state
        if kind == "trap":
            self.trap = value
            raise value
        if kind == "error":
            raise value
        self._step = k + 1
        self._finish(value)
        return None

    def _resume(self) -> ExecState | None:
        """Resume the call until it pauses before its next instruction."""
        store = self._store
        saved = store.depth
        store.depth = self._base + 1  # while it runs, as for a normal call
        try:
            self.state = next(self._gen)
            return self.state
        except StopIteration as stop:
            self._finish(stop.value)
            return None
        except Thrown as thrown:  # an exception no handler caught: the host sees a trap
            self.done, self.trap = True, uncaught_of(thrown)
            raise self.trap from None
        except Trap as trap:
            self.done, self.trap = True, trap
            if self._trap_state is not None:
                self.state = self._trap_state
            raise
        except BaseException:
            self.done = True
            raise
        finally:
            store.depth = saved

    def _trapped_at(self, state: ExecState) -> None:
        self._trap_state = state

    def _finish(self, raw: list) -> None:
        self.done = True
        self._raw_results = raw
        self.result_vals = [Val(t, r) for t, r in zip(canonical_type(self._func).results, raw)]
