"""``wasmvm debug``: step through a call in the terminal, forwards and backwards.

    wasmvm debug fac.wasm --invoke fac 5
    printf 'break 0x43\\ncontinue\\nback\\nprint\\nquit\\n' | wasmvm debug fac.wat --invoke fac 5

A module without imports, or a WASI program (its output is written among the
debugger's; its stdin is ``--stdin PATH``, else empty). Commands are read from standard
input, one per line (so a script can be piped in);
each stop prints the step number, the function, the byte offset and the instruction
about to run, and the operand stack. Built on ``wasmvm.observe.stepper.Debugger``:
stepping back restores a checkpoint and re-runs from it (``observe.history``).
"""

from __future__ import annotations

import argparse
import sys

from ..errors import Trap, WasmError
from .registry import UserError, arg, command, exported_call, read_input

#: (names, arguments, what it does), in the order ``help`` lists them.
COMMAND_HELP = (
    (("step", "s"), "[N]", "run one instruction (into a call); N times"),
    (("next", "n"), "[N]", "run one instruction, a call to its return; N times"),
    (("finish", "fin"), "", "run until the current function returns"),
    (("continue", "c"), "", "run until a breakpoint or the end"),
    (("back", "b"), "[N]", "go back one step (N steps)"),
    (("rnext", "rn"), "", "go back one step at this depth (over a call: to it)"),
    (("goto", "g"), "N", "go to step N (back, or forward by running)"),
    (("break", "bp"), "FUNC|0xOFFSET", "stop entering FUNC, or at that byte offset; "
                                       "alone: list them"),
    (("delete", "d"), "[N]", "remove breakpoint N (all without N)"),
    (("print", "p"), "", "the stack, the locals and the call frames"),
    (("memory", "x"), "ADDR [LEN]", "LEN bytes of memory 0 from ADDR (default 64), in hex"),
    (("help", "h", "?"), "", "this list"),
    (("quit", "q"), "", "leave (the call is abandoned)"),
)
_ALIASES = {alias: names[0] for names, _, _ in COMMAND_HELP for alias in names}


@command(
    "debug", "step through a call, forwards and backwards, reading commands from stdin",
    arg("file", metavar="FILE",
        help="a .wasm or .wat file: a module without imports, or a WASI program"),
    arg("--invoke", nargs="+", required=True, metavar=("FUNC", "ARG"),
        help="the exported function to call, then its arguments (as for wasmvm invoke); "
             "_start for a WASI command"),
    arg("--fuel", type=int, metavar="N",
        help="run with N units of fuel (counted as wasmtime counts it); running out traps"),
    arg("--stdin", metavar="PATH",
        help="a WASI program's standard input (default: empty, as the debugger reads its "
             "commands from stdin)"),
    epilog="commands:\n" + "\n".join(
        f"  {'/'.join(names):<18} {args:<15} {what}" for names, args, what in COMMAND_HELP),
)
def cmd_debug(args: argparse.Namespace) -> int:
    """Call one export on the reference tier, paused before its first instruction, and
    run the debugger commands read from standard input (listed below; ``help`` lists
    them too). Every step can be gone back to: ``back``, ``rnext`` and ``goto`` show the
    machine exactly as it was there. Exit status 0 (a trap is reported, not an error)."""
    from ..api import Config, Engine, Instance, Module, Store

    if args.fuel is not None and args.fuel < 0:
        raise UserError("--fuel must be at least 0")
    store = Store(Engine(Config(tier="reference", consume_fuel=args.fuel is not None)))
    module = Module(store.engine, read_input(args.file))
    if args.fuel is not None:
        store.set_fuel(args.fuel)
    ctx = None
    if any(imp.module == WASI_MODULE for imp in module.imports):
        ctx, instance = _wasi_instance(store, module, args)
    else:
        if module.imports:
            first = module.imports[0]
            raise UserError(f"the module imports {first.module}.{first.name}; debug runs "
                            f"modules without imports, or WASI programs")
        instance = Instance(store, module, [])
    try:
        exports = instance.exports(store)
        func, vals = exported_call(store, exports, args.invoke[0], args.invoke[1:])
        session = Session(store, module, func, vals, sys.stdout)
        session.run(sys.stdin)
    finally:
        if ctx is not None:
            ctx.close()
    return 0


