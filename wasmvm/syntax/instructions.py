"""Instructions (spec 2.4), in the shape of the spec's abstract syntax.

Meta-variables: ``t`` a value type, ``sx`` signedness (``signed=True`` is ``_s``),
``x`` an index, ``l`` a label index, ``bt`` a block type.

    Add("i32")                          i32.add
    Div("i32", signed=False)            i32.div_u
    Load("i32", offset=4)               i32.load offset=4
    Load("i32", bits=8, signed=False)   i32.load8_u
    Block(None, [Const(i32(1)), Drop()])
    BrIf(0), Call(3), LocalGet(1)

Every instruction knows its opcode-table row (``instr.op``), prints as WAT text
(``str(instr)``) and compares by value. Instructions are values: do not mutate one after
building it (the decoder shares one object for every occurrence of an instruction that
has no immediates). Block bodies are plain lists.

Nothing here recurses per nesting level: equality, ``repr`` and ``str`` walk nested
bodies with an explicit stack, so 100,000 nested blocks are fine.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .. import opcodes
from ..opcodes import BY_NAME, Op
from .control import Block, Catch, If, Loop, TryTable, format_body, walk
from .instruction_base import Instruction, _byte, _row, _sx, _u32, _u64
from .types import RefType, ValType, ref_type, valtype
from .values import VALUE_CLASSES, Value, i32, i64

__all__ = [
    "Instruction", "Unreachable", "Nop", "Block", "Loop", "If", "Br", "BrIf", "BrTable",
    "Return", "Call", "CallIndirect", "CallRef", "ReturnCall", "ReturnCallIndirect",
    "ReturnCallRef", "RefNull", "RefIsNull", "RefAsNonNull", "BrOnNull", "BrOnNonNull",
    "RefFunc", "Drop", "Select", "TryTable", "Catch", "Throw", "ThrowRef",
    "LocalGet", "LocalSet", "LocalTee", "GlobalGet", "GlobalSet", "TableGet", "TableSet",
    "TableSize", "TableGrow", "TableFill", "TableCopy", "TableInit", "ElemDrop", "Load",
    "Store", "MemorySize", "MemoryGrow", "MemoryFill", "MemoryCopy", "MemoryInit", "DataDrop",
    "Const", "Push", "Eqz", "Eq", "Ne", "Lt", "Gt", "Le", "Ge", "Clz", "Ctz", "Popcnt", "Abs",
    "Neg", "Sqrt", "Ceil", "Floor", "Trunc", "Nearest", "Add", "Sub", "Mul", "Div", "Rem",
    "And", "Or", "Xor", "Shl", "Shr", "Rotl", "Rotr", "Min", "Max", "Copysign", "Wrap",
    "ExtendI32", "SignExtend", "TruncF", "TruncSat", "Convert", "Demote", "Promote",
    "Reinterpret", "VecOp", "VecMem", "VecLane", "VecMemLane", "Shuffle", "RefEq",
    "StructNew", "StructNewDefault", "StructGet", "StructGetS", "StructGetU", "StructSet",
    "ArrayNew", "ArrayNewDefault", "ArrayNewFixed", "ArrayNewData", "ArrayNewElem",
    "ArrayGet", "ArrayGetS", "ArrayGetU", "ArraySet", "ArrayLen", "ArrayFill", "ArrayCopy",
    "ArrayInitData", "ArrayInitElem", "RefTest", "RefCast", "BrOnCast", "BrOnCastFail",
    "AnyConvertExtern", "ExternConvertAny", "RefI31", "I31GetS", "I31GetU", "maker",
    "walk", "format_body",
]



# ---------------------------------------------------------------------------------------
# Instructions with no fields: one class per mnemonic.
# ---------------------------------------------------------------------------------------
class _Plain(Instruction):
    __slots__ = ()
    mnemonic = ""

    def __init__(self):
        self.op = _row(self.mnemonic)


def _plain(cls_name: str, mnemonic: str, doc: str) -> type[_Plain]:
    return type(cls_name, (_Plain,), {"__slots__": (), "mnemonic": mnemonic, "__doc__": doc})


Unreachable = _plain("Unreachable", "unreachable", "Trap unconditionally.")
Nop = _plain("Nop", "nop", "Do nothing.")
Return = _plain("Return", "return", "Return from the current function.")
Drop = _plain("Drop", "drop", "Pop one operand and discard it.")
RefIsNull = _plain("RefIsNull", "ref.is_null", "Is the reference null? (pushes i32)")
RefAsNonNull = _plain("RefAsNonNull", "ref.as_non_null", "Trap on null; else the reference.")
ThrowRef = _plain("ThrowRef", "throw_ref",
                  "Throw the exception the popped exnref holds again (trap on null).")
Wrap = _plain("Wrap", "i32.wrap_i64", "i64 to i32, keeping the low 32 bits.")
Demote = _plain("Demote", "f32.demote_f64", "f64 to f32, rounding to nearest.")
Promote = _plain("Promote", "f64.promote_f32", "f32 to f64, exactly.")


# ---------------------------------------------------------------------------------------
# Instructions with index immediates
# ---------------------------------------------------------------------------------------
class _Indexed(Instruction):
    """An instruction whose fields are all indices (u32)."""

    __slots__ = ()
    mnemonic = ""
    _positional = 2

    def imm_text(self) -> str:
        return " ".join(str(v) for v in self._values())

    def __init__(self, *indices: int):
        if len(indices) != len(self._fields):
            raise TypeError(f"{type(self).__name__} takes {len(self._fields)} index argument(s)")
        for field, x in zip(self._fields, indices):
            object.__setattr__(self, field, _u32(type(self).__name__, field, x))
        self.op = _row(self.mnemonic)


def _indexed(cls_name: str, mnemonic: str, fields: tuple[str, ...], doc: str,
             defaults: tuple[int, ...] = ()) -> type[_Indexed]:
    cls = type(cls_name, (_Indexed,), {
        "__slots__": fields, "_fields": fields, "mnemonic": mnemonic, "__doc__": doc})
    if defaults:
        base_init = cls.__init__

        def __init__(self, *indices):
            base_init(self, *indices, *defaults[len(indices) - len(fields) + len(defaults):])

        cls.__init__ = __init__
    return cls


Br = _indexed("Br", "br", ("label",), "Branch to the label ``label`` levels out.")
BrIf = _indexed("BrIf", "br_if", ("label",), "Branch if the popped i32 is not zero.")
Call = _indexed("Call", "call", ("func",), "Call function ``func``.")
ReturnCall = _indexed("ReturnCall", "return_call", ("func",),
                      "Tail-call function ``func``: its frame replaces the caller's.")
RefFunc = _indexed("RefFunc", "ref.func", ("func",), "Push a reference to function ``func``.")
LocalGet = _indexed("LocalGet", "local.get", ("index",), "Push local ``index``.")
LocalSet = _indexed("LocalSet", "local.set", ("index",), "Pop into local ``index``.")
LocalTee = _indexed("LocalTee", "local.tee", ("index",), "Store into local ``index``, keep it.")
GlobalGet = _indexed("GlobalGet", "global.get", ("index",), "Push global ``index``.")
GlobalSet = _indexed("GlobalSet", "global.set", ("index",), "Pop into global ``index``.")
TableGet = _indexed("TableGet", "table.get", ("table",), "Push element of a table.", (0,))
TableSet = _indexed("TableSet", "table.set", ("table",), "Set element of a table.", (0,))
TableSize = _indexed("TableSize", "table.size", ("table",), "Push table size.", (0,))
TableGrow = _indexed("TableGrow", "table.grow", ("table",), "Grow a table.", (0,))
TableFill = _indexed("TableFill", "table.fill", ("table",), "Fill a table range.", (0,))
TableCopy = _indexed("TableCopy", "table.copy", ("dst", "src"), "Copy table ranges.", (0, 0))
TableInit = _indexed("TableInit", "table.init", ("elem", "table"),
                     "Copy from element segment ``elem`` into ``table``.", (0,))
ElemDrop = _indexed("ElemDrop", "elem.drop", ("elem",), "Drop an element segment.")
MemorySize = _indexed("MemorySize", "memory.size", ("memory",),
                      "Push the size in pages of memory ``memory`` (default 0).", (0,))
MemoryGrow = _indexed("MemoryGrow", "memory.grow", ("memory",),
                      "Grow a memory; push the old size or -1.", (0,))
MemoryFill = _indexed("MemoryFill", "memory.fill", ("memory",),
                      "Fill a memory range with a byte.", (0,))
MemoryCopy = _indexed("MemoryCopy", "memory.copy", ("dst", "src"),
                      "Copy a range from memory ``src`` to memory ``dst`` (may overlap).",
                      (0, 0))
MemoryInit = _indexed("MemoryInit", "memory.init", ("data", "memory"),
                      "Copy from data segment ``data`` into ``memory``.", (0,))
DataDrop = _indexed("DataDrop", "data.drop", ("data",), "Drop a data segment.")
# typed function references
CallRef = _indexed("CallRef", "call_ref", ("type",),
                   "Call the function reference popped, of type ``type``.")
BrOnNull = _indexed("BrOnNull", "br_on_null", ("label",),
                    "Branch if the popped reference is null; else push it back, non-null.")
Throw = _indexed("Throw", "throw", ("tag",),
                "Throw an exception of tag ``tag`` with the tag's parameters as payload.")
BrOnNonNull = _indexed("BrOnNonNull", "br_on_non_null", ("label",),
                       "Branch with the popped reference if it is not null.")
ReturnCallRef = _indexed("ReturnCallRef", "return_call_ref", ("type",),
                         "Tail-call the function reference popped, of type ``type``.")

# GC (WebAssembly 3.0)
RefEq = _plain("RefEq", "ref.eq", "Compare two eqref references for identity (i31 by value).")
ArrayLen = _plain("ArrayLen", "array.len", "Push the length of the popped array.")
AnyConvertExtern = _plain("AnyConvertExtern", "any.convert_extern",
                          "Internalize an external reference as an anyref.")
ExternConvertAny = _plain("ExternConvertAny", "extern.convert_any",
                          "Externalize an anyref as an externref.")
RefI31 = _plain("RefI31", "ref.i31", "Box the low 31 bits of an i32 as an i31ref.")
I31GetS = _plain("I31GetS", "i31.get_s", "Unbox an i31ref, sign-extended.")
I31GetU = _plain("I31GetU", "i31.get_u", "Unbox an i31ref, zero-extended.")
StructNew = _indexed("StructNew", "struct.new", ("type",),
                     "Allocate a struct of type ``type`` from its field values.")
StructNewDefault = _indexed("StructNewDefault", "struct.new_default", ("type",),
                            "Allocate a struct of type ``type`` with default fields.")
StructGet = _indexed("StructGet", "struct.get", ("type", "field"), "Read a struct field.")
StructGetS = _indexed("StructGetS", "struct.get_s", ("type", "field"),
                      "Read a packed struct field, sign-extended.")
StructGetU = _indexed("StructGetU", "struct.get_u", ("type", "field"),
                      "Read a packed struct field, zero-extended.")
StructSet = _indexed("StructSet", "struct.set", ("type", "field"), "Write a struct field.")
ArrayNew = _indexed("ArrayNew", "array.new", ("type",),
                    "Allocate an array of type ``type``: a value repeated n times.")
ArrayNewDefault = _indexed("ArrayNewDefault", "array.new_default", ("type",),
                           "Allocate an array of n default elements.")
ArrayNewFixed = _indexed("ArrayNewFixed", "array.new_fixed", ("type", "size"),
                         "Allocate an array of the ``size`` values popped.")
ArrayNewData = _indexed("ArrayNewData", "array.new_data", ("type", "data"),
                        "Allocate an array read from data segment ``data``.")
ArrayNewElem = _indexed("ArrayNewElem", "array.new_elem", ("type", "elem"),
                        "Allocate an array from element segment ``elem``.")
ArrayGet = _indexed("ArrayGet", "array.get", ("type",), "Read an array element.")
ArrayGetS = _indexed("ArrayGetS", "array.get_s", ("type",),
                     "Read a packed array element, sign-extended.")
ArrayGetU = _indexed("ArrayGetU", "array.get_u", ("type",),
                     "Read a packed array element, zero-extended.")
ArraySet = _indexed("ArraySet", "array.set", ("type",), "Write an array element.")
ArrayFill = _indexed("ArrayFill", "array.fill", ("type",), "Fill a range of an array.")
ArrayCopy = _indexed("ArrayCopy", "array.copy", ("dst", "src"),
                     "Copy a range between arrays (may overlap).")
ArrayInitData = _indexed("ArrayInitData", "array.init_data", ("type", "data"),
                         "Copy from data segment ``data`` into an array.")
ArrayInitElem = _indexed("ArrayInitElem", "array.init_elem", ("type", "elem"),
                         "Copy from element segment ``elem`` into an array.")


def _ref_imm_text(t) -> str:
    heap = t.heap
    heap = heap if isinstance(heap, str) else str(heap)
    return f"(ref null {heap})" if t.nullable else f"(ref {heap})"


class RefTest(Instruction):
    """``ref.test rt``: is the popped reference of type ``type`` (a reference type)?
    Encoded as ref.test, or ref.test_null when ``type`` is nullable."""

    __slots__ = ("type",)
    _fields = ("type",)
    mnemonic = "ref.test"

    def __init__(self, type):  # noqa: A002 - the spec's name
        self.type = valtype(type)
        if not self.type.is_ref:
            raise ValueError(f"{self.mnemonic} needs a reference type, got {self.type}")
        self.op = BY_NAME[self.mnemonic + ("_null" if self.type.nullable else "")]

    @property
    def name(self) -> str:
        return self.mnemonic

    def imm_text(self) -> str:
        return _ref_imm_text(self.type)


class RefCast(RefTest):
    """``ref.cast rt``: the popped reference, if it is of type ``type``; else trap."""

    __slots__ = ()
    mnemonic = "ref.cast"


class BrOnCast(Instruction):
    """``br_on_cast l rt1 rt2``: branch with the reference (of type ``from_type``) if it is
    of type ``to_type``."""

    __slots__ = ("label", "from_type", "to_type")
    _fields = ("label", "from_type", "to_type")
    mnemonic = "br_on_cast"

    def __init__(self, label: int, from_type, to_type):
        self.op = BY_NAME[self.mnemonic]
        self.label = _u32(type(self).__name__, "label", label)
        self.from_type = valtype(from_type)
        self.to_type = valtype(to_type)
        if not (self.from_type.is_ref and self.to_type.is_ref):
            raise ValueError(f"{self.mnemonic} needs reference types")

    @property
    def flags(self) -> int:
        return int(self.from_type.nullable) | int(self.to_type.nullable) << 1

    def imm_text(self) -> str:
        return f"{self.label} {_ref_imm_text(self.from_type)} {_ref_imm_text(self.to_type)}"


class BrOnCastFail(BrOnCast):
    """``br_on_cast_fail l rt1 rt2``: branch with the reference unless it is of type
    ``to_type``."""

    __slots__ = ()
    mnemonic = "br_on_cast_fail"


def _table_init_text(self) -> str:
    return f"{self.table} {self.elem}" if self.table else f"{self.elem}"


TableInit.imm_text = _table_init_text
TableCopy.imm_text = lambda self: f"{self.dst} {self.src}" if self.dst or self.src else ""
for _cls in (TableGet, TableSet, TableSize, TableGrow, TableFill):
    _cls.imm_text = lambda self: str(self.table) if self.table else ""
# multi-memory: the memory index is shown when it is not 0 (the text format's default)
MemoryCopy.imm_text = TableCopy.imm_text
MemoryInit.imm_text = lambda self: f"{self.memory} {self.data}" if self.memory else f"{self.data}"
for _cls in (MemorySize, MemoryGrow, MemoryFill):
    _cls.imm_text = lambda self: str(self.memory) if self.memory else ""


class CallIndirect(Instruction):
    """``call_indirect x y``: call through table ``table`` expecting type ``type``."""

    __slots__ = ("type", "table")
    _fields = ("type", "table")

    def __init__(self, type: int, table: int = 0):  # noqa: A002 - the spec's name
        self.op = BY_NAME["call_indirect"]
        self.type = _u32("CallIndirect", "type", type)
        self.table = _u32("CallIndirect", "table", table)

    def imm_text(self) -> str:
        return (f"{self.table} " if self.table else "") + f"(type {self.type})"


class ReturnCallIndirect(Instruction):
    """``return_call_indirect x y``: tail-call through table ``table`` expecting type
    ``type``; the callee's frame replaces the caller's."""

    __slots__ = ("type", "table")
    _fields = ("type", "table")

    def __init__(self, type: int, table: int = 0):  # noqa: A002 - the spec's name
        self.op = BY_NAME["return_call_indirect"]
        self.type = _u32("ReturnCallIndirect", "type", type)
        self.table = _u32("ReturnCallIndirect", "table", table)

    imm_text = CallIndirect.imm_text


class BrTable(Instruction):
    """``br_table l* l_default``"""

    __slots__ = ("labels", "default")
    _fields = ("labels", "default")

    def __init__(self, labels, default: int):
        self.op = BY_NAME["br_table"]
        self.labels = tuple(_u32("BrTable", "labels", x) for x in labels)
        self.default = _u32("BrTable", "default", default)

    def imm_text(self) -> str:
        return " ".join(str(x) for x in (*self.labels, self.default))


class RefNull(Instruction):
    """``ref.null t``"""

    __slots__ = ("type",)
    _fields = ("type",)

    def __init__(self, type: str | ValType | RefType = ValType.FUNCREF):  # noqa: A002
        self.op = BY_NAME["ref.null"]
        self.type = valtype(type)  # the type of the null: (ref null HEAP)
        if not self.type.is_ref or not self.type.nullable:
            raise ValueError(f"ref.null needs a nullable reference type, got {self.type}")

    def imm_text(self) -> str:
        heap = self.type.heap
        return heap if isinstance(heap, str) else str(heap)


class Select(Instruction):
    """``select`` or, with types, ``select (result t*)``."""

    __slots__ = ("types",)
    _fields = ("types",)

    def __init__(self, types=None):
        self.types = None if types is None else tuple(valtype(t) for t in types)
        self.op = BY_NAME["select" if self.types is None else "select_t"]

    @property
    def name(self) -> str:
        return "select"

    def imm_text(self) -> str:
        return "" if self.types is None else "(result " + " ".join(self.types) + ")"


# ---------------------------------------------------------------------------------------
# Memory
# ---------------------------------------------------------------------------------------
class _MemArg(Instruction):
    __slots__ = ("t", "offset", "align", "bits", "memory")

    def _init_access(self, t, bits: int | None) -> None:
        self.t = valtype(t)
        width = self.t.bit_width
        if width is None or self.t.is_vec:
            raise ValueError(f"{type(self).__name__} needs a numeric type, got {self.t}")
        self.bits = None if bits == width else bits

    def _init_memarg(self, offset: int, align: int | None, memory: int = 0) -> None:
        """After ``op`` is known: the alignment defaults to the row's natural one; the
        memory index (multi-memory) to 0."""
        owner = type(self).__name__
        self.align = self.natural_align if align is None else _u32(owner, "align", align)
        self.offset = _u64(owner, "offset", offset)
        self.memory = _u32(owner, "memory", memory)

    @property
    def natural_align(self) -> int:
        """log2 of the bytes accessed (the opcode table's ``natural_alignment``)."""
        return self.op.natural_alignment

    def imm_text(self) -> str:
        parts = [str(self.memory)] if self.memory else []
        if self.offset:
            parts.append(f"offset={self.offset}")
        if self.align != self.natural_align:
            parts.append(f"align={1 << self.align}" if self.align < 64 else f"align=2**{self.align}")
        return " ".join(parts)


class Load(_MemArg):
    """``t.load``, ``t.loadN_sx``: pop an address, push the value read from memory."""

    __slots__ = ("signed",)
    _fields = ("t", "offset", "align", "bits", "signed", "memory")

    def __init__(self, t, offset: int = 0, align: int | None = None, bits: int | None = None,
                 signed: bool | None = None, memory: int = 0):
        self._init_access(t, bits)
        if self.bits is not None and signed is None:
            signed = True
        self.signed = signed if self.bits is not None else None
        suffix = "" if self.bits is None else f"{self.bits}{_sx(self.signed)}"
        self.op = _row(f"{self.t}.load{suffix}")
        self._init_memarg(offset, align, memory)


class Store(_MemArg):
    """``t.store``, ``t.storeN``: pop address and value, write the value to memory."""

    __slots__ = ()
    _fields = ("t", "offset", "align", "bits", "memory")

    def __init__(self, t, offset: int = 0, align: int | None = None, bits: int | None = None,
                 memory: int = 0):
        self._init_access(t, bits)
        self.op = _row(f"{self.t}.store{self.bits or ''}")
        self._init_memarg(offset, align, memory)


# ---------------------------------------------------------------------------------------
# Numeric
# ---------------------------------------------------------------------------------------
class Const(Instruction):
    """``t.const c``. ``Const(i32(2))``; ``Const("i32", 2)`` works too."""

    __slots__ = ("value",)
    _fields = ("value",)

    def __init__(self, value, c=None):
        if not isinstance(value, Value):
            t = valtype(value)
            if c is None:
                raise TypeError("Const(t, c) needs the constant c")
            value = VALUE_CLASSES[t](c)
        self.value = value
        self.op = BY_NAME[f"{value.type}.const"]

    def imm_text(self) -> str:
        return str(self.value)


Push = Const  # the learning API's name: Push(i32(2)) is i32.const 2


class _Numeric(Instruction):
    """A numeric operator of one type: ``t.mnemonic`` (with ``_s``/``_u`` if signed)."""

    __slots__ = ("t",)
    _fields = ("t",)
    mnemonic = ""

    def __init__(self, t):
        self.t = valtype(t)
        self.op = _row(f"{self.t}.{self.mnemonic}")


class _SignedNumeric(Instruction):
    """An operator that has ``_s``/``_u`` forms for integers (signed defaults to True)."""

    __slots__ = ("t", "signed")
    _fields = ("t", "signed")
    mnemonic = ""

    def __init__(self, t, signed: bool | None = None):
        self.t = valtype(t)
        if self.t.is_int:
            self.signed = True if signed is None else bool(signed)
        elif signed is not None:
            raise ValueError(f"{self.t}.{self.mnemonic} has no signedness")
        else:
            self.signed = None
        self.op = _row(f"{self.t}.{self.mnemonic}{_sx(self.signed)}")


def _numeric(cls_name: str, mnemonic: str, doc: str, signed: bool = False) -> type:
    base = _SignedNumeric if signed else _Numeric
    return type(cls_name, (base,), {"__slots__": (), "mnemonic": mnemonic, "__doc__": doc})


Eqz = _numeric("Eqz", "eqz", "Push 1 if the operand is zero, else 0.")
Eq = _numeric("Eq", "eq", "a == b")
Ne = _numeric("Ne", "ne", "a != b")
Lt = _numeric("Lt", "lt", "a < b", signed=True)
Gt = _numeric("Gt", "gt", "a > b", signed=True)
Le = _numeric("Le", "le", "a <= b", signed=True)
Ge = _numeric("Ge", "ge", "a >= b", signed=True)
Clz = _numeric("Clz", "clz", "Count leading zero bits.")
Ctz = _numeric("Ctz", "ctz", "Count trailing zero bits.")
Popcnt = _numeric("Popcnt", "popcnt", "Count one bits.")
Abs = _numeric("Abs", "abs", "Absolute value (clears the sign bit).")
Neg = _numeric("Neg", "neg", "Negation (flips the sign bit).")
Sqrt = _numeric("Sqrt", "sqrt", "Square root.")
Ceil = _numeric("Ceil", "ceil", "Round up to an integer.")
Floor = _numeric("Floor", "floor", "Round down to an integer.")
Trunc = _numeric("Trunc", "trunc", "Round toward zero to an integer (float result).")
Nearest = _numeric("Nearest", "nearest", "Round to nearest integer, ties to even.")
Add = _numeric("Add", "add", "a + b")
Sub = _numeric("Sub", "sub", "a - b")
Mul = _numeric("Mul", "mul", "a * b")
Div = _numeric("Div", "div", "a / b (integers truncate toward zero and trap on 0)", signed=True)
Rem = _numeric("Rem", "rem", "Remainder of a / b, with the sign of a", signed=True)
And = _numeric("And", "and", "Bitwise and.")
Or = _numeric("Or", "or", "Bitwise or.")
Xor = _numeric("Xor", "xor", "Bitwise exclusive or.")
Shl = _numeric("Shl", "shl", "Shift left by b mod width.")
Shr = _numeric("Shr", "shr", "Shift right by b mod width.", signed=True)
Rotl = _numeric("Rotl", "rotl", "Rotate left.")
Rotr = _numeric("Rotr", "rotr", "Rotate right.")
Min = _numeric("Min", "min", "Minimum (NaN if either is NaN; -0 < +0).")
Max = _numeric("Max", "max", "Maximum (NaN if either is NaN; -0 < +0).")
Copysign = _numeric("Copysign", "copysign", "a with the sign of b.")


class ExtendI32(Instruction):
    """``i64.extend_i32_sx``"""

    __slots__ = ("signed",)
    _fields = ("signed",)

    def __init__(self, signed: bool = True):
        self.signed = bool(signed)
        self.op = BY_NAME[f"i64.extend_i32{_sx(self.signed)}"]


class SignExtend(Instruction):
    """``t.extendN_s``: sign-extend the low ``bits`` bits."""

    __slots__ = ("t", "bits")
    _fields = ("t", "bits")

    def __init__(self, t, bits: int):
        self.t = valtype(t)
        self.bits = bits
        self.op = _row(f"{self.t}.extend{bits}_s")


class _Conversion(Instruction):
    """``t.op_src_sx``: convert from type ``src``."""

    __slots__ = ("t", "src", "signed")
    _fields = ("t", "src", "signed")
    mnemonic = ""

    def __init__(self, t, src, signed: bool = True):
        self.t = valtype(t)
        self.src = valtype(src)
        self.signed = bool(signed)
        self.op = _row(f"{self.t}.{self.mnemonic}_{self.src}{_sx(self.signed)}")


class TruncF(_Conversion):
    """``t.trunc_src_sx``: float to integer; traps on NaN and out of range."""

    __slots__ = ()
    mnemonic = "trunc"


class TruncSat(_Conversion):
    """``t.trunc_sat_src_sx``: float to integer, saturating (NaN gives 0)."""

    __slots__ = ()
    mnemonic = "trunc_sat"


class Convert(_Conversion):
    """``t.convert_src_sx``: integer to float, rounding to nearest."""

    __slots__ = ()
    mnemonic = "convert"


class Reinterpret(Instruction):
    """``t.reinterpret_src``: the same bits as another type."""

    __slots__ = ("t",)
    _fields = ("t",)
    _SOURCE = {"i32": "f32", "i64": "f64", "f32": "i32", "f64": "i64"}

    def __init__(self, t):
        self.t = valtype(t)
        self.op = _row(f"{self.t}.reinterpret_{self._SOURCE.get(self.t, '?')}")

    @property
    def src(self) -> ValType:
        return ValType(self._SOURCE[self.t])


# ---------------------------------------------------------------------------------------
# Vector (SIMD): one class per immediate shape, named by mnemonic
# ---------------------------------------------------------------------------------------
class _Vec(Instruction):
    __slots__ = ()

    _positional = 2

    def _values(self) -> tuple:
        return (self.op.name, *super()._values())

    def __repr__(self) -> str:
        values = self._values()
        args = [repr(values[0])] + [f"{f}={v!r}" for f, v in zip(self._fields, values[1:])]
        return f"{type(self).__name__}({', '.join(args)})"


class VecOp(_Vec):
    """A vector instruction without immediates: ``VecOp("i8x16.add")``."""

    __slots__ = ()

    def __init__(self, name: str):
        self.op = _vec_row(name, ())

    def __repr__(self) -> str:
        return f"VecOp({self.name!r})"


class VecMem(_Vec):
    """``v128.load*`` and ``v128.store`` with a memarg."""

    __slots__ = ("offset", "align", "memory")
    _fields = ("offset", "align", "memory")

    def __init__(self, name: str, offset: int = 0, align: int | None = None, memory: int = 0):
        self.op = _vec_row(name, ("memarg",))
        _MemArg._init_memarg(self, offset, align, memory)

    natural_align = _MemArg.natural_align
    imm_text = _MemArg.imm_text


class VecLane(_Vec):
    """``extract_lane`` and ``replace_lane``: ``VecLane("i32x4.extract_lane", 2)``."""

    __slots__ = ("lane",)
    _fields = ("lane",)

    def __init__(self, name: str, lane: int):
        self.op = _vec_row(name, ("laneidx",))
        self.lane = _byte("VecLane", "lane", lane)

    def imm_text(self) -> str:
        return str(self.lane)


class VecMemLane(_Vec):
    """``v128.loadN_lane`` / ``v128.storeN_lane``: a memarg and a lane."""

    __slots__ = ("offset", "align", "lane", "memory")
    _fields = ("offset", "align", "lane", "memory")

    def __init__(self, name: str, offset: int = 0, align: int | None = None, lane: int = 0,
                 memory: int = 0):
        self.op = _vec_row(name, ("memarg", "laneidx"))
        _MemArg._init_memarg(self, offset, align, memory)
        self.lane = _byte("VecMemLane", "lane", lane)

    natural_align = VecMem.natural_align

    def imm_text(self) -> str:
        return (_MemArg.imm_text(self) + f" {self.lane}").strip()


class Shuffle(_Vec):
    """``i8x16.shuffle`` with 16 lane indices."""

    __slots__ = ("lanes",)
    _fields = ("lanes",)

    def __init__(self, lanes):
        self.op = BY_NAME["i8x16.shuffle"]
        self.lanes = tuple(_byte("Shuffle", "lanes", x) for x in lanes)
        if len(self.lanes) != 16:
            raise ValueError("i8x16.shuffle needs 16 lane indices")

    def _values(self) -> tuple:
        return (self.lanes,)

    def __repr__(self) -> str:
        return f"Shuffle({self.lanes!r})"

    def imm_text(self) -> str:
        return " ".join(str(x) for x in self.lanes)


def _vec_row(name: str, imm: tuple[str, ...]) -> Op:
    op = _row(name)
    if op.group != "vector" or op.imm != imm:
        raise ValueError(f"{name} is not a vector instruction with immediates {imm}")
    return op


# ---------------------------------------------------------------------------------------
# From a table row and decoded immediates to an instruction: ``maker(op)(*immediates)``.
# Immediates arrive in binary order: a memarg is (align, offset, memory); br_table is
# (labels, default); a constant is its bit pattern (ints as signed ints).
# ---------------------------------------------------------------------------------------
_BY_MNEMONIC: dict[str, type] = {
    "unreachable": Unreachable, "nop": Nop, "return": Return, "drop": Drop,
    "ref.is_null": RefIsNull, "ref.as_non_null": RefAsNonNull, "memory.size": MemorySize,
    "memory.grow": MemoryGrow, "memory.fill": MemoryFill, "memory.copy": MemoryCopy,
    "memory.init": MemoryInit, "i32.wrap_i64": Wrap,
    "f32.demote_f64": Demote, "f64.promote_f32": Promote, "block": Block, "loop": Loop,
    "if": If, "br": Br, "br_if": BrIf, "br_table": BrTable, "call": Call,
    "call_indirect": CallIndirect, "return_call": ReturnCall,
    "return_call_indirect": ReturnCallIndirect, "ref.null": RefNull, "ref.func": RefFunc,
    "select": Select, "local.get": LocalGet, "local.set": LocalSet, "local.tee": LocalTee,
    "global.get": GlobalGet, "global.set": GlobalSet, "table.get": TableGet,
    "table.set": TableSet, "table.size": TableSize, "table.grow": TableGrow,
    "table.fill": TableFill, "table.copy": TableCopy, "elem.drop": ElemDrop,
    "data.drop": DataDrop, "call_ref": CallRef, "return_call_ref": ReturnCallRef,
    "br_on_null": BrOnNull, "br_on_non_null": BrOnNonNull, "throw": Throw,
    "throw_ref": ThrowRef, "try_table": TryTable,
    "ref.eq": RefEq, "array.len": ArrayLen, "any.convert_extern": AnyConvertExtern,
    "extern.convert_any": ExternConvertAny, "ref.i31": RefI31, "i31.get_s": I31GetS,
    "i31.get_u": I31GetU, "struct.new": StructNew, "struct.new_default": StructNewDefault,
    "struct.get": StructGet, "struct.get_s": StructGetS, "struct.get_u": StructGetU,
    "struct.set": StructSet, "array.new": ArrayNew, "array.new_default": ArrayNewDefault,
    "array.new_fixed": ArrayNewFixed, "array.new_data": ArrayNewData,
    "array.new_elem": ArrayNewElem, "array.get": ArrayGet, "array.get_s": ArrayGetS,
    "array.get_u": ArrayGetU, "array.set": ArraySet, "array.fill": ArrayFill,
    "array.copy": ArrayCopy, "array.init_data": ArrayInitData,
    "array.init_elem": ArrayInitElem,
}
_NUMERIC = {c.mnemonic: c for c in (
    Eqz, Eq, Ne, Clz, Ctz, Popcnt, Abs, Neg, Sqrt, Ceil, Floor, Trunc, Nearest, Add, Sub,
    Mul, And, Or, Xor, Shl, Rotl, Rotr, Min, Max, Copysign)}
_SIGNED = {c.mnemonic: c for c in (Lt, Gt, Le, Ge, Div, Rem, Shr)}
_CONVERSIONS = {c.mnemonic: c for c in (TruncF, TruncSat, Convert)}


def _make_for(op: Op) -> Callable[..., Instruction]:
    name = op.name
    cls = _BY_MNEMONIC.get(name)
    if cls is not None:
        if name in ("call_indirect", "return_call_indirect"):
            return lambda typeidx, tableidx: cls(typeidx, tableidx)
        if name in ("block", "loop"):
            return lambda bt: cls(bt, [])
        if name == "try_table":
            return lambda bt, catches: TryTable(bt, catches, [])
        if name == "if":
            return lambda bt: If(bt, [], [])
        return cls
    if name == "select_t":
        return Select
    if name in ("ref.test", "ref.cast", "ref.test_null", "ref.cast_null"):
        cls = RefTest if name.startswith("ref.test") else RefCast
        nullable = name.endswith("_null")
        return lambda t: cls(ref_type(nullable, valtype(t).heap))  # (t: the heap type, as ref.null's)
    if name in ("br_on_cast", "br_on_cast_fail"):
        cls = BrOnCast if name == "br_on_cast" else BrOnCastFail
        return lambda flags, label, t1, t2: cls(
            label, ref_type(bool(flags & 1), valtype(t1).heap),
            ref_type(bool(flags & 2), valtype(t2).heap))
    if name == "table.init":
        return lambda elem, table: TableInit(elem, table)
    if name == "i8x16.shuffle":
        return Shuffle
    if op.group == "vector":
        return _make_vec(op)
    return _make_scalar(op)


def _make_vec(op: Op) -> Callable[..., Instruction]:
    name = op.name
    if op.imm == ():
        shared = VecOp(name)
        return lambda: shared
    if op.imm == ("v128",):
        from .values import v128
        return lambda bits: Const(v128.from_bits(bits))
    if op.imm == ("memarg",):
        return lambda align, offset, memory=0: VecMem(name, offset, align, memory)
    if op.imm == ("laneidx",):
        return lambda lane: VecLane(name, lane)
    return lambda align, offset, memory, lane: VecMemLane(name, offset, align, lane, memory)


def _make_scalar(op: Op) -> Callable[..., Instruction]:
    t, _, rest = op.name.partition(".")
    if rest == "const":
        vcls = VALUE_CLASSES[ValType(t)]
        mask = (1 << vcls.width) - 1
        if vcls in (i32, i64):
            return lambda c: Const(vcls.from_bits(c & mask))
        return lambda bits: Const(vcls.from_bits(bits))
    if op.access is not None:  # the table's access facts: t.loadN_sx, t.storeN
        t, bits, signed = op.access.type, op.access.size * 8, op.signed
        if op.access.kind == "load":
            return lambda align, offset, memory=0: Load(t, offset, align, bits, signed, memory)
        return lambda align, offset, memory=0: Store(t, offset, align, bits, memory)
    signed = op.signed  # the mnemonic's _s/_u, which the class name below leaves out
    base = rest if signed is None else rest[:-2]
    if base in _NUMERIC and signed is None:
        shared = _NUMERIC[base](t)
    elif base in _SIGNED:
        shared = _SIGNED[base](t, signed)
    elif m := re.fullmatch(r"(trunc_sat|trunc|convert)_(\w\d\d)", base):
        shared = _CONVERSIONS[m.group(1)](t, m.group(2), signed)
    elif m := re.fullmatch(r"extend(8|16|32)", base):
        shared = SignExtend(t, int(m.group(1)))
    elif base == "extend_i32":
        shared = ExtendI32(signed)
    elif base.startswith("reinterpret_"):
        shared = Reinterpret(t)
    else:
        raise ValueError(f"no instruction class for {op.name}")  # caught by the table tests
    return lambda: shared


_MAKERS: dict[str, Callable[..., Instruction]] = {}


def maker(op: Op) -> Callable[..., Instruction]:
    """A function from the row's decoded immediates to the instruction."""
    fn = _MAKERS.get(op.name)
    if fn is None:
        fn = _MAKERS[op.name] = _make_for(op)
    return fn


def all_makers() -> dict[str, Callable[..., Instruction]]:
    """The maker of every row (built once; used to prove the table is covered)."""
    return {op.name: maker(op) for op in opcodes.OPS}
