"""``wasmvm spec``: run spec scripts through the runner and print a per-file table.

    spec_main(["core-2.0"])                         every script of the suite
    spec_main(["core-2.0/f32.wast:120,200-210"])    only the commands on those lines
    spec_main([], lines="12")                       every script, lines 12 only

A path is a ``.wast`` file or a folder of them (searched recursively), either as given or
relative to the testsuite (``WASMVM_TESTSUITE``, see ``convert.find_testsuite``); no path
means all of ``core-2.0``. ``FILE:LINES`` keeps only the commands on those lines of that
file (``LINES`` as for ``--spec-lines``: ``12,40,100-110``).

Each script is read natively (``wast.load_wast``: no external tool) unless ``converter``
is ``wasm-tools`` (``wasm-tools json-from-wast``, cached, then the JSON).

Output: one row per file (file, passed, failed, skipped, seconds), the failures as
``file:line: reason`` (the first ``failure_limit``, or all when ``verbose``) with the
command that reruns them, and a last line that is exactly
``N passed, M failed, K skipped``. Exit status 0 if nothing failed, else 1 (also 1, with
a message on ``err``, when the scripts cannot be found or converted).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import CheckResult, parse_line_selection
from .commands import load_converted
from .convert import (
    Converted,
    SpecSetupError,
    convert,
    convert_many,
    display_name,
    find_testsuite,
    find_wasm_tools,
    suite_files,
)
from .runner import run_script, script_config
from .wast import load_wast

DEFAULT_SUITE = "core-2.0"
#: how ``spec_main`` reads a script: itself, or through wasm-tools json-from-wast
CONVERTERS = ("native", "wasm-tools")
FAILURE_LIMIT = 50

_WITH_LINES = re.compile(r"^(?P<path>.+\.wast):(?P<lines>[0-9][0-9,\- ]*)$")


@dataclass
class FileResult:
    name: str
    results: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(r.outcome == outcome for r in self.results)


class _UsageError(Exception):
    pass


def _resolve(text: str) -> Path:
    path = Path(text).expanduser()
    if path.exists():
        return path
    try:
        in_suite = find_testsuite() / text
    except SpecSetupError:
        in_suite = None
    if in_suite is not None and in_suite.exists():
        return in_suite
    raise _UsageError(f"no such file or folder: {text}")


def select_scripts(paths: list[str], lines: str | None = None
                   ) -> list[tuple[Path, frozenset[int] | None]]:
    """``(wast, lines)`` for every script the arguments name, in order, without repeats."""
    default = parse_line_selection(lines)
    chosen: dict[Path, frozenset[int] | None] = {}
    if not paths:
        for wast in suite_files(DEFAULT_SUITE):
            chosen[wast.resolve()] = default
    for text in paths:
        selection = default
        m = _WITH_LINES.match(text)
        if m and not Path(text).exists():
            text, selection = m["path"], parse_line_selection(m["lines"])
        path = _resolve(text)
        wasts = sorted(path.rglob("*.wast")) if path.is_dir() else [path]
        if not wasts:
            raise _UsageError(f"no .wast files in {text}")
        for wast in wasts:
            chosen[wast.resolve()] = selection
    return list(chosen.items())


def _run_one(converted: Converted | SpecSetupError | None, wast: Path,
             lines: frozenset[int] | None, verbose: bool, tier: str = "compiled",
             engine=None) -> FileResult:
    """One script's results (``converted`` None: read the ``.wast`` natively); a script
    that cannot be converted, read or run at all is one failure at its line 0, never the
    end of the run. ``engine``: run it with ``engine(script, wast, lines)`` (another
    engine, ``difftest.adapters.script_runner``) instead of wasmvm's runner."""
    from .runner import describe

    start = time.perf_counter()
    name = display_name(wast)
    try:
        if isinstance(converted, SpecSetupError):
            raise converted
        script = load_wast(wast) if converted is None else load_converted(converted)
        name = script.name
        if engine is not None:
            results = engine(script, wast, lines)
        else:
            results = run_script(script, lines, verbose=verbose,
                                 config=script_config(script, tier))
    except Exception as e:  # noqa: BLE001 - reported as this script's failure
        results = [CheckResult(f"{name}:0", "failed", f"script not run: {describe(e)}")]
    return FileResult(name, results, time.perf_counter() - start)


def _run_all(jobs_: list[tuple[Converted | SpecSetupError | None, Path, frozenset[int] | None]],
             verbose: bool, jobs: int, tier: str, engine=None) -> Iterator[FileResult]:
    if jobs <= 1 or len(jobs_) <= 1:
        for converted, wast, lines in jobs_:
            yield _run_one(converted, wast, lines, verbose, tier, engine)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(_run_one, c, wast, lines, verbose, tier, engine)
                   for c, wast, lines in jobs_]
        for (_, wast, _), future in zip(jobs_, futures):
            try:
                yield future.result()
            except Exception as e:  # noqa: BLE001 - a worker died (e.g. out of memory)
                name = display_name(wast)
                yield FileResult(name, [CheckResult(f"{name}:0", "failed",
                                                    f"worker failed: {type(e).__name__}: {e}")])


