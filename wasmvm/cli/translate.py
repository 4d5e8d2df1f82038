"""``wasmvm translate``: the Python source the compiled tier makes of a module's functions,
each line annotated with the instructions it came from (``wasmvm.observe.translation``).

    wasmvm translate fac.wasm                    every function defined in the module
    wasmvm translate fac.wat --func fac_rec      one (name, export name or index)
    wasmvm translate prog.wasm --fuel            the code made when fuel is counted
"""

from __future__ import annotations

import argparse
import sys

from .registry import UserError, arg, command, read_input, write_lines


@command(
    "translate", "print the Python the compiled tier makes of a module's functions",
    arg("file", metavar="FILE", help="a .wasm or .wat module, or - for standard input"),
    arg("--func", metavar="NAME",
        help="only this function: its name (name section), export name or index"),
    arg("--fuel", action="store_true",
        help="the code made for a store that counts fuel (charges at each straight line)"),
    arg("--epoch", action="store_true",
        help="the code made for a store with an epoch deadline (checks at loops and calls)"),
    arg("--plain", action="store_true",
        help="the source only, without the instructions each line came from"),
    arg("--width", type=int, default=64, metavar="N",
        help="the column the annotations start at (default 64)"),
)
def cmd_translate(args: argparse.Namespace) -> int:
    """Print the Python source the compiled tier makes of each function defined in the
    module (or of --func), exactly the code it compiles and runs for such a store. Each
    line that came from WebAssembly instructions ends with a comment naming them (byte
    offset in the file and text): the output is still Python, and compiles to the same
    code. Functions whose nesting is beyond CPython's limits come out in the flat form (a
    state machine over basic blocks); very big ones are split into chunks.

    Nothing runs: the module is only allocated, with stand-ins for its imports (which
    changes nothing in the code its functions become)."""
    from ..api import Config, Engine, Module, Store
    from ..observe.translation import translate_module

    if args.width < 0:
        raise UserError("--width needs a number of at least 0")
    engine = Engine(Config(consume_fuel=args.fuel, epoch_interruption=args.epoch,
                           tier="compiled", cache=False, parallel_compilation=False))
    module = Module(engine, read_input(args.file))
    store = Store(engine)
    if args.fuel:
        store.set_fuel(1 << 62)
    if args.epoch:
        store.set_epoch_deadline(1 << 62)
    try:
        found = translate_module(store, module, args.func)
    except ValueError as e:
        raise UserError(str(e)) from None
    if not found:
        print("the module defines no functions", file=sys.stderr)
        return 0
    for k, t in enumerate(found):
        if k:
            write_lines([""])
        if args.plain:
            sys.stdout.write(f"# func {t.index} <{t.name}> {t.type}: {t.form} form\n")
            sys.stdout.write(t.source)
        else:
            write_lines(t.annotated(args.width))
    return 0
