"""``wasmvm translate`` and ``observe.translation``: the Python the compiled tier makes of
a function, annotated with its instructions, is the code that runs.

For every function of the fixtures, of two C programs compiled by clang, and of a
function big enough to be split: the annotated output compiles, and compiling it gives
the same bytecode, constants and names as the code objects the tier installed when the
function was called (comments change nothing, so the annotation is checked too)."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from wasmvm import Config, Engine, Func, FuncType, Instance, Module, Store
from wasmvm.exec import compile_rt
from wasmvm.observe.translation import translate_function, translate_instance, translate_module

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted([*ROOT.glob("fixtures/*.wasm"), *ROOT.glob("fixtures/diff/*.wasm")])


def _allocated(data: bytes, fuel: bool = False):
    """A store of the compiled tier and ``data`` allocated in it (stand-in imports)."""
    engine = Engine(Config(tier="compiled", cache=False, consume_fuel=fuel))
    module = Module(engine, data)
    store = Store(engine)
    if fuel:
        store.set_fuel(1 << 40)
    return store, module


def _code_objects(code: types.CodeType) -> dict[str, types.CodeType]:
    """The functions a module's code defines, by name."""
    return {c.co_name: c for c in code.co_consts if isinstance(c, types.CodeType)}


def _same(a: types.CodeType, b: types.CodeType) -> bool:
    """Same bytecode, names and constants (nested code objects compared the same way);
    line numbers aside."""
    if (a.co_code, a.co_names, a.co_varnames, a.co_freevars) != (
            b.co_code, b.co_names, b.co_varnames, b.co_freevars):
        return False
    if len(a.co_consts) != len(b.co_consts):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if isinstance(x, types.CodeType):
            if not (isinstance(y, types.CodeType) and _same(x, y)):
                return False
        elif type(x) is not type(y) or x != y:
            if not (x != x and y != y):  # NaN constants
                return False
    return True


def _check_module(data: bytes, fuel: bool = False) -> int:
    """Translate every function, then call for its translation; compare. The number of
    functions checked."""
    store, module = _allocated(data, fuel)
    tier = store.engine.tier
    checked = 0
    for t in translate_module(store, module):
        text = "\n".join(t.annotated()) + "\n"
        printed = _code_objects(compile(text, "<translate>", "exec"))
        assert set(printed) == {name for name, _ in t.units}, t.name
        func = t.func
        tier.callable(store._store, func)  # the tier translates it now, as for a call
        ns = compile_rt.namespace(func.module, store._store, tier)
        for name, _ in t.units:
            assert _same(printed[name], ns[name].__code__), f"{t.name}: {name} differs"
        # every live instruction is on exactly one line
        pcs = [pc for line in t.lines for pc in line.pcs]
        assert len(pcs) == len(set(pcs))
        assert set(pcs).isdisjoint(pc for pc, _, _ in t.unreachable)
        checked += 1
    return checked


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_fixture_function_prints_the_code_that_runs(path):
    assert _check_module(path.read_bytes()) >= 1


def test_the_fuel_variant_is_the_code_that_runs_with_fuel():
    data = (ROOT / "fixtures/control.wasm").read_bytes()
    assert _check_module(data, fuel=True) >= 3
    store, module = _allocated(data, fuel=True)
    source = "".join(t.source for t in translate_module(store, module))
    assert "_F[0] -=" in source


@pytest.mark.parametrize("name,opt", [("printf", "-O0"), ("files", "-O2")])
def test_c_programs_print_the_code_that_runs(name, opt):
    from tests.wasi_harness import compile_c

    wasm = compile_c(name, opt)
    assert _check_module(wasm.read_bytes()) > 50


def test_a_split_function_prints_its_chunks():
    body = "(local.set 0 (i32.add (local.get 0) (i32.const 1)))\n" * 6000
    wat = f'(module (func (export "big") (param i32) (result i32) {body} (local.get 0)))'
    [t] = translate_module(*_allocated(wat.encode()), "big")
    assert t.form == "split"
    assert len(t.units) > 1 and t.units[-1][0] == "f0"
    assert _check_module(wat.encode()) == 1


