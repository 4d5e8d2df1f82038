"""``wasmvm validate``: decode and validate a module (``wasmvm.api.Module.validate``)."""

from __future__ import annotations

import argparse

from .registry import arg, command, read_input


@command(
    "validate", "check that a binary module is well formed and valid",
    arg("file", metavar="FILE", help="a .wasm file, or - for standard input"),
)
def cmd_validate(args: argparse.Namespace) -> int:
    """Decode and validate the module. Prints "valid" or the first error with its byte
    offset (exit status 1)."""
    from ..api import Module

    Module.validate(None, read_input(args.file))
    print("valid")
    return 0
