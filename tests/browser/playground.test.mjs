// Browser test of the playground: Debian's chromium, headless and offline, driven by
// playwright-core. Run by tools/test-browser.sh, which builds the wheel, starts
// `wasmvm serve` on 127.0.0.1 and sets WASMVM_URL:
//
//     WASMVM_URL=http://127.0.0.1:8000 node --test tests/browser/playground.test.mjs
//
// The page runs a bundled example in both modes — on the server, then inside the page
// on Pyodide — and the test checks what it shows: results, the operand stack, locals,
// memory, annotated bytes, WAT typed into the source editor, the StackVM box. The first view shows an example without a
// click; links (/?example=fib&mode=browser) choose the example and the mode.
// Screenshots go to $WASMVM_ARTIFACTS (.cache/artifacts).
import assert from "node:assert/strict";
import {mkdirSync} from "node:fs";
import {join, resolve} from "node:path";
import {after, before, test} from "node:test";

import {chromium} from "playwright-core";

const BASE = process.env.WASMVM_URL;
const ARTIFACTS = resolve(process.env.WASMVM_ARTIFACTS || ".cache/artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const origin = BASE ? new URL(BASE).origin : null;
const FIB = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../../fixtures/fib.wasm");

let browser, context, page;
const blocked = [];       // requests to anywhere but the local server (must stay empty)
const apiCalls = [];      // engine requests to the server: [method, path]
const problems = [];      // page errors and console errors

before(async () => {
  assert.ok(BASE, "set WASMVM_URL to the playground's address (tools/test-browser.sh does)");
  mkdirSync(ARTIFACTS, {recursive: true});
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // playwright-core gives every context a new, empty profile (its own --user-data-dir).
  context = await browser.newContext({viewport: {width: 1440, height: 1000}});
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === origin) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  page = await context.newPage();
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (/^\/api\/(modules|invoke|steps|stackvm|translate)/.test(url.pathname)) {
      apiCalls.push([request.method(), url.pathname]);
    }
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
});

after(async () => {
  await browser?.close();
});

const text = (selector) => page.locator(selector).innerText();
const query = () => Object.fromEntries(new URL(page.url()).searchParams);
const idle = () => page.waitForSelector("body:not(.busy)"); // every handler has finished

async function open(path, timeout = 30_000) {
  await page.goto(new URL(path, BASE).href);
  await page.waitForSelector("body[data-ready=true]", {timeout});
}

async function runProgram(program) {
  if (program !== undefined) await page.fill("#program", program);
  await page.evaluate(() => { document.querySelector("#program-status").textContent = ""; });
  await page.click("#run-program");
  await page.waitForFunction(() => document.querySelector("#program-status").textContent !== "");
  return text("#program-status");
}

async function loadExample(name) {
  await page.selectOption("#example", `/api/examples/${name}`);
  await page.click("#load-example");
  await page.waitForFunction((n) => document.querySelector("#module-summary").textContent.startsWith(n), name);
  await page.locator("#views").waitFor({state: "visible"});
  await idle();
}

async function hoverByte(offset) {
  await page.hover(`#bytes .b[data-offset="${offset}"]`);
  return text("#byte-info");
}

async function call(exportName, args) {
  await page.selectOption("#export", exportName);
  const inputs = page.locator("#params .arg");
  for (let i = 0; i < args.length; i++) await inputs.nth(i).fill(args[i]);
}

async function invoke(exportName, args, {trace = false} = {}) {
  await call(exportName, args);
  await page.setChecked("#trace", trace);
  await page.evaluate(() => { document.querySelector("#result").textContent = ""; });
  await page.click("#invoke");
  await page.waitForFunction(() => {
    const t = document.querySelector("#result").textContent;
    return t && t !== "running…";
  }, null, {timeout: 60_000});
  return text("#result");
}

async function timeline(step) {
  const before = await text("#debug-status");
  await page.evaluate((k) => {
    const t = document.querySelector("#debug-timeline");
    t.value = String(k);
    t.dispatchEvent(new Event("change"));
  }, step);
  await page.waitForFunction((b) => document.querySelector("#debug-status").textContent !== b, before);
  return text("#debug-status");
}

async function motion(id) {
  const before = await text("#debug-status");
  await page.click(id);
  await page.waitForFunction((b) => document.querySelector("#debug-status").textContent !== b, before);
  return text("#debug-status");
}

