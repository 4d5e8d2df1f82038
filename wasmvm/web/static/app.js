// The wasmvm playground. Plain JavaScript, no build step.
//
// Two back ends answer the same requests with the same JSON:
//   server   fetch() to the FastAPI service (/api/...)
//   browser  wasmvm itself, running inside this page on Pyodide (wasmvm.web.browser)
// Each answer is {status, body}: the HTTP status and body the server sends, or the same
// pair computed in the page. Stepping differs: the server sends a recording of a bounded
// run that the page moves through; in the browser a live Debugger moves on every click.
//
// The first view loads an example at once (bundled/fac.wasm). Links choose another and
// the mode: /?example=fib&mode=browser. The address follows what the user picks.
"use strict";

const $ = (id) => document.getElementById(id);
const hex = (n, width = 6) => n.toString(16).padStart(width, "0");
const pairs = (h) => (h.match(/../g) || []).join(" ");

const playground = {
  mode: "server",
  config: null,
  info: null,           // the module's description (POST /api/modules)
  bytes: null,          // its bytes (Uint8Array)
  name: null,
  sourceUrl: null,
  edited: false,        // the module is the editor's text (compiled as it is typed)
  example: null,        // the loaded example as a link names it ("fac"), null for a file
  browser: null,        // the in-browser back end, once Pyodide is loaded
  timings: {},          // browserLoadSeconds, ...
  session: null,        // the debugging session
  busy: 0,
};
window.wasmvmPlayground = playground;

// ---- back ends ---------------------------------------------------------------------------
async function post(url, body, type) {
  const response = await fetch(url, {method: "POST", headers: {"content-type": type}, body});
  let json;
  try {
    json = await response.json();
  } catch (e) {
    json = {error: "bad_response", message: `HTTP ${response.status} ${response.statusText}`};
  }
  return {status: response.status, body: json};
}

const server = {
  describe: (bytes) => post("/api/modules", bytes, "application/wasm"),
  invoke: (req) => post("/api/invoke", JSON.stringify(req), "application/json"),
  translate: (req) => post("/api/translate", JSON.stringify(req), "application/json"),
  stackvm: (req) => post("/api/stackvm", JSON.stringify(req), "application/json"),
  async debug(req) {
    const answer = await post("/api/steps", JSON.stringify(req), "application/json");
    if (answer.status !== 200) return answer;
    return {status: 200, body: new Recording(answer.body)};
  },
};

function browserBackend(py) {
  const call = (text) => JSON.parse(text);
  return {
    describe: async (bytes) => call(py.describe(bytes)),
    invoke: async (req) => call(py.invoke(JSON.stringify(req))),
    translate: async (req) => call(py.translate(JSON.stringify(req))),
    stackvm: async (req) => call(py.stackvm(JSON.stringify(req))),
    async debug(req) {
      const answer = call(py.debug_start(JSON.stringify(req)));
      if (answer.status !== 200) return answer;
      return {status: 200, body: new LiveSession(py, answer.body)};
    },
  };
}

const backend = () => (playground.mode === "browser" ? playground.browser : server);

// ---- debugging sessions: {snapshot(), move(how), back(), canGoBack} ---------------------------
// A snapshot: {state, done, results, trap, note}.
class Recording {
  constructor(body) {
    this.body = body;
    this.steps = body.steps;
    this.i = 0;
    this.canGoBack = true;
    this.kind = `server: a recording of ${body.steps.length} step(s)` +
      (body.truncated ? " (stopped at the limit)" : "");
  }
  snapshot() {
    const n = this.steps.length;
    if (this.i < n) return {state: this.steps[this.i], done: false, index: this.i};
    const b = this.body;
    const note = b.truncated ? `the recording stops here: ${n} steps is the limit` : null;
    return {state: b.trap && n ? this.steps[n - 1] : null, done: true, results: b.results,
            trap: b.trap, note, index: n};
  }
  move(how) {
    const s = this.steps, n = s.length;
    if (how === "back_over") {  // back to the latest earlier step at this depth or above
      if (this.i === 0) return this.snapshot();
      const depth = this.i < n ? s[this.i].depth : 0;
      let j = this.i - 1;
      while (j > 0 && s[j].depth > depth) j--;
      this.i = j;
      return this.snapshot();
    }
    if (this.i >= n) return this.snapshot();
    const depth = s[this.i].depth;
    let j = this.i + 1;
    if (how === "over") while (j < n && s[j].depth > depth) j++;
    else if (how === "out") while (j < n && s[j].depth >= depth) j++;
    else if (how === "continue") j = n;
    this.i = Math.min(j, n);
    return this.snapshot();
  }
  back() {
    this.i = Math.max(0, this.i - 1);
    return this.snapshot();
  }
  goto(k) {
    this.i = Math.max(0, Math.min(k, this.steps.length));
    return this.snapshot();
  }
  get furthest() { return this.steps.length; }
}

