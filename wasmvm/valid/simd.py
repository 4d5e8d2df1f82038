"""What the vector rows of the opcode table imply beyond their stack signature (spec 3.3.3).

Everything here is derived from a row's mnemonic, once per row:

    access_bits(op)   bits a v128 load or store reads or writes (its natural alignment)
    lane_count(op)    how many lanes a ``laneidx`` immediate may name

    v128.load / v128.store          128 bits
    v128.load8x8_s (NxM extending)  N*M = 64 bits
    v128.load32_splat / _zero       32 bits
    v128.load16_lane / store16_lane 16 bits, 128/16 = 8 lanes
    i32x4.extract_lane              4 lanes (the shape's lane count)

``i8x16.shuffle`` takes 16 lane indices into the 32 lanes of its two operands.
"""

from __future__ import annotations

import re

from ..opcodes import Op

SHUFFLE_LANES = 32

_EXTENDING = re.compile(r"v128\.load(\d+)x(\d+)_[su]")
_SIZED = re.compile(r"v128\.(?:load|store)(\d+)_(?:splat|zero|lane)")
_SHAPE = re.compile(r"[if](\d+)x(\d+)\.")


def access_bits(op: Op) -> int:
    """The number of bits a vector memory instruction accesses."""
    name = op.name
    if name in ("v128.load", "v128.store"):
        return 128
    if m := _EXTENDING.fullmatch(name):
        return int(m.group(1)) * int(m.group(2))
    if m := _SIZED.fullmatch(name):
        return int(m.group(1))
    raise ValueError(f"{name} is not a vector memory instruction")


def lane_count(op: Op) -> int:
    """The number of lanes a ``laneidx`` immediate of ``op`` ranges over."""
    if "memarg" in op.imm:  # v128.loadN_lane / v128.storeN_lane
        return 128 // access_bits(op)
    if m := _SHAPE.match(op.name):  # i8x16.extract_lane_s, f64x2.replace_lane, ...
        return int(m.group(2))
    raise ValueError(f"{op.name} has no lane shape")