WASI_MODULE = "wasi_snapshot_preview1"


def _wasi_instance(store, module, args: argparse.Namespace):
    """A WASI program's instance: argv is FILE, stdin ``--stdin`` (else empty), its
    output written among the debugger's (each write as it happens: going back and
    forward again does not write it twice)."""
    from ..api import Linker
    from ..wasi import WasiConfig, define_wasi, set_wasi

    config = WasiConfig()
    config.argv = [args.file]
    if args.stdin is not None:
        try:
            config.stdin_file = args.stdin
        except FileNotFoundError:
            raise UserError(f"{args.stdin}: no such file") from None

    def write(data: bytes) -> None:
        sys.stdout.write(data.decode("utf-8", "replace"))

    config.stdout_custom = write
    config.stderr_custom = write
    try:
        ctx = set_wasi(store, config)
    except OSError as e:
        raise UserError(str(e)) from None
    linker = Linker(store.engine)
    define_wasi(linker, store)
    try:
        return ctx, linker.instantiate(store, module)
    except BaseException:
        ctx.close()
        raise


class Session:
    """One debugging session: a Debugger, and the commands that move and show it."""

    def __init__(self, store, module, func, vals, out):
        from ..api.values import func_namer
        from ..observe.stepper import Debugger

        self.out = out
        self.names = module.syntax.names
        self.namer = func_namer(func)
        self.trap_message = None
        self.ended: WasmError | None = None  # what ended the call otherwise (proc_exit)
        self.dbg = None
        try:
            self.dbg = Debugger(store, func, vals)
        except Trap as trap:  # (a host function has no steps; a wasm one cannot trap yet)
            self.trap_message = trap.message
        self.show()

    # -- the loop -----------------------------------------------------------------------------
    def run(self, lines) -> None:
        echo = not (hasattr(lines, "isatty") and lines.isatty())
        while True:
            if not echo:
                self.out.write("(wasmvm) ")
                self.out.flush()
            line = lines.readline()
            if not line:
                break
            words = line.split()
            if not words or words[0].startswith("#"):
                continue
            if echo:
                self.out.write(f"(wasmvm) {line.strip()}\n")
            name = _ALIASES.get(words[0])
            if name is None:
                self.say(f"unknown command {words[0]!r} (help lists them)")
                continue
            if name == "quit":
                break
            try:
                getattr(self, "do_" + name)(words[1:])
            except (UserError, ValueError, LookupError, RuntimeError) as e:
                self.say(f"error: {e}")
        if self.dbg is not None:
            self.dbg.close()

    def say(self, text: str) -> None:
        self.out.write(text + "\n")

    # -- showing ----------------------------------------------------------------------------
    def show(self) -> None:
        """Where the call is: the instruction about to run and the stack; or how it
        ended."""
        from ..api.values import format_value
        from ..observe.trace import instruction_at, typed_stack

        dbg = self.dbg
        if dbg is None:
            self.say(f"trap: {self.trap_message}")
            return
        state = dbg.state
        if not dbg.done:
            self.ended = None
        if dbg.done and dbg.trap is None and self.ended is None:
            results = " ".join(format_value(v, self.namer) for v in dbg.result_vals or [])
            self.say(f"#{dbg.step_count} returned{': ' + results if results else ''}")
            return
        if state is None:
            self.say(f"#{dbg.step_count} the call has ended")
            return
        where = f"0x{state.offset:x}" if state.offset is not None else "-"
        self.say(f"#{dbg.step_count} {state.function} {where}: {instruction_at(state)}"
                 f"{'  (depth ' + str(state.depth) + ')' if state.depth else ''}")
        self.say(f"  stack: [{', '.join(typed_stack(state))}]")
        if dbg.trap is not None:
            self.say(f"trap: {dbg.trap.message}")
        elif self.ended is not None:
            self.say(f"ended: {self.ended}")

    def do_print(self, words) -> None:
        from ..observe.trace import format_typed, state_namer

        dbg = self._live_state()
        state = dbg.state
        self.show()
        local_names = self.names.locals.get(state.func_index, {}) if self.names else {}
        types = state.func.info.local_types
        namer = state_namer(state)
        for i, (t, raw) in enumerate(zip(types, state.raw_locals)):
            name = local_names.get(i)
            self.say(f"  local {i}{' $' + name if name else ''}: {format_typed(t, raw, namer)}")
        self.say(f"  frames: {' > '.join(state.frames)}")

    def do_memory(self, words) -> None:
        state = self._live_state().state
        if not words or len(words) > 2:
            raise UserError("memory ADDR [LEN]")
        addr = _number(words[0])
        n = _number(words[1]) if len(words) > 1 else 64
        mem = state.memory
        if mem is None:
            raise UserError("the module has no memory")
        data = mem.data
        if addr < 0 or n < 0 or addr + n > len(data):
            raise UserError(f"out of bounds: the memory has {len(data)} bytes")
        for start in range(addr, addr + n, 16):
            chunk = bytes(data[start : min(start + 16, addr + n)])
            text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
            self.say(f"  {start:08x}  {chunk.hex(' '):<47}  {text}")

    def do_help(self, words) -> None:
        for names, args, what in COMMAND_HELP:
            self.say(f"  {'/'.join(names):<18} {args:<15} {what}")

    # -- moving -----------------------------------------------------------------------------
    def _move(self, motion, times: int = 1) -> None:
        dbg = self._debugger()
        try:
            for _ in range(times):
                if dbg.done:
                    break
                motion()
                if dbg.hit is not None:
                    self.say(f"breakpoint {dbg.breakpoints.index(dbg.hit) + 1}: {dbg.hit}")
                    break
        except Trap:
            pass  # the state stays at the trapping instruction; show says so
        except WasmError as e:  # an exit (WASI's proc_exit): the call ended there
            self.ended = e
        self.show()

    def do_step(self, words) -> None:
        self._move(self._running().step, _count(words))

    def do_next(self, words) -> None:
        self._move(self._running().step_over, _count(words))

    def do_finish(self, words) -> None:
        self._move(self._running().step_out)

    def do_continue(self, words) -> None:
        self._move(self._running().continue_)

    def do_back(self, words) -> None:
        dbg = self._debugger()
        if dbg.step_count <= dbg.history_start:
            raise UserError(f"already at step {dbg.step_count}, the earliest kept")
        dbg.goto(max(dbg.history_start, dbg.step_count - _count(words)))
        self.show()

    def do_rnext(self, words) -> None:
        self._debugger().back_over()
        self.show()

    def do_goto(self, words) -> None:
        if len(words) != 1:
            raise UserError("goto N")
        dbg = self._debugger()
        try:
            dbg.goto(_number(words[0]))
        except Trap:
            pass
        except WasmError as e:
            self.ended = e
        self.show()

    def do_break(self, words) -> None:
        dbg = self._debugger()
        if not words:
            for i, bp in enumerate(dbg.breakpoints, 1):
                self.say(f"  {i}: {bp}")
            if not dbg.breakpoints:
                self.say("no breakpoints")
            return
        where = words[0]
        if where.lower().startswith("0x"):
            bp = dbg.add_breakpoint(offset=_number(where))
        else:
            bp = dbg.add_breakpoint(function=int(where) if where.isdigit() else where)
        self.say(f"breakpoint {len(dbg.breakpoints)}: {bp}")

    def do_delete(self, words) -> None:
        dbg = self._debugger()
        if not words:
            dbg.breakpoints.clear()
            self.say("all breakpoints removed")
            return
        i = _number(words[0])
        if not 1 <= i <= len(dbg.breakpoints):
            raise UserError(f"no breakpoint {i}")
        dbg.remove_breakpoint(dbg.breakpoints[i - 1])
        self.say(f"breakpoint {i} removed")

    # -- checks -------------------------------------------------------------------------------
    def _debugger(self):
        if self.dbg is None:
            raise UserError("nothing to debug: the call could not start")
        return self.dbg

    def _running(self):
        dbg = self._debugger()
        if dbg.done:
            raise UserError("the call has ended (back or goto go to an earlier step)")
        return dbg

    def _live_state(self):
        dbg = self._debugger()
        if dbg.state is None or (dbg.done and dbg.trap is None):
            raise UserError("the call has returned: no state to show (back goes to the "
                            "last step)")
        return dbg


def _number(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise UserError(f"not a number: {text!r}") from None


def _count(words) -> int:
    n = _number(words[0]) if words else 1
    if n < 1:
        raise UserError("a count is at least 1")
    return n
