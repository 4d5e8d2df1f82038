"""``WasiConfig``: what a WASI program sees — arguments, environment, standard streams,
preopened directories — in wasmtime-py's shape.

    config = WasiConfig()
    config.argv = ["prog", "arg"]
    config.env = [("KEY", "value")]
    config.preopen_dir("/host/data", "/data")      # fs_mutable=False: read-only
    config.stdin_bytes = b"input"                   # or stdin_file / stdin_stream / inherit_stdin()
    config.stdout_stream = io.BytesIO()             # or stdout_file / stdout_custom / inherit_stdout()

A config is a description: nothing is opened until a store takes it (``set_wasi``), and
each store opens its own files and directories. By default there are no arguments, no
environment, an empty stdin, and stdout/stderr are discarded, as in wasmtime.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO


@dataclass(frozen=True)
class Preopen:
    host: str
    guest: str
    mutable: bool = True


def setter(fn):
    """A write-only property, as wasmtime-py's ``WasiConfig`` has them."""
    return property(fset=fn, doc=fn.__doc__)


class WasiConfig:
    def __init__(self):
        self._argv: list[str] = []
        self._env: list[tuple[str, str]] = []
        self.preopens: list[Preopen] = []
        # ("bytes", data) | ("file", path) | ("stream", obj) | ("inherit", None) | None
        self.stdin: tuple[str, object] | None = None
        # ("file", path) | ("stream", obj) | ("custom", fn) | ("inherit", None) | None
        self.stdout: tuple[str, object] | None = None
        self.stderr: tuple[str, object] | None = None

    # -- arguments and environment -------------------------------------------------------
    @property
    def argv(self) -> list[str]:
        return list(self._argv)

    @argv.setter
    def argv(self, argv: Iterable[str]) -> None:
        self._argv = [_text(a, "argument") for a in argv]

    def inherit_argv(self) -> None:
        self._argv = list(sys.argv)

    @property
    def env(self) -> list[tuple[str, str]]:
        return list(self._env)

    @env.setter
    def env(self, pairs: Iterable[Iterable[str]]) -> None:
        env = []
        for pair in pairs:
            key, value = pair
            env.append((_text(key, "environment name"), _text(value, "environment value")))
        self._env = env

    def inherit_env(self) -> None:
        self._env = list(os.environ.items())

    # -- directories -----------------------------------------------------------------------
    def preopen_dir(self, path: str | os.PathLike, guest_path: str, fs_mutable: bool = True) -> None:
        """Give the program the host directory ``path`` as ``guest_path``; with
        ``fs_mutable=False`` it can read but not change anything under it."""
        host = os.fspath(path)
        if not os.path.isdir(host):
            raise NotADirectoryError(f"cannot preopen {host!r}: not a directory")
        self.preopens.append(Preopen(host, _text(guest_path, "guest path"), bool(fs_mutable)))

    # -- stdin -----------------------------------------------------------------------------
    @setter
    def stdin_file(self, path: str | os.PathLike) -> None:
        path = os.fspath(path)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"stdin file {path!r} does not exist")
        self.stdin = ("file", path)

    @setter
    def stdin_bytes(self, data: bytes) -> None:
        self.stdin = ("bytes", bytes(data))

    @setter
    def stdin_stream(self, stream: BinaryIO) -> None:
        self.stdin = ("stream", stream)

    def inherit_stdin(self) -> None:
        self.stdin = ("inherit", None)

    # -- stdout and stderr -----------------------------------------------------------------
    @setter
    def stdout_file(self, path: str | os.PathLike) -> None:
        self.stdout = ("file", os.fspath(path))

    @setter
    def stdout_stream(self, stream: BinaryIO) -> None:
        self.stdout = ("stream", stream)

    @setter
    def stdout_custom(self, callback: Callable[[bytes], object]) -> None:
        self.stdout = ("custom", callback)

    def inherit_stdout(self) -> None:
        self.stdout = ("inherit", None)

    @setter
    def stderr_file(self, path: str | os.PathLike) -> None:
        self.stderr = ("file", os.fspath(path))

    @setter
    def stderr_stream(self, stream: BinaryIO) -> None:
        self.stderr = ("stream", stream)

    @setter
    def stderr_custom(self, callback: Callable[[bytes], object]) -> None:
        self.stderr = ("custom", callback)

    def inherit_stderr(self) -> None:
        self.stderr = ("inherit", None)


def _text(value, what: str) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    if not isinstance(value, str):
        raise TypeError(f"a WASI {what} must be a str, got {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"a WASI {what} cannot contain a NUL character: {value!r}")
    return value
