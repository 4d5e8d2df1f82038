"""Layers that hold (issue 13; DESIGN.md, principle 9): wasmvm's subpackages import
downward only.

The layers are those of the import-linter contract ``layers`` in pyproject.toml (highest
first; ``a | b``: independent packages in one layer). ``lint-imports`` checks them in
tools/test.sh; this test checks the same rules without import-linter, from an import
graph read here from the sources with ``ast``:

- every import counts: at module level and inside functions (``if TYPE_CHECKING`` too),
  relative ones resolved, ``importlib.import_module("wasmvm.x")`` and ``__import__``
  with a literal name, and a string that is exactly a module's dotted name
  (``"wasmvm.wasi.host"`` in a table of modules to import);
- the unit is the subpackage (``wasmvm.exec``) or top-level module (``wasmvm.errors``,
  ``wasmvm.__main__``); the root package's ``wasmvm/__init__.py`` (the public facade) is
  in no layer, so importing it counts as importing what it imports.

Asserted: every unit has a layer; no unit imports a unit of a higher layer or an
independent unit of its own layer; no import cycle spans two units (the strongly
connected components of the unit graph); no unit imports another unit's private names
(``from ..exec.interp import _run``, ``interp._run`` on an imported module, a
``_private`` module). A failure lists every offending import as file:line.
"""

from __future__ import annotations

import ast
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "wasmvm"
FACADE = PACKAGE  # the root package's __init__.py


