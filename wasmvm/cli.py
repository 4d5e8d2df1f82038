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
import inspect
import os
import re
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
    epilog: str | None = None


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, *arguments: Arg, epilog: str | None = None):  # noqa: A002
    """Register ``fn(args) -> int`` as the subcommand ``name``; its docstring is the
    subcommand's description in ``--help``, and ``epilog`` (indented lines kept as
    written) comes after the list of arguments."""

    def register(fn: Callable[[argparse.Namespace], int]):
        COMMANDS[name] = Command(name, help, arguments, fn, epilog)
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
    from .text.annotate import annotate, format_annotations

    data = read_input(args.file)
    modes = [m for m in DUMP_MODES if getattr(args, m)] or ["headers"]
    filename = "<stdin>" if args.file == "-" else Path(args.file).name
    try:
        module = decode_module(data)
    except MalformedError:
        _dump_partial(data, modes, filename)
        raise
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


def _dump_partial(data: bytes, modes: list[str], filename: str) -> None:
    """What ``dump`` still shows of a module it cannot decode: the section headers and
    the details of every section that decodes (when the framing holds), the annotated
    bytes up to the bad one. The decoder's error follows."""
    from .binary.decode import decode_partial
    from .text import format_details, format_headers
    from .text.annotate import annotate_partial, format_annotations

    try:
        module, failed = decode_partial(data)
    except MalformedError:
        module = failed = None
    views = []
    if module is not None and "headers" in modes:
        views.append(format_headers(data, module, filename))
    if module is not None and "details" in modes:
        views.append(format_details(data, module, failed))
    if "annotate" in modes:
        views.append(format_annotations(annotate_partial(data)[0], len(data)))
    for i, lines in enumerate(views):
        if i:
            write_lines([""])
        write_lines(lines)


def _annotate_valid(annotate, data: bytes):
    try:
        return annotate(data)
    except MalformedError as e:  # the decoder accepted these bytes: a bug in wasmvm
        raise InternalError(f"the annotator rejects a module the decoder accepts: {e}") from e


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
  funcref, externref
              null  (the only reference a command line can give)"""


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
        # innermost first, as backtraces read; the middle of a deep one elided
        return "\n".join([f"trap: {e.message}{where}", *("  " + ln for ln in e.backtrace_lines())])
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
    _load_command_modules()
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
