"""The base of every instruction (``syntax.instructions``): an opcode-table row, fields
compared by value, WAT text; and the checks of immediates the instruction classes share.
"""

from __future__ import annotations

from ..opcodes import BY_NAME, Op


class Instruction:
    """Base of all instructions. Subclasses list their fields in ``_fields``."""

    __slots__ = ("op",)
    _fields: tuple[str, ...] = ()
    op: Op

    # -- identity -------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The spec mnemonic, e.g. ``"i32.load8_u"``."""
        return self.op.name

    def _values(self) -> tuple:
        return tuple(getattr(self, f) for f in self._fields)

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()

    __hash__ = None  # instructions compare by value but hold lists: not hashable

    _positional = 1  # fields shown positionally by repr; the rest as keywords

    def __repr__(self) -> str:
        values = self._values()
        args = [repr(v) for v in values[: self._positional]]
        args += [f"{f}={v!r}" for f, v in zip(self._fields[self._positional:],
                                               values[self._positional:])]
        return f"{type(self).__name__}({', '.join(args)})"

    # -- text -----------------------------------------------------------------------
    def imm_text(self) -> str:
        """The immediates as WAT text (empty when there are none)."""
        return ""

    def __str__(self) -> str:
        imm = self.imm_text()
        return f"{self.name} {imm}" if imm else self.name


def _row(name: str) -> Op:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"no such instruction: {name}") from None


def _u32(owner: str, field: str, x) -> int:
    """An index or memarg field: an int in [0, 2**32)."""
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < 1 << 32:
        raise ValueError(f"{owner}.{field} must be a u32, got {x!r}")
    return x


def _u64(owner: str, field: str, x) -> int:
    """A memarg offset: an int in [0, 2**64) (memory64; a 32-bit memory's offsets are
    below 2**32, which validation checks)."""
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < 1 << 64:
        raise ValueError(f"{owner}.{field} must be a u64, got {x!r}")
    return x


def _byte(owner: str, field: str, x, limit: int = 256) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < limit:
        raise ValueError(f"{owner}.{field} must be an int in [0, {limit}), got {x!r}")
    return x


def _sx(signed: bool | None) -> str:
    return "" if signed is None else ("_s" if signed else "_u")
