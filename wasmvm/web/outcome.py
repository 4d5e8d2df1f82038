"""HTTP status and body for every outcome, shared by the server and the in-browser mode.

A trap is a result of running a program: 200 with ``trap`` set. The errors:

    400 malformed      the decoder's message and byte offset; for WAT text the parser's
                       message with its line and column
    400 bad_request    bad base64, arguments that do not parse or do not fit
    400 bad_program    a StackVM program item that is not an instruction it runs
    404 not_found      no such export (or example)
    404 unknown_module a module id this server no longer has
    408 fuel           the call used up the service's own fuel budget
    408 timeout        the request ran past the wall-time limit
    413 too_large      a request or module over the size limits
    422 invalid        the validator's message and byte offset
    422 link           the module imports something (modules run without imports)
    422 unsupported    valid, but wasmvm cannot run it yet
    422 limit          memories or tables over the limits, a StackVM program too long
    422 schema         a request body that does not fit the schema (FastAPI's check)
    500 internal       a bug in wasmvm, or a worker process that died
    503 busy           every worker was busy for ``queue_timeout_seconds``
"""

from __future__ import annotations

from ..errors import InternalError, InvalidError, LinkError, MalformedError, UnsupportedError
from ..wat import TextError
from .core import RequestError, out_of_service_fuel
from .limits import LimitError
from .program import ProgramError

__all__ = ["STATUS", "error_body", "error_json", "invoke_outcome"]

STATUS = {"malformed": 400, "bad_request": 400, "bad_program": 400, "not_found": 404,
          "unknown_module": 404, "fuel": 408, "timeout": 408, "too_large": 413,
          "invalid": 422, "link": 422, "unsupported": 422, "limit": 422, "internal": 500, "busy": 503}

_ENGINE = ((MalformedError, "malformed"), (InvalidError, "invalid"), (LinkError, "link"),
           (UnsupportedError, "unsupported"), (InternalError, "internal"))


def error_body(kind: str, message: str, **extra) -> tuple[int, dict]:
    return STATUS[kind], {"error": kind, "message": message, "offset": None, "limit": None,
                          **extra}


def error_json(e: BaseException) -> tuple[int, dict] | None:
    """The status and body for an exception the web layer expects, or None."""
    if isinstance(e, LimitError):
        if e.limit == "time":
            return error_body("timeout", e.message, limit="time")
        if e.limit in ("max_request_bytes", "max_module_bytes"):
            return error_body("too_large", e.message, limit=e.limit)
        return error_body("limit", e.message, limit=e.limit, offset=e.offset)
    if isinstance(e, TextError):
        return error_body("malformed", e.message, line=e.line, column=e.column)
    for cls, kind in _ENGINE:
        if isinstance(e, cls):
            return error_body(kind, e.message, offset=e.offset)
    if isinstance(e, RequestError):
        return error_body(e.kind, e.message)
    if isinstance(e, ProgramError):
        return error_body("bad_program", e.message, index=e.index)
    return None


def invoke_outcome(result: dict) -> tuple[int, dict]:
    """An invoke result as an answer: 200, or 408 when the call used up the service's own
    fuel budget (it may never finish), with the result so far."""
    if out_of_service_fuel(result):
        trap = result["trap"]
        budget = result["fuel"]["budget"]
        return error_body("fuel", f"the call used up this service's fuel budget of {budget} "
                          f"units ({trap['message']}): it may never finish; pass a smaller fuel "
                          f"to get the trap as a result", limit="fuel", offset=trap["offset"],
                          result=result)
    return 200, result
