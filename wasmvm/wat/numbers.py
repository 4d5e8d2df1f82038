"""Numeric literals of the text format (spec 6.3.1 "Integers", 6.3.2 "Floating-Point"),
read exactly.

    integer(text, bits)   an ``iN`` (``i32.const``'s immediate): unsigned or signed, as
                          the N-bit pattern (two's complement), e.g. ``-1`` -> 0xFFFFFFFF
    unsigned(text, bits)  a ``uN`` (indices, ``offset=``, ``align=``): no sign allowed
    float_bits(text, 32 | 64)
                          an ``fN``, as its IEEE 754 bit pattern: decimal and hexadecimal,
                          ``inf``, ``nan`` (the canonical NaN) and ``nan:0x...``
                          (that payload), each with an optional sign

Underscores may separate digits. A value outside the type's range raises
``OutOfRange`` (the spec's "constant out of range"), text that is no number of the
form asked ``NotANumber``; the parser turns them into messages with a position.

Floats are rounded once, to nearest, ties to even, from the exact rational value of the
literal (``fractions.Fraction``), never through a Python float: ``float()`` would round a
decimal to 64 bits first, and an ``f32`` rounded from that can differ from the correctly
rounded one (double rounding). A literal that rounds to infinity is out of range.
"""

from __future__ import annotations

import re
from fractions import Fraction

_INT = re.compile(r"([+-]?)(0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|[0-9](?:_?[0-9])*)\Z")
_DEC_FLOAT = re.compile(
    r"([0-9](?:_?[0-9])*)(?:\.([0-9](?:_?[0-9])*)?)?(?:[eE]([+-]?[0-9](?:_?[0-9])*))?\Z")
_HEX_FLOAT = re.compile(
    r"0x([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)(?:\.([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)?)?"
    r"(?:[pP]([+-]?[0-9](?:_?[0-9])*))?\Z")
_NAN_PAYLOAD = re.compile(r"nan:0x([0-9A-Fa-f](?:_?[0-9A-Fa-f])*)\Z")

#: bits -> (significand bits, exponent bits)
_FORMATS = {32: (23, 8), 64: (52, 11)}


class NotANumber(ValueError):
    """The text is not a literal of the form asked for."""


class OutOfRange(ValueError):
    """A literal of the right form whose value the type cannot hold."""


def _magnitude(digits: str) -> int:
    digits = digits.replace("_", "")
    return int(digits, 16) if digits.startswith("0x") else int(digits)


def unsigned(text: str, bits: int = 32) -> int:
    m = _INT.match(text)
    if m is None or m.group(1):
        raise NotANumber(text)
    n = _magnitude(m.group(2))
    if n >> bits:
        raise OutOfRange(text)
    return n


def integer(text: str, bits: int) -> int:
    """An ``iN``: ``uN`` (< 2**N) or ``sN`` (a sign, within -2**(N-1) .. 2**(N-1)-1)."""
    m = _INT.match(text)
    if m is None:
        raise NotANumber(text)
    sign, n = m.group(1), _magnitude(m.group(2))
    if not sign:
        if n >> bits:
            raise OutOfRange(text)
        return n
    half = 1 << (bits - 1)
    if sign == "+":
        if n >= half:
            raise OutOfRange(text)
        return n
    if n > half:
        raise OutOfRange(text)
    return -n & ((1 << bits) - 1)


def float_bits(text: str, bits: int) -> int:
    mant, ebits = _FORMATS[bits]
    sign = 0
    body = text
    if body[:1] in "+-" and body:
        sign = 1 if body[0] == "-" else 0
        body = body[1:]
    sign_bit = sign << (bits - 1)
    exp_all = ((1 << ebits) - 1) << mant
    if body == "inf":
        return sign_bit | exp_all
    if body == "nan":
        return sign_bit | exp_all | (1 << (mant - 1))
    m = _NAN_PAYLOAD.match(body)
    if m is not None:
        payload = int(m.group(1).replace("_", ""), 16)
        if not 0 < payload < (1 << mant):
            raise OutOfRange(text)
        return sign_bit | exp_all | payload
    value = _exact(body)
    return sign_bit | _round(value, mant, ebits, text)


def _exact(body: str) -> Fraction:
    """The exact value of a decimal or hexadecimal float literal without its sign."""
    m = _HEX_FLOAT.match(body)
    if m is not None:
        whole, frac, exp = m.group(1).replace("_", ""), (m.group(2) or "").replace("_", ""), m.group(3)
        value = Fraction(int(whole + frac, 16), 16 ** len(frac))
        if exp:
            e = int(exp.replace("_", ""))
            value *= Fraction(2) ** e
        return value
    m = _DEC_FLOAT.match(body)
    if m is None:
        raise NotANumber(body)
    whole, frac, exp = m.group(1).replace("_", ""), (m.group(2) or "").replace("_", ""), m.group(3)
    e = (int(exp.replace("_", "")) if exp else 0) - len(frac)
    n = int(whole + frac)
    if n == 0:
        return Fraction(0)
    if e >= 0:
        return Fraction(n * 10 ** e)
    if -e > 400 + len(str(n)):  # far below the smallest subnormal: rounds to zero
        return Fraction(0)
    return Fraction(n, 10 ** -e)


def _round(value: Fraction, mant: int, ebits: int, text: str) -> int:
    """The bits (no sign) of the float nearest ``value`` (ties to even)."""
    if value == 0:
        return 0
    bias = (1 << (ebits - 1)) - 1
    emin, emax = 1 - bias, bias
    num, den = value.numerator, value.denominator
    e = num.bit_length() - den.bit_length()  # 2**e <= value < 2**(e+2)
    if Fraction(num, den) < Fraction(2) ** e:
        e -= 1
    e = max(e, emin)  # subnormals share emin's scale
    shift = e - mant  # the value in units of the last place
    if shift >= 0:
        q, r = divmod(num, den << shift)
        d = den << shift
    else:
        q, r = divmod(num << -shift, den)
        d = den
    if 2 * r > d or (2 * r == d and q & 1):
        q += 1
    if q >> (mant + 1):  # rounded up to the next binade
        q >>= 1
        e += 1
    if e > emax:
        raise OutOfRange(text)
    if q >> mant == 0:  # subnormal
        return q
    return ((e + bias) << mant) | (q & ((1 << mant) - 1))
