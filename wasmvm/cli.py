"""The ``wasmvm`` command line. ``main(argv) -> int``; nothing runs at import.

Each subcommand is one function registered with ``@command(name, help, *arguments)``;
``build_parser`` turns the registry into argparse subparsers. A subcommand returns the
exit status and uses only the public API (``wasmvm.binary.decode_module``,
``wasmvm.text``, ``wasmvm.errors``).

Exit status: 0 success, 1 bad input (unreadable file, malformed module; the message goes
to stderr, never a traceback), 2 usage errors. Set ``WASMVM_DEBUG=1`` to see the Python
traceback of an internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InternalError, MalformedError, Trap, WasmError


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


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, *arguments: Arg):  # noqa: A002 - argparse's word
    """Register ``fn(args) -> int`` as the subcommand ``name``; its docstring is the
    subcommand's description in ``--help``."""

    def register(fn: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = Command(name, help, arguments, fn)
        return fn

    return register


# --------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------
DUMP_MODES = ("headers", "details", "disassemble", "annotate")


@command(
    "dump", "show how a binary module is encoded",
    arg("file", metavar="FILE", help="a .wasm file, or - for standard input"),
    arg("-h", "--headers", action="store_true",
        help="section headers: offsets, sizes, entry counts (the default)"),
    arg("-x", "--details", action="store_true", help="the contents of every section"),
    arg("-d", "--disassemble", action="store_true",
        help="every function's instructions with their offsets and bytes"),
    arg("-a", "--annotate", action="store_true",
        help="annotated hex: every byte of the file, explained"),
)
def cmd_dump(args: argparse.Namespace) -> int:
    """Show the structure of a binary module, in the manner of wasm-objdump and
    wat2wasm -v. Several views may be combined; they print in the order -h -x -d -a.
    A malformed module prints the decoder's error (with -a, after the annotations of
    everything before the bad byte)."""
    from .binary import decode_module
    from .text import format_details, format_disassembly, format_headers
    from .text.annotate import annotate, annotate_partial, format_annotations

    data = read_input(args.file)
    modes = [m for m in DUMP_MODES if getattr(args, m)] or ["headers"]
    try:
        module = decode_module(data)
    except MalformedError:
        if "annotate" in modes:
            records, _ = annotate_partial(data)
            write_lines(format_annotations(records, len(data)))
        raise
    filename = "<stdin>" if args.file == "-" else Path(args.file).name
    views = {
        "headers": lambda: format_headers(data, module, filename),
        "details": lambda: format_details(data, module),
        "disassemble": lambda: format_disassembly(data, module),
        "annotate": lambda: format_annotations(_annotate_valid(annotate, data), len(data)),
    }
    for i, mode in enumerate(modes):
        if i:
            write_lines([""])
        write_lines(views[mode]())
    return 0


def _annotate_valid(annotate, data: bytes):
    try:
        return annotate(data)
    except MalformedError as e:  # the decoder accepted these bytes: a bug in wasmvm
        raise InternalError(f"the annotator rejects a module the decoder accepts: {e}") from e


@command(
    "invoke", "call an exported function and print its results",
    arg("file", metavar="FILE", help="a .wasm file (a module without imports)"),
    arg("func", metavar="FUNC", help="the name of an exported function"),
    arg("args", metavar="ARG", nargs="*",
        help="arguments, by the function's parameter types: 42, -1, 0x7f, 1.5, inf, "
             "nan:0x200000, null"),
    arg("--tier", choices=("compiled", "reference"), default="compiled",
        help="the execution tier (default: compiled)"),
)
def cmd_invoke(args: argparse.Namespace) -> int:
    """Instantiate the module and call one export; results print as TYPE:VALUE, one per
    line (i32:3). A trap prints its message and the wasm backtrace, and exits 1."""
    from .api import Config, Engine, Func, Instance, Module, Store
    from .api.values import format_value, parse_value

    store = Store(Engine(Config(tier=args.tier)))
    module = Module(store.engine, read_input(args.file))
    if module.imports:
        first = module.imports[0]
        raise UserError(f"the module imports {first.module}.{first.name}; "
                        f"invoke runs modules without imports")
    exports = Instance(store, module, []).exports(store)
    func = exports.get(args.func)
    if not isinstance(func, Func):
        names = ", ".join(n for n in exports if isinstance(exports[n], Func)) or "none"
        raise UserError(f"no exported function {args.func!r} (exported functions: {names})")
    params = func.type(store).params
    if len(args.args) != len(params):
        raise UserError(f"{args.func} takes {len(params)} argument(s) "
                        f"({', '.join(params) or 'none'}), got {len(args.args)}")
    try:
        vals = [parse_value(t, text) for t, text in zip(params, args.args)]
    except ValueError as e:
        raise UserError(str(e)) from None
    for v in func.call_vals(store, vals):
        print(format_value(v))
    return 0


@command(
    "validate", "check that a binary module is well formed and valid",
    arg("file", metavar="FILE", help="a .wasm file, or - for standard input"),
)
def cmd_validate(args: argparse.Namespace) -> int:
    """Decode and validate the module. Prints "valid" or the first error with its byte
    offset (exit status 1)."""
    from .api import Module

    Module.validate(None, read_input(args.file))
    print("valid")
    return 0


@command(
    "spec", "run official spec-test scripts (.wast files or folders of them)",
    arg("paths", metavar="PATH", nargs="+", help=".wast files or folders (FILE:LINES selects)"),
    arg("-v", "--verbose", action="store_true", help="list every failure"),
    arg("--tier", choices=("compiled", "reference"), default="compiled",
        help="the execution tier (default: compiled)"),
    arg("-j", "--jobs", type=int, default=None, help="worker processes"),
)
def cmd_spec(args: argparse.Namespace) -> int:
    """Convert each .wast with wasm-tools json-from-wast (cached), run every command and
    print a per-file table and a last line "N passed, M failed, K skipped"."""
    from .script.report import spec_main

    return spec_main(args.paths, verbose=args.verbose, tier=args.tier, jobs=args.jobs)


# --------------------------------------------------------------------------------------
# Plumbing
# --------------------------------------------------------------------------------------
def read_input(path: str) -> bytes:
    """The bytes of a file, or of standard input for ``-``; UserError when unreadable."""
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
    where = f" at offset 0x{e.offset:x}" if e.offset is not None else ""
    if isinstance(e, Trap):
        lines = [f"trap: {e.message}{where}"]
        for func in reversed(e.frames):  # innermost first, as backtraces read
            lines.append(f"  in {getattr(func, 'name', func)}")
        return "\n".join(lines)
    prefix = "internal error" if isinstance(e, InternalError) else "error"
    return f"{prefix}: {e.message}{where}"


def _hint(e: WasmError) -> str | None:
    if isinstance(e, MalformedError) and e.message == "magic header not detected":
        return "hint: not a WebAssembly binary (for a .wat text file, run wat2wasm first)"
    return None


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wasmvm")
    except PackageNotFoundError:  # running from a checkout that is not installed
        from . import __version__

        return __version__


#: Modules that register more subcommands with ``@command`` when imported (each feature
#: keeps its command beside its code); a module not written yet is simply absent.
COMMAND_MODULES = (
    "wasmvm.wasi.command", "wasmvm.difftest.command", "wasmvm.observe.command",
    "wasmvm.web.command",
)


def _load_command_modules() -> None:
    import importlib

    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise


def build_parser() -> argparse.ArgumentParser:
    _load_command_modules()
    parser = argparse.ArgumentParser(
        prog="wasmvm", description="wasmvm: a WebAssembly engine in pure Python.")
    parser.add_argument("--version", action="version", version=f"wasmvm {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for c in COMMANDS.values():
        flags = {f for a in c.arguments for f in a.flags}
        p = sub.add_parser(c.name, help=c.help, description=c.run.__doc__, add_help=False)
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
