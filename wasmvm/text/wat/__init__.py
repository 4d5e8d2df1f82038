"""The WebAssembly text format (WAT), read in pure Python (issue 18, in progress).

    lexer.tokenize(source) -> list[Token]        tokens with positions (spec 6.2)
    numbers.integer / unsigned / float_bits      numeric literals, exactly (spec 6.3)

The parser into the instruction model and the printer come next; until then
``wasmvm.text.wat`` is not used by the rest of the engine.
"""
