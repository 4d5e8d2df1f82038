"""Run one module on both engines, step by step, and report every divergence.

    report = diff_module(wasm_bytes)                 # every export, edge-value arguments
    report = diff_module(wasm_bytes, [Call("add", (DiffVal("i32", 1), DiffVal("i32", 2)))])
    print(report.format())

The steps: compile on every engine (a module one rejects and another accepts is a
divergence), instantiate with the host module (and WASI, for a module that imports it),
snapshot, then for each call: wasmtime first (with its fuel), then each wasmvm tier
(under its wall-clock limit) unless wasmtime ran out of fuel; compare the outcomes,
snapshot every engine and compare. After an inconclusive step the instances may no longer
be in the same state, so all are instantiated afresh (new stores, new host state) and the
run goes on with the next call. A WASI command (it exports ``_start``) is run once.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field

from .compare import Divergence, compare_outcomes, compare_snapshots, plural
from .engines import ExportInfo, Outcome, WasmtimeSide, WasmvmSide
from .values import EDGE_VALUES, DiffVal, argument_sets, module_nan_exact, passable, random_val, typical_value

#: THE SIMD switch. While False, the generator leaves v128 out, smith is configured without
#: SIMD, and calls of functions with v128 parameters or results are skipped (counted as
#: "v128"). True turns all of it on: v128 values cross both engines exactly (through
#: wasmtime's raw value union). On since SIMD executes on both tiers: 5,000 smith modules
#: with SIMD (113,693 calls, both tiers) agreed with wasmtime (tools/fuzz.py, seed 909).
SIMD = True
def _host_is_x86_64_with_fma() -> bool:
    """Whether wasmtime's default relaxed SIMD results here are the ones wasmvm gives."""
    import platform

    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return {"fma", "sse4_1"} <= set(flags)


#: Relaxed SIMD (WebAssembly 3.0) in generated and smith modules, with SIMD. Compared bit
#: for bit: wasmvm gives wasmtime's default results on x86-64 with FMA (``exec.relaxed_simd``),
#: which are wasmtime's only on such a host, so the switch is on only there.
RELAXED_SIMD = _host_is_x86_64_with_fma()


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[DiffVal, ...] = ()

    def __str__(self) -> str:
        return f"{self.func}({', '.join(str(a) for a in self.args)})"

    def to_json(self) -> dict:
        return {"func": self.func, "args": [[a.type, a.bits] for a in self.args]}

    @classmethod
    def from_json(cls, data: dict) -> Call:
        return cls(data["func"], tuple(DiffVal(t, b) for t, b in data["args"]))


TIERS = ("compiled", "reference")


@dataclass
class DiffOptions:
    """``fuel``: wasmtime's budget per step; ``timeout``: wasmvm's wall-clock seconds per
    step; ``tiers``: the wasmvm tiers to compare with wasmtime, each on its own store;
    ``nan_exact``: force the NaN rule (None: decide from the module's instructions);
    ``reset_global``: (name, value) set on every engine before every call (the
    generators' loop fuel); ``keep_records``: keep every call's outcomes for a verbose
    report; ``fuel_mode``: wasmvm counts fuel with the same budget, and running out, as
    well as the fuel a returning call consumed, is compared too (kind "fuel")."""

    fuel: int = 10_000_000
    timeout: float | None = 20.0
    tiers: tuple[str, ...] = TIERS
    nan_exact: bool | None = None
    reset_global: tuple[str, DiffVal] | None = None
    keep_records: bool = False
    simd: bool = SIMD
    max_call_depth: int | None = None
    fuel_mode: bool = False
    #: a WASI program's argv (its stdout and stderr are captured and compared)
    wasi_argv: list[str] | None = None


@dataclass
class CallRecord:
    call: Call
    wasmtime: Outcome
    wasmvm: dict[str, Outcome]  # by side name; empty when wasmtime ran out of fuel


