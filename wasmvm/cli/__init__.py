"""The ``wasmvm`` command line. ``main(argv) -> int``; nothing runs at import.

Each subcommand is one function registered with ``@command(name, help, *arguments)``
in a module of its own; ``build_parser`` turns the registry into argparse subparsers. A
subcommand returns the exit status and uses the public API (``wasmvm.api``,
``wasmvm.binary.decode_module``, ``wasmvm.text``, ``wasmvm.errors``) or the documented
API of the package it fronts (``wasmvm.wasi``, ``wasmvm.observe.trace``,
``wasmvm.difftest``, ``wasmvm.web.app``), imported inside the function so that starting
``wasmvm`` stays fast:

    registry.py   @command, arg, COMMANDS, UserError, read_input, write_lines, format_error
    dump.py  printwat.py  invoke.py  validate.py  spec.py      the core commands
    run.py (WASI)  diff.py (difftest)  trace.py debug.py translate.py (observe)  serve.py (web)

The ``cli`` package is the top layer (pyproject.toml's import-linter contracts): it
imports the packages below it, and only ``wasmvm.__main__`` imports it.

Exit status: 0 success, 1 bad input (unreadable file, malformed module; the message goes
to stderr, never a traceback), 2 usage errors. Set ``WASMVM_DEBUG=1`` to see the Python
traceback of an internal error.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys

from ..errors import InternalError, MalformedError, WasmError
from .registry import (
    COMMANDS,
    Arg,
    Command,
    UserError,
    arg,
    command,
    format_error,
    read_input,
    write_lines,
)

# The subcommand modules register their commands when imported, in this order: the order
# `wasmvm --help` lists them in.
# isort: off
from . import dump, printwat, invoke, validate, spec, run, diff, trace, debug, translate, serve
# isort: on
from .dump import DUMP_MODES, cmd_dump
from .invoke import ARGUMENT_SYNTAX, cmd_invoke
from .spec import cmd_spec
from .validate import cmd_validate

__all__ = [
    "main", "build_parser", "HelpFormatter", "COMMANDS", "COMMAND_MODULES", "command", "arg",
    "Arg", "Command", "UserError", "read_input", "write_lines", "format_error", "DUMP_MODES",
    "ARGUMENT_SYNTAX", "cmd_dump", "cmd_invoke", "cmd_validate", "cmd_spec",
]

#: The modules of the subcommands, in the order ``wasmvm --help`` lists them.
COMMAND_MODULES = (dump, printwat, invoke, validate, spec, run, diff, trace, debug, translate,
                   serve)


def _hint(e: WasmError) -> str | None:
    if isinstance(e, MalformedError) and e.message == "magic header not detected":
        return "hint: not a WebAssembly module (neither the binary format nor WAT text)"
    return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wasmvm")
    except PackageNotFoundError:  # running from a checkout that is not installed
        from .. import __version__

        return __version__


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout with two changes. An argument that takes the rest of the command
    line (``nargs=argparse.REMAINDER``) shows in the usage as ``[ARGS ...]``, the name the
    argument list gives it (argparse writes a bare ``...``). In a description or epilog,
    paragraphs (separated by blank lines) are filled one by one, and one with indented
    lines is kept as written (a table of examples)."""

    def _format_args(self, action, default_metavar):
        if action.nargs == argparse.REMAINDER:
            (metavar,) = self._metavar_formatter(action, default_metavar)(1)
            return f"[{metavar} ...]"
        return super()._format_args(action, default_metavar)

    def _fill_text(self, text, width, indent):
        paragraphs = []
        for paragraph in re.split(r"\n\s*\n", text.strip("\n")):
            lines = paragraph.splitlines()
            if any(line[:1].isspace() for line in lines):
                paragraphs.append("\n".join(indent + line for line in lines))
            else:
                paragraphs.append(super()._fill_text(paragraph, width, indent))
        return "\n\n".join(paragraphs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wasmvm", description="wasmvm: a WebAssembly engine in pure Python.",
        formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"wasmvm {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in COMMANDS.values():
        flags = {f for a in c.arguments for f in a.flags}
        description = inspect.cleandoc(c.run.__doc__) if c.run.__doc__ else None
        p = sub.add_parser(c.name, help=c.help, description=description, epilog=c.epilog,
                           formatter_class=HelpFormatter, add_help=False)
        # `dump -h` means --headers (as in wasm-objdump), so help is --help only there.
        p.add_argument(*(["--help"] if "-h" in flags else ["-h", "--help"]), action="help",
                       help="show this help and exit")
        for a in c.arguments:
            p.add_argument(*a.flags, **a.options)
        p.set_defaults(run=c.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``wasmvm`` command with ``argv`` (default: ``sys.argv[1:]``)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, usage errors
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.run(args)
    except UserError as e:
        _fail(f"error: {e}")
    except WasmError as e:
        if os.environ.get("WASMVM_DEBUG") and isinstance(e, InternalError):
            raise
        _fail(format_error(e), _hint(e))
    except BrokenPipeError:  # `wasmvm dump -a x.wasm | head`
        _silence_stdout()
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # a bug in wasmvm: say so, without a traceback
        if os.environ.get("WASMVM_DEBUG"):
            raise
        _fail(f"internal error: {type(e).__name__}: {e} (set WASMVM_DEBUG=1 for details)")
    return 1


def _fail(message: str, hint: str | None = None) -> None:
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        pass
    print(message, file=sys.stderr)
    if hint:
        print(hint, file=sys.stderr)


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
