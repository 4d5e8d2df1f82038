;; fib.wat: Fibonacci numbers, in the flat (stack) style of instructions.
;;
;; fib_rec is the slow, doubly recursive definition; fib_iter keeps two locals and
;; a counter and uses a loop that branches back to its start.
(module $fib_module
  ;; fib_rec(n) = n < 2 ? n : fib_rec(n - 1) + fib_rec(n - 2)
  (func $fib_rec (export "fib_rec") (param $n i32) (result i32)
    local.get $n
    i32.const 2
    i32.lt_u
    if (result i32)
      local.get $n
    else
      local.get $n
      i32.const 1
      i32.sub
      call $fib_rec
      local.get $n
      i32.const 2
      i32.sub
      call $fib_rec
      i32.add
    end)

  ;; fib_iter(n): (a, b) = (0, 1), then n times (a, b) = (b, a + b); returns a.
  (func $fib_iter (export "fib_iter") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32)
    i32.const 1
    local.set $b
    block $exit
      loop $step
        local.get $n
        i32.eqz
        br_if $exit
        local.get $a
        local.get $b
        i32.add
        local.set $t
        local.get $b
        local.set $a
        local.get $t
        local.set $b
        local.get $n
        i32.const 1
        i32.sub
        local.set $n
        br $step
      end
    end
    local.get $a)

  ;; fib_tee(n): the same loop written with local.tee and a counting index.
  (func $fib_tee (export "fib_tee") (param $n i32) (result i64)
    (local $i i32) (local $a i64) (local $b i64)
    (local.set $b (i64.const 1))
    (loop $step
      (if (i32.lt_u (local.get $i) (local.get $n))
        (then
          (local.set $b
            (i64.add (local.get $a) (local.tee $a (local.get $b))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $step))))
    (local.get $a))
)