@dataclass
class ModuleReport:
    name: str
    status: str = "compared"  # or "rejected", "not-instantiated", "diverged-early"
    nan_exact: bool = True
    calls_compared: int = 0
    traps: int = 0
    divergences: list[Divergence] = field(default_factory=list)
    #: divergences a known bug explains (``known.triage``): (bug name, divergence)
    known: list[tuple[str, Divergence]] = field(default_factory=list)
    inconclusive: Counter = field(default_factory=Counter)
    records: list[CallRecord] = field(default_factory=list)
    exports: list[ExportInfo] = field(default_factory=list)
    #: the index (in the call list) of the call of the first divergence, if a call
    first_divergent_call: int | None = None
    #: wasmtime's outcome of instantiation (why a module was not instantiated)
    instantiation: Outcome | None = None

    @property
    def agrees(self) -> bool:
        return not self.divergences

    def format(self, verbose: bool = False) -> str:
        n = len(self.divergences)
        lines = [f"{self.name}: {self.calls_compared} {plural(self.calls_compared, 'call')} "
                 f"compared, {n} {plural(n, 'divergence')}"
                 + (f" ({self.status})" if self.status != "compared" else "")]
        if self.inconclusive:
            lines[0] += "; inconclusive: " + ", ".join(
                f"{k} {n}" for k, n in sorted(self.inconclusive.items()))
        if self.known:
            lines[0] += f"; {len(self.known)} explained by known bugs"
        if verbose:
            for r in self.records:
                lines.append(f"  {r.call}")
                lines.append(f"      wasmtime: {r.wasmtime}")
                same = [side for side, o in r.wasmvm.items() if o.same(r.wasmtime)]
                for side, o in r.wasmvm.items():
                    if side not in same:
                        lines.append(f"      {side}: {o}")
                if same:
                    lines.append(f"      {', '.join(same)}: the same")
        lines += [str(d) for d in self.divergences]
        return "\n".join(lines)


def plan_calls(exports: list[ExportInfo], per_func: int | None = None, extra: int = 8,
               seed: int = 0, simd: bool = SIMD) -> list[Call]:
    """Calls of every exported function, in export order. ``per_func=None``: every
    argument set of ``values.argument_sets`` (edge values; ``extra`` random ones);
    otherwise ``per_func`` sets, the first with typical values and the rest random
    (mostly edge values)."""
    rng = random.Random(seed)
    calls = []
    for e in exports:
        if e.kind != "func" or (not simd and "v128" in e.params + e.results):
            continue
        if not passable(e.params):
            continue  # a GC reference parameter wasmtime-py cannot be given (values.ref_arguments)
        if per_func is None:
            for args in argument_sets(e.params, extra=extra, seed=seed):
                calls.append(Call(e.name, args))
            continue
        for k in range(per_func):
            if k == 0:
                args = tuple(typical_value(t) for t in e.params)
            else:
                args = tuple(random_val(t, rng) for t in e.params)
            calls.append(Call(e.name, args))
            if not e.params:
                break
    return calls


def diff_module(wasm: bytes, calls: list[Call] | None = None, options: DiffOptions | None = None,
                name: str = "module", per_func: int | None = None, extra: int = 8,
                seed: int = 0) -> ModuleReport:
    """Compare ``wasm`` on wasmtime and on each wasmvm tier; ``calls=None`` plans the calls
    with ``plan_calls``."""
    options = options or DiffOptions()
    report = ModuleReport(name)
    ref = WasmtimeSide(fuel=options.fuel, simd=True, wasi_argv=options.wasi_argv)
    gots = [WasmvmSide(timeout=options.timeout, max_call_depth=options.max_call_depth,
                       tier=tier, fuel=options.fuel if options.fuel_mode else None,
                       wasi_argv=options.wasi_argv)
            for tier in options.tiers]
    a = ref.compile(wasm)
    for got in gots:
        b = got.compile(wasm)
        if a.kind != b.kind:
            report.divergences.append(Divergence("validation", "compile", str(a), str(b), got.name))
    if report.divergences:
        report.status = "diverged-early"
        return report
    if a.kind != "ok":
        report.status = "rejected"
        return report
    exact = report.nan_exact = (module_nan_exact(gots[0].module.syntax)
                                if options.nan_exact is None else options.nan_exact)

    a = report.instantiation = ref.instantiate()
    for got in gots:
        divs, why = compare_outcomes("instantiate", a, got.instantiate(), exact,
                                     step="instantiate", side=got.name)
        if why:
            report.inconclusive[why] += 1
            report.status = "not-instantiated"
            return report
        report.divergences += divs
    if report.divergences:
        report.status = "diverged-early"
        return report
    if a.kind != "ok":
        report.status = "not-instantiated"
        return report

    exports = report.exports = ref.exports()
    for got in gots:
        if exports != got.exports():
            report.divergences.append(Divergence("exports", "exports", _exports_text(exports),
                                                 _exports_text(got.exports()), got.name))
    if report.divergences:
        report.status = "diverged-early"
        return report
    differing: dict[str, set] = {got.name: set() for got in gots}
    ref_snap = ref.snapshot()
    for got in gots:
        report.divergences += compare_snapshots("after instantiation", ref_snap, got.snapshot(),
                                                exact, differing[got.name], got.name)

    if calls is None and ref.is_wasi and "_start" in {e.name for e in exports}:
        calls = [Call("_start")]  # a WASI command: run it once
    if calls is None:
        report.inconclusive["gc-ref parameter"] += sum(
            1 for e in exports if e.kind == "func" and not passable(e.params))
        if not report.inconclusive["gc-ref parameter"]:
            del report.inconclusive["gc-ref parameter"]
        calls = plan_calls(exports, per_func=per_func, extra=extra, seed=seed, simd=options.simd)
    by_name = {e.name: e for e in exports}
    reset = options.reset_global
    if reset is not None and reset[0] not in by_name:
        reset = None
    live = list(gots)  # sides whose state can still be compared
    for index, call in enumerate(calls):
        e = by_name.get(call.func)
        if e is None or e.kind != "func" or tuple(a.type for a in call.args) != e.params:
            report.inconclusive["no such export"] += 1
            continue
        if not options.simd and "v128" in e.params + e.results:
            report.inconclusive["v128"] += 1
            continue
        if not live:
            break
        if reset is not None:
            for side in (ref, *live):
                side.set_global(*reset)
        a = ref.call(call.func, call.args)
        run_wasmvm = a.kind != "exhausted" or options.fuel_mode
        outs = {got.name: got.call(call.func, call.args) for got in live} if run_wasmvm else {}
        if options.keep_records:
            report.records.append(CallRecord(call, a, outs))
        where = f"call #{index} {call}"
        fuel_diverged: set[str] = set()
        if options.fuel_mode:
            fuel_divs = _compare_fuel(where, ref, a, live, outs)
            fuel_diverged = {d.side for d in fuel_divs}
            report.divergences += fuel_divs
            if fuel_divs and report.first_divergent_call is None:
                report.first_divergent_call = index
            if a.kind == "exhausted" and not fuel_divs:
                report.calls_compared += 1
                report.traps += 1
        if a.kind == "exhausted" or any(_inconclusive(a, b) for b in outs.values()):
            # The instances may no longer be in the same state: start all afresh.
            report.inconclusive["fuel" if a.kind == "exhausted" else "stack"] += 1
            for d in differing.values():
                d.clear()
            if not _restart(ref, live):
                report.inconclusive["restart failed"] += 1
                break
            continue
        report.calls_compared += 1
        report.traps += a.kind == "trap"
        ref_snap = ref.snapshot()
        for got in list(live):
            if got.name in fuel_diverged:
                continue
            divs, _ = compare_outcomes(where, a, outs[got.name], exact, side=got.name)
            divs += compare_snapshots(where, ref_snap, got.snapshot(), exact,
                                      differing[got.name], got.name)
            if divs and report.first_divergent_call is None:
                report.first_divergent_call = index
            report.divergences += divs
            if any(d.kind in ("crash", "exhausted") for d in divs):
                live.remove(got)  # its instance is in an unknown state
    return report


