"""Images of a paused call, to go back to: the reference loop's machine and the store's
mutable state (the Debugger's history, ``observe.stepper``, is built on these).

``Machine.capture(state)`` copies what the loop driver (``exec.interp``) holds at a paused
step: every frame's function, locals, operand stack and pc (the callers' pcs are where
they return to) and a call's pending callee. ``Machine.frames()`` rebuilds fresh
``Frame`` objects from it, as often as asked, for ``interp.resume_steps`` to go on from.

``World(module)`` finds the mutable state a call can reach: the memories, tables,
globals, element and data segments of its module instance and of every instance whose
functions it imports or holds in its tables (transitively), and the store's fuel.
``world.capture(last)`` makes an ``Image`` of them; ``world.restore(image)`` puts it back in
place (the same ``Memory`` and ``TableInst`` objects, so every instance and every
compiled namespace sees it).

Memory is imaged in chunks of ``CHUNK`` bytes, copy-on-write between images: a capture
compares each chunk with the one of the image before it (``last``) (a memcmp of a slice) and keeps
that chunk object where nothing changed, so an image costs a reference per chunk plus
the bytes of the chunks written since the last one, never a copy of all of memory.
``Image.nbytes`` is that cost (for the history's budget). Tables are kept as tuples,
shared with the previous image when equal.

Not imaged: objects of the GC proposal (structs and arrays are mutable and reachable
from stacks and globals; an image keeps the references, not the fields), and state
outside WebAssembly (a host function's files and counters: the Debugger never runs a
host call twice, see ``observe.stepper``).
"""

from __future__ import annotations

import sys

from ..syntax.instructions import (
    Call,
    CallIndirect,
    CallRef,
    ReturnCall,
    ReturnCallIndirect,
    ReturnCallRef,
    walk,
)
from .events import ExecState
from .interp import Frame
from .store import HostFunc, ModuleInst, WasmFunc

__all__ = ["CHUNK", "Machine", "World", "Image", "host_call_sites", "entered_callee"]

#: Bytes of memory per copy-on-write chunk (a page is 16 of them).
CHUNK = 4096
_REF = 8  # bytes of one reference in a tuple or list
_CHUNK_COST = sys.getsizeof(bytes(CHUNK))


_DYNAMIC = (CallIndirect, CallRef, ReturnCallIndirect, ReturnCallRef)


def host_call_sites(func: WasmFunc) -> frozenset:
    """The pcs of ``func`` whose instruction may call a host function: a call of an
    imported host function, or a call through a table or a reference (which callee it
    was is known once it ran: see ``entered_callee``)."""
    funcs = func.module.funcs
    pcs = []
    for pc, (event, instr) in enumerate(walk(func.code.body)):
        if event != "instr":
            continue
        if isinstance(instr, _DYNAMIC) or (isinstance(instr, (Call, ReturnCall)) and
                                           isinstance(funcs[instr.func], HostFunc)):
            pcs.append(pc)
    return frozenset(pcs)


def entered_callee(before: ExecState, after: ExecState) -> bool:
    """Whether the call instruction of ``before`` entered a WebAssembly function (the
    state after it is that function's first instruction) rather than a host one."""
    return after.pc == 0 and after.depth >= before.depth


class _FrameImage:
    __slots__ = ("func", "locals", "stack", "pc", "callee")

    def __init__(self, func, locals_: tuple, stack: tuple, pc: int, callee):
        self.func = func
        self.locals = locals_
        self.stack = stack
        self.pc = pc
        self.callee = callee


class Machine:
    """The loop's frames at one paused instruction (see the module docstring)."""

    __slots__ = ("_frames", "_live", "nbytes")

    def __init__(self, frames: tuple, live: list | None = None,
                 previous: Machine | None = None):
        self._frames = frames
        self._live = live  # the Frame objects imaged, until the next capture
        self.nbytes = self.cost_after(previous)

    @classmethod
    def capture(cls, state: ExecState, previous: Machine | None = None,
                keep: int = 0) -> Machine:
        """The machine paused before ``state``'s instruction (from a stepping driver).
        ``keep``: no step since ``previous`` (the capture before this one, in this run)
        ran at a depth below it, so its frames under that depth have not run since:
        their images are shared, so that a deep recursion does not copy every frame at
        every checkpoint."""
        live = [*state._frames[: state._depth], state._frame]
        old = previous._live if previous is not None and previous._live is not None else ()
        images = []
        for i, f in enumerate(live):
            if i < keep and i < len(old) and old[i] is f:
                images.append(previous._frames[i])
            else:
                images.append(_FrameImage(f.func, tuple(f.locals), tuple(f.stack), f.pc,
                                          f.callee))
        images[-1].pc = state.pc
        if previous is not None:
            previous._live = None
        return cls(tuple(images), live, previous)

    def cost_after(self, before: Machine | None) -> int:
        """What this machine costs when ``before`` is the one kept before it: the frame
        images it does not share with it."""
        theirs = before._frames if before is not None else ()
        return 56 + _REF * len(self._frames) + sum(
            96 + _REF * (len(f.locals) + len(f.stack)) for i, f in enumerate(self._frames)
            if i >= len(theirs) or theirs[i] is not f)

    @property
    def depth(self) -> int:
        return len(self._frames) - 1

    def frames(self) -> tuple[list, Frame, int]:
        """``(callers, F, pc)`` of fresh frames, for ``interp.resume_steps``."""
        made = []
        for image in self._frames:
            frame = Frame(image.func, list(image.locals))
            frame.stack = list(image.stack)
            frame.pc = image.pc
            frame.callee = image.callee
            made.append(frame)
        current = made.pop()
        return made, current, self._frames[-1].pc


