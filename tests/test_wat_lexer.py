"""The text format's lexer and numeric literals (wasmvm.wat, issue 18): tokens and
their positions, the reference interpreter's messages, and every literal form read to the
bits ``wasm-tools parse`` gives it."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wasmvm.binary import decode_module
from wasmvm.wat.cursor import strip_annotations
from wasmvm.wat.lexer import Source, TextError, tokenize
from wasmvm.wat.numbers import NotANumber, OutOfRange, float_bits, integer, unsigned

from .test_api import wat3


def kinds(text):
    return [(t.kind, t.text) for t in tokenize(text)]


def test_tokens():
    assert kinds('(module $m (func $"a b" (i32.const -0x1_0) offset=8 "x\\n"))') == [
        ("(", "("), ("keyword", "module"), ("id", "m"), ("(", "("), ("keyword", "func"),
        ("id", "a b"), ("(", "("), ("keyword", "i32.const"), ("num", "-0x1_0"), (")", ")"),
        ("keyword", "offset=8"), ("string", '"x\\n"'), (")", ")"), (")", ")")]
    toks = tokenize('"\\t\\n\\r\\"\\\'\\\\\\41\\u{1F600}"')
    assert toks[0].value == b"\t\n\r\"'\\A" + "\U0001F600".encode()
    assert kinds("1 +2 -inf nan:0x7 0x1.8p-3 1e10 1.5E+3 0.") == [("num", x) for x in (
        "1", "+2", "-inf", "nan:0x7", "0x1.8p-3", "1e10", "1.5E+3", "0.")]
    assert kinds("1x 0x 1__0 _1 -- +") == [("reserved", x) for x in (
        "1x", "0x", "1__0", "_1", "--", "+")]
    assert kinds('a"b"c') == [("reserved", 'a"b"c')]
    assert kinds("(@custom \"x\" )") == [("annot", "custom"), ("string", '"x"'), (")", ")")]


def test_comments_nest_and_disappear():
    assert kinds("a ;; b\n c (; d (; e ;) f ;) g(;;)h") == [
        ("keyword", "a"), ("keyword", "c"), ("keyword", "g"), ("keyword", "h")]


def test_positions_are_line_and_column():
    toks = tokenize("(module\n  (func\n\t$f))")
    assert [t.start for t in toks] == [0, 1, 10, 11, 17, 19, 20]
    with pytest.raises(TextError) as e:
        tokenize("(module\n  (func \"abc\n\"))")
    assert (e.value.message, e.value.line, e.value.column) == ("unclosed string", 2, 9)
    assert str(e.value) == "2:9: unclosed string"


@pytest.mark.parametrize("text,message", [
    ('"abc', "unclosed string"),
    ('(@x ")', "unclosed string"),
    ('"a\x01"', "illegal character"),
    ("\x00", "illegal character"),
    ("a\u00e9", "illegal character"),
    ('"\\q"', "illegal escape"),
    ('"\\u{d800}"', "malformed UTF-8 encoding"),
    (b"(\xff)", "malformed UTF-8 encoding"),
    ("(; a (; b ;)", "unclosed comment"),
    ("(func $)", "empty identifier"),
    ("(func $(@a))", "empty identifier"),
    ('$""', "empty identifier"),
    ("(@)", "empty annotation id"),
    ("(@ x)", "empty annotation id"),
    ('(@"")', "empty annotation id"),
    ('(@"\n")', "empty annotation id"),
    ('(@"\\ef")', "malformed UTF-8"),
])
def test_lexical_errors_have_the_spec_messages(text, message):
    with pytest.raises(TextError) as e:  # ("(@" with no id: once annotations are read)
        strip_annotations(tokenize(text), Source(text))
    assert e.value.message.startswith(message)


def test_an_annotation_body_is_any_balanced_tokens():
    """Inside an annotation "(@)" and "(@ x)" are parentheses (annotations.wast line 16),
    ";" a reserved token, only ";;" a comment."""
    text = '(@a @ @x (@x) (@x y) (@) (@ x) (@(@(@(@))))) (@b , ; ] [ }} ;) x'
    kept, customs = strip_annotations(tokenize(text), Source(text))
    assert [(t.kind, t.text) for t in kept] == [("keyword", "x")] and customs == []


def test_integers():
    assert integer("0", 32) == 0 and integer("-1", 32) == 0xFFFFFFFF
    assert integer("0xffff_ffff", 32) == 0xFFFFFFFF and integer("-0x8000_0000", 32) == 1 << 31
    assert integer("+0x7fffffff", 32) == 0x7FFFFFFF
    assert integer("18446744073709551615", 64) == (1 << 64) - 1
    for text in ("0x1_0000_0000", "+0x80000000", "-0x80000001", "4294967296"):
        with pytest.raises(OutOfRange):
            integer(text, 32)
    for text in ("1_", "0x", "- 1", "1.0", "nan"):
        with pytest.raises(NotANumber):
            integer(text, 32)
    assert unsigned("0x10") == 16
    with pytest.raises(NotANumber):
        unsigned("+1")


EDGE_FLOATS = [
    "0", "-0", "1", "0.1", "1e-45", "1.4e-45", "7e-46", "7.1e-46", "3.4028235e38",
    "3.4028236e38", "1.17549435e-38", "1.1754942e-38", "0x1p-149", "0x1p-150",
    "0x1.000001p-150", "0x1.fffffep127", "0x1.fffffefffffffp127", "0x1.ffffffp127",
    "1.000000059604644775390625", "1.0000000596046447753906251", "0x1.000001p0",
    "0x1.0000010000000001p0", "0x1.000003p0", "inf", "-inf", "nan", "-nan", "nan:0x1",
    "nan:0x7f_ffff", "123456789e-20", "0x8p-4", "1_000.000_1e1_0",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "4.9e-324", "2.4703282292062328e-324",
    "1.7976931348623157e308", "0x1.fffffffffffffp1023", "0x1.fffffffffffff7ffp1023",
    "0x1p-1074", "0x1p-1075", "0x1.0000000000001p-1075", "nan:0xf_ffff_ffff_ffff",
]


def _wasm_tools_bits(literals, bits):
    """The bits wasm-tools gives each literal (as ``fN.const`` in one function)."""
    body = " ".join(f"(f{bits}.const {x}) (drop)" for x in literals)
    module = decode_module(wat3(f"(module (func {body}))"))
    consts = [i for i in module.funcs[0].body if i.op.name == f"f{bits}.const"]
    return [c.value.bits for c in consts]


@pytest.mark.parametrize("bits", [32, 64])
def test_float_literals_read_as_wasm_tools_reads_them(bits):
    ok = []
    for text in EDGE_FLOATS:
        try:
            ok.append((text, float_bits(text, bits)))
        except OutOfRange:
            pass
    assert [b for _, b in ok] == _wasm_tools_bits([t for t, _ in ok], bits)


@pytest.mark.parametrize("bits", [32, 64])
def test_out_of_range_floats(bits):
    too_big = "3.5e38" if bits == 32 else "1.8e308"
    for text in (too_big, "-" + too_big, "0x1p" + str(128 if bits == 32 else 1024),
                 "nan:0x0", "nan:0x" + "f" * (8 if bits == 32 else 16)):
        with pytest.raises(OutOfRange):
            float_bits(text, bits)


_digits = st.text("0123456789", min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(whole=_digits, frac=_digits, exp=st.integers(-340, 310),
       bits=st.sampled_from([32, 64]))
def test_random_decimal_literals_round_correctly(whole, frac, exp, bits):
    text = f"{whole}.{frac}e{exp}"
    try:
        ours = float_bits(text, bits)
    except OutOfRange:
        return
    if bits == 64:  # CPython's float() rounds decimals correctly to 64 bits
        assert ours == struct.unpack("<Q", struct.pack("<d", float(text)))[0]
    else:
        assert [ours] == _wasm_tools_bits([text], 32)
