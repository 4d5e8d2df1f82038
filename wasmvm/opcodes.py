"""THE opcode table: every WebAssembly 2.0 instruction, and the 3.0 ones implemented, once.

Each row (`Op`) has
  code    the opcode: an int for one-byte opcodes, ``(prefix, n)`` for the 0xFC and 0xFD
          prefixed ones (``n`` is encoded as a u32 LEB128 after the prefix byte)
  name    the spec's mnemonic (``i32.add``)
  imm     the kinds of the immediates, in binary order (see IMMEDIATE_KINDS)
  params, results
          the stack signature as tuples of value-type names, or ``None`` for the
          instructions whose typing the validator writes by hand ("special")
  group   the spec's instruction category
  feature the ``syntax.features.Features`` switch a 3.0 row needs (None: a 2.0 row); with
          the switch off the decoder rejects the row as a 2.0 decoder does (binary.later)

and what the code would otherwise read out of the mnemonic:
  access        for the instructions that access memory through a memarg (the scalar and
                vector loads and stores, lane ones included) an ``Access``; None for every
                other row (memory.fill/copy/init are bulk operations, not accesses):
                  kind  ``"load"`` or ``"store"``
                  size  how many bytes it reads or writes in memory: i32.load8_s 1,
                        i64.load 8, v128.load 16, v128.load8x8_s 8 (it reads 8 bytes and
                        widens them), v128.load32_splat and v128.load32_zero 4,
                        v128.load16_lane 2
                  type  the value type loaded or stored (the mnemonic's): i64 for
                        i64.load8_u, v128 for every vector access
                The address is always the first parameter, ``len(params)`` deep on the
                stack when the instruction starts.
  natural_alignment
                (property) log2 of ``access.size`` (None without an access): the largest
                alignment a memarg may state, and the one the text format defaults to
  signed        the spec's ``sx``: True for the ``_s`` forms (i32.load8_s, i32.div_s,
                v128.load8x8_s, i32x4.trunc_sat_f64x2_s_zero, ...), False for the ``_u``
                forms, None where the mnemonic has none
  lanes         the lane count of the vector shape the mnemonic starts with (i8x16 16,
                f64x2 2); for v128.loadN_lane/storeN_lane the count of N-bit lanes (128/N).
                A ``laneidx`` immediate is less than this. None for the other rows.
  traps         True when executing the instruction can raise a trap by itself (spec 4.4):
                  unreachable
                  integer division and remainder: iNN.div_s/div_u/rem_s/rem_u (by zero;
                    div_s also on overflow)
                  the non-saturating float-to-integer truncations iNN.trunc_fMM_s/u (NaN,
                    out of range); the trunc_sat forms never trap
                  every load and store, scalar and vector (out of bounds)
                  memory.init, memory.copy, memory.fill (out of bounds)
                  table.get, table.set, table.init, table.copy, table.fill (out of bounds)
                  call_indirect (index out of bounds, null element, type mismatch)
                  call_ref (null function reference), ref.as_non_null (null reference)
                  throw_ref (null exception reference; throwing itself is not a trap)
                  GC: struct.get*/set, i31.get_* (null), array.get*/set/len/fill/copy
                    (null, out of bounds), array.new_data/new_elem/init_data/init_elem
                    (out of bounds), ref.cast (cast failure); allocation is not a trap
                  return_call_indirect (as call_indirect; return_call cannot trap: it
                    takes no call depth)
                  call, call_indirect, call_ref: the call-depth budget ("call stack
                    exhausted") is checked at the call (a tail call takes no depth). A
                    trap inside the callee belongs to the callee's instruction, not to the
                    call.
                Everything else is False, including memory.grow and table.grow (they
                report failure as -1), data.drop and elem.drop. Fuel, an engine budget
                that can stop any instruction, is not counted.

The memory rows state their access size in the table below (``_load``/``_store`` and the
``load:N`` keys of the vector block); a trailing ``!`` on a mnemonic in the numeric blocks,
and ``traps=True`` on single rows, marks an instruction that can trap; loads and stores
trap by the rule above. ``signed`` and ``lanes`` follow from the spec's spelling, once,
in ``_op``.

The decoder, encoder, disassembler, validator and executors all derive from this table;
``tests/test_opcodes.py`` proves each of them covers every row and checks these facts
against independent oracles.
"""

from __future__ import annotations

from dataclasses import dataclass

FB = 0xFB
FC = 0xFC
FD = 0xFD

