"""The FastAPI service: ``create_app(settings)``; OpenAPI docs at ``/docs``.

    POST /api/modules     a module (raw bytes or multipart "file") -> its structure
    POST /api/invoke      call an export with typed arguments -> results or the trap
    POST /api/steps       the recorded states of a bounded run, for stepping
    POST /api/stackvm     run a StackVM program (JSON, or text: Push(i32(2)), ...) -> every step
    GET  /api/config      version, limits, whether the in-browser mode is available
    GET  /api/examples    the bundled examples (and the checkout's fixtures)
    GET  /                the playground; /static, /pyodide, /wheel/wasmvm.whl for it

Status codes. 200: the work was done; a trap is a result of running a program, so it is
a 200 with ``trap`` set. 400: a malformed module (the decoder's message and offset), bad
base64, arguments that do not parse, a bad StackVM program. 404: unknown export, example
or module id. 408: the call used up the service's fuel budget (it probably does not
terminate), the request ran past the wall-time limit, or its body did not arrive in time.
413: a request or module over the size limit. 422: an invalid module (the validator's
message and offset), a link error (the module imports something: modules run without
imports), a module over the memory or table limits or a request that needed more memory
than a worker has, a request body that does not fit the schema. 503: every worker stayed
busy too long. Every error is an ``ErrorBody``.

The routes are thin: the work is ``wasmvm.web.core``, ``.steps`` and ``.program``, run by
``worker.handle`` in worker processes (``runner.ProcessRunner``), each killed and replaced
when a request runs past its time or memory; only wasmvm's public API is used.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import WasmError
from . import assets, core, program
from .assets import STATIC, Settings
from .docs import plain_docs
from .limits import LimitError
from .outcome import error_body, error_json
from .runner import BodySizeLimit, BodyTimeout, ModuleCache, make_runner
from .schemas import (
    ErrorBody,
    Example,
    InvokeRequest,
    InvokeResponse,
    ModuleInfo,
    ModuleRef,
    ProgramRequest,
    ProgramResponse,
    ServiceConfig,
    StepsRequest,
    StepsResponse,
    TranslateRequest,
    TranslateResponse,
)

__all__ = ["create_app"]

ERRORS = {code: {"model": ErrorBody} for code in (400, 404, 408, 413, 422, 500, 503)}


def answer(status_body: tuple[int, dict]) -> JSONResponse:
    status, body = status_body
    return JSONResponse(body, status_code=status)


def error(kind: str, message: str, **extra) -> JSONResponse:
    return answer(error_body(kind, message, **extra))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    limits = settings.limits
    mimetypes.add_type("application/wasm", ".wasm")
    mimetypes.add_type("text/javascript", ".mjs")

    @asynccontextmanager
    async def lifespan(app):
        app.state.runner.start()
        yield
        app.state.runner.shutdown()

    app = FastAPI(
        title="wasmvm",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # /docs below: Swagger UI from local files, never a CDN
        redoc_url=None,
        description=(
            "A WebAssembly engine in pure Python, as a service: take modules apart byte by "
            "byte, call their exports, trace and step through them, and run the learning "
            "stack machine. Untrusted input is bounded (GET /api/config lists the limits): "
            "request size, fuel, memory and table sizes, call depth, trace length and wall "
            "time; modules run without imports, so nothing on the server is reachable.\n\n"
            + __doc__.split("Status codes.", 1)[1].split("The routes are thin", 1)[0]
            .replace("\n", " ").strip()
        ),
    )
    app.state.settings = settings
    app.state.runner = runner = make_runner(limits)
    app.state.cache = cache = ModuleCache(limits)
    app.state.wheel = {}
    app.add_middleware(BodySizeLimit, limit=limits.max_request_bytes)
    app.add_middleware(BodyTimeout, seconds=limits.body_timeout_seconds)
    _error_handlers(app)
    _module_routes(app, limits, runner, cache)
    _service_routes(app, settings)
    return app


def _error_handlers(app: FastAPI) -> None:
    async def on_expected(request, e):
        return answer(error_json(e) or error_body("internal", str(e)))

    for cls in (LimitError, WasmError, core.RequestError, program.ProgramError):
        app.add_exception_handler(cls, on_expected)

    @app.exception_handler(RequestValidationError)
    async def on_validation(request, e: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
                             for err in e.errors())
        return JSONResponse({"error": "schema", "message": problems, "offset": None,
                             "limit": None, "detail": jsonable(e.errors())}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request, e: StarletteHTTPException):
        kind = {413: "too_large", 404: "not_found", 405: "method_not_allowed",
                408: "timeout"}.get(e.status_code, "bad_request")
        body = {"error": kind, "message": str(e.detail), "offset": None, "limit": None}
        headers = dict(e.headers or {})
        if e.status_code in (408, 413):  # the rest of the body is not wanted: stop sending it
            body["limit"] = {408: "body_timeout_seconds", 413: "max_request_bytes"}[e.status_code]
            headers["connection"] = "close"
        return JSONResponse(body, status_code=e.status_code, headers=headers)


def _module_routes(app: FastAPI, limits, runner, cache: ModuleCache) -> None:
    async def module_bytes(request: Request) -> bytes:
        kind = request.headers.get("content-type", "")
        if kind.startswith("multipart/form-data"):
            async with request.form(max_files=1, max_fields=4) as form:
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    raise core.RequestError("bad_request", 'multipart upload: no file field "file"')
                return await upload.read()
        return await request.body()

    @app.post("/api/modules", response_model=ModuleInfo, responses=ERRORS, tags=["modules"],
              openapi_extra={"requestBody": {"required": True, "description": (
                  "the module: its bytes as the body (application/wasm or "
                  "application/octet-stream), WAT text (text/plain), or a multipart form "
                  "with a field named file"),
                  "content": {
                      "application/wasm": {"schema": {"type": "string", "format": "binary"}},
                      "text/plain": {"schema": {"type": "string"}},
                      "multipart/form-data": {"schema": {
                          "type": "object", "properties": {
                              "file": {"type": "string", "format": "binary"}},
                          "required": ["file"]}}}}})
    async def upload_module(request: Request):
        """Decode and validate a module and describe it: sections, imports, exports, the
        disassembly, the details and every byte annotated. The module is kept for later
        calls by its ``id``. Malformed: 400, invalid: 422, both with the engine's message
        and byte offset; over the size limit: 413; memories or tables over the limits: 422."""
        data = await module_bytes(request)
        if not data:
            raise core.RequestError("bad_request", "no module: send its bytes as the body")
        if len(data) > limits.max_module_bytes:
            raise LimitError("max_module_bytes", f"the module has {len(data)} bytes; this service "
                             f"takes modules of at most {limits.max_module_bytes} bytes")
        status, body = await runner.run({"op": "describe", "data": data})
        if status == 200:
            cache.put(data)
        return JSONResponse(body, status_code=status)

    async def resolve(ref: ModuleRef):
        if (ref.module_id is None) == (ref.module is None):
            raise core.RequestError("bad_request", "give exactly one of module_id and module")
        if ref.module is not None:
            try:
                data = base64.b64decode(ref.module, validate=True)
            except (binascii.Error, ValueError):
                raise core.RequestError("bad_request", "module: not valid base64") from None
            if len(data) > limits.max_module_bytes:
                raise LimitError("max_module_bytes", f"the module has {len(data)} bytes; this "
                                 f"service takes modules of at most {limits.max_module_bytes} bytes")
            return data
        return cache.get(ref.module_id)

    async def run(request: dict) -> JSONResponse:
        status, body = await runner.run(request)
        if status == 200 and "data" in request:
            cache.put(request["data"])
        return JSONResponse(body, status_code=status)

    def unknown(ref: ModuleRef) -> JSONResponse:
        return error("unknown_module", f"no module with id {ref.module_id}: upload it again "
                     "(POST /api/modules) or send it in base64 as module")

    @app.post("/api/invoke", response_model=InvokeResponse, responses=ERRORS, tags=["modules"])
    async def invoke(req: InvokeRequest):
        """Instantiate the module (without imports) and call an export with typed
        arguments. A trap is a result (200, ``trap`` set, with the spec's message, offset
        and backtrace); so is running out of a ``fuel`` budget the request gave. Running
        out of the service's own budget answers 408 (the call probably does not end),
        with the result so far in ``result``. With ``trace``, the call runs on the
        reference tier and the response holds up to ``trace_limit`` trace records."""
        data = await resolve(req)
        if data is None:
            return unknown(req)
        return await run({"op": "invoke", "data": data, "export": req.export, "args": req.args,
                          "fuel": req.fuel, "trace": req.trace, "trace_limit": req.trace_limit,
                          "profile": req.profile})

    @app.post("/api/translate", response_model=TranslateResponse, responses=ERRORS,
              tags=["modules"])
    async def translate(req: TranslateRequest):
        """The Python source the compiled tier makes of the module's functions (or of
        ``func``), each line with the byte offsets and text of the instructions it came
        from: ``wasmvm translate`` as records. Nothing runs. At most the service's
        ``max_disassembly_lines`` lines in all (``truncated``)."""
        data = await resolve(req)
        if data is None:
            return unknown(req)
        return await run({"op": "translate", "data": data, "func": req.func, "fuel": req.fuel})

    @app.post("/api/steps", response_model=StepsResponse, responses=ERRORS, tags=["modules"])
    async def record(req: StepsRequest):
        """Call an export on the reference tier, one instruction at a time, and return
        the machine's state before every instruction (stack, locals, frames, memory), at
        most ``max_steps`` of them: the playground steps through these. A trap ends the
        run (200, ``trap`` set); the last state is the trapping instruction."""
        data = await resolve(req)
        if data is None:
            return unknown(req)
        return await run({"op": "steps", "data": data, "export": req.export, "args": req.args,
                          "max_steps": req.max_steps, "fuel": req.fuel})

    @app.post("/api/stackvm", response_model=ProgramResponse, responses=ERRORS, tags=["stackvm"])
    async def stackvm(req: ProgramRequest):
        """Run a program on the learning stack machine (``wasmvm.StackVM``). Each item
        names an instruction by its mnemonic, with its immediates: ``{"op": "i32.const",
        "value": 2}``, ``{"op": "i32.add"}``, ``{"op": "i64.load8_u", "offset": 4}``,
        ``{"op": "select", "types": ["f64"]}``. Or ``program`` is text in the learning
        API's own syntax, read without eval: ``Push(i32(2)), Push(i32(3)), Add("i32")``,
        ``Div("i32", signed=True)``, ``Load("i32", offset=4)``. Returns the stack after
        every step. A trap or a type error stops the run and is a result (200, ``error``
        set); an item that is not an instruction the StackVM runs, or text that does not
        parse, is a 400 naming it (with line and column for text)."""
        items = req.program if isinstance(req.program, str) else \
            [item.model_dump(exclude_none=True) for item in req.program]

        return await run({"op": "stackvm", "program": items, "memory_pages": req.memory_pages,
                          "max_pages": req.max_pages})


def _service_routes(app: FastAPI, settings: Settings) -> None:
    limits = settings.limits
    @app.get("/api/config", response_model=ServiceConfig, tags=["service"])
    async def config():
        """The version, the limits, and whether the in-browser mode can be offered."""
        problem = settings.pyodide_problem()
        return {"version": __version__, "limits": limits.public(),
                "browser": {"available": problem is None, "reason": problem,
                            "pyodide_url": "/pyodide/", "wheel_url": "/wheel/wasmvm.whl"}}

    @app.get("/api/examples", response_model=list[Example], tags=["service"])
    async def list_examples():
        """Example modules: bundled ones, and the checkout's fixtures when it has them."""
        out = []
        for name, path in assets.examples(settings).items():
            source = path.with_suffix(".wat")
            out.append({"name": name, "size": path.stat().st_size, "url": f"/api/examples/{name}",
                        "source_url": f"/api/examples/{name[:-5]}.wat" if source.is_file() else None})
        return out

    @app.get("/api/examples/{source}/{name}", tags=["service"], responses={404: {"model": ErrorBody}})
    async def get_example(source: str, name: str):
        """An example's bytes (``.wasm``) or its WAT source (``.wat``)."""
        known = assets.examples(settings)
        wasm = known.get(f"{source}/{name[:-4]}.wasm") if name.endswith(".wat") else None
        path = wasm.with_suffix(".wat") if wasm is not None else known.get(f"{source}/{name}")
        if path is None or not path.is_file():
            return error("not_found", f"no example {source}/{name}")
        media = "text/plain; charset=utf-8" if name.endswith(".wat") else "application/wasm"
        return FileResponse(path, media_type=media)

    @app.get("/wheel/wasmvm.whl", tags=["service"], include_in_schema=False)
    async def wheel():
        name, data = wheel_bytes()
        return Response(data, media_type="application/octet-stream",
                        headers={"content-disposition": f'attachment; filename="{name}"',
                                 "x-wheel-name": name})

    def wheel_bytes():
        return assets.wheel_bytes(settings, app.state.wheel)

    swagger = settings.swagger_dir
    if swagger is not None and (swagger / "swagger-ui-bundle.js").is_file():
        app.mount("/swagger", StaticFiles(directory=swagger), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        """Swagger UI when its files are at hand, else a plain page; both offline."""
        if "swagger" in {getattr(r, "name", None) for r in app.routes}:
            return get_swagger_ui_html(
                openapi_url="/openapi.json", title="wasmvm API",
                swagger_js_url="/swagger/swagger-ui-bundle.js",
                swagger_css_url="/swagger/swagger-ui.css",
                swagger_favicon_url="/static/favicon.svg",
                swagger_ui_parameters={"validatorUrl": None})
        return HTMLResponse(plain_docs(app.openapi()))

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    @app.get("/playground", include_in_schema=False)
    async def playground():
        return RedirectResponse("/")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if settings.pyodide_dir is not None and settings.pyodide_dir.is_dir():
        app.mount("/pyodide", StaticFiles(directory=settings.pyodide_dir), name="pyodide")


def jsonable(errors: list) -> list:
    out = []
    for err in errors:
        out.append({k: (v if isinstance(v, (str, int, float, list, type(None))) else str(v))
                    for k, v in err.items() if k != "ctx"})
    return out
