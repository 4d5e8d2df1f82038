"""The error hierarchy: one exception per kind of spec assertion.

    WasmError
    ├── MalformedError   the binary format is broken       (assert_malformed)
    ├── InvalidError     the module fails validation       (assert_invalid)
    ├── LinkError        imports do not match              (assert_unlinkable)
    ├── Trap             execution trapped                 (assert_trap, assert_exhaustion)
    ├── UnsupportedError valid input that wasmvm cannot run yet (e.g. SIMD execution)
    └── InternalError    a bug in wasmvm (the spec's "Crash"); never counts as a pass

Each error carries the spec's message text in ``message`` (the spec-test runner matches it
as a prefix, as the reference interpreter does) and, where there are bytes, the byte
``offset`` in the input it concerns.
"""

from __future__ import annotations

import enum


class WasmError(Exception):
    """Base class of every error wasmvm raises on purpose."""

    def __init__(self, message: str, offset: int | None = None):
        self.message = message
        self.offset = offset
        super().__init__(message)

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


class UnsupportedError(WasmError):
    """The input is fine, but wasmvm does not implement what it needs yet."""


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

    @property
    def message(self) -> str:
        return self.value


class Trap(WasmError):
    """Execution trapped; ``code`` says why and ``message`` is the spec's text."""

    def __init__(self, code: TrapCode, message: str | None = None, offset: int | None = None):
        self.code = code
        self.frames: list = []  # the wasm functions active when it trapped, outermost first
        super().__init__(message or code.message, offset)

    @property
    def trap_code(self) -> TrapCode:
        """wasmtime-py's name for ``code``."""
        return self.code
