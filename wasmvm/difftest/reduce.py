"""Reducing a divergence to a small test case, and keeping it as a regression test.

    calls = minimize_calls(wasm, calls, kind, options)   # fewest calls that still diverge
    small = shrink(wasm, calls, kind, options)            # wasm-tools shrink, same predicate
    save_regression("name", small, calls, report, found_by="...")

The predicate ("still interesting") is: running the calls on both engines gives at least
one divergence of the same kind (not explained by a known bug). ``wasm-tools shrink``
calls a predicate script with a candidate module; ours is
``python -m wasmvm.difftest.reduce --predicate SPEC.json CANDIDATE.wasm``, exit 0 when the
candidate still diverges. Calls to exports the shrinker removed or changed are skipped.

A regression is ``fixtures/regressions/NAME.wasm`` and ``NAME.json``: the calls, the
divergence as it was found, the module's text, and a ``status``: "open" (a wasmvm bug not
fixed yet: the test is a strict xfail), "fixed" (must agree), or "wasmtime-bug" (wasmtime
is wrong: documented and kept as a strict xfail).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

from .run import Call, DiffOptions, ModuleReport, diff_module

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = ROOT / "fixtures" / "regressions"

__all__ = ["still_diverges", "minimize_calls", "shrink", "save_regression", "REGRESSIONS"]


def _options_to_json(options: DiffOptions) -> dict:
    data = asdict(options)
    data["tiers"] = list(options.tiers)
    if options.reset_global is not None:
        name, v = options.reset_global
        data["reset_global"] = [name, v.type, v.bits]
    return data


def _options_from_json(data: dict) -> DiffOptions:
    from .values import DiffVal

    data = dict(data)
    data["tiers"] = tuple(data["tiers"])
    if data.get("reset_global") is not None:
        name, t, bits = data["reset_global"]
        data["reset_global"] = (name, DiffVal(t, bits))
    return DiffOptions(**data)


def still_diverges(wasm: bytes, calls: list[Call] | None, kind: str | None,
                   options: DiffOptions, known: bool = True) -> ModuleReport | None:
    """The report if ``wasm`` still shows a divergence of ``kind`` (any kind if None) that
    no known bug explains (``known=False``: known bugs count too)."""
    from .known import triage

    try:
        report = diff_module(wasm, calls, options)
        if known:
            triage(report, wasm)
    except Exception:  # noqa: BLE001 - a candidate the harness cannot even run
        return None
    if any(kind is None or d.kind == kind for d in report.divergences):
        return report
    return None


def minimize_calls(wasm: bytes, calls: list[Call], kind: str | None,
                   options: DiffOptions, known: bool = True) -> list[Call]:
    """The calls up to the first divergence, then without each earlier call that is not
    needed (one pass, from the last one back)."""
    report = still_diverges(wasm, calls, kind, options, known)
    if report is None:
        return calls
    if report.first_divergent_call is not None:
        calls = calls[: report.first_divergent_call + 1]
    i = len(calls) - 2
    while i >= 0:
        candidate = calls[:i] + calls[i + 1:]
        if still_diverges(wasm, candidate, kind, options, known):
            calls = candidate
        i -= 1
    return calls


def shrink(wasm: bytes, calls: list[Call] | None, kind: str | None, options: DiffOptions,
           attempts: int = 500, wasm_tools: str | None = None, known: bool = True) -> bytes:
    """``wasm-tools shrink`` with the divergence as the predicate; ``wasm`` unchanged if the
    tool is missing or finds nothing smaller."""
    from .smith import find_wasm_tools

    tool = wasm_tools or find_wasm_tools()
    if tool is None:
        return wasm
    spec = {"kind": kind, "calls": None if calls is None else [c.to_json() for c in calls],
            "options": _options_to_json(options), "known": known}
    out = shrink_with("wasmvm.difftest.reduce", spec, wasm, attempts, tool)
    return wasm if out is None else out


def shrink_with(predicate_module: str, spec: dict, wasm: bytes, attempts: int,
                tool: str) -> bytes | None:
    """Run ``wasm-tools shrink`` on ``wasm`` with the predicate ``python -m
    predicate_module --predicate SPEC.json CANDIDATE`` (exit 0: still interesting), with
    ``spec`` written to SPEC.json; the smallest module it found, or None when it found
    nothing (or refused the module: it takes valid modules only)."""
    with tempfile.TemporaryDirectory(prefix="wasmvm-shrink-") as tmp:
        d = Path(tmp)
        (d / "spec.json").write_text(json.dumps(spec))
        script = d / "predicate.sh"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m {predicate_module} '
                          f'--predicate "{d / "spec.json"}" "$1"\n')
        script.chmod(0o755)
        (d / "in.wasm").write_bytes(wasm)
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        proc = subprocess.run([tool, "shrink", str(script), str(d / "in.wasm"), "-o",
                               str(d / "out.wasm"), "--attempts", str(attempts)],
                              capture_output=True, env=env, stdin=subprocess.DEVNULL)
        out = d / "out.wasm"
        if proc.returncode != 0 or not out.exists():
            return None
        return out.read_bytes()


def wat_text(wasm: bytes) -> str | None:
    from .smith import find_wasm_tools

    tool = find_wasm_tools()
    if tool is None:
        return None
    proc = subprocess.run([tool, "print", "-"], input=wasm, capture_output=True)
    return proc.stdout.decode() if proc.returncode == 0 else None


def save_regression(name: str, wasm: bytes, calls: list[Call] | None, report: ModuleReport,
                    found_by: str, options: DiffOptions, status: str = "open",
                    directory: Path = REGRESSIONS) -> Path:
    """Write ``NAME.wasm`` and ``NAME.json`` (see the module docstring); the json path."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.wasm").write_bytes(wasm)
    note = {
        "name": name,
        "status": status,
        "summary": f"{report.divergences[0].kind}: {report.divergences[0].where}"
                   if report.divergences else "",
        "found_by": found_by,
        "date": date.today().isoformat(),
        "kind": report.divergences[0].kind if report.divergences else None,
        "calls": None if calls is None else [c.to_json() for c in calls],
        "options": {k: v for k, v in _options_to_json(options).items()
                    if k in ("fuel", "tiers", "reset_global", "nan_exact", "fuel_mode")},
        "divergences": [str(d) for d in report.divergences[:10]],
        "wat": wat_text(wasm),
    }
    path = directory / f"{name}.json"
    path.write_text(json.dumps(note, indent=2) + "\n")
    return path


def load_regression(path: Path) -> tuple[dict, bytes, list[Call] | None, DiffOptions]:
    note = json.loads(path.read_text())
    wasm = path.with_suffix(".wasm").read_bytes()
    calls = None if note.get("calls") is None else [Call.from_json(c) for c in note["calls"]]
    options = DiffOptions()
    for key, value in (note.get("options") or {}).items():
        if key == "tiers":
            options.tiers = tuple(value)
        elif key == "reset_global" and value is not None:
            from .values import DiffVal

            options.reset_global = (value[0], DiffVal(value[1], value[2]))
        else:
            setattr(options, key, value)
    return note, wasm, calls, options


def _predicate_main(spec_path: str, candidate: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    calls = None if spec["calls"] is None else [Call.from_json(c) for c in spec["calls"]]
    options = _options_from_json(spec["options"])
    wasm = Path(candidate).read_bytes()
    return 0 if still_diverges(wasm, calls, spec["kind"], options, spec.get("known", True)) else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--predicate":
        sys.exit(_predicate_main(sys.argv[2], sys.argv[3]))
    print("usage: python -m wasmvm.difftest.reduce --predicate SPEC.json CANDIDATE.wasm",
          file=sys.stderr)
    sys.exit(2)
