"""Feature switches: which WebAssembly proposals a module may use.

WebAssembly 3.0 merged several proposals into the standard. wasmvm implements them one at
a time, and an embedder can turn each off, as in wasmtime (``Config.wasm_tail_call`` and
friends): a module that uses a disabled feature is rejected exactly as a WebAssembly 2.0
engine rejects it (the decoder's ``binary.later`` errors, whose ``spec_message`` is 2.0's
own message), so ``Features.wasm2()`` is a 2.0 engine, and the core-2.0 spec suite runs
with it.

A switch that is on lets the decoder and the validator accept the feature *once it is
implemented*; until then ``binary.later`` still rejects it as not supported yet.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True, slots=True)
class Features:
    """The proposals a module may use (wasmtime-py's ``Config.wasm_*`` names, without the
    prefix). The default is WebAssembly 3.0 as wasmvm implements it."""

    tail_call: bool = True
    extended_const: bool = True
    multi_memory: bool = True
    memory64: bool = True
    relaxed_simd: bool = True
    function_references: bool = True
    exceptions: bool = True
    gc: bool = True

    @classmethod
    def wasm2(cls) -> Features:
        """WebAssembly 2.0: every 3.0 proposal off."""
        return cls(**{f.name: False for f in fields(cls)})

    def with_(self, **switches: bool) -> Features:
        return replace(self, **switches)

    def names(self) -> list[str]:
        """The names of the switches that are on."""
        return [f.name for f in fields(self) if getattr(self, f.name)]


#: The default set (WebAssembly 3.0).
WASM3 = Features()
#: WebAssembly 2.0.
WASM2 = Features.wasm2()
