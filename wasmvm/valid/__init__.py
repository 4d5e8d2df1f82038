"""Validation (spec chapter 3): is a decoded module well typed?

    validate_module(module) -> ModuleInfo     raises InvalidError with the spec's message
    validate(module) -> module                the same check, for a pipeline

``ModuleInfo`` (see ``context``) carries the index spaces and, per defined function, a
``FuncInfo`` with the operand-stack height before every instruction, which the executors
use to unwind the stack on branches.

Function bodies are typed by the spec's validation algorithm, driven by the opcode table
(``instr.DISPATCH``): rows with a stack signature are popped and pushed generically, the
special rows have one small handler each (``instr.SPECIAL``).
"""

from __future__ import annotations

from ..errors import InternalError, WasmError
from ..syntax.module import Module
from . import module as _module
from .context import FuncInfo, ModuleInfo

__all__ = ["validate_module", "validate", "ModuleInfo", "FuncInfo"]


def validate_module(module: Module) -> ModuleInfo:
    """Validate ``module`` and return what the executors need to know about it."""
    try:
        return _module.validate_module(module)
    except WasmError:
        raise
    except Exception as e:  # a bug in wasmvm, not a property of the module
        raise InternalError(f"validator failed: {type(e).__name__}: {e}") from e


def validate(module: Module) -> Module:
    """Raise InvalidError unless ``module`` is valid; return it unchanged."""
    validate_module(module)
    return module
