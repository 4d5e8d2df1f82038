"""The error hierarchy: one exception per kind of spec assertion.

    WasmError
    ├── MalformedError   the binary format is broken       (assert_malformed)
    ├── InvalidError     the module fails validation       (assert_invalid)
    ├── LinkError        imports do not match              (assert_unlinkable)
    │   └── ResourceLimitError  a memory, table or instance the store's limits or the
    │                           host cannot give (``Store.set_limits``)
    ├── Trap             execution trapped                 (assert_trap, assert_exhaustion)
    ├── UnsupportedError valid input that wasmvm cannot run yet
    │   └── UnsupportedFeatureError  bytes of a later WebAssembly (also a MalformedError)
    └── InternalError    a bug in wasmvm (the spec's "Crash"); never counts as a pass

Each error carries the spec's message text in ``message`` (the spec-test runner matches it
as a prefix, as the reference interpreter does) and, where there are bytes, the byte
``offset`` in the input it concerns.
"""

from __future__ import annotations

import enum


class WasmError(Exception):
    """Base class of every error wasmvm raises on purpose."""

    #: what a WebAssembly 2.0 implementation says for the same input, where ``message``
    #: says more (see ``UnsupportedFeatureError``); None when ``message`` is that text
    spec_message: str | None = None

    def __init__(self, message: str, offset: int | None = None):
        self.message = message
        self.offset = offset
        super().__init__(message)

    def matches(self, expected: str) -> bool:
        """Whether this error is the one a spec assertion expecting ``expected`` means:
        the reference interpreter's messages are matched as prefixes."""
        return self.message.startswith(expected) or (
            self.spec_message is not None and self.spec_message.startswith(expected))

    def __str__(self) -> str:
        return self._text()

    def _text(self) -> str:
        if self.offset is None:
            return self.message
        return f"{self.message} (at offset 0x{self.offset:x})"


class MalformedError(WasmError):
    """The bytes are not a well-formed WebAssembly binary."""


class InvalidError(WasmError):
    """The module is well formed but does not validate."""


class LinkError(WasmError):
    """Instantiation failed because the imports do not match."""


class ResourceLimitError(LinkError):
    """Instantiation (or creating a Memory or Table from the API) needs more than the
    store's limits (``Store.set_limits``) or the host can give: a memory or table whose
    minimum size is over the limit, too many instances, tables or memories in one store,
    or an allocation the host refuses. wasmtime fails instantiation in the same cases
    (its message says "resource limit exceeded" or "exceeds memory limits"); growing past
    a limit is not an error but a failed ``memory.grow`` / ``table.grow`` (-1)."""


class UnsupportedError(WasmError):
    """The input is fine, but wasmvm does not implement what it needs yet."""


class UnsupportedFeatureError(MalformedError, UnsupportedError):
    """The bytes encode a feature of a later WebAssembly (3.0, or a proposal after it)
    that this engine does not accept: one switched off in ``Config`` (``switch`` names the
    switch: "tail calls (WebAssembly 3.0) are disabled (Config.wasm_tail_call=False):
    return_call"), or one wasmvm does not implement (``switch`` is None: "threads (a
    proposal after WebAssembly 3.0) are not supported yet: an atomic instruction").
    ``spec_message`` is what a 2.0 decoder says of the same bytes ("illegal opcode
    0x12"), so 2.0's malformed-module tests still match."""

    def __init__(self, feature: str, version: str, what: str, offset: int | None,
                 spec_message: str, switch: str | None = None):
        self.feature = feature
        self.version = version
        self.what = what
        self.switch = switch
        super().__init__(f"{self.phrase(feature, version, switch)}: {what}", offset)
        self.spec_message = spec_message

    @staticmethod
    def phrase(feature: str, version: str, switch: str | None = None) -> str:
        """ "tail calls (WebAssembly 3.0) are disabled (Config.wasm_tail_call=False)" for
        a feature switched off, "threads (...) are not supported yet" for one without a
        switch """
        verb = "are" if feature.endswith("s") else "is"
        if switch is not None:
            return f"{feature} ({version}) {verb} disabled (Config.wasm_{switch}=False)"
        return f"{feature} ({version}) {verb} not supported yet"

    def _text(self) -> str:
        if self.offset is None:
            return self.message
        return f"{self.message} at offset 0x{self.offset:x}"


class InternalError(WasmError):
    """wasmvm reached a state its invariants exclude: a bug, reported as such."""


