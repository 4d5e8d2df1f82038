// The Node driver: V8's WebAssembly (Node's) behind the adapter protocol of
// wasmvm.difftest.adapters.SubprocessAdapter (one JSON request per line on stdin, one
// answer per line on stdout). Standard library only.
//
// Values cross exactly: JavaScript numbers would lose NaN payloads and cannot carry a
// v128, so each call goes through a small "trampoline" module made here for the callee's
// signature: it loads the arguments from its memory (their exact bits), calls the export
// (imported into the trampoline), and stores the results back. References (funcref,
// externref) are passed and returned as trampoline parameters and results. The call
// request carries the callee's result types ("results"), which the adapter reads from
// the binary; a global is read by a module that imports it (its type and mutability
// come with the request), so its bits are exact too.
"use strict";

const NUM = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };
const REF = { funcref: 0x70, externref: 0x6f };
const LOAD = { i32: [0x28], i64: [0x29], f32: [0x2a], f64: [0x2b], v128: [0xfd, 0x00] };
const STORE = { i32: [0x36], i64: [0x37], f32: [0x38], f64: [0x39], v128: [0xfd, 0x0b] };
const ARGS = 8, RESULTS = 4096, SLOT = 16;

function uleb(n) {
  const out = [];
  do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n);
  return out;
}
function sleb(n) {
  const out = [];
  for (;;) {
    const b = n & 0x7f; n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && (b & 0x40))) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
function name(s) { const b = Buffer.from(s, "utf8"); return [...uleb(b.length), ...b]; }
function section(id, body) { return [id, ...uleb(body.length), ...body]; }
function vtype(t) {
  const b = NUM[t] !== undefined ? NUM[t] : REF[t];
  if (b === undefined) throw new Unsupported(`a value of type ${t}`);
  return b;
}
function refKind(t) { return t.includes("func") ? "funcref" : "externref"; }

class Unsupported extends Error {}

// The helper modules made here, by what they are for: each has a type section, one
// import (module "m"), one function exported as "run" (index `run`), an exported memory
// of one page ("mem") and one code body.
const helpers = new Map();
function helperModule(key, types, imports, run, body) {
  if (!helpers.has(key)) {
    const bytes = [
      0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
      ...section(1, types),
      ...section(2, [1, ...imports]),
      ...section(3, [1, run]),
      ...section(5, [1, 0, 1]),
      ...section(7, [2, ...name("run"), 0x00, run, ...name("mem"), 0x02, 0]),
      ...section(10, [1, ...uleb(body.length), ...body]),
    ];
    helpers.set(key, new WebAssembly.Module(Uint8Array.from(bytes)));
  }
  return helpers.get(key);
}

function trampoline(params, results) {
  const key = params.join(",") + "->" + results.join(",");
  if (helpers.has(key)) return helpers.get(key);
  const refParams = params.filter((t) => !(t in NUM));
  const refResults = results.filter((t) => !(t in NUM));
  const types = [
    0x60, ...uleb(params.length), ...params.map(vtype), ...uleb(results.length), ...results.map(vtype),
    0x60, ...uleb(refParams.length), ...refParams.map(vtype), ...uleb(refResults.length),
    ...refResults.map(vtype),
  ];
  const code = [];
  let refIndex = 0;
  params.forEach((t, i) => {
    if (t in NUM) code.push(0x41, ...sleb(ARGS + SLOT * i), ...LOAD[t], 0, 0);
    else code.push(0x20, ...uleb(refIndex++));
  });
  code.push(0x10, 0);
  const base = refParams.length;  // a local per result, after the parameters
  for (let j = results.length - 1; j >= 0; j--) code.push(0x21, ...uleb(base + j));
  results.forEach((t, j) => {
    if (t in NUM) code.push(0x41, ...sleb(RESULTS + SLOT * j), 0x20, ...uleb(base + j), ...STORE[t], 0, 0);
  });
  results.forEach((t, j) => { if (!(t in NUM)) code.push(0x20, ...uleb(base + j)); });
  code.push(0x0b);
  const locals = [...uleb(results.length), ...results.flatMap((t) => [1, vtype(t)])];
  return helperModule(key, [2, ...types], [...name("m"), ...name("f"), 0x00, 0], 1,
                      [...locals, ...code]);
}