# Immediate kinds, in the order they are read from the binary.
IMMEDIATE_KINDS = {
    "blocktype": "block type: 0x40 (empty), a value type, or a type index (s33)",
    "labelidx": "label index (u32), counted outwards from the innermost label",
    "labelvec": "vector of label indices followed by the default label (br_table)",
    "funcidx": "function index (u32)",
    "typeidx": "type index (u32)",
    "tableidx": "table index (u32)",
    "localidx": "local index (u32)",
    "globalidx": "global index (u32)",
    "elemidx": "element segment index (u32)",
    "dataidx": "data segment index (u32)",
    "memidx": "memory index: a single 0x00 byte in WebAssembly 2.0, a u32 with multi-memory",
    "memarg": "alignment exponent (u32; bit 6: a memory index (u32) follows, multi-memory) "
              "and offset (u32; u64 with memory64)",
    "i32": "signed LEB128, 32 bits",
    "i64": "signed LEB128, 64 bits",
    "f32": "4 bytes, IEEE 754 little-endian",
    "f64": "8 bytes, IEEE 754 little-endian",
    "v128": "16 bytes, little-endian",
    "laneidx": "lane index (one byte)",
    "shuffle": "16 lane indices (one byte each)",
    "heaptype": "heap type (s33): abstract (one byte, as 2.0's reference types) or a type index",
    "valtypes": "vector of value types (typed select)",
    "tagidx": "tag index (u32)",
    "catches": "vector of catch clauses: a kind byte (0 catch, 1 catch_ref, 2 catch_all, "
               "3 catch_all_ref), a tag index for the first two, a label index",
    "fieldidx": "struct field index (u32)",
    "u32": "a count (u32): array.new_fixed's number of operands",
    "castflags": "br_on_cast's flags byte: bit 0 the source type is nullable, bit 1 the "
                 "target type",
}


@dataclass(frozen=True, slots=True)
class Access:
    """What a load or store does to memory (see the module docstring)."""

    kind: str  # "load" or "store"
    size: int  # bytes read or written
    type: str  # the value type loaded or stored

    @property
    def natural_alignment(self) -> int:
        """log2 of ``size``: the largest alignment a memarg may state."""
        return self.size.bit_length() - 1


@dataclass(frozen=True, slots=True)
class Op:
    code: int | tuple[int, int]
    name: str
    imm: tuple[str, ...]
    params: tuple[str, ...] | None
    results: tuple[str, ...] | None
    group: str
    access: Access | None = None
    signed: bool | None = None
    lanes: int | None = None
    traps: bool = False
    #: the ``syntax.features.Features`` switch a module needs to use this row (a 3.0
    #: proposal's name, ``"tail_call"``), or None for a WebAssembly 2.0 row
    feature: str | None = None

    @property
    def special(self) -> bool:
        """True when the validator types this instruction by hand."""
        return self.params is None

    @property
    def natural_alignment(self) -> int | None:
        """log2 of the bytes a load or store accesses; None for the other rows."""
        return None if self.access is None else self.access.natural_alignment

    @property
    def prefix(self) -> int | None:
        return self.code[0] if isinstance(self.code, tuple) else None

    @property
    def opcode_bytes(self) -> bytes:
        """The opcode as encoded in the binary (prefix byte and LEB128 sub-opcode)."""
        if isinstance(self.code, int):
            return bytes([self.code])
        prefix, n = self.code
        out = bytearray([prefix])
        while True:
            byte = n & 0x7F
            n >>= 7
            if n:
                out.append(byte | 0x80)
            else:
                out.append(byte)
                return bytes(out)


def _sig(text: str | None) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    if text is None:
        return None, None
    left, _, right = text.partition("->")
    return tuple(left.split()), tuple(right.split())


_ROWS: list[Op] = []


#: Vector shapes and their lane counts.
_SHAPES = {"i8x16": 16, "i16x8": 8, "i32x4": 4, "i64x2": 2, "f32x4": 4, "f64x2": 2}


def _op(code, name: str, imm: str = "", sig: str | None = None, group: str = "",
        access: str | None = None, size: int | None = None, traps: bool = False,
        feature: str | None = None) -> None:
    """Add a row. ``access`` ("load"/"store") and ``size`` (bytes) for a memory access,
    which can trap; a trailing ``!`` on ``name`` is ``traps=True``."""
    if name.endswith("!"):
        name, traps = name[:-1], True
    params, results = _sig(sig)
    if access is not None:
        access = Access(access, size, results[0] if access == "load" else params[-1])
        traps = True
    # sx is the mnemonic's last part, or the one before _zero (i32x4.trunc_sat_f64x2_s_zero)
    sx = name.removesuffix("_zero")[-2:]
    signed = True if sx == "_s" else False if sx == "_u" else None
    if access is not None and "laneidx" in imm.split():
        lanes = 16 // size  # v128.loadN_lane / storeN_lane
    else:
        lanes = _SHAPES.get(name.partition(".")[0])
    _ROWS.append(Op(code, name, tuple(imm.split()), params, results, group,
                    access, signed, lanes, traps, feature))


