"""``wasmvm serve``: the web service and playground, on uvicorn.

Registered with the CLI through ``COMMAND_MODULES`` in ``wasmvm/cli.py``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import UserError, arg, command


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
    try:
        import uvicorn

        from .app import create_app
        from .assets import Settings
    except ImportError as e:
        raise UserError(f"wasmvm serve needs FastAPI and uvicorn ({e.name} is missing): "
                        "pip install 'wasmvm[web]'") from None
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
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0
