"""Round trip of the WAT printer against wasm-tools, over the spec suite's binary modules.

    python tools/wat_roundtrip.py [--flat | --folded] [--suite core-2.0 --suite core-3.0]
        [-v] [WAST ...]

For every binary module of the converted spec scripts (``wasmvm.script.convert``) that
``wasmvm.binary.decode_module`` accepts, it compares

    wasm-tools parse (wasmvm.wat.print_module(module))       ours
    wasm-tools parse (wasm-tools print module.wasm)           the oracle

with custom sections stripped from both, and prints ``N modules, M identical`` for the
flat and the folded text (and every module that differs or fails, with why). The
oracle's bytes are cached by the module's SHA-256 and the wasm-tools version under
``.cache/wat-roundtrip`` (gitignored). Texts are parsed in batches: one ``wasm-tools
json-from-wast`` per batch of ``(module ...)`` texts, and one at a time only for a batch
that fails. Exit status 0 when every module is identical.

``roundtrip_modes(paths, modes)`` is what ``tests/test_wat_print.py`` calls.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from wasmvm.binary import decode_module  # noqa: E402
from wasmvm.binary.reader import u32 as read_u32  # noqa: E402
from wasmvm.errors import WasmError  # noqa: E402
from wasmvm.script.convert import (  # noqa: E402
    convert_many,
    find_wasm_tools,
    suite_files,
    wasm_tools_version,
)
from wasmvm.wat.printer import print_module  # noqa: E402

BATCH = 64
CACHE = ROOT / ".cache" / "wat-roundtrip"


def strip_customs(data: bytes) -> bytes:
    """The module without its custom sections (id 0)."""
    out = bytearray(data[:8])
    pos = 8
    while pos < len(data):
        sid = data[pos]
        size, after = read_u32(data, pos + 1)
        end = after + size
        if sid != 0:
            out += data[pos:end]
        pos = end
    return bytes(out)


@dataclass
class Result:
    modules: int = 0
    identical: int = 0
    differ: list[str] = field(default_factory=list)
    oracle_failed: list[str] = field(default_factory=list)
    skipped_malformed: int = 0

    def line(self) -> str:
        return f"{self.modules} modules, {self.identical} identical"


def binary_modules(converted) -> list[Path]:
    """The .wasm files of a converted script's binary modules (every command kind)."""
    commands = json.loads(converted.json_path.read_text())["commands"]
    return [converted.wasm_dir / c["filename"] for c in commands
            if c.get("module_type", "binary") == "binary"
            and str(c.get("filename", "")).endswith(".wasm")]


def _run(cmd: list[str], data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, input=data, capture_output=True, check=False)


def _cached(data: bytes) -> Path:
    version = wasm_tools_version(find_wasm_tools()).encode()
    key = hashlib.sha256(version + b"\0" + data).hexdigest()
    return CACHE / f"{key}.wasm"


def oracles(exe: str, modules: list[tuple[Path, bytes]]) -> list[bytes | str]:
    """For each module, wasm-tools parse of wasm-tools print, stripped, or the error
    text: from the cache, else one ``print`` per module and one batched parse."""
    out: list[bytes | str | None] = []
    todo: list[tuple[int, str]] = []
    for path, data in modules:
        cached = _cached(data)
        if cached.is_file():
            out.append(cached.read_bytes())
            continue
        printed = _run([exe, "print", str(path)])
        if printed.returncode:
            out.append("wasm-tools print: " + printed.stderr.decode(errors="replace").strip())
            continue
        out.append(None)
        todo.append((len(out) - 1, printed.stdout.decode()))
    if todo:
        parsed = parse_texts(exe, [text for _, text in todo])
        CACHE.mkdir(parents=True, exist_ok=True)
        for (i, _), result in zip(todo, parsed, strict=True):
            out[i] = result
            if isinstance(result, bytes):
                cached = _cached(modules[i][1])
                tmp = cached.with_suffix(f".{id(result)}.tmp")
                tmp.write_bytes(result)
                tmp.replace(cached)
    return out


