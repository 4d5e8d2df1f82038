"""Relaxed SIMD (WebAssembly 3.0): wasmvm gives wasmtime's results on x86-64, bit for bit.

``fixtures/relaxed/relaxed_simd.wat`` exports one function per relaxed instruction; this
test compiles it (with wasmtime's text parser: it is not WebAssembly 2.0, so WABT's
default wat2wasm refuses it), runs every export on edge inputs (NaNs with payloads,
signalling NaNs, -0.0, out-of-range lanes, swizzle indices >= 16, laneselect masks that
are neither all ones nor all zeros, dot products with negative and top-bit-set i7 lanes,
madd where fused and unfused rounding differ) and on seeded random ones, on wasmtime and
on both of wasmvm's tiers, and requires 0 divergences. ``exec.relaxed_simd`` has the
table of the results chosen.

wasmtime's default results depend on the CPU (x86-64 with FMA here): the differential
test is skipped elsewhere; the expectations written out below hold everywhere.
"""

from __future__ import annotations

import platform
import random
import struct
from pathlib import Path

import pytest

import wasmvm
from wasmvm import MalformedError, UnsupportedFeatureError, opcodes
from wasmvm.binary import decode_module
from wasmvm.exec.relaxed_simd import RELAXED_OPS
from wasmvm.syntax.features import WASM2, WASM3

wasmtime = pytest.importorskip("wasmtime")

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "relaxed" / "relaxed_simd.wat"
M64 = (1 << 64) - 1
RELAXED_ROWS = [op for op in opcodes.OPS if op.feature == "relaxed_simd"]


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


X86_WITH_FMA = platform.machine() in ("x86_64", "AMD64") and {"fma", "sse4_1"} <= _cpu_flags()


# -- inputs ----------------------------------------------------------------------------------
F32_EDGES = [
    0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000, 0xBF000000, 0x3FC00000,
    0x40200000, 0xC0200000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FC00001,
    0xFFC12345, 0x7FA00001, 0xFF800001, 0x7F7FFFFF, 0xFF7FFFFF, 0x00000001, 0x807FFFFF,
    0x00800000, 0x4F000000, 0xCF000000, 0x4EFFFFFF, 0xCF000001, 0x4F800000, 0x4F7FFFFF,
    0x3F800001, 0x3F7FFFFF, 0x5F000000, 0xDF000000, 0x1F800000, 0x9F800000,
]
F64_EDGES = [
    0, 1 << 63, 0x3FF0000000000000, 0xBFF0000000000000, 0x3FE0000000000000,
    0x4004000000000000, 0xC004000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
    0x7FF8000000000000, 0xFFF8000000000000, 0x7FF8000000000001, 0xFFF0000000000ABC,
    0x7FF4000000000002, 0x7FEFFFFFFFFFFFFF, 0x0000000000000001, 0x800FFFFFFFFFFFFF,
    0x0010000000000000, 0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000,
    0xC1E0000000200000, 0xC1E00000001FFFFF, 0x41F0000000000000, 0x41EFFFFFFFE00000,
    0x41EFFFFFFFFFFFFF, 0x3FF0000000000001, 0x3FEFFFFFFFFFFFFF, 0x5FE0000000000000,
    0x2000000000000000, 0xA000000000000000,
]
BYTE_EDGES = [0x00, 0x01, 0x03, 0x0F, 0x10, 0x11, 0x1F, 0x20, 0x3F, 0x40, 0x7E, 0x7F, 0x80,
              0x81, 0x8F, 0x90, 0xC0, 0xF0, 0xFE, 0xFF]
I16_EDGES = [0, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x4000, 0xC000, 0x3FFF, 0x0100]


def _v(values, fmt: str) -> int:
    return int.from_bytes(struct.pack(fmt, *values), "little")


def _f32_near_one(rng: random.Random) -> int:
    """An f32 a few ulps from ±1, ±2 or a random power of two: products of two of them
    round differently when fused."""
    base = rng.choice([0x3F800000, 0x40000000, 0x3F000000, 0x00800000, 0x7E800000])
    return (base + rng.randint(-3, 3)) | (rng.getrandbits(1) << 31)


