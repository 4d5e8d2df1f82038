"""The command's help says what the command does, and its output reads as English.

- Every subcommand's usage line names each positional argument its argument list
  describes (``wasmvm run`` used to show ``FILE ...`` above ``ARGS``).
- ``wasmvm invoke --help`` documents how arguments of every value type are written; each
  example it shows is invoked through the CLI on an identity function of that type (with
  and without ``--``, as the help says) and prints the value meant; what it says is not
  accepted is refused with exit status 1.
- ``wasmvm diff`` and the difftest figures say "1 call", "1 divergence", "1 module" (never
  "1 calls"), and no difftest source writes a count before a hard-coded plural noun.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from wasmvm.cli import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
BASE_TYPES = ("i32", "i64", "f32", "f64", "v128", "funcref", "externref")
GC_TYPES = ("structref", "arrayref", "anyref", "eqref", "i31ref")
TYPES = BASE_TYPES + GC_TYPES


def help_text(capsys, *argv: str) -> str:
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


# -- usage and argument list agree --------------------------------------------------------
def _subparsers():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.choices and "invoke" in a.choices)
    return sub.choices


@pytest.mark.parametrize("name", sorted(_subparsers()))
def test_usage_names_every_positional_argument(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    text = help_text(capsys, name)
    usage = text.split("\n\n")[0]
    listed = re.search(r"^positional arguments:\n((?:  .*\n?)+)", text, re.M)
    metavars = [a.metavar or a.dest for a in _subparsers()[name]._actions
                if not a.option_strings]
    for metavar in metavars:
        assert re.search(rf"(?<![\w-]){re.escape(metavar)}(?![\w-])", usage), (metavar, usage)
        assert listed and re.search(rf"^  {re.escape(metavar)}\b", listed.group(1), re.M)
    # argparse's bare "..." names no argument: every "..." follows a name in brackets
    assert not re.search(r"(?<![\w\]]) \.\.\.", usage), usage


def test_run_usage_shows_args(capsys):
    usage = help_text(capsys, "run").split("\n\n")[0]
    assert re.search(r"FILE \[ARGS \.\.\.\]$", usage), usage


# -- invoke: how arguments are written ------------------------------------------------------
IDENTITY, GC_IDENTITY = ("(module\n" + "".join(
    f'  (func (export "{t}") (param {t}) (result {t}) local.get 0)\n' for t in types) + ")"
    for types in (BASE_TYPES, GC_TYPES))

#: what some of the examples must print (the rest must print a value of the right type)
MEANT = {
    ("i32", "0xffffffff"): "i32:-1", ("i64", "0xffffffff"): "i64:4294967295",
    ("i32", "-7"): "i32:-7", ("i32", "1_000_000"): "i32:1000000", ("i32", "0b101"): "i32:5",
    ("i32", "0o17"): "i32:15", ("f32", "0x1.8p1"): "f32:3.0", ("f64", "-0.0"): "f64:-0.0",
    ("f32", "nan"): "f32:nan", ("f64", "-nan"): "f64:-nan", ("f32", "-inf"): "f32:-inf",
    ("f32", "nan:0x200000"): "f32:nan:0x200000", ("f64", "nan:0x200000"): "f64:nan:0x200000",
    ("v128", "i32x4 1 2 3 -1"): "v128:i32x4 0x00000001 0x00000002 0x00000003 0xffffffff",
    ("v128", "i64x2 -1 0x10"): "v128:i32x4 0xffffffff 0xffffffff 0x00000010 0x00000000",
    ("v128", "0x000102030405060708090a0b0c0d0e0f"):
        "v128:i32x4 0x0c0d0e0f 0x08090a0b 0x04050607 0x00010203",
    ("v128", "i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 0xff"):
        "v128:i32x4 0x03020100 0x07060504 0x0b0a0908 0xff0e0d0c",
    ("funcref", "null"): "funcref:null", ("externref", "null"): "externref:null",
    ("structref", "null"): "structref:null", ("anyref", "null"): "anyref:null",
    ("anyref", "-5"): "(ref.i31 -5)", ("eqref", "0x7fffffff"): "(ref.i31 -1)",
    ("i31ref", "i31:7"): "(ref.i31 7)",
}

#: what the help says is not accepted
REFUSED = [
    ("i32", "0x100000000"), ("i32", "-0x80000001"), ("i64", "1.5"),
    ("f32", "nan:0x0"), ("f32", "nan:0x800000"), ("f64", "nan:0x10000000000000"),
    ("v128", "f32x4 1 2 3 4"), ("v128", "f64x2 1 2"), ("v128", "i32x4 1 2 3"),
    ("funcref", "0"), ("externref", "ref.null extern"), ("structref", "0"),
    ("i31ref", "0x80000000"), ("anyref", "-0x40000001"), ("arrayref", "[]"),
]


@pytest.fixture(scope="module")
def identity(tmp_path_factory) -> Path:
    from .test_api import wat

    path = tmp_path_factory.mktemp("invoke") / "identity.wasm"
    path.write_bytes(wat(IDENTITY))
    return path


@pytest.fixture(scope="module")
def gc_identity(tmp_path_factory) -> Path:
    from .test_api import wat3

    path = tmp_path_factory.mktemp("invoke") / "gc_identity.wasm"
    path.write_bytes(wat3(GC_IDENTITY))
    return path


def documented_examples(text: str) -> dict[str, list[str]]:
    """``{type: [example, ...]}`` from the ARG syntax table of ``wasmvm invoke --help``:
    rows ``  TYPE, TYPE    EXAMPLE  EXAMPLE``, continued by deeper-indented lines;
    parenthesized text is commentary."""
    table = text[text.index("ARG syntax:"):].split("\n\n", 1)[1]
    rows: dict[str, str] = {}
    label = None
    for line in table.splitlines():
        head = re.match(r"^  (\S.*?)(?:\s{2,}(.*))?$", line)
        if head:
            label = head.group(1)
            rows[label] = head.group(2) or ""
        elif line.strip():
            assert label is not None and line.startswith("    "), line
            rows[label] += " " + line.strip()
    examples: dict[str, list[str]] = {}
    for label, body in rows.items():
        words = shlex.split(re.sub(r"\([^)]*\)", " ", body))
        for t in label.split(", "):
            examples[t] = words
    return examples


def test_invoke_help_documents_every_type(capsys):
    text = help_text(capsys, "invoke")
    examples = documented_examples(text)
    assert set(examples) == set(TYPES)
    for t in TYPES:
        assert examples[t], t
    # the lane shapes, NaN payloads, and the -- rule are all spelled out
    for shape in ("i8x16", "i16x8", "i32x4", "i64x2"):
        assert any(e.startswith(shape) for e in examples["v128"]), shape
    assert "nan:0x200000" in examples["f32"] and "-inf" in examples["f64"]
    assert "nan:0xPAYLOAD" in text and "wasmvm invoke m.wasm f -- -inf" in text
    # every example that MEANT or REFUSED mentions is one the help shows
    for t, example in MEANT:
        assert example in examples[t], (t, example)


def _invoke(capsys, path: Path, t: str, example: str, dashdash: bool) -> tuple[int, str, str]:
    argv = ["invoke", str(path), t, *(["--"] if dashdash else []), example]
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out.strip(), captured.err


def _needs_dashdash(word: str) -> bool:
    """What the help says: an argument that starts with - but is not a plain decimal
    number needs -- (argparse takes it for an option)."""
    return word.startswith("-") and not re.fullmatch(r"-\d+|-\d*\.\d+", word)


def test_every_documented_example_parses(identity, gc_identity, capsys):
    examples = documented_examples(help_text(capsys, "invoke"))
    seen = 0
    for t, words in examples.items():
        for example in words:
            for dashdash in (True, False):
                if not dashdash and _needs_dashdash(example):
                    continue
                path = gc_identity if t in GC_TYPES else identity
                status, out, err = _invoke(capsys, path, t, example, dashdash)
                assert status == 0, (t, example, dashdash, err)
                assert out == MEANT.get((t, example), out), (t, example, out)
                assert out.startswith((f"{t}:", "(ref.i31 ")), (t, example, out)
                seen += 1
    assert seen >= 40


def test_dashdash_is_needed_where_the_help_says(identity, capsys):
    status, _, err = _invoke(capsys, identity, "f32", "-inf", dashdash=False)
    assert status == 2 and "unrecognized arguments: -inf" in err
    assert _invoke(capsys, identity, "i32", "-7", dashdash=False)[:2] == (0, "i32:-7")


@pytest.mark.parametrize("t,text", REFUSED, ids=[f"{t}:{x}" for t, x in REFUSED])
def test_what_the_help_excludes_is_refused(identity, gc_identity, capsys, t, text):
    path = gc_identity if t in GC_TYPES else identity
    status, out, err = _invoke(capsys, path, t, text, dashdash=True)
    assert status == 1 and out == "" and err.startswith("error: "), (status, out, err)


def test_diff_and_trace_point_to_the_invoke_syntax(capsys):
    for name in ("diff", "trace"):
        assert "wasmvm invoke" in " ".join(help_text(capsys, name).split())
    assert COMMANDS["invoke"].epilog and "ARG syntax" in COMMANDS["invoke"].epilog


# -- "1 call", not "1 calls" -----------------------------------------------------------------
def test_diff_of_one_call_says_one_call(identity, capsys):
    pytest.importorskip("wasmtime")
    assert main(["diff", str(identity), "--invoke", "i32", "7", "--tier", "compiled"]) == 0
    out = capsys.readouterr().out
    assert "1 call compared, 0 divergences" in out, out
    assert out.rstrip().endswith("diff: 1 call compared, 0 divergences: agree"), out
    assert not re.search(r"\b1 (calls|divergences|modules)\b", out), out


def test_difftest_reports_pluralize():
    from wasmvm.difftest.compare import Divergence, Figures, describe_memory_difference, plural
    from wasmvm.difftest.run import ModuleReport

    assert (plural(0, "call"), plural(1, "call"), plural(2, "call")) == ("calls", "call", "calls")
    fig = Figures(label="smith", modules=1, calls=1, traps=1)
    fig.divergences.update(["result"])
    assert fig.summary().startswith("smith: 1 module, 1 call compared (1 trapped alike), "
                                    "1 divergence (result 1)"), fig.summary()
    fig.merge(fig)
    assert "2 modules, 2 calls compared (2 trapped alike), 2 divergences" in fig.summary()
    report = ModuleReport(name="m.wasm", status="compared", calls_compared=1)
    assert report.format().startswith("m.wasm: 1 call compared, 0 divergences")
    report.divergences.append(Divergence(kind="result", where="f()", wasmtime="i32:1",
                                         wasmvm="i32:2"))
    assert report.format().startswith("m.wasm: 1 call compared, 1 divergence\n")
    one, _ = describe_memory_difference(b"\0" * 65536, b"\0" * 65535 + b"\1")
    assert one.startswith("1 byte differs, at 0xffff"), one
    assert describe_memory_difference(b"", b"\0" * 65536) == ("0 pages", "1 page")


def test_no_count_before_a_fixed_plural_in_difftest():
    """A number followed by a plural written out (``{n} calls``) reads "1 calls"."""
    nouns = r"(?:calls|modules|divergences|bytes|pages|functions|programs|traps)"
    pattern = re.compile(r"\{[^{}]*\} " + nouns + r"\b")
    bad = []
    # wasmvm diff's command moved from wasmvm/difftest/command.py to wasmvm/cli/diff.py
    for path in [*sorted((ROOT / "wasmvm" / "difftest").glob("*.py")), ROOT / "wasmvm" / "cli" / "diff.py"]:
        lines = path.read_text().splitlines()
        for n, line in enumerate(lines, 1):
            singular_done = "== 1" in line or (n > 1 and "== 1" in lines[n - 2])
            if pattern.search(line) and ('f"' in line or "f'" in line) and not singular_done:
                bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_invoke_help_fits_80_columns():
    """The help as a user sees it, from a fresh process, in an 80-column terminal."""
    run = subprocess.run([sys.executable, "-m", "wasmvm", "invoke", "--help"], cwd=ROOT,
                         capture_output=True, text=True, env={"COLUMNS": "80", "PATH": ""},
                         check=True)
    assert "ARG syntax:" in run.stdout
    for line in run.stdout.splitlines():
        assert len(line) <= 80, line


def test_bad_arguments_are_user_errors_in_plain_english(tmp_path, capsys):
    """An empty or unreadable argument is a clear error (never an internal one)."""
    from wasmvm.api.values import parse_value
    from wasmvm.syntax.types import ValType

    for t, text, message in [
        (ValType.V128, "", "an empty argument is not a v128"),
        (ValType.I32, "  ", "an empty argument is not an i32"),
        (ValType.F32, "x", "not an f32: 'x'"),
        (ValType.V128, "x", "not a v128: 'x'"),
        (ValType.EXTERNREF, "3", "an externref argument can only be null, got '3'"),
        (ValType.FUNCREF, "3", "a funcref argument can only be null, got '3'"),
    ]:
        with pytest.raises(ValueError) as info:
            parse_value(t, text)
        assert str(info.value) == message