def _load(code, name: str, size: int) -> None:
    """``t.load*``: pop an address, push a ``t`` read from ``size`` bytes of memory."""
    t = name.partition(".")[0]
    _op(code, name, "memarg", f"i32 -> {t}", "memory", "load", size)


def _store(code, name: str, size: int) -> None:
    """``t.store*``: pop an address and a ``t``, write its low ``size`` bytes."""
    t = name.partition(".")[0]
    _op(code, name, "memarg", f"i32 {t} ->", "memory", "store", size)


# --- control -------------------------------------------------------------------------
_op(0x00, "unreachable", group="control", traps=True)
_op(0x01, "nop", sig="->", group="control")
_op(0x02, "block", "blocktype", group="control")
_op(0x03, "loop", "blocktype", group="control")
_op(0x04, "if", "blocktype", group="control")
_op(0x0C, "br", "labelidx", group="control")
_op(0x0D, "br_if", "labelidx", group="control")
_op(0x0E, "br_table", "labelvec", group="control")
_op(0x0F, "return", group="control")
_op(0x10, "call", "funcidx", group="control", traps=True)
_op(0x11, "call_indirect", "typeidx tableidx", group="control", traps=True)
# tail calls (WebAssembly 3.0): the caller's frame is replaced by the callee's
_op(0x12, "return_call", "funcidx", group="control", feature="tail_call")
_op(0x13, "return_call_indirect", "typeidx tableidx", group="control", traps=True,
    feature="tail_call")
# (it needs typed function references too: the validator checks that switch)
_op(0x15, "return_call_ref", "typeidx", group="control", traps=True, feature="tail_call")
# 0x05 else and 0x0B end are structure, not instructions: the decoder builds them into
# Block/Loop/If bodies. They are named here so the tools can print them.
ELSE = 0x05
END = 0x0B

# --- reference -----------------------------------------------------------------------
_op(0xD0, "ref.null", "heaptype", group="reference")
_op(0xD1, "ref.is_null", group="reference")
_op(0xD2, "ref.func", "funcidx", group="reference")
# typed function references (WebAssembly 3.0)
_op(0x14, "call_ref", "typeidx", group="control", traps=True, feature="function_references")
_op(0xD4, "ref.as_non_null", group="reference", traps=True, feature="function_references")
_op(0xD5, "br_on_null", "labelidx", group="control", feature="function_references")
_op(0xD6, "br_on_non_null", "labelidx", group="control", feature="function_references")
# exception handling (WebAssembly 3.0)
_op(0x08, "throw", "tagidx", group="control", feature="exceptions")
_op(0x0A, "throw_ref", group="control", traps=True, feature="exceptions")
_op(0x1F, "try_table", "blocktype catches", group="control", feature="exceptions")

# GC (WebAssembly 3.0): prefix 0xFB. ref.test and ref.cast have two encodings each, the
# second for a nullable target type: rows ref.test_null and ref.cast_null, printed as
# ref.test/ref.cast with a (ref null ht) type, as select_t prints as select.
_op(0xD3, "ref.eq", group="reference", feature="gc")
_GC_ROWS = """
0 struct.new typeidx -               1 struct.new_default typeidx -
2 struct.get typeidx,fieldidx !      3 struct.get_s typeidx,fieldidx !
4 struct.get_u typeidx,fieldidx !    5 struct.set typeidx,fieldidx !
6 array.new typeidx -                7 array.new_default typeidx -
8 array.new_fixed typeidx,u32 -      9 array.new_data typeidx,dataidx !
10 array.new_elem typeidx,elemidx !  11 array.get typeidx !
12 array.get_s typeidx !             13 array.get_u typeidx !
14 array.set typeidx !               15 array.len - !
16 array.fill typeidx !              17 array.copy typeidx,typeidx !
18 array.init_data typeidx,dataidx ! 19 array.init_elem typeidx,elemidx !
20 ref.test heaptype -               21 ref.test_null heaptype -
22 ref.cast heaptype !               23 ref.cast_null heaptype !
24 br_on_cast castflags,labelidx,heaptype,heaptype -
25 br_on_cast_fail castflags,labelidx,heaptype,heaptype -
26 any.convert_extern - -            27 extern.convert_any - -
28 ref.i31 - -                       29 i31.get_s - !
30 i31.get_u - !
"""
_tokens = _GC_ROWS.split()
for _i in range(0, len(_tokens), 4):
    _code, _name, _imm, _rest = _tokens[_i : _i + 4]
    _group = "control" if _name.startswith("br_") else "reference"
    _op((FB, int(_code)), _name, "" if _imm == "-" else _imm.replace(",", " "), group=_group,
        traps=_rest == "!", feature="gc")

