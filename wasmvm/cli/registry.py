"""What every subcommand of ``wasmvm`` shares: the registry (``@command``, ``arg``,
``COMMANDS``), ``UserError``, and reading input, writing output and formatting errors.

A subcommand module (``wasmvm/cli/dump.py``, ``run.py``, ...) imports these from here,
never from the package ``wasmvm.cli`` (whose ``__init__`` imports the subcommand modules),
so the package has no import cycle. ``wasmvm.cli`` re-exports all of them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InternalError, Trap, WasmError
from ..wat import TextError, to_binary


class UserError(Exception):
    """A problem with what the user asked for (a missing file, ...): ``error: <message>``."""


@dataclass(frozen=True)
class Arg:
    flags: tuple[str, ...]
    options: dict = field(default_factory=dict)


def arg(*flags: str, **options) -> Arg:
    """An argument of a subcommand, as for ``ArgumentParser.add_argument``."""
    return Arg(flags, options)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    arguments: tuple[Arg, ...]
    run: Callable[[argparse.Namespace], int]
    epilog: str | None = None


#: Every subcommand, by name, in the order registered (the order ``wasmvm --help`` lists).
COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, *arguments: Arg, epilog: str | None = None):  # noqa: A002
    """Register ``fn(args) -> int`` as the subcommand ``name``; its docstring is the
    subcommand's description in ``--help``, and ``epilog`` (indented lines kept as
    written) comes after the list of arguments."""

    def register(fn: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = Command(name, help, arguments, fn, epilog)
        return fn

    return register


def read_input(path: str) -> bytes:
    """The module in a file, or in standard input for ``-``: its bytes, or, for the text
    format (``.wat``), the binary it compiles to (``wasmvm.wat.to_binary``: a TextError
    with line:column if it is malformed); UserError when unreadable."""
    try:
        return to_binary(_read_bytes(path))
    except TextError as e:
        e.path = "<stdin>" if path == "-" else path
        raise


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror or e}") from None


def write_lines(lines: Iterable[str]) -> None:
    out = sys.stdout
    for line in lines:
        out.write(line)
        out.write("\n")


def format_error(e: WasmError) -> str:
    if isinstance(e, TextError):  # malformed text: file:line:column, as compilers say
        path = getattr(e, "path", None)
        return f"error: {path + ':' if path else ''}{e.line}:{e.column}: {e.message}"
    where = f" at offset 0x{e.offset:x}" if e.offset is not None else ""
    if isinstance(e, Trap):
        # innermost first, as backtraces read; the middle of a deep one elided
        return "\n".join([f"trap: {e.message}{where}", *("  " + ln for ln in e.backtrace_lines())])
    prefix = "internal error" if isinstance(e, InternalError) else "error"
    return f"{prefix}: {e.message}{where}"


def without_imports(module, verb: str) -> None:
    """``invoke`` and ``trace`` instantiate with no imports: say so for a module that
    has some."""
    if module.imports:
        first = module.imports[0]
        raise UserError(f"the module imports {first.module}.{first.name}; "
                        f"{verb} runs modules without imports")


def exported_call(store, exports, name: str, texts: list[str]):
    """The exported function ``name`` and its arguments, parsed from ``texts`` by its
    parameter types (``ARGUMENT_SYNTAX``): (Func, list of Val). Bad input is a UserError."""
    from ..api import Func
    from ..api.values import parse_argument

    func = exports.get(name)
    if not isinstance(func, Func):
        names = ", ".join(n for n in exports if isinstance(exports[n], Func)) or "none"
        raise UserError(f"no exported function {name!r} (exported functions: {names})")
    params = func.type(store).params
    if len(texts) != len(params):
        raise UserError(f"{name} takes {len(params)} argument(s) "
                        f"({', '.join(str(p) for p in params) or 'none'}), got {len(texts)}")
    try:
        return func, [parse_argument(func, i, text) for i, text in enumerate(texts)]
    except ValueError as e:
        raise UserError(str(e)) from None