def _compare_fuel(where: str, ref: WasmtimeSide, a: Outcome, gots: list[WasmvmSide],
                  outs: dict[str, Outcome]) -> list[Divergence]:
    """Fuel mode: running out must agree, and so must the fuel of a call that returned."""
    divs = []
    for got in gots:
        b = outs[got.name]
        if "STACK_OVERFLOW" in (a.trap, b.trap):
            continue  # where the stack ends is each engine's choice: fuel is not comparable
        if (a.kind == "exhausted") != (b.kind == "exhausted"):
            divs.append(Divergence("fuel", where, str(a), str(b), got.name))
        elif a.kind == "ok" and b.kind == "ok" and ref.fuel_used() != got.fuel_used():
            divs.append(Divergence("fuel", where + ": fuel consumed",
                                   str(ref.fuel_used()), str(got.fuel_used()), got.name))
    return divs


def _inconclusive(ref: Outcome, got: Outcome) -> bool:
    """One side exhausted its call stack and the other did not."""
    return (ref.kind == "trap" and ref.trap == "STACK_OVERFLOW") != (
        got.kind == "trap" and got.trap == "STACK_OVERFLOW")


def _restart(ref: WasmtimeSide, gots: list[WasmvmSide]) -> bool:
    """New stores and instances on every side; False if one does not instantiate."""
    ok = True
    for side in (ref, *gots):
        side.reset()
        ok = side.instantiate().kind == "ok" and ok
    return ok


def _exports_text(exports: list[ExportInfo]) -> str:
    parts = []
    for e in exports:
        if e.kind == "func":
            parts.append(f"{e.name}: func [{' '.join(e.params)}] -> [{' '.join(e.results)}]")
        else:
            parts.append(f"{e.name}: {e.kind} {' '.join(e.params + e.results)}".rstrip())
    return "; ".join(parts) or "(none)"


def env_int(name: str, default: int) -> int:
    """An int from the environment (sizes of the test runs), or ``default``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text.replace("_", ""))
    except ValueError:
        raise ValueError(f"${name} must be an integer, got {text!r}") from None


__all__ = ["Call", "CallRecord", "DiffOptions", "ModuleReport", "RELAXED_SIMD", "SIMD", "TIERS",
           "diff_module", "plan_calls", "env_int", "EDGE_VALUES"]