def parse_texts(exe: str, texts: list[str]) -> list[bytes | str]:
    """wasm-tools parse of each text (stripped), batched through json-from-wast."""
    with tempfile.TemporaryDirectory(prefix="wat-rt-") as tmp:
        wast = Path(tmp) / "batch.wast"
        wast.write_text("\n".join(texts))
        proc = _run([exe, "json-from-wast", str(wast), "-o", str(Path(tmp) / "b.json"),
                     "--wasm-dir", tmp + "/"])
        if proc.returncode == 0:
            commands = json.loads((Path(tmp) / "b.json").read_text())["commands"]
            files = [c["filename"] for c in commands if c["type"] == "module"]
            if len(files) == len(texts):
                return [strip_customs((Path(tmp) / f).read_bytes()) for f in files]
    out: list[bytes | str] = []
    for text in texts:  # one at a time, to tell which one fails
        proc = _run([exe, "parse", "-"], text.encode())
        out.append(strip_customs(proc.stdout) if proc.returncode == 0 else
                   "wasm-tools parse: "
                   + proc.stderr.decode(errors="replace").strip())
    return out


def roundtrip(wasts, folded: bool = False, jobs: int = 2) -> Result:
    """Compare our printer with wasm-tools on every decodable binary module of the
    scripts ``wasts``, printed flat or ``folded``."""
    return roundtrip_modes(wasts, (folded,), jobs)[folded]


def _print(module, folded: bool) -> str:
    try:
        return print_module(module, folded=folded)
    except Exception as e:  # noqa: BLE001 - a printer bug, reported per module
        return f"print_module raised {type(e).__name__}: {e}"


def roundtrip_modes(wasts, modes=(False, True), jobs: int = 2) -> dict[bool, Result]:
    """``roundtrip`` for several modes (folded False/True) at once: each module is
    decoded once, and its texts of every mode are parsed in the same batches."""
    exe = find_wasm_tools()
    results = {folded: Result() for folded in modes}
    items: list[tuple[Path, list[str], bytes]] = []
    for converted in convert_many(wasts):
        for path in binary_modules(converted):
            data = path.read_bytes()
            try:
                module = decode_module(data)
            except WasmError:
                for result in results.values():
                    result.skipped_malformed += 1
                continue
            items.append((path, [_print(module, folded) for folded in modes], data))
    batches = [items[i:i + BATCH] for i in range(0, len(items), BATCH)]

    def run_batch(batch):
        texts = [t for _, ts, _ in batch for t in ts if t.startswith("(module")]
        parsed = iter(parse_texts(exe, texts)) if texts else iter(())
        refs = oracles(exe, [(path, data) for path, _, data in batch])
        rows = []
        for (path, ts, _), ref in zip(batch, refs, strict=True):
            ours = [next(parsed) if t.startswith("(module") else t for t in ts]
            rows.append((path, ours, ref))
        return rows

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for rows in pool.map(run_batch, batches):
            for path, ours, ref in rows:
                name = f"{path.parent.name.rsplit('-', 1)[0]}/{path.name}"
                for folded, mine in zip(modes, ours, strict=True):
                    result = results[folded]
                    if isinstance(ref, str):
                        result.oracle_failed.append(f"{name}: {ref}")
                        continue
                    result.modules += 1
                    if mine == ref:
                        result.identical += 1
                    else:
                        why = mine if isinstance(mine, str) else "bytes differ"
                        result.differ.append(f"{name}: {why}")
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wasts", nargs="*", help=".wast files (default: the suites)")
    ap.add_argument("--suite", action="append", help="core-2.0, core-3.0 (default: both)")
    ap.add_argument("--folded", action="store_true", help="folded expressions only")
    ap.add_argument("--flat", action="store_true", help="flat instructions only")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every difference")
    args = ap.parse_args(argv)
    wasts = [Path(w) for w in args.wasts]
    if not wasts:
        for suite in args.suite or ["core-2.0", "core-3.0"]:
            wasts += suite_files(suite)
    modes = (True,) if args.folded else (False,) if args.flat else (False, True)
    results = roundtrip_modes(wasts, modes, jobs=args.jobs)
    status = 0
    for folded, result in results.items():
        mode = "folded" if folded else "flat"
        shown = result.differ if args.verbose else result.differ[:20]
        for line in shown:
            print(f"DIFFERS ({mode})", line[:300])
        if len(shown) < len(result.differ):
            print(f"... and {len(result.differ) - len(shown)} more (-v lists them)")
        for line in result.oracle_failed:
            print("ORACLE FAILED", line[:300])
        print(f"{mode}: {result.line()} ({result.skipped_malformed} malformed skipped, "
              f"{len(result.oracle_failed)} that wasm-tools cannot print)")
        if result.identical != result.modules:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
