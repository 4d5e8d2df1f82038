"""tools/mutate.py, the project's mutation-testing tool, on a toy package written into
tmp_path (not wasmvm): the mutants it finds, how it applies them, and its runs."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
import textwrap
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "mutate_tool", Path(__file__).resolve().parent.parent / "tools" / "mutate.py")
mutate = importlib.util.module_from_spec(_spec)
sys.modules["mutate_tool"] = mutate  # (dataclasses look the module up)
_spec.loader.exec_module(mutate)

TOY = '''\
"""A toy module."""
import os

__slots__ = ("a", "b")
FLAGS = os.O_RDONLY | os.O_CREAT | os.O_EXCL
TABLE = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]


def check(n: int) -> int:
    """Docstring, not mutated."""
    if n < 0:
        raise ValueError("negative")
    return n


def both(a, b):
    return a and b


def info(path):
    return os.stat(path, follow_symlinks=False)


def note(seen, log):
    seen.append(1)
    log.debug("not mutated")
    x = 3  # pragma: no mutate
    return x


def spin(n):
    i = 0
    while i < n:
        i += 1
    return i


def code(x):
    return f"if {x} is None: raise E"
'''


@pytest.fixture
def toy(tmp_path: Path, monkeypatch) -> Path:
    # the toy tests need no plugins (loading them all is most of a child's start-up)
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (tmp_path / "toypkg").mkdir()
    (tmp_path / "toypkg" / "__init__.py").write_text("")
    (tmp_path / "toypkg" / "mod.py").write_text(TOY)
    (tmp_path / "tests").mkdir()
    return tmp_path


def mutants(root: Path, **kw):
    return mutate.find_mutants(root / "toypkg" / "mod.py", "toypkg/mod.py", **kw)


def changes(ms) -> set[tuple[str, str, str]]:
    return {(m.operator, m.before, m.after) for m in ms}


def test_the_mutants_of_each_construct(toy):
    found = changes(mutants(toy))
    expected = {
        ("cmp", "n < 0", "n <= 0"),
        ("int", "0", "1"), ("int", "0", "-1"),
        ("guard", "n < 0", "True"), ("guard", "n < 0", "False"),
        ("raise", 'raise ValueError("negative")', "pass"),
        ("bool-op", "a and b", "a or b"),
        ("bool-drop", "a and b", "a"), ("bool-drop", "a and b", "b"),
        ("bool", "False", "True"),
        ("flag-drop", "os.O_RDONLY | os.O_CREAT | os.O_EXCL", "os.O_CREAT | os.O_EXCL"),
        ("flag-drop", "os.O_RDONLY | os.O_CREAT | os.O_EXCL", "os.O_RDONLY | os.O_EXCL"),
        ("flag-drop", "os.O_RDONLY | os.O_CREAT | os.O_EXCL", "os.O_RDONLY | os.O_CREAT"),
        ("call-stmt", "seen.append(1)", "pass"),
        ("arith", "i += 1", "i -= 1"),
        ("return", "n", "None"),
    }
    assert expected <= found
    befores = {b for _, b, _ in found}
    # a | chain is mutated at its top only; tables, slots, logging, pragma'd lines are not
    assert "os.O_RDONLY | os.O_CREAT" not in befores
    assert not any(op == "int" and b in {"17", "18"} for op, b, _ in found)
    assert not any("log.debug" in b or "__slots__" in b or b == "3" for _, b, _ in found)
    assert all(m.function != "<module>" or m.operator == "flag-drop" for m in mutants(toy))


def test_applying_a_mutant_changes_only_its_segment(toy):
    original = (toy / "toypkg" / "mod.py").read_bytes()
    for m in mutants(toy):
        mutated = mutate.apply(original, m)
        ast.parse(mutated)
        old_lines, new_lines = original.decode().splitlines(), mutated.decode().splitlines()
        assert len(old_lines) == len(new_lines)  # line numbers kept
        differ = [i + 1 for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
        assert differ and min(differ) == m.line and max(differ) <= m.end_line
        assert m.after.strip("()") in mutated.decode().splitlines()[m.line - 1] or m.after == "pass"
    [flag] = [m for m in mutants(toy) if m.after == "os.O_RDONLY | os.O_EXCL"]
    assert mutate.apply(original, flag).decode().splitlines()[4] == "FLAGS = os.O_RDONLY | os.O_EXCL"


def test_only_and_lines_restrict(toy):
    only = mutants(toy, only=["both"])
    assert only and {m.function for m in only} == {"both"}
    assert {m.function for m in mutants(toy, only=["check", "spin"])} == {"check", "spin"}
    assert {m.line for m in mutants(toy, lines=(11, 12))} <= {11, 12}
    assert mutate._matches("Memory.load", "load") and mutate._matches("Memory.load", "Memory")
    assert mutate._matches("Memory.load", "Memory.load") and not mutate._matches("Memory.loads", "load")


def test_generated_code_in_strings_only_with_strings(toy):
    assert not any(m.operator == "str-code" for m in mutants(toy))
    found = {m.after for m in mutants(toy, strings=True) if m.operator == "str-code"}
    assert found == {'f"if {x} is not None: raise E"', 'f"if {x} is None: pass  # raise E"'}


def test_keys_are_stable_without_line_numbers(toy):
    keys = [m.key for m in mutants(toy)]
    assert len(keys) == len(set(keys))
    src = toy / "toypkg" / "mod.py"
    src.write_text("\n\n# moved\n" + TOY)
    assert [m.key for m in mutants(toy)] == keys
    assert "toypkg/mod.py::check::cmp::n < 0 -> n <= 0#0" in keys


def test_list_prints_without_running(toy, capsys):
    assert mutate.main(["toypkg/mod.py", "--root", str(toy), "--list", "--only", "both"]) == 0
    out = capsys.readouterr().out
    assert "bool-op: a and b -> a or b" in out and "toypkg/mod.py: 4 mutants" in out


def run(toy: Path, test: str, *extra: str) -> tuple[int, dict]:
    (toy / "tests" / "test_toy.py").write_text(textwrap.dedent(test))
    out = toy / "out.json"
    code = mutate.main(["toypkg/mod.py", "--root", str(toy), "--tests", "tests/test_toy.py",
                        "--json", str(out), *extra])
    return code, json.loads(out.read_text())


def test_a_weak_test_leaves_a_survivor_and_a_strong_one_kills_it(toy, capsys):
    weak = """
        from toypkg.mod import check
        def test_check():
            assert check(1) == 1
    """
    code, result = run(toy, weak, "--only", "check", "--operators", "cmp")
    [m] = result["mutants"]
    assert (m["status"], m["before"], m["after"]) == ("survived", "n < 0", "n <= 0")
    assert code == 0 and result["summary"]["files"][-1]["score"] == 0.0
    assert "toypkg/mod.py:11: cmp: n < 0 -> n <= 0" in capsys.readouterr().out

    # known as equivalent: reported apart, and the score leaves it out
    known = toy / "known.txt"
    known.write_text(f"# comment\n{m['key']} | the toy test never passes 0\n")
    code, result = run(toy, weak, "--only", "check", "--operators", "cmp",
                       "--survivors-file", str(known), "--min-score", "90")
    assert result["mutants"][0]["status"] == "equivalent" and code == 0
    assert "equivalent (explained)" in capsys.readouterr().out

    strong = weak + "    assert check(0) == 0\n"
    code, result = run(toy, strong, "--only", "check", "--operators", "cmp,raise",
                       "--min-score", "100")
    assert [m["status"] for m in result["mutants"]] == ["killed", "survived"]  # no test of raise
    assert code == 1  # 50% < 100


def test_a_mutant_that_hangs_times_out(toy):
    test = """
        from toypkg.mod import spin
        def test_spin():
            assert spin(3) == 3
    """
    code, result = run(toy, test, "--only", "spin", "--operators", "arith", "--timeout", "2")
    [m] = result["mutants"]
    assert m["status"] == "timeout" and m["after"] == "i -= 1"
    assert result["summary"]["files"][-1]["timeouts"] == 1 and code == 0


def test_failing_unmutated_tests_abort(toy):
    test = """
        def test_fails():
            assert False
    """
    (toy / "tests" / "test_toy.py").write_text(textwrap.dedent(test))
    assert mutate.main(["toypkg/mod.py", "--root", str(toy), "--tests", "tests/test_toy.py"]) == 2


def test_a_run_that_escapes_the_copy_aborts(toy, capsys):
    # a conftest that re-imports the package from the project root, not the worker's copy
    (toy / "conftest.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(toy)!r})
        for name in [n for n in sys.modules if n.split(".")[0] == "toypkg"]:
            del sys.modules[name]
        import toypkg.mod
    """))
    (toy / "tests" / "test_toy.py").write_text("def test_ok():\n    pass\n")
    assert mutate.main(["toypkg/mod.py", "--root", str(toy), "--tests", "tests/test_toy.py"]) == 2
    assert "did not run the worker's copy" in capsys.readouterr().err
