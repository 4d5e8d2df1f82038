"""``wasmvm diff``: differential conformance of a user's module against wasmtime
(``wasmvm.difftest``)."""

from __future__ import annotations

import argparse
import sys

from .registry import UserError, arg, command, read_input


def _reduce_arg(text: str) -> int | str:
    """``--reduce``: a count K, or ``all``."""
    if text == "all":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"K (a number) or all, not {text!r}") from None


@command(
    "diff", "run a module on wasmvm and on wasmtime (or on several engines) and report "
            "every difference",
    arg("file", metavar="FILE", nargs="?",
        help="a .wasm or .wat file, or - for standard input (with --engines: also a folder "
             "of modules; none with --smith or --generate)"),
    arg("--engines", metavar="A,B,...",
        help="compare these engines instead (at least two of: wasmtime, wasmvm, "
             "wasmvm-reference, pywasm, wasm-interp, node): outcomes grouped, the majority and "
             "the minority shown"),
    arg("--smith", type=int, metavar="N",
        help="with --engines: a campaign of N modules made by wasm-tools smith (2.0 features)"),
    arg("--generate", type=int, metavar="N",
        help="with --engines: a campaign of N modules from wasmvm's own generator"),
    arg("--mutate", type=int, metavar="N",
        help="with --engines: a campaign of N smith modules, each mutated (mostly malformed "
             "or invalid: which engines check their input)"),
    arg("--reduce", type=_reduce_arg, default=0, metavar="K|all",
        help="with --engines: reduce divergences (wasm-tools shrink) and print each as WAT "
             "with the calls that show it: one per module and export that shows it, K of "
             "each kind (different modules first), or all of them"),
    arg("--report", metavar="OUT.md", help="with --engines: write a Markdown report"),
    arg("--save", metavar="DIR",
        help="with --engines and --reduce: save each reproducer (.wasm, .wat, calls) in DIR"),
    arg("--invoke", nargs="+", metavar=("FUNC", "ARG"),
        help="call only FUNC with these arguments (as for `wasmvm invoke`: 42, -1, 0x7f, "
             "1.5, inf, nan:0x200000, null); by default every exported function is called "
             "with sets of edge values"),
    arg("--tier", choices=("compiled", "reference", "both"), default="both",
        help="the wasmvm tier(s) to compare (default: both)"),
    arg("--fuel", type=int, default=10_000_000,
        help="wasmtime's fuel per call; a call that runs out is not compared (default 10M)"),
    arg("--timeout", type=float, default=60.0,
        help="wasmvm's wall-clock seconds per call (default 60)"),
    arg("--random-args", type=int, default=8, metavar="N",
        help="random argument sets per function, besides the edge values (default 8)"),
    arg("--seed", type=int, default=0, help="seed of the random argument sets"),
    arg("--arg", action="append", default=None, metavar="ARG", dest="wasi_args",
        help="for a WASI program (it runs _start once): an argument; repeat for more"),
    arg("--fuel-mode", action="store_true",
        help="also count fuel on wasmvm and compare running out and the fuel consumed"),
    arg("-v", "--verbose", action="store_true", help="list every call and its outcomes"),
)
def cmd_diff(args: argparse.Namespace) -> int:
    """Instantiate the module on wasmtime and on wasmvm (imports may come from the
    differential host module "host", see wasmvm/difftest/host.py) and call its exports
    on both: results compared bit for bit (NaNs from float arithmetic by class, as the spec
    allows), trap codes, exported globals, memories and tables, host calls. A WASI
    program (it imports wasi_snapshot_preview1 and exports _start) runs once, and its
    exit status, stdout and stderr are compared. Prints a report and the figures. Exit
    status: 0 when the engines agree, 1 when anything differs, 2 when the module needs
    imports that neither the host module nor WASI provides."""
    from ..difftest.engines import wasmtime_available
    from ..difftest.run import TIERS, Call, DiffOptions, diff_module
    from ..difftest.values import parse_val

    if args.engines is not None or args.smith or args.generate or args.mutate:
        return _multi(args)
    if args.file is None:
        raise UserError("give a FILE (or --engines with --smith N or --generate N)")
    if not wasmtime_available():
        raise UserError("wasmtime is not installed (pip install wasmtime)")
    data = read_input(args.file)
    options = DiffOptions(fuel=args.fuel, timeout=args.timeout, keep_records=args.verbose,
                          tiers=TIERS if args.tier == "both" else (args.tier,),
                          fuel_mode=args.fuel_mode,
                          wasi_argv=[_program_name(args.file), *(args.wasi_args or [])])
    calls = [Call(*_invoke_call(data, args.invoke, parse_val))] if args.invoke else None
    name = "<stdin>" if args.file == "-" else args.file
    report = diff_module(data, calls, options, name=name, extra=args.random_args, seed=args.seed)
    link = report.instantiation
    if not report.divergences and link is not None and link.kind == "link-error":
        print(f"error: cannot compare: {link.message} (the differential host provides only "
              f"the module \"host\", see wasmvm/difftest/host.py, and WASI)", file=sys.stderr)
        return 2
    print(report.format(verbose=args.verbose))
    if report.status == "rejected":
        print("both engines reject the module")
    elif report.status == "not-instantiated" and link is not None:
        print(f"both engines fail to instantiate the module: {link}")
    print(_summary(report))
    return 1 if report.divergences else 0


