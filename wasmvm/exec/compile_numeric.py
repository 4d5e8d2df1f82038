"""The compiled tier's numeric instructions (``Translator.numeric``, ``Translator.vector``):
the scalar operators inlined as Python text, with what is known of integer operands
(``E.rng``, constants: ``int_binop``) and the facts comparisons prove of locals
(``compare``, ``truth_facts``, ``assume``); SIMD as calls of ``exec.simd``'s lane
functions.

A mixin of ``compile.Translator``, whose operand stack (``push``, ``pop``, ``result``),
temporaries and constants these methods use; split from it for size only. The integer
arithmetic of the facts themselves is ``compile_ints``.
"""

from __future__ import annotations

from . import simd
from .compile_instrs import _mem
from .compile_ints import (
    _CMP_OPS,
    _FOLD,
    _SWAP,
    _add_constant,
    _compare_facts,
    _int_const,
    _is_local,
    _wrap,
)
from .compile_text import _MASK, _MOD, E, _p, _raw

# Pure binary operators inlined as text: (template, boolean form or None).
_BINOPS = {
    "i32.add": "({a} + {b}) % 4294967296", "i32.sub": "({a} - {b}) % 4294967296",
    "i32.mul": "({a} * {b}) & 0xFFFFFFFF", "i32.and": "{a} & {b}", "i32.or": "{a} | {b}",
    "i32.xor": "{a} ^ {b}", "i32.shl": "({a} << ({b} & 31)) & 0xFFFFFFFF",
    "i32.shr_u": "{a} >> ({b} & 31)",
    "i64.add": "({a} + {b}) % 18446744073709551616",
    "i64.sub": "({a} - {b}) % 18446744073709551616",
    "i64.mul": "({a} * {b}) & 0xFFFFFFFFFFFFFFFF", "i64.and": "{a} & {b}",
    "i64.or": "{a} | {b}", "i64.xor": "{a} ^ {b}",
    "i64.shl": "({a} << ({b} & 63)) & 0xFFFFFFFFFFFFFFFF", "i64.shr_u": "{a} >> ({b} & 63)",
    # shr_s: the signed value (xor-subtract the sign bit), shifted, cut back to the width
    "i32.shr_s": "((({a} ^ 0x80000000) - 0x80000000) >> ({b} & 31)) % 4294967296",
    "i64.shr_s": "((({a} ^ 0x8000000000000000) - 0x8000000000000000) >> ({b} & 63))"
                 " % 18446744073709551616",
    "f64.add": "{a} + {b}", "f64.sub": "{a} - {b}", "f64.mul": "{a} * {b}",
    # f32: the double result rounded once to f32 (exact: a double holds every f32 sum,
    # difference and product to better than double rounding can spoil), see compile_rt
    "f32.add": "_r32({a} + {b})", "f32.sub": "_r32({a} - {b})", "f32.mul": "_r32({a} * {b})",
}
_CMP = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}
_SIGN = {"i32": "0x80000000", "i64": "0x8000000000000000"}
_UNOPS = {
    "i32.eqz": None,  # special: boolean
    "i64.eqz": None,
    "i32.wrap_i64": "{a} & 0xFFFFFFFF",
    "i64.extend_i32_u": "{a}",
    "i64.extend_i32_s": "(({a} ^ 0x80000000) - 0x80000000) % 18446744073709551616",
    # f32 through the namespace's f32 kit (compile_rt.f32_kit); an i32 is exact as a
    # double, so one rounding makes the f32
    "i32.reinterpret_f32": "_b32({a})", "f32.reinterpret_i32": "_v32({a})",
    "f32.convert_i32_u": "_r32(float({a}))",
    "f32.convert_i32_s": "_r32(float(({a} ^ 0x80000000) - 0x80000000))",
    "f64.neg": None,  # bit operations stay with numerics (NaN payloads)
}