# --- parametric ----------------------------------------------------------------------
_op(0x1A, "drop", group="parametric")
_op(0x1B, "select", group="parametric")
_op(0x1C, "select_t", "valtypes", group="parametric")  # printed "select (result t)"

# --- variable ------------------------------------------------------------------------
_op(0x20, "local.get", "localidx", group="variable")
_op(0x21, "local.set", "localidx", group="variable")
_op(0x22, "local.tee", "localidx", group="variable")
_op(0x23, "global.get", "globalidx", group="variable")
_op(0x24, "global.set", "globalidx", group="variable")

# --- table ---------------------------------------------------------------------------
_op(0x25, "table.get", "tableidx", group="table", traps=True)
_op(0x26, "table.set", "tableidx", group="table", traps=True)
_op((FC, 12), "table.init", "elemidx tableidx", group="table", traps=True)
_op((FC, 13), "elem.drop", "elemidx", sig="->", group="table")
_op((FC, 14), "table.copy", "tableidx tableidx", group="table", traps=True)
_op((FC, 15), "table.grow", "tableidx", group="table")
_op((FC, 16), "table.size", "tableidx", group="table")
_op((FC, 17), "table.fill", "tableidx", group="table", traps=True)

# --- memory --------------------------------------------------------------------------
# Loads and stores: opcode, mnemonic, bytes accessed in memory (the value type is the
# mnemonic's and the signature follows from it; every access can trap out of bounds).
_load(0x28, "i32.load", 4)
_load(0x29, "i64.load", 8)
_load(0x2A, "f32.load", 4)
_load(0x2B, "f64.load", 8)
_load(0x2C, "i32.load8_s", 1)
_load(0x2D, "i32.load8_u", 1)
_load(0x2E, "i32.load16_s", 2)
_load(0x2F, "i32.load16_u", 2)
_load(0x30, "i64.load8_s", 1)
_load(0x31, "i64.load8_u", 1)
_load(0x32, "i64.load16_s", 2)
_load(0x33, "i64.load16_u", 2)
_load(0x34, "i64.load32_s", 4)
_load(0x35, "i64.load32_u", 4)
_store(0x36, "i32.store", 4)
_store(0x37, "i64.store", 8)
_store(0x38, "f32.store", 4)
_store(0x39, "f64.store", 8)
_store(0x3A, "i32.store8", 1)
_store(0x3B, "i32.store16", 2)
_store(0x3C, "i64.store8", 1)
_store(0x3D, "i64.store16", 2)
_store(0x3E, "i64.store32", 4)
_op(0x3F, "memory.size", "memidx", "-> i32", "memory")
_op(0x40, "memory.grow", "memidx", "i32 -> i32", "memory")
_op((FC, 8), "memory.init", "dataidx memidx", "i32 i32 i32 ->", "memory", traps=True)
_op((FC, 9), "data.drop", "dataidx", "->", "memory")
_op((FC, 10), "memory.copy", "memidx memidx", "i32 i32 i32 ->", "memory", traps=True)
_op((FC, 11), "memory.fill", "memidx", "i32 i32 i32 ->", "memory", traps=True)

# --- numeric: constants ----------------------------------------------------------------
_op(0x41, "i32.const", "i32", "-> i32", "numeric")
_op(0x42, "i64.const", "i64", "-> i64", "numeric")
_op(0x43, "f32.const", "f32", "-> f32", "numeric")
_op(0x44, "f64.const", "f64", "-> f64", "numeric")


def _numeric_block(first_code: int, t: str, names: str, shape: str) -> None:
    """Consecutive opcodes of one type and one signature shape (``!``: can trap)."""
    sigs = {
        "test": f"{t} -> i32",
        "rel": f"{t} {t} -> i32",
        "un": f"{t} -> {t}",
        "bin": f"{t} {t} -> {t}",
    }
    for i, op in enumerate(names.split()):
        _op(first_code + i, f"{t}.{op}", "", sigs[shape], "numeric")