def _program_name(path: str) -> str:
    from pathlib import Path

    return "main.wasm" if path == "-" else Path(path).name


def _invoke_call(data: bytes, invoke: list[str], parse_val):
    """(name, args) for ``--invoke FUNC ARG...``, typed by the export's parameters."""
    from ..api import Module
    from ..errors import WasmError

    func, texts = invoke[0], invoke[1:]
    try:
        module = Module(None, data)
    except WasmError:
        return func, ()  # the comparison reports how each engine rejects it
    exports = {e.name: e.type for e in module.exports}
    ty = exports.get(func)
    if ty is None or not hasattr(ty, "params"):
        names = ", ".join(n for n, t in exports.items() if hasattr(t, "params")) or "none"
        raise UserError(f"no exported function {func!r} (exported functions: {names})")
    if len(texts) != len(ty.params):
        raise UserError(f"{func} takes {len(ty.params)} argument(s) "
                        f"({', '.join(ty.params) or 'none'}), got {len(texts)}")
    try:
        return func, tuple(parse_val(str(t), text) for t, text in zip(ty.params, texts))
    except ValueError as e:
        raise UserError(str(e)) from None


def _summary(report) -> str:
    from ..difftest.compare import plural

    kinds: dict[str, int] = {}
    for d in report.divergences:
        kinds[d.kind] = kinds.get(d.kind, 0) + 1
    text = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    verdict = "agree" if not report.divergences else f"DIFFER ({text})"
    calls, n = report.calls_compared, len(report.divergences)
    return (f"diff: {calls} {plural(calls, 'call')} compared, {n} {plural(n, 'divergence')}: "
            f"{verdict}")