// The same walk through the page, in either mode.
async function exercise(mode) {
  await loadExample("bundled/fac.wasm");
  // the address follows: a link to this view
  assert.deepEqual(query(), mode === "browser" ? {example: "fac", mode: "browser"} : {example: "fac"});

  // Annotated bytes: every byte of the 185 is shown; hovering one explains it.
  assert.equal(await page.locator("#bytes .b").count(), 185);
  assert.match(await hoverByte(0), /magic/);
  const opcode = await hoverByte(0x32); // fac_rec's first instruction: local.get 0
  assert.match(opcode, /field: local\.get/);
  assert.match(opcode, /instruction: local\.get 0 <n>/);
  assert.match(opcode, /func\[0\] <fac_rec>/);
  assert.match(await hoverByte(0x33), /local index: 0 <n>/);
  assert.equal(await page.locator("#disasm .dline.hl").innerText().then((t) => t.includes("local.get 0 <n>")), true);
  assert.match(await text("#disasm"), /call 0 <fac_rec>/);
  assert.match(await text("#exports"), /fac_rec: \(func \(param i64\) \(result i64\)\)/);

  // Invoke, with results as typed text and exact bits; then a trace.
  const result = await invoke("fac_rec", ["20"]);
  assert.match(result, /fac_rec\(i64:20\) = i64:2432902008176640000/);
  assert.match(result, /bits 0x21c3677c82b40000/);
  assert.match(result, mode === "browser" ? /ran in this browser/ : /ran on the server/);
  await invoke("fac_rec", ["2"], {trace: true});
  assert.match(await text("#trace-out"), /call fac_rec\(n=i64:2\)/);
  assert.match(await text("#trace-out"), /return fac_rec: i64:2/);

  // The Python pane: what the compiled tier runs; hovering a line highlights the
  // instructions it came from, in the disassembly and in the bytes.
  await page.waitForFunction(() => document.querySelectorAll("#python .pline").length > 0);
  await page.selectOption("#python-func", "1");
  assert.match(await text("#python"), /def f1\(l0, d\):/);
  const mulLine = page.locator("#python .pline", {hasText: "i64.mul"});
  assert.match(await mulLine.innerText(), /l1 \* l0\) & 0xFFFFFFFFFFFFFFFF\s+# local\.get 1 <acc>; local\.get 0 <n>; i64\.mul/);
  await mulLine.hover();
  const lit = (await page.locator("#disasm .dline.hl").allInnerTexts()).join("\n");
  assert.match(lit, /i64\.mul/);
  assert.match(lit, /local\.get 1 <acc>/);
  assert.ok(await page.locator("#bytes .b.hl-instr").count() >= 5);
  await page.locator("#views").screenshot({path: join(ARTIFACTS, `python-pane-${mode}.png`)});

  // A profile: fac_rec(12) is 13 nested calls, drawn as a flame graph.
  await page.setChecked("#profile", true);
  assert.match(await invoke("fac_rec", ["12"]), /= i64:479001600/);
  await page.setChecked("#profile", false);
  await page.locator("#profile-out").waitFor({state: "visible"});
  assert.equal(await page.locator('#flame .fbox[data-name="fac_rec"]').count(), 13);
  assert.match(await text("#profile-table"), /fac_rec\s+13\s/);
  await page.locator('#flame .fbox[data-name="fac_rec"] >> nth=0').hover();
  assert.match(await text("#flame-info"), /fac_rec: \d+ call\(s\), total [\d.]+ ms/);
  await page.locator("#run").screenshot({path: join(ARTIFACTS, `flame-graph-${mode}.png`)});

  // Step through fac_rec(3): the operand stack, the locals and the frames change.
  await call("fac_rec", ["3"]);
  await page.click("#debug-start");
  await page.waitForFunction(() => document.querySelector("#debug-status").textContent.startsWith("step 0"));
  assert.match(await text("#debug-status"), /before local\.get 0 <n> in fac_rec at 0x000032/);
  assert.match(await text("#locals"), /n\s+i64:3/);
  assert.match(await text("#disasm .dline.current"), /local\.get 0 <n>/);
  await motion("#debug-step");
  assert.equal(await text("#stack"), "i64:3");
  assert.match(await motion("#debug-step"), /before if \(result i64\)/);
  assert.equal(await text("#stack"), "i32:0");
  for (let i = 0; i < 6; i++) await motion("#debug-step"); // into the recursive call
  assert.match(await text("#debug-status"), /^step 8: before local\.get 0 <n> in fac_rec/);
  assert.equal((await text("#frames")).split("\n").length, 2);
  assert.match(await text("#locals"), /n\s+i64:2/);
  // Back through the recursive call: the caller's frame, its n = 3, the call's operands
  assert.match(await motion("#debug-back"), /^step 7: before call 0 <fac_rec>/);
  assert.equal((await text("#frames")).split("\n").length, 1);
  assert.match(await text("#locals"), /n\s+i64:3/);
  assert.equal(await text("#stack"), "i64:2\ni64:3");
  assert.match(await text("#debug-timeline-label"), /^step 7 of \d+/);
  // the timeline: to the very first step, then forward into the call again
  assert.match(await timeline(0), /^step 0: before local\.get 0 <n> in fac_rec/);
  assert.equal(await text("#stack"), "(empty)");
  assert.match(await timeline(8), /^step 8: before local\.get 0 <n> in fac_rec/);
  assert.equal((await text("#frames")).split("\n").length, 2);
  assert.match(await text("#locals"), /n\s+i64:2/);
  await page.locator("#debug").screenshot({path: join(ARTIFACTS, `stepping-back-${mode}.png`)});
  assert.match(await motion("#debug-out"), /before i64\.mul/);
  assert.equal(await text("#stack"), "i64:2\ni64:3"); // top first: fac(2) = 2 on the 3
  await page.screenshot({path: join(ARTIFACTS, `playground-${mode}.png`), fullPage: true});
  assert.match(await motion("#debug-continue"), /returned i64:6/);

  // The WAT editor: the example's source is in it; what is typed compiles (in this
  // mode), and bytes, disassembly and exports follow; a malformed text says where.
  assert.match(await page.inputValue("#source"), /\(func \$fac_rec/);
  await page.fill("#source", '(module\n  (func (export "triple") (param i32) (result i32)\n' +
                             "    (i32.mul (local.get 0) (i32.const 3))))");
  await page.waitForFunction(() => document.querySelector("#module-summary").textContent.startsWith("edited.wat"));
  await idle();
  assert.match(await text("#source-status"), /^compiled: \d+ bytes$/);
  assert.match(await text("#disasm"), /i32\.mul/);
  assert.match(await text("#exports"), /triple: \(func \(param i32\) \(result i32\)\)/);
  assert.match(await hoverByte(0), /magic/);
  assert.match(await invoke("triple", ["14"]), /triple\(i32:14\) = i32:42/);
  await page.fill("#source", "(module\n  (func (i32.const 0x)))");
  await page.waitForFunction(() => document.querySelector("#source-status").textContent.includes("operator"));
  assert.equal(await text("#source-status"), "2:20: unknown operator");
  assert.match(await text("#disasm"), /i32\.mul/); // the last good module stays on view

  // Memory: squares(3) stores 0, 1, 4 at addresses 0, 4, 8.
  await loadExample("bundled/squares.wasm");
  await call("squares", ["3"]);
  await page.click("#debug-start");
  await page.waitForFunction(() => document.querySelector("#debug-status").textContent.startsWith("step 0"));
  let memory = "";
  for (let i = 0; i < 40 && !/last store: 4 bytes at 0x4\b/.test(memory); i++) {
    await motion("#debug-step");
    memory = await text("#memory");
  }
  assert.match(memory, /1 page\(s\) · last store: 4 bytes at 0x4\b/);
  const window = (await page.locator("#memory .b").allInnerTexts()).slice(0, 8).join(" ");
  assert.equal(window, "00 00 00 00 01 00 00 00");
  assert.equal((await page.locator("#memory .b.touched").allInnerTexts()).join(" "), "01 00 00 00");
  await page.locator("#debug").screenshot({path: join(ARTIFACTS, `stepping-memory-${mode}.png`)});
  assert.match(await motion("#debug-continue"), /returned i32:5/);

  // A loop that never ends is stopped by the fuel budget, with a clear message.
  await loadExample("bundled/forever.wasm");
  assert.match(await invoke("spin", ["0"]), /408 fuel: the call used up this service's fuel budget/);
  assert.match(await invoke("divide", ["1", "0"]), /trap: integer divide by zero at 0x\w+ \(INTEGER_DIVISION_BY_ZERO\) in divide/);

  // The stack machine: its default program is the learning API's own syntax.
  assert.match(await page.inputValue("#program"), /Push\(i32\(2\)\), Push\(i32\(3\)\), Add\("i32"\)/);
  assert.match(await runProgram(), /stack: \[i32:35\]/);
  assert.match(await text("#program-steps"), /i32\.add\s+\[i32:5\]/);
  const where = mode === "browser" ? /ran in this browser/ : /ran on the server/;
  assert.match(await runProgram('Push(i64(-7)), Push(i64(2)), Div("i64", signed=True)\n' +
                                "Push(f32(0.1)), Push(f32(0.2)), Add(\"f32\")  # rounded to f32\n" +
                                'Push(i32(0)), Push(i32(-1)), Store("i32", offset=4), ' +
                                'Push(i32(0)), Load("i32", offset=5, bits=8, signed=False)'),
               /stack: \[i64:-3, f32:0\.3, i32:255\]/);
  assert.match(await text("#program-status"), where);
  assert.match(await text("#program-steps"), /i64\.div_s\s+\[i64:-3\]/);
  assert.match(await text("#program-steps"), /i32\.load8_u offset=5\s+\[i64:-3, f32:0\.3, i32:255\]/);
  // the JSON form still works
  assert.match(await runProgram('[{"op": "i32.const", "value": 2}, {"op": "i32.const", "value": 3}, ' +
                                '{"op": "i32.add"}]'), /stack: \[i32:5\]/);
  // text that does not parse (or tries to do anything but name instructions) says where
  assert.equal(await runProgram('Push(i32(2)),\nAdd("i32"'),
               "400 bad_program: line 2, column 10 (instruction 1): expected ',' or ')', found the end of the program");
  assert.match(await runProgram('__import__("os").system("rm -rf /")'),
               /^400 bad_program: line 1, column 1 \(instruction 0\): unknown instruction '__import__'/);
  assert.equal(await page.locator("#program-steps tr").count(), 0);
  await page.fill("#program", 'Push(i32(2)), Push(i32(3)), Add("i32"), Push(i32(7)), Mul("i32")');

  // A file of one's own, and one that is not WebAssembly at all.
  await page.setInputFiles("#file", {name: "junk.wasm", mimeType: "application/wasm",
                                     buffer: Buffer.from("hello, world")});
  await page.waitForSelector("#load-error:not([hidden])");
  assert.equal(await text("#load-error"), "400 malformed: magic header not detected at offset 0x0");
  assert.equal(await page.isHidden("#views"), true);
  await page.setInputFiles("#file", FIB);
  await page.waitForFunction(() => document.querySelector("#module-summary").textContent.startsWith("fib.wasm"));
  assert.equal(await page.isHidden("#load-error"), true);
  assert.match(await text("#exports"), /fib_rec/);
}

test("first view: an example is shown at once, without a click", async () => {
  await open("/");
  assert.equal(await page.getAttribute("#mode-badge", "data-mode"), "server");
  assert.match(await text("#module-summary"), /^bundled\/fac\.wasm: 185 bytes, \d+ sections, 2 exports/);
  assert.equal(await page.isVisible("#views"), true);
  assert.equal(await page.isVisible("#structure"), true);
  assert.equal(await page.locator("#bytes .b").count(), 185);
  assert.match(await text("#disasm"), /call 0 <fac_rec>/);
  assert.match(await text("#exports"), /fac_rec: \(func \(param i64\) \(result i64\)\)/);
  assert.match(await page.inputValue("#source"), /\(module \$fac_module/);
  assert.equal(await page.inputValue("#example"), "/api/examples/bundled/fac.wasm");
  assert.equal(await page.isHidden("#link-note"), true);
  assert.equal(new URL(page.url()).search, "", "the first view leaves the address as it was");
  assert.ok(apiCalls.some(([, p]) => p === "/api/modules"));
  await page.screenshot({path: join(ARTIFACTS, "first-view.png")});
});

test("server mode: the engine runs on the server", async () => {
  await open("/");
  assert.equal(await page.getAttribute("#mode-badge", "data-mode"), "server");
  assert.equal(await text("#mode-badge"), "Mode: server");
  await exercise("server");
  for (const path of ["/api/modules", "/api/invoke", "/api/steps", "/api/stackvm", "/api/translate"]) {
    assert.ok(apiCalls.some(([, p]) => p === path), `server mode posted to ${path}`);
  }
});

test("in-browser mode: wasmvm runs inside the page on Pyodide", async () => {
  const start = Date.now();
  apiCalls.length = 0;
  await page.click("#use-browser");
  await page.waitForSelector("#mode-badge[data-mode=browser]", {timeout: 150_000});
  const wall = (Date.now() - start) / 1000;
  const timings = await page.evaluate(() => window.wasmvmPlayground.timings);
  console.log(`in-browser mode loaded in ${timings.browserLoadSeconds.toFixed(2)} s ` +
              `(Pyodide ${timings.pyodideVersion}, Python ${timings.pythonVersion}; ` +
              `${wall.toFixed(2)} s from the click to the module shown)`);
  assert.equal(await text("#mode-badge"), "Mode: in-browser");
  assert.match(await text("#mode-detail"), /runs inside this page on Pyodide/);
  await idle();
  assert.deepEqual(query(), {mode: "browser"}); // the module shown is a file: no example
  await exercise("browser");
  assert.deepEqual(apiCalls, [], "no engine request reached the server in the in-browser mode");
});

test("a link chooses the example and the mode: /?example=fib&mode=browser", async () => {
  apiCalls.length = 0;
  await open("/?example=fib&mode=browser", 150_000);
  assert.equal(await page.getAttribute("#mode-badge", "data-mode"), "browser");
  assert.match(await text("#module-summary"), /^bundled\/fib\.wasm: \d+ bytes/);
  assert.equal(await page.inputValue("#example"), "/api/examples/bundled/fib.wasm");
  assert.match(await text("#exports"), /fib_rec: \(func \(param i32\) \(result i32\)\)/);
  assert.match(await text("#disasm"), /call 0 <fib_rec>/);
  assert.match(await invoke("fib_rec", ["10"]), /fib_rec\(i32:10\) = i32:55[\s\S]*ran in this browser/);
  assert.match(await runProgram(), /stack: \[i32:35\] · ran in this browser/);
  assert.deepEqual(apiCalls, [], "the module was described and run inside the page");
  assert.deepEqual(query(), {example: "fib", mode: "browser"});
  await page.screenshot({path: join(ARTIFACTS, "link-fib-browser.png")});
  // switching the mode or the example keeps the address in step
  await page.click("#use-server");
  await page.waitForSelector("#mode-badge[data-mode=server]");
  await idle();
  assert.deepEqual(query(), {example: "fib"});
  await loadExample("bundled/squares.wasm");
  assert.deepEqual(query(), {example: "squares"});
  await loadExample("fixtures/memory.wasm");
  assert.deepEqual(query(), {example: "memory"});
});

test("links on the server, and links that name nothing, still show a page", async () => {
  apiCalls.length = 0;
  await open("/?example=fib&mode=server");
  assert.equal(await page.getAttribute("#mode-badge", "data-mode"), "server");
  assert.match(await text("#module-summary"), /^bundled\/fib\.wasm/);
  assert.ok(apiCalls.some(([, p]) => p === "/api/modules"), "described on the server");

  await open("/?example=bundled/squares.wasm");
  assert.match(await text("#module-summary"), /^bundled\/squares\.wasm/);

  await open("/?example=nope&mode=sideways");
  const note = await text("#link-note");
  assert.match(note, /There is no example "nope"\. The examples are: fac, fib, forever, squares, .*fixtures\/fib/);
  assert.match(note, /Showing bundled\/fac\.wasm instead/);
  assert.match(note, /mode "sideways", which does not exist: use mode=server or mode=browser/);
  assert.equal(await page.getAttribute("#mode-badge", "data-mode"), "server");
  assert.match(await text("#module-summary"), /^bundled\/fac\.wasm/);
  assert.equal(await page.isVisible("#views"), true);
  await page.screenshot({path: join(ARTIFACTS, "link-unknown-example.png")});
  await page.click("#load-example"); // the note goes once the user picks something
  await page.waitForFunction(() => location.search === "?example=fac");
  assert.equal(await page.isHidden("#link-note"), true);
});

test("the API docs: Swagger UI from the server's own files", async () => {
  await page.goto(new URL("/docs", BASE).href);
  await page.waitForSelector(".swagger-ui .opblock", {timeout: 30_000});
  const text = await page.locator(".swagger-ui").innerText();
  for (const path of ["/api/modules", "/api/invoke", "/api/steps", "/api/stackvm"]) {
    assert.ok(text.includes(path), `the docs show ${path}`);
  }
});

test("offline: nothing was fetched from anywhere but the local server", () => {
  assert.deepEqual(blocked, []);
  // the deliberate 400 (junk upload) and 408 (a loop that never ends) are no problems
  assert.deepEqual(problems.filter((p) => !/status of (400|408)/.test(p)), []);
});
