"""``wasmvm diff``: differential conformance of a user's module against wasmtime
(``wasmvm.difftest``)."""

from __future__ import annotations

import argparse
import sys

from .registry import UserError, arg, command, read_input


@command(
    "diff", "run a module on wasmvm and on wasmtime and report every difference",
    arg("file", metavar="FILE", help="a .wasm file, or - for standard input"),
    arg("--invoke", nargs="+", metavar=("FUNC", "ARG"),
        help="call only FUNC with these arguments (as for `wasmvm invoke`: 42, -1, 0x7f, "
             "1.5, inf, nan:0x200000, null); by default every exported function is called "
             "with sets of edge values"),
    arg("--tier", choices=("compiled", "reference", "both"), default="both",
        help="the wasmvm tier(s) to compare (default: both)"),
    arg("--fuel", type=int, default=10_000_000,
        help="wasmtime's fuel per call; a call that runs out is not compared (default 10M)"),
    arg("--timeout", type=float, default=60.0,
        help="wasmvm's wall-clock seconds per call (default 60)"),
    arg("--random-args", type=int, default=8, metavar="N",
        help="random argument sets per function, besides the edge values (default 8)"),
    arg("--seed", type=int, default=0, help="seed of the random argument sets"),
    arg("--arg", action="append", default=None, metavar="ARG", dest="wasi_args",
        help="for a WASI program (it runs _start once): an argument; repeat for more"),
    arg("--fuel-mode", action="store_true",
        help="also count fuel on wasmvm and compare running out and the fuel consumed"),
    arg("-v", "--verbose", action="store_true", help="list every call and its outcomes"),
)
def cmd_diff(args: argparse.Namespace) -> int:
    """Instantiate the module on wasmtime and on wasmvm (imports may come from the
    differential host module "host", see wasmvm/difftest/host.py) and call its exports
    on both: results compared bit for bit (NaNs from float arithmetic by class, as the spec
    allows), trap codes, exported globals, memories and tables, host calls. A WASI
    program (it imports wasi_snapshot_preview1 and exports _start) runs once, and its
    exit status, stdout and stderr are compared. Prints a report and the figures. Exit
    status: 0 when the engines agree, 1 when anything differs, 2 when the module needs
    imports that neither the host module nor WASI provides."""
    from ..difftest.engines import wasmtime_available
    from ..difftest.run import TIERS, Call, DiffOptions, diff_module
    from ..difftest.values import parse_val

    if not wasmtime_available():
        raise UserError("wasmtime is not installed (pip install wasmtime)")
    data = read_input(args.file)
    options = DiffOptions(fuel=args.fuel, timeout=args.timeout, keep_records=args.verbose,
                          tiers=TIERS if args.tier == "both" else (args.tier,),
                          fuel_mode=args.fuel_mode,
                          wasi_argv=[_program_name(args.file), *(args.wasi_args or [])])
    calls = [Call(*_invoke_call(data, args.invoke, parse_val))] if args.invoke else None
    name = "<stdin>" if args.file == "-" else args.file
    report = diff_module(data, calls, options, name=name, extra=args.random_args, seed=args.seed)
    link = report.instantiation
    if not report.divergences and link is not None and link.kind == "link-error":
        print(f"error: cannot compare: {link.message} (the differential host provides only "
              f"the module \"host\", see wasmvm/difftest/host.py, and WASI)", file=sys.stderr)
        return 2
    print(report.format(verbose=args.verbose))
    if report.status == "rejected":
        print("both engines reject the module")
    elif report.status == "not-instantiated" and link is not None:
        print(f"both engines fail to instantiate the module: {link}")
    print(_summary(report))
    return 1 if report.divergences else 0


def _program_name(path: str) -> str:
    from pathlib import Path

    return "main.wasm" if path == "-" else Path(path).name


def _invoke_call(data: bytes, invoke: list[str], parse_val):
    """(name, args) for ``--invoke FUNC ARG...``, typed by the export's parameters."""
    from ..api import Module
    from ..errors import WasmError

    func, texts = invoke[0], invoke[1:]
    try:
        module = Module(None, data)
    except WasmError:
        return func, ()  # the comparison reports how each engine rejects it
    exports = {e.name: e.type for e in module.exports}
    ty = exports.get(func)
    if ty is None or not hasattr(ty, "params"):
        names = ", ".join(n for n, t in exports.items() if hasattr(t, "params")) or "none"
        raise UserError(f"no exported function {func!r} (exported functions: {names})")
    if len(texts) != len(ty.params):
        raise UserError(f"{func} takes {len(ty.params)} argument(s) "
                        f"({', '.join(ty.params) or 'none'}), got {len(texts)}")
    try:
        return func, tuple(parse_val(str(t), text) for t, text in zip(ty.params, texts))
    except ValueError as e:
        raise UserError(str(e)) from None


def _summary(report) -> str:
    from ..difftest.compare import plural

    kinds: dict[str, int] = {}
    for d in report.divergences:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    text = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    verdict = "agree" if not report.divergences else f"DIFFER ({text})"
    calls, n = report.calls_compared, len(report.divergences)
    return (f"diff: {calls} {plural(calls, 'call')} compared, {n} {plural(n, 'divergence')}: "
            f"{verdict}")

