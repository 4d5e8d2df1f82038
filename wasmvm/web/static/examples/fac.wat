;; fac.wat: the factorial of n, computed two ways.
;;
;; A good first module to dump: one type, two exported functions with names,
;; a recursive call and a loop. Try:
;;
;;     wasmvm dump -x -d fixtures/fac.wasm
(module $fac_module
  (type $i64_to_i64 (func (param i64) (result i64)))

  ;; fac_rec(n) = n == 0 ? 1 : n * fac_rec(n - 1)
  (func $fac_rec (export "fac_rec") (type $i64_to_i64) (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 1))
      (else
        (i64.mul
          (local.get $n)
          (call $fac_rec (i64.sub (local.get $n) (i64.const 1)))))))

  ;; fac_iter(n): multiply acc by n, n-1, ..., 1 in a loop.
  (func $fac_iter (export "fac_iter") (type $i64_to_i64) (param $n i64) (result i64)
    (local $acc i64)
    (local.set $acc (i64.const 1))
    (block $done
      (loop $again
        (br_if $done (i64.le_u (local.get $n) (i64.const 1)))
        (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
        (local.set $n (i64.sub (local.get $n) (i64.const 1)))
        (br $again)))
    (local.get $acc))
)
