"""The WebAssembly text format (WAT), read in pure Python (issue 18, in progress).

    lexer.tokenize(source) -> list[Token]        tokens with positions (spec 6.2)
    numbers.integer / unsigned / float_bits      numeric literals, exactly (spec 6.3)
    printer.print_module(module, folded=, offsets=) -> str
                                                 a decoded module as WAT (wasmvm print)

It sits just above ``binary`` (it builds the same ``syntax.Module`` the decoder builds,
and encodes it with ``binary.encode``) and below ``api``, so that ``Module(engine, text)``
can accept text as wasmtime-py does.
"""
