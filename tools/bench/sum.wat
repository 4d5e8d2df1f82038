;; sum: a tight i32 loop of arithmetic on locals (s = s * 31 + (i ^ (i >> 3)), n times).
(module
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s
          (i32.add
            (i32.mul (local.get $s) (i32.const 31))
            (i32.xor (local.get $i) (i32.shr_u (local.get $i) (i32.const 3)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $s)))