def _f64_near_one(rng: random.Random) -> int:
    base = rng.choice([0x3FF0000000000000, 0x4000000000000000, 0x0010000000000000,
                       0x7FD0000000000000])
    return (base + rng.randint(-3, 3)) | (rng.getrandbits(1) << 63)


def _f32_vec(rng: random.Random) -> int:
    pick = rng.random()
    if pick < 0.4:
        lanes = [rng.choice(F32_EDGES) for _ in range(4)]
    elif pick < 0.7:
        lanes = [_f32_near_one(rng) for _ in range(4)]
    else:
        lanes = [rng.getrandbits(32) for _ in range(4)]
    return _v(lanes, "<4I")


def _f64_vec(rng: random.Random) -> int:
    pick = rng.random()
    if pick < 0.4:
        lanes = [rng.choice(F64_EDGES) for _ in range(2)]
    elif pick < 0.7:
        lanes = [_f64_near_one(rng) for _ in range(2)]
    else:
        lanes = [rng.getrandbits(64) for _ in range(2)]
    return _v(lanes, "<2Q")


def _int_vec(rng: random.Random) -> int:
    pick = rng.random()
    if pick < 0.35:
        return _v([rng.choice(BYTE_EDGES) for _ in range(16)], "<16B")
    if pick < 0.5:
        return _v([rng.choice(I16_EDGES) for _ in range(8)], "<8H")
    if pick < 0.65:  # i7 lanes (the dot products' second operand), negative ones included
        return _v([rng.randint(-64, 63) & 0xFF for _ in range(16)], "<16B")
    return rng.getrandbits(128)


def _fused_case(rng: random.Random, width: int) -> tuple[int, int, int]:
    """Operands for which ``a * b + c`` fused and unfused differ: c cancels the product's
    leading bits."""
    fmt, pack = ("f", "<4f") if width == 32 else ("d", "<2d")
    n = 4 if width == 32 else 2
    near = _f32_near_one if width == 32 else _f64_near_one
    a_bits = [near(rng) & ~(1 << (width - 1)) for _ in range(n)]
    b_bits = [near(rng) & ~(1 << (width - 1)) for _ in range(n)]
    ints = "<4I" if width == 32 else "<2Q"
    a = struct.unpack(f"<{n}{fmt}", struct.pack(ints, *a_bits))
    b = struct.unpack(f"<{n}{fmt}", struct.pack(ints, *b_bits))
    c = [-(x * y) for x, y in zip(a, b)]  # the rounded product: the fused result is its error
    if width == 32:
        c = [x if abs(x) < 3.4e38 else 0.0 for x in c]  # products beyond f32's range: no c
    return _v(a_bits, ints), _v(b_bits, ints), int.from_bytes(struct.pack(pack, *c), "little")


def _operands(name: str, rng: random.Random) -> list[int]:
    row = opcodes.BY_NAME[name]
    arity = len(row.params)
    if "madd" in name:
        width = 32 if name.startswith("f32") else 64
        if rng.random() < 0.3:
            return list(_fused_case(rng, width))
        vec = _f32_vec if width == 32 else _f64_vec
        return [vec(rng) for _ in range(arity)]
    if name.startswith("f32x4") or "trunc_f32x4" in name:
        return [_f32_vec(rng) for _ in range(arity)]
    if name.startswith("f64x2") or "trunc_f64x2" in name:
        return [_f64_vec(rng) for _ in range(arity)]
    return [_int_vec(rng) for _ in range(arity)]


CASES_PER_OP = 250


def _inputs(name: str) -> list[list[int]]:
    rng = random.Random(f"relaxed:{name}")
    return [_operands(name, rng) for _ in range(CASES_PER_OP)]


# -- engines ---------------------------------------------------------------------------------
def _s64(x: int) -> int:
    x &= M64
    return x - (1 << 64) if x >> 63 else x


