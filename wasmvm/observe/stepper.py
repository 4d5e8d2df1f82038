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

A ``Debugger`` is paused before an instruction: ``dbg.state`` is an ``ExecState`` of the
instruction about to run (its function, pc, byte offset, WAT text, typed stack, locals,
frames, labels, memory). Every motion runs at least one instruction and returns the new
state, or None once the call has returned:

    step()       run one instruction (a call steps into its callee)
    step_over()  run one instruction; a call runs to completion
    step_out()   run until the current function has returned to its caller
    continue_()  run until a breakpoint or the end

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
from ..exec.interp import steps
from ..exec.store import Thrown, WasmFunc, uncaught_of

__all__ = ["Debugger", "Breakpoint"]


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
    ``args`` (Python values or ``Val``s), paused before its first instruction."""

    def __init__(self, store, func: Func, args=()):
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
        self._base = self._store.depth  # the live wasm depth this call starts from
        if not isinstance(self._func, WasmFunc):  # a host function: nothing to step
            self._gen = None
            self._finish(invoke(self._store, self._func, raw))
            return
        self._gen = steps(self._store, self._func, raw, self._base, self._trapped_at)
        self._advance()

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
        self.result_vals = [Val(t, r) for t, r in zip(canonical_type(self._func).results, raw)]
