"""The in-browser mode's entry points: what the playground calls inside Pyodide.

The page loads Pyodide, unpacks the wasmvm wheel and imports this module. Each function
takes JSON text (and the module's bytes, for ``describe``) and returns JSON text
``{"status": ..., "body": ...}``: the status and body the server would answer with for
the same request, so the page renders both modes with the same code.

    describe(data)                 POST /api/modules
    invoke(request)                POST /api/invoke   (module_id from describe)
    translate(request)             POST /api/translate
    stackvm(request)               POST /api/stackvm
    debug_start(request)           a live Debugger (not a recording, as the server sends)
    debug_move(how)                "step", "over", "out", "continue", "back" or "back_over"
    debug_goto(n)                  to step n (the timeline)

Nothing here touches the network or a file system; the limits are the service's
defaults (the page has no other protection from a module that never stops than fuel).
"""

from __future__ import annotations

import json

from . import core, program, steps
from .limits import Limits
from .outcome import error_body, error_json, invoke_outcome

__all__ = ["describe", "invoke", "translate", "stackvm", "debug_start", "debug_move",
           "debug_goto", "LIMITS"]

LIMITS = Limits()
_modules: dict[str, tuple[bytes, object]] = {}
_debugger: list = []  # the live Stepper, if any


def _answer(fn) -> str:
    try:
        status, body = fn()
    except Exception as e:  # noqa: BLE001 - every answer is JSON, as the server's are
        known = error_json(e)
        status, body = known if known is not None else error_body("internal", repr(e))
    return json.dumps({"status": status, "body": body})


def _module(request: dict):
    item = _modules.get(request.get("module_id"))
    if item is None:
        raise core.RequestError("bad_request", "load a module first")
    return item[1]


def describe(data) -> str:
    """``data``: the module's bytes, binary or WAT text (a JS Uint8Array arrives as a
    JsProxy)."""
    if hasattr(data, "to_py"):
        data = data.to_py()
    data = bytes(data)

    def run():
        binary = core.compile_text(data, LIMITS)  # the page's WAT editor sends text
        module = core.load_module(binary, LIMITS)
        info = core.describe(binary, module, LIMITS, None if binary is data else data)
        _modules.clear()  # the page works on one module at a time
        _modules[info["id"]] = (binary, module)
        return 200, info

    return _answer(run)


def invoke(request: str) -> str:
    req = json.loads(request)

    def run():
        result = core.invoke(_module(req), req["export"], req.get("args", []), LIMITS,
                             fuel=req.get("fuel"), trace=bool(req.get("trace")),
                             trace_limit=req.get("trace_limit"),
                             profile=bool(req.get("profile")))
        return invoke_outcome(result)

    return _answer(run)


def translate(request: str) -> str:
    req = json.loads(request)
    return _answer(lambda: (200, core.translate(_module(req), LIMITS, req.get("func"),
                                                bool(req.get("fuel")))))


def stackvm(request: str) -> str:
    req = json.loads(request)
    return _answer(lambda: (200, program.run_program(
        req.get("program"), LIMITS, req.get("memory_pages", 1), req.get("max_pages"))))


def debug_start(request: str) -> str:
    req = json.loads(request)

    def run():
        for old in _debugger:
            old.close()
        _debugger.clear()
        stepper = steps.Stepper(_module(req), req["export"], req.get("args", []), LIMITS,
                                fuel=req.get("fuel"))
        _debugger.append(stepper)
        return 200, {"args": stepper.args, **stepper.snapshot()}

    return _answer(run)


def debug_move(how: str) -> str:
    def run():
        if not _debugger:
            raise core.RequestError("bad_request", "start the debugger first")
        if how not in steps.MOTIONS:
            raise core.RequestError("bad_request", f"unknown motion {how!r}: one of "
                                    f"{', '.join(steps.MOTIONS)}")
        stepper = _debugger[0]
        return 200, {"args": stepper.args, **stepper.move(how)}

    return _answer(run)


def debug_goto(n) -> str:
    def run():
        if not _debugger:
            raise core.RequestError("bad_request", "start the debugger first")
        stepper = _debugger[0]
        return 200, {"args": stepper.args, **stepper.goto(int(n))}

    return _answer(run)
