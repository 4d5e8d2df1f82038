"""The budgets that make untrusted input safe to run: one ``Limits`` per service.

Every number here bounds something a client controls. The same object drives the
server (``wasmvm serve``) and the in-browser mode (where it protects the page from a
module that never stops). ``Limits.from_env()`` reads ``WASMVM_WEB_<FIELD>`` overrides
(``WASMVM_WEB_FUEL=100000000``), for operators.

Memory and tables: wasmvm's API has no per-store growth limit (wasmtime-py's
``store.set_limits``), so the web layer decides before it instantiates anything. A module
is refused (``LimitError``, HTTP 422) when a memory it defines starts with more than
``max_memory_pages`` pages, or when it contains ``memory.grow`` and a memory has no
maximum or a maximum above the limit (the same for tables, ``table.grow`` and
``max_table_elements``). A module that never grows its memory may leave the maximum out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace


class LimitError(Exception):
    """A request asked for more than the service allows. ``limit`` names the budget
    (a field of ``Limits``, or ``"time"``), ``message`` says what and how to fix it."""

    def __init__(self, limit: str, message: str, offset: int | None = None):
        self.limit = limit
        self.message = message
        self.offset = offset
        super().__init__(message)


@dataclass(frozen=True)
class Limits:
    #: Largest request body, in bytes (a module upload, or a JSON body with a module in
    #: base64); larger requests are answered 413 before they are read to the end.
    max_request_bytes: int = 1536 * 1024
    #: Largest module, in bytes. Describing a module of 1 MiB takes about 3 s and 170 MB
    #: (every byte annotated), so this bounds the cost of an upload too.
    max_module_bytes: int = 1024 * 1024
    #: Fuel for one call (about one unit per instruction, counted as wasmtime counts it);
    #: a client may ask for less. About 0.2 s of a tight loop on the compiled tier.
    fuel: int = 20_000_000
    #: Fuel for a call that is watched instruction by instruction (a trace, stepping),
    #: which runs on the reference tier with observers, ~30 times slower per unit.
    observed_fuel: int = 2_000_000
    #: Pages (64 KiB) a memory may start with, or grow to (see the module docstring).
    max_memory_pages: int = 64
    #: Elements a table may start with, or grow to.
    max_table_elements: int = 100_000
    #: WebAssembly frames at once (Config.max_call_depth); deeper traps "call stack exhausted".
    max_call_depth: int = 1_000
    #: Trace records returned by one traced call (the call runs on; the trace is cut).
    max_trace_records: int = 10_000
    #: Recorded steps of one stepping run (server mode; the run stops there).
    max_steps: int = 5_000
    #: Annotation records and disassembly lines returned for one module.
    max_annotations: int = 20_000
    max_disassembly_lines: int = 20_000
    #: Instructions in one StackVM program, and pages of its memory.
    max_stackvm_instructions: int = 500
    #: Wall time of one request's engine work, in seconds; then 408 and the run is stopped.
    timeout_seconds: float = 10.0
    #: Requests running engine work at once (threads); the others wait their turn.
    workers: int = 4
    #: Uploaded modules kept for later calls by id (their total size in bytes).
    module_cache_bytes: int = 16 * 1024 * 1024

    @classmethod
    def from_env(cls, environ=None, **overrides) -> Limits:
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            text = environ.get(f"WASMVM_WEB_{f.name.upper()}")
            if text is not None:
                kind = float if f.type in ("float", float) else int
                try:
                    values[f.name] = kind(text)
                except ValueError:
                    raise ValueError(f"WASMVM_WEB_{f.name.upper()}: not a number: {text!r}") from None
        return replace(cls(**values), **overrides)

    def public(self) -> dict:
        """The limits as a JSON object (``GET /api/limits``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