class LiveSession {
  constructor(py, first) {
    this.py = py;
    this.last = first;
    this.canGoBack = true;
    this.kind = "in this browser: a live Debugger, with its history";
  }
  snapshot() { return {...this.last, index: this.last.steps}; }
  answer(text) {
    const answer = JSON.parse(text);
    if (answer.status !== 200) throw new Error(answer.body.message);
    this.last = answer.body;
    return this.snapshot();
  }
  move(how) { return this.answer(this.py.debug_move(how)); }
  back() { return this.move("back"); }
  goto(k) { return this.answer(this.py.debug_goto(k)); }
  get furthest() { return this.last.history; }
}

// ---- the mode ------------------------------------------------------------------------------
function showMode() {
  const browser = playground.mode === "browser";
  document.body.classList.toggle("mode-browser", browser);
  document.body.classList.toggle("mode-server", !browser);
  const badge = $("mode-badge");
  badge.dataset.mode = playground.mode;
  badge.textContent = browser ? "Mode: in-browser" : "Mode: server";
  const t = playground.timings;
  $("mode-detail").textContent = browser
    ? `wasmvm runs inside this page on Pyodide ${t.pyodideVersion} (Python ${t.pythonVersion}), ` +
      `loaded in ${t.browserLoadSeconds.toFixed(1)} s`
    : "the engine runs in Python on the server";
  $("use-server").disabled = !browser;
  $("use-browser").disabled = browser;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(script);
  });
}

async function loadBrowser() {
  const cfg = playground.config.browser;
  const t0 = performance.now();
  $("mode-badge").dataset.mode = "loading";
  $("mode-badge").textContent = "Mode: loading Pyodide…";
  $("mode-detail").textContent = `from ${cfg.pyodide_url}, then the wasmvm wheel from ${cfg.wheel_url}`;
  await loadScript(cfg.pyodide_url + "pyodide.js");
  const pyodide = await window.loadPyodide({indexURL: cfg.pyodide_url});
  const response = await fetch(cfg.wheel_url);
  if (!response.ok) throw new Error(`${cfg.wheel_url}: HTTP ${response.status}`);
  pyodide.unpackArchive(await response.arrayBuffer(), "wheel");
  const py = pyodide.pyimport("wasmvm.web.browser");
  playground.timings.browserLoadSeconds = (performance.now() - t0) / 1000;
  playground.timings.pyodideVersion = pyodide.version;
  playground.timings.pythonVersion = pyodide.runPython("import sys; sys.version.split()[0]");
  playground.browser = browserBackend(py);
}

async function setMode(mode) {
  const note = $("mode-note");
  note.hidden = true;
  if (mode === "browser" && !playground.browser) {
    const cfg = playground.config.browser;
    if (!cfg.available) {
      note.textContent = `The in-browser mode is not available: ${cfg.reason}`;
      note.hidden = false;
      return;
    }
    try {
      await loadBrowser();
    } catch (e) {
      note.textContent = `Loading the in-browser mode failed: ${e.message}`;
      note.hidden = false;
      showMode();
      return;
    }
  }
  playground.mode = mode;
  showMode();
  $("program-steps").innerHTML = "";
  $("program-status").textContent = "";
  if (playground.edited) await compileSource();  // the edited text, in the new mode
  else if (playground.bytes) await showModule(playground.bytes, playground.name, playground.sourceUrl);
}

// ---- loading a module ------------------------------------------------------------------------
async function loadExamples() {
  const examples = await (await fetch("/api/examples")).json();
  const select = $("example");
  select.innerHTML = "";
  for (const ex of examples) {
    const option = document.createElement("option");
    option.value = ex.url;
    option.textContent = `${ex.name} (${ex.size} bytes)`;
    option.dataset.name = ex.name;
    option.dataset.source = ex.source_url || "";
    select.appendChild(option);
  }
  const preferred = findExample(DEFAULT_EXAMPLE);
  if (preferred) select.value = preferred.value;
}

const DEFAULT_EXAMPLE = "bundled/fac.wasm";
const stripWasm = (name) => name.replace(/\.wasm$/, "");
const baseName = (name) => stripWasm(name.split("/").pop());

// The example a link names: "bundled/fac.wasm", "bundled/fac", or just "fac" (bundled
// examples first, then the checkout's fixtures).
function findExample(name) {
  const options = [...$("example").options];
  const wanted = stripWasm(name.trim());
  return options.find((o) => stripWasm(o.dataset.name) === wanted) ||
    options.find((o) => baseName(o.dataset.name) === wanted) || null;
}

// The shortest name that finds this example again.
function linkName(option) {
  const short = baseName(option.dataset.name);
  return findExample(short) === option ? short : stripWasm(option.dataset.name);
}

