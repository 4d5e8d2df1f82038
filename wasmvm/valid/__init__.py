"""Validation (spec chapter 3): is a decoded module well typed?

    validate_module(module) -> ModuleInfo     raises InvalidError with the spec's message
    validate(module) -> module                the same check, for a pipeline
    module_context(module) -> Context         the module-level checks only, then
    validate_func(ctx, func, type) -> FuncInfo  one function body at a time

``ModuleInfo`` (see ``context``) carries the index spaces and, per defined function, a
``FuncInfo`` with the operand-stack height before every instruction, which the executors
use to unwind the stack on branches.

Function bodies are typed by the spec's validation algorithm, driven by the opcode table
(``instr.DISPATCH``): rows with a stack signature are popped and pushed generically, the
special rows have one small handler each (``instr.SPECIAL``).
"""

from __future__ import annotations

from ..errors import InternalError, WasmError
from ..syntax.features import WASM3, Features
from ..syntax.gcpause import paused_gc
from ..syntax.module import Module
from . import module as _module
from .context import FuncInfo, ModuleInfo
from .instr import validate_func
from .module import module_context

__all__ = ["validate_module", "validate", "ModuleInfo", "FuncInfo", "module_context",
           "validate_func"]


def validate_module(module: Module, features: Features = WASM3) -> ModuleInfo:
    """Validate ``module``, which may use ``features`` (``syntax.features``), and return
    what the executors need to know about it."""
    try:
        with paused_gc():
            return _module.validate_module(module, features)
    except WasmError:
        raise
    except Exception as e:  # a bug in wasmvm, not a property of the module
        raise InternalError(f"validator failed: {type(e).__name__}: {e}") from e


def validate(module: Module) -> Module:
    """Raise InvalidError unless ``module`` is valid; return it unchanged."""
    validate_module(module)
    return module


def stack_types(module: Module, func_index: int) -> list[tuple | None]:
    """The operand stack's types before every walk event of defined function
    ``func_index`` (``None`` in unreachable code; a type is ``None`` where the spec's
    algorithm knows it only as "unknown"). For observers: one extra validation pass."""
    from .context import Context
    from .instr import BodyValidator, Label, _run
    from .module import declared_refs

    ctx = Context(module, declared_refs(module))
    imported = len(module.imported("func"))
    func = module.funcs[func_index]
    ft = ctx.funcs[imported + func_index]
    v = BodyValidator(ctx, (*ft.params, *func.local_types()), ft.results)
    snapshots: list[tuple | None] = []

    class _Recorder(list):
        def append(self, height: int) -> None:
            snapshots.append(None if height < 0 else tuple(v.vals))

    _run(v, func.body, Label((), tuple(ft.results), False), _Recorder())
    return snapshots
