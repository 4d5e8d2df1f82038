"""The Debugger's history: what it keeps of the steps it ran, to go back to any of them.

Design. A step is one instruction run by the reference loop (``exec.interp``); step
``n`` is the machine paused before the instruction run ``n``-th (step 0: before the
first). Going back to step ``n`` restores the nearest *checkpoint* at or before ``n``
and runs forward from it (``interp.resume_steps`` enters the loop with the frames of the
checkpoint, as on-stack replacement enters a loop). Re-running is exact because
WebAssembly is deterministic given its inputs; the inputs from outside are host
function calls, and those are never run twice: after every step that may have called a
host function (``exec.rewind.host_call_sites``) a checkpoint is taken and *pinned*, so
going forward again over that step restores the checkpoint (the host call's results
and its effects on memory, globals and tables) instead of calling the host. The same
holds for a host call that trapped or ended the call: its outcome is kept.

A checkpoint is an ``exec.rewind.Machine`` (frames, stacks, locals, pcs) and an
``exec.rewind.Image`` of the store (memories as copy-on-write chunks shared with the
previous checkpoint, tables, globals, segments, fuel). Taken every ``every`` steps, a
checkpoint costs a little memory and makes going back cost at most ``every`` steps of
re-running; undo logs of each step's writes were the other design, but every
instruction kind (and every host call) would need its inverse, where a checkpoint needs
nothing from the instructions, and a step's record would cost more than its share of a
checkpoint. Per step the history keeps only the call depth (4 bytes), for
``Debugger.back_over``.

Bounded: ``nbytes`` estimates what the history holds; past ``budget`` the older half of
the checkpoints is thinned (every other unpinned one goes, so going back there re-runs
more), and when no more can be thinned without a gap of more than ``64 * every`` steps
the oldest checkpoint is dropped: the history then starts later (``start``), and going
back before it raises ``HistoryError``.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from ..exec.rewind import Machine, World, entered_callee, host_call_sites

__all__ = ["History", "HistoryError", "DEFAULT_EVERY", "DEFAULT_BUDGET"]

#: Steps between two checkpoints.
DEFAULT_EVERY = 1000
#: Bytes of memory the history may hold (an estimate: ``History.nbytes``).
DEFAULT_BUDGET = 64 * 1024 * 1024
_MAX_GAP = 64  # thinning keeps checkpoints at most this many times ``every`` apart
_HOST_COST = 64


class HistoryError(LookupError):
    """A step the history does not have: before its start (dropped to stay within the
    budget), before step 0, or no history at all."""


class _Checkpoint:
    __slots__ = ("step", "machine", "image", "pinned", "cost")

    def __init__(self, step: int, machine: Machine, image, pinned: bool, cost: int):
        self.step = step
        self.machine = machine
        self.image = image
        self.pinned = pinned
        self.cost = cost


class History:
    """Checkpoints, call depths and host steps of one Debugger's call (module doc)."""

    def __init__(self, store, module, every: int = DEFAULT_EVERY,
                 budget: int = DEFAULT_BUDGET):
        if every < 1:
            raise ValueError("checkpoints are at least 1 step apart")
        self.world = World(store, module)
        self.every = every
        self.budget = budget
        self.start = 0  # the earliest step kept
        self.end = 0  # the furthest step reached
        self._steps: list[int] = []  # the checkpoints' steps, ascending
        self._points: list[_Checkpoint] = []
        self._depths = array("I")  # the call depth at each step from ``start``
        self.hosts: set[int] = set()  # steps that called (or may have called) a host
        #: how the call ended, once it has: ``(step, kind, value, state, image)``: kind
        #: "trap" (value the Trap, step the trapping instruction's), "error" (another
        #: exception) or "done" (the raw results, step the last instruction's); the
        #: state shown then; the image of the store only after a host call
        self.outcome: tuple | None = None
        self._sites: dict[int, tuple] = {}
        self._cost = 0

    # -- what is kept ----------------------------------------------------------------------
    @property
    def nbytes(self) -> int:
        """An estimate of the memory the history holds, in bytes."""
        return (self._cost + self._depths.itemsize * len(self._depths)
                + _HOST_COST * len(self.hosts))

    @property
    def checkpoints(self) -> list[int]:
        """The steps that have a checkpoint."""
        return list(self._steps)

    def depth_at(self, step: int) -> int:
        return self._depths[step - self.start]

    def may_call_host(self, state) -> bool:
        func = state.func
        entry = self._sites.get(id(func))
        if entry is None or entry[0] is not func:
            entry = self._sites[id(func)] = (func, host_call_sites(func))
        return state.pc in entry[1]

    # -- recording (at the frontier: step == end) ----------------------------------------
    def begin(self, state) -> None:
        """Step 0: the state before the first instruction."""
        self._depths.append(state.depth)
        self._checkpoint(0, state, pinned=False)

    def record(self, before, state, maybe_host: bool) -> None:
        """Step ``end + 1`` was reached: ``state``, after the instruction of ``before``."""
        self.end += 1
        self._depths.append(state.depth)
        host = maybe_host and not entered_callee(before, state)
        if host:
            self.hosts.add(self.end - 1)
        if host or self.end % self.every == 0:
            self._checkpoint(self.end, state, pinned=host)

    def ended(self, step: int, kind: str, value, state, maybe_host: bool) -> None:
        """The instruction of ``step`` trapped (``kind`` "trap", ``value`` the Trap),
        raised (``"error"``: what a host function raised) or was the last (``"done"``;
        ``value`` the raw results); ``state`` is the state
        shown then. After a host call, an image of the store is kept with them (what
        the host did before it returned or trapped)."""
        image = None
        if maybe_host:
            self.hosts.add(step)
            image = self.world.capture(self._points[-1].image if self._points else None)
        self.outcome = (step, kind, value, state, image)
        self.end = step + 1 if kind == "done" else step

    def _checkpoint(self, step: int, state, pinned: bool) -> None:
        last = self._points[-1] if self._points else None
        if last is not None and last.step == step:
            last.pinned = last.pinned or pinned
            return
        keep = 0
        if last is not None:  # the lowest depth since the last checkpoint
            keep = min(self._depths[last.step - self.start : step - self.start + 1])
        machine = Machine.capture(state, last.machine if last is not None else None, keep)
        image = self.world.capture(last.image if last is not None else None)
        cost = machine.nbytes + image.nbytes
        self._steps.append(step)
        self._points.append(_Checkpoint(step, machine, image, pinned, cost))
        self._cost += cost
        if self.nbytes > self.budget:
            self._shrink()

    # -- going back --------------------------------------------------------------------------
    def checkpoint_before(self, step: int) -> _Checkpoint:
        """The latest checkpoint at or before ``step`` (HistoryError if none)."""
        if step < self.start:
            raise HistoryError(f"step {step} is before the history kept (it starts at "
                               f"step {self.start})")
        i = bisect_right(self._steps, step) - 1
        return self._points[i]

    def has_checkpoint(self, step: int) -> bool:
        i = bisect_right(self._steps, step) - 1
        return i >= 0 and self._steps[i] == step

    def back_over_target(self, step: int, depth: int) -> int:
        """The latest step before ``step`` at a call depth of at most ``depth``."""
        depths = self._depths
        i = step - 1 - self.start
        while i >= 0 and depths[i] > depth:
            i -= 1
        if i < 0:
            raise HistoryError(f"no step before {step} in the history kept (it starts "
                               f"at step {self.start})")
        return i + self.start

    # -- staying within the budget -------------------------------------------------------
    def _shrink(self) -> None:
        while self.nbytes > self.budget and len(self._points) > 1:
            if not self._thin():
                self._drop_oldest()

    def _thin(self) -> bool:
        """Drop every other unpinned checkpoint of the older half; False if none can go
        without leaving a gap of more than ``_MAX_GAP * every`` steps."""
        points = self._points
        half = len(points) // 2
        gone: list[int] = []
        i = 1
        while i < half:
            p = points[i]
            prev = points[gone[-1] - 1] if gone and gone[-1] == i - 1 else points[i - 1]
            if not p.pinned and points[i + 1].step - prev.step <= _MAX_GAP * self.every:
                gone.append(i)
                i += 2
            else:
                i += 1
        for i in reversed(gone):
            self._remove(i)
        return bool(gone)

    def _drop_oldest(self) -> None:
        self._remove(0)
        old = self.start
        self.start = self._steps[0]
        del self._depths[: self.start - old]
        self.hosts = {s for s in self.hosts if s >= self.start}

    def _remove(self, i: int) -> None:
        points = self._points
        self._cost -= points[i].cost
        del points[i]
        del self._steps[i]
        if i < len(points):  # its successor now owns what they shared
            nxt = points[i]
            before = points[i - 1] if i > 0 else None
            cost = (nxt.machine.cost_after(before and before.machine)
                    + self.world.cost_after(nxt.image, before and before.image))
            self._cost += cost - nxt.cost
            nxt.cost = cost
