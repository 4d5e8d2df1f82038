"""The compiled tier: same results and traps as the reference tier, and its own limits."""

import pytest

from wasmvm import Config, Engine, Instance, Module, Store, Trap, TrapCode
from wasmvm.exec.compile import translate_source

from .test_api import wat

TIERS = ("reference", "compiled")


def run(text: str, tier: str, name: str, *args, depth: int | None = None):
    config = Config(tier=tier) if depth is None else Config(tier=tier, max_call_depth=depth)
    store = Store(Engine(config))
    exports = Instance(store, Module(store.engine, wat(text)), []).exports(store)
    return exports[name](store, *args)


def nested_loops(n: int) -> str:
    """A function with ``n`` nested loops that counts to 3 in the innermost one."""
    opens = "".join(f"(block $b{i} (loop $l{i} " for i in range(n))
    closes = ")) " * n
    return f"""(module (func (export "f") (result i32) (local i32)
      {opens}
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l{n - 1} (i32.lt_u (local.get 0) (i32.const 3)))
        (br $b0)
      {closes}
      (local.get 0)))"""


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("n", [1, 5, 40])
def test_nested_loops_and_multi_level_branches(tier, n):
    # 40 nested loops are more than CPython allows in one function: that function is
    # lowered flat (exec/compile_flat.py), never left to the reference tier.
    assert run(nested_loops(n), tier, "f") == 3


BR_TABLE = """(module (func (export "f") (param i32) (result i32)
  (block $d (block $c (block $b (block $a
    (br_table $a $b $c $a $b (local.get 0)))
    (return (i32.const 10)))
    (return (i32.const 20)))
    (return (i32.const 30)))
  (i32.const 40)))"""


@pytest.mark.parametrize("tier", TIERS)
def test_br_table(tier):
    # $b, the last label, is the default
    assert [run(BR_TABLE, tier, "f", i) for i in range(7)] == [10, 20, 30, 10, 20, 20, 20]


MULTI = """(module
  (func (export "f") (param i32) (result i32 i64)
    (block (result i32 i64)
      (i32.const 7) (i64.const 8)
      (br_if 0 (local.get 0))
      (drop) (drop) (i32.const 1) (i64.const 2))))"""


@pytest.mark.parametrize("tier", TIERS)
def test_multi_value_branches(tier):
    assert run(MULTI, tier, "f", 1) == (7, 8)
    assert run(MULTI, tier, "f", 0) == (1, 2)


DEEP = """(module (func $r (export "r") (param i32) (result i32)
  local.get 0 i32.eqz if (result i32) i32.const 0 else
  local.get 0 i32.const 1 i32.sub call $r i32.const 1 i32.add end))"""


@pytest.mark.parametrize("tier", TIERS)
def test_call_depth_budget(tier):
    assert run(DEEP, tier, "r", 5000) == 5000
    with pytest.raises(Trap) as e:
        run(DEEP, tier, "r", 100_000)
    assert e.value.code is TrapCode.STACK_OVERFLOW
    assert run(DEEP, tier, "r", 30_000, depth=40_000) == 30_000


TRAPS = """(module (memory 1)
  (func $inner (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load") (param i32) (result i32) (call $inner (local.get 0)))
  (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 1)))
  (func (export "div") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"""


@pytest.mark.parametrize("tier", TIERS)
def test_traps_inside_callees(tier):
    assert run(TRAPS, tier, "load", 65532) == 0
    for name, arg, code in [("load", 65533, TrapCode.MEMORY_OUT_OF_BOUNDS),
                            ("store8", 65536, TrapCode.MEMORY_OUT_OF_BOUNDS),
                            ("div", 0, TrapCode.INTEGER_DIVISION_BY_ZERO)]:
        with pytest.raises(Trap) as e:
            run(TRAPS, tier, name, arg)
        assert e.value.code is code


def test_translation_is_readable_python():
    store = Store()
    inst = Instance(store, Module(store.engine, wat("""(module
      (func (export "sum") (param i32) (result i32) (local i32)
        (block $exit (loop $top
          (br_if $exit (i32.eqz (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (local.get 0)))
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br $top)))
        (local.get 1)))""")), [])
    source = translate_source(inst._inst.funcs[0])
    # the block around the loop needs no Python loop of its own, and the arithmetic
    # is inlined into the assignments to the locals
    assert source.count("while True:") == 1
    assert "l1 = (l1 + l0) % 4294967296" in source
    assert inst.exports(store)["sum"](store, 100) == 5050