def _multi(args: argparse.Namespace) -> int:
    """``--engines``: the module(s) or campaign across engines (difftest.multi)."""
    from pathlib import Path

    from ..difftest.adapters import EngineMissing
    from ..difftest.compare import plural
    from ..difftest.multi import (
        ENGINES,
        campaign_report,
        choose_reductions,
        reduce_all,
        run_campaign,
    )

    engines = [e.strip() for e in (args.engines or "wasmtime,wasmvm").split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown or len(engines) < 2:
        raise UserError(f"--engines takes at least two of {', '.join(ENGINES)}"
                        + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    if (args.smith or args.generate or args.mutate) and args.file is not None:
        raise UserError("give a FILE or a campaign (--smith/--generate/--mutate), not both")
    wasms = None
    if args.file is not None:
        path = Path(args.file)
        files = sorted([*path.rglob("*.wasm"), *path.rglob("*.wat"), *path.rglob("*.wast")]) \
            if path.is_dir() else [path]
        if not files:
            raise UserError(f"{args.file}: no .wasm, .wat or .wast files")
        wasms = []
        for f in files:
            if f.suffix == ".wast":
                wasms += _script_modules(f)
            else:
                wasms.append((str(f) if args.file != "-" else "<stdin>", read_input(str(f))))
    source = "smith" if args.smith else "mutate" if args.mutate else "generate"
    try:
        camp = run_campaign(engines, source=source if wasms is None else "files",
                            modules=args.smith or args.generate or args.mutate or 0,
                            seed=args.seed,
                            wasms=wasms, log=lambda m: print(m, file=sys.stderr))
    except (EngineMissing, FileNotFoundError) as e:
        raise UserError(str(e)) from None
    seen: dict = {}
    for d in camp.divergences:
        seen.setdefault(d.signature, []).append(d)
    for ds in seen.values():
        print(ds[0].format())
        if len(ds) > 1:
            print(f"    ... and {len(ds) - 1} more like it")
    if args.reduce:
        data = dict(wasms) if wasms else None
        chosen = choose_reductions(camp.divergences, None if args.reduce == "all" else args.reduce)
        cache: dict = {}

        def module_bytes(name: str):
            if data:
                return data.get(name)
            if name not in cache:
                cache[name] = _campaign_module(args, name)
            return cache[name]

        def show(r: dict) -> None:
            same = f" (the same reproducer as #{r['same_as']})" if r["same_as"] else ""
            print(f"\nreduced {r['signature']} (from {r['module']}, {r['step']}): "
                  f"{r['before']} -> {r['after']} {plural(r['after'], 'byte')}{same}; calls: "
                  f"{', '.join(r['calls']) or '(compiling)'}")
            if not r["same_as"]:
                print(r["wat"])
                if args.save:
                    _save(Path(args.save), len(camp.reductions), r)

        reduce_all(camp, chosen, module_bytes, show)
    if args.report:
        Path(args.report).write_text(campaign_report(camp), encoding="utf-8")
    n = len(camp.divergences)
    print(f"diff: {len(camp.modules)} module(s) on {', '.join(engines)}: "
          f"{sum(m.steps_compared for m in camp.modules):,} steps compared, "
          f"{n} divergence(s) of {len(seen)} kind(s)")
    return 1 if n else 0


def _script_modules(path) -> list[tuple[str, bytes]]:
    """The modules a .wast script defines (its module commands, text ones compiled), named
    ``FILE:LINE``; its assertions are not used: the calls are planned as for any module."""
    from ..script.commands import ModuleCommand
    from ..script.wast import load_wast

    try:
        script = load_wast(path)
    except Exception as e:  # noqa: BLE001 - a script we cannot read: say which
        raise UserError(f"{path}: {e}") from None
    out = []
    for cmd in script.commands:
        if type(cmd) is ModuleCommand:
            try:
                out.append((f"{script.name}:{cmd.line}",
                            script.module_bytes(cmd.wasm_filename or cmd.filename)))
            except Exception:  # noqa: BLE001, S112 - a text module that does not parse
                continue
    return out


def _campaign_module(args, name: str) -> bytes | None:
    """The bytes of campaign module ``name`` (made again from the seed)."""
    from ..difftest.multi import generated_modules, mutated_modules, smith_modules

    gen = smith_modules(args.smith, args.seed) if args.smith else \
        mutated_modules(args.mutate, args.seed) if args.mutate else \
        generated_modules(args.generate, args.seed)
    for n, data in gen:
        if n == name:
            return data
    return None


def _save(folder, k: int, r: dict) -> None:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"divergence-{k:03d}"
    stem.with_suffix(".wasm").write_bytes(r["wasm"])
    stem.with_suffix(".wat").write_text(r["wat"], encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(
        {k2: v for k2, v in r.items() if k2 not in ("wasm", "wat")}, indent=1), encoding="utf-8")
