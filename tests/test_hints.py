"""Install hints that work: what `wasmvm serve` says when its packages are missing, and no
hint anywhere that installs the unrelated PyPI project named wasmvm.

- With FastAPI, uvicorn or python-multipart missing (hidden through ``sys.modules`` or a
  patched ``__import__``), ``wasmvm serve`` exits 1 and names every missing package, and
  only those, with an install command for them and this project's own ways: the checkout
  (``pip install -e '.[web]'``, ``tools/setup-web.sh``) and the wheel ``python -m build``
  makes (its real name, from pyproject.toml).
- The requirements the hint installs are those of the ``web`` extra.
- No string in wasmvm/ (docstrings aside), nor the README, the tutorial or the rationale,
  tells anyone to ``pip install wasmvm`` or ``pip install 'wasmvm[...]'``.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
import tomllib
import types
from pathlib import Path

import pytest

from wasmvm.cli import main, serve

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: the PyPI project named wasmvm is not this one: never tell anyone to install it
FROM_PYPI = re.compile(r"pip3? install\s+(?:-U\s+|--upgrade\s+)?['\"]?wasmvm(?=$|[\s'\"\[=<>~!])")
#: each package `wasmvm serve` needs, and the modules that provide it
MODULES = {"fastapi": ("fastapi",), "uvicorn": ("uvicorn",),
           "python-multipart": ("python_multipart", "multipart")}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]


def test_the_hint_installs_the_web_extra():
    web = PYPROJECT["project"]["optional-dependencies"]["web"]
    assert [r for r, _ in serve.REQUIREMENTS] == web
    assert {_name(r): m for r, m in serve.REQUIREMENTS} == MODULES


def _serve_error(capsys) -> str:
    assert main(["serve", "--port", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def _check_message(err: str, missing: list[str]) -> None:
    first = err.splitlines()[0]
    assert first.startswith("error: wasmvm serve needs FastAPI, uvicorn and python-multipart")
    assert re.search(r"\(missing: ([^)]*)\)", first).group(1) == ", ".join(missing), first
    wanted = {_name(r): r for r, _ in serve.REQUIREMENTS}
    command = re.search(r"-m pip install (.*)", err).group(1)
    assert command == " ".join(f"'{wanted[name]}'" for name in missing)
    assert sys.executable in err  # into the Python that runs wasmvm
    assert "pip install -e '.[web]'" in err
    assert "bash tools/setup-web.sh" in err and (ROOT / "tools" / "setup-web.sh").is_file()
    project = PYPROJECT["project"]
    wheel = f"dist/{project['name']}-{project['version']}-py3-none-any.whl"
    assert f"pip install '{wheel}[web]'" in err
    assert not FROM_PYPI.search(err), err


@pytest.mark.parametrize("missing", [["fastapi"], ["uvicorn"], ["python-multipart"],
                                     ["fastapi", "python-multipart"],
                                     ["fastapi", "uvicorn", "python-multipart"]],
                         ids="-".join)
def test_serve_names_every_missing_package(missing, monkeypatch, capsys):
    for name in missing:
        for module in MODULES[name]:
            monkeypatch.setitem(sys.modules, module, None)  # `import module` fails
    assert serve.missing_requirements() == [r for r, _ in serve.REQUIREMENTS
                                            if _name(r) in missing]
    _check_message(_serve_error(capsys), missing)


def test_serve_without_fastapi_through_import(monkeypatch, capsys):
    real_import = builtins.__import__

    def no_fastapi(name, *args, **kwargs):
        if name.split(".")[0] in ("fastapi", "uvicorn"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fastapi)
    _check_message(_serve_error(capsys), ["fastapi", "uvicorn"])


def test_old_python_multipart_is_enough(monkeypatch):
    """python-multipart before 0.0.13 provides only the module ``multipart``."""
    monkeypatch.setitem(sys.modules, "python_multipart", None)
    monkeypatch.setitem(sys.modules, "multipart", types.ModuleType("multipart"))
    assert serve.missing_requirements() == []


def test_serve_says_nothing_when_all_is_there():
    assert serve.missing_requirements() == []


def _strings(tree: ast.AST):
    """The string constants of a module, docstrings aside."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_hint_in_wasmvm_installs_the_pypi_project():
    sources = sorted((ROOT / "wasmvm").rglob("*.py"))
    assert len(sources) > 20
    bad = []
    for path in sources:
        for node in _strings(ast.parse(path.read_text(), str(path))):
            if FROM_PYPI.search(node.value):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    for path in sorted((ROOT / "wasmvm" / "web" / "static").rglob("*")):
        if path.is_file() and path.suffix in (".html", ".js"):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                if FROM_PYPI.search(line):
                    bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("doc", ["README.md", "docs/tutorial.md", "RATIONALE.md"])
def test_no_doc_installs_the_pypi_project(doc):
    text = (ROOT / doc).read_text()
    assert not FROM_PYPI.search(text), FROM_PYPI.search(text).group(0)


def test_the_pattern_catches_the_old_hint():
    for bad in ("pip install 'wasmvm[web]'", 'pip install "wasmvm[web]"', "pip install wasmvm",
                "pip install -U wasmvm"):
        assert FROM_PYPI.search(bad), bad
    for good in ("pip install -e '.[web]'", "pip install 'dist/wasmvm-0.1.0-py3-none-any.whl[web]'",
                 "pip install wasmvm-0.1.0-py3-none-any.whl"):
        assert not FROM_PYPI.search(good), good