class TrapCode(enum.Enum):
    """Why execution trapped. Names follow wasmtime; values are the spec's messages."""

    STACK_OVERFLOW = "call stack exhausted"
    MEMORY_OUT_OF_BOUNDS = "out of bounds memory access"
    HEAP_MISALIGNED = "unaligned atomic"
    TABLE_OUT_OF_BOUNDS = "out of bounds table access"
    INDIRECT_CALL_TO_NULL = "uninitialized element"
    BAD_SIGNATURE = "indirect call type mismatch"
    INTEGER_OVERFLOW = "integer overflow"
    INTEGER_DIVISION_BY_ZERO = "integer divide by zero"
    BAD_CONVERSION_TO_INTEGER = "invalid conversion to integer"
    UNREACHABLE = "unreachable"
    INTERRUPT = "interrupt"
    OUT_OF_FUEL = "all fuel consumed by WebAssembly"
    NULL_REFERENCE = "null reference"
    #: GC: an array index or range beyond the array's length
    ARRAY_OUT_OF_BOUNDS = "out of bounds array access"
    #: GC: ref.cast of a reference not of the target type
    CAST_FAILURE = "cast failure"
    #: GC: an array longer than the engine allocates (``exec.gc.MAX_ARRAY_LENGTH``)
    ALLOCATION_TOO_LARGE = "allocation too large"
    #: a WebAssembly exception no handler caught (raised as ``UncaughtException``;
    #: wasmtime reports it as a trap whose ``trap_code`` is None)
    UNCAUGHT_EXCEPTION = "thrown Wasm exception"

    @property
    def message(self) -> str:
        return self.value


#: call_ref of a null reference: wasmtime's NULL_REFERENCE, with the spec's own message
NULL_FUNCTION_REFERENCE = "null function reference"
#: throw_ref of a null reference: wasmtime's NULL_REFERENCE, with the spec's own message
NULL_EXCEPTION_REFERENCE = "null exception reference"

#: A trap keeps the ``BACKTRACE_OUTER`` outermost and ``BACKTRACE_INNER`` innermost frames of
#: its backtrace and counts the rest in ``frames_elided``: a 10,000-deep recursion does
#: not make a 10,000-line report (wasmtime keeps 20 frames; we keep both ends).
BACKTRACE_OUTER = 5
BACKTRACE_INNER = 15


class Trap(WasmError):
    """Execution trapped; ``code`` says why and ``message`` is the spec's text.

    ``frames`` holds the wasm functions active when it trapped, outermost first, bounded:
    when ``frames_elided`` is N > 0, N frames stood between ``frames[BACKTRACE_OUTER - 1]``
    and ``frames[BACKTRACE_OUTER]``. ``str(trap)`` is the message, the offset and the
    backtrace, innermost first, as ``backtrace_lines()`` gives it.
    """

    def __init__(self, code: TrapCode, message: str | None = None, offset: int | None = None):
        self.code = code
        self.frames: list = []
        self.frames_elided = 0
        super().__init__(message or code.message, offset)

    @property
    def trap_code(self) -> TrapCode:
        """wasmtime-py's name for ``code``."""
        return self.code

    def set_frames(self, funcs: list) -> None:
        """Record the backtrace (outermost first), keeping both ends of a deep one."""
        n = len(funcs)
        keep = BACKTRACE_OUTER + BACKTRACE_INNER
        if n <= keep:
            self.frames, self.frames_elided = list(funcs), 0
        else:
            self.frames = [*funcs[:BACKTRACE_OUTER], *funcs[n - BACKTRACE_INNER:]]
            self.frames_elided = n - keep

    def prepend_frames(self, funcs: list) -> None:
        """Put callers that the backtrace did not see (outermost first) in front of it."""
        if not self.frames_elided:
            self.set_frames([*funcs, *self.frames])
            return
        outer = [*funcs, *self.frames[:BACKTRACE_OUTER]]
        self.frames_elided += len(outer) - BACKTRACE_OUTER
        self.frames = [*outer[:BACKTRACE_OUTER], *self.frames[BACKTRACE_OUTER:]]

    def backtrace(self, prefix: str = "") -> list[str]:
        """``prefix + NAME`` per frame, innermost first, with one ``… N frames elided …``
        entry where the middle of a deep backtrace was dropped (the web API's form)."""
        names = [f"{prefix}{getattr(f, 'name', f)}" for f in self.frames]
        if self.frames_elided:
            names.insert(BACKTRACE_OUTER, f"… {self.frames_elided:,} frames elided …")
        return names[::-1]

    def backtrace_lines(self) -> list[str]:
        """``in NAME`` per frame, as ``backtrace`` (the CLI's and ``str(trap)``'s form)."""
        return self.backtrace("in ")

    def _text(self) -> str:
        lines = self.backtrace_lines()
        if not lines:
            return super()._text()
        return "\n".join([super()._text(), "wasm backtrace:", *("  " + line for line in lines)])


class UncaughtException(Trap):
    """A WebAssembly exception (``throw``, ``throw_ref``) that no handler caught reached
    the host. As in wasmtime-py it is a trap ("thrown Wasm exception"); ``tag`` is the
    tag instance it was thrown with and ``payload`` its raw values."""

    def __init__(self, tag=None, payload: tuple = (), exn=None):
        super().__init__(TrapCode.UNCAUGHT_EXCEPTION)
        self.tag = tag
        self.payload = tuple(payload)
        self.exn = exn  # the exception reference itself (exnref), for a host to rethrow
