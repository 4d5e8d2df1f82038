"""Deciding whether two outcomes or two snapshots agree, and counting the figures.

wasmtime is the reference: every ``Divergence`` shows wasmtime's side first. The kinds:

  validation    one engine accepts the module, the other rejects it
  instantiate   instantiation ends differently (trap, link error, host error, success)
  exports       the modules' export lists differ
  outcome       a call returns on one engine and traps (or fails) on the other
  trap          both trap, with different trap codes
  result        both return, with different values (bits; see ``values.agree``)
  host-error    a host function raised on both, with different messages
  global, memory, table
                an exported (or imported host) global, memory or table differs after a step
  host-calls    the host functions were called differently (log of names and arguments)
  output        a WASI program wrote something else to stdout or stderr
  crash         wasmvm raised a Python exception that is not a WasmError (always a bug)
  exhausted     wasmvm ran out of wall-clock time on a step that wasmtime finished within
                its fuel
  fuel          (fuel mode) one engine ran out of fuel and the other did not, or a call
                that returned consumed different amounts

Inconclusive steps are counted, never reported as divergences: wasmtime ran out of fuel
("fuel"), or one engine exhausted its call stack where the other did not ("stack": the
depth at which a stack overflows is the implementation's choice).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .engines import Outcome, Snapshot
from .values import agree, format_val

DIVERGENCE_KINDS = ("validation", "instantiate", "exports", "outcome", "trap", "result",
                    "host-error", "global", "memory", "table", "host-calls", "output", "crash",
                    "exhausted", "fuel")


@dataclass(frozen=True)
class Divergence:
    kind: str
    where: str
    wasmtime: str
    wasmvm: str
    side: str = "wasmvm"  # which wasmvm: "wasmvm (compiled)", "wasmvm (reference)"

    def __str__(self) -> str:
        width = max(len(self.side), len("wasmtime")) + 1
        return (f"[{self.kind}] {self.where}\n    {'wasmtime:':<{width}} {self.wasmtime}\n"
                f"    {self.side + ':':<{width}} {self.wasmvm}")


def compare_outcomes(where: str, ref: Outcome, got: Outcome, nan_exact: bool,
                     step: str = "call", side: str = "wasmvm") -> tuple[list[Divergence], str | None]:
    """Divergences between wasmtime's ``ref`` and wasmvm's ``got``, and the reason when the
    pair is inconclusive instead ("fuel", "stack")."""

    def div(kind: str) -> list[Divergence]:
        return [Divergence(kind, where, str(ref), str(got), side)]

    if ref.kind == "exhausted":
        return [], "fuel"
    if got.kind == "crash":
        return div("crash"), None
    if got.kind == "exhausted":
        return div("exhausted"), None
    overflow = (ref.kind == "trap" and ref.trap == "STACK_OVERFLOW",
                got.kind == "trap" and got.trap == "STACK_OVERFLOW")
    if overflow[0] != overflow[1]:
        return [], "stack"
    kind = "instantiate" if step == "instantiate" else None
    if ref.kind != got.kind:
        return div(kind or "outcome"), None
    if ref.kind == "trap" and ref.trap != got.trap:
        return div(kind or "trap"), None
    if ref.kind == "host-error" and ref.message != got.message:
        return div(kind or "host-error"), None
    if ref.kind == "exit" and ref.message != got.message:
        return div(kind or "outcome"), None
    if ref.kind == "ok":
        same = len(ref.values) == len(got.values) and all(
            agree(a, b, nan_exact) for a, b in zip(ref.values, got.values))
        if not same:
            return div(kind or "result"), None
    return [], None


def compare_snapshots(where: str, ref: Snapshot, got: Snapshot, nan_exact: bool,
                      already: set[tuple[str, str]] | None = None,
                      side: str = "wasmvm") -> list[Divergence]:
    """Divergences in globals, memories, tables and the host log. ``already`` holds the
    items that differed at the previous snapshot: they are not reported again (once two
    memories differ, every later call would repeat it), and an item that agrees again
    leaves it."""
    already = set() if already is None else already
    out: list[Divergence] = []

    def report(kind: str, name: str, a: str, b: str) -> None:
        if (kind, name) not in already:
            out.append(Divergence(kind, f"{where}: {kind} {name}", a, b, side))
        already.add((kind, name))

    def agreed(kind: str, name: str) -> None:
        already.discard((kind, name))

    for name in sorted(set(ref.globals) | set(got.globals)):
        a, b = ref.globals.get(name), got.globals.get(name)
        if a is None or b is None or not agree(a, b, nan_exact):
            report("global", name, _opt(a), _opt(b))
        else:
            agreed("global", name)
    for name in sorted(set(ref.memories) | set(got.memories)):
        a, b = ref.memories.get(name), got.memories.get(name)
        if a != b:
            report("memory", name, *describe_memory_difference(a, b))
        else:
            agreed("memory", name)
    for name in sorted(set(ref.tables) | set(got.tables)):
        a, b = ref.tables.get(name), got.tables.get(name)
        if a != b:
            report("table", name, *_describe_tables(a, b))
        else:
            agreed("table", name)
    if ref.host_log != got.host_log:
        report("host-calls", "log", *_describe_logs(ref.host_log, got.host_log))
    else:
        agreed("host-calls", "log")
    for name in sorted(set(ref.output) | set(got.output)):
        a, b = ref.output.get(name, b""), got.output.get(name, b"")
        if a != b:
            report("output", name, _describe_output(a), _describe_output(b))
        else:
            agreed("output", name)
    return out


def _opt(v) -> str:
    return "(absent)" if v is None else format_val(v)


def describe_memory_difference(a: bytes | None, b: bytes | None) -> tuple[str, str]:
    """Sizes, the number of differing bytes, and the first differing range on each side."""
    if a is None or b is None:
        return ("(absent)" if a is None else f"{len(a)} {plural(len(a), 'byte')}",
                "(absent)" if b is None else f"{len(b)} {plural(len(b), 'byte')}")
    if len(a) != len(b):
        pages = len(a) // 65536, len(b) // 65536
        return f"{pages[0]} {plural(pages[0], 'page')}", f"{pages[1]} {plural(pages[1], 'page')}"
    diffs = [i for i in range(len(a)) if a[i] != b[i]]
    first = diffs[0]
    start = first - first % 16
    count = (f"1 byte differs, at 0x{first:x}" if len(diffs) == 1
             else f"{len(diffs)} bytes differ, first at 0x{first:x}")
    return (f"{count}; [0x{start:x}..]: {a[start:start + 16].hex(' ')}",
            f"{count}; [0x{start:x}..]: {b[start:start + 16].hex(' ')}")


def _describe_tables(a, b) -> tuple[str, str]:
    if a is None or b is None or len(a) != len(b):
        return (f"size {len(a) if a is not None else '(absent)'}",
                f"size {len(b) if b is not None else '(absent)'}")
    i = next(i for i in range(len(a)) if a[i] != b[i])
    return f"[{i}] = {a[i] or 'null'}", f"[{i}] = {b[i] or 'null'}"


def _describe_output(data: bytes) -> str:
    text = data[:200].decode("utf-8", errors="replace")
    return f"{len(data)} {plural(len(data), 'byte')}: {text!r}" + ("..." if len(data) > 200 else "")


def _describe_logs(a: tuple, b: tuple) -> tuple[str, str]:
    i = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
    return (f"call #{i}: {a[i] if i < len(a) else '(none)'} ({len(a)} {plural(len(a), 'call')})",
            f"call #{i}: {b[i] if i < len(b) else '(none)'} ({len(b)} {plural(len(b), 'call')})")


# ---------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------
def plural(n: int, word: str) -> str:
    """``word`` as it reads after the number ``n``: ``plural(1, "call")`` is ``call``,
    ``plural(0, "call")`` and ``plural(2, "call")`` are ``calls``. The reports' nouns all
    take an s (byte, call, divergence, module, page)."""
    return word if n == 1 else word + "s"


@dataclass
class Figures:
    """What a run did: modules tried (and how many both engines rejected or could not
    instantiate alike), calls compared, calls that trapped alike, divergences by kind,
    inconclusive steps by reason."""

    label: str = "diff"
    modules: int = 0
    rejected: int = 0
    not_instantiated: int = 0
    calls: int = 0
    traps: int = 0
    divergences: Counter = field(default_factory=Counter)
    known: Counter = field(default_factory=Counter)
    inconclusive: Counter = field(default_factory=Counter)
    divergent_modules: list[str] = field(default_factory=list)

    def add(self, report) -> None:
        self.modules += 1
        self.rejected += report.status == "rejected"
        self.not_instantiated += report.status == "not-instantiated"
        self.calls += report.calls_compared
        self.traps += report.traps
        self.divergences.update(d.kind for d in report.divergences)
        self.known.update(name for name, _ in report.known)
        self.inconclusive.update(report.inconclusive)
        if report.divergences:
            self.divergent_modules.append(report.name)

    def merge(self, other: Figures) -> None:
        self.modules += other.modules
        self.rejected += other.rejected
        self.not_instantiated += other.not_instantiated
        self.calls += other.calls
        self.traps += other.traps
        self.divergences.update(other.divergences)
        self.known.update(other.known)
        self.inconclusive.update(other.inconclusive)
        self.divergent_modules += other.divergent_modules

    @property
    def total_divergences(self) -> int:
        return sum(self.divergences.values())

    def summary(self) -> str:
        """One line: ``smith: 150 modules (3 rejected by both), 2,345 calls compared
        (412 trapped alike), 0 divergences; inconclusive: fuel 4``."""
        extra = []
        if self.rejected:
            extra.append(f"{self.rejected} rejected by both")
        if self.not_instantiated:
            extra.append(f"{self.not_instantiated} failed to instantiate alike")
        mods = (f"{self.modules:,} {plural(self.modules, 'module')}"
                + (f" ({', '.join(extra)})" if extra else ""))
        divs = f"{self.total_divergences} {plural(self.total_divergences, 'divergence')}"
        if self.divergences:
            divs += " (" + ", ".join(f"{k} {n}" for k, n in sorted(self.divergences.items())) + ")"
        calls = f"{self.calls:,} {plural(self.calls, 'call')}"
        line = f"{self.label}: {mods}, {calls} compared ({self.traps:,} trapped alike), {divs}"
        if self.known:
            line += "; known bugs: " + ", ".join(f"{k} {n}" for k, n in sorted(self.known.items()))
        if self.inconclusive:
            line += "; inconclusive: " + ", ".join(
                f"{k} {n}" for k, n in sorted(self.inconclusive.items()))
        return line
