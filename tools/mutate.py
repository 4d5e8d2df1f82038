#!/usr/bin/env python3
"""Mutation testing: does a module's test suite notice when its code is changed?

    python tools/mutate.py wasmvm/wasi/sandbox.py --tests tests/test_wasi_sandbox.py
    python tools/mutate.py wasmvm/wasi/sandbox.py wasmvm/wasi/path_calls.py \\
        --tests "tests/test_wasi_sandbox.py tests/test_wasi.py" -j 2
    python tools/mutate.py wasmvm/exec/memory.py --only Memory.load,Memory.store,_check_range \\
        --tests tests/test_memory_views.py
    python tools/mutate.py wasmvm/web/limits.py --list          the mutants, nothing run
    python tools/mutate.py ... --survivors-file tools/mutate_known.txt --min-score 95
    python tools/mutate.py ... --json out.json --limit 10       a smoke run of 10 mutants

A small AST mutator of the project's own (mutmut's layout assumptions do not fit). Each
mutant is exactly one change, made as a textual replacement of one node's source segment
(the rest of the file stays byte-identical, line numbers included), and checked: the
mutated file must parse to the original tree with exactly that node replaced.

The operators:
  cmp         a comparison operator: < <=, > >=, == !=, in / not in, is / is not
  bool-op     ``and`` <-> ``or``
  bool-drop   one operand of an ``and``/``or`` chain dropped (a condition removed)
  not         ``not x`` -> ``x``
  int         an integer constant n -> n + 1 and n -> n - 1 (not in literal tables)
  bool        ``True`` <-> ``False`` (keyword arguments such as ``follow_symlinks=False`` too)
  flag-drop   one operand of a ``|`` chain dropped (``os.O_NOFOLLOW | x`` -> ``x``)
  arith       ``+`` <-> ``-`` (also ``+=`` <-> ``-=``)
  raise       ``raise X`` -> ``pass`` (a check removed)
  call-stmt   a call as a statement (``_mutable(desc)``) -> ``pass``
  guard       ``if cond:`` whose body ends in raise/return/break/continue -> ``if True:``
              and ``if False:``
  return      ``return x`` -> ``return None``
  ifexp       ``a if c else b`` -> ``b if c else a``
  str-code    with ``--strings`` only: in a string or f-string (the compiled tier's
              generated code), one of `` is None``/`` is not None``, `` == ``/`` != ``,
              `` < ``/`` <= ``, `` > ``/`` >= ``, `` and ``/`` or ``, `` + ``/`` - ``
              swapped, or ``raise `` made ``pass  # raise ``

Not mutated: docstrings, other strings and f-strings (but see ``--strings``), type
annotations, ``__slots__`` and ``__all__``, ``__repr__``/``__str__``, logging and
``print`` calls, ``if TYPE_CHECKING`` and ``if __name__ == "__main__"``, and any
statement or expression whose first line carries the comment ``# pragma: no mutate``.

Running. The tests are first run once unmutated: they must pass (else the run stops).
Each worker (``-j``) has its own copy of the package (the top directory of the mutated
file, e.g. ``wasmvm/``) in a temporary directory; for each mutant it rewrites the one
mutated file, runs ``python -m pytest -x -q -p no:cacheprovider TESTS`` in a fresh
process with cwd the project root (``--root``, so ``tests.*`` imports work), and puts
the original back. The child imports the copy before pytest starts (so neither pytest's
``sys.path`` insertions nor the editable install can shadow it) and checks afterwards
that the package it ran was the copy; if not, the whole run stops loudly. No bytecode
is written or read from the tree (``PYTHONDONTWRITEBYTECODE``, a per-worker
``PYTHONPYCACHEPREFIX``). A mutant is killed when pytest fails (any non-zero exit),
``timeout`` when it runs past ``--timeout`` (counted as killed, reported apart),
survived when the tests pass.

Survivors. ``--survivors-file`` names a text file of known equivalent mutants, one a
line: ``KEY | why it is equivalent`` (``#`` lines and blank lines ignored). The key is
``FILE::FUNCTION::OPERATOR::BEFORE -> AFTER#N`` (N counts the same change in the same
function, from 0) -- no line numbers, so edits elsewhere keep it valid; ``--list`` and
the survivor listing print it. Those survivors are reported as "equivalent (explained)"
and the score is printed raw and without them; ``--min-score`` (percent) checks the
latter: the exit status is 1 below it. Keys in the file that match no mutant are
reported as stale.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import os
import queue
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

PRAGMA = re.compile(r"#\s*pragma:\s*no\s+mutate")
#: a literal list/tuple/set/dict with more elements than this is a table: its integers
#: are not mutated
TABLE_SIZE = 16
_CMP_SWAP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
             ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
             ast.Is: ast.IsNot, ast.IsNot: ast.Is}
#: --strings: (token, replacement) in string constants that hold generated Python code
_CODE_TOKENS = [(" is None", " is not None"), (" is not None", " is None"), (" == ", " != "),
                (" != ", " == "), (" < ", " <= "), (" <= ", " < "), (" > ", " >= "),
                (" >= ", " > "), (" and ", " or "), (" or ", " and "), (" + ", " - "),
                (" - ", " + "), ("raise ", "pass  # raise ")]
_LOG_NAMES = {"log", "logger", "logging", "_log", "_logger", "LOG", "warnings"}
_SKIP_FUNCS = {"__repr__", "__str__"}
_SKIP_ASSIGN = {"__slots__", "__all__"}
#: the child's exit status when the package it ran was not the worker's copy
SHADOWED = 86


@dataclass
class Mutant:
    file: str  # relative to the root, with "/"
    line: int
    col: int
    end_line: int
    end_col: int
    operator: str
    before: str
    after: str
    function: str  # the qualified name of the enclosing def ("Class.method"), or "<module>"
    key: str = ""
    replacement: str = ""  # the text put in place of [line:col, end_line:end_col)
    status: str = ""  # killed / survived / timeout / equivalent / (empty: not run)
    seconds: float = 0.0
    why: str = ""  # the explanation of a known equivalent mutant

    def label(self) -> str:
        return f"{self.file}:{self.line}: {self.operator}: {_short(self.before)} -> {_short(self.after)}"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


# -- finding the mutants --------------------------------------------------------------

@dataclass
class _Site:
    """One candidate: the node at ``path`` (a list of (field, index-or-None)) becomes
    ``new`` (a node; for a statement, a Pass)."""
    node: ast.AST
    path: list
    new: ast.AST
    operator: str
    function: str
    text_after: str | None = field(default=None)  # str-code: the node's new source text


class _Finder:
    def __init__(self, source: str, strings: bool = False):
        self.source = _Source(source)
        self.strings = strings
        self.lines = source.splitlines()
        self.sites: list[_Site] = []
        self.or_lefts: set[int] = set()

    def pragma(self, node: ast.AST) -> bool:
        line = getattr(node, "lineno", None)
        return line is not None and bool(PRAGMA.search(self.lines[line - 1]))

    def add(self, node, path, new, operator, function):
        self.sites.append(_Site(node, list(path), new, operator, function))

    def walk(self, node: ast.AST, path: list, function: str, table: bool = False) -> None:
        if self.pragma(node):
            return
        self.mutations(node, path, function, table)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if node.name in _SKIP_FUNCS:
                return
            function = node.name if function == "<module>" else f"{function}.{node.name}"
        if isinstance(node, ast.JoinedStr):
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in _SKIP_ASSIGN for t in targets):
                return
        if isinstance(node, ast.If) and _skipped_if(node.test):
            return
        if isinstance(node, ast.Expr) and _is_skipped_call(node.value):
            return
        child_table = isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) > TABLE_SIZE \
            or isinstance(node, ast.Dict) and len(node.keys) > TABLE_SIZE
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns", "type_comment"):
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self.walk(item, path + [(name, i)], function, table or child_table)
            elif isinstance(value, ast.AST):
                self.walk(value, path + [(name, None)], function, table or child_table)

    def mutations(self, node, path, function, table) -> None:
        add = lambda new, op: self.add(node, path, new, op, function)  # noqa: E731
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                swap = _CMP_SWAP.get(type(op))
                if swap is not None:
                    new = copy.deepcopy(node)
                    new.ops[i] = swap()
                    add(new, "cmp")
        elif isinstance(node, ast.BoolOp):
            new = copy.deepcopy(node)
            new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
            add(new, "bool-op")
            for i in range(len(node.values)):
                rest = [copy.deepcopy(v) for j, v in enumerate(node.values) if j != i]
                add(rest[0] if len(rest) == 1 else ast.BoolOp(op=copy.deepcopy(node.op), values=rest),
                    "bool-drop")
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            add(copy.deepcopy(node.operand), "not")
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            add(ast.Constant(value=not node.value), "bool")
        elif isinstance(node, ast.Constant) and type(node.value) is int and not table:
            for value in (node.value + 1, node.value - 1):
                add(ast.Constant(value=value) if value >= 0
                    else ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value)), "int")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr) \
                and id(node) not in self.or_lefts:
            operands = _or_chain(node)
            for i in range(len(operands)):
                rest = [copy.deepcopy(o) for j, o in enumerate(operands) if j != i]
                new = rest[0]
                for o in rest[1:]:
                    new = ast.BinOp(left=new, op=ast.BitOr(), right=o)
                add(new, "flag-drop")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            new = copy.deepcopy(node)
            new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            add(new, "arith")
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub)):
            new = copy.deepcopy(node)
            new.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
            add(new, "arith")
        elif isinstance(node, ast.Raise):
            add(ast.Pass(), "raise")
        elif isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)) \
                and not _is_skipped_call(node.value):
            add(ast.Pass(), "call-stmt")
        elif isinstance(node, ast.If) and not _skipped_if(node.test) \
                and isinstance(node.body[-1], (ast.Raise, ast.Return, ast.Break, ast.Continue)):
            for value in (True, False):
                new = copy.deepcopy(node)
                new.test = ast.Constant(value=value)
                self.sites.append(_Site(node.test, path + [("test", None)], new.test, "guard",
                                        function))
        elif isinstance(node, ast.Return) and node.value is not None \
                and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.sites.append(_Site(node.value, path + [("value", None)], ast.Constant(value=None),
                                    "return", function))
        elif isinstance(node, ast.IfExp):
            new = copy.deepcopy(node)
            new.body, new.orelse = new.orelse, new.body
            add(new, "ifexp")
        elif self.strings and (isinstance(node, ast.JoinedStr) or isinstance(node, ast.Constant)
                               and isinstance(node.value, str)):
            text = self.source.segment(node.lineno, node.col_offset, node.end_lineno,
                                       node.end_col_offset)
            for old, new in _CODE_TOKENS:
                at = text.find(old)
                while at >= 0:
                    self.sites.append(_Site(node, path, None, "str-code", function,
                                            text[:at] + new + text[at + len(old):]))
                    at = text.find(old, at + 1)


def _or_chain(node: ast.AST) -> list:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _or_chain(node.left) + [node.right]
    return [node]


def _skipped_if(test: ast.AST) -> bool:
    text = ast.unparse(test)
    return text in ("TYPE_CHECKING", "typing.TYPE_CHECKING") or "__name__" in text


def _is_skipped_call(value: ast.AST) -> bool:
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in _LOG_NAMES


def _locate(tree: ast.AST, path: list) -> ast.AST:
    node = tree
    for name, index in path:
        node = getattr(node, name) if index is None else getattr(node, name)[index]
    return node


def _replace(tree: ast.AST, path: list, new: ast.AST) -> ast.AST:
    """Put ``new`` at ``path`` in ``tree`` (in place); returns what was there."""
    parent = _locate(tree, path[:-1])
    name, index = path[-1]
    if index is None:
        old = getattr(parent, name)
        setattr(parent, name, new)
    else:
        old = getattr(parent, name)[index]
        getattr(parent, name)[index] = new
    return old


class _Source:
    """A file's text as bytes, for replacing a segment given AST (UTF-8 byte) offsets."""

    def __init__(self, text: str):
        self.data = text.encode()
        self.starts = [0]
        for i, b in enumerate(self.data):
            if b == 0x0A:
                self.starts.append(i + 1)

    def offset(self, line: int, col: int) -> int:
        return self.starts[line - 1] + col

    def segment(self, line, col, end_line, end_col) -> str:
        return self.data[self.offset(line, col): self.offset(end_line, end_col)].decode()

    def replace(self, line, col, end_line, end_col, text: str) -> bytes:
        start, end = self.offset(line, col), self.offset(end_line, end_col)
        return self.data[:start] + text.encode() + self.data[end:]


