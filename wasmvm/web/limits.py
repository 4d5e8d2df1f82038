"""The budgets that make untrusted input safe to run: one ``Limits`` per service.

Every number here bounds something a client controls. The same object drives the
server (``wasmvm serve``) and the in-browser mode (where it protects the page from a
module that never stops). ``Limits.from_env()`` reads ``WASMVM_WEB_<FIELD>`` overrides
(``WASMVM_WEB_FUEL=100000000``), for operators.

Memory and tables: a module is refused (``LimitError``, HTTP 422) when a memory it
defines starts with more than ``max_memory_pages`` pages (4,096: 256 MiB), or a table with
more than ``max_table_elements`` elements. What a module grows to at run time is bounded
by its worker process: each runs under an address-space limit of ``worker_memory_mb``
(``RLIMIT_AS``), and a request that runs past it is answered 422 (limit
``worker_memory_mb``) and its worker replaced. So the modules clang and rustc produce
(a memory with no maximum, and ``memory.grow``) run. Where there are no worker processes
(``process_workers=0``, and the in-browser mode under Pyodide), nothing bounds growth but
the module itself, so a module is also refused when it contains ``memory.grow`` and a
memory has no maximum or one above ``max_memory_pages`` (the same for tables,
``table.grow`` and ``max_table_elements``).
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
    #: Pages (64 KiB) a memory may start with (256 MiB); without worker processes, also
    #: the most it may grow to (see the module docstring).
    max_memory_pages: int = 4096
    #: Elements a table may start with (without worker processes: or grow to).
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
    max_stackvm_pages: int = 64
    #: Wall time of one request's engine work (decoding, validating, describing,
    #: instantiating, translating, running), in seconds; then 408, and its worker process
    #: is killed and replaced (with threads: its run is stopped through fuel, and what
    #: fuel does not reach, decoding and translating, runs on).
    timeout_seconds: float = 10.0
    #: Requests running engine work at once; the others wait their turn in a queue.
    workers: int = 4
    #: 1: each worker is a process of its own, killed and replaced when a request runs
    #: past its time or memory; 0: threads in the server's process (no memory bound).
    process_workers: int = 1
    #: Address space of one worker process, in MiB (RLIMIT_AS; Linux and other Unixes).
    worker_memory_mb: int = 1024
    #: The longest a request waits in the queue for a worker, in seconds; then 503.
    queue_timeout_seconds: float = 60.0
    #: Time to receive a request's whole body, in seconds, from its headers on; then 408
    #: and the connection is closed (a client that sends half a body holds nothing long).
    body_timeout_seconds: float = 10.0
    #: Time to send a request's headers, in seconds, from connecting (or from the first
    #: byte of a later request on the same connection); then the connection is closed.
    header_timeout_seconds: float = 10.0
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