_numeric_block(0x45, "i32", "eqz", "test")
_numeric_block(0x46, "i32", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "rel")
_numeric_block(0x50, "i64", "eqz", "test")
_numeric_block(0x51, "i64", "eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u", "rel")
_numeric_block(0x5B, "f32", "eq ne lt gt le ge", "rel")
_numeric_block(0x61, "f64", "eq ne lt gt le ge", "rel")
_numeric_block(0x67, "i32", "clz ctz popcnt", "un")
_numeric_block(0x6A, "i32", "add sub mul div_s! div_u! rem_s! rem_u! "
               "and or xor shl shr_s shr_u rotl rotr", "bin")
_numeric_block(0x79, "i64", "clz ctz popcnt", "un")
_numeric_block(0x7C, "i64", "add sub mul div_s! div_u! rem_s! rem_u! "
               "and or xor shl shr_s shr_u rotl rotr", "bin")
_numeric_block(0x8B, "f32", "abs neg ceil floor trunc nearest sqrt", "un")
_numeric_block(0x92, "f32", "add sub mul div min max copysign", "bin")
_numeric_block(0x99, "f64", "abs neg ceil floor trunc nearest sqrt", "un")
_numeric_block(0xA0, "f64", "add sub mul div min max copysign", "bin")

# --- numeric: conversions (``!``: can trap) -----------------------------------------------
_CONVERSIONS = """
A7 i32.wrap_i64        A8 i32.trunc_f32_s!    A9 i32.trunc_f32_u!    AA i32.trunc_f64_s!
AB i32.trunc_f64_u!    AC i64.extend_i32_s    AD i64.extend_i32_u    AE i64.trunc_f32_s!
AF i64.trunc_f32_u!    B0 i64.trunc_f64_s!    B1 i64.trunc_f64_u!    B2 f32.convert_i32_s
B3 f32.convert_i32_u   B4 f32.convert_i64_s   B5 f32.convert_i64_u   B6 f32.demote_f64
B7 f64.convert_i32_s   B8 f64.convert_i32_u   B9 f64.convert_i64_s   BA f64.convert_i64_u
BB f64.promote_f32     BC i32.reinterpret_f32 BD i64.reinterpret_f64 BE f32.reinterpret_i32
BF f64.reinterpret_i64
"""
_tokens = _CONVERSIONS.split()
for _code, _name in zip(_tokens[0::2], _tokens[1::2]):
    _dst, _, _rest = _name.partition(".")
    _src = _rest.split("_")[1]  # wrap_i64 -> i64, trunc_f32_s! -> f32
    _op(int(_code, 16), _name, "", f"{_src} -> {_dst}", "numeric")

_numeric_block(0xC0, "i32", "extend8_s extend16_s", "un")
_numeric_block(0xC2, "i64", "extend8_s extend16_s extend32_s", "un")

for _n, (_dst, _src, _sx) in enumerate(
    (d, s, x) for d in ("i32", "i64") for s in ("f32", "f64") for x in ("s", "u")
):
    _op((FC, _n), f"{_dst}.trunc_sat_{_src}_{_sx}", "", f"{_src} -> {_dst}", "numeric")

