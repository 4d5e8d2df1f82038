"""The embedding API, modelled on wasmtime-py so that its users feel at home.

    >>> from wasmvm import Engine, Store, Module, Instance
    >>> store = Store()
    >>> module = Module.from_file(store.engine, "fixtures/fac.wasm")
    >>> instance = Instance(store, module, [])
    >>> instance.exports(store)["fac"](store, 5)
    120
"""

from ..errors import (
    InvalidError,
    LinkError,
    MalformedError,
    ResourceLimitError,
    Trap,
    TrapCode,
    WasmError,
)
from ..syntax.types import FuncType, GlobalType, Limits, MemoryType, TableType, ValType
from .engine import Config, Engine, ExportType, ImportType, Module, Store
from .extern import Func, Global, Memory, Table, Tag, TagType
from .instance import Instance, InstanceExports, Linker
from .values import ExnRef, Val

__all__ = [
    "Config", "Engine", "Store", "Module", "ImportType", "ExportType", "Instance",
    "InstanceExports", "Linker", "Func", "Memory", "Table", "Global", "Tag", "TagType",
    "ExnRef", "Val", "FuncType",
    "ValType", "Limits", "MemoryType", "TableType", "GlobalType", "WasmError",
    "MalformedError", "InvalidError", "LinkError", "ResourceLimitError", "Trap", "TrapCode",
]
