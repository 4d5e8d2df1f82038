"""``wasmvm invoke``: call an exported function (``wasmvm.api``) and print its results."""

from __future__ import annotations

import argparse

from .registry import arg, command, exported_call, read_input, without_imports

#: How command-line arguments are written (``api.values.parse_value`` reads them), for the
#: help of every command that takes them. tests/test_cli_help.py invokes each example.
ARGUMENT_SYNTAX = """\
ARG syntax: one shell word per argument, read by the parameter's type. An argument
that starts with - but is not a plain decimal number (-inf, -nan, -0x7f, -1e-3) needs
-- before the arguments: wasmvm invoke m.wasm f -- -inf

  i32, i64    42  -7  0x7f  0xffffffff  1_000_000  0b101  0o17
              (a sign, decimal or 0x/0b/0o, _ between digits; from the lowest
              signed to the highest unsigned value: -1 and 0xffffffff are the
              same i32)
  f32, f64    1.5  -0.0  1e-3  0x1.8p1  inf  -inf  nan  -nan  nan:0x200000
              (decimal or hex float, rounded to the type; nan is the canonical
              NaN, nan:0xPAYLOAD sets the payload: 0x1 to 0x7fffff for f32,
              to 0xfffffffffffff for f64)
  v128        'i32x4 1 2 3 -1'  'i64x2 -1 0x10'  'i16x8 -1 0 1 2 3 4 5 0x7fff'
              'i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 0xff'
              0x000102030405060708090a0b0c0d0e0f
              (i8x16, i16x8, i32x4 or i64x2, then every lane, lane 0 first,
              all quoted as one word; or the 128 bits as one integer, lane 0 in
              the low bits; no f32x4 or f64x2)
  funcref, externref, structref, arrayref
              null  (a null reference; a function reference as ref.func:NAME,
              a function the module exports, or ref.func:N, its function index
              N, for funcref and any ref $t or ref null $t of a function type:
              wasmvm invoke m.wasm apply ref.func:double 21; a struct, an
              array or an externref cannot be written)
  anyref, eqref, i31ref
              null  -5  0x7fffffff  i31:7
              (an i31 passed as ref.i31 N: -2**30 to 2**31-1, signed or
              unsigned 31 bits; also for ref i31 and ref null i31)"""


@command(
    "invoke", "call an exported function and print its results",
    arg("file", metavar="FILE", help="a .wasm file (a module without imports)"),
    arg("func", metavar="FUNC", help="the name of an exported function"),
    arg("args", metavar="ARG", nargs="*",
        help="the function's arguments, written as below: 42, -1, 0x7f, 1.5, inf, "
             "nan:0x200000, null, ..."),
    arg("--tier", choices=("compiled", "reference"), default="compiled",
        help="the execution tier (default: compiled)"),
    epilog=ARGUMENT_SYNTAX,
)
def cmd_invoke(args: argparse.Namespace) -> int:
    """Instantiate the module and call one export; results print as TYPE:VALUE, one per
    line (i32:3, anyref:null), a struct, array or i31 as its own text with its type index
    in the module and its fields: (ref.struct $0 {i32:1, (mut i64):2}), (ref.array $1
    [i8:1, i8:2, ...] len=100), (ref.i31 -5) (at most 8 fields or elements, 3 levels
    deep; a reference back to an enclosing object shows as <cycle>). A trap prints its
    message and the wasm backtrace, and exits 1."""
    from ..api import Config, Engine, Instance, Module, Store
    from ..api.values import format_value, func_namer

    store = Store(Engine(Config(tier=args.tier)))
    module = Module(store.engine, read_input(args.file))
    without_imports(module, "invoke")
    exports = Instance(store, module, []).exports(store)
    func, vals = exported_call(store, exports, args.func, args.args)
    namer = func_namer(func)
    for v in func.call_vals(store, vals):
        print(format_value(v, namer))
    return 0
