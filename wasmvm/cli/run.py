"""``wasmvm run``: run a WASI program the way ``wasmtime run`` does.

    wasmvm run hello.wasm
    wasmvm run --dir data::/data --env LANG=C prog.wasm arg1 arg2
    wasmvm run --invoke add lib.wasm 1 2          # a reactor: _initialize, then add(1, 2)

Options come before FILE; everything after FILE goes to the program. The program gets
this process's stdin, stdout and stderr, its arguments (FILE first, as argv[0]), the
environment given with --env and the directories given with --dir. Exit status: the
program's (``proc_exit`` or ``main``'s return value); 134 after a trap (128 + SIGABRT,
as wasmtime), whose message and wasm backtrace go to stderr; 1 when the module cannot be
loaded or linked; 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from ..errors import Trap
from .registry import UserError, arg, command, exported_call, format_error, read_input

#: The exit status after a trap: 128 + SIGABRT, as wasmtime's.
TRAP_EXIT_STATUS = 134


@command(
    "run", "run a WASI program (its _start, or --invoke a function of a reactor)",
    arg("--dir", action="append", default=[], metavar="HOST[::GUEST]",
        help="give the program the host directory HOST, as GUEST (default: HOST); repeatable"),
    arg("--env", action="append", default=[], metavar="NAME[=VALUE]",
        help="set an environment variable (NAME alone: this process's value); repeatable"),
    arg("--invoke", metavar="FUNC",
        help="call FUNC instead of _start (after _initialize if the module has one); "
             "ARGS are then FUNC's arguments, and its results print as TYPE:VALUE"),
    arg("--fuel", type=int, metavar="N",
        help="run with N units of fuel (one per instruction); running out traps"),
    arg("--tier", choices=("compiled", "reference"), default="compiled",
        help="the execution tier (default: compiled)"),
    arg("--cache", action=argparse.BooleanOptionalAction, default=True,
        help="keep the compiled tier's translations on disk ($WASMVM_CACHE_DIR, else "
             "~/.cache/wasmvm/translations), so that the next run of the same module "
             "skips translating (default: on)"),
    arg("--stats", action="store_true",
        help="after the program, print to standard error: the module's functions, how many "
             "the compiled tier translated, those it left to the reference tier (and why), "
             "the time spent translating, the wall time, and fuel used (with --fuel)"),
    arg("--profile", metavar="OUT",
        help="profile the run: per function calls, self and total time (and fuel, with "
             "--fuel); write OUT (.json: a speedscope profile, else collapsed stacks for "
             "flamegraph.pl) and print the top functions to standard error"),
    arg("--trace", action="store_true",
        help="trace every instruction to standard error (as `wasmvm trace` prints it; "
             "runs on the reference tier)"),
    arg("file", metavar="FILE", help="a .wasm module, or - for standard input"),
    arg("args", metavar="ARGS", nargs=argparse.REMAINDER, help="the program's arguments"),
)
def cmd_run(args: argparse.Namespace) -> int:
    """Run a WebAssembly program compiled for WASI preview1 (wasm32-wasi), as wasmtime
    run does, in a sandbox: the program reaches only the directories given with --dir."""
    from ..api import Config, Engine, Func, Linker, Module, Store
    from ..wasi import ExitTrap, WasiConfig, define_wasi, set_wasi

    if args.fuel is not None and args.fuel < 0:
        raise UserError("--fuel needs a number of at least 0")
    config = _wasi_config(WasiConfig(), args)
    started = time.perf_counter()
    engine = Engine(Config(consume_fuel=args.fuel is not None, tier=args.tier,
                           cache=args.cache))
    module = Module(engine, read_input(args.file))
    store = Store(engine)
    if args.fuel is not None:
        store.set_fuel(args.fuel)
    if args.trace:
        from ..observe.trace import Tracer, format_record

        store.add_observer(Tracer(lambda record: print(format_record(record), file=sys.stderr)))
    try:
        ctx = set_wasi(store, config)
    except OSError as e:
        raise UserError(str(e)) from None
    profiler = None
    try:
        linker = Linker(engine)
        define_wasi(linker, store)
        if args.profile:
            from ..observe.profile import Profiler

            profiler = Profiler(store).start()
        instance = linker.instantiate(store, module)
        exports = instance.exports(store)
        try:
            if args.invoke is None:
                start = exports.get("_start")
                if not isinstance(start, Func):
                    func_names = [n for n in exports if isinstance(exports[n], Func)]
                    raise UserError(f"{args.file} exports no _start function; for a reactor or "
                                    f"library, name a function with --invoke (exported "
                                    f"functions: {', '.join(func_names) or 'none'})")
                start(store)
            else:
                _invoke(store, exports, args)
        except ExitTrap as e:
            return e.code
        except Trap as e:
            _flush()
            print(format_error(e), file=sys.stderr)
            return TRAP_EXIT_STATUS
        return 0
    finally:
        _flush()
        ctx.close()
        if profiler is not None:
            _write_profile(profiler.stop(), args.profile, args.file)
        if args.stats:
            _print_stats(engine, module, store, args, time.perf_counter() - started)


def _write_profile(profiler, out: str, name: str) -> None:
    """--profile: the profile to ``out``, its summary to standard error."""
    import json

    text = (json.dumps(profiler.to_speedscope(os.path.basename(name)))
            if out.endswith(".json") else profiler.to_collapsed())
    try:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as e:
        print(f"error: --profile {out}: cannot write: {e.strerror or e}", file=sys.stderr)
    print("\n".join(profiler.summary()), file=sys.stderr)


def _print_stats(engine, module, store, args: argparse.Namespace, wall: float) -> None:
    """--stats: what the run cost, on standard error (after the program's own output)."""
    syntax = module.syntax
    defined = len(syntax.funcs)
    imported = sum(imp.kind == "func" for imp in syntax.imports)
    lines = [f"stats: functions in the module: {defined} defined + {imported} imported"]
    stats = getattr(engine.tier, "stats", None)
    if stats is None:
        lines.append(f"stats: tier: {engine.tier.name} (nothing translated)")
    else:
        cached = f", {stats.cached} from the cache" if engine.tier.cache is not None else ""
        if cached and stats.workers:
            cached += ", filled before or now by a worker translating ahead"
        if stats.ahead:
            cached += f", {stats.ahead} translated ahead by a worker process"
        lines.append(f"stats: translated: {stats.translated} of {defined} "
                     f"({stats.flat} in the flat form{cached})")
        lines.append(f"stats: fallbacks: {len(stats.fallbacks)}")
        lines += [f"stats:   {name}: {reason}" for name, reason in stats.fallbacks]
        lines.append(f"stats: translation time: {stats.seconds:.3f} s")
    lines.append(f"stats: wall time: {wall:.3f} s")
    if args.fuel is not None:
        lines.append(f"stats: fuel used: {args.fuel - store.get_fuel()}")
    print("\n".join(lines), file=sys.stderr)


def _wasi_config(config, args: argparse.Namespace):
    config.argv = [args.file, *args.args] if args.invoke is None else [args.file]
    env = []
    for item in args.env:
        name, sep, value = item.partition("=")
        if not name:
            raise UserError(f"--env {item!r}: expected NAME=VALUE")
        if not sep:
            value = os.environ.get(name)
            if value is None:
                continue
        env.append((name, value))
    config.env = env
    for item in args.dir:
        host, sep, guest = item.partition("::")
        try:
            config.preopen_dir(host, guest if sep else host)
        except OSError as e:
            raise UserError(f"--dir {item}: {e}") from None
    config.inherit_stdin()
    config.inherit_stdout()
    config.inherit_stderr()
    return config


def _invoke(store, exports, args: argparse.Namespace) -> None:
    from ..api import Func
    from ..api.values import format_value

    init = exports.get("_initialize")
    func, vals = exported_call(store, exports, args.invoke, args.args)
    if isinstance(init, Func) and args.invoke != "_initialize":
        init(store)
    results = func.call_vals(store, vals)
    _flush()
    for v in results:
        print(format_value(v))


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (ValueError, OSError):
            pass