// The address follows the page: ?example=fib&mode=browser (mode=server is the default).
function syncUrl() {
  const params = new URLSearchParams();
  if (playground.example) params.set("example", playground.example);
  if (playground.mode === "browser") params.set("mode", "browser");
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

async function loadExample() {
  const option = $("example").selectedOptions[0];
  if (!option) return;
  $("module-summary").textContent = `loading ${option.dataset.name}…`;
  const response = await fetch(option.value);
  if (!response.ok) throw new Error(`${option.value}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  playground.example = linkName(option);
  await showModule(bytes, option.dataset.name, option.dataset.source || null);
}

async function loadFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  playground.example = null;
  await showModule(bytes, file.name, null);
}

// The first view: the example and mode a link asks for (?example=fib&mode=browser), else
// the default example on the server; never an empty page.
async function firstView() {
  const params = new URLSearchParams(location.search);
  const notes = [];
  const mode = params.get("mode");
  if (mode !== null && mode !== "server" && mode !== "browser") {
    notes.push(`The link asks for mode "${mode}", which does not exist: use mode=server or ` +
               "mode=browser. This page runs on the server.");
  }
  const wanted = params.get("example");
  let option = wanted !== null ? findExample(wanted) : null;
  if (wanted !== null && !option) {
    const known = [...$("example").options].map(linkName).join(", ");
    notes.push(`There is no example "${wanted}". The examples are: ${known || "(none)"}. ` +
               `Showing ${DEFAULT_EXAMPLE} instead.`);
  }
  option = option || findExample(DEFAULT_EXAMPLE) || $("example").options[0];
  const note = $("link-note");
  note.textContent = notes.join(" ");
  note.hidden = !notes.length;
  if (mode === "browser") await setMode("browser");
  if (!option) return;
  $("example").value = option.value;
  await loadExample();
}

function errorText(answer) {
  const b = answer.body || {};
  const where = b.line != null ? ` at line ${b.line}, column ${b.column}`
    : b.offset != null ? ` at offset 0x${b.offset.toString(16)}` : "";
  return `${answer.status} ${b.error || "error"}: ${b.message || "?"}${where}`;
}

function showError(element, answer) {
  element.textContent = errorText(answer);
  element.hidden = false;
}

const NO_SOURCE = "(no .wat source for this module: type WAT here and it compiles as you type)";

// A module from bytes (an example, a file): describe it, show it, and its .wat source
// in the editor when there is one.
async function showModule(bytes, name, sourceUrl) {
  playground.sourceUrl = sourceUrl;
  playground.edited = false;
  const source = $("source");
  source.value = "";
  source.placeholder = NO_SOURCE;
  setSourceStatus("", "");
  if (sourceUrl) {
    const response = await fetch(sourceUrl);
    if (response.ok) source.value = await response.text();
  }
  const answer = await backend().describe(bytes);
  if (answer.status !== 200) {
    playground.bytes = bytes;
    playground.name = name;
    playground.info = null;
    for (const id of ["views", "run", "debug"]) $(id).hidden = true;
    $("structure").hidden = false;  // the source editor stays: fix the text there
    for (const id of ["sections", "imports", "exports"]) $(id).innerHTML = "";
    $("module-summary").textContent = `${name}: ${bytes.length} bytes`;
    showError($("load-error"), answer);
    return;
  }
  renderModule(answer.body, bytes, name);
}

// Everything the page shows about a described module.
function renderModule(info, bytes, name) {
  playground.bytes = bytes;
  playground.name = name;
  playground.session = null;
  resetDebugger();
  $("load-error").hidden = true;
  playground.info = info;
  $("module-summary").textContent =
    `${name}: ${info.size} bytes, ${info.sections.length} sections, ` +
    `${info.exports.length} exports` + (info.name ? ` — module $${info.name}` : "");
  renderStructure(info);
  renderBytes(info, bytes);
  renderDisassembly(info);
  renderExports(info);
  for (const id of ["structure", "views", "run", "debug"]) $(id).hidden = false;
  $("result").textContent = "";
  $("trace-out").hidden = true;
  $("profile-out").hidden = true;
  playground.python = null;
  guard(showPython)();  // (not awaited: the pane fills in when the translation arrives)
}

// ---- the Python pane: what the compiled tier makes of each function --------------------------
async function showPython() {
  const info = playground.info;
  const status = $("python-status");
  status.textContent = "translating…";
  const answer = await backend().translate({module_id: info.id, fuel: $("python-fuel").checked});
  if (playground.info !== info) return;  // another module since
  if (answer.status !== 200) {
    $("python").textContent = "";
    status.textContent = errorText(answer);
    return;
  }
  playground.python = answer.body;
  const select = $("python-func");
  const chosen = select.value;
  select.innerHTML = "";
  for (const f of answer.body.functions) {
    const option = document.createElement("option");
    option.value = String(f.index);
    option.textContent = `${f.index}: ${f.name} ${f.type} (${f.form})`;
    select.appendChild(option);
  }
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  status.textContent = answer.body.functions.length ? "" : "the module defines no functions";
  if (answer.body.truncated) status.textContent = "(cut at the service's limit)";
  renderPython();
}

function renderPython() {
  const box = $("python");
  box.innerHTML = "";
  const body = playground.python;
  if (!body) return;
  const f = body.functions.find((x) => String(x.index) === $("python-func").value);
  if (!f) return;
  for (const line of f.lines) {
    const div = document.createElement("div");
    div.className = "pline";
    const code = document.createElement("span");
    code.textContent = line.text || "\u00a0";
    div.appendChild(code);
    if (line.instructions.length) {
      const note = document.createElement("span");
      note.className = "pnote";
      note.textContent = "   # " + line.instructions.join("; ");
      div.appendChild(note);
      div.dataset.offsets = line.offsets.filter((o) => o != null).join(",");
    }
    box.appendChild(div);
  }
  if (f.unreachable) {
    const div = document.createElement("div");
    div.className = "pline pnote";
    div.textContent = `# not translated (unreachable): ${f.unreachable} instruction(s)`;
    box.appendChild(div);
  }
}

// Hovering a Python line highlights its instructions in the disassembly and their bytes.
function describePythonLine(div) {
  clearHighlight("hl");
  clearHighlight("hl-instr");
  div.classList.add("hl");
  let first = true;
  for (const text of (div.dataset.offsets || "").split(",")) {
    if (!text) continue;
    const offset = Number(text);
    const i = view.lineAt[offset];
    if (i == null || i < 0) continue;
    const line = playground.info.disassembly[i];
    view.lines[i].classList.add("hl");
    highlightRange(line.offset, line.length, "hl-instr");
    if (first) {
      view.lines[i].scrollIntoView({block: "nearest"});
      view.spans[offset]?.scrollIntoView({block: "nearest"});
      first = false;
    }
  }
}

function setSourceStatus(text, cls) {
  const status = $("source-status");
  status.textContent = text;
  status.className = cls;
}

const fromBase64 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

// The WAT in the editor, compiled by wasmvm (on the server or in the page): the bytes,
// annotations and disassembly follow; a malformed text says where (line:column) and
// leaves the last good module on view.
async function compileSource() {
  const text = $("source").value;
  playground.edited = true;
  if (!text.trim()) {
    setSourceStatus("", "");
    return;
  }
  const answer = await backend().describe(new TextEncoder().encode(text));
  if (answer.status !== 200) {
    const b = answer.body || {};
    const where = b.line != null ? `${b.line}:${b.column}: ` : "";
    setSourceStatus(`${where}${b.message || errorText(answer)}`, "error");
    return;
  }
  const info = answer.body;
  const bytes = info.wasm ? fromBase64(info.wasm) : new TextEncoder().encode(text);
  playground.example = null;
  renderModule(info, bytes, "edited.wat");
  setSourceStatus(`compiled: ${bytes.length} bytes`, "muted");
  syncUrl();
}

let compileTimer = null;
function sourceEdited() {
  clearTimeout(compileTimer);
  setSourceStatus("compiling…", "muted");
  compileTimer = setTimeout(guard(compileSource), 300);
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}

function renderStructure(info) {
  const table = $("sections");
  table.innerHTML = "<tr><th>id</th><th>name</th><th>offset</th><th>size</th><th>contents</th></tr>";
  for (const s of info.sections) {
    const row = table.insertRow();
    cell(row, s.id);
    cell(row, s.name);
    cell(row, "0x" + hex(s.offset), "mono");
    cell(row, s.size);
    cell(row, s.custom_name != null ? `"${s.custom_name}"` : s.id === 8 ? `start: ${s.count}` : `count: ${s.count}`);
  }
  const list = (id, items, text) => {
    const ul = $(id);
    ul.innerHTML = "";
    if (!items.length) ul.innerHTML = "<li class='muted'>none</li>";
    for (const item of items) {
      const li = document.createElement("li");
      li.textContent = text(item);
      ul.appendChild(li);
    }
  };
  list("imports", info.imports, (i) => `${i.module}.${i.name}: ${i.type.text}`);
  list("exports", info.exports, (e) => `${e.name}: ${e.type.text}`);
}

// ---- the annotated bytes and the disassembly, side by side -----------------------------------
const MAX_BYTES_SHOWN = 65536;
const view = {records: [], context: [], recAt: null, lineAt: null, lineFunc: [], spans: [], lines: [], lit: []};

function renderBytes(info, bytes) {
  const n = Math.min(bytes.length, MAX_BYTES_SHOWN);
  view.records = [];
  view.context = [];
  view.recAt = new Int32Array(n).fill(-1);
  const headings = [];
  for (const r of info.annotations) {
    if (r.kind === "heading") {
      headings.length = r.depth;
      headings[r.depth] = r.description;
      continue;
    }
    const index = view.records.length;
    view.records.push(r);
    view.context.push(headings.slice(0, r.depth + 1).filter(Boolean).join(" › "));
    for (let k = 0; k < r.bytes.length / 2; k++) {
      if (r.offset + k < n) view.recAt[r.offset + k] = index;
    }
  }
  const grid = $("bytes");
  grid.innerHTML = "";
  view.spans = new Array(n);
  const fragment = document.createDocumentFragment();
  for (let row = 0; row < n; row += 16) {
    const line = document.createElement("div");
    line.className = "hexrow";
    const label = document.createElement("span");
    label.className = "addr";
    label.textContent = hex(row) + ":";
    line.appendChild(label);
    for (let k = row; k < Math.min(row + 16, n); k++) {
      const span = document.createElement("span");
      const rec = view.records[view.recAt[k]];
      span.className = "b " + (rec ? "k-" + rec.kind : "k-none");
      span.textContent = hex(bytes[k], 2);
      span.dataset.offset = k;
      view.spans[k] = span;
      line.appendChild(span);
    }
    fragment.appendChild(line);
  }
  grid.appendChild(fragment);
  const note = $("bytes-note");
  const cut = [];
  if (bytes.length > n) cut.push(`the first ${n} of ${bytes.length} bytes are shown`);
  if (info.annotations_truncated) cut.push("the annotations stop at the service's limit");
  note.textContent = cut.join("; ");
  note.hidden = !cut.length;
}

function renderDisassembly(info) {
  const box = $("disasm");
  box.innerHTML = "";
  const n = Math.min(playground.bytes.length, MAX_BYTES_SHOWN);
  view.lineAt = new Int32Array(n).fill(-1);
  view.lines = [];
  view.lineFunc = [];
  let func = "";
  info.disassembly.forEach((line, i) => {
    const div = document.createElement("div");
    div.className = "dline";
    if (line.offset == null) {
      div.classList.add(line.text ? "dhead" : "dblank");
      div.textContent = line.text || "\u00a0";
      if (line.text) func = line.text.split(":")[0];
    } else {
      div.dataset.offset = line.offset;
      div.dataset.length = line.length;
      const off = document.createElement("span");
      off.className = "addr";
      off.textContent = hex(line.offset) + ":";
      const raw = document.createElement("span");
      raw.className = "dbytes";
      raw.textContent = pairs(line.bytes).slice(0, 23);
      const text = document.createElement("span");
      text.className = line.text.trim().startsWith(";;") ? "dcomment" : "dtext";
      text.textContent = line.text;
      div.append(off, raw, text);
      for (let k = 0; k < line.length; k++) {
        if (line.offset + k < n) view.lineAt[line.offset + k] = i;
      }
    }
    view.lines.push(div);
    view.lineFunc.push(func);
    box.appendChild(div);
  });
  if (info.disassembly_truncated) {
    const div = document.createElement("div");
    div.className = "note";
    div.textContent = "(the disassembly stops at the service's limit)";
    box.appendChild(div);
  }
}

function clearHighlight(cls) {
  for (const el of document.querySelectorAll("." + cls)) el.classList.remove(cls);
}

function highlightRange(offset, length, cls) {
  for (let k = offset; k < offset + length; k++) view.spans[k]?.classList.add(cls);
}

function describeByte(k) {
  const rec = view.records[view.recAt[k]];
  const info = $("byte-info");
  clearHighlight("hl");
  clearHighlight("hl-instr");
  if (!rec) {
    info.textContent = `0x${hex(k)}: not annotated`;
    return;
  }
  highlightRange(rec.offset, rec.bytes.length / 2, "hl");
  const lineIndex = view.lineAt[k];
  const line = lineIndex >= 0 ? playground.info.disassembly[lineIndex] : null;
  const parts = [
    ["at", `0x${hex(rec.offset)} (${rec.bytes.length / 2} byte${rec.bytes.length === 2 ? "" : "s"}: ${pairs(rec.bytes).slice(0, 47)})`],
    ["field", rec.value ? `${rec.description}: ${rec.value}` : rec.description],
    ["kind", rec.kind],
    ["in", view.context[view.recAt[k]] || "the module header"],
  ];
  if (line) {
    parts.push(["instruction", `${line.text.trim()}   (${view.lineFunc[lineIndex]})`]);
    view.lines[lineIndex].classList.add("hl");
    if (!line.text.trim().startsWith(";;")) highlightRange(line.offset, line.length, "hl-instr");
  }
  info.innerHTML = "";
  for (const [key, value] of parts) {
    const row = document.createElement("div");
    const b = document.createElement("b");
    b.textContent = key + ": ";
    row.append(b, document.createTextNode(value));
    row.className = "info-" + key;
    info.appendChild(row);
  }
}

function describeLine(div) {
  clearHighlight("hl");
  clearHighlight("hl-instr");
  div.classList.add("hl");
  const offset = Number(div.dataset.offset);
  highlightRange(offset, Number(div.dataset.length), "hl-instr");
  view.spans[offset]?.scrollIntoView({block: "nearest"});
}

// ---- invoking ---------------------------------------------------------------------------------
const DEFAULTS = {i32: "3", i64: "3", f32: "1.5", f64: "1.5", v128: "i32x4 1 2 3 4"};

function funcExports(info) {
  return info.exports.filter((e) => e.type.kind === "func");
}

function renderExports(info) {
  const select = $("export");
  select.innerHTML = "";
  for (const e of funcExports(info)) {
    const option = document.createElement("option");
    option.value = e.name;
    option.textContent = `${e.name} ${e.type.text}`;
    select.appendChild(option);
  }
  renderParams();
}

function renderParams() {
  const e = funcExports(playground.info).find((x) => x.name === $("export").value);
  const box = $("params");
  box.innerHTML = "";
  if (!e) return;
  e.type.params.forEach((t, i) => {
    const input = document.createElement("input");
    input.className = "arg";
    input.dataset.index = i;
    input.placeholder = t;
    input.title = `argument ${i}: ${t}`;
    input.value = DEFAULTS[t] ?? "null";
    box.appendChild(input);
  });
}

function currentCall() {
  return {
    module_id: playground.info.id,
    export: $("export").value,
    args: [...document.querySelectorAll("#params .arg")].map((x) => x.value),
  };
}

function trapText(trap) {
  const where = trap.offset != null ? ` at 0x${trap.offset.toString(16)}` : "";
  const trace = trap.backtrace.length ? ` in ${trap.backtrace.join(" ← ")}` : "";
  return `trap: ${trap.message}${where} (${trap.code})${trace}`;
}

function traceLine(r) {
  const indent = "  ".repeat(r.depth);
  if (r.event === "call") return `${indent}call ${r.function}(${r.args.join(", ")})`;
  if (r.event === "return") {
    const head = `${indent}return ${r.function}: ${r.results.join(", ")}`;
    return r.stack ? `${head.padEnd(54)} [${r.stack.join(", ")}]` : head;
  }
  const where = r.offset != null ? hex(r.offset) + ": " : "?: ";
  if (r.event === "trap") return `${indent}  trap: ${r.message} (${where}${r.instruction})`;
  const line = `${indent}  ${where}${r.instruction.padEnd(22)} ${r.operands.join(", ").padEnd(22)}`;
  return r.stack ? `${line} [${r.stack.join(", ")}]` : line;
}

async function invoke() {
  const req = {...currentCall(), trace: $("trace").checked, trace_limit: 2000,
               profile: $("profile").checked};
  const out = $("result");
  out.className = "result";
  out.textContent = "running…";
  const answer = await backend().invoke(req);
  const body = answer.body;
  const result = answer.status === 200 ? body : body.result;
  out.innerHTML = "";
  const line = (text, cls) => {
    const div = document.createElement("div");
    div.textContent = text;
    if (cls) div.className = cls;
    out.appendChild(div);
  };
  if (answer.status !== 200) line(`${answer.status} ${body.error}: ${body.message}`, "error");
  if (result) {
    const call = `${result.export}(${result.args.join(", ")})`;
    if (result.trap) line(`${call}: ${trapText(result.trap)}`, "trap");
    else {
      const values = result.results.map((v) => v.text).join(", ") || "(no results)";
      line(`${call} = ${values}`, "value");
      for (const v of result.results) if (v.bits) line(`${v.text}  bits ${v.bits}`, "bits");
    }
    line(`fuel: ${result.fuel.consumed} of ${result.fuel.budget} consumed · ${result.tier} tier · ` +
         (playground.mode === "browser" ? "ran in this browser" : "ran on the server"), "muted");
  }
  $("profile-out").hidden = !(result && result.profile);
  if (result && result.profile) renderProfile(result.profile);
  const trace = $("trace-out");
  trace.hidden = !(result && result.trace);
  if (result && result.trace) {
    trace.textContent = result.trace.map(traceLine).join("\n") +
      (result.trace_truncated ? "\n… (the trace stops here: its limit)" : "");
  }
}

// ---- profiles: a flame graph (icicle: callers above callees) and the top functions -----------
const ms = (s) => `${(s * 1000).toFixed(3)} ms`;

function renderProfile(profile) {
  const flame = $("flame");
  flame.innerHTML = "";
  const root = profile.tree;
  const total = root.total || 1e-12;
  const ROW = 18;
  let depth = 0;
  const boxes = [];
  // an explicit stack: (node, left fraction, depth)
  const todo = [[root, 0, 0]];
  while (todo.length) {
    const [node, left, d] = todo.pop();
    depth = Math.max(depth, d);
    boxes.push([node, left, d]);
    let x = left;
    for (const child of node.children) {
      todo.push([child, x, d + 1]);
      x += child.total / total;
    }
  }
  for (const [node, left, d] of boxes) {
    const width = node.total / total;  // (a narrow one is still drawn: 1px at least)
    const box = document.createElement("div");
    box.className = "fbox";
    box.style.left = `${(left * 100).toFixed(4)}%`;
    box.style.width = `${(width * 100).toFixed(4)}%`;
    box.style.top = `${d * ROW}px`;
    const hue = node.name === "(translating)" ? 0 : 20 + (hash(node.name) % 40);
    box.style.background = node === root ? "#ddd" : `hsl(${hue}, 85%, ${62 + (d % 3) * 5}%)`;
    box.textContent = node.name;
    box.dataset.name = node.name;
    box.title = `${node.name}: ${node.calls} call(s), total ${ms(node.total)}, ` +
      `self ${ms(node.self)}, fuel ${node.fuel}`;
    box.addEventListener("mouseover", () => { $("flame-info").textContent = box.title; });
    flame.appendChild(box);
  }
  flame.style.height = `${(depth + 1) * ROW + 2}px`;
  const table = $("profile-table");
  table.innerHTML = "<tr><th>function</th><th>calls</th><th>self</th><th>total</th><th>fuel</th></tr>";
  for (const f of profile.functions.slice(0, 15)) {
    const row = document.createElement("tr");
    cell(row, f.name);
    cell(row, String(f.calls), "num");
    cell(row, ms(f.self), "num");
    cell(row, ms(f.total), "num");
    cell(row, String(f.fuel), "num");
    table.appendChild(row);
  }
  $("flame-info").textContent = `${profile.tier} tier` +
    (profile.nodes_truncated ? " · the smallest calling contexts are left out" : "");
}

function hash(text) {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h);
}

