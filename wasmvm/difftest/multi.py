"""Differential runs across several engines: ``wasmvm diff --engines A,B,C``.

    result = run_module(wasm, ["wasmtime", "wasmvm", "pywasm", "wasm-interp"])
    for d in result.divergences: print(d.format())
    campaign = run_campaign(source="smith", modules=2000, engines=..., seed=1)

Each engine runs the module the same way: compile, instantiate (no imports but what every
engine can give: a module with imports is compared only on compiling), then the same
calls of the exports (edge and random arguments, ``run.plan_calls``), and after each call
its exported globals. At every step the engines' outcomes are grouped by what they
mean: the same values (bit for bit; NaNs from float arithmetic as a class, as the spec
allows, see ``KNOWN_DIFFERENCES``; a module that can see NaN bits through memory, a
reinterpret or copysign runs with its NaNs canonicalized, ``nans``), a trap (of any kind:
engines name traps differently), a rejected module, a module that does not instantiate.
The biggest group is the majority (on a tie, the one wasmtime is in); every other engine
is in the minority, and that is a divergence, signed by the minority engine and its kind
(``Divergence.signature``). A step some engine could not finish (fuel, a time limit, an argument it
cannot take) is inconclusive: the module's later calls are not compared.

The engines (``ENGINES``): wasmtime (the reference: its outcome is the expectation
``wasm-interp`` is checked against), wasmvm and wasmvm-reference (both tiers), pywasm (in
its own process, ``adapters.SubprocessAdapter``), and WABT's wasm-interp, which has no
API: it gets the module and the calls as a spec script whose assertions are the
reference's outcomes, run by WABT's ``spectest-interp``; a failed assertion is its
divergence (its reported value is printed by WABT with six decimals).

Reduction (``reduce_divergence``): one per group (``reduction_groups``: module, minority,
kind, and the export whose call shows it), ``wasm-tools shrink`` with a predicate that
reruns the minority engine and the reference on each candidate and keeps it while the same
signature still shows at a call of the same export, then wasmvm's structural reducer; the
calls are cut to those that show it, and the result is printed as WAT with those calls.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..script.adapter import EngineError, EValue, Rejected, Trapped, Uncaught, Unlinkable, Unsupported
from .adapters import WABT_2_0, EngineMissing, make_adapter, wabt_tool
from .compare import plural
from .engines import ExportInfo, Outcome, WasmtimeSide, WasmvmSide, wall_clock_limit
from .nans import canonicalized_module
from .run import Call, plan_calls
from .values import UNREADABLE, DiffVal, is_arithmetic_nan, is_ref_type, module_nan_exact

__all__ = ["ENGINES", "KNOWN_DIFFERENCES", "Divergence", "ModuleResult", "run_module",
           "run_campaign", "reduce_divergence", "reduction_groups", "choose_reductions",
           "reduce_all", "campaign_report", "CAMPAIGN_SMITH",
           "smith_modules", "generated_modules", "mutated_modules", "plan_multi"]

ENGINES = ("wasmtime", "wasmvm", "wasmvm-reference", "pywasm", "wasm-interp", "node")
REFERENCE = "wasmtime"
INCONCLUSIVE = ("exhausted", "unsupported", "exit", "host-error", "error")

#: What engines may do differently without a divergence being reported, and why.
KNOWN_DIFFERENCES = {
    "all": "in a module with float arithmetic (values.module_nan_exact), a quiet NaN "
           "result compares as any quiet NaN of its type: the spec lets arithmetic choose "
           "the payload of the arithmetic NaN it returns; a signaling NaN can only have "
           "passed through unchanged, and compares bit for bit",
    "all (NaN bits)": "a module whose float arithmetic can return a NaN and which can see a "
                      "float's bits (a float store, a reinterpret to an integer, copysign, "
                      "any vector instruction) runs with each such NaN canonicalized "
                      "(difftest.nans: x == x ? x : +nan, one of the results the spec "
                      "allows), then compares bit for bit; in such a module a wrong NaN "
                      "payload goes unseen",
    "wasm-interp": "checked against the reference's outcome (spectest-interp assertions): "
                   "a NaN the reference gives is asserted as nan:arithmetic, so its payload "
                   "is not compared; its own values are printed with six decimals",
    "pywasm": "runs out of Python's recursion limit, not a stack budget: a call that "
              "exhausts it is inconclusive unless the others trap too",
}

#: smith for campaigns across engines: WebAssembly 2.0 only (pywasm and WABT's 2.0
#: mode are 2.0 engines), no imports, NaNs canonicalized
CAMPAIGN_SMITH = {
    "simd-enabled": True, "relaxed-simd-enabled": False, "threads-enabled": False,
    "exceptions-enabled": False, "gc-enabled": False, "tail-call-enabled": False,
    "memory64-enabled": False, "custom-page-sizes-enabled": False,
    "wide-arithmetic-enabled": False, "extended-const-enabled": False,
    "multi-value-enabled": True, "reference-types-enabled": True, "bulk-memory-enabled": True,
    "saturating-float-to-int-enabled": True, "sign-extension-ops-enabled": True,
    "canonicalize-nans": True, "export-everything": True, "generate-custom-sections": False,
    "max-memories": 1, "memory-max-size-required": True, "max-memory32-bytes": 2 * 65536,
    "max-tables": 2, "table-max-size-required": True, "max-table-elements": 100,
    "min-funcs": 1, "max-funcs": 20, "max-types": 20, "max-globals": 10, "max-imports": 0,
    "max-data-segments": 4, "max-element-segments": 4, "max-elements": 20,
}


@dataclass
class Divergence:
    """At ``step`` of module ``module``, engines disagreed: ``outcomes`` (engine -> text),
    ``minority`` the engines outside the majority, ``kind`` what differs."""

    module: str
    step: str
    kind: str
    outcomes: dict[str, str]
    minority: tuple[str, ...]
    call: Call | None = None

    @property
    def signature(self) -> tuple:
        return (self.minority, self.kind)

    @property
    def func(self) -> str | None:
        """The export whose call shows it (None: compiling or instantiating)."""
        return None if self.call is None else self.call.func

    @property
    def group(self) -> tuple:
        """What one reduction is for (``reduction_groups``): the module, the minority,
        the kind, and the export whose call shows it."""
        return (self.module, self.minority, self.kind, self.func)

    def format(self) -> str:
        lines = [f"{self.module}: {self.step}: {', '.join(self.minority)} differ ({self.kind})"]
        for engine, text in self.outcomes.items():
            mark = "  <-" if engine in self.minority else ""
            lines.append(f"    {engine:<17} {text}{mark}")
        return "\n".join(lines)


@dataclass
class ModuleResult:
    name: str
    size: int
    divergences: list[Divergence] = field(default_factory=list)
    steps_compared: int = 0
    inconclusive: int = 0
    status: str = "ok"  # or "rejected", "not-instantiated", "imports"
    #: run with its NaNs canonicalized (``difftest.nans``: it can see NaN bits)
    nans_canonicalized: bool = False


# -- the engines as module sides -----------------------------------------------------------------
class _AdapterSide:
    """A module-level side over an ``EngineAdapter`` (pywasm, node)."""

    def __init__(self, name: str):
        self.name = name
        self.adapter = make_adapter(name)
        self.module = self.instance = None
        self._globals: list[ExportInfo] = []

    def compile(self, wasm: bytes) -> Outcome:
        try:
            self.module = self.adapter.compile(wasm)
        except Rejected as e:
            return Outcome("rejected", message=e.message)
        except EngineError as e:
            return Outcome("exhausted", message=e.message)
        return Outcome("ok")

    def instantiate(self) -> Outcome:
        try:
            self.instance = self.adapter.instantiate(self.module)
        except Unlinkable as e:
            return Outcome("link-error", message=e.message)
        except Trapped as e:
            return Outcome("trap", trap="?", message=e.message)
        except EngineError as e:
            return Outcome("exhausted", message=e.message)
        return Outcome("ok")

    def call(self, name: str, args: tuple[DiffVal, ...], results: tuple[str, ...]) -> Outcome:
        try:
            evs = [_evalue(a) for a in args]
            out = self.adapter.call(self.instance, name, evs)
        except Unsupported as e:
            return Outcome("unsupported", message=e.message)
        except Trapped as e:
            if e.exhausted:
                return Outcome("trap", trap="STACK_OVERFLOW?", message=e.message)
            return Outcome("trap", trap="?", message=e.message)
        except Uncaught as e:
            return Outcome("trap", trap="UNCAUGHT", message=e.message)
        except EngineError as e:
            return Outcome("exhausted", message=e.message)
        return Outcome("ok", tuple(_diffval(v) for v in out))

    def renew(self) -> Outcome:
        return self.instantiate()

    def globals(self, names: list[str]) -> dict[str, DiffVal]:
        out = {}
        for name in names:
            try:
                out[name] = _diffval(self.adapter.get(self.instance, name))
            except EngineError:
                out[name] = UNREADABLE
        return out

    def close(self) -> None:
        self.adapter.close()


class _ApiSide:
    """wasmtime or a wasmvm tier (difftest.engines), no host imports."""

    def __init__(self, name: str, fuel: int, timeout: float):
        self.name = name
        if name == "wasmtime":
            self.side = WasmtimeSide(fuel=fuel)
        else:
            tier = "reference" if name.endswith("reference") else "compiled"
            self.side = WasmvmSide(timeout=timeout, tier=tier)

    def compile(self, wasm: bytes) -> Outcome:
        return self.side.compile(wasm)

    def instantiate(self) -> Outcome:
        return self.side.instantiate()

    def call(self, name: str, args: tuple[DiffVal, ...], results) -> Outcome:
        return self.side.call(name, args)

    def renew(self) -> Outcome:
        self.side.reset()
        return self.side.instantiate()

    def globals(self, names: list[str]) -> dict[str, DiffVal]:
        snap = self.side.snapshot()
        return {n: snap.globals.get(n, UNREADABLE) for n in names}

    def exports(self) -> list[ExportInfo]:
        return self.side.exports()

    def close(self) -> None:
        pass


def _evalue(v: DiffVal) -> EValue:
    if is_ref_type(v.type):
        if v.bits is None or v.bits == "null":
            return EValue(v.type, ref=None)
        raise Unsupported(f"a non-null {v.type} argument")
    return EValue(v.type, bits=v.bits)


def _diffval(v: EValue) -> DiffVal:
    if v.type in ("i32", "i64", "f32", "f64", "v128"):
        return DiffVal(v.type, v.bits)
    return DiffVal(v.type, None if v.ref is None else "non-null")


def _side(name: str, fuel: int, timeout: float):
    if name in ("wasmtime", "wasmvm", "wasmvm-reference"):
        return _ApiSide(name, fuel, timeout)
    if name in ("pywasm", "node"):
        return _AdapterSide(name)
    raise EngineMissing(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")


# -- comparing ---------------------------------------------------------------------------------
def _value_key(v: DiffVal, nan_exact: bool) -> str:
    t, bits = v
    if is_ref_type(t) or t == "?":
        return f"{t}:{'null' if bits in (None, 'null') else 'ref'}"
    if t in ("f32", "f64") and not nan_exact and is_arithmetic_nan(t, bits):
        return f"{t}:nan"  # (a signaling NaN only passes through: its bits are exact)
    return f"{t}:{bits:#x}"


def _key(o: Outcome, nan_exact: bool):
    if o.kind == "ok":
        return ("ok", tuple(_value_key(v, nan_exact) for v in o.values))
    if o.kind in ("trap", "rejected", "link-error"):
        return (o.kind,)
    return (o.kind, o.message)


def _text(o: Outcome) -> str:
    if o.kind == "ok":
        return ", ".join(str(v) for v in o.values) if o.values else "(no results)"
    first = o.message.splitlines()[0][:90] if o.message else ""
    return f"{o.kind}: {first}" if first else o.kind


def _kind(majority, minority) -> str:
    a, b = majority[0], minority[0]
    if a == b:
        return "value" if a == "ok" else a
    return f"{b} where the others {a}"


def _compare(module: str, step: str, outcomes: dict[str, Outcome], nan_exact: bool,
             call: Call | None = None, texts: dict[str, str] | None = None) -> list[Divergence]:
    keys = {e: _key(o, nan_exact) for e, o in outcomes.items()}
    groups: dict = {}
    for engine, key in keys.items():
        groups.setdefault(key, []).append(engine)
    if len(groups) <= 1:
        return []
    majority = max(groups.items(), key=lambda kv: (len(kv[1]), REFERENCE in kv[1]))[0]
    out = []
    shown = texts or {e: _text(o) for e, o in outcomes.items()}
    for key, engines in groups.items():
        if key == majority:
            continue
        out.append(Divergence(module, step, _kind(majority, key), shown, tuple(engines), call))
    return out


# -- the calls ----------------------------------------------------------------------------------
#: the values every pair of numeric parameters is tried with (crossed, for two parameters)
_SPECIAL = {
    "i32": [0, 1, 0xFFFFFFFF, 0x80000000],
    "i64": [0, 1, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000],
    "f32": [0, 0x80000000, 0x3F800000, 0x7F800000, 0x7FA00000],
    "f64": [0, 0x8000000000000000, 0x3FF0000000000000, 0x7FF0000000000000,
            0x7FF4000000000000],
}
MAX_CALLS_PER_FUNC = 64


def sparse_int(width: int, rng: random.Random) -> int:
    """An integer with a few bits set: the values at the rounding boundaries of integer to
    float conversions (a bit just below a float's precision, one far below it) are of
    this shape, and random bits almost never are."""
    top = rng.randrange(width // 2, width)
    value = 1 << top
    for gap in (24, 53):  # a tie at f32's or f64's precision, then a bit below it
        if rng.random() < 0.5 and top - gap >= 0:
            value |= 1 << (top - gap)
            low = top - gap - 1 - (29 if gap == 24 else 0)
            if low > 0:
                value |= 1 << rng.randrange(0, low)
    return value


def plan_multi(exports: list[ExportInfo], seed: int) -> list[Call]:
    """The calls of a multi-engine run: every export with ``values.argument_sets``' edge
    and random arguments, numeric pairs crossed over ``_SPECIAL``, and integers with few
    bits set (``sparse_int``); at most MAX_CALLS_PER_FUNC per function."""
    from itertools import product

    from .values import argument_sets, passable

    rng = random.Random(seed)
    calls = []
    for e in exports:
        if e.kind != "func" or not passable(e.params):
            continue
        edges = list(argument_sets(e.params, extra=4, seed=seed))
        sets = []
        if 0 < len(e.params) <= 2 and all(t in _SPECIAL for t in e.params):
            sets += [tuple(DiffVal(t, b) for t, b in zip(e.params, combo))
                     for combo in product(*(_SPECIAL[t] for t in e.params))]
        if edges and any(t in ("i32", "i64") for t in e.params):
            for _ in range(6):
                sets.append(tuple(
                    DiffVal(t, sparse_int(32 if t == "i32" else 64, rng)) if t in ("i32", "i64")
                    else a for t, a in zip(e.params, edges[0])))
        sets += edges
        for args in list(dict.fromkeys(sets))[:MAX_CALLS_PER_FUNC]:
            calls.append(Call(e.name, args))
    return calls


# -- one module ----------------------------------------------------------------------------------
def run_module(wasm: bytes, engines: list[str], calls: list[Call] | None = None, *,
               name: str = "module", per_func: int | None = None, seed: int = 0,
               fuel: int = 10_000_000, timeout: float = 20.0,
               fresh: bool = False) -> ModuleResult:
    """Run ``wasm`` on every engine (see the module docstring); its divergences.
    ``fresh``: every call on a new instance (modules of wasmvm's generator, whose fuel
    global must start full for each call)."""
    from ..api import Module
    from ..errors import WasmError

    result = ModuleResult(name, len(wasm))
    sides = {}
    try:
        for e in engines:
            if e != "wasm-interp":
                sides[e] = _side(e, fuel, timeout)
        try:
            syntax = Module(None, wasm).syntax
            nan_exact = module_nan_exact(syntax)
            has_imports = bool(syntax.imports)
        except WasmError:
            syntax, nan_exact, has_imports = None, True, False
        if not nan_exact:  # NaN bits a module can see: canonicalized (difftest.nans)
            canonical = canonicalized_module(wasm)
            if canonical is not None:
                wasm, nan_exact, result.nans_canonicalized = canonical, True, True
        compiled = {e: s.compile(wasm) for e, s in sides.items()}
        wabt = "wasm-interp" in engines
        if wabt:
            compiled["wasm-interp"] = _wabt_compile(wasm)
        result.steps_compared += 1
        found = _compare(name, "compile", compiled, nan_exact)
        for d in found:  # which rejection: the module is malformed, or well-formed but invalid
            if "rejected" in d.kind:
                d.kind += f" ({_rejection(wasm)})"
        result.divergences += found
        live = {e: s for e, s in sides.items() if compiled[e].kind == "ok"}
        ref = REFERENCE if REFERENCE in live else next(iter(live), None)
        if ref is None:
            result.status = "rejected"
            return result
        if has_imports:
            result.status = "imports"
            return result
        made = {e: s.instantiate() for e, s in live.items()}
        result.steps_compared += 1
        result.divergences += _compare(name, "instantiate", made, nan_exact)
        live = {e: s for e, s in live.items() if made[e].kind == "ok"}
        if ref not in live:
            result.status = "not-instantiated"
            return result
        exports = sides[ref].exports() if hasattr(sides[ref], "exports") else []
        if calls is None:
            calls = plan_calls(exports, per_func=per_func, seed=seed) if per_func \
                else plan_multi(exports, seed)
        global_names = [x.name for x in exports if x.kind == "global"]
        results_of = {x.name: x.results for x in exports if x.kind == "func"}
        done: list[tuple[Call, Outcome]] = []
        for k, call in enumerate(calls):
            if fresh and k and any(s.renew().kind != "ok" for s in live.values()):
                result.inconclusive += 1
                break
            outs = {e: s.call(call.func, call.args, results_of.get(call.func, ()))
                    for e, s in live.items()}
            if any(o.kind in INCONCLUSIVE for o in outs.values()):
                result.inconclusive += 1
                break
            result.steps_compared += 1
            result.divergences += _compare(name, f"call {call}", outs, nan_exact, call)
            done.append((call, outs[ref]))
            if global_names:
                snaps = {e: s.globals(global_names) for e, s in live.items()}
                for g in global_names:  # (an engine that could not read it: not compared)
                    vals = {e: Outcome("ok", (snaps[e][g],)) for e in live
                            if snaps[e][g] != UNREADABLE}
                    if len(vals) < len(live):
                        result.inconclusive += 1
                    if len(vals) > 1:
                        result.divergences += _compare(name, f"global {g} after {call}",
                                                       vals, nan_exact, call)
        if wabt and compiled["wasm-interp"].kind == "ok":
            result.divergences += _wabt_check(wasm, name, done, ref, nan_exact, fresh)
        return result
    finally:
        for s in sides.values():
            s.close()


def _rejection(wasm: bytes) -> str:
    """"malformed" (wasmvm's decoder refuses it) or "invalid" (it decodes, and does not
    validate), or "valid" (wasmvm accepts it)."""
    from ..api import Module
    from ..binary import decode_module
    from ..errors import WasmError

    try:
        decode_module(wasm)
    except WasmError:
        return "malformed"
    try:
        Module(None, wasm)
    except WasmError:
        return "invalid"
    return "valid"


# -- WABT: a checker ---------------------------------------------------------------------------
def _wabt_compile(wasm: bytes) -> Outcome:
    tool = wabt_tool("wasm-validate")
    with tempfile.TemporaryDirectory(prefix="wasmvm-wabt-") as d:
        path = Path(d) / "m.wasm"
        path.write_bytes(wasm)
        r = subprocess.run([tool, *WABT_2_0, str(path)], capture_output=True, text=True,
                           timeout=60)
    if r.returncode != 0:
        return Outcome("rejected", message=(r.stderr.strip().splitlines() or ["rejected"])[-1])
    return Outcome("ok")


def _json_value(v: DiffVal, nan_exact: bool) -> dict | None:
    t, bits = v
    if is_ref_type(t):
        return {"type": t, "value": "null"} if bits in (None, "null") else None
    if t in ("f32", "f64") and not nan_exact and is_arithmetic_nan(t, bits):
        return {"type": t, "value": "nan:arithmetic"}
    if t == "v128":
        return {"type": "v128", "lane_type": "i64",
                "value": [str(bits & (2**64 - 1)), str(bits >> 64)]}
    return {"type": t, "value": str(bits)}


def _wabt_check(wasm: bytes, name: str, done: list[tuple[Call, Outcome]], ref: str,
                nan_exact: bool, fresh: bool = False) -> list[Divergence]:
    """Run the calls on WABT as assertions of the reference's outcomes (``fresh``: each
    on a new instance)."""
    interp = wabt_tool("spectest-interp")
    commands = [{"type": "module", "line": 1, "filename": "m.wasm"}]
    lines: dict[int, tuple[Call, Outcome]] = {}
    for call, outcome in done:
        args = [_json_value(a, True) for a in call.args]
        if any(a is None for a in args):
            break  # an argument a script cannot write: stop here (state)
        action = {"type": "invoke", "field": call.func, "args": args}
        if fresh and len(commands) > 1:
            commands.append({"type": "module", "line": len(commands) + 1, "filename": "m.wasm"})
        line = len(commands) + 1
        if outcome.kind == "trap":
            commands.append({"type": "assert_trap", "line": line, "action": action, "text": "",
                             "expected": []})
        else:
            expected = [_json_value(v, nan_exact) for v in outcome.values]
            if any(e is None for e in expected):  # a non-null reference: just run it
                commands.append({"type": "action", "line": line, "action": action,
                                 "expected": []})
            else:
                commands.append({"type": "assert_return", "line": line, "action": action,
                                 "expected": expected})
        lines[line] = (call, outcome)
    with tempfile.TemporaryDirectory(prefix="wasmvm-wabt-") as d:
        (Path(d) / "m.wasm").write_bytes(wasm)
        # (raw UTF-8: WABT's JSON reader does not decode \u escapes in export names)
        (Path(d) / "s.json").write_text(json.dumps({"source_filename": "s.wast",
                                                     "commands": commands},
                                                    ensure_ascii=False), encoding="utf-8")
        try:
            r = subprocess.run([interp, *WABT_2_0, "s.json"], capture_output=True, text=True,
                               cwd=d, timeout=120)
        except subprocess.TimeoutExpired:
            return []
    out = []
    for text in r.stdout.splitlines():
        if not text.startswith("s.wast:") or " passed" in text:
            continue
        head, _, message = text[len("s.wast:"):].partition(": ")
        if not head.isdigit() or int(head) not in lines:
            continue
        call, outcome = lines[int(head)]
        kind = "trap where the others ok" if "unexpected trap" in message else (
            "ok where the others trap" if "expected trap" in message else "value")
        out.append(Divergence(name, f"call {call}", kind,
                              {ref: _text(outcome), "wasm-interp": message[:120]},
                              ("wasm-interp",), call))
    return out


# -- campaigns ------------------------------------------------------------------------------------
@dataclass
class Campaign:
    engines: list[str]
    modules: list[ModuleResult] = field(default_factory=list)
    reductions: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    source: str = ""

    @property
    def divergences(self) -> list[Divergence]:
        return [d for m in self.modules for d in m.divergences]


def smith_modules(n: int, seed: int):
    """``(name, bytes)`` of ``n`` smith modules (CAMPAIGN_SMITH), reproducible by ``seed``."""
    from .smith import Smith

    rng = random.Random(seed)
    with Smith() as smith:
        config = Path(smith.args[smith.args.index("-c") + 1])
        config.write_text(json.dumps(CAMPAIGN_SMITH))
        args = [a for a in smith.args]
        i = args.index("--available-imports")
        del args[i:i + 2]
        smith.args = args
        made = 0
        while made < n:
            data = smith.module(rng.randbytes(rng.randint(64, 2048)))
            if data is not None:
                made += 1
                yield f"smith-{seed}-{made}", data


def generated_modules(n: int, seed: int):
    """``(name, bytes)`` of ``n`` modules of wasmvm's generator, WebAssembly 2.0 only."""
    from .generate import GenConfig, generate

    # small, shallow functions: an operator applied to parameters is what shows an
    # engine's corner cases (signed zeros, NaN payloads, rounding) to the edge arguments
    config = GenConfig(max_funcs=6, max_depth=2, max_stmts=2, tail_calls=False,
                       function_references=False, gc=False, relaxed_simd=False,
                       exceptions=False, multi_memory=False, memory64=False)
    for k in range(n):
        yield f"gen-{seed}-{k}", generate(random.Random(seed * 100_003 + k), config).wasm


