"""Packaging: the sdist and wheel build, the wheel is pure Python with no runtime
dependencies (so Pyodide can load it offline), and it works in a fresh venv.

Slow-ish (a build, a venv and an install: about 10 s), but part of the default
run: it is how we know that what we ship works outside this checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

README_EXAMPLE = textwrap.dedent(
    """
    from wasmvm import StackVM, Push, Add, i32

    vm = StackVM()
    vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]
    vm.run()
    assert vm.inspect() == [5], vm.inspect()
    """
)


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that points Python or pip at our venv."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def _run(cmd: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=_clean_env(),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    assert proc.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    )
    return proc


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> dict[str, Path]:
    """Build an sdist, then a wheel from that sdist, without network (--no-isolation)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], cwd=out)
    sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(p.name for p in out.iterdir())
    return {"sdist": sdists[0], "wheel": wheels[0]}


@pytest.fixture(scope="module")
def venv(dists, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed, from no index; returns its bin/."""
    where = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(where / "env")], cwd=where)
    bindir = where / "env" / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bindir / "python"), "-m", "pip", "install", "--no-index", "-q", str(dists["wheel"])], cwd=where)
    return bindir


def test_wheel_is_pure_python(dists):
    wheel = dists["wheel"]
    assert wheel.name.endswith("-py3-none-any.whl"), wheel.name
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        wheel_meta = next(n for n in names if n.endswith(".dist-info/WHEEL"))
        assert "Root-Is-Purelib: true" in zf.read(wheel_meta).decode()
    compiled = [n for n in names if n.endswith((".so", ".pyd", ".dll", ".dylib", ".c"))]
    assert not compiled, compiled
    assert "wasmvm/__init__.py" in names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "spec_tests/"))]


def test_wheel_has_no_runtime_dependencies(dists):
    with zipfile.ZipFile(dists["wheel"]) as zf:
        metadata_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(metadata_name).decode()
    requires = [line for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    unconditional = [line for line in requires if "extra ==" not in line]
    assert not unconditional, f"runtime dependencies crept in: {unconditional}"


def test_sdist_has_the_package_and_project_file(dists):
    with tarfile.open(dists["sdist"]) as tf:
        names = {name.split("/", 1)[1] for name in tf.getnames() if "/" in name}
    assert {"pyproject.toml", "wasmvm/__init__.py"} <= names


def _installed_outside_checkout(bindir: Path) -> None:
    """The fresh venv imports wasmvm from its site-packages, not from this checkout."""
    code = "import wasmvm, pathlib; print(pathlib.Path(wasmvm.__file__).resolve())"
    where = Path(_run([str(bindir / "python"), "-c", code], cwd=bindir.parent).stdout.strip())
    assert ROOT not in where.parents, where


def test_readme_example_runs_from_the_wheel(venv, tmp_path):
    _installed_outside_checkout(venv)
    script = tmp_path / "readme_example.py"
    script.write_text(README_EXAMPLE)
    _run([str(venv / "python"), str(script)], cwd=tmp_path)


def test_cli_help_from_the_wheel(venv, tmp_path):
    proc = _run([str(venv / "wasmvm"), "--help"], cwd=tmp_path)
    assert "usage" in proc.stdout.lower()
