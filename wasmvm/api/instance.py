"""Instances and the Linker, modelled on wasmtime-py."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from ..errors import LinkError
from ..exec.instantiate import instantiate
from ..syntax.types import FuncType
from . import hosts
from .engine import Engine, Module, Store
from .extern import Func, unwrap_extern, wrap_extern


class Instance:
    """``Instance(store, module, imports)``: imports are Func/Table/Memory/Global objects
    in the order of ``module.imports``. Raises LinkError if they do not match, Trap if
    initialisation or the start function traps."""

    def __init__(self, store: Store, module: Module, imports: Sequence):
        externs = [unwrap_extern(x) for x in imports]
        self._inst = instantiate(store._store, module._module, module._info, externs)
        self._module = module

    def exports(self, store: Store | None = None) -> InstanceExports:
        return InstanceExports(self._inst)


class InstanceExports:
    """The exports of an instance by name (``exports["add"]``, ``exports.get("add")``)."""

    def __init__(self, inst):
        self._inst = inst

    def __getitem__(self, name: str):
        try:
            kind, item = self._inst.exports[name]
        except KeyError:
            raise KeyError(f"no export named {name!r}") from None
        return wrap_extern(kind, item)

    def get(self, name: str, default=None):
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: str) -> bool:
        return name in self._inst.exports

    def __iter__(self) -> Iterator[str]:
        return iter(self._inst.exports)

    def __len__(self) -> int:
        return len(self._inst.exports)

    def items(self):
        return [(name, self[name]) for name in self._inst.exports]


class Linker:
    """Defines imports by ``(module, name)`` and instantiates modules against them."""

    def __init__(self, engine: Engine | None = None):
        self.engine = engine or Engine()
        self.allow_shadowing = False
        self._defs: dict[tuple[str, str], object] = {}
        self._wasi = False  # define_wasi(): WASI imports come from the instantiating store

    def define(self, store: Store, module: str, name: str, item) -> None:
        key = (module, name)
        if key in self._defs and not self.allow_shadowing:
            raise LinkError(f"import {module}.{name} defined twice")
        unwrap_extern(item)
        self._defs[key] = item

    def define_func(self, module: str, name: str, ty: FuncType, func: Callable,
                    access_caller: bool = False) -> None:
        self.define(None, module, name, Func(None, ty, func, access_caller))

    def define_instance(self, store: Store, name: str, instance: Instance) -> None:
        exports = instance.exports(store)
        for export_name in exports:
            self.define(store, name, export_name, exports[export_name])

    def define_wasi(self) -> None:
        """Define the wasi_snapshot_preview1 imports, from each store's ``set_wasi`` config
        (made for the store that instantiates)."""
        hosts.wasi()  # there is a WASI implementation
        self._wasi = True

    def get(self, store: Store, module: str, name: str):
        return self._defs.get((module, name))

    def instantiate(self, store: Store, module: Module) -> Instance:
        imports = []
        for imp in module.imports:
            item = self._defs.get((imp.module, imp.name))
            if item is None and self._wasi:
                item = hosts.wasi().wasi_import(store, imp.module, imp.name)
            if item is None:
                raise LinkError(f"unknown import: {imp.module}.{imp.name}")
            imports.append(item)
        return Instance(store, module, imports)