def _default_jobs(verbose: bool) -> int:
    if verbose:  # spectest prints would interleave
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def spec_main(paths: list[str], verbose: bool = False, lines: str | None = None,
              jobs: int | None = None, out: TextIO | None = None, err: TextIO | None = None,
              failure_limit: int = FAILURE_LIMIT, tier: str = "compiled",
              converter: str = "native", engine=None, engine_name: str | None = None) -> int:
    """Run the scripts ``paths`` name and print the report; the exit status.
    ``converter``: ``native`` reads each ``.wast`` itself (``wast.load_wast``, no
    external tool); ``wasm-tools`` converts it with ``wasm-tools json-from-wast``
    (cached) and reads the JSON. ``engine`` (picklable ``engine(script, wast, lines)``,
    see ``_run_one``) runs the scripts on another engine, named ``engine_name`` in the
    report: its conformance, judged by outcomes (``script.adapter``)."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        if converter not in CONVERTERS:
            raise ValueError(f"unknown converter {converter!r} (use {' or '.join(CONVERTERS)})")
        selected = select_scripts(paths, lines)
        if converter == "native":
            converted: list[Converted | SpecSetupError | None] = [None] * len(selected)
        else:
            find_wasm_tools()
            converted = _convert_each([wast for wast, _ in selected])
    except (SpecSetupError, _UsageError, ValueError) as e:
        print(f"error: {e}", file=err)
        return 1
    todo = [(c, wast, sel) for c, (wast, sel) in zip(converted, selected)]
    width = max([len(display_name(wast)) for _, wast, _ in todo] + [4])
    print(f"{'file':<{width}}  {'passed':>7}  {'failed':>7}  {'skipped':>7}  {'seconds':>7}",
          file=out)
    files: list[FileResult] = []
    start = time.perf_counter()
    if engine_name is not None:
        print(f"engine: {engine_name} (outcomes judged, not error wording: see "
              "wasmvm.script.adapter)", file=out)
    for fr in _run_all(todo, verbose, jobs or _default_jobs(verbose), tier, engine):
        files.append(fr)
        print(f"{fr.name:<{width}}  {fr.count('passed'):>7}  {fr.count('failed'):>7}  "
              f"{fr.count('skipped'):>7}  {fr.seconds:>7.2f}", file=out, flush=True)
    elapsed = time.perf_counter() - start
    _print_failures(files, out, None if verbose else failure_limit)
    passed, failed, skipped = (sum(fr.count(k) for fr in files)
                               for k in ("passed", "failed", "skipped"))
    print(f"{len(files)} files in {elapsed:.1f}s", file=out)
    if engine_name is not None and passed + failed:
        print(f"{engine_name}: {100 * passed / (passed + failed):.1f}% of the counted "
              "commands pass", file=out)
    print(f"{passed} passed, {failed} failed, {skipped} skipped", file=out)
    return 1 if failed else 0


def _convert_each(wasts: list[Path]) -> list[Converted | SpecSetupError | None]:
    """Each script converted, or the error that converting it gave (that script fails;
    the others run)."""
    try:
        return list(convert_many(wasts))
    except SpecSetupError:
        out: list[Converted | SpecSetupError | None] = []
        for wast in wasts:
            try:
                out.append(convert(wast))
            except SpecSetupError as e:
                out.append(e)
        return out


def _print_failures(files: list[FileResult], out: TextIO, limit: int | None) -> None:
    failures = [r for fr in files for r in fr.results if r.outcome == "failed"]
    if not failures:
        return
    print(f"\nfailures ({len(failures)}):", file=out)
    shown = failures if limit is None else failures[:limit]
    for r in shown:
        print(f"{r.where}: {r.reason}", file=out)
    if len(shown) < len(failures):
        print(f"... and {len(failures) - len(shown)} more (--verbose lists all)", file=out)
    print("rerun:", file=out)
    for fr in files:
        lines = [r.where.rsplit(":", 1)[1] for r in fr.results if r.outcome == "failed"]
        if lines:
            print(f"  wasmvm spec {fr.name}:{_ranges(lines)}", file=out)
    print(file=out)


def _ranges(lines: list[str]) -> str:
    """``["3", "4", "5", "9"]`` -> ``3-5,9``."""
    nums = sorted({int(n) for n in lines})
    parts = []
    start = prev = nums[0]
    for n in nums[1:] + [None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ",".join(parts)
