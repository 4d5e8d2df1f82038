"""Exception handling (WebAssembly 3.0): tags, ``throw``, ``throw_ref``, ``try_table`` with
each catch kind, on both tiers and across them, through host functions, and at the host
boundary (``UncaughtException``, a Trap as in wasmtime-py). The differential fixture
``fixtures/diff/trap_uncaught_exception.wat`` compares the same against wasmtime."""

from __future__ import annotations

import pytest

from wasmvm import (
    Config,
    Engine,
    Func,
    FuncType,
    Instance,
    InvalidError,
    Linker,
    Module,
    Store,
    Trap,
    TrapCode,
    Val,
    ValType,
)
from wasmvm.api import ExnRef, Tag, TagType
from wasmvm.errors import UncaughtException, UnsupportedFeatureError
from wasmvm.observe.trace import Tracer, format_record

from .test_api import wat3

#: "flat": the compiled tier made to lower every function with a loop or a try_table in
#: the flat form (compile_flat), which has its own handlers; "split": every function
#: flat and split into chunks of one state each (as a function of more than
#: SPLIT_INSTRUCTIONS is), so that handlers run in other chunks than their try_table
TIERS = ["compiled", "reference", "flat", "split"]


@pytest.fixture(autouse=True)
def _flat_form(request, monkeypatch):
    callspec = getattr(request.node, "callspec", None)
    tier = callspec.params.get("tier") if callspec is not None else None
    if tier == "flat":
        monkeypatch.setattr("wasmvm.exec.compile.MAX_LOOP_NESTING", 0)
    if tier == "split":
        monkeypatch.setattr("wasmvm.exec.compile_survey.SPLIT_INSTRUCTIONS", 0)
        monkeypatch.setattr("wasmvm.exec.compile_flat.CHUNK_LINES", 1)

PROGRAM = r"""
(module
  (import "host" "call_back" (func $call_back (param i32) (result i32)))
  (tag $e0 (export "e0"))
  (tag $e1 (export "e1") (param i32))
  (tag $e2 (param i32 i64))

  (func $thrower (export "thrower") (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e0)))
    (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 11))))
    (if (i32.eq (local.get 0) (i32.const 2))
      (then (throw $e2 (i32.const 22) (i64.const -2))))
    (if (i32.eq (local.get 0) (i32.const 3)) (then (unreachable))))

  (func (export "classify") (param i32) (result i32)
    (local $x exnref)
    (block $on_e1 (result i32)
      (block $on_e2 (result i32 i64 exnref)
        (block $on_any (result exnref)
          (try_table (catch $e1 $on_e1) (catch_ref $e2 $on_e2) (catch_all_ref $on_any)
            (call $thrower (local.get 0)))
          (return (i32.const -1)))
        (local.set $x)
        (return (i32.const 100)))
      (local.set $x)
      (drop)
      (return)))

  ;; the innermost handler that matches wins; an outer one sees what it lets through
  (func (export "nested") (param i32) (result i32)
    (block $outer (result i32)
      (try_table (catch $e1 $outer)
        (block $inner
          (try_table (catch $e0 $inner)
            (call $thrower (local.get 0)))
          (return (i32.const -1)))
        (return (i32.const 200)))
      (return (i32.const -3))))

  ;; catch_ref, then throw_ref: the same exception, caught by the caller of "rethrow"
  (func $rethrow (export "rethrow") (param i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (call $thrower (local.get 0)))
      (return))
    (throw_ref))
  (func (export "catch_rethrown") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        (call $rethrow (local.get 0)))
      (i32.const -1)))

  (func (export "throw_null") (throw_ref (ref.null exn)))

  ;; a catch to the function's own label returns the payload
  (func (export "to_function_label") (param i32) (result i32)
    (try_table (catch $e1 0)
      (call $thrower (local.get 0)))
    (i32.const -1))

  ;; traps are not exceptions: catch_all lets them through
  (func (export "trap_through_catch_all") (result i32)
    (block $h
      (try_table (catch_all $h)
        (call $thrower (i32.const 3)))
      (return (i32.const 0)))
    (i32.const 1))
  (func $forever (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))
  (func (export "exhaustion_through_catch_all") (result i32)
    (block $h
      (try_table (catch_all $h)
        (drop (call $forever (i32.const 0))))
      (return (i32.const 0)))
    (i32.const 1))

  ;; through the host: wasm -> host -> wasm (throws) -> host -> wasm (catches)
  (func (export "through_host") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $e1 $h)
        (drop (call $call_back (local.get 0))))
      (i32.const -1)))
  (func (export "rethrow_through_host") (param i32) (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h)
        (drop (call $call_back (local.get 0))))
      (ref.null exn)))
)
"""


