"""What the vector rows of the opcode table imply beyond their stack signature (spec 3.3.3).

Both facts are columns of the opcode table; these are the validator's names for them:

    access_bits(op)   bits a v128 load or store reads or writes (its natural alignment):
                      the row's ``access.size`` * 8
    lane_count(op)    how many lanes a ``laneidx`` immediate may name: the row's ``lanes``

    v128.load / v128.store          128 bits
    v128.load8x8_s (NxM extending)  N*M = 64 bits
    v128.load32_splat / _zero       32 bits
    v128.load16_lane / store16_lane 16 bits, 128/16 = 8 lanes
    i32x4.extract_lane              4 lanes (the shape's lane count)

``i8x16.shuffle`` takes 16 lane indices into the 32 lanes of its two operands.
"""

from __future__ import annotations

from ..opcodes import Op

SHUFFLE_LANES = 32


def access_bits(op: Op) -> int:
    """The number of bits a vector memory instruction accesses."""
    if op.group != "vector" or op.access is None:
        raise ValueError(f"{op.name} is not a vector memory instruction")
    return op.access.size * 8


def lane_count(op: Op) -> int:
    """The number of lanes a ``laneidx`` immediate of ``op`` ranges over."""
    if op.lanes is None:
        raise ValueError(f"{op.name} has no lane shape")
    return op.lanes
