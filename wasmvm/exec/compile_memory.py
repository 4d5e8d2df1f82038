"""The compiled tier's memory instructions (``Translator.load``, ``Translator.store_mem``):
scalar loads and stores as Python text over memory 0's bytearray ``M`` (a byte) or its
typed view tables (``W4[ea & 3][ea >> 2]``, see ``exec.memory``), whose index is out of
range, raising IndexError in the function's own frame, exactly when the access is out of
bounds; ``struct`` calls for the other memories and on hosts without views. f32 goes
through the float view unless the value is a NaN (its bits then, exactly).

A mixin of ``compile.Translator``, whose operand stack and temporaries these methods use;
split from it for size only, as ``compile_numeric``.
"""

from __future__ import annotations

import re

from .compile_ints import _int_const
from .compile_text import _ELEMENT, _LOAD_RNG, _LOADS, _STORES, _STORES_FIT, E, _p


class MemoryLowering:
    """The memory access instructions of ``compile.Translator`` (see the module
    docstring)."""

    def address(self, instr) -> str:
        a = self.pop()
        x = _int_const(a)
        if x is not None:  # the effective address is not wrapped: x + offset exactly
            return str(x + instr.offset)
        return f"{_p(a)} + {instr.offset}" if instr.offset else a.text

    def element(self, name: str, instr) -> str:
        """The memory element a scalar access reads or writes, as Python text that can
        be read or assigned: ``M[ea]`` for a byte, else ``W[ea & (size - 1)][ea >> log2
        size]`` of the access's view table (see ``exec.memory``), whose index is out of
        range, raising IndexError here, exactly when the access is out of bounds."""
        size, table = _ELEMENT[name]
        if size == 1:
            return f"M[{self.address(instr)}]"
        a = self.pop()
        offset, mask, shift = instr.offset, size - 1, size.bit_length() - 1
        x = _int_const(a)
        if x is not None:  # the effective address is not wrapped: x + offset exactly
            ea = x + offset
            return f"{table}[{ea & mask}][{ea >> shift}]"
        aligned = not offset & mask  # ea & mask == a & mask; ea >> shift == (a >> shift) + k
        text = _p(a) if aligned else f"{_p(a)} + {offset}"
        if aligned and text == a.text:  # a name or constant: read it twice
            first = later = text
        else:
            later = self.new_temp()
            first = f"({later} := {text})"
        k = offset >> shift if aligned else 0
        index = f"({later} >> {shift}) + {k}" if k else f"{later} >> {shift}"
        return f"{table}[{first} & {mask}][{index}]"

    def load(self, name: str, instr) -> None:
        struct_form, view_form = _LOADS[name]
        if self.views and not instr.memory and view_form is None:  # f32
            # the float view, unless the value is a NaN: then its bits (see exec.memory)
            element = self.element(name, instr)
            x = self.new_temp()
            text = f"({x} if ({x} := {element}) == {x} else _f32_val({_bits_view(element)}))"
        elif self.views and not instr.memory:  # (memory 0's views; others use struct)
            text = view_form.format(R=self.element(name, instr))
        else:
            if instr.memory:  # multi-memory: M is memory 0's data, Mk memory k's
                struct_form = _MEMORY_NAME.sub(f"M{instr.memory}", struct_form)
            text = struct_form.format(A=self.address(instr))
        if self.TEMP_LOADS:
            value = self.new_temp()
            self.emit(f"{value} = {text}")
            self.stack.append(E(value, rng=_LOAD_RNG.get(name)))
        else:
            self.stack.append(E(text, rng=_LOAD_RNG.get(name)))
            self.store(len(self.stack) - 1)

    def store_mem(self, name: str, instr) -> None:
        v = self.pop()
        limit, fits = _STORES_FIT[name]
        struct_form, view_form = fits if v.rng is not None and v.rng[1] <= limit else _STORES[name]
        if self.views and not instr.memory and view_form is None:  # f32
            # the float view, unless the value is a NaN: then its bits (see exec.memory)
            element = self.element(name, instr)
            first, later = self.temp(v)
            self.emit(f"if {first} == {later}: {element} = {later}")
            self.emit(f"else: {_bits_view(element)} = _f32_bits({later})")
        elif self.views and not instr.memory:
            self.emit(view_form.format(R=self.element(name, instr), V=_p(v)))
        else:
            if instr.memory:
                struct_form = _MEMORY_NAME.sub(f"M{instr.memory}", struct_form)
            self.emit(struct_form.format(A=self.address(instr), V=_p(v)))


def _bits_view(element: str) -> str:
    """The same element of an f32 access through the bits view ``W4`` (``WF[a][i]`` is
    ``W4[a][i]``: the two tables are cut alike)."""
    return "W4" + element.removeprefix("WF")


_MEMORY_NAME = re.compile(r"\bM\b")  # memory 0's data in the access templates
