"""The WAT printer (``wasmvm.wat.printer``, ``wasmvm print``): issue 18, item 2.

- Round trip, with wasm-tools as the oracle: for every binary module of the spec suite
  (all core-2.0 and core-3.0 scripts, every command) that wasmvm decodes, ``wasm-tools
  parse`` of our text gives the bytes that ``wasm-tools parse`` of ``wasm-tools print``
  gives (custom sections stripped), flat and folded: the whole set, in three tests
  (core-2.0, its simd/, core-3.0), through ``tools/wat_roundtrip.py``, which prints the
  count. Texts are parsed in batches and the oracle's bytes are cached under
  ``.cache/wat-roundtrip``, so a warm run takes about 40 s here (2 busy cores); a cold
  one runs ``wasm-tools print`` once per module (some minutes). Skipped, with the
  reason, when wasm-tools or the testsuite is missing.
- Unit tests: names from the name section (unique, quoted when they must be), exact
  floats (NaN payloads and signs, -0, subnormals, checked against the text format's own
  reader ``wasmvm.wat.numbers``), offsets mode against ``Func.offsets`` and ``wasm-tools
  print -p``, folded output, every opcode-table row has a plan, the explicit table index
  of an element segment survives decode/encode, and the CLI.
"""

from __future__ import annotations

import importlib.util
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm.binary import decode_module, encode_module
from wasmvm.cli import main
from wasmvm.opcodes import OPS
from wasmvm.syntax.instructions import (
    Add,
    Block,
    Call,
    Const,
    Drop,
    If,
    LocalGet,
    LocalSet,
    Loop,
    Return,
)
from wasmvm.syntax.module import Export, Func, Local, Module, Names
from wasmvm.syntax.types import FuncType, ValType
from wasmvm.syntax.values import f32, f64, i32
from wasmvm.wat import numbers
from wasmvm.wat.printer import PLANS, float_text, identifier, print_module, string_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def _wasm_tools() -> str | None:
    beside = Path(sys.executable).parent / "wasm-tools"
    return str(beside) if beside.is_file() else shutil.which("wasm-tools")


WASM_TOOLS = _wasm_tools()
needs_wasm_tools = pytest.mark.skipif(WASM_TOOLS is None,
                                      reason="wasm-tools is not installed (the oracle)")


