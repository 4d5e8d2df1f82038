"""Mutation fuzzing for robustness: broken variants of real modules must get a typed
wasmvm error or run — never another exception, a hang or a crash.

``mutants(seed_bytes, rng)`` makes variants of a valid module the ways a broken or hostile
file differs from a good one: bit flips, interesting byte values, insertions, deletions,
truncations, LEB128 immediates stretched with redundant continuation bytes (legal up to
the type's width, malformed past it), section sizes off by a little, sections swapped,
dropped or repeated. ``exercise(data, tier)`` takes one through everything a user would
do: decode, validate, instantiate with stub imports (functions returning zeros, fresh
memories, tables and globals of the declared types) and call every exported function
with zero arguments under fuel. Its outcome says how far it got (malformed, invalid, not
instantiated, ran), or is "bug" with the exception — anything but a typed ``WasmError``,
or an ``InternalError``: that is what ``tools/fuzz.py --source mutate`` counts, and keeps
as a regression.
"""

from __future__ import annotations

import random

from ..api import Config, Engine, Func, Global, Instance, Memory, Module, Store, Table, Tag, TagType, Val
from ..errors import InternalError, InvalidError, LinkError, MalformedError, WasmError
from ..syntax.types import FuncType, GlobalType, MemoryType, TableType

#: fuel per exported call: enough to do something, bounded so loops end
FUEL = 20_000

_INTERESTING = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x60, 0x0B, 0x41, 0xFD, 0xFC)


# -- the module's top-level layout ----------------------------------------------------------------
def _uleb(data: bytes, pos: int) -> tuple[int, int] | None:
    result = shift = 0
    for k in range(5):
        if pos + k >= len(data):
            return None
        b = data[pos + k]
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos + k + 1
    return None


def sections(data: bytes) -> list[tuple[int, int, int]]:
    """(start, content start, end) of each top-level section of a well-formed module."""
    out = []
    pos = 8
    while pos < len(data):
        size = _uleb(data, pos + 1)
        if size is None:
            break
        n, content = size
        end = content + n
        if end > len(data):
            break
        out.append((pos, content, end))
        pos = end
    return out


def _encode_uleb(n: int, width: int = 0) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n or len(out) + 1 < width:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


# -- mutations ---------------------------------------------------------------------------------
def _flip(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    data[i] ^= 1 << rng.randrange(8)


def _interesting(data: bytearray, rng: random.Random) -> None:
    data[rng.randrange(len(data))] = rng.choice(_INTERESTING)


def _insert(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data) + 1)
    data[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))


def _delete(data: bytearray, rng: random.Random) -> None:
    i = rng.randrange(len(data))
    del data[i:i + rng.randint(1, 8)]


def _truncate(data: bytearray, rng: random.Random) -> None:
    del data[rng.randrange(len(data)):]


def _stretch_leb(data: bytearray, rng: random.Random) -> None:
    """Re-encode a byte that reads as a one-byte LEB128 with 2-7 bytes: redundant
    continuation bytes, legal up to 5 bytes for a u32, malformed beyond."""
    i = rng.randrange(8, len(data)) if len(data) > 8 else rng.randrange(len(data))
    if data[i] & 0x80:
        return
    data[i:i + 1] = _encode_uleb(data[i], rng.randint(2, 7))


def _section_size(data: bytearray, rng: random.Random) -> None:
    secs = sections(bytes(data))
    if not secs:
        return _flip(data, rng)
    start, content, end = rng.choice(secs)
    size = max(0, end - content + rng.choice((-2, -1, 1, 2, 1000, 1 << 31)))
    data[start + 1:content] = _encode_uleb(size)


def _shuffle_sections(data: bytearray, rng: random.Random) -> None:
    secs = sections(bytes(data))
    if len(secs) < 2:
        return _flip(data, rng)
    parts = [bytes(data[s:e]) for s, _, e in secs]
    op = rng.randrange(3)
    if op == 0:  # swap two
        a, b = rng.sample(range(len(parts)), 2)
        parts[a], parts[b] = parts[b], parts[a]
    elif op == 1:  # drop one
        del parts[rng.randrange(len(parts))]
    else:  # repeat one
        k = rng.randrange(len(parts))
        parts.insert(rng.randrange(len(parts) + 1), parts[k])
    tail = bytes(data[secs[-1][2]:])
    data[8:] = b"".join(parts) + tail


