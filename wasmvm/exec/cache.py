"""The compiled tier's translation cache: what translating a function produced, kept on
disk, so that the next process running the same module skips translating it.

Translating is the compiled tier's start-up cost (some milliseconds per function: Python
source, then CPython's compiler); a large program reaches hundreds of functions. Like
CPython's ``__pycache__`` and wasmtime's compilation cache, the cache keeps the compiled
Python code objects (``marshal``), not source.

A translation depends on the module's bytes, the function's index, whether fuel is
counted and epochs checked, and the translator itself; the key hashes exactly these: the module's SHA-256
(``syntax.Module.digest``, set by the decoder), the index, the two flags, the Python
version (marshal's format and bytecode change between versions) and a digest of this
package's source files (a changed translator never sees an old entry). Nothing from the
store or the imports is in a translation: they are bound by name in the instance's
namespace when the code runs. A module without a digest (built by hand, not decoded) is
not cached.

An entry holds the code objects to run in the namespace (the function, and its chunk
functions when the flat form split it), their line tables (for backtraces), the
constants the source names, and the chunk of each state. An entry that cannot be read
is ignored and rewritten: the cache is never a reason for a call to fail. Entries are
written atomically (a temporary file, then a rename) in a directory only the user can
read; nothing evicts old entries (delete the directory to empty it).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

#: bump when the entry layout changes
FORMAT = "wasmvm-translation-1"


def default_directory() -> Path:
    """``$WASMVM_CACHE_DIR``, else ``$XDG_CACHE_HOME/wasmvm/translations``, else
    ``~/.cache/wasmvm/translations``."""
    env = os.environ.get("WASMVM_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "wasmvm" / "translations"


_SOURCE_DIGEST: str | None = None


def _source_digest() -> str:
    """A digest of the wasmvm package's Python sources (computed once per process)."""
    global _SOURCE_DIGEST
    if _SOURCE_DIGEST is None:
        h = hashlib.sha256()
        root = Path(__file__).resolve().parent.parent
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
        _SOURCE_DIGEST = h.hexdigest()
    return _SOURCE_DIGEST


class TranslationCache:
    """Translations kept in ``directory`` (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory) if directory is not None else default_directory()
        self.hits = 0
        self.writes = 0

    def key(self, func, fuel: bool, epoch: bool = False) -> str | None:
        """The entry name of ``func``'s translation, or None when it cannot be cached."""
        digest = getattr(func.module.syntax, "digest", None)
        if digest is None:
            return None
        h = hashlib.sha256()
        for part in (FORMAT, sys.version, _source_digest(), digest, str(func.index),
                     "fuel" if fuel else "-", "epoch" if epoch else "-"):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / key[2:]

    def has(self, key: str) -> bool:
        """Is there an entry under ``key``? (not read: it may still be unreadable)"""
        return self._path(key).exists()

    def load(self, key: str):
        """The entry stored under ``key``, or None (missing or unreadable)."""
        try:
            with open(self._path(key), "rb") as f:
                entry = marshal.load(f)
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (isinstance(entry, tuple) and len(entry) == 4):
            return None
        self.hits += 1
        return entry

    def store(self, key: str, entry) -> None:
        """Keep ``entry`` under ``key``; a failure to write (a read-only or full disk, a
        value marshal cannot write) leaves the cache as it was."""
        path = self._path(key)
        try:
            data = marshal.dumps(entry)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                os.unlink(tmp)
                raise
        except (OSError, ValueError):
            return
        self.writes += 1
