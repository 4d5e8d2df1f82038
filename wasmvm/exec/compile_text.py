"""The text the compiled tier's translators write: symbolic stack entries (``E``) and
their operand forms, and the Python of scalar memory accesses made from the opcode
table's access facts. Shared by the translator (``compile``, ``compile_flat``) and the
translations of single instructions (``compile_instrs``)."""

from __future__ import annotations

import re

from ..opcodes import OPS

_SLOT = re.compile(r"s\d+")  # a stack slot variable
#: the check of the epoch deadline at a loop head (the store interrupts by epoch)
EPOCH_CHECK = "if _EH[0]: raise _interrupt()"


class E:
    """A value on the symbolic stack: Python expression ``text``; ``cond`` a boolean form
    when it is a comparison; ``uses`` the locals it reads (None: a stored slot or a
    constant); ``weight`` how many operators it holds; ``rng`` (lo, hi), bounds the
    integer value is known to lie within (None: anything of its type), which let the
    translator drop wraparound masks that cannot change the value; ``facts`` for a
    comparison of locals, what it proves of them: (when true, when false), each a list of
    (local, lo, hi); ``raw`` for a wrapping add, sub, mul or shl, its text before the
    final mask: a value congruent to it modulo 2**width, which an enclosing add, sub, mul
    or shl (masked itself) can use as its operand instead."""

    __slots__ = ("text", "cond", "uses", "weight", "rng", "facts", "raw")

    def __init__(self, text: str, uses=None, weight: int = 0, cond: str | None = None,
                 rng: tuple[int, int] | None = None, facts=None, raw: str | None = None):
        self.text = text
        self.cond = cond
        self.uses = uses
        self.weight = weight
        self.rng = rng
        self.facts = facts
        self.raw = raw

    @property
    def truth(self) -> str:
        return self.cond if self.cond is not None else self.text


# Scalar loads and stores, made from the opcode table's access facts (kind, size, type)
# and signedness. (Numeric operators that can trap, the table's ``traps``, are evaluated
# where they stand: see Translator.numeric.)
_MASK = {"i32": "0xFFFFFFFF", "i64": "0xFFFFFFFFFFFFFFFF"}
_MOD = {"i32": "4294967296", "i64": "18446744073709551616"}  # 2**width


def _load_text(op, views: bool = False) -> str | None:
    """A scalar load as a Python expression, from the opcode table's access facts: read
    ``size`` bytes, then make the operand of the value type. The read is ``struct`` on
    the address text ``{A}``, or with ``views`` the memory element text ``{R}`` (an
    element of a typed view, ``Translator.element``). None for f32 with views: the float
    view unless the value is a NaN, which ``Translator.load`` writes."""
    access = op.access
    if views and access.type == "f32":
        return None
    if views:
        read = "{R}"
    elif access.type == "f64":
        read = "_Ld(M, {A})[0]"
    else:
        read = "M[{A}]" if access.size == 1 else f"_L{access.size}(M, {{A}})[0]"
    if access.type == "f64":
        return read
    if access.type == "f32":
        return f"_f32_val({read})"
    if op.signed:  # sign-extend the narrow value to the type's width
        sign = f"0x{1 << (8 * access.size - 1):X}"
        return f"(({read} ^ {sign}) - {sign}) % {_MOD[access.type]}"
    return read


def _store_text(op, fits: bool = False, views: bool = False) -> str | None:
    """A scalar store as a Python statement of the address ``{A}`` (or with ``views`` the
    memory element ``{R}``) and the value ``{V}`` (``fits``: a value known to fit in the
    bytes stored, which needs no mask). None for f32 with views (``Translator.
    store_mem`` writes it, as for loads)."""
    access = op.access
    if views and access.type == "f32":
        return None
    if access.type == "f32":
        value = "_f32_bits({V})"
    else:
        full = access.type == "f64" or access.size == (8 if access.type == "i64" else 4)
        value = "{V}" if full or fits else f"{{V}} & 0x{(1 << 8 * access.size) - 1:X}"
    if views:
        return f"{{R}} = {value}"
    if access.type == "f64":
        return "_Sd(M, {A}, {V})"
    if access.size == 1:
        return f"M[{{A}}] = {value}"
    return f"_S{access.size}(M, {{A}}, {value})"


def _view_of(op) -> str:
    """The name of the view table of a scalar access (``memory.VIEW_TABLES``), or ``M``
    for a byte: the bytearray or mmap itself."""
    if op.access.size == 1:
        return "M"
    return {"f64": "WD", "f32": "WF"}.get(op.access.type, f"W{op.access.size}")


_SCALAR_ACCESSES = [op for op in OPS if op.group == "memory" and op.access is not None]
_SCALAR_LOADS = [op for op in _SCALAR_ACCESSES if op.access.kind == "load"]
_SCALAR_STORES = [op for op in _SCALAR_ACCESSES if op.access.kind == "store"]
#: mnemonic -> (Python expression of the address ``{A}``, the same of the element ``{R}``)
_LOADS = {op.name: (_load_text(op), _load_text(op, views=True)) for op in _SCALAR_LOADS}
#: mnemonic -> the bounds of the value of a narrow unsigned integer load
_LOAD_RNG = {op.name: (0, (1 << 8 * op.access.size) - 1) for op in _SCALAR_LOADS
             if op.access.type in _MASK and not op.signed}
#: mnemonic -> (Python statement of the address ``{A}`` and the value ``{V}``, the same of
#: the element ``{R}``)
_STORES = {op.name: (_store_text(op), _store_text(op, views=True)) for op in _SCALAR_STORES}
#: mnemonic -> (largest value stored whole, the statements for such a value as above)
_STORES_FIT = {op.name: ((1 << 8 * op.access.size) - 1,
                         (_store_text(op, fits=True), _store_text(op, fits=True, views=True)))
               for op in _SCALAR_STORES}
#: mnemonic -> (bytes accessed, view table) of every scalar access
_ELEMENT = {op.name: (op.access.size, _view_of(op)) for op in _SCALAR_ACCESSES}


def _raw(e: E) -> str:
    """An operand of a wrapping add, sub, mul or shl: its unmasked text when it has one."""
    return f"({e.raw})" if e.raw is not None else _p(e)


def _p(e: E) -> str:
    """Operand text, parenthesised unless atomic."""
    t = e.text
    return t if t.isidentifier() or t.replace(".", "").replace("-", "").isalnum() else f"({t})"


def _drop_spare_passes(lines: list[str], pcs: list) -> None:
    """Remove (in place, in one pass) each ``pass`` put at the top of an arm or loop body
    so that none is empty, where a statement follows it in its block: CPython keeps it
    as a NOP that gives its line a line event, and runs it."""
    keep = []
    last = len(lines) - 1
    for k, line in enumerate(lines):
        if k < last and line.endswith("pass") and line.lstrip() == "pass":
            after = lines[k + 1]
            if len(after) - len(after.lstrip(" ")) == len(line) - 4:
                continue
        keep.append(k)
    if len(keep) < len(lines):
        lines[:] = [lines[k] for k in keep]
        pcs[:] = [pcs[k] for k in keep]