def find_mutants(path: Path, rel: str, only: list[str] | None = None,
                 lines: tuple[int, int] | None = None, strings: bool = False) -> list[Mutant]:
    """Every mutant of the file (``rel`` is its name in the report), each checked to
    parse to the intended tree."""
    text = path.read_text()
    tree = ast.parse(text)
    source = _Source(text)
    finder = _Finder(text, strings)
    # the left operands of "|": a chain is mutated once, at its top
    finder.or_lefts = {id(n.left) for n in ast.walk(tree)
                       if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr)}
    finder.walk(tree, [], "<module>")

    mutants: list[Mutant] = []
    seen: dict[tuple, int] = {}
    for site in finder.sites:
        if only and not any(_matches(site.function, name) for name in only):
            continue
        node = site.node
        if lines and not (lines[0] <= node.lineno <= lines[1]):
            continue
        before = source.segment(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset)
        if site.text_after is not None:
            after = site.text_after
            replacement = _changed(tree, source, site)
        else:
            after = "pass" if isinstance(site.new, ast.Pass) else ast.unparse(site.new)
            replacement = _checked(tree, source, site, after)
        if replacement is None:
            continue
        k = (site.function, site.operator, _short(before, 10**6), _short(after, 10**6))
        n = seen.get(k, 0)
        seen[k] = n + 1
        mutants.append(Mutant(
            file=rel, line=node.lineno, col=node.col_offset, end_line=node.end_lineno,
            end_col=node.end_col_offset, operator=site.operator, before=before, after=after,
            function=site.function, replacement=replacement,
            key=f"{rel}::{site.function}::{site.operator}::{k[2]} -> {k[3]}#{n}"))
    return mutants


