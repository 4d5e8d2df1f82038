"""``wasmvm serve``: the web service and playground (``wasmvm.web``), on uvicorn.

FastAPI and uvicorn are imported only when the command runs: ``wasmvm`` starts without them.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

from .registry import UserError, arg, command

#: What ``wasmvm serve`` needs: (PyPI package, the modules that provide it: any one will
#: do). The same packages and versions as the ``web`` extra of pyproject.toml.
REQUIREMENTS = (
    ("fastapi>=0.115", ("fastapi",)),
    ("uvicorn>=0.30", ("uvicorn",)),
    # python-multipart >= 0.0.13 is python_multipart (with a multipart shim); before, multipart
    ("python-multipart>=0.0.9", ("python_multipart", "multipart")),
)


@command(
    "serve", "start the web service and playground (FastAPI on uvicorn)",
    arg("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"),
    arg("--port", type=int, default=8000, help="port (default: 8000)"),
    arg("--pyodide", metavar="DIR", type=Path,
        help="the npm package pyodide's folder, for the in-browser mode (default: the "
             "checkout's node_modules/pyodide; or WASMVM_PYODIDE_DIR)"),
    arg("--wheel", metavar="FILE", type=Path,
        help="a wasmvm wheel for the in-browser mode (default: one packed from this wasmvm; "
             "or WASMVM_WHEEL)"),
    arg("--fixtures", metavar="DIR", type=Path,
        help="a folder of .wasm examples to offer (default: the checkout's fixtures/)"),
    arg("--swagger", metavar="DIR", type=Path,
        help="the npm package swagger-ui-dist's folder, for Swagger UI at /docs (default: the "
             "checkout's node_modules/swagger-ui-dist; without it /docs is a plain page)"),
    arg("--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")),
)
def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the HTTP API (OpenAPI docs at /docs) and the playground page (/) with
    uvicorn. Limits on untrusted input come from WASMVM_WEB_<LIMIT> environment variables
    (GET /api/config lists them). Stop it with Ctrl-C."""
    missing = missing_requirements()
    if missing:
        raise UserError(requirements_message(missing))
    try:
        import uvicorn

        from ..web.app import create_app
        from ..web.assets import Settings
        from ..web.server import header_timeout_protocol
    except ImportError as e:  # something FastAPI itself needs (starlette, pydantic, ...)
        raise UserError(requirements_message([e.name or str(e)])) from None
    for option, path in (("--pyodide", args.pyodide), ("--fixtures", args.fixtures),
                         ("--swagger", args.swagger)):
        if path is not None and not path.is_dir():
            raise UserError(f"{option} {path}: not a directory")
    if args.wheel is not None and not args.wheel.is_file():
        raise UserError(f"--wheel {args.wheel}: no such file")
    settings = Settings.from_env(pyodide_dir=args.pyodide, wheel=args.wheel,
                                 fixtures_dir=args.fixtures, swagger_dir=args.swagger)
    app = create_app(settings)
    mode = "available" if settings.pyodide_problem() is None else "not available"
    print(f"wasmvm playground on http://{args.host}:{args.port}/ (API docs: /docs; "
          f"in-browser mode {mode})", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                http=header_timeout_protocol(settings.limits.header_timeout_seconds))
    return 0


def missing_requirements() -> list[str]:
    """The requirements of ``REQUIREMENTS`` (``fastapi>=0.115``, ...) that this Python
    cannot import, in that order."""
    missing = []
    for requirement, modules in REQUIREMENTS:
        for module in modules:
            try:
                __import__(module)
            except ImportError:
                continue
            break
        else:
            missing.append(requirement)
    return missing


def requirements_message(missing: list[str]) -> str:
    """What ``wasmvm serve`` says when packages are missing: which, and how to install
    them. (The package named wasmvm on PyPI is an older, unrelated project: the hint never
    sends anyone there.)"""
    from .. import __version__

    names = ", ".join(_package_name(r) for r in missing)
    install = " ".join(f"'{r}'" for r in missing)
    wheel = f"dist/wasmvm-{__version__}-py3-none-any.whl"
    return (f"wasmvm serve needs FastAPI, uvicorn and python-multipart (missing: {names})\n"
            f"hint: install into this Python: {shlex.quote(sys.executable)} -m pip install {install}\n"
            f"hint: or, in a wasmvm checkout: pip install -e '.[web]' (or bash tools/setup-web.sh);\n"
            f"      with a wheel built there by `python -m build`: pip install '{wheel}[web]'")


def _package_name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