def _args(vectors: list[int]) -> list[int]:
    out = []
    for v in vectors:
        out += [_s64(v), _s64(v >> 64)]
    return out


def _v128(result) -> int:
    lo, hi = result
    return (lo & M64) | ((hi & M64) << 64)


@pytest.fixture(scope="module")
def wasm() -> bytes:
    return wasmtime.wat2wasm(FIXTURE.read_text())


@pytest.fixture(scope="module")
def on_wasmtime(wasm):
    config = wasmtime.Config()
    config.wasm_relaxed_simd = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    exports = wasmtime.Instance(store, wasmtime.Module(engine, wasm), []).exports(store)
    return lambda name, vectors: _v128(exports[name](store, *_args(vectors)))


def _on_wasmvm(wasm: bytes, tier: str):
    engine = wasmvm.Engine(wasmvm.Config(tier=tier))
    store = wasmvm.Store(engine)
    exports = wasmvm.Instance(store, wasmvm.Module(engine, wasm), []).exports(store)
    return lambda name, vectors: _v128(exports[name](store, *_args(vectors)))


def _hex(v: int) -> str:
    return v.to_bytes(16, "little").hex(" ", 4)


# -- tests -----------------------------------------------------------------------------------
def test_every_relaxed_row_has_a_function_and_an_export():
    names = {op.name for op in RELAXED_ROWS}
    assert len(names) == 20
    assert set(RELAXED_OPS) == names
    assert [op.code for op in RELAXED_ROWS] == [(0xFD, n) for n in range(0x100, 0x114)]
    text = FIXTURE.read_text()
    assert all(f'(export "{n}")' in text for n in names)


@pytest.mark.skipif(not X86_WITH_FMA, reason="wasmtime's default relaxed SIMD results are "
                    "x86-64's (with FMA): wasmvm matches those")
@pytest.mark.parametrize("tier", ["compiled", "reference"])
@pytest.mark.parametrize("name", [op.name for op in RELAXED_ROWS])
def test_same_results_as_wasmtime(wasm, on_wasmtime, tier, name):
    ours = _on_wasmvm(wasm, tier)
    diverged = []
    for vectors in _inputs(name):
        want, got = on_wasmtime(name, vectors), ours(name, vectors)
        if want != got:
            diverged.append(f"{name}({', '.join(map(_hex, vectors))}): wasmtime {_hex(want)}, "
                            f"wasmvm {_hex(got)}")
    assert not diverged, f"{len(diverged)} divergences, e.g.\n" + "\n".join(diverged[:5])


def _f32s(*xs: float) -> int:
    return _v(xs, "<4f")


def _u32s(v: int) -> tuple[int, ...]:
    return struct.unpack("<4I", v.to_bytes(16, "little"))


