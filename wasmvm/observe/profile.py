"""See where the time goes: a profiler of WebAssembly calls, on either tier.

    >>> from wasmvm import Store, Module, Instance
    >>> from wasmvm.observe.profile import Profiler
    >>> store = Store()
    >>> module = Module.from_file(store.engine, "fixtures/fac.wasm")
    >>> fac = Instance(store, module, []).exports(store)["fac_rec"]
    >>> with Profiler(store) as prof:
    ...     fac(store, 5)
    120
    >>> [(f.name, f.calls) for f in prof.functions()]
    [('fac_rec', 6)]
    >>> prof.to_collapsed().splitlines()[-1].split(" ")[0]
    'fac_rec;fac_rec;fac_rec;fac_rec;fac_rec;fac_rec'

A ``Profiler`` watches every call of a WebAssembly function in its store while it is on
(``start``/``stop``, or a ``with`` block) and builds the calling-context tree: one node
per distinct chain of calls from the first call, with its calls, self time (in the
function itself) and total time (with its callees), and fuel when the store counts fuel.
Host functions' time counts as their caller's own. On the compiled tier, the time spent
translating a function on its first call is a node of its own, ``(translating)``, under
the call that needed it.

- On the **compiled tier** the functions are Python functions: the profiler follows them
  with ``sys.setprofile`` (on this thread), recognising the code objects the tier
  registered for each function (``exec.backtrace``); nothing is added to the generated
  code, and execution stays on the compiled tier. A function split into chunks counts
  one call, and a tail call replaces its caller as it does on the wasm stack.
- On the **reference tier** it is an observer (``enter``/``leave``/``before``): it also
  counts every instruction executed, by function and byte offset
  (``hot_instructions``). Observing runs the tier's instrumented loop, slower than the
  plain one, and more so for short instructions; the proportions stay meaningful.

Profiling costs time, and the times include it: ``tools/profile_overhead.py`` measures
how much (README, "Learning tools"). The results:

    functions()          per function: calls, self and total time, self and total fuel
    tree                 the calling-context tree's root (a ``Node``; its children are
                         the functions called from outside WebAssembly)
    hot_instructions(n)  the n most executed instructions (reference tier)
    to_speedscope()      a speedscope profile (https://www.speedscope.app), as a dict
    to_collapsed()       collapsed stacks ("a;b;c self-microseconds"), for flamegraph.pl
    summary(n)           a table for a terminal
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field

from ..exec.backtrace import INFO
from ..exec.compiled_tier import CompiledTier
from ..exec.events import ExecState, Observer
from ..exec.fuel import FUNCTION_ENTRY

__all__ = ["Profiler", "Node", "FunctionProfile", "InstructionCount"]

#: A split function's chunk (exec.compile_flat): ``f12_c3``
_CHUNK = re.compile(r"f\d+_c\d+")


@dataclass(eq=False)
class Node:
    """One calling context: function ``name`` (index ``index``) called through the chain
    of its ancestors. Times in seconds."""

    name: str
    index: int | None
    parent: Node | None = field(default=None, repr=False)
    children: dict = field(default_factory=dict, repr=False)
    calls: int = 0
    self_time: float = 0.0
    total_time: float = 0.0
    self_fuel: int = 0
    total_fuel: int = 0

    def child(self, key, name: str, index: int | None) -> Node:
        node = self.children.get(key)
        if node is None:
            node = self.children[key] = Node(name, index, self)
        return node

    def stack(self) -> list[str]:
        """The names from the outermost call down to this node."""
        names = []
        node = self
        while node is not None and node.parent is not None:
            names.append(node.name)
            node = node.parent
        return names[::-1]

    def walk(self):
        """This node and every node below it, depth first."""
        todo = [self]
        while todo:
            node = todo.pop()
            yield node
            todo.extend(reversed(list(node.children.values())))


@dataclass(frozen=True)
class FunctionProfile:
    """One function over all its calling contexts. ``total_time`` counts a recursive
    function's time once (its outermost activations only)."""

    name: str
    index: int | None
    calls: int
    self_time: float
    total_time: float
    self_fuel: int
    total_fuel: int


