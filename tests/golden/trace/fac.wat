;; Factorial, recursive and with a loop: the acceptance trace of issue 7.
;; Each "trace NAME: ARGS" line is one golden file, fac.NAME.txt: the output of
;; `wasmvm trace fac.wasm ARGS` (tools/bless.py rewrites them).
;;
;; trace rec: --invoke fac 3
;; trace rec-json: --invoke fac 2 --json
;; trace loop: --invoke fac_loop 3
;; trace limit: --invoke fac 4 -n 12
;; trace fuel: --invoke fac_loop 20 --fuel 30
(module $fac
  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  (func $fac_loop (export "fac_loop") (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $again
        (br_if $done (i64.le_s (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $again)))
    (local.get $acc)))
