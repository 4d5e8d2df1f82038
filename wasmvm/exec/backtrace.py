"""WebAssembly backtraces of traps raised in generated Python code (the compiled tier).

A compiled function is Python code, so a trap inside it is a Python exception whose
traceback walks the compiled functions' frames. Each compiled code object is registered,
in the globals of the namespace it runs in, with its WebAssembly function and a table
from Python line to walk index (``register``): the registry lives exactly as long as the
module instance's namespace, nothing is kept process-wide.

``locate_trap`` turns the part of a trap's traceback it has not seen yet into wasm frames
and the trapping instruction's byte offset, then cuts the traceback: whoever catches the
trap further up (a compiled caller, the reference loop, a host function's caller) sees
only the frames above it, and puts its own frames in front of those already recorded.
The reference tier calls this too when a compiled callee of one of its frames traps, so a
backtrace that crosses tiers either way comes out whole.
"""

from __future__ import annotations

from ..errors import Trap, TrapCode

#: the name, in a compiled namespace, of its {code object: (WasmFunc, {line: walk index})}
INFO = "_code_info"


def register(ns: dict, code, func, pc_of_line: dict) -> None:
    """Record that ``code`` (compiled into ``ns``) is ``func``, with its line table."""
    ns.setdefault(INFO, {})[code] = (func, pc_of_line)


def _info(frame):
    table = frame.f_globals.get(INFO)
    return table.get(frame.f_code) if table is not None else None


def locate_thrown(thrown) -> None:
    """As ``locate_trap``, for a WebAssembly exception (an ``exec.store.Thrown``) leaving
    compiled code uncaught: its ``located()`` trap gets the frames of the traceback's part
    not located yet (their callers in front of frames recorded before), and the byte
    offset of the throw; the carrier's traceback is cut the same way."""
    trap = thrown.located()
    trap.__traceback__ = thrown.__traceback__
    thrown.__traceback__ = None
    locate_trap(trap)


def locate_trap(trap: Trap) -> None:
    """Give a trap raised in compiled code its wasm frames and the byte offset of the
    trapping instruction, from the part of its Python traceback not located yet; then cut
    that traceback (see the module docstring)."""
    seen = []  # (function, walk index or None), outermost first
    tb = trap.__traceback__
    while tb is not None:
        info = _info(tb.tb_frame)
        if info is not None:
            seen.append((info[0], info[1].get(tb.tb_lineno)))
        tb = tb.tb_next
    trap.__traceback__ = None
    if not seen:
        return
    frames = [func for func, _ in seen]
    if trap.frames:  # located further down (deeper compiled code, or the reference tier):
        trap.prepend_frames(frames)  # these frames are its callers
        return
    if trap.code is TrapCode.STACK_OVERFLOW and len(seen) > 1 and seen[-1][1] is None:
        # raised by the depth check on entry to a callee that never ran: the trap is at
        # the caller's call instruction, and the callee is not part of the backtrace
        seen.pop()
        frames.pop()
    trap.set_frames(frames)
    where = seen[-1]
    cause = trap.__context__  # a bounds check raised by struct/IndexError: its own line
    if where[1] is None and cause is not None:
        tb = cause.__traceback__
        while tb is not None:
            info = _info(tb.tb_frame)
            if info is not None:
                where = (info[0], info[1].get(tb.tb_lineno))
            tb = tb.tb_next
    if trap.offset is None:
        func, pc = where
        offsets = func.code.offsets
        if pc is not None and offsets is not None and pc < len(offsets):
            trap.offset = offsets[pc]
