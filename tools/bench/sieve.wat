;; sieve: the sieve of Eratosthenes over linear memory (one byte per number);
;; run(n) counts the primes up to n. Memory grows to hold n + 1 bytes.
(module
  (memory 1)
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32) (local $pages i32)
    ;; grow to ceil((n + 1) / 65536) pages
    (local.set $pages
      (i32.sub
        (i32.shr_u (i32.add (local.get $n) (i32.const 65536)) (i32.const 16))
        (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (drop (memory.grow (local.get $pages)))))
    ;; flags[2..n] = 1
    (local.set $i (i32.const 2))
    (block $set_done
      (loop $set
        (br_if $set_done (i32.gt_u (local.get $i) (local.get $n)))
        (i32.store8 (local.get $i) (i32.const 1))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $set)))
    ;; strike out multiples
    (local.set $i (i32.const 2))
    (block $sieve_done
      (loop $sieve
        (br_if $sieve_done
          (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $strike_done
              (loop $strike
                (br_if $strike_done (i32.gt_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $strike)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sieve)))
    ;; count
    (local.set $i (i32.const 2))
    (block $count_done
      (loop $count_loop
        (br_if $count_done (i32.gt_u (local.get $i) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count_loop)))
    (local.get $count)))
