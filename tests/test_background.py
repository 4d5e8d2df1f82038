"""Translating ahead in a worker process (exec.background, Config.parallel_compilation):
the code run is the code the caller would have made, the worker follows the run, ends
when told or when its instance goes, and is never started where a fork is unsafe."""

import gc
import os
import re
import threading
import time

import pytest

from wasmvm import Config, Engine, Instance, Module, Store
from wasmvm.errors import InvalidError
from wasmvm.exec import background
from wasmvm.exec.compiled_tier import CompiledTier

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

N = 40


def _module_text() -> str:
    """``main(0)`` returns at once; ``main(1)`` calls f1 ... fN, each doing a little
    arithmetic in a loop and calling the next one's helper."""
    funcs = []
    for k in range(1, N + 1):
        funcs.append(f"""
  (func $f{k} (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const {k}))))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))
    (i32.xor (local.get 1) (call $h{k} (local.get 1))))
  (func $h{k} (param i32) (result i32)
    (i32.rotl (local.get 0) (i32.const {k % 31 + 1}))
    (f32.convert_i32_s (local.get 0)) (f32.const 0.5) (f32.mul) (i32.trunc_sat_f32_s)
    (i32.add))""")
    calls = "\n".join(f"    (i32.add (call $f{k} (i32.const {k})))" for k in range(1, N + 1))
    return f"""(module {''.join(funcs)}
  (func (export "main") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (return (i32.const 0))))
    (i32.const 0)
{calls}))"""


#: set in the fresh process ``test_in_a_fresh_process`` starts
CHILD = "WASMVM_BACKGROUND_TESTS"


@pytest.fixture
def eager(monkeypatch):
    """Any module is big enough, and this machine counts as having two CPUs. Where other
    tests have left threads running in this process, no worker may fork (as designed):
    the tests then run in a fresh process instead (``test_in_a_fresh_process``)."""
    if threading.active_count() > 1:
        pytest.skip("other threads run in this process, so no worker forks here: "
                    "test_in_a_fresh_process runs these tests in a fresh one")
    monkeypatch.setattr(background, "MIN_INSTRUCTIONS", 0)
    monkeypatch.setattr(background, "_cpus", lambda: 2)


def test_in_a_fresh_process():
    """This file's tests, in a process of their own, when this one has other threads."""
    if threading.active_count() == 1 or os.environ.get(CHILD):
        pytest.skip("no other thread here: the tests below run in this process")
    import subprocess
    import sys

    env = dict(os.environ, **{CHILD: "1"})
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          __file__], capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    # every other test of this file ran there and passed: only this one skips itself
    others = sum(1 for name in globals() if name.startswith("test_")) - 1
    counts = re.search(r"\b(\d+) passed, 1 skipped in\b", out.stdout)
    assert counts and int(counts[1]) >= others, out.stdout[-2000:]


@pytest.fixture(params=["decoded", "first call"])
def started(request, monkeypatch):
    """When the worker starts: once the module is decoded (the API's Module), or, for a
    module instance whose module started none, at its first call."""
    if request.param == "first call":
        monkeypatch.setattr(CompiledTier, "ahead_of_validation", lambda self, *a: None)
    return request.param


def _run(parallel: bool, wait: float = 0.0):
    engine = Engine(Config(parallel_compilation=parallel))
    store = Store(engine)
    instance = Instance(store, Module(engine, _module_text()), [])
    main = instance.exports(store)["main"]
    assert main(store, 0) == 0  # translates main: the worker starts here, if not before
    deadline = time.monotonic() + wait
    worker = instance._inst.background
    while worker and time.monotonic() < deadline and _made(worker) < 2 * N:
        time.sleep(0.02)
    return engine, store, instance, main(store, 1)


def _made(worker) -> int:
    root = worker.cache.directory
    return sum(len(os.listdir(root / d)) for d in os.listdir(root)) if root.exists() else 0