def _instance(tier: str, call_back=None, config: Config | None = None):
    engine = Engine(config or Config(tier="compiled" if tier in ("flat", "split") else tier))
    store = Store(engine)
    module = Module(engine, wat3(PROGRAM))
    holder = {}

    def default_call_back(x):
        return holder["exports"]["rethrow"](store, x) or 0

    fn = Func(store, FuncType([ValType.i32()], [ValType.i32()]), call_back or default_call_back)
    inst = Instance(store, module, [fn])
    holder["exports"] = inst.exports(store)
    return store, inst.exports(store)


@pytest.mark.parametrize("tier", TIERS)
def test_each_catch_kind(tier):
    store, ex = _instance(tier)
    assert ex["classify"](store, 1) == 11  # catch $e1: the payload
    assert ex["classify"](store, 2) == 22  # catch_ref $e2: payload and exnref
    assert ex["classify"](store, 0) == 100  # catch_all_ref
    assert ex["classify"](store, 4) == -1  # nothing thrown


@pytest.mark.parametrize("tier", TIERS)
def test_nested_handlers(tier):
    store, ex = _instance(tier)
    assert ex["nested"](store, 0) == 200  # the inner one catches $e0
    assert ex["nested"](store, 1) == 11  # the inner one lets $e1 through to the outer
    with pytest.raises(UncaughtException):
        ex["nested"](store, 2)  # neither catches $e2
    assert ex["nested"](store, 4) == -1


@pytest.mark.parametrize("tier", TIERS)
def test_throw_ref_rethrows_the_same_exception(tier):
    store, ex = _instance(tier)
    assert ex["catch_rethrown"](store, 1) == 11  # rethrown from a callee, caught by tag
    with pytest.raises(UncaughtException) as info:
        ex["rethrow"](store, 2)
    e = info.value
    assert e.payload == (22, 2**64 - 2)  # raw values: i64 -2 as unsigned
    assert e.exn is not None and e.exn.payload == e.payload and e.exn.tag is e.tag


@pytest.mark.parametrize("tier", TIERS)
def test_throw_ref_of_null_traps(tier):
    store, ex = _instance(tier)
    with pytest.raises(Trap) as info:
        ex["throw_null"](store)
    assert info.value.code is TrapCode.NULL_REFERENCE
    assert info.value.message == "null exception reference"
    assert not isinstance(info.value, UncaughtException)


@pytest.mark.parametrize("tier", TIERS)
def test_catch_to_the_function_label(tier):
    store, ex = _instance(tier)
    assert ex["to_function_label"](store, 1) == 11
    assert ex["to_function_label"](store, 4) == -1


@pytest.mark.parametrize("tier", TIERS)
def test_traps_and_exhaustion_are_not_caught(tier):
    store, ex = _instance(tier)
    with pytest.raises(Trap) as info:
        ex["trap_through_catch_all"](store)
    assert info.value.code is TrapCode.UNREACHABLE
    with pytest.raises(Trap) as info:
        ex["exhaustion_through_catch_all"](store)
    assert info.value.code is TrapCode.STACK_OVERFLOW


@pytest.mark.parametrize("tier", TIERS)
def test_uncaught_at_the_host(tier):
    store, ex = _instance(tier)
    with pytest.raises(UncaughtException) as info:
        ex["thrower"](store, 1)
    e = info.value
    assert isinstance(e, Trap)  # as wasmtime-py: a trap ("thrown Wasm exception")
    assert e.code is TrapCode.UNCAUGHT_EXCEPTION and e.message == "thrown Wasm exception"
    assert e.payload == (11,)
    tag = ex["e1"]
    assert isinstance(tag, Tag) and tag.is_tag_of(e) and not ex["e0"].is_tag_of(e)
    assert tag.type(store) == TagType(FuncType([ValType.i32()], []))


@pytest.mark.parametrize("tier", TIERS)
def test_exceptions_cross_a_host_function(tier):
    """The host function gets the inner call's UncaughtException and does not catch it:
    back in WebAssembly it is the same exception again, caught by tag."""
    store, ex = _instance(tier)
    assert ex["through_host"](store, 1) == 11
    assert ex["through_host"](store, 4) == -1


