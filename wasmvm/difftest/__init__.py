"""Differential conformance against wasmtime: the same module on wasmtime and on each wasmvm
tier, every observable outcome compared.

    from wasmvm.difftest import diff_module
    report = diff_module(open("m.wasm", "rb").read())   # every export, edge-value arguments
    print(report.format())                              # divergences, wasmtime's side first

Used by ``wasmvm diff`` (``wasmvm/cli/diff.py``), tests/test_difftest.py, tests/test_regressions.py and
tools/fuzz.py. The parts:

  values.py    comparable values (exact bits), edge values per type, the NaN rule
  host.py      the host module "host": the same Python imports for both engines
  engines.py   one module on one engine: compile, instantiate, call, snapshot
  compare.py   outcomes and snapshots compared; divergence kinds; the figures of a run
  run.py       ``diff_module``: the steps, the call plan, the SIMD flag, the tiers
  generate.py  random valid modules from wasmvm's instruction model (hypothesis or RNG)
  smith.py     random modules from ``wasm-tools smith``, limited to what wasmvm runs
  known.py     known wasmvm bugs, so random runs can tell them from new divergences
  reduce.py    minimise a divergence (calls, then ``wasm-tools shrink``), save a regression

What is compared: whether each engine accepts the module; how instantiation ends; the
export list; after instantiation and after every call, the exported globals, memories
(every byte) and tables (size, and null or the function type of each element), the
imported host globals, memory and table, and the log of host-function calls; for every
call, its results (exact bits, see ``values.agree`` for the one NaN exception), its trap
code, or the host error it passed through. Stack overflow is inconclusive when only one
engine overflows (the depth is each engine's choice), and so is a call that ran out of
wasmtime's fuel; both instances are then started afresh.
"""

from .compare import Divergence, Figures
from .engines import Outcome, Snapshot, WasmtimeSide, WasmvmSide
from .run import SIMD, TIERS, Call, DiffOptions, ModuleReport, diff_module, plan_calls
from .values import EDGE_VALUES, DiffVal, agree, argument_sets

__all__ = [
    "Divergence", "Figures", "Outcome", "Snapshot", "WasmtimeSide", "WasmvmSide", "SIMD",
    "TIERS", "Call", "DiffOptions", "ModuleReport", "diff_module", "plan_calls",
    "EDGE_VALUES", "DiffVal", "agree", "argument_sets",
]
