"""See the Python: the source the compiled tier makes of a function, each line with the
WebAssembly instructions it came from (``wasmvm translate``, the playground's Python pane).

    >>> from wasmvm import Store, Module, Instance
    >>> from wasmvm.observe.translation import translate_function
    >>> store = Store()
    >>> module = Module.from_file(store.engine, "fixtures/fac.wasm")
    >>> fac = Instance(store, module, []).exports(store)["fac_rec"]
    >>> t = translate_function(store, fac)
    >>> t.form, t.lines[0].text
    ('structured', 'def f0(l0, d):')
    >>> [line for line in t.lines if line.pcs][0].instructions[:2]
    ('local.get 0 <n>', 'i64.eqz')

The source is exactly what the tier compiles and runs for that store (its fuel and epoch
settings change the code): compiling ``t.source`` in the instance's namespace gives the
code objects of ``func.compiled`` (``tests/test_translate.py`` checks this for every
function of the fixtures and of real C programs).

Which instructions a line came from. The translator keeps a symbolic operand stack:
pure values (``local.get``, constants, arithmetic) become expressions that are written
out only where they are consumed, so one Python line often holds several instructions.
Every instruction is given to the first line emitted for it or for a later instruction
(in ``walk`` order), which is the line its value ends up in; a line emitted for an
instruction that already has its line (a second line of the same instruction) shows no
instructions of its own. Unreachable instructions are not translated: they are listed in
``unreachable``, as the translator skipped them. ``else`` and ``end`` count as
instructions (they close Python blocks and loops), as in the disassembly.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from ..api.extern import Func
from ..exec.compile import translation
from ..exec.instantiate import allocate
from ..exec.store import WasmFunc
from ..syntax.instructions import walk
from ..text.disasm import instruction_text

__all__ = ["SourceLine", "FunctionTranslation", "translate_function", "translate_instance",
           "translate_module"]

#: How a fuel charge starts (``exec.compile``: at the start of each straight line)
FUEL_LINE = "_F[0] -="
#: Instructions named in one line's annotation (``annotated``); more are counted.
MAX_NAMED = 6


@dataclass(frozen=True)
class SourceLine:
    """One line of generated Python: in unit ``unit`` (the Python function: ``f3``, or a
    split function's chunk ``f3_c0``), line ``number`` of that unit's source; ``pcs``
    the walk indices of the instructions it came from, ``offsets`` their byte offsets in
    the module's file (None for a module built in memory), ``instructions`` their text."""

    unit: str
    number: int
    text: str
    pcs: tuple[int, ...] = ()
    offsets: tuple[int | None, ...] = ()
    instructions: tuple[str, ...] = ()


@dataclass
class FunctionTranslation:
    """What the compiled tier makes of one function: ``form`` is "structured" (Python
    blocks and loops), "flat" (a state machine: nesting beyond CPython's limits) or
    "split" (flat, in chunks: a function too big for one Python function)."""

    index: int
    name: str
    type: str
    form: str
    units: list[tuple[str, str]]  # (unit name, its source), in the order defined
    lines: list[SourceLine] = field(default_factory=list)
    #: instructions not translated because control never reaches them: (pc, offset, text)
    unreachable: list[tuple[int, int | None, str]] = field(default_factory=list)
    #: the execution layer's function (``exec.store.WasmFunc``)
    func: object = field(default=None, repr=False, compare=False)

    @property
    def source(self) -> str:
        """The Python source of every unit, as compiled (chunks first)."""
        return "".join(source for _, source in self.units)

    def annotated(self, width: int = 64) -> list[str]:
        """The source with each line's instructions as a trailing comment (byte offset
        and text): still Python that compiles to the same code."""
        out = [f"# func {self.index} <{self.name}> {self.type}: {self.form} form, "
               f"{len(self.lines)} lines of Python"]
        for line in self.lines:
            if not line.pcs:
                out.append(line.text)
                continue
            notes = [(f"0x{off:x} " if off is not None else "") + text
                     for off, text in zip(line.offsets, line.instructions)]
            if len(notes) > MAX_NAMED:
                notes = notes[:MAX_NAMED] + [f"+{len(notes) - MAX_NAMED} more"]
            out.append(f"{line.text:<{width}}  # " + "; ".join(notes))
        if self.unreachable:
            out.append(f"# not translated (unreachable): {len(self.unreachable)} instruction(s)"
                       + (f" from 0x{self.unreachable[0][1]:x}"
                          if self.unreachable[0][1] is not None else ""))
        return out


def translate_function(store, func) -> FunctionTranslation:
    """The translation of ``func`` (an exported ``Func`` of an instance in ``store``, or
    the execution layer's ``WasmFunc``). TypeError for a host function."""
    raw = func._inst if isinstance(func, Func) else func
    if not isinstance(raw, WasmFunc):
        raise TypeError(f"{getattr(raw, 'name', raw)} is a host function: it has no translation")
    inner = getattr(store, "_store", store)
    units, flat, unreached = translation(raw, inner)
    names = raw.module.names
    events = list(walk(raw.code.body))
    texts = [_text(event, instr, names, raw.index) for event, instr in events]
    offsets = raw.code.offsets
    dead = set(unreached)
    live = [i for i in range(len(events)) if i not in dead]
    form = "split" if len(units) > 1 else "flat" if flat else "structured"
    result = FunctionTranslation(raw.index, raw.name, str(raw.type), form,
                                 [(name, source) for name, source, _ in units], func=raw)
    # Every line with its walk index; the lines that can hold instructions: not blank,
    # not a fuel charge (made at the start of a straight line, before its instructions)
    rows = [(name, number, text, (table or {}).get(number))
            for name, source, table in units
            for number, text in enumerate(source.splitlines(), start=1)]
    owners = [(pc, k) for k, (_, _, text, pc) in enumerate(rows)
              if pc is not None and text.strip() and not text.lstrip().startswith(FUEL_LINE)]
    first_row: dict[int, int] = {}
    for pc, k in owners:
        first_row.setdefault(pc, k)
    emitted = sorted(first_row)
    pcs_of_row: dict[int, list[int]] = {}
    for i in live:  # to the first line emitted at or after it
        j = bisect_left(emitted, i)
        if j == len(emitted):
            j -= 1  # after the last line emitted (a closing end): the last line
        if j >= 0:
            pcs_of_row.setdefault(first_row[emitted[j]], []).append(i)
    for k, (name, number, text, _) in enumerate(rows):
        pcs = tuple(pcs_of_row.get(k, ()))
        result.lines.append(SourceLine(
            name, number, text, pcs,
            tuple(offsets[i] if offsets is not None and i < len(offsets) else None
                  for i in pcs),
            tuple(texts[i] for i in pcs)))
    result.unreachable = [(i, offsets[i] if offsets is not None and i < len(offsets) else None,
                           texts[i]) for i in sorted(dead)]
    return result


def translate_instance(store, instance, name: str | int | None = None) -> list[FunctionTranslation]:
    """The translations of the functions an instance's module defines (or of the one
    with that name, export name or index): ValueError when there is none such."""
    return _translate_all(store, instance._inst, name)


def translate_module(store, module, name: str | int | None = None) -> list[FunctionTranslation]:
    """The same for a module not instantiated: it is allocated in ``store`` with
    stand-ins for its imports (``exec.instantiate.allocate``: no segment applied, no
    start function run), which changes nothing in the code its functions become."""
    inner = allocate(store._store, module.syntax, module._info)
    return _translate_all(store, inner, name)


def _translate_all(store, inner, name) -> list[FunctionTranslation]:
    funcs = [f for f in inner.funcs if isinstance(f, WasmFunc) and f.module is inner]
    if name is not None:
        if isinstance(name, str) and name.isdigit():
            name = int(name)
        exported = inner.exports.get(name) if isinstance(name, str) else None
        chosen = [f for f in funcs if f.name == name or f.index == name
                  or (exported is not None and exported[1] is f)]
        if not chosen:
            raise ValueError(f"no function {name!r} defined in this module")
        funcs = chosen[:1]
    return [translate_function(store, f) for f in funcs]


def _text(event: str, instr, names, index: int) -> str:
    if event != "instr":
        return event
    return instruction_text(instr, names, index) if names is not None else str(instr)