def test_the_chosen_results_written_out():
    ops = RELAXED_OPS
    a = int.from_bytes(bytes(range(100, 116)), "little")
    s = int.from_bytes(bytes([0, 15, 16, 31, 127, 128, 255, 0x8F] + [0x70] * 8), "little")
    assert list(ops["i8x16.relaxed_swizzle"](a, s).to_bytes(16, "little"))[:9] == \
        [100, 115, 100, 115, 115, 0, 0, 0, 100]
    nan = float("nan")
    assert _u32s(ops["i32x4.relaxed_trunc_f32x4_s"](_f32s(nan, 3e9, -3e9, -1.5))) == \
        (0x80000000, 0x80000000, 0x80000000, 0xFFFFFFFF)
    assert _u32s(ops["i32x4.relaxed_trunc_f32x4_u"](_f32s(nan, 5e9, -3e9, 3e9))) == \
        (0, 0xFFFFFFFF, 0, 3000000000)
    e = 2.0 ** -23  # fused: (1 + e)(1 - e) - 1 is -e*e, unfused it is 0
    assert struct.unpack("<4f", ops["f32x4.relaxed_madd"](
        _f32s(1 + e, 0, 0, 0), _f32s(1 - e, 0, 0, 0), _f32s(-1, 0, 0, 0)).to_bytes(16, "little")
    )[0] == -e * e
    q15 = _v([-32768, 16384, 0, 0, 0, 0, 0, 0], "<8h")
    assert struct.unpack("<8h", ops["i16x8.relaxed_q15mulr_s"](q15, q15).to_bytes(16, "little")
                         )[:2] == (-32768, 8192)
    minus = _v([-128] * 16, "<16b")
    assert struct.unpack("<8h", ops["i16x8.relaxed_dot_i8x16_i7x16_s"](
        _v([127] * 16, "<16b"), minus).to_bytes(16, "little"))[0] == 32512  # b as unsigned 128
    mask = int.from_bytes(bytes([0x80, 0x7F] + [0] * 14), "little")
    ones = (1 << 128) - 1
    assert ops["i8x16.relaxed_laneselect"](ones, 0, mask) == 0xFF
    assert ops["i16x8.relaxed_laneselect"](ones, 0, mask) == 0x7F80
    a, b = _f32s(nan, 1.0, -0.0, 0.0), _f32s(1.0, nan, 0.0, -0.0)
    assert ops["f32x4.relaxed_min"](a, b) == a and ops["f32x4.relaxed_max"](a, b) == a


def _one_relaxed_function(op: opcodes.Op | None = None) -> bytes:
    """A module whose function runs ``op`` (default ``i8x16.relaxed_swizzle``, sub-opcode
    0x100) on three zero vectors and returns a v128 (valid for the rows of two operands)."""
    op = op or opcodes.BY_NAME["i8x16.relaxed_swizzle"]
    code = b"\x00" + (b"\xfd\x0c" + bytes(16)) * len(op.params) + op.opcode_bytes + b"\x0b"
    return (b"\0asm\1\0\0\0" + b"\x01\x05\x01\x60\x00\x01\x7b" + b"\x03\x02\x01\x00"
            + bytes([10, len(code) + 2, 1, len(code)]) + code)


def test_switched_off_it_is_rejected_as_webassembly_2_0_rejects_it():
    data = _one_relaxed_function()
    decode_module(data, WASM3)
    for features in (WASM2, WASM3.with_(relaxed_simd=False)):
        with pytest.raises(UnsupportedFeatureError) as info:
            decode_module(data, features)
        e = info.value
        assert isinstance(e, MalformedError)
        assert (e.feature, e.what, e.spec_message) == ("relaxed SIMD", "i8x16.relaxed_swizzle",
                                                       "illegal opcode 0xfd 0x100")
        assert e.offset == data.index(b"\xfd\x80\x02")
    for op in RELAXED_ROWS:
        data = _one_relaxed_function(op)
        decode_module(data, WASM3)
        with pytest.raises(UnsupportedFeatureError) as info:
            decode_module(data, WASM2)
        n = op.code[1]
        assert (info.value.what, info.value.spec_message) == (op.name,
                                                              f"illegal opcode 0xfd 0x{n:x}")
    data = _one_relaxed_function()
    engine = wasmvm.Engine(wasmvm.Config(wasm_relaxed_simd=False))
    with pytest.raises(UnsupportedFeatureError):
        wasmvm.Module(engine, data)
    store = wasmvm.Store(wasmvm.Engine())
    inst = wasmvm.Instance(store, wasmvm.Module(store.engine, data), [])
    assert inst is not None


# -- the other layers: encoder, dump, trace -------------------------------------------------------
def test_the_encoder_round_trips_every_relaxed_instruction(wasm):
    from wasmvm.binary.encode import encode_module

    assert encode_module(decode_module(wasm)) == bytes(wasm)


