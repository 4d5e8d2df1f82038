;; forever.wat: a loop that never ends. Every call runs out of fuel, the budget of
;; work the service gives each call, and stops with "all fuel consumed by WebAssembly".
(module $forever
  (func $spin (export "spin") (param $x i32) (result i32)
    (loop $again
      (local.set $x (i32.add (local.get $x) (i32.const 1)))
      (br $again))
    (local.get $x))

  ;; Integer division: divide by zero to see a trap.
  (func $divide (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b))))