// ---- stepping -------------------------------------------------------------------------------
const MOTION_BUTTONS = ["debug-step", "debug-over", "debug-out", "debug-continue"];

function resetDebugger() {
  for (const id of [...MOTION_BUTTONS, "debug-back", "debug-back-over"]) $(id).disabled = true;
  const timeline = $("debug-timeline");
  timeline.disabled = true;
  timeline.max = "0";
  timeline.value = "0";
  $("debug-timeline-label").textContent = "";
  $("debug-status").textContent = "";
  $("debug-kind").textContent = "";
  $("stack").innerHTML = "";
  $("locals").innerHTML = "";
  $("frames").innerHTML = "";
  $("memory").textContent = "no memory";
  clearHighlight("current");
  clearHighlight("current-bytes");
}

async function startDebugger() {
  resetDebugger();
  $("debug-status").textContent = "starting…";
  const answer = await backend().debug(currentCall());
  if (answer.status !== 200) {
    showError($("debug-status"), answer);
    return;
  }
  playground.session = answer.body;
  $("debug-kind").textContent = `(${answer.body.kind})`;
  renderSnapshot(playground.session.snapshot());
}

function motion(how) {
  const session = playground.session;
  if (!session) return;
  renderSnapshot(how === "back" ? session.back() : session.move(how));
}

