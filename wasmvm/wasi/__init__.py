"""WASI preview1 (``wasi_snapshot_preview1``): the host side that lets programs compiled
from C, C++ or Rust for ``wasm32-wasi`` run on wasmvm, in a capability sandbox.

    from wasmvm import Linker, Module, Store
    from wasmvm.wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

    config = WasiConfig()
    config.argv = ["hello"]
    config.inherit_stdout()
    config.preopen_dir("data", "/data")
    store = Store()
    set_wasi(store, config)                  # store.set_wasi(config)
    linker = Linker(store.engine)
    define_wasi(linker, store)               # linker.define_wasi()
    instance = linker.instantiate(store, Module.from_file(store.engine, "hello.wasm"))
    try:
        instance.exports(store)["_start"](store)
    except ExitTrap as e:
        print("exit status", e.code)

Modules: ``types`` (the witx types and function signatures), ``config`` (WasiConfig),
``sandbox`` (path resolution that cannot leave a preopened directory), ``fdtable``
(descriptors and streams), ``fd_calls`` / ``path_calls`` / ``misc_calls`` (the functions),
``host`` (the context and the linker glue), ``command`` (``wasmvm run``).
"""

from ..api.hosts import register_wasi
from . import host
from .config import WasiConfig
from .errors import ExitTrap
from .host import MODULE, WasiCtx, define_wasi, set_wasi, wasi_ctx, wasi_import
from .types import FUNCTIONS, Errno, Rights

register_wasi(host)  # Store.set_wasi and Linker.define_wasi reach this package through it

__all__ = [
    "WasiConfig", "ExitTrap", "WasiCtx", "define_wasi", "set_wasi", "wasi_ctx", "wasi_import",
    "MODULE", "FUNCTIONS", "Errno", "Rights",
]
