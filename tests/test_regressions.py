"""Replay every divergence ever found (fixtures/regressions/NAME.wasm + NAME.json, written by
tools/fuzz.py or by hand; see wasmvm/difftest/reduce.py) on wasmvm and on wasmtime.

A regression whose status is "fixed" must agree. One whose status is "open" (a wasmvm bug
not fixed yet) or "wasmtime-bug" (documented, wasmtime is wrong) is a strict xfail: when
it starts to agree the test fails, asking for the status to be updated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wasmvm.difftest.engines import wasmtime_available

REGRESSIONS = Path(__file__).resolve().parent.parent / "fixtures" / "regressions"
NOTES = sorted(REGRESSIONS.glob("*.json"))
STATUSES = ("open", "fixed", "wasmtime-bug")

pytestmark = pytest.mark.skipif(not wasmtime_available(), reason="wasmtime not installed")


def _params():
    for path in NOTES:
        note = json.loads(path.read_text())
        marks = []
        if note.get("status") != "fixed":
            reason = f"{note.get('status')}: {note.get('note') or note.get('summary')}"
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        yield pytest.param(path, marks=marks, id=path.stem)


def test_notes_are_complete():
    for path in NOTES:
        note = json.loads(path.read_text())
        assert note.get("status") in STATUSES, f"{path.name}: status must be one of {STATUSES}"
        assert path.with_suffix(".wasm").exists(), f"{path.name}: no {path.stem}.wasm"
        assert note.get("note") or note.get("summary"), f"{path.name}: say what went wrong"
    stray = {p.stem for p in REGRESSIONS.glob("*.wasm")} - {p.stem for p in NOTES}
    assert not stray, f"regressions without a .json note: {sorted(stray)}"


@pytest.mark.parametrize("path", list(_params()))
def test_regression(path):
    from wasmvm.difftest.reduce import load_regression
    from wasmvm.difftest.run import diff_module

    note, wasm, calls, options = load_regression(path)
    report = diff_module(wasm, calls, options, name=path.stem)
    assert not report.divergences, report.format()