class Image:
    """The store's mutable state at one moment (made by ``World.capture``)."""

    __slots__ = ("fuel", "globals", "tables", "mems", "elems", "datas", "nbytes")

    def __init__(self, fuel, globals_: tuple, tables: tuple, mems: tuple, elems: tuple,
                 datas: tuple, nbytes: int):
        self.fuel = fuel
        self.globals = globals_
        self.tables = tables
        self.mems = mems
        self.elems = elems
        self.datas = datas
        self.nbytes = nbytes


def _reachable(module: ModuleInst) -> list[ModuleInst]:
    """``module`` and the instances it reaches through imported functions and table
    elements, transitively, each once."""
    seen: dict[int, ModuleInst] = {}
    todo = [module]
    while todo:
        m = todo.pop()
        if id(m) in seen:
            continue
        seen[id(m)] = m
        refs = [f for f in m.funcs if isinstance(f, WasmFunc)]
        for table in m.tables:
            refs.extend(e for e in table.elements if isinstance(e, WasmFunc))
        todo.extend(f.module for f in refs if id(f.module) not in seen)
    return list(seen.values())


def _unique(items) -> list:
    out: dict[int, object] = {}
    for item in items:
        out.setdefault(id(item), item)
    return list(out.values())


class World:
    """The mutable state a call of a function of ``module`` can reach (module doc)."""

    def __init__(self, store, module: ModuleInst):
        self.store = store
        modules = _reachable(module)
        self.mems = _unique(m for mod in modules for m in mod.mems)
        self.tables = _unique(t for mod in modules for t in mod.tables)
        self.globals = _unique(g for mod in modules for g in mod.globals if g.type.mutable)
        self.elems = _unique(e for mod in modules for e in mod.elems)
        self.datas = _unique(d for mod in modules for d in mod.datas)

    @property
    def fuel(self) -> int | None:
        """The store's fuel left (None when fuel is off)."""
        return None if self.store.fuel is None else self.store.fuel[0]

    def capture(self, last: Image | None = None) -> Image:
        """An image of the state now, sharing unchanged chunks and tables with ``last``
        (the image taken before it, if any)."""
        nbytes = 64 + _REF * (len(self.globals) + len(self.elems) + len(self.datas))
        mems = []
        for k, mem in enumerate(self.mems):
            before = last.mems[k] if last is not None else ()
            chunks, cost = _chunks(mem.data, before)
            mems.append(chunks)
            nbytes += cost
        tables = []
        for k, table in enumerate(self.tables):
            now = tuple(table.elements)
            if last is not None and last.tables[k] == now:
                now = last.tables[k]
            else:
                nbytes += 56 + _REF * len(now)
            tables.append(now)
        fuel = self.store.fuel
        image = Image(None if fuel is None else fuel[0],
                      tuple(g.value for g in self.globals), tuple(tables), tuple(mems),
                      tuple(e.elements for e in self.elems),
                      tuple(d.data for d in self.datas), nbytes)
        return image

    def restore(self, image: Image) -> None:
        """Put the state of ``image`` back, in place."""
        fuel = self.store.fuel
        if fuel is not None and image.fuel is not None:
            fuel[0] = image.fuel
        for g, value in zip(self.globals, image.globals):
            g.value = value
        for table, elements in zip(self.tables, image.tables):
            table.elements[:] = elements
        for mem, chunks in zip(self.mems, image.mems):
            _put_chunks(mem, chunks)
        for e, elements in zip(self.elems, image.elems):
            e.elements = elements
        for d, data in zip(self.datas, image.datas):
            d.data = data

    def cost_after(self, image: Image, before: Image | None) -> int:
        """What ``image`` costs when ``before`` is the image kept before it (its cost
        changes when the one between them is dropped): its own chunks and tables."""
        nbytes = 64 + _REF * (len(self.globals) + len(self.elems) + len(self.datas))
        for k, chunks in enumerate(image.mems):
            old = before.mems[k] if before is not None else ()
            nbytes += 56 + _REF * len(chunks) + _CHUNK_COST * sum(
                1 for j, c in enumerate(chunks) if j >= len(old) or old[j] is not c)
        for k, elements in enumerate(image.tables):
            if before is None or before.tables[k] is not elements:
                nbytes += 56 + _REF * len(elements)
        return nbytes


def _chunks(data, before: tuple) -> tuple[tuple, int]:
    """The chunks of ``data``, reusing those of ``before`` that are equal; and the cost."""
    n = len(data)
    out = []
    fresh = 0
    old = len(before)
    for j, start in enumerate(range(0, n, CHUNK)):
        piece = data[start : start + CHUNK]
        if j < old and piece == before[j]:
            out.append(before[j])
        else:
            out.append(piece if isinstance(piece, bytes) else bytes(piece))
            fresh += 1
    return tuple(out), 56 + _REF * len(out) + _CHUNK_COST * fresh


def _put_chunks(mem, chunks: tuple) -> None:
    """Make ``mem``'s bytes those of ``chunks``, writing only the chunks that differ."""
    mem.rewind_size(sum(len(c) for c in chunks))
    data = mem.data
    for j, chunk in enumerate(chunks):
        start = j * CHUNK
        end = start + len(chunk)
        if data[start:end] != chunk:
            data[start:end] = chunk