def _top(path: list) -> list:
    return path[:2] if len(path) >= 2 else path[:1]


def _changed(tree, source: _Source, site: _Site) -> str | None:
    """A textual (str-code) mutant's replacement, if the file still parses and changed."""
    node = site.node
    mutated = source.replace(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset,
                             site.text_after)
    try:
        changed = ast.dump(_locate(ast.parse(mutated), _top(site.path)))
    except (SyntaxError, AttributeError, IndexError, TypeError):
        return None
    return site.text_after if changed != ast.dump(_locate(tree, _top(site.path))) else None


def _checked(tree, source: _Source, site: _Site, after: str) -> str | None:
    """The replacement text for the site, such that the mutated file parses to the
    original tree with just the site's node replaced (or None if there is none)."""
    node = site.node
    old = _replace(tree, site.path, site.new)
    try:
        top = _top(site.path)
        expected = ast.dump(_locate(tree, top))
    finally:
        _replace(tree, site.path, old)
    pad = "\n" * (node.end_lineno - node.lineno)
    candidates = [after + pad, after, f"({after})" + pad, f"({after})"]
    for text in candidates:
        mutated = source.replace(node.lineno, node.col_offset, node.end_lineno,
                                 node.end_col_offset, text)
        try:
            new_tree = ast.parse(mutated)
            got = ast.dump(_locate(new_tree, top))
        except (SyntaxError, AttributeError, IndexError, TypeError):
            continue
        if got == expected:
            return text
    return None