// The timeline: any step recorded (server) or reached (in the browser), back or forward.
function timelineMoved() {
  const session = playground.session;
  if (!session) return;
  renderSnapshot(session.goto(Number($("debug-timeline").value)));
}

function renderSnapshot(snap) {
  const session = playground.session;
  for (const id of MOTION_BUTTONS) $(id).disabled = snap.done;
  $("debug-back").disabled = !session.canGoBack || snap.index === 0;
  $("debug-back-over").disabled = !session.canGoBack || snap.index === 0;
  const timeline = $("debug-timeline");
  timeline.max = String(Math.max(session.furthest, snap.index));
  timeline.value = String(snap.index);
  timeline.disabled = false;
  $("debug-timeline-label").textContent = `step ${snap.index} of ${timeline.max}`;
  const status = $("debug-status");
  status.className = "";
  const s = snap.state;
  clearHighlight("current");
  clearHighlight("current-bytes");
  if (snap.done) {
    if (snap.trap) {
      status.textContent = trapText(snap.trap);
      status.className = "trap";
    } else if (snap.note) {
      status.textContent = snap.note;
    } else {
      status.textContent = "returned " + ((snap.results || []).map((v) => v.text).join(", ") || "nothing");
      status.className = "value";
    }
  } else {
    status.textContent = `step ${snap.index}: before ${s.instruction} in ${s.function} at 0x${hex(s.offset)}`;
  }
  renderState(s);
}

