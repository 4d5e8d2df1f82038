"""``wasmvm print``: a binary module as WAT text (``wasmvm.wat.printer``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .registry import UserError, arg, command, read_input


@command(
    "print", "print a binary module as WAT text",
    arg("file", metavar="FILE", help="a .wasm file, or - for standard input"),
    arg("-f", "--folded", action="store_true",
        help="folded expressions: (i32.add (local.get 0) (i32.const 1))"),
    arg("-p", "--offsets", action="store_true",
        help="mark each line with its byte offset in the file, as (;@1a;)"),
    arg("-o", "--output", metavar="OUT", help="write the text to OUT instead of stdout"),
)
def cmd_print(args: argparse.Namespace) -> int:
    """Print the module in the WebAssembly text format, as wasm-tools print does: names
    from the name section, floats exact, every index as the binary has it, so that the
    text assembles back to the same bytes (custom sections aside). A malformed module
    prints the decoder's error (exit status 1)."""
    from ..binary import decode_module
    from ..wat.printer import print_module

    module = decode_module(read_input(args.file))
    text = print_module(module, folded=args.folded, offsets=args.offsets)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise UserError(f"{args.output}: cannot write: {e.strerror or e}") from None
    else:
        import sys

        sys.stdout.write(text)
    return 0