@pytest.mark.parametrize("tier", TIERS)
def test_identity_survives_a_host_function_that_reraises(tier):
    seen = []

    def call_back(x):
        try:
            return holder[0]["thrower"](store, x) or 0
        except UncaughtException as e:
            seen.append(e)
            raise

    holder = []
    store, ex = _instance(tier, call_back)
    holder.append(ex)
    with pytest.raises(UncaughtException) as info:
        ex["rethrow"](store, 1)  # a plain path, for comparison
    exn = ex["rethrow_through_host"](store, 1)
    # the exnref is the same exception (an ExnRef, the API's view of it)
    assert isinstance(exn, ExnRef) and seen and exn == ExnRef.of(seen[0])
    assert ExnRef.of(info.value) != exn  # (two throws: two exceptions)


@pytest.mark.parametrize("tier", TIERS)
def test_a_host_function_can_throw_a_tag(tier):
    """An UncaughtException made by the host with a tag instance and a payload is thrown
    into its WebAssembly caller as that exception."""
    holder = []

    def call_back(x):
        raise UncaughtException(holder[0]["e1"]._inst, (x * 2,))

    store, ex = _instance(tier, call_back)
    holder.append(ex)
    assert ex["through_host"](store, 21) == 42


def test_across_tiers():
    """A function the compiled tier runs on its fallback (the reference tier) catches an
    exception thrown by a compiled callee, and a compiled function catches one thrown by a
    callee running on the reference tier."""
    from wasmvm.exec import compile_rt
    from wasmvm.exec.compiled_tier import CompiledTier
    from wasmvm.exec.engine import REFERENCE

    store, ex = _instance("compiled")
    tier = CompiledTier(fallback=REFERENCE, defer_instructions=1)  # first calls: fallback
    store._store.tier = tier
    inst = ex["classify"]._inst.module
    catcher, thrower = inst.funcs[2], inst.funcs[1]
    # the thrower compiled (its second call translates it), the catcher on the fallback
    fn = compile_rt.callable_for(thrower, store._store, tier)
    for x in (4, 4):
        fn = thrower.compiled or compile_rt.callable_for(thrower, store._store, tier)
        fn(x, 1)
    assert not compile_rt.is_fallback(thrower.compiled)
    assert ex["classify"](store, 1) == 11
    assert compile_rt.is_fallback(catcher.compiled) or catcher.compiled is not None
    # and the other way round, in a fresh instance
    store, ex = _instance("compiled")
    tier = CompiledTier(fallback=REFERENCE, defer_instructions=1)
    store._store.tier = tier
    inst = ex["classify"]._inst.module
    catcher = inst.funcs[2]
    ex["classify"](store, 4)  # the catcher's first call: on the fallback
    assert ex["classify"](store, 2) == 22  # now compiled; the thrower's first call: fallback
    assert not compile_rt.is_fallback(catcher.compiled)


def test_the_tier_of_each_side_is_what_the_test_says():
    """(The test above relies on CompiledTier deferring a function's first call.)"""
    from wasmvm.exec import compile_rt
    from wasmvm.exec.compiled_tier import CompiledTier
    from wasmvm.exec.engine import REFERENCE

    store, ex = _instance("compiled")
    tier = CompiledTier(fallback=REFERENCE, defer_instructions=1)
    store._store.tier = tier
    thrower = ex["classify"]._inst.module.funcs[1]
    fn = compile_rt.callable_for(thrower, store._store, tier)
    fn(4, 1)
    assert thrower.compiled is not None


def test_switched_off_it_is_rejected_as_2_0_does():
    config = Config(wasm_exceptions=False)
    with pytest.raises(UnsupportedFeatureError) as info:
        Module(Engine(config), wat3(PROGRAM))
    assert "exception handling" in str(info.value)
    only_tag = wat3("(module (tag))")
    with pytest.raises(UnsupportedFeatureError, match="the tag section"):
        Module(Engine(config), only_tag)
    Module(Engine(), only_tag)


@pytest.mark.parametrize("text, message", [
    ("(module (tag (result i32)))", "non-empty tag result type"),
    ("(module (func (throw 0)))", "unknown tag 0"),
    ("(module (tag (param i32)) (func (block (try_table (catch 0 0)))))", "type mismatch"),
    ("(module (tag) (func (block (result exnref) (try_table (catch_ref 0 0)) "
     "(unreachable)) (drop)))", None),
    ("(module (func (block (result exnref) (try_table (catch_all 0)) (unreachable))))",
     "type mismatch"),
    ("(module (func (result i32) (try_table (result i32) (catch_all 1) (i32.const 1))))",
     "unknown label"),
    ("(module (func (throw_ref (i32.const 0))))", "type mismatch"),
])
def test_validation(text, message):
    data = wat3(text)
    if message is None:
        Module(Engine(), data)
        return
    with pytest.raises(InvalidError, match=message):
        Module(Engine(), data)


