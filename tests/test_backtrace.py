"""Bounded backtraces: a trap deep in a recursion reports its offset, the innermost and
the outermost frames and how many were left out, in the API (``Trap.frames``,
``str(trap)``), the CLI and the web service alike, on both tiers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode
from wasmvm.errors import BACKTRACE_INNER, BACKTRACE_OUTER

ROOT = Path(__file__).resolve().parent.parent
FAC = ROOT / "fixtures" / "fac.wasm"
#: fac_rec's recursive `call 0` (wat2wasm output of fixtures/fac.wat); wasmtime reports
#: the same offset for its stack overflow
CALL_OFFSET = 0x41
KEEP = BACKTRACE_OUTER + BACKTRACE_INNER


def call(tier: str, depth: int | None, export: str, *args):
    config = Config(tier=tier) if depth is None else Config(tier=tier, max_call_depth=depth)
    store = Store(Engine(config))
    module = Module.from_file(store.engine, str(FAC))
    return store, Instance(store, module, []).exports(store)[export], args


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_stack_overflow_is_located_and_bounded(tier):
    store, fac, _ = call(tier, 1_000, "fac_rec")
    with pytest.raises(Trap) as info:
        fac(store, -1)
    trap = info.value
    assert trap.code is TrapCode.STACK_OVERFLOW
    assert trap.offset == CALL_OFFSET
    assert len(trap.frames) == KEEP
    assert trap.frames_elided == 1_000 - KEEP
    assert all(f.name == "fac_rec" for f in trap.frames)
    text = str(trap)
    lines = text.splitlines()
    assert lines[0] == f"call stack exhausted (at offset 0x{CALL_OFFSET:x})"
    assert lines[1] == "wasm backtrace:"
    assert f"  … {1_000 - KEEP:,} frames elided …" in lines
    assert len(lines) == 2 + KEEP + 1
    # innermost first: the elision sits BACKTRACE_OUTER lines from the end
    assert lines[-1 - BACKTRACE_OUTER] == f"  … {1_000 - KEEP:,} frames elided …"


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_a_shallow_backtrace_is_whole(tier):
    store, fac, _ = call(tier, 12, "fac_rec")
    with pytest.raises(Trap) as info:
        fac(store, -1)
    trap = info.value
    assert trap.offset == CALL_OFFSET and trap.frames_elided == 0
    assert len(trap.frames) == 12
    assert "elided" not in str(trap)


def test_bounding_keeps_both_ends_in_order():
    trap = Trap(TrapCode.UNREACHABLE)
    trap.set_frames(list(range(100)))
    assert trap.frames == [*range(BACKTRACE_OUTER), *range(100 - BACKTRACE_INNER, 100)]
    assert trap.frames_elided == 100 - KEEP
    lines = trap.backtrace_lines()
    assert lines[0] == "in 99" and lines[-1] == "in 0"
    # compiled callers found later go in front; the count stays exact
    trap.prepend_frames(["a", "b"])
    assert trap.frames[:BACKTRACE_OUTER] == ["a", "b", 0, 1, 2]
    assert trap.frames[BACKTRACE_OUTER:] == list(range(100 - BACKTRACE_INNER, 100))
    assert trap.frames_elided == 102 - KEEP
    small = Trap(TrapCode.UNREACHABLE)
    small.set_frames(["g"])
    small.prepend_frames(["f"])
    assert small.frames == ["f", "g"] and small.frames_elided == 0


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_cli_prints_a_bounded_backtrace(tier):
    out = subprocess.run([sys.executable, "-m", "wasmvm", "invoke", "--tier", tier, str(FAC),
                          "fac_rec", "--", "-1"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert lines[0] == f"trap: call stack exhausted at offset 0x{CALL_OFFSET:x}"
    assert len(lines) <= 1 + KEEP + 1, out.stderr[:2000]
    elided = [ln for ln in lines if "frames elided" in ln]
    assert len(elided) == 1 and elided[0].strip().startswith("… ")
    assert lines[1].strip() == "in fac_rec" and lines[-1].strip() == "in fac_rec"


def test_web_reports_the_same_backtrace():
    pytest.importorskip("fastapi")
    pytest.importorskip("multipart")
    import base64

    from fastapi.testclient import TestClient

    from wasmvm.web.app import create_app
    from wasmvm.web.assets import Settings
    from wasmvm.web.limits import Limits

    settings = Settings(limits=Limits(), pyodide_dir=None, fixtures_dir=ROOT / "fixtures")
    with TestClient(create_app(settings)) as client:
        r = client.post("/api/invoke", json={"module": base64.b64encode(FAC.read_bytes()).decode(),
                                             "export": "fac_rec", "args": ["-1"]})
    assert r.status_code == 200
    trap = r.json()["trap"]
    depth = Limits().max_call_depth
    assert trap["code"] == "STACK_OVERFLOW" and trap["offset"] == CALL_OFFSET
    assert trap["frames_elided"] == depth - KEEP
    assert len(trap["backtrace"]) == KEEP + 1
    assert trap["backtrace"][BACKTRACE_INNER] == f"… {depth - KEEP:,} frames elided …"
