;; squares.wat: write the squares 0, 1, 4, 9, ... into memory and add them up.
;; Step through it to watch the stores land in memory, 4 bytes each.
(module $squares
  (memory (export "memory") 1 1)

  ;; Store i*i at address 4*i for i = 0 .. n-1; return the sum of the squares.
  (func $squares (export "squares") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store
          (i32.mul (local.get $i) (i32.const 4))
          (i32.mul (local.get $i) (local.get $i)))
        (local.set $sum
          (i32.add (local.get $sum)
                   (i32.load (i32.mul (local.get $i) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum))

  ;; Read back the square stored at index i (a trap past the end of memory).
  (func $square_at (export "square_at") (param $i i32) (result i32)
    (i32.load (i32.mul (local.get $i) (i32.const 4)))))