def test_tag_imports_match_by_type_and_keep_identity():
    engine = Engine()
    store = Store(engine)
    tag = Tag(store, TagType(FuncType([ValType.i32()], [])))
    other = Tag(store, TagType(FuncType([ValType.i32()], [])))
    module = Module(engine, wat3("""(module
      (import "m" "t" (tag $t (param i32)))
      (func (export "catch") (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (throw $t (i32.const 5)))
          (i32.const -1)))
      (func (export "throw") (param i32) (throw $t (local.get 0))))"""))
    inst = Instance(store, module, [tag])
    with pytest.raises(UncaughtException) as info:
        inst.exports(store)["throw"](store, 7)
    assert tag.is_tag_of(info.value) and not other.is_tag_of(info.value)
    assert info.value.payload == (7,)
    from wasmvm import LinkError

    with pytest.raises(LinkError):
        Instance(store, module, [Tag(store, TagType(FuncType([ValType.i64()], [])))])
    linker = Linker(engine)
    linker.define(store, "m", "t", tag)
    assert linker.instantiate(store, module).exports(store)["catch"](store) == 5


def test_a_trace_shows_frames_left_by_an_exception():
    store, ex = _instance("reference")
    lines = []
    store.add_observer(Tracer(lambda r: lines.append(format_record(r))))
    assert ex["catch_rethrown"](store, 1) == 11
    text = "\n".join(lines)
    assert "unwind thrower: exception tag 1(11)" in text
    assert "unwind rethrow: exception tag 1(11)" in text
    assert text.splitlines()[-1].startswith("return ")  # the catcher returned


def test_a_function_too_deep_for_the_structured_form_still_catches():
    """A function with more nested loops than the structured form allows is lowered flat
    (compile_flat), try_table included."""
    from wasmvm.exec import compile_rt

    depth = 20  # more nested loops than the structured form allows
    opens = "".join(f"(loop $l{i} " for i in range(depth))
    closes = ")" * depth
    text = f"""(module
      (tag $e (param i32))
      (func $throw (param i32) (throw $e (local.get 0)))
      (func (export "deep") (param i32) (result i32)
        (block $h (result i32)
          {opens}
            (try_table (catch $e $h) (call $throw (local.get 0)))
            (br_if $l0 (i32.eqz (local.get 0)))
          {closes}
          (i32.const -1))))"""
    for tier in ("compiled", "reference"):
        engine = Engine(Config(tier=tier))
        store = Store(engine)
        inst = Instance(store, Module(engine, wat3(text)), [])
        assert inst.exports(store)["deep"](store, 7) == 7
        if tier == "compiled":
            func = inst.exports(store)["deep"]._inst
            assert not compile_rt.is_fallback(func.compiled)


BACKTRACE = r"""
(module
  (tag $e (param i32))
  (func $inner (param i32) (if (local.get 0) (then (throw $e (local.get 0)))))
  (func $mid (param i32) (call $inner (local.get 0)))
  (func $catchy (param i32)
    (block $h (try_table (catch_all $h) (call $mid (local.get 0))))
    (call $mid (local.get 0)))
  (func (export "run") (param i32) (call $catchy (local.get 0)))
  (func $deep (export "deep") (param i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 0))))
    (call $deep (i32.sub (local.get 0) (i32.const 1))))
  (func (export "rethrown") (param i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $mid (local.get 0)))
      (return))
    (throw_ref)))
"""