def test_dump_disassembles_and_annotates_every_relaxed_instruction(wasm, tmp_path, capsys):
    from wasmvm.cli import main

    path = tmp_path / "relaxed.wasm"
    path.write_bytes(wasm)
    for flag in ("-d", "-a"):
        assert main(["dump", flag, str(path)]) == 0
        out = capsys.readouterr().out
        for op in RELAXED_ROWS:
            assert op.name in out, (flag, op.name)
    assert "fd 93 02" in out and "sub-opcode 275" in out  # i32x4.relaxed_dot_..._add_s


def test_trace_prints_a_relaxed_result(tmp_path, capsys):
    from wasmvm.cli import main

    path = tmp_path / "swizzle.wasm"
    wat = ('(module (func (export "g") (result v128) (i8x16.relaxed_swizzle '
           '(v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) '
           '(v128.const i8x16 0 17 128 3 0 0 0 0 0 0 0 0 0 0 0 31))))')
    path.write_bytes(wasmtime.wat2wasm(wat))
    assert main(["trace", str(path), "--invoke", "g"]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if "i8x16.relaxed_swizzle" in s)
    # 17 wraps to lane 1, 128 gives 0, 31 wraps to lane 15
    assert line.endswith("[v128:i32x4 0x04000201 0x01010101 0x01010101 0x10010101]")


# -- Config.wasm_relaxed_simd_deterministic ----------------------------------------------------
def test_the_deterministic_table_covers_every_row():
    from wasmvm.exec.simd import RELAXED_DETERMINISTIC

    assert set(RELAXED_DETERMINISTIC) == {op.name for op in RELAXED_ROWS}


@pytest.mark.parametrize("tier", ["compiled", "reference"])
def test_deterministic_mode_gives_wasmtimes_deterministic_results(wasm, tier):
    """These results depend on no CPU, so this comparison runs everywhere."""
    config = wasmtime.Config()
    config.wasm_relaxed_simd = True
    config.wasm_relaxed_simd_deterministic = True
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    exports = wasmtime.Instance(store, wasmtime.Module(engine, wasm), []).exports(store)
    ours_engine = wasmvm.Engine(wasmvm.Config(tier=tier, wasm_relaxed_simd_deterministic=True))
    ours_store = wasmvm.Store(ours_engine)
    ours = wasmvm.Instance(ours_store, wasmvm.Module(ours_engine, wasm), []).exports(ours_store)
    diverged = []
    for op in RELAXED_ROWS:
        for vectors in _inputs(op.name)[:80]:
            want = _v128(exports[op.name](store, *_args(vectors)))
            got = _v128(ours[op.name](ours_store, *_args(vectors)))
            if want != got:
                diverged.append(f"{op.name}({', '.join(map(_hex, vectors))}): wasmtime "
                                f"{_hex(want)}, wasmvm {_hex(got)}")
    assert not diverged, f"{len(diverged)} divergences, e.g.\n" + "\n".join(diverged[:5])


def test_the_stepper_shows_a_relaxed_result():
    from wasmvm.observe.stepper import Debugger

    wat = ('(module (func (export "g") (result v128) (i8x16.relaxed_swizzle '
           '(v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) '
           '(v128.const i8x16 0 17 128 3 0 0 0 0 0 0 0 0 0 0 0 31))))')
    store = wasmvm.Store()
    g = wasmvm.Instance(store, wasmvm.Module(store.engine, wasmtime.wat2wasm(wat)), []
                        ).exports(store)["g"]
    dbg = Debugger(store, g, [])
    dbg.step()
    assert dbg.step().text == "i8x16.relaxed_swizzle"
    assert repr(dbg.step().stack) == "[v128(0x10010101010101010101010104000201)]"


def test_the_validator_rejects_a_built_module_when_switched_off():
    """A module made in Python never met the decoder: the validator checks the switch."""
    from wasmvm.errors import InvalidError
    from wasmvm.valid import validate_module

    module = decode_module(_one_relaxed_function())
    validate_module(module, WASM3)
    with pytest.raises(InvalidError) as info:
        validate_module(module, WASM2)
    assert str(info.value).startswith("i8x16.relaxed_swizzle: relaxed SIMD (WebAssembly 3.0)")
