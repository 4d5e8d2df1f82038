#!/usr/bin/env python3
"""A bounded load test of the web service on loopback, with hostile requests among the rest.

    python tools/loadtest.py [--requests 500] [--concurrency 50] [--hostile 20]

Starts the real server (``python -m wasmvm serve`` on a free port of 127.0.0.1), sends
``--requests`` well-formed requests (calls, uploads, StackVM programs) from
``--concurrency`` client threads, with ``--hostile`` hostile ones interleaved, taking turns:
nesting bombs (a function of 100,000 nested ifs, which takes seconds to decode and
translate), infinite loops, uploads that say they are 50 MB, bodies sent by half and
never finished, and memory hogs (memory.grow until it fails). Meanwhile it polls
GET /docs and the memory (RSS) of the server and its worker processes. It prints the
well-formed requests' failures (which must be 0), their p50/p99 latency, what the
hostile ones got, the peak memory, and whether /docs answered throughout; exit status 1
when a well-formed request failed or /docs did not answer. ``run()`` is what
tests/test_web_load.py calls, with fewer requests.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAC = (ROOT / "fixtures" / "fac.wasm").read_bytes()
BUNDLED = ROOT / "wasmvm" / "web" / "static" / "examples"
HOSTILE_KINDS = ("nesting_bomb", "infinite_loop", "huge_upload", "half_sent_body", "memory_hog")


# -- modules --------------------------------------------------------------------------------
def _leb(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _section(i: int, body: bytes) -> bytes:
    return bytes([i]) + _leb(len(body)) + body


def nesting_bomb(depth: int = 100_000) -> bytes:
    """A module whose function "f" nests ``depth`` ifs: (i32.const 1) (if ... (if ...))."""
    code = b"\x41\x01\x04\x40" * depth + b"\x0b" * depth
    body = b"\x00" + code + b"\x0b"
    return (b"\0asm\1\0\0\0" + _section(1, b"\x01\x60\x00\x00") + _section(3, b"\x01\x00")
            + _section(7, b"\x01\x01f\x00\x00") + _section(10, b"\x01" + _leb(len(body)) + body))


def memory_hog() -> bytes:
    """A module whose function "f" grows its memory (no maximum) by 16 MiB at a time until
    memory.grow fails, and returns the pages it got: the worker's memory limit stops it."""
    body = (b"\x00\x03\x40\x41\x80\x02\x40\x00\x41\x7f\x47\x0d\x00\x0b"  # loop: grow 256
            b"\x3f\x00\x0b")  # memory.size
    return (b"\0asm\1\0\0\0" + _section(1, b"\x01\x60\x00\x01\x7f") + _section(3, b"\x01\x00")
            + _section(5, b"\x01\x00\x01") + _section(7, b"\x01\x01f\x00\x00")
            + _section(10, b"\x01" + _leb(len(body)) + body))


def forever() -> bytes:
    """A module whose function "f" loops forever: (loop (br 0))."""
    body = b"\x00\x03\x40\x0c\x00\x0b\x0b"
    return (b"\0asm\1\0\0\0" + _section(1, b"\x01\x60\x00\x00") + _section(3, b"\x01\x00")
            + _section(7, b"\x01\x01f\x00\x00") + _section(10, b"\x01" + _leb(len(body)) + body))