EDGES = """(module (memory 1)
  (func (export "add") (param i32) (result i32) (i32.add (local.get 0) (i32.const 5)))
  (func (export "sub") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 48)))
  (func (export "addneg") (param i32) (result i32) (i32.add (i32.const -48) (local.get 0)))
  (func (export "add64") (param i64) (result i64) (i64.sub (local.get 0) (i64.const 1)))
  (func (export "chain") (param i32) (result i32)
    (i32.add (i32.mul (i32.sub (i32.const 5) (local.get 0)) (i32.const -3))
             (i32.shl (i32.mul (local.get 0) (local.get 0)) (i32.const 31))))
  (func (export "chain64") (param i64) (result i64)
    (i64.sub (i64.mul (i64.add (local.get 0) (local.get 0)) (local.get 0))
             (i64.shl (local.get 0) (i64.const 63))))
  (func (export "guarded") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (i32.sub (local.get 0) (i32.const 1)))
      (else (i32.add (i32.sub (local.get 0) (i32.const 2))
                     (i32.mul (i32.and (local.get 0) (i32.const 255)) (i32.const 3))))))
  (func (export "signed") (param i32) (result i32)
    (i32.or (i32.or (i32.lt_s (local.get 0) (i32.const 5))
                    (i32.shl (i32.le_s (i32.const 0) (local.get 0)) (i32.const 1)))
            (i32.or (i32.shl (i32.gt_s (local.get 0) (i32.const 0)) (i32.const 2))
                    (i32.shl (i32.ge_s (local.get 0) (i32.const -5)) (i32.const 3)))))
  (func (export "skip") (param i32) (result i32) (local i32)
    (block (result i32)
      (i32.const 7)
      (br_if 0 (i32.gt_s (local.get 0) (i32.const 100)))
      (drop)
      (local.set 1 (i32.add (local.get 0) (i32.const 1)))
      (br_if 0 (i32.load8_u (i32.const 0)) (i32.eqz (local.get 1)))
      (drop)
      (i32.shl (local.get 1) (i32.const 1)))))"""

EDGE_ARGS = [0, 1, 2, 3, 4, 5, 6, 47, 48, 49, 100, 101, 255, 256, 0x7FFFFFFF, 0x80000000,
             0x80000001, 0xFFFFFFFA, 0xFFFFFFFB, 0xFFFFFFFE, 0xFFFFFFFF]


@pytest.mark.parametrize("name", ["add", "sub", "addneg", "add64", "chain", "chain64",
                                  "guarded", "signed", "skip"])
def test_wraparound_and_comparisons_at_the_edges(name):
    # what the translator proves of values (bounds from comparisons, constants, masks)
    # and the tests it writes instead of masks must keep every edge of the wraparound
    args = EDGE_ARGS + ([2**64 - 1, 2**63, 2**63 - 1] if "64" in name else [])
    data = wat(EDGES)
    results = []
    for tier in TIERS:
        store = Store(Engine(Config(tier=tier)))
        f = Instance(store, Module(store.engine, data), []).exports(store)[name]
        results.append([f(store, a) for a in args])
    assert results[1] == results[0]


def test_translation_uses_what_comparisons_prove():
    store = Store()
    inst = Instance(store, Module(store.engine, wat(EDGES)), [])
    funcs = {name: inst._inst.exports[name][1] for name in ("guarded", "skip")}
    guarded = translate_source(funcs["guarded"])
    # in the else arm l0 >= 2: no wraparound; l0 & 255 times 3 fits in 32 bits
    assert "l0 - 2 + ((l0 & 255) * 3)" in guarded.replace("(l0 - 2)", "l0 - 2")
    skip = translate_source(funcs["skip"])
    # branches from the block's own body only: nested ifs, no loop
    assert "while True:" not in skip and "if not (" in skip


BULK = """(module (memory 1 2)
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0))))"""


