"""wasmvm: a WebAssembly engine in pure Python, and a stack machine to learn it with.

The learning API:

    >>> from wasmvm import StackVM, Push, Add, i32
    >>> vm = StackVM()
    >>> vm.instructions = [Push(i32(2)), Push(i32(3)), Add("i32")]
    >>> vm.run()
    >>> vm.inspect()
    [5]

Real modules, wasmtime-py style:

    >>> from wasmvm import Store, Module, Instance
    >>> store = Store()
    >>> module = Module.from_file(store.engine, "fixtures/fac.wasm")
    >>> Instance(store, module, []).exports(store)["fac"](store, 5)
    120

Text works wherever binary does (``wat2wasm(text)`` gives the bytes):

    >>> m = Module(store.engine, '(module (func (export "twice") (param i32) (result i32)'
    ...                          '  (i32.mul (local.get 0) (i32.const 2))))')
    >>> Instance(store, m, []).exports(store)["twice"](store, 21)
    42

The names ``Store``, ``Memory``, ``Table`` and ``Global`` here are the embedding API's;
the instruction classes (``wasmvm.syntax.Load``, ``wasmvm.syntax.Store``, ...) live in
``wasmvm.syntax``.

The binary format on its own: ``wasmvm.binary.decode_module(data)`` gives a ``wasmvm.syntax.Module`` whose
function bodies are lists of the same instruction objects; ``encode_module`` turns one
back into bytes. The whole instruction model is in ``wasmvm.syntax``; the opcode table in
``wasmvm.opcodes``.
"""

from .api import (
    Config,
    Engine,
    ExnRef,
    ExportType,
    Func,
    FuncType,
    Global,
    GlobalType,
    ImportType,
    Instance,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    Store,
    Table,
    TableType,
    Tag,
    TagType,
    Val,
    ValType,
)
from .errors import (
    InternalError,
    InvalidError,
    LinkError,
    MalformedError,
    ResourceLimitError,
    Trap,
    TrapCode,
    UncaughtException,
    UnsupportedError,
    UnsupportedFeatureError,
    WasmError,
)
from .exec.stackvm import StackVM, VMState
from .syntax.instructions import (
    Abs,
    Add,
    And,
    Ceil,
    Clz,
    Const,
    Copysign,
    Ctz,
    Div,
    Drop,
    Eq,
    Eqz,
    Floor,
    Ge,
    Gt,
    Le,
    Lt,
    Max,
    Min,
    Mul,
    Ne,
    Nearest,
    Neg,
    Nop,
    Or,
    Popcnt,
    Push,
    Rem,
    Rotl,
    Rotr,
    Select,
    Shl,
    Shr,
    Sqrt,
    Sub,
    Trunc,
    Unreachable,
    Xor,
)
from .syntax.values import f32, f64, i32, i64, v128
from .wasi import ExitTrap, WasiConfig
from .wat import TextError, wat2wasm

__version__ = "0.1.0"

__all__ = [
    "Config", "Engine", "Store", "Module", "ImportType", "ExportType", "Instance", "Linker",
    "Func", "Memory", "Table", "Global", "Val", "FuncType", "ValType", "Limits", "MemoryType",
    "TableType", "GlobalType", "Tag", "TagType", "ExnRef", "WasiConfig", "ExitTrap", "wat2wasm",
    "TextError",
    "StackVM", "VMState",
    "i32", "i64", "f32", "f64", "v128",
    "Push", "Const", "Add", "Sub", "Mul", "Div", "Rem", "Eq", "Ne", "Eqz", "Lt", "Le", "Gt",
    "Ge", "And", "Or", "Xor", "Shl", "Shr", "Rotl", "Rotr", "Clz", "Ctz", "Popcnt", "Abs",
    "Neg", "Sqrt", "Ceil", "Floor", "Trunc", "Nearest", "Min", "Max", "Copysign", "Drop",
    "Select", "Nop", "Unreachable",
    "WasmError", "MalformedError", "InvalidError", "LinkError", "ResourceLimitError", "Trap",
    "TrapCode", "InternalError", "UnsupportedError", "UnsupportedFeatureError",
    "UncaughtException",
]