@pytest.mark.parametrize("tier", TIERS)
def test_an_uncaught_exception_has_a_backtrace_as_a_trap_does(tier):
    """Frames with names and the byte offset of the throw, as wasmtime 50 gives them
    (0x43 in inner, mid, catchy, func[3]); a throw_ref is located at the throw_ref."""
    from wasmvm.errors import BACKTRACE_INNER, BACKTRACE_OUTER

    engine = Engine(Config(tier="compiled" if tier in ("flat", "split") else tier))
    store = Store(engine)
    ex = Instance(store, Module(engine, wat3(BACKTRACE)), []).exports(store)
    with pytest.raises(UncaughtException) as info:
        ex["run"](store, 7)
    e = info.value
    assert e.offset == 0x43
    assert [f.name for f in e.frames] == ["func[3]", "catchy", "mid", "inner"]
    assert str(e).splitlines() == ["thrown Wasm exception (at offset 0x43)", "wasm backtrace:",
                                   "  in inner", "  in mid", "  in catchy", "  in func[3]"]
    with pytest.raises(UncaughtException) as info:
        ex["rethrown"](store, 1)
    assert [f.name for f in info.value.frames] == ["func[5]"]
    assert info.value.offset == 0x8D
    with pytest.raises(UncaughtException) as info:
        ex["deep"](store, 100)
    e = info.value
    assert e.frames_elided == 101 - BACKTRACE_OUTER - BACKTRACE_INNER
    assert all(f.name == "deep" for f in e.frames) and e.offset == 0x72


def test_an_uncaught_exception_is_located_across_tiers():
    """A thrower on the reference tier (the compiled tier's fallback) under compiled
    callers, and the other way round: the same backtrace as on one tier."""
    from wasmvm.exec.compiled_tier import CompiledTier
    from wasmvm.exec.engine import REFERENCE

    seen = []
    for deferred in ("thrower", "callers"):
        engine = Engine(Config(tier="compiled"))
        store = Store(engine)
        ex = Instance(store, Module(engine, wat3(BACKTRACE)), []).exports(store)
        tier = CompiledTier(fallback=REFERENCE, defer_instructions=1)  # first calls: fallback
        store._store.tier = tier
        funcs = ex["run"]._inst.module.funcs
        # "callers": the thrower translated, its callers on the fallback; "thrower": the
        # other way round
        for f in funcs[:1] if deferred == "callers" else funcs[1:4]:
            f.compiled = tier.translate_now(f, store._store)
        with pytest.raises(UncaughtException) as info:
            ex["run"](store, 7)
        seen.append((info.value.offset, [f.name for f in info.value.frames]))
    assert seen == [(0x43, ["func[3]", "catchy", "mid", "inner"])] * 2


EXNREFS = r"""
(module
  (import "host" "pass" (func $pass (param exnref) (result exnref)))
  (import "host" "rethrow" (func $rethrow (param exnref)))
  (tag $e (export "e") (param i32 i64))
  (global $g (export "g") (mut exnref) (ref.null exn))
  (func $catch (export "catch") (param i32) (result exnref)
    (block $h (result i32 i64 exnref)
      (try_table (catch_ref $e $h) (throw $e (local.get 0) (i64.const -2)))
      (unreachable))
    (global.set $g (call $pass))
    (drop) (drop)
    (global.get $g))
  (func (export "throw_it") (param exnref) (throw_ref (local.get 0)))
  ;; the host rethrows what it is given: caught here by tag, payload intact
  (func (export "through_host") (param exnref) (result i32)
    (block $h (result i32 i64)
      (try_table (catch $e $h) (call $rethrow (local.get 0)))
      (return (i32.const -1)))
    (drop))
  (func (export "same") (param exnref exnref) (result i32)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $rethrow (local.get 0)))
      (return (i32.const -1)))
    (drop)
    (i32.const 1)))
"""


@pytest.mark.parametrize("tier", TIERS)
def test_exnref_values_are_typed_in_the_api(tier):
    """An exnref reaches Python as an ExnRef (its tag, its payload as Vals), and goes back
    in as that very exception: through a host function's parameter and result, a
    global, Val and the raw round trip; a host function rethrows one by raising
    ``as_exception()``."""
    from wasmvm.api.values import format_value, to_python, to_raw

    engine = Engine(Config(tier="compiled" if tier in ("flat", "split") else tier))
    store = Store(engine)
    got = []

    def pass_(exn):
        got.append(exn)
        return exn

    def rethrow(exn):
        raise exn.as_exception()

    t = ValType.exnref()
    host = [Func(store, FuncType([t], [t]), pass_), Func(store, FuncType([t], []), rethrow)]
    ex = Instance(store, Module(engine, wat3(EXNREFS)), host).exports(store)
    exn = ex["catch"](store, 11)
    assert isinstance(exn, ExnRef) and got == [exn]  # the host saw the same one
    assert ex["e"].is_tag_of(exn) and exn.tag == ex["e"]
    assert exn.fields == [Val.i32(11), Val.i64(-2)] and len(exn) == 2 and exn[1].value == -2
    assert ex["g"].value(store) == exn
    assert repr(exn) == "(ref.exn $0 [i32:11, i64:-2])"
    v = Val.exnref(exn)
    assert v.type == t and v.value == exn and to_python(t, to_raw(t, v)) == exn
    assert format_value(v) == "(ref.exn $0 [i32:11, i64:-2])"
    assert Val.exnref(None).value is None
    with pytest.raises(TypeError, match="exnref needs an ExnRef"):
        to_raw(t, 5)
    # back in: throw_ref throws the same exception, which the host sees again
    with pytest.raises(UncaughtException) as info:
        ex["throw_it"](store, exn)
    assert ExnRef.of(info.value) == exn and info.value.payload == (11, 2**64 - 2)
    assert ex["through_host"](store, exn) == 11
    assert ex["same"](store, exn, exn) == 1
    # a new exception made by the host, thrown through a host function
    made = ExnRef(store, ex["e"], [7, Val.i64(8)])
    assert made != exn and made.fields == [Val.i32(7), Val.i64(8)]
    assert ex["through_host"](store, made) == 7
    with pytest.raises(TypeError, match="takes 2 field"):
        ExnRef(store, ex["e"], [1])