def _matches(function: str, name: str) -> bool:
    """``--only`` NAME selects a def by its qualified name (``Memory.load``), its last
    part (``load``), or everything inside it (``Memory``)."""
    return function == name or function.endswith("." + name) or function.startswith(name + ".") \
        or ("." + name + ".") in ("." + function + ".")


def apply(text: bytes, m: Mutant) -> bytes:
    """The file's bytes with the mutant applied."""
    source = _Source.__new__(_Source)
    source.data = text
    source.starts = [0] + [i + 1 for i, b in enumerate(text) if b == 0x0A]
    return source.replace(m.line, m.col, m.end_line, m.end_col, m.replacement)


# -- running ------------------------------------------------------------------------

_CHILD = """\
import os, sys
work = os.path.realpath(os.environ["MUTATE_WORK"]) + os.sep
names = os.environ["MUTATE_PACKAGES"].split(",")
sys.path.insert(0, work)
import importlib
for p in names:
    importlib.import_module(p)
def escaped():
    return [n + " from " + str(getattr(m, "__file__", None)) for n, m in list(sys.modules.items())
            if n.split(".")[0] in names and getattr(m, "__file__", None)
            and not os.path.realpath(m.__file__).startswith(work)]
bad = escaped()
if not bad:
    import pytest
    code = pytest.main(sys.argv[1:])
    bad = escaped()
if bad:
    print("MUTATE-SHADOWED:", "; ".join(bad), file=sys.stderr)
    sys.exit(SHADOWED)
sys.exit(int(code))
""".replace("SHADOWED", str(SHADOWED))