function renderState(s) {
  const stack = $("stack"), locals = $("locals"), frames = $("frames");
  stack.innerHTML = "";
  locals.innerHTML = "";
  frames.innerHTML = "";
  if (!s) {
    $("memory").textContent = "";
    return;
  }
  if (!s.stack.length) stack.innerHTML = "<li class='muted'>(empty)</li>";
  for (const v of [...s.stack].reverse()) {
    const li = document.createElement("li");
    li.textContent = v;
    stack.appendChild(li);
  }
  locals.innerHTML = "<tr><th>#</th><th>name</th><th>value</th></tr>";
  for (const l of s.locals) {
    const row = locals.insertRow();
    cell(row, l.index);
    cell(row, l.name ?? "");
    cell(row, l.value, "mono");
  }
  for (const f of s.frames) {
    const li = document.createElement("li");
    li.textContent = f;
    frames.appendChild(li);
  }
  renderMemory(s.memory);
  const lineIndex = s.offset != null && view.lineAt ? view.lineAt[s.offset] : -1;
  if (lineIndex >= 0) {
    const line = view.lines[lineIndex];
    line.classList.add("current");
    line.scrollIntoView({block: "nearest"});
    const d = playground.info.disassembly[lineIndex];
    highlightRange(d.offset, d.length, "current-bytes");
  }
}

