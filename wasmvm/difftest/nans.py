"""NaNs that leave the float world: a module whose arithmetic NaNs can be seen as bits.

The spec lets float arithmetic choose the sign and payload of the NaN it returns (4.3.3,
``nans``), so engines that all follow the spec give different NaN bits. As float results
that is handled by comparing quiet NaNs as a class (``values.module_nan_exact``,
``multi.KNOWN_DIFFERENCES``). But a module can also look at the bits: store the NaN and
load it back as an integer (or at another offset), ``i32.reinterpret_f32`` it, take its
sign with ``copysign``, or carry it in a ``v128`` read as integer lanes. Then integer
results, memory and everything computed from them differ between correct engines
(``float_exprs.wast`` does all of these), and the multi-engine diff would put correct
engines in a minority.

The rule (``nan_bits_exposed`` and ``canonicalize_nans``): a module that has both an
operator that may return a nondeterministic NaN and a way to see a float's bits is run
with every such operator's result canonicalized: ``x`` becomes ``x == x ? x : +nan``
(the positive canonical NaN; lane-wise with ``v128.bitselect`` for vectors). That is
sound: the canonical NaN is one of the results the spec allows each of those operators,
so every correct engine runs the rewritten module the same way, bit for bit, and any
divergence left is real. What it gives up: in such modules, a wrong NaN payload (an
engine that returns a signaling NaN from arithmetic) is no longer seen.
"""

from __future__ import annotations

from ..syntax.instructions import Const, Instruction, LocalGet, LocalTee, Select, VecOp, walk
from ..syntax.instructions import Eq as _Eq
from ..syntax.module import Local
from ..syntax.types import F32, F64, V128
from ..syntax.values import VALUE_CLASSES
from .values import NAN_ARITHMETIC_OPS_SIMD

__all__ = ["nan_bits_exposed", "canonicalize_nans", "canonicalized_module"]

#: operators through which a float's bits (its NaN sign and payload) become visible as
#: something compared exactly: reinterpreting, storing, copysign's sign operand
_BIT_VIEWS = frozenset({"i32.reinterpret_f32", "i64.reinterpret_f64", "f32.store", "f64.store",
                        "f32.copysign", "f64.copysign"})

_CANONICAL = {"f32": 0x7FC00000, "f64": 0x7FF8000000000000}


def _bodies(module) -> list[list[Instruction]]:
    """Every instruction list of the module's functions (nested blocks included)."""
    out = []
    for func in module.funcs:
        out.append(func.body)
        for event, instr in walk(func.body):
            if event == "instr" and hasattr(instr, "bodies"):
                out += instr.bodies()
    return out


def nan_bits_exposed(module) -> bool:
    """Whether ``module`` (a ``wasmvm.syntax.Module``) has an operator that may return a
    nondeterministic NaN and one through which a float's bits can be seen (see the module
    docstring; any vector instruction counts as one)."""
    producing = viewing = False
    for body in _bodies(module):
        for instr in body:
            name = instr.op.name
            producing = producing or name in NAN_ARITHMETIC_OPS_SIMD
            viewing = viewing or name in _BIT_VIEWS or instr.op.group == "vector"
            if producing and viewing:
                return True
    return False


def _result_lanes(name: str) -> str:
    """``f32``, ``f64``, ``f32x4`` or ``f64x2``: what a NaN-producing operator returns."""
    if name == "f32.demote_f64":
        return "f32"
    if name == "f64.promote_f32":
        return "f64"
    return name.split(".", 1)[0]


def canonicalize_nans(module) -> None:
    """Rewrite ``module`` in place: after every operator that may return a
    nondeterministic NaN, replace a NaN result by the positive canonical NaN."""
    n_imported = len(module.imported("func"))
    for i, func in enumerate(module.funcs):
        base = len(module.func_type(n_imported + i).params)
        base += sum(local.count for local in func.locals)
        scratch = {"f32": base, "f64": base + 1, "v128": base + 2}
        used = False
        lists = [func.body]
        for event, instr in walk(func.body):
            if event == "instr" and hasattr(instr, "bodies"):
                lists += instr.bodies()
        for body in lists:
            out: list[Instruction] = []
            for instr in body:
                out.append(instr)
                if instr.op.name in NAN_ARITHMETIC_OPS_SIMD:
                    out += _canonicalizer(_result_lanes(instr.op.name), scratch)
                    used = True
            body[:] = out
        if used:
            func.locals = [*func.locals, Local(1, F32), Local(1, F64), Local(1, V128)]


def _canonicalizer(lanes: str, scratch: dict[str, int]) -> list[Instruction]:
    if lanes in ("f32", "f64"):
        t = F32 if lanes == "f32" else F64
        k = scratch[lanes]
        # x == x ? x : nan   (select picks its first operand when the condition holds)
        return [LocalTee(k), Const(VALUE_CLASSES[t].from_bits(_CANONICAL[lanes])),
                LocalGet(k), LocalGet(k), _Eq(t), Select()]
    lane = lanes[:3]
    n = 4 if lane == "f32" else 2
    width = 128 // n
    nan = sum(_CANONICAL[lane] << (i * width) for i in range(n))
    k = scratch["v128"]
    # bitselect(x, nan, x == x): x's lanes where they equal themselves, nan elsewhere
    return [LocalTee(k), Const(VALUE_CLASSES[V128].from_bits(nan)), LocalGet(k), LocalGet(k),
            VecOp(f"{lanes}.eq"), VecOp("v128.bitselect")]


def canonicalized_module(wasm: bytes) -> bytes | None:
    """``wasm`` with its NaNs canonicalized when ``nan_bits_exposed`` says they can be seen
    (None otherwise, or when the module does not decode or re-encode)."""
    from ..binary import decode_module, encode_module

    try:
        module = decode_module(wasm)
        if not nan_bits_exposed(module):
            return None
        canonicalize_nans(module)
        return encode_module(module)
    except Exception:  # noqa: BLE001 - a module we cannot rewrite is run as it is
        return None