# -- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "wasmvm", "serve", "--port", str(port),
                             "--log-level", "warning"], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            status, _ = request(port, "GET", "/api/config", timeout=2)
            if status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"wasmvm serve did not start: {proc.stdout.read()}")
        time.sleep(0.1)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def tree_rss(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants, in bytes (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    family, todo = set(), [pid]
    while todo:
        p = todo.pop()
        family.add(p)
        todo.extend(c for c, parent in parents.items() if parent == p and c not in family)
    total = 0
    for p in family:
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    return total


# -- requests ---------------------------------------------------------------------------------
def request(port: int, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _json(port: int, path: str, payload: dict) -> tuple[int, bytes]:
    return request(port, "POST", path, json.dumps(payload).encode(),
                   {"content-type": "application/json"})


def well_formed(port: int, i: int) -> tuple[bool, str]:
    """One of three well-formed requests, by ``i``: (answered as expected, what)."""
    kind = i % 3
    if kind == 0:
        n = 5 + i % 15
        status, body = _json(port, "/api/invoke", {"module": base64.b64encode(FAC).decode(),
                                                    "export": "fac_rec", "args": [str(n)]})
        want = f"i64:{math.factorial(n)}"  # n <= 19: fits in an i64
        ok = status == 200 and json.loads(body)["results"][0]["text"] == want
        return ok, f"invoke {status}"
    if kind == 1:
        data = (BUNDLED / "squares.wasm").read_bytes()
        status, body = request(port, "POST", "/api/modules", data,
                               {"content-type": "application/wasm"})
        return status == 200 and json.loads(body)["size"] == len(data), f"upload {status}"
    status, body = _json(port, "/api/stackvm", {"program": 'Push(i32(2)), Push(i32(3)), Add("i32")'})
    return status == 200 and json.loads(body)["stack"] == ["i32:5"], f"stackvm {status}"


def hostile(port: int, kind: str, body_timeout: float) -> str:
    """Send one hostile request; what the server answered (a status, or "closed")."""
    if kind == "nesting_bomb":
        status, _ = _json(port, "/api/invoke", {"module": base64.b64encode(nesting_bomb()).decode(),
                                                 "export": "f"})
        return str(status)
    if kind == "memory_hog":
        status, body = _json(port, "/api/invoke", {"module": base64.b64encode(memory_hog()).decode(),
                                                    "export": "f"})
        if status == 200:
            pages = int(json.loads(body)["results"][0]["text"].split(":")[1])
            return f"200 ({pages * 64 // 1024} MiB)"
        return str(status)
    if kind == "infinite_loop":
        status, _ = _json(port, "/api/invoke", {"module": base64.b64encode(forever()).decode(),
                                                 "export": "f"})
        return str(status)
    with socket.create_connection(("127.0.0.1", port), timeout=body_timeout + 30) as sock:
        declared = 50 * 1024 * 1024 if kind == "huge_upload" else 100_000
        sock.sendall(b"POST /api/modules HTTP/1.1\r\nHost: x\r\nContent-Type: application/wasm\r\n"
                     b"Content-Length: " + str(declared).encode() + b"\r\n\r\n" + b"\0asm\1\0\0\0")
        reply = b""
        try:  # the half-sent body is never finished: wait for the server to give up
            while chunk := sock.recv(65536):
                reply += chunk
        except OSError:
            pass
    line = reply.split(b"\r\n", 1)[0].decode(errors="replace")
    return line.split()[1] if len(line.split()) > 1 else "closed"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def run(requests: int = 500, concurrency: int = 50, hostile_count: int = 20, *,
        workers: int = 4, timeout_seconds: float = 2.0, body_timeout_seconds: float = 3.0,
        seed: int = 15) -> dict:
    """Run the load test against a fresh server; the figures as a dict."""
    port = free_port()
    env = {"WASMVM_WEB_WORKERS": str(workers), "WASMVM_WEB_TIMEOUT_SECONDS": str(timeout_seconds),
           "WASMVM_WEB_BODY_TIMEOUT_SECONDS": str(body_timeout_seconds)}
    proc = start_server(port, env)
    stop = threading.Event()
    docs = {"ok": 0, "failed": 0, "slowest": 0.0}
    memory = {"peak": 0, "start": tree_rss(proc.pid)}

    def poll_docs():
        while not stop.is_set():
            t = time.monotonic()
            try:
                status, _ = request(port, "GET", "/docs", timeout=5)
                docs["ok" if status == 200 else "failed"] += 1
            except OSError:
                docs["failed"] += 1
            docs["slowest"] = max(docs["slowest"], time.monotonic() - t)
            stop.wait(0.2)

    def poll_memory():
        while not stop.is_set():
            memory["peak"] = max(memory["peak"], tree_rss(proc.pid))
            stop.wait(0.1)

    pollers = [threading.Thread(target=f, daemon=True) for f in (poll_docs, poll_memory)]
    for t in pollers:
        t.start()
    jobs: list[tuple[str, object]] = [("ok", i) for i in range(requests)]
    rng = random.Random(seed)
    for j in range(hostile_count):  # spread evenly, each kind in turn
        jobs.insert(rng.randrange(len(jobs) + 1), ("hostile", HOSTILE_KINDS[j % len(HOSTILE_KINDS)]))

    def one(job):
        what, arg = job
        t = time.monotonic()
        try:
            if what == "ok":
                ok, note = well_formed(port, arg)
            else:
                ok, note = True, hostile(port, arg, body_timeout_seconds)
        except Exception as e:  # noqa: BLE001 - a failure to report
            ok, note = False, f"{type(e).__name__}: {e}"
        return what, arg, ok, note, time.monotonic() - t

    started = time.monotonic()
    try:
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(one, jobs))
        elapsed = time.monotonic() - started
        status, body = request(port, "GET", "/api/config", timeout=5)
    finally:
        stop.set()
        for t in pollers:
            t.join(5)
        stop_server(proc)
    latencies = [r[4] for r in results if r[0] == "ok"]
    failures = [f"{r[1]}: {r[3]}" for r in results if r[0] == "ok" and not r[2]]
    answers: dict[str, dict[str, int]] = {}
    for what, arg, _, note, _ in results:
        if what == "hostile":
            answers.setdefault(arg, {}).setdefault(note, 0)
            answers[arg][note] += 1
    return {"requests": requests, "concurrency": concurrency, "hostile": hostile_count,
            "workers": workers, "elapsed_s": elapsed, "failures": failures,
            "p50_s": statistics.median(latencies) if latencies else float("nan"),
            "p99_s": percentile(latencies, 0.99), "hostile_answers": answers,
            "rss_start_bytes": memory["start"], "rss_peak_bytes": memory["peak"],
            "docs": docs, "config_after": status}


def report(figures: dict) -> str:
    mb = 1024 * 1024
    lines = [
        f"{figures['requests']} well-formed requests at concurrency {figures['concurrency']}, "
        f"{figures['hostile']} hostile ones among them, {figures['workers']} worker processes: "
        f"{figures['elapsed_s']:.1f} s",
        f"  well-formed failures: {len(figures['failures'])}"
        + "".join(f"\n    {f}" for f in figures["failures"][:10]),
        f"  latency of the well-formed: p50 {figures['p50_s'] * 1000:.0f} ms, "
        f"p99 {figures['p99_s'] * 1000:.0f} ms",
        "  hostile: " + "; ".join(f"{kind} -> " + ", ".join(f"{n}x {a}" for a, n in sorted(got.items()))
                                  for kind, got in sorted(figures["hostile_answers"].items())),
        f"  memory (RSS of the server and its workers): {figures['rss_start_bytes'] / mb:.0f} MB "
        f"at the start, peak {figures['rss_peak_bytes'] / mb:.0f} MB",
        f"  GET /docs, polled throughout: {figures['docs']['ok']} answered, "
        f"{figures['docs']['failed']} failed, slowest {figures['docs']['slowest'] * 1000:.0f} ms",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--hostile", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=2.0,
                        help="the server's timeout_seconds (default: 2)")
    parser.add_argument("--body-timeout", type=float, default=3.0,
                        help="the server's body_timeout_seconds (default: 3)")
    args = parser.parse_args(argv)
    figures = run(args.requests, args.concurrency, args.hostile, workers=args.workers,
                  timeout_seconds=args.timeout, body_timeout_seconds=args.body_timeout)
    print(report(figures))
    return 1 if figures["failures"] or figures["docs"]["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