def wat2wasm(text: str) -> bytes:
    proc = subprocess.run([WASM_TOOLS, "parse", "-"], input=text.encode(),
                          capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode() + "\n" + text
    return proc.stdout


def strip(data: bytes) -> bytes:
    return _tool().strip_customs(data)


def reparses(module: Module, **options) -> bytes:
    """The bytes wasm-tools assembles from our text of ``module`` (no custom sections)."""
    return strip(wat2wasm(print_module(module, **options)))


# -- the round trip over the spec suite ----------------------------------------------------
_TOOL = None


def _tool():
    global _TOOL
    if _TOOL is None:
        spec = importlib.util.spec_from_file_location("_wat_roundtrip",
                                                      ROOT / "tools" / "wat_roundtrip.py")
        _TOOL = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = _TOOL  # (its dataclasses look their module up)
        spec.loader.exec_module(_TOOL)
    return _TOOL


def _script_sets() -> list:
    """The suite's scripts in three sets: core-2.0 without simd/, core-2.0's simd/,
    core-3.0."""
    try:
        from wasmvm.script.convert import find_testsuite, suite_files

        root = find_testsuite()
        v2, v3 = suite_files("core-2.0", root), suite_files("core-3.0", root)
    except Exception:  # noqa: BLE001 - no testsuite: the parametrized test is skipped
        return []
    sets = {"core-2.0": [p for p in v2 if "simd" not in p.parts],
            "core-2.0-simd": [p for p in v2 if "simd" in p.parts], "core-3.0": v3}
    return [pytest.param(files, id=name) for name, files in sets.items()]


SCRIPT_SETS = _script_sets()


@needs_wasm_tools
@pytest.mark.skipif(not SCRIPT_SETS, reason="the spec testsuite is not found (WASMVM_TESTSUITE)")
@pytest.mark.parametrize("wasts", SCRIPT_SETS)
def test_spec_modules_round_trip(wasts):
    results = _tool().roundtrip_modes(wasts, (False, True), jobs=2)
    for folded, result in results.items():
        assert not result.oracle_failed, result.oracle_failed[:5]
        assert not result.differ, (folded, len(result.differ), result.differ[:10])
        assert result.modules > 100 and result.identical == result.modules


# -- names ---------------------------------------------------------------------------------
def _module_with_names(funcs: dict[int, str], locals_: dict[int, dict[int, str]] | None = None,
                       module_name: str | None = None) -> Module:
    """Three functions (i32) -> i32, each calling the next; exported; a local each."""
    t = FuncType((ValType.I32,), (ValType.I32,))
    body = [[LocalGet(0), Call(1)], [LocalGet(0), Call(2)], [LocalGet(0)]]
    m = Module(types=[t], funcs=[Func(0, [Local(1, ValType.I64)], b) for b in body],
               exports=[Export(f"e{i}", "func", i) for i in range(3)])
    m.names = Names(module_name, dict(funcs), dict(locals_ or {}))
    return m


def test_names_from_the_name_section():
    m = _module_with_names({0: "first", 1: "second"}, {0: {0: "x", 1: "acc"}}, "mod")
    text = print_module(m)
    assert text.startswith("(module $mod\n")
    assert "(func $first (;0;) (type 0) (param $x i32) (result i32)" in text
    assert "(local $acc i64)" in text
    assert "local.get $x" in text
    assert "call $second" in text and "call 2" in text
    assert '(export "e1" (func $second))' in text
    assert "(func (;2;) (type 0)" in text


def test_a_name_given_twice_is_used_once():
    m = _module_with_names({0: "f", 1: "f", 2: "g"}, {1: {0: "a", 1: "a"}})
    text = print_module(m)
    assert text.count("(func $f ") == 1 and "(func (;1;) (type 0)" in text
    assert "call 1" in text  # the second "f" is referred to by index
    assert text.count("$a ") == 1 and "(local i64)" in text


def test_names_that_are_not_identifiers_are_quoted():
    assert identifier("fac") == "$fac"
    assert identifier("a.b/c@1") == "$a.b/c@1"
    assert identifier("a b") == '$"a b"'
    assert identifier('say "hi"\\') == '$"say \\22hi\\22\\5c"'
    assert identifier("caf\u00e9") == '$"caf\u00e9"'
    assert identifier("") is None
    m = _module_with_names({0: "a b", 1: "x\ny"}, {0: {0: "p q"}})
    text = print_module(m)
    assert '(func $"a b" (;0;)' in text and 'call $"x\\0ay"' in text
    assert 'local.get $"p q"' in text


@needs_wasm_tools
def test_named_modules_assemble_to_the_same_code():
    plain = _module_with_names({})
    expected = strip(encode_module(plain))
    for names in ({0: "f", 1: "f", 2: "f"}, {0: "a b", 1: 'q"', 2: "0"}, {2: "x", 0: "x"}):
        m = _module_with_names(names, {0: {0: "l", 1: "l"}, 1: {1: "1 2"}}, "the module")
        assert reparses(m) == expected
        assert reparses(m, folded=True) == expected


def test_strings_escape_what_is_not_printable_ascii():
    assert string_text(b'a"\\\x00\x7f\xff ~') == '"a\\22\\5c\\00\\7f\\ff ~"'


# -- floats --------------------------------------------------------------------------------
@pytest.mark.parametrize("bits, width, text", [
    (0x3FC00000, 32, "0x1.8p+0"),
    (0x40400000, 32, "0x1.8p+1"),
    (0x80000000, 32, "-0x0p+0"),
    (0x00000000, 32, "0x0p+0"),
    (0x00000001, 32, "0x0.000002p-126"),  # the smallest subnormal
    (0x00400000, 32, "0x0.8p-126"),
    (0x7F800000, 32, "inf"),
    (0xFF800000, 32, "-inf"),
    (0x7FC00000, 32, "nan:0x400000"),
    (0xFFC00000, 32, "-nan:0x400000"),
    (0x7F800001, 32, "nan:0x1"),  # signalling
    (0x7F7FFFFF, 32, "0x1.fffffep+127"),
    (0x8000000000000000, 64, "-0x0p+0"),
    (0x0000000000000001, 64, "0x0.0000000000001p-1022"),
    (0x3FF0000000000000, 64, "0x1p+0"),
    (0xFFF0000000000001, 64, "-nan:0x1"),
    (0x7FF8000000000000, 64, "nan:0x8000000000000"),
])
def test_float_text(bits, width, text):
    assert float_text(bits, width) == text
    assert numbers.float_bits(text, width) == bits


def test_every_float_pattern_reads_back_exactly():
    rng = random.Random(18)
    for width in (32, 64):
        for _ in range(3000):
            bits = rng.getrandbits(width)
            # bias towards the edges: exponent all ones or all zeros
            if rng.random() < 0.3:
                frac = width - (9 if width == 32 else 12)
                sign_exp = rng.choice([0, (1 << (width - frac)) - 1,
                                       1 << (width - frac - 1), (1 << (width - frac - 1)) - 1])
                bits = (sign_exp << frac) | (bits & ((1 << frac) - 1))
            assert numbers.float_bits(float_text(bits, width), width) == bits, hex(bits)


def test_constants_print_exactly():
    body = [Const(f32.from_bits(0xFFA00001)), Drop(), Const(f64(-0.0)), Drop(),
            Const(i32(-5)), Drop(), Const(f64.from_bits(1)), Drop()]
    text = print_module(Module(types=[FuncType()], funcs=[Func(0, [], body)]))
    assert "f32.const -nan:0x200001" in text
    assert "f64.const -0x0p+0" in text
    assert "i32.const -5" in text
    assert "f64.const 0x0.0000000000001p-1022" in text


# -- folded ---------------------------------------------------------------------------------
def _func_text(text: str) -> str:
    """The lines of the first function, after its header, dedented by four."""
    lines = text.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("(func"))
    body = []
    for ln in lines[first + 1:]:
        if ln.startswith("  )"):
            break
        body.append(ln[4:])
    return "\n".join(body)


