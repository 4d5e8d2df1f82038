;; collatz: nested i64 loops; the total number of Collatz steps of 1..n.
(module
  (func (export "run") (param $n i32) (result i64)
    (local $i i32) (local $x i64) (local $steps i64)
    (local.set $i (i32.const 1))
    (block $done
      (loop $outer
        (br_if $done (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $x (i64.extend_i32_u (local.get $i)))
        (block $reached
          (loop $inner
            (br_if $reached (i64.eq (local.get $x) (i64.const 1)))
            (if (i32.wrap_i64 (i64.and (local.get $x) (i64.const 1)))
              (then (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 3)) (i64.const 1))))
              (else (local.set $x (i64.shr_u (local.get $x) (i64.const 1)))))
            (local.set $steps (i64.add (local.get $steps) (i64.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (local.get $steps)))
