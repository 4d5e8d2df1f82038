"""Hostile input (issue 15): each case a hostile user found gets a typed error or runs, on
both tiers."""

from __future__ import annotations

import pytest

from wasmvm import Config, Engine, Instance, Module, Store
from wasmvm.errors import Trap

from .test_api import wat

TIERS = ("reference", "compiled")



def _name_section(names: dict[int, bytes]) -> bytes:
    """A custom "name" section naming functions (subsection 1)."""
    body = bytes([len(names)]) + b"".join(bytes([i, len(n)]) + n for i, n in names.items())
    sub = bytes([1, len(body)]) + body
    content = b"\x04name" + sub
    return bytes([0, len(content)]) + content


# two functions named with NUL bytes in the name section
NUL_NAME = wat("""(module (func (export "f") (result i32) i32.const 42)
                          (func (export "g") unreachable))""") + _name_section(
    {0: b"a\0b", 1: b"a\0c"})


@pytest.mark.parametrize("tier", TIERS)
def test_a_function_name_with_a_nul_byte_runs(tier):
    engine = Engine(Config(tier=tier))
    store = Store(engine)
    module = Module(engine, NUL_NAME)
    exports = Instance(store, module, []).exports(store)
    assert exports["f"](store) == 42
    with pytest.raises(Trap) as info:
        exports["g"](store)
    assert [f.name for f in info.value.frames] == ["a\0c"]
