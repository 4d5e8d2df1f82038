"""The pywasm driver: pywasm (PyPI, pure Python) behind the adapter protocol.

Run by ``difftest.adapters.SubprocessAdapter`` with a Python that has pywasm installed
(pywasm is never a dependency of wasmvm). It reads one JSON request per line on stdin
and writes one JSON answer per line on stdout (see ``SubprocessAdapter`` for the
protocol). Imports only pywasm and the standard library.
"""

import base64
import io
import json
import sys

import pywasm
from pywasm import core

_TYPES = {"i32": core.ValType.i32, "i64": core.ValType.i64, "f32": core.ValType.f32,
          "f64": core.ValType.f64, "v128": core.ValType.v128,
          "funcref": core.ValType.ref_func, "externref": core.ValType.ref_extern}
_WIDTH = {"i32": 4, "i64": 8, "f32": 4, "f64": 8, "v128": 16}
_NAMES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128",
          0x70: "funcref", 0x6F: "externref"}
#: host references (the spec's ref.extern n) travel as n + this offset: pywasm keeps a
#: reference as an int, and function references are store addresses
HOST = 1 << 30


class Runtime:
    def __init__(self):
        self.rt = core.Runtime()
        self.modules = {}
        self.instances = {}
        self.next = 0
        self.rt.imports["spectest"] = self.spectest()

    def spectest(self):
        rt = self.rt
        v = core.ValType
        out = {}
        prints = {"print": [], "print_i32": [v.i32()], "print_i64": [v.i64()],
                  "print_f32": [v.f32()], "print_f64": [v.f64()],
                  "print_i32_f32": [v.i32(), v.f32()], "print_f64_f64": [v.f64(), v.f64()]}
        for name, params in prints.items():
            out[name] = rt.allocate_func_host(core.FuncType(params, []), lambda *a: [])
        out["global_i32"] = rt.allocate_global(core.GlobalType(v.i32(), 0), core.ValInst.from_i32(666))
        out["global_i64"] = rt.allocate_global(core.GlobalType(v.i64(), 0), core.ValInst.from_i64(666))
        out["global_f32"] = rt.allocate_global(core.GlobalType(v.f32(), 0), core.ValInst.from_f32(666.6))
        out["global_f64"] = rt.allocate_global(core.GlobalType(v.f64(), 0), core.ValInst.from_f64(666.6))
        out["table"] = rt.allocate_table(core.TableType(v.ref_func(), core.Limits(10, 20)))
        out["memory"] = rt.allocate_memory(core.MemType(core.Limits(1, 2)))
        return out

    def reset(self) -> None:
        """After a trap pywasm leaves its operand, label and frame stacks as they were:
        an embedder starts the next call on empty ones (the store is kept)."""
        self.rt.machine.stack = core.Stack()

    def trapped(self, e: Exception) -> dict:
        """The answer for a trap (a RecursionError: the stack ran out), the machine reset."""
        self.reset()
        if isinstance(e, RecursionError):
            return {"error": "trap", "message": "RecursionError", "exhausted": True}
        return {"error": "trap", "message": f"{type(e).__name__}: {e}"}

    def _id(self) -> int:
        self.next += 1
        return self.next

    def compile(self, req):
        data = base64.b64decode(req["wasm"])
        try:
            module = core.ModuleDesc.from_reader(io.BytesIO(data))
        except RecursionError:
            return {"error": "rejected", "message": "RecursionError while decoding"}
        except Exception as e:  # pywasm reports every problem as an exception
            return {"error": "rejected", "message": f"{type(e).__name__}: {e}"}
        k = self._id()
        self.modules[k] = module
        return {"ok": True, "module": k}

    def instantiate(self, req):
        module = self.modules[req["module"]]
        for imp in module.imps:
            if imp.name not in self.rt.imports.get(imp.module, {}):
                return {"error": "unlinkable", "message": f"unknown import {imp.module}.{imp.name}"}
        try:
            inst = self.rt.instance(module)
        except Exception as e:  # pywasm reports a trap as any exception
            return self.trapped(e)
        k = self._id()
        self.instances[k] = inst
        return {"ok": True, "instance": k}

    def register(self, req):
        inst = self.instances[req["instance"]]
        self.rt.imports[req["name"]] = {e.name: e.data for e in inst.exps}
        return {"ok": True}

    def _arg(self, item):
        t, v = item
        if t in _WIDTH:
            return core.ValInst(_TYPES[t](), bytearray(v.to_bytes(_WIDTH[t], "little")) +
                                bytearray(16 - _WIDTH[t]))
        if t not in _TYPES:
            raise NotImplementedError(f"a {t} argument")
        if v is None:
            return core.ValInst.zero(_TYPES[t]())
        return core.ValInst.from_ref(_TYPES[t](), HOST + v)

    def _result(self, val):
        t = _NAMES.get(val.type.data, "unknown")
        if t in _WIDTH:
            return [t, int.from_bytes(bytes(val.data[:_WIDTH[t]]), "little")]
        if val.data[4] == 0:
            return [t, None]
        n = val.into_ref()
        return [t, n - HOST if t == "externref" and n >= HOST else "non-null"]

    def _export(self, inst, name, kind):
        for e in inst.exps:
            if e.name == name and e.data.kind == kind:
                return e.data.data
        return None

    def call(self, req):
        inst = self.instances[req["instance"]]
        addr = self._export(inst, req["export"], 0x00)
        if addr is None:
            return {"error": "error", "message": f"no exported function {req['export']!r}"}
        try:
            args = [self._arg(a) for a in req["args"]]
        except NotImplementedError as e:
            return {"error": "unsupported", "message": str(e)}
        try:
            rets = self.rt.machine.invocate(addr, args)
        except Exception as e:  # pywasm reports a trap as any exception
            return self.trapped(e)
        return {"ok": True, "results": [self._result(r) for r in rets]}

    def get(self, req):
        inst = self.instances[req["instance"]]
        addr = self._export(inst, req["export"], 0x03)
        if addr is None:
            return {"error": "error", "message": f"no exported global {req['export']!r}"}
        return {"ok": True, "value": self._result(self.rt.machine.store.glob[addr].data)}


def main() -> None:
    sys.setrecursionlimit(20_000)
    runtime = Runtime()
    out = sys.stdout
    sys.stdout = sys.stderr  # (nothing pywasm prints may break the protocol)
    out.write(json.dumps({"ok": True, "engine": "pywasm", "version": pywasm.__version__
                          if hasattr(pywasm, "__version__") else "?"}) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        try:
            answer = getattr(runtime, req["op"])(req)
        except Exception as e:  # a driver bug: say so, keep serving
            answer = {"error": "error", "message": f"driver: {type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