class Shadowed(RuntimeError):
    pass


class Worker:
    """A copy of the packages in a temporary directory, where mutants are run."""

    def __init__(self, base: Path, root: Path, packages: list[str], number: int):
        self.root = root
        self.packages = packages
        self.dir = base / f"w{number}"
        self.work = self.dir / "src"
        for p in packages:
            src = root / p
            if src.is_dir():
                shutil.copytree(src, self.work / p, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                (self.work).mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, self.work / p)
        (self.dir / "pycache").mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def run(self, tests: list[str], timeout: float | None, verbose: bool = False):
        """(status, seconds, output): status "passed", "failed" or "timeout"."""
        env = dict(os.environ)
        env["MUTATE_WORK"] = str(self.work)
        env["MUTATE_PACKAGES"] = ",".join(p.removesuffix(".py") for p in self.packages)
        env["PYTHONPATH"] = os.pathsep.join([str(self.work)] + [x for x in [env.get("PYTHONPATH")] if x])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = str(self.dir / "pycache")
        cmd = [sys.executable, "-c", _CHILD, "-x", "-q", "-p", "no:cacheprovider", *tests]
        start = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.proc = proc
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            return "timeout", time.monotonic() - start, ""
        finally:
            self.proc = None
        seconds = time.monotonic() - start
        text = out.decode(errors="replace")
        if proc.returncode == SHADOWED:
            raise Shadowed(text.strip().splitlines()[-1] if text.strip() else "shadowed")
        return ("passed" if proc.returncode == 0 else "failed"), seconds, text

    def run_mutant(self, m: Mutant, tests, timeout) -> None:
        target = self.work / m.file
        original = target.read_bytes()
        try:
            target.write_bytes(apply(original, m))
            status, m.seconds, _ = self.run(tests, timeout)
        finally:
            target.write_bytes(original)
        m.status = {"passed": "survived", "failed": "killed"}.get(status, status)


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass
    proc.wait()


