"""``wasmvm dump``: how a binary module is encoded (``wasmvm.binary``, ``wasmvm.text``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InternalError, MalformedError
from .registry import arg, command, read_input, write_lines

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
    from ..binary import decode_module
    from ..text import format_details, format_disassembly, format_headers
    from ..text.annotate import annotate, format_annotations

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
    from ..binary.decode import decode_partial
    from ..text import format_details, format_headers
    from ..text.annotate import annotate_partial, format_annotations

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
