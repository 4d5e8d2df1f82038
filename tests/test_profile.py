"""The profiler (``wasmvm.observe.profile``) and ``wasmvm run --profile``: calls, the
calling-context tree, self/total time and fuel, hot instructions, and the two file
formats, on both tiers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap
from wasmvm.observe.profile import Profiler

ROOT = Path(__file__).resolve().parent.parent
TIERS = ["compiled", "reference"]

PROGRAM = """
(module
  (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
  (func $mid (param i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get 0)))
      (local.set $s (i32.add (local.get $s) (call $leaf (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (local.get $s))
  (func $top (export "top") (param i32) (result i32)
    (i32.add (call $mid (local.get 0)) (call $leaf (i32.const 1))))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func $boom (export "boom") (param i32) (result i32)
    (if (local.get 0) (then (unreachable)))
    (call $leaf (local.get 0)))
)
"""


def _setup(tier: str, source=PROGRAM, fuel: bool = False):
    engine = Engine(Config(tier=tier, consume_fuel=fuel))
    store = Store(engine)
    if fuel:
        store.set_fuel(10_000_000)
    inst = Instance(store, Module(engine, source), [])
    return store, inst.exports(store)


def _node(prof, *names):
    node = prof.tree
    for name in names:
        node = next(c for c in node.children.values() if c.name == name)
    return node


@pytest.mark.parametrize("tier", TIERS)
def test_calls_and_the_calling_context_tree(tier):
    store, ex = _setup(tier)
    with Profiler(store) as prof:
        assert ex["top"](store, 10) == 3 * 45 + 3
        assert ex["top"](store, 4) == 3 * 6 + 3
    top = _node(prof, "top")
    assert top.calls == 2
    assert _node(prof, "top", "mid").calls == 2
    assert _node(prof, "top", "mid", "leaf").calls == 14  # 10 + 4, under mid
    assert _node(prof, "top", "leaf").calls == 2  # and 2 directly under top: two contexts
    by = {f.name: f for f in prof.functions()}
    assert by["leaf"].calls == 16 and by["mid"].calls == 2 and by["top"].calls == 2
    for node in prof.tree.walk():
        if node is not prof.tree:
            inner = sum(c.total_time for c in node.children.values())
            assert node.total_time >= node.self_time >= 0
            assert node.self_time == pytest.approx(node.total_time - inner, abs=1e-9)
    assert by["top"].total_time >= by["mid"].total_time
    assert not sys.getprofile()


@pytest.mark.parametrize("tier", TIERS)
def test_fuel_is_attributed_exactly(tier):
    store, ex = _setup(tier, fuel=True)
    before = store.get_fuel()
    with Profiler(store) as prof:
        ex["top"](store, 25)
    used = before - store.get_fuel()
    nodes = [n for n in prof.tree.walk() if n is not prof.tree]
    assert sum(n.self_fuel for n in nodes) == used
    assert _node(prof, "top").total_fuel == used
    leaf = _node(prof, "top", "mid", "leaf")
    assert leaf.self_fuel == leaf.total_fuel > 0


@pytest.mark.parametrize("tier", TIERS)
def test_a_recursive_function_counts_its_total_once(tier):
    store = Store(Engine(Config(tier=tier)))
    fac = Instance(store, Module.from_file(store.engine, ROOT / "fixtures/fac.wasm"),
                   []).exports(store)["fac_rec"]
    with Profiler(store) as prof:
        assert fac(store, 20) == 2432902008176640000
    [f] = [f for f in prof.functions() if f.index is not None]
    assert f.calls == 21
    assert f.total_time == pytest.approx(_node(prof, "fac_rec").total_time)
    assert f.self_time == pytest.approx(f.total_time, rel=1e-6)


@pytest.mark.parametrize("tier", TIERS)
def test_tail_calls_replace_the_caller(tier):
    store, ex = _setup(tier)
    with Profiler(store) as prof:
        assert ex["even"](store, 7) == 0
    # even -> odd -> even ... each return_call replaces its caller: all at the top level
    tops = {c.name: c.calls for c in prof.tree.children.values() if c.index is not None}
    assert tops == {"even": 4, "odd": 4}


@pytest.mark.parametrize("tier", TIERS)
def test_a_trap_leaves_the_profile_balanced(tier):
    store, ex = _setup(tier)
    with Profiler(store) as prof:
        with pytest.raises(Trap):
            ex["boom"](store, 1)
        assert ex["top"](store, 2) == 3 + 3
    assert {c.name for c in prof.tree.children.values() if c.index is not None} == {"boom", "top"}
    assert not prof._stack


def test_hot_instructions_on_the_reference_tier():
    store, ex = _setup("reference")
    with Profiler(store) as prof:
        ex["top"](store, 50)
    hot = prof.hot_instructions(3)
    assert all(h.count >= 50 for h in hot)
    assert {h.function for h in hot} <= {"mid", "leaf"}
    assert prof.instructions_counted > 50 * 10
    assert any("hot instructions" in line for line in prof.summary())


def test_the_compiled_tier_shows_its_translating():
    store, ex = _setup("compiled")
    with Profiler(store) as prof:
        ex["top"](store, 3)
    translating = [n for n in prof.tree.walk() if n.name == "(translating)"]
    assert translating and all(n.index is None for n in translating)
    assert prof.hot_instructions() == []  # the compiled tier counts no instructions
    with Profiler(store) as again:  # translated already
        ex["top"](store, 3)
    assert not [n for n in again.tree.walk() if n.name == "(translating)"]


def test_a_split_function_counts_one_call():
    body = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))\n" * 6000
    wat = (f'(module (func $big (export "big") (param i32) (result i32) {body} '
           f'(local.get 0)))')
    store, ex = _setup("compiled", wat)
    ex["big"](store, 0)  # translated (split into chunks) before profiling
    with Profiler(store) as prof:
        assert ex["big"](store, 1) == 6001
        assert ex["big"](store, 2) == 6002
    assert [(c.name, c.calls, len(c.children)) for c in prof.tree.children.values()] == [
        ("big", 2, 0)]


@pytest.mark.parametrize("tier", TIERS)
def test_the_file_formats(tier):
    store, ex = _setup(tier, fuel=True)
    with Profiler(store) as prof:
        ex["top"](store, 5)
    lines = prof.to_collapsed().splitlines()
    assert "top;mid;leaf" in {line.rsplit(" ", 1)[0] for line in lines}
    assert all(line.rsplit(" ", 1)[1].isdigit() for line in lines)
    doc = prof.to_speedscope("t")
    json.dumps(doc)
    names = [f["name"] for f in doc["shared"]["frames"]]
    assert {"top", "mid", "leaf"} <= set(names)
    time_profile, fuel_profile = doc["profiles"]
    for p in doc["profiles"]:
        assert p["type"] == "sampled" and len(p["samples"]) == len(p["weights"])
        assert all(0 <= i < len(names) for s in p["samples"] for i in s)
    assert sum(fuel_profile["weights"]) == fuel_profile["endValue"] > 0
    assert time_profile["unit"] == "microseconds"


def test_profiler_state_errors():
    store, ex = _setup("compiled")
    prof = Profiler(store).start()
    with pytest.raises(RuntimeError, match="already running"):
        prof.start()
    prof.stop()
    prof.stop()  # stopping twice is harmless
    assert not sys.getprofile()


def _run(*args):
    return subprocess.run([sys.executable, "-m", "wasmvm", "run", *args], cwd=ROOT,
                          capture_output=True, text=True)


@pytest.mark.parametrize("tier", TIERS)
def test_cli_run_profile(tmp_path, tier):
    src = tmp_path / "p.wat"
    src.write_text(PROGRAM)
    out = tmp_path / "prof.json"
    r = _run("--tier", tier, "--profile", str(out), "--invoke", "top", str(src), "7")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"i32:{3 * 21 + 3}"
    assert f"profile ({tier} tier): 3 functions" in r.stderr
    doc = json.loads(out.read_text())
    assert {"top", "mid", "leaf"} <= {f["name"] for f in doc["shared"]["frames"]}
    folded = tmp_path / "prof.folded"
    r = _run("--tier", tier, "--profile", str(folded), "--invoke", "top", str(src), "7")
    assert r.returncode == 0 and "top;mid;leaf " in folded.read_text()
    r = _run("--profile", str(tmp_path / "no/such/dir.json"), "--invoke", "top", str(src), "1")
    assert r.returncode == 0 and "cannot write" in r.stderr and "Traceback" not in r.stderr


def test_doctest_of_the_profile_module(monkeypatch):
    import doctest

    import wasmvm.observe.profile

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(wasmvm.observe.profile)
    assert result.attempted >= 4 and result.failed == 0