function renderMemory(m) {
  const box = $("memory");
  box.innerHTML = "";
  if (!m) {
    box.textContent = "no memory";
    return;
  }
  const head = document.createElement("div");
  const a = m.access;
  head.textContent = `${m.pages} page(s)` + (a ? ` · last ${a.kind}: ${a.bytes.length / 2} bytes at 0x${a.address.toString(16)}` : "");
  box.appendChild(head);
  const bytes = m.window.bytes.match(/../g) || [];
  for (let row = 0; row < bytes.length; row += 16) {
    const line = document.createElement("div");
    line.className = "hexrow";
    const label = document.createElement("span");
    label.className = "addr";
    label.textContent = hex(m.window.address + row) + ":";
    line.appendChild(label);
    for (let k = row; k < Math.min(row + 16, bytes.length); k++) {
      const span = document.createElement("span");
      span.className = "b";
      const address = m.window.address + k;
      if (a && address >= a.address && address < a.address + a.bytes.length / 2) span.classList.add("touched");
      span.textContent = bytes[k];
      line.appendChild(span);
    }
    box.appendChild(line);
  }
}

// ---- the stack machine ------------------------------------------------------------------------
async function runProgram() {
  const status = $("program-status");
  const table = $("program-steps");
  table.innerHTML = "";
  status.className = "";
  // The text as it is: the learning API's syntax or JSON, read by wasmvm.web.program in
  // both modes (on the server, or in this page on Pyodide).
  const answer = await backend().stackvm({program: $("program").value});
  if (answer.status !== 200) {
    showError(status, answer);
    status.className = "error";
    return;
  }
  const body = answer.body;
  table.innerHTML = "<tr><th>pc</th><th>instruction</th><th>stack after it</th></tr>";
  for (const step of body.steps) {
    const row = table.insertRow();
    cell(row, step.pc);
    cell(row, step.instruction, "mono");
    cell(row, `[${step.stack.join(", ")}]`, "mono");
  }
  if (body.error) {
    status.textContent = `${body.error.kind} at pc ${body.error.pc} (${body.error.instruction}): ${body.error.message}`;
    status.className = "trap";
  } else {
    status.textContent = `stack: [${body.stack.join(", ")}] · ran ${playground.mode === "browser" ? "in this browser" : "on the server"}`;
    status.className = "value";
  }
}