@dataclass(frozen=True)
class InstructionCount:
    function: str
    offset: int | None
    text: str
    count: int


class _Pseudo:
    """A node that is not a wasm function: the compiled tier translating."""

    __slots__ = ("name", "index")

    def __init__(self, name: str):
        self.name = name
        self.index = None


#: Time the compiled tier spent translating functions on their first call
TRANSLATING = _Pseudo("(translating)")


class _Frame:
    """An activation on the profiler's stack: its node, when it started, the time and
    fuel its callees took, and (compiled tier) the Python frame whose return ends it."""

    __slots__ = ("node", "start", "fuel", "inner_time", "inner_fuel", "ends_with")

    def __init__(self, node: Node, start: float, fuel: int, ends_with=None):
        self.node = node
        self.start = start
        self.fuel = fuel
        self.inner_time = 0.0
        self.inner_fuel = 0
        self.ends_with = ends_with


class Profiler:
    """``Profiler(store)``: profiles the WebAssembly calls made in ``store`` (an API
    ``Store``) while it is started. One profiler per store at a time."""

    def __init__(self, store):
        self._store = getattr(store, "_store", store)
        self.tier = getattr(self._store.tier, "name", "reference")
        self.tree = Node("(root)", None)
        self._stack: list[_Frame] = []
        self._counts: dict[tuple, int] = {}  # (WasmFunc, pc) -> times executed
        self._observer: _Watch | None = None
        self._previous = None
        self.running = False
        self.wall_time = 0.0
        self._started = 0.0

    # -- on and off -----------------------------------------------------------------------
    def start(self) -> Profiler:
        if self.running:
            raise RuntimeError("the profiler is already running")
        self.running = True
        self._started = time.perf_counter()
        if self.tier == "compiled":
            self._previous = sys.getprofile()
            sys.setprofile(self._python_hook())
        else:
            self._observer = _Watch(self)
            self._store.observers.append(self._observer)
        return self

    def stop(self) -> Profiler:
        if not self.running:
            return self
        if self.tier == "compiled":
            sys.setprofile(self._previous)
        else:
            self._store.observers.remove(self._observer)
            self._observer = None
        now = time.perf_counter()
        while self._stack:  # calls still open (stopped inside a host function)
            self._close(now)
        self.wall_time += now - self._started
        self.running = False
        return self

    def __enter__(self) -> Profiler:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- recording ----------------------------------------------------------------------------
    def _fuel(self) -> int:
        cell = self._store.fuel
        return cell[0] if cell is not None else 0

    def _open(self, func, now: float, ends_with=None) -> None:
        parent = self._stack[-1].node if self._stack else self.tree
        node = parent.child(func, func.name, func.index)
        node.calls += 1
        self._stack.append(_Frame(node, now, self._fuel(), ends_with))

    def _close(self, now: float) -> None:
        frame = self._stack.pop()
        elapsed = now - frame.start
        used = frame.fuel - self._fuel()  # fuel counts down
        node = frame.node
        node.total_time += elapsed
        node.self_time += elapsed - frame.inner_time
        node.total_fuel += used
        node.self_fuel += used - frame.inner_fuel
        if self._stack:
            caller = self._stack[-1]
            caller.inner_time += elapsed
            caller.inner_fuel += used

    def _python_hook(self):
        """The sys.setprofile callback (compiled tier): a call of a code object the tier
        registered for a function opens an activation, the return of the frame it ends
        with closes it. Written for speed: it runs at every Python call and return."""
        stack = self._stack
        tree = self.tree
        # code object -> (WasmFunc, is a chunk), or None: not wasm. The tier's translating
        # counts as a function of its own, under the call that needed it
        kinds: dict = {CompiledTier.translate_now.__code__: (TRANSLATING, False)}
        clock = time.perf_counter
        cell = self._store.fuel

        def hook(frame, event, arg):
            if event == "call":
                code = frame.f_code
                try:
                    kind = kinds[code]
                except KeyError:
                    table = frame.f_globals.get(INFO)
                    info = table.get(code) if table is not None else None
                    kind = kinds[code] = (None if info is None else
                                          (info[0], bool(_CHUNK.fullmatch(code.co_name))))
                if kind is None:
                    return
                func, chunk = kind
                if chunk:
                    # a chunk of a split function: its activation ends when the function
                    # that runs the chunks returns; the next chunk continues it
                    frame = frame.f_back
                    if stack and stack[-1].ends_with is frame:
                        return
                parent = stack[-1].node if stack else tree
                node = parent.children.get(func)
                if node is None:
                    node = parent.child(func, func.name, func.index)
                node.calls += 1
                stack.append(_Frame(node, clock(), cell[0] if cell is not None else 0, frame))
            elif event == "return" and stack and stack[-1].ends_with is frame:
                now = clock()
                top = stack.pop()
                elapsed = now - top.start
                node = top.node
                node.total_time += elapsed
                node.self_time += elapsed - top.inner_time
                if cell is not None:
                    used = top.fuel - cell[0]
                    node.total_fuel += used
                    node.self_fuel += used - top.inner_fuel
                    if stack:
                        stack[-1].inner_fuel += used
                if stack:
                    stack[-1].inner_time += elapsed

        return hook

    # -- results ----------------------------------------------------------------------------
    def functions(self, translating: bool = False) -> list[FunctionProfile]:
        """Every function called, most self time first; with ``translating``, the
        compiled tier's ``(translating)`` too."""
        by: dict = {}
        for node in self.tree.walk():
            if node is self.tree:
                continue
            key = (node.name, node.index)
            calls, st, tt, sf, tf = by.get(key, (0, 0.0, 0.0, 0, 0))
            outermost = not _has_ancestor(node, key)
            by[key] = (calls + node.calls, st + node.self_time,
                       tt + (node.total_time if outermost else 0.0),
                       sf + node.self_fuel, tf + (node.total_fuel if outermost else 0))
        out = [FunctionProfile(name, index, *v) for (name, index), v in by.items()
               if translating or index is not None]
        out.sort(key=lambda f: (-f.self_time, f.name))
        return out

    def hot_instructions(self, n: int = 20) -> list[InstructionCount]:
        """The ``n`` instructions executed most often (reference tier; empty on the
        compiled tier, which counts no instructions)."""
        from ..syntax.instructions import walk
        from ..text.disasm import instruction_text

        ranked = sorted(self._counts.items(), key=lambda kv: -kv[1])[:n]
        out = []
        events_of: dict = {}
        for (func, pc), count in ranked:
            events = events_of.get(func)
            if events is None:
                events = events_of[func] = list(walk(func.code.body))
            offsets = func.code.offsets
            event, instr = events[pc] if pc < len(events) else ("end", None)
            out.append(InstructionCount(func.name,
                                        offsets[pc] if offsets is not None and pc < len(offsets)
                                        else None,
                                        instruction_text(instr, func.module.names, func.index)
                                        if event == "instr" else event, count))
        return out

    @property
    def instructions_counted(self) -> int:
        return sum(self._counts.values())

    def to_collapsed(self) -> str:
        """Collapsed stacks, one line per calling context with self time: ``a;b;c N``,
        N in microseconds (what flamegraph.pl and speedscope read)."""
        lines = []
        for node in self.tree.walk():
            if node is self.tree:
                continue
            lines.append(f"{';'.join(node.stack())} {round(node.self_time * 1e6)}")
        return "\n".join(lines) + ("\n" if lines else "")

    def to_speedscope(self, name: str = "wasmvm") -> dict:
        """A speedscope file (its JSON schema: https://www.speedscope.app/file-format-
        schema.json): a "sampled" profile whose samples are the calling contexts, each
        weighted by its self time in microseconds; with fuel, a second profile weighted by
        fuel."""
        frames: list[dict] = []
        index: dict = {}
        samples, weights, fuel = [], [], []
        for node in self.tree.walk():
            if node is self.tree:
                continue
            stack = []
            n = node
            chain = []
            while n is not None and n.parent is not None:
                chain.append(n)
                n = n.parent
            for item in reversed(chain):
                key = (item.name, item.index)
                if key not in index:
                    index[key] = len(frames)
                    frames.append({"name": item.name})
                stack.append(index[key])
            samples.append(stack)
            weights.append(round(node.self_time * 1e6, 3))
            fuel.append(node.self_fuel)
        total = round(sum(weights), 3)
        profiles = [{"type": "sampled", "name": f"{name}: time ({self.tier} tier)",
                     "unit": "microseconds", "startValue": 0, "endValue": total,
                     "samples": samples, "weights": weights}]
        if self._store.fuel is not None:
            profiles.append({"type": "sampled", "name": f"{name}: fuel", "unit": "none",
                             "startValue": 0, "endValue": sum(fuel), "samples": samples,
                             "weights": fuel})
        return {"$schema": "https://www.speedscope.app/file-format-schema.json",
                "shared": {"frames": frames}, "profiles": profiles, "name": name,
                "activeProfileIndex": 0, "exporter": "wasmvm"}

    def summary(self, n: int = 15) -> list[str]:
        """A table of the ``n`` functions with the most self time."""
        funcs = self.functions(translating=True)
        fuel = self._store.fuel is not None
        head = f"{'self s':>9} {'self %':>7} {'total s':>9} {'calls':>10}"
        head += f" {'self fuel':>12}" if fuel else ""
        wasm = [f for f in funcs if f.index is not None]
        out = [f"profile ({self.tier} tier): {len(wasm)} functions, "
               f"{sum(f.calls for f in wasm):,} calls, {self.wall_time:.3f} s profiled",
               head + "  function"]
        spent = sum(f.self_time for f in funcs) or 1.0
        for f in funcs[:n]:
            row = (f"{f.self_time:9.4f} {100 * f.self_time / spent:6.1f}% {f.total_time:9.4f} "
                   f"{f.calls:10,}")
            row += f" {f.self_fuel:12,}" if fuel else ""
            out.append(f"{row}  {f.name}")
        if len(funcs) > n:
            out.append(f"... {len(funcs) - n} more")
        hot = self.hot_instructions(10)
        if hot:
            out.append("hot instructions (times executed):")
            for h in hot:
                where = f"0x{h.offset:x}" if h.offset is not None else "?"
                out.append(f"{h.count:12,}  {h.function} {where} {h.text}")
        return out


def _has_ancestor(node: Node, key) -> bool:
    n = node.parent
    while n is not None and n.parent is not None:
        if (n.name, n.index) == key:
            return True
        n = n.parent
    return False


class _Watch(Observer):
    """The reference tier's side: calls from enter/leave, instructions from before."""

    def __init__(self, prof: Profiler):
        self.prof = prof
        self.counts = prof._counts

    def enter(self, state: ExecState) -> None:
        self.prof._open(state.func, time.perf_counter())
        if self.prof._store.fuel is not None:  # the loop charged the entry before enter
            self.prof._stack[-1].fuel += FUNCTION_ENTRY

    def leave(self, state: ExecState) -> None:
        if self.prof._stack:
            self.prof._close(time.perf_counter())

    def before(self, state: ExecState) -> None:
        key = (state.func, state.pc)
        self.counts[key] = self.counts.get(key, 0) + 1

    def trap(self, state: ExecState, trap) -> None:
        # a trap unwinds every frame of this run of the loop (no leave events): the
        # state's depth counts its callers there
        now = time.perf_counter()
        for _ in range(min(state.depth + 1, len(self.prof._stack))):
            self.prof._close(now)