def mutated_modules(n: int, seed: int):
    """``(name, bytes)`` of ``n`` smith modules, each mutated once (``mutate.mutate``: bit
    flips, LEB128 stretches, section sizes off, ...): mostly malformed or invalid, which
    is what tells an engine that checks its input from one that does not."""
    from .mutate import mutate

    rng = random.Random(seed)
    for name, data in smith_modules(n, seed):
        yield f"mut-{name}", mutate(data, rng)


def run_campaign(engines: list[str], source: str = "smith", modules: int = 100, seed: int = 0,
                 wasms=None, log=None) -> Campaign:
    """Run ``modules`` modules from ``source`` ("smith", "generate", "mutate") or the given
    ``wasms`` ((name, bytes) pairs) on every engine."""
    import time

    started = time.perf_counter()
    camp = Campaign(list(engines), source=source)
    sources = {"smith": smith_modules, "generate": generated_modules, "mutate": mutated_modules}
    items = wasms if wasms is not None else sources[source](modules, seed)
    for k, (name, data) in enumerate(items):
        camp.modules.append(run_module(data, engines, name=name, seed=seed + k,
                                       fresh=name.startswith("gen-")))
        if log is not None and (k + 1) % 50 == 0:
            n = len(camp.divergences)
            log(f"{k + 1} {plural(k + 1, 'module')}, {n} {plural(n, 'divergence')}, "
                f"{time.perf_counter() - started:.0f} s")
    camp.seconds = time.perf_counter() - started
    return camp


