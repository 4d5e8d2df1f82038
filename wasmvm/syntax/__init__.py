"""The abstract syntax (spec chapter 2): types, values, instructions, modules."""

from .instructions import *  # noqa: F403
from .instructions import __all__ as _instr_all
from .module import (
    CustomSection,
    Data,
    DataMode,
    Elem,
    ElemMode,
    Export,
    Func,
    Global,
    Import,
    Local,
    Memory,
    Module,
    Names,
    Table,
    Tag,
)
from .types import (
    EXTERNREF,
    F32,
    F64,
    FUNCREF,
    I32,
    I64,
    V128,
    FuncType,
    GlobalType,
    Limits,
    MemoryType,
    TableType,
    ValType,
)
from .values import Value, f32, f64, i32, i64, v128

__all__ = [
    *_instr_all, "CustomSection", "Data", "DataMode", "Elem", "ElemMode", "Export", "Func",
    "Global", "Import", "Local", "Memory", "Module", "Names", "Table", "Tag", "EXTERNREF", "F32", "F64",
    "FUNCREF", "I32", "I64", "V128", "FuncType", "GlobalType", "Limits", "MemoryType",
    "TableType", "ValType", "Value", "f32", "f64", "i32", "i64", "v128",
]