MUTATIONS = (_flip, _flip, _interesting, _insert, _delete, _truncate, _stretch_leb,
             _stretch_leb, _section_size, _shuffle_sections)


def valid_seeds(paths) -> list[bytes]:
    """The modules among ``paths`` that decode and validate (the seeds worth mutating)."""
    seeds = []
    for path in paths:
        data = open(path, "rb").read()
        try:
            Module(Engine(), data)
        except WasmError:
            continue
        seeds.append(data)
    return seeds


def mutate(seed: bytes, rng: random.Random) -> bytes:
    """One mutant of ``seed``: one to four mutations."""
    data = bytearray(seed)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        if not data:
            break
        rng.choice(MUTATIONS)(data, rng)
    return bytes(data)


# -- running one ---------------------------------------------------------------------------------
def _zero(t) -> Val:
    return Val(t, None) if t.is_ref else Val.from_bits(t, 0)


def _no_zero(t) -> bool:
    return t.is_ref and not t.nullable


def _stub(store: Store, ty):
    """An import of type ``ty``: a function returning zeros, or a fresh memory, table or
    global. A non-nullable reference has no zero: such an import cannot be stubbed, and
    the module is not instantiated (``LinkError``)."""
    needs = (ty.results if isinstance(ty, FuncType) else (ty.type,) if isinstance(ty, GlobalType)
             else (ty.elem,) if isinstance(ty, TableType) else ())
    if any(_no_zero(t) for t in needs):
        raise LinkError(f"no stub for an import of type {ty}: a non-nullable reference")
    if isinstance(ty, FuncType):
        zeros = [_zero(t).value for t in ty.results]
        result = None if not zeros else zeros[0] if len(zeros) == 1 else tuple(zeros)
        return Func(store, ty, lambda *args: result)
    if isinstance(ty, MemoryType):
        return Memory(store, ty)
    if isinstance(ty, TableType):
        return Table(store, ty)
    if isinstance(ty, GlobalType):
        return Global(store, ty, _zero(ty.type))
    if isinstance(ty, TagType):
        return Tag(store, ty)
    raise TypeError(f"no stub for {ty!r}")


#: the outcomes of ``exercise`` that are not bugs, by how far the input got
OUTCOMES = ("malformed", "invalid", "not instantiated", "ran")


def exercise(data: bytes, tier: str) -> tuple[str, str | None]:
    """Decode, validate, instantiate and call ``data``'s exports on ``tier``. Returns
    (outcome, None), the outcome one of OUTCOMES (a call that trapped or ran out of fuel
    still "ran"), or ("bug", "ExceptionType: message") for anything but a typed
    ``WasmError`` (an ``InternalError`` is a bug too)."""
    stage = "malformed"
    try:
        engine = Engine(Config(tier=tier, consume_fuel=True))
        try:
            module = Module(engine, data)
        except MalformedError:
            raise
        except InvalidError:
            stage = "invalid"
            raise
        stage = "not instantiated"
        store = Store(engine)
        store.set_fuel(FUEL)
        imports = [_stub(store, imp.type) for imp in module.imports]
        exports = Instance(store, module, imports).exports(store)
        stage = "ran"
        for name in list(exports):
            func = exports[name]
            if not isinstance(func, Func):
                continue
            params = func.type(store).params
            if any(t.is_ref and not t.nullable for t in params):
                continue  # (no zero to pass for a non-nullable reference)
            args = [_zero(t) for t in params]
            try:
                store.set_fuel(FUEL)
                func(store, *args)
            except InternalError:
                raise
            except WasmError:
                continue
    except InternalError as e:
        return "bug", f"InternalError: {e}"
    except WasmError:
        return stage, None
    except Exception as e:  # noqa: BLE001 - exactly what this looks for
        return "bug", f"{type(e).__name__}: {str(e)[:200]}"
    return stage, None