# -- reduction -----------------------------------------------------------------------------------
def reduction_groups(divergences: list[Divergence]) -> dict[tuple, list[Divergence]]:
    """The divergences by ``Divergence.group``: (module, minority, kind, export). One
    reduction per group: two exports of one module that diverge the same way are reduced
    apart (they are often different operators, so different bugs), while the many calls
    of one export that show the same kind (edge arguments, the globals after each call)
    are one. Reproducers that reduce to the same bytes are reported once
    (``Campaign.reductions``' ``same_as``)."""
    groups: dict[tuple, list[Divergence]] = {}
    for d in divergences:
        groups.setdefault(d.group, []).append(d)
    return groups


def choose_reductions(divergences: list[Divergence], per_kind: int | None) -> list[Divergence]:
    """The first divergence of each group (``reduction_groups``) to reduce: all of them
    (``per_kind`` None, ``--reduce all``), or up to ``per_kind`` of each (minority, kind),
    from different modules first, then different exports."""
    firsts = [ds[0] for ds in reduction_groups(divergences).values()]
    if per_kind is None:
        return firsts
    by_sig: dict[tuple, list[Divergence]] = {}
    for d in firsts:
        by_sig.setdefault(d.signature, []).append(d)
    chosen = []
    for ds in by_sig.values():
        seen_modules: set = set()
        fresh = [d for d in ds if not (d.module in seen_modules or seen_modules.add(d.module))]
        rest = [d for d in ds if d not in fresh]
        chosen += (fresh + rest)[:per_kind]
    return chosen