def test_functions_translated_ahead_run_the_same_code(eager, started):
    """Whoever made a translation, and whenever the worker started (before validation
    it validates each body itself, and translates against stand-ins for the imports)."""
    engine, store, instance, result = _run(parallel=True, wait=20.0)
    serial_engine, serial_store, serial_instance, expected = _run(parallel=False)
    assert result == expected
    stats = engine.tier.stats
    assert stats.ahead >= N, "the worker had time for every function main calls"
    assert stats.translated == serial_engine.tier.stats.translated == 2 * N + 1
    assert serial_engine.tier.stats.ahead == 0
    # the same code objects, whoever made them
    ours = {f.index: f.compiled for f in instance._inst.funcs}
    theirs = {f.index: f.compiled for f in serial_instance._inst.funcs}
    for index, fn in ours.items():
        assert fn is not None and theirs[index] is not None
        a, b = fn.__code__, theirs[index].__code__
        assert (a.co_code, a.co_consts, a.co_names) == (b.co_code, b.co_consts, b.co_names)
    instance._inst.background.stop()


def test_the_worker_skips_what_the_caller_translates(eager, started):
    """No wait: the caller translates what the worker has not done yet, and says so;
    every result is right either way."""
    engine, store, instance, result = _run(parallel=True, wait=0.0)
    assert result == _run(parallel=False)[3]
    stats = engine.tier.stats
    assert stats.translated == 2 * N + 1
    assert stats.ahead < stats.translated
    instance._inst.background.stop()


def test_the_worker_ends_and_its_cache_goes(eager, started):
    engine, store, instance, _ = _run(parallel=True)
    worker = instance._inst.background
    folder = worker.cache.directory
    assert folder.exists()
    worker.stop()
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(worker.pid, os.WNOHANG)
    assert not folder.exists()


def test_the_worker_ends_with_its_instance(eager, started):
    engine, store, instance, _ = _run(parallel=True)
    worker = instance._inst.background
    pid, folder = worker.pid, worker.cache.directory
    del instance, store, worker
    gc.collect()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert not folder.exists()


def test_no_worker_when_switched_off_or_small(eager, monkeypatch):
    _, _, instance, _ = _run(parallel=False)
    assert not instance._inst.background
    monkeypatch.setattr(background, "MIN_INSTRUCTIONS", 10**9)
    _, _, instance, _ = _run(parallel=True)
    assert instance._inst.background is False


def test_no_fork_while_another_thread_runs(eager):
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not background.available()
        _, _, instance, result = _run(parallel=True)
        assert instance._inst.background is False and result == _run(parallel=False)[3]
    finally:
        stop.set()
        thread.join()
    assert background.available()


def test_a_persistent_cache_is_filled_by_the_worker(eager, tmp_path):
    engine = Engine(Config(parallel_compilation=True, cache=tmp_path))
    store = Store(engine)
    instance = Instance(store, Module(engine, _module_text()), [])
    instance.exports(store)["main"](store, 0)
    worker = instance._inst.background
    assert worker.private is None and worker.cache.directory == tmp_path
    deadline = time.monotonic() + 20
    while _made(worker) < 2 * N + 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    worker.stop()
    assert tmp_path.exists() and _made(worker) == 2 * N + 1  # kept: not a private cache
    # a second engine finds everything there
    again = Engine(Config(parallel_compilation=False, cache=tmp_path))
    store2 = Store(again)
    inst2 = Instance(store2, Module(again, _module_text()), [])
    inst2.exports(store2)["main"](store2, 1)
    assert again.tier.stats.cached == 2 * N + 1