def test_invoke_prints_an_exnref(tmp_path):
    import subprocess
    import sys

    text = r"""(module (tag $e (param i32))
      (func (export "f") (result exnref)
        (block $h (result exnref)
          (try_table (catch_all_ref $h) (throw $e (i32.const 5)))
          (unreachable))))"""
    path = tmp_path / "m.wasm"
    path.write_bytes(wat3(text))
    out = subprocess.run([sys.executable, "-m", "wasmvm", "invoke", str(path), "f"],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(ref.exn $0 [i32:5])"


def test_a_split_function_with_try_table_is_compiled(monkeypatch):
    """A function big enough to be split into chunks (SPLIT_INSTRUCTIONS) with try_table
    is translated, not left to the reference tier, and catches across its chunks."""
    from wasmvm.exec import compile_rt

    monkeypatch.setattr("wasmvm.exec.compile_survey.SPLIT_INSTRUCTIONS", 0)
    monkeypatch.setattr("wasmvm.exec.compile_flat.CHUNK_LINES", 1)
    store, ex = _instance("compiled")
    assert ex["classify"](store, 2) == 22 and ex["nested"](store, 1) == 11
    assert ex["catch_rethrown"](store, 1) == 11
    inst = ex["classify"]._inst.module
    used = [f for f in inst.funcs if getattr(f, "compiled", None) is not None]
    assert len(used) >= 4
    assert not any(compile_rt.is_fallback(f.compiled) for f in used)
    ns = compile_rt.namespace(inst, store._store, store._store.tier)
    assert any(name.startswith("CH") for name in ns)  # split: chunk tables were made


FUEL = r"""
(module
  (tag $e (param i32))
  (func $thrower (param i32) (result i32)
    (if (local.get 0) (then (throw $e (local.get 0))))
    (i32.add (local.get 0) (i32.const 1)))
  ;; the instructions after each call are not run when it throws: not charged either
  (func $middle (param i32) (result i32)
    (i32.mul (i32.add (call $thrower (local.get 0)) (i32.const 2)) (i32.const 3)))
  (func (export "f") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $e $h)
        (i32.sub (i32.add (call $middle (local.get 0)) (i32.const 4)) (i32.const 5))))
    (i32.const 7) (i32.xor)))
"""


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("arg", [0, 9])
def test_fuel_of_a_caught_exception_is_wasmtime_s(tier, arg):
    """Fuel is charged for what ran: a callee that throws leaves the rest of its callers'
    code uncharged (the compiled tier once charged it ahead, per straight line)."""
    import wasmtime

    wasm = wat3(FUEL)
    cfg = wasmtime.Config()
    cfg.consume_fuel = True
    wt_engine = wasmtime.Engine(cfg)
    wt = wasmtime.Store(wt_engine)
    wt.set_fuel(10_000)
    expected = wasmtime.Instance(wt, wasmtime.Module(wt_engine, wasm), []).exports(wt)["f"](
        wt, arg)
    engine = Engine(Config(tier="compiled" if tier in ("flat", "split") else tier,
                           consume_fuel=True))
    store = Store(engine)
    store.set_fuel(10_000)
    assert Instance(store, Module(engine, wasm), []).exports(store)["f"](store, arg) == expected
    assert 10_000 - store.get_fuel() == 10_000 - wt.get_fuel()
