"""``wasmvm trace``: call an exported function and print every step it takes.

Uses only the public API (``wasmvm.api``) and the tracer (``wasmvm.observe.trace``).
"""

from __future__ import annotations

import argparse
import json
import sys

from .registry import UserError, arg, command, exported_call, read_input, without_imports


@command(
    "trace", "call an exported function and print every instruction it runs",
    arg("file", metavar="FILE", help="a .wasm file (a module without imports)"),
    arg("--invoke", nargs="+", required=True, metavar=("FUNC", "ARG"),
        help="the exported function to call, then its arguments (as for wasmvm invoke)"),
    arg("--function", metavar="NAME",
        help="only show the instructions (and calls and returns) of this function"),
    arg("-n", "--limit", type=int, metavar="N", help="show only the first N lines"),
    arg("--json", action="store_true",
        help="one JSON object per line: event, function, depth, pc, offset, instruction, "
             "operands, stack (typed strings such as \"i32:3\")"),
    arg("--fuel", type=int, metavar="N",
        help="run with N units of fuel (counted as wasmtime counts it); running out traps"),
)
def cmd_trace(args: argparse.Namespace) -> int:
    """Call one export on the reference tier and print a trace: a "call" line per call
    (with its arguments), a line per instruction (byte offset, WAT text, the operands it
    takes, the stack after it), indented by call depth, and a "return" line per return,
    then the results as TYPE:VALUE. A trap ends the trace with a "trap" line; its message
    and offset go to stderr, exit status 1."""
    from ..api import Config, Engine, Instance, Module, Store
    from ..api.values import format_value, func_namer
    from ..observe.trace import Tracer, format_record

    if args.limit is not None and args.limit < 0:
        raise UserError("--limit must be at least 0")
    if args.fuel is not None and args.fuel < 0:
        raise UserError("--fuel must be at least 0")
    store = Store(Engine(Config(tier="reference", consume_fuel=args.fuel is not None)))
    module = Module(store.engine, read_input(args.file))
    without_imports(module, "trace")
    exports = Instance(store, module, []).exports(store)
    func, vals = exported_call(store, exports, args.invoke[0], args.invoke[1:])

    out = sys.stdout
    shown = 0

    def emit(record: dict) -> None:
        nonlocal shown
        if args.limit is not None and shown >= args.limit:
            return
        if args.function is not None and record["function"] != args.function:
            return
        shown += 1
        out.write((json.dumps(record) if args.json else format_record(record)) + "\n")

    if args.fuel is not None:
        store.set_fuel(args.fuel)
    store.add_observer(Tracer(emit))
    try:
        results = func.call_vals(store, vals)
    finally:
        if args.fuel is not None:
            fuel = {"event": "fuel", "consumed": args.fuel - store.get_fuel(),
                    "remaining": store.get_fuel()}
            out.write(json.dumps(fuel) + "\n" if args.json else
                      f"fuel: {fuel['consumed']} consumed, {fuel['remaining']} left\n")
    namer = func_namer(func)
    if args.json:
        out.write(json.dumps({"event": "results",
                              "results": [format_value(v, namer) for v in results]}) + "\n")
    else:
        for v in results:
            out.write(format_value(v, namer) + "\n")
    return 0