// a module that reads an imported global of type t (mutable or not) into its memory
function globalReader(t, mutable) {
  const code = [0, 0x41, ...sleb(RESULTS), 0x23, 0, ...STORE[t], 0, 0, 0x0b];
  return helperModule(`global ${t} ${mutable}`, [1, 0x60, 0, 0],
                      [...name("m"), ...name("g"), 0x03, NUM[t], mutable ? 1 : 0], 0, code);
}

class Host { constructor(n) { this.n = n; } }
const hosts = new Map();
function host(n) { if (!hosts.has(n)) hosts.set(n, new Host(n)); return hosts.get(n); }
function refOut(t, v) {
  if (v === null || v === undefined) return [t, null];
  if (v instanceof Host) return [t, v.n];
  return [t, "non-null"];
}

const modules = new Map(), instances = new Map(), registry = {};
let next = 0;
const spectest = {
  print() {}, print_i32() {}, print_i64() {}, print_f32() {}, print_f64() {},
  print_i32_f32() {}, print_f64_f64() {},
  global_i32: new WebAssembly.Global({ value: "i32" }, 666),
  global_i64: new WebAssembly.Global({ value: "i64" }, 666n),
  global_f32: new WebAssembly.Global({ value: "f32" }, 666.6),
  global_f64: new WebAssembly.Global({ value: "f64" }, 666.6),
  table: new WebAssembly.Table({ element: "anyfunc", initial: 10, maximum: 20 }),
  memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
};

function trapAnswer(e) {
  const exhausted = e instanceof RangeError;
  if (e instanceof WebAssembly.RuntimeError || exhausted) {
    return { error: "trap", message: String(e.message), exhausted };
  }
  if (e instanceof Unsupported) return { error: "unsupported", message: e.message };
  if (typeof WebAssembly.Exception === "function" && e instanceof WebAssembly.Exception) {
    return { error: "uncaught", message: "uncaught WebAssembly exception" };
  }
  return { error: "error", message: `${e && e.name}: ${e && e.message}` };
}

function handle(req) {
  switch (req.op) {
    case "compile": {
      let mod;
      try { mod = new WebAssembly.Module(Buffer.from(req.wasm, "base64")); } catch (e) {
        return { error: "rejected", message: String(e.message) };
      }
      modules.set(++next, mod);
      return { ok: true, module: next };
    }
    case "instantiate": {
      const imports = { spectest, ...registry };
      let inst;
      try { inst = new WebAssembly.Instance(modules.get(req.module), imports); } catch (e) {
        if (e instanceof WebAssembly.LinkError || e instanceof TypeError) {
          return { error: "unlinkable", message: String(e.message) };
        }
        return trapAnswer(e);
      }
      instances.set(++next, inst);
      return { ok: true, instance: next };
    }
    case "register":
      registry[req.name] = instances.get(req.instance).exports;
      return { ok: true };
    case "call": return call(req);
    case "get": {
      const g = instances.get(req.instance).exports[req.export];
      if (!(g instanceof WebAssembly.Global)) return { error: "error", message: "no such global" };
      if (req.type in NUM) {  // exact bits (and a v128, which JavaScript cannot hold)
        const reader = new WebAssembly.Instance(globalReader(req.type, !!req.mutable), { m: { g } });
        reader.exports.run();
        const dv = new DataView(reader.exports.mem.buffer);
        const t = req.type;
        if (t === "i32" || t === "f32") return { ok: true, value: [t, dv.getUint32(RESULTS, true)] };
        if (t === "i64" || t === "f64") return { ok: true, value: [t, dv.getBigUint64(RESULTS, true)] };
        return { ok: true, value: [t, dv.getBigUint64(RESULTS, true) | (dv.getBigUint64(RESULTS + 8, true) << 64n)] };
      }
      const v = g.value;
      if (typeof v === "bigint") return { ok: true, value: ["i64", v & 0xffffffffffffffffn] };
      if (typeof v === "number") {
        // (the JavaScript value does not say the global's type: i32 if integral and in range)
        const t = req.type || (Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? "i32" : "f64");
        return { ok: true, value: [t, bitsOf(t, v)] };
      }
      return { ok: true, value: refOut(req.type || "externref", v) };
    }
    default: return { error: "error", message: `unknown op ${req.op}` };
  }
}

