"""``wasmvm spec``: run official spec-test scripts (``wasmvm.script``)."""

from __future__ import annotations

import argparse

from .registry import UserError, arg, command


@command(
    "spec", "run official spec-test scripts (.wast files or folders of them)",
    arg("paths", metavar="PATH", nargs="+", help=".wast files or folders (FILE:LINES selects)"),
    arg("-v", "--verbose", action="store_true", help="list every failure"),
    arg("--tier", choices=("compiled", "reference"), default="compiled",
        help="the execution tier (default: compiled)"),
    arg("-j", "--jobs", type=int, default=None, help="worker processes"),
    arg("--converter", choices=("native", "wasm-tools"), default="native",
        help="how to read a .wast: native (default, no external tool) or wasm-tools "
             "(json-from-wast, cached)"),
    arg("--engine", metavar="NAME", default=None,
        help="run the scripts on another engine and measure its conformance: wasmvm, "
             "wasmvm-reference, wasmtime, pywasm, wasm-interp or node (outcomes are judged, "
             "not the wording of errors)"),
)
def cmd_spec(args: argparse.Namespace) -> int:
    """Read each .wast (natively, or with --converter wasm-tools through wasm-tools
    json-from-wast, cached), run every command and print a per-file table and a last line
    "N passed, M failed, K skipped"."""
    from ..script.report import spec_main

    engine = None
    if args.engine is not None:
        from ..difftest.adapters import EngineMissing, script_runner

        try:
            engine = script_runner(args.engine)
        except EngineMissing as e:
            raise UserError(str(e)) from None
    return spec_main(args.paths, verbose=args.verbose, tier=args.tier, jobs=args.jobs,
                     converter=args.converter, engine=engine, engine_name=args.engine)