def test_an_orphaned_worker_removes_its_cache_and_ends(tmp_path):
    """The caller ends without stopping its worker (os._exit: no finalizer runs): the
    worker sees the hints' pipe close, removes its private cache and exits."""
    script = tmp_path / "orphan.py"
    script.write_text(f"""
import os, sys, time
sys.path.insert(0, {str(os.path.dirname(os.path.dirname(background.__file__)))!r})
sys.path.insert(0, {os.path.dirname(__file__)!r})
from wasmvm.errors import InvalidError
from wasmvm.exec import background
from wasmvm.exec.compiled_tier import CompiledTier
background.MIN_INSTRUCTIONS = 0
background._cpus = lambda: 2
import test_background as t
_, _, instance, _ = t._run(parallel=True, wait=20.0)
worker = instance._inst.background
print(worker.pid, worker.cache.directory, flush=True)
os._exit(0)
""")
    import subprocess
    import sys
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    pid, folder = out.stdout.split()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (os.path.exists(folder) or _alive(int(pid))):
        time.sleep(0.05)
    assert not os.path.exists(folder)
    assert not _alive(int(pid))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_hinted_functions_callees_come_next_but_the_first_last():
    """The caller calls the first callee of the function it is at at once, so the worker
    would be translating it at the same time: it goes to the bottom of the stack; the
    others come next, first written first, before what was there."""
    near = ["older"]
    background._push_hinted(near, ["first", "second", "third"])
    assert [near.pop() for _ in range(len(near))] == ["second", "third", "older", "first"]
    background._push_hinted(near, [])
    assert near == []


def test_a_worker_started_for_an_invalid_module_is_stopped(eager, monkeypatch):
    """The worker starts before validation; the module does not validate: it is killed
    and reaped, and the error is the validator's."""
    started = []
    real = background.Background.for_module.__func__

    def recorded(cls, *args):
        started.append(real(cls, *args))
        return started[-1]
    monkeypatch.setattr(background.Background, "for_module", classmethod(recorded))
    text = _module_text().replace("(i32.add (local.get 1)", "(i64.add (local.get 1)", 1)
    with pytest.raises(InvalidError, match="type mismatch"):
        Module(Engine(), text)
    assert len(started) == 1
    with pytest.raises(ChildProcessError):  # reaped
        os.waitpid(started[0].pid, os.WNOHANG)
    assert not started[0].cache.directory.exists()


def test_validating_or_printing_translations_starts_no_worker(eager, monkeypatch, tmp_path):
    def refuse(*args):
        raise AssertionError("a worker was started")
    monkeypatch.setattr(background.Background, "__init__", refuse)
    Module.validate(None, _module_text())
    from wasmvm.cli import main
    wat = tmp_path / "m.wat"
    wat.write_text(_module_text())
    assert main(["translate", "--func", "main", str(wat)]) == 0


#: ``_start`` stores the table slot of $main for a runtime to call (Rust's shape); $f
#: calls $die, then unreachable (a panic), and $g
GUESSES = """(module
  (table 4 funcref) (memory 1)
  (elem (i32.const 1) $main $other $g)
  (func $die)
  (func $g)
  (func $f (call $g) (call $die) (unreachable))
  (func $main (call $f))
  (func $other)
  (func $runtime (param i32) (call_indirect (local.get 0)))
  (func (export "_start") (i32.store (i32.const 8) (i32.const 1))
    (call $runtime (i32.load (i32.const 8)))))"""


def test_a_worker_started_before_any_call_guesses_main_and_leaves_panics_last():
    from wasmvm.exec.instantiate import allocate

    engine = Engine(Config(parallel_compilation=False))
    module = Module(engine, GUESSES)
    mod = allocate(Store(engine)._store, module.syntax, module._info)
    assert [f.index for f in background._first_guesses(mod)] == [6, 3]  # _start, then $main
    likely, unlikely = background._callees(mod, mod.funcs[2])  # $f
    assert [f.index for f in likely] == [1] and [f.index for f in unlikely] == [0]


def test_the_web_service_starts_no_worker(eager, monkeypatch):
    """The service runs each request under its own budgets (in a pool process or a
    thread) and keeps the modules it loaded in a cache: a worker would outlive the
    request, outside its memory limit."""
    core = pytest.importorskip("wasmvm.web.core")
    from wasmvm.wat import to_binary
    from wasmvm.web.limits import Limits

    def refuse(*args):
        raise AssertionError("a worker was started")
    monkeypatch.setattr(background.Background, "__init__", refuse)
    module = core.load_module(to_binary(_module_text()), Limits())
    store, _, _ = core.make_store(Limits(), observed=False)
    instance = Instance(store, module, [])
    assert instance.exports(store)["main"](store, 1) == _run(parallel=False)[3]