// ---- wiring -----------------------------------------------------------------------------------
function guard(fn) {
  return async (...args) => {
    playground.busy++;
    document.body.classList.add("busy");
    try {
      await fn(...args);
    } catch (e) {
      const note = $("mode-note");
      note.textContent = `error: ${e.message}`;
      note.hidden = false;
    } finally {
      if (--playground.busy === 0) document.body.classList.remove("busy");
    }
  };
}

async function main() {
  playground.config = await (await fetch("/api/config")).json();
  $("version").textContent = `wasmvm ${playground.config.version}`;
  const browserButton = $("use-browser");
  if (!playground.config.browser.available) {
    browserButton.title = `not available: ${playground.config.browser.reason}`;
    browserButton.classList.add("unavailable");
  }
  showMode();
  $("use-server").addEventListener("click", guard(async () => {
    await setMode("server");
    syncUrl();
  }));
  browserButton.addEventListener("click", guard(async () => {
    await setMode("browser");
    syncUrl();
  }));
  $("load-example").addEventListener("click", guard(async () => {
    $("link-note").hidden = true;
    await loadExample();
    syncUrl();
  }));
  $("file").addEventListener("change", guard(async (ev) => {
    if (!ev.target.files[0]) return;
    $("link-note").hidden = true;
    await loadFile(ev.target.files[0]);
    syncUrl();
  }));
  $("export").addEventListener("change", renderParams);
  $("source").addEventListener("input", sourceEdited);
  $("invoke").addEventListener("click", guard(invoke));
  $("debug-start").addEventListener("click", guard(startDebugger));
  $("debug-step").addEventListener("click", guard(async () => motion("step")));
  $("debug-over").addEventListener("click", guard(async () => motion("over")));
  $("debug-out").addEventListener("click", guard(async () => motion("out")));
  $("debug-continue").addEventListener("click", guard(async () => motion("continue")));
  $("debug-back").addEventListener("click", guard(async () => motion("back")));
  $("debug-back-over").addEventListener("click", guard(async () => motion("back_over")));
  $("debug-timeline").addEventListener("change", guard(async () => timelineMoved()));
  $("run-program").addEventListener("click", guard(runProgram));
  $("python-func").addEventListener("change", renderPython);
  $("python-fuel").addEventListener("change", guard(showPython));
  $("python").addEventListener("mouseover", (ev) => {
    const div = ev.target.closest(".pline");
    if (div && div.dataset.offsets) describePythonLine(div);
  });
  $("bytes").addEventListener("mouseover", (ev) => {
    if (ev.target.dataset.offset !== undefined) describeByte(Number(ev.target.dataset.offset));
  });
  $("disasm").addEventListener("mouseover", (ev) => {
    const div = ev.target.closest(".dline");
    if (div && div.dataset.offset !== undefined) describeLine(div);
  });
  await loadExamples();
  try {
    await firstView();
  } finally {
    document.body.dataset.ready = "true";
  }
}

document.addEventListener("DOMContentLoaded", guard(main));
