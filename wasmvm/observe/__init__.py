"""Watching the machine work: tracing and stepping, built on the execution events.

The observer protocol itself (``Observer`` with paired ``before``/``after`` events,
``enter``/``leave`` around calls and ``trap``; the ``ExecState`` it sees) belongs to the
execution layer, ``wasmvm.exec.events``, and is re-exported here. This package adds what
is built on it: the ``Tracer`` (``wasmvm trace``) and the ``Debugger`` (stepping with
breakpoints). ``exec`` never imports this package.
"""

from __future__ import annotations

from ..exec.events import ExecState, Observer, as_observer
from .stepper import Debugger
from .trace import Tracer

__all__ = ["Observer", "ExecState", "as_observer", "Debugger", "Tracer"]