class NumericLowering:
    """The numeric instructions of ``compile.Translator`` (see the module docstring)."""

    def vector(self, instr) -> None:
        """SIMD: calls of the pure lane functions of ``exec.simd``."""
        name = instr.op.name
        key = name.replace(".", "_")
        imm = instr.op.imm
        if imm == ():
            args = [self.pop() for _ in instr.op.params][::-1]
            self.result(f"v_{key}({', '.join(a.text for a in args)})", args)
        elif imm == ("laneidx",):
            fn = (simd.extract_lane if "extract" in name else simd.replace_lane)(name)
            fname = self.const_name(fn)
            if "extract" in name:
                a = self.pop()
                self.result(f"{fname}({a.text}, {instr.lane})", [a])
            else:
                x = self.pop()
                a = self.pop()
                self.result(f"{fname}({a.text}, {instr.lane}, {x.text})", [a, x])
        elif name == "i8x16.shuffle":
            b = self.pop()
            a = self.pop()
            sel = self.const_name(bytes(instr.lanes))
            self.result(f"_shuffle({a.text}, {b.text}, {sel})", [a, b])
        elif imm == ("memarg",) and instr.op.access.kind == "store":  # v128.store
            v = self.pop()
            self.emit(f"{_mem(instr.memory)}.write({self.address(instr)}, "
                      f"({v.text}).to_bytes(16, 'little'))")
        elif imm == ("memarg",):
            fn = simd.LOADS[name]
            self.stack.append(E(f"{self.const_name(fn)}({_mem(instr.memory)}.read("
                                f"{self.address(instr)}, {instr.op.access.size}))"))
            self.store(len(self.stack) - 1)
        else:  # loadN_lane / storeN_lane (the memory's read/write check the bounds)
            w = instr.op.access.size * 8
            v = self.pop()
            addr = self.address(instr)
            mem = _mem(instr.memory)
            if instr.op.access.kind == "store":
                self.emit(f"{mem}.write({addr}, _store_lane({v.text}, {w}, {instr.lane}))")
            else:
                self.stack.append(E(f"_load_lane({v.text}, {w}, {instr.lane}, "
                                    f"{mem}.read({addr}, {w // 8}))"))
                self.store(len(self.stack) - 1)

    def numeric(self, row) -> None:
        """A scalar numeric instruction, from its opcode-table row."""
        name = row.name
        t, _, op = name.partition(".")
        if len(row.params) == 2:
            b = self.pop()
            a = self.pop()
            base, _, sx = op.partition("_")
            if t in _MASK and self.int_binop(t, op, a, b):
                return
            if name in ("f32.min", "f32.max"):  # the operand chosen is an f32 already,
                # a NaN an f32 NaN made quiet: numerics' rounding after it changes nothing
                self.result(f"n_f64_{base}({a.text}, {b.text})", [a, b])
            elif name in _BINOPS:
                self.result(_BINOPS[name].format(a=_p(a), b=_p(b)), [a, b])
            elif base in ("rotl", "rotr") and b.text.isdigit():
                w = 32 if t == "i32" else 64
                k = int(b.text) % w
                if base == "rotr":
                    k = (w - k) % w
                mask = (1 << w) - 1
                if k:  # (an operand that is not a name is computed once, into a temporary)
                    first, later = self.temp(a)
                    text = f"((({first} << {k}) & {mask}) | ({later} >> {w - k}))"
                else:
                    text = a.text
                self.result(text, [a, b])
            elif base in _CMP and t in ("i32", "i64") and sx in ("", "u"):
                cond = f"{_p(a)} {_CMP[base]} {_p(b)}"
                self.result(f"(1 if {cond} else 0)", [a, b], cond=cond)
            elif base in _CMP and t in ("i32", "i64"):
                s = _SIGN[t]
                cond = f"({_p(a)} ^ {s}) {_CMP[base]} ({_p(b)} ^ {s})"
                self.result(f"(1 if {cond} else 0)", [a, b], cond=cond)
            elif base in _CMP:  # float comparisons: Python's are IEEE's (NaN unordered)
                cond = f"{_p(a)} {_CMP[base]} {_p(b)}"
                self.result(f"(1 if {cond} else 0)", [a, b], cond=cond)
            elif name in ("f64.div", "f32.div"):  # Python raises on a zero divisor, IEEE
                # gives inf or NaN: numerics handles those; the other quotients are Python's
                first, later = self.temp(b)
                quotient = f"{_p(a)} / {later}" if t == "f64" else f"_r32({_p(a)} / {later})"
                self.result(f"({quotient} if {first} else n_{t}_div({a.text}, {later}))",
                            [a, b])
            else:
                fn = "n_" + name.replace(".", "_")
                self.result(f"{fn}({a.text}, {b.text})", [a, b], trapping=row.traps)
            return
        a = self.pop()
        if op == "eqz":
            cond = f"not {a.cond}" if a.cond is not None else f"{_p(a)} == 0"
            facts = self.truth_facts(a)
            self.result(f"(1 if {cond} else 0)", [a], cond=f"({cond})", rng=(0, 1),
                        facts=facts and (facts[1], facts[0]))
        elif name == "i32.wrap_i64" and a.rng is not None and a.rng[1] <= 0xFFFFFFFF:
            self.result(a.text, [a], rng=a.rng)  # the value fits: nothing to cut off
        elif name == "i64.extend_i32_u":
            self.result(a.text, [a], rng=a.rng or (0, 0xFFFFFFFF))
        elif _UNOPS.get(name):
            self.result(_UNOPS[name].format(a=_p(a)), [a])
        elif name == "f32.demote_f64":  # one rounding, unless a NaN (numerics keeps
            # the top of its payload)
            first, later = self.temp(a)
            self.result(f"(_r32({later}) if {first} == {later} else n_f32_demote_f64({later}))",
                        [a])
        elif name in ("f64.sqrt", "f32.sqrt"):  # math.sqrt is IEEE's for +0.0 and above;
            # numerics makes the NaNs of negative and NaN operands
            first, later = self.temp(a)
            root = f"_sqrt({later})" if t == "f64" else f"_r32(_sqrt({later}))"
            self.result(f"({root} if {first} >= 0.0 else n_{t}_sqrt({later}))", [a])
        else:
            fn = "n_" + name.replace(".", "_")
            self.result(f"{fn}({a.text})", [a], trapping=row.traps)

    def int_binop(self, t: str, op: str, a: E, b: E) -> bool:
        """An i32/i64 binary operator where what is known of its operands (constants,
        ``rng`` bounds) allows better than the general template: folded when both are
        constants; no wraparound mask where the bounds prove the result fits in the type;
        a comparison that knows its facts. False: use the general translation."""
        mask = int(_MASK[t], 16)
        half = (mask >> 1) + 1
        x, y = _int_const(a), _int_const(b)
        ar = a.rng or ((x, x) if x is not None else (0, mask))
        br = b.rng or ((y, y) if y is not None else (0, mask))
        if x is not None and y is not None and op in _FOLD:
            v = _FOLD[op](x, y, mask.bit_length()) & mask
            self.push(E(str(v), rng=(v, v)))
            return True
        if op in _CMP_OPS:
            self.compare(t, op, a, b, x, y, mask, half)
            return True
        text = rng = raw = None
        if op in ("add", "sub", "mul"):
            if op == "add":
                lo, hi = ar[0] + br[0], ar[1] + br[1]
            elif op == "sub":
                lo, hi = ar[0] - br[1], ar[1] - br[0]
            else:
                lo, hi = ar[0] * br[0], ar[1] * br[1]
            sign = {"add": "+", "sub": "-", "mul": "*"}[op]
            if 0 <= lo and hi <= mask:  # cannot wrap around
                text, rng = f"{_p(a)} {sign} {_p(b)}", (lo, hi)
            elif (self.track and op != "mul"
                  and (y is not None or (x is not None and op == "add"))):
                # (not in the flat form, made for huge functions: CPython compiles a
                # subtrahend's conditional expression more slowly than a wrap)
                var, k = (a, y) if y is not None else (b, x)
                text = _add_constant(var, k if op == "add" else -k, mask)
            if text is None:  # wrap once: modulo 2**width, masks of operands change nothing
                raw = f"{_raw(a)} {sign} {_raw(b)}"
                text = f"({raw}) {_wrap(t, op, a, b)}"
        elif op == "and":
            rng = (0, min(ar[1], br[1]))
            if y is not None and a.raw is not None:  # masks within the type's bits: the
                text = f"({a.raw}) & {y}"  # wraparound mask of the operand is redundant
            elif x is not None and b.raw is not None:
                text = f"{x} & ({b.raw})"
        elif op in ("or", "xor"):
            rng = (0, (1 << max(ar[1], br[1]).bit_length()) - 1)
        elif op in ("div_u", "rem_u", "div_s", "rem_s") and y is not None and 0 < y < half:
            # by a positive constant: no trap; on an operand without its sign bit, signed
            # and unsigned agree; else the quotient truncates toward zero (Python floors)
            if op[-1] == "u" or ar[1] < half:
                if op.startswith("div"):
                    text, rng = f"{_p(a)} // {y}", (ar[0] // y, ar[1] // y)
                else:
                    text, rng = f"{_p(a)} % {y}", (0, min(ar[1], y - 1))
            else:
                self.ntemps += 1
                v = f"_t{self.ntemps}"
                sym = "//" if op.startswith("div") else "%"
                text = (f"(({v} {sym} {y}) if ({v} := ({_p(a)} ^ {half}) - {half}) >= 0 "
                        f"else -(-{v} {sym} {y})) % {_MOD[t]}")
        elif op == "shr_s" and y is not None and ar[1] < half:  # sign bit clear: shr_u
            k = y % mask.bit_length()
            text, rng = (f"{_p(a)} >> {k}" if k else a.text), (ar[0] >> k, ar[1] >> k)
        elif op == "shr_s" and y is not None:
            k = y % mask.bit_length()
            text = (f"((({_p(a)} ^ {half}) - {half}) >> {k}) % {_MOD[t]}" if k else a.text)
            rng = None if k else a.rng
        elif op in ("shl", "shr_u") and y is not None:
            k = y % mask.bit_length()
            if op == "shr_u":
                text, rng = (f"{_p(a)} >> {k}" if k else a.text), (ar[0] >> k, ar[1] >> k)
            elif ar[1] << k <= mask:
                text, rng = (f"{_p(a)} << {k}" if k else a.text), (ar[0] << k, ar[1] << k)
            else:
                raw = f"{_raw(a)} << {k}"
                text = f"({raw}) & {_MASK[t]}"
        if text is None:
            if rng is None:
                return False
            text = _BINOPS[f"{t}.{op}"].format(a=_p(a), b=_p(b))
        self.result(text, [a, b], rng=rng, raw=raw)
        return True

    def compare(self, t, op, a, b, x, y, mask, half) -> None:
        """An integer comparison: a boolean ``cond``, and the facts it proves of the
        locals it compares (by what is known of the other side)."""
        base, _, sx = op.partition("_")
        sym = _CMP[base]
        if sx == "s" and (a.rng or (0, mask))[1] < half and (b.rng or (0, mask))[1] < half:
            sx = "u"  # both operands have their sign bit clear: the unsigned order
        var, c, rel = (a, y, base) if y is not None else (b, x, _SWAP.get(base, base))
        if sx == "s" and c is not None and c < half and rel not in ("eq", "ne"):
            # against a non-negative constant: the values from it up to the sign bit
            # (a chained comparison costs less than flipping the sign bit of a variable)
            op_c = "<=" if rel in ("ge", "lt") else "<"
            within = f"{c} {op_c} {_p(var)} < {_SIGN[t]}"
            cond = within if rel in ("gt", "ge") else f"not ({within})"
        elif sx == "s":  # order by flipping the sign bit; a constant's flipped at once
            pa = str(x ^ half) if x is not None else f"({_p(a)} ^ {_SIGN[t]})"
            pb = str(y ^ half) if y is not None else f"({_p(b)} ^ {_SIGN[t]})"
            cond = f"{pa} {sym} {pb}"
        else:
            cond = f"{_p(a)} {sym} {_p(b)}"
        facts = None
        if self.track and (_is_local(a) or _is_local(b)):
            true: list = []
            false: list = []
            for e, other, rel in ((a, b, base), (b, a, _SWAP.get(base, base))):
                if _is_local(e):
                    r = other.rng or (0, mask)
                    for out, f in zip((true, false), _compare_facts(rel, sx, r, mask, half)):
                        if f is not None and f[0] <= f[1]:
                            out.append((int(e.text[1:]), *f))
            facts = (true, false)
        self.result(f"(1 if {cond} else 0)", [a, b], cond=cond, rng=(0, 1), facts=facts)

    def truth_facts(self, c: E):
        """What a condition proves (when true, when false): its comparison facts, or for
        a plain integer local, nonzero or zero."""
        if c.facts is not None:
            return c.facts
        if self.track and c.cond is None and _is_local(c):
            i = int(c.text[1:])
            mask = self.int_locals.get(i)
            if mask is not None:
                return [(i, 1, mask)], [(i, 0, 0)]
        return None

    def assume(self, facts) -> None:
        """Narrow what is known of locals by facts (local, lo, hi) that hold here."""
        if not facts or not self.track:
            return
        for i, lo, hi in facts:
            old = self.bounds.get(i)
            if old is not None:
                lo, hi = max(lo, old[0]), min(hi, old[1])
            if lo <= hi:  # (else the code here is unreachable: nothing to learn)
                self.bounds[i] = (lo, hi)
