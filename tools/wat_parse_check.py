"""Check wasmvm's WAT parser against wasm-tools on every binary module of the spec suite.

For each module: ``wasm-tools print`` gives its text; ``wasmvm.wat.wat2wasm`` of that
text must give the same bytes as ``wasm-tools parse`` of it, custom sections stripped
from both (wasm-tools writes a ``name`` section for the text's identifiers). Modules that
wasm-tools cannot print (malformed ones) are not counted.

    python tools/wat_parse_check.py [--suite core-2.0 --suite core-3.0] [--jobs 2]
        [--show 10] [--folded] [--only NAME] [--per-file K]

Prints "N modules: M identical, K differ, E errors" and the first differences.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wasmvm.binary.decode import decode_module  # noqa: E402
from wasmvm.binary.encode import encode_module  # noqa: E402
from wasmvm.errors import WasmError  # noqa: E402
from wasmvm.script.convert import convert, find_testsuite, find_wasm_tools, suite_files  # noqa: E402
from wasmvm.wat.parser import wat2wasm  # noqa: E402


def strip_customs(data: bytes) -> bytes:
    m = decode_module(data)
    m.customs = []
    return encode_module(m)


def check(exe: str, wasm: Path, folded: bool) -> tuple[str, str]:
    args = [exe, "print", str(wasm)] + (["--fold-instructions"] if folded else [])
    p = subprocess.run(args, capture_output=True)
    if p.returncode:
        return "skip", ""
    text = p.stdout
    with tempfile.NamedTemporaryFile(suffix=".wat") as f:
        f.write(text)
        f.flush()
        q = subprocess.run([exe, "parse", f.name], capture_output=True)
    if q.returncode:
        return "skip", ""
    try:
        want = strip_customs(q.stdout)
    except WasmError:
        return "skip", ""
    try:
        got = strip_customs(wat2wasm(text))
    except WasmError as e:
        return "error", f"{wasm.name}: {type(e).__name__}: {e}"
    except Exception as e:  # a bug: report it, keep going
        return "error", f"{wasm.name}: BUG {type(e).__name__}: {e}"
    if got != want:
        return "differ", f"{wasm.name}: {len(got)} bytes vs {len(want)}"
    return "same", ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", action="append")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--show", type=int, default=15)
    ap.add_argument("--folded", action="store_true", help="print folded (wasm-tools print -f)")
    ap.add_argument("--only", help="only scripts whose name contains this")
    ap.add_argument("--per-file", type=int, default=0,
                    help="at most this many modules of each script (0: all)")
    args = ap.parse_args(argv)
    exe = find_wasm_tools()
    suites = args.suite or ["core-2.0", "core-3.0"]
    testsuite = find_testsuite()
    wasms: list[Path] = []
    for suite in suites:
        for wast in suite_files(suite, testsuite):
            if args.only and args.only not in wast.name:
                continue
            conv = convert(wast)
            found = sorted(conv.wasm_dir.glob("*.wasm"))
            wasms.extend(found[:args.per_file] if args.per_file else found)
    counts = {"same": 0, "differ": 0, "error": 0, "skip": 0}
    shown: list[str] = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for kind, msg in pool.map(lambda w: check(exe, w, args.folded), wasms):
            counts[kind] += 1
            if msg and len(shown) < args.show:
                shown.append(f"{kind}: {msg}")
    n = counts["same"] + counts["differ"] + counts["error"]
    print(f"{n} modules: {counts['same']} identical, {counts['differ']} differ, "
          f"{counts['error']} errors ({counts['skip']} not printable by wasm-tools)")
    for line in shown:
        print("  " + line)
    return 0 if n == counts["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