def test_folded_expressions():
    t = FuncType((ValType.I32,), (ValType.I32,))
    body = [LocalGet(0), Const(i32(1)), Add("i32"), LocalSet(0),
            Block(ValType.I32, [LocalGet(0)]), Return()]
    m = Module(types=[t], funcs=[Func(0, [], body)])
    assert _func_text(print_module(m, folded=True)) == (
        "(local.set 0\n"
        "  (i32.add\n"
        "    (local.get 0)\n"
        "    (i32.const 1)))\n"
        "(return\n"
        "  (block (result i32)\n"
        "    (local.get 0)))")
    assert _func_text(print_module(m)) == (
        "local.get 0\ni32.const 1\ni32.add\nlocal.set 0\nblock (result i32)\n"
        "  local.get 0\nend\nreturn")


def test_folding_only_takes_single_values():
    two = FuncType((), (ValType.I32, ValType.I32))
    t = FuncType((ValType.I32,), (ValType.I32,))
    # call 1 pushes two values: i32.add cannot take it as one operand
    body = [Call(1), Add("i32"), If(None, [Const(i32(1)), Drop()], [])]
    m = Module(types=[t, two], funcs=[Func(0, [], body), Func(1, [], [Const(i32(1)),
                                                                   Const(i32(2))])])
    assert _func_text(print_module(m, folded=True)) == (
        "(call 1)\n"
        "(if\n"
        "  (i32.add)\n"
        "  (then\n"
        "    (drop\n"
        "      (i32.const 1))))")


@needs_wasm_tools
def test_folded_fixtures_reassemble():
    for path in sorted(FIXTURES.glob("*.wasm")):
        data = path.read_bytes()
        expected = strip(wat2wasm(_oracle_text(path)))
        module = decode_module(data)
        assert reparses(module) == expected, path.name
        assert reparses(module, folded=True) == expected, path.name


def _oracle_text(path: Path) -> str:
    return subprocess.run([WASM_TOOLS, "print", str(path)], capture_output=True, text=True,
                          check=True).stdout


def test_deep_nesting_prints_without_recursion():
    body: list = []
    inner = body
    for _ in range(5000):
        block = Loop(None, [])
        inner.append(block)
        inner = block.body
    m = Module(types=[FuncType()], funcs=[Func(0, [], body)])
    flat, folded = print_module(m), print_module(m, folded=True)
    assert flat.count("loop") == 5000 and folded.count("(loop") == 5000
    assert len(flat) < 1_000_000 and len(folded) < 1_000_000  # indentation is capped
    assert folded.count("(") == folded.count(")")


# -- offsets ----------------------------------------------------------------------------------
_OFFSET = re.compile(r"^\(;@([0-9a-f]+) *;\)")


def _offsets(text: str) -> list[int]:
    return [int(m.group(1), 16) for ln in text.splitlines() if (m := _OFFSET.match(ln))]


def test_offsets_mark_every_instruction():
    data = (FIXTURES / "fac.wasm").read_bytes()
    m = decode_module(data)
    text = print_module(m, offsets=True)
    marked = _offsets(text)
    for f in m.funcs:  # every instruction, else and end (an if with no else has none)
        assert set(f.offsets) <= set(marked)
    for line in text.splitlines():
        assert _OFFSET.match(line) or line.startswith(" " * 11), line
    # the instruction lines show what is at their offset
    for line in text.splitlines():
        if (mo := _OFFSET.match(line)) and "i64.const 1" in line:
            assert data[int(mo.group(1), 16)] == 0x42  # i64.const
    # without the option, no offsets
    assert not _offsets(print_module(m))


def _marked(text: str) -> dict[int, str]:
    """Offset -> the first word of the line it marks."""
    return {int(m.group(1), 16): ln[m.end():].split()[0]
            for ln in text.splitlines() if (m := _OFFSET.match(ln))}