def test_lines_name_their_instructions_with_offsets():
    data = (ROOT / "fixtures/fac.wasm").read_bytes()
    [t] = translate_module(*_allocated(data), "fac_iter")
    mul = [line for line in t.lines if "i64.mul" in line.instructions]
    assert len(mul) == 1 and "l1 * l0" in mul[0].text
    assert all(off is not None for off in mul[0].offsets)
    # acc (l1) is set before any read: it needs no zero on entry (compile_survey)
    [first] = [line for line in t.lines if line.text.strip().startswith("l1 = ")][:1]
    assert first.text.strip() == "l1 = 1" and first.pcs
    assert not [line for line in t.lines if line.text.strip() == "l1 = 0"]


def test_the_zeros_of_locals_come_from_no_instruction():
    wat = b"""(module (func (export "f") (param i32) (result i32) (local i32 i32)
      (if (local.get 0) (then (local.set 1 (i32.const 5))))
      (local.get 1)))"""
    [t] = translate_module(*_allocated(wat), "f")
    zeros = [line for line in t.lines if line.text.strip() in ("l1 = 0", "l2 = 0")]
    assert [line.text.strip() for line in zeros] == ["l1 = 0"]  # l2 is never read
    assert not zeros[0].pcs


def test_a_host_function_has_no_translation():
    store = Store(Engine(Config(tier="compiled")))
    f = Func(store, FuncType([], []), lambda: None)
    with pytest.raises(TypeError, match="host function"):
        translate_function(store, f)
    assert translate_module(*_allocated(b'(module (import "m" "f" (func)) (export "f" (func 0)))')) == []


def test_an_instance_translates_as_its_module():
    data = (ROOT / "fixtures/fac.wasm").read_bytes()
    store, module = _allocated(data)
    instance = Instance(store, module, [])
    assert ([t.source for t in translate_instance(store, instance)]
            == [t.source for t in translate_module(store, module)])


def test_unreachable_code_is_listed_not_translated():
    wat = b'(module (func (export "f") (result i32) (return (i32.const 1)) (i32.const 2)))'
    [t] = translate_module(*_allocated(wat))
    assert [text for _, _, text in t.unreachable] == ["i32.const 2"]


def _cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "wasmvm", "translate", *args],
                          capture_output=True, text=True, input=stdin, cwd=ROOT)


def test_cli_prints_a_function_of_a_wat_file(tmp_path):
    src = tmp_path / "add.wat"
    src.write_text('(module (func $add (export "add") (param i32 i32) (result i32)\n'
                   '  (i32.add (local.get 0) (local.get 1))))\n')
    r = _cli(str(src), "--func", "add")
    assert r.returncode == 0, r.stderr
    assert "# func 0 <add>" in r.stdout
    line = [ln for ln in r.stdout.splitlines() if "i32.add" in ln][0]
    assert "(l0 + l1) % 4294967296" in line and "local.get 0" in line
    compile(r.stdout, "<out>", "exec")
    plain = _cli(str(src), "--plain")
    assert plain.returncode == 0 and "# 0x" not in plain.stdout


def test_cli_errors_are_one_line(tmp_path):
    r = _cli(str(ROOT / "fixtures/fac.wasm"), "--func", "nope")
    assert r.returncode == 1 and r.stderr.strip() == "error: no function 'nope' defined in this module"
    r = _cli(str(tmp_path / "missing.wasm"))
    assert r.returncode == 1 and "no such file" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.wat"
    bad.write_text("(module (func (i32.add)))")
    r = _cli(str(bad))
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_doctest_of_the_translation_module(monkeypatch):
    import doctest

    import wasmvm.observe.translation

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(wasmvm.observe.translation)
    assert result.attempted >= 4 and result.failed == 0