# --- vector (SIMD, prefix 0xFD) -----------------------------------------------------------
# Each line: sub-opcode, name, immediates ("-" for none), signature key (see _VSIG). The
# keys of loads and stores name the bytes they access: ``load:8`` (v128.load8x8_s reads 8
# bytes), ``loadlane:2`` (v128.load16_lane); every access can trap out of bounds.
_VSIG = {
    "load": "i32 -> v128",
    "store": "i32 v128 ->",
    "const": "-> v128",
    "vv_v": "v128 v128 -> v128",
    "v_v": "v128 -> v128",
    "vvv_v": "v128 v128 v128 -> v128",
    "v_i32": "v128 -> i32",
    "vi_v": "v128 i32 -> v128",
    "i32_v": "i32 -> v128",
    "i64_v": "i64 -> v128",
    "f32_v": "f32 -> v128",
    "f64_v": "f64 -> v128",
    "v_i64": "v128 -> i64",
    "v_f32": "v128 -> f32",
    "v_f64": "v128 -> f64",
    "vi64_v": "v128 i64 -> v128",
    "vf32_v": "v128 f32 -> v128",
    "vf64_v": "v128 f64 -> v128",
    "loadlane": "i32 v128 -> v128",
    "storelane": "i32 v128 ->",
}
_SIMD = """
0 v128.load memarg load:16            1 v128.load8x8_s memarg load:8
2 v128.load8x8_u memarg load:8        3 v128.load16x4_s memarg load:8
4 v128.load16x4_u memarg load:8       5 v128.load32x2_s memarg load:8
6 v128.load32x2_u memarg load:8       7 v128.load8_splat memarg load:1
8 v128.load16_splat memarg load:2     9 v128.load32_splat memarg load:4
10 v128.load64_splat memarg load:8    11 v128.store memarg store:16
12 v128.const v128 const              13 i8x16.shuffle shuffle vv_v
14 i8x16.swizzle - vv_v                15 i8x16.splat - i32_v
16 i16x8.splat - i32_v                 17 i32x4.splat - i32_v
18 i64x2.splat - i64_v                 19 f32x4.splat - f32_v
20 f64x2.splat - f64_v
21 i8x16.extract_lane_s laneidx v_i32  22 i8x16.extract_lane_u laneidx v_i32
23 i8x16.replace_lane laneidx vi_v     24 i16x8.extract_lane_s laneidx v_i32
25 i16x8.extract_lane_u laneidx v_i32  26 i16x8.replace_lane laneidx vi_v
27 i32x4.extract_lane laneidx v_i32    28 i32x4.replace_lane laneidx vi_v
29 i64x2.extract_lane laneidx v_i64    30 i64x2.replace_lane laneidx vi64_v
31 f32x4.extract_lane laneidx v_f32    32 f32x4.replace_lane laneidx vf32_v
33 f64x2.extract_lane laneidx v_f64    34 f64x2.replace_lane laneidx vf64_v
35 i8x16.eq - vv_v   36 i8x16.ne - vv_v   37 i8x16.lt_s - vv_v   38 i8x16.lt_u - vv_v
39 i8x16.gt_s - vv_v 40 i8x16.gt_u - vv_v 41 i8x16.le_s - vv_v   42 i8x16.le_u - vv_v
43 i8x16.ge_s - vv_v 44 i8x16.ge_u - vv_v
45 i16x8.eq - vv_v   46 i16x8.ne - vv_v   47 i16x8.lt_s - vv_v   48 i16x8.lt_u - vv_v
49 i16x8.gt_s - vv_v 50 i16x8.gt_u - vv_v 51 i16x8.le_s - vv_v   52 i16x8.le_u - vv_v
53 i16x8.ge_s - vv_v 54 i16x8.ge_u - vv_v
55 i32x4.eq - vv_v   56 i32x4.ne - vv_v   57 i32x4.lt_s - vv_v   58 i32x4.lt_u - vv_v
59 i32x4.gt_s - vv_v 60 i32x4.gt_u - vv_v 61 i32x4.le_s - vv_v   62 i32x4.le_u - vv_v
63 i32x4.ge_s - vv_v 64 i32x4.ge_u - vv_v
65 f32x4.eq - vv_v   66 f32x4.ne - vv_v   67 f32x4.lt - vv_v     68 f32x4.gt - vv_v
69 f32x4.le - vv_v   70 f32x4.ge - vv_v
71 f64x2.eq - vv_v   72 f64x2.ne - vv_v   73 f64x2.lt - vv_v     74 f64x2.gt - vv_v
75 f64x2.le - vv_v   76 f64x2.ge - vv_v
77 v128.not - v_v    78 v128.and - vv_v   79 v128.andnot - vv_v  80 v128.or - vv_v
81 v128.xor - vv_v   82 v128.bitselect - vvv_v                   83 v128.any_true - v_i32
84 v128.load8_lane memarg,laneidx loadlane:1    85 v128.load16_lane memarg,laneidx loadlane:2
86 v128.load32_lane memarg,laneidx loadlane:4   87 v128.load64_lane memarg,laneidx loadlane:8
88 v128.store8_lane memarg,laneidx storelane:1  89 v128.store16_lane memarg,laneidx storelane:2
90 v128.store32_lane memarg,laneidx storelane:4 91 v128.store64_lane memarg,laneidx storelane:8
92 v128.load32_zero memarg load:4               93 v128.load64_zero memarg load:8
94 f32x4.demote_f64x2_zero - v_v      95 f64x2.promote_low_f32x4 - v_v
96 i8x16.abs - v_v   97 i8x16.neg - v_v   98 i8x16.popcnt - v_v  99 i8x16.all_true - v_i32
100 i8x16.bitmask - v_i32   101 i8x16.narrow_i16x8_s - vv_v   102 i8x16.narrow_i16x8_u - vv_v
103 f32x4.ceil - v_v 104 f32x4.floor - v_v 105 f32x4.trunc - v_v 106 f32x4.nearest - v_v
107 i8x16.shl - vi_v  108 i8x16.shr_s - vi_v  109 i8x16.shr_u - vi_v  110 i8x16.add - vv_v
111 i8x16.add_sat_s - vv_v  112 i8x16.add_sat_u - vv_v  113 i8x16.sub - vv_v
114 i8x16.sub_sat_s - vv_v  115 i8x16.sub_sat_u - vv_v  116 f64x2.ceil - v_v
117 f64x2.floor - v_v 118 i8x16.min_s - vv_v 119 i8x16.min_u - vv_v 120 i8x16.max_s - vv_v
121 i8x16.max_u - vv_v 122 f64x2.trunc - v_v 123 i8x16.avgr_u - vv_v
124 i16x8.extadd_pairwise_i8x16_s - v_v   125 i16x8.extadd_pairwise_i8x16_u - v_v
126 i32x4.extadd_pairwise_i16x8_s - v_v   127 i32x4.extadd_pairwise_i16x8_u - v_v
128 i16x8.abs - v_v  129 i16x8.neg - v_v  130 i16x8.q15mulr_sat_s - vv_v
131 i16x8.all_true - v_i32  132 i16x8.bitmask - v_i32
133 i16x8.narrow_i32x4_s - vv_v  134 i16x8.narrow_i32x4_u - vv_v
135 i16x8.extend_low_i8x16_s - v_v   136 i16x8.extend_high_i8x16_s - v_v
137 i16x8.extend_low_i8x16_u - v_v   138 i16x8.extend_high_i8x16_u - v_v
139 i16x8.shl - vi_v 140 i16x8.shr_s - vi_v 141 i16x8.shr_u - vi_v 142 i16x8.add - vv_v
143 i16x8.add_sat_s - vv_v  144 i16x8.add_sat_u - vv_v  145 i16x8.sub - vv_v
146 i16x8.sub_sat_s - vv_v  147 i16x8.sub_sat_u - vv_v  148 f64x2.nearest - v_v
149 i16x8.mul - vv_v 150 i16x8.min_s - vv_v 151 i16x8.min_u - vv_v 152 i16x8.max_s - vv_v
153 i16x8.max_u - vv_v 155 i16x8.avgr_u - vv_v
156 i16x8.extmul_low_i8x16_s - vv_v   157 i16x8.extmul_high_i8x16_s - vv_v
158 i16x8.extmul_low_i8x16_u - vv_v   159 i16x8.extmul_high_i8x16_u - vv_v
160 i32x4.abs - v_v  161 i32x4.neg - v_v  163 i32x4.all_true - v_i32  164 i32x4.bitmask - v_i32
167 i32x4.extend_low_i16x8_s - v_v   168 i32x4.extend_high_i16x8_s - v_v
169 i32x4.extend_low_i16x8_u - v_v   170 i32x4.extend_high_i16x8_u - v_v
171 i32x4.shl - vi_v 172 i32x4.shr_s - vi_v 173 i32x4.shr_u - vi_v 174 i32x4.add - vv_v
177 i32x4.sub - vv_v 181 i32x4.mul - vv_v 182 i32x4.min_s - vv_v 183 i32x4.min_u - vv_v
184 i32x4.max_s - vv_v 185 i32x4.max_u - vv_v 186 i32x4.dot_i16x8_s - vv_v
188 i32x4.extmul_low_i16x8_s - vv_v   189 i32x4.extmul_high_i16x8_s - vv_v
190 i32x4.extmul_low_i16x8_u - vv_v   191 i32x4.extmul_high_i16x8_u - vv_v
192 i64x2.abs - v_v  193 i64x2.neg - v_v  195 i64x2.all_true - v_i32  196 i64x2.bitmask - v_i32
199 i64x2.extend_low_i32x4_s - v_v   200 i64x2.extend_high_i32x4_s - v_v
201 i64x2.extend_low_i32x4_u - v_v   202 i64x2.extend_high_i32x4_u - v_v
203 i64x2.shl - vi_v 204 i64x2.shr_s - vi_v 205 i64x2.shr_u - vi_v 206 i64x2.add - vv_v
209 i64x2.sub - vv_v 213 i64x2.mul - vv_v 214 i64x2.eq - vv_v 215 i64x2.ne - vv_v
216 i64x2.lt_s - vv_v 217 i64x2.gt_s - vv_v 218 i64x2.le_s - vv_v 219 i64x2.ge_s - vv_v
220 i64x2.extmul_low_i32x4_s - vv_v   221 i64x2.extmul_high_i32x4_s - vv_v
222 i64x2.extmul_low_i32x4_u - vv_v   223 i64x2.extmul_high_i32x4_u - vv_v
224 f32x4.abs - v_v  225 f32x4.neg - v_v  227 f32x4.sqrt - v_v  228 f32x4.add - vv_v
229 f32x4.sub - vv_v 230 f32x4.mul - vv_v 231 f32x4.div - vv_v 232 f32x4.min - vv_v
233 f32x4.max - vv_v 234 f32x4.pmin - vv_v 235 f32x4.pmax - vv_v
236 f64x2.abs - v_v  237 f64x2.neg - v_v  239 f64x2.sqrt - v_v  240 f64x2.add - vv_v
241 f64x2.sub - vv_v 242 f64x2.mul - vv_v 243 f64x2.div - vv_v 244 f64x2.min - vv_v
245 f64x2.max - vv_v 246 f64x2.pmin - vv_v 247 f64x2.pmax - vv_v
248 i32x4.trunc_sat_f32x4_s - v_v     249 i32x4.trunc_sat_f32x4_u - v_v
250 f32x4.convert_i32x4_s - v_v       251 f32x4.convert_i32x4_u - v_v
252 i32x4.trunc_sat_f64x2_s_zero - v_v    253 i32x4.trunc_sat_f64x2_u_zero - v_v
254 f64x2.convert_low_i32x4_s - v_v   255 f64x2.convert_low_i32x4_u - v_v
"""
_tokens = _SIMD.split()
for _i in range(0, len(_tokens), 4):
    _code, _name, _imm, _key = _tokens[_i : _i + 4]
    _imm = "" if _imm == "-" else _imm.replace(",", " ")
    _key, _, _bytes = _key.partition(":")
    if _bytes:
        _access = "load" if _key.startswith("load") else "store"
        _op((FD, int(_code)), _name, _imm, _VSIG[_key], "vector", _access, int(_bytes))
    else:
        _op((FD, int(_code)), _name, _imm, _VSIG[_key], "vector")