function bitsOf(t, v) {
  const dv = new DataView(new ArrayBuffer(8));
  if (t === "i32") return v >>> 0;
  if (t === "f32") { dv.setFloat32(0, v, true); return dv.getUint32(0, true); }
  dv.setFloat64(0, v, true); return dv.getBigUint64(0, true);
}

function call(req) {
  const func = instances.get(req.instance).exports[req.export];
  if (typeof func !== "function") return { error: "error", message: `no exported function ${req.export}` };
  const params = req.args.map((a) => a[0]);
  const results = req.results;
  if (!results) return { error: "unsupported", message: "the request has no result types" };
  let tramp;
  try {
    const t = trampoline(params.map((p) => (p in NUM ? p : refKind(p))), results.map((r) => (r in NUM ? r : refKind(r))));
    tramp = new WebAssembly.Instance(t, { m: { f: func } });
  } catch (e) { return trapAnswer(e); }
  const dv = new DataView(tramp.exports.mem.buffer);
  const refs = [];
  req.args.forEach(([t, v], i) => {
    const off = ARGS + SLOT * i;
    if (t === "i32" || t === "f32") dv.setUint32(off, Number(v), true);
    else if (t === "i64" || t === "f64") dv.setBigUint64(off, BigInt(v), true);
    else if (t === "v128") {
      const b = BigInt(v);
      dv.setBigUint64(off, b & 0xffffffffffffffffn, true);
      dv.setBigUint64(off + 8, b >> 64n, true);
    } else refs.push(v === null ? null : typeof v === "number" ? host(v) : (() => { throw new Unsupported(`a ${t} argument`); })());
  });
  let out;
  try { out = tramp.exports.run(...refs); } catch (e) { return trapAnswer(e); }
  const refResults = out === undefined ? [] : Array.isArray(out) ? out : [out];
  let r = 0;
  return {
    ok: true,
    results: results.map((t, j) => {
      const off = RESULTS + SLOT * j;
      if (t === "i32" || t === "f32") return [t, dv.getUint32(off, true)];
      if (t === "i64" || t === "f64") return [t, dv.getBigUint64(off, true)];
      if (t === "v128") return [t, dv.getBigUint64(off, true) | (dv.getBigUint64(off + 8, true) << 64n)];
      return refOut(t, refResults[r++]);
    }),
  };
}

// JSON with integers of any size: big numbers in requests are read as strings first
function parse(line) { return JSON.parse(line.replace(/([\[,:]\s*)(-?\d{16,})(?=\s*[\],}])/g, '$1"$2"')); }
function show(obj) {
  return JSON.stringify(obj, (k, v) => (typeof v === "bigint" ? `@@${v}@@` : v)).replace(/"@@(\d+)@@"/g, "$1");
}

process.stdout.write(show({ ok: true, engine: "node", version: process.version }) + "\n");
let buffer = "";
process.stdin.on("data", (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    let answer;
    try { answer = handle(parse(line)); } catch (e) { answer = trapAnswer(e); }
    process.stdout.write(show(answer) + "\n");
  }
});