def still_shows(wasm: bytes, engines: list[str], signature: tuple,
                func: str | None = None) -> list[Divergence]:
    """The divergences of ``wasm`` with ``signature`` (minority, kind), on ``engines``
    (with ``func``: at a call of that export only)."""
    try:
        result = run_module(wasm, engines, timeout=10.0)
    except Exception:  # noqa: BLE001 - a candidate that breaks an engine's harness
        return []
    return [d for d in result.divergences
            if d.signature == signature and (func is None or d.func == func)]


def reduce_divergence(wasm: bytes, d: Divergence, attempts: int = 200) -> dict:
    """Shrink ``wasm`` while ``d``'s signature still shows between the reference and the
    minority engine, at a call of the same export (so that the reduction keeps this
    group's bug, not another of the module's); the reduced module, its WAT and the calls
    that show it."""
    from .reduce import shrink_with
    from .smith import find_wasm_tools

    engines = [REFERENCE, *d.minority]
    signature = d.signature
    func = d.func

    def shows(w: bytes) -> list[Divergence]:
        return still_shows(w, engines, signature, func)

    tool = find_wasm_tools()
    reduced = wasm
    if tool is not None:
        spec = {"engines": engines, "signature": [list(signature[0]), signature[1]],
                "func": func}
        reduced = shrink_with("wasmvm.difftest.multi", spec, wasm, attempts, tool) or wasm
    shown = shows(reduced)
    if not shown:  # (shrinking lost it: keep the original)
        reduced, shown = wasm, shows(wasm)
    # then wasmvm's own reducer, by structure: it takes invalid modules (shrink does not)
    # and cuts what shrink's random mutations left (whole instructions, locals, globals)
    structured = reduce_structure(reduced, lambda w: bool(shows(w)))
    if structured != reduced:
        reduced, shown = structured, shows(structured)
    calls = []
    for x in shown:
        if x.call is not None and x.call not in calls:
            calls.append(x.call)
    return {"signature": f"{', '.join(signature[0])}: {signature[1]}", "module": d.module,
            "func": func, "step": d.step, "before": len(wasm), "after": len(reduced), "wasm": reduced,
            "wat": _wat(reduced), "calls": [_call_text(c) for c in calls[:5]],
            "shown": [x.format() for x in shown[:3]]}


