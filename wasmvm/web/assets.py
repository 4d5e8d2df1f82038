"""Where the server finds what it serves besides the API: examples, Pyodide, the wheel.

``Settings`` (from ``wasmvm serve`` options or ``WASMVM_*`` environment variables):

    pyodide_dir   the npm package ``pyodide``'s own folder (``node_modules/pyodide``),
                  served at ``/pyodide/``; the in-browser mode needs it. Default: the
                  checkout's ``node_modules/pyodide`` when wasmvm runs from a checkout.
    wheel         a built wasmvm wheel, served at ``/wheel/wasmvm.whl`` for Pyodide's
                  ``unpackArchive``. Default: a wheel packed on first use from the wasmvm
                  package that is running (pure Python, so the same thing).
    fixtures_dir  more examples: the checkout's ``fixtures/*.wasm``.
    swagger_dir   the npm package ``swagger-ui-dist``'s folder, for Swagger UI at ``/docs``
                  (without it ``/docs`` is a plain page). Default: the checkout's.

The examples bundled in the package (``static/examples``) are always there, so an
installed wheel has some. Only these folders are reachable: nothing else on the
server's file system is served.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .limits import Limits

PACKAGE = Path(__file__).resolve().parent.parent  # the wasmvm package
STATIC = Path(__file__).resolve().parent / "static"
BUNDLED = STATIC / "examples"
CHECKOUT = PACKAGE.parent


@dataclass
class Settings:
    limits: Limits = field(default_factory=Limits)
    pyodide_dir: Path | None = None
    wheel: Path | None = None
    fixtures_dir: Path | None = None
    swagger_dir: Path | None = None

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Settings:
        env = os.environ if environ is None else environ

        def path(name: str, default: Path | None) -> Path | None:
            text = env.get(name)
            if text is not None:
                return Path(text) if text else None
            return default

        settings = cls(
            limits=Limits.from_env(env),
            pyodide_dir=path("WASMVM_PYODIDE_DIR", _default(CHECKOUT / "node_modules" / "pyodide")),
            wheel=path("WASMVM_WHEEL", None),
            fixtures_dir=path("WASMVM_FIXTURES_DIR", _default(CHECKOUT / "fixtures")),
            swagger_dir=path("WASMVM_SWAGGER_DIR",
                             _default(CHECKOUT / "node_modules" / "swagger-ui-dist")),
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(settings, key, value)
        return settings

    def pyodide_problem(self) -> str | None:
        """Why the in-browser mode cannot work, or None."""
        if self.pyodide_dir is None:
            return ("this server was started without Pyodide: install the npm package "
                    "pyodide (npm ci in the checkout) and start it with --pyodide DIR "
                    "or WASMVM_PYODIDE_DIR=DIR")
        if not (self.pyodide_dir / "pyodide.js").is_file():
            return f"no pyodide.js in {self.pyodide_dir}: is the npm package pyodide installed?"
        if self.wheel is not None and not self.wheel.is_file():
            return f"the wasmvm wheel {self.wheel} does not exist"
        return None


def _default(path: Path) -> Path | None:
    return path if path.is_dir() else None


# -- examples ----------------------------------------------------------------------------
def examples(settings: Settings) -> dict[str, Path]:
    """``{"bundled/fac.wasm": path, "fixtures/memory.wasm": path, ...}``."""
    out = {}
    for source, folder in (("bundled", BUNDLED), ("fixtures", settings.fixtures_dir)):
        if folder is not None and folder.is_dir():
            for path in sorted(folder.glob("*.wasm")):
                out[f"{source}/{path.name}"] = path
    return out


# -- the wheel ------------------------------------------------------------------------------
def wheel_bytes(settings: Settings, cache: dict) -> tuple[str, bytes]:
    """``(file name, bytes)`` of the wheel to serve."""
    if "wheel" not in cache:
        if settings.wheel is not None:
            cache["wheel"] = (settings.wheel.name, settings.wheel.read_bytes())
        else:
            cache["wheel"] = pack_wheel()
    return cache["wheel"]


def pack_wheel() -> tuple[str, bytes]:
    """A wheel of the running wasmvm package (its .py files), with the dist-info a
    wheel has: what ``python -m build`` would make of this pure-Python package."""
    from .. import __version__

    tag = f"wasmvm-{__version__}"
    buffer = io.BytesIO()
    record = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        def add(name: str, data: bytes) -> None:
            zf.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{name},sha256={digest.decode()},{len(data)}")

        for path in sorted(PACKAGE.rglob("*.py")):
            add(path.relative_to(PACKAGE.parent).as_posix(), path.read_bytes())
        info = f"{tag}.dist-info"
        add(f"{info}/METADATA", f"Metadata-Version: 2.1\nName: wasmvm\nVersion: {__version__}\n"
            .encode())
        add(f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: wasmvm serve\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        record.append(f"{info}/RECORD,,")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return f"{tag}-py3-none-any.whl", buffer.getvalue()