@needs_wasm_tools
def test_offsets_agree_with_wasm_tools():
    """Every line we mark, wasm-tools print -p marks with the same offset and keyword
    (it marks the module's other fields too: the printer knows only the functions')."""
    for path in sorted(FIXTURES.glob("*.wasm")):
        ours = _marked(print_module(decode_module(path.read_bytes()), offsets=True))
        theirs = _marked(subprocess.run([WASM_TOOLS, "print", "-p", str(path)],
                                        capture_output=True, text=True, check=True).stdout)
        assert ours and all(theirs.get(k) == word for k, word in ours.items()), path.name
        funcs = {k for k, word in theirs.items() if word in ("(func", "(local")}
        assert funcs <= set(ours), path.name


# -- coverage and the model -------------------------------------------------------------------
def test_every_row_has_a_plan():
    assert set(PLANS) == {op.name for op in OPS}


@needs_wasm_tools
def test_an_explicit_table_index_survives_decode_and_encode():
    # an active element segment of flags 2 (table index given, 0) and one of flags 0
    data = wat2wasm('(module (table 2 funcref) (func)'
                    ' (elem (table 0) (i32.const 0) func 0) (elem (i32.const 1) func 0))')
    m = decode_module(data)
    assert [e.mode.explicit_table for e in m.elems] == [True, False]
    assert encode_module(m) == data
    assert "(elem (;0;) (table 0) (i32.const 0) func 0)" in print_module(m)
    assert "(elem (;1;) (i32.const 1) func 0)" in print_module(m)


# -- the command ------------------------------------------------------------------------------
def test_cli_prints_a_module(capsys, tmp_path):
    path = FIXTURES / "fac.wasm"
    module = decode_module(path.read_bytes())
    assert main(["print", str(path)]) == 0
    assert capsys.readouterr().out == print_module(module)
    assert main(["print", "--folded", "--offsets", str(path)]) == 0
    assert capsys.readouterr().out == print_module(module, folded=True, offsets=True)
    out = tmp_path / "fac.wat"
    assert main(["print", "-f", str(path), "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    assert out.read_text() == print_module(module, folded=True)


def test_cli_bad_input_is_a_clean_error(capsys, tmp_path):
    bad = tmp_path / "bad.wasm"
    bad.write_bytes(b"\x00asm\x01\x00\x00\x00\x01\x05")
    assert main(["print", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "offset" in err and "Traceback" not in err
    text = tmp_path / "fac.wat"  # text is compiled first, as every command does
    text.write_text('(module (func (export "f")))')
    assert main(["print", str(text)]) == 0
    assert '(export "f" (func 0))' in capsys.readouterr().out
    text.write_text("(module (func (i32.const 0x)))")
    assert main(["print", str(text)]) == 1
    assert capsys.readouterr().err == f"error: {text}:1:26: unknown operator\n"
    junk = tmp_path / "junk.wasm"
    junk.write_bytes(b"junk")
    assert main(["print", str(junk)]) == 1
    assert "magic header not detected" in capsys.readouterr().err
    assert main(["print", str(tmp_path / "missing.wasm")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert main(["print", str(FIXTURES / "fac.wasm"), "-o", str(tmp_path)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert main(["print"]) == 2  # usage


def test_cli_runs_as_a_command(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "wasmvm", "print", str(FIXTURES / "fac.wasm")],
                          capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("(module $fac_module\n")


#: one value per immediate kind, as ``syntax.instructions.maker`` takes them (a memarg is
#: align, offset, memory; br_table's labels and default; constants as bit patterns)
_DUMMY = {
    "blocktype": (None,), "labelidx": (0,), "labelvec": ((0, 1), 2), "funcidx": (0,),
    "typeidx": (0,), "tableidx": (0,), "localidx": (0,), "globalidx": (0,), "elemidx": (0,),
    "dataidx": (0,), "memidx": (0,), "memarg": (0, 8, 0), "i32": (0xFFFFFFFF,),
    "i64": (5,), "f32": (0x7FA00000,), "f64": (0x8000000000000001,),
    "v128": (0x0102030405060708090A0B0C0D0E0F,), "laneidx": (1,),
    "shuffle": (tuple(range(16)),), "heaptype": (ValType.FUNCREF,),
    "valtypes": ((ValType.I32,),), "tagidx": (0,), "catches": ((),), "fieldidx": (0,),
    "u32": (2,), "castflags": (1,),
}


@needs_wasm_tools
def test_every_row_prints_as_what_it_encodes():
    """One instruction of every row of the opcode table in one function (wasm-tools
    parse does not validate): our text assembles to what our encoder writes."""
    from wasmvm.syntax.instructions import maker

    body = []
    for op in OPS:
        body.append(maker(op)(*(a for kind in op.imm for a in _DUMMY[kind])))
    m = Module(types=[FuncType()], funcs=[Func(0, [], body)], datacount=0)
    expected = encode_module(m)
    assert reparses(m) == expected
    assert reparses(m, folded=True) == expected