def reduce_all(camp: Campaign, chosen: list[Divergence], module_bytes, log=None) -> list[dict]:
    """Reduce each of ``chosen`` (``choose_reductions``), its module's bytes from
    ``module_bytes(name)`` (None: skipped), appending to ``camp.reductions``; a reproducer
    whose reduced bytes are those of an earlier one gets ``same_as`` (that one's number,
    from 1) and is reported once. ``log(r)`` after each."""
    done = []
    for d in chosen:
        wasm = module_bytes(d.module)
        if wasm is None:
            continue
        r = reduce_divergence(wasm, d)
        r["same_as"] = next((k + 1 for k, x in enumerate(camp.reductions)
                             if x["wasm"] == r["wasm"] and x["signature"] == r["signature"]),
                            None)
        camp.reductions.append(r)
        done.append(r)
        if log is not None:
            log(r)
    return done


def reduce_structure(wasm: bytes, interesting, rounds: int = 3) -> bytes:
    """wasmvm's own reducer, for modules wasm-tools shrink does not take (malformed ones
    excepted: it needs the module to decode): decode, then while ``interesting(bytes)``
    holds drop sections' items (exports, segments, globals, custom sections, the start)
    and instructions of each function body (ddmin over the top-level instructions, then
    inside the blocks), re-encoding each candidate."""
    from ..binary import decode_module, encode_module
    from ..errors import WasmError
    from ..syntax.instructions import Block, If, Loop

    try:
        module = decode_module(wasm)
    except WasmError:
        return wasm
    best = wasm

    def keep(candidate) -> bool:
        nonlocal best
        try:
            data = encode_module(candidate)
        except Exception:  # noqa: BLE001 - a candidate the encoder cannot write
            return False
        if len(data) < len(best) and interesting(data):
            best = data
            return True
        return False

    def cut_list(owner, attr: str) -> None:
        items = getattr(owner, attr)
        k = len(items) - 1
        while k >= 0:
            trial = items[:k] + items[k + 1:]
            setattr(owner, attr, trial)
            if keep(module):
                items = trial
            else:
                setattr(owner, attr, items)
            k -= 1

    for _ in range(rounds):
        before = len(best)
        module.names = type(module.names)()
        for attr in ("customs", "exports", "elems", "datas", "globals", "funcs", "tables",
                     "mems", "types"):
            cut_list(module, attr)
        if module.start is not None:
            start, module.start = module.start, None
            if not keep(module):
                module.start = start
        for func in module.funcs:
            cut_list(func, "locals")
            cut_list(func, "body")
            for instr in [i for i in func.body if isinstance(i, (Block, Loop, If))]:
                for attr in ("body", "then", "else_"):
                    if isinstance(getattr(instr, attr, None), list):
                        cut_list(instr, attr)
        if len(best) == before:
            break
    return best


