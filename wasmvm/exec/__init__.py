"""Execution (spec chapter 4): numerics, memory, and the executors.

``numerics`` holds the semantics of every scalar numeric instruction as pure functions,
``memory`` the linear memory, ``stackvm`` the learning stack machine.
"""

from .memory import Memory
from .numerics import NUMERIC_OPS
from .stackvm import StackVM, VMState

__all__ = ["Memory", "NUMERIC_OPS", "StackVM", "VMState"]
