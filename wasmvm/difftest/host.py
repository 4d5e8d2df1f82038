"""The host module ``"host"``: the same imports, written once, given to both engines.

Fixtures, generated modules and smith modules may import any of these by name. Each
engine gets its own ``HostState``; every host function records its call in the state's
``log`` (name and argument bits), and the differential run compares the two logs after
every call, so the order and the arguments of host calls are part of the behaviour.

Host functions take and return plain Python values, as both embedding APIs deliver them:
i32/i64 as signed ints and f64 as floats (a C double keeps a NaN's payload; f32 would not
survive wasmtime-py's conversion through a C float, so no host function takes one).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field

MODULE = "host"

_I32 = 0xFFFFFFFF
_I64 = 0xFFFFFFFFFFFFFFFF


class HostError(Exception):
    """Raised by ``host.fail`` when its argument is not zero; both engines pass it through
    to the embedder unchanged."""


def _s32(n: int) -> int:
    n &= _I32
    return n - (1 << 32) if n >> 31 else n


def _s64(n: int) -> int:
    n &= _I64
    return n - (1 << 64) if n >> 63 else n


def _f64_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


@dataclass
class HostState:
    log: list[tuple] = field(default_factory=list)
    counter: int = 0


@dataclass(frozen=True)
class HostFunc:
    name: str
    params: tuple[str, ...]
    results: tuple[str, ...]
    fn: Callable  # fn(state, *args) -> None | value | tuple of values


def _add_i32(st: HostState, a: int, b: int) -> int:
    st.log.append(("add_i32", a & _I32, b & _I32))
    return _s32(a + b)


def _mul_i64(st: HostState, a: int, b: int) -> int:
    st.log.append(("mul_i64", a & _I64, b & _I64))
    return _s64(a * b)


def _log_i32(st: HostState, a: int) -> None:
    st.log.append(("log_i32", a & _I32))


def _log_i64(st: HostState, a: int) -> None:
    st.log.append(("log_i64", a & _I64))


def _log_f64(st: HostState, x: float) -> None:
    st.log.append(("log_f64", _f64_bits(x)))


def _counter(st: HostState) -> int:
    st.counter += 1
    st.log.append(("counter", st.counter))
    return st.counter


def _pair(st: HostState, a: int) -> tuple[int, int]:
    st.log.append(("pair", a & _I32))
    return _s32(a + 1), _s64(a * 3)


def _half_f64(st: HostState, x: float) -> float:
    st.log.append(("half_f64", _f64_bits(x)))
    return x if x != x else x * 0.5  # a NaN comes back as it went in


def _fail(st: HostState, a: int) -> None:
    st.log.append(("fail", a & _I32))
    if a:
        raise HostError(f"host.fail({a})")


FUNCS: tuple[HostFunc, ...] = (
    HostFunc("add_i32", ("i32", "i32"), ("i32",), _add_i32),
    HostFunc("mul_i64", ("i64", "i64"), ("i64",), _mul_i64),
    HostFunc("log_i32", ("i32",), (), _log_i32),
    HostFunc("log_i64", ("i64",), (), _log_i64),
    HostFunc("log_f64", ("f64",), (), _log_f64),
    HostFunc("counter", (), ("i32",), _counter),
    HostFunc("pair", ("i32",), ("i32", "i64"), _pair),
    HostFunc("half_f64", ("f64",), ("f64",), _half_f64),
    HostFunc("fail", ("i32",), (), _fail),
)
FUNCS_BY_NAME = {f.name: f for f in FUNCS}


@dataclass(frozen=True)
class HostGlobal:
    name: str
    type: str
    mutable: bool
    bits: int


GLOBALS: tuple[HostGlobal, ...] = (
    HostGlobal("g_i32", "i32", False, 42),
    HostGlobal("g_i64_mut", "i64", True, _I64 - 6),           # -7
    HostGlobal("g_f64", "f64", False, 0x3FF8000000000000),    # 1.5
)
GLOBALS_BY_NAME = {g.name: g for g in GLOBALS}

#: ``host.memory``: 1 page, at most 2; ``host.table``: 4 funcref elements, at most 8.
MEMORY_LIMITS = (1, 2)
TABLE_LIMITS = (4, 8)


def bind(fn: Callable, state: HostState) -> Callable:
    """``fn`` with its state bound, for an engine's ``Func``."""

    def host_function(*args):
        return fn(state, *args)

    host_function.__name__ = getattr(fn, "__name__", "host").lstrip("_")
    return host_function


def interface_module():
    """A ``wasmvm.syntax.Module`` importing every host function and global: the shape of
    the host module for ``wasm-tools smith --available-imports``."""
    from ..syntax import FuncType, GlobalType, Import, Module, ValType

    m = Module()
    for f in FUNCS:
        m.types.append(FuncType(f.params, f.results))
        m.imports.append(Import(MODULE, f.name, "func", len(m.types) - 1))
    for g in GLOBALS:
        m.imports.append(Import(MODULE, g.name, "global", GlobalType(ValType(g.type), g.mutable)))
    return m