def _call_text(c: Call) -> str:
    name = c.func if c.func.isidentifier() else json.dumps(c.func)
    return f"{name}({', '.join(str(a) for a in c.args)})"


def _wat(wasm: bytes) -> str:
    try:
        from ..binary import decode_module
        from ..wat.printer import print_module

        return print_module(decode_module(wasm), folded=True)
    except Exception as e:  # noqa: BLE001 - a module our decoder refuses (malformed)
        return f";; (not printable: {e}) bytes {wasm.hex()}"


def _predicate_main(spec_path: str, candidate: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    signature = (tuple(spec["signature"][0]), spec["signature"][1])
    try:
        with wall_clock_limit(60.0):
            found = still_shows(Path(candidate).read_bytes(), spec["engines"], signature,
                                spec.get("func"))
    except BaseException:  # noqa: BLE001 - too slow or broken: not interesting
        return 1
    return 0 if found else 1


# -- the report ----------------------------------------------------------------------------------
def campaign_report(camp: Campaign) -> str:
    """A Markdown report of a campaign: engines, modules, divergences by kind, reproducers."""
    mods = camp.modules
    by_sig = Counter(f"{', '.join(d.minority)}: {d.kind}" for d in camp.divergences)
    groups = Counter(f"{', '.join(g[1])}: {g[2]}" for g in reduction_groups(camp.divergences))
    mods_with = Counter(f"{', '.join(d.minority)}: {d.kind}"
                        for m in mods for d in {x.signature: x for x in m.divergences}.values())
    status = Counter(m.status for m in mods)
    canonicalized = sum(1 for m in mods if m.nans_canonicalized)
    with_any = sum(1 for m in mods if m.divergences)
    out = [f"# Differential campaign: {', '.join(camp.engines)}", "",
           f"- modules: {len(mods)} ({camp.source}), "
           + ", ".join(f"{v} {k}" for k, v in sorted(status.items())),
           f"- steps compared: {sum(m.steps_compared for m in mods):,}; inconclusive: "
           f"{sum(m.inconclusive for m in mods)}; run with NaNs canonicalized (they can "
           f"see NaN bits): {canonicalized}",
           f"- divergences: {len(camp.divergences):,} in {with_any} "
           f"{plural(with_any, 'module')}",
           f"- time: {camp.seconds:.0f} s", "", "## Divergences by engine and kind", "",
           "| minority engine: kind | divergences | modules | groups (module, export) |",
           "|---|---:|---:|---:|"]
    for sig, n in by_sig.most_common():
        out.append(f"| {sig} | {n} | {mods_with[sig]} | {groups[sig]} |")
    divergent = [m for m in mods if m.divergences]
    if divergent:
        out += ["", "## Modules with divergences", ""]
        out += [f"- {m.name} ({m.size} {plural(m.size, 'byte')}): "
                + ", ".join(sorted({f"{', '.join(d.minority)}: {d.kind}" for d in m.divergences}))
                for m in divergent[:100]]
        if len(divergent) > 100:
            out.append(f"- ... and {len(divergent) - 100} more")
    out += ["", "## Known differences (not reported)", ""]
    out += [f"- {k}: {v}" for k, v in KNOWN_DIFFERENCES.items()]
    if camp.reductions:
        out += ["", "## Reproducers", "",
                "One reduction per module, minority, kind and export whose call shows it "
                "(`multi.reduction_groups`).", "",
                "| # | module | minority: kind | shown by | bytes before | bytes after |",
                "|---:|---|---|---|---:|---:|"]
        for k, r in enumerate(camp.reductions, 1):
            same = f" (= #{r['same_as']})" if r.get("same_as") else ""
            func = r.get("func")
            shown_by = "(compiling)" if func is None else (
                f"`{func}`" if func.isidentifier() else f"`{json.dumps(func)}`")
            out.append(f"| {k} | {r['module']} | {r['signature']} | {shown_by} | "
                       f"{r['before']:,} | {r['after']:,}{same} |")
        out.append("")
        for k, r in enumerate(camp.reductions, 1):
            if r.get("same_as"):
                continue
            out += [f"### {k}. {r['signature']}", "",
                    f"From {r['module']}: {r['before']} {plural(r['before'], 'byte')}, reduced "
                    f"to **{r['after']} {plural(r['after'], 'byte')}**."
                    f" Calls that show it: {', '.join(r['calls']) or '(compiling)'}", "",
                    "```wat", r["wat"].rstrip(), "```", "", "```", *r["shown"], "```", ""]
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # the shrink predicate
    if len(sys.argv) == 4 and sys.argv[1] == "--predicate":
        raise SystemExit(_predicate_main(sys.argv[2], sys.argv[3]))
    raise SystemExit("usage: python -m wasmvm.difftest.multi --predicate SPEC.json FILE.wasm")