def read_known(path: Path) -> dict[str, str]:
    known = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(.*?#\d+)\s*\|\s*(.*)$", line)
        if m is None:
            raise SystemExit(f"{path}: not KEY | WHY: {raw}")
        known[m.group(1).strip()] = m.group(2).strip()
    return known


def summarize(mutants: list[Mutant], files: list[str]) -> dict:
    rows = []
    for f in files + ["total"]:
        ms = [m for m in mutants if f == "total" or m.file == f]
        killed = sum(m.status == "killed" for m in ms)
        timeouts = sum(m.status == "timeout" for m in ms)
        survived = sum(m.status == "survived" for m in ms)
        equivalent = sum(m.status == "equivalent" for m in ms)
        total = len(ms)
        raw = 100.0 * (killed + timeouts) / total if total else 100.0
        net = total - equivalent
        score = 100.0 * (killed + timeouts) / net if net else 100.0
        rows.append({"file": f, "mutants": total, "killed": killed, "timeouts": timeouts,
                     "survived": survived, "equivalent": equivalent, "raw_score": raw,
                     "score": score})
    return {"files": rows}


def print_table(summary: dict) -> None:
    head = f"{'file':<40} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} " \
           f"{'equiv.':>6} {'raw %':>6} {'score %':>7}"
    print(head)
    print("-" * len(head))
    for r in summary["files"]:
        print(f"{r['file']:<40} {r['mutants']:>7} {r['killed']:>6} {r['timeouts']:>7} "
              f"{r['survived']:>8} {r['equivalent']:>6} {r['raw_score']:>6.1f} {r['score']:>7.1f}")


def _spread(items: list, n: int) -> list:
    """``n`` items spread evenly over the list."""
    if n >= len(items):
        return items
    return [items[i * len(items) // n] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+", help="the modules to mutate (paths under --root)")
    ap.add_argument("--tests", default="", help="pytest arguments (the tests that guard them)")
    ap.add_argument("--root", default=None,
                    help="the project root: the packages are under it, pytest runs in it "
                         "(default: the directory above tools/)")
    ap.add_argument("--only", default=None, help="FUNC[,FUNC]: mutate only inside these defs "
                    "(a name, a Class.method, or a class for all its methods)")
    ap.add_argument("--lines", default=None, help="A-B: mutate only nodes starting on these lines")
    ap.add_argument("--operators", default=None, help="OP[,OP]: only these operators")
    ap.add_argument("--strings", action="store_true",
                    help="also mutate generated code in string constants (operator str-code)")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per mutant (default: 3 x the unmutated run + 10)")
    ap.add_argument("--limit", type=int, default=None, help="run only N mutants, spread evenly")
    ap.add_argument("--json", default=None, help="write every mutant and its result here")
    ap.add_argument("--list", action="store_true", help="print the mutants and stop")
    ap.add_argument("--survivors-file", default=None, help="known equivalent mutants: KEY | WHY")
    ap.add_argument("--min-score", type=float, default=None,
                    help="exit 1 if the score (without explained equivalents) is below this")
    args = ap.parse_args(argv)

    root = Path(args.root).resolve() if args.root else Path(__file__).resolve().parent.parent
    only = [x.strip() for x in args.only.split(",")] if args.only else None
    lines = tuple(int(x) for x in args.lines.split("-")) if args.lines else None
    files, mutants = [], []
    for f in args.files:
        path = (root / f).resolve() if not Path(f).is_absolute() else Path(f)
        rel = path.relative_to(root).as_posix()
        files.append(rel)
        mutants += find_mutants(path, rel, only, lines, args.strings)
    if args.operators:
        ops = set(args.operators.split(","))
        mutants = [m for m in mutants if m.operator in ops]
    if args.limit is not None:
        mutants = _spread(mutants, args.limit)

    if args.list:
        for m in mutants:
            print(f"{m.file}:{m.line}:{m.col}: {m.operator}: {_short(m.before)} -> "
                  f"{_short(m.after)}  [{m.function}]")
        counts: dict[str, int] = {}
        for m in mutants:
            counts[m.file] = counts.get(m.file, 0) + 1
        for f in files:
            print(f"{f}: {counts.get(f, 0)} mutants")
        return 0

    tests = shlex.split(args.tests)
    if not tests:
        ap.error("--tests is required to run mutants")
    known = read_known(Path(args.survivors_file)) if args.survivors_file else {}
    packages = sorted({f.split("/")[0] for f in files})
    jobs = max(1, args.jobs)
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        workers = [Worker(Path(tmp), root, packages, i) for i in range(jobs)]
        print(f"unmutated run: {' '.join(tests)} ...", flush=True)
        try:
            status, seconds, out = workers[0].run(tests, None)
        except Shadowed as e:
            print(f"ABORT: the tests did not run the worker's copy of the package: {e}",
                  file=sys.stderr)
            return 2
        if status != "passed":
            print(out[-3000:])
            print("ABORT: the tests fail unmutated", file=sys.stderr)
            return 2
        timeout = args.timeout if args.timeout is not None else 3 * seconds + 10
        print(f"  passed in {seconds:.1f} s (the package ran from the worker's copy); "
              f"{len(mutants)} mutants, timeout {timeout:.0f} s, {jobs} job(s)", flush=True)

        free: queue.Queue = queue.Queue()
        for w in workers:
            free.put(w)
        lock = threading.Lock()
        done = [0]
        abort: list[str] = []
        start = time.monotonic()

        def one(m: Mutant) -> None:
            if abort:
                return
            w = free.get()
            try:
                w.run_mutant(m, tests, timeout)
            except Shadowed as e:
                abort.append(str(e))
                return
            finally:
                free.put(w)
            if m.status == "survived" and m.key in known:
                m.status, m.why = "equivalent", known[m.key]
            with lock:
                done[0] += 1
                print(f"[{done[0]}/{len(mutants)}] {m.status:<10} {m.seconds:5.1f}s  {m.label()}",
                      flush=True)

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            try:
                list(pool.map(one, mutants))
            except KeyboardInterrupt:  # (the children run in their own sessions)
                abort.append("interrupted")
                for w in workers:
                    if w.proc is not None:
                        _kill(w.proc)
                raise
        if abort:
            print(f"ABORT: a mutant did not run the worker's copy of the package: {abort[0]}",
                  file=sys.stderr)
            return 2
        elapsed = time.monotonic() - start

    summary = summarize(mutants, files)
    print()
    print_table(summary)
    total = summary["files"][-1]
    print(f"\n{len(mutants)} mutants in {elapsed:.0f} s ({elapsed / max(1, len(mutants)):.1f} s each "
          f"with {jobs} job(s)); score {total['raw_score']:.1f}% raw, {total['score']:.1f}% "
          f"without explained equivalents")
    survivors = [m for m in mutants if m.status == "survived"]
    if survivors:
        print(f"\nsurvivors ({len(survivors)}):")
        for m in survivors:
            print(f"  {m.label()}\n      key: {m.key}")
    equivalents = [m for m in mutants if m.status == "equivalent"]
    if equivalents:
        print(f"\nequivalent (explained) ({len(equivalents)}):")
        for m in equivalents:
            print(f"  {m.label()}\n      why: {m.why}")
    stale = sorted(set(known) - {m.key for m in mutants})
    if stale and args.limit is None and not only and not lines and not args.operators:
        print(f"\nstale keys in {args.survivors_file} (no such mutant):")
        for k in stale:
            print(f"  {k}")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"summary": summary, "tests": tests, "timeout": timeout,
             "mutants": [asdict(m) for m in mutants]}, indent=1))
    if args.min_score is not None and total["score"] < args.min_score:
        print(f"\nscore {total['score']:.1f}% is below --min-score {args.min_score}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
