"""The ``spectest`` host module that spec scripts import from (spec ``host/spectest.ml``).

    func    print  print_i32  print_i64  print_f32  print_f64  print_i32_f32  print_f64_f64
    global  global_i32 = 666   global_i64 = 666   global_f32 = 666.6   global_f64 = 666.6
    table   table: 10 to 20 funcref
    memory  memory: 1 to 2 pages

The globals are immutable. The print functions do nothing, or, when ``verbose``, print
their arguments as the reference interpreter does (``42 : i32``, one line each). Every
item is created once per ``spectest_items`` call: the table and memory are state shared
by all the modules of one script that import them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from ..api import Func, Global, Linker, Memory, Store, Table
from ..syntax.types import F32, F64, FUNCREF, I32, I64, FuncType, GlobalType, Limits, MemoryType, TableType
from ..syntax.values import f32, f64

MODULE_NAME = "spectest"

#: The print functions and their parameter types.
PRINT_FUNCS: dict[str, tuple] = {
    "print": (),
    "print_i32": (I32,),
    "print_i64": (I64,),
    "print_f32": (F32,),
    "print_f64": (F64,),
    "print_i32_f32": (I32, F32),
    "print_f64_f64": (F64, F64),
}

_GLOBALS = {
    "global_i32": (I32, 666),
    "global_i64": (I64, 666),
    "global_f32": (F32, 666.6),
    "global_f64": (F64, 666.6),
}

_SHOW = {I32: str, I64: str, F32: lambda x: str(f32(x)), F64: lambda x: str(f64(x))}


def _printer(name: str, params: tuple, verbose: bool, out: TextIO | None) -> Callable:
    if not verbose:
        def quiet(*args):
            return None
        quiet.__name__ = name
        return quiet

    def loud(*args):
        stream = out or sys.stdout
        for t, a in zip(params, args):
            print(f"{_SHOW[t](a)} : {t}", file=stream)
    loud.__name__ = name
    return loud


def spectest_items(store: Store, verbose: bool = False,
                   out: TextIO | None = None) -> dict[str, Func | Global | Table | Memory]:
    """The exports of a fresh ``spectest`` instance, by name."""
    items: dict[str, Func | Global | Table | Memory] = {}
    for name, params in PRINT_FUNCS.items():
        items[name] = Func(store, FuncType(params, ()), _printer(name, params, verbose, out))
    for name, (t, value) in _GLOBALS.items():
        items[name] = Global(store, GlobalType(t, False), value)
    items["table"] = Table(store, TableType(FUNCREF, Limits(10, 20)), None)
    items["table64"] = Table(store, TableType(FUNCREF, Limits(10, 20), is_64=True), None)
    items["memory"] = Memory(store, MemoryType(Limits(1, 2)))
    return items


def define_spectest(linker: Linker, store: Store, items: dict | None = None,
                    verbose: bool = False, out: TextIO | None = None) -> dict:
    """Define ``spectest.*`` in ``linker`` (``items`` from ``spectest_items``, or fresh
    ones); returns the items."""
    if items is None:
        items = spectest_items(store, verbose, out)
    for name, item in items.items():
        linker.define(store, MODULE_NAME, name, item)
    return items
