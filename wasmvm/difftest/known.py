"""Known wasmvm bugs that random modules keep running into, so that a test can tell "the
bug we know" from a new divergence. Each has a narrow predicate over the module and the
divergence; ``triage`` moves the divergences it matches into ``report.known`` (counted in
the figures as "known", never hidden). Fixture and regression tests do not triage: a
known bug shows there as an xfail that turns into a failure once the bug is fixed.

Delete an entry when its bug is fixed (the strict xfail of its regression test says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .compare import Divergence

__all__ = ["KnownBug", "KNOWN_BUGS", "triage"]


@dataclass(frozen=True)
class KnownBug:
    name: str
    description: str
    matches: Callable[[object, Divergence], bool]  # (syntax Module, divergence)


#: None open. (compiled-nan-constants, fixed in 9709f71, was the first: the compiled tier
#: gave every NaN constant of a function the value of the first one. Its predicate was
#: "the divergence is on the compiled tier and a function holds two NaN constants with
#: different bits"; fixtures/regressions/compiled_nan_constants.* keeps the case.)
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def triage(report, wasm: bytes, bugs: tuple[KnownBug, ...] = KNOWN_BUGS):
    """Move the divergences of ``report`` that a known bug explains into ``report.known``
    (``(bug name, divergence)`` pairs). Returns the report."""
    if not report.divergences or not bugs:
        return report
    from ..binary import decode_module

    module = decode_module(wasm)
    keep = []
    for d in report.divergences:
        bug = next((b for b in bugs if b.matches(module, d)), None)
        if bug is None:
            keep.append(d)
        else:
            report.known.append((bug.name, d))
    report.divergences = keep
    return report