# -- the import graph -----------------------------------------------------------------------
@dataclass(frozen=True)
class Import:
    importer: str                       # wasmvm.cli.run
    imported: str                       # wasmvm.wasi
    line: int
    names: tuple[str, ...] = ()         # from wasmvm.wasi import ExitTrap, ...: those names
    how: str = "import"                 # import | from | import_module | string
    path: str = ""                      # wasmvm/cli/run.py

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def source_modules(root: Path | None = None) -> dict[str, Path]:
    """Every module of the package, by dotted name (a package by its own name)."""
    root = root or ROOT
    modules = {}
    for path in sorted((root / PACKAGE).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of ``from <level dots><name> import ...`` in ``module``."""
    if not level:
        return name or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (level - 1)]
    return ".".join([*base, name] if name else base)


def _known(name: str, modules) -> str | None:
    """``name`` if it is a module of the package, else its nearest ancestor that is."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in modules:
            return candidate
        parts.pop()
    return None


def read_imports(module: str, source: str, modules, is_package: bool = False,
                 path: str = "") -> list[Import]:
    """The imports of one module's source (of modules of the package only)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)  # and names given to import_module: not plain strings
    found: list[Import] = []

    def add(target: str, line: int, names=(), how="import"):
        known = _known(target, modules)
        if known is not None and target.split(".")[0] == PACKAGE:
            found.append(Import(module, known, line, tuple(names), how, path))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            plain = []
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:  # from wasmvm.exec import interp
                    add(f"{base}.{alias.name}", node.lineno, how="from")
                else:
                    plain.append(alias.name)
            if plain:
                add(base, node.lineno, plain, how="from")
        elif isinstance(node, ast.Call) and node.args and _is_import_call(node.func):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                docstrings.add(id(first))  # (ast.walk visits the call first) not a string too
                name = first.value
                if name.startswith("."):
                    package = next((k.value for k in node.keywords if k.arg == "package"
                                    and isinstance(k.value, ast.Constant)), None)
                    if not isinstance(package, str):
                        continue
                    dots = len(name) - len(name.lstrip("."))
                    name = _resolve(package, True, dots, name.lstrip(".") or None)
                add(name, node.lineno, how="import_module")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and id(node) not in docstrings and node.value.startswith(PACKAGE + ".")
              and node.value in modules):
            add(node.value, node.lineno, how="string")
    return found


def _is_import_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr == "import_module"
    return isinstance(func, ast.Name) and func.id in ("import_module", "__import__")


def private_attribute_uses(module: str, source: str, modules, is_package: bool = False,
                           path: str = "") -> list[tuple[str, int, str, str]]:
    """``(path, line, imported module, attribute)`` for each ``alias._name`` where
    ``alias`` is bound by an import to a module of another unit."""
    tree = ast.parse(source)
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in modules:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
    uses = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases and _private(node.attr)
                and unit(aliases[node.value.id]) != unit(module)):
            uses.append((path, node.lineno, aliases[node.value.id], node.attr))
    return uses


def _private(name: str) -> bool:
    """One leading underscore (``__version__`` and ``__all__`` are not private)."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def unit(module: str) -> str:
    """``wasmvm.exec.interp`` -> ``exec``; ``wasmvm.errors`` -> ``errors``; the facade:
    ``wasmvm``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else FACADE


@pytest.fixture(scope="module")
def graph() -> list[Import]:
    modules = source_modules()
    imports = []
    for name, path in modules.items():
        imports += read_imports(name, path.read_text(), modules, path.name == "__init__.py",
                                str(path.relative_to(ROOT)))
    return imports


def _cross(graph: list[Import]) -> list[Import]:
    return [i for i in graph if unit(i.importer) != unit(i.imported)]


# -- the layers -----------------------------------------------------------------------------
def layers() -> list[tuple[frozenset[str], bool]]:
    """pyproject.toml's layers, lowest first: (units, independent)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c.get("id") == "layers"]
    assert contract["type"] == "layers" and contract["containers"] == [PACKAGE]
    result = []
    for line in reversed(contract["layers"]):
        independent = ":" not in line
        names = [n.strip() for n in line.replace(":", "|").split("|")]
        result.append((frozenset(names), independent))
    return result


def _levels() -> dict[str, tuple[int, bool]]:
    return {name: (level, independent) for level, (names, independent) in enumerate(layers())
            for name in names}


def _report(lines: list[str], what: str) -> str:
    """``lines`` (each starting ``path:line:``) in file and line order, deduplicated."""

    def key(text: str):
        path, line, _ = text.split(":", 2)
        return path, int(line), text

    lines = sorted(set(lines), key=key)
    return f"{len(lines)} {what}:\n  " + "\n  ".join(lines)


def test_every_unit_has_a_layer():
    units = {unit(m) for m in source_modules()} - {FACADE}
    assert units == set(_levels()), (f"not in a layer: {sorted(units - set(_levels()))}; "
                                     f"no such unit: {sorted(set(_levels()) - units)}")


def test_no_upward_imports(graph):
    """A unit imports only units of lower layers; and importing the facade (``from .. import
    X``) imports everything the facade imports."""
    levels = _levels()
    facade = {i.imported for i in _cross(graph) if i.importer == FACADE}
    bad = []
    for i in _cross(graph):
        if i.importer == FACADE:
            continue
        targets = sorted(facade) if i.imported == FACADE else [i.imported]
        for target in targets:
            (low, _), (high, independent) = levels[unit(target)], levels[unit(i.importer)]
            via = " (through wasmvm/__init__.py)" if i.imported == FACADE else ""
            if low > high:
                bad.append(f"{i.where()}: {i.importer} imports {target}{via}: "
                           f"{unit(i.importer)} is below {unit(target)}")
            elif low == high and independent and unit(target) != unit(i.importer):
                bad.append(f"{i.where()}: {i.importer} imports {target}{via}: "
                           f"{unit(i.importer)} and {unit(target)} are independent")
    assert not bad, _report(bad, "imports against the layers (pyproject.toml)")


def strongly_connected(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
    return components


def test_strongly_connected():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert sorted(map(sorted, strongly_connected(edges))) == [["a", "b", "c"], ["d"], ["e"]]


def test_no_cycle_across_subpackages(graph):
    edges = defaultdict(set)
    for i in _cross(graph):
        edges[unit(i.importer)].add(unit(i.imported))
    cycles = [c for c in strongly_connected(edges) if len(c) > 1]
    if not cycles:
        return
    # every import between two units of one component is on a cycle; those against the
    # layers are the ones to remove
    levels = _levels()
    upward, other = [], []
    for c in cycles:
        for i in _cross(graph):
            if unit(i.importer) in c and unit(i.imported) in c:
                line = f"{i.where()}: {i.importer} imports {i.imported}"
                up = (i.imported != FACADE and i.importer != FACADE
                      and levels[unit(i.imported)][0] >= levels[unit(i.importer)][0])
                (upward if up else other).append(line)
    raise AssertionError(f"import cycles between {[sorted(c) for c in cycles]}\n"
                         + _report(upward, "imports in them against the layers")
                         + "\n" + _report(other, "other imports in them"))


def test_no_private_names_across_subpackages(graph):
    bad = [f"{i.where()}: {i.importer} imports {name} from {i.imported}"
           for i in _cross(graph) for name in i.names if _private(name)]
    bad += [f"{i.where()}: {i.importer} imports the private module {i.imported}"
            for i in _cross(graph) if any(_private(p) for p in i.imported.split("."))]
    modules = source_modules()
    for name, path in modules.items():
        for where, line, imported, attr in private_attribute_uses(
                name, path.read_text(), modules, path.name == "__init__.py",
                str(path.relative_to(ROOT))):
            bad.append(f"{where}:{line}: {name} uses {imported}.{attr}")
    assert not bad, _report(bad, "uses of another subpackage's private names")


def test_only_main_imports_cli(graph):
    bad = [f"{i.where()}: {i.importer} imports {i.imported}" for i in _cross(graph)
           if unit(i.imported) == "cli" and i.importer != "wasmvm.__main__"]
    assert not bad, _report(bad, "imports of wasmvm.cli (only wasmvm.__main__ may)")


# -- the reader itself ----------------------------------------------------------------------
FAKE = {"wasmvm", "wasmvm.errors", "wasmvm.exec", "wasmvm.exec.interp", "wasmvm.observe",
        "wasmvm.observe.trace", "wasmvm.cli", "wasmvm.cli.run", "wasmvm.wasi"}


def test_reader_finds_every_kind_of_import():
    source = '''"""Docstring naming wasmvm.wasi, which is no import."""
import importlib
from ..errors import Trap
from ..exec import interp
from ..exec.interp import _run, invoke
import wasmvm.observe.trace as tr

def f():
    from ..wasi import ExitTrap
    importlib.import_module("wasmvm.cli")
    return interp._frame, tr.format_record

MODULES = ("wasmvm.cli.run",)
'''
    found = read_imports("wasmvm.observe.stepper", source, FAKE, path="s.py")
    got = {(i.imported, i.line, i.names, i.how) for i in found}
    assert got == {
        ("wasmvm.errors", 3, ("Trap",), "from"),
        ("wasmvm.exec.interp", 4, (), "from"),
        ("wasmvm.exec.interp", 5, ("_run", "invoke"), "from"),
        ("wasmvm.observe.trace", 6, (), "import"),
        ("wasmvm.wasi", 9, ("ExitTrap",), "from"),
        ("wasmvm.cli", 10, (), "import_module"),
        ("wasmvm.cli.run", 13, (), "string"),
    }, got
    uses = private_attribute_uses("wasmvm.observe.stepper", source, FAKE, path="s.py")
    assert uses == [("s.py", 11, "wasmvm.exec.interp", "_frame")]


def test_reader_resolves_relative_imports_in_packages():
    found = read_imports("wasmvm.cli", "from . import run\nfrom .. import errors\n", FAKE,
                         is_package=True)
    assert [(i.imported, i.how) for i in found] == [("wasmvm.cli.run", "from"),
                                                   ("wasmvm.errors", "from")]