# --- relaxed SIMD (WebAssembly 3.0, prefix 0xFD, sub-opcodes 0x100-0x113) ----------------
# Each line: sub-opcode (hex), name, signature key. Their results are the ones wasmtime
# gives on x86-64 (``exec.relaxed_simd`` has the table).
_RELAXED = """
100 i8x16.relaxed_swizzle vv_v                 101 i32x4.relaxed_trunc_f32x4_s v_v
102 i32x4.relaxed_trunc_f32x4_u v_v            103 i32x4.relaxed_trunc_f64x2_s_zero v_v
104 i32x4.relaxed_trunc_f64x2_u_zero v_v       105 f32x4.relaxed_madd vvv_v
106 f32x4.relaxed_nmadd vvv_v                  107 f64x2.relaxed_madd vvv_v
108 f64x2.relaxed_nmadd vvv_v                  109 i8x16.relaxed_laneselect vvv_v
10A i16x8.relaxed_laneselect vvv_v             10B i32x4.relaxed_laneselect vvv_v
10C i64x2.relaxed_laneselect vvv_v             10D f32x4.relaxed_min vv_v
10E f32x4.relaxed_max vv_v                     10F f64x2.relaxed_min vv_v
110 f64x2.relaxed_max vv_v                     111 i16x8.relaxed_q15mulr_s vv_v
112 i16x8.relaxed_dot_i8x16_i7x16_s vv_v       113 i32x4.relaxed_dot_i8x16_i7x16_add_s vvv_v
"""
_tokens = _RELAXED.split()
for _i in range(0, len(_tokens), 3):
    _code, _name, _key = _tokens[_i : _i + 3]
    _op((FD, int(_code, 16)), _name, "", _VSIG[_key], "vector", feature="relaxed_simd")

del _tokens, _code, _name, _imm, _key, _bytes, _access, _i, _n, _dst, _src, _sx, _rest, _group

#: Every row, in table order.
OPS: tuple[Op, ...] = tuple(_ROWS)
#: Row by mnemonic.
BY_NAME: dict[str, Op] = {op.name: op for op in OPS}
#: One-byte opcodes, indexed by the byte (None where the byte is not an opcode).
SINGLE: list[Op | None] = [None] * 256
#: Prefixed opcodes: PREFIXED[prefix][n].
PREFIXED: dict[int, dict[int, Op]] = {FB: {}, FC: {}, FD: {}}

for _row in OPS:
    if isinstance(_row.code, int):
        SINGLE[_row.code] = _row
    else:
        PREFIXED[_row.code[0]][_row.code[1]] = _row
del _row


def lookup(code: int | tuple[int, int]) -> Op | None:
    """The row for an opcode, or None."""
    if isinstance(code, int):
        return SINGLE[code] if 0 <= code < 256 else None
    return PREFIXED.get(code[0], {}).get(code[1])
