"""Host interfaces that a layer above the API provides to stores and linkers, by
registration, so that ``api`` never imports them.

WASI (``wasmvm.wasi``) registers itself when imported (``import wasmvm`` does); then
``Store.set_wasi(config)`` and ``Linker.define_wasi()`` work as in wasmtime-py. The
provider is any object with ``set_wasi(store, config)``, ``define_wasi(linker)`` and
``wasi_import(store, module, name)``.
"""

from __future__ import annotations

_providers: dict[str, object] = {}


def register_wasi(provider) -> None:
    """Make ``provider`` the WASI implementation of every store and linker."""
    _providers["wasi"] = provider


def wasi():
    """The registered WASI implementation (``wasmvm.wasi.host``)."""
    provider = _providers.get("wasi")
    if provider is None:
        raise RuntimeError("no WASI implementation is registered: import wasmvm.wasi first")
    return provider