def test_memory_fill_and_copy_inline():
    """memory.fill and memory.copy of memory 0 are inline in the compiled code (a bounds
    check, then a slice assignment): they trap exactly where the reference tier does,
    before writing anything, also after the memory grows, and copy overlapping ranges
    both ways as memmove does."""
    results = {}
    for tier in TIERS:
        store = Store(Engine(Config(tier=tier)))
        inst = Instance(store, Module(store.engine, wat(BULK)), [])
        ex = inst.exports(store)
        log = []

        def attempt(name, *args, ex=ex, store=store, log=log):
            try:
                ex[name](store, *args)
                log.append("ok")
            except Trap as trap:
                log.append(trap.code)

        size = 65536
        attempt("fill", 10, 0x1AB, 5)  # the value is cut to its low byte
        attempt("copy", 12, 10, 5)  # overlapping, forwards
        attempt("copy", 9, 12, 5)  # overlapping, backwards
        attempt("fill", size, 7, 0)  # n = 0 at the end: no trap
        attempt("fill", size + 1, 7, 0)  # n = 0 past the end: a trap
        attempt("fill", size - 2, 7, 3)  # one byte over: a trap, nothing written
        attempt("copy", size - 2, 0, 3)
        attempt("copy", 0, size - 2, 3)
        attempt("copy", size, 0, 0)
        attempt("copy", 0, 0xFFFFFFFF, 2)  # u32 operands: no wraparound
        ex["grow"](store)
        attempt("fill", size - 2, 9, 3)  # in bounds after the growth
        attempt("copy", 2 * size - 4, 8, 4)
        attempt("fill", 2 * size - 1, 9, 2)
        memory = [ex["load"](store, a) for a in (*range(8, 18), size - 3, size - 2, size - 1,
                                                 size, 2 * size - 4, 2 * size - 1)]
        results[tier] = (log, memory)
    assert results["compiled"] == results["reference"]
    log, memory = results["compiled"]
    oob = TrapCode.MEMORY_OUT_OF_BOUNDS
    assert log == ["ok", "ok", "ok", "ok", oob, oob, oob, oob, "ok", oob, "ok", "ok", oob]
    assert memory == [0, *[0xAB] * 8, 0, 0, 9, 9, 9, 0, 0xAB]
    text = translate_source(Instance(Store(Engine()), Module(Engine(), wat(BULK)), [])
                            ._inst.funcs[0])
    assert ".fill(" not in text and "> len(M): raise _oob()" in text


ZEROS = """(module (func (export "f") (param i32) (result i32) (local i32 i32 i32 f64)
  ;; l1: first set inside an if, read after it: zero unless the if ran
  (if (local.get 0) (then (local.set 1 (i32.const 5))))
  ;; l2: read (in a loop) before its set at the top level
  (block $out (loop $again
    (br_if $out (i32.ge_u (local.get 2) (i32.const 1)))
    (local.set 2 (i32.add (local.get 2) (i32.const 1)))
    (br $again)))
  (local.set 2 (i32.add (local.get 2) (i32.const 10)))
  ;; l3: set first at the top level, then read: needs no zero
  (local.set 3 (i32.const 100))
  (local.set 4 (f64.add (local.get 4) (f64.const 0.5)))
  (i32.add (i32.add (local.get 1) (local.get 2))
           (i32.add (local.get 3) (i32.trunc_f64_s (f64.mul (local.get 4) (f64.const 2)))))))"""


@pytest.mark.parametrize("tier", TIERS)
def test_locals_start_at_zero_where_they_are_read_before_set(tier):
    """The structured form zeroes on entry only the locals some read may reach before a
    set (compile_survey's ``zeroed``); every local still reads as zero until set."""
    assert run(ZEROS, tier, "f", 0) == 0 + 11 + 100 + 1
    assert run(ZEROS, tier, "f", 1) == 5 + 11 + 100 + 1
    if tier == "compiled":
        inst = Instance(Store(Engine()), Module(Engine(), wat(ZEROS)), [])
        zeros = {line.strip() for line in translate_source(inst._inst.funcs[0]).splitlines()
                 if line.strip().endswith((" = 0", " = 0.0"))}
        assert zeros == {"l1 = 0", "l2 = 0", "l4 = 0.0"}


ROTATIONS = """(module
  (func (export "rotl32") (param i32) (result i32)
    (i32.rotl (i32.add (i32.mul (local.get 0) (i32.const 0xC2B2AE3D)) (i32.const 7)) (i32.const 17)))
  (func (export "rotr32") (param i32) (result i32)
    (i32.rotr (i32.xor (local.get 0) (i32.const 0x9E3779B9)) (i32.const 35)))
  (func (export "rotl64") (param i64) (result i64)
    (i64.rotl (i64.sub (local.get 0) (i64.const 3)) (i64.const 63)))
  (func (export "rotr64") (param i64) (result i64)
    (i64.rotr (i64.add (local.get 0) (local.get 0)) (i64.const 1))))"""


@pytest.mark.parametrize("name", ["rotl32", "rotr32", "rotl64", "rotr64"])
def test_rotations_of_computed_operands(name):
    """A rotation by a constant of an expression computes the expression once (into a
    temporary) and agrees with the reference tier at the edges of the wraparound."""
    args = EDGE_ARGS + ([2**64 - 1, 2**63, 2**63 - 1, 2**32] if "64" in name else [])
    results = []
    for tier in TIERS:
        store = Store(Engine(Config(tier=tier)))
        inst = Instance(store, Module(store.engine, wat(ROTATIONS)), [])
        f = inst.exports(store)[name]
        results.append([f(store, a) for a in args])
    assert results[1] == results[0]
    source = translate_source(inst._inst.exports[name][1])
    line = next(line for line in source.splitlines() if "return" in line)
    assert line.count("_t1 :=") == 1 and line.count("_t1") == 2  # computed once, read twice
